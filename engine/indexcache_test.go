package engine_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/screen-compliance/screen/engine"
	"github.com/screen-compliance/screen/entity"
	"github.com/screen-compliance/screen/index"
	"github.com/screen-compliance/screen/policies"
	"github.com/screen-compliance/screen/record"
)

// fileList is sampleList with a file digest, so that its index is cached.
func fileList(digest string) *entity.List {
	l := sampleList()
	l.Meta.Files = []entity.FileDigest{{Path: "un.xml", SHA256: digest}}
	return l
}

// syncBuffer is a bytes.Buffer safe for a logger's concurrent writes.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.b.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.b.String()
}

// cached lists the index entries of an index cache directory.
func cached(t *testing.T, dir string) []string {
	t.Helper()
	ms, err := filepath.Glob(filepath.Join(dir, "index-*"))
	if err != nil {
		t.Fatal(err)
	}
	return ms
}

// TestBuildIndexIsTheIndexNewOpens: BuildIndex builds the very cache entry
// that New with the same options opens without building, whatever extends
// the name vocabulary; an engine with another vocabulary does not use it.
func TestBuildIndexIsTheIndexNewOpens(t *testing.T) {
	tmp := t.TempDir()
	vocab := filepath.Join(tmp, "vocab.yaml")
	if err := os.WriteFile(vocab, []byte("generic: [zorblat]\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	data := filepath.Join(tmp, "data.yaml")
	if err := os.WriteFile(data, []byte("screen:\n  params:\n    names:\n      places: [quorvania]\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name string
		opts []engine.Option
	}{
		{"defaults", nil},
		{"vocabulary file", []engine.Option{engine.WithNameVocabulary(vocab)}},
		{"policy data", []engine.Option{engine.WithPolicy(policies.Options{DataFiles: []string{data}})}},
	}
	ctx := context.Background()
	var dirs []string
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			cache := t.TempDir()
			opts := append([]engine.Option{engine.WithLists(fileList("aaa")), engine.WithIndexCache(cache)}, tc.opts...)
			bi, err := engine.BuildIndex(ctx, opts...)
			if err != nil {
				t.Fatal(err)
			}
			if bi.Cached || filepath.Dir(bi.Dir) != cache || bi.Len() != 5 {
				t.Errorf("first build: cached %v, dir %s, %d entities", bi.Cached, bi.Dir, bi.Len())
			}
			bi.Close()
			dirs = append(dirs, filepath.Base(bi.Dir))
			built := cached(t, cache)

			var log syncBuffer
			logger := slog.New(slog.NewTextHandler(&log, &slog.HandlerOptions{Level: slog.LevelDebug}))
			e, err := engine.New(ctx, append(opts, engine.WithLogger(logger))...)
			if err != nil {
				t.Fatal(err)
			}
			d, _ := e.Screen(ctx, record.Record{Row: 1, Parties: []record.Party{party("buyer", "Tanchon Commercial Bank")}})
			e.Close()
			if d.Decision != record.Block {
				t.Errorf("decision %s", d.Decision)
			}
			if !strings.Contains(log.String(), "index opened from cache") {
				t.Errorf("New did not open the built index:\n%s", log.String())
			}
			if after := cached(t, cache); !slices.Equal(after, built) {
				t.Errorf("New changed the cache: %v, was %v", after, built)
			}
			again, err := engine.BuildIndex(ctx, opts...)
			if err != nil {
				t.Fatal(err)
			}
			again.Close()
			if !again.Cached || again.Dir != bi.Dir {
				t.Errorf("second build: cached %v, dir %s (first %s)", again.Cached, again.Dir, bi.Dir)
			}
		})
	}
	if uniq := slices.Compact(slices.Sorted(slices.Values(dirs))); len(uniq) != len(tests) {
		t.Errorf("vocabularies share cache entries: %v", dirs)
	}
}

// TestBuildIndexDir: without a cache, BuildIndex writes the index to
// WithIndexDir, where index.Open reads it; lists parsed in memory are never
// cached.
func TestBuildIndexDir(t *testing.T) {
	ctx := context.Background()
	dir := filepath.Join(t.TempDir(), "export")
	bi, err := engine.BuildIndex(ctx, engine.WithLists(sampleList()), engine.WithIndexDir(dir))
	if err != nil {
		t.Fatal(err)
	}
	bi.Close()
	if bi.Dir != dir || bi.Cached {
		t.Errorf("dir %s cached %v", bi.Dir, bi.Cached)
	}
	ix, err := index.Open(ctx, dir)
	if err != nil {
		t.Fatal(err)
	}
	if ix.Len() != 5 {
		t.Errorf("%d entities", ix.Len())
	}
	ix.Close()

	cache := t.TempDir()
	bi, err = engine.BuildIndex(ctx, engine.WithLists(sampleList()), engine.WithIndexCache(cache))
	if err != nil {
		t.Fatal(err)
	}
	bi.Close()
	if bi.Dir != "" || len(cached(t, cache)) != 0 {
		t.Errorf("in-memory lists cached: dir %q, cache %v", bi.Dir, cached(t, cache))
	}
	if _, err := engine.BuildIndex(ctx); !errors.Is(err, engine.ErrNoLists) {
		t.Errorf("no lists: %v", err)
	}
}

