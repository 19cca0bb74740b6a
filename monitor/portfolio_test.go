package monitor

import (
	"slices"
	"testing"
	"time"

	"github.com/screen-compliance/screen/record"
)

func TestMerge(t *testing.T) {
	now := time.Date(2026, 11, 20, 9, 30, 0, 0, time.UTC)
	rec := func(id, name, src string) record.Record {
		return record.Record{ID: id, Source: src, Row: len(id), Parties: []record.Party{{Role: record.RoleParty, Name: name}}}
	}
	old, c := Merge(nil, "p", NewItems([]record.Record{rec("A", "Alpha", "a.csv"), rec("B", "Beta", "a.csv"), rec("C", "Gamma", "a.csv")}, nil), true, now)
	if c != (MergeCounts{Added: 3}) || old.Rev != 1 {
		t.Fatalf("new portfolio: %+v rev %d", c, old.Rev)
	}
	next := NewItems([]record.Record{rec("A", "Alpha", "other-name.csv"), rec("B", "Beta Changed", "a.csv"), rec("D", "Delta", "a.csv")}, nil)
	tests := []struct {
		name    string
		replace bool
		want    MergeCounts
		keys    []string
		revs    []int64
	}{
		// A read from another file is unchanged and keeps its revision
		{"add", false, MergeCounts{Added: 1, Updated: 1, Unchanged: 1}, []string{"A", "B", "C", "D"}, []int64{1, 2, 1, 2}},
		{"replace", true, MergeCounts{Added: 1, Updated: 1, Unchanged: 1, Removed: 1}, []string{"A", "B", "D"}, []int64{1, 2, 2}},
	}
	for _, tc := range tests {
		p, c := Merge(old, "p", next, tc.replace, now.Add(time.Hour))
		var keys []string
		var revs []int64
		for _, it := range p.Items {
			keys, revs = append(keys, it.Key), append(revs, it.Rev)
		}
		if c != tc.want || !slices.Equal(keys, tc.keys) || !slices.Equal(revs, tc.revs) || p.Rev != 2 || !p.CreatedAt.Equal(now) {
			t.Errorf("%s: %+v keys %v revs %v rev %d", tc.name, c, keys, revs, p.Rev)
		}
	}
	// keys: the id, else file and row; a key met again is numbered
	items := NewItems([]record.Record{{ID: "X"}, {ID: "X"}, {Source: "dir/p.csv", Row: 4}}, nil)
	if got := []string{items[0].Key, items[1].Key, items[2].Key}; !slices.Equal(got, []string{"X", "X#2", "p.csv:4"}) {
		t.Errorf("keys %v", got)
	}
	for _, bad := range []string{"", ".hidden", "a/b", "x y", string(make([]byte, 65))} {
		if ValidName(bad) == nil {
			t.Errorf("ValidName(%q) accepted", bad)
		}
	}
}
