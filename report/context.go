package report

import (
	"strings"

	"github.com/screen-compliance/screen/record"
)

// A goods category is a finding only where a reason used it; elsewhere it
// is context: it says what the goods are (what they would be under the UN
// DPRK measures if the route touched the DPRK), not that a measure applies.
// A Germany → Vietnam gas turbine classified dprk.export.machinery on a
// clear record is context.
//
// A reason uses a category when its evidence points at it
// ("goods[0].categories[1]", "goods[0].details[1]"), or when it points at
// the goods line ("goods[0]") and the category's citation equals the
// reason's, or the reason's message names the category's title or id.
// When a reason points at a line and names none of its categories, every
// category of the line counts as used: a report never plays a finding down
// on a guess.

// categoryUse records, per goods line, the category ids that reasons used.
type categoryUse []map[string]bool

// usedCategories works out which categories of d's goods lines its reasons
// (suppressed ones included: a suppressed finding is still a finding) used.
func usedCategories(d *record.Decision) categoryUse {
	used := make(categoryUse, len(d.Goods))
	mark := func(line int, id string) {
		if id == "" {
			return
		}
		if used[line] == nil {
			used[line] = map[string]bool{}
		}
		used[line][id] = true
	}
	for ri := range d.Reasons {
		r := &d.Reasons[ri]
		precise := map[int]bool{} // lines whose categories r names by pointer
		lines := map[int]bool{}   // lines r points at as a whole
		for _, ev := range r.Evidence {
			p, err := record.ParsePointer(ev)
			if err != nil || p.Section != record.PtrGoods || p.Index < 0 || p.Index >= len(d.Goods) {
				continue
			}
			g := &d.Goods[p.Index]
			switch {
			case p.Field == "categories" && p.FieldIndex >= 0 && p.FieldIndex < len(g.Categories):
				mark(p.Index, g.Categories[p.FieldIndex])
				precise[p.Index] = true
			case p.Field == "details" && p.FieldIndex >= 0 && p.FieldIndex < len(g.Details):
				mark(p.Index, g.Details[p.FieldIndex].ID)
				precise[p.Index] = true
			default:
				lines[p.Index] = true
			}
		}
		for line := range lines {
			if precise[line] {
				continue
			}
			for _, id := range citedCategories(&d.Goods[line], r) {
				mark(line, id)
			}
		}
	}
	return used
}

// citedCategories returns the categories of g that r refers to by citation,
// title or id; all of g's categories when it refers to none of them.
func citedCategories(g *record.Goods, r *record.Reason) []string {
	var out []string
	described := map[string]bool{}
	for _, c := range g.Details {
		described[c.ID] = true
		if (c.Citation != "" && c.Citation == r.Citation) ||
			(c.Title != "" && strings.Contains(r.Message, c.Title)) ||
			(c.ID != "" && strings.Contains(r.Message, c.ID)) {
			out = append(out, c.ID)
		}
	}
	if len(out) == 0 {
		for _, c := range g.Details {
			out = append(out, c.ID)
		}
		return append(out, g.Categories...)
	}
	// A category without details cannot be told apart: it counts as used.
	for _, id := range g.Categories {
		if !described[id] {
			out = append(out, id)
		}
	}
	return out
}

// isContext reports whether category id of goods line i is context.
func (u categoryUse) isContext(i int, id string) bool {
	return i < 0 || i >= len(u) || !u[i][id]
}

// splitCategories returns the category ids of d's goods lines that are
// findings and those that are only context, each without repeats, in order.
func splitCategories(d *record.Decision, u categoryUse) (findings, context []string) {
	var f, c []string
	for i, g := range d.Goods {
		for _, id := range g.Categories {
			if u.isContext(i, id) {
				c = append(c, id)
			} else {
				f = append(f, id)
			}
		}
	}
	findings = uniq(len(f), func(i int) string { return f[i] })
	seen := map[string]bool{}
	for _, id := range findings {
		seen[id] = true
	}
	// A category that is a finding on one line is not also listed as context.
	context = uniq(len(c), func(i int) string {
		if seen[c[i]] {
			return ""
		}
		return c[i]
	})
	return findings, context
}

// MarkContext sets Context on every goods category detail of d that no
// reason used (see the rule above), and clears it on the others. JSON and
// JSON Lines reports write decisions marked this way; the HTTP API and other
// callers may use it to label categories the same way.
func MarkContext(d *record.Decision) {
	u := usedCategories(d)
	for i := range d.Goods {
		for k := range d.Goods[i].Details {
			c := &d.Goods[i].Details[k]
			c.Context = u.isContext(i, c.ID)
		}
	}
}

// withContext returns a copy of d whose goods details are marked with
// MarkContext; d itself is not changed.
func withContext(d *record.Decision) *record.Decision {
	c := *d
	if len(d.Goods) == 0 {
		return &c
	}
	c.Goods = make([]record.Goods, len(d.Goods))
	copy(c.Goods, d.Goods)
	for i := range c.Goods {
		if len(c.Goods[i].Details) > 0 {
			c.Goods[i].Details = append([]record.Category(nil), c.Goods[i].Details...)
		}
	}
	MarkContext(&c)
	return &c
}
