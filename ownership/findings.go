package ownership

import (
	"sort"

	"github.com/screen-compliance/screen/record"
)

// Finding says that a screened party is, or may be, an entity owned,
// controlled by or linked to listed parties. The engine passes the findings
// of all parties to the policies as input.ownership; the rules of
// screen.rules.ownership decide. JSON field names are part of that input.
type Finding struct {
	// Party indexes Record.Parties; Role and Query are that party's role
	// and name.
	Party int    `json:"party"`
	Role  string `json:"role"`
	Query string `json:"query"`
	// NodeID and NodeName are the graph node the party matched.
	NodeID   string `json:"node_id"`
	NodeName string `json:"node_name"`
	Listed   bool   `json:"listed"`
	// MatchedBy is "list_match" when the party matched the node's list
	// entry (MatchScore is that match's score) or "name" when its name
	// equals the node's name after normalisation (score 1).
	MatchedBy  string  `json:"matched_by"`
	MatchScore float64 `json:"match_score"`
	// Status is "blocked" or "review"; Basis says why (BasisOFAC50, ...);
	// Regime is the rule applied (RegimeOFAC, RegimeEU, ...).
	Status string `json:"status"`
	Basis  string `json:"basis"`
	Regime string `json:"regime"`
	// Sum is the aggregate known share held by blocked or listed owners,
	// Unknown the number of their holdings of unknown size, Threshold the
	// level compared with.
	Sum       float64 `json:"sum"`
	Unknown   int     `json:"unknown"`
	Threshold float64 `json:"threshold"`
	// Path lists the edges that lead to the status, with their sources.
	Path []Step `json:"path"`
	// Explanation is the path and the sum in words: "owned 30 % by X
	// (ofac:20564, SDN) + 25 % by Y (ofac:20565, SDN) = 55 % ≥ 50 % —
	// sources: ...".
	Explanation string `json:"explanation"`
}

// Findings returns the derived statuses of the graph nodes party p (at
// index partyIndex of the record) matches: the nodes of its list matches
// (matches of other parties are ignored) and the nodes whose name equals
// its name after normalisation. It returns nil when there are none; a nil
// Graph has none. The result is sorted: blocked first, then by regime,
// basis and node id.
func (g *Graph) Findings(p record.Party, partyIndex int, matches []record.Match) []Finding {
	if g == nil || len(g.derived) == 0 {
		return nil
	}
	type hit struct {
		node  int32
		by    string
		score float64
	}
	var hits []hit
	add := func(n int32, by string, score float64) {
		if _, ok := g.derived[n]; !ok {
			return
		}
		for i := range hits {
			if hits[i].node == n {
				if score > hits[i].score {
					hits[i].by, hits[i].score = by, score
				}
				return
			}
		}
		hits = append(hits, hit{n, by, score})
	}
	for _, m := range matches {
		if m.Party != partyIndex {
			continue
		}
		if n, ok := g.byID[m.EntityID]; ok {
			add(n, "list_match", m.Score)
		}
	}
	if p.Name != "" {
		for _, n := range g.byKey[NameKey(p.Name)] {
			add(n, "name", 1)
		}
	}
	if len(hits) == 0 {
		return nil
	}
	var out []Finding
	for _, h := range hits {
		nd := &g.nodes[h.node]
		ds := g.derived[h.node]
		for i := range ds {
			d := &ds[i]
			txt, path := g.explain(h.node, d)
			if path == nil {
				path = []Step{}
			}
			out = append(out, Finding{
				Party: partyIndex, Role: p.Role, Query: p.Name, NodeID: nd.ID, NodeName: nd.Name, Listed: nd.Listed,
				MatchedBy: h.by, MatchScore: h.score, Status: d.Status, Basis: d.Basis, Regime: d.Regime,
				Sum: d.Sum, Unknown: d.Unknown, Threshold: d.Threshold, Path: path, Explanation: txt,
			})
		}
	}
	sort.SliceStable(out, func(i, j int) bool {
		a, b := out[i], out[j]
		if a.Status != b.Status {
			return a.Status == StatusBlocked
		}
		if a.Regime != b.Regime {
			return a.Regime < b.Regime
		}
		if a.Basis != b.Basis {
			return a.Basis < b.Basis
		}
		return a.NodeID < b.NodeID
	})
	return out
}

// RecordFindings returns the findings of every party of rec, in party
// order: the value the engine passes to the policies as input.ownership.
// It never returns nil, so the input always has the key.
func (g *Graph) RecordFindings(rec *record.Record, matches []record.Match) []Finding {
	out := []Finding{}
	if rec == nil {
		return out
	}
	for i, p := range rec.Parties {
		out = append(out, g.Findings(p, i, matches)...)
	}
	return out
}
