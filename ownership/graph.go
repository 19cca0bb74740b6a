package ownership

import (
	"context"
	"fmt"
	"sort"
	"strings"

	"github.com/screen-compliance/screen/entity"
)

// Node is one party of the graph: a list entity, or an unlisted party named
// by an ownership file or a relationship.
type Node struct {
	// ID is the list entity id, the id the source gave, or "name:<key>"
	// for an unlisted party known only by name.
	ID   string      `json:"id"`
	Name string      `json:"name"`
	Kind entity.Kind `json:"kind,omitempty"`
	// Listed is true for list entities; List, Label and Regime then say
	// which list and which ownership rule its designation triggers.
	Listed   bool     `json:"listed"`
	List     string   `json:"list,omitempty"`
	Label    string   `json:"label,omitempty"`
	Regime   string   `json:"regime,omitempty"`
	Programs []string `json:"programs,omitempty"`
	// Possible is set on an unlisted node whose name is similar to a list
	// entity, below the resolve score: it is treated as possibly listed.
	Possible *Resolution `json:"possible_match,omitempty"`
	// possibleRegime is the regime of the Possible match's list.
	possibleRegime string
}

// Resolution records how a name was matched to a list entity.
type Resolution struct {
	Query       string  `json:"query"`
	EntityID    string  `json:"entity_id"`
	MatchedName string  `json:"matched_name"`
	Score       float64 `json:"score"`
	Explanation string  `json:"explanation,omitempty"`
}

// gEdge is an Edge placed in the graph.
type gEdge struct {
	Edge
	from, to       int32
	fromRes, toRes *Resolution
	active         bool
}

// Graph is the relationship graph of one list snapshot with the derived
// status of every node. It is immutable after Build and safe for
// concurrent use.
type Graph struct {
	opts     Options
	nodes    []Node
	byID     map[string]int32
	byKey    map[string][]int32
	edges    []gEdge
	out, in  [][]int32
	derived  map[int32][]Derivation
	warnings []string
}

// Stats counts what a graph holds.
type Stats struct {
	Nodes   int `json:"nodes"`
	Listed  int `json:"listed"`
	Edges   int `json:"edges"`
	Active  int `json:"active_edges"`
	Blocked int `json:"blocked"`
	Review  int `json:"review"`
}

// Build builds the graph of a list snapshot: the relationships the lists
// state (OFAC "Linked To:", vessel owners, FtM links in Entity.Links) and
// the given edges (ownership files, FtM relationships), with every name
// resolved to a list entity where it matches one, and derives the status
// of every node. It reads only lists and edges; ctx cancels a long build.
func Build(ctx context.Context, ls []*entity.List, edges []Edge, opts Options) (*Graph, error) {
	o := opts.withDefaults()
	g := &Graph{opts: o, byID: make(map[string]int32, len(edges)), byKey: map[string][]int32{}, derived: map[int32][]Derivation{}}
	ents := map[string]*entity.Entity{}
	var order []string
	listOf := map[string]string{}
	for _, l := range ls {
		if l == nil {
			continue
		}
		for i := range l.Entities {
			e := &l.Entities[i]
			if _, dup := ents[e.ID]; dup || e.ID == "" {
				continue
			}
			ents[e.ID] = e
			order = append(order, e.ID)
			ln := e.List
			if ln == "" {
				ln = l.Meta.Name
			}
			listOf[e.ID] = ln
		}
	}
	res := o.Resolver
	if res == nil {
		res = newExactResolver(ents, order)
	}
	b := builder{g: g, ents: ents, listOf: listOf, res: res, cache: map[string]resolved{}}
	all := make([]Edge, 0, len(edges)+64)
	for _, id := range order {
		all = append(all, linkEdges(ents[id])...)
	}
	all = append(all, edges...)
	for i, e := range all {
		if i%4096 == 0 {
			if err := ctx.Err(); err != nil {
				return nil, err
			}
		}
		if !validRelation(e.Relation) {
			return nil, fmt.Errorf("ownership edge %d (%s): unknown relation %q", i+1, e.Source, e.Relation)
		}
		from, fromRes, err := b.node(ctx, e.OwnerID, e.OwnerName, e.Source)
		if err != nil {
			return nil, err
		}
		to, toRes, err := b.node(ctx, e.OwnedID, e.OwnedName, e.Source)
		if err != nil {
			return nil, err
		}
		if from < 0 || to < 0 {
			return nil, fmt.Errorf("ownership edge %d (%s): needs an id or a name at both ends", i+1, e.Source)
		}
		if from == to {
			g.warnings = append(g.warnings, fmt.Sprintf("%s: %s and %s are the same party; edge ignored in derivation", e.Source, first(e.OwnerName, e.OwnerID), first(e.OwnedName, e.OwnedID)))
		}
		ge := gEdge{Edge: e, from: from, to: to, fromRes: fromRes, toRes: toRes, active: from != to && e.active(o.AsOf)}
		g.edges = append(g.edges, ge)
	}
	g.out = make([][]int32, len(g.nodes))
	g.in = make([][]int32, len(g.nodes))
	for i := range g.edges {
		e := &g.edges[i]
		g.out[e.from] = append(g.out[e.from], int32(i))
		g.in[e.to] = append(g.in[e.to], int32(i))
	}
	g.byKey = make(map[string][]int32, len(g.nodes))
	for i, n := range g.nodes {
		k := NameKey(n.Name)
		if k != "" {
			g.byKey[k] = append(g.byKey[k], int32(i))
		}
		if n.Listed {
			for _, a := range ents[n.ID].Aliases {
				if ak := NameKey(a.Name); ak != "" && ak != k {
					g.byKey[ak] = append(g.byKey[ak], int32(i))
				}
			}
		}
	}
	if err := g.derive(ctx); err != nil {
		return nil, err
	}
	sort.Strings(g.warnings)
	return g, nil
}

