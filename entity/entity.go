// Package entity is the model of a listed party shared by every sanctions
// list: the entity with its names, aliases, identifiers, dates, countries,
// addresses and links, and the metadata of a list. The parsers of package
// lists produce it; matching, reports, the server and the review workspace
// read it. It imports no other package of screen.
package entity

// Kind is the kind of a listed party. Organisation, company and legal entity
// are one kind family; only person, organisation, vessel and aircraft differ.
type Kind string

// The entity kinds.
const (
	KindUnknown      Kind = ""
	KindPerson       Kind = "person"
	KindOrganization Kind = "organization"
	KindVessel       Kind = "vessel"
	KindAircraft     Kind = "aircraft"
)

// Strength says how much an alias can be trusted.
type Strength string

// Alias strengths: a strong alias is as good as the primary name, a weak one
// ("low quality" in UN terms) is down-weighted, a former one is a past name.
const (
	StrengthStrong Strength = "strong"
	StrengthWeak   Strength = "weak"
	StrengthFormer Strength = "former"
)

// Alias is another name of an entity.
type Alias struct {
	Name     string   `json:"name" yaml:"name"`
	Strength Strength `json:"strength,omitempty" yaml:"strength,omitempty"`
	// Script names the writing system when the alias is not in Latin script
	// (for example "Hangul", "Han", "Cyrillic"): the UN's NAME_ORIGINAL_SCRIPT.
	Script string `json:"script,omitempty" yaml:"script,omitempty"`
}

// NameParts holds the parts of a person's name when the source gives them.
type NameParts struct {
	Given  string `json:"given,omitempty" yaml:"given,omitempty"`
	Middle string `json:"middle,omitempty" yaml:"middle,omitempty"`
	Family string `json:"family,omitempty" yaml:"family,omitempty"`
	Other  string `json:"other,omitempty" yaml:"other,omitempty"`
}

// Date is a date of birth or incorporation as precise as the source gives it:
// "1960-05-01", "1960-05", "1960", or a range "1958/1962".
type Date string

// CountryRole says how a country relates to an entity.
type CountryRole string

// Country roles.
const (
	RoleNationality  CountryRole = "nationality"
	RoleCitizenship  CountryRole = "citizenship"
	RoleAddress      CountryRole = "address"
	RoleRegistration CountryRole = "registration"
	RoleFlag         CountryRole = "flag"
	RoleBirth        CountryRole = "birth"
)

// Country is a country linked to an entity, as an ISO 3166-1 alpha-2 code
// when it could be recognised (Name keeps the source's wording).
type Country struct {
	Code string      `json:"code,omitempty" yaml:"code,omitempty"`
	Name string      `json:"name,omitempty" yaml:"name,omitempty"`
	Role CountryRole `json:"role" yaml:"role"`
}

// IDType is the type of an identifier.
type IDType string

// Identifier types.
const (
	IDPassport     IDType = "passport"
	IDNational     IDType = "national_id"
	IDIMO          IDType = "imo"
	IDMMSI         IDType = "mmsi"
	IDCallSign     IDType = "call_sign"
	IDRegistration IDType = "registration"
	IDTax          IDType = "tax_id"
	IDSWIFT        IDType = "swift_bic"
	IDOther        IDType = "other"
)

// Identifier is a document or registry number of an entity.
type Identifier struct {
	Type    IDType `json:"type" yaml:"type"`
	Value   string `json:"value" yaml:"value"`
	Country string `json:"country,omitempty" yaml:"country,omitempty"`
	Note    string `json:"note,omitempty" yaml:"note,omitempty"`
}

// Address is a postal address of an entity.
type Address struct {
	Street  string `json:"street,omitempty" yaml:"street,omitempty"`
	City    string `json:"city,omitempty" yaml:"city,omitempty"`
	Region  string `json:"region,omitempty" yaml:"region,omitempty"`
	Postal  string `json:"postal,omitempty" yaml:"postal,omitempty"`
	Country string `json:"country,omitempty" yaml:"country,omitempty"`
	Full    string `json:"full,omitempty" yaml:"full,omitempty"`
}

