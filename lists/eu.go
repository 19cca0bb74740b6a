package lists

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/screen-compliance/screen/entity"
)

// EU consolidated financial sanctions list XML ("FSF", xmlFullSanctionsList_1_1).

type euNameAlias struct {
	FirstName  string `xml:"firstName,attr"`
	MiddleName string `xml:"middleName,attr"`
	LastName   string `xml:"lastName,attr"`
	WholeName  string `xml:"wholeName,attr"`
	Gender     string `xml:"gender,attr"`
	Strong     string `xml:"strong,attr"`
	Remark     string `xml:"remark"`
}

type euPlace struct {
	City        string `xml:"city,attr"`
	Street      string `xml:"street,attr"`
	ZipCode     string `xml:"zipCode,attr"`
	Region      string `xml:"region,attr"`
	Place       string `xml:"place,attr"`
	PoBox       string `xml:"poBox,attr"`
	CountryIso2 string `xml:"countryIso2Code,attr"`
	CountryDesc string `xml:"countryDescription,attr"`
}

type euBirthdate struct {
	euPlace
	Birthdate string `xml:"birthdate,attr"`
	Year      string `xml:"year,attr"`
	Month     string `xml:"monthOfYear,attr"`
	Day       string `xml:"dayOfMonth,attr"`
	Circa     string `xml:"circa,attr"`
	YearFrom  string `xml:"yearRangeFrom,attr"`
	YearTo    string `xml:"yearRangeTo,attr"`
}

type euIdentification struct {
	Number      string `xml:"number,attr"`
	LatinNumber string `xml:"latinNumber,attr"`
	TypeCode    string `xml:"identificationTypeCode,attr"`
	TypeDesc    string `xml:"identificationTypeDescription,attr"`
	CountryIso2 string `xml:"countryIso2Code,attr"`
	CountryDesc string `xml:"countryDescription,attr"`
	Remark      string `xml:"remark"`
}

type euRegulation struct {
	Programme       string `xml:"programme,attr"`
	PublicationDate string `xml:"publicationDate,attr"`
	EntryIntoForce  string `xml:"entryIntoForceDate,attr"`
	NumberTitle     string `xml:"numberTitle,attr"`
}

type euEntity struct {
	LogicalID       string `xml:"logicalId,attr"`
	EUReference     string `xml:"euReferenceNumber,attr"`
	UNID            string `xml:"unitedNationId,attr"`
	DesignationDate string `xml:"designationDate,attr"`
	Remark          string `xml:"remark"`
	SubjectType     struct {
		Code string `xml:"code,attr"`
	} `xml:"subjectType"`
	Regulations     []euRegulation     `xml:"regulation"`
	Names           []euNameAlias      `xml:"nameAlias"`
	Citizenships    []euPlace          `xml:"citizenship"`
	Birthdates      []euBirthdate      `xml:"birthdate"`
	Identifications []euIdentification `xml:"identification"`
	Addresses       []euPlace          `xml:"address"`
}

// ParseEU reads the EU consolidated financial sanctions list XML, streaming
// one sanctionEntity at a time. Ids are "eu:<logicalId>"; the EU reference
// number and the UN reference are kept as identifiers of type other.
func ParseEU(ctx context.Context, r io.Reader, name string) (*entity.List, error) {
	return streamXML[euEntity](ctx, r, name, euXML)
}

// euXML is the shape of the EU financial sanctions file.
var euXML = xmlList{
	meta:        entity.Metadata{Name: "eu", Title: "EU Consolidated Financial Sanctions List"},
	root:        "export",
	notList:     "not an EU financial sanctions file",
	versionAttr: "generationDate",
	version:     unDay,
	records:     []string{"sanctionEntity"},
}

// euCountry returns the country of an EU element, "" when unknown.
func euCountry(iso2, desc string) string {
	if strings.EqualFold(desc, "UNKNOWN") || iso2 == "00" {
		return ""
	}
	if d := clean(desc); d != "" {
		return d
	}
	return clean(iso2)
}

