package main

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/screen-compliance/screen/lists/store"
)

// TestConcurrentImportProcesses runs several `screen lists import --force`
// processes on one store at once, round after round, with an `index build`
// from the store in every round: every process exits 0 or fails with a
// clear lock error, and at the end CURRENT names a complete, loadable
// version. Before the store lock, two imports at once left CURRENT pointing
// at a deleted version.
func TestConcurrentImportProcesses(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the CLI and runs 100 processes")
	}
	tmp := t.TempDir()
	bin := filepath.Join(tmp, "screen")
	build := exec.Command("go", "build", "-o", bin, ".")
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	storeDir := filepath.Join(tmp, "store")
	const workers, rounds = 4, 20
	files := make([]string, workers)
	for i := range files {
		var b strings.Builder
		fmt.Fprintf(&b, `{"meta":{"name":"acme","version":"w%d"},"entities":[`, i)
		for j := 0; j < 5+i; j++ {
			if j > 0 {
				b.WriteString(",")
			}
			fmt.Fprintf(&b, `{"id":"acme-%d","kind":"organization","name":"Acme Trading %d"}`, j, j)
		}
		b.WriteString("]}")
		files[i] = filepath.Join(tmp, fmt.Sprintf("acme%d.json", i))
		if err := os.WriteFile(files[i], []byte(b.String()), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	env := append(os.Environ(), "SCREEN_STORE="+storeDir, "NO_COLOR=1")
	type result struct {
		args   []string
		err    error
		stderr string
	}
	runProc := func(args ...string) result {
		cmd := exec.Command(bin, args...)
		cmd.Env = env
		var errb bytes.Buffer
		cmd.Stderr = &errb
		err := cmd.Run()
		return result{args: args, err: err, stderr: errb.String()}
	}
	var lockErrors int
	for r := 0; r < rounds; r++ {
		results := make([]result, workers+1)
		var wg sync.WaitGroup
		for w := 0; w <= workers; w++ {
			wg.Add(1)
			go func(w int) {
				defer wg.Done()
				if w == workers {
					results[w] = runProc("index", "build", "--dir", filepath.Join(tmp, "index"), "--lock-timeout", "1m")
					return
				}
				results[w] = runProc("lists", "import", "--force", "--lock-timeout", "1m", files[w])
			}(w)
		}
		wg.Wait()
		for _, res := range results {
			if res.err == nil {
				continue
			}
			if strings.Contains(res.stderr, "is locked by pid") {
				lockErrors++
				continue
			}
			t.Errorf("round %d: screen %s: %v\n%s", r, strings.Join(res.args, " "), res.err, res.stderr)
		}
		if t.Failed() {
			return
		}
	}
	if lockErrors > 0 {
		t.Logf("%d processes gave up on the lock after 1m", lockErrors)
	}
	st, err := store.Open(storeDir)
	if err != nil {
		t.Fatal(err)
	}
	l, err := st.List(context.Background(), "acme")
	if err != nil {
		t.Fatalf("after %d rounds: %v", rounds, err)
	}
	if n := len(l.Entities); n < 5 || n >= 5+workers {
		t.Errorf("installed list has %d entities", n)
	}
	if res := runProc("lists", "status", "-f", "json"); res.err != nil {
		t.Errorf("status: %v\n%s", res.err, res.stderr)
	}
}

// TestLockTimeoutMessage: an import into a store whose lock another writer
// holds waits --lock-timeout, says who holds the lock, and fails with exit
// 2 and a message naming the holder; the installed list stays.
func TestLockTimeoutMessage(t *testing.T) {
	st := t.TempDir()
	t.Setenv("SCREEN_STORE", st)
	fx := filepath.Join(repo, "testdata/lists")
	if code, _, errOut := runCLI(t, "lists", "import", filepath.Join(fx, "own/watchlist.json")); code != exitOK {
		t.Fatalf("import: %s", errOut)
	}
	s, err := store.Open(st, store.WithCommand("screen lists update (the other writer)"))
	if err != nil {
		t.Fatal(err)
	}
	l, err := s.Lock(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	defer l.Unlock()
	start := time.Now()
	code, _, errOut := runCLI(t, "lists", "import", "--lock-timeout", "200ms", filepath.Join(fx, "own/watchlist.yaml"))
	if code != exitFailure {
		t.Errorf("exit %d, want %d", code, exitFailure)
	}
	for _, want := range []string{
		"the list store is locked by pid",      // the notice while waiting
		"(the other writer)",                   // who holds it
		"waiting up to 200ms (--lock-timeout)", // how long
		"gave up after",                        // the error
		"nothing installed",
	} {
		if !strings.Contains(errOut, want) {
			t.Errorf("stderr lacks %q:\n%s", want, errOut)
		}
	}
	if time.Since(start) < 200*time.Millisecond {
		t.Error("did not wait for the lock")
	}
	code, _, errOut = runCLI(t, "index", "build", "--dir", filepath.Join(t.TempDir(), "ix"), "--lock-timeout", "0")
	if code != exitFailure || !strings.Contains(errOut, "(the other writer)") {
		t.Errorf("index build while locked: exit %d\n%s", code, errOut)
	}
	l.Unlock()
	if code, out, errOut := runCLI(t, "index", "build", "--dir", filepath.Join(t.TempDir(), "ix")); code != exitOK {
		t.Errorf("index build after unlock: exit %d\n%s\n%s", code, out, errOut)
	}
}
