package ftm

import "github.com/screen-compliance/screen/entity"

// Name-part properties of a Person.
const (
	PropFirstName  = "firstName"
	PropSecondName = "secondName"
	PropMiddleName = "middleName"
	PropFatherName = "fatherName"
	PropLastName   = "lastName"
)

// Date properties that date a party's beginning.
const (
	PropBirthDate         = "birthDate"         // a person's birth
	PropIncorporationDate = "incorporationDate" // an organisation's incorporation
)

// NameProp is a property that holds names of a party, with the strength a
// name of it has as an alias.
type NameProp struct {
	Prop     string
	Strength entity.Strength
}

// nameProps are the name properties, the primary name first.
var nameProps = []NameProp{
	{"name", entity.StrengthStrong},
	{"alias", entity.StrengthStrong},
	{"weakAlias", entity.StrengthWeak},
	{"previousName", entity.StrengthFormer},
}

// NameProps returns the properties that hold names of a party, the
// primary name ("name") first.
func NameProps() []NameProp { return append([]NameProp(nil), nameProps...) }

// NamePartProps returns the name-part properties of a Person in the order a
// name is written: first, second, middle, father's and last name.
func NamePartProps() []string {
	return []string{PropFirstName, PropSecondName, PropMiddleName, PropFatherName, PropLastName}
}

// countryProps are the properties that hold countries, with the role a
// country of each plays.
var countryProps = []struct {
	prop string
	role entity.CountryRole
}{
	{"nationality", entity.RoleNationality},
	{"citizenship", entity.RoleCitizenship},
	{"country", entity.RoleAddress},
	{"jurisdiction", entity.RoleRegistration},
	{"mainCountry", entity.RoleAddress},
	{"registrationCountry", entity.RoleRegistration},
	{"flag", entity.RoleFlag},
	{"birthCountry", entity.RoleBirth},
}

// CountryProps returns the properties that hold countries (as lower-case
// ISO codes), in a fixed order.
func CountryProps() []string {
	out := make([]string, len(countryProps))
	for i, c := range countryProps {
		out[i] = c.prop
	}
	return out
}

// CountryRole returns the role a country of property prop plays
// (nationality: entity.RoleNationality, jurisdiction:
// entity.RoleRegistration ...), and false when prop holds no countries.
func CountryRole(prop string) (entity.CountryRole, bool) {
	for _, c := range countryProps {
		if c.prop == prop {
			return c.role, true
		}
	}
	return "", false
}

// IdentifierProp is a property that holds identifiers of a party, with the
// identifier type each value is and a note that names the scheme when the
// type alone does not ("INN", "LEI" ...).
type IdentifierProp struct {
	Prop string
	Type entity.IDType
	Note string
}

// identifierProps are the identifier properties, in the order a listed
// entity's identifiers are read.
var identifierProps = []IdentifierProp{
	{"passportNumber", entity.IDPassport, ""},
	{"idNumber", entity.IDNational, ""},
	{"taxNumber", entity.IDTax, ""},
	{"innCode", entity.IDTax, "INN"},
	{"vatCode", entity.IDTax, "VAT"},
	{"registrationNumber", entity.IDRegistration, ""},
	{"ogrnCode", entity.IDRegistration, "OGRN"},
	{"leiCode", entity.IDRegistration, "LEI"},
	{"dunsCode", entity.IDRegistration, "DUNS"},
	{"swiftBic", entity.IDSWIFT, ""},
	{PropIMONumber, entity.IDIMO, ""},
	{"mmsi", entity.IDMMSI, ""},
	{"callSign", entity.IDCallSign, ""},
}

// PropIMONumber holds the IMO number of a vessel (or of a shipping
// company).
const PropIMONumber = "imoNumber"

// IdentifierProps returns the properties that hold identifiers of a party,
// in the order a listed entity's identifiers are read (the first of equal
// values keeps its note).
func IdentifierProps() []IdentifierProp { return append([]IdentifierProp(nil), identifierProps...) }
