package server

import (
	"context"
	"testing"
	"time"

	"github.com/screen-compliance/screen/monitor"
	"github.com/screen-compliance/screen/monitor/filestore"
	"github.com/screen-compliance/screen/record"
)

// TestSummaryUnscreenedIsNotClear: a portfolio's items that no screening
// covers (never screened, or added since) are counted unscreened, never
// clear; an item to decide again is counted error.
func TestSummaryUnscreenedIsNotClear(t *testing.T) {
	ctx := context.Background()
	ms, err := filestore.Open(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	now := time.Date(2026, 12, 7, 8, 0, 0, 0, time.UTC)
	recs := []record.Record{
		{ID: "A", Parties: []record.Party{{Name: "Alpha"}}},
		{ID: "B", Parties: []record.Party{{Name: "Beta"}}},
		{ID: "C", Parties: []record.Party{{Name: "Gamma"}}},
	}
	p, _ := monitor.Merge(nil, "p", monitor.NewItems(recs, nil), false, now)
	if err := ms.SavePortfolio(ctx, p); err != nil {
		t.Fatal(err)
	}
	m := &Monitoring{Store: ms}
	ps, err := m.summary(ctx, p.Info())
	if err != nil {
		t.Fatal(err)
	}
	if ps.Unscreened != 3 || ps.Counts.Clear != 0 {
		t.Errorf("never screened: unscreened %d, clear %d; want 3, 0", ps.Unscreened, ps.Counts.Clear)
	}
	st := &monitor.State{PortfolioRev: p.Rev, At: now, Items: map[string]monitor.ItemState{"A": {Decision: record.Block}},
		Pending: []string{"B"}}
	if err := ms.SavePortfolioState(ctx, "p", st, 0); err != nil {
		t.Fatal(err)
	}
	if ps, err = m.summary(ctx, p.Info()); err != nil {
		t.Fatal(err)
	}
	if ps.Unscreened != 0 || ps.Counts.Block != 1 || ps.Counts.Error != 1 || ps.Counts.Clear != 1 {
		t.Errorf("screened: %+v, unscreened %d; want 1 block, 1 error (pending), 1 clear", ps.Counts, ps.Unscreened)
	}
	p2, _ := monitor.Merge(p, "p", monitor.NewItems([]record.Record{{ID: "D", Parties: []record.Party{{Name: "Delta"}}}}, nil), false, now)
	if err := ms.SavePortfolio(ctx, p2); err != nil {
		t.Fatal(err)
	}
	if ps, err = m.summary(ctx, p2.Info()); err != nil {
		t.Fatal(err)
	}
	if ps.Counts.Clear != 0 || ps.Unscreened != 2 {
		t.Errorf("an item added since: %+v, unscreened %d; want no clear and 2 unscreened", ps.Counts, ps.Unscreened)
	}
}
