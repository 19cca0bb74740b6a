package goods_test

import (
	"context"
	"encoding/json"
	"slices"
	"sort"
	"strings"
	"sync"
	"testing"

	"github.com/open-policy-agent/opa/v1/ast"
	"github.com/open-policy-agent/opa/v1/rego"
	"github.com/open-policy-agent/opa/v1/storage/inmem"

	"github.com/screen-compliance/screen/goods"
	"github.com/screen-compliance/screen/record"
)

// finding is one policy reason, reduced to what the tests check.
type finding struct {
	Rule, Severity, Citation, Msg string
	Evidence                      []string
}

// screener classifies a record and evaluates the policy bundle on it, the
// way the engine does (input = record, matches, goods, route).
type screener struct {
	c     *goods.Classifier
	query rego.PreparedEvalQuery
}

var (
	screenerOnce sync.Once
	screenerVal  *screener
	screenerErr  error
)

func newScreener(t *testing.T) *screener {
	t.Helper()
	mods, data := loadBundle(t)
	screenerOnce.Do(func() {
		ctx := context.Background()
		c, err := goods.NewClassifier(ctx)
		if err != nil {
			screenerErr = err
			return
		}
		comp := ast.NewCompiler()
		prod := map[string]*ast.Module{}
		for name, m := range mods {
			if !strings.HasSuffix(name, "_test.rego") {
				prod[name] = m
			}
		}
		comp.Compile(prod)
		if comp.Failed() {
			screenerErr = comp.Errors
			return
		}
		q, err := rego.New(rego.Query("data.screen.rules"), rego.Compiler(comp),
			rego.Store(inmem.NewFromObject(data)), rego.StrictBuiltinErrors(true)).PrepareForEval(ctx)
		if err != nil {
			screenerErr = err
			return
		}
		screenerVal = &screener{c: c, query: q}
	})
	if screenerErr != nil {
		t.Fatal(screenerErr)
	}
	return screenerVal
}

// screen returns the decision (clear, review, block) and the findings.
func (s *screener) screen(t *testing.T, rec *record.Record) (string, []finding) {
	t.Helper()
	in := map[string]any{"record": rec, "matches": []record.Match{}, "goods": s.c.Classify(rec), "route": goods.Route(rec)}
	b, err := json.Marshal(in)
	if err != nil {
		t.Fatal(err)
	}
	var doc any
	if err := json.Unmarshal(b, &doc); err != nil {
		t.Fatal(err)
	}
	rs, err := s.query.Eval(context.Background(), rego.EvalInput(doc))
	if err != nil {
		t.Fatalf("evaluate policy: %v", err)
	}
	fams, _ := rs[0].Expressions[0].Value.(map[string]any)
	var out []finding
	decision := record.Clear
	for _, v := range fams {
		obj, _ := v.(map[string]any)
		for set, sev := range map[string]string{"deny": record.Block, "warn": record.Review} {
			items, _ := obj[set].([]any)
			for _, it := range items {
				m := it.(map[string]any)
				f := finding{Severity: sev}
				f.Rule, _ = m["rule"].(string)
				f.Citation, _ = m["citation"].(string)
				f.Msg, _ = m["msg"].(string)
				ev, _ := m["evidence"].([]any)
				for _, e := range ev {
					f.Evidence = append(f.Evidence, e.(string))
				}
				out = append(out, f)
				if record.Severity(sev) > record.Severity(decision) {
					decision = sev
				}
			}
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Rule+out[i].Msg < out[j].Rule+out[j].Msg })
	return decision, out
}

