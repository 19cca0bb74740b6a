// Package store is the persistence of the review workspace (package web):
// runs, their records and the entities they matched, review decisions
// (per match dispositions and the history of actions), operators and
// sessions, the audit outbox and the uploads kept for re-screening.
//
// Store is the interface the workspace uses and nothing else; package
// store/sqlite implements it on SQLite, and store/storetest holds the
// tests every implementation must pass:
//
//	func TestStore(t *testing.T) {
//		storetest.Run(t, func(t *testing.T) store.Store { return openMine(t) })
//	}
//
// Times that the workspace shows and exports as given (review and
// disposition times, a record's reviewed_at) are RFC 3339 text in UTC, as
// Text writes them; the others are time.Time.
package store

import (
	"context"
	"errors"
	"time"

	"github.com/screen-compliance/screen/entity"
	"github.com/screen-compliance/screen/record"
)

// ErrNotFound is returned when a run, record or session does not exist.
var ErrNotFound = errors.New("not found")

// ErrConflict is returned by SetReview when the record is no longer at the
// version the caller read: another operator decided first.
var ErrConflict = errors.New("conflict")

// Store is the workspace's database. Its Tx methods each run as their own
// transaction; Update runs several as one. It is safe for concurrent use.
type Store interface {
	Tx
	// Update runs fn in one transaction, with a Tx that fn alone uses:
	// when fn returns nil its writes are committed together, else none is
	// kept and its error is returned.
	Update(ctx context.Context, fn func(tx Tx) error) error
	// SchemaVersion returns the version of the schema the store is at.
	SchemaVersion(ctx context.Context) (int, error)
	// Close closes the store.
	Close() error
}

// Tx reads and writes the store.
type Tx interface {
	Sessions
	Runs
	Records
	Reviews
	Outbox
}

// Sessions are the operators' sign-ins.
type Sessions interface {
	// CreateSession stores a session and records its operator: role,
	// first and last seen.
	CreateSession(ctx context.Context, s Session) error
	// Session returns the session whose id hashes to idHash, or
	// ErrNotFound. Expired sessions are returned too: the caller checks.
	Session(ctx context.Context, idHash string) (Session, error)
	// DeleteSession deletes a session; a missing one is no error.
	DeleteSession(ctx context.Context, idHash string) error
}

// Runs are the screenings of an input file.
type Runs interface {
	// CreateRun stores a new run and returns its id (ids grow).
	CreateRun(ctx context.Context, r NewRun) (int64, error)
	// Run returns one run, or ErrNotFound.
	Run(ctx context.Context, id int64) (*Run, error)
	// Runs returns the newest runs first, at most limit.
	Runs(ctx context.Context, limit int) ([]*Run, error)
	// RunsWithUpload returns the runs that keep an upload, oldest first.
	RunsWithUpload(ctx context.Context) ([]*Run, error)
	// SetRunProvenance records what a run screens with: the lists, the
	// policy bundle hash and the engine version.
	SetRunProvenance(ctx context.Context, id int64, lists []entity.Metadata, policySHA256, engine string) error
	// SetRunProgress records how far a run is: the last record stored
	// and the fraction of the input read.
	SetRunProgress(ctx context.Context, id int64, screened int, progress float64) error
	// SetRunFacets records the distinct filter values of a run.
	SetRunFacets(ctx context.Context, id int64, f Facets) error
	// FinishRun ends a run with status StatusDone (progress 1) or
	// StatusFailed (progress kept) and its error message.
	FinishRun(ctx context.Context, id int64, status, msg string, at time.Time) error
	// FailRunning marks every run still in status StatusRunning failed
	// with msg: runs a stopped process left unfinished.
	FailRunning(ctx context.Context, msg string, at time.Time) error
	// ClearUpload forgets run id's kept upload if it is name (a run's
	// upload moves to its re-screen, or is deleted).
	ClearUpload(ctx context.Context, id int64, name string) error
}

