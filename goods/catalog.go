package goods

import (
	"bytes"
	_ "embed"
	"fmt"
	"slices"
	"strings"

	"gopkg.in/yaml.v3"
)

// Directions of a measure relative to the DPRK.
const (
	// ImportFromDPRK: the DPRK may not supply the item and States may not
	// procure it from the DPRK, whatever its origin.
	ImportFromDPRK = "import_from_dprk"
	// ExportToDPRK: States may not supply the item to the DPRK, directly or
	// indirectly, whatever its origin.
	ExportToDPRK = "export_to_dprk"
	// Both directions.
	Both = "both"
)

// Measure types.
const (
	// MeasureBan is a prohibition (policy: block).
	MeasureBan = "ban"
	// MeasureCap is an aggregate UN cap with State notification; a screening
	// tool cannot verify the headroom (policy: review).
	MeasureCap = "cap"
	// MeasureLicence needs a licence, Committee approval or notification
	// (policy: review).
	MeasureLicence = "licence"
	// MeasureReview is an ambiguous scope or a concern short of a ban
	// (policy: review).
	MeasureReview = "review"
	// MeasurePermitted marks goods the resolutions expressly leave out of a
	// measure (food and medicine from the catch-all); informational.
	MeasurePermitted = "permitted"
)

// Kinds of category.
const (
	KindGoods   = "goods"
	KindService = "service"
	KindVessel  = "vessel"
)

// MismatchID is the pseudo-category of a line whose description points to a
// catalog category that its declared HS code cannot belong to.
const MismatchID = "hs_description_mismatch"

// Confidence marks of the fact sheet, and the numeric confidence they give a
// record.Category.
var confidenceValue = map[string]float64{"H": 0.95, "M": 0.8, "L": 0.5}

// Catalog is a set of categories, loaded from YAML or JSON. The embedded
// catalog is DefaultCatalog; NewClassifier accepts extensions.
type Catalog struct {
	// Name identifies the catalog in error messages (a file name).
	Name string `yaml:"name" json:"name"`
	// Version is the date or tag of the catalog's content.
	Version    string         `yaml:"version" json:"version"`
	Categories []CategorySpec `yaml:"categories" json:"categories"`
}

// CategorySpec is one measure category as the catalog defines it.
type CategorySpec struct {
	// ID is dotted and stable, e.g. "dprk.import.coal".
	ID    string `yaml:"id" json:"id"`
	Title string `yaml:"title" json:"title"`
	// Kind is goods (default), service or vessel.
	Kind string `yaml:"kind" json:"kind,omitempty"`
	// Direction is import_from_dprk, export_to_dprk or both.
	Direction string `yaml:"direction" json:"direction"`
	// Measure is the measure for description matches and the default for
	// HS prefixes: ban, cap, licence, review or permitted.
	Measure string `yaml:"measure" json:"measure"`
	// Citation is the resolution and paragraph, e.g. "UNSCR 2397 (2017) para 7".
	Citation string `yaml:"citation" json:"citation"`
	// Confidence is the fact sheet's mark for the measure: H, M or L.
	Confidence string `yaml:"confidence" json:"confidence"`
	Notes      string `yaml:"notes" json:"notes,omitempty"`
	// HS lists the HS prefixes of the category.
	HS []HSRule `yaml:"hs" json:"hs,omitempty"`
	// Terms is the description vocabulary: words, phrases, synonyms and
	// trade abbreviations, matched on word tokens.
	Terms []string `yaml:"terms" json:"terms,omitempty"`
	// Exclude lists terms that veto a description match (not an HS match).
	Exclude []string `yaml:"exclude" json:"exclude,omitempty"`
}

// HSRule is one HS prefix of a category.
type HSRule struct {
	// Prefix is 2 to 10 digits, dots allowed ("2818.20").
	Prefix string `yaml:"prefix" json:"prefix"`
	// Measure overrides the category's measure for this prefix.
	Measure string `yaml:"measure" json:"measure,omitempty"`
	// Confidence overrides the category's confidence for this prefix (the
	// mark of the HS mapping).
	Confidence string `yaml:"confidence" json:"confidence,omitempty"`
	// Scope marks a prefix that only bounds where the category can occur:
	// the code alone does not select the category, a description term must.
	Scope bool `yaml:"scope" json:"scope,omitempty"`
	// Confirm marks a prefix shared with other goods (vanadium ore in
	// 2615.90, EDM graphite in 3801.10): the code alone gives its own
	// measure, and a description term of the category raises it to the
	// category's measure.
	Confirm bool   `yaml:"confirm" json:"confirm,omitempty"`
	Note    string `yaml:"note" json:"note,omitempty"`
}

