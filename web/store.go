package web

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"net/url"
	"path/filepath"
	"strings"
	"time"

	_ "modernc.org/sqlite" // registers the "sqlite" database/sql driver (pure Go)
)

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
}

// querier is what *sql.DB and *sql.Tx share for reading.
type querier interface {
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
	ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error)
}

// store is the SQLite database of the workspace.
type store struct {
	db   *sql.DB
	path string
}

// openStore opens (creating) the database in dir and migrates it to the
// newest schema version.
func openStore(ctx context.Context, dir string) (*store, error) {
	path := filepath.Join(dir, "web.db")
	q := url.Values{}
	for _, p := range []string{"busy_timeout(10000)", "journal_mode(WAL)", "foreign_keys(1)", "synchronous(NORMAL)"} {
		q.Add("_pragma", p)
	}
	db, err := sql.Open("sqlite", "file:"+path+"?"+q.Encode())
	if err != nil {
		return nil, fmt.Errorf("open web store %s: %w", path, err)
	}
	db.SetMaxOpenConns(8)
	s := &store{db: db, path: path}
	if err := s.migrate(ctx); err != nil {
		db.Close()
		return nil, err
	}
	return s, nil
}

// migrate applies the migrations not yet applied. A database written by a
// newer version is refused rather than misread.
func (s *store) migrate(ctx context.Context) error {
	if _, err := s.db.ExecContext(ctx, `CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, applied_at TEXT NOT NULL)`); err != nil {
		return fmt.Errorf("web store %s: create schema_migrations: %w", s.path, err)
	}
	var cur int
	if err := s.db.QueryRowContext(ctx, `SELECT COALESCE(MAX(version), 0) FROM schema_migrations`).Scan(&cur); err != nil {
		return fmt.Errorf("web store %s: read schema version: %w", s.path, err)
	}
	if cur > len(migrations) {
		return fmt.Errorf("web store %s: schema version %d is newer than this program knows (%d); upgrade screen", s.path, cur, len(migrations))
	}
	for v := cur + 1; v <= len(migrations); v++ {
		tx, err := s.db.BeginTx(ctx, nil)
		if err != nil {
			return fmt.Errorf("web store %s: migration %d: %w", s.path, v, err)
		}
		if _, err := tx.ExecContext(ctx, migrations[v-1]); err != nil {
			tx.Rollback()
			return fmt.Errorf("web store %s: migration %d: %w", s.path, v, err)
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO schema_migrations (version, applied_at) VALUES (?, ?)`, v, nowText(time.Now())); err != nil {
			tx.Rollback()
			return fmt.Errorf("web store %s: migration %d: %w", s.path, v, err)
		}
		if err := tx.Commit(); err != nil {
			return fmt.Errorf("web store %s: migration %d: %w", s.path, v, err)
		}
	}
	return nil
}

// schemaVersion returns the applied schema version.
func (s *store) schemaVersion(ctx context.Context) (int, error) {
	var v int
	err := s.db.QueryRowContext(ctx, `SELECT COALESCE(MAX(version), 0) FROM schema_migrations`).Scan(&v)
	return v, err
}

func (s *store) close() error { return s.db.Close() }

// nowText formats a time for the database: RFC 3339 in UTC, sortable.
func nowText(t time.Time) string { return t.UTC().Format(time.RFC3339Nano) }

// parseTime reads a time written by nowText; a bad value gives the zero time.
func parseTime(s string) time.Time {
	t, _ := time.Parse(time.RFC3339Nano, s)
	return t
}

// likeEscape escapes LIKE wildcards for use with ESCAPE '\'.
func likeEscape(s string) string {
	r := strings.NewReplacer(`\`, `\\`, `%`, `\%`, `_`, `\_`)
	return r.Replace(s)
}

// errNotFound is returned when a run or record does not exist.
var errNotFound = errors.New("not found")
