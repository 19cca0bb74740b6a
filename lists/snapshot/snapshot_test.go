package snapshot_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/screen-compliance/screen/engine"
	"github.com/screen-compliance/screen/entity"
	"github.com/screen-compliance/screen/lists"
	"github.com/screen-compliance/screen/lists/snapshot"
)

// watchlist loads the own-format fixture under version.
func watchlist(t *testing.T, version string) *entity.List {
	t.Helper()
	l, err := lists.Load(context.Background(), "../../testdata/lists/own/watchlist.json", "")
	if err != nil {
		t.Fatal(err)
	}
	l.Meta.Version = version
	return l
}

// fakeIndex writes a small stand-in for an index: one cache entry named
// after the lists' versions.
func fakeIndex(_ context.Context, ls []*entity.List, dir string) error {
	var vs []string
	for _, l := range ls {
		vs = append(vs, l.Meta.Version)
	}
	entry := filepath.Join(dir, "index-"+strings.Join(vs, "_"))
	if err := os.MkdirAll(entry, 0o755); err != nil {
		return err
	}
	return os.WriteFile(filepath.Join(entry, "data"), []byte("index of "+strings.Join(vs, ",")), 0o644)
}

// clock returns a clock that moves one second per call from a fixed time.
func clock() func() time.Time {
	var mu sync.Mutex
	t := time.Date(2026, 11, 22, 10, 0, 0, 0, time.UTC)
	return func() time.Time {
		mu.Lock()
		defer mu.Unlock()
		t = t.Add(time.Second)
		return t
	}
}

