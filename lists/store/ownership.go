package store

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
)

// ownershipDir holds the installed ownership files.
const ownershipDir = "ownership"

// InstallOwnership installs an ownership file (owner, owned, percent, ...)
// that the caller has already parsed and validated, under its base name: a
// file of the same name is replaced. The copy is written beside its final
// place and renamed, so an interrupted install keeps the previous file; it
// holds the store lock meanwhile.
func (s *Store) InstallOwnership(path string) (string, error) {
	name := filepath.Base(path)
	if name == "." || name == string(filepath.Separator) || strings.HasPrefix(name, ".") {
		return "", fmt.Errorf("install ownership %s: not a file name", path)
	}
	dir := filepath.Join(s.dir, ownershipDir)
	dst := filepath.Join(dir, name)
	err := s.withLock(context.Background(), func() error {
		if err := os.MkdirAll(dir, 0o755); err != nil {
			return err
		}
		tmp := filepath.Join(dir, ".tmp-"+randHex(8)+"-"+name)
		if err := copyFile(path, tmp, ""); err != nil {
			os.Remove(tmp)
			return err
		}
		if err := os.Rename(tmp, dst); err != nil {
			os.Remove(tmp)
			return err
		}
		syncDir(dir)
		return nil
	})
	if err != nil {
		return "", fmt.Errorf("install ownership %s: %w", path, err)
	}
	return dst, nil
}

// OwnershipFiles returns the installed ownership files, sorted.
func (s *Store) OwnershipFiles() ([]string, error) {
	ents, err := os.ReadDir(filepath.Join(s.dir, ownershipDir))
	if os.IsNotExist(err) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("read store %s: %w", s.dir, err)
	}
	var out []string
	for _, e := range ents {
		if e.Type().IsRegular() && !strings.HasPrefix(e.Name(), ".") {
			out = append(out, filepath.Join(s.dir, ownershipDir, e.Name()))
		}
	}
	sort.Strings(out)
	return out, nil
}
