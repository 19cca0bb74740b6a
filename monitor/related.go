package monitor

import (
	"fmt"
	"maps"
	"slices"

	"github.com/screen-compliance/screen/entity"
	"github.com/screen-compliance/screen/ownership"
	"github.com/screen-compliance/screen/record"
)

// maxRelated bounds the nodes of the relationship graph a change may
// reach; a change that reaches more is decided by a full run.
const maxRelated = 50_000

// relatedNode is a node of the relationship graph whose derived status may
// change with a list change: it is owned, controlled by or linked to a
// changed entity, directly or down a chain.
type relatedNode struct {
	node ownership.Node
	// via is the changed entity it was reached from, and relation the
	// relationship of the first step ("owns", "linked_to", ...).
	via, relation string
}

// relatedNodes walks the relationship graph from the changed entities as
// the graph derives statuses (package ownership): down their holdings,
// transitively (the 50 % cascade), and from every node so reached one step
// along its other relationships, both ways ("Linked To", directors,
// relatives, associates), and from there down holdings again (control
// extends to what an entity owns); it also starts from the link targets of
// the old and new versions (a removed entity is no longer a node of the
// graph). It returns the nodes reached that are not changed themselves, by
// id, and false when there are more than maxRelated.
func relatedNodes(g *ownership.Graph, table map[string]*entityChange) (map[string]relatedNode, bool) {
	out := map[string]relatedNode{}
	if g == nil || len(table) == 0 {
		return out, true
	}
	type item struct {
		id, via, relation string
		// linked is true once the walk took a relationship other than
		// ownership: from there it goes down holdings only
		linked bool
	}
	var queue []item
	// seen: 1 when reached after a link, 2 when reached down holdings only
	seen := map[string]int{}
	push := func(it item) {
		level := 2
		if it.linked {
			level = 1
		}
		if it.id == "" || seen[it.id] >= level {
			return
		}
		seen[it.id] = level
		queue = append(queue, it)
	}
	byName := func(name string, it item) {
		key := ownership.NameKey(name)
		if key == "" {
			return
		}
		for _, n := range g.Lookup(name) {
			if ownership.NameKey(n.Name) == key {
				it.id = n.ID
				push(it)
			}
		}
	}
	for _, id := range slices.Sorted(maps.Keys(table)) {
		ec := table[id]
		push(item{id: id, via: id})
		for _, e := range []*entity.Entity{ec.old, ec.new} {
			if e == nil {
				continue
			}
			byName(e.Name, item{via: id})
			for _, l := range e.Links {
				it := item{id: l.Target, via: id, relation: l.Relation, linked: true}
				push(it)
				if l.Target == "" {
					byName(l.TargetName, it)
				}
			}
		}
	}
	for len(queue) > 0 {
		it := queue[0]
		queue = queue[1:]
		r, ok := g.Describe(it.id)
		if !ok {
			continue
		}
		if _, changed := table[it.id]; !changed {
			if prev, ok := out[it.id]; !ok || prev.relation != "" && it.relation == "" {
				out[it.id] = relatedNode{node: r.Node, via: it.via, relation: it.relation}
			}
			if len(out) > maxRelated {
				return out, false
			}
		}
		step := func(s ownership.Step, linked bool) {
			rel := it.relation
			if rel == "" {
				rel = s.Relation
			}
			for _, id := range []string{s.OwnerID, s.OwnedID} {
				if id != it.id {
					push(item{id: id, via: it.via, relation: rel, linked: linked})
				}
			}
		}
		for _, s := range r.Holdings {
			step(s, it.linked)
		}
		if !it.linked {
			for _, s := range r.Links {
				step(s, true)
			}
		}
	}
	return out, true
}

// cause describes the related node's change as an alert's cause.
func (rn relatedNode) cause(table map[string]*entityChange) record.AlertCause {
	ec := table[rn.via]
	c := ec.cause()
	rel := rn.relation
	if rel == "" {
		rel = "related"
	}
	c.Change, c.EntityID = record.CauseRelated, rn.via
	c.Detail = fmt.Sprintf("%s %s is related (%s) to %s", rn.node.ID, rn.node.Name, rel, c.Detail)
	return c
}

// pseudoEntity is an unlisted node of the graph as an entity to screen the
// portfolio against (a party of that name gets the node's findings).
func pseudoEntity(n ownership.Node) *entity.Entity {
	return &entity.Entity{ID: n.ID, Kind: n.Kind, Name: n.Name}
}
