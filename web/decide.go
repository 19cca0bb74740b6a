package web

import (
	"bytes"
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io/fs"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"gopkg.in/yaml.v3"

	"github.com/screen-compliance/screen/audit"
	"github.com/screen-compliance/screen/engine"
	"github.com/screen-compliance/screen/record"
	"github.com/screen-compliance/screen/suppress"
)

// Review actions.
const (
	actConfirm       = "confirm"
	actFalsePositive = "false_positive"
	actNeedsInfo     = "needs_info"
	actApproveFP     = "approve_fp"
)

// maxReason caps a review reason.
const maxReason = 2000

// errConflict means another operator changed the record first.
var errConflict = errors.New("conflict")

// decision is one review decision to store.
type decision struct {
	action, reason, until string
	suppress              bool
	state                 string
	// approvers are the operators who decided: one, or two under four-eyes.
	approvers []string
}

// decide stores a review decision on a record. A stale version (another
// operator decided meanwhile) is refused with 409 and nothing is written.
func (a *App) decide(w http.ResponseWriter, r *http.Request, s *session) {
	run, ok := a.runOr404(w, r, s)
	if !ok {
		return
	}
	seq64, ok := pathInt(r, "seq")
	if !ok {
		a.fail(w, r, s, http.StatusNotFound, "No such record.")
		return
	}
	seq := int(seq64)
	sr, err := a.getRecord(r.Context(), run.ID, seq)
	if err != nil {
		if errors.Is(err, errNotFound) {
			a.fail(w, r, s, http.StatusNotFound, "No such record in this run.")
		} else {
			a.internal(w, r, s, err)
		}
		return
	}
	version, err := strconv.Atoi(r.PostFormValue("version"))
	if err != nil {
		a.fail(w, r, s, http.StatusBadRequest, "The form has no record version; reload the page.")
		return
	}
	d := decision{
		action:   r.PostFormValue("action"),
		reason:   strings.TrimSpace(r.PostFormValue("reason")),
		until:    strings.TrimSpace(r.PostFormValue("until")),
		suppress: r.PostFormValue("suppress") != "",
	}
	if msg := a.validate(&d, sr); msg != "" {
		a.recordError(w, r, run, seq, s, http.StatusUnprocessableEntity, msg)
		return
	}
	if d.action == actApproveFP {
		// The approval carries out what the first operator proposed.
		hist, err := a.reviewsOf(r.Context(), run.ID, seq)
		if err != nil {
			a.internal(w, r, s, err)
			return
		}
		for i := len(hist) - 1; i >= 0; i-- {
			if hist[i].StateAfter == stateFPPending {
				if d.reason == "" {
					d.reason = hist[i].Reason
				}
				d.suppress, d.until = hist[i].Suppress, hist[i].SuppressUntil
				d.reason = strings.TrimSpace(d.reason)
				d.approvers = []string{hist[i].Operator}
				break
			}
		}
	}
	d.approvers = append(d.approvers, s.Operator)
	now := a.opts.Clock()
	if err := a.storeDecision(r.Context(), run.ID, seq, version, sr.DecisionID, s.Operator, d, now); err != nil {
		if errors.Is(err, errSelfApproval) {
			a.recordError(w, r, run, seq, s, http.StatusForbidden, "A second operator must approve this false positive: you proposed it.")
			return
		}
		if errors.Is(err, errConflict) {
			cur, _ := a.getRecord(r.Context(), run.ID, seq)
			msg := "Another operator changed this record since you opened it; your decision was not saved. Their decision is shown below; decide again if needed."
			if cur != nil {
				msg = fmt.Sprintf("%s marked this record %q at %s, after you opened it; your decision was not saved. Review their decision below and decide again if needed.",
					cur.ReviewedBy, stateLabel(cur.Review), cur.ReviewedAt)
			}
			a.recordError(w, r, run, seq, s, http.StatusConflict, msg)
			return
		}
		a.internal(w, r, s, err)
		return
	}
	flash := "Saved: " + stateLabel(d.state) + "."
	var problems []string
	if d.state == stateFalsePositive && d.suppress {
		n, err := a.writeSuppressions(sr, run, d, now)
		if err != nil {
			a.opts.Logger.Error("write suppression", "run", run.ID, "seq", seq, "err", err)
			problems = append(problems, "the suppression could not be written: "+err.Error())
		} else if n > 0 {
			flash += fmt.Sprintf(" %d suppression(s) added to %s.", n, filepath.Base(a.opts.IgnoreFile))
		}
	}
	if err := a.auditReview(run, sr, s.Operator, d, now); err != nil {
		a.opts.Logger.Error("audit review", "run", run.ID, "seq", seq, "err", err)
		problems = append(problems, "the audit log could not be written: "+err.Error())
	}
	if len(problems) > 0 {
		flash += " But " + strings.Join(problems, "; ")
	}
	target := fmt.Sprintf("/runs/%d/records/%d?", run.ID, seq)
	q, _ := url.ParseQuery(r.PostFormValue("ctx"))
	q = filterFrom(q).values()
	q.Set("flash", flash)
	http.Redirect(w, r, target+q.Encode(), http.StatusSeeOther)
}

