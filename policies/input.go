package policies

import (
	_ "embed"
	"encoding/binary"
	"fmt"
	"math"
	"slices"
	"sort"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/open-policy-agent/opa/v1/ast"

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

// sections is sectionTable, built once and only read afterwards.
var sections = sectionTable()

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
	t := slices.Clone(sections)
	sort.Slice(t, func(i, j int) bool { return t[i].Name < t[j].Name })
	return t
}

// SectionsOf says which sections of in are present. Every known section has
// an entry, true or false.
func SectionsOf(in *Input) Sections {
	s := make(Sections, len(sections))
	for _, sec := range sections {
		s[sec.Name] = sec.present(in)
	}
	return s
}

// knownSection reports whether name is a section of the table.
func knownSection(name string) bool {
	return slices.ContainsFunc(sections, func(s Section) bool { return s.Name == name })
}

// Value returns the input document as an OPA value: the value that
// ast.InterfaceToValue gives for in's JSON encoding (the same keys,
// omitempty and omitzero fields left out, nil slices as null, numbers in
// the text encoding/json writes, invalid UTF-8 replaced by U+FFFD as
// encoding/json does), built straight from the Go values without JSON text
// or reflection. It fails only on a number JSON cannot encode (NaN, ±Inf).
// Tests compare it with the JSON route on every example and on random
// inputs that set every field, so a field added to one of these types
// without its encoding here fails them.
func (in *Input) Value() (ast.Value, error) {
	var e valueBuilder
	v := e.input(in)
	if e.err != nil {
		return nil, e.err
	}
	return v, nil
}

