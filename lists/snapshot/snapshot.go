// Package snapshot publishes sanctions lists, with the index prebuilt for
// them, as versioned snapshots in a shared directory, and reads the current
// one: one publisher job writes (`screen lists publish`, `screen lists
// update --snapshots DIR`), any number of screening processes read
// (`screen serve --snapshots DIR`).
//
// Layout of a snapshot directory:
//
//	<dir>/CURRENT                  the id of the current snapshot
//	<dir>/<id>/manifest.json       what the snapshot holds: lists, ownership
//	                               files, and the size and sha256 of every file
//	<dir>/<id>/lists/<name>.gob    one parsed list (entity.List, gob)
//	<dir>/<id>/ownership/<file>    an ownership file, byte for byte
//	<dir>/<id>/index/index-<key>/  the prebuilt index, as the engine's index
//	                               cache lays it out
//	<dir>/.tmp-*                   a snapshot being written, or being removed
//
// A snapshot is written completely into a fresh directory, renamed to its
// id, and only then CURRENT is replaced by an atomic rename: a reader sees
// the previous snapshot or the new one, never a part of one. A snapshot is
// never changed once renamed. Readers check every file against the
// manifest before they use any, so a snapshot damaged or copied in part
// (a sync into the directory cut short) is refused as a whole, and a
// process that reads it keeps the snapshot it had.
//
// The publisher keeps the snapshots before the current one (Options.Keep)
// so that a reader that read CURRENT a moment before a switch still finds
// its snapshot. One publisher writes a directory at a time: run the job
// where two runs cannot overlap (a CronJob with concurrencyPolicy Forbid);
// a publisher never moves CURRENT back to an older snapshot.
package snapshot

import (
	"bytes"
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/gob"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"time"

	"github.com/screen-compliance/screen/entity"
)

// Names in a snapshot directory.
const (
	// CurrentFile names the current snapshot's id.
	CurrentFile = "CURRENT"
	// ManifestFile describes one snapshot.
	ManifestFile = "manifest.json"
	// tmpPrefix starts the names of work directories and files.
	tmpPrefix = ".tmp-"
	listsDir  = "lists"
	ownDir    = "ownership"
	indexDir  = "index"
)

// FormatVersion is the layout version written into every manifest; a
// reader refuses a snapshot of another version.
const FormatVersion = 1

// DefaultKeep is how many snapshots the publisher keeps, the current one
// included.
const DefaultKeep = 3

// ErrNoSnapshot is returned (wrapped) when no snapshot was published in a
// directory.
var ErrNoSnapshot = errors.New("no snapshot published")

// ErrCorrupt is wrapped by the errors for a snapshot whose files do not
// match its manifest, or whose manifest cannot be read.
var ErrCorrupt = errors.New("snapshot damaged or incomplete")

// Manifest describes one snapshot. Its JSON is the manifest.json file.
type Manifest struct {
	// Format is the layout version (FormatVersion).
	Format int `json:"format"`
	// ID names the snapshot: its creation time (UTC, sortable) and the
	// first hex digits of Content.
	ID string `json:"id"`
	// CreatedAt is when the snapshot was published.
	CreatedAt time.Time `json:"created_at"`
	// Tool names the program that published it.
	Tool string `json:"tool,omitempty"`
	// Source describes where the lists came from (the list store).
	Source string `json:"source,omitempty"`
	// SourceGeneration is the list store's generation fingerprint when the
	// lists were read.
	SourceGeneration string `json:"source_generation,omitempty"`
	// Content is a digest of what the snapshot holds (lists by name,
	// version, entity count and file digests; ownership files; the index
	// entries, whose names encode the engine version and name vocabulary):
	// a publisher that finds the same content in the current snapshot
	// publishes nothing.
	Content string `json:"content"`
	// Lists are the snapshot's lists, sorted by name.
	Lists []List `json:"lists"`
	// Ownership are the ownership files, as paths in the snapshot.
	Ownership []string `json:"ownership,omitempty"`
	// Index is the directory of prebuilt indexes in the snapshot ("" when
	// there is none).
	Index string `json:"index,omitempty"`
	// Files lists every file of the snapshot but the manifest, sorted by
	// path.
	Files []File `json:"files"`
}

// List describes one list of a snapshot.
type List struct {
	Name     string `json:"name"`
	Version  string `json:"version"`
	Entities int    `json:"entities"`
	// File is the path of the list's gob in the snapshot.
	File string `json:"file"`
}

