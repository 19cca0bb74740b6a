package index

import (
	"bufio"
	"encoding/gob"
	"fmt"
	"os"

	"github.com/screen-compliance/screen/entity"
	"github.com/screen-compliance/screen/names"
)

// snapshotVersion changes whenever the snapshot layout or the name analysis
// changes; an index with another version must be rebuilt.
const snapshotVersion = 7

// FormatVersion is the version of an index directory's layout: an index
// written with another does not open. Caches that name index directories
// by their content include it, so that a new layout is looked for under a
// new name (and built) rather than found and refused.
const FormatVersion = snapshotVersion

// snapshot is what rescoring needs, saved beside the Bleve index.
type snapshot struct {
	Version int
	// Vocabulary is the digest of the name vocabulary the names were
	// analysed with.
	Vocabulary string
	Lists      []entity.Metadata
	Entities   []entity.Entity
	// Names[i] are the analysed names of Entities[i].
	Names [][]names.Name
	// Docs are the Bleve documents: one per entity name with tokens.
	Docs []nameRef
	// Terms are the sorted hashes (termHash) of every indexed term.
	Terms []uint64
	// Parts is the number of Bleve indexes the documents are in
	// (parts.go).
	Parts int
}

// nameRef names one entity name: Names[Entity][Name].
type nameRef struct {
	Entity, Name int32
}

func writeSnapshot(path string, s *snapshot) error {
	tmp := path + ".tmp"
	f, err := os.Create(tmp)
	if err != nil {
		return fmt.Errorf("write snapshot: %w", err)
	}
	w := bufio.NewWriterSize(f, 1<<20)
	if err := gob.NewEncoder(w).Encode(s); err != nil {
		f.Close()
		return fmt.Errorf("encode snapshot %s: %w", path, err)
	}
	if err := w.Flush(); err != nil {
		f.Close()
		return fmt.Errorf("write snapshot %s: %w", path, err)
	}
	if err := f.Close(); err != nil {
		return fmt.Errorf("write snapshot %s: %w", path, err)
	}
	if err := os.Rename(tmp, path); err != nil {
		return fmt.Errorf("write snapshot: %w", err)
	}
	return nil
}

func readSnapshot(path string) (*snapshot, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("open index snapshot: %w", err)
	}
	defer f.Close()
	var s snapshot
	if err := gob.NewDecoder(bufio.NewReaderSize(f, 1<<20)).Decode(&s); err != nil {
		return nil, fmt.Errorf("decode index snapshot %s: %w", path, err)
	}
	if s.Version != snapshotVersion {
		return nil, fmt.Errorf("index snapshot %s: version %d, want %d: rebuild the index", path, s.Version, snapshotVersion)
	}
	if len(s.Names) != len(s.Entities) {
		return nil, fmt.Errorf("index snapshot %s: %d name sets for %d entities", path, len(s.Names), len(s.Entities))
	}
	for i := range s.Names {
		for j := range s.Names[i] {
			s.Names[i][j].Prepare()
		}
	}
	for _, d := range s.Docs {
		if d.Entity < 0 || int(d.Entity) >= len(s.Names) || d.Name < 0 || int(d.Name) >= len(s.Names[d.Entity]) {
			return nil, fmt.Errorf("index snapshot %s: bad name document %+v: rebuild the index", path, d)
		}
	}
	return &s, nil
}
