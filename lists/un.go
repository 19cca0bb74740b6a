package lists

import (
	"context"
	"errors"
	"fmt"
	"io"
	"regexp"
	"strings"

	"github.com/screen-compliance/screen/country"
	"github.com/screen-compliance/screen/entity"
)

// UN consolidated list XML (https://scsanctions.un.org/resources/xml/en/consolidated.xml).

type unValues struct {
	Values []string `xml:"VALUE"`
}

type unAlias struct {
	Quality        string `xml:"QUALITY"`
	Name           string `xml:"ALIAS_NAME"`
	Note           string `xml:"NOTE"`
	DateOfBirth    string `xml:"DATE_OF_BIRTH"`
	CityOfBirth    string `xml:"CITY_OF_BIRTH"`
	CountryOfBirth string `xml:"COUNTRY_OF_BIRTH"`
}

type unAddress struct {
	Street  string `xml:"STREET"`
	City    string `xml:"CITY"`
	State   string `xml:"STATE_PROVINCE"`
	Zip     string `xml:"ZIP_CODE"`
	Country string `xml:"COUNTRY"`
	Note    string `xml:"NOTE"`
}

type unDOB struct {
	Type     string `xml:"TYPE_OF_DATE"`
	Date     string `xml:"DATE"`
	Year     string `xml:"YEAR"`
	FromYear string `xml:"FROM_YEAR"`
	ToYear   string `xml:"TO_YEAR"`
}

type unPOB struct {
	City    string `xml:"CITY"`
	State   string `xml:"STATE_PROVINCE"`
	Country string `xml:"COUNTRY"`
}

type unDocument struct {
	Type           string `xml:"TYPE_OF_DOCUMENT"`
	Type2          string `xml:"TYPE_OF_DOCUMENT2"`
	Number         string `xml:"NUMBER"`
	IssuingCountry string `xml:"ISSUING_COUNTRY"`
	CountryOfIssue string `xml:"COUNTRY_OF_ISSUE"`
	Note           string `xml:"NOTE"`
}

type unRecord struct {
	DataID         string       `xml:"DATAID"`
	First          string       `xml:"FIRST_NAME"`
	Second         string       `xml:"SECOND_NAME"`
	Third          string       `xml:"THIRD_NAME"`
	Fourth         string       `xml:"FOURTH_NAME"`
	ListType       string       `xml:"UN_LIST_TYPE"`
	Reference      string       `xml:"REFERENCE_NUMBER"`
	ListedOn       string       `xml:"LISTED_ON"`
	Gender         string       `xml:"GENDER"`
	Comments       string       `xml:"COMMENTS1"`
	OriginalScript string       `xml:"NAME_ORIGINAL_SCRIPT"`
	Nationality    unValues     `xml:"NATIONALITY"`
	PersonAliases  []unAlias    `xml:"INDIVIDUAL_ALIAS"`
	EntityAliases  []unAlias    `xml:"ENTITY_ALIAS"`
	PersonAddress  []unAddress  `xml:"INDIVIDUAL_ADDRESS"`
	EntityAddress  []unAddress  `xml:"ENTITY_ADDRESS"`
	DatesOfBirth   []unDOB      `xml:"INDIVIDUAL_DATE_OF_BIRTH"`
	PlacesOfBirth  []unPOB      `xml:"INDIVIDUAL_PLACE_OF_BIRTH"`
	Documents      []unDocument `xml:"INDIVIDUAL_DOCUMENT"`
}

// ParseUN reads the UN Security Council consolidated list XML from r,
// streaming one INDIVIDUAL or ENTITY at a time. name is used in errors and
// metadata. Entity ids are "un:" plus the reference number ("un:KPe.001").
func ParseUN(ctx context.Context, r io.Reader, name string) (*entity.List, error) {
	return streamXML[unRecord](ctx, r, name, unXML)
}

// unXML is the shape of the UN consolidated list.
var unXML = xmlList{
	meta:        entity.Metadata{Name: "un", Title: "UN Security Council Consolidated List"},
	root:        "CONSOLIDATED_LIST",
	notList:     "not a UN consolidated list",
	versionAttr: "dateGenerated",
	version:     unDay,
	records:     []string{"INDIVIDUAL", "ENTITY"},
}

// unDay returns the date part of a UN timestamp ("2026-02-27T00:00:09Z").
func unDay(s string) string {
	s = strings.TrimSpace(s)
	if i := strings.IndexByte(s, 'T'); i == 10 {
		return s[:10]
	}
	return s
}