// shipment builds a shipment record like the CSV reader does.
func shipment(shipper, shipperCtry, consignee, consigneeCtry, hs, desc, origin, dest, pol, pod string) *record.Record {
	return &record.Record{
		Parties: []record.Party{
			{Role: record.RoleShipper, Name: shipper, Country: shipperCtry},
			{Role: record.RoleConsignee, Name: consignee, Country: consigneeCtry},
		},
		Goods: []record.GoodsLine{{HS: hs, Description: desc, Quantity: "1", Unit: "pcs", Value: "1000", Currency: "USD"}},
		Route: record.Route{Origin: origin, Destination: dest, PortOfLoading: pol, PortOfDischarge: pod},
	}
}

func TestDecisions(t *testing.T) {
	s := newScreener(t)
	cn2kp := func(hs, desc string) *record.Record {
		return shipment("Dandong Trading Co.", "CN", "Pyongyang Trading Corp", "KP", hs, desc, "CN", "KP", "Dalian", "Nampo")
	}
	kp2cn := func(hs, desc string) *record.Record {
		return shipment("Korea Export Corp", "KP", "Dandong Import Co.", "CN", hs, desc, "KP", "CN", "Nampo", "Dalian")
	}
	with := func(r *record.Record, f func(*record.Record)) *record.Record { f(r); return r }
	tests := []struct {
		name     string
		rec      *record.Record
		decision string
		rule     string // a rule that must fire
		citation string // ... with this text in its citation
		notRule  string
	}{
		// examples/shipments.csv
		{"alumina to DPRK is a dual-use review", cn2kp("2818.20", "Aluminium oxide (calcined alumina) powder"), "review", "dual_use.concern", "UNSCR 2270 (2016) para 27", "dual_use.list_item"},
		{"human hair to DPRK is reviewed, not banned", cn2kp("0501.00", "Human hair, unworked, for wig making"), "review", "dprk.goods.export_review", "2375 (2017) para 18", ""},
		{"machinery to DPRK", cn2kp("8479.89", "Ore flotation machines"), "block", "dprk.goods.export_ban", "UNSCR 2397 (2017) para 7", ""},
		{"soybean oil to DPRK", cn2kp("1507.90", "Refined soybean oil in 18 L tins"), "clear", "", "", "dprk.goods.catch_all"},
		{"sugar to DPRK", cn2kp("1701.99", "White refined cane sugar"), "clear", "", "", ""},
		{"CNC lathe to Vietnam", shipment("Mueller GmbH", "DE", "Saigon Precision", "VN", "8458.11", "CNC turning centre with controls", "DE", "VN", "Hamburg", "Ho Chi Minh City"), "clear", "", "", ""},
		{"anthracite from Nampo", kp2cn("2701.12", "Anthracite coal"), "block", "dprk.goods.import_ban", "UNSCR 2371 (2017) para 8", ""},
		{"frozen crab from Rajin", with(kp2cn("0306.14", "Frozen crab"), func(r *record.Record) { r.Route.PortOfLoading = "Rajin" }), "block", "dprk.goods.import_ban", "UNSCR 2371 (2017) para 9", "dprk.goods.rajin_coal_transit"},
		{"diesel to DPRK is never clear", cn2kp("2710.19", "Diesel fuel (gas oil)"), "review", "dprk.petroleum.refined_cap", "UNSCR 2397 (2017) para 5", ""},
		{"excavators to Chongjin", cn2kp("8429.52", "Hydraulic excavators"), "block", "dprk.goods.export_ban", "para 7", ""},
		{"knitted pullovers from Sinuiju", kp2cn("6110.20", "Knitted cotton pullovers, processed on commission"), "block", "dprk.goods.import_ban", "UNSCR 2375 (2017) para 16", ""},
		{"used dump trucks to DPRK", cn2kp("8704.22", "Used dump trucks"), "block", "dprk.goods.export_ban", "para 7", ""},
		{"ammunition to DPRK", cn2kp("9306.90", "Ammunition components"), "block", "dprk.goods.export_ban", "UNSCR 1718 (2006) para 8(a)(i)", ""},
		{"aviation kerosene to DPRK", cn2kp("2710.19", "Aviation kerosene (jet fuel)"), "block", "dprk.petroleum.banned_fuel", "UNSCR 2270 (2016) para 31", ""},
		{"sawlogs Estonia to Sweden", shipment("Baltic Timber", "EE", "Nordic Pulp", "SE", "4403.21", "Pine sawlogs", "EE", "SE", "Tallinn", "Gothenburg"), "clear", "", "", ""},
		// Edge cases of the fact sheet.
		{"wigs from DPRK are not UN-banned", kp2cn("6704.11", "Synthetic hair wigs"), "review", "dprk.goods.import_review", "No UNSC measure", "dprk.goods.import_ban"},
		{"false eyelashes without HS", kp2cn("", "False eyelashes, mink"), "review", "dprk.goods.import_review", "", "dprk.goods.import_ban"},
		{"wool to DPRK is not banned", cn2kp("5101.11", "Greasy shorn wool"), "review", "dprk.goods.catch_all", "UNSCR 2270 (2016) paras 8 and 27", "dprk.goods.export_ban"},
		{"molybdenum ore from DPRK", kp2cn("2613.10", "Molybdenum concentrate"), "review", "dprk.goods.import_review", "Not named", "dprk.goods.import_ban"},
		{"tungsten ore from DPRK", kp2cn("2611.00", "Tungsten ore (wolframite)"), "review", "dprk.goods.import_review", "", "dprk.goods.import_ban"},
		{"tea from DPRK", kp2cn("0902.30", "Black tea"), "review", "dprk.goods.import_unlisted", "2270 (2016) para 18", ""},
		{"aluminium ingots to DPRK", cn2kp("7601.10", "Aluminium ingots"), "block", "dprk.goods.export_ban", "para 7", ""},
		{"Russian coal via Rajin", shipment("Rason Transit LLC", "RU", "Ningbo Energy", "CN", "2701.12", "Steam coal", "RU", "CN", "Rajin", "Ningbo"), "review", "dprk.goods.rajin_coal_transit", "2371 (2017) para 8", "dprk.goods.import_ban"},
		{"crude to DPRK", cn2kp("2709.00", "Crude petroleum oil"), "review", "dprk.petroleum.crude_cap", "UNSCR 2397 (2017) para 4", ""},
		{"condensate to DPRK", cn2kp("2709.00", "Natural gas condensate"), "block", "dprk.petroleum.banned_fuel", "UNSCR 2375 (2017) para 13", ""},
		{"medicines to DPRK", cn2kp("3004.90", "Antibiotics (amoxicillin tablets)"), "clear", "", "", ""},
		{"tyres to DPRK: catch-all", cn2kp("4011.20", "Truck tyres"), "review", "dprk.goods.catch_all", "", "dprk.goods.export_ban"},
		{"wheelchairs to DPRK", cn2kp("8713.10", "Wheelchairs"), "block", "dprk.goods.export_ban", "para 7", ""},
		{"yacht to DPRK", cn2kp("8903.21", "Sailing yacht"), "block", "dprk.luxury.ban", "2094 (2013) Annex IV", ""},
		{"expensive rugs to DPRK", with(cn2kp("5701.10", "Hand-knotted silk carpets"), func(r *record.Record) {
			r.Goods[0].Quantity, r.Goods[0].Value = "4", "9600"
		}), "block", "dprk.luxury.over_threshold", "UNSCR 2321 (2016) Annex IV", ""},
		{"cheap rugs to DPRK", with(cn2kp("5701.10", "Machine-made carpets"), func(r *record.Record) {
			r.Goods[0].Quantity, r.Goods[0].Value = "40", "4000"
		}), "clear", "", "", ""},
		{"rugs without value", with(cn2kp("5701.10", "Carpets"), func(r *record.Record) { r.Goods[0].Value = "" }), "review", "dprk.luxury.value_unknown", "", ""},
		{"dispatched workers for a DPRK party", shipment("Korea Construction Co.", "KP", "Moscow Build LLC", "RU", "", "Supply of dispatched workers (40 persons)", "", "", "", ""), "block", "dprk.services.prohibited", "UNSCR 2397 (2017) para 8", ""},
		{"trainees from the DPRK", shipment("Pyongyang Tech Exchange Centre", "KP", "Shenyang Garment Co.", "CN", "", "Technology exchange: 30 trainees", "", "", "", ""), "block", "dprk.services.prohibited", "2375 (2017) para 17", ""},
		{"labour with no DPRK link", shipment("Manila Manpower", "PH", "Dubai Build", "AE", "", "Supply of construction workers", "", "", "", ""), "clear", "", "", ""},
		{"DPRK-flagged vessel with STS", with(cn2kp("2710.19", "Diesel, ship-to-ship transfer at sea"), func(r *record.Record) {
			r.Parties = append(r.Parties, record.Party{Role: record.RoleVessel, Name: "CHON MA SAN", Country: "KP", IMO: "8660313"})
		}), "block", "dprk.vessels.ship_to_ship", "UNSCR 2375 (2017) para 11", ""},
		{"DPRK-flagged vessel", with(shipment("Shipper", "CN", "Consignee", "RU", "1006.30", "Rice", "CN", "RU", "Dalian", "Vladivostok"), func(r *record.Record) {
			r.Parties = append(r.Parties, record.Party{Role: record.RoleVessel, Name: "JI SONG 6", Country: "North Korea"})
		}), "block", "dprk.vessels.dprk_flag", "2371 (2017) para 7", ""},
		{"mis-declared eyelashes from DPRK", kp2cn("6110.20", "False eyelashes"), "block", "goods.hs_description_mismatch", "", ""},
		{"EU machinery re-exported via Sinuiju", with(shipment("Mueller GmbH", "DE", "Dandong Trading", "CN", "8458.11", "CNC turning centre", "DE", "CN", "Hamburg", "Dalian"), func(r *record.Record) {
			r.Route.Transshipment = []string{"Dalian", "Sinuiju"}
		}), "block", "dprk.goods.export_ban", "para 7", ""},
		{"Chinese-origin machinery loaded in Nampo", shipment("Dandong Trading", "CN", "Yokohama Co.", "JP", "8429.52", "Excavator", "CN", "JP", "Nampo", "Yokohama"), "block", "dprk.goods.import_ban", "UNSCR 2397 (2017) para 6", ""},
		{"humanitarian exemption downgrades", with(cn2kp("8413.70", "Water pumps for village wells"), func(r *record.Record) {
			r.Fields = []record.Field{{Column: "committee_exemption", Value: "1718/HUM/2026/014"}}
		}), "review", "dprk.goods.export_exempted", "para 25", "dprk.goods.export_ban"},
		{"bad HS code still classified by description", cn2kp("84X9", "Hydraulic excavators"), "block", "dprk.goods.export_ban", "para 7", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dec, fs := s.screen(t, tt.rec)
			if dec != tt.decision {
				t.Errorf("decision %s, want %s; findings %+v", dec, tt.decision, fs)
			}
			rules := make([]string, 0, len(fs))
			for _, f := range fs {
				rules = append(rules, f.Rule)
				if f.Rule == tt.rule && !strings.Contains(f.Citation, tt.citation) {
					t.Errorf("%s citation %q lacks %q", f.Rule, f.Citation, tt.citation)
				}
				if len(f.Evidence) == 0 || f.Citation == "" || f.Msg == "" {
					t.Errorf("finding without evidence, citation or message: %+v", f)
				}
			}
			if tt.rule != "" && !slices.Contains(rules, tt.rule) {
				t.Errorf("rule %s did not fire; got %v", tt.rule, rules)
			}
			if tt.notRule != "" && slices.Contains(rules, tt.notRule) {
				t.Errorf("rule %s fired; got %+v", tt.notRule, fs)
			}
		})
	}
}
