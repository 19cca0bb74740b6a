package web

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"maps"
	"net/http"
	"os"
	"slices"
	"strconv"
	"strings"

	"github.com/screen-compliance/screen/engine"
	"github.com/screen-compliance/screen/record"
	"github.com/screen-compliance/screen/report"
)

// reviewInfo is the review state of one record, for exports: the screened
// decision (what the report's decision column says), the record's review
// state, the decision as the review leaves it, and each match's (or the
// whole record's) disposition. An export never shows a reviewed record as
// clear in its decision column: the reviewers' false positives are in
// these columns beside it.
type reviewInfo struct {
	Seq              int           `json:"seq"`
	RecordID         string        `json:"record_id"`
	Row              int           `json:"row"`
	Decision         string        `json:"decision"`
	State            string        `json:"review"`
	ReviewedDecision string        `json:"reviewed_decision"`
	ReviewedBy       string        `json:"reviewed_by,omitempty"`
	ReviewedAt       string        `json:"reviewed_at,omitempty"`
	Matches          []matchReview `json:"dispositions,omitempty"`
	text             string
}

// matchReview is the disposition of one match (Match ≥ 0) or of the whole
// record (Match == -1), for exports.
type matchReview struct {
	Match     int      `json:"match"`
	EntityID  string   `json:"entity_id,omitempty"`
	Role      string   `json:"role,omitempty"`
	Party     string   `json:"party,omitempty"`
	State     string   `json:"state"`
	Reason    string   `json:"reason,omitempty"`
	Approvers []string `json:"approvers"`
	At        string   `json:"at"`
}

// reviewRecord is one review action, for exports and the summary.
type reviewRecord struct {
	Seq           int      `json:"seq"`
	RecordID      string   `json:"record_id"`
	Row           int      `json:"row"`
	Action        string   `json:"action"`
	State         string   `json:"state"`
	Reason        string   `json:"reason,omitempty"`
	SuppressUntil string   `json:"suppress_until,omitempty"`
	Operator      string   `json:"operator"`
	At            string   `json:"at"`
	DecisionID    string   `json:"decision_id"`
	Match         int      `json:"match"`
	EntityID      string   `json:"entity_id,omitempty"`
	PartyRole     string   `json:"party_role,omitempty"`
	PartyName     string   `json:"party_name,omitempty"`
	Approvers     []string `json:"approvers,omitempty"`
}

// Target names what a review action judged, for people.
func (v reviewRecord) Target() string {
	if v.Match < 0 {
		return "whole record"
	}
	return fmt.Sprintf("match %d: %s %q ↔ %s", v.Match, v.PartyRole, v.PartyName, v.EntityID)
}

// runReviews returns every review action of a run, oldest first.
func (a *App) runReviews(ctx context.Context, id int64) ([]reviewRecord, error) {
	revs, err := a.st.RunReviews(ctx, id)
	if err != nil {
		return nil, err
	}
	out := make([]reviewRecord, len(revs))
	for i, v := range revs {
		out[i] = reviewRecord{Seq: v.Seq, RecordID: v.RecordID, Row: v.Row, Action: v.Action, State: v.State, Reason: v.Reason, SuppressUntil: v.SuppressUntil,
			Operator: v.Operator, At: v.At, DecisionID: v.DecisionID, Match: v.Match, EntityID: v.EntityID, PartyRole: v.PartyRole, PartyName: v.PartyName,
			Approvers: v.Approvers}
	}
	return out, nil
}

// recordsPage is the number of records eachDecision reads at a time.
const recordsPage = 1000

// eachDecision calls fn with every decision of a run in input order, as it
// was screened, with its review state, a page at a time.
func (a *App) eachDecision(ctx context.Context, id int64, fn func(d *record.Decision, ri reviewInfo) error) error {
	last := 0
	for {
		recs, err := a.st.Records(ctx, id, last, recordsPage)
		if err != nil {
			return fmt.Errorf("export run %d: %w", id, err)
		}
		if len(recs) == 0 {
			return nil
		}
		disps, err := a.st.RunDispositions(ctx, id, last, recs[len(recs)-1].Seq)
		if err != nil {
			return err
		}
		for _, rec := range recs {
			ri := reviewInfo{Seq: rec.Seq, RecordID: rec.Decision.ID, Row: rec.Decision.Row, Decision: rec.Decision.Decision, State: rec.Review,
				ReviewedDecision: rec.ReviewedDecision, ReviewedBy: rec.ReviewedBy, ReviewedAt: rec.ReviewedAt}
			ds := disps[rec.Seq]
			ri.text = dispositionsText(ds)
			for _, k := range slices.Sorted(maps.Keys(ds)) { // the record (-1) first
				x := ds[k]
				ri.Matches = append(ri.Matches, matchReview{Match: x.Match, EntityID: x.EntityID, Role: x.PartyRole, Party: x.PartyName,
					State: x.State, Reason: x.Reason, Approvers: x.Approvers, At: x.At})
			}
			if ri.ReviewedDecision == "" {
				ri.ReviewedDecision = ri.Decision
			}
			if err := fn(&rec.Decision, ri); err != nil {
				return err
			}
			last = rec.Seq
		}
	}
}

