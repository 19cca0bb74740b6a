//go:build darwin || dragonfly || freebsd || linux || netbsd || openbsd

package store

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"syscall"
)

// newLocker returns the flock(2) lock on path.
func newLocker(path string) locker { return &flockLocker{path: path} }

// flockLocker holds an exclusive flock(2) on the lock file. The kernel
// releases it when the holder exits, however it exits, so a crashed writer
// never leaves the store locked. The holder writes who it is into the file.
type flockLocker struct {
	path string
	f    *os.File
}

// tryLock opens the lock file and takes the flock without waiting.
func (l *flockLocker) tryLock(h Holder) (bool, error) {
	f, err := os.OpenFile(l.path, os.O_RDWR|os.O_CREATE, 0o644)
	if err != nil {
		return false, err
	}
	for {
		err = syscall.Flock(int(f.Fd()), syscall.LOCK_EX|syscall.LOCK_NB)
		if !errors.Is(err, syscall.EINTR) {
			break
		}
	}
	if errors.Is(err, syscall.EWOULDBLOCK) {
		f.Close()
		return false, nil
	}
	if err != nil {
		f.Close()
		return false, fmt.Errorf("flock %s: %w", l.path, err)
	}
	b, _ := json.Marshal(h)
	if err := f.Truncate(0); err == nil {
		_, _ = f.WriteAt(b, 0)
	}
	l.f = f
	return true, nil
}

// holder reads the lock file.
func (l *flockLocker) holder() Holder { return readHolder(l.path) }

// unlock clears the holder and releases the flock by closing the file.
func (l *flockLocker) unlock() error {
	if l.f == nil {
		return nil
	}
	f := l.f
	l.f = nil
	_ = f.Truncate(0)
	if err := f.Close(); err != nil {
		return fmt.Errorf("unlock %s: %w", l.path, err)
	}
	return nil
}

// processAlive reports whether a process with this pid runs on this host.
func processAlive(pid int) bool {
	err := syscall.Kill(pid, 0)
	return err == nil || errors.Is(err, syscall.EPERM)
}