// Records are the screened records of runs and the list entities they
// matched.
type Records interface {
	// AddRecords stores records of a run; their Seq are new in the run.
	AddRecords(ctx context.Context, runID int64, rs []NewRecord) error
	// AddEntity stores a listed entity as a run matched it; an entity the
	// run already has is kept as it is.
	AddEntity(ctx context.Context, runID int64, e *entity.Entity) error
	// RunEntity returns an entity of a run, or nil when the run has none
	// with that id.
	RunEntity(ctx context.Context, runID int64, entityID string) (*entity.Entity, error)
	// Record returns record seq of a run, or ErrNotFound.
	Record(ctx context.Context, runID int64, seq int) (*Record, error)
	// Records returns the records of a run with seq > after, in seq
	// order, at most limit.
	Records(ctx context.Context, runID int64, after, limit int) ([]*Record, error)
	// Inputs returns the input records of a run with seq > after, in seq
	// order, at most limit: what a re-screen reads.
	Inputs(ctx context.Context, runID int64, after, limit int) ([]Input, error)
	// Counts counts the records of a run that f selects by their
	// screened decision (f.Decision is not applied).
	Counts(ctx context.Context, runID int64, f Filter) (record.Summary, error)
	// ReviewCounts counts the records of a run by review state.
	ReviewCounts(ctx context.Context, runID int64) (map[string]int, error)
	// Queue returns the records of a run that f selects, in seq order,
	// skipping offset and at most limit.
	Queue(ctx context.Context, runID int64, f Filter, offset, limit int) ([]QueueRow, error)
	// Neighbour returns the seq of the record f selects before seq (dir <
	// 0) or after it (dir > 0), or 0 when there is none.
	Neighbour(ctx context.Context, runID int64, f Filter, seq, dir int) (int, error)
	// CompareRuns calls fn, in seq order, with every record of run id
	// beside the record of the same seq of run parent (the records of a
	// re-screen beside those it re-screened).
	CompareRuns(ctx context.Context, parent, id int64, fn func(Change) error) error
}

// Reviews are the review decisions on records and their matches.
type Reviews interface {
	// SetReview sets a record's review state if the record is still at
	// version (and advances its version), else returns ErrConflict.
	SetReview(ctx context.Context, runID int64, seq, version int, rv RecordReview) error
	// Dispositions returns the dispositions of a record, by target.
	Dispositions(ctx context.Context, runID int64, seq int) (Dispositions, error)
	// RunDispositions returns the dispositions of the records of a run
	// with seq in (after, upto], by seq.
	RunDispositions(ctx context.Context, runID int64, after, upto int) (map[int]Dispositions, error)
	// PutDisposition sets the disposition of one target of a record,
	// replacing the one it had.
	PutDisposition(ctx context.Context, runID int64, seq int, d *Disposition) error
	// AddReview appends a review action to the history of a record.
	AddReview(ctx context.Context, runID int64, seq int, rv Review) error
	// RecordReviews returns the review actions of a record, oldest first.
	RecordReviews(ctx context.Context, runID int64, seq int) ([]Review, error)
	// RunReviews returns the review actions of a run, oldest first.
	RunReviews(ctx context.Context, runID int64) ([]Review, error)
}

// Outbox holds audit entries between the transaction that decided them
// and their copy to the audit log.
type Outbox interface {
	// EnqueueAudit adds an entry (an encoded audit.Entry) to the outbox.
	EnqueueAudit(ctx context.Context, entry []byte, at time.Time) error
	// PendingAudit returns the oldest entries of the outbox, at most limit, in
	// the order they were enqueued.
	PendingAudit(ctx context.Context, limit int) ([]OutboxEntry, error)
	// DequeueAudit deletes the entries up to id (included).
	DequeueAudit(ctx context.Context, upto int64) error
}

// Session is an operator's sign-in.
type Session struct {
	// IDHash is the hash of the session id (the cookie value).
	IDHash   string
	Operator string
	Role     string
	CSRF     string
	// Verified is true for an operator of the users file signed in with
	// their own password.
	Verified  bool
	CreatedAt time.Time
	ExpiresAt time.Time
}

