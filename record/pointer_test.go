package record

import (
	"encoding/json"
	"testing"
)

func TestParsePointer(t *testing.T) {
	valid := map[string]Pointer{
		"matches[0]":             Item(PtrMatches, 0),
		"parties[12]":            Item(PtrParties, 12),
		"goods[2].description":   Item(PtrGoods, 2).WithField("description"),
		"fields[19]":             Item(PtrFields, 19),
		"truncated[0]":           Item(PtrTruncated, 0),
		"route.origin_country":   RouteField("origin_country"),
		"route.transshipment[1]": RouteField("transshipment").WithFieldIndex(1),
	}
	for s, want := range valid {
		got, err := ParsePointer(s)
		if err != nil {
			t.Errorf("ParsePointer(%q): %v", s, err)
			continue
		}
		if got != want {
			t.Errorf("ParsePointer(%q) = %+v, want %+v", s, got, want)
		}
		if got.String() != s {
			t.Errorf("ParsePointer(%q).String() = %q", s, got.String())
		}
	}
	for _, s := range []string{
		"", "matches", "matches[]", "matches[-1]", "matches[01]", "matches[x]", "matches[0", "matches[1234567890]",
		"ownership[0]", "input.matches[0]", "route", "route[0]", "route.", "parties[0].Name", "goods[0].description[x]",
		"fields", "record.parties[0]",
	} {
		if p, err := ParsePointer(s); err == nil {
			t.Errorf("ParsePointer(%q) accepted: %+v", s, p)
		}
	}
}

func TestResolveAgreesWithJSON(t *testing.T) {
	d := Decision{
		ID: "x", Decision: Block,
		Matches:   []Match{{Role: "buyer", EntityID: "un:1", Programs: []string{}}},
		Goods:     []Goods{{Line: 0, HS: "2701", Categories: []string{}}, {Line: 1, Description: "coal", Categories: []string{}}},
		Parties:   []Party{{Role: "buyer", Name: "A"}, {Role: "seller", Name: "B", Country: "KP"}},
		Route:     &Route{Origin: "KP", Transshipment: []string{"Dalian", "Nampo"}},
		Fields:    []Field{{Column: "note", Value: "STS"}},
		Truncated: []string{"parties[0].name: 30000 characters, 1000 screened"},
	}
	b, err := json.Marshal(&d)
	if err != nil {
		t.Fatal(err)
	}
	var doc any
	if err := json.Unmarshal(b, &doc); err != nil {
		t.Fatal(err)
	}
	cases := map[string]bool{
		"matches[0]": true, "matches[1]": false,
		"parties[1]": true, "parties[1].country": true, "parties[0].country": false, "parties[2]": false,
		"goods[0].hs": true, "goods[0].description": false, "goods[1].description": true,
		"fields[0]": true, "fields[1]": false,
		"truncated[0]": true, "truncated[1]": false,
		"route.origin_country": true, "route.destination_country": false,
		"route.transshipment[1]": true, "route.transshipment[2]": false,
	}
	for s, want := range cases {
		p, err := ParsePointer(s)
		if err != nil {
			t.Fatal(err)
		}
		gotTyped := d.Resolve(p) == nil
		_, gotJSON := ResolveJSON(doc, p)
		if gotTyped != want || gotJSON != want {
			t.Errorf("%s: Resolve %v, ResolveJSON %v, want %v (%v)", s, gotTyped, gotJSON, want, d.Resolve(p))
		}
	}
	empty := Decision{Matches: []Match{}, Goods: []Goods{}}
	for _, s := range []string{"parties[0]", "route.origin_country", "fields[0]"} {
		p, _ := ParsePointer(s)
		if empty.Resolve(p) == nil {
			t.Errorf("%s resolves in a decision without input", s)
		}
	}
}

// FuzzParsePointer: ParsePointer never panics, and what it accepts prints
// back as the same text.
func FuzzParsePointer(f *testing.F) {
	for _, s := range []string{"matches[0]", "parties[12]", "goods[2].description", "route.transshipment[1]", "route.origin_country", "fields[", "x[0].y[1]"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		p, err := ParsePointer(s)
		if err != nil {
			return
		}
		if p.String() != s {
			t.Errorf("ParsePointer(%q).String() = %q", s, p.String())
		}
		if q, err := ParsePointer(p.String()); err != nil || q != p {
			t.Errorf("round trip of %q: %+v, %v", s, q, err)
		}
	})
}
