package lists

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"sort"
	"strconv"
	"strings"

	"github.com/screen-compliance/screen/country"
	"github.com/screen-compliance/screen/entity"
	"github.com/screen-compliance/screen/ftm"
)

// ftmRecord is one FollowTheMoney entity as exported by OpenSanctions.
type ftmRecord struct {
	ID         string                       `json:"id"`
	Caption    string                       `json:"caption"`
	Schema     string                       `json:"schema"`
	Properties map[string][]json.RawMessage `json:"properties"`
	Target     *bool                        `json:"target"`
	LastChange string                       `json:"last_change"`
	Datasets   []string                     `json:"datasets"`
}

// ParseFtM reads OpenSanctions FollowTheMoney entities, one JSON object per
// line (entities.ftm.json or targets.nested.json). Person, Organization,
// Company, LegalEntity, PublicBody, Vessel and Airplane become entities with
// ids "os:<id>"; when the file marks targets, only targets are listed.
// Sanction entities add programmes, listing dates and authorities to their
// targets; Ownership, Directorship, Family and Associate become Links;
// Address, Passport and Identification entities fill addresses and
// identifiers. Nested entities (targets.nested.json) are read the same way.
func ParseFtM(ctx context.Context, r io.Reader, name string) (*entity.List, error) {
	var recs []*ftmRecord
	byID := map[string]*ftmRecord{}
	var add func(rec *ftmRecord, line int) error
	add = func(rec *ftmRecord, line int) error {
		if rec.ID == "" {
			return fmt.Errorf("parse %s: line %d: entity without id", name, line)
		}
		if rec.Schema == "" {
			return fmt.Errorf("parse %s: line %d: entity %s: no schema", name, line, rec.ID)
		}
		// Replace nested entities by their ids, reading them as entities.
		for prop, vals := range rec.Properties {
			for i, v := range vals {
				v = bytes.TrimSpace(v)
				if len(v) == 0 || v[0] != '{' {
					continue
				}
				var nested ftmRecord
				if err := json.Unmarshal(v, &nested); err != nil {
					return fmt.Errorf("parse %s: line %d: entity %s: property %s: %w", name, line, rec.ID, prop, err)
				}
				if err := add(&nested, line); err != nil {
					return err
				}
				idJSON, _ := json.Marshal(nested.ID)
				vals[i] = idJSON
			}
		}
		if _, dup := byID[rec.ID]; dup {
			// Nested exports repeat shared entities; keep the first.
			return nil
		}
		byID[rec.ID] = rec
		recs = append(recs, rec)
		return nil
	}
	if err := ftm.ScanLines(ctx, r, name, func(line int, rec *ftmRecord) error { return add(rec, line) }); err != nil {
		return nil, err
	}
	return ftmList(recs, byID), nil
}

// strings returns the cleaned, non-empty string values of a property.
func (r *ftmRecord) strings(prop string) []string {
	var out []string
	for _, v := range r.Properties[prop] {
		var s string
		if err := json.Unmarshal(v, &s); err == nil {
			if s = clean(s); s != "" {
				out = append(out, s)
			}
		}
	}
	return out
}

// first returns the first value of a property, or "".
func (r *ftmRecord) first(prop string) string {
	if v := r.strings(prop); len(v) > 0 {
		return v[0]
	}
	return ""
}

// firstLatin returns the first value of a property written in Latin
// script, else the first value.
func (r *ftmRecord) firstLatin(prop string) string {
	vals := r.strings(prop)
	for _, v := range vals {
		if entity.DetectScript(v) == "" {
			return v
		}
	}
	if len(vals) > 0 {
		return vals[0]
	}
	return ""
}

