package lists

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"

	"gopkg.in/yaml.v3"

	"github.com/screen-compliance/screen/country"
	"github.com/screen-compliance/screen/entity"
)

// ParseOwnJSON reads a list in the project's own JSON format: either an array
// of entities or an object {"meta": {...}, "entities": [...]}, each entity in
// the lists.Entity JSON shape. Unknown fields are errors. Ids without a
// source prefix get "own:".
func ParseOwnJSON(ctx context.Context, r io.Reader, name string) (*entity.List, error) {
	b, err := io.ReadAll(r)
	if err != nil {
		return nil, fmt.Errorf("read %s: %w", name, err)
	}
	b = bytes.TrimPrefix(b, []byte("\xef\xbb\xbf"))
	trimmed := bytes.TrimSpace(b)
	l := &entity.List{}
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	switch {
	case len(trimmed) > 0 && trimmed[0] == '[':
		err = dec.Decode(&l.Entities)
	case len(trimmed) > 0 && trimmed[0] == '{':
		err = dec.Decode(l)
	default:
		return nil, fmt.Errorf("parse %s: want a JSON array of entities or an object with \"entities\"", name)
	}
	if err != nil {
		return nil, fmt.Errorf("parse %s: %s", name, jsonErrorAt(b, err))
	}
	if dec.More() {
		return nil, fmt.Errorf("parse %s: line %d: trailing data after the list", name, lineOf(b, dec.InputOffset()))
	}
	return normalizeOwn(l, name)
}

// jsonErrorAt describes a JSON decode error with its line.
func jsonErrorAt(b []byte, err error) string {
	var se *json.SyntaxError
	var te *json.UnmarshalTypeError
	switch {
	case errors.As(err, &se):
		return fmt.Sprintf("line %d: %v", lineOf(b, se.Offset), err)
	case errors.As(err, &te):
		return fmt.Sprintf("line %d: field %s: %v", lineOf(b, te.Offset), te.Field, err)
	case errors.Is(err, io.ErrUnexpectedEOF):
		return fmt.Sprintf("line %d: unexpected end of file", lineOf(b, int64(len(b))))
	}
	return err.Error()
}

// lineOf returns the 1-based line of byte offset off in b.
func lineOf(b []byte, off int64) int {
	if off > int64(len(b)) {
		off = int64(len(b))
	}
	return bytes.Count(b[:off], []byte("\n")) + 1
}

// ParseOwnYAML reads a list in the project's own YAML format: a sequence of
// entities or a mapping with "meta" and "entities", using the lists.Entity
// yaml field names. Unknown fields are errors.
func ParseOwnYAML(ctx context.Context, r io.Reader, name string) (*entity.List, error) {
	b, err := io.ReadAll(r)
	if err != nil {
		return nil, fmt.Errorf("read %s: %w", name, err)
	}
	var doc yaml.Node
	if err := yaml.Unmarshal(b, &doc); err != nil {
		return nil, fmt.Errorf("parse %s: %w", name, err)
	}
	if len(doc.Content) == 0 {
		return nil, fmt.Errorf("parse %s: empty document", name)
	}
	root := doc.Content[0]
	l := &entity.List{}
	dec := yaml.NewDecoder(bytes.NewReader(b))
	dec.KnownFields(true)
	switch root.Kind {
	case yaml.SequenceNode:
		err = dec.Decode(&l.Entities)
	case yaml.MappingNode:
		var y struct {
			Meta     yamlMeta        `yaml:"meta"`
			Entities []entity.Entity `yaml:"entities"`
		}
		err = dec.Decode(&y)
		l.Meta = entity.Metadata{Name: y.Meta.Name, Title: y.Meta.Title, Version: y.Meta.Version}
		l.Entities = y.Entities
	default:
		return nil, fmt.Errorf("parse %s: line %d: want a sequence of entities or a mapping with \"entities\"", name, root.Line)
	}
	if err != nil {
		return nil, fmt.Errorf("parse %s: %w", name, err)
	}
	return normalizeOwn(l, name)
}

// yamlMeta is the metadata block of an own-format YAML file.
type yamlMeta struct {
	Name    string `yaml:"name"`
	Title   string `yaml:"title"`
	Version string `yaml:"version"`
}

// Own CSV columns. Multi-valued cells separate values with "|".
var ownCSVColumns = []string{
	"id", "kind", "name", "aliases", "weak_aliases", "former_aliases", "gender",
	"birth_dates", "birth_places", "nationalities", "countries", "identifiers",
	"addresses", "programs", "listed_on", "remarks", "links",
}