// Run statuses.
const (
	StatusRunning = "running"
	StatusDone    = "done"
	StatusFailed  = "failed"
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

// Narrowed says whether the run leaves rules or lists out.
func (o RunOptions) Narrowed() bool { return len(o.Lists) > 0 || len(o.DisabledRules) > 0 }

// Facets are the distinct filter values of a run, for the filter menus.
type Facets struct {
	Rules     []string `json:"rules"`
	Lists     []string `json:"lists"`
	Roles     []string `json:"roles"`
	Countries []string `json:"countries"`
}

// NewRun is a run to create, in status StatusRunning.
type NewRun struct {
	Name        string
	FileName    string
	InputSHA256 string
	CreatedAt   time.Time
	CreatedBy   string
	// ParentID is the run this one re-screens, or 0.
	ParentID int64
	Options  RunOptions
	// Upload is the base name of the upload the run screens, or "".
	Upload string
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
	// Counts is not stored: the pages that show it fill it.
	Counts record.Summary
}

// Failed says whether the run stopped before it finished.
func (r *Run) Failed() bool { return r.Status == StatusFailed }

// CanRescreen says whether the run can be screened again: a finished run
// from its stored records, a failed one from its kept upload.
func (r *Run) CanRescreen() bool { return r.Done() || (r.Failed() && r.Upload != "") }

// Done says whether the run finished screening.
func (r *Run) Done() bool { return r.Status == StatusDone }

// Running says whether the run is still screening.
func (r *Run) Running() bool { return r.Status == StatusRunning }

// NewRecord is a screened record to store, with the values the queue
// filters and shows.
type NewRecord struct {
	// Seq is the 1-based position of the record in the run's input.
	Seq int
	// Decision is the decision as screened; Input is its input record.
	Decision record.Decision
	Input    record.Record
	// DecisionID is the audit decision id of Decision.
	DecisionID string
	// Parties describes the parties in one line ("role: name; ...").
	Parties string
	// TopName and TopScore are the best match's listed name and score.
	TopName  string
	TopScore float64
	// Rules, Lists, Roles, Countries and Entities are the distinct values
	// the filters select by, sorted: rule ids of the reasons, lists,
	// roles and entity ids of the matches, country codes of the parties
	// and the route.
	Rules, Lists, Roles, Countries, Entities []string
	// Search is the lower-case text the search box searches.
	Search string
}

// Record is a stored record with its review state.
type Record struct {
	Seq int
	// Decision is the decision as screened; its Record is &Record.
	Decision record.Decision
	// Record is the input record.
	Record record.Record
	// DecisionID is the audit decision id of Decision.
	DecisionID string
	// Review is the record's review state ("open" until reviewed).
	Review string
	// ReviewedDecision is the decision as the review leaves it.
	ReviewedDecision string
	// Version grows with every review; SetReview checks it.
	Version    int
	ReviewedBy string
	ReviewedAt string
}

// Input is the input record of one record of a run.
type Input struct {
	Seq    int
	Record record.Record
}

// Filter selects records of a run: by screened decision ("" or "all" for
// any), by the word of a rule id, list, role or country (upper-case code)
// among the record's, by review state, and by text the search text
// contains (case-insensitive). Empty fields select everything.
type Filter struct {
	Decision, Rule, List, Role, Country, Review, Q string
}

// QueueRow is one line of the queue.
type QueueRow struct {
	Seq      int
	RecordID string
	Row      int
	Decision string
	// Reviewed is the decision as the review leaves it.
	Reviewed   string
	Review     string
	Parties    string
	TopName    string
	TopScore   float64
	Rules      []string
	ReviewedBy string
}

// Change is a record of a re-screen beside the record it re-screened.
type Change struct {
	Seq                   int
	RecordID              string
	OldDecision, Decision string
	// OldEntities and Entities are the entity ids matched, sorted.
	OldEntities, Entities []string
	// OldReview and OldReviewer are the old record's review state and its
	// last reviewer.
	OldReview, OldReviewer string
}

// RecordReview is the review state of a record after a review action.
type RecordReview struct {
	// State is the record's review state.
	State string
	// Decision is the decision as the review leaves it.
	Decision string
	By, At   string
}

// Disposition is the current review decision on one match of a record, or
// on the whole record (Match == -1). The latest action on a target
// replaces its disposition; every action stays in the history (Review).
type Disposition struct {
	Match      int
	EntityID   string
	PartyIndex int
	PartyRole  string
	PartyName  string
	State      string
	Reason     string
	Suppress   bool
	Until      string
	Operator   string
	Approvers  []string
	At         string
}

// Dispositions maps a target (match index, or -1 for the whole record) to
// its disposition.
type Dispositions map[int]*Disposition

// Review is one review action on a record.
type Review struct {
	// ID orders the actions.
	ID int64
	// Seq, RecordID and Row name the record (RecordID and Row are read,
	// not written by AddReview).
	Seq      int
	RecordID string
	Row      int
	Action   string
	// State is the state the action left the target in.
	State         string
	Reason        string
	Suppress      bool
	SuppressUntil string
	Operator      string
	At            string
	// DecisionID is the audit decision id of the decision reviewed.
	DecisionID string
	// Match is the match judged, or -1 for the whole record.
	Match     int
	EntityID  string
	PartyRole string
	PartyName string
	Approvers []string
	// Suppression is the suppression entry the action wrote (JSON), or "".
	Suppression string
}

// OutboxEntry is an audit entry waiting in the outbox.
type OutboxEntry struct {
	ID    int64
	Entry []byte
}

// Text formats a time as the store's text times are: RFC 3339 in UTC, with
// nanoseconds, sortable.
func Text(t time.Time) string { return t.UTC().Format(time.RFC3339Nano) }

// ParseText reads a time written by Text; a bad value gives the zero time.
func ParseText(s string) time.Time {
	t, _ := time.Parse(time.RFC3339Nano, s)
	return t
}
