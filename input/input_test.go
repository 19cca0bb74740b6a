package input

import (
	"errors"
	"fmt"
	"io"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/screen-compliance/screen/record"
)

const fixtures = "../testdata/input"

// readAll reads every record of r, failing the test on a read error.
func readAll(t testing.TB, r Reader) []record.Record {
	t.Helper()
	var out []record.Record
	for {
		rec, err := r.Next()
		if err == io.EOF {
			return out
		}
		if err != nil {
			t.Fatalf("Next: %v", err)
		}
		out = append(out, rec)
		if len(out) > 1e6 {
			t.Fatal("too many records")
		}
	}
}

func openAll(t *testing.T, name string, opts Options) ([]record.Record, Mapping) {
	t.Helper()
	r, err := Open(filepath.Join(fixtures, name), opts)
	if err != nil {
		t.Fatalf("Open: %v", err)
	}
	defer r.Close()
	return readAll(t, r), r.Mapping()
}

// summary renders the understood part of a record compactly.
func summary(rec record.Record) string {
	if rec.Err != "" {
		return fmt.Sprintf("%d ERR", rec.Row)
	}
	var b strings.Builder
	fmt.Fprintf(&b, "%d id=%s", rec.Row, rec.ID)
	for _, p := range rec.Parties {
		fmt.Fprintf(&b, " %s:%s", p.Role, p.Name)
		if p.Kind != "" {
			fmt.Fprintf(&b, "/%s", p.Kind)
		}
		if p.Country != "" {
			fmt.Fprintf(&b, "@%s", p.Country)
		}
		if p.IMO != "" {
			fmt.Fprintf(&b, "#%s", p.IMO)
		}
	}
	for _, g := range rec.Goods {
		fmt.Fprintf(&b, " hs=%s", g.HS)
	}
	if r := rec.Route; !reflect.DeepEqual(r, record.Route{}) {
		fmt.Fprintf(&b, " route=%s>%s", r.Origin, r.Destination)
		if len(r.Transshipment) > 0 {
			fmt.Fprintf(&b, " via=%s", strings.Join(r.Transshipment, "+"))
		}
	}
	return b.String()
}

func TestFixtures(t *testing.T) {
	tests := []struct {
		file  string
		shape string
		want  []string
	}{
		{"parties.csv", ShapeParty, []string{
			"1 id=P-1 party:Korea Mining Development Trading Corporation/organization@DPRK",
			"2 id=P-2 party:Kim Jong Sik/person@KP",
			"3 id=P-3 party:Acme Tools GmbH/organization@Germany",
			"4 id=P-4 party:Chong Chon Gang/vessel@KP#7937317",
			`5 id=P-5 party:O'Brien, Patrick "Pat"/person@IE`,
		}},
		{"shipments.csv", ShapeShipment, []string{
			"1 id=SHP-1 shipper:Dandong Xinhe Trading Co. Ltd.@CN consignee:Pyongyang Sonbong General Trading Corp@KP hs=2818.20 route=CN>KP",
			"2 id=SHP-2 shipper:Hunchun Meifa Hair Products Co.@CN consignee:Sinuiju Hyesong Trading Company@KP notify_party:Hyesong Agent Ltd vessel:Chong Chon Gang/vessel#7937317 hs=0501.00 hs=6704.20 route=CN>KP via=Busan+Vladivostok",
			"3 id=SHP-3 shipper:Liaoning Hongtai Industrial Co. Ltd@CN consignee:Korea Mining Dev. Trading Corp (KOMID)@KP hs=0302 route=CN>KP",
		}},
		{"shipments.tsv", ShapeShipment, []string{
			"1 id=T-1 shipper:Alpha Exports Ltd consignee:Beta Imports LLC hs=8471.30 route=CN>RU",
			"2 id=T-2 shipper:Gamma Trading consignee:Delta Corp hs=2709.00 route=RU>KP",
		}},
		{"shipments.json", ShapeShipment, []string{
			"1 id=J-1 shipper:Alpha Exports Ltd consignee:Beta Imports LLC hs=8471.30 route=CN>RU via=SG+MY",
			"2 id=J-2 consignee:Korea Kumsong Foodstuffs Company vessel:Chong Chon Gang/vessel#7937317 hs=1507 route=>KP",
		}},
		{"shipments.jsonl", ShapeShipment, []string{
			"1 id=L-1 shipper:Alpha Exports Ltd consignee:Beta Imports LLC hs=8471.30",
			"3 id=L-2 consignee:Delta Corp hs=2709.00 route=RU>",
		}},
		{"parties.jsonl", ShapeParty, []string{
			"1 id= party:Korea Mining Development Trading Corporation/organization@KP",
			"2 id= party:Kim Jong Sik/person",
		}},
		{"semicolon_bom.csv", ShapeParty, []string{
			"1 id= party:Alpha Ltd/organization@CN",
			"2 id= party:Beta Corp/organization@KP",
		}},
		{"header_only.csv", ShapeShipment, nil},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			recs, m := openAll(t, tt.file, Options{})
			if m.Shape != tt.shape {
				t.Errorf("shape %q, want %q", m.Shape, tt.shape)
			}
			var got []string
			for _, r := range recs {
				got = append(got, summary(r))
				if r.Err != "" {
					t.Errorf("row %d: unexpected error %s", r.Row, r.Err)
				}
				if r.Source != filepath.Join(fixtures, tt.file) {
					t.Errorf("Source %q", r.Source)
				}
			}
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("got\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(tt.want, "\n"))
			}
		})
	}
}

