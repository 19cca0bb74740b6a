// Package storetest holds the tests every store.Store implementation must
// pass. An implementation's test calls Run with a function that opens an
// empty store:
//
//	func TestStore(t *testing.T) {
//		storetest.Run(t, func(t *testing.T) store.Store {
//			s, err := sqlite.Open(context.Background(), t.TempDir())
//			if err != nil {
//				t.Fatal(err)
//			}
//			return s
//		})
//	}
package storetest

import (
	"context"
	"errors"
	"fmt"
	"reflect"
	"slices"
	"testing"
	"time"

	"github.com/screen-compliance/screen/entity"
	"github.com/screen-compliance/screen/record"
	"github.com/screen-compliance/screen/web/store"
)

// Run runs the conformance tests, each on a new empty store from open;
// Run closes the stores.
func Run(t *testing.T, open func(t *testing.T) store.Store) {
	tests := []struct {
		name string
		fn   func(t *testing.T, s store.Store)
	}{
		{"Sessions", testSessions},
		{"Runs", testRuns},
		{"RunLifecycle", testRunLifecycle},
		{"Uploads", testUploads},
		{"Records", testRecords},
		{"Entities", testEntities},
		{"Filters", testFilters},
		{"CompareRuns", testCompareRuns},
		{"Reviews", testReviews},
		{"Dispositions", testDispositions},
		{"Outbox", testOutbox},
		{"Update", testUpdate},
		{"SchemaVersion", testSchemaVersion},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			s := open(t)
			t.Cleanup(func() {
				if err := s.Close(); err != nil {
					t.Errorf("Close: %v", err)
				}
			})
			tc.fn(t, s)
		})
	}
	t.Run("Monitoring", func(t *testing.T) { testMonitoring(t, open) })
}

// t0 is the time of the tests: whole seconds would hide lost nanoseconds.
var t0 = time.Date(2026, 11, 20, 9, 30, 0, 123456789, time.UTC)

func ctx() context.Context { return context.Background() }

// must fails the test on err.
func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

// newRun creates a run and returns its id.
func newRun(t *testing.T, s store.Tx, nr store.NewRun) int64 {
	t.Helper()
	if nr.Name == "" {
		nr.Name, nr.FileName, nr.CreatedBy, nr.CreatedAt = "shipments.csv", "shipments.csv", "alice", t0
	}
	id, err := s.CreateRun(ctx(), nr)
	must(t, err)
	return id
}

// decision returns a screened record: its decision matches entityIDs on
// list un with role consignee, its reasons are rules.
func decision(seq int, dec string, entityIDs []string, rules ...string) store.NewRecord {
	id := fmt.Sprintf("SHP-%04d", seq)
	in := record.Record{ID: id, Source: "shipments.csv", Row: seq, Parties: []record.Party{{Role: record.RoleConsignee, Name: "Trading Co " + id, Country: "CN"}}}
	d := record.Decision{ID: id, Source: "shipments.csv", Row: seq, Decision: dec}
	for _, e := range entityIDs {
		d.Matches = append(d.Matches, record.Match{Role: record.RoleConsignee, Query: in.Parties[0].Name, EntityID: e, List: "un", Name: "LISTED " + e, Score: 0.9})
	}
	for _, r := range rules {
		d.Reasons = append(d.Reasons, record.Reason{Rule: r, Severity: dec, Message: "m"})
	}
	return store.NewRecord{
		Seq: seq, Decision: d, Input: in, DecisionID: "dec-" + id, Parties: "consignee: " + in.Parties[0].Name,
		Rules: rules, Lists: []string{"un"}, Roles: []string{record.RoleConsignee}, Countries: []string{"CN"}, Entities: entityIDs,
		Search: "shp-" + fmt.Sprintf("%04d", seq) + " | trading co " + id,
	}
}

