package engine

import (
	"testing"

	"github.com/open-policy-agent/opa/v1/ast"

	"github.com/screen-compliance/screen/goods"
	"github.com/screen-compliance/screen/ownership"
	"github.com/screen-compliance/screen/policies"
	"github.com/screen-compliance/screen/record"
)

func samplePolicyInput() policies.Input {
	pct := 30.0
	_ = pct
	rec := &record.Record{ID: "S", Row: 1, Source: "in.csv",
		Parties: []record.Party{{Role: "shipper", Name: "Dandong X", Country: "CN"}, {Role: "consignee", Name: "Korea Mining", Country: "KP", DOB: "1960"}},
		Goods:   []record.GoodsLine{{HS: "281820", Description: "Aluminium oxide", Value: "1000"}},
		Route:   record.Route{Origin: "CN", Destination: "KP", Transshipment: []string{"SG"}},
		Fields:  []record.Field{{Column: "id", Value: "S"}, {Column: "consignee", Value: "Korea Mining"}}}
	return policies.Input{
		Record: rec,
		Matches: []record.Match{{Role: "consignee", Party: 1, Query: "Korea Mining", EntityID: "un:KPe.001", List: "un", Name: "K",
			Score: 0.9512, Programs: []string{"DPRK"}, Explanation: "x", Features: []record.Feature{{Name: "name", Value: 0.9, Detail: "x"}, {Name: "kind", Value: 0}}}},
		Goods: []record.Goods{{Line: 0, HS: "281820", Categories: []string{"dual_use.aluminium_oxide"},
			Details: []record.Category{{ID: "dual_use.aluminium_oxide", Direction: "export_to_dprk", Measure: "review", Confidence: 0.8}}}},
		Route:     goods.RouteFacts{ToDPRK: true, Evidence: []string{"route.destination_country"}, DPRKParties: []int{1}},
		Ownership: []ownership.Finding{{Party: 1, Role: "consignee", Status: "blocked", Sum: 55}},
	}
}

// TestValueEncoderMatchesJSON checks the hand-made encoder gives the same
// policy input as OPA's own JSON-based conversion.
func TestValueEncoderMatchesJSON(t *testing.T) {
	for name, in := range map[string]any{
		"full":  samplePolicyInput(),
		"empty": policies.Input{Record: &record.Record{}},
		"nil":   policies.Input{},
	} {
		want, err := ast.InterfaceToValue(in)
		if err != nil {
			t.Fatal(err)
		}
		var enc valueEncoder
		got, err := enc.encode(in)
		if err != nil {
			t.Fatal(err)
		}
		if got.Compare(want) != 0 {
			t.Errorf("%s:\n got %v\nwant %v", name, got, want)
		}
	}
}

func BenchmarkPolicyInputEncoder(b *testing.B) {
	in := samplePolicyInput()
	var enc valueEncoder
	for b.Loop() {
		if _, err := enc.encode(in); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkPolicyInputInterfaceToValue(b *testing.B) {
	in := samplePolicyInput()
	for b.Loop() {
		if _, err := ast.InterfaceToValue(in); err != nil {
			b.Fatal(err)
		}
	}
}