// Object keys of the policy input, built once.
var (
	kRecord, kMatches, kGoods, kRoute, kOwnership = ast.StringTerm("record"), ast.StringTerm("matches"), ast.StringTerm("goods"), ast.StringTerm("route"), ast.StringTerm("ownership")

	kID, kSource, kRow, kDate, kParties, kFields, kError, kTruncated = ast.StringTerm("id"), ast.StringTerm("source"), ast.StringTerm("row"), ast.StringTerm("date"), ast.StringTerm("parties"), ast.StringTerm("fields"), ast.StringTerm("error"), ast.StringTerm("truncated")

	kRole, kName, kKind, kCountry, kDOB, kIDNumber, kIMO = ast.StringTerm("role"), ast.StringTerm("name"), ast.StringTerm("kind"), ast.StringTerm("country"), ast.StringTerm("dob"), ast.StringTerm("id_number"), ast.StringTerm("imo")

	kHS, kDescription, kQuantity, kUnit, kValue, kCurrency = ast.StringTerm("hs"), ast.StringTerm("description"), ast.StringTerm("quantity"), ast.StringTerm("unit"), ast.StringTerm("value"), ast.StringTerm("currency")

	kOriginCountry, kDestinationCountry, kPortOfLoading, kPortOfDischarge, kTransshipment = ast.StringTerm("origin_country"), ast.StringTerm("destination_country"), ast.StringTerm("port_of_loading"), ast.StringTerm("port_of_discharge"), ast.StringTerm("transshipment")

	kColumn = ast.StringTerm("column")

	kParty, kQuery, kEntityID, kList, kMatchedName, kScore, kNameScore, kConflicts, kIDMatch, kPrograms, kExplanation, kFeatures = ast.StringTerm("party"), ast.StringTerm("query"), ast.StringTerm("entity_id"), ast.StringTerm("list"), ast.StringTerm("matched_name"), ast.StringTerm("score"), ast.StringTerm("name_score"), ast.StringTerm("conflicts"), ast.StringTerm("id_match"), ast.StringTerm("programs"), ast.StringTerm("explanation"), ast.StringTerm("features")

	kDetail = ast.StringTerm("detail")

	kLine, kCategories, kDetails, kTitle, kDirection, kMeasure, kCitation, kConfidence, kMatchedBy, kContext = ast.StringTerm("line"), ast.StringTerm("categories"), ast.StringTerm("details"), ast.StringTerm("title"), ast.StringTerm("direction"), ast.StringTerm("measure"), ast.StringTerm("citation"), ast.StringTerm("confidence"), ast.StringTerm("matched_by"), ast.StringTerm("context")

	kToDPRK, kFromDPRK, kEvidence, kFromEvidence, kToEvidence, kDPRKPortOfLoading, kDPRKPortOfDischarge, kDPRKTransshipment, kDPRKParties, kVesselFlagDPRK, kVesselParties, kVesselNames, kIndicators, kExemptionRef, kExemptionEvidence, kNotificationRef = ast.StringTerm("to_dprk"), ast.StringTerm("from_dprk"), ast.StringTerm("evidence"), ast.StringTerm("from_evidence"), ast.StringTerm("to_evidence"), ast.StringTerm("dprk_port_of_loading"), ast.StringTerm("dprk_port_of_discharge"), ast.StringTerm("dprk_transshipment"), ast.StringTerm("dprk_parties"), ast.StringTerm("vessel_flag_dprk"), ast.StringTerm("vessel_parties"), ast.StringTerm("vessel_names"), ast.StringTerm("indicators"), ast.StringTerm("exemption_ref"), ast.StringTerm("exemption_evidence"), ast.StringTerm("notification_ref")

	kNodeID, kNodeName, kListed, kMatchScore, kStatus, kBasis, kRegime, kSum, kUnknown, kThreshold, kPath = ast.StringTerm("node_id"), ast.StringTerm("node_name"), ast.StringTerm("listed"), ast.StringTerm("match_score"), ast.StringTerm("status"), ast.StringTerm("basis"), ast.StringTerm("regime"), ast.StringTerm("sum"), ast.StringTerm("unknown"), ast.StringTerm("threshold"), ast.StringTerm("path")

	kDepth, kRelation, kOwnerID, kOwner, kOwnedID, kOwned, kPercent, kStartDate, kEndDate, kPartyStatus, kPartyList, kResolution, kInactive = ast.StringTerm("depth"), ast.StringTerm("relation"), ast.StringTerm("owner_id"), ast.StringTerm("owner"), ast.StringTerm("owned_id"), ast.StringTerm("owned"), ast.StringTerm("percent"), ast.StringTerm("start_date"), ast.StringTerm("end_date"), ast.StringTerm("party_status"), ast.StringTerm("party_list"), ast.StringTerm("resolution"), ast.StringTerm("inactive")
)

// valueBuilder builds the OPA value of the policy input; err is the first
// number JSON could not encode.
type valueBuilder struct {
	err   error
	pairs [][2]*ast.Term // scratch for the object being built
	terms []ast.Term     // terms to hand out, allocated a block at a time
}

// nullTerm is the one null of every input (terms are not changed once built).
var nullTerm = ast.NullTerm()

// term returns a term holding v.
func (e *valueBuilder) term(v ast.Value) *ast.Term {
	if len(e.terms) == 0 {
		e.terms = make([]ast.Term, 64)
	}
	t := &e.terms[0]
	e.terms = e.terms[1:]
	t.Value = v
	return t
}

// obj is an object of the key/value pairs appended to e.pairs since mark.
func (e *valueBuilder) obj(mark int) *ast.Term {
	t := e.term(ast.NewObject(e.pairs[mark:]...))
	clear(e.pairs[mark:])
	e.pairs = e.pairs[:mark]
	return t
}

func (e *valueBuilder) add(k, v *ast.Term) { e.pairs = append(e.pairs, [2]*ast.Term{k, v}) }

// addStr adds a string field; omitempty leaves out "".
func (e *valueBuilder) addStr(k *ast.Term, s string, omitempty bool) {
	if s == "" && omitempty {
		return
	}
	e.add(k, e.str(s))
}

func (e *valueBuilder) addNum(k *ast.Term, f float64) { e.add(k, e.num(f)) }

func (e *valueBuilder) addInt(k *ast.Term, i int) { e.add(k, ast.InternedTerm(i)) }

