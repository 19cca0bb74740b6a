package monitor

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"maps"
	"reflect"
	"runtime"
	"slices"
	"strconv"
	"sync"
	"time"

	"github.com/screen-compliance/screen/engine"
	"github.com/screen-compliance/screen/entity"
	"github.com/screen-compliance/screen/record"
)

// Run modes (Result.Mode).
const (
	// ModeBaseline: the portfolio had never been screened: every item was
	// decided, and no alert raised.
	ModeBaseline = "baseline"
	// ModeDelta: the changed entities were screened against the
	// portfolio's index and only the items they touch decided again.
	ModeDelta = "delta"
	// ModeFull: every item was decided again (RunOptions.Full, or the
	// policies, the engine or lists without a change log changed).
	ModeFull = "full"
)

// RunOptions tune Run.
type RunOptions struct {
	// Full decides every item again instead of the items the changes
	// touch (the reference a delta run is measured against).
	Full bool
	// BaselineOnly decides the items not screened yet (a new portfolio,
	// new items) and nothing else: no change is taken into account and no
	// alert raised (an import).
	BaselineOnly bool
	// UpTo is the newest list store change the engine's lists include,
	// read before the engine loaded them; changes after it wait for the
	// next run. 0 reads the change log's newest change.
	UpTo int64
	// Index is a reverse index of the portfolio from an earlier run
	// (Result.Index); Run uses it when it fits the portfolio's revision and
	// the engine's vocabulary (Index.Fits), else builds one when it needs
	// it.
	Index *Index
	// Workers decide items (and build the index) with this many
	// goroutines (0: one per CPU).
	Workers int
	// Webhook marks new alerts for webhook delivery (Alert.Webhook
	// WebhookPending).
	Webhook bool
	// Clock is used for timestamps (default time.Now).
	Clock func() time.Time
	// Logger receives progress (default: discard).
	Logger *slog.Logger
}

// Timing says where a run spent its time.
type Timing struct {
	// Load reads the portfolio, its state and the changes.
	Load time.Duration `json:"load_ns"`
	// Index builds the reverse index (0 when one was given or none was
	// needed).
	Index time.Duration `json:"index_ns"`
	// Reverse finds and scores the parties the changed entities touch.
	Reverse time.Duration `json:"reverse_ns"`
	// Decide re-decides the affected items with the engine.
	Decide time.Duration `json:"decide_ns"`
	// Commit stores the alerts and the new state.
	Commit time.Duration `json:"commit_ns"`
	Total  time.Duration `json:"total_ns"`
}

// Result is what Run did.
type Result struct {
	Portfolio string `json:"portfolio"`
	// Mode is ModeBaseline, ModeDelta or ModeFull; Reason says why a run
	// was full.
	Mode   string `json:"mode"`
	Reason string `json:"reason,omitempty"`
	// From and To are the list store changes the run went between.
	From int64 `json:"from"`
	To   int64 `json:"to"`
	// Changes counts the list changes read, Entities the entities they
	// changed, Related the nodes of the relationship graph related to them
	// (owned, controlled, linked, down chains), whose findings may change.
	Changes  int `json:"changes"`
	Entities int `json:"entities"`
	Related  int `json:"related"`
	// Items is the portfolio's size; Candidates the parties scored
	// against the changed entities; Decided the items decided (Baselined
	// of them new to the portfolio).
	Items      int `json:"items"`
	Candidates int `json:"candidates"`
	Decided    int `json:"decided"`
	Baselined  int `json:"baselined"`
	// Decisions are the new decisions of the items with alerts, in key
	// order, each with its alerts (Decision.Alerts).
	Decisions []record.Decision `json:"-"`
	// Alerts are the alerts stored, with their ids.
	Alerts []*Alert `json:"-"`
	// Added counts the alerts new to the store (a run repeated after a
	// crash adds none).
	Added  int    `json:"added"`
	Timing Timing `json:"timing"`
	// Index is the reverse index used (nil when none was needed).
	Index *Index `json:"-"`
	// Provenance is what the items were decided with.
	Provenance record.Provenance `json:"provenance"`
}

