// Package sqlite is the SQLite store of the review workspace
// (modernc.org/sqlite, pure Go): web.db in the workspace directory, in WAL
// mode, with versioned schema migrations. It implements store.Store.
package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"net/url"
	"path/filepath"
	"time"

	_ "modernc.org/sqlite" // registers the "sqlite" database/sql driver (pure Go)

	"github.com/screen-compliance/screen/web/store"
)

// FileName is the name of the database file in the workspace directory.
const FileName = "web.db"

// migrations are the schema versions, applied in order; each runs once, in
// its own transaction, and is recorded in schema_migrations. Never edit a
// released migration: append a new one.
var migrations = []string{
	// 1: operators, sessions, runs, records, entities, reviews.
	`CREATE TABLE operators (
		name TEXT PRIMARY KEY,
		role TEXT NOT NULL,
		first_seen TEXT NOT NULL,
		last_seen TEXT NOT NULL
	);
	CREATE TABLE sessions (
		id_hash TEXT PRIMARY KEY,
		operator TEXT NOT NULL,
		role TEXT NOT NULL,
		csrf TEXT NOT NULL,
		created_at TEXT NOT NULL,
		expires_at TEXT NOT NULL
	);
	CREATE TABLE runs (
		id INTEGER PRIMARY KEY AUTOINCREMENT,
		name TEXT NOT NULL,
		file_name TEXT NOT NULL,
		input_sha256 TEXT NOT NULL DEFAULT '',
		created_at TEXT NOT NULL,
		created_by TEXT NOT NULL,
		parent_id INTEGER REFERENCES runs(id),
		status TEXT NOT NULL,
		progress REAL NOT NULL DEFAULT 0,
		screened INTEGER NOT NULL DEFAULT 0,
		error TEXT NOT NULL DEFAULT '',
		options TEXT NOT NULL DEFAULT '{}',
		lists TEXT NOT NULL DEFAULT '[]',
		policy_sha256 TEXT NOT NULL DEFAULT '',
		engine TEXT NOT NULL DEFAULT '',
		facets TEXT NOT NULL DEFAULT '{}',
		finished_at TEXT NOT NULL DEFAULT ''
	);
	CREATE TABLE records (
		run_id INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
		seq INTEGER NOT NULL,
		record_id TEXT NOT NULL,
		row INTEGER NOT NULL,
		decision TEXT NOT NULL,
		decision_id TEXT NOT NULL,
		parties TEXT NOT NULL,
		top_name TEXT NOT NULL,
		top_score REAL NOT NULL,
		rules TEXT NOT NULL,
		lists TEXT NOT NULL,
		roles TEXT NOT NULL,
		countries TEXT NOT NULL,
		entities TEXT NOT NULL,
		search TEXT NOT NULL,
		review TEXT NOT NULL DEFAULT 'open',
		version INTEGER NOT NULL DEFAULT 1,
		reviewed_by TEXT NOT NULL DEFAULT '',
		reviewed_at TEXT NOT NULL DEFAULT '',
		decision_json BLOB NOT NULL,
		record_json BLOB NOT NULL,
		UNIQUE (run_id, seq)
	);
	CREATE INDEX records_queue ON records (run_id, decision, seq);
	CREATE INDEX records_review ON records (run_id, review, seq);
	CREATE TABLE run_entities (
		run_id INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
		entity_id TEXT NOT NULL,
		entity_json BLOB NOT NULL,
		PRIMARY KEY (run_id, entity_id)
	);
	CREATE TABLE reviews (
		id INTEGER PRIMARY KEY AUTOINCREMENT,
		run_id INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
		seq INTEGER NOT NULL,
		action TEXT NOT NULL,
		reason TEXT NOT NULL DEFAULT '',
		suppress INTEGER NOT NULL DEFAULT 0,
		suppress_until TEXT NOT NULL DEFAULT '',
		operator TEXT NOT NULL,
		created_at TEXT NOT NULL,
		decision_id TEXT NOT NULL,
		state_after TEXT NOT NULL
	);
	CREATE INDEX reviews_record ON reviews (run_id, seq, id);`,
	// 2: per-match review decisions (dispositions), the decision as the
	// review leaves it, verified sessions, the audit outbox and the upload
	// kept for re-screening a failed run. Record-level false positives of
	// version 1 stop clearing anything: reviewed_decision starts as the
	// screened decision.
	`ALTER TABLE sessions ADD COLUMN verified INTEGER NOT NULL DEFAULT 0;
	ALTER TABLE records ADD COLUMN reviewed_decision TEXT NOT NULL DEFAULT '';
	UPDATE records SET reviewed_decision = decision;
	ALTER TABLE reviews ADD COLUMN match_index INTEGER NOT NULL DEFAULT -1;
	ALTER TABLE reviews ADD COLUMN entity_id TEXT NOT NULL DEFAULT '';
	ALTER TABLE reviews ADD COLUMN party_role TEXT NOT NULL DEFAULT '';
	ALTER TABLE reviews ADD COLUMN party_name TEXT NOT NULL DEFAULT '';
	ALTER TABLE reviews ADD COLUMN approvers TEXT NOT NULL DEFAULT '';
	ALTER TABLE reviews ADD COLUMN suppression TEXT NOT NULL DEFAULT '';
	CREATE TABLE dispositions (
		run_id INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
		seq INTEGER NOT NULL,
		match_index INTEGER NOT NULL,
		entity_id TEXT NOT NULL DEFAULT '',
		party_index INTEGER NOT NULL DEFAULT -1,
		party_role TEXT NOT NULL DEFAULT '',
		party_name TEXT NOT NULL DEFAULT '',
		state TEXT NOT NULL,
		reason TEXT NOT NULL DEFAULT '',
		suppress INTEGER NOT NULL DEFAULT 0,
		suppress_until TEXT NOT NULL DEFAULT '',
		operator TEXT NOT NULL,
		approvers TEXT NOT NULL DEFAULT '',
		at TEXT NOT NULL,
		PRIMARY KEY (run_id, seq, match_index)
	);
	ALTER TABLE runs ADD COLUMN upload_path TEXT NOT NULL DEFAULT '';
	CREATE TABLE audit_outbox (
		id INTEGER PRIMARY KEY AUTOINCREMENT,
		entry BLOB NOT NULL,
		created_at TEXT NOT NULL
	);`,
	// 3: monitoring (package monitor): portfolios and their items, the
	// state of their last screening, alerts and webhook deliveries.
	// Deleting a portfolio deletes its items, not its alerts.
	`CREATE TABLE portfolios (
		name TEXT PRIMARY KEY,
		rev INTEGER NOT NULL,
		items INTEGER NOT NULL,
		created_at TEXT NOT NULL,
		updated_at TEXT NOT NULL,
		state_rev INTEGER NOT NULL DEFAULT 0,
		state_json BLOB
	);
	CREATE TABLE portfolio_items (
		portfolio TEXT NOT NULL REFERENCES portfolios(name) ON DELETE CASCADE,
		item_key TEXT NOT NULL,
		rev INTEGER NOT NULL,
		origin TEXT NOT NULL DEFAULT '',
		record_json BLOB NOT NULL,
		PRIMARY KEY (portfolio, item_key)
	);
	CREATE TABLE alerts (
		id INTEGER PRIMARY KEY AUTOINCREMENT,
		fingerprint TEXT NOT NULL UNIQUE,
		portfolio TEXT NOT NULL,
		item_key TEXT NOT NULL,
		kind TEXT NOT NULL,
		entity_id TEXT NOT NULL DEFAULT '',
		decision TEXT NOT NULL,
		status TEXT NOT NULL,
		status_by TEXT NOT NULL DEFAULT '',
		status_at TEXT NOT NULL DEFAULT '',
		status_reason TEXT NOT NULL DEFAULT '',
		version INTEGER NOT NULL DEFAULT 1,
		webhook TEXT NOT NULL DEFAULT '',
		created_at TEXT NOT NULL,
		alert_json BLOB NOT NULL,
		decision_json BLOB NOT NULL
	);
	CREATE INDEX alerts_status ON alerts (status, id);
	CREATE INDEX alerts_portfolio ON alerts (portfolio, id);
	CREATE INDEX alerts_webhook ON alerts (webhook, id);
	CREATE TABLE alert_deliveries (
		id INTEGER PRIMARY KEY AUTOINCREMENT,
		alert_id INTEGER NOT NULL REFERENCES alerts(id),
		url TEXT NOT NULL,
		attempt INTEGER NOT NULL,
		at TEXT NOT NULL,
		status INTEGER NOT NULL,
		error TEXT NOT NULL DEFAULT '',
		duration_ns INTEGER NOT NULL,
		outcome TEXT NOT NULL
	);
	CREATE INDEX alert_deliveries_alert ON alert_deliveries (alert_id, id);`,
}

