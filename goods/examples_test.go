package goods_test

import (
	"encoding/csv"
	"encoding/json"
	"errors"
	"io"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/screen-compliance/screen/record"
)

// expectedFile is examples/dprk/expected.json.
type expectedFile struct {
	Files map[string]map[string]struct {
		Decision string `json:"decision"`
		Rule     string `json:"rule"`
		Citation string `json:"citation"`
		Note     string `json:"note"`
	} `json:"files"`
}

// readShipments reads a shipment CSV of examples/dprk into records, the
// way the input package maps these columns (kept independent of it here).
func readShipments(t *testing.T, path string) map[string]*record.Record {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	r := csv.NewReader(f)
	head, err := r.Read()
	if err != nil {
		t.Fatalf("%s: header: %v", path, err)
	}
	out := map[string]*record.Record{}
	for line := 2; ; line++ {
		vals, err := r.Read()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			t.Fatalf("%s line %d: %v", path, line, err)
		}
		get := map[string]string{}
		rec := &record.Record{Row: line - 1}
		for i, h := range head {
			get[h] = vals[i]
			rec.Fields = append(rec.Fields, record.Field{Column: h, Value: vals[i]})
		}
		rec.ID = get["id"]
		for _, role := range []string{record.RoleShipper, record.RoleConsignee, record.RoleNotifyParty} {
			if get[role] != "" {
				rec.Parties = append(rec.Parties, record.Party{Role: role, Name: get[role], Country: get[role+"_country"]})
			}
		}
		if get["vessel"] != "" || get["imo"] != "" {
			rec.Parties = append(rec.Parties, record.Party{Role: record.RoleVessel, Name: get["vessel"], Kind: "vessel", Country: get["vessel_flag"], IMO: get["imo"]})
		}
		if get["hs_code"] != "" || get["description"] != "" {
			rec.Goods = []record.GoodsLine{{
				HS: get["hs_code"], Description: get["description"], Quantity: get["quantity"],
				Unit: get["unit"], Value: get["value"], Currency: get["currency"],
			}}
		}
		rec.Route = record.Route{
			Origin: get["origin_country"], Destination: get["destination_country"],
			PortOfLoading: get["port_of_loading"], PortOfDischarge: get["port_of_discharge"],
		}
		for _, v := range strings.FieldsFunc(get["transshipment"], func(r rune) bool { return r == ';' }) {
			rec.Route.Transshipment = append(rec.Route.Transshipment, strings.TrimSpace(v))
		}
		if _, dup := out[rec.ID]; dup {
			t.Fatalf("%s: duplicate id %s", path, rec.ID)
		}
		out[rec.ID] = rec
	}
	return out
}

// TestExamples screens examples/dprk/*.csv (goods, route and the policy
// bundle; no list matching) and checks examples/dprk/expected.json.
func TestExamples(t *testing.T) {
	dir := filepath.Join("..", "examples", "dprk")
	b, err := os.ReadFile(filepath.Join(dir, "expected.json"))
	if err != nil {
		t.Skipf("examples not present: %v", err)
	}
	var exp expectedFile
	if err := json.Unmarshal(b, &exp); err != nil {
		t.Fatalf("expected.json: %v", err)
	}
	csvs, _ := filepath.Glob(filepath.Join(dir, "*.csv"))
	if len(csvs) != len(exp.Files) {
		t.Errorf("%d CSV files but expected.json covers %d", len(csvs), len(exp.Files))
	}
	s := newScreener(t)
	names := make([]string, 0, len(exp.Files))
	for n := range exp.Files {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, name := range names {
		rows := exp.Files[name]
		recs := readShipments(t, filepath.Join(dir, name))
		if len(recs) != len(rows) {
			t.Errorf("%s: %d rows, expected.json has %d", name, len(recs), len(rows))
		}
		for id, want := range rows {
			t.Run(name+"/"+id, func(t *testing.T) {
				rec, ok := recs[id]
				if !ok {
					t.Fatalf("row %s not in %s", id, name)
				}
				dec, fs := s.screen(t, rec)
				if dec != want.Decision {
					t.Errorf("decision %s, want %s (%s); findings %+v", dec, want.Decision, want.Note, fs)
				}
				if want.Rule == "" {
					return
				}
				for _, f := range fs {
					if f.Rule == want.Rule {
						if !strings.Contains(f.Citation, want.Citation) {
							t.Errorf("%s citation %q lacks %q", f.Rule, f.Citation, want.Citation)
						}
						return
					}
				}
				t.Errorf("rule %s did not fire; findings %+v", want.Rule, fs)
			})
		}
	}
}