func testSessions(t *testing.T, s store.Store) {
	in := store.Session{IDHash: "h1", Operator: "alice", Role: "reviewer", CSRF: "c1", Verified: true, CreatedAt: t0, ExpiresAt: t0.Add(12 * time.Hour)}
	must(t, s.CreateSession(ctx(), in))
	got, err := s.Session(ctx(), "h1")
	must(t, err)
	if !got.CreatedAt.Equal(in.CreatedAt) || !got.ExpiresAt.Equal(in.ExpiresAt) {
		t.Errorf("session times %v %v, want %v %v", got.CreatedAt, got.ExpiresAt, in.CreatedAt, in.ExpiresAt)
	}
	got.CreatedAt, got.ExpiresAt = in.CreatedAt, in.ExpiresAt
	if !reflect.DeepEqual(got, in) {
		t.Errorf("session %+v, want %+v", got, in)
	}
	// A second session of the same operator (another role) is stored too.
	must(t, s.CreateSession(ctx(), store.Session{IDHash: "h2", Operator: "alice", Role: "admin", CSRF: "c2", CreatedAt: t0, ExpiresAt: t0}))
	if _, err := s.Session(ctx(), "nope"); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("missing session: %v, want ErrNotFound", err)
	}
	must(t, s.DeleteSession(ctx(), "h1"))
	must(t, s.DeleteSession(ctx(), "h1"))
	if _, err := s.Session(ctx(), "h1"); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("deleted session: %v, want ErrNotFound", err)
	}
	if got, err := s.Session(ctx(), "h2"); err != nil || got.Role != "admin" || got.Verified {
		t.Errorf("second session %+v, %v", got, err)
	}
}

func testRuns(t *testing.T, s store.Store) {
	opts := store.RunOptions{Lists: []string{"un"}, DisabledRules: []string{"dprk.goods.export_ban"}, SetBy: "adam", ApplySuppressions: true}
	a := newRun(t, s, store.NewRun{Name: "a.csv", FileName: "a.csv", InputSHA256: "aa", CreatedAt: t0, CreatedBy: "adam", Options: opts, Upload: "up-a"})
	b := newRun(t, s, store.NewRun{Name: "b.csv", FileName: "b.csv", CreatedAt: t0.Add(time.Minute), CreatedBy: "alice", ParentID: a})
	if b <= a {
		t.Errorf("run ids %d then %d: want them to grow", a, b)
	}
	r, err := s.Run(ctx(), a)
	must(t, err)
	want := store.Run{ID: a, Name: "a.csv", FileName: "a.csv", InputSHA256: "aa", CreatedAt: t0, CreatedBy: "adam", Status: store.StatusRunning,
		Options: opts, Upload: "up-a"}
	if !r.CreatedAt.Equal(t0) {
		t.Errorf("created at %v, want %v", r.CreatedAt, t0)
	}
	r.CreatedAt = t0
	normalise(r)
	if !reflect.DeepEqual(*r, want) {
		t.Errorf("run\n%+v, want\n%+v", *r, want)
	}
	if !r.Running() || r.Done() || r.Failed() || r.CanRescreen() || !r.Options.Narrowed() {
		t.Errorf("run %d: running %v done %v failed %v can re-screen %v narrowed %v", a, r.Running(), r.Done(), r.Failed(), r.CanRescreen(), r.Options.Narrowed())
	}
	if r, err := s.Run(ctx(), b); err != nil || r.ParentID != a {
		t.Errorf("run %d: parent %v, %v; want %d", b, r, err, a)
	}
	if _, err := s.Run(ctx(), b+100); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("missing run: %v, want ErrNotFound", err)
	}
	runs, err := s.Runs(ctx(), 10)
	must(t, err)
	if len(runs) != 2 || runs[0].ID != b || runs[1].ID != a {
		t.Errorf("Runs: want the newest first: %+v", runs)
	}
	if runs, err := s.Runs(ctx(), 1); err != nil || len(runs) != 1 || runs[0].ID != b {
		t.Errorf("Runs(limit 1) = %+v, %v", runs, err)
	}
}

// normalise makes the empty slices of a new run nil: whether a store
// gives nil or empty ones is its choice.
func normalise(r *store.Run) {
	for _, v := range []*[]string{&r.Facets.Rules, &r.Facets.Lists, &r.Facets.Roles, &r.Facets.Countries} {
		if len(*v) == 0 {
			*v = nil
		}
	}
	if len(r.Lists) == 0 {
		r.Lists = nil
	}
}

