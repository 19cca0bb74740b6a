package web

import (
	"bytes"
	"context"
	"encoding/json"
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
	"github.com/screen-compliance/screen/record"
	"github.com/screen-compliance/screen/suppress"
	"github.com/screen-compliance/screen/web/store"
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
var errConflict = store.ErrConflict

// errSelfApproval refuses a four-eyes approval by the proposer.
var errSelfApproval = errors.New("a second operator must approve this false positive: you proposed it")

// decision is one review decision to store: an action on one match of a
// record (match ≥ 0) or on the whole record (match == recordTarget).
type decision struct {
	action, reason, until string
	suppress              bool
	match                 int
	state                 string
	// approvers are the operators who decided: one, or two under four-eyes.
	approvers []string
}

// decided is what storeDecision wrote, for the redirect and the
// suppression file.
type decided struct {
	recordState string
	reviewed    string
	// entry is the suppression to append to the ignore file, if any.
	entry *suppress.Entry
}

// decide stores a review decision on one match of a record, or on the whole
// record. A stale version (another operator decided meanwhile) is refused
// with 409 and nothing is written.
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
		match:    recordTarget,
	}
	if m := r.PostFormValue("match"); m != "" && m != "record" {
		if d.match, err = strconv.Atoi(m); err != nil || d.match < 0 || d.match >= len(sr.Decision.Matches) {
			a.recordError(w, r, run, seq, s, http.StatusUnprocessableEntity, "No such match on this record; reload the page.")
			return
		}
		if e := r.PostFormValue("entity"); e != sr.Decision.Matches[d.match].EntityID {
			a.recordError(w, r, run, seq, s, http.StatusConflict, "The match you decided is not the one on this record any more; reload the page.")
			return
		}
	}
	ds, err := a.st.Dispositions(r.Context(), run.ID, seq)
	if err != nil {
		a.internal(w, r, s, err)
		return
	}
	if status, msg := a.validate(&d, sr, ds, s); msg != "" {
		a.recordError(w, r, run, seq, s, status, msg)
		return
	}
	now := a.opts.Clock()
	res, err := a.storeDecision(r.Context(), run, sr, version, s, d, now)
	if err != nil {
		if errors.Is(err, errSelfApproval) {
			a.recordError(w, r, run, seq, s, http.StatusForbidden, "A second operator must approve this false positive: you proposed it.")
			return
		}
		if errors.Is(err, errConflict) {
			cur, _ := a.getRecord(r.Context(), run.ID, seq)
			msg := "Another operator changed this record since you opened it; your decision was not saved. Their decision is shown below; decide again if needed."
			if cur != nil && cur.ReviewedBy != "" {
				msg = fmt.Sprintf("%s marked this record %q at %s, after you opened it; your decision was not saved. Review their decision below and decide again if needed.",
					cur.ReviewedBy, stateLabel(cur.Review), cur.ReviewedAt)
			}
			a.recordError(w, r, run, seq, s, http.StatusConflict, msg)
			return
		}
		a.internal(w, r, s, err)
		return
	}
	flash := "Saved: " + stateLabel(d.state)
	if d.match >= 0 {
		m := sr.Decision.Matches[d.match]
		flash += fmt.Sprintf(" for %s %q ↔ %s", m.Role, m.Query, m.EntityID)
	}
	flash += "."
	if res.reviewed != sr.Decision.Decision {
		flash += " After review the record is " + res.reviewed + " (screened: " + sr.Decision.Decision + ")."
	}
	if res.entry != nil {
		if err := appendSuppressions(&a.ignoreMu, a.opts.IgnoreFile, []suppress.Entry{*res.entry}); err != nil {
			a.opts.Logger.Error("write suppression", "run", run.ID, "seq", seq, "err", err)
			flash += " But the suppression could not be written: " + err.Error()
			ev := audit.Event{Kind: audit.EventSuppressionFailed, Run: runName(run.ID), Subject: res.entry.EntityID + " / " + res.entry.Party,
				Detail: fmt.Sprintf("record %s: %v", sr.Decision.ID, err)}
			if err := a.auditEvent(context.WithoutCancel(r.Context()), s.Operator, ev); err != nil {
				a.opts.Logger.Error("audit review", "run", run.ID, "seq", seq, "err", err)
			}
		} else {
			flash += fmt.Sprintf(" Suppression of %s for %q added to %s.", res.entry.EntityID, res.entry.Party, filepath.Base(a.opts.IgnoreFile))
		}
	}
	if err := a.flushAudit(context.WithoutCancel(r.Context())); err != nil {
		a.opts.Logger.Error("audit review", "run", run.ID, "seq", seq, "err", err)
		flash += " The audit entry is saved in the workspace and will be written to the audit log when it can be: " + err.Error()
	}
	target := fmt.Sprintf("/runs/%d/records/%d?", run.ID, seq)
	q, _ := url.ParseQuery(r.PostFormValue("ctx"))
	q = filterFrom(q).values()
	q.Set("flash", flash)
	http.Redirect(w, r, target+q.Encode(), http.StatusSeeOther)
}

