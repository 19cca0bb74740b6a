package ownership

import (
	"context"
	"sort"

	"github.com/screen-compliance/screen/internal/decimal"
)

// Statuses a node can derive.
const (
	StatusBlocked = "blocked"
	StatusReview  = "review"
)

// Bases: why a node has its status.
const (
	// BasisOFAC50: blocked owners hold ≥ BlockPercent in aggregate (OFAC).
	BasisOFAC50 = "ofac_50"
	// BasisAggregate: blocked owners hold ≥ ReviewPercent but < BlockPercent.
	BasisAggregate = "aggregate_threshold"
	// BasisUnknown: a blocked owner holds a share of unknown size, and the
	// known shares do not reach the level.
	BasisUnknown = "unknown_percent"
	// BasisMajority: listed owners (EU, UK, UN, other lists) hold more than
	// ControlPercent in aggregate: owned under an "owned or controlled" test.
	BasisMajority = "majority_owned"
	// BasisPossibly: the level is reached only if owners that are themselves
	// under review (or shares of unknown size) are counted.
	BasisPossibly = "possibly_owned"
	// BasisDirector: a listed person is a director or officer (control).
	BasisDirector = "director"
	// BasisLinkedTo: an OFAC "Linked To:" (or other stated) link to a
	// listed party.
	BasisLinkedTo = "linked_to"
	// BasisFamily and BasisAssociate: a relative or associate of a listed
	// person.
	BasisFamily    = "family"
	BasisAssociate = "associate"
)

// Derivation is one derived status of a node under one regime.
type Derivation struct {
	Regime string `json:"regime"`
	Status string `json:"status"`
	Basis  string `json:"basis"`
	// Sum is the aggregate known share held by blocked (or listed) owners.
	Sum float64 `json:"sum"`
	// Unknown counts holdings of unknown size by blocked owners.
	Unknown int `json:"unknown"`
	// Threshold is the level the sum was compared with.
	Threshold float64 `json:"threshold"`
	edges     []int32
	order     int32
}

// regimeState is the per-regime derivation work space.
type regimeState struct {
	regime  string
	order   []int32 // blocking order, 0 = listed, -1 = not blocked
	sum     []float64
	unk     []int32
	contrib map[int32][]int32
}

func (g *Graph) threshold(regime string) (float64, bool) {
	if regime == RegimeOFAC {
		return g.opts.BlockPercent, false
	}
	return g.opts.ControlPercent, true
}

func reaches(sum, t float64, strict bool) bool {
	const eps = 1e-9
	if strict {
		return sum > t+eps
	}
	return sum >= t-eps
}

// derive computes the derived statuses of all nodes.
func (g *Graph) derive(ctx context.Context) error {
	regimes := map[string]bool{}
	for _, n := range g.nodes {
		if n.Listed {
			regimes[n.Regime] = true
		}
		if n.Possible != nil {
			regimes[n.possibleRegime] = true
		}
	}
	names := make([]string, 0, len(regimes))
	for r := range regimes {
		names = append(names, r)
	}
	sort.Strings(names)
	for _, r := range names {
		if err := ctx.Err(); err != nil {
			return err
		}
		g.deriveRegime(r)
	}
	for n, ds := range g.derived {
		sort.SliceStable(ds, func(i, j int) bool {
			a, b := ds[i], ds[j]
			if a.Status != b.Status {
				return a.Status == StatusBlocked
			}
			if a.Regime != b.Regime {
				return a.Regime < b.Regime
			}
			return a.Basis < b.Basis
		})
		g.derived[n] = ds
	}
	return nil
}

func (g *Graph) listedIn(n int32, regime string) bool {
	nd := &g.nodes[n]
	return nd.Listed && nd.Regime == regime
}

