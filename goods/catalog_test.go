package goods

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/screen-compliance/screen/record"
)

// severity ranks measures for the direction tests; "" means no measure.
var severity = map[string]int{"": 0, MeasurePermitted: 1, MeasureReview: 2, MeasureLicence: 3, MeasureCap: 4, MeasureBan: 5}

// strongest returns the most severe measure among the categories of g that
// apply to direction dir (dir itself or both). Pseudo-categories such as
// hs_description_mismatch have no direction and are ignored.
func strongest(g record.Goods, dir string) string {
	best := ""
	for _, d := range g.Details {
		if d.Direction != dir && d.Direction != Both {
			continue
		}
		if severity[d.Measure] > severity[best] {
			best = d.Measure
		}
	}
	return best
}

// catalogRow is one expectation: the line, the strongest measure in each
// direction, and categories that must (and must not) be assigned.
type catalogRow struct {
	hs, desc      string
	imp, exp      string // strongest measure: import from / export to the DPRK
	want, wantNot []string
}

// catalogRows covers every category of the embedded catalog, in both
// directions, with the edge cases of the fact sheet (section 4).
var catalogRows = []catalogRow{
	// Procurement from the DPRK.
	{hs: "9306.90", desc: "Ammunition components", imp: "ban", exp: "ban", want: []string{"dprk.import.arms", "dprk.export.arms"}},
	{hs: "8710.00", imp: "review", exp: "ban", want: []string{"dprk.import.arms", "dprk.export.arms", "dprk.export.vehicles"}},
	{hs: "2701.12", desc: "Anthracite coal", imp: "ban", exp: "", want: []string{"dprk.import.coal"}},
	{hs: "2702.10", imp: "ban", exp: "", want: []string{"dprk.import.coal"}},
	{hs: "2704.00", imp: "review", exp: "", want: []string{"dprk.import.coal"}},
	{hs: "2601.11", desc: "Iron ore fines", imp: "ban", exp: "", want: []string{"dprk.import.iron"}, wantNot: []string{"dprk.export.metals"}},
	{hs: "7201.10", desc: "Pig iron", imp: "ban", exp: "ban", want: []string{"dprk.import.iron", "dprk.export.metals"}},
	{hs: "7202.21", desc: "Ferrosilicon 75%", imp: "review", exp: "ban", want: []string{"dprk.import.iron_steel_products", "dprk.export.metals"}},
	{hs: "7204.10", desc: "Cast iron scrap", imp: "review", exp: "ban", want: []string{"dprk.import.iron_steel_products"}},
	{hs: "7304.19", desc: "Seamless steel pipe", imp: "review", exp: "ban", want: []string{"dprk.import.iron_steel_products", "dprk.export.metals"}},
	{hs: "7108.12", desc: "Gold bullion", imp: "ban", exp: "", want: []string{"dprk.import.gold"}},
	{hs: "2616.90", desc: "Gold ore concentrate", imp: "ban", exp: "", want: []string{"dprk.import.gold"}},
	{hs: "2614.00", desc: "Ilmenite", imp: "ban", exp: "", want: []string{"dprk.import.titanium_ore"}},
	{hs: "2615.90", imp: "review", exp: "", want: []string{"dprk.import.vanadium_ore"}},
	{desc: "Vanadium ore", imp: "ban", want: []string{"dprk.import.vanadium_ore"}},
	{hs: "2846.90", desc: "Rare earth oxides", imp: "ban", exp: "", want: []string{"dprk.import.rare_earths"}},
	{hs: "7403.11", desc: "Copper cathodes", imp: "ban", exp: "ban", want: []string{"dprk.import.nonferrous", "dprk.export.metals"}},
	{hs: "2603.00", desc: "Copper concentrate", imp: "ban", exp: "", want: []string{"dprk.import.nonferrous"}},
	{hs: "7502.10", imp: "ban", exp: "ban", want: []string{"dprk.import.nonferrous"}},
	{hs: "7106.91", desc: "Silver, unwrought", imp: "ban", exp: "", want: []string{"dprk.import.nonferrous"}},
	{hs: "2608.00", desc: "Zinc concentrate", imp: "ban", exp: "", want: []string{"dprk.import.nonferrous"}},
	{hs: "9703.10", desc: "Bronze statue", imp: "ban", exp: "", want: []string{"dprk.import.statues"}},
	{hs: "6913.10", desc: "Porcelain statuettes", imp: "review", want: []string{"dprk.import.statues"}},
	{hs: "0306.14", desc: "Frozen crab", imp: "ban", exp: "permitted", want: []string{"dprk.import.seafood", "dprk.export.food_medicine"}},
	{hs: "1605.21", desc: "Shrimp, prepared", imp: "ban", exp: "permitted", want: []string{"dprk.import.seafood"}},
	{hs: "2301.20", desc: "Fish meal", imp: "review", exp: "permitted", want: []string{"dprk.import.seafood"}},
	{hs: "2607.00", desc: "Lead ore", imp: "ban", exp: "", want: []string{"dprk.import.lead"}},
	{hs: "7801.10", desc: "Refined lead ingots", imp: "ban", exp: "ban", want: []string{"dprk.import.lead", "dprk.export.metals"}},
	{hs: "6110.20", desc: "Knitted cotton pullovers", imp: "ban", exp: "", want: []string{"dprk.import.textiles"}},
	{hs: "5001.00", desc: "Silk-worm cocoons", imp: "ban", exp: "", want: []string{"dprk.import.textiles"}},
	{hs: "6309.00", desc: "Worn clothing", imp: "ban", exp: "", want: []string{"dprk.import.textiles"}},
	{hs: "6403.99", desc: "Leather shoes", imp: "review", exp: "", want: []string{"dprk.import.textiles"}},
	{hs: "0709.59", desc: "Dried mushrooms", imp: "ban", exp: "permitted", want: []string{"dprk.import.food_agri", "dprk.export.food_medicine"}},
	{hs: "1211.20", desc: "Red ginseng roots", imp: "ban", exp: "permitted", want: []string{"dprk.import.food_agri"}},
	{hs: "1212.21", desc: "Dried seaweed (kelp)", imp: "ban", exp: "permitted", want: []string{"dprk.import.food_agri"}, wantNot: []string{"dprk.import.seafood"}},
	{hs: "0802.99", desc: "Pine nuts", imp: "ban", exp: "permitted", want: []string{"dprk.import.food_agri"}},
	{hs: "8429.52", desc: "Hydraulic excavators", imp: "ban", exp: "ban", want: []string{"dprk.import.machinery", "dprk.export.machinery"}},
	{hs: "8541.43", desc: "Solar panels", imp: "ban", exp: "ban", want: []string{"dprk.import.electrical", "dprk.export.electrical"}},
	{hs: "2519.90", desc: "Dead-burned magnesia", imp: "ban", exp: "", want: []string{"dprk.import.earth_stone"}},
	{hs: "2504.10", desc: "Natural flake graphite", imp: "ban", want: []string{"dprk.import.earth_stone"}},
	{hs: "4403.21", desc: "Pine sawlogs", imp: "ban", exp: "", want: []string{"dprk.import.wood"}},
	{hs: "4402.90", desc: "Charcoal", imp: "ban", want: []string{"dprk.import.wood"}, wantNot: []string{"dprk.import.coal"}},
	{hs: "8901.90", desc: "Used bulk carrier", imp: "ban", exp: "ban", want: []string{"dprk.import.vessels", "dprk.export.vessels"}},
	{desc: "Fishing rights in the East Sea", imp: "ban", want: []string{"dprk.services.fishing_rights"}},
	// Edge cases: not UN-banned imports, reviewed.
	{hs: "6704.20", desc: "False eyelashes", imp: "review", exp: "", want: []string{"dprk.import.hair_products"}, wantNot: []string{"dprk.import.textiles"}},
	{hs: "6704.11", desc: "Synthetic hair wigs", imp: "review", exp: "", want: []string{"dprk.import.hair_products"}, wantNot: []string{"dprk.import.textiles"}},
	{hs: "2613.10", desc: "Molybdenum ore concentrate", imp: "review", exp: "", want: []string{"dprk.import.unnamed_ores"}},
	{hs: "2611.00", desc: "Tungsten ore (wolframite)", imp: "review", exp: "", want: []string{"dprk.import.unnamed_ores"}},
	{hs: "2716.00", desc: "Electricity", imp: "review", exp: "", want: []string{"dprk.import.electricity"}},
	{hs: "3801.10", desc: "Artificial graphite", imp: "review", exp: "review", want: []string{"dual_use.edm_graphite"}, wantNot: []string{"dprk.import.earth_stone"}},
	{hs: "1006.30", desc: "Milled rice", imp: "", exp: "permitted"},
	{hs: "0902.30", desc: "Black tea", imp: "", exp: "permitted"},
	// Supply to the DPRK.
	{hs: "7601.10", desc: "Aluminium ingots", imp: "", exp: "ban", want: []string{"dprk.export.metals"}},
	{hs: "8101.94", desc: "Unwrought tungsten", imp: "", exp: "ban", want: []string{"dprk.export.metals"}},
	{hs: "8704.22", desc: "Used dump trucks", imp: "", exp: "ban", want: []string{"dprk.export.vehicles"}},
	{hs: "8713.10", desc: "Wheelchairs", exp: "ban", want: []string{"dprk.export.vehicles"}},
	{hs: "8807.30", desc: "Aircraft spare parts", exp: "review", want: []string{"dprk.export.vehicles"}},
	{hs: "2710.19", desc: "Diesel fuel (gas oil)", imp: "", exp: "cap", want: []string{"dprk.export.refined_petroleum"}, wantNot: []string{"dprk.export.aviation_fuel"}},
	{hs: "2711.12", desc: "Liquefied propane", exp: "cap", want: []string{"dprk.export.refined_petroleum"}},
	{hs: "2713.20", desc: "Bitumen", exp: "review", want: []string{"dprk.export.refined_petroleum"}},
	{hs: "2710.19", desc: "Aviation kerosene (jet fuel)", exp: "ban", want: []string{"dprk.export.aviation_fuel", "dprk.export.refined_petroleum"}},
	{desc: "Jet A-1", exp: "ban", want: []string{"dprk.export.aviation_fuel"}},
	{hs: "2709.00", desc: "Crude petroleum", exp: "cap", want: []string{"dprk.export.crude_oil"}},
	{hs: "2709.00", desc: "Gas condensate", exp: "ban", want: []string{"dprk.export.condensate_ngl"}},
	{hs: "2711.19", exp: "review", want: []string{"dprk.export.condensate_ngl"}},
	{hs: "2711.19", desc: "Natural gas liquids", exp: "ban", want: []string{"dprk.export.condensate_ngl"}},
	{hs: "2615.90", desc: "Vanadium ore concentrate", imp: "ban", want: []string{"dprk.import.vanadium_ore"}},
	{hs: "2615.90", desc: "Niobium ore", imp: "review", want: []string{"dprk.import.vanadium_ore"}},
	{desc: "Natural gas liquids (NGL)", exp: "ban", want: []string{"dprk.export.condensate_ngl"}},
	{hs: "7113.19", desc: "Gold jewellery", imp: "review", exp: "ban", want: []string{"dprk.export.luxury.jewellery", "dprk.import.gold"}},
	{hs: "8903.21", desc: "Sailing yacht", imp: "ban", exp: "ban", want: []string{"dprk.export.luxury.vehicles_yachts", "dprk.export.vessels"}},
	{hs: "8703.23", desc: "Mercedes-Benz S-class", imp: "", exp: "ban", want: []string{"dprk.export.luxury.vehicles_yachts", "dprk.export.vehicles"}},
	{hs: "9101.11", desc: "Gold wrist watch", exp: "ban", want: []string{"dprk.export.luxury.watches"}},
	{hs: "8703.10", desc: "Snowmobiles", exp: "ban", want: []string{"dprk.export.luxury.snowmobiles"}},
	{hs: "7013.22", desc: "Lead crystal stemware", exp: "ban", want: []string{"dprk.export.luxury.lead_crystal"}},
	{hs: "9506.31", desc: "Golf clubs", exp: "ban", want: []string{"dprk.export.luxury.sports"}},
	{hs: "5701.10", desc: "Hand-knotted wool carpet", imp: "ban", exp: "ban", want: []string{"dprk.export.luxury.rugs", "dprk.import.textiles"}},
	{hs: "6911.10", desc: "Bone china tableware", imp: "", exp: "ban", want: []string{"dprk.export.luxury.porcelain"}},
	{hs: "2208.30", desc: "Single malt whisky", imp: "", exp: "review", want: []string{"dprk.export.luxury.national", "dprk.export.food_medicine"}},
	{hs: "0501.00", desc: "Human hair, unworked, for wig making", imp: "review", exp: "review", want: []string{"dprk.export.hair_processing", "dprk.import.hair_products"}},
	{hs: "1701.99", desc: "White refined cane sugar", imp: "", exp: "permitted", want: []string{"dprk.export.food_medicine"}},
	{hs: "1507.90", desc: "Refined soybean oil in 18 L tins", imp: "", exp: "permitted", want: []string{"dprk.export.food_medicine"}, wantNot: []string{"dprk.export.refined_petroleum"}},
	{hs: "3004.90", desc: "Antibiotics (amoxicillin tablets)", exp: "permitted", want: []string{"dprk.export.food_medicine"}},
	{hs: "5101.11", desc: "Greasy shorn wool", imp: "ban", exp: ""},
	{hs: "4011.20", desc: "Truck tyres", imp: "", exp: ""},
	// Dual-use list items: both directions.
	{hs: "2818.20", desc: "Aluminium oxide (calcined alumina) powder", imp: "review", exp: "review", want: []string{"dual_use.aluminium_oxide"}, wantNot: []string{"dprk.export.metals"}},
	{hs: "2827.32", desc: "Aluminium chloride, anhydrous", imp: "ban", exp: "ban", want: []string{"dual_use.aluminium_chloride"}},
	{hs: "2903.12", desc: "Dichloromethane", imp: "ban", exp: "ban", want: []string{"dual_use.dichloromethane"}},
	{hs: "2921.19", desc: "Monoisopropylamine", imp: "ban", exp: "ban", want: []string{"dual_use.monoisopropylamine"}},
	{hs: "2921.19", desc: "Diethylamine", imp: "", exp: "", wantNot: []string{"dual_use.monoisopropylamine"}},
	{hs: "2805.11", desc: "Sodium metal", imp: "ban", exp: "ban", want: []string{"dual_use.sodium_metal"}},
	{hs: "3801.10", desc: "Isostatic graphite blocks for EDM", imp: "ban", exp: "ban", want: []string{"dual_use.edm_graphite"}},
	{hs: "5402.11", desc: "Para-aramid filament yarn", imp: "ban", exp: "ban", want: []string{"dual_use.para_aramid"}},
	{desc: "Carbon fibre prepreg", imp: "ban", exp: "ban", want: []string{"dual_use.carbon_fibre"}},
	{hs: "7224.90", desc: "Maraging steel bars, 100 mm OD", imp: "ban", exp: "ban", want: []string{"dual_use.maraging_steel"}},
	{hs: "7224.90", desc: "Alloy steel semi-finished", imp: "review", exp: "ban", wantNot: []string{"dual_use.maraging_steel"}},
	{hs: "7608.20", desc: "Aluminium alloy tubes 7075-T6", imp: "ban", exp: "ban", want: []string{"dual_use.aluminium_alloy_tubes", "dprk.export.metals"}},
	{hs: "8505.11", desc: "Alnico ring magnets", imp: "ban", exp: "ban", want: []string{"dual_use.alnico_magnets"}},
	{hs: "8504.40", desc: "Frequency converters 600 Hz", imp: "ban", exp: "ban", want: []string{"dual_use.frequency_changers"}},
	{hs: "8463.90", desc: "Flow-forming machine", imp: "ban", exp: "ban", want: []string{"dual_use.flow_forming"}},
	{hs: "8458.11", desc: "CNC turning centre with controls", imp: "ban", exp: "ban", want: []string{"dual_use.machine_tools_vacuum", "dprk.export.machinery"}},
	{hs: "2825.90", desc: "Tungsten trioxide", imp: "review", exp: "review", want: []string{"dual_use.tungsten_compounds"}},
	{hs: "9027.30", desc: "Mass spectrometer", imp: "review", exp: "review", want: []string{"dual_use.instruments"}},
	// Services and vessels (description only).
	{desc: "Supply of dispatched workers for construction", imp: "ban", exp: "ban", want: []string{"dprk.services.labour"}},
	{desc: "Technology exchange programme, 40 trainees", imp: "ban", exp: "ban", want: []string{"dprk.services.labour"}},
	{desc: "Joint venture capital contribution", imp: "ban", exp: "ban", want: []string{"dprk.services.joint_venture"}},
	{hs: "6110.20", desc: "Knitted cotton pullovers, processed on commission", imp: "ban", exp: "review", want: []string{"dprk.services.processing_on_commission", "dprk.import.textiles"}},
	{desc: "Letter of credit confirmation", imp: "review", exp: "review", want: []string{"dprk.services.financial"}},
	{desc: "Bulk cash, US dollar banknotes", imp: "ban", exp: "ban", want: []string{"dprk.services.bulk_cash"}},
	{desc: "Aerospace engineering training course", imp: "ban", exp: "ban", want: []string{"dprk.services.training"}},
	{desc: "Ship-to-ship transfer of diesel", imp: "ban", exp: "ban", want: []string{"dprk.vessels.ship_to_ship", "dprk.export.refined_petroleum"}},
	{desc: "Time charter of MV Chon Ma San", imp: "ban", exp: "ban", want: []string{"dprk.vessels.services"}},
}