// validate checks a decision and sets its resulting state; it returns a
// status and a message for the operator when the decision cannot be taken.
func (a *App) validate(d *decision, sr *storedRow, ds dispositions, s *session) (int, string) {
	unprocessable := http.StatusUnprocessableEntity
	if len([]rune(d.reason)) > maxReason {
		return unprocessable, fmt.Sprintf("The reason is too long (at most %d characters).", maxReason)
	}
	fourEyes := a.opts.FourEyes && sr.Decision.Decision == record.Block
	switch d.action {
	case actConfirm:
		d.state = stateConfirmed
	case actNeedsInfo:
		d.state = stateNeedsInfo
	case actFalsePositive:
		if d.match < 0 {
			return unprocessable, "A false positive judges one match: decide it on the match below. Goods, route and services findings cannot be dismissed as false positives."
		}
		if d.reason == "" {
			return unprocessable, "A false positive needs a reason: say why the listed party is not this counterparty."
		}
		if fourEyes && !s.Verified {
			return http.StatusForbidden, "Under four-eyes, a false positive on a block needs an operator signed in with their own password; the API token and token sign-ins cannot propose it."
		}
		if d.suppress {
			if a.opts.IgnoreFile == "" {
				return unprocessable, "Suppressions are not enabled in this workspace."
			}
			if d.until == "" {
				return unprocessable, "Give the date until which the suppression applies."
			}
			t, err := time.Parse(time.DateOnly, d.until)
			if err != nil {
				return unprocessable, "The suppression date must be a date (YYYY-MM-DD)."
			}
			if t.Before(a.opts.Clock().UTC().Truncate(24 * time.Hour)) {
				return unprocessable, "The suppression date is in the past."
			}
		} else {
			d.until = ""
		}
		d.state = stateFalsePositive
		if fourEyes {
			d.state = stateFPPending
		}
	case actApproveFP:
		cur := ds[d.match]
		if d.match < 0 || cur == nil || cur.State != stateFPPending {
			return unprocessable, "There is no false positive awaiting approval on this match."
		}
		if !s.Verified {
			return http.StatusForbidden, "Approving a false positive needs an operator signed in with their own password; the API token and token sign-ins cannot approve."
		}
		if cur.Operator == s.Operator {
			return http.StatusForbidden, "A second operator must approve this false positive: you proposed it."
		}
		// The approval carries out what the first operator proposed.
		if d.reason == "" {
			d.reason = cur.Reason
		}
		d.suppress, d.until = cur.Suppress, cur.Until
		d.approvers = []string{cur.Operator}
		d.state = stateFalsePositive
	default:
		return unprocessable, "Choose confirm, false positive or needs information."
	}
	if d.match >= 0 && d.reason == "" {
		return unprocessable, "Give the reason for your decision on this match: it is kept with the match."
	}
	d.approvers = append(d.approvers, s.Operator)
	return 0, ""
}

