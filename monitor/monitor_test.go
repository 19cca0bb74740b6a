package monitor_test

import (
	"context"
	"encoding/json"
	"fmt"
	"maps"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/screen-compliance/screen/engine"
	"github.com/screen-compliance/screen/entity"
	"github.com/screen-compliance/screen/input"
	"github.com/screen-compliance/screen/lists/store"
	"github.com/screen-compliance/screen/monitor"
	"github.com/screen-compliance/screen/monitor/filestore"
	"github.com/screen-compliance/screen/record"
)

// ownList writes an own-format list file.
func ownList(t testing.TB, version string, ents []entity.Entity) string {
	t.Helper()
	b, err := json.Marshal(map[string]any{"meta": map[string]string{"name": "watch", "version": version}, "entities": ents})
	if err != nil {
		t.Fatal(err)
	}
	p := filepath.Join(t.TempDir(), "watch.json")
	if err := os.WriteFile(p, b, 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

// baseEntities are the designations of the first list version.
func baseEntities() []entity.Entity {
	return []entity.Entity{
		{ID: "own:1", Kind: entity.KindOrganization, Name: "Baltic Sunrise Shipping LLC", Programs: []string{"TEST"}},
		{ID: "own:2", Kind: entity.KindOrganization, Name: "Golden Crescent Trading Company", Aliases: []entity.Alias{{Name: "Crescent Gold Trading"}}, Programs: []string{"TEST"}},
		{ID: "own:3", Kind: entity.KindOrganization, Name: "Ocean Star Maritime Company", Programs: []string{"TEST"}},
		{ID: "own:4", Kind: entity.KindPerson, Name: "Viktor Aleksandrovich Morozov", Programs: []string{"TEST"}},
		{ID: "own:5", Kind: entity.KindOrganization, Name: "Red Mountain Mining Corporation", Programs: []string{"TEST"}},
	}
}

var testTime = time.Date(2026, 11, 20, 9, 30, 0, 0, time.UTC)

// syllables make names that no designation resembles.
var syllables = []string{"ka", "lo", "mi", "ne", "ru", "sa", "ti", "vo", "ze", "bu", "da", "fi", "go", "hu", "je", "pa", "qui", "wen", "xo", "yu"}

func synthName(r *rand.Rand) string {
	word := func() string {
		n := 2 + r.IntN(2)
		var b strings.Builder
		for range n {
			b.WriteString(syllables[r.IntN(len(syllables))])
		}
		s := b.String()
		return strings.ToUpper(s[:1]) + s[1:]
	}
	forms := []string{"", " Ltd", " GmbH", " Trading Co", " LLC", " SA"}
	if r.IntN(2) == 0 {
		return word() + " " + word() // a person
	}
	return word() + " " + word() + forms[r.IntN(len(forms))]
}

// portfolio writes a CSV of n parties: synthetic names, plus the named
// parties at fixed rows.
func portfolioCSV(t testing.TB, n int, named map[int]string) string {
	t.Helper()
	r := rand.New(rand.NewPCG(1, 2))
	var b strings.Builder
	b.WriteString("id,name,country\n")
	for i := 1; i <= n; i++ {
		name, ok := named[i]
		if !ok {
			name = synthName(r)
		}
		fmt.Fprintf(&b, "P%05d,%s,\n", i, name)
	}
	p := filepath.Join(t.TempDir(), "parties.csv")
	if err := os.WriteFile(p, []byte(b.String()), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

// newEngine screens against the list store with the built-in policies.
func newEngine(t testing.TB, ls *store.Store) *engine.Engine {
	t.Helper()
	eng, err := engine.New(context.Background(), engine.WithListSource(func(ctx context.Context) ([]*entity.List, error) {
		return ls.Lists(ctx)
	}))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { eng.Close() })
	return eng
}

// TestDeltaAlerts is issue 20's done test: a list imported, a portfolio of
// 10,000 parties, a newer list with a designation added, a delisting and
// an alias change, and exactly those three alerts with their causes.
func TestDeltaAlerts(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	ls, err := store.Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := ls.Import(ctx, []string{ownList(t, "2026-11-01", baseEntities())}, store.ImportOptions{}); err != nil {
		t.Fatal(err)
	}
	ms, err := filestore.Open(filepath.Join(dir, "monitor"))
	if err != nil {
		t.Fatal(err)
	}
	named := map[int]string{
		101:  "Baltic Sunrise Shipping LLC",     // to be delisted
		2002: "Golden Crescent Trading Company", // its entity gets a new alias
		3003: "Nordlicht Handelsgesellschaft",   // to be designated
		4004: "Ocean Star Maritime Company",     // hit, unchanged
	}
	items, err := monitor.ReadFiles(ctx, []string{portfolioCSV(t, 10000, named)}, input.Options{})
	if err != nil {
		t.Fatal(err)
	}
	p, counts := monitor.Merge(nil, "counterparties", items, true, time.Now())
	if counts.Added != 10000 || len(p.Items) != 10000 {
		t.Fatalf("portfolio of %d items (%+v), want 10000", len(p.Items), counts)
	}
	if err := ms.SavePortfolio(ctx, p); err != nil {
		t.Fatal(err)
	}
	eng := newEngine(t, ls)
	res, err := monitor.Run(ctx, eng, ms, ls, "counterparties", monitor.RunOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if res.Mode != monitor.ModeBaseline || res.Decided != 10000 || len(res.Alerts) == 0 {
		t.Fatalf("first run: mode %s, %d decided, %d alerts; want a baseline of 10000 items, an alert per hit", res.Mode, res.Decided, len(res.Alerts))
	}
	// the first screening's hits are alerts nobody has decided yet
	baselineAlerts := res.Alerts
	for _, a := range res.Alerts {
		if a.Kind != record.AlertNewHit || a.Cause.Change != record.CauseItem {
			t.Errorf("first run alert %s %s %s, want new_hit with cause item", a.Item, a.Kind, a.Cause.Change)
		}
	}
	st, err := ms.PortfolioState(ctx, "counterparties")
	if err != nil || st == nil {
		t.Fatalf("state: %v", err)
	}
	if got := slices.Sorted(maps.Keys(st.Items)); !slices.Equal(got, []string{"P00101", "P02002", "P04004"}) {
		t.Fatalf("baseline hits on %v, want P00101, P02002, P04004", got)
	}

	// the newer list: own:6 designated, own:1 delisted, own:2 a new alias
	v2 := baseEntities()[1:]
	v2[0].Aliases = append(v2[0].Aliases, entity.Alias{Name: "GCT Holdings"})
	v2 = append(v2, entity.Entity{ID: "own:6", Kind: entity.KindOrganization, Name: "Nordlicht Handelsgesellschaft", Programs: []string{"TEST"}})
	if _, err := ls.Import(ctx, []string{ownList(t, "2026-11-08", v2)}, store.ImportOptions{Force: true}); err != nil {
		t.Fatal(err)
	}
	if err := eng.Reload(ctx); err != nil {
		t.Fatal(err)
	}
	res, err = monitor.Run(ctx, eng, ms, ls, "counterparties", monitor.RunOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if res.Mode != monitor.ModeDelta || res.Changes != 1 || res.Entities != 3 {
		t.Fatalf("second run: mode %s (%s), %d changes of %d entities; want delta, 1 change of 3 entities", res.Mode, res.Reason, res.Changes, res.Entities)
	}
	if res.Decided > 10 {
		t.Errorf("delta run decided %d items; the change touches 3", res.Decided)
	}
	type want struct {
		item, kind, entity, cause string
		fields                    []string
		decision                  string
	}
	wants := []want{
		{"P00101", record.AlertHitRemoved, "own:1", record.CauseRemoved, nil, record.Clear},
		{"P02002", record.AlertHitChanged, "own:2", record.CauseChanged, []string{"aliases"}, record.Block},
		{"P03003", record.AlertNewHit, "own:6", record.CauseAdded, nil, record.Block},
	}
	if len(res.Alerts) != len(wants) {
		for _, a := range res.Alerts {
			t.Logf("alert: %s %s %s: %s", a.Item, a.Kind, a.EntityID, a.Message)
		}
		t.Fatalf("%d alerts, want exactly %d", len(res.Alerts), len(wants))
	}
	for i, w := range wants {
		a := res.Alerts[i]
		if a.Item != w.item || a.Kind != w.kind || a.EntityID != w.entity || a.Cause.Change != w.cause ||
			!slices.Equal(a.Cause.Fields, w.fields) || a.Decision != w.decision || a.Cause.Seq != 2 || a.Cause.List != "watch" ||
			a.Cause.FromVersion != "2026-11-01" || a.Cause.ToVersion != "2026-11-08" {
			t.Errorf("alert %d: %s %s %s cause %+v decision %s; want %+v", i, a.Item, a.Kind, a.EntityID, a.Cause, a.Decision, w)
		}
		if a.ID == 0 || a.Status != monitor.StatusOpen || a.Record.ID != w.item || a.Message == "" {
			t.Errorf("alert %d stored as id %d status %q record %q message %q", i, a.ID, a.Status, a.Record.ID, a.Message)
		}
	}
	for _, a := range res.Alerts {
		t.Logf("%s: %s", a.Item, a.Message)
	}
	if len(res.Decisions) != 3 || len(res.Decisions[1].Alerts) != 1 {
		t.Errorf("%d decisions with alerts, want 3 with one alert each", len(res.Decisions))
	}
	stored, err := ms.Alerts(ctx, monitor.AlertFilter{Portfolio: "counterparties"})
	if err != nil || len(stored) != 3+len(baselineAlerts) {
		t.Fatalf("stored alerts: %d (%d of the first screening), %v", len(stored), len(baselineAlerts), err)
	}
	// nothing changed since: no alert, nothing decided
	res, err = monitor.Run(ctx, eng, ms, ls, "counterparties", monitor.RunOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Alerts) != 0 || res.Decided != 0 {
		t.Errorf("third run: %d alerts, %d decided; want none", len(res.Alerts), res.Decided)
	}
	// a full re-screen agrees with the delta runs: nothing more to say
	res, err = monitor.Run(ctx, eng, ms, ls, "counterparties", monitor.RunOptions{Full: true})
	if err != nil {
		t.Fatal(err)
	}
	if res.Mode != monitor.ModeFull || res.Decided != 10000 || len(res.Alerts) != 0 {
		t.Errorf("full run: mode %s, %d decided, %d alerts; want 10000 decided and no alert", res.Mode, res.Decided, len(res.Alerts))
	}
}

// A designation reaches the parties related to it through the lists' own
// relationships: a monitored party that no list names, but that a newly
// designated entity is "Linked To", gets the link finding, and the alert
// names the designation as its cause.
func TestDeltaFollowsRelationships(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	ls, err := store.Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := ls.Import(ctx, []string{ownList(t, "2026-11-01", baseEntities())}, store.ImportOptions{}); err != nil {
		t.Fatal(err)
	}
	ms, err := filestore.Open(filepath.Join(dir, "monitor"))
	if err != nil {
		t.Fatal(err)
	}
	items, err := monitor.ReadFiles(ctx, []string{portfolioCSV(t, 2000, map[int]string{7: "Seaview Logistics Ltd"})}, input.Options{})
	if err != nil {
		t.Fatal(err)
	}
	p, _ := monitor.Merge(nil, "cp", items, true, testTime)
	if err := ms.SavePortfolio(ctx, p); err != nil {
		t.Fatal(err)
	}
	eng := newEngine(t, ls)
	if _, err := monitor.Run(ctx, eng, ms, ls, "cp", monitor.RunOptions{}); err != nil {
		t.Fatal(err)
	}
	v2 := append(baseEntities(), entity.Entity{ID: "own:11", Kind: entity.KindOrganization, Name: "Kingly Won International Company",
		Programs: []string{"TEST"}, Links: []entity.Link{{TargetName: "Seaview Logistics Ltd", Relation: "linked_to"}}})
	if _, err := ls.Import(ctx, []string{ownList(t, "2026-11-08", v2)}, store.ImportOptions{}); err != nil {
		t.Fatal(err)
	}
	if err := eng.Reload(ctx); err != nil {
		t.Fatal(err)
	}
	res, err := monitor.Run(ctx, eng, ms, ls, "cp", monitor.RunOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if res.Mode != monitor.ModeDelta || res.Related == 0 || res.Decided > 5 {
		t.Fatalf("mode %s (%s), %d related nodes, %d decided", res.Mode, res.Reason, res.Related, res.Decided)
	}
	if len(res.Alerts) != 1 {
		for _, a := range res.Alerts {
			t.Logf("%s %s %s: %s", a.Item, a.Kind, a.EntityID, a.Message)
		}
		t.Fatalf("%d alerts, want the related party's one", len(res.Alerts))
	}
	a := res.Alerts[0]
	if a.Item != "P00007" || a.Kind != record.AlertDecisionChanged || a.Decision != record.Review || a.Cause.Change != record.CauseRelated ||
		a.Cause.EntityID != "own:11" || !strings.Contains(a.Cause.Detail, "Seaview Logistics Ltd") {
		t.Errorf("alert %s %s %s decision %s cause %+v", a.Item, a.Kind, a.EntityID, a.Decision, a.Cause)
	}
	// the full re-screen agrees
	full, err := monitor.Run(ctx, eng, ms, ls, "cp", monitor.RunOptions{Full: true})
	if err != nil || len(full.Alerts) != 0 {
		t.Errorf("full run after the delta run: %d alerts, %v", len(full.Alerts), err)
	}
}