// builder turns edge ends into nodes.
type builder struct {
	g      *Graph
	ents   map[string]*entity.Entity
	listOf map[string]string
	res    Resolver
	cache  map[string]resolved
}

type resolved struct {
	node int32
	res  *Resolution
}

// node returns the node for an edge end, creating it. An id of a list
// entity links straight to it; an unknown id makes an unlisted node; a
// name alone is resolved with the Resolver.
func (b *builder) node(ctx context.Context, id, name, source string) (int32, *Resolution, error) {
	id, name = strings.TrimSpace(id), strings.TrimSpace(name)
	if id != "" {
		if n, ok := b.g.byID[id]; ok {
			if nd := &b.g.nodes[n]; !nd.Listed && nd.Name == nd.ID && name != "" {
				nd.Name = name
			}
			return n, nil, nil
		}
		if e, ok := b.ents[id]; ok {
			return b.listed(e), nil, nil
		}
		if name == "" {
			name = id
		}
		if looksListed(id) {
			b.g.warnings = append(b.g.warnings, fmt.Sprintf("%s: id %s is not in the loaded lists; %q is taken as unlisted", source, id, name))
		}
		return b.add(Node{ID: id, Name: name}), nil, nil
	}
	if name == "" {
		return -1, nil, nil
	}
	key := NameKey(name)
	if key == "" {
		key = strings.ToLower(name)
	}
	if r, ok := b.cache[key]; ok {
		if r.res != nil {
			rr := *r.res
			rr.Query = name
			return r.node, &rr, nil
		}
		return r.node, nil, nil
	}
	cands, err := b.res.Resolve(ctx, name, "")
	if err != nil {
		return -1, nil, fmt.Errorf("resolve %q (%s): %w", name, source, err)
	}
	best := -1
	for i, c := range cands {
		if c.Entity == nil {
			continue
		}
		if best < 0 || c.Score > cands[best].Score || c.Score == cands[best].Score && c.Entity.ID < cands[best].Entity.ID {
			best = i
		}
	}
	var r resolved
	switch {
	case best >= 0 && cands[best].Score >= b.g.opts.ResolveScore:
		c := cands[best]
		ent := c.Entity
		if e, ok := b.ents[ent.ID]; ok {
			ent = e
		}
		r = resolved{node: b.listed(ent), res: &Resolution{Query: name, EntityID: ent.ID, MatchedName: c.MatchedName, Score: c.Score, Explanation: c.Explanation}}
	default:
		n := Node{ID: "name:" + key, Name: name}
		if best >= 0 && cands[best].Score >= b.g.opts.ResolveReview {
			c := cands[best]
			n.Possible = &Resolution{Query: name, EntityID: c.Entity.ID, MatchedName: c.MatchedName, Score: c.Score, Explanation: c.Explanation}
			n.possibleRegime = b.regimeOf(c.Entity)
		}
		if idx, ok := b.g.byID[n.ID]; ok {
			r = resolved{node: idx}
		} else {
			r = resolved{node: b.add(n)}
		}
	}
	b.cache[key] = r
	return r.node, r.res, nil
}

