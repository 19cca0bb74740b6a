package record

import (
	"fmt"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/screen-compliance/screen/country"
)

// Party kinds.
const (
	KindPerson       = "person"
	KindOrganization = "organization"
	KindVessel       = "vessel"
	KindAircraft     = "aircraft"
)

// kindWords maps the folded words that name a party kind (as written in
// party files and API requests) to the kind. It is only read.
var kindWords = map[string]string{
	"person": KindPerson, "individual": KindPerson, "naturalperson": KindPerson, "people": KindPerson,
	"human": KindPerson, "indiv": KindPerson, "ind": KindPerson, "p": KindPerson, "i": KindPerson,
	"private": KindPerson, "privateperson": KindPerson, "privateindividual": KindPerson,

	"organization": KindOrganization, "organisation": KindOrganization, "company": KindOrganization,
	"entity": KindOrganization, "corporation": KindOrganization, "business": KindOrganization,
	"firm": KindOrganization, "legalentity": KindOrganization, "legalperson": KindOrganization,
	"org": KindOrganization, "corp": KindOrganization, "enterprise": KindOrganization, "bank": KindOrganization,
	"institution": KindOrganization, "e": KindOrganization, "o": KindOrganization, "c": KindOrganization,
	"government": KindOrganization, "agency": KindOrganization, "group": KindOrganization,
	"partnership": KindOrganization, "llc": KindOrganization, "ltd": KindOrganization,

	"vessel": KindVessel, "ship": KindVessel, "boat": KindVessel, "tanker": KindVessel, "v": KindVessel,
	"s": KindVessel, "cargoship": KindVessel, "ves": KindVessel,

	"aircraft": KindAircraft, "plane": KindAircraft, "airplane": KindAircraft, "aeroplane": KindAircraft,
	"a": KindAircraft, "jet": KindAircraft, "helicopter": KindAircraft,

	// Placeholders: no kind given.
	"na": "", "none": "", "unknown": "", "unk": "", "notknown": "", "notapplicable": "", "nil": "", "null": "",
}

// CanonicalKind maps a party kind as people write it ("Individual",
// "company", "legal entity", "Ship", "plane", ...) to person, organization,
// vessel or aircraft. It returns "", true for a value that gives no kind
// (blank, "-", "N/A", "unknown") and "", false for a value that names no
// kind.
func CanonicalKind(s string) (string, bool) {
	var b strings.Builder
	for _, r := range s {
		if unicode.IsLetter(r) || unicode.IsDigit(r) {
			b.WriteRune(unicode.ToLower(r))
		}
	}
	if b.Len() == 0 {
		return "", true
	}
	k, ok := kindWords[b.String()]
	return k, ok
}

// FieldError is a problem with one field of a record. Field is a path into
// the record's JSON form ("parties[1].kind", "route.origin_country").
type FieldError struct {
	Field string
	Msg   string
}

func (e *FieldError) Error() string { return e.Field + ": " + e.Msg }

// UnknownKindMessage is the message of a FieldError for a kind that is none
// of person, organization, vessel and aircraft.
func UnknownKindMessage(kind string) string {
	return fmt.Sprintf("unknown kind %q: want person, organization, vessel or aircraft", kind)
}

// UnknownCountryMessage is the message of a FieldError for a country that
// country.Code does not know.
func UnknownCountryMessage(c string) string {
	return fmt.Sprintf("unknown country %q: want a country name or an ISO 3166 code", c)
}

// KnownCountry reports whether s is a country country.Code recognises, or
// says that no country is given (blank, "N/A", "unknown").
func KnownCountry(s string) bool { return country.Missing(s) || country.Code(s) != "" }

// Validate checks that r can be screened as given and returns a *FieldError
// naming the first field that cannot: text that is not valid UTF-8, a party
// with no name, id_number or imo (nothing to screen it by), a kind other
// than person, organization, vessel and aircraft (CanonicalKind maps the
// other spellings before), and a party, origin or destination country that
// is not a country. It does not check Err, Fields or Truncated.
func (r *Record) Validate() error {
	if err := r.validUTF8(); err != nil {
		return err
	}
	for i := range r.Parties {
		p := &r.Parties[i]
		at := func(f string) string { return fmt.Sprintf("parties[%d]%s", i, f) }
		if strings.TrimSpace(p.Name) == "" && strings.TrimSpace(p.IDNumber) == "" && strings.TrimSpace(p.IMO) == "" {
			return &FieldError{Field: at(""), Msg: "nothing to screen: the party has no name, id_number or imo"}
		}
		switch p.Kind {
		case "", KindPerson, KindOrganization, KindVessel, KindAircraft:
		default:
			return &FieldError{Field: at(".kind"), Msg: UnknownKindMessage(p.Kind)}
		}
		if !KnownCountry(p.Country) {
			return &FieldError{Field: at(".country"), Msg: UnknownCountryMessage(p.Country)}
		}
	}
	if !KnownCountry(r.Route.Origin) {
		return &FieldError{Field: "route.origin_country", Msg: UnknownCountryMessage(r.Route.Origin)}
	}
	if !KnownCountry(r.Route.Destination) {
		return &FieldError{Field: "route.destination_country", Msg: UnknownCountryMessage(r.Route.Destination)}
	}
	return nil
}

// validUTF8 names the first text field of r that is not valid UTF-8.
func (r *Record) validUTF8() error {
	bad := func(field string) error { return &FieldError{Field: field, Msg: "invalid UTF-8"} }
	for _, f := range []struct{ name, v string }{{"id", r.ID}, {"source", r.Source}, {"date", r.Date},
		{"route.origin_country", r.Route.Origin}, {"route.destination_country", r.Route.Destination},
		{"route.port_of_loading", r.Route.PortOfLoading}, {"route.port_of_discharge", r.Route.PortOfDischarge}} {
		if !utf8.ValidString(f.v) {
			return bad(f.name)
		}
	}
	for i, t := range r.Route.Transshipment {
		if !utf8.ValidString(t) {
			return bad(fmt.Sprintf("route.transshipment[%d]", i))
		}
	}
	for i, p := range r.Parties {
		for _, f := range []struct{ name, v string }{{"role", p.Role}, {"name", p.Name}, {"kind", p.Kind},
			{"country", p.Country}, {"dob", p.DOB}, {"id_number", p.IDNumber}, {"imo", p.IMO}} {
			if !utf8.ValidString(f.v) {
				return bad(fmt.Sprintf("parties[%d].%s", i, f.name))
			}
		}
	}
	for i, g := range r.Goods {
		for _, f := range []struct{ name, v string }{{"hs", g.HS}, {"description", g.Description},
			{"quantity", g.Quantity}, {"unit", g.Unit}, {"value", g.Value}, {"currency", g.Currency}} {
			if !utf8.ValidString(f.v) {
				return bad(fmt.Sprintf("goods[%d].%s", i, f.name))
			}
		}
	}
	return nil
}
