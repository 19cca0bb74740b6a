package lists

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/screen-compliance/screen/entity"
)

func TestParseDate(t *testing.T) {
	tests := []struct {
		in   string
		want entity.Date
	}{
		{"10 Dec 1948", "1948-12-10"},
		{"1 Jan 1960", "1960-01-01"},
		{"Dec 1948", "1948-12"},
		{"December 1948", "1948-12"},
		{"1948", "1948"},
		{"circa 1951", "1951"},
		{"Circa 01 Jan 1960", "1960-01-01"},
		{"approximately 1975", "1975"},
		{"1958 to 1962", "1958/1962"},
		{"01 Jan 1958 to 31 Dec 1962", "1958/1962"},
		{"01 Feb 1958 to 30 Jun 1962", "1958-02-01/1962-06-30"},
		{"1944-10-13", "1944-10-13"},
		{"2011-05-02T00:00:00", "2011-05-02"},
		{"13/10/1944", "1944-10-13"},
		{"1960 - 1962", "1960/1962"},
		{"", ""},
		{"unknown", ""},
		{"32 Jan 1960", ""},
		{"10 Foo 1960", ""},
		{"1960-13", ""},
		{"1958 to later", ""},
	}
	for _, tt := range tests {
		if got := entity.ParseDate(tt.in); got != tt.want {
			t.Errorf("entity.ParseDate(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestDetectScript(t *testing.T) {
	tests := []struct{ in, want string }{
		{"KIM JONG UN", ""},
		{"김정은", "Hangul"},
		{"金正恩", "Han"},
		{"朝鲜 조선", "Hangul"},
		{"صدام حسين", "Arabic"},
		{"Пак Ир", "Cyrillic"},
		{"Jin Tiesan (金铁三)", ""},
		{"トヨタ", "Kana"},
		{"", ""},
		{"123", ""},
	}
	for _, tt := range tests {
		if got := entity.DetectScript(tt.in); got != tt.want {
			t.Errorf("DetectScript(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestValidIMO(t *testing.T) {
	tests := map[string]bool{"7937317": true, "8660313": true, "9187629": true, "5342883": false, "793731": false, "79373170": false, "79x7317": false}
	for in, want := range tests {
		if got := ValidIMO(in); got != want {
			t.Errorf("ValidIMO(%q) = %v", in, got)
		}
	}
}

func TestSplitRemarks(t *testing.T) {
	got := splitRemarks("DOB 1960; a.k.a. 'A; B'; a.k.a. 'O'NEIL'; Linked To: X.")
	want := []string{"DOB 1960", "a.k.a. 'A; B'", "a.k.a. 'O'NEIL'", "Linked To: X"}
	if len(got) != len(want) {
		t.Fatalf("got %q, want %q", got, want)
	}
	for i := range want {
		if got[i] != want[i] {
			t.Errorf("part %d = %q, want %q", i, got[i], want[i])
		}
	}
}

func TestDetectFormat(t *testing.T) {
	dir := t.TempDir()
	write := func(name, content string) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}
	tests := []struct {
		path, want string
	}{
		{fixture(t, "un/consolidated.xml"), FormatUN},
		{fixture(t, "ofac/sdn"), FormatOFACSDN},
		{fixture(t, "ofac/sdn/sdn.csv"), FormatOFACSDN},
		{fixture(t, "ofac/cons"), FormatOFACCons},
		{fixture(t, "ofac/cons/cons_prim.csv"), FormatOFACCons},
		{fixture(t, "own/watchlist.json"), FormatOwnJSON},
		{fixture(t, "own/watchlist.yaml"), FormatOwnYAML},
		{fixture(t, "own/watchlist.csv"), FormatOwnCSV},
		{write("renamed.txt", `36,"AEROCARIBBEAN AIRLINES",-0- ,"CUBA",-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- `), FormatOFACSDN},
		{write("list.dat", "[{\"id\":\"1\",\"name\":\"A\"}]"), FormatOwnJSON},
		{write("x.ftm.json", `{"id":"a","schema":"Person","properties":{}}`), FormatFtM},
		{write("dpl.txt", "Name\tStreet_Address\tCity\n"), FormatBIS},
	}
	for _, tt := range tests {
		got, err := DetectFormat(tt.path)
		if err != nil || got != tt.want {
			t.Errorf("DetectFormat(%s) = %q, %v; want %q", filepath.Base(tt.path), got, err, tt.want)
		}
	}
	if _, err := DetectFormat(write("notes.txt", "hello")); err == nil {
		t.Error("plain text detected as a list")
	}
	if _, err := DetectFormat(dir + "/missing"); err == nil {
		t.Error("missing file detected")
	}
}
