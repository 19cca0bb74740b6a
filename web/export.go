package web

import (
	"bufio"
	"bytes"
	"context"
	"encoding/csv"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"sort"
	"strconv"
	"strings"

	"github.com/xuri/excelize/v2"

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
	rows, err := a.st.db.QueryContext(ctx, `SELECT v.seq, r.record_id, r.row, v.action, v.state_after, v.reason, v.suppress_until, v.operator, v.created_at, v.decision_id,
		v.match_index, v.entity_id, v.party_role, v.party_name, v.approvers
		FROM reviews v JOIN records r ON r.run_id = v.run_id AND r.seq = v.seq WHERE v.run_id = ? ORDER BY v.id`, id)
	if err != nil {
		return nil, fmt.Errorf("reviews of run %d: %w", id, err)
	}
	defer rows.Close()
	out := []reviewRecord{}
	for rows.Next() {
		var v reviewRecord
		var approvers string
		if err := rows.Scan(&v.Seq, &v.RecordID, &v.Row, &v.Action, &v.State, &v.Reason, &v.SuppressUntil, &v.Operator, &v.At, &v.DecisionID,
			&v.Match, &v.EntityID, &v.PartyRole, &v.PartyName, &approvers); err != nil {
			return nil, err
		}
		v.Approvers = splitApprovers(approvers)
		out = append(out, v)
	}
	return out, rows.Err()
}

// eachDecision calls fn with every decision of a run in input order, as it
// was screened, with its review state, a page at a time.
func (a *App) eachDecision(ctx context.Context, id int64, fn func(d *record.Decision, ri reviewInfo) error) error {
	last := 0
	for {
		rows, err := a.st.db.QueryContext(ctx, `SELECT seq, record_id, row, decision, review, reviewed_decision, reviewed_by, reviewed_at,
			decision_json, record_json FROM records WHERE run_id = ? AND seq > ? ORDER BY seq LIMIT 1000`, id, last)
		if err != nil {
			return fmt.Errorf("export run %d: %w", id, err)
		}
		type item struct {
			ri     reviewInfo
			dj, rj []byte
		}
		var items []item
		for rows.Next() {
			var it item
			if err := rows.Scan(&it.ri.Seq, &it.ri.RecordID, &it.ri.Row, &it.ri.Decision, &it.ri.State, &it.ri.ReviewedDecision, &it.ri.ReviewedBy, &it.ri.ReviewedAt, &it.dj, &it.rj); err != nil {
				rows.Close()
				return fmt.Errorf("export run %d: %w", id, err)
			}
			items = append(items, it)
		}
		err = rows.Err()
		rows.Close()
		if err != nil {
			return fmt.Errorf("export run %d: %w", id, err)
		}
		if len(items) == 0 {
			return nil
		}
		disps, err := runDispositions(ctx, a.st.db, id, last, items[len(items)-1].ri.Seq)
		if err != nil {
			return err
		}
		for _, it := range items {
			var d record.Decision
			var rec record.Record
			if err := errors.Join(json.Unmarshal(it.dj, &d), json.Unmarshal(it.rj, &rec)); err != nil {
				return fmt.Errorf("export run %d record %d: %w", id, it.ri.Seq, err)
			}
			d.Record = &rec
			ds := disps[it.ri.Seq]
			it.ri.text = dispositionsText(ds)
			for _, k := range sortedTargets(ds) {
				x := ds[k]
				it.ri.Matches = append(it.ri.Matches, matchReview{Match: x.Match, EntityID: x.EntityID, Role: x.PartyRole, Party: x.PartyName,
					State: x.State, Reason: x.Reason, Approvers: x.Approvers, At: x.At})
			}
			if it.ri.ReviewedDecision == "" {
				it.ri.ReviewedDecision = it.ri.Decision
			}
			if err := fn(&d, it.ri); err != nil {
				return err
			}
			last = it.ri.Seq
		}
	}
}

