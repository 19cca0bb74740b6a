package monitor_test

import (
	"context"
	"errors"
	"slices"
	"strings"
	"testing"

	"github.com/screen-compliance/screen/engine"
	"github.com/screen-compliance/screen/entity"
	"github.com/screen-compliance/screen/lists/store"
	"github.com/screen-compliance/screen/monitor"
	"github.com/screen-compliance/screen/monitor/filestore"
	"github.com/screen-compliance/screen/policies"
	"github.com/screen-compliance/screen/record"
)

// smallPortfolio saves a portfolio of the parties named like the base
// entities, and one other.
func smallPortfolio(t *testing.T, st monitor.Store) *monitor.Portfolio {
	t.Helper()
	var ps []record.Party
	for _, e := range baseEntities() {
		ps = append(ps, record.Party{Name: e.Name})
	}
	ps = append(ps, record.Party{Name: "Acme Widgets Ltd"})
	p := partyItems(ps...)
	if err := st.SavePortfolio(context.Background(), p); err != nil {
		t.Fatal(err)
	}
	return p
}

func listOf(version string, ents []entity.Entity) *entity.List {
	return &entity.List{Meta: entity.Metadata{Name: "watch", Version: version}, Entities: ents}
}

func alertKinds(res *monitor.Result) []string {
	var out []string
	for _, a := range res.Alerts {
		out = append(out, a.Item+" "+a.Kind+" "+a.Cause.Change)
	}
	return out
}

