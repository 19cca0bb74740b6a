package monitor_test

import (
	"context"
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"

	"github.com/screen-compliance/screen/engine"
	"github.com/screen-compliance/screen/entity"
	"github.com/screen-compliance/screen/lists"
	"github.com/screen-compliance/screen/monitor"
	"github.com/screen-compliance/screen/names"
	"github.com/screen-compliance/screen/record"
)

// partyItems makes a portfolio of party items named names.
func partyItems(ps ...record.Party) *monitor.Portfolio {
	var recs []record.Record
	for i, p := range ps {
		if p.Role == "" {
			p.Role = record.RoleParty
		}
		recs = append(recs, record.Record{ID: fmt.Sprintf("I%04d", i), Parties: []record.Party{p}})
	}
	p, _ := monitor.Merge(nil, "p", monitor.NewItems(recs, nil), true, testTime)
	return p
}

// candidateNames returns the names of the parties the index proposes for e.
func candidateNames(t *testing.T, ix *monitor.Index, e *entity.Entity) []string {
	t.Helper()
	var out []string
	for _, n := range ix.Candidates(e, ix.Vocabulary().EntityNames(e)) {
		item, party := ix.Party(n)
		out = append(out, ix.Items()[item].Record.Parties[party].Name)
	}
	slices.Sort(out)
	return slices.Compact(out)
}

// TestCandidates: the index proposes the parties that share a name key with
// a listed name: a token, a spelling, a phonetic key, joined tokens, a
// token one edit away or an identifier; common tokens alone propose only
// parties that share two of them.
func TestCandidates(t *testing.T) {
	parties := []record.Party{
		{Name: "Korea Ryonbong General Corporation"},
		{Name: "Laurent Nkunda"},
		{Name: "Lauren Tnkunda"},
		{Name: "Mohammed Al Rashid", Kind: "person"},
		{Name: "Unrelated Vessel", Kind: "vessel", IMO: "9123456"},
		{Name: "Acme Widgets Ltd"},
	}
	// many parties sharing the common words "Global" and "Trading"
	for i := range 1500 {
		parties = append(parties, record.Party{Name: fmt.Sprintf("Global Trading %s", strings.Repeat("x", 1+i%40)+fmt.Sprint(i))})
	}
	parties = append(parties, record.Party{Name: "Zenith Global Trading"})
	p := partyItems(parties...)
	ix, err := monitor.BuildIndex(context.Background(), names.DefaultVocabulary(), p, 2)
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name   string
		entity entity.Entity
		want   []string // must be among the candidates
		not    []string // must not be
	}{
		{"joined tokens", entity.Entity{Kind: entity.KindOrganization, Name: "KOREA RYON BONG GENERAL CORPORATION"}, []string{"Korea Ryonbong General Corporation"}, []string{"Acme Widgets Ltd"}},
		{"a typo in every token", entity.Entity{Kind: entity.KindPerson, Name: "Laurent Nkunda"}, []string{"Laurent Nkunda", "Lauren Tnkunda"}, nil},
		{"a spelling", entity.Entity{Kind: entity.KindPerson, Name: "Muhammad Al-Rashid"}, []string{"Mohammed Al Rashid"}, nil},
		{"an alias", entity.Entity{Kind: entity.KindOrganization, Name: "Something Else", Aliases: []entity.Alias{{Name: "Acme Widgets"}}}, []string{"Acme Widgets Ltd"}, nil},
		{"an identifier", entity.Entity{Kind: entity.KindVessel, Name: "Other Name", Identifiers: []entity.Identifier{{Type: entity.IDIMO, Value: "IMO 9123456"}}}, []string{"Unrelated Vessel"}, nil},
		{"common words need two", entity.Entity{Kind: entity.KindOrganization, Name: "Global Trading"}, []string{"Zenith Global Trading", "Global Trading x0"}, []string{"Acme Widgets Ltd"}},
		{"a rare word before common ones", entity.Entity{Kind: entity.KindOrganization, Name: "Zenith Global Trading"}, []string{"Zenith Global Trading"}, []string{"Global Trading x0"}},
	}
	for _, tc := range tests {
		got := candidateNames(t, ix, &tc.entity)
		for _, w := range tc.want {
			if !slices.Contains(got, w) {
				t.Errorf("%s: %q not among the %d candidates", tc.name, w, len(got))
			}
		}
		for _, w := range tc.not {
			if slices.Contains(got, w) {
				t.Errorf("%s: %q is a candidate", tc.name, w)
			}
		}
	}
}

