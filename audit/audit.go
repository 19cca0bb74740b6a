// Package audit keeps an append-only log of screening decisions: one JSON
// line per screened record, saying what was decided, why, with which lists
// and policy, on which input, and by whom. The log is for auditors; the
// reports are for people and machines acting on a run.
package audit

import (
	"bufio"
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"maps"
	"os"
	"slices"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/screen-compliance/screen/entity"
	"github.com/screen-compliance/screen/record"
)

// ListRef names one list a decision was made with.
type ListRef struct {
	Name    string `json:"name"`
	Version string `json:"version"`
	// SHA256 is the digest of the list's source file, or for a list read
	// from several files the digest of their "<sha256>  <path>" lines
	// sorted (as sha256sum prints them). Empty when unknown.
	SHA256 string `json:"sha256,omitempty"`
}

// RecordRef points at the screened input record.
type RecordRef struct {
	ID     string `json:"id,omitempty"`
	Source string `json:"source,omitempty"`
	Row    int    `json:"row,omitempty"`
}

// Entry is one line of the audit log: a decision (screened, or as a
// reviewer's action leaves it), or an Event that is not a decision.
type Entry struct {
	// ID identifies this line when its writer may deliver it twice (the
	// review workspace writes entries through an outbox and may repeat the
	// last ones after a crash): readers drop a repeated ID. Empty otherwise.
	ID string `json:"id,omitempty"`
	// DecisionID is the stable fingerprint of the decision (see DecisionID);
	// empty for an Event.
	DecisionID string `json:"decision_id,omitempty"`
	// Timestamp is when the entry was appended, in UTC; Append fills it
	// when zero.
	Timestamp    time.Time `json:"timestamp"`
	Tool         string    `json:"tool"`
	Lists        []ListRef `json:"lists"`
	PolicySHA256 string    `json:"policy_sha256"`
	// InputSHA256 is the digest of the input file the record came from.
	InputSHA256 string    `json:"input_sha256,omitempty"`
	Record      RecordRef `json:"record"`
	// Run names the run the record belongs to when the writer keeps runs
	// (the review workspace: "web-run-3"); empty for the CLI.
	Run      string `json:"run,omitempty"`
	Decision string `json:"decision"`
	// Reasons are the rule ids of the reasons that count toward the decision.
	Reasons []string `json:"reasons"`
	// Entities are the ids of the list entities matched, without repeats.
	Entities []string `json:"entities,omitempty"`
	// Suppressions explain the reasons taken out of the decision, as
	// "<rule>: <suppressed_by>".
	Suppressions []string `json:"suppressions,omitempty"`
	// Error explains a decision "error".
	Error string `json:"error,omitempty"`
	// Operator is who ran the screen (user name or service account).
	Operator string `json:"operator,omitempty"`
	// Review is set for a reviewer's action on a screened record (the
	// review workspace); it is absent for screening entries.
	Review *Review `json:"review,omitempty"`
	// Event is set for what is not a decision (see Event); the decision
	// fields are then empty.
	Event *Event `json:"event,omitempty"`
}

// Event kinds.
const (
	// EventRunOptions: a run left rules out or narrowed the lists.
	EventRunOptions = "run_options"
	// EventSignInFailed: a sign-in with a wrong name or password.
	EventSignInFailed = "signin_failed"
	// EventSignInLockout: sign-ins for a name or from an address are
	// refused for a while after repeated failures.
	EventSignInLockout = "signin_lockout"
	// EventSuppressionFailed: a suppression a review decided could not be
	// written to the suppression file.
	EventSuppressionFailed = "suppression_failed"
)

// Event is an audited action that is not a decision.
type Event struct {
	// Kind is one of the Event* constants.
	Kind string `json:"kind"`
	// Run names the run concerned ("web-run-3"), if any.
	Run string `json:"run,omitempty"`
	// Subject is who or what the event is about: an operator name or a
	// client address for sign-in events.
	Subject string `json:"subject,omitempty"`
	// Address is the client address of a sign-in event.
	Address string `json:"address,omitempty"`
	// Rules and Lists are a run's rules left out and lists selected.
	Rules []string `json:"rules,omitempty"`
	Lists []string `json:"lists,omitempty"`
	// Until is when a lockout ends (UTC).
	Until *time.Time `json:"until,omitempty"`
	// Detail says more, in words.
	Detail string `json:"detail,omitempty"`
}