// File is one file of a snapshot: its slash-separated path in the
// snapshot, size and sha256.
type File struct {
	Path   string `json:"path"`
	Size   int64  `json:"size"`
	SHA256 string `json:"sha256"`
}

// Snapshot is a published snapshot, checked and loaded by Load.
type Snapshot struct {
	// Dir is the snapshot's directory.
	Dir string
	// Manifest describes it.
	Manifest Manifest
	// Lists are its lists, in the manifest's order.
	Lists []*entity.List
	// Ownership are the paths of its ownership files.
	Ownership []string
	// IndexDir is the directory of its prebuilt indexes ("" when none).
	IndexDir string
}

// ID returns the snapshot's id.
func (s *Snapshot) ID() string { return s.Manifest.ID }

// validID reports whether id can name a snapshot directory.
func validID(id string) error {
	if id == "" || id == "." || id == ".." || strings.ContainsAny(id, `/\`) || strings.HasPrefix(id, ".") || len(id) > 128 {
		return fmt.Errorf("invalid snapshot id %q", id)
	}
	return nil
}

// Current returns the id of the current snapshot in dir. It wraps
// ErrNoSnapshot when none was published.
func Current(dir string) (string, error) {
	b, err := os.ReadFile(filepath.Join(dir, CurrentFile))
	if errors.Is(err, fs.ErrNotExist) {
		return "", fmt.Errorf("%s: %w", dir, ErrNoSnapshot)
	}
	if err != nil {
		return "", fmt.Errorf("snapshot %s: %w", dir, err)
	}
	id := strings.TrimSpace(string(b))
	if err := validID(id); err != nil {
		return "", fmt.Errorf("%s: %w: %s names %v", dir, ErrCorrupt, CurrentFile, err)
	}
	return id, nil
}

// Load checks and loads the current snapshot of dir. When the snapshot
// that CURRENT named is removed while it is read (a publisher switched and
// pruned meanwhile), the new current one is read instead.
func Load(ctx context.Context, dir string) (*Snapshot, error) {
	var err error
	for range 5 {
		var id string
		if id, err = Current(dir); err != nil {
			return nil, err
		}
		var s *Snapshot
		s, err = LoadID(ctx, dir, id)
		if err == nil || !errors.Is(err, fs.ErrNotExist) {
			return s, err
		}
		if now, cerr := Current(dir); cerr != nil || now == id {
			break // not a switch: report the missing file
		}
	}
	return nil, err
}

// LoadID checks the snapshot id of dir against its manifest (every file
// there, of the size and sha256 it gives) and loads its lists. A snapshot
// that fails the check is refused whole, with an error wrapping ErrCorrupt
// (and fs.ErrNotExist for a missing file).
func LoadID(ctx context.Context, dir, id string) (*Snapshot, error) {
	if err := validID(id); err != nil {
		return nil, err
	}
	sdir := filepath.Join(dir, id)
	m, err := Verify(ctx, sdir)
	if err != nil {
		return nil, err
	}
	if m.ID != id {
		return nil, fmt.Errorf("snapshot %s: %w: its manifest names snapshot %q", sdir, ErrCorrupt, m.ID)
	}
	s := &Snapshot{Dir: sdir, Manifest: *m}
	for _, l := range m.Lists {
		el, err := readList(filepath.Join(sdir, filepath.FromSlash(l.File)))
		if err != nil {
			return nil, fmt.Errorf("snapshot %s: %w: list %q: %w", sdir, ErrCorrupt, l.Name, err)
		}
		if el.Meta.Name != l.Name || len(el.Entities) != l.Entities {
			return nil, fmt.Errorf("snapshot %s: %w: list %q holds %q with %d entities, the manifest says %d",
				sdir, ErrCorrupt, l.Name, el.Meta.Name, len(el.Entities), l.Entities)
		}
		s.Lists = append(s.Lists, el)
	}
	for _, o := range m.Ownership {
		s.Ownership = append(s.Ownership, filepath.Join(sdir, filepath.FromSlash(o)))
	}
	if m.Index != "" {
		s.IndexDir = filepath.Join(sdir, filepath.FromSlash(m.Index))
	}
	return s, ctx.Err()
}

// Verify reads the manifest of the snapshot in sdir and checks every file
// it lists: present, of its size and sha256, inside the snapshot.
func Verify(ctx context.Context, sdir string) (*Manifest, error) {
	b, err := os.ReadFile(filepath.Join(sdir, ManifestFile))
	if err != nil {
		return nil, fmt.Errorf("snapshot %s: %w: %w", sdir, ErrCorrupt, err)
	}
	var m Manifest
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&m); err != nil {
		return nil, fmt.Errorf("snapshot %s: %w: %s: %w", sdir, ErrCorrupt, ManifestFile, err)
	}
	if m.Format != FormatVersion {
		return nil, fmt.Errorf("snapshot %s: layout version %d, this program reads %d", sdir, m.Format, FormatVersion)
	}
	if len(m.Lists) == 0 {
		return nil, fmt.Errorf("snapshot %s: %w: no lists", sdir, ErrCorrupt)
	}
	listed := map[string]bool{}
	for _, f := range m.Files {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		if err := checkFile(sdir, f); err != nil {
			return nil, fmt.Errorf("snapshot %s: %w: %w", sdir, ErrCorrupt, err)
		}
		listed[f.Path] = true
	}
	var refs []string
	for _, l := range m.Lists {
		refs = append(refs, l.File)
	}
	refs = append(refs, m.Ownership...)
	for _, r := range refs {
		if !listed[r] {
			return nil, fmt.Errorf("snapshot %s: %w: %s is not among the manifest's files", sdir, ErrCorrupt, r)
		}
	}
	if m.Index != "" {
		if err := localPath(m.Index); err != nil {
			return nil, fmt.Errorf("snapshot %s: %w: index %w", sdir, ErrCorrupt, err)
		}
	}
	return &m, nil
}

// localPath refuses a manifest path that leaves the snapshot.
func localPath(p string) error {
	if p == "" || !fs.ValidPath(p) || path.Clean(p) != p || p == "." {
		return fmt.Errorf("path %q is not inside the snapshot", p)
	}
	return nil
}

// checkFile checks one file of a snapshot against its manifest entry.
func checkFile(sdir string, f File) error {
	if err := localPath(f.Path); err != nil {
		return err
	}
	if f.Path == ManifestFile {
		return fmt.Errorf("%s listed among its own files", ManifestFile)
	}
	p := filepath.Join(sdir, filepath.FromSlash(f.Path))
	fi, err := os.Lstat(p)
	if err != nil {
		return fmt.Errorf("%s: %w", f.Path, err)
	}
	if !fi.Mode().IsRegular() {
		return fmt.Errorf("%s: not a regular file", f.Path)
	}
	if fi.Size() != f.Size {
		return fmt.Errorf("%s: %d bytes, the manifest says %d", f.Path, fi.Size(), f.Size)
	}
	sum, _, err := digestFile(p)
	if err != nil {
		return err
	}
	if sum != f.SHA256 {
		return fmt.Errorf("%s: sha256 %s, the manifest says %s", f.Path, sum, f.SHA256)
	}
	return nil
}

// digestFile returns the hex sha256 and size of a file.
func digestFile(p string) (string, int64, error) {
	f, err := os.Open(p)
	if err != nil {
		return "", 0, err
	}
	defer f.Close()
	h := sha256.New()
	n, err := io.Copy(h, f)
	if err != nil {
		return "", 0, fmt.Errorf("read %s: %w", p, err)
	}
	return hex.EncodeToString(h.Sum(nil)), n, nil
}

// readList decodes one list gob.
func readList(p string) (*entity.List, error) {
	f, err := os.Open(p)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	var l entity.List
	if err := gob.NewDecoder(f).Decode(&l); err != nil {
		return nil, fmt.Errorf("decode %s: %w", filepath.Base(p), err)
	}
	return &l, nil
}

// Snapshots returns the ids of the snapshots in dir, oldest first (work
// directories left out).
func Snapshots(dir string) ([]string, error) {
	ents, err := os.ReadDir(dir)
	if err != nil {
		return nil, fmt.Errorf("snapshots %s: %w", dir, err)
	}
	var out []string
	for _, e := range ents {
		if e.IsDir() && validID(e.Name()) == nil {
			out = append(out, e.Name())
		}
	}
	sort.Strings(out)
	return out, nil
}

// randHex returns n random bytes in hex.
func randHex(n int) string {
	b := make([]byte, n)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}

// sortedFiles returns the digests of a list's files, sorted.
func sortedFiles(l *entity.List) []string {
	out := make([]string, 0, len(l.Meta.Files))
	for _, f := range l.Meta.Files {
		out = append(out, f.SHA256)
	}
	return slices.Sorted(slices.Values(out))
}