func TestCatalogRowsBothDirections(t *testing.T) {
	c := classifier(t)
	for _, row := range catalogRows {
		name := strings.TrimSpace(row.hs + " " + row.desc)
		t.Run(name, func(t *testing.T) {
			g := c.ClassifyLine(0, record.GoodsLine{HS: row.hs, Description: row.desc})
			if g.Error != "" {
				t.Fatalf("unexpected error %s", g.Error)
			}
			if got := strongest(g, ImportFromDPRK); got != row.imp {
				t.Errorf("import from DPRK: strongest measure %q, want %q (%s)", got, row.imp, explain(g))
			}
			if got := strongest(g, ExportToDPRK); got != row.exp {
				t.Errorf("export to DPRK: strongest measure %q, want %q (%s)", got, row.exp, explain(g))
			}
			for _, id := range row.want {
				if !slices.Contains(g.Categories, id) {
					t.Errorf("missing category %s (%s)", id, explain(g))
				}
			}
			for _, id := range row.wantNot {
				if slices.Contains(g.Categories, id) {
					t.Errorf("unexpected category %s (%s)", id, explain(g))
				}
			}
			if slices.Contains(g.Categories, MismatchID) {
				t.Errorf("unexpected HS/description mismatch (%s)", explain(g))
			}
		})
	}
}

