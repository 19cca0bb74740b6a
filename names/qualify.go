package names

import (
	"slices"
	"strings"

	"github.com/screen-compliance/screen/entity"
	"github.com/screen-compliance/screen/internal/decimal"
)

// Kind families: organisation, company and legal entity are one family.
type kindFamily uint8

const (
	famUnknown kindFamily = iota
	famPerson
	famOrg
	famVessel
	famAircraft
)

func familyOf(k entity.Kind) kindFamily {
	switch k {
	case entity.KindUnknown:
		return famUnknown
	case entity.KindPerson:
		return famPerson
	case entity.KindOrganization:
		return famOrg
	case entity.KindVessel:
		return famVessel
	case entity.KindAircraft:
		return famAircraft
	}
	switch strings.ToLower(strings.TrimSpace(string(k))) {
	case "person", "individual", "people":
		return famPerson
	case "organization", "organisation", "company", "entity", "legal_entity", "legalentity", "business", "org":
		return famOrg
	case "vessel", "ship":
		return famVessel
	case "aircraft", "airplane":
		return famAircraft
	}
	return famUnknown
}

// Qualifier weights (added to or taken from the name score).
const (
	dobFullBonus    = 0.06
	dobYearBonus    = 0.03
	dobMismatch     = 0.15
	countryBonus    = 0.03
	countryMismatch = 0.06
	// kindMismatch is what a kind mismatch (person vs organisation, vessel
	// vs organisation ...) costs; a name with a legal form is an
	// organisation's.
	kindMismatch = 0.15
	// imoMismatch is what a listed IMO number other than the query's
	// costs; the match then also carries a conflict.
	imoMismatch      = 0.1
	weakAliasFactor  = 0.9
	formerNameFactor = 0.95
	minIDLen         = 5
	// queryExtraWeight is how much a query token left unmatched counts
	// when two or more distinctive tokens matched and the entity name is
	// fully covered.
	queryExtraWeight = 0.5
	// patronymicAlone is the weight of an unmatched patronymic when the
	// other name has none.
	patronymicAlone = 0.3
)

// qualifiers are the evidence beside the name.
type qualifiers struct {
	dob, country       float64
	hasDOB, hasCountry bool
	// kind is the kind mismatch cost (0 or -kindMismatch).
	kind float64
	// id describes the matching identifier, "" when none matched.
	id string
	// imoConflict describes a listed IMO number that differs from the
	// query's ("9123456 given, 9876543 listed"), "" when none does.
	imoConflict string
	// score is the name score with the qualifiers applied, 0..1.
	score float64
}

// qualifiers reads the date of birth (persons and unknown kinds only),
// country, kind and identifiers of the entity against the query's;
// apply then gives a name score with them.
func (s *Scorer) qualifiers(e *entity.Entity, f *Facts, ek kindFamily) qualifiers {
	var q qualifiers
	if s.dob.Year != 0 && (ek == famPerson || ek == famUnknown) {
		if spans := f.dobSpans(); len(spans) > 0 {
			q.dob, q.hasDOB = s.dobDelta(spans), true
		}
	}
	if s.country != "" {
		if d, ok := s.countryDelta(f); ok {
			q.country, q.hasCountry = d, true
		}
	}
	if s.kind != famUnknown && ek != famUnknown && s.kind != ek {
		q.kind = -kindMismatch
	}
	if len(s.ids) > 0 { // else the entity's identifiers need not be read
		if id, ok := s.idMatch(e.Identifiers); ok {
			q.id = id
		} else if s.imo != "" {
			if listed := imoNumbers(e.Identifiers); listed != "" {
				q.imoConflict = s.imo + " given, " + listed + " listed"
			}
		}
	}
	return q
}

// delta is what the qualifiers other than an identifier match add to a
// name score.
func (q *qualifiers) delta() float64 {
	d := q.dob + q.country + q.kind
	if q.imoConflict != "" {
		d -= imoMismatch
	}
	return d
}

// apply sets q.score to the name score with the qualifiers applied: agreeing
// evidence only raises it, an identifier match confirms a match on its own.
func (q *qualifiers) apply(nameScore float64) {
	q.score = nameScore
	if q.hasDOB {
		q.score += q.dob
	}
	if q.hasCountry {
		q.score += q.country
	}
	if q.kind != 0 {
		q.score += q.kind
	}
	switch {
	case q.id != "":
		q.score = max(q.score, 0.9+0.1*nameScore)
	case q.imoConflict != "":
		q.score -= imoMismatch
	}
	q.score = decimal.Round(clamp01(q.score), 4)
}

