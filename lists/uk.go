package lists

import (
	"context"
	"errors"
	"fmt"
	"io"
	"regexp"
	"strings"

	"github.com/screen-compliance/screen/entity"
)

// UK Sanctions List XML (FCDO, UK-Sanctions-List.xml).

type ukName struct {
	Name1, Name2, Name3, Name4, Name5, Name6 string
	Name                                     string
	NameType                                 string
	AliasStrength                            string
}

type ukNonLatin struct {
	Name     string `xml:"NameNonLatinScript"`
	Language string `xml:"NonLatinScriptLanguage"`
}

type ukAddress struct {
	Line1   string `xml:"AddressLine1"`
	Line2   string `xml:"AddressLine2"`
	Line3   string `xml:"AddressLine3"`
	Line4   string `xml:"AddressLine4"`
	Line5   string `xml:"AddressLine5"`
	Line6   string `xml:"AddressLine6"`
	Postal  string `xml:"AddressPostalCode"`
	Country string `xml:"AddressCountry"`
}

type ukIndividual struct {
	DOBs          []string `xml:"DOBs>DOB"`
	Nationalities []string `xml:"Nationalities>Nationality"`
	Genders       []string `xml:"Genders>Gender"`
	Births        []struct {
		Town    string `xml:"TownOfBirth"`
		Country string `xml:"CountryOfBirth"`
	} `xml:"BirthDetails>Location"`
	Passports []struct {
		Number  string `xml:"PassportNumber"`
		Details string `xml:"PassportAdditionalInformation"`
	} `xml:"PassportDetails>Passport"`
	NationalIDs []struct {
		Number  string `xml:"NationalIdentifierNumber"`
		Details string `xml:"NationalIdentifierAdditionalInformation"`
	} `xml:"NationalIdentifierDetails>NationalIdentifier"`
}

type ukShip struct {
	IMONumbers []string `xml:"IMONumbers>IMONumber"`
	Owners     []string `xml:"CurrentOwnerOperators>CurrentOwnerOperator"`
	Flags      []string `xml:"CurrentBelievedFlagOfShips>CurrentBelievedFlagOfShip"`
	PrevFlags  []string `xml:"PreviousFlags>PreviousFlag"`
	Types      []string `xml:"TypeOfShipDetails>TypeOfShip"`
}

type ukEntityDetails struct {
	BusinessRegNumbers []string `xml:"BusinessRegistrationNumbers>BusinessRegistrationNumber"`
	Parents            []string `xml:"ParentCompanies>ParentCompany"`
	Subsidiaries       []string `xml:"Subsidiaries>Subsidiary"`
}

type ukDesignation struct {
	UniqueID         string            `xml:"UniqueID"`
	OFSIGroupID      string            `xml:"OFSIGroupID"`
	UNReference      string            `xml:"UNReferenceNumber"`
	DateDesignated   string            `xml:"DateDesignated"`
	Names            []ukName          `xml:"Names>Name"`
	NonLatin         []ukNonLatin      `xml:"NonLatinNames>NonLatinName"`
	RegimeName       string            `xml:"RegimeName"`
	Type             string            `xml:"IndividualEntityShip"`
	OtherInformation string            `xml:"OtherInformation"`
	Addresses        []ukAddress       `xml:"Addresses>Address"`
	Individuals      []ukIndividual    `xml:"IndividualDetails>Individual"`
	Ships            []ukShip          `xml:"ShipDetails>Ship"`
	Entities         []ukEntityDetails `xml:"EntityDetails>Entity"`
	// Some producers write individual details directly under Designation.
	ukIndividual
}

// ParseUK reads the UK Sanctions List XML published by the FCDO, streaming
// one Designation at a time. Ids are "uk:<UniqueID>" ("uk:RUS0270"); the
// OFSI group id and UN reference are kept as identifiers of type other.
func ParseUK(ctx context.Context, r io.Reader, name string) (*entity.List, error) {
	return streamXML[ukDesignation](ctx, r, name, ukXML)
}

// ukXML is the shape of the UK sanctions list.
var ukXML = xmlList{
	meta:         entity.Metadata{Name: "uk", Title: "UK Sanctions List"},
	root:         "Designations",
	notList:      "not a UK sanctions list",
	versionElems: []string{"DateGenerated", "DateOfIssue", "PublishDate"},
	version:      func(s string) string { return string(ukDate(s)) },
	records:      []string{"Designation"},
}

var reUKDate = regexp.MustCompile(`^(dd|\d{1,2})/(mm|\d{1,2})/(\d{4})$`)

// ukDate parses the UK list's dates: "dd/mm/yyyy" with unknown parts
// written "dd" or "mm", or ISO timestamps.
func ukDate(s string) entity.Date {
	s = clean(s)
	if m := reUKDate.FindStringSubmatch(s); m != nil {
		switch {
		case m[2] == "mm":
			return entity.Date(m[3])
		case m[1] == "dd":
			return entity.DateOf(m[3], m[2], "")
		}
		return entity.DateOf(m[3], m[2], m[1])
	}
	return entity.ParseDate(s)
}