// sortedTargets returns the targets of ds in order, the record first.
func sortedTargets(ds dispositions) []int {
	out := make([]int, 0, len(ds))
	for k := range ds {
		out = append(out, k)
	}
	sort.Ints(out)
	return out
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

// export writes a run's results with the review decisions as XLSX, CSV or
// JSON, with the CLI's report writers.
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
	ctype := map[string]string{
		report.FormatXLSX: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
		report.FormatCSV:  "text/csv; charset=utf-8",
		report.FormatJSON: "application/json",
	}[format]
	if ctype == "" {
		a.fail(w, r, s, http.StatusBadRequest, "Export as xlsx, csv or json.")
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
	switch format {
	case report.FormatCSV:
		err = a.exportCSV(r.Context(), run, bw)
	case report.FormatJSON:
		err = a.exportJSON(r.Context(), run, bw)
	default:
		err = a.exportXLSX(r.Context(), run, bw)
	}
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
	w.Header().Set("Content-Type", ctype)
	w.Header().Set("Content-Disposition", fmt.Sprintf(`attachment; filename="run-%d.%s"`, run.ID, format))
	w.Header().Set("Cache-Control", "no-store")
	if st, err := tmp.Stat(); err == nil {
		w.Header().Set("Content-Length", strconv.FormatInt(st.Size(), 10))
	}
	io.Copy(w, tmp)
}

// exportXLSX writes the report's workbook (its decision column is the
// screened decision) plus a "Review" sheet (per record: review state,
// decision after review, each match's disposition) and a "Reviews" sheet
// (every review action).
func (a *App) exportXLSX(ctx context.Context, run *Run, w io.Writer) error {
	var buf bytes.Buffer
	rw, err := report.New(report.FormatXLSX, &buf, runInfo(run), report.Options{ShowSuppressed: true})
	if err != nil {
		return err
	}
	var states [][]any
	err = a.eachDecision(ctx, run.ID, func(d *record.Decision, ri reviewInfo) error {
		states = append(states, []any{ri.RecordID, ri.Row, ri.Decision, ri.State, ri.ReviewedDecision, safeCell(ri.text), safeCell(ri.ReviewedBy), ri.ReviewedAt})
		return rw.Write(d)
	})
	if err != nil {
		return err
	}
	if err := rw.Close(); err != nil {
		return fmt.Errorf("export run %d: %w", run.ID, err)
	}
	f, err := excelize.OpenReader(&buf)
	if err != nil {
		return fmt.Errorf("export run %d: reopen workbook: %w", run.ID, err)
	}
	defer f.Close()
	revs, err := a.runReviews(ctx, run.ID)
	if err != nil {
		return err
	}
	var actions [][]any
	for _, v := range revs {
		actions = append(actions, []any{v.RecordID, v.Row, v.Action, v.State, safeCell(v.Reason), v.SuppressUntil, safeCell(v.Operator), v.At, v.DecisionID,
			v.Match, v.EntityID, v.PartyRole, safeCell(v.PartyName), safeCell(strings.Join(v.Approvers, ", "))})
	}
	if lo := leftOut(run); lo != "" {
		states = append([][]any{{"(run)", "", "", "", "", safeCell(lo), "", ""}}, states...)
	}
	for _, sh := range []struct {
		name   string
		header []any
		rows   [][]any
	}{
		{"Review", []any{"record_id", "row", "decision", "review", "reviewed_decision", "dispositions", "reviewed_by", "reviewed_at"}, states},
		{"Reviews", []any{"record_id", "row", "action", "state", "reason", "suppress_until", "operator", "at", "decision_id",
			"match", "entity_id", "party_role", "party_name", "approvers"}, actions},
	} {
		if _, err := f.NewSheet(sh.name); err != nil {
			return fmt.Errorf("export run %d: %w", run.ID, err)
		}
		if err := f.SetSheetRow(sh.name, "A1", &sh.header); err != nil {
			return fmt.Errorf("export run %d: %w", run.ID, err)
		}
		for i, row := range sh.rows {
			cell, _ := excelize.CoordinatesToCellName(1, i+2)
			if err := f.SetSheetRow(sh.name, cell, &row); err != nil {
				return fmt.Errorf("export run %d: %w", run.ID, err)
			}
		}
	}
	if err := f.Write(w); err != nil {
		return fmt.Errorf("export run %d: write workbook: %w", run.ID, err)
	}
	return nil
}

// csvReviewColumns are the columns the CSV export appends to the report's.
var csvReviewColumns = []string{"review", "reviewed_decision", "dispositions", "reviewed_by", "reviewed_at", "run_left_out"}

// exportCSV writes the report's CSV (its decision column is the screened
// decision) with the review columns appended.
func (a *App) exportCSV(ctx context.Context, run *Run, w io.Writer) error {
	pr, pw := io.Pipe()
	infos := make(chan reviewInfo, 1024)
	stop := make(chan struct{})
	defer close(stop)
	go func() {
		defer close(infos)
		rw, err := report.New(report.FormatCSV, pw, runInfo(run), report.Options{ShowSuppressed: true})
		if err != nil {
			pw.CloseWithError(err)
			return
		}
		err = a.eachDecision(ctx, run.ID, func(d *record.Decision, ri reviewInfo) error {
			if err := rw.Write(d); err != nil {
				return err
			}
			select {
			case infos <- ri:
			case <-stop:
				return errors.New("export stopped")
			}
			return nil
		})
		if err == nil {
			err = rw.Close()
		}
		pw.CloseWithError(err)
	}()
	defer pr.Close()
	cr := csv.NewReader(pr)
	cr.FieldsPerRecord = -1
	cw := csv.NewWriter(w)
	header := true
	lo := safeCell(leftOut(run))
	for {
		row, err := cr.Read()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return fmt.Errorf("export run %d: %w", run.ID, err)
		}
		if header {
			row = append(row, csvReviewColumns...)
			header = false
		} else {
			ri, ok := <-infos
			if !ok {
				return fmt.Errorf("export run %d: more CSV rows than records", run.ID)
			}
			row = append(row, ri.State, ri.ReviewedDecision, safeCell(ri.text), safeCell(ri.ReviewedBy), ri.ReviewedAt, lo)
		}
		if err := cw.Write(row); err != nil {
			return err
		}
	}
	cw.Flush()
	return cw.Error()
}