// Run brings portfolio name up to date with the engine's lists and
// policies and stores the alerts it raises and its new state (see the
// package documentation). changes is the list store's change log; nil when
// the lists do not come from a store, and then a change of list versions
// makes the run full. It fails with ErrConflict when another run saved the
// portfolio's state meanwhile (run again), and stores nothing then.
func Run(ctx context.Context, eng *engine.Engine, st Store, changes Changes, name string, o RunOptions) (*Result, error) {
	start := time.Now()
	if o.Clock == nil {
		o.Clock = time.Now
	}
	if o.Logger == nil {
		o.Logger = slog.New(slog.NewTextHandler(io.Discard, nil))
	}
	if o.Workers <= 0 {
		o.Workers = runtime.GOMAXPROCS(0)
	}
	old, err := st.PortfolioState(ctx, name)
	if err != nil {
		return nil, fmt.Errorf("monitor %s: %w", name, err)
	}
	prov := eng.Provenance()
	upTo := o.UpTo
	if changes != nil && upTo == 0 {
		if upTo, err = changes.LastChange(); err != nil {
			return nil, fmt.Errorf("monitor %s: %w", name, err)
		}
	}
	if res, err := upToDate(ctx, st, name, old, prov, changes, upTo, o); res != nil || err != nil {
		if res != nil {
			res.Timing.Load, res.Timing.Total = time.Since(start), time.Since(start)
		}
		return res, err
	}
	p, err := st.Portfolio(ctx, name)
	if err != nil {
		return nil, fmt.Errorf("monitor %s: %w", name, err)
	}
	res := &Result{Portfolio: name, Items: len(p.Items), Provenance: prov}
	r := &run{eng: eng, p: p, old: old, o: o, res: res, byKey: make(map[string]int, len(p.Items))}
	for i := range p.Items {
		r.byKey[p.Items[i].Key] = i
	}
	switch {
	case old == nil:
		res.Mode = ModeBaseline
		old = &State{Cursor: upTo}
		r.old = old
	case o.BaselineOnly:
		res.Mode = ModeBaseline
	default:
		res.Mode = ModeDelta
	}
	res.From, res.To = old.Cursor, old.Cursor
	if res.Mode == ModeDelta && changes != nil && upTo > old.Cursor {
		cs, err := changes.Changes(ctx, old.Cursor)
		if err != nil && ctx.Err() != nil {
			return nil, fmt.Errorf("monitor %s: %w", name, err)
		}
		if err != nil {
			// fail closed: what the log cannot say, every item is decided
			// again for
			res.Mode, res.Reason, cs = ModeFull, fmt.Sprintf("the change log cannot be read (%v)", err), nil
		}
		for _, c := range cs {
			if c.Seq <= upTo {
				r.changes = append(r.changes, c)
			}
		}
		res.To = upTo
	}
	r.table = changeTable(r.changes)
	res.Changes, res.Entities = len(r.changes), len(r.table)
	related, within := relatedNodes(eng.Graph(), r.table)
	r.related, res.Related = related, len(related)
	if res.Mode == ModeDelta {
		reason := fullReason(old, prov, r.changes, o.Full)
		if reason == "" && !within {
			reason = fmt.Sprintf("the changes reach more than %d nodes of the relationship graph", maxRelated)
		}
		if reason != "" {
			res.Mode, res.Reason = ModeFull, reason
		}
	}
	res.Timing.Load = time.Since(start)
	if err := r.plan(ctx); err != nil {
		return nil, fmt.Errorf("monitor %s: %w", name, err)
	}
	if err := r.decide(ctx); err != nil {
		return nil, fmt.Errorf("monitor %s: %w", name, err)
	}
	t := time.Now()
	if err := r.commit(ctx, st); err != nil {
		return nil, fmt.Errorf("monitor %s: %w", name, err)
	}
	res.Timing.Commit = time.Since(t)
	res.Timing.Total = time.Since(start)
	o.Logger.Info("monitor run", "portfolio", name, "mode", res.Mode, "reason", res.Reason, "changes", res.Changes,
		"entities", res.Entities, "candidates", res.Candidates, "decided", res.Decided, "alerts", len(res.Alerts), "took", res.Timing.Total)
	return res, nil
}