// storeDecision writes the decision in one transaction, if the record is
// still at version: the match's (or record's) disposition, the history
// row, the record's review state and reviewed decision, and the audit
// entry into the outbox. It returns the suppression entry to write.
func (a *App) storeDecision(ctx context.Context, run *Run, sr *storedRow, version int, s *session, d decision, now time.Time) (*decided, error) {
	var out *decided
	err := a.st.Update(ctx, func(tx store.Tx) error {
		var err error
		out, err = a.storeDecisionTx(ctx, tx, run, sr, version, s, d, now)
		return err
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// storeDecisionTx writes the decision within tx.
func (a *App) storeDecisionTx(ctx context.Context, tx store.Tx, run *Run, sr *storedRow, version int, s *session, d decision, now time.Time) (*decided, error) {
	ds, err := tx.Dispositions(ctx, run.ID, sr.Seq)
	if err != nil {
		return nil, err
	}
	if d.action == actApproveFP {
		if cur := ds[d.match]; cur == nil || cur.State != stateFPPending {
			return nil, errConflict
		} else if cur.Operator == s.Operator {
			return nil, errSelfApproval
		}
	}
	disp := &disposition{Match: d.match, PartyIndex: -1, State: d.state, Reason: d.reason, Suppress: d.suppress, Until: d.until,
		Operator: s.Operator, Approvers: d.approvers, At: nowText(now)}
	var m *record.Match
	if d.match >= 0 {
		m = &sr.Decision.Matches[d.match]
		disp.EntityID, disp.PartyIndex, disp.PartyRole, disp.PartyName = m.EntityID, m.Party, m.Role, m.Query
	}
	ds[d.match] = disp
	out := &decided{recordState: recordState(ds, len(sr.Decision.Matches))}
	rd := reviewedDecision(sr.Decision, ds)
	out.reviewed = rd.Decision
	if m != nil && d.state == stateFalsePositive && d.suppress {
		out.entry = &suppress.Entry{
			EntityID: m.EntityID, Party: m.Query, Expires: d.until, ApprovedBy: strings.Join(d.approvers, ", "),
			Reason: fmt.Sprintf("%s (review of run %d, record %s, %s %q ↔ %s)", d.reason, run.ID, sr.Decision.ID, m.Role, m.Query, m.EntityID),
		}
	}
	if err := tx.SetReview(ctx, run.ID, sr.Seq, version, store.RecordReview{State: out.recordState, Decision: out.reviewed, By: s.Operator, At: nowText(now)}); err != nil {
		return nil, err
	}
	if err := tx.PutDisposition(ctx, run.ID, sr.Seq, disp); err != nil {
		return nil, err
	}
	var supJSON []byte
	if out.entry != nil {
		supJSON, _ = json.Marshal(out.entry)
	}
	if err := tx.AddReview(ctx, run.ID, sr.Seq, store.Review{Action: d.action, Reason: d.reason, Suppress: d.suppress, SuppressUntil: d.until,
		Operator: s.Operator, At: nowText(now), DecisionID: sr.DecisionID, State: d.state,
		Match: d.match, EntityID: disp.EntityID, PartyRole: disp.PartyRole, PartyName: disp.PartyName, Approvers: d.approvers, Suppression: string(supJSON)}); err != nil {
		return nil, err
	}
	if err := a.enqueueAudit(ctx, tx, a.reviewEntry(run, sr, s.Operator, d, disp, out, &rd, now)); err != nil {
		return nil, err
	}
	return out, nil
}

// reviewEntry is the audit entry of a review action: the decision as the
// review leaves it, who decided, why, on which match of which record of
// which run, and the suppression it writes.
func (a *App) reviewEntry(run *Run, sr *storedRow, operator string, d decision, disp *disposition, out *decided, rd *record.Decision, now time.Time) audit.Entry {
	e := audit.NewEntry(rd, audit.Run{
		Tool:         toolName(),
		Lists:        audit.ListRefs(run.Lists),
		PolicySHA256: run.PolicySHA256,
		InputSHA256:  run.InputSHA256,
		Operator:     operator,
	})
	e.Timestamp = now
	e.Run = runName(run.ID)
	rv := &audit.Review{Action: d.action, State: d.state, OriginalDecisionID: sr.DecisionID, Note: d.reason,
		Seq: sr.Seq, RecordState: out.recordState, ReviewedDecision: out.reviewed, Approvers: d.approvers}
	if d.match >= 0 {
		m := sr.Decision.Matches[d.match]
		rv.Match = &audit.MatchRef{Index: d.match, EntityID: m.EntityID, List: m.List, PartyIndex: disp.PartyIndex, Role: m.Role, Party: m.Query, Score: m.Score}
	}
	if se := out.entry; se != nil {
		rv.Suppression = &audit.Suppression{File: a.opts.IgnoreFile, EntityID: se.EntityID, Party: se.Party, Reason: se.Reason, ApprovedBy: se.ApprovedBy, Expires: se.Expires}
	}
	e.Review = rv
	return e
}

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
