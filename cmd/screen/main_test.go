package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/screen-compliance/screen/record"
)

// repo is the repository root, relative to this package.
const repo = "../.."

// runCLI runs the CLI in-process with an empty list store, so results never
// depend on lists installed on the machine.
func runCLI(t *testing.T, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	if os.Getenv("SCREEN_STORE") == "" {
		t.Setenv("SCREEN_STORE", t.TempDir())
	}
	var out, errb bytes.Buffer
	code = run(context.Background(), append([]string{"screen"}, args...), &out, &errb)
	return code, out.String(), errb.String()
}

func decodeJSONL(t *testing.T, s string) []record.Decision {
	t.Helper()
	var out []record.Decision
	sc := bufio.NewScanner(strings.NewReader(s))
	sc.Buffer(make([]byte, 1<<20), 1<<24)
	for sc.Scan() {
		var d record.Decision
		if err := json.Unmarshal(sc.Bytes(), &d); err != nil {
			t.Fatalf("bad jsonl line %q: %v", sc.Text(), err)
		}
		out = append(out, d)
	}
	return out
}

// TestScanExamples screens examples/shipments.csv on the built-in list: the
// README's run command. The expected decisions are what a compliance officer
// would decide.
func TestScanExamples(t *testing.T) {
	code, out, errOut := runCLI(t, "scan", "-f", "jsonl", filepath.Join(repo, "examples/shipments.csv"))
	if code != exitFindings {
		t.Errorf("exit %d, want %d (there are blocked shipments); stderr: %s", code, exitFindings, errOut)
	}
	if !strings.Contains(errOut, "built-in sample list") {
		t.Errorf("stderr does not say the built-in sample is in use: %q", errOut)
	}
	want := map[string]struct {
		decision string
		rule     string // a rule that must be among the reasons
		entity   string // the top match, if any
	}{
		"SHP-0001": {record.Review, "dual_use.concern", ""},                // aluminium oxide to Nampo
		"SHP-0003": {record.Block, "sanctions.match.strong", "un:KPe.001"}, // KOMID spelled differently
		"SHP-0004": {record.Clear, "", ""},                                 // soybean oil: not banned
		"SHP-0005": {record.Clear, "", ""},                                 // sugar: not banned
		"SHP-0006": {record.Clear, "", ""},                                 // Germany to Vietnam, unlisted parties
		"SHP-0007": {record.Block, "dprk.goods.import_ban", ""},            // coal from Nampo
		"SHP-0008": {record.Block, "dprk.goods.import_ban", ""},            // seafood from Rajin
		"SHP-0009": {record.Review, "dprk.petroleum.refined_cap", ""},      // diesel: cap, never clear
		"SHP-0010": {record.Block, "dprk.goods.export_ban", ""},            // excavators to Chongjin
		"SHP-0011": {record.Block, "dprk.goods.import_ban", ""},            // textiles from Sinuiju
		"SHP-0012": {record.Block, "sanctions.match.strong", "un:KPe.002"}, // "Ryon Bong"
		"SHP-0013": {record.Block, "sanctions.match.strong", "un:KPe.010"}, // Green Pine, ammunition
		"SHP-0014": {record.Block, "dprk.petroleum.banned_fuel", ""},       // jet fuel
		"SHP-0015": {record.Clear, "", ""},                                 // timber Estonia to Sweden
	}
	ds := decodeJSONL(t, out)
	if len(ds) != 15 {
		t.Fatalf("%d decisions for 15 rows", len(ds))
	}
	for i, d := range ds {
		if d.Row != i+1 {
			t.Errorf("decision %d has row %d", i, d.Row)
		}
		w, ok := want[d.ID]
		if !ok {
			continue
		}
		if d.Decision != w.decision {
			t.Errorf("%s: decision %s, want %s (reasons %+v)", d.ID, d.Decision, w.decision, d.Reasons)
		}
		if w.rule != "" {
			found := false
			for _, r := range d.Reasons {
				if r.Rule == w.rule && r.Citation != "" && r.Message != "" {
					found = true
				}
			}
			if !found {
				t.Errorf("%s: no reason %s with a citation in %+v", d.ID, w.rule, d.Reasons)
			}
		}
		if w.entity != "" && (len(d.Matches) == 0 || d.Matches[0].EntityID != w.entity) {
			t.Errorf("%s: top match %+v, want %s", d.ID, d.Matches, w.entity)
		}
		if d.Provenance.PolicySHA256 == "" || d.Provenance.Lists["builtin"] == "" {
			t.Errorf("%s: provenance %+v", d.ID, d.Provenance)
		}
	}
}