// entity converts one Designation.
func (rec *ukDesignation) entity(string) (entity.Entity, error) {
	id := clean(rec.UniqueID)
	if id == "" {
		return entity.Entity{}, errors.New("no UniqueID")
	}
	e := entity.Entity{ID: "uk:" + id, List: "uk", Remarks: clean(rec.OtherInformation), ListedOn: string(ukDate(rec.DateDesignated))}
	switch strings.ToLower(clean(rec.Type)) {
	case "individual":
		e.Kind = entity.KindPerson
	case "entity":
		e.Kind = entity.KindOrganization
	case "ship":
		e.Kind = entity.KindVessel
	default:
		return entity.Entity{}, fmt.Errorf("%s: unknown IndividualEntityShip %q", e.ID, rec.Type)
	}
	for _, n := range rec.Names {
		full := clean(n.Name)
		parts := nonEmpty(n.Name1, n.Name2, n.Name3, n.Name4, n.Name5, n.Name6)
		if full == "" {
			full = strings.Join(parts, " ")
		}
		if full == "" {
			continue
		}
		typ := strings.ToLower(clean(n.NameType))
		if e.Name == "" && strings.HasPrefix(typ, "primary name") && !strings.Contains(typ, "variation") {
			e.Name = full
			if e.Kind == entity.KindPerson && clean(n.Name6) != "" {
				given := nonEmpty(n.Name1, n.Name2, n.Name3, n.Name4, n.Name5)
				np := &entity.NameParts{Family: clean(n.Name6)}
				if len(given) > 0 {
					np.Given = given[0]
					np.Middle = strings.Join(given[1:], " ")
				}
				e.NameParts = np
			}
			continue
		}
		strength := entity.StrengthStrong
		if strings.Contains(strings.ToLower(n.AliasStrength), "weak") || strings.Contains(strings.ToLower(n.AliasStrength), "low") {
			strength = entity.StrengthWeak
		}
		addAlias(&e, full, strength)
	}
	if e.Name == "" && len(e.Aliases) > 0 {
		e.Name = e.Aliases[0].Name
		e.Aliases = e.Aliases[1:]
	}
	if e.Name == "" {
		return entity.Entity{}, fmt.Errorf("%s: no name", e.ID)
	}
	for _, n := range rec.NonLatin {
		addAlias(&e, n.Name, entity.StrengthStrong)
	}
	addProgram(&e, rec.RegimeName)
	if g := clean(rec.OFSIGroupID); g != "" {
		addIdentifier(&e, entity.Identifier{Type: entity.IDOther, Value: g, Note: "OFSI group id"})
	}
	if un := clean(rec.UNReference); un != "" {
		addIdentifier(&e, entity.Identifier{Type: entity.IDOther, Value: un, Note: "UN reference number"})
	}
	for _, a := range rec.Addresses {
		addr := entity.Address{Street: strings.Join(nonEmpty(a.Line1, a.Line2, a.Line3), ", "), City: clean(firstNonEmpty(a.Line6, a.Line4)), Region: clean(a.Line5), Postal: clean(a.Postal), Country: clean(a.Country)}
		addr.Full = strings.Join(nonEmpty(a.Line1, a.Line2, a.Line3, a.Line4, a.Line5, a.Line6, a.Postal, a.Country), ", ")
		if addr.Full != "" {
			e.Addresses = append(e.Addresses, addr)
		}
		addCountry(&e, a.Country, entity.RoleAddress)
	}
	for _, ind := range append(rec.Individuals, rec.ukIndividual) {
		for _, d := range ind.DOBs {
			addBirthDate(&e, ukDate(d))
		}
		for _, n := range ind.Nationalities {
			addCountry(&e, n, entity.RoleNationality)
		}
		for _, g := range ind.Genders {
			if gg := genderOf(g); gg != "" {
				e.Gender = gg
			}
		}
		for _, b := range ind.Births {
			addBirthPlace(&e, strings.Join(nonEmpty(b.Town, b.Country), ", "))
			addCountry(&e, b.Country, entity.RoleBirth)
		}
		for _, p := range ind.Passports {
			addIdentifier(&e, entity.Identifier{Type: entity.IDPassport, Value: p.Number, Note: clean(p.Details)})
		}
		for _, p := range ind.NationalIDs {
			addIdentifier(&e, entity.Identifier{Type: entity.IDNational, Value: p.Number, Note: clean(p.Details)})
		}
	}
	for _, s := range rec.Ships {
		for _, imo := range s.IMONumbers {
			addIdentifier(&e, entity.Identifier{Type: entity.IDIMO, Value: strings.TrimSpace(strings.TrimPrefix(strings.TrimSpace(imo), "IMO"))})
		}
		for _, f := range s.Flags {
			addCountry(&e, f, entity.RoleFlag)
		}
		for _, o := range s.Owners {
			if o = clean(o); o != "" {
				e.Links = append(e.Links, entity.Link{TargetName: o, Relation: "owned_by"})
			}
		}
	}
	for _, ent := range rec.Entities {
		for _, n := range ent.BusinessRegNumbers {
			addIdentifier(&e, entity.Identifier{Type: entity.IDRegistration, Value: n})
		}
		for _, p := range ent.Parents {
			if p = clean(p); p != "" {
				e.Links = append(e.Links, entity.Link{TargetName: p, Relation: "owned_by"})
			}
		}
	}
	return e, nil
}
