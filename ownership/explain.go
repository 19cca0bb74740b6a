package ownership

import (
	"fmt"
	"sort"
	"strings"
)

// Step is one edge on the path that explains a derived status. Depth 0
// edges point at the node itself; depth 1 edges explain an owner's own
// status, and so on.
type Step struct {
	Depth    int      `json:"depth"`
	Relation string   `json:"relation"`
	OwnerID  string   `json:"owner_id"`
	Owner    string   `json:"owner"`
	OwnedID  string   `json:"owned_id"`
	Owned    string   `json:"owned"`
	Percent  *float64 `json:"percent"`
	Start    string   `json:"start_date,omitempty"`
	End      string   `json:"end_date,omitempty"`
	Source   string   `json:"source"`
	// PartyStatus is the status of the edge's other party, seen from the
	// node explained (the owner on a path, the owned entity in holdings):
	// "listed", "blocked", "review" or "".
	PartyStatus string `json:"party_status"`
	// PartyList is the list label of that party when listed ("SDN").
	PartyList string `json:"party_list,omitempty"`
	// Resolution says how a name in the source was matched to a list
	// entity, when it was matched by name.
	Resolution *Resolution `json:"resolution,omitempty"`
	// Inactive is true for a relationship that has ended or not yet
	// started at the graph's date; it does not count.
	Inactive bool `json:"inactive,omitempty"`
}

// Explanation limits keep messages readable on deep or wide graphs.
const (
	maxDepth     = 4
	maxSteps     = 64
	maxOwnersTxt = 8
)

// explain returns the explanation and path of derivation d of node n.
func (g *Graph) explain(n int32, d *Derivation) (string, []Step) {
	var steps []Step
	txt := g.explainAt(n, d, 0, &steps)
	if src := g.sourcesText(d); src != "" {
		txt += " — " + src
	}
	return txt, steps
}

// edgesSorted orders contributing edges by share (largest first, unknown
// last), then by the other party's id.
func (g *Graph) edgesSorted(n int32, d *Derivation) []int32 {
	es := append([]int32(nil), d.edges...)
	sort.SliceStable(es, func(i, j int) bool {
		a, b := &g.edges[es[i]], &g.edges[es[j]]
		pa, pb := -1.0, -1.0
		if a.Percent != nil {
			pa = *a.Percent
		}
		if b.Percent != nil {
			pb = *b.Percent
		}
		if pa != pb {
			return pa > pb
		}
		return g.nodes[g.other(a, n)].ID < g.nodes[g.other(b, n)].ID
	})
	return es
}

// other is the end of e that is not n.
func (g *Graph) other(e *gEdge, n int32) int32 {
	if e.from == n {
		return e.to
	}
	return e.from
}

func (g *Graph) explainAt(n int32, d *Derivation, depth int, steps *[]Step) string {
	es := g.edgesSorted(n, d)
	for _, ei := range es {
		g.addStep(ei, n, d.Regime, depth, steps)
	}
	var b strings.Builder
	switch d.Basis {
	case BasisDirector, BasisLinkedTo, BasisFamily, BasisAssociate:
		verb := map[string]string{
			BasisDirector: "controlled through directorship by", BasisLinkedTo: "linked to",
			BasisFamily: "family member of", BasisAssociate: "associate of",
		}[d.Basis]
		b.WriteString(verb + " ")
		for i, ei := range es {
			if i == maxOwnersTxt {
				fmt.Fprintf(&b, " and %d more", len(es)-i)
				break
			}
			if i > 0 {
				b.WriteString(", ")
			}
			o := g.other(&g.edges[ei], n)
			b.WriteString(g.partyText(o, d, depth, steps))
		}
		return b.String()
	}
	known := 0.0
	unknown := 0
	b.WriteString("owned ")
	for i, ei := range es {
		e := &g.edges[ei]
		if i == maxOwnersTxt {
			rest := 0.0
			for _, ej := range es[i:] {
				if p := g.edges[ej].Percent; p != nil {
					rest += *p
				} else {
					unknown++
				}
			}
			known += rest
			fmt.Fprintf(&b, " + %s %% by %d more", percentString(rest), len(es)-i)
			break
		}
		if i > 0 {
			b.WriteString(" + ")
		}
		if e.Percent != nil {
			known += *e.Percent
			b.WriteString(percentString(*e.Percent) + " % by ")
		} else {
			unknown++
			b.WriteString("an unknown share by ")
		}
		b.WriteString(g.partyText(e.from, d, depth, steps))
	}
	cmp := "≥"
	if d.Regime != RegimeOFAC {
		cmp = ">"
	}
	switch d.Basis {
	case BasisOFAC50, BasisMajority:
		fmt.Fprintf(&b, " = %s %% %s %s %%", percentString(known), cmp, percentString(d.Threshold))
		if unknown > 0 {
			fmt.Fprintf(&b, " (plus %d share(s) of unknown size)", unknown)
		}
	case BasisAggregate:
		fmt.Fprintf(&b, " = %s %% ≥ %s %% review level (below %s %%)", percentString(known), percentString(d.Threshold), percentString(g.opts.BlockPercent))
	case BasisUnknown:
		fmt.Fprintf(&b, " = %s %% known + %d share(s) of unknown size, which may reach %s %%", percentString(known), unknown, percentString(d.Threshold))
	case BasisPossibly:
		fmt.Fprintf(&b, " = up to %s %% %s %s %% if the owners under review are blocked or the unknown shares are large", percentString(d.Sum), cmp, percentString(d.Threshold))
	}
	return b.String()
}