// looksListed reports whether an id has the prefix of a list source.
func looksListed(id string) bool {
	p, _, ok := strings.Cut(id, ":")
	if !ok {
		return false
	}
	switch p {
	case "un", "ofac", "ofaccons", "eu", "uk", "bis", "own":
		return true
	}
	return false
}

// listName is the list an entity is on.
func (b *builder) listName(e *entity.Entity) string {
	if ln := b.listOf[e.ID]; ln != "" {
		return ln
	}
	return e.List
}

// regimeOf is the regime an entity's list triggers.
func (b *builder) regimeOf(e *entity.Entity) string {
	if reg, ok := b.g.opts.Regimes[b.listName(e)]; ok {
		return reg
	}
	return RegimeOther
}

func (b *builder) listed(e *entity.Entity) int32 {
	if n, ok := b.g.byID[e.ID]; ok {
		return n
	}
	ln, reg := b.listName(e), b.regimeOf(e)
	return b.add(Node{
		ID: e.ID, Name: e.Name, Kind: e.Kind, Listed: true, List: ln, Label: b.g.label(ln),
		Regime: reg, Programs: e.Programs,
	})
}

func (b *builder) add(n Node) int32 {
	i := int32(len(b.g.nodes))
	b.g.nodes = append(b.g.nodes, n)
	b.g.byID[n.ID] = i
	return i
}

func (g *Graph) label(list string) string {
	if l, ok := g.opts.Labels[list]; ok {
		return l
	}
	return strings.ToUpper(list)
}

// linkEdges turns the relationships a list states about an entity into
// edges pointing from owner / director / linking party to the other.
func linkEdges(e *entity.Entity) []Edge {
	var out []Edge
	for _, l := range e.Links {
		if l.Target == "" && strings.TrimSpace(l.TargetName) == "" {
			continue
		}
		src := e.ID + " (list entry: " + strings.ReplaceAll(l.Relation, "_", " ") + ")"
		self := Edge{OwnerID: e.ID, OwnerName: e.Name, OwnedID: l.Target, OwnedName: l.TargetName, Percent: l.Percent, Source: src}
		rev := Edge{OwnerID: l.Target, OwnerName: l.TargetName, OwnedID: e.ID, OwnedName: e.Name, Percent: l.Percent, Source: src}
		switch strings.ToLower(l.Relation) {
		case "owned_by", "subsidiary_of", "asset_of":
			rev.Relation = RelOwns
			out = append(out, rev)
		case "owns", "owner_of", "shareholder_of", "parent_of":
			self.Relation = RelOwns
			out = append(out, self)
		case "director_of", "officer_of", "leader_of", "controls":
			self.Relation, self.Percent = RelDirector, nil
			out = append(out, self)
		case "director", "directed_by", "controlled_by", "officer":
			rev.Relation, rev.Percent = RelDirector, nil
			out = append(out, rev)
		case "family", "family_of", "relative", "relative_of":
			self.Relation, self.Percent = RelFamily, nil
			out = append(out, self)
		case "associate", "associate_of":
			self.Relation, self.Percent = RelAssociate, nil
			out = append(out, self)
		default: // linked_to and anything not known: a link, for review
			self.Relation, self.Percent = RelLinkedTo, nil
			out = append(out, self)
		}
	}
	return out
}

// Stats counts nodes, edges and derived statuses.
func (g *Graph) Stats() Stats {
	if g == nil {
		return Stats{}
	}
	s := Stats{Nodes: len(g.nodes), Edges: len(g.edges)}
	for _, n := range g.nodes {
		if n.Listed {
			s.Listed++
		}
	}
	for _, e := range g.edges {
		if e.active {
			s.Active++
		}
	}
	for _, ds := range g.derived {
		blocked := false
		for _, d := range ds {
			if d.Status == StatusBlocked {
				blocked = true
			}
		}
		if blocked {
			s.Blocked++
		} else if len(ds) > 0 {
			s.Review++
		}
	}
	return s
}

// Warnings lists what Build could not use as given (ids not in the lists,
// self-loops), sorted.
func (g *Graph) Warnings() []string {
	if g == nil {
		return nil
	}
	return append([]string(nil), g.warnings...)
}

// AsOf is the date holdings were judged at.
func (g *Graph) AsOf() string { return g.opts.AsOf }
