package audit

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/screen-compliance/screen/entity"
	"github.com/screen-compliance/screen/record"
)

// sample is a blocked decision with a suppressed reason.
func sample() record.Decision {
	return record.Decision{
		ID: "SHP-0003", Source: "shipments.csv", Row: 3, Decision: record.Block,
		Reasons: []record.Reason{
			{Rule: "dprk.goods.export_ban", Severity: "block", Title: "Export ban", Citation: "UNSCR 2397 (2017) para 7", Fingerprint: "f1"},
			{Rule: "sanctions.name_match", Severity: "block", Fingerprint: "f2"},
			{Rule: "own.watchlist", Severity: "review", SuppressedBy: ".screenignore.yaml:3: cleared"},
			{Rule: "sanctions.name_match", Severity: "block", Fingerprint: "f3"},
		},
		Matches: []record.Match{
			{Role: "shipper", EntityID: "un:KPe.029", List: "un", Score: 0.97, Programs: []string{"DPRK"}},
			{Role: "consignee", EntityID: "un:KPe.029", List: "un", Score: 0.91},
			{Role: "vessel", EntityID: "ofac:9999", List: "ofac", Score: 0.8},
		},
		Goods: []record.Goods{{Line: 0, HS: "281820", Categories: []string{"dual_use.aluminium_oxide"}}},
		Provenance: record.Provenance{
			Lists: map[string]string{"un": "2026-11-01", "ofac": "2026-11-20"}, PolicySHA256: "abc", Engine: "v0.1.0",
		},
	}
}

func TestDecisionIDStable(t *testing.T) {
	d := sample()
	id := DecisionID(&d)
	if len(id) != 64 {
		t.Fatalf("DecisionID = %q, want 64 hex digits", id)
	}
	// The canonical form is a contract with existing logs: a change here
	// must be deliberate (and bump decisionIDDomain). The value changed
	// once when matches gained name_score (always present in the JSON).
	const want = "5c5a94c559201d7b1413699ee1a4e9b27c41a50bf9a5af863da6d935a932d97a"
	if id != want {
		t.Errorf("DecisionID = %s, want %s", id, want)
	}
	same := []struct {
		name string
		edit func(*record.Decision)
	}{
		{"new list versions", func(d *record.Decision) { d.Provenance.Lists["un"] = "2026-12-01" }},
		{"new policy hash", func(d *record.Decision) { d.Provenance.PolicySHA256 = "def" }},
		{"new engine", func(d *record.Decision) { d.Provenance.Engine = "v0.2.0" }},
		{"no provenance", func(d *record.Decision) { d.Provenance = record.Provenance{} }},
		{"input record attached", func(d *record.Decision) { d.Record = &record.Record{ID: "x"} }},
		{"empty instead of nil programs", func(d *record.Decision) { d.Matches[1].Programs = []string{} }},
		{"nil instead of empty categories", func(d *record.Decision) { d.Goods = append(d.Goods, record.Goods{Line: 1, Categories: nil}) }},
	}
	for _, tc := range same {
		c := sample()
		tc.edit(&c)
		if tc.name == "nil instead of empty categories" {
			// Compare against the same line with [] categories.
			o := sample()
			o.Goods = append(o.Goods, record.Goods{Line: 1, Categories: []string{}})
			if DecisionID(&c) != DecisionID(&o) {
				t.Errorf("%s: id changed", tc.name)
			}
			continue
		}
		if got := DecisionID(&c); got != id {
			t.Errorf("%s: id changed", tc.name)
		}
	}
	differ := []struct {
		name string
		edit func(*record.Decision)
	}{
		{"decision", func(d *record.Decision) { d.Decision = record.Review }},
		{"row", func(d *record.Decision) { d.Row = 4 }},
		{"reason suppressed", func(d *record.Decision) { d.Reasons[0].SuppressedBy = "baseline" }},
		{"reason dropped", func(d *record.Decision) { d.Reasons = d.Reasons[1:] }},
		{"other entity", func(d *record.Decision) { d.Matches[0].EntityID = "un:KPe.030" }},
		{"score", func(d *record.Decision) { d.Matches[0].Score = 0.96 }},
		{"goods category", func(d *record.Decision) { d.Goods[0].Categories = []string{"luxury"} }},
		{"error", func(d *record.Decision) { d.Error = "boom" }},
	}
	for _, tc := range differ {
		c := sample()
		tc.edit(&c)
		if DecisionID(&c) == id {
			t.Errorf("%s: id unchanged", tc.name)
		}
	}
	if d.Provenance.PolicySHA256 != "abc" || d.Provenance.Lists["un"] != "2026-11-01" {
		t.Error("DecisionID changed its argument")
	}
}

