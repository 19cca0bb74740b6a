package lists

import (
	"regexp"
	"strconv"
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

var months = map[string]int{
	"jan": 1, "feb": 2, "mar": 3, "apr": 4, "may": 5, "jun": 6,
	"jul": 7, "aug": 8, "sep": 9, "oct": 10, "nov": 11, "dec": 12,
	"january": 1, "february": 2, "march": 3, "april": 4, "june": 6, "july": 7,
	"august": 8, "september": 9, "sept": 9, "october": 10, "november": 11, "december": 12,
}

var (
	reISODate   = regexp.MustCompile(`^(\d{4})(?:-(\d{1,2})(?:-(\d{1,2}))?)?(?:T.*)?$`)
	reDMY       = regexp.MustCompile(`^(?:(\d{1,2}) )?([A-Za-z]{3,9})\.? (\d{4})$`)
	reSlashDMY  = regexp.MustCompile(`^(\d{1,2})[/.](\d{1,2})[/.](\d{4})$`)
	reYearRange = regexp.MustCompile(`^(.+?) (?:to|-|–) (.+)$`)
)

// ParseDate turns a date as written by a list ("10 Dec 1948", "Dec 1948",
// "1948", "circa 1951", "1958 to 1962", "01 Jan 1958 to 31 Dec 1962",
// "1948-12-10", "10/12/1948" as day/month/year) into a Date. Approximate
// dates ("circa", "approximately") keep their stated precision. It returns ""
// when s is not a date.
func ParseDate(s string) entity.Date {
	s = clean(strings.TrimSuffix(strings.TrimSpace(s), "."))
	for _, p := range []string{"circa ", "approximately ", "approx. ", "about ", "c. ", "ca. "} {
		if len(s) > len(p) && strings.EqualFold(s[:len(p)], p) {
			s = strings.TrimSpace(s[len(p):])
		}
	}
	if m := reYearRange.FindStringSubmatch(s); m != nil {
		from, to := parseOneDate(m[1]), parseOneDate(m[2])
		if from == "" || to == "" {
			return ""
		}
		// A whole-year range written as 01 Jan X to 31 Dec Y is "X/Y".
		if strings.HasSuffix(from, "-01-01") && strings.HasSuffix(to, "-12-31") {
			from, to = from[:4], to[:4]
		}
		if from == to {
			return entity.Date(from)
		}
		return entity.Date(from + "/" + to)
	}
	return entity.Date(parseOneDate(s))
}

// parseOneDate parses a single date; see ParseDate.
func parseOneDate(s string) string {
	s = strings.TrimSpace(s)
	if m := reISODate.FindStringSubmatch(s); m != nil {
		return ymd(m[1], m[2], m[3])
	}
	if m := reDMY.FindStringSubmatch(s); m != nil {
		mon, ok := months[strings.ToLower(m[2])]
		if !ok {
			return ""
		}
		return ymd(m[3], strconv.Itoa(mon), m[1])
	}
	if m := reSlashDMY.FindStringSubmatch(s); m != nil {
		return ymd(m[3], m[2], m[1])
	}
	return ""
}

// ymd formats year, month and day (the last two optional) as an ISO date,
// or "" when a part is out of range.
func ymd(y, m, d string) string {
	if m == "" {
		return y
	}
	mi, err := strconv.Atoi(m)
	if err != nil || mi < 1 || mi > 12 {
		return ""
	}
	if d == "" {
		return y + "-" + pad2(mi)
	}
	di, err := strconv.Atoi(d)
	if err != nil || di < 1 || di > 31 {
		return ""
	}
	return y + "-" + pad2(mi) + "-" + pad2(di)
}

func pad2(i int) string {
	if i < 10 {
		return "0" + strconv.Itoa(i)
	}
	return strconv.Itoa(i)
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
