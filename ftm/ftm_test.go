package ftm

import (
	"context"
	"errors"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/screen-compliance/screen/entity"
)

func TestPartyKind(t *testing.T) {
	tests := []struct {
		schema string
		kind   entity.Kind
		ok     bool
	}{
		{Person, entity.KindPerson, true},
		{Organization, entity.KindOrganization, true},
		{Company, entity.KindOrganization, true},
		{LegalEntity, entity.KindOrganization, true},
		{PublicBody, entity.KindOrganization, true},
		{Vessel, entity.KindVessel, true},
		{Airplane, entity.KindAircraft, true},
		{Thing, entity.KindUnknown, false},
		{Sanction, entity.KindUnknown, false},
		{Ownership, entity.KindUnknown, false},
		{"person", entity.KindUnknown, false},
	}
	for _, tt := range tests {
		if k, ok := PartyKind(tt.schema); k != tt.kind || ok != tt.ok {
			t.Errorf("PartyKind(%q) = %q, %v; want %q, %v", tt.schema, k, ok, tt.kind, tt.ok)
		}
	}
}

func TestQueryKind(t *testing.T) {
	tests := []struct {
		schema string
		kind   entity.Kind
		ok     bool
	}{
		{Thing, entity.KindUnknown, true},
		{LegalEntity, entity.KindUnknown, true},
		{Person, entity.KindPerson, true},
		{Company, entity.KindOrganization, true},
		{Airplane, entity.KindAircraft, true},
		{Sanction, entity.KindUnknown, false},
		{"", entity.KindUnknown, false},
	}
	for _, tt := range tests {
		if k, ok := QueryKind(tt.schema); k != tt.kind || ok != tt.ok {
			t.Errorf("QueryKind(%q) = %q, %v; want %q, %v", tt.schema, k, ok, tt.kind, tt.ok)
		}
	}
	for _, s := range QuerySchemata() {
		if _, ok := QueryKind(s); !ok {
			t.Errorf("QuerySchemata has %q, which QueryKind refuses", s)
		}
	}
	for s := range partyKinds {
		if !slices.Contains(QuerySchemata(), s) {
			t.Errorf("party schema %q is not a query schema", s)
		}
	}
}

func TestKindSchema(t *testing.T) {
	for _, k := range []entity.Kind{entity.KindPerson, entity.KindOrganization, entity.KindVessel, entity.KindAircraft} {
		s := KindSchema(k)
		if back, ok := PartyKind(s); !ok || back != k {
			t.Errorf("KindSchema(%q) = %q, which reads back as %q", k, s, back)
		}
	}
	if s := KindSchema(entity.KindUnknown); s != LegalEntity {
		t.Errorf("KindSchema(unknown) = %q", s)
	}
}

func TestRelationshipEnds(t *testing.T) {
	tests := []struct {
		schema string
		ends   Ends
		ok     bool
	}{
		{Ownership, Ends{"owner", "asset"}, true},
		{Directorship, Ends{"director", "organization"}, true},
		{Family, Ends{"person", "relative"}, true},
		{Associate, Ends{"person", "associate"}, true},
		{UnknownLink, Ends{"subject", "object"}, true},
		{Person, Ends{}, false},
	}
	for _, tt := range tests {
		if e, ok := RelationshipEnds(tt.schema); e != tt.ends || ok != tt.ok {
			t.Errorf("RelationshipEnds(%q) = %v, %v", tt.schema, e, ok)
		}
	}
}

func TestProps(t *testing.T) {
	seen := map[string]bool{}
	check := func(group, p string) {
		if p == "" || seen[p] {
			t.Errorf("%s: property %q empty or in two groups", group, p)
		}
		seen[p] = true
	}
	names := NameProps()
	if names[0].Prop != "name" {
		t.Errorf("first name property %q", names[0].Prop)
	}
	for _, n := range names {
		check("names", n.Prop)
	}
	for _, p := range NamePartProps() {
		check("name parts", p)
	}
	for _, p := range CountryProps() {
		check("countries", p)
		if _, ok := CountryRole(p); !ok {
			t.Errorf("country property %q has no role", p)
		}
	}
	if r, ok := CountryRole("jurisdiction"); !ok || r != entity.RoleRegistration {
		t.Errorf("jurisdiction: %q", r)
	}
	if _, ok := CountryRole("name"); ok {
		t.Error("name is no country property")
	}
	for _, p := range IdentifierProps() {
		check("identifiers", p.Prop)
		if p.Type == "" {
			t.Errorf("identifier property %q has no type", p.Prop)
		}
	}
	// The returned slices are copies.
	NameProps()[0].Prop = "x"
	IdentifierProps()[0].Prop = "x"
	QuerySchemata()[0] = "x"
	if NameProps()[0].Prop != "name" || IdentifierProps()[0].Prop == "x" || QuerySchemata()[0] != Thing {
		t.Error("a returned table aliases the package's")
	}
}

type rec struct {
	ID string `json:"id"`
}

func TestScanLines(t *testing.T) {
	errStop := errors.New("stop")
	tests := []struct {
		name, in string
		stopAt   string // fn returns errStop on this id
		ids      string
		err      string
	}{
		{"lines and blank lines", "{\"id\":\"a\"}\n\n  \r\n{\"id\":\"b\"}", "", "a@1 b@4", ""},
		{"no trailing newline", `{"id":"a"}`, "", "a@1", ""},
		{"empty", "", "", "", ""},
		{"bad json names the line", "{\"id\":\"a\"}\n{bad\n", "", "a@1", "parse f.json: line 2: invalid character"},
		{"wrong type", `{"id":1}`, "", "", "parse f.json: line 1: json: cannot unmarshal number"},
		{"fn error as is", "{\"id\":\"a\"}\n{\"id\":\"b\"}\n", "a", "", "stop"},
		{"too long", strings.Repeat(" ", MaxLineBytes+1), "", "", "parse f.json: line 1: bufio.Scanner: token too long"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var got []string
			err := ScanLines(context.Background(), strings.NewReader(tt.in), "f.json", func(line int, v *rec) error {
				if v.ID == tt.stopAt {
					return errStop
				}
				got = append(got, v.ID+"@"+strconv.Itoa(line))
				return nil
			})
			if g := strings.Join(got, " "); g != tt.ids {
				t.Errorf("read %q, want %q", g, tt.ids)
			}
			switch {
			case tt.err == "" && err != nil:
				t.Errorf("err = %v", err)
			case tt.err == "stop" && !errors.Is(err, errStop):
				t.Errorf("err = %v, want fn's error", err)
			case tt.err != "" && tt.err != "stop" && (err == nil || !strings.HasPrefix(err.Error(), tt.err)):
				t.Errorf("err = %v, want %q...", err, tt.err)
			}
		})
	}
}

func TestScanLinesContext(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	n := 0
	err := ScanLines(ctx, strings.NewReader(strings.Repeat("{\"id\":\"a\"}\n", 3000)), "f", func(int, *rec) error { n++; return nil })
	if !errors.Is(err, context.Canceled) || n != ctxEvery-1 {
		t.Errorf("err = %v after %d lines", err, n)
	}
}
