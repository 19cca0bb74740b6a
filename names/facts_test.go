package names

import (
	"fmt"
	"testing"

	"github.com/screen-compliance/screen/entity"
)

// qualifiersOf is what qualifiers gives when it reads the entity's dates
// and countries itself: the oracle for Facts. A date of birth that cannot
// be read counts neither for nor against (FuzzAnalyze found "1000 " listed
// and "1000" asked scoring 0.85 when it counted against).
func qualifiersOf(s *Scorer, e *entity.Entity, ek kindFamily) (dob, country float64, hasDOB, hasCountry bool) {
	if s.dob.Year != 0 && (ek == famPerson || ek == famUnknown) {
		q := s.dob
		for _, ds := range e.BirthDates {
			d := ds.Span()
			if d.Year == 0 {
				continue // a date that cannot be read is no evidence
			}
			if !hasDOB {
				hasDOB, dob = true, -dobMismatch
			}
			v := -dobMismatch
			switch {
			case q.Year >= d.Year && q.YearTo <= d.YearTo:
				v = dobYearBonus
				if q.Month != 0 && d.Month != 0 && q.Month != d.Month {
					v = 0
				} else if q.Month != 0 && d.Month != 0 && q.Day != 0 && d.Day != 0 {
					v = 0
					if q.Day == d.Day {
						v = dobFullBonus
					}
				}
			case q.Year >= d.Year-1 && q.Year <= d.YearTo+1:
				v = 0
			}
			dob = max(dob, v)
		}
	}
	if s.country != "" {
		for _, c := range e.Countries {
			if c.Code == "" {
				continue
			}
			hasCountry, country = true, -countryMismatch
			if c.Code == s.country {
				country = countryBonus
				break
			}
		}
	}
	return dob, country, hasDOB, hasCountry
}

// TestFactsQualifiers checks that the qualifiers read from Facts are those
// read from the entity itself, for entities whose dates and countries fit
// in Facts and for those that do not (more of them than fit, unreadable
// dates, codes of other lengths, empty codes).
func TestFactsQualifiers(t *testing.T) {
	dateSets := [][]entity.Date{
		nil,
		{"1960"},
		{"1960-05-01"},
		{"1960-05"},
		{"not a date"},
		{"1958/1962"},
		{"1950", "1955", "1960-05-01"},
		{"x", "1950", "1955", "1957", "1960-05-02"}, // four readable: more than fit
		{"1940", "1941", "1942", "1943", "1960"},
	}
	countrySets := [][]entity.Country{
		nil,
		{{Code: "KP"}},
		{{Code: ""}, {Code: "CN"}},
		{{Code: "RU"}, {Code: "CN"}, {Code: "IR"}, {Code: "SY"}, {Code: "KP"}}, // five: more than fit
		{{Code: "KP"}, {Code: "XKX"}},                                          // a code of three letters
		{{Code: ""}},
	}
	queries := []Query{
		{Name: "x", DOB: "1960-05-01", Country: "KP"},
		{Name: "x", DOB: "1960", Country: "CN"},
		{Name: "x", DOB: "1961-05-01", Country: "KP"},
		{Name: "x", DOB: "1943", Country: "XKX"},
		{Name: "x", DOB: "1960-06", Country: "DE"},
		{Name: "x", Country: "SY"},
	}
	n := 0
	for _, q := range queries {
		s := NewScorer(q)
		for _, ds := range dateSets {
			for _, cs := range countrySets {
				for _, kind := range []entity.Kind{entity.KindPerson, entity.KindUnknown, entity.KindOrganization} {
					e := &entity.Entity{ID: "e", Name: "x", Kind: kind, BirthDates: ds, Countries: cs}
					f := NewFacts(e)
					ek := f.kind
					if ek != familyOf(e.Kind) {
						t.Fatalf("kind %s: facts say %s", e.Kind, ek)
					}
					got := s.qualifiers(e, &f, ek)
					dob, country, hasDOB, hasCountry := qualifiersOf(s, e, ek)
					want := fmt.Sprintf("dob %v %.2f country %v %.2f", hasDOB, dob, hasCountry, country)
					if g := fmt.Sprintf("dob %v %.2f country %v %.2f", got.hasDOB, got.dob, got.hasCountry, got.country); g != want {
						t.Errorf("query %s %s, dates %v, countries %v, %s: %s, want %s", q.DOB, q.Country, ds, cs, kind, g, want)
					}
					n++
				}
			}
		}
	}
	if more := NewFacts(&entity.Entity{BirthDates: dateSets[7], Countries: countrySets[3]}); more.more == nil {
		t.Error("four dates and five countries fit in Facts: the overflow is not tested")
	}
	if packed := NewFacts(&entity.Entity{BirthDates: dateSets[6], Countries: countrySets[2]}); packed.more != nil {
		t.Error("three dates and one country do not fit in Facts")
	}
	t.Logf("%d comparisons", n)
}