// validate checks a decision and sets its resulting state; it returns a
// message for the operator when the decision cannot be taken.
func (a *App) validate(d *decision, sr *storedRow) string {
	if len([]rune(d.reason)) > maxReason {
		return fmt.Sprintf("The reason is too long (at most %d characters).", maxReason)
	}
	switch d.action {
	case actConfirm:
		d.state = stateConfirmed
	case actNeedsInfo:
		d.state = stateNeedsInfo
	case actFalsePositive:
		if d.reason == "" {
			return "A false positive needs a reason: say why the listed party is not this counterparty."
		}
		if d.suppress {
			if a.opts.IgnoreFile == "" {
				return "Suppressions are not enabled in this workspace."
			}
			if d.until == "" {
				return "Give the date until which the suppression applies."
			}
			t, err := time.Parse("2006-01-02", d.until)
			if err != nil {
				return "The suppression date must be a date (YYYY-MM-DD)."
			}
			if t.Before(a.opts.Clock().UTC().Truncate(24 * time.Hour)) {
				return "The suppression date is in the past."
			}
		} else {
			d.until = ""
		}
		d.state = stateFalsePositive
		if a.opts.FourEyes && sr.Decision.Decision == record.Block {
			d.state = stateFPPending
		}
	case actApproveFP:
		if sr.Review != stateFPPending {
			return "There is no false positive awaiting approval on this record."
		}
		d.state = stateFalsePositive
	default:
		return "Choose confirm, false positive or needs information."
	}
	return ""
}