func (e *valueBuilder) addBool(k *ast.Term, b bool) { e.add(k, ast.InternedTerm(b)) }

// str is a string as JSON carries it: invalid UTF-8 bytes become U+FFFD.
func (e *valueBuilder) str(s string) *ast.Term {
	if s == "" {
		return ast.InternedTerm("")
	}
	if !utf8.ValidString(s) {
		s = validUTF8(s)
	}
	return e.term(ast.String(s))
}

// validUTF8 replaces every byte of s that is not part of a valid UTF-8
// sequence with U+FFFD, as encoding/json does (strings.ToValidUTF8
// replaces a run of them with one).
func validUTF8(s string) string {
	var b strings.Builder
	for i := 0; i < len(s); {
		r, n := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && n == 1 {
			b.WriteRune(utf8.RuneError)
		} else {
			b.WriteString(s[i : i+n])
		}
		i += n
	}
	return b.String()
}

// num is a number in the text encoding/json writes for it.
func (e *valueBuilder) num(f float64) *ast.Term {
	if math.IsNaN(f) || math.IsInf(f, 0) {
		if e.err == nil {
			e.err = fmt.Errorf("policy input: unsupported number %v", f)
		}
		return nullTerm
	}
	if i := int(f); float64(i) == f && i >= 0 && i <= 100 && !math.Signbit(f) {
		return ast.InternedTerm(i) // 0, 1, 50, 100: JSON writes them as integers
	}
	var buf [32]byte
	return e.term(ast.Number(appendJSONFloat(buf[:0], f)))
}

// appendJSONFloat appends f as encoding/json writes a float64.
func appendJSONFloat(b []byte, f float64) []byte {
	format := byte('f')
	if abs := math.Abs(f); abs != 0 && (abs < 1e-6 || abs >= 1e21) {
		format = 'e'
	}
	b = strconv.AppendFloat(b, f, format, -1, 64)
	if format == 'e' {
		// clean up e-09 to e-9
		if n := len(b); n >= 4 && b[n-4] == 'e' && b[n-3] == '-' && b[n-2] == '0' {
			b[n-2] = b[n-1]
			b = b[:n-1]
		}
	}
	return b
}

// list is a slice as JSON writes it: null when nil.
func list[T any](e *valueBuilder, s []T, elem func(*valueBuilder, *T) *ast.Term) *ast.Term {
	if s == nil {
		return nullTerm
	}
	terms := make([]*ast.Term, len(s))
	for i := range s {
		terms[i] = elem(e, &s[i])
	}
	return e.term(ast.NewArray(terms...))
}

// addList adds a slice field; omitempty leaves out nil and empty slices.
func addList[T any](e *valueBuilder, k *ast.Term, s []T, omitempty bool, elem func(*valueBuilder, *T) *ast.Term) {
	if len(s) == 0 && omitempty {
		return
	}
	e.add(k, list(e, s, elem))
}

func strElem(e *valueBuilder, s *string) *ast.Term { return e.str(*s) }

func intElem(_ *valueBuilder, i *int) *ast.Term { return ast.InternedTerm(*i) }

func (e *valueBuilder) input(in *Input) ast.Value {
	m := len(e.pairs)
	if in.Record == nil {
		e.add(kRecord, nullTerm)
	} else {
		e.add(kRecord, e.record(in.Record))
	}
	e.add(kMatches, list(e, in.Matches, (*valueBuilder).match))
	e.add(kGoods, list(e, in.Goods, (*valueBuilder).goods))
	e.add(kRoute, e.routeFacts(&in.Route))
	e.add(kOwnership, list(e, in.Ownership, (*valueBuilder).finding))
	return e.obj(m).Value
}