// TestPublishLoad publishes lists with the engine's real index and reads
// them back: the lists, the ownership file and an index the engine opens
// instead of building one, naming the snapshot in its provenance.
func TestPublishLoad(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	own := filepath.Join(t.TempDir(), "owners.csv")
	if err := os.WriteFile(own, []byte("owner,owned,percent\nown:P-002,own:C-001,60\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	index := func(ctx context.Context, ls []*entity.List, dir string) error {
		bi, err := engine.BuildIndex(ctx, engine.WithLists(ls...), engine.WithIndexCache(dir))
		if err != nil {
			return err
		}
		return bi.Close()
	}
	res, err := snapshot.Publish(ctx, dir, []*entity.List{watchlist(t, "2026-11-01")},
		snapshot.Options{Index: index, Ownership: []string{own}, Tool: "test", Source: "fixture", SourceGeneration: "g1", Now: clock()})
	if err != nil {
		t.Fatal(err)
	}
	if !res.Published || res.Manifest.ID == "" || !strings.HasPrefix(res.Manifest.ID, "20261122T100001.000000000Z-") {
		t.Fatalf("result %+v", res)
	}
	cur, err := snapshot.Current(dir)
	if err != nil || cur != res.Manifest.ID {
		t.Fatalf("CURRENT %q %v, want %q", cur, err, res.Manifest.ID)
	}
	s, err := snapshot.Load(ctx, dir)
	if err != nil {
		t.Fatal(err)
	}
	if s.ID() != cur || len(s.Lists) != 1 || s.Lists[0].Meta.Name != "acme" || len(s.Lists[0].Entities) != 3 {
		t.Fatalf("loaded %s with %d lists", s.ID(), len(s.Lists))
	}
	if len(s.Ownership) != 1 || !strings.HasSuffix(s.Ownership[0], "owners.csv") || s.IndexDir == "" {
		t.Fatalf("ownership %v, index %q", s.Ownership, s.IndexDir)
	}
	if m := s.Manifest; m.Tool != "test" || m.Source != "fixture" || m.SourceGeneration != "g1" || m.Format != snapshot.FormatVersion {
		t.Errorf("manifest %+v", m)
	}
	eng, err := engine.New(ctx, engine.WithPublished(func(context.Context) (*engine.Published, error) {
		return &engine.Published{ID: s.ID(), Lists: s.Lists, IndexDir: s.IndexDir, Ownership: s.Ownership}, nil
	}))
	if err != nil {
		t.Fatal(err)
	}
	defer eng.Close()
	if p := eng.Provenance(); p.Snapshot != s.ID() || p.Lists["acme"] != "2026-11-01" {
		t.Errorf("provenance %+v", p)
	}
	bi, err := engine.BuildIndex(ctx, engine.WithPublished(func(context.Context) (*engine.Published, error) {
		return &engine.Published{ID: s.ID(), Lists: s.Lists, IndexDir: s.IndexDir}, nil
	}))
	if err != nil {
		t.Fatal(err)
	}
	defer bi.Close()
	if !bi.Cached || !strings.HasPrefix(bi.Dir, s.IndexDir) {
		t.Errorf("the engine built its own index (%s, cached %v) instead of opening the published one", bi.Dir, bi.Cached)
	}
}

// TestPublishUnchanged: the same content publishes nothing; new content,
// or Force, a new snapshot.
func TestPublishUnchanged(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	now := clock()
	publish := func(version string, force bool) *snapshot.Result {
		t.Helper()
		r, err := snapshot.Publish(ctx, dir, []*entity.List{watchlist(t, version)}, snapshot.Options{Index: fakeIndex, Force: force, Now: now})
		if err != nil {
			t.Fatal(err)
		}
		return r
	}
	a := publish("v1", false)
	tests := []struct {
		name      string
		version   string
		force     bool
		published bool
	}{
		{"same lists", "v1", false, false},
		{"same lists, forced", "v1", true, true},
		{"new version", "v2", false, true},
		{"new version again", "v2", false, false},
	}
	prev := a.Manifest.ID
	for _, tt := range tests {
		r := publish(tt.version, tt.force)
		if r.Published != tt.published {
			t.Errorf("%s: published %v, want %v", tt.name, r.Published, tt.published)
		}
		if changed := r.Manifest.ID != prev; changed != tt.published {
			t.Errorf("%s: id %s after %s", tt.name, r.Manifest.ID, prev)
		}
		if cur, _ := snapshot.Current(dir); cur != r.Manifest.ID {
			t.Errorf("%s: CURRENT %s, result %s", tt.name, cur, r.Manifest.ID)
		}
		prev = r.Manifest.ID
	}
}

// TestPrune keeps the current snapshot and the ones just before it.
func TestPrune(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	now := clock()
	var ids []string
	for i := range 5 {
		r, err := snapshot.Publish(ctx, dir, []*entity.List{watchlist(t, fmt.Sprintf("v%d", i))}, snapshot.Options{Index: fakeIndex, Now: now, Keep: 3})
		if err != nil {
			t.Fatal(err)
		}
		ids = append(ids, r.Manifest.ID)
		if i == 4 && strings.Join(r.Removed, ",") != ids[1] {
			t.Errorf("removed %v, want %s", r.Removed, ids[1])
		}
	}
	got, err := snapshot.Snapshots(dir)
	if err != nil {
		t.Fatal(err)
	}
	if strings.Join(got, ",") != strings.Join(ids[2:], ",") {
		t.Errorf("kept %v, want %v", got, ids[2:])
	}
	ents, _ := os.ReadDir(dir)
	for _, e := range ents {
		if strings.HasPrefix(e.Name(), ".tmp-") {
			t.Errorf("leftover %s", e.Name())
		}
	}
}

// TestCorruptRefused: a snapshot that does not match its manifest is
// refused whole, and the error says so.
func TestCorruptRefused(t *testing.T) {
	ctx := context.Background()
	tests := []struct {
		name   string
		damage func(t *testing.T, dir, sdir string)
		want   error
	}{
		{"a byte changed in a list", func(t *testing.T, _, sdir string) {
			flipByte(t, filepath.Join(sdir, "lists", "acme.gob"))
		}, snapshot.ErrCorrupt},
		{"a byte changed in the index", func(t *testing.T, _, sdir string) {
			flipByte(t, filepath.Join(sdir, "index", "index-v1", "data"))
		}, snapshot.ErrCorrupt},
		{"a file cut short", func(t *testing.T, _, sdir string) {
			p := filepath.Join(sdir, "lists", "acme.gob")
			fi, _ := os.Stat(p)
			if err := os.Truncate(p, fi.Size()/2); err != nil {
				t.Fatal(err)
			}
		}, snapshot.ErrCorrupt},
		{"a file missing (a sync cut short)", func(t *testing.T, _, sdir string) {
			os.RemoveAll(filepath.Join(sdir, "index"))
		}, fs.ErrNotExist},
		{"no manifest", func(t *testing.T, _, sdir string) {
			os.Remove(filepath.Join(sdir, "manifest.json"))
		}, snapshot.ErrCorrupt},
		{"a manifest that is not JSON", func(t *testing.T, _, sdir string) {
			os.WriteFile(filepath.Join(sdir, "manifest.json"), []byte("{\"format\": 1, \"id\":"), 0o644)
		}, snapshot.ErrCorrupt},
		{"a manifest pointing outside", func(t *testing.T, _, sdir string) {
			editManifest(t, sdir, func(m *snapshot.Manifest) { m.Files[0].Path = "../../etc/passwd" })
		}, snapshot.ErrCorrupt},
		{"a manifest naming another snapshot", func(t *testing.T, _, sdir string) {
			editManifest(t, sdir, func(m *snapshot.Manifest) { m.ID = "other" })
		}, snapshot.ErrCorrupt},
		{"a list file the manifest does not check", func(t *testing.T, _, sdir string) {
			editManifest(t, sdir, func(m *snapshot.Manifest) { m.Lists[0].File = "lists/other.gob" })
		}, snapshot.ErrCorrupt},
		{"a wrong entity count", func(t *testing.T, _, sdir string) {
			editManifest(t, sdir, func(m *snapshot.Manifest) { m.Lists[0].Entities = 2 })
		}, snapshot.ErrCorrupt},
		{"CURRENT naming nothing", func(t *testing.T, dir, _ string) {
			os.WriteFile(filepath.Join(dir, "CURRENT"), []byte("20990101T000000Z-none\n"), 0o644)
		}, fs.ErrNotExist},
		{"CURRENT naming a path", func(t *testing.T, dir, _ string) {
			os.WriteFile(filepath.Join(dir, "CURRENT"), []byte("../elsewhere\n"), 0o644)
		}, snapshot.ErrCorrupt},
		{"no CURRENT", func(t *testing.T, dir, _ string) {
			os.Remove(filepath.Join(dir, "CURRENT"))
		}, snapshot.ErrNoSnapshot},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			r, err := snapshot.Publish(ctx, dir, []*entity.List{watchlist(t, "v1")}, snapshot.Options{Index: fakeIndex})
			if err != nil {
				t.Fatal(err)
			}
			tt.damage(t, dir, filepath.Join(dir, r.Manifest.ID))
			s, err := snapshot.Load(ctx, dir)
			if err == nil {
				t.Fatalf("loaded the damaged snapshot %s", s.ID())
			}
			if !errors.Is(err, tt.want) {
				t.Errorf("error %v, want %v", err, tt.want)
			}
			// The next publisher replaces a damaged current snapshot even
			// though its content is the same.
			if tt.want == snapshot.ErrNoSnapshot || strings.Contains(tt.name, "CURRENT") {
				return
			}
			r2, err := snapshot.Publish(ctx, dir, []*entity.List{watchlist(t, "v1")}, snapshot.Options{Index: fakeIndex})
			if err != nil || !r2.Published {
				t.Fatalf("republish: %v %+v", err, r2)
			}
			if _, err := snapshot.Load(ctx, dir); err != nil {
				t.Errorf("after republishing: %v", err)
			}
		})
	}
}