func explain(g record.Goods) string {
	var parts []string
	for _, d := range g.Details {
		parts = append(parts, fmt.Sprintf("%s=%s/%s by %s", d.ID, d.Direction, d.Measure, d.MatchedBy))
	}
	return strings.Join(parts, "; ")
}

// TestCatalogRowsCoverEveryCategory keeps catalogRows honest: every
// category of the embedded catalog is expected by at least one row.
func TestCatalogRowsCoverEveryCategory(t *testing.T) {
	cat, err := DefaultCatalog()
	if err != nil {
		t.Fatal(err)
	}
	covered := map[string]bool{}
	for _, r := range catalogRows {
		for _, id := range r.want {
			covered[id] = true
		}
	}
	for _, c := range cat.Categories {
		if !covered[c.ID] {
			t.Errorf("category %s has no row in catalogRows", c.ID)
		}
	}
}

// TestCatalogFactSheetRows checks that the fact sheet's rule table is in
// the catalog with its citation and measure.
func TestCatalogFactSheetRows(t *testing.T) {
	cat, err := DefaultCatalog()
	if err != nil {
		t.Fatal(err)
	}
	byID := map[string]CategorySpec{}
	for _, c := range cat.Categories {
		byID[c.ID] = c
	}
	tests := []struct{ id, dir, measure, citation string }{
		{"dprk.import.coal", ImportFromDPRK, MeasureBan, "UNSCR 2371 (2017) para 8"},
		{"dprk.import.iron", ImportFromDPRK, MeasureBan, "UNSCR 2371 (2017) para 8"},
		{"dprk.import.seafood", ImportFromDPRK, MeasureBan, "UNSCR 2371 (2017) para 9"},
		{"dprk.import.lead", ImportFromDPRK, MeasureBan, "UNSCR 2371 (2017) para 10"},
		{"dprk.import.textiles", ImportFromDPRK, MeasureBan, "UNSCR 2375 (2017) para 16"},
		{"dprk.import.food_agri", ImportFromDPRK, MeasureBan, "UNSCR 2397 (2017) para 6"},
		{"dprk.import.machinery", ImportFromDPRK, MeasureBan, "UNSCR 2397 (2017) para 6"},
		{"dprk.import.electrical", ImportFromDPRK, MeasureBan, "UNSCR 2397 (2017) para 6"},
		{"dprk.import.earth_stone", ImportFromDPRK, MeasureBan, "UNSCR 2397 (2017) para 6"},
		{"dprk.import.wood", ImportFromDPRK, MeasureBan, "UNSCR 2397 (2017) para 6"},
		{"dprk.import.vessels", ImportFromDPRK, MeasureBan, "UNSCR 2397 (2017) para 6"},
		{"dprk.import.gold", ImportFromDPRK, MeasureBan, "UNSCR 2270 (2016) para 30"},
		{"dprk.import.titanium_ore", ImportFromDPRK, MeasureBan, "UNSCR 2270 (2016) para 30"},
		{"dprk.import.vanadium_ore", ImportFromDPRK, MeasureBan, "UNSCR 2270 (2016) para 30"},
		{"dprk.import.rare_earths", ImportFromDPRK, MeasureBan, "UNSCR 2270 (2016) para 30"},
		{"dprk.import.nonferrous", ImportFromDPRK, MeasureBan, "UNSCR 2321 (2016) para 28"},
		{"dprk.import.statues", ImportFromDPRK, MeasureBan, "UNSCR 2321 (2016) para 29"},
		{"dprk.import.arms", ImportFromDPRK, MeasureBan, "UNSCR 1718 (2006) para 8(b)"},
		{"dprk.export.arms", ExportToDPRK, MeasureBan, "UNSCR 1718 (2006) para 8(a)(i)"},
		{"dprk.export.metals", ExportToDPRK, MeasureBan, "UNSCR 2397 (2017) para 7"},
		{"dprk.export.machinery", ExportToDPRK, MeasureBan, "UNSCR 2397 (2017) para 7"},
		{"dprk.export.vehicles", ExportToDPRK, MeasureBan, "UNSCR 2397 (2017) para 7"},
		{"dprk.export.vessels", ExportToDPRK, MeasureBan, "UNSCR 2397 (2017) paras 7 and 14"},
		{"dprk.export.refined_petroleum", ExportToDPRK, MeasureCap, "UNSCR 2397 (2017) para 5"},
		{"dprk.export.crude_oil", ExportToDPRK, MeasureCap, "UNSCR 2397 (2017) para 4"},
		{"dprk.export.condensate_ngl", ExportToDPRK, MeasureBan, "UNSCR 2375 (2017) para 13"},
		{"dprk.export.aviation_fuel", ExportToDPRK, MeasureBan, "UNSCR 2270 (2016) para 31"},
		{"dprk.export.luxury.rugs", ExportToDPRK, MeasureBan, "UNSCR 2321 (2016) Annex IV"},
		{"dprk.services.labour", Both, MeasureBan, "UNSCR 2397 (2017) para 8"},
		{"dprk.vessels.ship_to_ship", Both, MeasureBan, "UNSCR 2375 (2017) para 11"},
		{"dual_use.aluminium_oxide", Both, MeasureReview, "UNSCR 2270 (2016) para 27"},
	}
	for _, tt := range tests {
		c, ok := byID[tt.id]
		if !ok {
			t.Errorf("catalog lacks %s", tt.id)
			continue
		}
		if c.Direction != tt.dir || c.Measure != tt.measure || !strings.Contains(c.Citation, tt.citation) {
			t.Errorf("%s: direction %s, measure %s, citation %q; want %s, %s, %q", tt.id, c.Direction, c.Measure, c.Citation, tt.dir, tt.measure, tt.citation)
		}
	}
}