// Review is a reviewer's action on a decision.
type Review struct {
	// Action is what the reviewer did: confirm, false_positive,
	// needs_info, approve, ...
	Action string `json:"action"`
	// State is the record's review state after the action.
	State string `json:"state"`
	// OriginalDecisionID is the decision_id of the screened decision the
	// action is about (DecisionID is that of the reviewed decision).
	OriginalDecisionID string `json:"original_decision_id,omitempty"`
	// Note is the reviewer's reason or note.
	Note string `json:"note,omitempty"`
	// Seq is the record's place in its run (Entry.Run).
	Seq int `json:"seq,omitempty"`
	// Match is the match the action judges; nil for an action on the
	// whole record.
	Match *MatchRef `json:"match,omitempty"`
	// RecordState is the record's review state after the action, and
	// ReviewedDecision the decision once the reviewers' false positives are
	// taken out and confirmations escalated (Entry.Decision holds it too).
	RecordState      string `json:"record_state,omitempty"`
	ReviewedDecision string `json:"reviewed_decision,omitempty"`
	// Approvers are the operators who decided: one, or two under four-eyes
	// (the proposer first).
	Approvers []string `json:"approvers,omitempty"`
	// Suppression is the suppression-file entry the action writes, if any.
	Suppression *Suppression `json:"suppression,omitempty"`
}

// MatchRef names one match of a decision: its index in matches[], the list
// entity and the party it was found for.
type MatchRef struct {
	Index      int     `json:"index"`
	EntityID   string  `json:"entity_id"`
	List       string  `json:"list,omitempty"`
	PartyIndex int     `json:"party"`
	Role       string  `json:"role"`
	Party      string  `json:"party_name"`
	Score      float64 `json:"score"`
}

// Suppression is a suppression-file entry as written.
type Suppression struct {
	File       string `json:"file"`
	EntityID   string `json:"entity_id"`
	Party      string `json:"party"`
	Reason     string `json:"reason"`
	ApprovedBy string `json:"approved_by"`
	Expires    string `json:"expires,omitempty"`
}

// Run holds what every entry of one run shares.
type Run struct {
	Tool         string
	Lists        []ListRef
	PolicySHA256 string
	InputSHA256  string
	Operator     string
}

// ListRefs describes loaded lists for audit entries, in the given order.
func ListRefs(ms []entity.Metadata) []ListRef {
	out := make([]ListRef, 0, len(ms))
	for _, m := range ms {
		out = append(out, ListRef{Name: m.Name, Version: m.Version, SHA256: filesDigest(m.Files)})
	}
	return out
}

// filesDigest is the digest of one file, or of the sorted sha256sum lines
// of several.
func filesDigest(fs []entity.FileDigest) string {
	switch len(fs) {
	case 0:
		return ""
	case 1:
		return fs[0].SHA256
	}
	lines := make([]string, len(fs))
	for i, f := range fs {
		lines[i] = f.SHA256 + "  " + f.Path + "\n"
	}
	sort.Strings(lines)
	sum := sha256.Sum256([]byte(strings.Join(lines, "")))
	return hex.EncodeToString(sum[:])
}