// deriveRegime applies one regime's ownership test, then its review tests.
func (g *Graph) deriveRegime(regime string) {
	t, strict := g.threshold(regime)
	N := len(g.nodes)
	st := &regimeState{regime: regime, order: make([]int32, N), sum: make([]float64, N), unk: make([]int32, N), contrib: map[int32][]int32{}}
	queue := make([]int32, 0, 64)
	for i := range st.order {
		st.order[i] = -1
		if g.listedIn(int32(i), regime) {
			st.order[i] = 0
			queue = append(queue, int32(i))
		}
	}
	next := int32(0)
	// Pass 1: the cascade. Every blocked owner's active holdings count once,
	// at face value; an owned entity that reaches the level is blocked and
	// its own holdings are then counted. Each node is queued at most once,
	// so cycles terminate.
	for len(queue) > 0 {
		b := queue[0]
		queue = queue[1:]
		for _, ei := range g.out[b] {
			e := &g.edges[ei]
			if !e.active || e.Relation != RelOwns || g.listedIn(e.to, regime) {
				continue
			}
			n := e.to
			st.contrib[n] = append(st.contrib[n], ei)
			if e.Percent == nil {
				st.unk[n]++
				continue
			}
			st.sum[n] += *e.Percent
			if st.order[n] < 0 && reaches(st.sum[n], t, strict) {
				next++
				st.order[n] = next
				queue = append(queue, n)
			}
		}
	}
	review := map[int32]bool{}
	touched := make([]int32, 0, len(st.contrib))
	for n := range st.contrib {
		touched = append(touched, n)
	}
	sort.Slice(touched, func(i, j int) bool { return touched[i] < touched[j] })
	for _, n := range touched {
		d := Derivation{Regime: regime, Sum: decimal.Round(st.sum[n], 2), Unknown: int(st.unk[n]), Threshold: t, edges: st.contrib[n], order: st.order[n]}
		switch {
		case st.order[n] > 0:
			d.Status, d.Basis = StatusBlocked, BasisOFAC50
			if regime != RegimeOFAC {
				d.Status, d.Basis = StatusReview, BasisMajority
			}
		case st.unk[n] > 0:
			d.Status, d.Basis = StatusReview, BasisUnknown
		case regime == RegimeOFAC && reaches(st.sum[n], g.opts.ReviewPercent, false):
			d.Status, d.Basis, d.Threshold = StatusReview, BasisAggregate, g.opts.ReviewPercent
		default:
			continue
		}
		if d.Status == StatusReview {
			review[n] = true
		}
		g.derived[n] = append(g.derived[n], d)
	}
	// Control and links: a listed director, a "Linked To" link, a listed
	// relative or associate.
	rel := map[int32]map[string][]int32{}
	addRel := func(n int32, basis string, ei int32) {
		if g.listedIn(n, regime) || st.order[n] > 0 {
			return
		}
		if rel[n] == nil {
			rel[n] = map[string][]int32{}
		}
		rel[n][basis] = append(rel[n][basis], ei)
	}
	for i := range g.edges {
		e := &g.edges[i]
		if !e.active || e.Relation == RelOwns {
			continue
		}
		ei := int32(i)
		fromBlocked := g.listedIn(e.from, regime) || st.order[e.from] > 0
		toBlocked := g.listedIn(e.to, regime) || st.order[e.to] > 0
		switch e.Relation {
		case RelDirector:
			if fromBlocked {
				addRel(e.to, BasisDirector, ei)
			}
		case RelLinkedTo, RelFamily, RelAssociate:
			basis := map[string]string{RelLinkedTo: BasisLinkedTo, RelFamily: BasisFamily, RelAssociate: BasisAssociate}[e.Relation]
			if fromBlocked {
				addRel(e.to, basis, ei)
			}
			if toBlocked {
				addRel(e.from, basis, ei)
			}
		}
	}
	relNodes := make([]int32, 0, len(rel))
	for n := range rel {
		relNodes = append(relNodes, n)
	}
	sort.Slice(relNodes, func(i, j int) bool { return relNodes[i] < relNodes[j] })
	for _, n := range relNodes {
		bases := make([]string, 0, len(rel[n]))
		for b := range rel[n] {
			bases = append(bases, b)
		}
		sort.Strings(bases)
		for _, b := range bases {
			g.derived[n] = append(g.derived[n], Derivation{Regime: regime, Status: StatusReview, Basis: b, edges: rel[n][b], order: -1})
			if b == BasisDirector {
				review[n] = true // control may extend to what the entity owns
			}
		}
	}
	g.derivePossible(regime, st, review, t, strict)
}

// derivePossible is the upper bound: shares of unknown size count as 100 %
// and owners under review count as blocked. A node that reaches the level
// only this way may be blocked: review, never clear.
func (g *Graph) derivePossible(regime string, st *regimeState, review map[int32]bool, t float64, strict bool) {
	N := len(g.nodes)
	in := make([]bool, N)
	queue := make([]int32, 0, 64)
	for i := 0; i < N; i++ {
		n := int32(i)
		nd := &g.nodes[i]
		possible := nd.Possible != nil && nd.possibleRegime == regime
		if st.order[i] >= 0 || review[n] || possible {
			in[i] = true
			queue = append(queue, n)
		}
	}
	upper := map[int32]float64{}
	contrib := map[int32][]int32{}
	var found []int32
	for len(queue) > 0 {
		b := queue[0]
		queue = queue[1:]
		for _, ei := range g.out[b] {
			e := &g.edges[ei]
			if !e.active || e.Relation != RelOwns || in[e.to] {
				continue
			}
			n := e.to
			p := 100.0
			if e.Percent != nil {
				p = *e.Percent
			}
			upper[n] += p
			contrib[n] = append(contrib[n], ei)
			if reaches(upper[n], t, strict) {
				in[n] = true
				queue = append(queue, n)
				found = append(found, n)
			}
		}
	}
	sort.Slice(found, func(i, j int) bool { return found[i] < found[j] })
	for _, n := range found {
		g.derived[n] = append(g.derived[n], Derivation{
			Regime: regime, Status: StatusReview, Basis: BasisPossibly, Sum: decimal.Round(min(upper[n], 100), 2),
			Threshold: t, edges: contrib[n], order: -1,
		})
	}
}