// TestUNListFindsKOMID is the acceptance check on the real UN list.
func TestUNListFindsKOMID(t *testing.T) {
	un := filepath.Join(repo, "../shared/data/un/consolidated.xml")
	if _, err := os.Stat(un); err != nil {
		t.Skipf("real UN list not available (%v): skipping", err)
	}
	in := filepath.Join(t.TempDir(), "rows.csv")
	os.WriteFile(in, []byte("id,consignee,hs_code,description\nR1,Korea Mining Dev. Trading Corp,8479.89,flotation machines\n"), 0o644)
	code, out, errOut := runCLI(t, "scan", "--list", un, "-f", "jsonl", in)
	if code == exitFailure {
		t.Fatalf("exit 2: %s", errOut)
	}
	ds := decodeJSONL(t, out)
	if len(ds) != 1 || len(ds[0].Matches) == 0 {
		t.Fatalf("no match: %s", out)
	}
	if m := ds[0].Matches[0]; m.EntityID != "un:KPe.001" || m.Name != "KOREA MINING DEVELOPMENT TRADING CORPORATION" {
		t.Errorf("top match %+v, want un:KPe.001", m)
	}
	if strings.Contains(errOut, "built-in") {
		t.Error("claims the built-in list is in use although --list was given")
	}
}

func writeFile(t *testing.T, name, content string) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

func TestExitCodes(t *testing.T) {
	clean := writeFile(t, "clean.csv", "name,country\nHarmless Widgets Ltd,DE\n")
	review := writeFile(t, "review.csv", "id,shipper,consignee,hs_code,description,origin_country,destination_country\nR1,Acme,Beta,2710.19,Diesel,CN,KP\n")
	blocked := filepath.Join(repo, "examples/shipments.csv")
	badPolicy := t.TempDir()
	os.WriteFile(filepath.Join(badPolicy, "broken.rego"), []byte("package screen.rules.broken\n\ndeny contains r if {\n"), 0o644)
	tests := []struct {
		name   string
		args   []string
		code   int
		stderr string
	}{
		{"clean file", []string{"scan", clean}, exitOK, ""},
		{"block at default fail-on", []string{"scan", blocked}, exitFindings, ""},
		{"review below default fail-on", []string{"scan", review}, exitOK, ""},
		{"review at fail-on review", []string{"scan", "--fail-on", "review", review}, exitFindings, ""},
		{"fail-on none", []string{"scan", "--fail-on", "none", blocked}, exitOK, ""},
		{"no-fail", []string{"scan", "--no-fail", blocked}, exitOK, ""},
		{"custom exit code", []string{"scan", "--exit-code", "3", blocked}, 3, ""},
		{"flags after file", []string{"scan", blocked, "-f", "json", "-q"}, exitFindings, ""},
		{"bad fail-on", []string{"scan", "--fail-on", "sometimes", clean}, exitFailure, "--fail-on"},
		{"unknown flag", []string{"scan", "--frobnicate", clean}, exitFailure, "frobnicate"},
		{"missing file", []string{"scan", "/nonexistent/x.csv"}, exitFailure, "/nonexistent/x.csv"},
		{"no file", []string{"scan"}, exitFailure, "no input file"},
		{"unknown format", []string{"scan", "-f", "pdf", clean}, exitFailure, "pdf"},
		{"policy compile error", []string{"scan", "-p", badPolicy, clean}, exitFailure, "broken.rego:"},
		{"unknown disabled rule", []string{"scan", "--disable-rule", "no.such", clean}, exitFailure, "no.such"},
		{"bad list file", []string{"scan", "--list", "/nonexistent/list.xml", clean}, exitFailure, "list.xml"},
		{"check listed", []string{"check", "Tanchon Commercial Bank"}, exitFindings, ""},
		{"check clean", []string{"check", "--type", "organization", "Harmless Widgets Ltd"}, exitOK, ""},
		{"check bad type", []string{"check", "--type", "planet", "x"}, exitFailure, "planet"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			code, _, errOut := runCLI(t, tc.args...)
			if code != tc.code {
				t.Errorf("exit %d, want %d; stderr: %s", code, tc.code, errOut)
			}
			if tc.stderr != "" && !strings.Contains(errOut, tc.stderr) {
				t.Errorf("stderr %q does not mention %q", errOut, tc.stderr)
			}
		})
	}
}

