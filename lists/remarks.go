package lists

import (
	"regexp"
	"strings"

	"github.com/screen-compliance/screen/country"
	"github.com/screen-compliance/screen/entity"
)

// ofacIDLabels maps the identifier labels of OFAC remarks to identifier
// types, longest labels first so that a longer label wins over its prefix.
var ofacIDLabels = []struct {
	label string
	typ   entity.IDType
}{
	{"Vessel Registration Identification", entity.IDIMO},
	{"Aircraft Manufacturer's Serial Number (MSN)", entity.IDOther},
	{"Aircraft Construction Number (also called L/N or S/N or F/N)", entity.IDOther},
	{"Unified Social Credit Code (USCC)", entity.IDRegistration},
	{"Business Registration Document #", entity.IDRegistration},
	{"Business Registration Number", entity.IDRegistration},
	{"Commercial Registry Number", entity.IDRegistration},
	{"Government Gazette Number", entity.IDRegistration},
	{"Public Registration Number", entity.IDRegistration},
	{"Chamber of Commerce Number", entity.IDRegistration},
	{"Certificate of Incorporation Number", entity.IDRegistration},
	{"Legal Entity Number", entity.IDRegistration},
	{"Registration Number", entity.IDRegistration},
	{"Registration ID", entity.IDRegistration},
	{"Company Number", entity.IDRegistration},
	{"Enterprise Number", entity.IDRegistration},
	{"Folio Mercantil No.", entity.IDRegistration},
	{"Matricula Mercantil No", entity.IDRegistration},
	{"Trade License No.", entity.IDRegistration},
	{"D-U-N-S Number", entity.IDRegistration},
	{"C.R. No.", entity.IDRegistration},
	{"Identification Number", entity.IDNational},
	{"National ID No.", entity.IDNational},
	{"Personal ID Card", entity.IDNational},
	{"National Foreign ID Number", entity.IDNational},
	{"Citizen's Card Number", entity.IDNational},
	{"Residency Number", entity.IDNational},
	{"Cedula No.", entity.IDNational},
	{"Kenyan ID No.", entity.IDNational},
	{"C.U.R.P.", entity.IDNational},
	{"D.N.I.", entity.IDNational},
	{"SSN", entity.IDNational},
	{"NIE", entity.IDNational},
	{"Diplomatic Passport", entity.IDPassport},
	{"Passport", entity.IDPassport},
	{"Tax ID No.", entity.IDTax},
	{"V.A.T. Number", entity.IDTax},
	{"C.U.I.T.", entity.IDTax},
	{"R.F.C.", entity.IDTax},
	{"NIT #", entity.IDTax},
	{"RUC #", entity.IDTax},
	{"RFC", entity.IDTax},
	{"SWIFT/BIC", entity.IDSWIFT},
	{"MMSI", entity.IDMMSI},
	{"Aircraft Tail Number", entity.IDRegistration},
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
func parseOFACRemarks(e *entity.Entity, remarks string) {
	for _, part := range splitRemarks(remarks) {
		p := strings.TrimPrefix(part, "alt. ")
		lower := strings.ToLower(p)
		switch {
		case strings.HasPrefix(lower, "a.k.a. "):
			addAlias(e, unquote(p[7:]), entity.StrengthStrong)
		case strings.HasPrefix(lower, "f.k.a. "):
			addAlias(e, unquote(p[7:]), entity.StrengthFormer)
		case strings.HasPrefix(lower, "n.k.a. "):
			addAlias(e, unquote(p[7:]), entity.StrengthStrong)
		case strings.HasPrefix(p, "DOB "):
			addBirthDate(e, entity.ParseDate(p[4:]))
		case strings.HasPrefix(p, "POB "):
			place := clean(p[4:])
			addBirthPlace(e, place)
			if c := placeCountry(place); c != "" {
				addCountry(e, c, entity.RoleBirth)
			}
		case strings.HasPrefix(lower, "nationality "):
			addCountry(e, p[12:], entity.RoleNationality)
		case strings.HasPrefix(lower, "citizen "):
			addCountry(e, p[8:], entity.RoleCitizenship)
		case strings.HasPrefix(p, "Gender "):
			if g := genderOf(p[7:]); g != "" {
				e.Gender = g
			}
		case strings.HasPrefix(p, "Linked To: "):
			if t := clean(strings.TrimSuffix(p[11:], ".")); t != "" {
				e.Links = append(e.Links, entity.Link{TargetName: t, Relation: "linked_to"})
			}
		case strings.HasPrefix(p, "Vessel Flag "):
			addCountry(e, p[12:], entity.RoleFlag)
		case strings.HasPrefix(p, "Vessel Owner "):
			e.Links = append(e.Links, entity.Link{TargetName: clean(p[13:]), Relation: "owned_by"})
		default:
			parseOFACIdentifier(e, p)
		}
	}
}

// parseOFACIdentifier recognises "<label> <number> (<country>) issued ..."
// remark parts; unknown parts are left to the Remarks text.
func parseOFACIdentifier(e *entity.Entity, p string) {
	for _, l := range ofacIDLabels {
		if !strings.HasPrefix(p, l.label+" ") {
			continue
		}
		rest := strings.TrimSpace(p[len(l.label)+1:])
		m := reIDTail.FindStringSubmatch(rest)
		if m == nil {
			return
		}
		id := entity.Identifier{Type: l.typ, Value: clean(m[1]), Note: clean(m[3])}
		if m[2] != "" {
			id.Country = countryCode(m[2])
		}
		if im := reIMOPart.FindStringSubmatch(id.Value); im != nil {
			// "Vessel Registration Identification IMO 1234567", and the IMO
			// company numbers "Company Number IMO 5342883".
			id.Value = im[1]
			if l.typ != entity.IDIMO || e.Kind != entity.KindVessel && !ValidIMO(im[1]) {
				id.Note = strings.TrimSpace("company " + id.Note)
			}
			id.Type = entity.IDIMO
		}
		switch l.typ {
		case entity.IDOther, entity.IDRegistration:
			if id.Type != entity.IDIMO && id.Note == "" {
				id.Note = l.label
			}
		}
		addIdentifier(e, id)
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
