package engine_test

import (
	"context"
	"testing"
	"time"

	"github.com/screen-compliance/screen/engine/enginetest"
	"github.com/screen-compliance/screen/entity"
	"github.com/screen-compliance/screen/record"
	"github.com/screen-compliance/screen/suppress"
)

// exportRow is a shipment of ore flotation machines (HS 8479.89) to the
// DPRK: an export-ban finding.
func exportRow(source string, row int, id, shipper, consignee, origin string) record.Record {
	return record.Record{
		ID: id, Source: source, Row: row,
		Parties: []record.Party{
			{Role: "shipper", Name: shipper, Country: origin},
			{Role: "consignee", Name: consignee}, // no country: only the route names the DPRK
		},
		Goods: []record.GoodsLine{{HS: "8479.89", Description: "Ore flotation machines"}},
		Route: record.Route{Origin: origin, Destination: "KP", PortOfLoading: "Dalian", PortOfDischarge: "Nampo"},
	}
}

// reasonOf returns the first reason of rule in d.
func reasonOf(t *testing.T, d record.Decision, prefix string) record.Reason {
	t.Helper()
	for _, r := range d.Reasons {
		if len(r.Rule) >= len(prefix) && r.Rule[:len(prefix)] == prefix {
			return r
		}
	}
	t.Fatalf("no %s* reason in %+v", prefix, d.Reasons)
	return record.Reason{}
}

func TestFingerprintIsAboutTheFindingNotTheRow(t *testing.T) {
	e := enginetest.New(t, []*entity.List{sampleList()})
	ctx := context.Background()
	screen := func(rec record.Record) record.Decision {
		t.Helper()
		d, err := e.Screen(ctx, rec)
		if err != nil {
			t.Fatal(err)
		}
		return d
	}
	first := screen(exportRow("shipments.csv", 3, "SHP-3", "Liaoning Huaxin Machinery Export Co.", "Ryugyong Commerce Bureau", "CN"))
	ban := reasonOf(t, first, "dprk.")
	for _, tc := range []struct {
		name string
		rec  record.Record
		same bool
	}{
		{"same shipment in another file, row and id", exportRow("other.xlsx", 17, "PO-99", "Liaoning Huaxin Machinery Export Co.", "Ryugyong Commerce Bureau", "CN"), true},
		{"same shipment, names spaced and cased differently", exportRow("shipments.csv", 3, "SHP-3", "LIAONING  HUAXIN Machinery Export Co", "ryugyong commerce bureau", "China"), true},
		{"same file name, row and id; another consignee", exportRow("shipments.csv", 3, "SHP-3", "Liaoning Huaxin Machinery Export Co.", "Chosun Trading Bureau", "CN"), false},
		{"same file name, row and id; another origin", exportRow("shipments.csv", 3, "SHP-3", "Liaoning Huaxin Machinery Export Co.", "Ryugyong Commerce Bureau", "RU"), false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got := reasonOf(t, screen(tc.rec), ban.Rule[:5])
			if (got.Fingerprint == ban.Fingerprint) != tc.same {
				t.Errorf("fingerprint %s vs %s: want same=%v", got.Fingerprint, ban.Fingerprint, tc.same)
			}
		})
	}

	// A match finding is about the entity, the party's role and name.
	m1 := screen(record.Record{ID: "A", Source: "a.csv", Row: 1, Parties: []record.Party{party("consignee", "Korea Mining Dev. Trading Corp")}})
	m2 := screen(record.Record{ID: "B", Source: "b.csv", Row: 9, Parties: []record.Party{party("consignee", "korea mining dev trading corp")}})
	m3 := screen(record.Record{ID: "A", Source: "a.csv", Row: 1, Parties: []record.Party{party("consignee", "KOMID")}})
	f1, f2, f3 := reasonOf(t, m1, "sanctions.").Fingerprint, reasonOf(t, m2, "sanctions.").Fingerprint, reasonOf(t, m3, "sanctions.").Fingerprint
	if f1 != f2 {
		t.Errorf("the same party match in another file has another fingerprint: %s, %s", f1, f2)
	}
	if f1 == f3 {
		t.Errorf("another party name (same file, row, id and entity) has the same fingerprint %s", f1)
	}
}

// TestFingerprintSuppressionDoesNotTravel is the reported case: an ignore
// entry written for an export-ban row of shipments.csv row 3 cleared a
// different shipments.csv whose row 3 had another consignee and origin.
func TestFingerprintSuppressionDoesNotTravel(t *testing.T) {
	e := enginetest.New(t, []*entity.List{sampleList()})
	ctx := context.Background()
	first, err := e.Screen(ctx, exportRow("shipments.csv", 3, "SHP-3", "Liaoning Huaxin Machinery Export Co.", "Ryugyong Commerce Bureau", "CN"))
	if err != nil {
		t.Fatal(err)
	}
	ban := reasonOf(t, first, "dprk.")
	ign := &suppress.File{Path: ".screenignore.yaml", Suppressions: []suppress.Entry{{
		Fingerprint: ban.Fingerprint, Rule: ban.Rule, Reason: "licensed by the 1718 Committee", ApprovedBy: "alice",
	}}}
	other, err := e.Screen(ctx, exportRow("shipments.csv", 3, "SHP-3", "Harbin Far East Trading", "Chosun Trading Bureau", "RU"))
	if err != nil {
		t.Fatal(err)
	}
	before := other.Decision
	if n := ign.Apply(&other, time.Now()); n != 0 || other.Decision != before || other.Decision == record.Clear {
		t.Errorf("an entry for another shipment suppressed %d finding(s): %s → %s", n, before, other.Decision)
	}
	// The entry still covers the shipment it was written for.
	again, _ := e.Screen(ctx, exportRow("shipments.csv", 3, "SHP-3", "Liaoning Huaxin Machinery Export Co.", "Ryugyong Commerce Bureau", "CN"))
	if n := ign.Apply(&again, time.Now()); n == 0 {
		t.Errorf("the entry no longer covers its own finding")
	}
}