// ParseOwnCSV reads the project's own CSV format: a header row naming any of
// the columns id, kind, name, aliases, weak_aliases, former_aliases, gender,
// birth_dates, birth_places, nationalities, countries (role:country),
// identifiers (type:value), addresses, programs, listed_on, remarks, links
// (relation:target name); id and name are required, values in one cell are
// separated by "|". See lists/README.md.
func ParseOwnCSV(ctx context.Context, r io.Reader, name string) (*entity.List, error) {
	cr := newCSVFile(r, ',', false)
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
		h = strings.ToLower(strings.TrimSpace(strings.TrimPrefix(h, "\ufeff")))
		known := false
		for _, c := range ownCSVColumns {
			if c == h {
				known = true
			}
		}
		if !known {
			return nil, fmt.Errorf("parse %s: line 1: column %d: unknown column %q (known: %s)", name, i+1, h, strings.Join(ownCSVColumns, ", "))
		}
		if _, dup := col[h]; dup {
			return nil, fmt.Errorf("parse %s: line 1: column %q appears twice", name, h)
		}
		col[h] = i
	}
	for _, req := range []string{"id", "name"} {
		if _, ok := col[req]; !ok {
			return nil, fmt.Errorf("parse %s: line 1: missing required column %q", name, req)
		}
	}
	l := &entity.List{}
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
		e := entity.Entity{ID: get("id"), Kind: entity.Kind(get("kind")), Name: get("name"), Gender: get("gender"), ListedOn: get("listed_on"), Remarks: get("remarks")}
		for c, s := range map[string]entity.Strength{"aliases": entity.StrengthStrong, "weak_aliases": entity.StrengthWeak, "former_aliases": entity.StrengthFormer} {
			for _, a := range splitCell(get(c)) {
				e.Aliases = append(e.Aliases, entity.Alias{Name: a, Strength: s})
			}
		}
		for _, d := range splitCell(get("birth_dates")) {
			e.BirthDates = append(e.BirthDates, entity.Date(d))
		}
		e.BirthPlaces = splitCell(get("birth_places"))
		for _, c := range splitCell(get("nationalities")) {
			e.Countries = append(e.Countries, entity.Country{Name: c, Role: entity.RoleNationality})
		}
		for _, c := range splitCell(get("countries")) {
			role, v, ok := strings.Cut(c, ":")
			if !ok {
				return fmt.Errorf("parse %s: line %d: field countries: %q is not role:country", name, line, c)
			}
			e.Countries = append(e.Countries, entity.Country{Name: strings.TrimSpace(v), Role: entity.CountryRole(strings.TrimSpace(role))})
		}
		for _, c := range splitCell(get("identifiers")) {
			typ, v, ok := strings.Cut(c, ":")
			if !ok {
				return fmt.Errorf("parse %s: line %d: field identifiers: %q is not type:value", name, line, c)
			}
			e.Identifiers = append(e.Identifiers, entity.Identifier{Type: entity.IDType(strings.TrimSpace(typ)), Value: strings.TrimSpace(v)})
		}
		for _, a := range splitCell(get("addresses")) {
			e.Addresses = append(e.Addresses, entity.Address{Full: a})
		}
		e.Programs = splitCell(get("programs"))
		for _, c := range splitCell(get("links")) {
			rel, v, ok := strings.Cut(c, ":")
			if !ok {
				return fmt.Errorf("parse %s: line %d: field links: %q is not relation:target", name, line, c)
			}
			e.Links = append(e.Links, entity.Link{Relation: strings.TrimSpace(rel), TargetName: strings.TrimSpace(v)})
		}
		// Keep alias order stable whatever the map order above.
		sortAliasesByStrength(e.Aliases)
		l.Entities = append(l.Entities, e)
		return nil
	})
	if err != nil {
		return nil, err
	}
	return normalizeOwn(l, name)
}

// sortAliasesByStrength orders aliases strong, weak, former, keeping the
// written order within a strength.
func sortAliasesByStrength(as []entity.Alias) {
	rank := map[entity.Strength]int{entity.StrengthStrong: 0, "": 0, entity.StrengthWeak: 1, entity.StrengthFormer: 2}
	for i := 1; i < len(as); i++ {
		for j := i; j > 0 && rank[as[j].Strength] < rank[as[j-1].Strength]; j-- {
			as[j], as[j-1] = as[j-1], as[j]
		}
	}
}

