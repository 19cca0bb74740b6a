package postgres

import (
	"context"
	"errors"
	"fmt"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/screen-compliance/screen/internal/pgtest"
	"github.com/screen-compliance/screen/record"
	"github.com/screen-compliance/screen/web/store"
	"github.com/screen-compliance/screen/web/store/sqlite"
	"github.com/screen-compliance/screen/web/store/storetest"
)

func TestMain(m *testing.M) {
	code := pgtest.Main(m)
	removeScreenBin()
	os.Exit(code)
}

// open opens a store on a new database.
func open(t *testing.T) *Store {
	t.Helper()
	s, err := Open(context.Background(), pgtest.DSN(t))
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// TestStore runs the conformance suite every store passes (the SQLite
// store runs it too).
func TestStore(t *testing.T) {
	storetest.Run(t, func(t *testing.T) store.Store { return open(t) })
}

// TestMigrationsFollowSQLite holds the two stores to one schema history: a
// migration added to one must be added to the other.
func TestMigrationsFollowSQLite(t *testing.T) {
	if Migrations() != sqlite.Migrations() {
		t.Errorf("PostgreSQL knows %d schema versions, SQLite %d: add the migration to both", Migrations(), sqlite.Migrations())
	}
}

func TestReopenKeepsData(t *testing.T) {
	ctx := context.Background()
	dsn := pgtest.DSN(t)
	s, err := Open(ctx, dsn)
	if err != nil {
		t.Fatal(err)
	}
	id, err := s.CreateRun(ctx, store.NewRun{Name: "a", FileName: "a.csv", CreatedBy: "alice"})
	if err != nil {
		t.Fatal(err)
	}
	s.Close()
	s, err = Open(ctx, dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if r, err := s.Run(ctx, id); err != nil || r.FileName != "a.csv" {
		t.Errorf("run after reopening: %+v, %v", r, err)
	}
	if v, err := s.SchemaVersion(ctx); err != nil || v != Migrations() {
		t.Errorf("schema version %d, %v; want %d", v, err, Migrations())
	}
}

func TestNewerSchemaRefused(t *testing.T) {
	ctx := context.Background()
	dsn := pgtest.DSN(t)
	s, err := Open(ctx, dsn)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.Pool().Exec(ctx, `INSERT INTO schema_migrations (version, applied_at) VALUES ($1, '')`, Migrations()+1); err != nil {
		t.Fatal(err)
	}
	s.Close()
	if s, err := Open(ctx, dsn); err == nil || !strings.Contains(err.Error(), "newer than this program knows") {
		if s != nil {
			s.Close()
		}
		t.Errorf("a newer schema: %v, want it refused", err)
	}
}

// TestOpenTogether opens one new database from several processes' worth of
// stores at once: the migrations run once, under the advisory lock.
func TestOpenTogether(t *testing.T) {
	ctx := context.Background()
	dsn := pgtest.DSN(t)
	var wg sync.WaitGroup
	errs := make([]error, 4)
	for i := range errs {
		wg.Go(func() {
			s, err := Open(ctx, dsn)
			if err == nil {
				s.Close()
			}
			errs[i] = err
		})
	}
	wg.Wait()
	if err := errors.Join(errs...); err != nil {
		t.Fatal(err)
	}
	s, err := Open(ctx, dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	var n int
	if err := s.Pool().QueryRow(ctx, `SELECT count(*) FROM schema_migrations`).Scan(&n); err != nil || n != Migrations() {
		t.Errorf("schema_migrations has %d rows (%v), want %d", n, err, Migrations())
	}
}

func TestOpenErrorsHidePassword(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	_, err := Open(ctx, "postgres://screen:s3cret@127.0.0.1:1/none?connect_timeout=1")
	if err == nil {
		t.Fatal("Open on a closed port: no error")
	}
	if strings.Contains(err.Error(), "s3cret") {
		t.Errorf("the error shows the password: %v", err)
	}
	if got := Redact("postgres://u:p@h/db?password=q&sslmode=require"); strings.Contains(got, ":p@") || strings.Contains(got, "password=q") {
		t.Errorf("Redact kept a password: %s", got)
	}
}

// TestOneWinner decides one record from many connections at once, all at
// the version they read: exactly one review is stored, the others get
// ErrConflict, and the history has the winner's action only.
func TestOneWinner(t *testing.T) {
	ctx := context.Background()
	s := open(t)
	defer s.Close()
	id, err := s.CreateRun(ctx, store.NewRun{Name: "a", FileName: "a.csv", CreatedBy: "alice"})
	if err != nil {
		t.Fatal(err)
	}
	d := record.Decision{ID: "SHP-1", Row: 1, Decision: record.Block}
	if err := s.AddRecords(ctx, id, []store.NewRecord{{Seq: 1, Decision: d, Input: record.Record{ID: "SHP-1", Row: 1}}}); err != nil {
		t.Fatal(err)
	}
	const n = 8
	var wg sync.WaitGroup
	errs := make([]error, n)
	start := make(chan struct{})
	for i := range n {
		wg.Go(func() {
			<-start
			errs[i] = s.Update(ctx, func(tx store.Tx) error {
				op := fmt.Sprintf("op%d", i)
				if err := tx.PutDisposition(ctx, id, 1, &store.Disposition{Match: -1, State: "confirmed", Operator: op, At: "t"}); err != nil {
					return err
				}
				if err := tx.AddReview(ctx, id, 1, store.Review{Seq: 1, Action: "confirm", State: "confirmed", Operator: op, At: "t", Match: -1}); err != nil {
					return err
				}
				// Let the others reach the same point before deciding.
				time.Sleep(20 * time.Millisecond)
				return tx.SetReview(ctx, id, 1, 1, store.RecordReview{State: "confirmed", Decision: record.Block, By: op, At: "t"})
			})
		})
	}
	close(start)
	wg.Wait()
	won, winner := 0, ""
	for i, err := range errs {
		switch {
		case err == nil:
			won++
			winner = fmt.Sprintf("op%d", i)
		case !errors.Is(err, store.ErrConflict):
			t.Errorf("decider %d: %v, want nil or ErrConflict", i, err)
		}
	}
	if won != 1 {
		t.Fatalf("%d deciders won, want 1", won)
	}
	r, err := s.Record(ctx, id, 1)
	if err != nil {
		t.Fatal(err)
	}
	rv, err := s.RecordReviews(ctx, id, 1)
	if err != nil {
		t.Fatal(err)
	}
	ds, err := s.Dispositions(ctx, id, 1)
	if err != nil {
		t.Fatal(err)
	}
	if r.Version != 2 || r.ReviewedBy != winner || len(rv) != 1 || rv[0].Operator != winner || ds[-1].Operator != winner {
		t.Errorf("after the race: version %d by %s, history %+v, disposition %+v; want version 2, all by %s", r.Version, r.ReviewedBy, rv, ds[-1], winner)
	}
}

// TestOutboxNeverSkips holds a transaction that enqueued an entry open
// while another enqueues, commits and is flushed: the flush must not delete
// the first entry, which commits later.
func TestOutboxNeverSkips(t *testing.T) {
	ctx := context.Background()
	s := open(t)
	defer s.Close()
	holding, release := make(chan struct{}), make(chan struct{})
	firstDone := make(chan error, 1)
	go func() {
		firstDone <- s.Update(ctx, func(tx store.Tx) error {
			if err := tx.EnqueueAudit(ctx, []byte(`{"n":1}`), time.Now()); err != nil {
				return err
			}
			close(holding)
			<-release
			return nil
		})
	}()
	<-holding
	secondDone := make(chan error, 1)
	go func() { secondDone <- s.EnqueueAudit(ctx, []byte(`{"n":2}`), time.Now()) }()
	// The second waits for the first (the outbox lock), so a flush now
	// sees nothing to copy.
	select {
	case err := <-secondDone:
		t.Fatalf("the second enqueue committed while the first was open (%v): a flush could delete the first unseen", err)
	case <-time.After(200 * time.Millisecond):
	}
	if p, err := s.PendingAudit(ctx, 10); err != nil || len(p) != 0 {
		t.Fatalf("pending while the first is open: %+v, %v", p, err)
	}
	close(release)
	if err := errors.Join(<-firstDone, <-secondDone); err != nil {
		t.Fatal(err)
	}
	p, err := s.PendingAudit(ctx, 10)
	if err != nil || len(p) != 2 || string(p[0].Entry) != `{"n":1}` || string(p[1].Entry) != `{"n":2}` {
		t.Fatalf("pending after both: %+v, %v", p, err)
	}
}

// TestTextColumnsTakeNUL stores a record whose texts hold a NUL character,
// which PostgreSQL's text refuses: the record is stored, its JSON exactly.
func TestTextColumnsTakeNUL(t *testing.T) {
	ctx := context.Background()
	s := open(t)
	defer s.Close()
	id, err := s.CreateRun(ctx, store.NewRun{Name: "a", FileName: "a.csv", CreatedBy: "alice"})
	if err != nil {
		t.Fatal(err)
	}
	in := record.Record{ID: "A\x00B", Row: 1, Parties: []record.Party{{Role: "buyer", Name: "X\x00Y"}}}
	nr := store.NewRecord{Seq: 1, Decision: record.Decision{ID: in.ID, Row: 1, Decision: record.Review}, Input: in, Parties: "buyer: X\x00Y", Search: "a\x00b"}
	if err := s.AddRecords(ctx, id, []store.NewRecord{nr}); err != nil {
		t.Fatal(err)
	}
	got, err := s.Record(ctx, id, 1)
	if err != nil {
		t.Fatal(err)
	}
	if got.Record.ID != in.ID || got.Record.Parties[0].Name != "X\x00Y" {
		t.Errorf("the input record changed: %+v", got.Record)
	}
	q, err := s.Queue(ctx, id, store.Filter{Q: "a\x00b"}, 0, 10)
	if err != nil || len(q) != 1 || q[0].RecordID != "A\uFFFDB" {
		t.Errorf("queue: %+v, %v", q, err)
	}
}
