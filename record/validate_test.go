package record

import (
	"errors"
	"testing"
)

func TestValidate(t *testing.T) {
	ok := Party{Role: "buyer", Name: "Alpha Ltd"}
	tests := []struct {
		name  string
		rec   Record
		field string // "" = valid
		msg   string
	}{
		{name: "valid", rec: Record{Parties: []Party{ok, {Name: "Kim", Kind: "person", Country: "North Korea"}}}},
		{name: "id only", rec: Record{Parties: []Party{{IDNumber: "P123"}}}},
		{name: "imo only", rec: Record{Parties: []Party{{IMO: "9123456"}}}},
		{name: "placeholder country", rec: Record{Parties: []Party{{Name: "A", Country: "N/A"}}, Route: Route{Origin: "-"}}},
		{name: "goods only", rec: Record{Goods: []GoodsLine{{HS: "2701"}}, Route: Route{Origin: "KP", Destination: "China"}}},
		{name: "party with nothing to screen", rec: Record{Parties: []Party{ok, {Role: "consignee", Country: "KP", DOB: "1970"}}},
			field: "parties[1]", msg: "parties[1]: nothing to screen: the party has no name, id_number or imo"},
		{name: "unknown kind", rec: Record{Parties: []Party{ok, {Name: "Kim", Kind: "persn"}}},
			field: "parties[1].kind", msg: `parties[1].kind: unknown kind "persn": want person, organization, vessel or aircraft`},
		{name: "synonym kind is mapped before, not here", rec: Record{Parties: []Party{{Name: "Kim", Kind: "company"}}},
			field: "parties[0].kind"},
		{name: "not a country", rec: Record{Parties: []Party{{Name: "Kim", Country: "Narnia"}}},
			field: "parties[0].country", msg: `parties[0].country: unknown country "Narnia": want a country name or an ISO 3166 code`},
		{name: "XX is no country", rec: Record{Parties: []Party{{Name: "Kim", Country: "XY"}}}, field: "parties[0].country"},
		{name: "origin", rec: Record{Parties: []Party{ok}, Route: Route{Origin: "Atlantis"}}, field: "route.origin_country"},
		{name: "destination", rec: Record{Parties: []Party{ok}, Route: Route{Destination: "Mars"}}, field: "route.destination_country"},
		{name: "invalid UTF-8 name", rec: Record{Parties: []Party{ok, {Name: "Kim \xff"}}}, field: "parties[1].name",
			msg: "parties[1].name: invalid UTF-8"},
		{name: "invalid UTF-8 description", rec: Record{Goods: []GoodsLine{{Description: "\xc3"}}}, field: "goods[0].description"},
		{name: "invalid UTF-8 transshipment", rec: Record{Parties: []Party{ok}, Route: Route{Transshipment: []string{"Busan", "\xfe"}}},
			field: "route.transshipment[1]"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := tt.rec.Validate()
			if tt.field == "" {
				if err != nil {
					t.Fatalf("Validate() = %v, want nil", err)
				}
				return
			}
			var fe *FieldError
			if !errors.As(err, &fe) {
				t.Fatalf("Validate() = %v, want a *FieldError on %s", err, tt.field)
			}
			if fe.Field != tt.field {
				t.Errorf("field %q, want %q (%v)", fe.Field, tt.field, err)
			}
			if tt.msg != "" && err.Error() != tt.msg {
				t.Errorf("message %q, want %q", err.Error(), tt.msg)
			}
		})
	}
}

func TestCanonicalKind(t *testing.T) {
	tests := []struct {
		in   string
		want string
		ok   bool
	}{
		{"person", "person", true}, {"Individual", "person", true}, {"natural person", "person", true},
		{"organization", "organization", true}, {"Organisation", "organization", true}, {"company", "organization", true},
		{"Entity", "organization", true}, {"legal entity", "organization", true},
		{"vessel", "vessel", true}, {"Ship", "vessel", true}, {"aircraft", "aircraft", true}, {"plane", "aircraft", true},
		{"", "", true}, {"  ", "", true}, {"persn", "", false}, {"unknown thing", "", false}, {"-", "", true}, {"N/A", "", true}, {"unknown", "", true},
	}
	for _, tt := range tests {
		got, ok := CanonicalKind(tt.in)
		if got != tt.want || ok != tt.ok {
			t.Errorf("CanonicalKind(%q) = %q, %v; want %q, %v", tt.in, got, ok, tt.want, tt.ok)
		}
	}
}
