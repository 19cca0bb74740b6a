package engine_test

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/screen-compliance/screen/engine"
	"github.com/screen-compliance/screen/entity"
	"github.com/screen-compliance/screen/lists"
	"github.com/screen-compliance/screen/record"
)

// publishedFixture returns the own-format fixture list under version, and
// a directory holding the index BuildIndex prebuilt for it.
func publishedFixture(t *testing.T, version string) (*entity.List, string) {
	t.Helper()
	l, err := lists.Load(context.Background(), "../testdata/lists/own/watchlist.json", "")
	if err != nil {
		t.Fatal(err)
	}
	l.Meta.Version = version
	dir := t.TempDir()
	bi, err := engine.BuildIndex(context.Background(), engine.WithLists(l), engine.WithIndexCache(dir))
	if err != nil {
		t.Fatal(err)
	}
	if err := bi.Close(); err != nil {
		t.Fatal(err)
	}
	return l, dir
}

// TestPublishedReload: decisions name the published snapshot they were
// made on; a reload switches to the next one whole; a snapshot that fails
// to load (a source error, a damaged index) leaves the previous one in
// use; a snapshot without an index for these lists is indexed at load.
func TestPublishedReload(t *testing.T) {
	ctx := context.Background()
	la, ixa := publishedFixture(t, "A")
	lb, ixb := publishedFixture(t, "B")
	damaged := t.TempDir()
	if err := os.CopyFS(damaged, os.DirFS(ixb)); err != nil {
		t.Fatal(err)
	}
	entries, _ := filepath.Glob(filepath.Join(damaged, "index-*"))
	if len(entries) != 1 {
		t.Fatalf("index entries %v", entries)
	}
	if err := os.WriteFile(filepath.Join(entries[0], "snapshot.gob"), []byte("not an index"), 0o644); err != nil {
		t.Fatal(err)
	}
	next := &engine.Published{ID: "A", Lists: []*entity.List{la}, IndexDir: ixa}
	var nextErr error
	eng, err := engine.New(ctx, engine.WithPublished(func(context.Context) (*engine.Published, error) { return next, nextErr }))
	if err != nil {
		t.Fatal(err)
	}
	defer eng.Close()
	rec := record.Record{Parties: []record.Party{{Role: "consignee", Name: "Sunrise Test Trading Ltd"}}}
	steps := []struct {
		name      string
		pub       *engine.Published
		err       error
		reloadErr bool
		want      string // snapshot and list version in use after the step
	}{
		{"start", nil, nil, false, "A"},
		{"switch to B", &engine.Published{ID: "B", Lists: []*entity.List{lb}, IndexDir: ixb}, nil, false, "B"},
		{"source error", nil, errors.New("CURRENT names a damaged snapshot"), true, "B"},
		{"damaged index", &engine.Published{ID: "C", Lists: []*entity.List{lb}, IndexDir: damaged}, nil, false, "B"},
		{"index for other lists: indexed here", &engine.Published{ID: "D", Lists: []*entity.List{la}, IndexDir: ixb}, nil, false, "D"},
		{"no index", &engine.Published{ID: "E", Lists: []*entity.List{lb}}, nil, false, "E"},
	}
	for _, st := range steps {
		if st.name != "start" {
			next, nextErr = st.pub, st.err
			err := eng.Reload(ctx)
			if wantErr := st.reloadErr || st.name == "damaged index"; (err != nil) != wantErr {
				t.Fatalf("%s: reload error %v", st.name, err)
			}
		}
		d, err := eng.Screen(ctx, rec)
		if err != nil {
			t.Fatalf("%s: %v", st.name, err)
		}
		if d.Provenance.Snapshot != st.want {
			t.Errorf("%s: decision names snapshot %q, want %q", st.name, d.Provenance.Snapshot, st.want)
		}
		if d.Decision == record.Clear || len(d.Matches) == 0 || d.Matches[0].EntityID != "own:C-001" {
			t.Errorf("%s: decision %s with matches %v", st.name, d.Decision, d.Matches)
		}
		version := d.Provenance.Lists["acme"]
		if wantVersion := map[string]string{"A": "A", "B": "B", "D": "A", "E": "B"}[st.want]; version != wantVersion {
			t.Errorf("%s: list version %q on snapshot %q", st.name, version, st.want)
		}
	}
}

// TestPublishedNewFails: New fails, naming the cause, when the published
// source fails or returns nothing.
func TestPublishedNewFails(t *testing.T) {
	for name, src := range map[string]engine.PublishedSource{
		"error": func(context.Context) (*engine.Published, error) {
			return nil, errors.New("no snapshot published in /x")
		},
		"nil":   func(context.Context) (*engine.Published, error) { return nil, nil },
		"empty": func(context.Context) (*engine.Published, error) { return &engine.Published{ID: "X"}, nil },
	} {
		_, err := engine.New(context.Background(), engine.WithPublished(src))
		if err == nil {
			t.Errorf("%s: New succeeded", name)
			continue
		}
		if name != "empty" && !strings.Contains(err.Error(), "published") {
			t.Errorf("%s: error %v", name, err)
		}
		if name == "empty" && !errors.Is(err, engine.ErrNoLists) {
			t.Errorf("%s: error %v, want ErrNoLists", name, err)
		}
	}
}