//go:embed data/dprk.yaml
var dprkYAML []byte

// DefaultCatalog returns the embedded UN DPRK category catalog.
func DefaultCatalog() (Catalog, error) {
	return ParseCatalog("goods/data/dprk.yaml", dprkYAML)
}

// ParseCatalog decodes and validates a catalog in YAML or JSON (JSON is
// YAML). name is used in error messages.
func ParseCatalog(name string, b []byte) (Catalog, error) {
	var c Catalog
	dec := yaml.NewDecoder(bytes.NewReader(b))
	dec.KnownFields(true)
	if err := dec.Decode(&c); err != nil {
		return Catalog{}, fmt.Errorf("catalog %s: %w", name, err)
	}
	if c.Name == "" {
		c.Name = name
	}
	if err := c.Validate(); err != nil {
		return Catalog{}, err
	}
	return c, nil
}

// Validate checks every category: a unique id, a title, a known direction,
// measure, kind and confidence, a citation, valid HS prefixes, and at least
// one HS prefix or term. The error names the catalog, the category and the
// field.
func (c Catalog) Validate() error {
	var errs []string
	seen := map[string]bool{}
	for i, cat := range c.Categories {
		where := fmt.Sprintf("categories[%d]", i)
		if cat.ID != "" {
			where += " (" + cat.ID + ")"
		}
		bad := func(format string, a ...any) {
			errs = append(errs, where+": "+fmt.Sprintf(format, a...))
		}
		switch {
		case cat.ID == "":
			bad("id is empty")
		case cat.ID == MismatchID:
			bad("id %q is reserved", MismatchID)
		case seen[cat.ID]:
			bad("id is used twice")
		}
		seen[cat.ID] = true
		if strings.TrimSpace(cat.Title) == "" {
			bad("title is empty")
		}
		if !slices.Contains([]string{"", KindGoods, KindService, KindVessel}, cat.Kind) {
			bad("kind %q: want goods, service or vessel", cat.Kind)
		}
		if !slices.Contains([]string{ImportFromDPRK, ExportToDPRK, Both}, cat.Direction) {
			bad("direction %q: want import_from_dprk, export_to_dprk or both", cat.Direction)
		}
		if !validMeasure(cat.Measure) {
			bad("measure %q: want ban, cap, licence, review or permitted", cat.Measure)
		}
		if _, ok := confidenceValue[cat.Confidence]; !ok {
			bad("confidence %q: want H, M or L", cat.Confidence)
		}
		if strings.TrimSpace(cat.Citation) == "" {
			bad("citation is empty")
		}
		if len(cat.HS) == 0 && len(cat.Terms) == 0 {
			bad("needs at least one hs prefix or term")
		}
		for j, r := range cat.HS {
			if _, err := ParseHS(r.Prefix); err != nil {
				bad("hs[%d].prefix: %v", j, err)
			}
			if r.Measure != "" && !validMeasure(r.Measure) {
				bad("hs[%d].measure %q: want ban, cap, licence, review or permitted", j, r.Measure)
			}
			if _, ok := confidenceValue[r.Confidence]; r.Confidence != "" && !ok {
				bad("hs[%d].confidence %q: want H, M or L", j, r.Confidence)
			}
		}
		for j, t := range cat.Terms {
			if len(tokenize(t)) == 0 {
				bad("terms[%d] %q has no word to match", j, t)
			}
		}
		for j, t := range cat.Exclude {
			if len(tokenize(t)) == 0 {
				bad("exclude[%d] %q has no word to match", j, t)
			}
		}
	}
	if len(errs) > 0 {
		return fmt.Errorf("catalog %s: %s", c.Name, strings.Join(errs, "; "))
	}
	return nil
}

func validMeasure(m string) bool {
	return slices.Contains([]string{MeasureBan, MeasureCap, MeasureLicence, MeasureReview, MeasurePermitted}, m)
}

// merge returns the categories of base with those of the extensions: a
// category whose id is already present replaces it, others are appended.
func merge(base Catalog, ext ...Catalog) []CategorySpec {
	out := slices.Clone(base.Categories)
	pos := map[string]int{}
	for i, c := range out {
		pos[c.ID] = i
	}
	for _, e := range ext {
		for _, c := range e.Categories {
			if i, ok := pos[c.ID]; ok {
				out[i] = c
				continue
			}
			pos[c.ID] = len(out)
			out = append(out, c)
		}
	}
	return out
}