func testRunLifecycle(t *testing.T, s store.Store) {
	id := newRun(t, s, store.NewRun{})
	other := newRun(t, s, store.NewRun{})
	lists := []entity.Metadata{{Name: "un", Title: "UN", Version: "2026-11-01", Files: []entity.FileDigest{{Path: "c.xml", SHA256: "ab"}}}}
	must(t, s.SetRunProvenance(ctx(), id, lists, "sha-policy", "v0.1.0"))
	must(t, s.SetRunProgress(ctx(), id, 40, 0.4))
	facets := store.Facets{Rules: []string{"r1", "r2"}, Lists: []string{"un"}, Roles: []string{"consignee"}, Countries: []string{"CN", "KP"}}
	must(t, s.SetRunFacets(ctx(), id, facets))
	r, err := s.Run(ctx(), id)
	must(t, err)
	if !reflect.DeepEqual(r.Lists, lists) || r.PolicySHA256 != "sha-policy" || r.Engine != "v0.1.0" || r.Screened != 40 || r.Progress != 0.4 ||
		!reflect.DeepEqual(r.Facets, facets) {
		t.Errorf("run after provenance, progress and facets: %+v", r)
	}
	// Done: progress 1. Failed: progress kept.
	must(t, s.FinishRun(ctx(), id, store.StatusDone, "", t0))
	r, err = s.Run(ctx(), id)
	must(t, err)
	if !r.Done() || r.Progress != 1 || !r.FinishedAt.Equal(t0) || r.Error != "" || !r.CanRescreen() {
		t.Errorf("done run: %+v", r)
	}
	must(t, s.SetRunProgress(ctx(), other, 3, 0.25))
	must(t, s.FinishRun(ctx(), other, store.StatusFailed, "boom", t0))
	r, err = s.Run(ctx(), other)
	must(t, err)
	if !r.Failed() || r.Progress != 0.25 || r.Error != "boom" || r.CanRescreen() {
		t.Errorf("failed run: %+v", r)
	}
	// FailRunning fails only the runs still running.
	running := newRun(t, s, store.NewRun{})
	must(t, s.FailRunning(ctx(), "interrupted", t0.Add(time.Hour)))
	for _, c := range []struct {
		id            int64
		status, error string
	}{{id, store.StatusDone, ""}, {other, store.StatusFailed, "boom"}, {running, store.StatusFailed, "interrupted"}} {
		r, err := s.Run(ctx(), c.id)
		must(t, err)
		if r.Status != c.status || r.Error != c.error {
			t.Errorf("run %d after FailRunning: %s %q, want %s %q", c.id, r.Status, r.Error, c.status, c.error)
		}
	}
}

func testUploads(t *testing.T, s store.Store) {
	a := newRun(t, s, store.NewRun{Name: "a", FileName: "a", CreatedAt: t0, Upload: "up-a"})
	newRun(t, s, store.NewRun{Name: "b", FileName: "b", CreatedAt: t0})
	c := newRun(t, s, store.NewRun{Name: "c", FileName: "c", CreatedAt: t0, Upload: "up-c"})
	kept, err := s.RunsWithUpload(ctx())
	must(t, err)
	var ids []int64
	for _, r := range kept {
		ids = append(ids, r.ID)
	}
	if !slices.Equal(ids, []int64{a, c}) {
		t.Errorf("RunsWithUpload = %v, want %v", ids, []int64{a, c})
	}
	// Only the named upload is forgotten.
	must(t, s.ClearUpload(ctx(), a, "other"))
	if r, _ := s.Run(ctx(), a); r.Upload != "up-a" {
		t.Errorf("ClearUpload with another name forgot %q", r.Upload)
	}
	must(t, s.ClearUpload(ctx(), a, "up-a"))
	if r, _ := s.Run(ctx(), a); r.Upload != "" {
		t.Errorf("ClearUpload kept %q", r.Upload)
	}
	if kept, _ := s.RunsWithUpload(ctx()); len(kept) != 1 || kept[0].ID != c {
		t.Errorf("RunsWithUpload after ClearUpload = %+v", kept)
	}
}