// A change of the policies decides every item again, and the alerts it
// raises name the policies as their cause.
func TestRunFullWhenPoliciesChange(t *testing.T) {
	ctx := context.Background()
	st, err := filestore.Open(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	smallPortfolio(t, st)
	l := listOf("v1", baseEntities())
	eng, err := engine.New(ctx, engine.WithLists(l))
	if err != nil {
		t.Fatal(err)
	}
	defer eng.Close()
	if _, err := monitor.Run(ctx, eng, st, nil, "p", monitor.RunOptions{}); err != nil {
		t.Fatal(err)
	}
	// the strong-match rule left out: no hit blocks any more
	eng2, err := engine.New(ctx, engine.WithLists(l), engine.WithPolicy(policies.Options{Disabled: []string{"sanctions.match.strong"}}))
	if err != nil {
		t.Fatal(err)
	}
	defer eng2.Close()
	res, err := monitor.Run(ctx, eng2, st, nil, "p", monitor.RunOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if res.Mode != monitor.ModeFull || res.Decided != 6 {
		t.Errorf("mode %s (%s), %d decided; want full, 6", res.Mode, res.Reason, res.Decided)
	}
	if len(res.Alerts) != 5 {
		t.Fatalf("alerts %v, want one per item that had a hit", alertKinds(res))
	}
	for _, a := range res.Alerts {
		if a.Cause.Change != record.CausePolicy || a.Before == nil || a.Before.Severity != record.Block || a.Decision == record.Block {
			t.Errorf("%s %s: cause %s, before %+v, decision %s", a.Item, a.Kind, a.Cause.Change, a.Before, a.Decision)
		}
	}
}

// Lists loaded from files have no change log: a new version decides every
// item again, and the alerts name the lists as their cause.
func TestRunFullWithoutChangeLog(t *testing.T) {
	ctx := context.Background()
	st, err := filestore.Open(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	smallPortfolio(t, st)
	eng, err := engine.New(ctx, engine.WithLists(listOf("v1", baseEntities())))
	if err != nil {
		t.Fatal(err)
	}
	defer eng.Close()
	if _, err := monitor.Run(ctx, eng, st, nil, "p", monitor.RunOptions{}); err != nil {
		t.Fatal(err)
	}
	// the same versions: nothing to do
	if res, err := monitor.Run(ctx, eng, st, nil, "p", monitor.RunOptions{}); err != nil || res.Mode != monitor.ModeDelta || res.Decided != 0 {
		t.Fatalf("same lists: %+v, %v", res, err)
	}
	eng2, err := engine.New(ctx, engine.WithLists(listOf("v2", baseEntities()[1:])))
	if err != nil {
		t.Fatal(err)
	}
	defer eng2.Close()
	res, err := monitor.Run(ctx, eng2, st, nil, "p", monitor.RunOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if res.Mode != monitor.ModeFull || !slices.Equal(alertKinds(res), []string{"I0000 hit_removed lists"}) {
		t.Errorf("mode %s (%s), alerts %v; want full and I0000's hit removed", res.Mode, res.Reason, alertKinds(res))
	}
}

// Items added to a screened portfolio are screened as new: no alert for
// their hits, and the state keeps the list change it was at.
func TestRunBaselineOfNewItems(t *testing.T) {
	ctx := context.Background()
	st, err := filestore.Open(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	p := smallPortfolio(t, st)
	eng, err := engine.New(ctx, engine.WithLists(listOf("v1", baseEntities())))
	if err != nil {
		t.Fatal(err)
	}
	defer eng.Close()
	if _, err := monitor.Run(ctx, eng, st, nil, "p", monitor.RunOptions{}); err != nil {
		t.Fatal(err)
	}
	more := monitor.NewItems([]record.Record{{ID: "NEW", Parties: []record.Party{{Role: record.RoleParty, Name: "Red Mountain Mining Corporation"}}}}, nil)
	p2, counts := monitor.Merge(p, "p", more, false, testTime)
	if counts.Added != 1 || counts.Unchanged != 0 || len(p2.Items) != 7 {
		t.Fatalf("merge: %+v, %d items", counts, len(p2.Items))
	}
	if err := st.SavePortfolio(ctx, p2); err != nil {
		t.Fatal(err)
	}
	res, err := monitor.Run(ctx, eng, st, nil, "p", monitor.RunOptions{BaselineOnly: true})
	if err != nil {
		t.Fatal(err)
	}
	// a new item that blocks is one alert: its hit, nobody decided it
	if res.Decided != 1 || res.Baselined != 1 || len(res.Alerts) != 1 || res.Alerts[0].Cause.Change != record.CauseItem {
		t.Errorf("baseline of a new item: %d decided, %d new, %d alerts %+v", res.Decided, res.Baselined, len(res.Alerts), res.Alerts)
	}
	s, _ := st.PortfolioState(ctx, "p")
	if is, ok := s.Items["NEW"]; !ok || is.Decision != record.Block || s.PortfolioRev != p2.Rev {
		t.Errorf("state of the new item: %+v (portfolio rev %d)", s.Items["NEW"], s.PortfolioRev)
	}
}

// racingStore saves another state just before a run saves its own.
type racingStore struct {
	monitor.Store
	raced bool
}

func (s *racingStore) SavePortfolioState(ctx context.Context, name string, st *monitor.State, prev int64) error {
	if !s.raced {
		s.raced = true
		other := *st
		if err := s.Store.SavePortfolioState(ctx, name, &other, prev); err != nil {
			return err
		}
	}
	return s.Store.SavePortfolioState(ctx, name, st, prev)
}

// Two runs of one portfolio at once: the second to save is refused and
// stores no state.
func TestRunConflict(t *testing.T) {
	ctx := context.Background()
	fs, err := filestore.Open(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	smallPortfolio(t, fs)
	eng, err := engine.New(ctx, engine.WithLists(listOf("v1", baseEntities())))
	if err != nil {
		t.Fatal(err)
	}
	defer eng.Close()
	_, err = monitor.Run(ctx, eng, &racingStore{Store: fs}, nil, "p", monitor.RunOptions{})
	if !errors.Is(err, monitor.ErrConflict) {
		t.Fatalf("racing run: %v, want ErrConflict", err)
	}
	if _, err := monitor.Run(ctx, eng, fs, nil, "missing", monitor.RunOptions{}); !errors.Is(err, monitor.ErrNotFound) {
		t.Errorf("run of a missing portfolio: %v", err)
	}
}

// A row that cannot be read is decided error once, and not again at every
// run: no retry can change it.
func TestRunUnreadableRowNotPending(t *testing.T) {
	ctx := context.Background()
	st, err := filestore.Open(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	items := monitor.NewItems([]record.Record{
		{ID: "OK", Parties: []record.Party{{Role: record.RoleParty, Name: "Acme Widgets Ltd"}}},
		{ID: "BAD", Source: "parties.csv", Row: 2, Err: `parties.csv row 2, column "type": unknown kind "persn"`},
	}, nil)
	p, _ := monitor.Merge(nil, "p", items, true, testTime)
	if err := st.SavePortfolio(ctx, p); err != nil {
		t.Fatal(err)
	}
	eng, err := engine.New(ctx, engine.WithLists(listOf("v1", baseEntities())))
	if err != nil {
		t.Fatal(err)
	}
	defer eng.Close()
	if _, err := monitor.Run(ctx, eng, st, nil, "p", monitor.RunOptions{}); err != nil {
		t.Fatal(err)
	}
	s, _ := st.PortfolioState(ctx, "p")
	if s.Items["BAD"].Decision != record.Error || len(s.Pending) != 0 {
		t.Errorf("state of the unreadable row %+v, pending %v", s.Items["BAD"], s.Pending)
	}
	res, err := monitor.Run(ctx, eng, st, nil, "p", monitor.RunOptions{})
	if err != nil || res.Decided != 0 {
		t.Errorf("second run decided %d items (%v)", res.Decided, err)
	}
}

// brokenLog is a change log that has a change it cannot give.
type brokenLog struct{}

func (brokenLog) Changes(context.Context, int64) ([]*store.ChangeSet, error) {
	return nil, errors.New("change 2 follows change 0 (a change is missing)")
}
func (brokenLog) LastChange() (int64, error) { return 2, nil }

// TestRunFullWhenChangeLogBroken: a change log that cannot be read makes
// the run decide every item again (fail closed), not fail or skip.
func TestRunFullWhenChangeLogBroken(t *testing.T) {
	ctx := context.Background()
	st, err := filestore.Open(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	smallPortfolio(t, st)
	eng, err := engine.New(ctx, engine.WithLists(listOf("v1", baseEntities())))
	if err != nil {
		t.Fatal(err)
	}
	defer eng.Close()
	if _, err := monitor.Run(ctx, eng, st, nil, "p", monitor.RunOptions{}); err != nil {
		t.Fatal(err)
	}
	res, err := monitor.Run(ctx, eng, st, brokenLog{}, "p", monitor.RunOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if res.Mode != monitor.ModeFull || !strings.Contains(res.Reason, "change log cannot be read") || res.Decided == 0 {
		t.Errorf("mode %s (%s), %d decided; want a full run saying why", res.Mode, res.Reason, res.Decided)
	}
}
