package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/screen-compliance/screen/record"
)

// TestListedNamesAsDocumentsWriteThem screens, through the CLI, the names
// of issue 14 against the real UN consolidated and OFAC SDN lists: listed
// names written plainly (without the list's acronym in brackets, with
// trade-document abbreviations, in Han and Hangul) are found and blocked;
// the three false alarms are gone; a vessel whose IMO number differs from
// the listed one is reviewed, not blocked on its name.
func TestListedNamesAsDocumentsWriteThem(t *testing.T) {
	un := filepath.Join(repo, "../shared/data/un/consolidated.xml")
	sdn := filepath.Join(repo, "../shared/data/ofac/sdn-2021/sdn.csv")
	for _, p := range []string{un, sdn} {
		if _, err := os.Stat(p); err != nil {
			t.Skipf("real list %s not available (%v): skipping", p, err)
		}
	}
	rows := []struct {
		id, name, kind, country, imo string
		decision                     string
		entity                       string // an entity that must be among the matches ("" = none wanted)
	}{
		{"P01", "ARMAMENT INDUSTRIES GROUP", "", "", "", record.Block, "un:IRe.005"},
		{"P02", "Ocean Maritime Management Co Ltd", "", "", "", record.Block, "un:KPe.020"},
		{"P03", "Foreign Trade Bank", "", "", "", record.Block, "un:KPe.047"},
		{"P04", "Korea Kwangson Banking Corp", "", "", "", record.Block, "un:KPe.025"},
		{"P05", "Korea Ryonbong Genl Corp", "", "", "", record.Block, "un:KPe.002"},
		{"P06", "Korea Kumsan Trdg Corp", "", "", "", record.Block, "un:KPe.044"},
		{"P07", "Tanchon Coml Bank", "", "", "", record.Block, "un:KPe.003"},
		{"P08", "Foreign Trade Bank of the DPRK", "", "", "", record.Block, "un:KPe.047"},
		{"P09", "丹东鸿祥实业发展有限公司", "", "", "", record.Block, "ofac:20564"},
		{"P10", "조선광업개발무역회사", "", "", "", record.Block, "un:KPe.001"},
		// the false alarms
		{"N01", "Sinuiju Trading Company", "", "KP", "", record.Clear, ""},
		{"N02", "Ma Xiaoming", "", "", "", record.Clear, ""},
		{"N03", "Otto GmbH & Co KG", "", "", "", record.Clear, ""},
		// a vessel: the IMO number decides
		{"V01", "Chong Chon Gang", "vessel", "", "7937317", record.Block, "ofac:17069"},
		{"V02", "Chong Chon Gang", "vessel", "", "9123456", record.Review, "ofac:17069"},
	}
	var b strings.Builder
	b.WriteString("id,name,type,country,imo\n")
	for _, r := range rows {
		b.WriteString(strings.Join([]string{r.id, r.name, r.kind, r.country, r.imo}, ",") + "\n")
	}
	in := filepath.Join(t.TempDir(), "parties.csv")
	if err := os.WriteFile(in, []byte(b.String()), 0o644); err != nil {
		t.Fatal(err)
	}
	code, out, errOut := runCLI(t, "scan", "--list", un, "--list", sdn, "-f", "jsonl", "--no-fail", in)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	ds := decodeJSONL(t, out)
	if len(ds) != len(rows) {
		t.Fatalf("%d decisions for %d rows", len(ds), len(rows))
	}
	for i, r := range rows {
		d := ds[i]
		if d.ID != r.id {
			t.Fatalf("row %d: id %s, want %s", i, d.ID, r.id)
		}
		if d.Decision != r.decision {
			t.Errorf("%s %q: decision %s, want %s; matches %+v", r.id, r.name, d.Decision, r.decision, d.Matches)
		}
		if r.entity != "" && !hasMatch(d.Matches, r.entity) {
			t.Errorf("%s %q: %s not among the matches %+v", r.id, r.name, r.entity, d.Matches)
		}
	}
	// the officer sees the list's own text; the IMO conflict is explained
	for _, d := range ds {
		switch d.ID {
		case "P01":
			for _, m := range d.Matches {
				if m.EntityID == "un:IRe.005" && m.MatchedName != "ARMAMENT INDUSTRIES GROUP (AIG)" {
					t.Errorf("P01: matched name %q, want the list's text", m.MatchedName)
				}
			}
		case "V02":
			m := d.Matches[0]
			if len(m.Conflicts) == 0 || !strings.Contains(m.Explanation, "IMO differs") {
				t.Errorf("V02: IMO conflict not explained: %+v", m)
			}
		}
	}
}

