package lists

import (
	"regexp"
	"strings"

	"github.com/screen-compliance/screen/country"
)

// ofacIDLabels maps the identifier labels of OFAC remarks to identifier
// types, longest labels first so that a longer label wins over its prefix.
var ofacIDLabels = []struct {
	label string
	typ   IDType
}{
	{"Vessel Registration Identification", IDIMO},
	{"Aircraft Manufacturer's Serial Number (MSN)", IDOther},
	{"Aircraft Construction Number (also called L/N or S/N or F/N)", IDOther},
	{"Unified Social Credit Code (USCC)", IDRegistration},
	{"Business Registration Document #", IDRegistration},
	{"Business Registration Number", IDRegistration},
	{"Commercial Registry Number", IDRegistration},
	{"Government Gazette Number", IDRegistration},
	{"Public Registration Number", IDRegistration},
	{"Chamber of Commerce Number", IDRegistration},
	{"Certificate of Incorporation Number", IDRegistration},
	{"Legal Entity Number", IDRegistration},
	{"Registration Number", IDRegistration},
	{"Registration ID", IDRegistration},
	{"Company Number", IDRegistration},
	{"Enterprise Number", IDRegistration},
	{"Folio Mercantil No.", IDRegistration},
	{"Matricula Mercantil No", IDRegistration},
	{"Trade License No.", IDRegistration},
	{"D-U-N-S Number", IDRegistration},
	{"C.R. No.", IDRegistration},
	{"Identification Number", IDNational},
	{"National ID No.", IDNational},
	{"Personal ID Card", IDNational},
	{"National Foreign ID Number", IDNational},
	{"Citizen's Card Number", IDNational},
	{"Residency Number", IDNational},
	{"Cedula No.", IDNational},
	{"Kenyan ID No.", IDNational},
	{"C.U.R.P.", IDNational},
	{"D.N.I.", IDNational},
	{"SSN", IDNational},
	{"NIE", IDNational},
	{"Diplomatic Passport", IDPassport},
	{"Passport", IDPassport},
	{"Tax ID No.", IDTax},
	{"V.A.T. Number", IDTax},
	{"C.U.I.T.", IDTax},
	{"R.F.C.", IDTax},
	{"NIT #", IDTax},
	{"RUC #", IDTax},
	{"RFC", IDTax},
	{"SWIFT/BIC", IDSWIFT},
	{"MMSI", IDMMSI},
	{"Aircraft Tail Number", IDRegistration},
}

var (
	reIDTail  = regexp.MustCompile(`^(.*?)(?: \(([^()]*)\))?((?: (?:issued|expires|alt\. issued)\b.*)?)$`)
	reIMOPart = regexp.MustCompile(`^IMO\s*(\d{7})$`)
)

// splitRemarks splits an OFAC remark on "; " outside single-quoted names.
func splitRemarks(s string) []string {
	s = strings.TrimSpace(s)
	s = strings.TrimSuffix(s, ".")
	var out []string
	inQuote := false
	start := 0
	for i := 0; i < len(s); i++ {
		switch s[i] {
		case '\'':
			// A quote opens a name after "a.k.a. " and closes before ";" or the end.
			if !inQuote && i > 0 && s[i-1] == ' ' {
				inQuote = true
			} else if inQuote && (i+1 == len(s) || s[i+1] == ';' || s[i+1] == '.' && (i+2 == len(s) || s[i+2] == ';')) {
				inQuote = false
			}
		case ';':
			if !inQuote {
				if p := strings.TrimSpace(s[start:i]); p != "" {
					out = append(out, p)
				}
				start = i + 1
			}
		}
	}
	if p := strings.TrimSpace(s[start:]); p != "" {
		out = append(out, p)
	}
	return out
}

