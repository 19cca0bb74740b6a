package pgtest

import (
	"io/fs"
	"syscall"
)

// fileUID returns the owner of a file, or -1 when the system does not say.
func fileUID(fi fs.FileInfo) int {
	if st, ok := fi.Sys().(*syscall.Stat_t); ok {
		return int(st.Uid)
	}
	return -1
}
