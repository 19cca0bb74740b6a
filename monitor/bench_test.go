package monitor_test

import (
	"context"
	"math/rand/v2"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strconv"
	"testing"
	"time"

	"github.com/screen-compliance/screen/engine"
	"github.com/screen-compliance/screen/entity"
	"github.com/screen-compliance/screen/lists"
	"github.com/screen-compliance/screen/lists/store"
	"github.com/screen-compliance/screen/monitor"
	"github.com/screen-compliance/screen/monitor/filestore"
	"github.com/screen-compliance/screen/record"
)

// sharedData returns ../shared/data beside the repository, or "".
func sharedData() string {
	dir, err := os.Getwd()
	if err != nil {
		return ""
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			p := filepath.Join(filepath.Dir(dir), "shared", "data")
			if _, err := os.Stat(p); err == nil {
				return p
			}
			return ""
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return ""
		}
		dir = parent
	}
}

// benchLists returns the lists of the benchmark: UN consolidated and OFAC
// SDN 2021 from ../shared/data, else the built-in sample.
func benchLists(b testing.TB) []*entity.List {
	ctx := context.Background()
	if data := sharedData(); data != "" {
		un, err1 := lists.Load(ctx, filepath.Join(data, "un", "consolidated.xml"), "")
		ofac, err2 := lists.Load(ctx, filepath.Join(data, "ofac", "sdn-2021", "sdn.csv"), "")
		if err1 == nil && err2 == nil {
			return []*entity.List{un, ofac}
		}
		b.Logf("shared data unreadable (%v, %v): the built-in sample instead", err1, err2)
	} else {
		b.Log("../shared/data is absent: the built-in sample instead of UN + OFAC")
	}
	l, err := lists.Builtin()
	if err != nil {
		b.Fatal(err)
	}
	return []*entity.List{l}
}

// changeLists returns the version before (old) and after (new) a change
// of n entities of ls: the first half of the chosen entities are added by
// the change, a quarter get their aliases back, a quarter are removed.
func changeLists(ls []*entity.List, n int, r *rand.Rand) (old, new []*entity.List, chosen []entity.Entity) {
	type ref struct{ l, e int }
	var all []ref
	for li, l := range ls {
		for ei := range l.Entities {
			all = append(all, ref{li, ei})
		}
	}
	r.Shuffle(len(all), func(i, j int) { all[i], all[j] = all[j], all[i] })
	role := map[ref]int{} // 1 added, 2 aliases changed, 3 removed
	want := [4]int{1: n / 2, 2: n / 4, 3: n - n/2 - n/4}
	for _, x := range all {
		k := 1
		for k < 4 && want[k] == 0 {
			k++
		}
		if k == 4 {
			break
		}
		if k == 2 && len(ls[x.l].Entities[x.e].Aliases) == 0 {
			if want[3] == 0 {
				continue
			}
			k = 3 // an alias change needs aliases
		}
		role[x] = k
		want[k]--
		chosen = append(chosen, ls[x.l].Entities[x.e])
	}
	for li, l := range ls {
		o := &entity.List{Meta: l.Meta}
		nw := &entity.List{Meta: l.Meta}
		o.Meta.Version += "-before"
		for ei, e := range l.Entities {
			switch role[ref{li, ei}] {
			case 1:
				nw.Entities = append(nw.Entities, e)
			case 2:
				oe := e
				oe.Aliases = nil
				o.Entities = append(o.Entities, oe)
				nw.Entities = append(nw.Entities, e)
			case 3:
				o.Entities = append(o.Entities, e)
			default:
				o.Entities = append(o.Entities, e)
				nw.Entities = append(nw.Entities, e)
			}
		}
		old, new = append(old, o), append(new, nw)
	}
	return old, new, chosen
}

