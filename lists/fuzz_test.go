package lists

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"testing"

	"github.com/screen-compliance/screen/entity"
)

// seed adds the files under testdata/lists/rel to the fuzz corpus.
func seed(f *testing.F, rels ...string) {
	f.Helper()
	for _, rel := range rels {
		b, err := os.ReadFile(fixture(f, rel))
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
	}
}

// checkList asserts the invariants every parser promises on success.
func checkList(t *testing.T, l *entity.List, err error) {
	t.Helper()
	if err != nil {
		return
	}
	if l == nil {
		t.Fatal("nil list without error")
	}
	if verr := l.Validate(); verr != nil {
		t.Fatalf("parser returned an invalid list: %v", verr)
	}
}

func FuzzParseUN(f *testing.F) {
	seed(f, "un/consolidated.xml")
	f.Add([]byte(`<CONSOLIDATED_LIST dateGenerated="x"><ENTITIES><ENTITY><REFERENCE_NUMBER>a</REFERENCE_NUMBER><FIRST_NAME>b</FIRST_NAME><COMMENTS1>tanker IMO 8660313</COMMENTS1></ENTITY></ENTITIES></CONSOLIDATED_LIST>`))
	f.Fuzz(func(t *testing.T, b []byte) {
		l, err := Parse(context.Background(), bytes.NewReader(b), FormatUN, "fuzz.xml")
		checkList(t, l, err)
	})
}

func FuzzParseOFACCSV(f *testing.F) {
	dir := fixture(f, "ofac/sdn")
	var main, comments []byte
	var err error
	if main, err = os.ReadFile(filepath.Join(dir, "sdn.csv")); err != nil {
		f.Fatal(err)
	}
	if comments, err = os.ReadFile(filepath.Join(dir, "sdn_comments.csv")); err != nil {
		f.Fatal(err)
	}
	f.Add(main, comments)
	f.Add([]byte(`1,"A, B","individual","X",-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,"DOB 1 Jan 1960 to 2 Feb 1961; a.k.a. 'C'"`), []byte(`1,"; POB X, Y"`))
	f.Fuzz(func(t *testing.T, main, comments []byte) {
		l, err := ParseOFACCSV(context.Background(), OFACFiles{Main: bytes.NewReader(main), MainName: "sdn.csv", Comments: bytes.NewReader(comments), CommentsName: "sdn_comments.csv"}, false)
		checkList(t, l, err)
	})
}

func FuzzOFACRemarks(f *testing.F) {
	for _, s := range []string{
		"DOB 14 Mar 1970; alt. DOB circa 1968; POB Pyongyang, Korea, North; a.k.a. 'KIM, Chol; Jr.'",
		"Passport 654320999 (Korea, North) issued 01 Jan 2015 expires 01 Jan 2020; Linked To: X.",
		"Vessel Registration Identification IMO 8660313; MMSI 445112000; Company Number IMO 5123456",
		"a.k.a. '", "'", ";;", "DOB ", "Passport (",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		e := &entity.Entity{ID: "ofac:1", Name: "X", Kind: entity.KindVessel}
		parseOFACRemarks(e, s)
		for _, a := range e.Aliases {
			if a.Name == "" {
				t.Fatalf("empty alias from %q", s)
			}
		}
		for _, id := range e.Identifiers {
			if id.Value == "" {
				t.Fatalf("empty identifier from %q", s)
			}
		}
	})
}

func FuzzParseDate(f *testing.F) {
	for _, s := range []string{"10 Dec 1948", "circa 1951", "1958 to 1962", "01 Jan 1958 to 31 Dec 1962", "1944-10-13", "13/10/1944"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		d := entity.ParseDate(s)
		if d != "" && !validDate(string(d)) {
			t.Fatalf("entity.ParseDate(%q) = %q, which is not a valid Date", s, d)
		}
	})
}

func FuzzParseOwnJSON(f *testing.F) {
	seed(f, "own/watchlist.json")
	f.Add([]byte(`[{"id":"1","name":"A"}]`))
	f.Fuzz(func(t *testing.T, b []byte) {
		l, err := Parse(context.Background(), bytes.NewReader(b), FormatOwnJSON, "fuzz.json")
		checkList(t, l, err)
	})
}

func FuzzParseOwnYAML(f *testing.F) {
	seed(f, "own/watchlist.yaml")
	f.Add([]byte("- id: 1\n  name: A\n"))
	f.Fuzz(func(t *testing.T, b []byte) {
		l, err := Parse(context.Background(), bytes.NewReader(b), FormatOwnYAML, "fuzz.yaml")
		checkList(t, l, err)
	})
}

func FuzzParseOwnCSV(f *testing.F) {
	seed(f, "own/watchlist.csv")
	f.Add([]byte("id,name\n1,A\n"))
	f.Fuzz(func(t *testing.T, b []byte) {
		l, err := Parse(context.Background(), bytes.NewReader(b), FormatOwnCSV, "fuzz.csv")
		checkList(t, l, err)
	})
}