// TestReverseFindsWhatForwardFinds is the recall property of reverse
// screening: every party that the engine matches to a listed entity (at or
// above the match floor) is among the parties that reverse screening of
// that entity scores at or above the floor. The portfolio holds the names
// and aliases of the built-in list, as given and varied (a typo, a token
// dropped, words swapped, a legal form, another case), among noise.
func TestReverseFindsWhatForwardFinds(t *testing.T) {
	ctx := context.Background()
	l, err := lists.Builtin()
	if err != nil {
		t.Fatal(err)
	}
	eng, err := engine.New(ctx, engine.WithLists(l), engine.WithPartyCache(0))
	if err != nil {
		t.Fatal(err)
	}
	defer eng.Close()
	r := rand.New(rand.NewPCG(7, 9))
	vary := []func(string) string{
		func(s string) string { return s },
		strings.ToLower,
		func(s string) string { // a letter dropped in the longest word
			ws := strings.Fields(s)
			i := 0
			for j, w := range ws {
				if len(w) > len(ws[i]) {
					i = j
				}
			}
			if len(ws[i]) > 4 {
				k := 1 + r.IntN(len(ws[i])-2)
				ws[i] = ws[i][:k] + ws[i][k+1:]
			}
			return strings.Join(ws, " ")
		},
		func(s string) string { // the last word dropped
			ws := strings.Fields(s)
			if len(ws) > 2 {
				ws = ws[:len(ws)-1]
			}
			return strings.Join(ws, " ")
		},
		func(s string) string { // the first two words swapped
			ws := strings.Fields(s)
			if len(ws) > 1 {
				ws[0], ws[1] = ws[1], ws[0]
			}
			return strings.Join(ws, " ")
		},
		func(s string) string { return s + " Co Ltd" },
	}
	var parties []record.Party
	for _, e := range l.Entities {
		for _, n := range e.AllNames() {
			for _, v := range vary {
				parties = append(parties, record.Party{Name: v(n)})
			}
		}
	}
	for range 2000 {
		parties = append(parties, record.Party{Name: synthName(r)})
	}
	p := partyItems(parties...)
	ix, err := monitor.BuildIndex(ctx, eng.Vocabulary(), p, 2)
	if err != nil {
		t.Fatal(err)
	}
	floor := eng.MatchFloor()
	forward := map[string][]int{} // entity id -> party numbers the engine matches
	for i := range p.Items {
		d, _ := eng.Screen(ctx, p.Items[i].Record)
		for _, m := range d.Matches {
			forward[m.EntityID] = append(forward[m.EntityID], i)
		}
	}
	if len(forward) < len(l.Entities)/2 {
		t.Fatalf("the engine matched only %d of %d entities: the portfolio is not a test", len(forward), len(l.Entities))
	}
	vocab := eng.Vocabulary()
	missed, checked := 0, 0
	for i := range l.Entities {
		e := &l.Entities[i]
		ns := vocab.EntityNames(e)
		reverse := map[int]bool{}
		for _, n := range ix.Candidates(e, ns) {
			item, party := ix.Party(n)
			if vocab.NewScorer(engine.PartyQuery(p.Items[item].Record.Parties[party])).Quick(e, ns) >= floor-1e-9 {
				reverse[item] = true
			}
		}
		for _, item := range forward[e.ID] {
			checked++
			if !reverse[item] {
				missed++
				t.Errorf("%s %q: the engine matches party %q, reverse screening does not find it", e.ID, e.Name, p.Items[item].Record.Parties[0].Name)
			}
		}
	}
	t.Logf("%d forward matches of %d entities, %d missed by reverse screening", checked, len(forward), missed)
}
