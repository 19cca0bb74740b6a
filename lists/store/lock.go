package store

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"
)

// DefaultLockTimeout is how long a writer waits for the store lock when no
// WithLockTimeout option is given.
const DefaultLockTimeout = 2 * time.Minute

// lockFile is the name of the lock file in the store directory. On systems
// with flock(2) the file always exists and the kernel lock on it is the
// lock; elsewhere lockFile+".held" exists while the lock is held.
const lockFile = "LOCK"

// lockPoll is the interval between two attempts to take a held lock.
const lockPoll = 25 * time.Millisecond

// ErrLocked is wrapped by the error of a write that could not take the store
// lock because another process (or goroutine) held it until the timeout.
var ErrLocked = errors.New("list store is locked")

// Holder describes who holds the store lock. It is written into the lock
// file by the holder and read by the writers that wait for it.
type Holder struct {
	PID     int       `json:"pid"`
	Host    string    `json:"host"`
	Command string    `json:"command"`
	Since   time.Time `json:"since"`
}

// String describes the holder for messages: "pid 42 on host h since
// 2026-11-22T10:00:00Z (screen lists import sdn.csv)".
func (h Holder) String() string {
	if h.PID == 0 {
		return "another process (it has not said who it is yet)"
	}
	s := fmt.Sprintf("pid %d on host %s since %s", h.PID, h.Host, h.Since.UTC().Format(time.RFC3339))
	if h.Command != "" {
		s += " (" + h.Command + ")"
	}
	return s
}

// LockedError reports a store lock that stayed held until the timeout.
type LockedError struct {
	// Dir is the store directory.
	Dir string
	// Holder is who held the lock when the waiter gave up.
	Holder Holder
	// Waited is how long the waiter waited.
	Waited time.Duration
}

// Error says who holds the lock and what to do.
func (e *LockedError) Error() string {
	return fmt.Sprintf("list store %s is locked by %s: gave up after %s; wait until it finishes, or raise --lock-timeout",
		e.Dir, e.Holder, e.Waited.Round(time.Millisecond))
}

// Unwrap makes errors.Is(err, ErrLocked) true.
func (e *LockedError) Unwrap() error { return ErrLocked }

// Option configures a Store opened by Open.
type Option func(*Store)

// WithLockTimeout sets how long a writer waits for the store lock held by
// another writer before it fails with a LockedError; 0 means do not wait, a
// negative value waits until the context ends.
func WithLockTimeout(d time.Duration) Option { return func(s *Store) { s.lockTimeout = d } }

// WithLockWait sets a function called once, when a writer finds the store
// lock held and starts waiting, with the holder; the CLI prints a notice.
func WithLockWait(fn func(Holder)) Option { return func(s *Store) { s.onWait = fn } }

// WithCommand sets the command recorded in the lock file while this store
// holds the lock (default: the program's arguments).
func WithCommand(cmd string) Option { return func(s *Store) { s.command = cmd } }

// WithKeepVersions sets how many replaced versions of each list are kept
// beside the installed one, for readers that opened them a moment ago and
// for inspection (default DefaultKeepVersions; at least 1 is kept).
func WithKeepVersions(n int) Option { return func(s *Store) { s.keep = n } }

// DefaultKeepVersions is the number of replaced versions of a list kept
// beside the installed one.
const DefaultKeepVersions = 2

// locker is one platform's way to take the store lock without waiting.
type locker interface {
	// tryLock takes the lock and records h as its holder; it returns
	// false when someone else holds it.
	tryLock(h Holder) (bool, error)
	// holder reads who holds the lock (the zero Holder when unknown).
	holder() Holder
	// unlock releases a lock taken by tryLock.
	unlock() error
}

// Lock is a held store lock. Release it with Unlock.
type Lock struct {
	l locker
}

// Unlock releases the lock. It is safe to call more than once.
func (l *Lock) Unlock() error {
	if l == nil || l.l == nil {
		return nil
	}
	err := l.l.unlock()
	l.l = nil
	return err
}

// Lock takes the store's exclusive write lock, waiting for another holder
// as set by WithLockTimeout (calling the WithLockWait function once when it
// has to wait). Import, Update, InstallOwnership and Remove take it
// themselves; a caller that needs several reads to see one consistent set
// of lists (an index build) takes it around them. The lock is not
// reentrant: do not call the store's writing methods while holding it.
func (s *Store) Lock(ctx context.Context) (*Lock, error) {
	return s.lock(ctx, newLocker(filepath.Join(s.dir, lockFile)))
}

