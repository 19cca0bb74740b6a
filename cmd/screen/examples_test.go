package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"
)

// TestDPRKExamples screens every example file of examples/dprk through the
// CLI, on the built-in list, and checks the decision, rule and citation that
// examples/dprk/expected.json gives for each row.
func TestDPRKExamples(t *testing.T) {
	dir := filepath.Join(repo, "examples/dprk")
	b, err := os.ReadFile(filepath.Join(dir, "expected.json"))
	if err != nil {
		t.Fatal(err)
	}
	var exp struct {
		Files map[string]map[string]struct {
			Decision string `json:"decision"`
			Rule     string `json:"rule"`
			Citation string `json:"citation"`
			Note     string `json:"note"`
		} `json:"files"`
	}
	if err := json.Unmarshal(b, &exp); err != nil {
		t.Fatal(err)
	}
	files := make([]string, 0, len(exp.Files))
	for f := range exp.Files {
		files = append(files, f)
	}
	sort.Strings(files)
	for _, file := range files {
		rows := exp.Files[file]
		t.Run(file, func(t *testing.T) {
			code, out, errOut := runCLI(t, "scan", "-f", "jsonl", "--no-fail", filepath.Join(dir, file))
			if code != exitOK {
				t.Fatalf("exit %d: %s", code, errOut)
			}
			seen := map[string]bool{}
			for _, d := range decodeJSONL(t, out) {
				want, ok := rows[d.ID]
				if !ok {
					t.Errorf("%s: row %s has no expectation", file, d.ID)
					continue
				}
				seen[d.ID] = true
				if d.Decision != want.Decision {
					t.Errorf("%s %s (%s): decision %s, want %s; reasons %v", file, d.ID, want.Note, d.Decision, want.Decision, d.Reasons)
				}
				if want.Rule == "" {
					continue
				}
				ok = false
				for _, r := range d.Reasons {
					if r.Rule == want.Rule && strings.Contains(r.Citation, want.Citation) {
						ok = true
					}
				}
				if !ok {
					t.Errorf("%s %s (%s): no reason %s citing %q in %v", file, d.ID, want.Note, want.Rule, want.Citation, d.Reasons)
				}
			}
			for id := range rows {
				if !seen[id] {
					t.Errorf("%s: expected row %s was not screened", file, id)
				}
			}
		})
	}
}
