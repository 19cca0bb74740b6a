// Package storetest holds the tests every monitor.Store must pass: the
// file store (monitor/filestore) and the review workspace's databases
// (web/store/storetest runs them on each). A store's test calls Run with a
// function that opens an empty store:
//
//	func TestStore(t *testing.T) {
//		storetest.Run(t, func(t *testing.T) monitor.Store { return openMine(t) })
//	}
package storetest

import (
	"context"
	"errors"
	"reflect"
	"slices"
	"testing"
	"time"

	"github.com/screen-compliance/screen/monitor"
	"github.com/screen-compliance/screen/record"
)

// Run runs the conformance tests, each on a new empty store from open.
func Run(t *testing.T, open func(t *testing.T) monitor.Store) {
	tests := []struct {
		name string
		fn   func(t *testing.T, s monitor.Store)
	}{
		{"Portfolios", testPortfolios},
		{"State", testState},
		{"Alerts", testAlerts},
		{"AlertStatus", testAlertStatus},
		{"Deliveries", testDeliveries},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) { tc.fn(t, open(t)) })
	}
}

// t0 is the time of the tests: whole seconds would hide lost nanoseconds.
var t0 = time.Date(2026, 11, 20, 9, 30, 0, 123456789, time.UTC)

func ctx() context.Context { return context.Background() }

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

// Portfolio returns a portfolio of n party items named name.
func Portfolio(name string, rev int64, keys ...string) *monitor.Portfolio {
	p := &monitor.Portfolio{Name: name, Rev: rev, CreatedAt: t0, UpdatedAt: t0.Add(time.Duration(rev) * time.Hour)}
	for i, k := range keys {
		p.Items = append(p.Items, monitor.Item{Key: k, Rev: rev, Origin: "parties.csv row " + k,
			Record: record.Record{ID: k, Source: "parties.csv", Row: i + 1,
				Parties: []record.Party{{Role: record.RoleParty, Name: "Party " + k, Country: "DE"}},
				Fields:  []record.Field{{Column: "id", Value: k}, {Column: "name", Value: "Party " + k}}}})
	}
	return p
}

func testPortfolios(t *testing.T, s monitor.Store) {
	if _, err := s.Portfolio(ctx(), "none"); !errors.Is(err, monitor.ErrNotFound) {
		t.Errorf("missing portfolio: %v, want ErrNotFound", err)
	}
	if err := s.DeletePortfolio(ctx(), "none"); !errors.Is(err, monitor.ErrNotFound) {
		t.Errorf("delete missing portfolio: %v, want ErrNotFound", err)
	}
	a := Portfolio("alpha", 1, "K1", "K2", "K3")
	must(t, s.SavePortfolio(ctx(), a))
	must(t, s.SavePortfolio(ctx(), Portfolio("beta", 1, "B1")))
	got, err := s.Portfolio(ctx(), "alpha")
	must(t, err)
	if !got.CreatedAt.Equal(a.CreatedAt) || !got.UpdatedAt.Equal(a.UpdatedAt) {
		t.Errorf("times %v %v, want %v %v", got.CreatedAt, got.UpdatedAt, a.CreatedAt, a.UpdatedAt)
	}
	got.CreatedAt, got.UpdatedAt = a.CreatedAt, a.UpdatedAt
	if !reflect.DeepEqual(got, a) {
		t.Errorf("portfolio read back\n%+v\nwant\n%+v", got, a)
	}
	// replaced: items removed, added, the revision moves on
	b := Portfolio("alpha", 2, "K2", "K4")
	b.CreatedAt = a.CreatedAt
	must(t, s.SavePortfolio(ctx(), b))
	got, err = s.Portfolio(ctx(), "alpha")
	must(t, err)
	var keys []string
	for _, it := range got.Items {
		keys = append(keys, it.Key)
	}
	if got.Rev != 2 || !slices.Equal(keys, []string{"K2", "K4"}) {
		t.Errorf("replaced portfolio: rev %d keys %v", got.Rev, keys)
	}
	infos, err := s.Portfolios(ctx())
	must(t, err)
	if len(infos) != 2 || infos[0].Name != "alpha" || infos[0].Items != 2 || infos[0].Rev != 2 || infos[1].Name != "beta" || infos[1].Items != 1 {
		t.Errorf("portfolios %+v", infos)
	}
	must(t, s.DeletePortfolio(ctx(), "beta"))
	if _, err := s.Portfolio(ctx(), "beta"); !errors.Is(err, monitor.ErrNotFound) {
		t.Errorf("deleted portfolio: %v", err)
	}
	if infos, _ := s.Portfolios(ctx()); len(infos) != 1 {
		t.Errorf("%d portfolios after a delete", len(infos))
	}
}