// benchPortfolio returns a portfolio of n party items: synthetic names,
// the names of the changed entities, and names of other listed entities
// (one item in a hundred), so that the portfolio has hits.
func benchPortfolio(n int, ls []*entity.List, chosen []entity.Entity, r *rand.Rand) *monitor.Portfolio {
	var listed []string
	for _, l := range ls {
		for _, e := range l.Entities {
			listed = append(listed, e.Name)
		}
	}
	recs := make([]record.Record, 0, n)
	add := func(name string) {
		recs = append(recs, record.Record{ID: "P" + strconv.Itoa(len(recs)+1), Source: "portfolio", Row: len(recs) + 1,
			Parties: []record.Party{{Role: record.RoleParty, Name: name}}})
	}
	for _, e := range chosen {
		for _, name := range e.AllNames() {
			add(name)
		}
	}
	for len(recs) < n {
		if r.IntN(100) == 0 {
			add(listed[r.IntN(len(listed))])
			continue
		}
		add(synthName(r))
	}
	p, _ := monitor.Merge(nil, "bench", monitor.NewItems(recs, func(int, *record.Record) string { return "bench" }), true, testTime)
	return p
}

// changingSource serves the old lists until switched.
type changingSource struct{ cur []*entity.List }

func (c *changingSource) lists(context.Context) ([]*entity.List, error) { return c.cur, nil }

// BenchmarkMonitor is issue 20's benchmark: a change of 100 entities of
// UN + OFAC (50 designations, 25 alias changes, 25 delistings) against a
// portfolio of SCREEN_BENCH_PARTIES parties (default 1,000,000), decided by
// a delta run (reverse screening of the changed entities, then the
// affected items) and by a full re-screen of the portfolio. Run it once:
//
//	go test -run '^$' -bench BenchmarkMonitor -benchtime 1x -timeout 60m ./monitor/
//
// The baseline (the first screening of the portfolio) is set up outside
// the timer; its time is logged as a full screen too.
func BenchmarkMonitor(b *testing.B) {
	ctx := context.Background()
	n := 1_000_000
	if v := os.Getenv("SCREEN_BENCH_PARTIES"); v != "" {
		var err error
		if n, err = strconv.Atoi(v); err != nil || n < 1000 {
			b.Fatalf("SCREEN_BENCH_PARTIES=%q: want a number of at least 1000", v)
		}
	}
	r := rand.New(rand.NewPCG(20, 26))
	base := benchLists(b)
	old, new, chosen := changeLists(base, 100, r)
	t0 := time.Now()
	p := benchPortfolio(n, base, chosen, r)
	b.Logf("portfolio of %d items made in %s", len(p.Items), time.Since(t0).Round(time.Millisecond))

	// the change log of the list store, as the store writes it
	ch := &fakeChanges{}
	for i := range old {
		ch.add(old[i], new[i])
	}
	src := &changingSource{cur: old}
	eng, err := engine.New(ctx, engine.WithListSource(src.lists))
	if err != nil {
		b.Fatal(err)
	}
	defer eng.Close()
	st, err := filestore.Open(b.TempDir())
	if err != nil {
		b.Fatal(err)
	}
	t0 = time.Now()
	if err := st.SavePortfolio(ctx, p); err != nil {
		b.Fatal(err)
	}
	b.Logf("portfolio saved in %s", time.Since(t0).Round(time.Millisecond))
	res, err := monitor.Run(ctx, eng, st, ch, "bench", monitor.RunOptions{UpTo: 0})
	if err != nil {
		b.Fatal(err)
	}
	logRun(b, "baseline (full screen of the portfolio)", res)
	ch.publish()
	src.cur = new
	if err := eng.Reload(ctx); err != nil {
		b.Fatal(err)
	}
	before, err := st.PortfolioState(ctx, "bench")
	if err != nil {
		b.Fatal(err)
	}
	// restore puts the state back as the baseline left it, so that every
	// iteration sees the same change
	restore := func() {
		cur, err := st.PortfolioState(ctx, "bench")
		if err != nil {
			b.Fatal(err)
		}
		s := *before
		s.Rev = cur.Rev + 1
		if err := st.SavePortfolioState(ctx, "bench", &s, cur.Rev); err != nil {
			b.Fatal(err)
		}
	}
	var index *monitor.Index
	alerts := map[string][]string{}
	for _, tc := range []struct {
		name string
		o    monitor.RunOptions
	}{
		{"delta", monitor.RunOptions{}},
		{"delta-with-index", monitor.RunOptions{}},
		{"full", monitor.RunOptions{Full: true}},
	} {
		b.Run(tc.name, func(b *testing.B) {
			var last *monitor.Result
			for range b.N {
				b.StopTimer()
				restore()
				runtime.GC()
				o := tc.o
				if tc.name == "delta-with-index" {
					o.Index = index
				}
				b.StartTimer()
				res, err := monitor.Run(ctx, eng, st, ch, "bench", o)
				if err != nil {
					b.Fatal(err)
				}
				last = res
				if res.Index != nil {
					index = res.Index
				}
			}
			b.StopTimer()
			logRun(b, tc.name, last)
			for _, a := range last.Alerts {
				alerts[tc.name] = append(alerts[tc.name], a.Item+" "+a.Kind+" "+a.EntityID)
			}
			slices.Sort(alerts[tc.name])
			if !slices.Equal(alerts[tc.name], alerts["delta"]) {
				b.Errorf("%s raised %d alerts, the delta run %d: they differ", tc.name, len(alerts[tc.name]), len(alerts["delta"]))
			}
			b.ReportMetric(float64(last.Decided), "items_decided")
			b.ReportMetric(float64(len(last.Alerts)), "alerts")
			b.ReportMetric(last.Timing.Total.Seconds(), "s/run")
		})
	}
}