// entity converts one sanctionEntity.
func (rec *euEntity) entity(string) (entity.Entity, error) {
	id := clean(rec.LogicalID)
	if id == "" {
		return entity.Entity{}, errors.New("no logicalId")
	}
	e := entity.Entity{ID: "eu:" + id, List: "eu", Kind: entity.KindOrganization, Remarks: clean(rec.Remark), ListedOn: unDay(rec.DesignationDate)}
	switch strings.ToLower(clean(rec.SubjectType.Code)) {
	case "person":
		e.Kind = entity.KindPerson
	case "enterprise", "":
	case "vessel":
		e.Kind = entity.KindVessel
	default:
		return entity.Entity{}, fmt.Errorf("%s: unknown subjectType %q", e.ID, rec.SubjectType.Code)
	}
	for _, n := range rec.Names {
		whole := clean(n.WholeName)
		if whole == "" {
			whole = strings.Join(nonEmpty(n.FirstName, n.MiddleName, n.LastName), " ")
		}
		if whole == "" {
			continue
		}
		strength := entity.StrengthStrong
		lr := strings.ToLower(n.Remark)
		if strings.EqualFold(n.Strong, "false") || strings.Contains(lr, "low quality") {
			strength = entity.StrengthWeak
		}
		if e.Name == "" {
			e.Name = whole
			if e.Kind == entity.KindPerson && (n.FirstName != "" || n.LastName != "") {
				e.NameParts = &entity.NameParts{Given: clean(n.FirstName), Middle: clean(n.MiddleName), Family: clean(n.LastName)}
			}
		} else {
			addAlias(&e, whole, strength)
		}
		if g := genderOf(n.Gender); g != "" && e.Kind == entity.KindPerson {
			e.Gender = g
		}
	}
	if e.Name == "" {
		return entity.Entity{}, fmt.Errorf("%s: no name", e.ID)
	}
	for _, reg := range rec.Regulations {
		addProgram(&e, reg.Programme)
		if d := unDay(reg.PublicationDate); d != "" && (e.ListedOn == "" || d < e.ListedOn) {
			e.ListedOn = d
		}
	}
	if ref := clean(rec.EUReference); ref != "" {
		addIdentifier(&e, entity.Identifier{Type: entity.IDOther, Value: ref, Note: "EU reference number"})
	}
	if un := clean(rec.UNID); un != "" {
		addIdentifier(&e, entity.Identifier{Type: entity.IDOther, Value: un, Note: "UN reference number"})
	}
	for _, c := range rec.Citizenships {
		addCountry(&e, euCountry(c.CountryIso2, c.CountryDesc), entity.RoleNationality)
	}
	for _, b := range rec.Birthdates {
		var d entity.Date
		switch {
		case clean(b.Birthdate) != "":
			d = entity.ParseDate(b.Birthdate)
		case clean(b.YearFrom) != "" && clean(b.YearTo) != "":
			d = entity.ParseDate(clean(b.YearFrom) + " to " + clean(b.YearTo))
		case clean(b.Year) != "":
			d = entity.DateOf(clean(b.Year), clean(b.Month), clean(b.Day))
			if d == "" {
				d = entity.ParseDate(b.Year)
			}
		}
		addBirthDate(&e, d)
		c := euCountry(b.CountryIso2, b.CountryDesc)
		addBirthPlace(&e, strings.Join(nonEmpty(b.City, b.Place, b.Region, c), ", "))
		addCountry(&e, c, entity.RoleBirth)
	}
	for _, id := range rec.Identifications {
		num := firstNonEmpty(id.Number, id.LatinNumber)
		if num == "" {
			continue
		}
		addIdentifier(&e, entity.Identifier{Type: euIDType(id.TypeCode), Value: num, Country: countryCode(euCountry(id.CountryIso2, id.CountryDesc)), Note: clean(id.TypeDesc)})
	}
	for _, a := range rec.Addresses {
		c := euCountry(a.CountryIso2, a.CountryDesc)
		addr := entity.Address{Street: clean(a.Street), City: clean(a.City), Region: clean(a.Region), Postal: clean(a.ZipCode), Country: c}
		addr.Full = strings.Join(nonEmpty(a.Street, a.PoBox, a.City, a.Place, a.Region, a.ZipCode, c), ", ")
		if addr.Full != "" {
			e.Addresses = append(e.Addresses, addr)
		}
		addCountry(&e, c, entity.RoleAddress)
	}
	if e.Kind != entity.KindPerson {
		for _, id := range e.Identifiers {
			if id.Type == entity.IDIMO && ValidIMO(id.Value) && !reOrgName.MatchString(e.Name) {
				e.Kind = entity.KindVessel
			}
		}
	}
	markCompanyIMO(&e)
	return e, nil
}

// euIDType maps an EU identificationTypeCode to an identifier type.
func euIDType(code string) entity.IDType {
	switch strings.ToLower(clean(code)) {
	case "passport":
		return entity.IDPassport
	case "id", "nationalid", "ssn", "birthcert":
		return entity.IDNational
	case "fiscalcode", "tax":
		return entity.IDTax
	case "regnumber", "companyregnumber":
		return entity.IDRegistration
	case "swiftbic":
		return entity.IDSWIFT
	case "imo":
		return entity.IDIMO
	}
	return entity.IDOther
}