// TestCatalogPrefixesExist checks every HS prefix of the catalog against the
// shared HS 2022 nomenclature.
func TestCatalogPrefixesExist(t *testing.T) {
	codes := hsNomenclature(t)
	cat, err := DefaultCatalog()
	if err != nil {
		t.Fatal(err)
	}
	// 8803 (aircraft parts) was moved to 8807 in HS 2022; kept for older
	// declarations.
	pre2022 := map[string]bool{"8803": true}
	for _, c := range cat.Categories {
		for _, r := range c.HS {
			d := MustParseHS(r.Prefix).Digits()
			if _, ok := codes[d]; !ok && !pre2022[d] {
				t.Errorf("%s: hs prefix %s is not an HS 2022 code", c.ID, r.Prefix)
			}
		}
	}
}

func TestCatalogValidate(t *testing.T) {
	tests := []struct {
		name, yaml, want string
	}{
		{"bad direction", `categories: [{id: x.a, title: A, direction: sideways, measure: ban, citation: C, confidence: H, terms: [a]}]`, `categories[0] (x.a): direction "sideways"`},
		{"bad measure", `categories: [{id: x.a, title: A, direction: both, measure: maybe, citation: C, confidence: H, terms: [a]}]`, `measure "maybe"`},
		{"bad prefix", `categories: [{id: x.a, title: A, direction: both, measure: ban, citation: C, confidence: H, hs: [{prefix: "7701"}]}]`, `hs[0].prefix: hs_code "7701": chapter 77 is reserved`},
		{"duplicate id", `categories: [{id: x.a, title: A, direction: both, measure: ban, citation: C, confidence: H, terms: [a]}, {id: x.a, title: B, direction: both, measure: ban, citation: C, confidence: H, terms: [b]}]`, `categories[1] (x.a): id is used twice`},
		{"no selector", `categories: [{id: x.a, title: A, direction: both, measure: ban, citation: C, confidence: H}]`, `needs at least one hs prefix or term`},
		{"no citation", `categories: [{id: x.a, title: A, direction: both, measure: ban, confidence: H, terms: [a]}]`, `citation is empty`},
		{"bad confidence", `categories: [{id: x.a, title: A, direction: both, measure: ban, citation: C, confidence: X, terms: [a]}]`, `confidence "X"`},
		{"reserved id", `categories: [{id: hs_description_mismatch, title: A, direction: both, measure: ban, citation: C, confidence: H, terms: [a]}]`, `reserved`},
		{"unknown field", `categories: [{id: x.a, colour: red}]`, `field colour not found`},
		{"stopword term", `categories: [{id: x.a, title: A, direction: both, measure: ban, citation: C, confidence: H, terms: ["of the"]}]`, `terms[0] "of the" has no word`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := ParseCatalog("ext.yaml", []byte(tt.yaml))
			if err == nil || !strings.Contains(err.Error(), tt.want) || !strings.Contains(err.Error(), "ext.yaml") {
				t.Fatalf("error %v, want one naming ext.yaml and containing %q", err, tt.want)
			}
		})
	}
}

