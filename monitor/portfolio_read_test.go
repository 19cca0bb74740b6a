package monitor

import (
	"context"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"testing"

	"github.com/screen-compliance/screen/input"
	"github.com/screen-compliance/screen/input/xlsxtest"
)

// TestReadFilesFormats: a portfolio is read from CSV, XLSX, JSON and JSON
// lines files as `scan` reads them; the same parties give the same items
// whatever the format (keys, names, countries), and an unreadable file is
// an error naming it, never a shorter portfolio.
func TestReadFilesFormats(t *testing.T) {
	dir := t.TempDir()
	files := map[string][]byte{
		"parties.csv":   []byte("id,name,country\nP1,Korea Ryonbong General Corporation,KP\nP2,Mueller Werkzeugmaschinen GmbH,DE\n"),
		"parties.json":  []byte(`[{"id":"P1","name":"Korea Ryonbong General Corporation","country":"KP"},{"id":"P2","name":"Mueller Werkzeugmaschinen GmbH","country":"DE"}]`),
		"parties.jsonl": []byte("{\"id\":\"P1\",\"name\":\"Korea Ryonbong General Corporation\",\"country\":\"KP\"}\n{\"id\":\"P2\",\"name\":\"Mueller Werkzeugmaschinen GmbH\",\"country\":\"DE\"}\n"),
		"parties.xlsx": xlsxtest.Zip(t, xlsxtest.Parts(
			xlsxtest.Row(1, "id", "name", "country"),
			xlsxtest.Row(2, "P1", "Korea Ryonbong General Corporation", "KP"),
			xlsxtest.Row(3, "P2", "Mueller Werkzeugmaschinen GmbH", "DE"),
		), nil),
	}
	type party struct{ key, name, country string }
	var want []party
	for _, name := range slices.Sorted(maps.Keys(files)) {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, files[name], 0o644); err != nil {
			t.Fatal(err)
		}
		items, err := ReadFiles(context.Background(), []string{p}, input.Options{})
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		var got []party
		for _, it := range items {
			if len(it.Record.Parties) != 1 {
				t.Fatalf("%s: item %s has %d parties", name, it.Key, len(it.Record.Parties))
			}
			got = append(got, party{it.Key, it.Record.Parties[0].Name, it.Record.Parties[0].Country})
		}
		if len(got) != 2 {
			t.Fatalf("%s: %d items (%v), want 2", name, len(got), got)
		}
		if want == nil {
			want = got
		} else if !slices.Equal(got, want) {
			t.Errorf("%s: items %v, want %v (as from the other formats)", name, got, want)
		}
	}
	bad := filepath.Join(dir, "broken.xlsx")
	if err := os.WriteFile(bad, []byte("PK\x03\x04 not a workbook"), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := ReadFiles(context.Background(), []string{filepath.Join(dir, "parties.csv"), bad}, input.Options{}); err == nil {
		t.Error("a damaged workbook was read as a portfolio")
	}
}