// TestMalformedInput: a bad row never stops the run, never panics and never
// disappears: it becomes a decision "error" naming file, row and field.
func TestMalformedInput(t *testing.T) {
	dir := filepath.Join(repo, "testdata/input")
	tests := []struct {
		file      string
		rows      int // decisions expected
		errorRows []int
		mention   string
	}{
		{"unterminated_quote.csv", 4, []int{2}, "unterminated_quote.csv"},
		{"bad_utf8.csv", 3, []int{2}, "UTF-8"},
		{"bad_types.json", 6, []int{2, 3, 4, 5}, "bad_types.json"},
		{"bad.jsonl", 4, []int{2, 3}, "bad.jsonl"},
		{"field_count.csv", 4, []int{2, 3}, "field_count.csv"},
	}
	for _, tc := range tests {
		t.Run(tc.file, func(t *testing.T) {
			code, out, errOut := runCLI(t, "scan", "-f", "jsonl", "--fail-on", "none", filepath.Join(dir, tc.file))
			if code != exitOK {
				t.Fatalf("exit %d; stderr %s", code, errOut)
			}
			ds := decodeJSONL(t, out)
			if len(ds) != tc.rows {
				t.Fatalf("%d decisions, want %d: %s", len(ds), tc.rows, out)
			}
			isErr := map[int]bool{}
			for _, r := range tc.errorRows {
				isErr[r] = true
			}
			for _, d := range ds {
				if isErr[d.Row] != (d.Decision == record.Error) {
					t.Errorf("row %d: decision %s (error %q)", d.Row, d.Decision, d.Error)
				}
				if d.Decision == record.Error && !strings.Contains(d.Error, "row") {
					t.Errorf("row %d: error %q does not name the row", d.Row, d.Error)
				}
			}
			if !strings.Contains(out+errOut, tc.mention) {
				t.Errorf("output does not mention %q", tc.mention)
			}
		})
	}
	// A file with nothing in it cannot be screened: exit 2 naming the file.
	code, _, errOut := runCLI(t, "scan", filepath.Join(dir, "empty.csv"))
	if code != exitFailure || !strings.Contains(errOut, "empty.csv") {
		t.Errorf("empty file: exit %d, stderr %q", code, errOut)
	}
	// Header only: nothing to screen, said on stderr, exit 0.
	code, out, errOut := runCLI(t, "scan", "-f", "jsonl", filepath.Join(dir, "header_only.csv"))
	if code != exitOK || out != "" || !strings.Contains(errOut, "no data rows") {
		t.Errorf("header only: exit %d, out %q, stderr %q", code, out, errOut)
	}
}

func TestDeterministicOutput(t *testing.T) {
	in := filepath.Join(repo, "examples/shipments.csv")
	for _, f := range []string{"json", "jsonl", "csv", "table", "sarif", "junit"} {
		_, a, _ := runCLI(t, "scan", "--deterministic", "-f", f, in)
		_, b, _ := runCLI(t, "scan", "--deterministic", "-f", f, in)
		if a != b || a == "" {
			t.Errorf("format %s: two runs differ", f)
		}
	}
	// The number of workers never changes the results or their order.
	_, a, _ := runCLI(t, "scan", "-f", "jsonl", "-j", "1", in)
	_, b, _ := runCLI(t, "scan", "-f", "jsonl", "-j", "4", in)
	if a != b {
		t.Error("-j 1 and -j 4 give different results")
	}
}

func TestStdinAndOutputFile(t *testing.T) {
	r, w, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	w.WriteString("name\nKorea Ryonbong General Corporation\nPlain Bakery Ltd\n")
	w.Close()
	old := os.Stdin
	os.Stdin = r
	defer func() { os.Stdin = old }()
	outFile := filepath.Join(t.TempDir(), "out.jsonl")
	code, stdout, errOut := runCLI(t, "scan", "-f", "jsonl", "-o", outFile, "--input-format", "csv", "-")
	if code != exitFindings || stdout != "" {
		t.Fatalf("exit %d stdout %q stderr %s", code, stdout, errOut)
	}
	b, _ := os.ReadFile(outFile)
	ds := decodeJSONL(t, string(b))
	if len(ds) != 2 || ds[0].Decision != record.Block || ds[1].Decision != record.Clear {
		t.Errorf("stdin decisions: %+v", ds)
	}
}