// ftmList builds the list from the collected records.
func ftmList(recs []*ftmRecord, byID map[string]*ftmRecord) *entity.List {
	l := &entity.List{Meta: entity.Metadata{Name: ftm.Source, Title: "OpenSanctions (FollowTheMoney)"}}
	marksTargets := false
	for _, r := range recs {
		if r.Target != nil {
			marksTargets = true
			break
		}
	}
	index := map[string]int{}
	for _, r := range recs {
		kind, ok := ftm.PartyKind(r.Schema)
		if !ok || (marksTargets && (r.Target == nil || !*r.Target)) {
			continue
		}
		e := ftmEntity(r, kind, byID)
		if e.Name == "" {
			continue
		}
		index[r.ID] = len(l.Entities)
		l.Entities = append(l.Entities, e)
		if d := r.LastChange; len(d) >= 10 && d[:10] > l.Meta.Version {
			l.Meta.Version = d[:10]
		}
	}
	get := func(id string) *entity.Entity {
		if i, ok := index[id]; ok {
			return &l.Entities[i]
		}
		return nil
	}
	caption := func(id string) string {
		if r := byID[id]; r != nil {
			if r.Caption != "" {
				return r.Caption
			}
			return r.first("name")
		}
		return ""
	}
	link := func(from, to, relation string, pct *float64) {
		e := get(from)
		if e == nil || to == "" {
			return
		}
		lk := entity.Link{TargetName: caption(to), Relation: relation, Percent: pct}
		if get(to) != nil {
			lk.Target = ftm.IDPrefix + to
		}
		if lk.Target == "" && lk.TargetName == "" {
			return
		}
		e.Links = append(e.Links, lk)
	}
	for _, r := range recs {
		if rel, ok := ftmLinks[r.Schema]; ok {
			ends, _ := ftm.RelationshipEnds(r.Schema)
			var pct *float64
			if rel.percent {
				pct = ftmPercent(r.first("percentage"))
			}
			for _, from := range r.strings(ends.From) {
				for _, to := range r.strings(ends.To) {
					link(from, to, rel.forward, pct)
					link(to, from, rel.back, pct)
				}
			}
			continue
		}
		switch r.Schema {
		case ftm.Sanction:
			for _, id := range r.strings("entity") {
				e := get(id)
				if e == nil {
					continue
				}
				for _, p := range append(r.strings("programId"), r.strings("program")...) {
					addProgram(e, p)
				}
				for _, d := range append(r.strings("listingDate"), r.strings("startDate")...) {
					if pd := string(entity.ParseDate(d)); pd != "" && (e.ListedOn == "" || pd < e.ListedOn) {
						e.ListedOn = pd
					}
				}
				if a := r.first("authority"); a != "" {
					note := "Sanctioned by " + a
					if !strings.Contains(e.Remarks, note) {
						e.Remarks = strings.TrimPrefix(e.Remarks+"; "+note, "; ")
					}
				}
			}
		case ftm.Passport, ftm.Identification:
			typ := entity.IDNational
			if r.Schema == ftm.Passport {
				typ = entity.IDPassport
			}
			for _, h := range r.strings("holder") {
				if e := get(h); e != nil {
					for _, n := range r.strings("number") {
						addIdentifier(e, entity.Identifier{Type: typ, Value: n, Country: strings.ToUpper(r.first("country"))})
					}
				}
			}
		}
	}
	for i := range l.Entities {
		sort.SliceStable(l.Entities[i].Links, func(a, b int) bool {
			la, lb := l.Entities[i].Links[a], l.Entities[i].Links[b]
			if la.Relation != lb.Relation {
				return la.Relation < lb.Relation
			}
			return la.Target+la.TargetName < lb.Target+lb.TargetName
		})
	}
	return l
}

// ftmLinks are the relationship schemata that become links: the
// relation of the From side to the To side (ftm.RelationshipEnds), the
// relation back, and whether the relationship has a percentage.
var ftmLinks = map[string]struct {
	forward, back string
	percent       bool
}{
	ftm.Ownership:    {"owner_of", "owned_by", true},
	ftm.Directorship: {"director_of", "has_director", false},
	ftm.Family:       {"family", "family", false},
	ftm.Associate:    {"associate", "associate", false},
}

// ftmPercent parses an ownership percentage, or returns nil.
func ftmPercent(s string) *float64 {
	s = strings.TrimSpace(strings.TrimSuffix(s, "%"))
	if s == "" {
		return nil
	}
	f, err := strconv.ParseFloat(strings.ReplaceAll(s, ",", "."), 64)
	if err != nil {
		return nil
	}
	return &f
}

// ftmEntity converts one FtM thing.
func ftmEntity(r *ftmRecord, kind entity.Kind, byID map[string]*ftmRecord) entity.Entity {
	e := entity.Entity{ID: ftm.IDPrefix + r.ID, List: ftm.Source, Kind: kind}
	e.Name = clean(r.Caption)
	if e.Name == "" {
		e.Name = r.first("name")
	}
	for _, np := range ftm.NameProps() {
		for _, n := range r.strings(np.Prop) {
			addAlias(&e, n, np.Strength)
		}
	}
	if kind == entity.KindPerson {
		np := entity.NameParts{Given: r.firstLatin(ftm.PropFirstName), Middle: r.firstLatin(ftm.PropMiddleName), Family: r.firstLatin(ftm.PropLastName), Other: r.firstLatin(ftm.PropFatherName)}
		if np != (entity.NameParts{}) {
			e.NameParts = &np
		}
		e.Gender = genderOf(r.first("gender"))
	}
	for _, d := range r.strings(ftm.PropBirthDate) {
		addBirthDate(&e, entity.ParseDate(d))
	}
	for _, p := range r.strings("birthPlace") {
		addBirthPlace(&e, p)
	}
	for _, prop := range ftm.CountryProps() {
		role, _ := ftm.CountryRole(prop)
		for _, c := range r.strings(prop) {
			addCountry(&e, ftmCountry(c), role)
		}
	}
	sort.SliceStable(e.Countries, func(i, j int) bool {
		if e.Countries[i].Role != e.Countries[j].Role {
			return e.Countries[i].Role < e.Countries[j].Role
		}
		return e.Countries[i].Code < e.Countries[j].Code
	})
	for _, p := range ftm.IdentifierProps() {
		for _, v := range r.strings(p.Prop) {
			addIdentifier(&e, entity.Identifier{Type: p.Type, Value: v, Note: p.Note})
		}
	}
	for _, a := range r.strings("address") {
		e.Addresses = append(e.Addresses, entity.Address{Full: a})
	}
	for _, id := range r.strings("addressEntity") {
		a := byID[id]
		if a == nil {
			continue
		}
		addr := entity.Address{Street: a.first("street"), City: a.first("city"), Region: a.first("region"), Postal: a.first("postalCode"), Full: a.first("full")}
		if c := a.first("country"); c != "" {
			addr.Country = strings.ToUpper(c)
			addCountry(&e, ftmCountry(c), entity.RoleAddress)
		}
		if addr.Full == "" {
			addr.Full = strings.Join(nonEmpty(addr.Street, addr.City, addr.Region, addr.Postal, addr.Country), ", ")
		}
		dup := false
		for _, have := range e.Addresses {
			dup = dup || have.Full == addr.Full
		}
		if addr.Full != "" && !dup {
			e.Addresses = append(e.Addresses, addr)
		}
	}
	for _, p := range r.strings("programId") {
		addProgram(&e, p)
	}
	e.Remarks = strings.Join(r.strings("notes"), "; ")
	markCompanyIMO(&e)
	return e
}

