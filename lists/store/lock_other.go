//go:build !(darwin || dragonfly || freebsd || linux || netbsd || openbsd)

package store

import "os"

// newLocker returns the portable lock: a file created exclusively beside
// the lock file's name.
func newLocker(path string) locker { return &exclLocker{path: path + ".held"} }

// processAlive reports whether a process with this pid runs on this host
// (os.FindProcess fails for a process that is gone on Windows).
func processAlive(pid int) bool {
	p, err := os.FindProcess(pid)
	if err != nil {
		return false
	}
	p.Release()
	return true
}
