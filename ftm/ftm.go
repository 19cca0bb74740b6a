// Package ftm is the FollowTheMoney vocabulary screen reads and writes:
// the schemata of parties and of the relationships between them, the
// properties that hold names, countries and identifiers, the topics, the
// mapping between schemata and entity kinds, and the JSON-lines scan of
// FollowTheMoney files (OpenSanctions entities.ftm.json). The list parser
// (lists), the ownership graph (ownership), the yente-compatible API
// (server) and the evaluation (eval) all read it from here.
package ftm

import (
	"github.com/screen-compliance/screen/entity"
)

// Schemata of parties: the things a sanctions list designates.
const (
	Thing        = "Thing"        // any thing; as a query, leaves the kind open
	LegalEntity  = "LegalEntity"  // a person or an organisation
	Person       = "Person"       // a natural person
	Organization = "Organization" // an organisation of any form
	Company      = "Company"      // a commercial organisation
	PublicBody   = "PublicBody"   // a government body
	Vessel       = "Vessel"       // a ship
	Airplane     = "Airplane"     // an aircraft
)

// Schemata of the facts OpenSanctions exports beside the parties.
const (
	Address        = "Address"        // a postal address of a party (addressEntity)
	Sanction       = "Sanction"       // a designation of a party (entity) by an authority
	Passport       = "Passport"       // a passport of a person (holder)
	Identification = "Identification" // an identity document of a party (holder)
	Ownership      = "Ownership"      // owner owns (a percentage of) asset
	Directorship   = "Directorship"   // director directs organization
	Family         = "Family"         // person and relative are family
	Associate      = "Associate"      // person and associate are associates
	UnknownLink    = "UnknownLink"    // subject is linked to object
)

// Source is the list name of OpenSanctions entities in screen, and
// IDPrefix the prefix of their ids ("os:NK-...").
const (
	Source   = "os"
	IDPrefix = Source + ":"
)

// TopicSanction is the topic of a sanctioned party, and TopicSanctionLabel
// its human label.
const (
	TopicSanction      = "sanction"
	TopicSanctionLabel = "Sanctioned entity"
)

// partyKinds maps the schemata whose entities are listed parties to kinds.
var partyKinds = map[string]entity.Kind{
	Person: entity.KindPerson, Organization: entity.KindOrganization, Company: entity.KindOrganization,
	LegalEntity: entity.KindOrganization, PublicBody: entity.KindOrganization,
	Vessel: entity.KindVessel, Airplane: entity.KindAircraft,
}

// PartyKind returns the kind of a listed entity of schema, and false (and
// entity.KindUnknown) when entities of schema are not parties (Sanction,
// Address, Ownership ...). A listed LegalEntity is an organisation: the
// lists use it for bodies whose form they do not state.
func PartyKind(schema string) (entity.Kind, bool) {
	k, ok := partyKinds[schema]
	return k, ok
}

// querySchemata are the schemata a query may name, in the order messages
// list them.
var querySchemata = []string{Thing, LegalEntity, Person, Company, Organization, PublicBody, Vessel, Airplane}

// QuerySchemata returns the schemata a query may name (Thing, LegalEntity
// and the party schemata), in the order messages list them.
func QuerySchemata() []string { return append([]string(nil), querySchemata...) }

// QueryKind returns the kind a query of schema looks for, and false when
// schema is not one of QuerySchemata. Thing and LegalEntity, the parents of
// several kinds, leave the kind open (entity.KindUnknown).
func QueryKind(schema string) (entity.Kind, bool) {
	switch schema {
	case Thing, LegalEntity:
		return entity.KindUnknown, true
	}
	return PartyKind(schema)
}

// KindSchema returns the schema an entity of kind k is written as:
// Person, Organization, Vessel, Airplane, or LegalEntity when the kind is
// unknown.
func KindSchema(k entity.Kind) string {
	switch k {
	case entity.KindPerson:
		return Person
	case entity.KindOrganization:
		return Organization
	case entity.KindVessel:
		return Vessel
	case entity.KindAircraft:
		return Airplane
	}
	return LegalEntity
}

// Ends names the two properties of a relationship schema that hold its
// two sides: From owns, directs, or is the first person of To.
type Ends struct {
	From, To string
}

// relationships are the relationship schemata and their ends.
var relationships = map[string]Ends{
	Ownership:    {"owner", "asset"},
	Directorship: {"director", "organization"},
	Family:       {"person", "relative"},
	Associate:    {"person", "associate"},
	UnknownLink:  {"subject", "object"},
}

// RelationshipEnds returns the properties holding the two sides of a
// relationship schema (Ownership: owner, asset), and false when schema is
// not a relationship.
func RelationshipEnds(schema string) (Ends, bool) {
	e, ok := relationships[schema]
	return e, ok
}
