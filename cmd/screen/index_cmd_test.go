package main

import (
	"context"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/screen-compliance/screen/lists/store"
)

// cachedIndexes lists the entries of the store's index cache.
func cachedIndexes(t *testing.T, storeDir string) []string {
	t.Helper()
	ms, err := filepath.Glob(filepath.Join(storeDir, "index", "index-*"))
	if err != nil {
		t.Fatal(err)
	}
	return ms
}

// TestIndexBuildPreparesScan: `index build` builds into the store's index
// cache exactly the index that a scan on the same store with the same flags
// then opens (marking it used) instead of building one; a scan with another
// name vocabulary does not use it.
func TestIndexBuildPreparesScan(t *testing.T) {
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
		name  string
		build []string // index build flags
		scan  []string // scan flags
		hit   bool     // the scan opens the built index
	}{
		{"defaults", nil, nil, true},
		{"name vocabulary file", []string{"--names-vocabulary", vocab}, []string{"--names-vocabulary", vocab}, true},
		{"policy data extending the vocabulary", []string{"-d", data}, []string{"-d", data}, true},
		{"scan without the vocabulary file", []string{"--names-vocabulary", vocab}, nil, false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			st := t.TempDir()
			t.Setenv("SCREEN_STORE", st)
			if code, _, errOut := runCLI(t, "lists", "import", filepath.Join(repo, "testdata/lists/own/watchlist.json")); code != exitOK {
				t.Fatalf("import: %s", errOut)
			}
			code, out, errOut := runCLI(t, append([]string{"index", "build"}, tc.build...)...)
			built := cachedIndexes(t, st)
			if code != exitOK || len(built) != 1 || !strings.Contains(out, "indexed 3 entities from 1 lists into "+built[0]) {
				t.Fatalf("index build: exit %d, cache %v\n%s%s", code, built, out, errOut)
			}
			old := time.Now().Add(-2 * time.Hour)
			if err := os.Chtimes(built[0], old, old); err != nil {
				t.Fatal(err)
			}
			if code, _, errOut := runCLI(t, append([]string{"scan", "--no-fail", "-q", filepath.Join(repo, "examples/shipments.csv")}, tc.scan...)...); code != exitOK {
				t.Fatalf("scan: exit %d\n%s", code, errOut)
			}
			after := cachedIndexes(t, st)
			fi, err := os.Stat(built[0])
			if err != nil {
				t.Fatal(err)
			}
			opened := fi.ModTime().After(old.Add(time.Hour))
			if tc.hit && (!slices.Equal(after, built) || !opened) {
				t.Errorf("the scan did not open the built index: cache %v (built %v), opened %v", after, built, opened)
			}
			if !tc.hit && (len(after) != 2 || opened) {
				t.Errorf("the scan used an index of another vocabulary: cache %v (built %v), opened %v", after, built, opened)
			}
			code, out, _ = runCLI(t, append([]string{"index", "build"}, tc.build...)...)
			if code != exitOK || !strings.Contains(out, "is up to date in "+built[0]) {
				t.Errorf("second index build: exit %d\n%s", code, out)
			}
		})
	}
}

// TestIndexBuildWithoutStore: with no stored lists there is nothing to
// cache (scans on --list files and the built-in sample index in memory):
// index build says so and exits 2, unless --dir exports the index.
func TestIndexBuildWithoutStore(t *testing.T) {
	list := filepath.Join(repo, "testdata/lists/own/watchlist.json")
	tests := []struct {
		name     string
		args     []string
		code     int
		stdout   string
		stderr   string
		exported bool
	}{
		{"built-in sample", nil, exitFailure, "", "no index to prepare", false},
		{"list files", []string{"--list", list}, exitFailure, "", "--dir DIR", false},
		{"list files to --dir", []string{"--list", list, "--dir", "DIR"}, exitOK, "indexed 3 entities from 1 lists into", "", true},
		{"built-in sample to --dir", []string{"--dir", "DIR"}, exitOK, "indexed 115 entities", "built-in sample", true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			st := t.TempDir()
			t.Setenv("SCREEN_STORE", st)
			dir := filepath.Join(t.TempDir(), "ix")
			args := []string{"index", "build"}
			for _, a := range tc.args {
				args = append(args, strings.ReplaceAll(a, "DIR", dir))
			}
			code, out, errOut := runCLI(t, args...)
			if code != tc.code || !strings.Contains(out, tc.stdout) || !strings.Contains(errOut, tc.stderr) {
				t.Errorf("exit %d, want %d\nstdout %s\nstderr %s", code, tc.code, out, errOut)
			}
			_, err := os.Stat(filepath.Join(dir, "snapshot.gob"))
			if tc.exported != (err == nil) {
				t.Errorf("exported index: %v", err)
			}
			if ms := cachedIndexes(t, st); len(ms) != 0 {
				t.Errorf("index cache written: %v", ms)
			}
		})
	}
}

// TestScanPrunesIndexCacheUnderStoreLock: a scan that builds a new index
// removes old ones from the store's index cache only while it can take the
// store lock, without waiting for it: while another writer holds the lock
// nothing is removed (and the scan does not wait); afterwards the indexes
// beyond the three most recently used go.
func TestScanPrunesIndexCacheUnderStoreLock(t *testing.T) {
	st := t.TempDir()
	t.Setenv("SCREEN_STORE", st)
	fx := filepath.Join(repo, "testdata/lists/own")
	if code, _, errOut := runCLI(t, "lists", "import", filepath.Join(fx, "watchlist.json")); code != exitOK {
		t.Fatalf("import: %s", errOut)
	}
	var old []string
	for i := 1; i <= 3; i++ {
		d := filepath.Join(st, "index", "index-old"+strings.Repeat("x", i))
		if err := os.MkdirAll(d, 0o755); err != nil {
			t.Fatal(err)
		}
		at := time.Now().Add(-time.Duration(2+i) * time.Hour)
		if err := os.Chtimes(d, at, at); err != nil {
			t.Fatal(err)
		}
		old = append(old, d)
	}
	s, err := store.Open(st, store.WithCommand("screen lists update (the other writer)"))
	if err != nil {
		t.Fatal(err)
	}
	l, err := s.Lock(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	start := time.Now()
	scan := []string{"check", "--no-fail", "-q", "Sunrise Trading"}
	if code, _, errOut := runCLI(t, scan...); code != exitOK {
		t.Fatalf("scan while locked: exit %d\n%s", code, errOut)
	}
	if took := time.Since(start); took > 30*time.Second {
		t.Errorf("the scan waited for the store lock (%s)", took)
	}
	first := cachedIndexes(t, st)
	if len(first) != 4 {
		t.Fatalf("pruned while another writer held the store lock: %v", first)
	}
	l.Unlock()
	if code, _, errOut := runCLI(t, "lists", "import", filepath.Join(fx, "watchlist.yaml")); code != exitOK {
		t.Fatalf("import: %s", errOut)
	}
	if code, _, errOut := runCLI(t, scan...); code != exitOK {
		t.Fatalf("scan: exit %d\n%s", code, errOut)
	}
	after := cachedIndexes(t, st)
	if len(after) != 3 || !slices.Contains(after, old[0]) || slices.Contains(after, old[1]) || slices.Contains(after, old[2]) {
		t.Errorf("cache after a list update %v, want the new index, the previous one and %s", after, old[0])
	}
}