// ftmCountry turns an FtM country code ("ru", "kp", "zz") into a name the
// country package recognises; unknown values pass through.
func ftmCountry(c string) string {
	if len(c) == 2 {
		if code := country.Code(c); code != "" {
			return country.Name(code)
		}
	}
	return c
}

// ParseFtMSimple reads OpenSanctions' targets.simple.csv: id, schema, name,
// aliases, birth_date, countries, addresses, identifiers, sanctions, phones,
// emails, dataset, first_seen, last_seen, last_change; several values in a
// cell are separated by ";". Countries are generic in this export: they are
// given the role nationality for persons, flag for vessels and address for
// the others.
func ParseFtMSimple(ctx context.Context, r io.Reader, name string) (*entity.List, error) {
	// OpenSanctions ends every line, the last one included, with a newline.
	cr := newCSVFile(r, ',', true)
	cr.FieldsPerRecord = -1
	header, err := cr.Read()
	if err != nil {
		if errors.Is(err, io.EOF) {
			return nil, fmt.Errorf("parse %s: empty file", name)
		}
		return nil, fmt.Errorf("parse %s: %w", name, err)
	}
	col := map[string]int{}
	for i, h := range header {
		col[strings.TrimSpace(strings.TrimPrefix(h, "\ufeff"))] = i
	}
	for _, c := range []string{"id", "schema", "name"} {
		if _, ok := col[c]; !ok {
			return nil, fmt.Errorf("parse %s: line 1: missing column %q", name, c)
		}
	}
	l := &entity.List{Meta: entity.Metadata{Name: ftm.Source, Title: "OpenSanctions (targets.simple.csv)"}}
	err = csvRows(ctx, cr, name, func(line int, rec []string) error {
		if len(rec) != len(header) {
			return csvWidthError(name, line, len(rec), len(header))
		}
		get := func(c string) string {
			if i, ok := col[c]; ok {
				return strings.TrimSpace(rec[i])
			}
			return ""
		}
		multi := func(c string) []string {
			var out []string
			for _, v := range strings.Split(get(c), ";") {
				if v = clean(v); v != "" {
					out = append(out, v)
				}
			}
			return out
		}
		schema := get("schema")
		kind, ok := ftm.PartyKind(schema)
		if !ok {
			return fmt.Errorf("parse %s: line %d: field schema: %q is not a listed-party schema", name, line, schema)
		}
		e := entity.Entity{ID: ftm.IDPrefix + get("id"), List: ftm.Source, Kind: kind, Name: clean(get("name"))}
		if get("id") == "" {
			return fmt.Errorf("parse %s: line %d: field id: empty", name, line)
		}
		for _, a := range multi("aliases") {
			addAlias(&e, a, entity.StrengthStrong)
		}
		for _, d := range multi("birth_date") {
			addBirthDate(&e, entity.ParseDate(d))
		}
		role := entity.RoleAddress
		switch kind {
		case entity.KindPerson:
			role = entity.RoleNationality
		case entity.KindVessel:
			role = entity.RoleFlag
		}
		for _, c := range multi("countries") {
			addCountry(&e, ftmCountry(c), role)
		}
		for _, a := range multi("addresses") {
			e.Addresses = append(e.Addresses, entity.Address{Full: a})
		}
		for _, id := range multi("identifiers") {
			addIdentifier(&e, entity.Identifier{Type: entity.IDOther, Value: id})
		}
		e.Remarks = strings.Join(multi("sanctions"), "; ")
		if d := get("last_change"); len(d) >= 10 && d[:10] > l.Meta.Version {
			l.Meta.Version = d[:10]
		}
		l.Entities = append(l.Entities, e)
		return nil
	})
	if err != nil {
		return nil, err
	}
	return l, nil
}
