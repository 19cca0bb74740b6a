package monitor_test

import (
	"context"
	"math/rand/v2"
	"slices"
	"strconv"
	"testing"

	"github.com/screen-compliance/screen/engine"
	"github.com/screen-compliance/screen/monitor"
	"github.com/screen-compliance/screen/monitor/filestore"
	"github.com/screen-compliance/screen/record"
)

// TestDeltaAgreesWithFull holds delta runs to full re-screens on the real
// lists: a portfolio of every UN and OFAC SDN entity's name, a change of 100
// entities (designations, alias changes, delistings), and the alerts of
// the delta run are exactly those of a full re-screen from the same state,
// the findings that reach parties through the lists' relationships ("Linked
// To", ownership) included.
func TestDeltaAgreesWithFull(t *testing.T) {
	if testing.Short() {
		t.Skip("screens the portfolio three times (-short)")
	}
	if sharedData() == "" {
		t.Skip("../shared/data is absent: the real lists are needed")
	}
	ctx := context.Background()
	base := benchLists(t)
	old, new, _ := changeLists(base, 100, rand.New(rand.NewPCG(20, 26)))
	var recs []record.Record
	for _, l := range base {
		for _, e := range l.Entities {
			recs = append(recs, record.Record{ID: "P" + strconv.Itoa(len(recs)+1), Parties: []record.Party{{Role: record.RoleParty, Name: e.Name}}})
		}
	}
	p, _ := monitor.Merge(nil, "all", monitor.NewItems(recs, nil), true, testTime)
	ch := &fakeChanges{}
	for i := range old {
		ch.add(old[i], new[i])
	}
	src := &changingSource{cur: old}
	eng, err := engine.New(ctx, engine.WithListSource(src.lists))
	if err != nil {
		t.Fatal(err)
	}
	defer eng.Close()
	st, err := filestore.Open(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	if err := st.SavePortfolio(ctx, p); err != nil {
		t.Fatal(err)
	}
	if _, err := monitor.Run(ctx, eng, st, ch, "all", monitor.RunOptions{}); err != nil {
		t.Fatal(err)
	}
	before, err := st.PortfolioState(ctx, "all")
	if err != nil {
		t.Fatal(err)
	}
	ch.publish()
	src.cur = new
	if err := eng.Reload(ctx); err != nil {
		t.Fatal(err)
	}
	delta, err := monitor.Run(ctx, eng, st, ch, "all", monitor.RunOptions{})
	if err != nil {
		t.Fatal(err)
	}
	cur, err := st.PortfolioState(ctx, "all")
	if err != nil {
		t.Fatal(err)
	}
	s := *before
	s.Rev = cur.Rev + 1
	if err := st.SavePortfolioState(ctx, "all", &s, cur.Rev); err != nil {
		t.Fatal(err)
	}
	full, err := monitor.Run(ctx, eng, st, ch, "all", monitor.RunOptions{Full: true})
	if err != nil {
		t.Fatal(err)
	}
	key := func(res *monitor.Result) []string {
		var out []string
		for _, a := range res.Alerts {
			out = append(out, a.Item+" "+a.Kind+" "+a.EntityID+" "+a.Cause.Change)
		}
		slices.Sort(out)
		return out
	}
	d, f := key(delta), key(full)
	t.Logf("%d items; delta: %d decided, %d related nodes, %d alerts; full: %d alerts", len(p.Items), delta.Decided, delta.Related, len(d), len(f))
	if delta.Mode != monitor.ModeDelta || len(d) == 0 {
		t.Fatalf("delta run: mode %s (%s), %d alerts", delta.Mode, delta.Reason, len(d))
	}
	for _, a := range f {
		if !slices.Contains(d, a) {
			t.Errorf("the full re-screen raised %q, the delta run did not", a)
		}
	}
	for _, a := range d {
		if !slices.Contains(f, a) {
			t.Errorf("the delta run raised %q, the full re-screen did not", a)
		}
	}
}