// NewEntry builds the audit entry of d. The timestamp is left for Append.
func NewEntry(d *record.Decision, run Run) Entry {
	e := Entry{
		DecisionID:   DecisionID(d),
		Tool:         run.Tool,
		Lists:        run.Lists,
		PolicySHA256: run.PolicySHA256,
		InputSHA256:  run.InputSHA256,
		Record:       RecordRef{ID: d.ID, Source: d.Source, Row: d.Row},
		Decision:     d.Decision,
		Reasons:      []string{},
		Error:        d.Error,
		Operator:     run.Operator,
	}
	if e.PolicySHA256 == "" {
		e.PolicySHA256 = d.Provenance.PolicySHA256
	}
	if e.Lists == nil {
		// Fall back on the versions the decision itself carries.
		for _, name := range slices.Sorted(maps.Keys(d.Provenance.Lists)) {
			e.Lists = append(e.Lists, ListRef{Name: name, Version: d.Provenance.Lists[name]})
		}
	}
	if e.Lists == nil {
		e.Lists = []ListRef{}
	}
	seen := map[string]bool{}
	for _, r := range d.Reasons {
		if r.SuppressedBy != "" {
			e.Suppressions = append(e.Suppressions, r.Rule+": "+r.SuppressedBy)
			continue
		}
		if !seen[r.Rule] {
			seen[r.Rule] = true
			e.Reasons = append(e.Reasons, r.Rule)
		}
	}
	ents := map[string]bool{}
	for _, m := range d.Matches {
		if m.EntityID != "" && !ents[m.EntityID] {
			ents[m.EntityID] = true
			e.Entities = append(e.Entities, m.EntityID)
		}
	}
	return e
}

// decisionIDDomain separates decision fingerprints from other sha256 uses
// and versions the canonical form.
const decisionIDDomain = "screen/decision/v1\n"

// DecisionID returns a stable fingerprint of d: the hex sha256 of its
// canonical JSON without the provenance. List versions, the policy hash
// and the engine version change over time while the decision stays the
// same, so they are left out (each entry records them beside the id). The
// canonical JSON has sorted object keys and no null, empty array or empty
// object values, so nil and empty slices give the same id.
func DecisionID(d *record.Decision) string {
	c := *d
	c.Provenance = record.Provenance{}
	c.Record = nil
	b, err := json.Marshal(&c)
	if err != nil {
		// A Decision holds only strings, numbers and slices of them; a
		// NaN score is the only way here. Fall back on its text form so
		// that the id stays stable.
		b = []byte(fmt.Sprintf("%#v", c))
	} else if canon, err := canonicalJSON(b); err == nil {
		b = canon
	}
	h := sha256.New()
	io.WriteString(h, decisionIDDomain)
	h.Write(b)
	return hex.EncodeToString(h.Sum(nil))
}

// canonicalJSON re-encodes a JSON document with sorted keys, numbers as
// written, and null, [] and {} values dropped.
func canonicalJSON(b []byte) ([]byte, error) {
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.UseNumber()
	var v any
	if err := dec.Decode(&v); err != nil {
		return nil, err
	}
	v, _ = prune(v)
	return json.Marshal(v) // maps marshal with sorted keys
}

// prune drops empty values; it reports false when v itself is empty.
func prune(v any) (any, bool) {
	switch t := v.(type) {
	case nil:
		return nil, false
	case map[string]any:
		for k, x := range t {
			if y, ok := prune(x); ok {
				t[k] = y
			} else {
				delete(t, k)
			}
		}
		return t, len(t) > 0
	case []any:
		out := t[:0]
		for _, x := range t {
			if y, ok := prune(x); ok {
				out = append(out, y)
			}
		}
		return out, len(out) > 0
	}
	return v, true
}

// Log is an append-only audit log file. It is safe for concurrent use.
type Log struct {
	mu     sync.Mutex
	f      *os.File
	path   string
	now    func() time.Time
	closed bool
}

// Open opens the audit log at path for appending, creating it with mode
// 0600 (an existing file keeps its mode). If the file ends in a partial
// line (a crash mid-write), a newline is added so that the next entry
// starts on a line of its own.
func Open(path string) (*Log, error) {
	f, err := os.OpenFile(path, os.O_RDWR|os.O_APPEND|os.O_CREATE, 0o600)
	if err != nil {
		return nil, fmt.Errorf("open audit log: %w", err)
	}
	st, err := f.Stat()
	if err != nil {
		f.Close()
		return nil, fmt.Errorf("audit log %s: %w", path, err)
	}
	if !st.Mode().IsRegular() {
		f.Close()
		return nil, fmt.Errorf("audit log %s: not a regular file", path)
	}
	if size := st.Size(); size > 0 {
		last := make([]byte, 1)
		if _, err := f.ReadAt(last, size-1); err != nil {
			f.Close()
			return nil, fmt.Errorf("audit log %s: read last byte: %w", path, err)
		}
		if last[0] != '\n' {
			if _, err := f.Write([]byte("\n")); err != nil {
				f.Close()
				return nil, fmt.Errorf("audit log %s: end partial line: %w", path, err)
			}
		}
	}
	return &Log{f: f, path: path, now: time.Now}, nil
}