func (e *valueBuilder) record(r *record.Record) *ast.Term {
	m := len(e.pairs)
	e.addStr(kID, r.ID, true)
	e.addStr(kSource, r.Source, true)
	if r.Row != 0 {
		e.addInt(kRow, r.Row)
	}
	e.addStr(kDate, r.Date, true)
	addList(e, kParties, r.Parties, true, (*valueBuilder).party)
	addList(e, kGoods, r.Goods, true, (*valueBuilder).goodsLine)
	if !routeIsZero(&r.Route) {
		e.add(kRoute, e.route(&r.Route))
	}
	addList(e, kFields, r.Fields, true, (*valueBuilder).field)
	e.addStr(kError, r.Err, true)
	addList(e, kTruncated, r.Truncated, true, strElem)
	return e.obj(m)
}

// routeIsZero reports whether JSON's omitzero leaves r out: every field is
// its zero value (a nil slice; an empty one is not zero).
func routeIsZero(r *record.Route) bool {
	return r.Origin == "" && r.Destination == "" && r.PortOfLoading == "" && r.PortOfDischarge == "" && r.Transshipment == nil
}

func (e *valueBuilder) party(p *record.Party) *ast.Term {
	m := len(e.pairs)
	e.addStr(kRole, p.Role, false)
	e.addStr(kName, p.Name, false)
	e.addStr(kKind, p.Kind, true)
	e.addStr(kCountry, p.Country, true)
	e.addStr(kDOB, p.DOB, true)
	e.addStr(kIDNumber, p.IDNumber, true)
	e.addStr(kIMO, p.IMO, true)
	return e.obj(m)
}

func (e *valueBuilder) goodsLine(g *record.GoodsLine) *ast.Term {
	m := len(e.pairs)
	e.addStr(kHS, g.HS, true)
	e.addStr(kDescription, g.Description, true)
	e.addStr(kQuantity, g.Quantity, true)
	e.addStr(kUnit, g.Unit, true)
	e.addStr(kValue, g.Value, true)
	e.addStr(kCurrency, g.Currency, true)
	return e.obj(m)
}

func (e *valueBuilder) route(r *record.Route) *ast.Term {
	m := len(e.pairs)
	e.addStr(kOriginCountry, r.Origin, true)
	e.addStr(kDestinationCountry, r.Destination, true)
	e.addStr(kPortOfLoading, r.PortOfLoading, true)
	e.addStr(kPortOfDischarge, r.PortOfDischarge, true)
	addList(e, kTransshipment, r.Transshipment, true, strElem)
	return e.obj(m)
}

func (e *valueBuilder) field(f *record.Field) *ast.Term {
	m := len(e.pairs)
	e.addStr(kColumn, f.Column, false)
	e.addStr(kValue, f.Value, false)
	return e.obj(m)
}

func (e *valueBuilder) match(x *record.Match) *ast.Term {
	m := len(e.pairs)
	e.addStr(kRole, x.Role, false)
	e.addInt(kParty, x.Party)
	e.addStr(kQuery, x.Query, false)
	e.addStr(kEntityID, x.EntityID, false)
	e.addStr(kList, x.List, false)
	e.addStr(kKind, x.Kind, true)
	e.addStr(kName, x.Name, false)
	e.addStr(kMatchedName, x.MatchedName, false)
	e.addNum(kScore, x.Score)
	e.addNum(kNameScore, x.NameScore)
	addList(e, kConflicts, x.Conflicts, true, strElem)
	e.addStr(kIDMatch, x.IDMatch, true)
	e.add(kPrograms, list(e, x.Programs, strElem))
	e.addStr(kExplanation, x.Explanation, false)
	addList(e, kFeatures, x.Features, true, (*valueBuilder).feature)
	return e.obj(m)
}

func (e *valueBuilder) feature(f *record.Feature) *ast.Term {
	m := len(e.pairs)
	e.addStr(kName, f.Name, false)
	e.addNum(kValue, f.Value)
	e.addStr(kDetail, f.Detail, true)
	return e.obj(m)
}