// imoNumbers returns the entity's IMO numbers joined by commas, or "".
func imoNumbers(ids []entity.Identifier) string {
	var out []string
	for _, id := range ids {
		if id.Type == entity.IDIMO {
			if n := normalizeID(id.Value); n != "" && !slices.Contains(out, n) {
				out = append(out, n)
			}
		}
	}
	return strings.Join(out, ",")
}

// kindName names the query kind, saying when it was inferred.
func (s *Scorer) kindName() string {
	if familyOf(s.q.Kind) == famUnknown && s.kind == famOrg {
		return "organization (it has a legal form)"
	}
	return s.kind.String()
}

// String names a kind family.
func (k kindFamily) String() string {
	switch k {
	case famPerson:
		return "person"
	case famOrg:
		return "organization"
	case famVessel:
		return "vessel"
	case famAircraft:
		return "aircraft"
	}
	return "unknown"
}

// dobDelta compares the query's date of birth with the entity's.
func (s *Scorer) dobDelta(dates []dobSpan) float64 {
	best := -dobMismatch
	q := s.dob
	for _, ds := range dates {
		d := entity.DateSpan{Year: int(ds.year), YearTo: int(ds.yearTo), Month: int(ds.month), Day: int(ds.day)}
		var v float64
		switch {
		case q.Year >= d.Year && q.YearTo <= d.YearTo:
			v = dobYearBonus
			if q.Month != 0 && d.Month != 0 {
				if q.Month != d.Month {
					v = 0
				} else if q.Day != 0 && d.Day != 0 {
					if q.Day == d.Day {
						v = dobFullBonus
					} else {
						v = 0
					}
				}
			}
		case q.Year >= d.Year-1 && q.Year <= d.YearTo+1:
			v = 0
		default:
			v = -dobMismatch
		}
		if v > best {
			best = v
		}
	}
	return best
}

func joinDates(ds []entity.Date) string {
	parts := make([]string, len(ds))
	for i, d := range ds {
		parts[i] = string(d)
	}
	return strings.Join(parts, ",")
}

// countryDelta compares the query country with the entity's countries; ok
// is false when the entity has none.
func (s *Scorer) countryDelta(f *Facts) (float64, bool) {
	switch {
	case !f.hasCountries():
		return 0, false
	case f.hasCountry(s.country):
		return countryBonus, true
	}
	return -countryMismatch, true
}

// normalizeID folds an identifier to upper-case letters and digits, without
// an "IMO" prefix.
func normalizeID(id string) string {
	var b strings.Builder
	for _, r := range strings.ToUpper(id) {
		if (r >= 'A' && r <= 'Z') || (r >= '0' && r <= '9') {
			b.WriteRune(r)
		}
	}
	out := b.String()
	if strings.HasPrefix(out, "IMO") && len(out) > 3 && isDigits(out[3:]) {
		out = out[3:]
	}
	return out
}

// NormalizeID is the identifier normalisation used for matching: upper-case
// letters and digits only, without an "IMO" prefix.
func NormalizeID(id string) string { return normalizeID(id) }

func (s *Scorer) idMatch(ids []entity.Identifier) (string, bool) {
	if len(s.ids) == 0 {
		return "", false
	}
	for _, id := range ids {
		n := normalizeID(id.Value)
		if len(n) < minIDLen {
			continue
		}
		for _, q := range s.ids {
			if q == n {
				return string(id.Type) + " " + id.Value, true
			}
		}
	}
	return "", false
}

func clamp01(f float64) float64 {
	switch {
	case f < 0:
		return 0
	case f > 1:
		return 1
	}
	return f
}

func entityCodes(cs []entity.Country) string {
	var codes []string
	for _, c := range cs {
		if c.Code != "" && !slices.Contains(codes, c.Code) {
			codes = append(codes, c.Code)
		}
	}
	return strings.Join(codes, ",")
}

// atoiDigits parses a string of ASCII digits without allocating.
func atoiDigits(s string) (int, bool) {
	n := 0
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return 0, false
		}
		n = n*10 + int(s[i]-'0')
	}
	return n, len(s) > 0
}
