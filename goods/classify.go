package goods

import (
	"context"
	"fmt"
	"slices"
	"sort"
	"strings"

	"github.com/screen-compliance/screen/internal/decimal"
	"github.com/screen-compliance/screen/internal/gencache"
	"github.com/screen-compliance/screen/record"
)

const (
	// mismatchMin is the lowest description match score that can
	// contradict a declared HS code.
	mismatchMin = 0.95
	// mismatchFactor scales the confidence of a description category that
	// the declared HS code contradicts, so that policies review rather than
	// block on the description alone.
	mismatchFactor = 0.7
	// modifierFactor scales the confidence of a goods category named only
	// by a modifier of the description ("fruit" in "yoghurt with fruit",
	// "electric" in "electric detonators"), not by its head word.
	modifierFactor = 0.7
)

// headFactor is the confidence factor of a description match: 1 when it
// names the goods themselves (or is a service or vessel category, whose
// terms are whole phrases anywhere in the text), modifierFactor otherwise.
func headFactor(cat CategorySpec, m termMatch, head int) float64 {
	if cat.Kind != "" && cat.Kind != KindGoods {
		return 1
	}
	if head < 0 || m.head {
		return 1
	}
	return modifierFactor
}

// Classifier assigns catalog categories to goods and service lines. It is
// immutable after NewClassifier and safe for concurrent use.
type Classifier struct {
	cats []CategorySpec
	// rules maps a chapter to the HS rules under it.
	rules   map[string][]hsRef
	matcher *matcher
	// lines remembers the classification of goods lines by HS code and
	// description: a shipment file repeats a few goods many times, and a
	// line's classification depends on nothing else.
	lines *gencache.Cache[lineKey, record.Goods]
}

// lineKey is what a goods line is classified by.
type lineKey struct{ hs, description string }

// lineMemo is how many goods lines a Classifier remembers per generation.
const lineMemo = 4096

// hsRef is one HS rule of one category.
type hsRef struct {
	cat    int
	prefix string // digits
	rule   HSRule
}

// NewClassifier builds a classifier from the embedded catalog and optional
// extensions. An extension category with an id already present replaces it.
func NewClassifier(ctx context.Context, extra ...Catalog) (*Classifier, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	base, err := DefaultCatalog()
	if err != nil {
		return nil, err
	}
	for _, e := range extra {
		if err := e.Validate(); err != nil {
			return nil, err
		}
	}
	cats := merge(base, extra...)
	c := &Classifier{cats: cats, rules: map[string][]hsRef{}, lines: gencache.New[lineKey, record.Goods](lineMemo)}
	for i, cat := range cats {
		for _, r := range cat.HS {
			h, err := ParseHS(r.Prefix)
			if err != nil { // validated above; keep the error path anyway
				return nil, fmt.Errorf("category %s: %w", cat.ID, err)
			}
			ch := h.Chapter()
			c.rules[ch] = append(c.rules[ch], hsRef{cat: i, prefix: h.Digits(), rule: r})
		}
	}
	c.matcher = newMatcher(cats)
	return c, nil
}

// Categories returns the catalog the classifier uses (embedded plus
// extensions), in catalog order.
func (c *Classifier) Categories() []CategorySpec { return slices.Clone(c.cats) }

// Classify returns one record.Goods per goods line of rec, in order, with
// Line set to the index. A line with an invalid HS code gets Goods.Error and
// is still classified by its description.
func (c *Classifier) Classify(rec *record.Record) []record.Goods {
	if rec == nil {
		return []record.Goods{}
	}
	out := make([]record.Goods, 0, len(rec.Goods))
	for i, gl := range rec.Goods {
		out = append(out, c.ClassifyLine(i, gl))
	}
	return out
}

// ClassifyLine classifies one goods line; line is its index in the record.
func (c *Classifier) ClassifyLine(line int, gl record.GoodsLine) record.Goods {
	k := lineKey{gl.HS, gl.Description}
	g, ok := c.lines.Get(k)
	if !ok {
		g = c.classifyLine(gl)
		c.lines.Put(k, g)
	}
	// the caller owns the slices it gets (reports mark categories as context)
	g.Line = line
	g.Categories = slices.Clone(g.Categories)
	g.Details = slices.Clone(g.Details)
	return g
}

// classifyLine is ClassifyLine without the memo (Line left 0).
func (c *Classifier) classifyLine(gl record.GoodsLine) record.Goods {
	g := record.Goods{HS: strings.TrimSpace(gl.HS), Description: gl.Description, Categories: []string{}}
	var code HSCode
	if g.HS != "" {
		h, err := ParseHS(g.HS)
		if err != nil {
			g.Error = err.Error()
		} else {
			code = h
			g.HS = h.Digits()
		}
	}
	details := map[string]record.Category{}
	confirmable := map[string]bool{}
	if !code.IsZero() {
		for _, h := range c.byHS(code) {
			details[h.cat.ID] = h.cat
			if h.confirm {
				confirmable[h.cat.ID] = true
			}
		}
	}
	c.byDescription(code, gl.Description, details, confirmable)
	for id := range details {
		g.Categories = append(g.Categories, id)
	}
	sort.Strings(g.Categories)
	for _, id := range g.Categories {
		g.Details = append(g.Details, details[id])
	}
	return g
}