func (e *valueBuilder) goods(g *record.Goods) *ast.Term {
	m := len(e.pairs)
	e.addInt(kLine, g.Line)
	e.addStr(kHS, g.HS, true)
	e.addStr(kDescription, g.Description, true)
	e.add(kCategories, list(e, g.Categories, strElem))
	addList(e, kDetails, g.Details, true, (*valueBuilder).category)
	e.addStr(kError, g.Error, true)
	return e.obj(m)
}

func (e *valueBuilder) category(c *record.Category) *ast.Term {
	m := len(e.pairs)
	e.addStr(kID, c.ID, false)
	e.addStr(kTitle, c.Title, true)
	e.addStr(kDirection, c.Direction, true)
	e.addStr(kMeasure, c.Measure, true)
	e.addStr(kCitation, c.Citation, true)
	if c.Confidence != 0 {
		e.addNum(kConfidence, c.Confidence)
	}
	e.addStr(kMatchedBy, c.MatchedBy, true)
	if c.Context {
		e.addBool(kContext, true)
	}
	return e.obj(m)
}

func (e *valueBuilder) routeFacts(r *goods.RouteFacts) *ast.Term {
	m := len(e.pairs)
	e.addBool(kToDPRK, r.ToDPRK)
	e.addBool(kFromDPRK, r.FromDPRK)
	e.add(kEvidence, list(e, r.Evidence, strElem))
	e.add(kFromEvidence, list(e, r.FromEvidence, strElem))
	e.add(kToEvidence, list(e, r.ToEvidence, strElem))
	e.addStr(kOriginCountry, r.OriginCountry, true)
	e.addStr(kDestinationCountry, r.DestinationCountry, true)
	e.addStr(kDPRKPortOfLoading, r.DPRKPortOfLoading, true)
	e.addStr(kDPRKPortOfDischarge, r.DPRKPortOfDischarge, true)
	e.add(kDPRKTransshipment, list(e, r.DPRKTransshipment, strElem))
	e.add(kDPRKParties, list(e, r.DPRKParties, intElem))
	e.addBool(kVesselFlagDPRK, r.VesselFlagDPRK)
	e.add(kVesselParties, list(e, r.VesselParties, intElem))
	e.add(kVesselNames, list(e, r.VesselNames, strElem))
	e.add(kIndicators, list(e, r.Indicators, strElem))
	e.addStr(kExemptionRef, r.ExemptionRef, true)
	e.addStr(kExemptionEvidence, r.ExemptionEvidence, true)
	e.addStr(kNotificationRef, r.NotificationRef, true)
	return e.obj(m)
}

func (e *valueBuilder) finding(f *ownership.Finding) *ast.Term {
	m := len(e.pairs)
	e.addInt(kParty, f.Party)
	e.addStr(kRole, f.Role, false)
	e.addStr(kQuery, f.Query, false)
	e.addStr(kNodeID, f.NodeID, false)
	e.addStr(kNodeName, f.NodeName, false)
	e.addBool(kListed, f.Listed)
	e.addStr(kMatchedBy, f.MatchedBy, false)
	e.addNum(kMatchScore, f.MatchScore)
	e.addStr(kStatus, f.Status, false)
	e.addStr(kBasis, f.Basis, false)
	e.addStr(kRegime, f.Regime, false)
	e.addNum(kSum, f.Sum)
	e.addInt(kUnknown, f.Unknown)
	e.addNum(kThreshold, f.Threshold)
	e.add(kPath, list(e, f.Path, (*valueBuilder).step))
	e.addStr(kExplanation, f.Explanation, false)
	return e.obj(m)
}