// runInfo describes a run for the report writers. Rules and lists left out
// of the run are flags, with the admin who chose them.
func runInfo(run *Run) report.RunInfo {
	var flags []string
	by := ""
	if run.Options.SetBy != "" {
		by = " (chosen by admin " + run.Options.SetBy + ")"
	}
	for _, l := range run.Options.Lists {
		flags = append(flags, "--list-name="+l+by)
	}
	for _, r := range run.Options.DisabledRules {
		flags = append(flags, "--disable-rule="+r+by)
	}
	if run.Options.ApplySuppressions {
		flags = append(flags, "--ignore-file")
	}
	return report.RunInfo{
		SchemaVersion: "1", RunID: runName(run.ID), CreatedAt: run.CreatedAt,
		Tool: "screen " + engine.Version, Lists: run.Lists, PolicySHA256: run.PolicySHA256,
		Inputs: []string{run.FileName}, Flags: flags,
	}
}

// leftOut describes the rules and lists a run leaves out, for exports: ""
// when it leaves nothing out.
func leftOut(run *Run) string {
	var parts []string
	if len(run.Options.DisabledRules) > 0 {
		parts = append(parts, "rules left out: "+strings.Join(run.Options.DisabledRules, ", "))
	}
	if len(run.Options.Lists) > 0 {
		parts = append(parts, "only lists: "+strings.Join(run.Options.Lists, ", "))
	}
	if len(parts) == 0 {
		return ""
	}
	s := strings.Join(parts, "; ")
	if run.Options.SetBy != "" {
		s += " (by admin " + run.Options.SetBy + ")"
	}
	return s
}

// exportFormats are the formats a run exports to: those whose writers
// take the review beside the screened results (extra columns, sheets or
// envelope members).
var exportFormats = []string{report.FormatXLSX, report.FormatCSV, report.FormatJSON}

// exportChoices names the export formats for people: "xlsx, csv or json".
func exportChoices() string {
	n := len(exportFormats)
	if n == 1 {
		return exportFormats[0]
	}
	return strings.Join(exportFormats[:n-1], ", ") + " or " + exportFormats[n-1]
}

// export writes a run's results with the review decisions as XLSX, CSV or
// JSON, with the CLI's report writers and their hooks.
func (a *App) export(w http.ResponseWriter, r *http.Request, s *session) {
	run, ok := a.runOr404(w, r, s)
	if !ok {
		return
	}
	if !run.Done() {
		a.fail(w, r, s, http.StatusConflict, "This run has not finished; export it once it is done.")
		return
	}
	format := r.URL.Query().Get("format")
	f, ok := report.Lookup(format)
	if !ok || !slices.Contains(exportFormats, format) {
		a.fail(w, r, s, http.StatusBadRequest, "Export as "+exportChoices()+".")
		return
	}
	tmp, err := os.CreateTemp(a.opts.Dir, "export-*")
	if err != nil {
		a.internal(w, r, s, err)
		return
	}
	defer os.Remove(tmp.Name())
	defer tmp.Close()
	bw := bufio.NewWriterSize(tmp, 256<<10)
	err = a.exportRun(r.Context(), run, f.Name, bw)
	if err == nil {
		err = bw.Flush()
	}
	if err == nil {
		_, err = tmp.Seek(0, io.SeekStart)
	}
	if err != nil {
		a.internal(w, r, s, err)
		return
	}
	w.Header().Set("Content-Type", f.ContentType)
	w.Header().Set("Content-Disposition", fmt.Sprintf(`attachment; filename="run-%d.%s"`, run.ID, f.Ext))
	w.Header().Set("Cache-Control", "no-store")
	if st, err := tmp.Stat(); err == nil {
		w.Header().Set("Content-Length", strconv.FormatInt(st.Size(), 10))
	}
	io.Copy(w, tmp)
}

