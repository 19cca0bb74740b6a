package lists

import (
	"context"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"sort"
	"strconv"
	"strings"

	"github.com/screen-compliance/screen/entity"
)

// OFAC SDN advanced XML (sdn_advanced.xml, namespace
// https://sanctionslistservice.ofac.treas.gov/api/PublicationPreview/exports/ADVANCED_XML).

type oxRef struct {
	ID    string `xml:"ID,attr"`
	ISO2  string `xml:"ISO2,attr"`
	Type  string `xml:"PartyTypeID,attr"`
	Value string `xml:",chardata"`
}

type oxDate struct {
	Year  string `xml:"Year"`
	Month string `xml:"Month"`
	Day   string `xml:"Day"`
}

// String renders the date as YYYY[-MM[-DD]], or "" without a year.
func (d oxDate) String() string {
	y := strings.TrimSpace(d.Year)
	if y == "" {
		return ""
	}
	return string(entity.DateOf(y, strings.TrimSpace(d.Month), strings.TrimSpace(d.Day)))
}

type oxDatePeriod struct {
	Start struct {
		From oxDate `xml:"From"`
		To   oxDate `xml:"To"`
	} `xml:"Start"`
	End struct {
		From oxDate `xml:"From"`
		To   oxDate `xml:"To"`
	} `xml:"End"`
}

type oxFeature struct {
	TypeID   string `xml:"FeatureTypeID,attr"`
	Versions []struct {
		DatePeriods []oxDatePeriod `xml:"DatePeriod"`
		Details     []struct {
			RefID string `xml:"DetailReferenceID,attr"`
			Value string `xml:",chardata"`
		} `xml:"VersionDetail"`
		Locations []struct {
			ID string `xml:"LocationID,attr"`
		} `xml:"VersionLocation"`
	} `xml:"FeatureVersion"`
}

type oxNamePart struct {
	GroupID string `xml:"NamePartGroupID,attr"`
	Value   string `xml:",chardata"`
}

type oxAlias struct {
	TypeID     string `xml:"AliasTypeID,attr"`
	Primary    bool   `xml:"Primary,attr"`
	LowQuality bool   `xml:"LowQuality,attr"`
	Names      []struct {
		Parts []oxNamePart `xml:"DocumentedNamePart>NamePartValue"`
	} `xml:"DocumentedName"`
}

type oxIdentity struct {
	ID      string    `xml:"ID,attr"`
	Primary bool      `xml:"Primary,attr"`
	Aliases []oxAlias `xml:"Alias"`
	Groups  []struct {
		ID     string `xml:"ID,attr"`
		TypeID string `xml:"NamePartTypeID,attr"`
	} `xml:"NamePartGroups>MasterNamePartGroup>NamePartGroup"`
}

type oxProfile struct {
	ID         string       `xml:"ID,attr"`
	SubTypeID  string       `xml:"PartySubTypeID,attr"`
	Identities []oxIdentity `xml:"Identity"`
	Features   []oxFeature  `xml:"Feature"`
}

type oxParty struct {
	FixedRef string      `xml:"FixedRef,attr"`
	Comment  string      `xml:"Comment"`
	Profiles []oxProfile `xml:"Profile"`
}

type oxLocation struct {
	ID      string `xml:"ID,attr"`
	Country struct {
		ID string `xml:"CountryID,attr"`
	} `xml:"LocationCountry"`
	Parts []struct {
		TypeID string `xml:"LocPartTypeID,attr"`
		Values []struct {
			Primary bool   `xml:"Primary,attr"`
			Value   string `xml:"Value"`
		} `xml:"LocationPartValue"`
	} `xml:"LocationPart"`
}

type oxDocument struct {
	TypeID     string `xml:"IDRegDocTypeID,attr"`
	IdentityID string `xml:"IdentityID,attr"`
	CountryID  string `xml:"IssuedBy-CountryID,attr"`
	Number     string `xml:"IDRegistrationNo"`
}

type oxEntry struct {
	ProfileID string `xml:"ProfileID,attr"`
	Events    []struct {
		Date oxDate `xml:"Date"`
	} `xml:"EntryEvent"`
	Measures []struct {
		Comment string `xml:"Comment"`
		TypeID  string `xml:"SanctionsTypeID,attr"`
	} `xml:"SanctionsMeasure"`
}

type oxRelationship struct {
	From   string `xml:"From-ProfileID,attr"`
	To     string `xml:"To-ProfileID,attr"`
	TypeID string `xml:"RelationTypeID,attr"`
	Former bool   `xml:"Former,attr"`
}