// lock takes the lock with the given locker.
func (s *Store) lock(ctx context.Context, lk locker) (*Lock, error) {
	h := s.holder()
	start := time.Now()
	waited := false
	for {
		ok, err := lk.tryLock(h)
		if err != nil {
			return nil, fmt.Errorf("lock list store %s: %w", s.dir, err)
		}
		if ok {
			return &Lock{l: lk}, nil
		}
		elapsed := time.Since(start)
		if s.lockTimeout >= 0 && elapsed >= s.lockTimeout {
			return nil, &LockedError{Dir: s.dir, Holder: lk.holder(), Waited: elapsed}
		}
		if !waited {
			waited = true
			if s.onWait != nil {
				s.onWait(lk.holder())
			}
		}
		wait := lockPoll
		if s.lockTimeout >= 0 && s.lockTimeout-elapsed < wait {
			wait = s.lockTimeout - elapsed
		}
		t := time.NewTimer(wait)
		select {
		case <-ctx.Done():
			t.Stop()
			return nil, fmt.Errorf("lock list store %s (held by %s): %w", s.dir, lk.holder(), ctx.Err())
		case <-t.C:
		}
	}
}

// withLock runs fn while holding the store lock, after removing work
// directories that interrupted writers left behind.
func (s *Store) withLock(ctx context.Context, fn func() error) error {
	l, err := s.Lock(ctx)
	if err != nil {
		return err
	}
	defer l.Unlock()
	s.cleanTemp(time.Hour)
	return fn()
}

// holder describes this process as a lock holder.
func (s *Store) holder() Holder {
	host, _ := os.Hostname()
	cmd := s.command
	if cmd == "" {
		cmd = commandLine(os.Args)
	}
	return Holder{PID: os.Getpid(), Host: host, Command: cmd, Since: time.Now().UTC()}
}

// commandLine renders a program's arguments for the lock file, the program
// by its base name and the whole cut to 200 characters.
func commandLine(args []string) string {
	if len(args) == 0 {
		return ""
	}
	parts := append([]string{filepath.Base(args[0])}, args[1:]...)
	s := strings.Join(parts, " ")
	if len(s) > 200 {
		s = s[:197] + "..."
	}
	return s
}

// readHolder reads the holder recorded in a lock file; a missing, empty or
// partly written file gives the zero Holder.
func readHolder(path string) Holder {
	b, err := os.ReadFile(path)
	if err != nil {
		return Holder{}
	}
	var h Holder
	if json.Unmarshal(b, &h) != nil {
		return Holder{}
	}
	return h
}

// exclLocker is the portable lock: a file created exclusively
// (O_CREATE|O_EXCL) that exists while the lock is held and holds the
// holder. A lock left by a process that died on this host is taken over;
// one left on another host stays until removed by hand (the error names
// the file).
type exclLocker struct {
	path string
	held bool
}

// tryLock creates the lock file.
func (l *exclLocker) tryLock(h Holder) (bool, error) {
	for attempt := 0; attempt < 2; attempt++ {
		f, err := os.OpenFile(l.path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o644)
		if errors.Is(err, os.ErrExist) {
			cur := readHolder(l.path)
			if attempt == 0 && l.stale(cur, h.Host) {
				_ = os.Remove(l.path)
				continue
			}
			return false, nil
		}
		if err != nil {
			return false, err
		}
		b, _ := json.Marshal(h)
		_, werr := f.Write(b)
		if cerr := f.Close(); werr == nil {
			werr = cerr
		}
		if werr != nil {
			_ = os.Remove(l.path)
			return false, werr
		}
		l.held = true
		return true, nil
	}
	return false, nil
}

// stale reports whether the recorded holder is a process of this host that
// no longer runs.
func (l *exclLocker) stale(cur Holder, host string) bool {
	return cur.PID > 0 && cur.Host == host && !processAlive(cur.PID)
}

// holder reads the lock file.
func (l *exclLocker) holder() Holder { return readHolder(l.path) }

// unlock removes the lock file.
func (l *exclLocker) unlock() error {
	if !l.held {
		return nil
	}
	l.held = false
	if err := os.Remove(l.path); err != nil && !errors.Is(err, os.ErrNotExist) {
		return fmt.Errorf("unlock %s: %w", l.path, err)
	}
	return nil
}