func (e *valueBuilder) step(s *ownership.Step) *ast.Term {
	m := len(e.pairs)
	e.addInt(kDepth, s.Depth)
	e.addStr(kRelation, s.Relation, false)
	e.addStr(kOwnerID, s.OwnerID, false)
	e.addStr(kOwner, s.Owner, false)
	e.addStr(kOwnedID, s.OwnedID, false)
	e.addStr(kOwned, s.Owned, false)
	if s.Percent == nil {
		e.add(kPercent, nullTerm)
	} else {
		e.addNum(kPercent, *s.Percent)
	}
	e.addStr(kStartDate, s.Start, true)
	e.addStr(kEndDate, s.End, true)
	e.addStr(kSource, s.Source, false)
	e.addStr(kPartyStatus, s.PartyStatus, false)
	e.addStr(kPartyList, s.PartyList, true)
	if r := s.Resolution; r != nil {
		m := len(e.pairs)
		e.addStr(kQuery, r.Query, false)
		e.addStr(kEntityID, r.EntityID, false)
		e.addStr(kMatchedName, r.MatchedName, false)
		e.addNum(kScore, r.Score)
		e.addStr(kExplanation, r.Explanation, true)
		e.add(kResolution, e.obj(m))
	}
	if s.Inactive {
		e.addBool(kInactive, true)
	}
	return e.obj(m)
}

// appendInputPart appends to b an encoding of the part of in's JSON form
// at path p (one or two object keys, as the memo keys families): 'u' when
// the document has nothing there, else 'v' and the Go value the part is
// built from, so that two inputs whose encodings are equal have the same
// part. The encoding writes every field JSON writes (and only those), in a
// fixed order per type: strings (invalid UTF-8 replaced as JSON does) and
// slices with their length (a nil slice apart from an empty one, unless
// JSON leaves out both), numbers by their bits, pointers with a nil flag;
// it is decodable, so two different parts never encode alike. Tests check
// that it tells apart exactly the inputs whose parts Value tells apart.
func appendInputPart(b []byte, in *Input, p []string) []byte {
	var e partEncoder
	e.b = b
	switch {
	case len(p) == 0 || len(p) > 2:
		return append(b, 'u')
	case p[0] == "record":
		if len(p) == 1 {
			e.b = append(e.b, 'v')
			e.ptr(in.Record != nil)
			if in.Record != nil {
				e.record(in.Record)
			}
			return e.b
		}
		if in.Record == nil || !e.recordField(in.Record, p[1]) {
			return append(b, 'u')
		}
		return e.b
	case p[0] == "route":
		if len(p) == 1 {
			e.b = append(e.b, 'v')
			e.routeFacts(&in.Route)
			return e.b
		}
		if !e.routeFactsField(&in.Route, p[1]) {
			return append(b, 'u')
		}
		return e.b
	case len(p) == 2:
		// matches, goods and ownership are arrays (or null): no key
		// reaches into them.
		return append(b, 'u')
	case p[0] == "matches":
		e.b = append(e.b, 'v')
		slice(&e, in.Matches, (*partEncoder).match)
	case p[0] == "goods":
		e.b = append(e.b, 'v')
		slice(&e, in.Goods, (*partEncoder).goods)
	case p[0] == "ownership":
		e.b = append(e.b, 'v')
		slice(&e, in.Ownership, (*partEncoder).finding)
	default:
		return append(b, 'u')
	}
	return e.b
}

// partEncoder appends the encoding appendInputPart describes.
type partEncoder struct{ b []byte }

func (e *partEncoder) str(s string) {
	if !utf8.ValidString(s) {
		s = validUTF8(s) // as JSON writes it
	}
	e.b = binary.AppendUvarint(e.b, uint64(len(s)))
	e.b = append(e.b, s...)
}

func (e *partEncoder) int(i int) { e.b = binary.AppendVarint(e.b, int64(i)) }

func (e *partEncoder) num(f float64) {
	e.b = binary.LittleEndian.AppendUint64(e.b, math.Float64bits(f))
}

func (e *partEncoder) bool(v bool) {
	if v {
		e.b = append(e.b, 1)
	} else {
		e.b = append(e.b, 0)
	}
}

func (e *partEncoder) ptr(set bool) { e.bool(set) }

// slice encodes s: 0 for nil, else its length + 1 and its elements.
func slice[T any](e *partEncoder, s []T, elem func(*partEncoder, *T)) {
	if s == nil {
		e.b = append(e.b, 0)
		return
	}
	e.b = binary.AppendUvarint(e.b, uint64(len(s))+1)
	for i := range s {
		elem(e, &s[i])
	}
}