func testState(t *testing.T, s monitor.Store) {
	if _, err := s.PortfolioState(ctx(), "none"); !errors.Is(err, monitor.ErrNotFound) {
		t.Errorf("state of a missing portfolio: %v, want ErrNotFound", err)
	}
	if err := s.SavePortfolioState(ctx(), "none", &monitor.State{Rev: 1}, 0); !errors.Is(err, monitor.ErrNotFound) {
		t.Errorf("save state of a missing portfolio: %v, want ErrNotFound", err)
	}
	must(t, s.SavePortfolio(ctx(), Portfolio("alpha", 1, "K1")))
	st, err := s.PortfolioState(ctx(), "alpha")
	if err != nil || st != nil {
		t.Fatalf("state of a portfolio never screened: %+v, %v", st, err)
	}
	s1 := &monitor.State{Rev: 1, PortfolioRev: 1, Cursor: 7, Lists: map[string]string{"un": "2026-11-01"}, PolicySHA256: "ab", Engine: "v0.1.0",
		At: t0, Pending: []string{"K9"}, Items: map[string]monitor.ItemState{"K1": {Decision: record.Block, Hits: []monitor.Hit{{
			EntityID: "un:KPe.001", List: "un", Name: "KOMID", Party: 0, Role: record.RoleParty, Query: "Party K1",
			HitState: record.HitState{MatchedName: "KOMID", Score: 0.97, Severity: record.Block, Rules: []string{"sanctions.match.strong"}}}}}}}
	must(t, s.SavePortfolioState(ctx(), "alpha", s1, 0))
	if err := s.SavePortfolioState(ctx(), "alpha", &monitor.State{Rev: 1}, 0); !errors.Is(err, monitor.ErrConflict) {
		t.Errorf("a second save from revision 0: %v, want ErrConflict", err)
	}
	got, err := s.PortfolioState(ctx(), "alpha")
	must(t, err)
	if !got.At.Equal(s1.At) {
		t.Errorf("state time %v, want %v", got.At, s1.At)
	}
	got.At = s1.At
	if !reflect.DeepEqual(got, s1) {
		t.Errorf("state read back\n%+v\nwant\n%+v", got, s1)
	}
	must(t, s.SavePortfolioState(ctx(), "alpha", &monitor.State{Rev: 2, Cursor: 8}, 1))
	// a new version of the items keeps the state
	must(t, s.SavePortfolio(ctx(), Portfolio("alpha", 2, "K1", "K2")))
	if got, err := s.PortfolioState(ctx(), "alpha"); err != nil || got == nil || got.Rev != 2 || got.Cursor != 8 {
		t.Errorf("state after saving the items again: %+v, %v", got, err)
	}
}