// logRun logs what a run did and where its time went.
func logRun(b *testing.B, what string, res *monitor.Result) {
	tm := res.Timing
	kinds := map[string]int{}
	for _, a := range res.Alerts {
		kinds[a.Kind]++
	}
	b.Logf("%s: mode %s, %d changes of %d entities, %d of %d items decided (%d parties scored), %d alerts %v; "+
		"total %s (load %s, index %s, reverse %s, decide %s, commit %s)",
		what, res.Mode, res.Changes, res.Entities, res.Decided, res.Items, res.Candidates, len(res.Alerts), kinds,
		tm.Total.Round(time.Millisecond), tm.Load.Round(time.Millisecond), tm.Index.Round(time.Millisecond),
		tm.Reverse.Round(time.Millisecond), tm.Decide.Round(time.Millisecond), tm.Commit.Round(time.Millisecond))
}

// fakeChanges is a change log in memory, as the list store records it.
type fakeChanges struct {
	pending, published []*changeSetT
}

func (f *fakeChanges) add(old, new *entity.List) {
	f.pending = append(f.pending, &changeSetT{Seq: int64(len(f.pending) + 1), List: old.Meta.Name,
		From: "old", To: "new", FromVersion: old.Meta.Version, ToVersion: new.Meta.Version, Diff: lists.Diff(old, new)})
}

// publish makes the pending changes visible.
func (f *fakeChanges) publish() { f.published, f.pending = append(f.published, f.pending...), nil }

func (f *fakeChanges) Changes(_ context.Context, after int64) ([]*changeSetT, error) {
	var out []*changeSetT
	for _, c := range f.published {
		if c.Seq > after {
			out = append(out, c)
		}
	}
	return out, nil
}

func (f *fakeChanges) LastChange() (int64, error) {
	if len(f.published) == 0 {
		return 0, nil
	}
	return slices.MaxFunc(f.published, func(a, b *changeSetT) int { return int(a.Seq - b.Seq) }).Seq, nil
}

// changeSetT is one change of the change log.
type changeSetT = store.ChangeSet