func testRecords(t *testing.T, s store.Store) {
	id := newRun(t, s, store.NewRun{})
	var recs []store.NewRecord
	for seq := 1; seq <= 5; seq++ {
		recs = append(recs, decision(seq, record.Clear, nil))
	}
	recs[1] = decision(2, record.Block, []string{"un:KPe.001"}, "sanctions.match.strong")
	recs[1].TopName, recs[1].TopScore = "LISTED un:KPe.001", 0.9
	must(t, s.AddRecords(ctx(), id, recs[:3]))
	must(t, s.AddRecords(ctx(), id, recs[3:]))

	got, err := s.Record(ctx(), id, 2)
	must(t, err)
	if got.Seq != 2 || got.DecisionID != "dec-SHP-0002" || got.Review != "open" || got.ReviewedDecision != record.Block || got.Version != 1 ||
		got.ReviewedBy != "" || got.ReviewedAt != "" {
		t.Errorf("record 2: %+v", got)
	}
	if got.Decision.Record != &got.Record {
		t.Errorf("record 2: Decision.Record does not point at Record")
	}
	want := recs[1].Decision
	gotD := got.Decision
	gotD.Record = nil
	if !reflect.DeepEqual(gotD, want) || !reflect.DeepEqual(got.Record, recs[1].Input) {
		t.Errorf("record 2 decision\n%+v\nwant\n%+v\ninput %+v", gotD, want, got.Record)
	}
	if _, err := s.Record(ctx(), id, 9); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("missing record: %v, want ErrNotFound", err)
	}

	page, err := s.Records(ctx(), id, 1, 2)
	must(t, err)
	if len(page) != 2 || page[0].Seq != 2 || page[1].Seq != 3 || page[1].Decision.ID != "SHP-0003" {
		t.Errorf("Records(after 1, limit 2) = %+v", page)
	}
	if page, _ := s.Records(ctx(), id, 5, 10); len(page) != 0 {
		t.Errorf("Records after the last = %d records", len(page))
	}
	ins, err := s.Inputs(ctx(), id, 3, 10)
	must(t, err)
	if len(ins) != 2 || ins[0].Seq != 4 || ins[1].Seq != 5 || !reflect.DeepEqual(ins[0].Record, recs[3].Input) {
		t.Errorf("Inputs(after 3) = %+v", ins)
	}

	c, err := s.Counts(ctx(), id, store.Filter{})
	must(t, err)
	if c != (record.Summary{Clear: 4, Block: 1, Total: 5}) {
		t.Errorf("Counts = %+v", c)
	}
	rc, err := s.ReviewCounts(ctx(), id)
	must(t, err)
	if !reflect.DeepEqual(rc, map[string]int{"open": 5}) {
		t.Errorf("ReviewCounts = %v", rc)
	}
	q, err := s.Queue(ctx(), id, store.Filter{Decision: record.Block}, 0, 10)
	must(t, err)
	wantRow := store.QueueRow{Seq: 2, RecordID: "SHP-0002", Row: 2, Decision: record.Block, Reviewed: record.Block, Review: "open",
		Parties: "consignee: Trading Co SHP-0002", TopName: "LISTED un:KPe.001", TopScore: 0.9, Rules: []string{"sanctions.match.strong"}}
	if len(q) != 1 || !reflect.DeepEqual(q[0], wantRow) {
		t.Errorf("Queue(block) = %+v, want %+v", q, wantRow)
	}
	// Records of another run are apart.
	other := newRun(t, s, store.NewRun{})
	if c, _ := s.Counts(ctx(), other, store.Filter{}); c.Total != 0 {
		t.Errorf("another run counts %+v", c)
	}
}

func testEntities(t *testing.T, s store.Store) {
	id := newRun(t, s, store.NewRun{})
	first := &entity.Entity{ID: "un:KPe.001", Name: "KOREA MINING DEVELOPMENT TRADING CORPORATION", Kind: entity.KindOrganization,
		Aliases: []entity.Alias{{Name: "KOMID", Strength: entity.StrengthStrong}}}
	must(t, s.AddEntity(ctx(), id, first))
	must(t, s.AddEntity(ctx(), id, &entity.Entity{ID: "un:KPe.001", Name: "RENAMED"}))
	got, err := s.RunEntity(ctx(), id, "un:KPe.001")
	must(t, err)
	if !reflect.DeepEqual(got, first) {
		t.Errorf("RunEntity = %+v, want the first stored %+v", got, first)
	}
	if got, err := s.RunEntity(ctx(), id, "un:none"); got != nil || err != nil {
		t.Errorf("missing entity: %+v, %v; want nil, nil", got, err)
	}
	other := newRun(t, s, store.NewRun{})
	if got, _ := s.RunEntity(ctx(), other, "un:KPe.001"); got != nil {
		t.Errorf("another run has the entity")
	}
}

