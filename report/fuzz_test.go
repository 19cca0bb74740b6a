package report

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"encoding/xml"
	"math"
	"strings"
	"testing"

	"github.com/screen-compliance/screen/record"
)

// FuzzWriters feeds untrusted text through every writer: none may panic,
// the structured formats must stay parseable, and no text may break out of
// its cell, line or command.
func FuzzWriters(f *testing.F) {
	for _, d := range loadDecisions(f) {
		msg := ""
		if len(d.Reasons) > 0 {
			msg = d.Reasons[0].Message
		}
		name := ""
		if len(d.Matches) > 0 {
			name = d.Matches[0].Name
		}
		f.Add(d.ID, d.Source, name, msg, d.Decision, d.Row, 0.5)
	}
	f.Add("\x1b]0;pwned\x07", "a\nb.csv", "조선\u202e", "::error::x\r\n%0A", "bogus", -3, math.Inf(1))
	f.Fuzz(func(t *testing.T, id, source, name, msg, decision string, row int, score float64) {
		if math.IsNaN(score) || math.IsInf(score, 0) {
			score = 0 // JSON cannot carry them; the engine never makes them
		}
		d := record.Decision{
			ID: id, Source: source, Row: row, Decision: decision, Error: msg,
			Reasons: []record.Reason{{Rule: name, Severity: decision, Title: msg, Message: msg, Citation: name}},
			Matches: []record.Match{{Role: name, Query: msg, EntityID: id, List: source, Name: name, MatchedName: name, Score: score}},
			Goods:   []record.Goods{{Line: 0, HS: id, Description: msg, Categories: []string{name}}},
		}
		ds := []record.Decision{d}
		for _, format := range Formats() {
			out := render(t, format, ds, Options{Explain: true, ShowSuppressed: true})
			switch format {
			case FormatJSON, FormatSARIF:
				if !json.Valid(out) {
					t.Fatalf("%s output is not JSON:\n%s", format, out)
				}
			case FormatJSONL:
				if bytes.Count(out, []byte("\n")) != 1 || !json.Valid(out) {
					t.Fatalf("jsonl output is not one JSON line: %q", out)
				}
				if want := append(stdMarshalDecision(t, &d, ""), '\n'); !bytes.Equal(out, want) {
					t.Fatalf("jsonl line differs from encoding/json's:\n got %q\nwant %q", out, want)
				}
				for _, prefix := range []string{"", "  "} {
					got, err := marshalDecision(&d, prefix)
					if err != nil {
						t.Fatal(err)
					}
					if want := stdMarshalDecision(t, &d, prefix); !bytes.Equal(got, want) {
						t.Fatalf("decision JSON differs from encoding/json's:\n got %q\nwant %q", got, want)
					}
				}
			case FormatCSV:
				rows, err := csv.NewReader(bytes.NewReader(out)).ReadAll()
				if err != nil || len(rows) != 2 {
					t.Fatalf("csv: %d rows, %v", len(rows), err)
				}
				for _, c := range rows[1] {
					if c != "" && strings.ContainsRune("=+-@\t\r", rune(c[0])) {
						t.Fatalf("csv cell %q not neutralised", c)
					}
				}
			case FormatJUnit:
				var doc junitSuites
				if err := xml.Unmarshal(out, &doc); err != nil || doc.Tests != 1 {
					t.Fatalf("junit: %v, %d tests", err, doc.Tests)
				}
			case FormatGitHub:
				for _, l := range strings.Split(strings.TrimSuffix(string(out), "\n"), "\n") {
					if !strings.HasPrefix(l, "::error ") && !strings.HasPrefix(l, "::warning ") && !strings.HasPrefix(l, "::notice ") {
						t.Fatalf("github line %q is not an annotation", l)
					}
				}
			case FormatTable:
				if bytes.ContainsAny(out, "\x1b\r\a") {
					t.Fatalf("table holds control characters: %q", out)
				}
			}
		}
	})
}

// stdMarshalDecision encodes what marshalDecision encodes (decisionJSON)
// with the standard library's encoder, which the faster one it uses must
// match byte for byte.
func stdMarshalDecision(t *testing.T, d *record.Decision, prefix string) []byte {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if prefix != "" {
		enc.SetIndent(prefix, "  ")
	}
	if err := enc.Encode(decisionJSON(d)); err != nil {
		t.Fatal(err)
	}
	return bytes.TrimRight(buf.Bytes(), "\n")
}

// TestDecisionJSONMatchesStandardLibrary checks the fixture decisions,
// every one, against the standard library's encoding (FuzzWriters does
// the same on untrusted text).
func TestDecisionJSONMatchesStandardLibrary(t *testing.T) {
	ds := loadDecisions(t)
	var out, want bytes.Buffer
	w := newJSONL(&out)
	for i := range ds {
		if err := w.Write(&ds[i]); err != nil {
			t.Fatal(err)
		}
		want.Write(stdMarshalDecision(t, &ds[i], ""))
		want.WriteByte('\n')
		for _, prefix := range []string{"", "  "} {
			got, err := marshalDecision(&ds[i], prefix)
			if err != nil {
				t.Fatal(err)
			}
			if want := stdMarshalDecision(t, &ds[i], prefix); !bytes.Equal(got, want) {
				t.Errorf("decision %d: JSON differs from encoding/json's:\n got %s\nwant %s", i, got, want)
			}
		}
	}
	if !bytes.Equal(out.Bytes(), want.Bytes()) {
		t.Errorf("jsonl differs from encoding/json's lines")
	}
}

// BenchmarkWriters measures each writer on the fixture decisions.
func BenchmarkWriters(b *testing.B) {
	ds := loadDecisions(b)
	for _, format := range Formats() {
		b.Run(format, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				w, err := New(format, &bytes.Buffer{}, fixedInfo(), Options{})
				if err != nil {
					b.Fatal(err)
				}
				for i := 0; i < 200; i++ {
					if err := w.Write(&ds[i%len(ds)]); err != nil {
						b.Fatal(err)
					}
				}
				if err := w.Close(); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
