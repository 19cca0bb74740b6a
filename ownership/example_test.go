package ownership_test

import (
	"context"
	"encoding/csv"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/open-policy-agent/opa/v1/ast"

	"github.com/screen-compliance/screen/entity"
	"github.com/screen-compliance/screen/lists"
	"github.com/screen-compliance/screen/ownership"
	"github.com/screen-compliance/screen/policies"
	"github.com/screen-compliance/screen/record"
)

const exampleDir = "../examples/ownership"

// exampleBundleDir is the embedded policy bundle in the source tree.
const exampleBundleDir = "../policies/bundle"

// exampleGraph builds the graph of examples/ownership.
func exampleGraph(t testing.TB) (*ownership.Graph, []*entity.List) {
	t.Helper()
	ctx := context.Background()
	l, err := lists.Load(ctx, filepath.Join(exampleDir, "dandong-network.json"), lists.FormatOwnJSON)
	if err != nil {
		t.Fatal(err)
	}
	edges, err := ownership.LoadFile(ctx, filepath.Join(exampleDir, "ownership.csv"))
	if err != nil {
		t.Fatal(err)
	}
	ls := []*entity.List{l}
	g, err := ownership.Build(ctx, ls, edges, ownership.Options{AsOf: "2026-11-22"})
	if err != nil {
		t.Fatal(err)
	}
	return g, ls
}

// consignees reads the example shipments' ids and consignees.
func consignees(t *testing.T) map[string]record.Party {
	t.Helper()
	f, err := os.Open(filepath.Join(exampleDir, "shipments.csv"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	rows, err := csv.NewReader(f).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	col := map[string]int{}
	for i, h := range rows[0] {
		col[h] = i
	}
	out := map[string]record.Party{}
	for _, r := range rows[1:] {
		out[r[col["id"]]] = record.Party{Role: record.RoleConsignee, Name: r[col["consignee"]], Country: r[col["consignee_country"]]}
	}
	return out
}

// TestExample screens the example shipments' consignees through the graph
// and the embedded policies.
func TestExample(t *testing.T) {
	g, _ := exampleGraph(t)
	if w := g.Warnings(); len(w) > 0 {
		t.Errorf("warnings: %v", w)
	}
	// Only the ownership family (with the shared lib and data), so that work
	// in progress in other rule families does not fail this test.
	pol, err := policies.Load(context.Background(), policies.Options{
		NoBuiltin: true,
		Dirs:      []string{filepath.Join(exampleBundleDir, "lib", "lib.rego"), filepath.Join(exampleBundleDir, "rules", "ownership", "ownership.rego")},
		DataFiles: []string{filepath.Join(exampleBundleDir, "data.json")},
	})
	if err != nil {
		t.Fatal(err)
	}
	parties := consignees(t)
	tests := []struct {
		id       string
		decision string
		rules    []string
		explain  []string
	}{
		{"OWN-0001", record.Block, []string{"ownership.ofac_50"}, []string{
			"owned 30 % by DANDONG HONGXIANG INDUSTRIAL DEVELOPMENT CO LTD (ofac:20564, SDN) + 25 % by MA Xiaohong (ofac:20565, SDN) = 55 % ≥ 50 %",
			`name "Ma Xiaohong" matched ofac:20565`,
			"Shareholder register of Yalu Bridge Trading (fictional)",
		}},
		{"OWN-0002", record.Block, []string{"ownership.ofac_50"}, []string{
			"owned 50 % by Yalu Bridge Trading Co., Ltd. (unlisted, blocked: owned 30 % by DANDONG HONGXIANG INDUSTRIAL DEVELOPMENT CO LTD (ofac:20564, SDN) + 25 % by MA Xiaohong (ofac:20565, SDN) = 55 % ≥ 50 %) = 50 % ≥ 50 %",
		}},
		{"OWN-0003", record.Clear, nil, nil},
		{"OWN-0004", record.Review, []string{"ownership.ofac_control", "ownership.ofac_unknown"}, []string{
			"owned 20 % by ZHOU Jianshu (ofac:20566, SDN) + an unknown share by HONG Jinhua (ofac:20567, SDN)",
		}},
	}
	for _, tt := range tests {
		t.Run(tt.id, func(t *testing.T) {
			p, ok := parties[tt.id]
			if !ok {
				t.Fatalf("no shipment %s", tt.id)
			}
			rec := &record.Record{ID: tt.id, Parties: []record.Party{{Role: record.RoleShipper, Name: "Some Shipper"}, p}}
			fs := g.RecordFindings(rec, nil)
			in := map[string]any{"record": rec, "matches": []record.Match{}, "goods": []record.Goods{}, "ownership": fs}
			val, err := ast.InterfaceToValue(in)
			if err != nil {
				t.Fatal(err)
			}
			reasons, err := pol.EvaluateAll(context.Background(), val)
			if err != nil {
				t.Fatal(err)
			}
			if got := policies.Decide(reasons); got != tt.decision {
				t.Errorf("decision %s, want %s; reasons %+v", got, tt.decision, reasons)
			}
			var ids []string
			msgs := ""
			for _, r := range reasons {
				ids = append(ids, r.Rule)
				msgs += r.Message + "\n"
				if !strings.HasPrefix(r.Rule, "ownership.") {
					t.Errorf("unexpected reason %+v", r)
				}
				// the party, and its list match when the record has one
				if len(r.Evidence) == 0 || r.Evidence[0] != "parties[1]" {
					t.Errorf("evidence %v", r.Evidence)
				}
			}
			if strings.Join(ids, ",") != strings.Join(tt.rules, ",") {
				t.Errorf("rules %v, want %v", ids, tt.rules)
			}
			for _, want := range tt.explain {
				if !strings.Contains(msgs, want) {
					t.Errorf("messages lack %q:\n%s", want, msgs)
				}
			}
		})
	}
}