func flipByte(t *testing.T, p string) {
	t.Helper()
	b, err := os.ReadFile(p)
	if err != nil {
		t.Fatal(err)
	}
	b[len(b)/2] ^= 0x20
	if err := os.WriteFile(p, b, 0o644); err != nil {
		t.Fatal(err)
	}
}

func editManifest(t *testing.T, sdir string, edit func(*snapshot.Manifest)) {
	t.Helper()
	p := filepath.Join(sdir, "manifest.json")
	b, err := os.ReadFile(p)
	if err != nil {
		t.Fatal(err)
	}
	var m snapshot.Manifest
	if err := json.Unmarshal(b, &m); err != nil {
		t.Fatal(err)
	}
	edit(&m)
	b, _ = json.Marshal(m)
	if err := os.WriteFile(p, b, 0o644); err != nil {
		t.Fatal(err)
	}
}

// TestPublishFailureKeepsCurrent: a publish that fails (index build,
// empty lists, a newer snapshot already current) leaves CURRENT and the
// snapshots as they were, and no work directory.
func TestPublishFailureKeepsCurrent(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	now := clock()
	a, err := snapshot.Publish(ctx, dir, []*entity.List{watchlist(t, "v1")}, snapshot.Options{Index: fakeIndex, Now: now})
	if err != nil {
		t.Fatal(err)
	}
	empty := watchlist(t, "v2")
	empty.Entities = nil
	past := func() time.Time { return time.Date(2020, 1, 1, 0, 0, 0, 0, time.UTC) }
	tests := []struct {
		name  string
		lists []*entity.List
		opts  snapshot.Options
		want  error
	}{
		{"index fails", []*entity.List{watchlist(t, "v2")}, snapshot.Options{Now: now, Index: func(context.Context, []*entity.List, string) error {
			return errors.New("disk full")
		}}, nil},
		{"index writes nothing", []*entity.List{watchlist(t, "v2")}, snapshot.Options{Now: now, Index: func(context.Context, []*entity.List, string) error { return nil }}, nil},
		{"no entities", []*entity.List{empty}, snapshot.Options{Now: now, Index: fakeIndex}, snapshot.ErrEmpty},
		{"no lists", nil, snapshot.Options{Now: now, Index: fakeIndex}, snapshot.ErrEmpty},
		{"a list twice", []*entity.List{watchlist(t, "v2"), watchlist(t, "v2")}, snapshot.Options{Now: now, Index: fakeIndex}, nil},
		{"a newer snapshot is current", []*entity.List{watchlist(t, "v2")}, snapshot.Options{Now: past, Index: fakeIndex}, snapshot.ErrNewer},
	}
	for _, tt := range tests {
		_, err := snapshot.Publish(ctx, dir, tt.lists, tt.opts)
		if err == nil || (tt.want != nil && !errors.Is(err, tt.want)) {
			t.Errorf("%s: error %v, want %v", tt.name, err, tt.want)
		}
		if cur, _ := snapshot.Current(dir); cur != a.Manifest.ID {
			t.Errorf("%s: CURRENT %s, want %s", tt.name, cur, a.Manifest.ID)
		}
		ents, _ := os.ReadDir(dir)
		if len(ents) != 2 {
			var names []string
			for _, e := range ents {
				names = append(names, e.Name())
			}
			t.Errorf("%s: the directory holds %v", tt.name, names)
		}
	}
}

