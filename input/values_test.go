package input

import (
	"strings"
	"testing"
)

// TestValuesThatNameNothing: a kind that is no kind, a country that is not
// one and a party with nothing to screen it by are row errors naming the
// column, in every format, never a row screened without them.
func TestValuesThatNameNothing(t *testing.T) {
	tests := []struct {
		name, format, in string
		// want is per record: "ok" or a substring of Err.
		want []string
	}{
		{"party kind", FormatCSV, "name,type,country\nKim Yong Chol,persn,KP\nKim Yong Chol,Individual,KP\nAlpha,,N/A\n",
			[]string{`row 1 (line 2), column "type": unknown kind "persn"`, "ok", "ok"}},
		{"party country", FormatCSV, "name,country\nAlpha,Narnia\nBeta,XX\nGamma,Germany\n",
			[]string{`row 1 (line 2), column "country": unknown country "Narnia"`, "ok", "ok"}},
		{"party with nothing to screen", FormatCSV, "name,type,country,dob\n,person,KP,1970\n",
			[]string{`row 1 (line 2), column "name": no name, id_number or imo`}},
		{"shipment countries", FormatCSV,
			"consignee,consignee country,origin,destination\nAlpha,Narnia,CN,KP\nBeta,CN,Atlantis,KP\nGamma,CN,CN,Mars\nDelta,CN,CN,North Korea\n",
			[]string{`column "consignee country": unknown country "Narnia"`, `column "origin": unknown country "Atlantis"`,
				`column "destination": unknown country "Mars"`, "ok"}},
		{"json kind", FormatJSONL, `{"name":"Kim","kind":"persn"}` + "\n" + `{"name":"Kim","kind":"person"}` + "\n",
			[]string{`column "kind": unknown kind "persn"`, "ok"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r, err := NewReader(strings.NewReader(tt.in), "in."+tt.format, Options{Format: tt.format})
			if err != nil {
				t.Fatal(err)
			}
			defer r.Close()
			recs := readAll(t, r)
			if len(recs) != len(tt.want) {
				t.Fatalf("%d records, want %d: %+v", len(recs), len(tt.want), recs)
			}
			for i, rec := range recs {
				if tt.want[i] == "ok" {
					if rec.Err != "" {
						t.Errorf("record %d: err %q, want none", i, rec.Err)
					}
					continue
				}
				if !strings.Contains(rec.Err, tt.want[i]) {
					t.Errorf("record %d: err %q, want it to contain %q", i, rec.Err, tt.want[i])
				}
				if len(rec.Parties)+len(rec.Goods) != 0 {
					t.Errorf("record %d: an error record with data", i)
				}
			}
		})
	}
}