// TestIndexCachePrune: after a build the cache keeps the three most
// recently used indexes and any used within the last hour, removes old
// build leftovers, and removes nothing when its lock is held elsewhere.
func TestIndexCachePrune(t *testing.T) {
	ctx := context.Background()
	hours := func(h float64) time.Time { return time.Now().Add(-time.Duration(h * float64(time.Hour))) }
	tests := []struct {
		name string
		// used is the last use of the indexes of versions 1 to 4 before
		// version 5 is built.
		used [4]time.Time
		// lockErr makes the cache lock fail.
		lockErr bool
		want    []int // versions kept besides 5
	}{
		{"old ones go", [4]time.Time{hours(5), hours(4), hours(3), hours(2)}, false, []int{3, 4}},
		{"by last use, not by age", [4]time.Time{hours(2), hours(4), hours(3), hours(5)}, false, []int{1, 3}},
		{"used within the hour stays", [4]time.Time{hours(0.5), hours(0.7), hours(0.2), hours(5)}, false, []int{1, 2, 3}},
		{"lock held elsewhere", [4]time.Time{hours(5), hours(4), hours(3), hours(2)}, true, []int{1, 2, 3, 4}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			cache := t.TempDir()
			var locks, unlocks int
			lock := engine.WithIndexCacheLock(func(context.Context) (func(), error) {
				locks++
				if tc.lockErr {
					return nil, errors.New("held by another process")
				}
				return func() { unlocks++ }, nil
			})
			byVersion := map[int]string{}
			build := func(v int) {
				bi, err := engine.BuildIndex(ctx, engine.WithLists(fileList(fmt.Sprint(v))), engine.WithIndexCache(cache), lock)
				if err != nil {
					t.Fatal(err)
				}
				bi.Close()
				byVersion[v] = bi.Dir
			}
			for v := 1; v <= 4; v++ {
				build(v)
			}
			for v := 1; v <= 4; v++ {
				if err := os.Chtimes(byVersion[v], tc.used[v-1], tc.used[v-1]); err != nil {
					t.Fatal(err)
				}
			}
			oldBuild := filepath.Join(cache, ".build-crashed")
			newBuild := filepath.Join(cache, ".build-running")
			for _, d := range []string{oldBuild, newBuild} {
				if err := os.Mkdir(d, 0o755); err != nil {
					t.Fatal(err)
				}
			}
			os.Chtimes(oldBuild, hours(2), hours(2))
			build(5)
			var want []string
			for _, v := range append(tc.want, 5) {
				want = append(want, byVersion[v])
			}
			slices.Sort(want)
			if got := cached(t, cache); !slices.Equal(got, want) {
				t.Errorf("cache holds %v, want %v", got, want)
			}
			_, oldErr := os.Stat(oldBuild)
			_, newErr := os.Stat(newBuild)
			if tc.lockErr == (oldErr != nil) || newErr != nil {
				t.Errorf("build leftovers: old %v, running %v", oldErr, newErr)
			}
			if locks != 5 || (!tc.lockErr && unlocks != 5) {
				t.Errorf("lock taken %d times, released %d times", locks, unlocks)
			}
		})
	}
}

// TestIndexCacheReplacesDamaged: a cache entry that cannot be opened (a
// damaged index, or one left by an older build) is replaced, not used.
func TestIndexCacheReplacesDamaged(t *testing.T) {
	ctx := context.Background()
	cache := t.TempDir()
	opts := []engine.Option{engine.WithLists(fileList("aaa")), engine.WithIndexCache(cache)}
	bi, err := engine.BuildIndex(ctx, opts...)
	if err != nil {
		t.Fatal(err)
	}
	bi.Close()
	ents, err := os.ReadDir(bi.Dir)
	if err != nil {
		t.Fatal(err)
	}
	for _, de := range ents {
		if !de.IsDir() {
			if err := os.WriteFile(filepath.Join(bi.Dir, de.Name()), []byte("damaged"), 0o644); err != nil {
				t.Fatal(err)
			}
		}
	}
	e, err := engine.New(ctx, opts...)
	if err != nil {
		t.Fatalf("damaged cache entry: %v", err)
	}
	e.Close()
	again, err := engine.BuildIndex(ctx, opts...)
	if err != nil {
		t.Fatal(err)
	}
	again.Close()
	if !again.Cached || again.Dir != bi.Dir {
		t.Errorf("the damaged entry was not replaced: cached %v, dir %s", again.Cached, again.Dir)
	}
}