func TestDecisionIDNaN(t *testing.T) {
	d := sample()
	d.Matches[0].Score = math.NaN()
	a, b := DecisionID(&d), DecisionID(&d)
	if a != b || len(a) != 64 {
		t.Errorf("NaN score: ids %q %q", a, b)
	}
}

func TestNewEntry(t *testing.T) {
	d := sample()
	run := Run{Tool: "screen v0.1.0", Lists: ListRefs([]entity.Metadata{{Name: "un", Version: "2026-11-01",
		Files: []entity.FileDigest{{Path: "un.xml", SHA256: "aa"}}}}), PolicySHA256: "abc", InputSHA256: "in", Operator: "alice"}
	e := NewEntry(&d, run)
	if e.DecisionID != DecisionID(&d) || e.Decision != record.Block || e.Operator != "alice" || e.InputSHA256 != "in" {
		t.Errorf("entry = %+v", e)
	}
	if e.Record != (RecordRef{ID: "SHP-0003", Source: "shipments.csv", Row: 3}) {
		t.Errorf("record = %+v", e.Record)
	}
	if got := strings.Join(e.Reasons, ","); got != "dprk.goods.export_ban,sanctions.name_match" {
		t.Errorf("reasons = %s", got)
	}
	if got := strings.Join(e.Suppressions, ","); got != "own.watchlist: .screenignore.yaml:3: cleared" {
		t.Errorf("suppressions = %s", got)
	}
	if got := strings.Join(e.Entities, ","); got != "un:KPe.029,ofac:9999" {
		t.Errorf("entities = %s", got)
	}
	if len(e.Lists) != 1 || e.Lists[0] != (ListRef{Name: "un", Version: "2026-11-01", SHA256: "aa"}) {
		t.Errorf("lists = %+v", e.Lists)
	}
	// Without run lists, the decision's provenance fills in, sorted.
	e = NewEntry(&d, Run{})
	if len(e.Lists) != 2 || e.Lists[0].Name != "ofac" || e.Lists[1] != (ListRef{Name: "un", Version: "2026-11-01"}) || e.PolicySHA256 != "abc" {
		t.Errorf("fallback lists = %+v policy %q", e.Lists, e.PolicySHA256)
	}
}

func TestListRefsDigest(t *testing.T) {
	a := ListRefs([]entity.Metadata{{Name: "ofac", Files: []entity.FileDigest{{Path: "sdn.xml", SHA256: "11"}, {Path: "add.xml", SHA256: "22"}}}})
	b := ListRefs([]entity.Metadata{{Name: "ofac", Files: []entity.FileDigest{{Path: "add.xml", SHA256: "22"}, {Path: "sdn.xml", SHA256: "11"}}}})
	if a[0].SHA256 != b[0].SHA256 || len(a[0].SHA256) != 64 {
		t.Errorf("multi-file digest depends on order or is malformed: %q %q", a[0].SHA256, b[0].SHA256)
	}
	if got := ListRefs([]entity.Metadata{{Name: "own"}}); got[0].SHA256 != "" {
		t.Errorf("no files: digest %q", got[0].SHA256)
	}
}

// openTemp opens a log in a fresh directory with a fixed clock.
func openTemp(t *testing.T) (*Log, string) {
	t.Helper()
	path := filepath.Join(t.TempDir(), "audit.jsonl")
	l, err := Open(path)
	if err != nil {
		t.Fatal(err)
	}
	l.now = func() time.Time { return time.Date(2026, 11, 23, 13, 0, 0, 0, time.FixedZone("CET", 3600)) }
	return l, path
}

func readAll(t *testing.T, path string) []Entry {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var out []Entry
	if err := Read(f, func(e Entry) error { out = append(out, e); return nil }); err != nil {
		t.Fatal(err)
	}
	return out
}