// TestReadersDuringPublish: readers loading while a publisher switches
// and prunes snapshots always get a whole snapshot.
func TestReadersDuringPublish(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	now := clock()
	if _, err := snapshot.Publish(ctx, dir, []*entity.List{watchlist(t, "v0")}, snapshot.Options{Index: fakeIndex, Now: now}); err != nil {
		t.Fatal(err)
	}
	done := make(chan struct{})
	errs := make(chan error, 100)
	var wg sync.WaitGroup
	for range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				select {
				case <-done:
					return
				default:
				}
				s, err := snapshot.Load(ctx, dir)
				if err != nil {
					errs <- err
					return
				}
				want := "index of " + s.Lists[0].Meta.Version
				b, err := os.ReadFile(filepath.Join(s.IndexDir, "index-"+s.Lists[0].Meta.Version, "data"))
				if err != nil && !errors.Is(err, fs.ErrNotExist) { // pruned after the load: fine
					errs <- err
					return
				}
				if err == nil && string(b) != want {
					errs <- fmt.Errorf("snapshot %s: index %q with lists %s", s.ID(), b, s.Lists[0].Meta.Version)
					return
				}
			}
		}()
	}
	for i := 1; i <= 30; i++ {
		if _, err := snapshot.Publish(ctx, dir, []*entity.List{watchlist(t, fmt.Sprintf("v%d", i))}, snapshot.Options{Index: fakeIndex, Now: now}); err != nil {
			t.Fatal(err)
		}
	}
	close(done)
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
}