func TestClassifierExtension(t *testing.T) {
	ext, err := ParseCatalog("own.yaml", []byte(`
categories:
  - id: own.export.tyres
    title: Tyres (company policy)
    direction: export_to_dprk
    measure: review
    citation: Company export policy 7.2
    confidence: H
    hs: [{prefix: "4011"}]
    terms: [tyres, tires]
  - id: dprk.import.hair_products
    title: Wigs and eyelashes (company ban)
    direction: import_from_dprk
    measure: ban
    citation: 31 CFR 510.205
    confidence: H
    hs: [{prefix: "6704"}]
`))
	if err != nil {
		t.Fatal(err)
	}
	c, err := NewClassifier(context.Background(), ext)
	if err != nil {
		t.Fatal(err)
	}
	g := c.ClassifyLine(0, record.GoodsLine{HS: "4011.20", Description: "Truck tyres"})
	if !slices.Contains(g.Categories, "own.export.tyres") {
		t.Errorf("extension category not applied: %s", explain(g))
	}
	g = c.ClassifyLine(0, record.GoodsLine{HS: "6704.20"})
	if strongest(g, ImportFromDPRK) != MeasureBan || g.Details[0].Citation != "31 CFR 510.205" {
		t.Errorf("extension did not replace dprk.import.hair_products: %s", explain(g))
	}
	if _, err := NewClassifier(context.Background(), Catalog{Name: "bad", Categories: []CategorySpec{{ID: "x"}}}); err == nil || !strings.Contains(err.Error(), "catalog bad") {
		t.Errorf("invalid extension accepted: %v", err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := NewClassifier(ctx); err == nil {
		t.Error("NewClassifier ignored a cancelled context")
	}
}

func FuzzParseCatalog(f *testing.F) {
	f.Add([]byte(`categories: [{id: x.a, title: A, direction: both, measure: ban, citation: C, confidence: H, terms: [a]}]`))
	f.Add([]byte(`categories: [{id: x.a, hs: [{prefix: "28X8"}]}]`))
	f.Add(dprkYAML[:min(len(dprkYAML), 2000)])
	f.Add([]byte("{"))
	f.Fuzz(func(t *testing.T, b []byte) {
		c, err := ParseCatalog("fuzz.yaml", b)
		if err != nil {
			return
		}
		if _, err := NewClassifier(context.Background(), c); err != nil {
			t.Fatalf("a valid catalog was refused: %v", err)
		}
	})
}