func TestLogAppend(t *testing.T) {
	l, path := openTemp(t)
	d := sample()
	if err := l.Append(NewEntry(&d, Run{Tool: "screen v0.1.0"})); err != nil {
		t.Fatal(err)
	}
	ts := time.Date(2026, 1, 2, 3, 4, 5, 0, time.FixedZone("X", -7200))
	if err := l.Append(Entry{DecisionID: "x", Decision: record.Clear, Timestamp: ts}); err != nil {
		t.Fatal(err)
	}
	if err := l.Close(); err != nil {
		t.Fatal(err)
	}
	st, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	if st.Mode().Perm() != 0o600 {
		t.Errorf("mode = %v, want 0600", st.Mode().Perm())
	}
	raw, _ := os.ReadFile(path)
	lines := strings.Split(strings.TrimSuffix(string(raw), "\n"), "\n")
	if len(lines) != 2 {
		t.Fatalf("%d lines, want 2:\n%s", len(lines), raw)
	}
	if !strings.Contains(lines[0], `"timestamp":"2026-11-23T12:00:00Z"`) {
		t.Errorf("default timestamp not now in UTC: %s", lines[0])
	}
	if !strings.Contains(lines[1], `"timestamp":"2026-01-02T05:04:05Z"`) || !strings.Contains(lines[1], `"reasons":[]`) || !strings.Contains(lines[1], `"lists":[]`) {
		t.Errorf("second line: %s", lines[1])
	}
	es := readAll(t, path)
	if es[0].DecisionID != DecisionID(&d) || es[0].Record.Row != 3 || es[0].Timestamp.Location() != time.UTC {
		t.Errorf("read back %+v", es[0])
	}

	// Reopening appends.
	l2, err := Open(path)
	if err != nil {
		t.Fatal(err)
	}
	if err := l2.Append(Entry{DecisionID: "y", Decision: record.Review}); err != nil {
		t.Fatal(err)
	}
	l2.Close()
	if n := len(readAll(t, path)); n != 3 {
		t.Errorf("%d entries after reopening, want 3", n)
	}
}

func TestLogRejects(t *testing.T) {
	l, _ := openTemp(t)
	if err := l.Append(Entry{Decision: record.Clear}); err == nil {
		t.Error("entry without decision_id accepted")
	}
	if err := l.Append(Entry{DecisionID: "x"}); err == nil {
		t.Error("entry without decision accepted")
	}
	if err := l.Close(); err != nil {
		t.Fatal(err)
	}
	if err := l.Close(); err != nil {
		t.Errorf("second Close: %v", err)
	}
	if err := l.Append(Entry{DecisionID: "x", Decision: record.Clear}); err == nil {
		t.Error("append after close accepted")
	}
	if _, err := Open(t.TempDir()); err == nil {
		t.Error("Open on a directory succeeded")
	}
	if _, err := Open(filepath.Join(t.TempDir(), "missing", "audit.jsonl")); err == nil {
		t.Error("Open in a missing directory succeeded")
	}
}

// TestLogPartialLine checks that a line cut by a crash does not swallow
// the next entry.
func TestLogPartialLine(t *testing.T) {
	path := filepath.Join(t.TempDir(), "audit.jsonl")
	if err := os.WriteFile(path, []byte(`{"decision_id":"a","decision":"clear"}`+"\n"+`{"decision_id":"b","deci`), 0o600); err != nil {
		t.Fatal(err)
	}
	l, err := Open(path)
	if err != nil {
		t.Fatal(err)
	}
	if err := l.Append(Entry{DecisionID: "c", Decision: record.Clear}); err != nil {
		t.Fatal(err)
	}
	l.Close()
	raw, _ := os.ReadFile(path)
	lines := strings.Split(strings.TrimSuffix(string(raw), "\n"), "\n")
	if len(lines) != 3 || !strings.HasPrefix(lines[2], `{"decision_id":"c"`) {
		t.Errorf("lines = %q", lines)
	}
	err = Read(bytes.NewReader(raw), func(Entry) error { return nil })
	if err == nil || !strings.Contains(err.Error(), "line 2") {
		t.Errorf("Read error = %v, want one naming line 2", err)
	}
}

func TestLogConcurrent(t *testing.T) {
	l, path := openTemp(t)
	const workers, each = 8, 200
	var wg sync.WaitGroup
	errs := make(chan error, workers)
	for w := 0; w < workers; w++ {
		wg.Add(1)
		go func(w int) {
			defer wg.Done()
			for i := 0; i < each; i++ {
				msg := strings.Repeat(fmt.Sprint(w), 500) // long lines expose interleaving
				if err := l.Append(Entry{DecisionID: fmt.Sprintf("%d-%d", w, i), Decision: record.Review, Error: msg}); err != nil {
					errs <- err
					return
				}
			}
		}(w)
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Fatal(err)
	}
	if err := l.Close(); err != nil {
		t.Fatal(err)
	}
	es := readAll(t, path)
	if len(es) != workers*each {
		t.Fatalf("%d entries, want %d", len(es), workers*each)
	}
	seen := map[string]bool{}
	for _, e := range es {
		seen[e.DecisionID] = true
	}
	if len(seen) != workers*each {
		t.Errorf("%d distinct entries, want %d", len(seen), workers*each)
	}
}