func testFilters(t *testing.T, s store.Store) {
	id := newRun(t, s, store.NewRun{})
	r1 := decision(1, record.Block, []string{"un:KPe.001"}, "sanctions.match.strong")
	r2 := decision(2, record.Review, nil, "sanctions.match")
	r2.Countries = []string{"KP"}
	r2.Search = "shp-0002 | 100% pure_gold"
	r3 := decision(3, record.Clear, nil)
	r3.Roles, r3.Lists = []string{record.RoleShipper}, []string{"ofac"}
	r4 := decision(4, record.Block, nil, "dprk.goods.export_ban")
	r5 := decision(5, "bogus", nil)
	must(t, s.AddRecords(ctx(), id, []store.NewRecord{r1, r2, r3, r4, r5}))
	must(t, s.SetReview(ctx(), id, 4, 1, store.RecordReview{State: "confirmed", Decision: record.Block, By: "alice", At: store.Text(t0)}))

	tests := []struct {
		name string
		f    store.Filter
		want []int
	}{
		{"nothing", store.Filter{}, []int{1, 2, 3, 4, 5}},
		{"all decisions", store.Filter{Decision: "all"}, []int{1, 2, 3, 4, 5}},
		{"decision", store.Filter{Decision: record.Block}, []int{1, 4}},
		{"rule is a whole word", store.Filter{Rule: "sanctions.match"}, []int{2}},
		{"rule", store.Filter{Rule: "sanctions.match.strong"}, []int{1}},
		{"list", store.Filter{List: "ofac"}, []int{3}},
		{"role", store.Filter{Role: record.RoleShipper}, []int{3}},
		{"country any case", store.Filter{Country: "kp"}, []int{2}},
		{"review", store.Filter{Review: "confirmed"}, []int{4}},
		{"search any case", store.Filter{Q: "TRADING CO SHP-0003"}, []int{3}},
		{"search wildcards are text", store.Filter{Q: "100% pure_"}, []int{2}},
		{"search % alone", store.Filter{Q: "%"}, []int{2}},
		{"search _ alone", store.Filter{Q: "_"}, []int{2}},
		{"nothing matches", store.Filter{Q: "no such text"}, nil},
		{"two conditions", store.Filter{Decision: record.Block, Country: "CN", Rule: "dprk.goods.export_ban"}, []int{4}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			rows, err := s.Queue(ctx(), id, tc.f, 0, 100)
			must(t, err)
			var got []int
			for _, r := range rows {
				got = append(got, r.Seq)
			}
			if !slices.Equal(got, tc.want) {
				t.Errorf("Queue(%+v) = %v, want %v", tc.f, got, tc.want)
			}
			// Counts applies every condition but the decision.
			cf := tc.f
			cf.Decision = ""
			all, err := s.Queue(ctx(), id, cf, 0, 100)
			must(t, err)
			c, err := s.Counts(ctx(), id, tc.f)
			must(t, err)
			if c.Total != len(all) {
				t.Errorf("Counts(%+v).Total = %d, want %d", tc.f, c.Total, len(all))
			}
			// Neighbours walk the same list.
			for i, seq := range tc.want {
				prev, next := 0, 0
				if i > 0 {
					prev = tc.want[i-1]
				}
				if i+1 < len(tc.want) {
					next = tc.want[i+1]
				}
				if got, err := s.Neighbour(ctx(), id, tc.f, seq, -1); err != nil || got != prev {
					t.Errorf("Neighbour(%d, before) = %d, %v; want %d", seq, got, err, prev)
				}
				if got, err := s.Neighbour(ctx(), id, tc.f, seq, 1); err != nil || got != next {
					t.Errorf("Neighbour(%d, after) = %d, %v; want %d", seq, got, err, next)
				}
			}
		})
	}
	// An unknown decision counts as error.
	c, err := s.Counts(ctx(), id, store.Filter{})
	must(t, err)
	if c != (record.Summary{Clear: 1, Review: 1, Block: 2, Error: 1, Total: 5}) {
		t.Errorf("Counts = %+v", c)
	}
	// Paging.
	rows, err := s.Queue(ctx(), id, store.Filter{}, 1, 2)
	must(t, err)
	if len(rows) != 2 || rows[0].Seq != 2 || rows[1].Seq != 3 {
		t.Errorf("Queue(offset 1, limit 2) = %+v", rows)
	}
}

