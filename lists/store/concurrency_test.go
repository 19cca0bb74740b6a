package store

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sync"
	"sync/atomic"
	"testing"
)

// TestConcurrentImports runs several importers with Force on one store at
// once, round after round, while a reader keeps loading the list: every
// import either succeeds or fails with a clear lock error, the reader never
// finds CURRENT pointing at a missing version, and at the end CURRENT names
// a complete, loadable version.
func TestConcurrentImports(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	storeDir := filepath.Join(dir, "store")
	const workers, rounds = 4, 20
	files := make([]string, workers)
	for i := range files {
		files[i] = writeOwn(t, filepath.Join(dir), fmt.Sprintf("acme%d", i), 5+i)
	}
	// The files hold lists acme0..acme3: install them all as "acme".
	stop := make(chan struct{})
	var readErrs, ok atomic.Int32
	var readerDone sync.WaitGroup
	readerDone.Add(1)
	go func() {
		defer readerDone.Done()
		s, err := Open(storeDir)
		if err != nil {
			t.Error(err)
			return
		}
		for {
			select {
			case <-stop:
				return
			default:
			}
			l, err := s.List(ctx, "acme")
			if errors.Is(err, ErrNotInstalled) {
				continue
			}
			if err != nil || len(l.Entities) == 0 {
				if readErrs.Add(1) <= 3 {
					t.Errorf("reader: %v", err)
				}
			}
		}
	}()
	for r := 0; r < rounds; r++ {
		var wg sync.WaitGroup
		for w := 0; w < workers; w++ {
			wg.Add(1)
			go func(w int) {
				defer wg.Done()
				s, err := Open(storeDir)
				if err != nil {
					t.Error(err)
					return
				}
				_, err = s.Import(ctx, []string{files[w]}, ImportOptions{Force: true, Name: "acme"})
				switch {
				case err == nil:
					ok.Add(1)
				case !errors.Is(err, ErrLocked):
					t.Errorf("round %d worker %d: %v", r, w, err)
				}
			}(w)
		}
		wg.Wait()
	}
	close(stop)
	readerDone.Wait()
	s, err := Open(storeDir)
	if err != nil {
		t.Fatal(err)
	}
	l, err := s.List(ctx, "acme")
	if err != nil {
		t.Fatalf("after %d rounds: %v", rounds, err)
	}
	if n := len(l.Entities); n < 5 || n >= 5+workers {
		t.Errorf("installed list has %d entities", n)
	}
	if ok.Load() == 0 {
		t.Error("no import succeeded")
	}
	// Old versions were pruned to the kept number, and no work files stay.
	ents, _ := os.ReadDir(filepath.Join(storeDir, "lists", "acme"))
	dirs := 0
	for _, e := range ents {
		if e.IsDir() {
			dirs++
		} else if e.Name() != "CURRENT" {
			t.Errorf("left in the list directory: %s", e.Name())
		}
	}
	if dirs != 1+DefaultKeepVersions {
		t.Errorf("%d version directories, want %d", dirs, 1+DefaultKeepVersions)
	}
	top, _ := filepath.Glob(filepath.Join(storeDir, ".tmp-*"))
	if len(top) > 0 {
		t.Errorf("work directories left: %v", top)
	}
}
