package sqlite

import (
	"context"
	"strings"
	"testing"

	"github.com/screen-compliance/screen/web/store"
	"github.com/screen-compliance/screen/web/store/storetest"
)

// open opens a store in a new directory.
func open(t *testing.T) store.Store {
	t.Helper()
	s, err := Open(context.Background(), t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func TestStore(t *testing.T) {
	storetest.Run(t, open)
}

func TestReopenKeepsData(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	s, err := Open(ctx, dir)
	if err != nil {
		t.Fatal(err)
	}
	id, err := s.CreateRun(ctx, store.NewRun{Name: "a", FileName: "a.csv", CreatedBy: "alice"})
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	s, err = Open(ctx, dir)
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
	dir := t.TempDir()
	s, err := Open(ctx, dir)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.DB().ExecContext(ctx, `INSERT INTO schema_migrations (version, applied_at) VALUES (?, '')`, Migrations()+1); err != nil {
		t.Fatal(err)
	}
	s.Close()
	if s, err := Open(ctx, dir); err == nil || !strings.Contains(err.Error(), "newer than this program knows") {
		if s != nil {
			s.Close()
		}
		t.Errorf("a newer schema: %v, want it refused", err)
	}
}