// exportRun writes the report of a run in format (its decision column is
// the screened decision) with the review beside it, through the writer's
// hooks:
//
//   - xlsx: a "Review" sheet (per record: review state, decision after
//     review, each match's disposition) and a "Reviews" sheet (every review
//     action);
//   - csv: the columns csvReviewColumns (the review of the row's record and
//     what the run leaves out);
//   - json: the members "run_options" (lists and rules left out, and by
//     whom), "review_states" (per reviewed record: review state, decision
//     after review, dispositions) and "reviews" (every review action).
func (a *App) exportRun(ctx context.Context, run *Run, format string, w io.Writer) error {
	var (
		cur     reviewInfo       // the review of the record being written
		states  [][]any          // xlsx: the Review sheet's rows
		changed = []reviewInfo{} // json: the records with a review
	)
	reviews := func() ([]reviewRecord, error) { return a.runReviews(ctx, run.ID) }
	var hooks report.Hooks
	switch format {
	case report.FormatCSV:
		lo := leftOut(run)
		hooks.Columns = csvReviewColumns
		hooks.Cells = func(*record.Decision) []string {
			return []string{cur.State, cur.ReviewedDecision, cur.text, cur.ReviewedBy, cur.ReviewedAt, lo}
		}
	case report.FormatXLSX:
		hooks.Sheets = func() ([]report.Sheet, error) {
			revs, err := reviews()
			if err != nil {
				return nil, err
			}
			return reviewSheets(run, states, revs), nil
		}
	case report.FormatJSON:
		hooks.Members = func() ([]report.Member, error) {
			revs, err := reviews()
			if err != nil {
				return nil, err
			}
			return []report.Member{{Name: "run_options", Value: run.Options}, {Name: "review_states", Value: changed}, {Name: "reviews", Value: revs}}, nil
		}
	}
	rw, err := report.New(format, w, runInfo(run), report.Options{ShowSuppressed: true, Hooks: hooks})
	if err != nil {
		return fmt.Errorf("export run %d: %w", run.ID, err)
	}
	err = a.eachDecision(ctx, run.ID, func(d *record.Decision, ri reviewInfo) error {
		cur = ri
		switch format {
		case report.FormatXLSX:
			states = append(states, []any{ri.RecordID, ri.Row, ri.Decision, ri.State, ri.ReviewedDecision, report.Neutralise(ri.text), report.Neutralise(ri.ReviewedBy), ri.ReviewedAt})
		case report.FormatJSON:
			if ri.State != stateOpen || len(ri.Matches) > 0 {
				changed = append(changed, ri)
			}
		}
		return rw.Write(d)
	})
	if err != nil {
		return err
	}
	if err := rw.Close(); err != nil {
		return fmt.Errorf("export run %d: %w", run.ID, err)
	}
	return nil
}

// reviewSheets returns the XLSX export's Review sheet (states, one row per
// record, after a row saying what the run leaves out, if anything) and its
// Reviews sheet (every review action).
func reviewSheets(run *Run, states [][]any, revs []reviewRecord) []report.Sheet {
	review := [][]any{{"record_id", "row", "decision", "review", "reviewed_decision", "dispositions", "reviewed_by", "reviewed_at"}}
	if lo := leftOut(run); lo != "" {
		review = append(review, []any{"(run)", "", "", "", "", report.Neutralise(lo), "", ""})
	}
	review = append(review, states...)
	actions := [][]any{{"record_id", "row", "action", "state", "reason", "suppress_until", "operator", "at", "decision_id",
		"match", "entity_id", "party_role", "party_name", "approvers"}}
	for _, v := range revs {
		actions = append(actions, []any{v.RecordID, v.Row, v.Action, v.State, report.Neutralise(v.Reason), v.SuppressUntil, report.Neutralise(v.Operator), v.At, v.DecisionID,
			v.Match, v.EntityID, v.PartyRole, report.Neutralise(v.PartyName), report.Neutralise(strings.Join(v.Approvers, ", "))})
	}
	return []report.Sheet{{Name: "Review", Rows: review}, {Name: "Reviews", Rows: actions}}
}

// csvReviewColumns are the columns the CSV export appends to the report's.
var csvReviewColumns = []string{"review", "reviewed_decision", "dispositions", "reviewed_by", "reviewed_at", "run_left_out"}

// summary is the printable run summary: provenance, counts, who decided what.
func (a *App) summary(w http.ResponseWriter, r *http.Request, s *session) {
	run, ok := a.runOr404(w, r, s)
	if !ok {
		return
	}
	var err error
	if run.Counts, err = a.counts(r.Context(), run.ID, filter{}); err != nil {
		a.internal(w, r, s, err)
		return
	}
	revs, err := a.runReviews(r.Context(), run.ID)
	if err != nil {
		a.internal(w, r, s, err)
		return
	}
	states, err := a.st.ReviewCounts(r.Context(), run.ID)
	if err != nil {
		a.internal(w, r, s, err)
		return
	}
	type stateCount struct {
		State string
		Count int
	}
	var sc []stateCount
	for _, st := range reviewStates {
		sc = append(sc, stateCount{st, states[st]})
	}
	a.render(w, http.StatusOK, "summary", view{Title: "Summary of " + run.Name, Op: s, Data: map[string]any{
		"Run": run, "Reviews": revs, "States": sc, "Base": "/runs/" + strconv.FormatInt(run.ID, 10),
		"Printed": a.opts.Clock().UTC().Format("2006-01-02 15:04 UTC"),
	}})
}
