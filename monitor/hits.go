package monitor

import (
	"cmp"
	"fmt"
	"slices"
	"strconv"

	"github.com/screen-compliance/screen/record"
)

// HitsOf returns the hits of a decision: its matches that a reason counting
// toward the decision (not suppressed) cites as evidence, each with the
// most severe citing reason's severity and the citing rules, by party then
// entity id. A match no reason cites is context (a name below the policy's
// lines), not a hit.
func HitsOf(d *record.Decision) []Hit {
	type cite struct {
		severity string
		rules    []string
	}
	cited := map[int]*cite{}
	for _, r := range d.Reasons {
		if r.SuppressedBy != "" {
			continue
		}
		for _, ev := range r.Evidence {
			p, err := record.ParsePointer(ev)
			if err != nil || p.Section != record.PtrMatches || p.Index < 0 || p.Index >= len(d.Matches) {
				continue
			}
			c := cited[p.Index]
			if c == nil {
				c = &cite{}
				cited[p.Index] = c
			}
			if record.Severity(r.Severity) > record.Severity(c.severity) || c.severity == "" {
				c.severity = r.Severity
			}
			if !slices.Contains(c.rules, r.Rule) {
				c.rules = append(c.rules, r.Rule)
			}
		}
	}
	byKey := map[hitKey]Hit{}
	for i, c := range cited {
		m := &d.Matches[i]
		slices.Sort(c.rules)
		h := Hit{EntityID: m.EntityID, List: m.List, Name: m.Name, Party: m.Party, Role: m.Role, Query: m.Query,
			HitState: record.HitState{MatchedName: m.MatchedName, Score: m.Score, Severity: c.severity, Rules: c.rules}}
		k := hitKey{party: m.Party, entity: m.EntityID}
		if prev, ok := byKey[k]; ok {
			// the same entity cited twice for one party: keep the stronger
			if record.Severity(prev.Severity) > record.Severity(h.Severity) ||
				(prev.Severity == h.Severity && prev.Score >= h.Score) {
				continue
			}
		}
		byKey[k] = h
	}
	out := make([]Hit, 0, len(byKey))
	for _, h := range byKey {
		out = append(out, h)
	}
	slices.SortFunc(out, func(a, b Hit) int {
		if c := cmp.Compare(a.Party, b.Party); c != 0 {
			return c
		}
		return cmp.Compare(a.EntityID, b.EntityID)
	})
	return out
}

// hitKey identifies a hit: a party and an entity.
type hitKey struct {
	party  int
	entity string
}

// StateOf is what a decision leaves as an item's state.
func StateOf(d *record.Decision) ItemState {
	return ItemState{Decision: d.Decision, Hits: HitsOf(d), Error: d.Error}
}

// Causes says why a hit changed: the list change of an entity, if any, and
// the cause of changes no entity change explains.
type Causes struct {
	// Entity returns the cause of a change of the entity's hits, if the
	// entity changed.
	Entity func(id string) (record.AlertCause, bool)
	// Other is the cause of changes that no entity change explains.
	Other record.AlertCause
}

// cause returns the cause for entity id.
func (c Causes) cause(id string) (record.AlertCause, bool) {
	if c.Entity != nil && id != "" {
		if cs, ok := c.Entity(id); ok {
			return cs, true
		}
	}
	return c.Other, false
}