// safeCell neutralises a cell that a spreadsheet would read as a formula.
func safeCell(s string) string {
	if s != "" && strings.ContainsRune("=+-@\t\r", rune(s[0])) {
		return "'" + s
	}
	return s
}

// exportJSON writes the report's JSON envelope (its results are the
// screened decisions) with members added: "run_options" (lists and rules
// left out, and by whom), "review_states" (per reviewed record: review
// state, decision after review, dispositions) and "reviews" (every review
// action of the run).
func (a *App) exportJSON(ctx context.Context, run *Run, w io.Writer) error {
	var buf bytes.Buffer
	rw, err := report.New(report.FormatJSON, &buf, runInfo(run), report.Options{ShowSuppressed: true})
	if err != nil {
		return err
	}
	states := []reviewInfo{}
	err = a.eachDecision(ctx, run.ID, func(d *record.Decision, ri reviewInfo) error {
		if ri.State != stateOpen || len(ri.Matches) > 0 {
			states = append(states, ri)
		}
		return rw.Write(d)
	})
	if err != nil {
		return err
	}
	if err := rw.Close(); err != nil {
		return fmt.Errorf("export run %d: %w", run.ID, err)
	}
	env := bytes.TrimRight(buf.Bytes(), " \t\r\n")
	if len(env) == 0 || env[len(env)-1] != '}' {
		return fmt.Errorf("export run %d: the JSON report is not an object", run.ID)
	}
	revs, err := a.runReviews(ctx, run.ID)
	if err != nil {
		return err
	}
	opts := run.Options
	members := []struct {
		name string
		v    any
	}{{"run_options", opts}, {"review_states", states}, {"reviews", revs}}
	if _, err := w.Write(env[:len(env)-1]); err != nil {
		return err
	}
	for _, m := range members {
		b, err := json.MarshalIndent(m.v, "  ", "  ")
		if err != nil {
			return err
		}
		if _, err := fmt.Fprintf(w, ",\n  %q: %s", m.name, b); err != nil {
			return err
		}
	}
	_, err = io.WriteString(w, "\n}\n")
	return err
}

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
	states := map[string]int{}
	rows, err := a.st.db.QueryContext(r.Context(), `SELECT review, COUNT(*) FROM records WHERE run_id = ? GROUP BY review`, run.ID)
	if err != nil {
		a.internal(w, r, s, err)
		return
	}
	for rows.Next() {
		var st string
		var n int
		if err := rows.Scan(&st, &n); err == nil {
			states[st] = n
		}
	}
	rows.Close()
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