func TestFieldsKeepCells(t *testing.T) {
	recs, _ := openAll(t, "shipments.csv", Options{})
	f := recs[1].Fields
	if len(f) != 20 {
		t.Fatalf("%d fields, want 20", len(f))
	}
	if f[0] != (record.Field{Column: "Shipment Ref", Value: "SHP-2"}) {
		t.Errorf("first field %+v", f[0])
	}
	if f[8] != (record.Field{Column: "IMO Number", Value: "IMO 7937317"}) {
		t.Errorf("IMO cell not kept as given: %+v", f[8])
	}
	g := recs[1].Goods
	if g[0].Description != "Human hair, unworked" || g[1].Description != "Wigs of human hair" || g[1].Value != "4000" || g[1].Currency != "USD" {
		t.Errorf("goods %+v", g)
	}
}

func TestMalformed(t *testing.T) {
	tests := []struct {
		file string
		// want is per record: "ok" or a substring of Err.
		want []string
	}{
		{"unterminated_quote.csv", []string{"ok", `row 2 (line 3), column "name": quoted field is not closed`, "ok", "ok"}},
		{"bad_quote.csv", []string{"ok", `row 2 (line 3), column "name": unexpected ' ' after a closing quote`, "ok"}},
		{"field_count.csv", []string{"ok", "row 2 (line 3): 2 cells, the header has 3", "row 3 (line 4): 4 cells", "ok"}},
		{"bad_utf8.csv", []string{"ok", `row 2 (line 3), column "name": invalid UTF-8`, "ok"}},
		{"bad_types.json", []string{"ok", "row 2 (element 2 at offset 46): a number where an object is expected",
			`field "name": a list where a single value is expected`, `field "name": an object where a single value`,
			"a string where an object is expected", "ok"}},
		{"bad.jsonl", []string{"ok", `row 2: field "country": invalid JSON`, "row 3: an array where an object is expected", "ok"}},
		{"truncated.json", []string{"ok", "row 2 (element 2 at offset 46): unexpected end of file"}},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			recs, _ := openAll(t, tt.file, Options{})
			if len(recs) != len(tt.want) {
				t.Fatalf("%d records, want %d: %v", len(recs), len(tt.want), recs)
			}
			for i, r := range recs {
				if r.Row != i+1 && tt.file != "bad.jsonl" {
					t.Errorf("record %d has row %d", i, r.Row)
				}
				if tt.want[i] == "ok" {
					if r.Err != "" || len(r.Parties) == 0 {
						t.Errorf("row %d: want a party, got err %q", r.Row, r.Err)
					}
					continue
				}
				if !strings.Contains(r.Err, tt.want[i]) {
					t.Errorf("row %d: err %q, want it to contain %q", r.Row, r.Err, tt.want[i])
				}
				if !strings.HasPrefix(r.Err, filepath.Join(fixtures, tt.file)+" row ") {
					t.Errorf("row %d: err %q does not name the file and row", r.Row, r.Err)
				}
				if len(r.Parties) != 0 || len(r.Goods) != 0 {
					t.Errorf("row %d: error record has parties or goods", r.Row)
				}
			}
		})
	}
}