// querier is what *sql.DB and *sql.Tx share.
type querier interface {
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
	ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error)
	PrepareContext(ctx context.Context, query string) (*sql.Stmt, error)
}

// Store is the SQLite store. Its store.Tx methods each run on their own
// (those that write several rows, in a transaction of their own); Update
// runs several in one transaction.
type Store struct {
	tx
	db   *sql.DB
	path string
}

var _ store.Store = (*Store)(nil)

// tx implements store.Tx on a database or on one transaction.
type tx struct {
	q querier
	// db is the database when q is not a transaction, else nil.
	db *sql.DB
}

// atomic runs fn in a transaction: t's own, or a new one.
func (t tx) atomic(ctx context.Context, fn func(q querier) error) error {
	if t.db == nil {
		return fn(t.q)
	}
	sqlTx, err := t.db.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("begin: %w", err)
	}
	defer sqlTx.Rollback()
	if err := fn(sqlTx); err != nil {
		return err
	}
	if err := sqlTx.Commit(); err != nil {
		return fmt.Errorf("commit: %w", err)
	}
	return nil
}

// Open opens (creating) the database FileName in dir and migrates it to
// the newest schema version. A database written by a newer version of the
// program is refused rather than misread.
func Open(ctx context.Context, dir string) (*Store, error) {
	path := filepath.Join(dir, FileName)
	q := url.Values{}
	for _, p := range []string{"busy_timeout(10000)", "journal_mode(WAL)", "foreign_keys(1)", "synchronous(NORMAL)"} {
		q.Add("_pragma", p)
	}
	db, err := sql.Open("sqlite", "file:"+path+"?"+q.Encode())
	if err != nil {
		return nil, fmt.Errorf("open web store %s: %w", path, err)
	}
	db.SetMaxOpenConns(8)
	s := &Store{tx: tx{q: db, db: db}, db: db, path: path}
	if err := s.migrate(ctx); err != nil {
		db.Close()
		return nil, err
	}
	return s, nil
}