func TestReadCallbackError(t *testing.T) {
	stop := errors.New("stop")
	in := "\n" + `{"decision_id":"a","decision":"clear"}` + "\n"
	err := Read(strings.NewReader(in), func(Entry) error { return stop })
	if !errors.Is(err, stop) || !strings.Contains(err.Error(), "line 2") {
		t.Errorf("err = %v", err)
	}
	if err := Read(strings.NewReader(`{"decision":"clear"}`), func(Entry) error { return nil }); err == nil {
		t.Error("entry without decision_id read")
	}
}

func FuzzRead(f *testing.F) {
	d := sample()
	line, _ := json.Marshal(NewEntry(&d, Run{Tool: "screen"}))
	f.Add(string(line) + "\n")
	f.Add(`{"decision_id":"a","decision":"clear"}` + "\n\n" + `{"decision_id":"b","deci`)
	f.Add("not json\n")
	f.Add(`{"decision_id":"a","timestamp":"yesterday"}`)
	f.Fuzz(func(t *testing.T, in string) {
		n := 0
		err := Read(strings.NewReader(in), func(e Entry) error {
			if e.DecisionID == "" {
				t.Fatal("entry without decision_id passed")
			}
			n++
			return nil
		})
		if err != nil && !strings.Contains(err.Error(), "audit") {
			t.Errorf("error without context: %v", err)
		}
	})
}

func BenchmarkAppend(b *testing.B) {
	l, err := Open(filepath.Join(b.TempDir(), "audit.jsonl"))
	if err != nil {
		b.Fatal(err)
	}
	defer l.Close()
	d := sample()
	e := NewEntry(&d, Run{Tool: "screen v0.1.0"})
	b.ReportAllocs()
	for b.Loop() {
		if err := l.Append(e); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkDecisionID(b *testing.B) {
	d := sample()
	b.ReportAllocs()
	for b.Loop() {
		DecisionID(&d)
	}
}

func TestEventEntries(t *testing.T) {
	l, path := openTemp(t)
	until := time.Date(2026, 12, 1, 10, 15, 0, 0, time.UTC)
	ev := Entry{ID: "web-1", Tool: "screen web", Event: &Event{Kind: EventSignInLockout, Subject: "alice", Address: "192.0.2.7", Until: &until, Detail: "10 failed sign-ins"}}
	if err := l.Append(ev); err != nil {
		t.Fatal(err)
	}
	if err := l.Append(Entry{Event: &Event{}}); err == nil {
		t.Error("an event without a kind was accepted")
	}
	rev := sample()
	e := NewEntry(&rev, Run{Operator: "bob"})
	e.Run = "web-run-2"
	e.Review = &Review{Action: "false_positive", State: "false_positive", Seq: 3,
		Match:       &MatchRef{Index: 1, EntityID: "un:KPe.029", PartyIndex: 1, Role: "consignee", Party: "Acme", Score: 0.91},
		Suppression: &Suppression{File: ".screenignore.yaml", EntityID: "un:KPe.029", Party: "Acme", Reason: "namesake", ApprovedBy: "bob"}}
	if err := l.Append(e); err != nil {
		t.Fatal(err)
	}
	l.Close()
	b, _ := os.ReadFile(path)
	lines := strings.Split(strings.TrimSpace(string(b)), "\n")
	if len(lines) != 2 {
		t.Fatalf("%d lines:\n%s", len(lines), b)
	}
	// An event line has no empty decision fields.
	for _, bad := range []string{`"decision_id"`, `"reasons"`, `"lists"`, `"record"`} {
		if strings.Contains(lines[0], bad) {
			t.Errorf("event line has %s: %s", bad, lines[0])
		}
	}
	var got []Entry
	if err := Read(strings.NewReader(string(b)), func(e Entry) error { got = append(got, e); return nil }); err != nil {
		t.Fatal(err)
	}
	if got[0].Event == nil || got[0].Event.Kind != EventSignInLockout || got[0].ID != "web-1" || !got[0].Event.Until.Equal(until) {
		t.Errorf("event read back: %+v", got[0])
	}
	if r := got[1].Review; r == nil || r.Match == nil || r.Match.EntityID != "un:KPe.029" || r.Match.Party != "Acme" || r.Suppression == nil || got[1].Run != "web-run-2" {
		t.Errorf("review read back: %+v", got[1].Review)
	}
}