var (
	reIMO      = regexp.MustCompile(`(?i)\bIMO\)?(?:\s+(?:number|no\.?|#))?\s*:?\s*(\d{7})\b`)
	reSWIFT    = regexp.MustCompile(`(?i)\bSWIFT(?:/BIC)?\s*(?:code)?\s*:?\s*([A-Z]{6}[A-Z0-9]{2}(?:[A-Z0-9]{3})?)\b`)
	reVesselIs = regexp.MustCompile(`(?i)^(?:the |a |this )?(?:[\w-]+[- ]flagged )?(?:motor |oil |crude oil |chemical |general cargo |bulk )?(?:vessel|tanker|ship|cargo ship|bulk carrier|carrier)\b`)
	reOrgName  = regexp.MustCompile(`(?i)\b(?:co|corp|corporation|company|companies|ltd|limited|llc|inc|plc|pte|jv|bank|banking|trading|shipping|group|enterprise|international|management|department|ministry|committee|academy|bureau|office|center|centre|commission|administration|agency|association|force|army|party|firm|foundation|organization|organisation|institute|s\.a|gmbh|marine|maritime|logistics|industries|industry|holding|holdings|trust|fund)\b`)
)

// entity converts one UN record, an INDIVIDUAL (a person) or an ENTITY.
func (rec *unRecord) entity(elem string) (entity.Entity, error) {
	person := elem == "INDIVIDUAL"
	ref := clean(rec.Reference)
	if ref == "" {
		ref = clean(rec.DataID)
	}
	if ref == "" {
		return entity.Entity{}, errors.New("no REFERENCE_NUMBER or DATAID")
	}
	parts := nonEmpty(rec.First, rec.Second, rec.Third, rec.Fourth)
	e := entity.Entity{
		ID:       "un:" + ref,
		List:     "un",
		Kind:     entity.KindOrganization,
		Name:     strings.Join(parts, " "),
		ListedOn: unDay(rec.ListedOn),
		Remarks:  clean(rec.Comments),
		Gender:   genderOf(rec.Gender),
	}
	if e.Name == "" {
		return entity.Entity{}, fmt.Errorf("%s: no name", e.ID)
	}
	if person {
		e.Kind = entity.KindPerson
		e.NameParts = unNameParts(parts, familyFirst(rec))
		if e.Gender == "" {
			e.Gender = genderOf(remarkGender(e.Remarks))
		}
	}
	if s := clean(rec.OriginalScript); s != "" {
		e.Aliases = append(e.Aliases, entity.Alias{Name: s, Strength: entity.StrengthStrong, Script: entity.DetectScript(s)})
	}
	for _, a := range append(rec.PersonAliases, rec.EntityAliases...) {
		addAlias(&e, a.Name, unStrength(a.Quality))
		addBirthDate(&e, entity.ParseDate(a.DateOfBirth))
		addBirthPlace(&e, strings.Join(nonEmpty(a.CityOfBirth, a.CountryOfBirth), ", "))
		addCountry(&e, a.CountryOfBirth, entity.RoleBirth)
	}
	for _, v := range rec.Nationality.Values {
		addCountry(&e, v, entity.RoleNationality)
	}
	for _, a := range append(rec.PersonAddress, rec.EntityAddress...) {
		addr := entity.Address{Street: clean(a.Street), City: clean(a.City), Region: clean(a.State), Postal: clean(a.Zip), Country: clean(a.Country)}
		addr.Full = strings.Join(nonEmpty(a.Street, a.City, a.State, a.Zip, a.Country), ", ")
		if addr.Full == "" {
			continue
		}
		e.Addresses = append(e.Addresses, addr)
		addCountry(&e, a.Country, entity.RoleAddress)
	}
	for _, d := range rec.DatesOfBirth {
		switch {
		case clean(d.Date) != "":
			addBirthDate(&e, entity.ParseDate(d.Date))
		case clean(d.Year) != "":
			addBirthDate(&e, entity.ParseDate(d.Year))
		case clean(d.FromYear) != "" && clean(d.ToYear) != "":
			addBirthDate(&e, entity.ParseDate(clean(d.FromYear)+" to "+clean(d.ToYear)))
		case clean(d.FromYear) != "":
			addBirthDate(&e, entity.ParseDate(d.FromYear))
		}
	}
	for _, p := range rec.PlacesOfBirth {
		addBirthPlace(&e, strings.Join(nonEmpty(p.City, p.State, p.Country), ", "))
		addCountry(&e, p.Country, entity.RoleBirth)
	}
	for _, d := range rec.Documents {
		num := clean(d.Number)
		if num == "" {
			continue
		}
		typ := unDocType(d.Type + " " + d.Type2)
		id := entity.Identifier{Type: typ, Value: num, Country: countryCode(firstNonEmpty(d.IssuingCountry, d.CountryOfIssue)), Note: clean(strings.Join(nonEmpty(d.Type2, d.Note), "; "))}
		addIdentifier(&e, id)
	}
	if p := clean(rec.ListType); p != "" {
		e.Programs = []string{p}
	}
	for _, m := range reSWIFT.FindAllStringSubmatch(e.Remarks, -1) {
		addIdentifier(&e, entity.Identifier{Type: entity.IDSWIFT, Value: m[1]})
	}
	if !person {
		unVessel(&e)
	}
	return e, nil
}