// upToDate returns the result of a run with nothing to do, without reading
// the portfolio's items: the state is at the newest change and was decided
// with the engine's lists and policies, nothing is pending, and the items
// did not change since. It returns nil when there is work.
func upToDate(ctx context.Context, st Store, name string, old *State, prov record.Provenance, changes Changes, upTo int64, o RunOptions) (*Result, error) {
	if old == nil || o.Full || o.BaselineOnly || len(old.Pending) > 0 || (changes != nil && upTo > old.Cursor) ||
		old.PolicySHA256 != prov.PolicySHA256 || old.Engine != prov.Engine || !maps.Equal(old.Lists, prov.Lists) {
		return nil, nil
	}
	infos, err := st.Portfolios(ctx)
	if err != nil {
		return nil, fmt.Errorf("monitor %s: %w", name, err)
	}
	i := slices.IndexFunc(infos, func(pi PortfolioInfo) bool { return pi.Name == name })
	if i < 0 {
		return nil, fmt.Errorf("monitor %s: %w", name, ErrNotFound)
	}
	if infos[i].Rev != old.PortfolioRev {
		return nil, nil
	}
	return &Result{Portfolio: name, Mode: ModeDelta, From: old.Cursor, To: old.Cursor, Items: infos[i].Items, Provenance: prov, Index: o.Index}, nil
}

// fullReason says why a run must decide every item, or "".
func fullReason(old *State, prov record.Provenance, cs []*changeSet, full bool) string {
	switch {
	case full:
		return "a full re-screen was asked for"
	case old.PolicySHA256 != prov.PolicySHA256:
		return fmt.Sprintf("the policies changed (sha256 %.12s → %.12s)", old.PolicySHA256, prov.PolicySHA256)
	case old.Engine != prov.Engine:
		return fmt.Sprintf("the engine changed (%s → %s)", old.Engine, prov.Engine)
	}
	// The list versions the changes lead to must be the engine's: a list
	// loaded from a file, the built-in sample or a change not in the log
	// changed the lists in a way no change says.
	want := maps.Clone(old.Lists)
	if want == nil {
		want = map[string]string{}
	}
	for _, c := range cs {
		if c.To == "" {
			delete(want, c.List)
		} else {
			want[c.List] = c.ToVersion
		}
	}
	if !maps.Equal(want, prov.Lists) {
		return fmt.Sprintf("the lists changed in a way the list store's change log does not record (%s → %s)", versions(want), versions(prov.Lists))
	}
	return ""
}

// versions writes list versions as "un 2026-11-01, ofac 2026-11-02".
func versions(m map[string]string) string {
	if len(m) == 0 {
		return "no lists"
	}
	ks := slices.Sorted(maps.Keys(m))
	s := ""
	for i, k := range ks {
		if i > 0 {
			s += ", "
		}
		s += k + " " + m[k]
	}
	return s
}

// run is one Run in progress.
type run struct {
	eng     *engine.Engine
	p       *Portfolio
	old     *State
	o       RunOptions
	res     *Result
	byKey   map[string]int
	changes []*changeSet
	table   map[string]*entityChange
	// related are the graph nodes owned by, controlled by or linked to a
	// changed entity (relatedNodes)
	related map[string]relatedNode
	// todo are the items to decide, ascending; baseline marks those
	// decided for the first time (alerts for their hits, cause item); why names the entity whose
	// names found an item in reverse screening
	todo     []int
	baseline map[int]bool
	why      map[int]string
	// next is the new state's items
	next    map[string]ItemState
	pending []string
	alerts  []*Alert
}

// plan chooses the items to decide: the items added or changed since the
// state (decided as new: an alert for each hit they have), and, by mode, every item (full) or the
// items the changes touch and those pending (delta).
func (r *run) plan(ctx context.Context) error {
	r.baseline = map[int]bool{}
	set := map[int]bool{}
	for i := range r.p.Items {
		if r.old.Rev == 0 || r.p.Items[i].Rev > r.old.PortfolioRev {
			set[i], r.baseline[i] = true, true
		}
	}
	switch r.res.Mode {
	case ModeFull:
		for i := range r.p.Items {
			set[i] = true
		}
	case ModeDelta:
		for _, k := range r.old.Pending {
			if i, ok := r.byKey[k]; ok {
				set[i] = true
			}
		}
		for k, is := range r.old.Items {
			i, ok := r.byKey[k]
			if !ok {
				continue
			}
			for _, h := range is.Hits {
				_, changed := r.table[h.EntityID]
				_, related := r.related[h.EntityID]
				if changed || related {
					set[i] = true
					break
				}
			}
		}
		hit, err := r.reverse(ctx, set)
		if err != nil {
			return err
		}
		r.why = hit
		for i := range hit {
			set[i] = true
		}
	}
	r.todo = slices.Sorted(maps.Keys(set))
	return nil
}