func TestOpenErrors(t *testing.T) {
	tests := []struct {
		file string
		opts Options
		want string
	}{
		{"missing.csv", Options{}, "no such file"},
		{"empty.csv", Options{}, "empty.csv: empty file"},
		{"no_known_columns.csv", Options{}, `no known columns in "foo", "bar", "baz"`},
		{"not_objects.json", Options{}, "want an array of objects, the first element is a number"},
		{"top_scalar.json", Options{}, "found a string"},
		{"unknown_keys.jsonl", Options{}, `first object: no known columns in "colour", "size"`},
		{"parties.csv", Options{Format: "parquet"}, `unknown input format "parquet"`},
		{"parties.csv", Options{Columns: map[string]string{"colour": "x"}}, `unknown field "colour"`},
		{"parties.csv", Options{Columns: map[string]string{"name": "Full Legal Name"}}, `--columns name="Full Legal Name": no such column`},
	}
	for _, tt := range tests {
		t.Run(tt.file+tt.want, func(t *testing.T) {
			r, err := Open(filepath.Join(fixtures, tt.file), tt.opts)
			if err == nil {
				r.Close()
				t.Fatalf("want an error containing %q", tt.want)
			}
			if !strings.Contains(err.Error(), tt.want) {
				t.Errorf("error %q, want it to contain %q", err, tt.want)
			}
			if !strings.Contains(err.Error(), tt.file) {
				t.Errorf("error %q does not name the file", err)
			}
		})
	}
}

func TestSniffAndStrings(t *testing.T) {
	tests := []struct {
		name, in, format string
		want             []string
	}{
		{"csv", "name,country\nAlpha,CN\n", FormatCSV, []string{"1 id= party:Alpha@CN"}},
		{"tsv", "name\tcountry\nAlpha\tCN\n", FormatTSV, []string{"1 id= party:Alpha@CN"}},
		{"semicolon", "name;country\nAlpha;CN\n", FormatCSV, []string{"1 id= party:Alpha@CN"}},
		{"json", `[{"name":"Alpha","country":"CN"}]`, FormatJSON, []string{"1 id= party:Alpha@CN"}},
		{"empty array", `[]`, FormatJSON, nil},
		{"jsonl", "{\"name\":\"Alpha\"}\n{\"name\":\"Beta\"}\n", FormatJSONL, []string{"1 id= party:Alpha", "2 id= party:Beta"}},
		{"pretty object stream", "{\n \"name\": \"Alpha\"\n}\n{\"name\": \"Beta\"}", FormatJSON, []string{"1 id= party:Alpha", "2 id= party:Beta"}},
		{"excel sep line", "sep=;\r\nname;country\r\nAlpha;CN\r\n", FormatCSV, []string{"1 id= party:Alpha@CN"}},
		{"crlf and blank lines", "name,country\r\n\r\nAlpha,CN\r\n,\r\nBeta,KP", FormatCSV, []string{"2 id= party:Alpha@CN", "4 id= party:Beta@KP"}},
		{"title rows are not skipped in csv", "\n\nname\nAlpha\n", FormatCSV, []string{"1 id= party:Alpha"}},
		{"multi-line cell", "name,country\n\"Alpha\nTrading\",CN\nBeta,KP\n", FormatCSV, []string{"1 id= party:Alpha Trading@CN", "2 id= party:Beta@KP"}},
		{"quote in unquoted cell", "description,hs\n12\" pipe,7304\n", FormatCSV, []string{"1 id= hs=7304"}},
		{"vessel imo only", "imo,consignee\n9123456,\n", FormatCSV, []string{"1 id= vessel:/vessel#9123456"}},
		{"empty name", "name,country\n,CN\n", FormatCSV, []string{"1 ERR"}},
		{"no party or goods", "consignee,date\n,2026-01-01\n", FormatCSV, []string{"1 ERR"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r, err := NewReader(strings.NewReader(tt.in), "-", Options{})
			if err != nil {
				t.Fatal(err)
			}
			if m := r.Mapping(); m.Format != tt.format {
				t.Errorf("format %q, want %q", m.Format, tt.format)
			}
			var got []string
			for _, rec := range readAll(t, r) {
				got = append(got, summary(rec))
			}
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("got %q, want %q", got, tt.want)
			}
		})
	}
}