func testCompareRuns(t *testing.T, s store.Store) {
	a := newRun(t, s, store.NewRun{})
	b := newRun(t, s, store.NewRun{ParentID: a, Name: "b", FileName: "b", CreatedAt: t0})
	must(t, s.AddRecords(ctx(), a, []store.NewRecord{
		decision(1, record.Block, []string{"un:1"}), decision(2, record.Review, []string{"un:2"}), decision(3, record.Block, []string{"un:4"}),
	}))
	must(t, s.AddRecords(ctx(), b, []store.NewRecord{
		decision(1, record.Block, []string{"un:1"}), decision(2, record.Block, []string{"un:2", "un:3"}), decision(3, record.Clear, nil),
	}))
	must(t, s.SetReview(ctx(), a, 3, 1, store.RecordReview{State: "false_positive", Decision: record.Clear, By: "bob", At: store.Text(t0)}))
	var got []store.Change
	must(t, s.CompareRuns(ctx(), a, b, func(c store.Change) error { got = append(got, c); return nil }))
	want := []store.Change{
		{Seq: 1, RecordID: "SHP-0001", OldDecision: record.Block, Decision: record.Block, OldEntities: []string{"un:1"}, Entities: []string{"un:1"}, OldReview: "open"},
		{Seq: 2, RecordID: "SHP-0002", OldDecision: record.Review, Decision: record.Block, OldEntities: []string{"un:2"}, Entities: []string{"un:2", "un:3"}, OldReview: "open"},
		{Seq: 3, RecordID: "SHP-0003", OldDecision: record.Block, Decision: record.Clear, OldEntities: []string{"un:4"}, OldReview: "false_positive", OldReviewer: "bob"},
	}
	for i := range got {
		if len(got[i].Entities) == 0 {
			got[i].Entities = nil
		}
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("CompareRuns =\n%+v\nwant\n%+v", got, want)
	}
	stop := errors.New("stop")
	n := 0
	if err := s.CompareRuns(ctx(), a, b, func(store.Change) error { n++; return stop }); !errors.Is(err, stop) || n != 1 {
		t.Errorf("CompareRuns with fn failing: %v after %d calls", err, n)
	}
}

func testReviews(t *testing.T, s store.Store) {
	id := newRun(t, s, store.NewRun{})
	must(t, s.AddRecords(ctx(), id, []store.NewRecord{decision(1, record.Block, []string{"un:1"}, "r"), decision(2, record.Review, nil, "r")}))
	rv := store.RecordReview{State: "confirmed", Decision: record.Block, By: "alice", At: store.Text(t0)}
	must(t, s.SetReview(ctx(), id, 1, 1, rv))
	if err := s.SetReview(ctx(), id, 1, 1, rv); !errors.Is(err, store.ErrConflict) {
		t.Errorf("SetReview at a stale version: %v, want ErrConflict", err)
	}
	if err := s.SetReview(ctx(), id, 9, 1, rv); !errors.Is(err, store.ErrConflict) {
		t.Errorf("SetReview of a missing record: %v, want ErrConflict", err)
	}
	r, err := s.Record(ctx(), id, 1)
	must(t, err)
	if r.Version != 2 || r.Review != "confirmed" || r.ReviewedDecision != record.Block || r.ReviewedBy != "alice" || r.ReviewedAt != store.Text(t0) {
		t.Errorf("reviewed record: %+v", r)
	}
	rc, err := s.ReviewCounts(ctx(), id)
	must(t, err)
	if !reflect.DeepEqual(rc, map[string]int{"open": 1, "confirmed": 1}) {
		t.Errorf("ReviewCounts = %v", rc)
	}

	first := store.Review{Seq: 1, Action: "confirm", State: "confirmed", Reason: "same company", Operator: "alice", At: store.Text(t0), DecisionID: "dec-SHP-0001",
		Match: 0, EntityID: "un:1", PartyRole: "consignee", PartyName: "Trading Co SHP-0001", Approvers: []string{"alice"}}
	second := store.Review{Seq: 2, Action: "false_positive", State: "false_positive", Reason: "another", Suppress: true, SuppressUntil: "2027-01-01",
		Operator: "bob", At: store.Text(t0.Add(time.Minute)), DecisionID: "dec-SHP-0002", Match: -1, Approvers: []string{"carol", "bob"}, Suppression: `{"entity_id":"un:1"}`}
	third := store.Review{Seq: 1, Action: "needs_info", State: "needs_info", Operator: "bob", At: store.Text(t0.Add(2 * time.Minute)), DecisionID: "dec-SHP-0001", Match: -1}
	for _, v := range []store.Review{first, second, third} {
		must(t, s.AddReview(ctx(), id, v.Seq, v))
	}
	all, err := s.RunReviews(ctx(), id)
	must(t, err)
	if len(all) != 3 {
		t.Fatalf("RunReviews: %d actions, want 3", len(all))
	}
	for i, want := range []store.Review{first, second, third} {
		got := all[i]
		if i > 0 && got.ID <= all[i-1].ID {
			t.Errorf("review ids do not grow: %d after %d", got.ID, all[i-1].ID)
		}
		want.ID, want.RecordID, want.Row = got.ID, fmt.Sprintf("SHP-%04d", want.Seq), want.Seq
		if !reflect.DeepEqual(got, want) {
			t.Errorf("review %d =\n%+v\nwant\n%+v", i, got, want)
		}
	}
	rec, err := s.RecordReviews(ctx(), id, 1)
	must(t, err)
	if len(rec) != 2 || rec[0].Action != "confirm" || rec[1].Action != "needs_info" {
		t.Errorf("RecordReviews(1) = %+v", rec)
	}
	if none, err := s.RecordReviews(ctx(), newRun(t, s, store.NewRun{}), 1); err != nil || len(none) != 0 {
		t.Errorf("reviews of another run: %+v, %v", none, err)
	}
}

