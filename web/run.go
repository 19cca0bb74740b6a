package web

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"sync/atomic"
	"time"

	"github.com/screen-compliance/screen/audit"
	"github.com/screen-compliance/screen/country"
	"github.com/screen-compliance/screen/engine"
	"github.com/screen-compliance/screen/record"
	"github.com/screen-compliance/screen/suppress"
	"github.com/screen-compliance/screen/web/store"
)

// Run statuses.
const (
	statusRunning = store.StatusRunning
	statusDone    = store.StatusDone
	statusFailed  = store.StatusFailed
)

// RunOptions are the choices made when a run starts.
type RunOptions = store.RunOptions

// Facets are the distinct filter values of a run, for the filter menus.
type Facets = store.Facets

// Run is one screening of one input file.
type Run = store.Run

// getRun reads one run.
func (a *App) getRun(ctx context.Context, id int64) (*Run, error) {
	return a.st.Run(ctx, id)
}

// listRuns returns the newest runs first, with their counts.
func (a *App) listRuns(ctx context.Context, limit int) ([]*Run, error) {
	out, err := a.st.Runs(ctx, limit)
	if err != nil {
		return nil, err
	}
	for _, r := range out {
		if r.Counts, err = a.counts(ctx, r.ID, filter{}); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// newRun is a run to create.
type newRun struct {
	name, file, sha, operator string
	parent                    int64
	opts                      RunOptions
	// upload is the base name of the stored upload the run screens, or
	// "" when it screens the parent's stored records; takeUpload moves
	// the parent's kept upload to the new run.
	upload     string
	takeUpload bool
}

// createRun inserts a run in status running. A run that narrows the lists
// or leaves rules out is audited in the same transaction.
func (a *App) createRun(ctx context.Context, nr newRun) (int64, error) {
	var id int64
	err := a.audited(ctx, func(tx store.Tx) ([]audit.Entry, error) {
		var err error
		id, err = tx.CreateRun(ctx, store.NewRun{Name: nr.name, FileName: nr.file, InputSHA256: nr.sha, CreatedAt: a.opts.Clock(), CreatedBy: nr.operator,
			ParentID: nr.parent, Options: nr.opts, Upload: nr.upload})
		if err != nil {
			return nil, err
		}
		if nr.takeUpload {
			if err := tx.ClearUpload(ctx, nr.parent, nr.upload); err != nil {
				return nil, err
			}
		}
		if !nr.opts.Narrowed() {
			return nil, nil
		}
		detail := fmt.Sprintf("run %d (%s, input sha256 %s) started by %s", id, nr.file, nr.sha, nr.operator)
		if len(nr.opts.DisabledRules) > 0 {
			detail += "; findings of these rules do not count: " + strings.Join(nr.opts.DisabledRules, ", ")
		}
		if len(nr.opts.Lists) > 0 {
			detail += "; only matches on these lists count: " + strings.Join(nr.opts.Lists, ", ")
		}
		return []audit.Entry{{Tool: toolName(), Operator: nr.operator, Event: &audit.Event{
			Kind: audit.EventRunOptions, Run: runName(id), Subject: nr.file, Rules: nr.opts.DisabledRules, Lists: nr.opts.Lists, Detail: detail,
		}}}, nil
	})
	if err != nil {
		return 0, fmt.Errorf("create run: %w", err)
	}
	return id, nil
}

// runName names a run in audit entries and reports.
func runName(id int64) string { return fmt.Sprintf("web-run-%d", id) }

// source feeds a run: next record and progress between 0 and 1.
type source struct {
	next     engine.Next
	progress func() float64
	close    func()
	// upload is the base name of the upload the run reads, deleted when
	// the run finishes and kept when it fails.
	upload string
}

// startRun screens src into run id in the background (on a shared store,
// as a job that every process's chunk workers screen: startJob).
func (a *App) startRun(id int64, src source, o RunOptions) {
	if a.jobs != nil {
		a.startJob(id, src)
		return
	}
	ctx, cancel := context.WithCancel(a.ctx)
	a.runsMu.Lock()
	a.running[id] = cancel
	a.runsMu.Unlock()
	a.wg.Add(1)
	go func() {
		defer a.wg.Done()
		defer cancel()
		defer func() {
			a.runsMu.Lock()
			delete(a.running, id)
			a.runsMu.Unlock()
		}()
		err := a.screenRun(ctx, id, src, o)
		src.close()
		status, msg := statusDone, ""
		if err != nil {
			status, msg = statusFailed, err.Error()
			if errors.Is(err, context.Canceled) {
				msg = interruptedMsg
			}
			a.opts.Logger.Warn("run failed", "run", id, "err", err)
		}
		// A fresh context: the run's own may be cancelled by now.
		uctx, ucancel := context.WithTimeout(context.WithoutCancel(a.ctx), 10*time.Second)
		defer ucancel()
		if err := a.st.FinishRun(uctx, id, status, msg, a.opts.Clock()); err != nil {
			a.opts.Logger.Error("finish run", "run", id, "err", err)
			return
		}
		if status == statusDone && src.upload != "" {
			if err := a.dropUpload(uctx, id, src.upload); err != nil {
				a.opts.Logger.Error("finish run", "run", id, "err", err)
			}
		}
	}()
}

// batchSize is the number of records written per transaction.
const batchSize = 500

// screenRun screens every record of src and stores the decisions. A
// decision from which the run's options or the suppression file took a
// finding out is audited (who approved the suppression, why, which match),
// in the transaction that stores it.
func (a *App) screenRun(ctx context.Context, id int64, src source, o RunOptions) error {
	run, err := a.getRun(ctx, id)
	if err != nil {
		return err
	}
	auditRun := audit.Run{Tool: toolName(), Lists: audit.ListRefs(a.eng.Lists()), PolicySHA256: a.eng.Policy().SHA256(),
		InputSHA256: run.InputSHA256, Operator: run.CreatedBy}
	prov := a.eng.Provenance()
	if err := a.st.SetRunProvenance(ctx, id, a.eng.Lists(), prov.PolicySHA256, prov.Engine); err != nil {
		return err
	}
	var ign *suppress.File
	if o.ApplySuppressions && a.opts.IgnoreFile != "" {
		f, err := suppress.Load(a.opts.IgnoreFile)
		switch {
		case err == nil:
			ign = f
		case !errors.Is(err, fs.ErrNotExist):
			return err
		}
	}
	fc := newFacetSet()
	seenEntities := map[string]bool{}
	var batch []screened
	seq := 0
	flush := func() error {
		if len(batch) == 0 {
			return nil
		}
		if err := a.insertRecords(ctx, id, batch, seenEntities, src.progress()); err != nil {
			return err
		}
		batch = batch[:0]
		return nil
	}
	now := a.opts.Clock()
	err = a.eng.ScreenStream(ctx, a.opts.Workers, src.next, func(d record.Decision) error {
		seq++
		applyRunOptions(&d, o, ign, now)
		sr := screened{rec: newStoredRecord(seq, &d)}
		if a.audit != nil && hasSuppressed(&d) {
			e := audit.NewEntry(&d, auditRun)
			e.Run = runName(id)
			e.Timestamp = now
			sr.audit = &e
		}
		fc.add(&sr.rec)
		batch = append(batch, sr)
		if len(batch) >= batchSize {
			return flush()
		}
		return nil
	})
	if err != nil {
		return err
	}
	if err := flush(); err != nil {
		return err
	}
	if err := a.flushAudit(ctx); err != nil {
		return err
	}
	return a.st.SetRunFacets(ctx, id, fc.facets())
}

// applyRunOptions takes out of the decision the findings of lists not
// selected and of rules disabled for the run, and applies suppressions.
// The findings stay in the record, marked with why they do not count.
func applyRunOptions(d *record.Decision, o RunOptions, ign *suppress.File, now time.Time) {
	changed := false
	if len(o.Lists) > 0 || len(o.DisabledRules) > 0 {
		keep := map[string]bool{}
		for _, l := range o.Lists {
			keep[l] = true
		}
		off := map[string]bool{}
		for _, r := range o.DisabledRules {
			off[r] = true
		}
		for i := range d.Reasons {
			r := &d.Reasons[i]
			if r.SuppressedBy != "" {
				continue
			}
			if off[r.Rule] {
				r.SuppressedBy = "rule " + r.Rule + " left out of this run" + byAdmin(o.SetBy)
				changed = true
				continue
			}
			if len(keep) == 0 {
				continue
			}
			// A finding about party matches only, all on lists left out.
			idx, only := suppress.MatchEvidence(r, len(d.Matches))
			var out []string
			for _, k := range idx {
				if !keep[d.Matches[k].List] {
					out = append(out, d.Matches[k].List)
				}
			}
			if only && len(out) == len(idx) {
				r.SuppressedBy = "list " + strings.Join(uniqSorted(out), ", ") + " not selected for this run" + byAdmin(o.SetBy)
				changed = true
			}
		}
	}
	if changed {
		suppress.Recompute(d)
	}
	if ign != nil {
		ign.Apply(d, now)
	}
}

// byAdmin names the admin who chose a run's options, for suppressed_by.
func byAdmin(name string) string {
	if name == "" {
		return ""
	}
	return " by admin " + name
}

// screened is a decision to store, and the audit entry of a decision with
// suppressed findings.
type screened struct {
	rec   store.NewRecord
	audit *audit.Entry
}

// hasSuppressed says whether a finding of d does not count.
func hasSuppressed(d *record.Decision) bool {
	for _, r := range d.Reasons {
		if r.SuppressedBy != "" {
			return true
		}
	}
	return false
}

// newStoredRecord derives the values the queue filters and shows from a
// decision.
func newStoredRecord(seq int, d *record.Decision) store.NewRecord {
	sr := store.NewRecord{Seq: seq, Decision: *d, DecisionID: audit.DecisionID(d)}
	rec := d.Record
	if rec == nil {
		rec = &record.Record{ID: d.ID, Source: d.Source, Row: d.Row}
	}
	sr.Input = *rec
	var parties, search []string
	search = append(search, d.ID)
	var countries []string
	for _, p := range rec.Parties {
		if p.Name != "" {
			parties = append(parties, p.Role+": "+p.Name)
			search = append(search, p.Name)
		}
		if c := country.Code(p.Country); c != "" {
			countries = append(countries, c)
		}
	}
	for _, c := range []string{rec.Route.Origin, rec.Route.Destination} {
		if c := country.Code(c); c != "" {
			countries = append(countries, c)
		}
	}
	if len(parties) == 0 {
		for _, g := range rec.Goods {
			if g.Description != "" {
				parties = append(parties, "goods: "+g.Description)
				break
			}
		}
	}
	sr.Parties = strings.Join(parties, "; ")
	for _, r := range d.Reasons {
		sr.Rules = append(sr.Rules, r.Rule)
	}
	for _, m := range d.Matches {
		sr.Lists = append(sr.Lists, m.List)
		sr.Roles = append(sr.Roles, m.Role)
		sr.Entities = append(sr.Entities, m.EntityID)
		search = append(search, m.Name, m.MatchedName)
	}
	if len(d.Matches) > 0 {
		top := d.Matches[0]
		for _, m := range d.Matches {
			if m.Score > top.Score {
				top = m
			}
		}
		sr.TopName, sr.TopScore = top.Name, top.Score
	}
	sr.Rules, sr.Lists, sr.Roles, sr.Entities = uniqSorted(sr.Rules), uniqSorted(sr.Lists), uniqSorted(sr.Roles), uniqSorted(sr.Entities)
	sr.Countries = uniqSorted(countries)
	sr.Search = strings.ToLower(strings.Join(search, " | "))
	return sr
}

func uniqSorted(v []string) []string {
	seen := map[string]bool{}
	out := []string{}
	for _, s := range v {
		if s != "" && !seen[s] {
			seen[s] = true
			out = append(out, s)
		}
	}
	sort.Strings(out)
	return out
}

// insertRecords writes a batch of records, the entities they match, their
// audit entries and the run's progress in one transaction.
func (a *App) insertRecords(ctx context.Context, runID int64, batch []screened, seen map[string]bool, progress float64) error {
	return a.st.Update(ctx, func(tx store.Tx) error {
		if err := a.writeRecords(ctx, tx, runID, batch, seen); err != nil {
			return err
		}
		return tx.SetRunProgress(ctx, runID, batch[len(batch)-1].rec.Seq, progress)
	})
}

// writeRecords writes a batch of records, the entities they match (those
// not in seen yet) and their audit entries within tx.
func (a *App) writeRecords(ctx context.Context, tx store.Tx, runID int64, batch []screened, seen map[string]bool) error {
	recs := make([]store.NewRecord, len(batch))
	for i := range batch {
		recs[i] = batch[i].rec
	}
	if err := tx.AddRecords(ctx, runID, recs); err != nil {
		return err
	}
	// In id order: writers of the same run on a shared store take the
	// entities' locks in one order, so they never deadlock.
	var ids []string
	for i := range recs {
		for _, eid := range recs[i].Entities {
			if !seen[eid] {
				seen[eid] = true
				ids = append(ids, eid)
			}
		}
	}
	slices.Sort(ids)
	for _, eid := range ids {
		e, ok := a.eng.Entity(eid)
		if !ok {
			continue
		}
		if err := tx.AddEntity(ctx, runID, e); err != nil {
			return err
		}
	}
	for i := range batch {
		if e := batch[i].audit; e != nil {
			if err := a.enqueueAudit(ctx, tx, *e); err != nil {
				return fmt.Errorf("run %d: %w", runID, err)
			}
		}
	}
	return nil
}

// facetSet collects the distinct filter values of a run.
type facetSet struct{ rules, lists, roles, countries map[string]bool }

func newFacetSet() *facetSet {
	return &facetSet{map[string]bool{}, map[string]bool{}, map[string]bool{}, map[string]bool{}}
}

func (f *facetSet) add(sr *store.NewRecord) {
	for _, v := range sr.Rules {
		f.rules[v] = true
	}
	for _, v := range sr.Lists {
		f.lists[v] = true
	}
	for _, v := range sr.Roles {
		f.roles[v] = true
	}
	for _, v := range sr.Countries {
		f.countries[v] = true
	}
}

func keys(m map[string]bool) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

func (f *facetSet) facets() Facets {
	return Facets{Rules: keys(f.rules), Lists: keys(f.lists), Roles: keys(f.roles), Countries: keys(f.countries)}
}

// countingReader counts the bytes read through it.
type countingReader struct {
	r io.Reader
	n atomic.Int64
}

func (c *countingReader) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	c.n.Add(int64(n))
	return n, err
}

// allowedExt are the upload extensions the input readers understand.
var allowedExt = map[string]bool{".csv": true, ".tsv": true, ".tab": true, ".txt": true, ".json": true, ".jsonl": true, ".ndjson": true, ".xlsx": true, ".xlsm": true}

// Limits of cleanFileName, in characters.
const (
	maxFileName  = 100
	maxExtension = 16
)

// cleanFileName reduces an uploaded file name to a safe base name: no
// directories (either slash), no control or odd characters, at most 100
// characters. It is only ever shown and used as the records' source; the
// file itself is stored under a random name.
func cleanFileName(name string) string {
	name = strings.ReplaceAll(name, "\\", "/")
	name = filepath.Base("/" + name)
	if name == "/" || name == "." || name == ".." {
		return "upload"
	}
	var b strings.Builder
	for _, r := range name {
		switch {
		case r >= 'a' && r <= 'z', r >= 'A' && r <= 'Z', r >= '0' && r <= '9', r == '.', r == '-', r == '_', r == ' ':
			b.WriteRune(r)
		case r > 127 && r != 0xFFFD:
			b.WriteRune(r)
		default:
			b.WriteRune('_')
		}
	}
	out := strings.TrimLeft(strings.TrimSpace(b.String()), ".")
	if r := []rune(out); len(r) > maxFileName {
		// Keep a short extension (it picks the input format); a long one
		// is not an extension any reader knows, so it is cut like the rest.
		ext := []rune(filepath.Ext(out))
		if len(ext) > maxExtension {
			ext = nil
		}
		out = strings.TrimSpace(string(r[:maxFileName-len(ext)])) + string(ext)
	}
	if out == "" || out == "/" {
		out = "upload"
	}
	return out
}

// hashingWriter computes the sha256 of what is written to a file.
func copyHashed(dst io.Writer, src io.Reader) (int64, string, error) {
	h := sha256.New()
	n, err := io.Copy(io.MultiWriter(dst, h), src)
	return n, hex.EncodeToString(h.Sum(nil)), err
}