// unNameParts assigns the UN's positional name fields to name parts. The
// UN writes names in their customary order: given name first for most
// names, family name first for Korean and Chinese names.
func unNameParts(parts []string, familyFirst bool) *entity.NameParts {
	if len(parts) < 2 {
		return nil
	}
	if familyFirst {
		return &entity.NameParts{Family: parts[0], Given: strings.Join(parts[1:], " ")}
	}
	np := &entity.NameParts{Given: parts[0], Family: parts[len(parts)-1]}
	if len(parts) > 2 {
		np.Middle = strings.Join(parts[1:len(parts)-1], " ")
	}
	return np
}

// familyFirst reports whether a UN individual's name is written family name
// first: DPRK designations and Korean or Chinese nationals.
func familyFirst(rec *unRecord) bool {
	if clean(rec.ListType) == "DPRK" {
		return true
	}
	for _, v := range rec.Nationality.Values {
		switch country.Code(v) {
		case "KP", "KR", "CN", "TW", "HK", "MO":
			return true
		}
	}
	return false
}

// unVessel recognises the vessels the UN lists as ENTITY rows: a name with
// no company or organisation word, a remark that says it is a vessel or
// tanker, or a valid IMO ship number. IMO numbers of companies (the shipping
// companies the 1718 Committee designated) are kept as IMO identifiers noted
// "company".
func unVessel(e *entity.Entity) {
	imo := ""
	if m := reIMO.FindStringSubmatch(e.Remarks); m != nil {
		imo = m[1]
	}
	orgName := reOrgName.MatchString(e.Name)
	vessel := !orgName && (reVesselIs.MatchString(e.Remarks) || strings.Contains(strings.ToLower(e.Name), "vessel") || (imo != "" && ValidIMO(imo)))
	if vessel {
		e.Kind = entity.KindVessel
	}
	if imo != "" {
		id := entity.Identifier{Type: entity.IDIMO, Value: imo}
		if !vessel {
			id.Note = "company"
		}
		addIdentifier(e, id)
	}
}

// unStrength maps a UN alias QUALITY to a strength.
func unStrength(q string) entity.Strength {
	switch strings.ToLower(clean(q)) {
	case "low":
		return entity.StrengthWeak
	case "f.k.a.", "fka":
		return entity.StrengthFormer
	default: // "Good", "a.k.a.", ""
		return entity.StrengthStrong
	}
}

// unDocType maps a UN document type to an identifier type.
func unDocType(t string) entity.IDType {
	t = strings.ToLower(t)
	switch {
	case strings.Contains(t, "passport") || strings.Contains(t, "passeport") || strings.Contains(t, "pasaporte"):
		return entity.IDPassport
	case strings.Contains(t, "identif") || strings.Contains(t, "identity") || strings.Contains(t, "national id") || strings.Contains(t, "tazkira"):
		return entity.IDNational
	case strings.Contains(t, "tax"):
		return entity.IDTax
	case strings.Contains(t, "registration"):
		return entity.IDRegistration
	}
	return entity.IDOther
}

// countryCode returns the ISO code of a country name, or the cleaned name
// when it is not recognised.
func countryCode(name string) string {
	name = clean(name)
	if name == "" {
		return ""
	}
	if c := country.Code(name); c != "" {
		return c
	}
	return name
}

func firstNonEmpty(ss ...string) string {
	for _, s := range ss {
		if s = clean(s); s != "" {
			return s
		}
	}
	return ""
}

var reGenderRemark = regexp.MustCompile(`(?i)\bgender:?\s*(male|female)\b`)

// remarkGender finds "Gender: male" in a remark.
func remarkGender(s string) string {
	if m := reGenderRemark.FindStringSubmatch(s); m != nil {
		return m[1]
	}
	return ""
}

// genderOf normalises a gender to "male", "female" or "".
func genderOf(s string) string {
	switch strings.ToLower(clean(s)) {
	case "male", "m":
		return "male"
	case "female", "f":
		return "female"
	}
	return ""
}
