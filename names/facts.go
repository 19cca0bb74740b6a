package names

import "github.com/screen-compliance/screen/entity"

// Facts is what a Scorer reads of an entity beside its names and
// identifiers: its kind, its dates of birth and its countries, read once
// (NewFacts) into one small block. Comparing a query with a candidate
// entity then reads this block instead of walking the entity's strings:
// an index keeps one per entity (Scorer.QuickPicked).
type Facts struct {
	kind kindFamily
	// spans are the first readable dates of birth (nSpans of them), codes
	// the first country codes of two letters (nCodes of them); more holds
	// them all when they do not fit, or when a code is not of two letters
	nSpans, nCodes uint8
	spans          [factSpans]dobSpan
	codes          [factCodes]uint16
	more           *moreFacts
}

// Room in Facts itself: most listed entities have one or two dates of
// birth and one to three countries.
const (
	factSpans = 3
	factCodes = 4
)

// moreFacts is an entity's dates and countries when they do not fit in
// Facts.
type moreFacts struct {
	spans []dobSpan
	codes []string
}

// dobSpan is entity.DateSpan in 6 bytes: years from 1000 to 9999 (as
// entity.Date.Span reads them), months and days.
type dobSpan struct {
	year, yearTo int16
	month, day   int8
}

// NewFacts reads the facts of e.
func NewFacts(e *entity.Entity) Facts {
	f := Facts{kind: familyOf(e.Kind)}
	fits := true
	for _, d := range e.BirthDates {
		if sp, ok := spanOf(d); ok {
			if f.nSpans == factSpans {
				fits = false
				break
			}
			f.spans[f.nSpans] = sp
			f.nSpans++
		}
	}
	for _, c := range e.Countries {
		if c.Code == "" {
			continue
		}
		if f.nCodes == factCodes || len(c.Code) != 2 {
			fits = false
			break
		}
		f.codes[f.nCodes] = packCode(c.Code)
		f.nCodes++
	}
	if fits {
		return f
	}
	f.more = &moreFacts{}
	for _, d := range e.BirthDates {
		if sp, ok := spanOf(d); ok {
			f.more.spans = append(f.more.spans, sp)
		}
	}
	for _, c := range e.Countries {
		if c.Code != "" {
			f.more.codes = append(f.more.codes, c.Code)
		}
	}
	return f
}

// spanOf reads a date of birth; ok is false when it cannot be read.
func spanOf(d entity.Date) (dobSpan, bool) {
	sp := d.Span()
	return dobSpan{int16(sp.Year), int16(sp.YearTo), int8(sp.Month), int8(sp.Day)}, sp.Year != 0
}

// packCode is a country code of two letters as one number.
func packCode(c string) uint16 { return uint16(c[0])<<8 | uint16(c[1]) }

// dobSpans returns the readable dates of birth: a date that cannot be read
// is no evidence, for the match or against it.
func (f *Facts) dobSpans() []dobSpan {
	if f.more != nil {
		return f.more.spans
	}
	return f.spans[:f.nSpans]
}

// hasCountries says whether the entity has a country code.
func (f *Facts) hasCountries() bool {
	if f.more != nil {
		return len(f.more.codes) > 0
	}
	return f.nCodes > 0
}

// hasCountry says whether code is one of the entity's country codes.
func (f *Facts) hasCountry(code string) bool {
	if f.more != nil {
		for _, c := range f.more.codes {
			if c == code {
				return true
			}
		}
		return false
	}
	if len(code) != 2 {
		return false // every code here has two letters
	}
	p := packCode(code)
	for _, c := range f.codes[:f.nCodes] {
		if c == p {
			return true
		}
	}
	return false
}