// migrate applies the migrations not yet applied.
func (s *Store) migrate(ctx context.Context) error {
	if _, err := s.db.ExecContext(ctx, `CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, applied_at TEXT NOT NULL)`); err != nil {
		return fmt.Errorf("web store %s: create schema_migrations: %w", s.path, err)
	}
	cur, err := s.SchemaVersion(ctx)
	if err != nil {
		return fmt.Errorf("web store %s: read schema version: %w", s.path, err)
	}
	if cur > len(migrations) {
		return fmt.Errorf("web store %s: schema version %d is newer than this program knows (%d); upgrade screen", s.path, cur, len(migrations))
	}
	for v := cur + 1; v <= len(migrations); v++ {
		sqlTx, err := s.db.BeginTx(ctx, nil)
		if err != nil {
			return fmt.Errorf("web store %s: migration %d: %w", s.path, v, err)
		}
		if _, err := sqlTx.ExecContext(ctx, migrations[v-1]); err != nil {
			sqlTx.Rollback()
			return fmt.Errorf("web store %s: migration %d: %w", s.path, v, err)
		}
		if _, err := sqlTx.ExecContext(ctx, `INSERT INTO schema_migrations (version, applied_at) VALUES (?, ?)`, v, store.Text(time.Now())); err != nil {
			sqlTx.Rollback()
			return fmt.Errorf("web store %s: migration %d: %w", s.path, v, err)
		}
		if err := sqlTx.Commit(); err != nil {
			return fmt.Errorf("web store %s: migration %d: %w", s.path, v, err)
		}
	}
	return nil
}

// SchemaVersion returns the applied schema version.
func (s *Store) SchemaVersion(ctx context.Context) (int, error) {
	var v int
	err := s.db.QueryRowContext(ctx, `SELECT COALESCE(MAX(version), 0) FROM schema_migrations`).Scan(&v)
	return v, err
}

// Migrations returns the number of schema versions this program knows.
func Migrations() int { return len(migrations) }

// Update runs fn in one transaction.
func (s *Store) Update(ctx context.Context, fn func(store.Tx) error) error {
	sqlTx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("web store: begin: %w", err)
	}
	defer sqlTx.Rollback()
	if err := fn(tx{q: sqlTx}); err != nil {
		return err
	}
	if err := sqlTx.Commit(); err != nil {
		return fmt.Errorf("web store: commit: %w", err)
	}
	return nil
}

// DB returns the database, for maintenance and tests.
func (s *Store) DB() *sql.DB { return s.db }

// Close closes the database.
func (s *Store) Close() error { return s.db.Close() }

// notFound maps sql.ErrNoRows to store.ErrNotFound.
func notFound(err error) error {
	if errors.Is(err, sql.ErrNoRows) {
		return store.ErrNotFound
	}
	return err
}