// Append writes e as one line. A zero Timestamp is set to now; any
// timestamp is stored in UTC. The line is written with a single write
// call, so concurrent appends never interleave.
func (l *Log) Append(e Entry) error {
	if err := e.validate(); err != nil {
		return fmt.Errorf("audit log %s: %w", l.path, err)
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.closed {
		return fmt.Errorf("audit log %s: append after close", l.path)
	}
	if e.Timestamp.IsZero() {
		e.Timestamp = l.now()
	}
	e.Timestamp = e.Timestamp.UTC()
	if e.Event == nil {
		if e.Lists == nil {
			e.Lists = []ListRef{}
		}
		if e.Reasons == nil {
			e.Reasons = []string{}
		}
	}
	b, err := e.Marshal()
	if err != nil {
		return fmt.Errorf("audit log %s: encode entry %s: %w", l.path, e.DecisionID, err)
	}
	if _, err := l.f.Write(append(b, '\n')); err != nil {
		return fmt.Errorf("audit log %s: append entry %s: %w", l.path, e.DecisionID, err)
	}
	return nil
}

// validate checks that a decision entry has its decision and an event
// entry its kind.
func (e *Entry) validate() error {
	if e.Event != nil {
		if e.Event.Kind == "" {
			return errors.New("event entry without a kind")
		}
		return nil
	}
	if e.DecisionID == "" {
		return fmt.Errorf("entry for record %q has no decision_id", e.Record.ID)
	}
	if e.Decision == "" {
		return fmt.Errorf("entry %s has no decision", e.DecisionID)
	}
	return nil
}

// Marshal encodes e as one JSON line (without the newline). An event entry
// leaves out the empty decision fields.
func (e *Entry) Marshal() ([]byte, error) {
	if e.Event == nil {
		return json.Marshal(e)
	}
	type event struct {
		ID        string    `json:"id,omitempty"`
		Timestamp time.Time `json:"timestamp"`
		Tool      string    `json:"tool"`
		Operator  string    `json:"operator,omitempty"`
		Event     *Event    `json:"event"`
	}
	return json.Marshal(event{ID: e.ID, Timestamp: e.Timestamp, Tool: e.Tool, Operator: e.Operator, Event: e.Event})
}

// Sync commits the log to stable storage.
func (l *Log) Sync() error {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.closed {
		return nil
	}
	if err := l.f.Sync(); err != nil {
		return fmt.Errorf("audit log %s: sync: %w", l.path, err)
	}
	return nil
}

// Close syncs the log to stable storage and closes it. Closing twice is
// harmless.
func (l *Log) Close() error {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.closed {
		return nil
	}
	l.closed = true
	serr := l.f.Sync()
	cerr := l.f.Close()
	if err := errors.Join(serr, cerr); err != nil {
		return fmt.Errorf("audit log %s: close: %w", l.path, err)
	}
	return nil
}

// maxLine bounds one audit line when reading (1 MiB).
const maxLine = 1 << 20

// Read reads an audit log, calling fn for each entry in order. Blank lines
// are skipped; a line that is not an entry is an error naming its number.
// Lines are passed as they are: a line repeated after a crash (same ID) is
// passed twice (see Entry.ID).
func Read(r io.Reader, fn func(Entry) error) error {
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 64*1024), maxLine)
	for line := 1; sc.Scan(); line++ {
		b := bytes.TrimSpace(sc.Bytes())
		if len(b) == 0 {
			continue
		}
		var e Entry
		if err := json.Unmarshal(b, &e); err != nil {
			return fmt.Errorf("audit line %d: %w", line, err)
		}
		if e.DecisionID == "" && e.Event == nil {
			return fmt.Errorf("audit line %d: no decision_id and no event", line)
		}
		if err := fn(e); err != nil {
			return fmt.Errorf("audit line %d: %w", line, err)
		}
	}
	if err := sc.Err(); err != nil {
		return fmt.Errorf("read audit log: %w", err)
	}
	return nil
}
