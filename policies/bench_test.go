package policies

import (
	"context"
	"testing"

	"github.com/open-policy-agent/opa/v1/ast"
)

// benchInput is a shipment to the DPRK with one list match and one goods
// line: every rule family has something to look at.
func benchInput(b *testing.B) ast.Value {
	in := map[string]any{
		"record": map[string]any{"id": "S", "parties": []any{
			map[string]any{"role": "shipper", "name": "Dandong Xinhe Trading", "country": "CN"},
			map[string]any{"role": "consignee", "name": "Korea Mining Dev. Trading Corp", "country": "KP"}},
			"goods": []any{map[string]any{"hs": "281820", "description": "Aluminium oxide"}},
			"route": map[string]any{"origin_country": "CN", "destination_country": "KP", "port_of_discharge": "Nampo"}},
		"matches": []any{map[string]any{"role": "consignee", "party": 1, "query": "Korea Mining Dev. Trading Corp", "entity_id": "un:KPe.001",
			"list": "un", "name": "KOREA MINING DEVELOPMENT TRADING CORPORATION", "score": 0.95, "programs": []any{"DPRK"}, "features": []any{}}},
		"goods": []any{map[string]any{"line": 0, "hs": "281820", "categories": []any{"dual_use.aluminium_oxide"},
			"details": []any{map[string]any{"id": "dual_use.aluminium_oxide", "direction": "export_to_dprk", "measure": "review", "citation": "x", "confidence": 0.9, "matched_by": "hs:281820"}}}},
		"route":     map[string]any{"to_dprk": true, "from_dprk": false, "evidence": []any{"route.destination_country"}, "to_evidence": []any{"route.destination_country"}, "dprk_parties": []any{1}},
		"ownership": []any{},
	}
	v, err := ast.InterfaceToValue(in)
	if err != nil {
		b.Fatal(err)
	}
	return v
}

func BenchmarkEvaluateShipment(b *testing.B) {
	ctx := context.Background()
	p, err := Load(ctx, Options{})
	if err != nil {
		b.Fatal(err)
	}
	in := benchInput(b)
	b.ReportAllocs()
	for b.Loop() {
		if _, err := p.EvaluateAll(ctx, in); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkEvaluateNoSignal(b *testing.B) {
	ctx := context.Background()
	p, err := Load(ctx, Options{})
	if err != nil {
		b.Fatal(err)
	}
	in, _ := ast.InterfaceToValue(map[string]any{"record": map[string]any{"parties": []any{map[string]any{"role": "party", "name": "x"}}},
		"matches": []any{}, "goods": []any{}, "route": map[string]any{"to_dprk": false, "from_dprk": false}, "ownership": []any{}})
	b.ReportAllocs()
	for b.Loop() {
		if _, err := p.EvaluateAll(ctx, in); err != nil {
			b.Fatal(err)
		}
	}
}