// byHS returns the categories the code selects. Within a category the
// longest matching prefix decides the measure. A code broader than a
// category prefix (chapter "27" against "2701") selects it for review.
func (c *Classifier) byHS(code HSCode) []hsHit {
	type hit struct {
		ref     hsRef
		partial bool
	}
	best := map[int]hit{}
	for _, r := range c.rules[code.Chapter()] {
		if r.rule.Scope {
			continue
		}
		switch {
		case code.HasPrefix(r.prefix):
			if b, ok := best[r.cat]; !ok || b.partial || len(r.prefix) > len(b.ref.prefix) {
				best[r.cat] = hit{ref: r}
			}
		case strings.HasPrefix(r.prefix, code.Digits()):
			if _, ok := best[r.cat]; !ok {
				best[r.cat] = hit{ref: r, partial: true}
			}
		}
	}
	out := make([]hsHit, 0, len(best))
	for ci, h := range best {
		cat := c.cats[ci]
		d := record.Category{
			ID: cat.ID, Title: cat.Title, Direction: cat.Direction, Citation: cat.Citation,
			Measure:    cmpOr(h.ref.rule.Measure, cat.Measure),
			Confidence: confidenceValue[cmpOr(h.ref.rule.Confidence, cat.Confidence)],
			MatchedBy:  "hs:" + formatHS(h.ref.prefix),
		}
		if h.partial {
			// The declared code is broader than the category: the line may
			// or may not fall in it.
			d.MatchedBy = fmt.Sprintf("hs:%s (broader than %s)", code, formatHS(h.ref.prefix))
			if d.Measure == MeasureBan || d.Measure == MeasureCap {
				d.Measure = MeasureReview
			}
			d.Confidence = min(d.Confidence, confidenceValue["L"])
		}
		out = append(out, hsHit{cat: d, confirm: h.ref.rule.Confirm && !h.partial})
	}
	return out
}

// hsHit is a category an HS code selects; confirm is set when a
// description term may raise its measure (HSRule.Confirm).
type hsHit struct {
	cat     record.Category
	confirm bool
}

// compatible reports whether the category can hold the code: it has no HS
// prefixes (services, description-only categories) or one prefix that the
// code falls under or that falls under the code.
func (c *Classifier) compatible(ci int, code HSCode) bool {
	cat := c.cats[ci]
	if len(cat.HS) == 0 {
		return true
	}
	for _, r := range c.rules[code.Chapter()] {
		if r.cat == ci && (code.HasPrefix(r.prefix) || strings.HasPrefix(r.prefix, code.Digits())) {
			return true
		}
	}
	return false
}

// byDescription adds the categories the description names. With a valid
// HS code, categories the code cannot belong to are dropped, unless no
// description category fits the code and a misfit names the head word of
// the description: then the misfits are kept, at reduced confidence, and
// the line is flagged with MismatchID.
func (c *Classifier) byDescription(code HSCode, desc string, details map[string]record.Category, confirmable map[string]bool) {
	head := headIndex(desc)
	ms := c.matcher.match(tokenize(desc), head)
	if len(ms) == 0 {
		return
	}
	var fit, misfit []termMatch
	for _, m := range ms {
		if code.IsZero() || c.compatible(m.cat, code) {
			fit = append(fit, m)
		} else {
			misfit = append(misfit, m)
		}
	}
	add := func(m termMatch, factor float64) {
		cat := c.cats[m.cat]
		if cur, ok := details[cat.ID]; ok {
			// The HS code already selected it; a confirming term raises a
			// shared prefix's measure to the category's.
			if confirmable[cat.ID] && measureRank[cat.Measure] > measureRank[cur.Measure] {
				cur.Measure = cat.Measure
				cur.MatchedBy += " + " + describeTerm(m)
				details[cat.ID] = cur
			}
			return
		}
		details[cat.ID] = record.Category{
			ID: cat.ID, Title: cat.Title, Direction: cat.Direction, Measure: cat.Measure,
			Citation: cat.Citation, Confidence: decimal.Round(confidenceValue[cat.Confidence]*m.score*factor, 2),
			MatchedBy: describeTerm(m),
		}
	}
	for _, m := range fit {
		add(m, headFactor(c.cats[m.cat], m, head))
	}
	if len(fit) > 0 || code.IsZero() {
		return
	}
	var strong []string
	for _, m := range misfit {
		if cat := c.cats[m.cat]; (cat.Kind != "" && cat.Kind != KindGoods) || cat.Measure == MeasurePermitted {
			continue
		}
		// Only a term naming the goods themselves (the head word of the
		// description) contradicts the code; "spices; fruits of ..." or
		// "saps of vegetables" do not.
		if m.score < mismatchMin || !m.head {
			continue
		}
		add(m, mismatchFactor)
		strong = append(strong, fmt.Sprintf("%s (%s)", m.term, c.cats[m.cat].ID))
	}
	if len(strong) == 0 {
		return
	}
	ch, _ := ChapterTitle(code.Chapter())
	details[MismatchID] = record.Category{
		ID:         MismatchID,
		Title:      "Description does not fit the declared HS code",
		Measure:    MeasureReview,
		Citation:   "WCO Harmonized System; UNSCR 2270 (2016) para 18 (inspection of cargo to and from the DPRK)",
		Confidence: 0.9,
		MatchedBy:  fmt.Sprintf("hs:%s (chapter %s: %s) vs description:%s", code, code.Chapter(), ch, strings.Join(strong, ", ")),
	}
}

// measureRank orders measures by severity.
var measureRank = map[string]int{MeasurePermitted: 1, MeasureReview: 2, MeasureLicence: 3, MeasureCap: 4, MeasureBan: 5}

func cmpOr(a, b string) string {
	if a != "" {
		return a
	}
	return b
}