// Compare returns the alerts that the change of an item's state from old
// to the new decision d raises: a new hit for each hit d has that old had
// not, a removed hit for each hit old had that d has not, a changed hit
// for a hit both have whose entity changed or whose score, matched name,
// severity or rules changed; when the hits are the same but the decision
// changed, one decision changed alert; when d could not be decided (error)
// and old was, one error alert (the old hits stand). The alerts come in
// party and entity order.
func Compare(old ItemState, d *record.Decision, causes Causes) []record.Alert {
	prev := old.Decision
	if prev == "" {
		prev = record.Clear
	}
	base := record.Alert{PreviousDecision: prev, Decision: d.Decision, Party: -1}
	if d.Decision == record.Error {
		if prev == record.Error {
			return nil
		}
		a := base
		a.Kind, a.Cause = record.AlertError, causes.Other
		a.Message = fmt.Sprintf("could not be decided again (%s); its previous decision %s and hits stand until it can", d.Error, prev)
		return []record.Alert{a}
	}
	newHits := HitsOf(d)
	oldBy := map[hitKey]Hit{}
	for _, h := range old.Hits {
		oldBy[hitKey{h.Party, h.EntityID}] = h
	}
	newBy := map[hitKey]Hit{}
	for _, h := range newHits {
		newBy[hitKey{h.Party, h.EntityID}] = h
	}
	var out []record.Alert
	hitAlert := func(kind string, h Hit, before, after *record.HitState) {
		a := base
		a.Kind, a.EntityID, a.List, a.Name = kind, h.EntityID, h.List, h.Name
		a.Party, a.Role, a.Query = h.Party, h.Role, h.Query
		a.Before, a.After = before, after
		a.Cause, _ = causes.cause(h.EntityID)
		a.Message = alertMessage(&a)
		out = append(out, a)
	}
	for _, h := range newHits {
		k := hitKey{h.Party, h.EntityID}
		o, had := oldBy[k]
		after := h.HitState
		switch {
		case !had:
			hitAlert(record.AlertNewHit, h, nil, &after)
		default:
			// a changed listing is news even when the hit is the same; a
			// change of a related entity only when it changed the hit
			c, has := causes.cause(h.EntityID)
			entityChanged := has && c.Change != record.CauseRelated
			if entityChanged || !sameHit(o.HitState, h.HitState) {
				before := o.HitState
				hitAlert(record.AlertHitChanged, h, &before, &after)
			}
		}
	}
	for _, o := range old.Hits {
		if _, still := newBy[hitKey{o.Party, o.EntityID}]; !still {
			before := o.HitState
			hitAlert(record.AlertHitRemoved, o, &before, nil)
		}
	}
	if len(out) == 0 && prev != d.Decision {
		a := base
		a.Kind, a.Cause = record.AlertDecisionChanged, causes.Other
		a.Message = alertMessage(&a)
		out = append(out, a)
	}
	slices.SortStableFunc(out, func(a, b record.Alert) int {
		if c := cmp.Compare(a.Party, b.Party); c != 0 {
			return c
		}
		return cmp.Compare(a.EntityID, b.EntityID)
	})
	return out
}

// sameHit says whether two states of a hit agree on what a reviewer sees.
func sameHit(a, b record.HitState) bool {
	return a.Score == b.Score && a.MatchedName == b.MatchedName && a.Severity == b.Severity && slices.Equal(a.Rules, b.Rules)
}

// alertMessage says an alert in one sentence.
func alertMessage(a *record.Alert) string {
	party := fmt.Sprintf("%s %q", a.Role, a.Query)
	entity := a.EntityID
	if a.Name != "" {
		entity += " " + a.Name
	}
	var s string
	switch a.Kind {
	case record.AlertNewHit:
		s = fmt.Sprintf("%s now matches %s (%s, score %s)", party, entity, a.After.Severity, score(a.After.Score))
	case record.AlertHitRemoved:
		s = fmt.Sprintf("%s no longer matches %s (was %s, score %s)", party, entity, a.Before.Severity, score(a.Before.Score))
	case record.AlertHitChanged:
		s = fmt.Sprintf("%s still matches %s", party, entity)
		if a.Before.Severity != a.After.Severity || a.Before.Score != a.After.Score {
			s += fmt.Sprintf(" (%s, score %s → %s, score %s)", a.Before.Severity, score(a.Before.Score), a.After.Severity, score(a.After.Score))
		}
		if a.Before.MatchedName != a.After.MatchedName {
			s += fmt.Sprintf(", now as %q (was %q)", a.After.MatchedName, a.Before.MatchedName)
		}
	case record.AlertDecisionChanged:
		s = fmt.Sprintf("the decision went from %s to %s with the same hits", a.PreviousDecision, a.Decision)
	default:
		s = a.Kind
	}
	if a.Cause.Detail != "" {
		s += ": " + a.Cause.Detail
	}
	if a.PreviousDecision != a.Decision && a.Kind != record.AlertDecisionChanged {
		s += fmt.Sprintf(" (decision %s → %s)", a.PreviousDecision, a.Decision)
	}
	return s
}

// score formats a score.
func score(f float64) string { return strconv.FormatFloat(f, 'f', -1, 64) }