// Alert returns an alert of item key with fingerprint fp.
func Alert(portfolio, key, kind, fp string) *monitor.Alert {
	return &monitor.Alert{Fingerprint: fp, CreatedAt: t0, Status: monitor.StatusOpen, Version: 1,
		Alert: record.Alert{Kind: kind, Portfolio: portfolio, Item: key, EntityID: "un:KPe.001", List: "un", Name: "KOMID",
			Party: 0, Role: record.RoleParty, Query: "Party " + key, PreviousDecision: record.Clear, Decision: record.Block,
			After:   &record.HitState{MatchedName: "KOMID", Score: 1, Severity: record.Block, Rules: []string{"sanctions.match.strong"}},
			Cause:   record.AlertCause{Change: record.CauseAdded, List: "un", EntityID: "un:KPe.001", Seq: 3, Detail: "added"},
			Message: "party now matches"},
		Record: record.Decision{ID: key, Row: 1, Decision: record.Block, Reasons: []record.Reason{}, Matches: []record.Match{}, Goods: []record.Goods{},
			Parties:    []record.Party{{Role: record.RoleParty, Name: "Party " + key}},
			Provenance: record.Provenance{Lists: map[string]string{"un": "2026-11-08"}, PolicySHA256: "ab", Engine: "v0.1.0"}}}
}

func testAlerts(t *testing.T, s monitor.Store) {
	as := []*monitor.Alert{
		Alert("alpha", "K1", record.AlertNewHit, "fp1"),
		Alert("alpha", "K2", record.AlertHitRemoved, "fp2"),
		Alert("beta", "B1", record.AlertNewHit, "fp3"),
	}
	as[2].Webhook = monitor.WebhookPending
	n, err := s.AddAlerts(ctx(), as)
	must(t, err)
	if n != 3 || as[0].ID == 0 || as[1].ID <= as[0].ID || as[2].ID <= as[1].ID {
		t.Fatalf("added %d, ids %d %d %d: want 3 growing ids", n, as[0].ID, as[1].ID, as[2].ID)
	}
	// the same alerts again (a run repeated after a crash) add nothing
	again := []*monitor.Alert{Alert("alpha", "K1", record.AlertNewHit, "fp1"), Alert("alpha", "K3", record.AlertNewHit, "fp4")}
	n, err = s.AddAlerts(ctx(), again)
	must(t, err)
	if n != 1 || again[0].ID != as[0].ID || again[1].ID <= as[2].ID {
		t.Errorf("added %d again, ids %d %d; want 1, the known one keeping id %d", n, again[0].ID, again[1].ID, as[0].ID)
	}
	got, err := s.Alert(ctx(), as[0].ID)
	must(t, err)
	if !got.CreatedAt.Equal(t0) {
		t.Errorf("created %v, want %v", got.CreatedAt, t0)
	}
	got.CreatedAt = t0
	if !reflect.DeepEqual(got, as[0]) {
		t.Errorf("alert read back\n%+v\nwant\n%+v", got, as[0])
	}
	if _, err := s.Alert(ctx(), 9999); !errors.Is(err, monitor.ErrNotFound) {
		t.Errorf("missing alert: %v, want ErrNotFound", err)
	}
	ids := func(f monitor.AlertFilter) []int64 {
		t.Helper()
		as, err := s.Alerts(ctx(), f)
		must(t, err)
		var out []int64
		for _, a := range as {
			out = append(out, a.ID)
		}
		return out
	}
	a1, a2, a3, a4 := as[0].ID, as[1].ID, as[2].ID, again[1].ID
	tests := []struct {
		name string
		f    monitor.AlertFilter
		want []int64
	}{
		{"all", monitor.AlertFilter{}, []int64{a1, a2, a3, a4}},
		{"portfolio", monitor.AlertFilter{Portfolio: "alpha"}, []int64{a1, a2, a4}},
		{"kind", monitor.AlertFilter{Kind: record.AlertHitRemoved}, []int64{a2}},
		{"status", monitor.AlertFilter{Status: monitor.StatusOpen}, []int64{a1, a2, a3, a4}},
		{"webhook", monitor.AlertFilter{Webhook: monitor.WebhookPending}, []int64{a3}},
		{"page", monitor.AlertFilter{AfterID: a1, Limit: 2}, []int64{a2, a3}},
	}
	for _, tc := range tests {
		if got := ids(tc.f); !slices.Equal(got, tc.want) {
			t.Errorf("%s: %v, want %v", tc.name, got, tc.want)
		}
	}
}