// omitEmpty encodes a slice JSON leaves out when empty: nil and empty
// alike, as both are left out.
func omitEmpty[T any](e *partEncoder, s []T, elem func(*partEncoder, *T)) {
	e.b = binary.AppendUvarint(e.b, uint64(len(s)))
	for i := range s {
		elem(e, &s[i])
	}
}

func strElemPart(e *partEncoder, s *string) { e.str(*s) }

func (e *partEncoder) strs(s []string) { slice(e, s, strElemPart) }

func (e *partEncoder) ints(s []int) { slice(e, s, func(e *partEncoder, i *int) { e.int(*i) }) }

func (e *partEncoder) record(r *record.Record) {
	for _, k := range recordKeys {
		e.recordField(r, k)
	}
}

// recordKeys are the JSON keys of record.Record, in field order.
var recordKeys = []string{"id", "source", "row", "date", "parties", "goods", "route", "fields", "error", "truncated"}

// recordField encodes the field of r whose JSON key is k, preceded by 'v';
// false when r has no such field.
func (e *partEncoder) recordField(r *record.Record, k string) bool {
	e.b = append(e.b, 'v')
	switch k {
	case "id":
		e.str(r.ID)
	case "source":
		e.str(r.Source)
	case "row":
		e.int(r.Row)
	case "date":
		e.str(r.Date)
	case "parties":
		omitEmpty(e, r.Parties, (*partEncoder).party)
	case "goods":
		omitEmpty(e, r.Goods, (*partEncoder).goodsLine)
	case "route":
		e.route(&r.Route)
	case "fields":
		omitEmpty(e, r.Fields, (*partEncoder).field)
	case "error":
		e.str(r.Err)
	case "truncated":
		omitEmpty(e, r.Truncated, strElemPart)
	default:
		e.b = e.b[:len(e.b)-1]
		return false
	}
	return true
}

func (e *partEncoder) party(p *record.Party) {
	e.str(p.Role)
	e.str(p.Name)
	e.str(p.Kind)
	e.str(p.Country)
	e.str(p.DOB)
	e.str(p.IDNumber)
	e.str(p.IMO)
}

func (e *partEncoder) goodsLine(g *record.GoodsLine) {
	e.str(g.HS)
	e.str(g.Description)
	e.str(g.Quantity)
	e.str(g.Unit)
	e.str(g.Value)
	e.str(g.Currency)
}

func (e *partEncoder) route(r *record.Route) {
	e.str(r.Origin)
	e.str(r.Destination)
	e.str(r.PortOfLoading)
	e.str(r.PortOfDischarge)
	e.strs(r.Transshipment) // nil or not decides whether omitzero leaves the route out
}

func (e *partEncoder) field(f *record.Field) {
	e.str(f.Column)
	e.str(f.Value)
}

func (e *partEncoder) match(m *record.Match) {
	e.str(m.Role)
	e.int(m.Party)
	e.str(m.Query)
	e.str(m.EntityID)
	e.str(m.List)
	e.str(m.Kind)
	e.str(m.Name)
	e.str(m.MatchedName)
	e.num(m.Score)
	e.num(m.NameScore)
	omitEmpty(e, m.Conflicts, strElemPart)
	e.str(m.IDMatch)
	e.strs(m.Programs)
	e.str(m.Explanation)
	omitEmpty(e, m.Features, (*partEncoder).feature)
}

func (e *partEncoder) feature(f *record.Feature) {
	e.str(f.Name)
	e.num(f.Value)
	e.str(f.Detail)
}

func (e *partEncoder) goods(g *record.Goods) {
	e.int(g.Line)
	e.str(g.HS)
	e.str(g.Description)
	e.strs(g.Categories)
	omitEmpty(e, g.Details, (*partEncoder).category)
	e.str(g.Error)
}

