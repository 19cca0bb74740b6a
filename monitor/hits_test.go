package monitor

import (
	"maps"
	"slices"
	"testing"

	"github.com/screen-compliance/screen/entity"
	"github.com/screen-compliance/screen/lists"
	"github.com/screen-compliance/screen/lists/store"
	"github.com/screen-compliance/screen/record"
)

// decided is a decision with matches, the first cited by a block reason
// and the second by a review reason, the third cited by none.
func decided(dec string, ms ...record.Match) record.Decision {
	d := record.Decision{ID: "R1", Decision: dec, Matches: ms}
	sev := []string{record.Block, record.Review}
	for i := range ms {
		if i < len(sev) {
			d.Reasons = append(d.Reasons, record.Reason{Rule: "sanctions.match." + sev[i], Severity: sev[i], Evidence: []string{record.Item(record.PtrMatches, i).String(), "parties[0]"}})
		}
	}
	return d
}

func match(entityID string, score float64) record.Match {
	return record.Match{Role: "party", Party: 0, Query: "Q", EntityID: entityID, List: "un", Name: "N " + entityID, MatchedName: "N " + entityID, Score: score}
}

func TestHitsOf(t *testing.T) {
	d := decided(record.Block, match("un:A", 0.97), match("un:B", 0.85), match("un:C", 0.77))
	d.Reasons = append(d.Reasons, record.Reason{Rule: "other", Severity: record.Review, Evidence: []string{"matches[0]"}},
		record.Reason{Rule: "suppressed", Severity: record.Block, Evidence: []string{"matches[2]"}, SuppressedBy: "KYC 1"})
	hs := HitsOf(&d)
	var got []string
	for _, h := range hs {
		got = append(got, h.EntityID+" "+h.Severity)
	}
	// un:C is context (no counting reason cites it)
	if !slices.Equal(got, []string{"un:A block", "un:B review"}) || !slices.Equal(hs[0].Rules, []string{"other", "sanctions.match.block"}) {
		t.Errorf("hits %v, rules %v", got, hs[0].Rules)
	}
}

func TestCompare(t *testing.T) {
	changed := Causes{
		Other: record.AlertCause{Change: record.CauseLists, Detail: "lists"},
		Entity: func(id string) (record.AlertCause, bool) {
			if id == "un:A" {
				return record.AlertCause{Change: record.CauseChanged, EntityID: id, Detail: "aliases"}, true
			}
			return record.AlertCause{}, false
		},
	}
	before := func(d record.Decision) ItemState { return StateOf(&d) }
	tests := []struct {
		name string
		old  ItemState
		now  record.Decision
		want []string
	}{
		{"nothing before, nothing now", ItemState{}, decided(record.Clear), nil},
		{"a new hit", ItemState{}, decided(record.Block, match("un:B", 0.97)), []string{"new_hit un:B lists"}},
		{"a hit removed", before(decided(record.Block, match("un:B", 0.97))), decided(record.Clear), []string{"hit_removed un:B lists"}},
		{"the same hit", before(decided(record.Block, match("un:B", 0.97))), decided(record.Block, match("un:B", 0.97)), nil},
		{"a new score", before(decided(record.Block, match("un:B", 0.97))), decided(record.Block, match("un:B", 0.95)), []string{"hit_changed un:B lists"}},
		{"the same hit of a changed entity", before(decided(record.Block, match("un:A", 1))), decided(record.Block, match("un:A", 1)), []string{"hit_changed un:A changed"}},
		{"a hit swapped", before(decided(record.Block, match("un:B", 0.97))), decided(record.Block, match("un:C", 0.97)), []string{"new_hit un:C lists", "hit_removed un:B lists"}},
		{"the decision alone", ItemState{Decision: record.Review}, decided(record.Block), []string{"decision_changed  lists"}},
		{"an error", before(decided(record.Block, match("un:B", 0.97))), record.Decision{Decision: record.Error, Error: "boom"}, []string{"error  lists"}},
		{"an error again", ItemState{Decision: record.Error}, record.Decision{Decision: record.Error}, nil},
	}
	for _, tc := range tests {
		var got []string
		for _, a := range Compare(tc.old, &tc.now, changed) {
			got = append(got, a.Kind+" "+a.EntityID+" "+a.Cause.Change)
			if a.Message == "" || a.Decision != tc.now.Decision {
				t.Errorf("%s: alert %+v", tc.name, a)
			}
		}
		slices.Sort(got)
		want := slices.Clone(tc.want)
		slices.Sort(want)
		if !slices.Equal(got, want) {
			t.Errorf("%s: %v, want %v", tc.name, got, want)
		}
	}
}

func TestChangeTable(t *testing.T) {
	e := func(id, name string) entity.Entity { return entity.Entity{ID: id, Name: name} }
	cs := []*store.ChangeSet{
		{Seq: 1, List: "un", Diff: lists.ListDiff{Added: []entity.Entity{e("un:A", "A"), e("un:T", "T")}, Removed: []entity.Entity{e("un:R", "R")}}},
		{Seq: 2, List: "un", Diff: lists.ListDiff{Removed: []entity.Entity{e("un:T", "T")},
			Changed: []lists.Change{{ID: "un:A", Fields: []string{"aliases"}, Old: e("un:A", "A"), New: e("un:A", "A2")}}}},
		{Seq: 3, List: "un", Diff: lists.ListDiff{Added: []entity.Entity{e("un:R", "R")},
			Changed: []lists.Change{{ID: "un:C", Fields: []string{"programs"}, Old: e("un:C", "C"), New: e("un:C", "C")}}}},
	}
	tab := changeTable(cs)
	var got []string
	for _, id := range slices.Sorted(maps.Keys(tab)) {
		c := tab[id]
		got = append(got, id+" "+c.kind)
	}
	// un:T came and went; un:R went and came back (changed); un:A was
	// added, then changed: added
	if want := []string{"un:A added", "un:C changed", "un:R changed"}; !slices.Equal(got, want) {
		t.Errorf("table %v, want %v", got, want)
	}
	if tab["un:A"].new.Name != "A2" || tab["un:A"].seq != 2 || tab["un:C"].cause().Fields[0] != "programs" {
		t.Errorf("un:A %+v, un:C %+v", tab["un:A"], tab["un:C"])
	}
}