func hasMatch(ms []record.Match, id string) bool {
	for _, m := range ms {
		if m.EntityID == id {
			return true
		}
	}
	return false
}

// TestListsStatusCountsNameForms: `lists status --names` says how many
// names of each installed list were read into other forms.
func TestListsStatusCountsNameForms(t *testing.T) {
	dir := t.TempDir()
	list := filepath.Join(dir, "own.json")
	doc := `{"meta": {"name": "own", "version": "1"}, "entities": [
	  {"id": "1", "kind": "organization", "name": "ARMAMENT INDUSTRIES GROUP (AIG)"},
	  {"id": "2", "kind": "person", "name": "Azim Adhajani; Azim Agha-Jani"},
	  {"id": "3", "kind": "organization", "name": "PLAIN TRADING CO"}]}`
	if err := os.WriteFile(list, []byte(doc), 0o644); err != nil {
		t.Fatal(err)
	}
	t.Setenv("SCREEN_STORE", filepath.Join(dir, "store"))
	if code, _, errOut := runCLI(t, "lists", "import", list); code != 0 {
		t.Fatalf("import: exit %d: %s", code, errOut)
	}
	code, out, errOut := runCLI(t, "lists", "status", "--names", "-f", "json")
	if code != 0 {
		t.Fatalf("status: exit %d: %s", code, errOut)
	}
	for _, want := range []string{`"names": 3`, `"read": 2`, `"entities": 2`, `"acronym in brackets": 1`, `"one of several names": 2`} {
		if !strings.Contains(out, want) {
			t.Errorf("status --names lacks %s:\n%s", want, out)
		}
	}
}

// TestNamesVocabularyFlag: a user's vocabulary file extends the
// equivalents used at index and query time alike.
func TestNamesVocabularyFlag(t *testing.T) {
	dir := t.TempDir()
	list := filepath.Join(dir, "own.json")
	doc := `{"meta": {"name": "own", "version": "1"}, "entities": [
	  {"id": "1", "kind": "organization", "name": "ZORBEX WIDGET WORKS LTD"}]}`
	vocab := filepath.Join(dir, "vocab.yaml")
	if err := os.WriteFile(list, []byte(doc), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(vocab, []byte("abbreviations:\n  widget: [wdgt]\ngeneric: [widget]\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	score := func(args ...string) float64 {
		t.Helper()
		code, out, errOut := runCLI(t, append([]string{"check", "--list", list, "-f", "jsonl", "--no-fail", "ZORBEX WDGT WORKS LTD"}, args...)...)
		if code != 0 {
			t.Fatalf("exit %d: %s", code, errOut)
		}
		ds := decodeJSONL(t, out)
		if len(ds) != 1 || len(ds[0].Matches) == 0 {
			return 0
		}
		return ds[0].Matches[0].NameScore
	}
	without, with := score(), score("--names-vocabulary", vocab)
	if with != 1 || without >= with {
		t.Errorf("name score without the vocabulary file %.3f, with it %.3f (want 1)", without, with)
	}
	bad := filepath.Join(dir, "bad.yaml")
	if err := os.WriteFile(bad, []byte("abbreviation: {}\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if code, _, errOut := runCLI(t, "check", "--list", list, "--names-vocabulary", bad, "X"); code != exitFailure || !strings.Contains(errOut, "bad.yaml") {
		t.Errorf("a misspelt vocabulary section: exit %d, stderr %q", code, errOut)
	}
}
