package lists

import (
	"context"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// TestRegistryComplete fails when a format's registry entry is incomplete
// or a format is missing from the docs: lists/README.md's format table and
// the man page (docs/screen.1, whose --format help lists Formats()).
func TestRegistryComplete(t *testing.T) {
	seen := map[string]bool{}
	for _, f := range registry {
		t.Run(f.name, func(t *testing.T) {
			switch {
			case f.name == "" || f.name != strings.ToLower(strings.TrimSpace(f.name)):
				t.Errorf("name %q: want a lower-case name", f.name)
			case seen[f.name]:
				t.Errorf("name %q twice", f.name)
			}
			seen[f.name] = true
			if strings.TrimSpace(f.title) == "" || FormatTitle(f.name) != f.title {
				t.Errorf("no title (a docs line)")
			}
			if f.parse == nil {
				t.Errorf("no parse")
			}
			if f.detect == nil && len(f.names) == 0 {
				t.Errorf("no detect and no file names: the format is never detected")
			}
			for _, n := range f.names {
				if n != strings.ToLower(n) {
					t.Errorf("file name %q is not lower case: it never matches", n)
				}
				if got := DetectFormatBytes(n, nil); got != f.name {
					t.Errorf("file name %q detected as %q", n, got)
				}
			}
			if (f.load == nil) != (f.dirMain == "") {
				t.Errorf("load and dirMain go together (a file set read from its directory)")
			}
			if Official(f.name) == f.own {
				t.Errorf("Official = %v for own = %v", Official(f.name), f.own)
			}
		})
	}
	if FormatTitle("nope") != "" || Official("nope") {
		t.Error("an unknown format has a title or is official")
	}

	readme := readmeFormats(t)
	for _, name := range Formats() {
		if !readme[name] {
			t.Errorf("format %s has no row in lists/README.md's format table", name)
		}
	}
	for name := range readme {
		if !seen[name] {
			t.Errorf("lists/README.md's format table names %s, which is no format", name)
		}
	}
	man, err := os.ReadFile(filepath.Join(repoRoot(t), "docs", "screen.1"))
	if err != nil {
		t.Fatal(err)
	}
	if want := strings.Join(Formats(), ", "); !strings.Contains(string(man), want) {
		t.Errorf("docs/screen.1 does not list the formats %q: regenerate it (go run ./cmd/screen man > docs/screen.1)", want)
	}
}

// readmeFormats returns the format names of the first column of
// lists/README.md's format table ("| `un-xml` | ...", "| `json`, `yaml` | ...").
func readmeFormats(t *testing.T) map[string]bool {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(repoRoot(t), "lists", "README.md"))
	if err != nil {
		t.Fatal(err)
	}
	names := map[string]bool{}
	in := false
	for _, line := range strings.Split(string(b), "\n") {
		switch {
		case strings.HasPrefix(line, "| format |"):
			in = true
		case in && !strings.HasPrefix(line, "|"):
			return names
		case in && strings.HasPrefix(line, "| `"):
			cell := strings.Split(line, "|")[1]
			parts := strings.Split(cell, "`")
			for i := 1; i < len(parts); i += 2 {
				names[parts[i]] = true
			}
		}
	}
	if len(names) == 0 {
		t.Fatal("lists/README.md has no format table")
	}
	return names
}

// TestRegistryFixtures loads the fixture of every format under
// testdata/lists: detected from its name and content, parsed, validated,
// with entities. A new format comes with a fixture.
func TestRegistryFixtures(t *testing.T) {
	fixtures := map[string]string{
		FormatUN: "un/consolidated.xml", FormatOFACSDN: "ofac/sdn", FormatOFACCons: "ofac/cons",
		FormatOFACXML: "ofacxml/sdn_advanced.xml", FormatEU: "eu/eu-fsf.xml", FormatUK: "uk/UK-Sanctions-List.xml",
		FormatBIS: "bis/dpl.txt", FormatFtM: "ftm/entities.ftm.json", FormatFtMSimple: "ftm/targets.simple.csv",
		FormatOwnJSON: "own/watchlist.json", FormatOwnYAML: "own/watchlist.yaml", FormatOwnCSV: "own/watchlist.csv",
	}
	for _, name := range Formats() {
		t.Run(name, func(t *testing.T) {
			rel, ok := fixtures[name]
			if !ok {
				t.Fatalf("no fixture: add one under testdata/lists and to this table")
			}
			path := fixture(t, rel)
			if got, err := DetectFormat(path); err != nil || got != name {
				t.Errorf("DetectFormat = %q, %v", got, err)
			}
			l, err := Load(context.Background(), path, "")
			if err != nil {
				t.Fatal(err)
			}
			if len(l.Entities) == 0 || len(l.Meta.Files) == 0 || l.Meta.Version == "" {
				t.Errorf("entities %d, files %d, version %q", len(l.Entities), len(l.Meta.Files), l.Meta.Version)
			}
		})
	}
	for name := range fixtures {
		if !slices.Contains(Formats(), name) {
			t.Errorf("fixture of %s, which is no format", name)
		}
	}
}