func TestSuppressionsBaselineAndAudit(t *testing.T) {
	in := writeFile(t, "p.csv", "id,name\nP1,Tanchon Commercial Bank\nP2,Plain Bakery Ltd\n")
	ignore := writeFile(t, "ignore.yaml", `suppressions:
  - entity_id: un:KPe.003
    record_id: P1
    reason: "Tanchon Commercial Bank of Tanchon, Ohio: a different bank (KYC file 88)"
    approved_by: a.officer
    expires: 2999-12-31
  - entity_id: un:KPe.001
    reason: old approval
    approved_by: b.officer
    expires: 2001-01-01
`)
	audit := filepath.Join(t.TempDir(), "audit.jsonl")
	code, out, errOut := runCLI(t, "scan", "-f", "jsonl", "--ignore-file", ignore, "--audit-log", audit, "--operator", "ci-job-7", in)
	if code != exitOK {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	ds := decodeJSONL(t, out)
	if ds[0].Decision != record.Clear || len(ds[0].Reasons) == 0 || ds[0].Reasons[0].SuppressedBy == "" {
		t.Errorf("suppressed record: %+v", ds[0])
	}
	if !strings.Contains(errOut, "expired") {
		t.Errorf("expired suppression not reported: %q", errOut)
	}
	b, _ := os.ReadFile(audit)
	lines := strings.Split(strings.TrimSpace(string(b)), "\n")
	if len(lines) != 2 || !strings.Contains(lines[0], "ci-job-7") || !strings.Contains(lines[0], "input_sha256") {
		t.Errorf("audit log: %q", b)
	}

	// Baseline: a previous report with the finding marks it known; the
	// decision and the exit code stay what they are without the baseline
	// (a baseline never shows a hit as clear).
	prev := filepath.Join(t.TempDir(), "prev.json")
	runCLI(t, "scan", "-f", "json", "-o", prev, in)
	code, out, errOut = runCLI(t, "scan", "-f", "jsonl", "--baseline", prev, in)
	ds = decodeJSONL(t, out)
	if code != exitFindings || ds[0].Decision != record.Block || len(ds[0].Reasons) == 0 ||
		ds[0].Reasons[0].Baseline != record.BaselineKnown || ds[0].Reasons[0].SuppressedBy != "" {
		t.Errorf("baseline: exit %d, %+v", code, ds[0])
	}
	if !strings.Contains(errOut, "already in the baseline") {
		t.Errorf("baseline: stderr does not count the known findings: %q", errOut)
	}
}

func TestConfigPrecedence(t *testing.T) {
	blocked := filepath.Join(repo, "examples/shipments.csv")
	cfg := writeFile(t, "screen.yaml", "fail-on: none\nscan:\n  format: jsonl\n")
	code, out, errOut := runCLI(t, "-c", cfg, "scan", blocked)
	if code != exitOK || !strings.HasPrefix(out, "{") {
		t.Errorf("config: exit %d (want 0), output starts %.20q; %s", code, out, errOut)
	}
	t.Setenv("SCREEN_FAIL_ON", "block")
	if code, _, _ := runCLI(t, "-c", cfg, "scan", blocked); code != exitFindings {
		t.Errorf("env over config: exit %d, want 1", code)
	}
	if code, _, _ := runCLI(t, "-c", cfg, "scan", "--fail-on", "none", blocked); code != exitOK {
		t.Errorf("flag over env: exit %d, want 0", code)
	}
}

// TestOwnershipExample screens the ownership example: the consignee is an
// unlisted company owned by the Dandong Hongxiang network.
func TestOwnershipExample(t *testing.T) {
	dir := filepath.Join(repo, "examples/ownership")
	code, out, errOut := runCLI(t, "scan", "-f", "jsonl", "--list", filepath.Join(dir, "dandong-network.json"),
		"--ownership", filepath.Join(dir, "ownership.csv"), filepath.Join(dir, "shipments.csv"))
	if code != exitFindings {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	ds := decodeJSONL(t, out)
	if ds[0].Decision != record.Block {
		t.Fatalf("OWN-0001: %s", ds[0].Decision)
	}
	want := "owned 30 % by DANDONG HONGXIANG INDUSTRIAL DEVELOPMENT CO LTD (ofac:20564, SDN) + 25 % by MA Xiaohong (ofac:20565, SDN) = 55 % ≥ 50 %"
	found := false
	for _, r := range ds[0].Reasons {
		if r.Rule == "ownership.ofac_50" && strings.Contains(r.Message, want) {
			found = true
		}
	}
	if !found {
		t.Errorf("OWN-0001 reasons lack the path and sum: %+v", ds[0].Reasons)
	}
	if ds[2].Decision != record.Clear {
		t.Errorf("OWN-0003 (ended holding): %s", ds[2].Decision)
	}
}
