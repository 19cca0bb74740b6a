package server

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"path/filepath"
	"testing"

	"github.com/screen-compliance/screen/input"
	"github.com/screen-compliance/screen/record"
)

// TestDecisionResponseMatchesStandardLibrary checks that writeDecision's
// encoder (goccy/go-json) writes what writeJSON (encoding/json) wrote for a
// decision before it had an encoder of its own: every record of the example
// files screened (with matches, goods, routes, fields and errors among
// them), and decisions holding text that JSON encoders treat specially
// (HTML characters, line and paragraph separators, control characters,
// invalid UTF-8).
func TestDecisionResponseMatchesStandardLibrary(t *testing.T) {
	eng := newEngine(t)
	files, err := filepath.Glob("../examples/dprk/*.csv")
	if err != nil {
		t.Fatal(err)
	}
	files = append(files, "../examples/shipments.csv")
	var ds []record.Decision
	for _, f := range files {
		r, err := input.Open(f, input.Options{})
		if err != nil {
			t.Fatalf("%s: %v", f, err)
		}
		for {
			rec, err := r.Next()
			if errors.Is(err, io.EOF) {
				break
			}
			if err != nil {
				t.Fatalf("%s: %v", f, err)
			}
			d, err := eng.Screen(context.Background(), rec)
			if err != nil {
				t.Fatalf("%s row %d: %v", f, rec.Row, err)
			}
			d.FillEmptyLists()
			ds = append(ds, d)
		}
		r.Close()
	}
	if len(ds) < 50 {
		t.Fatalf("only %d decisions from %v", len(ds), files)
	}
	for _, text := range []string{"<b>A & B</b>", "line\u2028para\u2029", "tab\tnul\x00bell\x07", "bad \xff\xfe utf-8", "\"quoted\" \\ slash /", "émigré 北京 😀"} {
		d := ds[0]
		d.ID, d.Source, d.Error = text, text, text
		d.Reasons = append([]record.Reason{{Rule: text, Message: text, Evidence: []string{text}}}, d.Reasons...)
		ds = append(ds, d)
	}
	withMatches := 0
	for i := range ds {
		if len(ds[i].Matches) > 0 {
			withMatches++
		}
		var got, want bytes.Buffer
		if err := encodeDecision(&got, &ds[i]); err != nil {
			t.Fatal(err)
		}
		enc := json.NewEncoder(&want)
		enc.SetEscapeHTML(false)
		if err := enc.Encode(ds[i]); err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(got.Bytes(), want.Bytes()) {
			t.Errorf("decision %d (%s): differs from encoding/json's:\n got %s\nwant %s", i, ds[i].ID, got.Bytes(), want.Bytes())
		}
	}
	if withMatches == 0 {
		t.Error("no decision with matches among the examples")
	}
}
