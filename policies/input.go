package policies

import (
	_ "embed"
	"slices"
	"sort"

	"github.com/screen-compliance/screen/goods"
	"github.com/screen-compliance/screen/ownership"
	"github.com/screen-compliance/screen/record"
)

// Input is the document the policies see as `input`. Its JSON form is
// described by the JSON schema InputSchema returns; Load type-checks every
// rule against that schema, so a rule reading a field the input does not
// have is a load error.
type Input struct {
	// Record is the screened record as read (parties, goods lines, route,
	// the input row, what was cut to the limits).
	Record *record.Record `json:"record"`
	// Matches are the list entities found for the parties, best first.
	Matches []record.Match `json:"matches"`
	// Goods are the classified goods lines, in line order.
	Goods []record.Goods `json:"goods"`
	// Route is what the route and parties say about the DPRK.
	Route goods.RouteFacts `json:"route"`
	// Ownership holds what the relationship graph derives for the parties.
	Ownership []ownership.Finding `json:"ownership"`
}

//go:embed input.schema.json
var inputSchema []byte

// InputSchema returns the JSON schema (draft 07) of Input's JSON form.
func InputSchema() []byte { return slices.Clone(inputSchema) }

// Section is a part of the policy input that a rule family can require in
// its package METADATA (custom.requires): the family is then evaluated only
// for inputs in which one of its required sections is present.
type Section struct {
	// Name is the name used in custom.requires.
	Name string
	// Doc says when the section is present.
	Doc     string
	present func(*Input) bool
}

// sectionTable is the one table of sections: Load accepts exactly these
// names in custom.requires, and SectionsOf computes exactly these. Adding a
// section is adding a row here.
func sectionTable() []Section {
	return []Section{
		{Name: "matches", Doc: "a party matches a list entity at or above the match floor",
			present: func(in *Input) bool { return len(in.Matches) > 0 }},
		{Name: "ownership", Doc: "the relationship graph has a finding for a party",
			present: func(in *Input) bool { return len(in.Ownership) > 0 }},
		{Name: "goods", Doc: "a goods line has a category or an error",
			present: func(in *Input) bool {
				return slices.ContainsFunc(in.Goods, func(g record.Goods) bool { return len(g.Categories) > 0 || g.Error != "" })
			}},
		{Name: "goods_error", Doc: "a goods line could not be read (invalid HS code)",
			present: func(in *Input) bool {
				return slices.ContainsFunc(in.Goods, func(g record.Goods) bool { return g.Error != "" })
			}},
		{Name: "goods_mismatch", Doc: "a description does not fit the declared HS code",
			present: func(in *Input) bool {
				return slices.ContainsFunc(in.Goods, func(g record.Goods) bool { return slices.Contains(g.Categories, goods.MismatchID) })
			}},
		{Name: "dprk_route", Doc: "the route or a party touches the DPRK (place, party, flag, transshipment, free-text indicator or exemption reference)",
			present: func(in *Input) bool {
				r := &in.Route
				return r.ToDPRK || r.FromDPRK || len(r.DPRKParties) > 0 || r.VesselFlagDPRK ||
					len(r.Indicators) > 0 || len(r.DPRKTransshipment) > 0 || r.ExemptionRef != ""
			}},
		{Name: "truncated", Doc: "input was cut to the matching limits (record.truncated is not empty)",
			present: func(in *Input) bool { return in.Record != nil && len(in.Record.Truncated) > 0 }},
	}
}

// KnownSections returns the sections a rule family may require, sorted by
// name.
func KnownSections() []Section {
	t := sectionTable()
	sort.Slice(t, func(i, j int) bool { return t[i].Name < t[j].Name })
	return t
}

// SectionsOf says which sections of in are present. Every known section has
// an entry, true or false.
func SectionsOf(in *Input) Sections {
	t := sectionTable()
	s := make(Sections, len(t))
	for _, sec := range t {
		s[sec.Name] = sec.present(in)
	}
	return s
}

// knownSection reports whether name is a section of the table.
func knownSection(name string) bool {
	return slices.ContainsFunc(sectionTable(), func(s Section) bool { return s.Name == name })
}
