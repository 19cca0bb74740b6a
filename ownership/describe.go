package ownership

import (
	"bufio"
	"fmt"
	"io"
	"sort"
	"strings"
)

// StatusView is one derived status of a node with its explanation.
type StatusView struct {
	Regime      string  `json:"regime"`
	Status      string  `json:"status"`
	Basis       string  `json:"basis"`
	Sum         float64 `json:"sum"`
	Unknown     int     `json:"unknown"`
	Threshold   float64 `json:"threshold"`
	Explanation string  `json:"explanation"`
	Path        []Step  `json:"path"`
}

// Report describes one node: who owns it, what it holds, its other
// relationships and its derived status.
type Report struct {
	Node     Node         `json:"node"`
	AsOf     string       `json:"as_of"`
	Owners   []Step       `json:"owners"`
	Holdings []Step       `json:"holdings"`
	Links    []Step       `json:"links"`
	Status   []StatusView `json:"status"`
}

// Lookup finds nodes by id, else by name: equal after normalisation, else
// every node whose normalised name contains the query's. Results are
// sorted by id.
func (g *Graph) Lookup(q string) []Node {
	if g == nil {
		return nil
	}
	q = strings.TrimSpace(q)
	if n, ok := g.byID[q]; ok {
		return []Node{g.nodes[n]}
	}
	k := NameKey(q)
	if k == "" {
		return nil
	}
	var idx []int32
	if ns, ok := g.byKey[k]; ok {
		idx = append(idx, ns...)
	} else {
		for i, n := range g.nodes {
			if strings.Contains(NameKey(n.Name), k) {
				idx = append(idx, int32(i))
			}
		}
	}
	out := make([]Node, 0, len(idx))
	seen := map[int32]bool{}
	for _, i := range idx {
		if !seen[i] {
			seen[i] = true
			out = append(out, g.nodes[i])
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].ID < out[j].ID })
	return out
}

// Describe reports on the node with the given id.
func (g *Graph) Describe(id string) (Report, bool) {
	if g == nil {
		return Report{}, false
	}
	n, ok := g.byID[id]
	if !ok {
		return Report{}, false
	}
	r := Report{Node: g.nodes[n], AsOf: g.opts.AsOf, Owners: []Step{}, Holdings: []Step{}, Links: []Step{}, Status: []StatusView{}}
	regime := g.nodes[n].Regime
	if ds := g.derived[n]; len(ds) > 0 {
		regime = ds[0].Regime
	}
	for _, ei := range g.in[n] {
		if g.edges[ei].Relation == RelOwns {
			g.addStep(ei, n, regime, 0, &r.Owners)
		} else {
			g.addStep(ei, n, regime, 0, &r.Links)
		}
	}
	for _, ei := range g.out[n] {
		if g.edges[ei].Relation == RelOwns {
			g.addStep(ei, n, regime, 0, &r.Holdings)
		} else {
			g.addStep(ei, n, regime, 0, &r.Links)
		}
	}
	for i := range g.derived[n] {
		d := &g.derived[n][i]
		txt, path := g.explain(n, d)
		r.Status = append(r.Status, StatusView{
			Regime: d.Regime, Status: d.Status, Basis: d.Basis, Sum: d.Sum, Unknown: d.Unknown,
			Threshold: d.Threshold, Explanation: txt, Path: path,
		})
	}
	return r, true
}

// WriteDOT writes the neighbourhood of the given nodes (up to depth edges
// away, both directions) as a Graphviz digraph: listed nodes red boxes,
// blocked nodes red, review nodes orange; ownership edges labelled with
// their share, inactive edges dashed.
func (g *Graph) WriteDOT(w io.Writer, ids []string, depth int) error {
	bw := bufio.NewWriter(w)
	keep := map[int32]bool{}
	var frontier []int32
	for _, id := range ids {
		if n, ok := g.byID[id]; ok && !keep[n] {
			keep[n] = true
			frontier = append(frontier, n)
		}
	}
	for d := 0; d < depth && len(frontier) > 0; d++ {
		var next []int32
		for _, n := range frontier {
			for _, list := range [][]int32{g.in[n], g.out[n]} {
				for _, ei := range list {
					o := g.other(&g.edges[ei], n)
					if !keep[o] {
						keep[o] = true
						next = append(next, o)
					}
				}
			}
		}
		frontier = next
	}
	nodes := make([]int32, 0, len(keep))
	for n := range keep {
		nodes = append(nodes, n)
	}
	sort.Slice(nodes, func(i, j int) bool { return g.nodes[nodes[i]].ID < g.nodes[nodes[j]].ID })
	fmt.Fprintln(bw, "digraph ownership {")
	fmt.Fprintln(bw, "  rankdir=LR;")
	fmt.Fprintln(bw, "  node [shape=box, style=rounded, fontname=\"Helvetica\"];")
	for _, n := range nodes {
		nd := &g.nodes[n]
		label := nd.Name + "\n" + nd.ID
		attrs := ""
		switch {
		case nd.Listed:
			label += " (" + nd.Label + ")"
			attrs = `, style="rounded,filled", fillcolor="#f4cccc", color="#990000"`
		case len(g.derived[n]) > 0:
			d := g.derived[n][0]
			label += "\n" + d.Status + ": " + d.Basis
			if d.Basis != BasisDirector && d.Basis != BasisLinkedTo && d.Basis != BasisFamily && d.Basis != BasisAssociate {
				label += " " + percentString(d.Sum) + " %"
			}
			if d.Status == StatusBlocked {
				attrs = `, color="#cc0000", penwidth=2`
			} else {
				attrs = `, color="#e69138", penwidth=2`
			}
		}
		fmt.Fprintf(bw, "  %s [label=%s%s];\n", dotID(nd.ID), dotString(label), attrs)
	}
	var es []int32
	for i := range g.edges {
		e := &g.edges[i]
		if keep[e.from] && keep[e.to] {
			es = append(es, int32(i))
		}
	}
	for _, ei := range es {
		e := &g.edges[ei]
		label := e.Relation
		if e.Relation == RelOwns {
			label = "?"
			if e.Percent != nil {
				label = percentString(*e.Percent) + " %"
			}
		}
		style := ""
		if !e.active {
			style = `, style=dashed, color=gray`
			label += " (ended)"
		} else if e.Relation != RelOwns {
			style = `, style=dotted`
		}
		fmt.Fprintf(bw, "  %s -> %s [label=%s, tooltip=%s%s];\n", dotID(g.nodes[e.from].ID), dotID(g.nodes[e.to].ID), dotString(label), dotString(e.Source), style)
	}
	fmt.Fprintln(bw, "}")
	return bw.Flush()
}

func dotID(id string) string { return dotString(id) }

// dotString quotes s for DOT; newlines become DOT line breaks.
func dotString(s string) string {
	s = strings.ReplaceAll(s, `\`, `\\`)
	s = strings.ReplaceAll(s, `"`, `\"`)
	s = strings.ReplaceAll(s, "\r", "")
	s = strings.ReplaceAll(s, "\n", `\n`)
	return `"` + s + `"`
}