func testDispositions(t *testing.T, s store.Store) {
	id := newRun(t, s, store.NewRun{})
	var recs []store.NewRecord
	for seq := 1; seq <= 4; seq++ {
		recs = append(recs, decision(seq, record.Block, []string{"un:1", "un:2"}))
	}
	must(t, s.AddRecords(ctx(), id, recs))
	d0 := &store.Disposition{Match: 0, EntityID: "un:1", PartyIndex: 0, PartyRole: "consignee", PartyName: "X", State: "fp_pending", Reason: "r",
		Suppress: true, Until: "2027-01-01", Operator: "alice", Approvers: []string{"alice"}, At: store.Text(t0)}
	rec := &store.Disposition{Match: -1, PartyIndex: -1, State: "needs_info", Operator: "bob", At: store.Text(t0)}
	must(t, s.PutDisposition(ctx(), id, 2, d0))
	must(t, s.PutDisposition(ctx(), id, 2, rec))
	must(t, s.PutDisposition(ctx(), id, 4, &store.Disposition{Match: 1, EntityID: "un:2", State: "confirmed", Operator: "bob", At: store.Text(t0)}))
	ds, err := s.Dispositions(ctx(), id, 2)
	must(t, err)
	if len(ds) != 2 || !reflect.DeepEqual(ds[0], d0) || !reflect.DeepEqual(ds[-1], rec) {
		t.Errorf("Dispositions(2) = %+v, want %+v and %+v", ds, d0, rec)
	}
	// The latest disposition of a target replaces the one it had.
	approved := *d0
	approved.State, approved.Operator, approved.Approvers, approved.At = "false_positive", "bob", []string{"alice", "bob"}, store.Text(t0.Add(time.Hour))
	must(t, s.PutDisposition(ctx(), id, 2, &approved))
	ds, err = s.Dispositions(ctx(), id, 2)
	must(t, err)
	if len(ds) != 2 || !reflect.DeepEqual(ds[0], &approved) {
		t.Errorf("after replacing: %+v", ds[0])
	}
	if ds, err := s.Dispositions(ctx(), id, 1); err != nil || len(ds) != 0 || ds == nil {
		t.Errorf("no dispositions: %v, %v; want an empty map", ds, err)
	}
	byRecord, err := s.RunDispositions(ctx(), id, 1, 3)
	must(t, err)
	if len(byRecord) != 1 || len(byRecord[2]) != 2 {
		t.Errorf("RunDispositions(1, 3] = %+v, want record 2's", byRecord)
	}
	byRecord, err = s.RunDispositions(ctx(), id, 0, 4)
	must(t, err)
	if len(byRecord) != 2 || len(byRecord[4]) != 1 || byRecord[4][1].State != "confirmed" {
		t.Errorf("RunDispositions(0, 4] = %+v", byRecord)
	}
}