// reverse returns the items not in skip whose parties score at or above
// the match floor against the names of an added or changed entity (the
// entity as the change log has it, and as the engine has it now), or of a
// party related to one; each with the id of the entity that found it.
func (r *run) reverse(ctx context.Context, skip map[int]bool) (map[int]string, error) {
	var ents []*entity.Entity
	for _, id := range slices.Sorted(maps.Keys(r.table)) {
		ec := r.table[id]
		if ec.new == nil {
			continue
		}
		ents = append(ents, ec.new)
		if cur, ok := r.eng.Entity(id); ok && !reflect.DeepEqual(cur, ec.new) {
			ents = append(ents, cur)
		}
	}
	// the entities and unlisted parties whose ownership findings may have
	// changed with them
	for _, id := range slices.Sorted(maps.Keys(r.related)) {
		n := r.related[id].node
		if e, ok := r.eng.Entity(id); ok {
			ents = append(ents, e)
		} else if !n.Listed {
			ents = append(ents, pseudoEntity(n))
		}
	}
	if len(ents) == 0 {
		return nil, nil
	}
	ix := r.o.Index
	if !ix.Fits(r.p, r.eng.Vocabulary()) {
		t := time.Now()
		var err error
		if ix, err = BuildIndex(ctx, r.eng.Vocabulary(), r.p, r.o.Workers); err != nil {
			return nil, err
		}
		r.res.Timing.Index = time.Since(t)
	}
	r.res.Index = ix
	t := time.Now()
	floor := r.eng.MatchFloor()
	vocab := ix.Vocabulary()
	var mu sync.Mutex
	found := map[int]string{}
	var wg sync.WaitGroup
	work := make(chan *entity.Entity)
	for range r.o.Workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for e := range work {
				if ctx.Err() != nil {
					continue
				}
				ns := vocab.EntityNames(e)
				cands := ix.Candidates(e, ns)
				var hit []int
				for _, n := range cands {
					item, party := ix.Party(n)
					if skip[item] {
						continue
					}
					q := engine.PartyQuery(r.p.Items[item].Record.Parties[party])
					sc := vocab.NewScorer(q)
					// QuickAbove is Quick's score when that reaches the floor
					if atLeast := floor - 1e-9; sc.QuickAbove(e, ns, atLeast) >= atLeast {
						hit = append(hit, item)
					}
					sc.Release()
				}
				mu.Lock()
				r.res.Candidates += len(cands)
				for _, i := range hit {
					if prev, ok := found[i]; !ok || e.ID < prev {
						found[i] = e.ID // the same whatever the workers' order
					}
				}
				mu.Unlock()
			}
		}()
	}
	for _, e := range ents {
		work <- e
	}
	close(work)
	wg.Wait()
	r.res.Timing.Reverse = time.Since(t)
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	return found, nil
}

// causes returns the causes of the run's alerts.
func (r *run) causes() Causes {
	other := record.AlertCause{Change: record.CauseLists, Detail: "the lists changed (" + versions(r.old.Lists) + " → " + versions(r.res.Provenance.Lists) + ")"}
	if r.res.Mode == ModeFull && (r.old.PolicySHA256 != r.res.Provenance.PolicySHA256 || r.old.Engine != r.res.Provenance.Engine) {
		other = record.AlertCause{Change: record.CausePolicy, Detail: r.res.Reason}
	}
	return Causes{Other: other, Entity: func(id string) (record.AlertCause, bool) {
		if ec, ok := r.table[id]; ok {
			return ec.cause(), true
		}
		if rn, ok := r.related[id]; ok {
			return rn.cause(r.table), true
		}
		return record.AlertCause{}, false
	}}
}