// Link is a relationship stated by the source list, such as OFAC's
// "Linked To:" remark, or an FtM ownership edge.
type Link struct {
	// Target is the id of the linked entity when known, else empty.
	Target string `json:"target,omitempty" yaml:"target,omitempty"`
	// TargetName is the linked entity's name as the source wrote it.
	TargetName string `json:"target_name,omitempty" yaml:"target_name,omitempty"`
	// Relation is "linked_to", "owned_by", "director_of", ...
	Relation string `json:"relation" yaml:"relation"`
	// Percent is an ownership share, or nil when the source gives none.
	Percent *float64 `json:"percent,omitempty" yaml:"percent,omitempty"`
}

// Entity is one listed party, in the same shape whatever list it comes from.
type Entity struct {
	// ID is source-prefixed and stable across list versions: "un:KPe.001",
	// "ofac:12345", "ofaccons:123", "eu:...", "uk:...", "bis:...", "os:...", "own:...".
	ID        string     `json:"id" yaml:"id"`
	List      string     `json:"list,omitempty" yaml:"list,omitempty"`
	Kind      Kind       `json:"kind" yaml:"kind"`
	Name      string     `json:"name" yaml:"name"`
	Aliases   []Alias    `json:"aliases,omitempty" yaml:"aliases,omitempty"`
	NameParts *NameParts `json:"name_parts,omitempty" yaml:"name_parts,omitempty"`
	// Gender is "male" or "female" when the source states it, else empty.
	Gender      string       `json:"gender,omitempty" yaml:"gender,omitempty"`
	BirthDates  []Date       `json:"birth_dates,omitempty" yaml:"birth_dates,omitempty"`
	BirthPlaces []string     `json:"birth_places,omitempty" yaml:"birth_places,omitempty"`
	Countries   []Country    `json:"countries,omitempty" yaml:"countries,omitempty"`
	Identifiers []Identifier `json:"identifiers,omitempty" yaml:"identifiers,omitempty"`
	Addresses   []Address    `json:"addresses,omitempty" yaml:"addresses,omitempty"`
	Programs    []string     `json:"programs,omitempty" yaml:"programs,omitempty"`
	ListedOn    string       `json:"listed_on,omitempty" yaml:"listed_on,omitempty"`
	Remarks     string       `json:"remarks,omitempty" yaml:"remarks,omitempty"`
	Links       []Link       `json:"links,omitempty" yaml:"links,omitempty"`
}

// AllNames returns the primary name followed by every alias name.
func (e *Entity) AllNames() []string {
	out := make([]string, 0, 1+len(e.Aliases))
	out = append(out, e.Name)
	for _, a := range e.Aliases {
		out = append(out, a.Name)
	}
	return out
}

// Metadata describes one loaded list.
type Metadata struct {
	// Name is the short list name used in entity ids and reports: "un", "ofac", ...
	Name string `json:"name"`
	// Title is the human name of the list.
	Title string `json:"title,omitempty"`
	// Version is the publication date or version string of the source.
	Version string `json:"version"`
	// Files are the source files read, with their sha256 digests.
	Files []FileDigest `json:"files,omitempty"`
	// Counts counts entities by kind.
	Counts map[Kind]int `json:"counts,omitempty"`
	// Builtin is true for the sample list embedded in the binary.
	Builtin bool `json:"builtin,omitempty"`
}

// FileDigest names a source file and its sha256 digest (hex).
type FileDigest struct {
	Path   string `json:"path"`
	SHA256 string `json:"sha256"`
}

// List is a parsed sanctions list.
type List struct {
	Meta     Metadata `json:"meta"`
	Entities []Entity `json:"entities"`
}

// Count fills Meta.Counts from the entities.
func (l *List) Count() {
	l.Meta.Counts = map[Kind]int{}
	for i := range l.Entities {
		l.Meta.Counts[l.Entities[i].Kind]++
	}
}
