package store

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"
)

// TestLockHeldRefusesWriters: while one store holds the lock, writers of
// another Store on the same directory wait, then fail with a LockedError
// that names the holder; nothing is installed and the error says what
// stays installed.
func TestLockHeldRefusesWriters(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	storeDir := filepath.Join(dir, "store")
	holder, err := Open(storeDir, WithCommand("screen index build (test holder)"))
	if err != nil {
		t.Fatal(err)
	}
	first := writeOwn(t, dir, "acme", 4)
	if _, err := holder.Import(ctx, []string{first}, ImportOptions{}); err != nil {
		t.Fatal(err)
	}
	gen, _ := holder.Generation()
	l, err := holder.Lock(ctx)
	if err != nil {
		t.Fatal(err)
	}
	var waits atomic.Int32
	var seen Holder
	other, err := Open(storeDir, WithLockTimeout(150*time.Millisecond), WithLockWait(func(h Holder) {
		waits.Add(1)
		seen = h
	}))
	if err != nil {
		t.Fatal(err)
	}
	host, _ := os.Hostname()
	checkLocked := func(what string, err error) {
		t.Helper()
		var le *LockedError
		if !errors.Is(err, ErrLocked) || !errors.As(err, &le) {
			t.Fatalf("%s: err = %v, want a LockedError", what, err)
		}
		msg := err.Error()
		for _, want := range []string{"pid " + strconv.Itoa(os.Getpid()), "host " + host, "test holder", "--lock-timeout"} {
			if !strings.Contains(msg, want) {
				t.Errorf("%s: error %q lacks %q", what, msg, want)
			}
		}
		if le.Waited < 150*time.Millisecond {
			t.Errorf("%s: gave up after %s, before the timeout", what, le.Waited)
		}
	}
	_, err = other.Import(ctx, []string{writeOwn(t, dir, "acme", 5)}, ImportOptions{})
	checkLocked("import", err)
	if !strings.Contains(err.Error(), "nothing installed") {
		t.Errorf("import error does not say nothing was installed: %v", err)
	}
	if waits.Load() != 1 || seen.PID != os.Getpid() || seen.Command != "screen index build (test holder)" || seen.Since.IsZero() {
		t.Errorf("wait callback: %d calls, holder %+v", waits.Load(), seen)
	}
	own := filepath.Join(dir, "owners.csv")
	os.WriteFile(own, []byte("owner,owned,percent\nA,B,60\n"), 0o644)
	_, err = other.InstallOwnership(own)
	checkLocked("install ownership", err)
	checkLocked("remove", other.Remove("acme"))
	if g, _ := other.Generation(); g != gen {
		t.Error("a refused writer changed the store")
	}
	// Readers need no lock.
	if got, err := other.List(ctx, "acme"); err != nil || len(got.Entities) != 4 {
		t.Errorf("read while locked: %v", err)
	}

	// Once released, a waiting writer gets the lock.
	waiter, _ := Open(storeDir, WithLockTimeout(10*time.Second))
	done := make(chan error, 1)
	go func() {
		_, err := waiter.Import(ctx, []string{writeOwn(t, t.TempDir(), "acme", 6)}, ImportOptions{})
		done <- err
	}()
	time.Sleep(100 * time.Millisecond)
	select {
	case err := <-done:
		t.Fatalf("writer did not wait for the lock: %v", err)
	default:
	}
	if err := l.Unlock(); err != nil {
		t.Fatal(err)
	}
	if err := l.Unlock(); err != nil {
		t.Errorf("second Unlock: %v", err)
	}
	if err := <-done; err != nil {
		t.Fatalf("writer after unlock: %v", err)
	}
	if got, _ := other.List(ctx, "acme"); len(got.Entities) != 6 {
		t.Errorf("after the waiting import: %d entities", len(got.Entities))
	}
	if h := readHolder(filepath.Join(storeDir, lockFile)); h.PID != 0 {
		t.Errorf("released lock still names holder %+v", h)
	}
}

// TestLockContextAndNoWait: a writer gives up when its context ends, and
// WithLockTimeout(0) fails at once.
func TestLockContextAndNoWait(t *testing.T) {
	dir := t.TempDir()
	a, _ := Open(dir)
	l, err := a.Lock(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	defer l.Unlock()
	b, _ := Open(dir, WithLockTimeout(-1))
	ctx, cancel := context.WithTimeout(context.Background(), 80*time.Millisecond)
	defer cancel()
	if _, err := b.Lock(ctx); !errors.Is(err, context.DeadlineExceeded) || !strings.Contains(err.Error(), "held by pid") {
		t.Errorf("cancelled wait: %v", err)
	}
	c, _ := Open(dir, WithLockTimeout(0))
	start := time.Now()
	if _, err := c.Lock(context.Background()); !errors.Is(err, ErrLocked) {
		t.Errorf("no-wait lock: %v", err)
	}
	if time.Since(start) > time.Second {
		t.Error("WithLockTimeout(0) waited")
	}
}

// TestExclLocker checks the portable lock used where flock(2) is missing:
// exclusive, names its holder, released by unlock, and taken over from a
// process of this host that is gone, never from another host.
func TestExclLocker(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "LOCK.held")
	host, _ := os.Hostname()
	me := Holder{PID: os.Getpid(), Host: host, Command: "a", Since: time.Now()}
	a, b := &exclLocker{path: path}, &exclLocker{path: path}
	if ok, err := a.tryLock(me); !ok || err != nil {
		t.Fatalf("first tryLock: %v %v", ok, err)
	}
	if ok, err := b.tryLock(me); ok || err != nil {
		t.Fatalf("second tryLock: %v %v", ok, err)
	}
	if h := b.holder(); h.PID != me.PID || h.Command != "a" {
		t.Errorf("holder = %+v", h)
	}
	if err := b.unlock(); err != nil {
		t.Errorf("unlock of a lock not held: %v", err)
	}
	if _, err := os.Stat(path); err != nil {
		t.Fatal("unlock of a lock not held removed the lock file")
	}
	a.unlock()
	if ok, _ := b.tryLock(me); !ok {
		t.Fatal("tryLock after unlock failed")
	}
	b.unlock()

	// A dead process's lock on this host is taken over; another host's is not.
	dead := deadPID(t)
	for _, tc := range []struct {
		name string
		h    Holder
		take bool
	}{
		{"dead process on this host", Holder{PID: dead, Host: host}, true},
		{"live process on this host", Holder{PID: os.Getpid(), Host: host}, false},
		{"process on another host", Holder{PID: dead, Host: host + "-other"}, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			stale := &exclLocker{path: path}
			if ok, _ := stale.tryLock(tc.h); !ok {
				t.Fatal("could not write the stale lock")
			}
			l := &exclLocker{path: path}
			ok, err := l.tryLock(me)
			if ok != tc.take || err != nil {
				t.Errorf("tryLock = %v, %v; want %v", ok, err, tc.take)
			}
			os.Remove(path)
		})
	}
}

// deadPID returns the pid of a process that has exited.
func deadPID(t *testing.T) int {
	t.Helper()
	exe, err := os.Executable()
	if err != nil {
		t.Skip(err)
	}
	p, err := os.StartProcess(exe, []string{exe, "-test.run=^$"}, &os.ProcAttr{})
	if err != nil {
		t.Skip(err)
	}
	if _, err := p.Wait(); err != nil {
		t.Skip(err)
	}
	return p.Pid
}