// decide decides the planned items and compares them with their states.
func (r *run) decide(ctx context.Context) error {
	t := time.Now()
	r.next = make(map[string]ItemState, len(r.old.Items))
	for k, is := range r.old.Items {
		if _, ok := r.byKey[k]; ok {
			r.next[k] = is // items no longer in the portfolio are dropped
		}
	}
	causes := r.causes()
	pending := map[string]bool{}
	for _, k := range r.old.Pending {
		if _, ok := r.byKey[k]; ok {
			pending[k] = true
		}
	}
	pos := 0
	next := func() (record.Record, error) {
		if pos >= len(r.todo) {
			return record.Record{}, io.EOF
		}
		rec := r.p.Items[r.todo[pos]].Record
		rec.Parties = slices.Clone(rec.Parties)
		pos++
		return rec, nil
	}
	n := 0
	err := r.eng.ScreenStream(ctx, r.o.Workers, next, func(d record.Decision) error {
		i := r.todo[n]
		n++
		it := &r.p.Items[i]
		old := r.old.Items[it.Key]
		if r.baseline[i] {
			r.res.Baselined++
			// an item new to the portfolio is decided for the first
			// time: no change to report, but every hit it has is one no
			// person has decided, so each is an alert (a clear item
			// raises none)
			first := Causes{Other: record.AlertCause{Change: record.CauseItem,
				Detail: "first screening of an item new to the portfolio or changed: " + it.Origin}}
			if alerts := Compare(ItemState{}, &d, first); len(alerts) > 0 {
				r.addAlerts(it, d, alerts)
			}
		} else {
			c := causes
			if id, ok := r.why[i]; ok {
				// what no hit explains (a finding on the party itself, by
				// name) is due to the entity that found the item
				if ac, ok := causes.cause(id); ok {
					c.Other = ac
				}
			}
			if alerts := Compare(old, &d, c); len(alerts) > 0 {
				r.addAlerts(it, d, alerts)
			}
		}
		ns := StateOf(&d)
		switch {
		case d.Decision == record.Error && !r.baseline[i] && old.Decision != record.Error:
			// keep the hits that stand; decide it again next time
			pending[it.Key] = true
			return nil
		case d.Decision == record.Error && it.Record.Err == "":
			pending[it.Key] = true // a failure that may pass: decide it again next time
		default:
			delete(pending, it.Key) // decided, or a row that cannot be read: no retry helps
		}
		if ns.Decision == record.Clear && len(ns.Hits) == 0 {
			delete(r.next, it.Key)
		} else {
			r.next[it.Key] = ns
		}
		return nil
	})
	if err != nil {
		return err
	}
	r.res.Decided = n
	r.pending = slices.Sorted(maps.Keys(pending))
	r.res.Timing.Decide = time.Since(t)
	return nil
}

// addAlerts records the alerts of one item.
func (r *run) addAlerts(it *Item, d record.Decision, alerts []record.Alert) {
	now := r.o.Clock().UTC()
	d.Alerts = nil
	for k := range alerts {
		alerts[k].Portfolio, alerts[k].Item = r.p.Name, it.Key
		a := &Alert{Fingerprint: fingerprint(r.p.Name, it.Key, r.old.Rev, &alerts[k]), CreatedAt: now,
			Alert: alerts[k], Record: d, Status: StatusOpen, Version: 1}
		if r.o.Webhook {
			a.Webhook = WebhookPending
		}
		r.alerts = append(r.alerts, a)
	}
	d.Alerts = alerts
	r.res.Decisions = append(r.res.Decisions, d)
}

// fingerprint identifies an alert: its portfolio, item, kind, party,
// entity and the state revision it was raised from.
func fingerprint(portfolio, key string, rev int64, a *record.Alert) string {
	h := sha256.New()
	for _, s := range []string{portfolio, key, a.Kind, strconv.Itoa(a.Party), a.EntityID, strconv.FormatInt(rev, 10)} {
		h.Write([]byte(s))
		h.Write([]byte{0})
	}
	return hex.EncodeToString(h.Sum(nil))[:32]
}

// commit stores the alerts, then the new state.
func (r *run) commit(ctx context.Context, st Store) error {
	if len(r.alerts) > 0 {
		added, err := st.AddAlerts(ctx, r.alerts)
		if err != nil {
			return err
		}
		r.res.Added = added
	}
	r.res.Alerts = r.alerts
	ns := &State{Rev: r.old.Rev + 1, PortfolioRev: r.p.Rev, Cursor: r.res.To, Lists: r.res.Provenance.Lists,
		PolicySHA256: r.res.Provenance.PolicySHA256, Engine: r.res.Provenance.Engine, At: r.o.Clock().UTC(),
		Items: r.next, Pending: r.pending}
	if r.res.Mode == ModeBaseline && r.old.Rev > 0 {
		// an import: the items known keep the lists they were decided on
		ns.Cursor, ns.Lists, ns.PolicySHA256, ns.Engine = r.old.Cursor, r.old.Lists, r.old.PolicySHA256, r.old.Engine
	}
	if err := st.SavePortfolioState(ctx, r.p.Name, ns, r.old.Rev); err != nil {
		if errors.Is(err, ErrConflict) {
			return fmt.Errorf("%w: another run saved the portfolio's state meanwhile; run again", err)
		}
		return err
	}
	return nil
}