func (e *partEncoder) category(c *record.Category) {
	e.str(c.ID)
	e.str(c.Title)
	e.str(c.Direction)
	e.str(c.Measure)
	e.str(c.Citation)
	if c.Confidence == 0 {
		e.num(0) // -0 too: JSON leaves both out
	} else {
		e.num(c.Confidence)
	}
	e.str(c.MatchedBy)
	e.bool(c.Context)
}

// routeFactsKeys are the JSON keys of goods.RouteFacts, in field order.
var routeFactsKeys = []string{"to_dprk", "from_dprk", "evidence", "from_evidence", "to_evidence", "origin_country", "destination_country",
	"dprk_port_of_loading", "dprk_port_of_discharge", "dprk_transshipment", "dprk_parties", "vessel_flag_dprk", "vessel_parties",
	"vessel_names", "indicators", "exemption_ref", "exemption_evidence", "notification_ref"}

func (e *partEncoder) routeFacts(r *goods.RouteFacts) {
	for _, k := range routeFactsKeys {
		e.routeFactsField(r, k)
	}
}

// routeFactsField encodes the field of r whose JSON key is k, preceded by
// 'v'; false when r has no such field.
func (e *partEncoder) routeFactsField(r *goods.RouteFacts, k string) bool {
	e.b = append(e.b, 'v')
	switch k {
	case "to_dprk":
		e.bool(r.ToDPRK)
	case "from_dprk":
		e.bool(r.FromDPRK)
	case "evidence":
		e.strs(r.Evidence)
	case "from_evidence":
		e.strs(r.FromEvidence)
	case "to_evidence":
		e.strs(r.ToEvidence)
	case "origin_country":
		e.str(r.OriginCountry)
	case "destination_country":
		e.str(r.DestinationCountry)
	case "dprk_port_of_loading":
		e.str(r.DPRKPortOfLoading)
	case "dprk_port_of_discharge":
		e.str(r.DPRKPortOfDischarge)
	case "dprk_transshipment":
		e.strs(r.DPRKTransshipment)
	case "dprk_parties":
		e.ints(r.DPRKParties)
	case "vessel_flag_dprk":
		e.bool(r.VesselFlagDPRK)
	case "vessel_parties":
		e.ints(r.VesselParties)
	case "vessel_names":
		e.strs(r.VesselNames)
	case "indicators":
		e.strs(r.Indicators)
	case "exemption_ref":
		e.str(r.ExemptionRef)
	case "exemption_evidence":
		e.str(r.ExemptionEvidence)
	case "notification_ref":
		e.str(r.NotificationRef)
	default:
		e.b = e.b[:len(e.b)-1]
		return false
	}
	return true
}

func (e *partEncoder) finding(f *ownership.Finding) {
	e.int(f.Party)
	e.str(f.Role)
	e.str(f.Query)
	e.str(f.NodeID)
	e.str(f.NodeName)
	e.bool(f.Listed)
	e.str(f.MatchedBy)
	e.num(f.MatchScore)
	e.str(f.Status)
	e.str(f.Basis)
	e.str(f.Regime)
	e.num(f.Sum)
	e.int(f.Unknown)
	e.num(f.Threshold)
	slice(e, f.Path, (*partEncoder).step)
	e.str(f.Explanation)
}

func (e *partEncoder) step(s *ownership.Step) {
	e.int(s.Depth)
	e.str(s.Relation)
	e.str(s.OwnerID)
	e.str(s.Owner)
	e.str(s.OwnedID)
	e.str(s.Owned)
	e.ptr(s.Percent != nil)
	if s.Percent != nil {
		e.num(*s.Percent)
	}
	e.str(s.Start)
	e.str(s.End)
	e.str(s.Source)
	e.str(s.PartyStatus)
	e.str(s.PartyList)
	e.ptr(s.Resolution != nil)
	if r := s.Resolution; r != nil {
		e.str(r.Query)
		e.str(r.EntityID)
		e.str(r.MatchedName)
		e.num(r.Score)
		e.str(r.Explanation)
	}
	e.bool(s.Inactive)
}
