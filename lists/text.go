package lists

import (
	"strings"

	"github.com/screen-compliance/screen/country"
	"github.com/screen-compliance/screen/entity"
)

// clean collapses runs of white space to one space and trims s.
func clean(s string) string {
	return strings.Join(strings.Fields(s), " ")
}

// nonEmpty returns the cleaned, non-empty strings of ss.
func nonEmpty(ss ...string) []string {
	out := make([]string, 0, len(ss))
	for _, s := range ss {
		if s = clean(s); s != "" {
			out = append(out, s)
		}
	}
	return out
}

// addCountry appends a country (recognised to an ISO code when possible)
// unless the same role and code/name is already present.
func addCountry(e *entity.Entity, name string, role entity.CountryRole) {
	name = clean(name)
	if name == "" {
		return
	}
	c := entity.Country{Code: country.Code(name), Name: name, Role: role}
	for _, have := range e.Countries {
		if have.Role == role && ((c.Code != "" && have.Code == c.Code) || strings.EqualFold(have.Name, name)) {
			return
		}
	}
	e.Countries = append(e.Countries, c)
}

// addAlias appends an alias unless the name equals the primary name or an
// existing alias (case-insensitively). The script is detected from the runes.
func addAlias(e *entity.Entity, name string, strength entity.Strength) {
	name = clean(name)
	if name == "" || strings.EqualFold(name, e.Name) {
		return
	}
	for _, a := range e.Aliases {
		if strings.EqualFold(a.Name, name) {
			return
		}
	}
	e.Aliases = append(e.Aliases, entity.Alias{Name: name, Strength: strength, Script: entity.DetectScript(name)})
}

// addIdentifier appends an identifier unless the same type and value is
// already present.
func addIdentifier(e *entity.Entity, id entity.Identifier) {
	id.Value = clean(id.Value)
	if id.Value == "" {
		return
	}
	for _, have := range e.Identifiers {
		if have.Type == id.Type && strings.EqualFold(have.Value, id.Value) {
			return
		}
	}
	e.Identifiers = append(e.Identifiers, id)
}

// addBirthDate appends a date unless already present.
func addBirthDate(e *entity.Entity, d entity.Date) {
	if d == "" {
		return
	}
	for _, have := range e.BirthDates {
		if have == d {
			return
		}
	}
	e.BirthDates = append(e.BirthDates, d)
}

// addBirthPlace appends a place unless already present.
func addBirthPlace(e *entity.Entity, p string) {
	p = clean(p)
	if p == "" {
		return
	}
	for _, have := range e.BirthPlaces {
		if strings.EqualFold(have, p) {
			return
		}
	}
	e.BirthPlaces = append(e.BirthPlaces, p)
}

// addProgram appends a programme unless already present.
func addProgram(e *entity.Entity, p string) {
	p = clean(p)
	if p == "" {
		return
	}
	for _, have := range e.Programs {
		if have == p {
			return
		}
	}
	e.Programs = append(e.Programs, p)
}

// ValidIMO reports whether s is a seven-digit IMO ship number with a valid
// check digit. IMO company numbers do not follow the check-digit rule.
func ValidIMO(s string) bool {
	if len(s) != 7 {
		return false
	}
	sum := 0
	for i := 0; i < 7; i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
		if i < 6 {
			sum += int(s[i]-'0') * (7 - i)
		}
	}
	return sum%10 == int(s[6]-'0')
}

// splitLastFirst splits an OFAC-style "LAST, First Middle" name into parts.
// It returns nil when the name has no comma.
func splitLastFirst(name string) *entity.NameParts {
	last, first, ok := strings.Cut(name, ",")
	if !ok {
		return nil
	}
	last, first = clean(last), clean(first)
	if last == "" && first == "" {
		return nil
	}
	np := &entity.NameParts{Family: last}
	given := strings.Fields(first)
	if len(given) > 0 {
		np.Given = given[0]
		np.Middle = strings.Join(given[1:], " ")
	}
	return np
}

// markCompanyIMO notes the IMO numbers of a non-vessel entity as IMO
// company numbers.
func markCompanyIMO(e *entity.Entity) {
	if e.Kind == entity.KindVessel {
		return
	}
	for i := range e.Identifiers {
		if e.Identifiers[i].Type == entity.IDIMO && e.Identifiers[i].Note == "" {
			e.Identifiers[i].Note = "company"
		}
	}
}