func TestColumnsOption(t *testing.T) {
	in := "Ref,Buyer Co,Product,Consignee\nA1,Kumsong Trading,Fish,Ignored Ltd\n"
	r, err := NewReader(strings.NewReader(in), "x.csv", Options{Columns: map[string]string{
		"consignee": "Buyer Co", "id": "ref", "hs": "Product",
	}})
	if err != nil {
		t.Fatal(err)
	}
	recs := readAll(t, r)
	if got := summary(recs[0]); got != "1 id=A1 consignee:Kumsong Trading hs=Fish" {
		t.Errorf("got %q", got)
	}
	m := r.Mapping()
	if m.Columns[3].Field != "" || !strings.Contains(m.Columns[3].Note, `--columns maps consignee to "Buyer Co"`) {
		t.Errorf("column 4 mapping %+v", m.Columns[3])
	}
}

func TestRowLimit(t *testing.T) {
	big := strings.Repeat("x", 300)
	tests := []struct {
		name, in string
		want     []string
	}{
		{"csv long line", "name\nAlpha\n" + big + "\nBeta\n", []string{"ok", "line longer than 256 bytes", "ok"}},
		{"csv long quoted cell", "name\nAlpha\n\"" + big + "\"\nBeta\n", []string{"ok", "line longer than 256 bytes", "ok"}},
		{"csv long multi-line cell", "name\nAlpha\n\"" + strings.Repeat("x\n", 150) + "\"\nBeta\n",
			append(append([]string{"ok", "quoted field is not closed within 256 bytes"}, slicesRepeat("ok", 149)...),
				"quoted field is not closed before the end of the file", "ok")},
		{"json big element", `[{"name":"Alpha"},{"name":"` + big + `"},{"name":"Beta"}]`, []string{"ok", "element larger than 256 bytes", "ok"}},
		{"jsonl long line", "{\"name\":\"Alpha\"}\n{\"name\":\"" + big + "\"}\n{\"name\":\"Beta\"}\n", []string{"ok", "line longer than 256 bytes", "ok"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r, err := NewReader(strings.NewReader(tt.in), "-", Options{maxRow: 256})
			if err != nil {
				t.Fatal(err)
			}
			recs := readAll(t, r)
			if len(recs) != len(tt.want) {
				t.Fatalf("%d records, want %d", len(recs), len(tt.want))
			}
			for i, rec := range recs {
				if tt.want[i] == "ok" {
					if rec.Err != "" {
						t.Errorf("record %d: %s", i, rec.Err)
					}
				} else if !strings.Contains(rec.Err, tt.want[i]) {
					t.Errorf("record %d: err %q, want %q", i, rec.Err, tt.want[i])
				}
			}
		})
	}
}

func slicesRepeat(s string, n int) []string {
	out := make([]string, n)
	for i := range out {
		out[i] = s
	}
	return out
}

func TestCSVResyncAfterStrayQuote(t *testing.T) {
	in := "name,country\nAlpha,CN\n\"Beta,KP\nGamma,\"RU\"\nDelta,FR\n"
	r, err := NewReader(strings.NewReader(in), "x.csv", Options{})
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, rec := range readAll(t, r) {
		got = append(got, summary(rec))
	}
	want := []string{"1 id= party:Alpha@CN", "2 ERR", "3 id= party:Gamma@RU", "4 id= party:Delta@FR"}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("got %q, want %q", got, want)
	}
}

type errReader struct{ n int }

func (e *errReader) Read(p []byte) (int, error) {
	if e.n == 0 {
		e.n++
		return copy(p, "name\nAlpha\n"), nil
	}
	return 0, errors.New("disk on fire")
}

func TestReadErrorIsReported(t *testing.T) {
	r, err := NewReader(&errReader{}, "x.csv", Options{})
	if err == nil {
		// The error may surface at Open (peek) or at Next.
		for {
			_, err = r.Next()
			if err != nil {
				break
			}
		}
	}
	if err == io.EOF || !strings.Contains(fmt.Sprint(err), "disk on fire") {
		t.Errorf("err %v, want the read error", err)
	}
}