// oxState collects the parts of an advanced XML file before resolving them.
type oxState struct {
	refs      map[string]map[string]oxRef // value-set element name -> ID -> value
	locations map[string]oxLocation
	docs      map[string][]oxDocument // identity id -> documents
	parties   []oxParty
	entries   map[string][]oxEntry // profile id -> entries
	rels      []oxRelationship
	version   string
}

// ParseOFACXML reads OFAC's SDN advanced XML. It yields the same entities as
// the SDN CSV set ("ofac:<FixedRef>", names as "LAST, First" for
// individuals), with identifiers from the ID documents, features (birth
// dates and places, nationality, citizenship, gender, vessel flag, call
// sign, addresses), programmes from the sanctions entries and links from
// the profile relationships.
func ParseOFACXML(ctx context.Context, r io.Reader, name string) (*entity.List, error) {
	st := &oxState{refs: map[string]map[string]oxRef{}, locations: map[string]oxLocation{}, docs: map[string][]oxDocument{}, entries: map[string][]oxEntry{}}
	sawRoot := false
	inRefs := false
	err := walkXML(ctx, r, name, func(dec *xml.Decoder, tok xml.Token) error {
		if ee, ok := tok.(xml.EndElement); ok && ee.Name.Local == "ReferenceValueSets" {
			inRefs = false
		}
		se, ok := tok.(xml.StartElement)
		if !ok {
			return nil
		}
		var derr error
		switch local := se.Name.Local; {
		case local == "Sanctions":
			sawRoot = true
		case local == "DateOfIssue":
			var d oxDate
			derr = dec.DecodeElement(&d, &se)
			st.version = d.String()
		case local == "ReferenceValueSets":
			inRefs = true
		case inRefs && strings.HasSuffix(local, "Values"):
			var set struct {
				Items []struct {
					XMLName xml.Name
					oxRef
				} `xml:",any"`
			}
			derr = dec.DecodeElement(&set, &se)
			m := map[string]oxRef{}
			for _, it := range set.Items {
				it.oxRef.Value = clean(it.oxRef.Value)
				m[it.ID] = it.oxRef
			}
			st.refs[strings.TrimSuffix(local, "Values")] = m
		case local == "Location":
			var loc oxLocation
			derr = dec.DecodeElement(&loc, &se)
			st.locations[loc.ID] = loc
		case local == "IDRegDocument":
			var d oxDocument
			derr = dec.DecodeElement(&d, &se)
			st.docs[d.IdentityID] = append(st.docs[d.IdentityID], d)
		case local == "DistinctParty":
			var p oxParty
			derr = dec.DecodeElement(&p, &se)
			st.parties = append(st.parties, p)
		case local == "ProfileRelationship":
			var rel oxRelationship
			derr = dec.DecodeElement(&rel, &se)
			st.rels = append(st.rels, rel)
		case local == "SanctionsEntry":
			var e oxEntry
			derr = dec.DecodeElement(&e, &se)
			st.entries[e.ProfileID] = append(st.entries[e.ProfileID], e)
		}
		if derr != nil {
			return xmlError(name, dec, derr)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	if !sawRoot {
		return nil, fmt.Errorf("parse %s: no Sanctions element: not an OFAC advanced XML file", name)
	}
	return st.list(name)
}

// ref returns the value of a reference-set entry ("" when unknown).
func (st *oxState) ref(set, id string) string {
	return st.refs[set][id].Value
}

// country returns the name of a country id.
func (st *oxState) country(id string) string {
	return st.ref("Country", id)
}

// location renders a location as an address.
func (st *oxState) location(id string) (entity.Address, bool) {
	loc, ok := st.locations[id]
	if !ok {
		return entity.Address{}, false
	}
	var a entity.Address
	var street []string
	for _, p := range loc.Parts {
		v := ""
		for _, pv := range p.Values {
			if pv.Primary || v == "" {
				v = clean(pv.Value)
			}
		}
		switch strings.ToUpper(st.ref("LocPartType", p.TypeID)) {
		case "CITY":
			a.City = v
		case "STATE/PROVINCE", "REGION":
			a.Region = v
		case "POSTAL CODE":
			a.Postal = v
		default: // ADDRESS1..3, UNKNOWN
			if v != "" {
				street = append(street, v)
			}
		}
	}
	a.Street = strings.Join(street, ", ")
	a.Country = st.country(loc.Country.ID)
	a.Full = strings.Join(nonEmpty(a.Street, a.City, a.Region, a.Postal, a.Country), ", ")
	return a, true
}

// list resolves the collected parts into entities.
func (st *oxState) list(name string) (*entity.List, error) {
	l := &entity.List{Meta: entity.Metadata{Name: "ofac", Title: "OFAC Specially Designated Nationals (SDN) List", Version: st.version}}
	profileEntity := map[string]int{}
	for _, p := range st.parties {
		for i, prof := range p.Profiles {
			e, err := st.entity(p, prof)
			if i > 0 {
				e.ID += "-" + prof.ID
			}
			if err != nil {
				return nil, fmt.Errorf("parse %s: DistinctParty %s: %w", name, p.FixedRef, err)
			}
			profileEntity[prof.ID] = len(l.Entities)
			l.Entities = append(l.Entities, e)
		}
	}
	for _, rel := range st.rels {
		from, ok1 := profileEntity[rel.From]
		to, ok2 := profileEntity[rel.To]
		if !ok1 || !ok2 {
			continue
		}
		relation := strings.ToLower(strings.ReplaceAll(st.ref("RelationType", rel.TypeID), " ", "_"))
		if relation == "" {
			relation = "linked_to"
		}
		l.Entities[from].Links = append(l.Entities[from].Links, entity.Link{Target: l.Entities[to].ID, TargetName: l.Entities[to].Name, Relation: relation})
	}
	return l, nil
}

// entity converts one profile.
func (st *oxState) entity(p oxParty, prof oxProfile) (entity.Entity, error) {
	ref := clean(p.FixedRef)
	if ref == "" {
		ref = clean(prof.ID)
	}
	if ref == "" {
		return entity.Entity{}, errors.New("no FixedRef")
	}
	e := entity.Entity{ID: "ofac:" + ref, List: "ofac", Kind: entity.KindOrganization, Remarks: clean(p.Comment)}
	sub := st.refs["PartySubType"][prof.SubTypeID]
	switch strings.ToLower(sub.Value) {
	case "vessel":
		e.Kind = entity.KindVessel
	case "aircraft":
		e.Kind = entity.KindAircraft
	default:
		if strings.EqualFold(st.ref("PartyType", sub.Type), "Individual") {
			e.Kind = entity.KindPerson
		}
	}
	for _, id := range prof.Identities {
		groupType := map[string]string{}
		for _, g := range id.Groups {
			groupType[g.ID] = st.ref("NamePartType", g.TypeID)
		}
		// The primary alias first, so that it becomes the name.
		aliases := append([]oxAlias(nil), id.Aliases...)
		sort.SliceStable(aliases, func(i, j int) bool { return aliases[i].Primary && !aliases[j].Primary })
		for _, a := range aliases {
			strength := entity.StrengthStrong
			switch strings.ToUpper(st.ref("AliasType", a.TypeID)) {
			case "F.K.A.":
				strength = entity.StrengthFormer
			}
			if a.LowQuality {
				strength = entity.StrengthWeak
			}
			for _, dn := range a.Names {
				n, parts := oxName(dn.Parts, groupType)
				if n == "" {
					continue
				}
				if e.Name == "" {
					e.Name = n
					if e.Kind == entity.KindPerson {
						e.NameParts = parts
					}
					continue
				}
				addAlias(&e, n, strength)
			}
		}
		for _, d := range st.docs[id.ID] {
			text := clean(st.ref("IDRegDocType", d.TypeID) + " " + clean(d.Number))
			if c := st.country(d.CountryID); c != "" {
				text += " (" + c + ")"
			}
			before := len(e.Identifiers)
			parseOFACIdentifier(&e, text)
			if len(e.Identifiers) == before && clean(d.Number) != "" {
				addIdentifier(&e, entity.Identifier{Type: entity.IDOther, Value: clean(d.Number), Country: countryCode(st.country(d.CountryID)), Note: st.ref("IDRegDocType", d.TypeID)})
			}
		}
	}
	if e.Name == "" {
		return entity.Entity{}, fmt.Errorf("%s: no name", e.ID)
	}
	for _, f := range prof.Features {
		st.feature(&e, f)
	}
	for _, en := range st.entries[prof.ID] {
		for _, m := range en.Measures {
			if strings.EqualFold(st.ref("SanctionsType", m.TypeID), "Program") || m.TypeID == "" {
				for _, prog := range splitPrograms(m.Comment) {
					addProgram(&e, prog)
				}
			}
		}
		for _, ev := range en.Events {
			if d := ev.Date.String(); d != "" && (e.ListedOn == "" || d < e.ListedOn) {
				e.ListedOn = d
			}
		}
	}
	return e, nil
}

// oxName composes a documented name: "LAST, First Middle" when it has a
// last name and other parts, else the parts in order.
func oxName(parts []oxNamePart, groupType map[string]string) (string, *entity.NameParts) {
	var np entity.NameParts
	var all, rest []string
	for _, p := range parts {
		v := clean(p.Value)
		if v == "" {
			continue
		}
		all = append(all, v)
		switch groupType[p.GroupID] {
		case "Last Name":
			np.Family = strings.TrimSpace(np.Family + " " + v)
			continue
		case "First Name":
			np.Given = strings.TrimSpace(np.Given + " " + v)
		case "Middle Name":
			np.Middle = strings.TrimSpace(np.Middle + " " + v)
		case "Patronymic", "Matronymic", "Maiden Name", "Nickname":
			np.Other = strings.TrimSpace(np.Other + " " + v)
		}
		rest = append(rest, v)
	}
	if np.Family != "" && len(rest) > 0 {
		return np.Family + ", " + strings.Join(rest, " "), &np
	}
	if np == (entity.NameParts{}) {
		return strings.Join(all, " "), nil
	}
	return strings.Join(all, " "), &np
}

// feature applies one profile feature.
func (st *oxState) feature(e *entity.Entity, f oxFeature) {
	typ := st.ref("FeatureType", f.TypeID)
	for _, v := range f.Versions {
		var detail []string
		for _, d := range v.Details {
			if d.RefID != "" {
				detail = append(detail, st.ref("DetailReference", d.RefID))
			} else if s := clean(d.Value); s != "" {
				detail = append(detail, s)
			}
		}
		var addrs []entity.Address
		for _, loc := range v.Locations {
			if a, ok := st.location(loc.ID); ok {
				addrs = append(addrs, a)
			}
		}
		switch typ {
		case "Birthdate":
			for _, dp := range v.DatePeriods {
				addBirthDate(e, oxPeriod(dp))
			}
		case "Place of Birth":
			for _, s := range detail {
				addBirthPlace(e, s)
				if c := placeCountry(s); c != "" {
					addCountry(e, c, entity.RoleBirth)
				}
			}
			for _, a := range addrs {
				addBirthPlace(e, a.Full)
				addCountry(e, a.Country, entity.RoleBirth)
			}
		case "Nationality Country", "Citizenship Country", "Vessel Flag":
			role := map[string]entity.CountryRole{"Nationality Country": entity.RoleNationality, "Citizenship Country": entity.RoleCitizenship, "Vessel Flag": entity.RoleFlag}[typ]
			for _, s := range detail {
				addCountry(e, s, role)
			}
			for _, a := range addrs {
				addCountry(e, a.Country, role)
			}
		case "Gender":
			for _, s := range detail {
				if g := genderOf(s); g != "" {
					e.Gender = g
				}
			}
		case "Vessel Call Sign":
			for _, s := range detail {
				addIdentifier(e, entity.Identifier{Type: entity.IDCallSign, Value: s})
			}
		case "Vessel Owner":
			for _, s := range detail {
				e.Links = append(e.Links, entity.Link{TargetName: s, Relation: "owned_by"})
			}
		case "Location":
			for _, a := range addrs {
				if a.Full == "" {
					continue
				}
				e.Addresses = append(e.Addresses, a)
				addCountry(e, a.Country, entity.RoleAddress)
			}
		case "MMSI":
			for _, s := range detail {
				addIdentifier(e, entity.Identifier{Type: entity.IDMMSI, Value: s})
			}
		case "SWIFT/BIC":
			for _, s := range detail {
				addIdentifier(e, entity.Identifier{Type: entity.IDSWIFT, Value: s})
			}
		}
	}
}

// oxPeriod turns a date period into a Date: one day, month or year when
// the period's bounds agree, else a FROM/TO range.
func oxPeriod(dp oxDatePeriod) entity.Date {
	from, to := dp.Start.From.String(), dp.End.To.String()
	if to == "" {
		to = dp.Start.To.String()
	}
	if from == "" {
		return ""
	}
	if to == "" || to == from {
		return entity.Date(from)
	}
	// A whole year written as 1 Jan to 31 Dec; a whole month likewise.
	if len(from) == 10 && len(to) == 10 && from[:4] == to[:4] && from[5:] == "01-01" && to[5:] == "12-31" {
		return entity.Date(from[:4])
	}
	if len(from) == 10 && len(to) == 10 && from[:7] == to[:7] && from[8:] == "01" {
		if y, err := strconv.Atoi(from[:4]); err == nil {
			m, _ := strconv.Atoi(from[5:7])
			last := []int{31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31}[m-1]
			if m == 2 && (y%4 == 0 && y%100 != 0 || y%400 == 0) {
				last = 29
			}
			if to[8:] == strconv.Itoa(last) {
				return entity.Date(from[:7])
			}
		}
	}
	return entity.ParseDate(from + " to " + to)
}
