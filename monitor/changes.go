package monitor

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"github.com/screen-compliance/screen/entity"
	"github.com/screen-compliance/screen/lists/store"
	"github.com/screen-compliance/screen/record"
)

// Changes is a list store's change log (lists/store.Store implements it).
type Changes interface {
	// Changes returns the recorded changes after sequence number after,
	// oldest first.
	Changes(ctx context.Context, after int64) ([]*store.ChangeSet, error)
	// LastChange returns the sequence number of the newest change.
	LastChange() (int64, error)
}

// changeSet is one change of the list store's change log.
type changeSet = store.ChangeSet

// entityChange is the net change of one entity over several list changes.
type entityChange struct {
	id, list string
	// kind is record.CauseAdded, CauseRemoved or CauseChanged
	kind string
	// old is the entity before the first change (nil when added), new
	// after the last (nil when removed)
	old, new *entity.Entity
	fields   []string
	// seq and the versions are those of the last change
	seq                    int64
	fromVersion, toVersion string
}

// cause describes the change as an alert's cause.
func (c *entityChange) cause() record.AlertCause {
	ac := record.AlertCause{Change: c.kind, List: c.list, EntityID: c.id, Fields: c.fields, Seq: c.seq,
		FromVersion: c.fromVersion, ToVersion: c.toVersion}
	name := ""
	switch {
	case c.new != nil:
		name = c.new.Name
	case c.old != nil:
		name = c.old.Name
	}
	versions := ""
	if c.fromVersion != "" || c.toVersion != "" {
		versions = fmt.Sprintf(", %s → %s", orDash(c.fromVersion), orDash(c.toVersion))
	}
	switch c.kind {
	case record.CauseAdded:
		ac.Detail = fmt.Sprintf("%s %s was added to list %s (change %d%s)", c.id, name, c.list, c.seq, versions)
	case record.CauseRemoved:
		ac.Detail = fmt.Sprintf("%s %s was removed from list %s: delisted (change %d%s)", c.id, name, c.list, c.seq, versions)
	default:
		ac.Detail = fmt.Sprintf("%s %s changed in list %s: %s (change %d%s)", c.id, name, c.list, strings.Join(c.fields, ", "), c.seq, versions)
	}
	return ac
}

func orDash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}

// changeTable folds list changes into the net change of each entity they
// touch. An entity added and removed again within them changed nothing.
func changeTable(cs []*store.ChangeSet) map[string]*entityChange {
	type event struct {
		before, after *entity.Entity
		fields        []string
	}
	t := map[string]*entityChange{}
	apply := func(c *store.ChangeSet, id string, ev event) {
		ec := t[id]
		if ec == nil {
			ec = &entityChange{id: id, list: c.List, old: ev.before}
			t[id] = ec
		}
		ec.new = ev.after
		for _, f := range ev.fields {
			if !slices.Contains(ec.fields, f) {
				ec.fields = append(ec.fields, f)
			}
		}
		ec.seq, ec.fromVersion, ec.toVersion = c.Seq, c.FromVersion, c.ToVersion
		if ec.list == "" {
			ec.list = c.List
		}
	}
	for _, c := range cs {
		for i := range c.Diff.Added {
			e := &c.Diff.Added[i]
			apply(c, e.ID, event{after: e})
		}
		for i := range c.Diff.Removed {
			e := &c.Diff.Removed[i]
			apply(c, e.ID, event{before: e})
		}
		for i := range c.Diff.Changed {
			ch := &c.Diff.Changed[i]
			apply(c, ch.ID, event{before: &ch.Old, after: &ch.New, fields: ch.Fields})
		}
	}
	for id, ec := range t {
		switch {
		case ec.old == nil && ec.new == nil:
			delete(t, id)
		case ec.old == nil:
			ec.kind, ec.fields = record.CauseAdded, nil
		case ec.new == nil:
			ec.kind, ec.fields = record.CauseRemoved, nil
		default:
			ec.kind = record.CauseChanged
			slices.Sort(ec.fields)
		}
	}
	return t
}
