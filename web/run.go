package web

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"path/filepath"
	"sort"
	"strings"
	"sync/atomic"
	"time"

	"github.com/screen-compliance/screen/audit"
	"github.com/screen-compliance/screen/country"
	"github.com/screen-compliance/screen/engine"
	"github.com/screen-compliance/screen/entity"
	"github.com/screen-compliance/screen/record"
	"github.com/screen-compliance/screen/suppress"
)

// Run statuses.
const (
	statusRunning = "running"
	statusDone    = "done"
	statusFailed  = "failed"
)

// RunOptions are the choices made when a run starts.
type RunOptions struct {
	// Lists are the list names whose matches count; empty means all.
	Lists []string `json:"lists,omitempty"`
	// DisabledRules are rule ids whose findings do not count in this run.
	DisabledRules []string `json:"disabled_rules,omitempty"`
	// SetBy is the admin who narrowed the lists or left rules out (only
	// an admin may); it is audited and shown on the run and its exports.
	SetBy string `json:"set_by,omitempty"`
	// ApplySuppressions applies the workspace's suppression file.
	ApplySuppressions bool `json:"apply_suppressions,omitempty"`
}

// Facets are the distinct filter values of a run, for the filter menus.
type Facets struct {
	Rules     []string `json:"rules"`
	Lists     []string `json:"lists"`
	Roles     []string `json:"roles"`
	Countries []string `json:"countries"`
}

// Run is one screening of one input file.
type Run struct {
	ID           int64
	Name         string
	FileName     string
	InputSHA256  string
	CreatedAt    time.Time
	CreatedBy    string
	ParentID     int64
	Status       string
	Progress     float64
	Screened     int
	Error        string
	Options      RunOptions
	Lists        []entity.Metadata
	PolicySHA256 string
	Engine       string
	Facets       Facets
	FinishedAt   time.Time
	// Upload is the base name of the uploaded file kept for re-screening
	// (in <Dir>/uploads), or "".
	Upload string
	// Counts is filled by the pages that show it.
	Counts Counts
}

// Narrowed says whether the run leaves rules or lists out.
func (o RunOptions) Narrowed() bool { return len(o.Lists) > 0 || len(o.DisabledRules) > 0 }

// Failed says whether the run stopped before it finished.
func (r *Run) Failed() bool { return r.Status == statusFailed }

// CanRescreen says whether the run can be screened again: a finished run
// from its stored records, a failed one from its kept upload.
func (r *Run) CanRescreen() bool { return r.Done() || (r.Failed() && r.Upload != "") }

// Done says whether the run finished screening.
func (r *Run) Done() bool { return r.Status == statusDone }

// Running says whether the run is still screening.
func (r *Run) Running() bool { return r.Status == statusRunning }

const runColumns = `id, name, file_name, input_sha256, created_at, created_by, COALESCE(parent_id, 0), status, progress, screened, error, options, lists, policy_sha256, engine, facets, finished_at, upload_path`

func scanRun(sc interface{ Scan(...any) error }) (*Run, error) {
	var r Run
	var created, finished, opts, ls, facets string
	if err := sc.Scan(&r.ID, &r.Name, &r.FileName, &r.InputSHA256, &created, &r.CreatedBy, &r.ParentID, &r.Status, &r.Progress,
		&r.Screened, &r.Error, &opts, &ls, &r.PolicySHA256, &r.Engine, &facets, &finished, &r.Upload); err != nil {
		return nil, err
	}
	r.CreatedAt, r.FinishedAt = parseTime(created), parseTime(finished)
	if err := errors.Join(json.Unmarshal([]byte(opts), &r.Options), json.Unmarshal([]byte(ls), &r.Lists), json.Unmarshal([]byte(facets), &r.Facets)); err != nil {
		return nil, fmt.Errorf("run %d: %w", r.ID, err)
	}
	return &r, nil
}

// getRun reads one run.
func (a *App) getRun(ctx context.Context, id int64) (*Run, error) {
	r, err := scanRun(a.st.db.QueryRowContext(ctx, `SELECT `+runColumns+` FROM runs WHERE id = ?`, id))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, errNotFound
	}
	if err != nil {
		return nil, fmt.Errorf("read run %d: %w", id, err)
	}
	return r, nil
}