// parseOFACRemarks extracts the facts written in an OFAC remark into e.
func parseOFACRemarks(e *Entity, remarks string) {
	for _, part := range splitRemarks(remarks) {
		p := strings.TrimPrefix(part, "alt. ")
		lower := strings.ToLower(p)
		switch {
		case strings.HasPrefix(lower, "a.k.a. "):
			e.addAlias(unquote(p[7:]), StrengthStrong)
		case strings.HasPrefix(lower, "f.k.a. "):
			e.addAlias(unquote(p[7:]), StrengthFormer)
		case strings.HasPrefix(lower, "n.k.a. "):
			e.addAlias(unquote(p[7:]), StrengthStrong)
		case strings.HasPrefix(p, "DOB "):
			e.addBirthDate(ParseDate(p[4:]))
		case strings.HasPrefix(p, "POB "):
			place := clean(p[4:])
			e.addBirthPlace(place)
			if c := placeCountry(place); c != "" {
				e.addCountry(c, RoleBirth)
			}
		case strings.HasPrefix(lower, "nationality "):
			e.addCountry(p[12:], RoleNationality)
		case strings.HasPrefix(lower, "citizen "):
			e.addCountry(p[8:], RoleCitizenship)
		case strings.HasPrefix(p, "Gender "):
			if g := genderOf(p[7:]); g != "" {
				e.Gender = g
			}
		case strings.HasPrefix(p, "Linked To: "):
			if t := clean(strings.TrimSuffix(p[11:], ".")); t != "" {
				e.Links = append(e.Links, Link{TargetName: t, Relation: "linked_to"})
			}
		case strings.HasPrefix(p, "Vessel Flag "):
			e.addCountry(p[12:], RoleFlag)
		case strings.HasPrefix(p, "Vessel Owner "):
			e.Links = append(e.Links, Link{TargetName: clean(p[13:]), Relation: "owned_by"})
		default:
			parseOFACIdentifier(e, p)
		}
	}
}

// parseOFACIdentifier recognises "<label> <number> (<country>) issued ..."
// remark parts; unknown parts are left to the Remarks text.
func parseOFACIdentifier(e *Entity, p string) {
	for _, l := range ofacIDLabels {
		if !strings.HasPrefix(p, l.label+" ") {
			continue
		}
		rest := strings.TrimSpace(p[len(l.label)+1:])
		m := reIDTail.FindStringSubmatch(rest)
		if m == nil {
			return
		}
		id := Identifier{Type: l.typ, Value: clean(m[1]), Note: clean(m[3])}
		if m[2] != "" {
			id.Country = countryCode(m[2])
		}
		if im := reIMOPart.FindStringSubmatch(id.Value); im != nil {
			// "Vessel Registration Identification IMO 1234567", and the IMO
			// company numbers "Company Number IMO 5342883".
			id.Value = im[1]
			if l.typ != IDIMO || e.Kind != KindVessel && !ValidIMO(im[1]) {
				id.Note = strings.TrimSpace("company " + id.Note)
			}
			id.Type = IDIMO
		}
		switch l.typ {
		case IDOther, IDRegistration:
			if id.Type != IDIMO && id.Note == "" {
				id.Note = l.label
			}
		}
		e.addIdentifier(id)
		return
	}
}

// unquote strips the single quotes (and a trailing full stop) around an
// OFAC alias.
func unquote(s string) string {
	s = strings.TrimSpace(s)
	s = strings.TrimSuffix(s, ".")
	if len(s) >= 2 && s[0] == '\'' && s[len(s)-1] == '\'' {
		s = s[1 : len(s)-1]
	}
	return clean(s)
}

// placeCountry returns the trailing comma-separated parts of a place that
// name a country ("Pyongyang, Korea, North" gives "Korea, North"), or "".
func placeCountry(place string) string {
	parts := strings.Split(place, ",")
	for n := 1; n <= len(parts) && n <= 3; n++ {
		c := strings.TrimSpace(strings.Join(parts[len(parts)-n:], ","))
		if country.Code(c) != "" {
			return c
		}
	}
	return ""
}