func testOutbox(t *testing.T, s store.Store) {
	if got, err := s.PendingAudit(ctx(), 10); err != nil || len(got) != 0 {
		t.Errorf("empty outbox: %v, %v", got, err)
	}
	for i := range 5 {
		must(t, s.EnqueueAudit(ctx(), []byte(fmt.Sprintf(`{"n":%d}`, i)), t0))
	}
	got, err := s.PendingAudit(ctx(), 3)
	must(t, err)
	if len(got) != 3 || string(got[0].Entry) != `{"n":0}` || string(got[2].Entry) != `{"n":2}` || got[0].ID >= got[1].ID {
		t.Fatalf("PendingAudit(3) = %+v", got)
	}
	must(t, s.DequeueAudit(ctx(), got[1].ID))
	rest, err := s.PendingAudit(ctx(), 10)
	must(t, err)
	if len(rest) != 3 || string(rest[0].Entry) != `{"n":2}` {
		t.Errorf("after DequeueAudit: %+v", rest)
	}
}

func testUpdate(t *testing.T, s store.Store) {
	// Committed together.
	var id int64
	err := s.Update(ctx(), func(tx store.Tx) error {
		var err error
		if id, err = tx.CreateRun(ctx(), store.NewRun{Name: "a", FileName: "a", CreatedAt: t0}); err != nil {
			return err
		}
		if err := tx.AddRecords(ctx(), id, []store.NewRecord{decision(1, record.Clear, nil)}); err != nil {
			return err
		}
		// What the transaction wrote, it reads.
		if c, err := tx.Counts(ctx(), id, store.Filter{}); err != nil || c.Total != 1 {
			return fmt.Errorf("counts within the transaction: %+v, %v", c, err)
		}
		return tx.EnqueueAudit(ctx(), []byte(`{}`), t0)
	})
	must(t, err)
	if c, _ := s.Counts(ctx(), id, store.Filter{}); c.Total != 1 {
		t.Errorf("committed records: %+v", c)
	}
	// Rolled back together: nothing of a failed fn is kept.
	fail := errors.New("fail")
	var lost int64
	err = s.Update(ctx(), func(tx store.Tx) error {
		var err error
		if lost, err = tx.CreateRun(ctx(), store.NewRun{Name: "b", FileName: "b", CreatedAt: t0}); err != nil {
			return err
		}
		if err := tx.AddRecords(ctx(), id, []store.NewRecord{decision(2, record.Block, nil)}); err != nil {
			return err
		}
		if err := tx.EnqueueAudit(ctx(), []byte(`{"lost":true}`), t0); err != nil {
			return err
		}
		return fail
	})
	if !errors.Is(err, fail) {
		t.Errorf("Update returned %v, want fn's error", err)
	}
	if _, err := s.Run(ctx(), lost); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("the run of a failed Update was kept: %v", err)
	}
	if c, _ := s.Counts(ctx(), id, store.Filter{}); c.Total != 1 {
		t.Errorf("the records of a failed Update were kept: %+v", c)
	}
	if p, _ := s.PendingAudit(ctx(), 10); len(p) != 1 {
		t.Errorf("the outbox entry of a failed Update was kept: %d entries", len(p))
	}
	// A conflict inside fn is fn's error and rolls back.
	must(t, s.AddRecords(ctx(), id, []store.NewRecord{decision(2, record.Block, nil)}))
	err = s.Update(ctx(), func(tx store.Tx) error {
		if err := tx.PutDisposition(ctx(), id, 2, &store.Disposition{Match: -1, State: "confirmed", Operator: "a", At: store.Text(t0)}); err != nil {
			return err
		}
		return tx.SetReview(ctx(), id, 2, 7, store.RecordReview{State: "confirmed"})
	})
	if !errors.Is(err, store.ErrConflict) {
		t.Errorf("Update with a stale version: %v, want ErrConflict", err)
	}
	if ds, _ := s.Dispositions(ctx(), id, 2); len(ds) != 0 {
		t.Errorf("the disposition of a conflicting Update was kept")
	}
}

func testSchemaVersion(t *testing.T, s store.Store) {
	v, err := s.SchemaVersion(ctx())
	must(t, err)
	if v < 1 {
		t.Errorf("SchemaVersion = %d, want ≥ 1", v)
	}
}