// listRuns returns the newest runs first, with their counts.
func (a *App) listRuns(ctx context.Context, limit int) ([]*Run, error) {
	rows, err := a.st.db.QueryContext(ctx, `SELECT `+runColumns+` FROM runs ORDER BY id DESC LIMIT ?`, limit)
	if err != nil {
		return nil, fmt.Errorf("list runs: %w", err)
	}
	defer rows.Close()
	var out []*Run
	for rows.Next() {
		r, err := scanRun(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, r)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("list runs: %w", err)
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
	ob, _ := json.Marshal(nr.opts)
	var p any
	if nr.parent > 0 {
		p = nr.parent
	}
	var id int64
	err := a.audited(ctx, func(tx querier) ([]audit.Entry, error) {
		res, err := tx.ExecContext(ctx, `INSERT INTO runs (name, file_name, input_sha256, created_at, created_by, parent_id, status, options, upload_path) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
			nr.name, nr.file, nr.sha, nowText(a.opts.Clock()), nr.operator, p, statusRunning, string(ob), nr.upload)
		if err != nil {
			return nil, err
		}
		if id, err = res.LastInsertId(); err != nil {
			return nil, err
		}
		if nr.takeUpload {
			if _, err := tx.ExecContext(ctx, `UPDATE runs SET upload_path = '' WHERE id = ?`, nr.parent); err != nil {
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

// startRun screens src into run id in the background.
func (a *App) startRun(id int64, src source, o RunOptions) {
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
		if _, err := a.st.db.ExecContext(uctx, `UPDATE runs SET status = ?, error = ?, finished_at = ?, progress = CASE WHEN ? = 'done' THEN 1 ELSE progress END WHERE id = ?`,
			status, msg, nowText(a.opts.Clock()), status, id); err != nil {
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
	lb, _ := json.Marshal(a.eng.Lists())
	if _, err := a.st.db.ExecContext(ctx, `UPDATE runs SET lists = ?, policy_sha256 = ?, engine = ? WHERE id = ?`, string(lb), prov.PolicySHA256, prov.Engine, id); err != nil {
		return fmt.Errorf("run %d: %w", id, err)
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
	var batch []storedRecord
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
		sr, err := newStoredRecord(seq, &d)
		if err != nil {
			return err
		}
		if a.audit != nil && hasSuppressed(&d) {
			e := audit.NewEntry(&d, auditRun)
			e.Run = runName(id)
			e.Timestamp = now
			sr.audit = &e
		}
		fc.add(&sr)
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
	fb, _ := json.Marshal(fc.facets())
	if _, err := a.st.db.ExecContext(ctx, `UPDATE runs SET facets = ? WHERE id = ?`, string(fb), id); err != nil {
		return fmt.Errorf("run %d: store facets: %w", id, err)
	}
	return nil
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

// storedRecord is a decision as the records table holds it.
type storedRecord struct {
	seq                                  int
	recordID                             string
	row                                  int
	decision, decisionID                 string
	parties, topName                     string
	topScore                             float64
	rules, lists, roles, countries, ents []string
	search                               string
	decisionJSON, recordJSON             []byte
	entityIDs                            []string
	// audit is the audit entry of a decision with suppressed findings.
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

// newStoredRecord derives the queue columns of a decision.
func newStoredRecord(seq int, d *record.Decision) (storedRecord, error) {
	sr := storedRecord{seq: seq, recordID: d.ID, row: d.Row, decision: d.Decision, decisionID: audit.DecisionID(d)}
	rec := d.Record
	if rec == nil {
		rec = &record.Record{ID: d.ID, Source: d.Source, Row: d.Row}
	}
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
	sr.parties = strings.Join(parties, "; ")
	for _, r := range d.Reasons {
		sr.rules = append(sr.rules, r.Rule)
	}
	for _, m := range d.Matches {
		sr.lists = append(sr.lists, m.List)
		sr.roles = append(sr.roles, m.Role)
		sr.ents = append(sr.ents, m.EntityID)
		search = append(search, m.Name, m.MatchedName)
	}
	if len(d.Matches) > 0 {
		top := d.Matches[0]
		for _, m := range d.Matches {
			if m.Score > top.Score {
				top = m
			}
		}
		sr.topName, sr.topScore = top.Name, top.Score
	}
	sr.rules, sr.lists, sr.roles, sr.ents = uniqSorted(sr.rules), uniqSorted(sr.lists), uniqSorted(sr.roles), uniqSorted(sr.ents)
	sr.countries = uniqSorted(countries)
	sr.entityIDs = sr.ents
	sr.search = strings.ToLower(strings.Join(search, " | "))
	var err error
	if sr.decisionJSON, err = json.Marshal(d); err != nil {
		return sr, fmt.Errorf("record %d (%s): encode decision: %w", seq, d.ID, err)
	}
	if sr.recordJSON, err = json.Marshal(rec); err != nil {
		return sr, fmt.Errorf("record %d (%s): encode record: %w", seq, d.ID, err)
	}
	return sr, nil
}

// spaced joins values as " a b ", so that LIKE '% a %' finds one.
func spaced(v []string) string {
	if len(v) == 0 {
		return ""
	}
	return " " + strings.Join(v, " ") + " "
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

// insertRecords writes a batch of records, the entities they match and the
// run's progress in one transaction.
func (a *App) insertRecords(ctx context.Context, runID int64, batch []storedRecord, seen map[string]bool, progress float64) error {
	tx, err := a.st.db.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("run %d: store records: %w", runID, err)
	}
	defer tx.Rollback()
	stmt, err := tx.PrepareContext(ctx, `INSERT INTO records (run_id, seq, record_id, row, decision, reviewed_decision, decision_id, parties, top_name, top_score,
		rules, lists, roles, countries, entities, search, decision_json, record_json) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`)
	if err != nil {
		return fmt.Errorf("run %d: store records: %w", runID, err)
	}
	defer stmt.Close()
	for i := range batch {
		sr := &batch[i]
		if _, err := stmt.ExecContext(ctx, runID, sr.seq, sr.recordID, sr.row, sr.decision, sr.decision, sr.decisionID, sr.parties, sr.topName, sr.topScore,
			spaced(sr.rules), spaced(sr.lists), spaced(sr.roles), spaced(sr.countries), spaced(sr.ents), sr.search, sr.decisionJSON, sr.recordJSON); err != nil {
			return fmt.Errorf("run %d: store record %d: %w", runID, sr.seq, err)
		}
		for _, eid := range sr.entityIDs {
			if seen[eid] {
				continue
			}
			seen[eid] = true
			e, ok := a.eng.Entity(eid)
			if !ok {
				continue
			}
			eb, err := json.Marshal(e)
			if err != nil {
				return fmt.Errorf("run %d: encode entity %s: %w", runID, eid, err)
			}
			if _, err := tx.ExecContext(ctx, `INSERT OR IGNORE INTO run_entities (run_id, entity_id, entity_json) VALUES (?, ?, ?)`, runID, eid, eb); err != nil {
				return fmt.Errorf("run %d: store entity %s: %w", runID, eid, err)
			}
		}
	}
	for i := range batch {
		if e := batch[i].audit; e != nil {
			if err := a.enqueueAudit(ctx, tx, *e); err != nil {
				return fmt.Errorf("run %d: %w", runID, err)
			}
		}
	}
	last := batch[len(batch)-1].seq
	if _, err := tx.ExecContext(ctx, `UPDATE runs SET screened = ?, progress = ? WHERE id = ?`, last, progress, runID); err != nil {
		return fmt.Errorf("run %d: progress: %w", runID, err)
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("run %d: store records: %w", runID, err)
	}
	return nil
}

// facetSet collects the distinct filter values of a run.
type facetSet struct{ rules, lists, roles, countries map[string]bool }

func newFacetSet() *facetSet {
	return &facetSet{map[string]bool{}, map[string]bool{}, map[string]bool{}, map[string]bool{}}
}

func (f *facetSet) add(sr *storedRecord) {
	for _, v := range sr.rules {
		f.rules[v] = true
	}
	for _, v := range sr.lists {
		f.lists[v] = true
	}
	for _, v := range sr.roles {
		f.roles[v] = true
	}
	for _, v := range sr.countries {
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