// splitCell splits a multi-valued CSV cell on "|".
func splitCell(s string) []string {
	if strings.TrimSpace(s) == "" {
		return nil
	}
	var out []string
	for _, p := range strings.Split(s, "|") {
		if p = strings.TrimSpace(p); p != "" {
			out = append(out, p)
		}
	}
	return out
}

// normalizeOwn fills defaults of an own-format list and checks the values
// a hand-written file can get wrong.
func normalizeOwn(l *entity.List, name string) (*entity.List, error) {
	if l.Meta.Name == "" {
		l.Meta.Name = "own"
	}
	if l.Meta.Title == "" {
		l.Meta.Title = "Own watchlist"
	}
	for i := range l.Entities {
		e := &l.Entities[i]
		e.ID = strings.TrimSpace(e.ID)
		e.Name = clean(e.Name)
		if e.ID == "" {
			return nil, fmt.Errorf("parse %s: entity %d (%q): missing id", name, i+1, e.Name)
		}
		if !strings.Contains(e.ID, ":") {
			e.ID = "own:" + e.ID
		}
		if e.List == "" {
			e.List = l.Meta.Name
		}
		k, ok := ownKind(string(e.Kind))
		if !ok {
			return nil, fmt.Errorf("parse %s: entity %s: field kind: unknown kind %q (want person, organization, vessel or aircraft)", name, e.ID, e.Kind)
		}
		e.Kind = k
		if g := genderOf(e.Gender); g != "" || e.Gender == "" {
			e.Gender = g
		} else {
			return nil, fmt.Errorf("parse %s: entity %s: field gender: %q (want male or female)", name, e.ID, e.Gender)
		}
		for j := range e.Aliases {
			a := &e.Aliases[j]
			a.Name = clean(a.Name)
			if a.Strength == "" {
				a.Strength = entity.StrengthStrong
			}
			switch a.Strength {
			case entity.StrengthStrong, entity.StrengthWeak, entity.StrengthFormer:
			default:
				return nil, fmt.Errorf("parse %s: entity %s: alias %q: unknown strength %q (want strong, weak or former)", name, e.ID, a.Name, a.Strength)
			}
			if a.Script == "" {
				a.Script = entity.DetectScript(a.Name)
			}
		}
		for j, d := range e.BirthDates {
			if !validDate(string(d)) {
				return nil, fmt.Errorf("parse %s: entity %s: field birth_dates: %q is not YYYY, YYYY-MM, YYYY-MM-DD or a range FROM/TO", name, e.ID, d)
			}
			e.BirthDates[j] = d
		}
		for j := range e.Countries {
			c := &e.Countries[j]
			if c.Code == "" {
				c.Code = country.Code(c.Name)
			} else if code := country.Code(c.Code); code != "" {
				c.Code = code
			}
			switch c.Role {
			case entity.RoleNationality, entity.RoleCitizenship, entity.RoleAddress, entity.RoleRegistration, entity.RoleFlag, entity.RoleBirth:
			default:
				return nil, fmt.Errorf("parse %s: entity %s: country %q: unknown role %q", name, e.ID, c.Name+c.Code, c.Role)
			}
		}
		for j := range e.Identifiers {
			id := &e.Identifiers[j]
			switch id.Type {
			case entity.IDPassport, entity.IDNational, entity.IDIMO, entity.IDMMSI, entity.IDCallSign, entity.IDRegistration, entity.IDTax, entity.IDSWIFT, entity.IDOther:
			default:
				return nil, fmt.Errorf("parse %s: entity %s: identifier %q: unknown type %q", name, e.ID, id.Value, id.Type)
			}
		}
	}
	return l, nil
}

// ownKind accepts the kind names and their common synonyms.
func ownKind(k string) (entity.Kind, bool) {
	switch strings.ToLower(strings.TrimSpace(k)) {
	case "":
		return entity.KindUnknown, true
	case "person", "individual":
		return entity.KindPerson, true
	case "organization", "organisation", "company", "entity", "legal_entity", "legalentity":
		return entity.KindOrganization, true
	case "vessel", "ship":
		return entity.KindVessel, true
	case "aircraft", "airplane":
		return entity.KindAircraft, true
	}
	return "", false
}

// validDate reports whether d is YYYY, YYYY-MM, YYYY-MM-DD or FROM/TO of those.
func validDate(d string) bool {
	from, to, isRange := strings.Cut(d, "/")
	if isRange {
		return entity.ParseDate(from) != "" && string(entity.ParseDate(from)) == from && string(entity.ParseDate(to)) == to
	}
	return entity.ParseDate(d) != "" && string(entity.ParseDate(d)) == d
}