// storeDecision writes the review and bumps the record's version, in one
// transaction, if the record is still at version.
func (a *App) storeDecision(ctx context.Context, runID int64, seq, version int, decisionID, operator string, d decision, now time.Time) error {
	tx, err := a.st.db.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("store review: %w", err)
	}
	defer tx.Rollback()
	if d.action == actApproveFP {
		var pendingBy string
		err := tx.QueryRowContext(ctx, `SELECT operator FROM reviews WHERE run_id = ? AND seq = ? AND state_after = ? ORDER BY id DESC LIMIT 1`, runID, seq, stateFPPending).Scan(&pendingBy)
		if err != nil && !errors.Is(err, sql.ErrNoRows) {
			return fmt.Errorf("store review: %w", err)
		}
		if pendingBy == operator {
			return errSelfApproval
		}
	}
	res, err := tx.ExecContext(ctx, `UPDATE records SET review = ?, version = version + 1, reviewed_by = ?, reviewed_at = ? WHERE run_id = ? AND seq = ? AND version = ?`,
		d.state, operator, nowText(now), runID, seq, version)
	if err != nil {
		return fmt.Errorf("store review: %w", err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return errConflict
	}
	if _, err := tx.ExecContext(ctx, `INSERT INTO reviews (run_id, seq, action, reason, suppress, suppress_until, operator, created_at, decision_id, state_after) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		runID, seq, d.action, d.reason, d.suppress, d.until, operator, nowText(now), decisionID, d.state); err != nil {
		return fmt.Errorf("store review: %w", err)
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("store review: %w", err)
	}
	return nil
}

// errSelfApproval refuses a four-eyes approval by the proposer.
var errSelfApproval = errors.New("a second operator must approve this false positive: you proposed it")

// recordError re-renders the record page with an error.
func (a *App) recordError(w http.ResponseWriter, r *http.Request, run *Run, seq int, s *session, status int, msg string) {
	v, _, err := a.recordView(r, run, seq, s)
	if err != nil {
		a.fail(w, r, s, status, msg)
		return
	}
	v.Error = msg
	a.render(w, status, "record", v)
}

// suppressionEntries are the .screenignore.yaml entries of a false
// positive: each matched entity for its counterparty, or, for findings
// without a match, the finding's fingerprint.
func suppressionEntries(sr *storedRow, run *Run, d decision) []suppress.Entry {
	note := fmt.Sprintf("%s (review of run %d, record %s)", d.reason, run.ID, sr.Decision.ID)
	by := strings.Join(d.approvers, ", ")
	var out []suppress.Entry
	seen := map[string]bool{}
	for _, rs := range sr.Decision.Reasons {
		found := false
		for _, ev := range rs.Evidence {
			var k int
			if _, err := fmt.Sscanf(ev, "matches[%d]", &k); err != nil || k < 0 || k >= len(sr.Decision.Matches) {
				continue
			}
			found = true
			m := sr.Decision.Matches[k]
			key := m.EntityID + "\x00" + strings.ToLower(m.Query)
			if seen[key] {
				continue
			}
			seen[key] = true
			out = append(out, suppress.Entry{EntityID: m.EntityID, Party: m.Query, Reason: note, ApprovedBy: by, Expires: d.until})
		}
		if !found && rs.Fingerprint != "" && !seen[rs.Fingerprint] {
			seen[rs.Fingerprint] = true
			out = append(out, suppress.Entry{Fingerprint: rs.Fingerprint, Rule: rs.Rule, Reason: note, ApprovedBy: by, Expires: d.until})
		}
	}
	return out
}

// writeSuppressions appends the decision's suppressions to the ignore file.
func (a *App) writeSuppressions(sr *storedRow, run *Run, d decision, now time.Time) (int, error) {
	es := suppressionEntries(sr, run, d)
	if len(es) == 0 {
		return 0, nil
	}
	return len(es), appendSuppressions(&a.ignoreMu, a.opts.IgnoreFile, es)
}

// appendSuppressions adds entries to the suppressions list of a
// .screenignore.yaml file (created when missing), keeping what is there,
// comments included, and writing atomically.
func appendSuppressions(mu interface {
	Lock()
	Unlock()
}, path string, es []suppress.Entry) error {
	mu.Lock()
	defer mu.Unlock()
	b, err := os.ReadFile(path)
	if err != nil && !errors.Is(err, fs.ErrNotExist) {
		return fmt.Errorf("suppressions %s: %w", path, err)
	}
	var root yaml.Node
	if len(bytes.TrimSpace(b)) > 0 {
		if err := yaml.Unmarshal(b, &root); err != nil {
			return fmt.Errorf("suppressions %s: %w", path, err)
		}
	}
	if root.Kind == 0 {
		root = yaml.Node{Kind: yaml.DocumentNode, Content: []*yaml.Node{{Kind: yaml.MappingNode, Tag: "!!map"}}}
	}
	if root.Kind != yaml.DocumentNode || len(root.Content) == 0 || root.Content[0].Kind != yaml.MappingNode {
		return fmt.Errorf("suppressions %s: not a mapping with a suppressions list", path)
	}
	m := root.Content[0]
	var seq *yaml.Node
	for i := 0; i+1 < len(m.Content); i += 2 {
		if m.Content[i].Value == "suppressions" {
			seq = m.Content[i+1]
		}
	}
	if seq == nil || (seq.Kind == yaml.ScalarNode && seq.Tag == "!!null") {
		if seq == nil {
			seq = &yaml.Node{}
			m.Content = append(m.Content, &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!str", Value: "suppressions"}, seq)
		}
		*seq = yaml.Node{Kind: yaml.SequenceNode, Tag: "!!seq"}
	}
	if seq.Kind != yaml.SequenceNode {
		return fmt.Errorf("suppressions %s: suppressions is not a list", path)
	}
	seq.Style = 0
	for _, e := range es {
		var n yaml.Node
		if err := n.Encode(e); err != nil {
			return fmt.Errorf("suppressions %s: encode entry: %w", path, err)
		}
		seq.Content = append(seq.Content, &n)
	}
	var out bytes.Buffer
	enc := yaml.NewEncoder(&out)
	enc.SetIndent(2)
	if err := enc.Encode(&root); err != nil {
		return fmt.Errorf("suppressions %s: %w", path, err)
	}
	enc.Close()
	if _, err := suppress.Parse(path, out.Bytes()); err != nil {
		return fmt.Errorf("suppressions %s: the updated file would not be valid: %w", path, err)
	}
	tmp, err := os.CreateTemp(filepath.Dir(path), ".screenignore-*.yaml")
	if err != nil {
		return fmt.Errorf("suppressions %s: %w", path, err)
	}
	defer os.Remove(tmp.Name())
	if _, err := tmp.Write(out.Bytes()); err != nil {
		tmp.Close()
		return fmt.Errorf("suppressions %s: %w", path, err)
	}
	if err := tmp.Chmod(0o644); err != nil {
		tmp.Close()
		return fmt.Errorf("suppressions %s: %w", path, err)
	}
	if err := tmp.Close(); err != nil {
		return fmt.Errorf("suppressions %s: %w", path, err)
	}
	if err := os.Rename(tmp.Name(), path); err != nil {
		return fmt.Errorf("suppressions %s: %w", path, err)
	}
	return nil
}

// reviewedDecision returns the decision as the review leaves it: a false
// positive takes every finding out of the decision (marked with who and
// why), a confirmation escalates it to block.
func reviewedDecision(sr *storedRow, operator string, d decision, now time.Time) record.Decision {
	rd := sr.Decision
	rd.Reasons = append([]record.Reason(nil), sr.Decision.Reasons...)
	switch d.state {
	case stateFalsePositive:
		note := fmt.Sprintf("review: false positive, decided by %s on %s: %s", strings.Join(d.approvers, " and "), now.UTC().Format("2006-01-02"), d.reason)
		for i := range rd.Reasons {
			if rd.Reasons[i].SuppressedBy == "" {
				rd.Reasons[i].SuppressedBy = note
			}
		}
		suppress.Recompute(&rd)
	case stateConfirmed:
		if rd.Decision != record.Error {
			rd.Decision = record.Block
		}
	}
	return rd
}

// auditReview appends the review action to the audit log.
func (a *App) auditReview(run *Run, sr *storedRow, operator string, d decision, now time.Time) error {
	if a.audit == nil {
		return nil
	}
	rd := reviewedDecision(sr, operator, d, now)
	e := audit.NewEntry(&rd, audit.Run{
		Tool:         "screen " + engine.Version + " web",
		Lists:        audit.ListRefs(run.Lists),
		PolicySHA256: run.PolicySHA256,
		InputSHA256:  run.InputSHA256,
		Operator:     operator,
	})
	e.Timestamp = now
	e.Review = &audit.Review{Action: d.action, State: d.state, OriginalDecisionID: sr.DecisionID, Note: d.reason}
	return a.audit.Append(e)
}