func testAlertStatus(t *testing.T, s monitor.Store) {
	as := []*monitor.Alert{Alert("alpha", "K1", record.AlertNewHit, "fp1")}
	_, err := s.AddAlerts(ctx(), as)
	must(t, err)
	id := as[0].ID
	if err := s.SetAlertStatus(ctx(), 9999, monitor.StatusChange{Status: monitor.StatusDismissed, Version: 1}); !errors.Is(err, monitor.ErrNotFound) {
		t.Errorf("status of a missing alert: %v, want ErrNotFound", err)
	}
	must(t, s.SetAlertStatus(ctx(), id, monitor.StatusChange{Status: monitor.StatusDismissed, Reason: "another party (KYC 12)", By: "alice", At: t0, Version: 1}))
	// a second operator who read version 1 loses
	if err := s.SetAlertStatus(ctx(), id, monitor.StatusChange{Status: monitor.StatusAcknowledged, By: "bob", At: t0, Version: 1}); !errors.Is(err, monitor.ErrConflict) {
		t.Errorf("stale status change: %v, want ErrConflict", err)
	}
	a, err := s.Alert(ctx(), id)
	must(t, err)
	if a.Status != monitor.StatusDismissed || a.StatusReason != "another party (KYC 12)" || a.StatusBy != "alice" || !a.StatusAt.Equal(t0) || a.Version != 2 {
		t.Errorf("alert after dismissal: %+v", a)
	}
	if got, _ := s.Alerts(ctx(), monitor.AlertFilter{Status: monitor.StatusOpen}); len(got) != 0 {
		t.Errorf("%d open alerts after the dismissal", len(got))
	}
}

func testDeliveries(t *testing.T, s monitor.Store) {
	as := []*monitor.Alert{Alert("alpha", "K1", record.AlertNewHit, "fp1")}
	as[0].Webhook = monitor.WebhookPending
	_, err := s.AddAlerts(ctx(), as)
	must(t, err)
	id := as[0].ID
	if err := s.AddDelivery(ctx(), &monitor.Delivery{AlertID: 9999, Outcome: monitor.WebhookPending}); !errors.Is(err, monitor.ErrNotFound) {
		t.Errorf("delivery of a missing alert: %v, want ErrNotFound", err)
	}
	d1 := &monitor.Delivery{AlertID: id, URL: "https://hooks.example/a", Attempt: 1, At: t0, Status: 503, Error: "503 Service Unavailable",
		Duration: 12 * time.Millisecond, Outcome: monitor.WebhookPending}
	d2 := &monitor.Delivery{AlertID: id, URL: "https://hooks.example/a", Attempt: 2, At: t0.Add(time.Second), Status: 200,
		Duration: 8 * time.Millisecond, Outcome: monitor.WebhookDelivered}
	must(t, s.AddDelivery(ctx(), d1))
	must(t, s.AddDelivery(ctx(), d2))
	if d1.ID == 0 || d2.ID <= d1.ID {
		t.Errorf("delivery ids %d %d", d1.ID, d2.ID)
	}
	ds, err := s.Deliveries(ctx(), id)
	must(t, err)
	if len(ds) != 2 {
		t.Fatalf("%d deliveries, want 2", len(ds))
	}
	for i, want := range []*monitor.Delivery{d1, d2} {
		got := *ds[i]
		if !got.At.Equal(want.At) {
			t.Errorf("delivery %d at %v, want %v", i, got.At, want.At)
		}
		got.At = want.At
		if !reflect.DeepEqual(&got, want) {
			t.Errorf("delivery %d\n%+v\nwant\n%+v", i, got, *want)
		}
	}
	a, err := s.Alert(ctx(), id)
	must(t, err)
	if a.Webhook != monitor.WebhookDelivered {
		t.Errorf("webhook state %q, want delivered", a.Webhook)
	}
	if got, _ := s.Alerts(ctx(), monitor.AlertFilter{Webhook: monitor.WebhookPending}); len(got) != 0 {
		t.Errorf("%d alerts still pending delivery", len(got))
	}
}