// partyText names a party on a path: "NAME (id, SDN)" for a listed party,
// "NAME (id, blocked: <why>)" for a derived one.
func (g *Graph) partyText(o int32, d *Derivation, depth int, steps *[]Step) string {
	nd := &g.nodes[o]
	id := nd.ID
	if strings.HasPrefix(id, "name:") {
		id = "unlisted"
	}
	if nd.Listed {
		return fmt.Sprintf("%s (%s, %s)", nd.Name, id, nd.Label)
	}
	od := g.derivationFor(o, d.Regime)
	if od == nil {
		return fmt.Sprintf("%s (%s)", nd.Name, id)
	}
	// Recurse only into owners derived before this node (blocking order),
	// or a bounded depth for reviews: paths stay finite on cycles.
	recurse := depth < maxDepth && !(od.order > 0 && d.order > 0 && od.order >= d.order)
	if !recurse {
		return fmt.Sprintf("%s (%s, %s)", nd.Name, id, od.Status)
	}
	return fmt.Sprintf("%s (%s, %s: %s)", nd.Name, id, od.Status, g.explainAt(o, od, depth+1, steps))
}

// derivationFor is node n's most severe derivation under regime, or nil.
func (g *Graph) derivationFor(n int32, regime string) *Derivation {
	ds := g.derived[n]
	for i := range ds {
		if ds[i].Regime == regime {
			return &ds[i]
		}
	}
	return nil
}

func (g *Graph) addStep(ei, n int32, regime string, depth int, steps *[]Step) {
	if len(*steps) >= maxSteps {
		return
	}
	e := &g.edges[ei]
	from, to := &g.nodes[e.from], &g.nodes[e.to]
	s := Step{
		Depth: depth, Relation: e.Relation, OwnerID: from.ID, Owner: from.Name, OwnedID: to.ID, Owned: to.Name,
		Percent: e.Percent, Start: e.Start, End: e.End, Source: e.Source, Inactive: !e.active,
	}
	o := g.other(e, n)
	switch {
	case g.nodes[o].Listed:
		s.PartyStatus, s.PartyList = "listed", g.nodes[o].Label
	default:
		if od := g.derivationFor(o, regime); od != nil {
			s.PartyStatus = od.Status
		}
	}
	if o == e.from {
		s.Resolution = e.fromRes
	} else {
		s.Resolution = e.toRes
	}
	*steps = append(*steps, s)
}

// sourcesText lists the sources of the depth-0 edges and how names were
// matched.
func (g *Graph) sourcesText(d *Derivation) string {
	var parts []string
	seen := map[string]bool{}
	for _, ei := range d.edges {
		e := &g.edges[ei]
		s := e.Source
		for _, r := range []*Resolution{e.fromRes, e.toRes} {
			if r != nil {
				s += fmt.Sprintf(" (name %q matched %s %q at %.2f)", r.Query, r.EntityID, r.MatchedName, r.Score)
			}
		}
		if !seen[s] {
			seen[s] = true
			parts = append(parts, s)
		}
	}
	sort.Strings(parts)
	if len(parts) == 0 {
		return ""
	}
	return "sources: " + strings.Join(parts, "; ")
}
