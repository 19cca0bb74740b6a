// Package store keeps the installed sanctions lists in a managed directory:
// offline import of list files, update from official URLs, status and a
// generation fingerprint that changes whenever an installed list changes.
//
// Layout of a store directory:
//
//	<dir>/lists/<name>/CURRENT        name of the installed version directory
//	<dir>/lists/<name>/<version-dir>/ one installed version:
//	    meta.json                     entity.Metadata plus import time and format
//	    snapshot.gob                  the parsed list, loaded without re-parsing
//	    files/                        the original files, byte for byte
//	<dir>/lists/<name>/http.json      ETag / Last-Modified of the last download
//	<dir>/changes/<seq>-<name>.json.gz what each install or removal changed (changes.go)
//	<dir>/.tmp-*                      work directories of an import in progress
//	<dir>/LOCK                        the writers' lock and who holds it
//
// A version is written completely into a fresh directory, then CURRENT is
// replaced by an atomic rename: a failed or interrupted import leaves the
// previous version installed. Writers (Import, Update, InstallOwnership,
// Remove, and callers of Lock) take an exclusive OS-level lock on LOCK, so
// writers in several processes or goroutines run one after the other.
// Readers take no lock: CURRENT always names a complete version, and the
// versions it named just before are kept (WithKeepVersions) so that a reader
// that read CURRENT a moment before a switch still finds its version.
package store

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
	"os"
	"path/filepath"
	"sort"
	"strings"
	"time"

	"github.com/screen-compliance/screen/entity"
	"github.com/screen-compliance/screen/lists"
)

// DefaultMaxShrink is the largest share of entities an import may remove
// from an installed list without Force.
const DefaultMaxShrink = 0.10

// EnvDir names the environment variable that overrides the default store
// directory.
const EnvDir = "SCREEN_STORE"

// ErrShrink is wrapped by import errors refused by the shrink guard.
var ErrShrink = errors.New("list shrinks more than allowed")

// ErrNotInstalled is returned for a list name that is not in the store.
var ErrNotInstalled = errors.New("list not installed")

// Store is a managed directory of installed lists. Its methods are safe for
// concurrent use by several goroutines and processes: writers serialise on
// the store lock, readers need none.
type Store struct {
	dir         string
	now         func() time.Time
	lockTimeout time.Duration
	onWait      func(Holder)
	command     string
	keep        int
}

// ImportOptions control Import.
type ImportOptions struct {
	// Format forces the file format ("" detects it; see lists.Formats).
	Format string
	// Force installs a list even when the shrink guard would refuse it.
	Force bool
	// MaxShrink is the largest share of entities a new version may lose
	// compared with the installed one (0 means DefaultMaxShrink; a negative
	// value disables the guard).
	MaxShrink float64
	// Name installs the list under this name instead of the one the parser
	// gives (useful for several own-format watchlists).
	Name string
	// AllowEmpty installs an official list (any format but the project's
	// own) that has no entities; without it such a list is refused as a
	// sign of a truncated or broken download.
	AllowEmpty bool
}

// ErrEmpty is wrapped by import errors for an official list with no
// entities (see ImportOptions.AllowEmpty).
var ErrEmpty = errors.New("official list has no entities")

// DefaultDir returns the default store directory: $SCREEN_STORE when set,
// else $XDG_DATA_HOME/screen, else ~/.local/share/screen.
func DefaultDir() (string, error) {
	if d := os.Getenv(EnvDir); d != "" {
		return d, nil
	}
	if d := os.Getenv("XDG_DATA_HOME"); d != "" {
		return filepath.Join(d, "screen"), nil
	}
	home, err := os.UserHomeDir()
	if err != nil {
		return "", fmt.Errorf("store directory: %w", err)
	}
	return filepath.Join(home, ".local", "share", "screen"), nil
}

// Open opens (creating it if needed) the store in dir; dir "" means
// DefaultDir. When no writer holds the store lock, work directories left by
// an interrupted import more than an hour ago are removed.
func Open(dir string, opts ...Option) (*Store, error) {
	if dir == "" {
		d, err := DefaultDir()
		if err != nil {
			return nil, err
		}
		dir = d
	}
	if err := os.MkdirAll(filepath.Join(dir, "lists"), 0o755); err != nil {
		return nil, fmt.Errorf("open store %s: %w", dir, err)
	}
	s := &Store{dir: dir, now: time.Now, lockTimeout: DefaultLockTimeout, keep: DefaultKeepVersions}
	for _, o := range opts {
		o(s)
	}
	if s.keep < 1 {
		s.keep = 1
	}
	// Clean up only when no writer is at work: its work directory may be old.
	lk := newLocker(filepath.Join(s.dir, lockFile))
	if ok, err := lk.tryLock(s.holder()); err == nil && ok {
		s.cleanTemp(time.Hour)
		_ = lk.unlock()
	}
	return s, nil
}

// Dir returns the store's directory.
func (s *Store) Dir() string { return s.dir }

// cleanTemp removes work directories older than age.
func (s *Store) cleanTemp(age time.Duration) {
	ents, err := os.ReadDir(s.dir)
	if err != nil {
		return
	}
	for _, e := range ents {
		if !strings.HasPrefix(e.Name(), ".tmp-") {
			continue
		}
		if fi, err := e.Info(); err == nil && time.Since(fi.ModTime()) > age {
			_ = os.RemoveAll(filepath.Join(s.dir, e.Name()))
		}
	}
}

// installed is the meta.json of an installed version.
type installed struct {
	Meta       entity.Metadata `json:"meta"`
	Format     string          `json:"format"`
	ImportedAt time.Time       `json:"imported_at"`
	Sources    []string        `json:"sources"`
	Entities   int             `json:"entities"`
}

// Import parses and validates every path fully, checks the shrink guard,
// then installs each list atomically, replacing the installed version of a
// list of the same name. Nothing is installed when any path fails to parse.
// It holds the store lock while it checks and installs. It returns the
// metadata of the installed lists, in input order.
func (s *Store) Import(ctx context.Context, paths []string, opts ImportOptions) ([]entity.Metadata, error) {
	if len(paths) == 0 {
		return nil, errors.New("import: no files given")
	}
	parsed, err := s.parse(ctx, paths, opts)
	if err != nil {
		return nil, err
	}
	var out []entity.Metadata
	err = s.withLock(ctx, func() error {
		var err error
		out, err = s.installParsed(ctx, paths, parsed, opts, nil)
		return err
	})
	if errors.Is(err, ErrLocked) {
		return nil, fmt.Errorf("import: %w (nothing installed)", err)
	}
	return out, err
}

// parsedList is a list file parsed for installation.
type parsedList struct {
	list   *entity.List
	format string
}

// parse loads and validates every path; no lock is needed.
func (s *Store) parse(ctx context.Context, paths []string, opts ImportOptions) ([]parsedList, error) {
	parsed := make([]parsedList, 0, len(paths))
	seen := map[string]string{}
	for _, p := range paths {
		format := opts.Format
		if format == "" {
			f, err := lists.DetectFormat(p)
			if err != nil {
				return nil, fmt.Errorf("import %s: %w (nothing installed)", p, err)
			}
			format = f
		}
		l, err := lists.Load(ctx, p, format)
		if err != nil {
			return nil, fmt.Errorf("import %s: %w (nothing installed)", p, err)
		}
		if len(l.Entities) == 0 && lists.Official(format) && !opts.AllowEmpty {
			return nil, fmt.Errorf("import %s: %w: a truncated or broken file? use --allow-empty if the list is really empty (nothing installed)", p, ErrEmpty)
		}
		if opts.Name != "" {
			rename(l, opts.Name)
		}
		if prev, dup := seen[l.Meta.Name]; dup {
			return nil, fmt.Errorf("import: %s and %s both hold list %q: import them separately or set a name (nothing installed)", prev, p, l.Meta.Name)
		}
		seen[l.Meta.Name] = p
		parsed = append(parsed, parsedList{list: l, format: format})
	}
	return parsed, nil
}

// installParsed checks the shrink guard for every parsed list, then
// installs them one by one. sources, when not nil, replaces the recorded
// source of every list. The caller holds the store lock.
func (s *Store) installParsed(ctx context.Context, paths []string, parsed []parsedList, opts ImportOptions, sources []string) ([]entity.Metadata, error) {
	for i, p := range parsed {
		if err := s.checkShrink(ctx, p.list, opts); err != nil {
			return nil, fmt.Errorf("import %s: %w (nothing installed)", paths[i], err)
		}
	}
	out := make([]entity.Metadata, 0, len(parsed))
	var done []string
	for i, p := range parsed {
		l := p.list
		src := sources
		if src == nil {
			path := paths[i]
			if abs, err := filepath.Abs(path); err == nil {
				path = abs
			}
			src = []string{path}
		}
		switched, err := s.install(ctx, l, p.format, src)
		if err != nil {
			return out, fmt.Errorf("import %s: %w (%s)", paths[i], err, s.afterFailure(l.Meta.Name, switched, done))
		}
		done = append(done, l.Meta.Name)
		out = append(out, l.Meta)
	}
	return out, nil
}

// afterFailure says truthfully what is installed after a list failed to
// install: whether its previous version (if any) stays, and which lists of
// the same import were installed before it.
func (s *Store) afterFailure(name string, switched bool, done []string) string {
	var msg string
	switch {
	case switched:
		msg = fmt.Sprintf("the new version of %q was installed, but not cleanly", name)
	default:
		if _, err := s.versionDir(name); err == nil {
			msg = fmt.Sprintf("the previous version of %q stays installed", name)
		} else {
			msg = fmt.Sprintf("%q is not installed", name)
		}
	}
	if len(done) > 0 {
		msg += "; already installed by this import: " + strings.Join(done, ", ")
	}
	return msg
}

// rename installs a list under another name.
func rename(l *entity.List, name string) {
	old := l.Meta.Name
	l.Meta.Name = name
	for i := range l.Entities {
		if l.Entities[i].List == old || l.Entities[i].List == "" {
			l.Entities[i].List = name
		}
	}
}

// checkShrink refuses a new version that loses more than the allowed share
// of the installed version's entities.
func (s *Store) checkShrink(ctx context.Context, l *entity.List, opts ImportOptions) error {
	if opts.Force || opts.MaxShrink < 0 {
		return nil
	}
	max := opts.MaxShrink
	if max == 0 {
		max = DefaultMaxShrink
	}
	cur, err := s.readMeta(l.Meta.Name)
	if errors.Is(err, ErrNotInstalled) {
		return nil
	}
	if err != nil {
		return err
	}
	if cur.Entities == 0 {
		return nil
	}
	lost := float64(cur.Entities-len(l.Entities)) / float64(cur.Entities)
	if lost > max {
		return fmt.Errorf("%w: %q would go from %d to %d entities (-%.1f%%, limit %.1f%%); use --force if this is expected",
			ErrShrink, l.Meta.Name, cur.Entities, len(l.Entities), lost*100, max*100)
	}
	return nil
}

// validName reports whether a list name can be used as a directory name.
func validName(name string) error {
	if name == "" || name == "." || name == ".." || strings.ContainsAny(name, `/\:`) || strings.HasPrefix(name, ".") {
		return fmt.Errorf("invalid list name %q", name)
	}
	return nil
}

// install writes a parsed list into a fresh version directory, switches
// CURRENT to it and prunes old versions. switched reports whether CURRENT
// names the new version (an error after the switch leaves it installed).
// The caller holds the store lock.
func (s *Store) install(ctx context.Context, l *entity.List, format string, sources []string) (switched bool, err error) {
	if err := validName(l.Meta.Name); err != nil {
		return false, err
	}
	listDir := filepath.Join(s.dir, "lists", l.Meta.Name)
	if err := os.MkdirAll(listDir, 0o755); err != nil {
		return false, err
	}
	tmp, err := os.MkdirTemp(s.dir, ".tmp-"+l.Meta.Name+"-")
	if err != nil {
		return false, err
	}
	defer os.RemoveAll(tmp) // no-op once renamed

	if err := os.Mkdir(filepath.Join(tmp, "files"), 0o755); err != nil {
		return false, err
	}
	for i, f := range l.Meta.Files {
		if err := ctx.Err(); err != nil {
			return false, err
		}
		if strings.HasPrefix(f.Path, "builtin:") {
			continue
		}
		dst := filepath.Join(tmp, "files", filepath.Base(f.Path))
		if err := copyFile(f.Path, dst, f.SHA256); err != nil {
			return false, err
		}
		l.Meta.Files[i].Path = filepath.Base(f.Path)
	}
	l.Count()
	meta := installed{Meta: l.Meta, Format: format, ImportedAt: s.now().UTC(), Sources: sources, Entities: len(l.Entities)}
	if err := writeSnapshot(filepath.Join(tmp, "snapshot.gob"), l); err != nil {
		return false, err
	}
	mb, err := json.MarshalIndent(meta, "", "  ")
	if err != nil {
		return false, err
	}
	if err := writeFileSync(filepath.Join(tmp, "meta.json"), mb); err != nil {
		return false, err
	}
	syncDir(tmp)
	if err := ctx.Err(); err != nil {
		return false, err
	}
	// Version names sort in installation order (nanoseconds, then a random
	// tie-break).
	version := meta.ImportedAt.Format("20060102T150405.000000000Z") + "-" + randHex(4)
	if err := os.Rename(tmp, filepath.Join(listDir, version)); err != nil {
		return false, err
	}
	change, err := s.beginChange(ctx, l.Meta.Name, l, version)
	if err != nil {
		_ = os.RemoveAll(filepath.Join(listDir, version))
		return false, err
	}
	if err := writeCurrent(listDir, version); err != nil {
		change.abort()
		_ = os.RemoveAll(filepath.Join(listDir, version))
		return false, err
	}
	s.prune(listDir, version)
	return true, change.commit()
}

// writeCurrent points CURRENT at version with an atomic rename of a file
// of a unique name, so that a reader sees either the old or the new name.
func writeCurrent(listDir, version string) error {
	tmp := filepath.Join(listDir, "CURRENT.tmp-"+randHex(6))
	if err := writeFileSync(tmp, []byte(version+"\n")); err != nil {
		_ = os.Remove(tmp)
		return err
	}
	if err := os.Rename(tmp, filepath.Join(listDir, "CURRENT")); err != nil {
		_ = os.Remove(tmp)
		return err
	}
	syncDir(listDir)
	return nil
}

// prune removes the versions of a list older than the installed one and
// the s.keep versions before it, and leftover CURRENT.tmp-* files. It never
// removes the version CURRENT names: it re-reads CURRENT rather than trust
// its caller. The caller holds the store lock.
func (s *Store) prune(listDir, installed string) {
	cur, err := readCurrent(listDir)
	if err != nil || cur != installed {
		return // someone else's CURRENT: leave everything as it is
	}
	ents, err := os.ReadDir(listDir)
	if err != nil {
		return
	}
	var old []string
	for _, e := range ents {
		switch {
		case e.IsDir() && e.Name() != cur:
			old = append(old, e.Name())
		case !e.IsDir() && strings.HasPrefix(e.Name(), "CURRENT.tmp"):
			_ = os.Remove(filepath.Join(listDir, e.Name()))
		}
	}
	sort.Sort(sort.Reverse(sort.StringSlice(old)))
	for i, v := range old {
		if i >= s.keep {
			_ = os.RemoveAll(filepath.Join(listDir, v))
		}
	}
}

// copyFile copies src to dst and checks its sha256 against want, so that a
// file changed since it was parsed is not installed.
func copyFile(src, dst, want string) error {
	in, err := os.Open(src)
	if err != nil {
		return err
	}
	defer in.Close()
	out, err := os.Create(dst)
	if err != nil {
		return err
	}
	h := sha256.New()
	if _, err := io.Copy(io.MultiWriter(out, h), in); err != nil {
		out.Close()
		return fmt.Errorf("copy %s: %w", src, err)
	}
	if err := out.Sync(); err != nil {
		out.Close()
		return err
	}
	if err := out.Close(); err != nil {
		return err
	}
	if got := hex.EncodeToString(h.Sum(nil)); want != "" && got != want {
		return fmt.Errorf("copy %s: file changed while importing (sha256 %s, parsed %s)", src, got, want)
	}
	return nil
}

// writeSnapshot stores a parsed list as gob.
func writeSnapshot(path string, l *entity.List) error {
	var buf bytes.Buffer
	if err := gob.NewEncoder(&buf).Encode(l); err != nil {
		return fmt.Errorf("encode snapshot: %w", err)
	}
	return writeFileSync(path, buf.Bytes())
}

// writeFileSync writes and fsyncs a file.
func writeFileSync(path string, b []byte) error {
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	if _, err := f.Write(b); err != nil {
		f.Close()
		return err
	}
	if err := f.Sync(); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}

// writeFileAtomic writes a file beside path and renames it into place.
func writeFileAtomic(path string, b []byte) error {
	tmp := path + ".tmp-" + randHex(6)
	if err := writeFileSync(tmp, b); err != nil {
		_ = os.Remove(tmp)
		return err
	}
	if err := os.Rename(tmp, path); err != nil {
		_ = os.Remove(tmp)
		return err
	}
	return nil
}

// syncDir fsyncs a directory so that a rename in it is durable.
func syncDir(dir string) {
	if d, err := os.Open(dir); err == nil {
		_ = d.Sync()
		d.Close()
	}
}

func randHex(n int) string {
	b := make([]byte, n)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}

// readCurrent returns the installed version directory name of a list.
func readCurrent(listDir string) (string, error) {
	b, err := os.ReadFile(filepath.Join(listDir, "CURRENT"))
	if err != nil {
		return "", err
	}
	v := strings.TrimSpace(string(b))
	if v == "" || strings.ContainsAny(v, `/\`) {
		return "", fmt.Errorf("%s: corrupt CURRENT file", listDir)
	}
	return v, nil
}

// Names returns the names of the installed lists, sorted.
func (s *Store) Names() ([]string, error) {
	ents, err := os.ReadDir(filepath.Join(s.dir, "lists"))
	if err != nil {
		return nil, fmt.Errorf("read store %s: %w", s.dir, err)
	}
	var out []string
	for _, e := range ents {
		if !e.IsDir() {
			continue
		}
		if _, err := os.Stat(filepath.Join(s.dir, "lists", e.Name(), "CURRENT")); err == nil {
			out = append(out, e.Name())
		}
	}
	sort.Strings(out)
	return out, nil
}

// versionDir returns the installed version directory of a list.
func (s *Store) versionDir(name string) (string, error) {
	listDir := filepath.Join(s.dir, "lists", name)
	v, err := readCurrent(listDir)
	if errors.Is(err, os.ErrNotExist) {
		return "", fmt.Errorf("%q: %w", name, ErrNotInstalled)
	}
	if err != nil {
		return "", err
	}
	return filepath.Join(listDir, v), nil
}

// readVersion calls fn with the installed version directory of a list.
// When fn finds a file missing because a writer switched CURRENT and pruned
// the version in between, it is called again with the new version.
func (s *Store) readVersion(name string, fn func(dir string) error) error {
	var err error
	for attempt := 0; attempt < 5; attempt++ {
		var dir string
		dir, err = s.versionDir(name)
		if err != nil {
			return err
		}
		err = fn(dir)
		if !errors.Is(err, os.ErrNotExist) {
			return err
		}
		if now, verr := s.versionDir(name); verr != nil || now == dir {
			break // not a switch: report the missing file
		}
	}
	return err
}

// readMeta reads the meta.json of a list's installed version.
func (s *Store) readMeta(name string) (*installed, error) {
	var m installed
	err := s.readVersion(name, func(dir string) error {
		b, err := os.ReadFile(filepath.Join(dir, "meta.json"))
		if err != nil {
			return fmt.Errorf("list %q: %w", name, err)
		}
		m = installed{}
		if err := json.Unmarshal(b, &m); err != nil {
			return fmt.Errorf("list %q: %s: %w", name, filepath.Join(dir, "meta.json"), err)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return &m, nil
}

// List loads one installed list from its snapshot.
func (s *Store) List(ctx context.Context, name string) (*entity.List, error) {
	var l entity.List
	err := s.readVersion(name, func(dir string) error {
		f, err := os.Open(filepath.Join(dir, "snapshot.gob"))
		if err != nil {
			return fmt.Errorf("list %q: %w", name, err)
		}
		defer f.Close()
		l = entity.List{}
		if err := gob.NewDecoder(f).Decode(&l); err != nil {
			return fmt.Errorf("list %q: decode snapshot %s: %w", name, f.Name(), err)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return &l, ctx.Err()
}

// Lists loads every installed list, sorted by name. A list removed while
// they load is left out, as if it had been removed just before.
func (s *Store) Lists(ctx context.Context) ([]*entity.List, error) {
	names, err := s.Names()
	if err != nil {
		return nil, err
	}
	out := make([]*entity.List, 0, len(names))
	for _, n := range names {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		l, err := s.List(ctx, n)
		if errors.Is(err, ErrNotInstalled) {
			continue
		}
		if err != nil {
			return nil, err
		}
		out = append(out, l)
	}
	return out, nil
}

// Remove uninstalls a list, holding the store lock: CURRENT goes first, so
// that readers see the list either installed or not, then its versions.
func (s *Store) Remove(name string) error {
	if err := validName(name); err != nil {
		return err
	}
	listDir := filepath.Join(s.dir, "lists", name)
	return s.withLock(context.Background(), func() error {
		if _, err := s.versionDir(name); errors.Is(err, ErrNotInstalled) {
			return fmt.Errorf("remove %q: %w", name, ErrNotInstalled)
		}
		change, err := s.beginChange(context.Background(), name, nil, "")
		if err != nil {
			return fmt.Errorf("remove %q: %w", name, err)
		}
		if err := os.Remove(filepath.Join(listDir, "CURRENT")); err != nil {
			change.abort()
			if errors.Is(err, os.ErrNotExist) {
				return fmt.Errorf("remove %q: %w", name, ErrNotInstalled)
			}
			return fmt.Errorf("remove %q: %w", name, err)
		}
		syncDir(listDir)
		if err := change.commit(); err != nil {
			return fmt.Errorf("remove %q: uninstalled, but %w", name, err)
		}
		if err := os.RemoveAll(listDir); err != nil {
			return fmt.Errorf("remove %q: uninstalled, but its files stay in %s: %w", name, listDir, err)
		}
		return nil
	})
}

// ListStatus describes one installed list.
type ListStatus struct {
	Name       string              `json:"name"`
	Title      string              `json:"title,omitempty"`
	Version    string              `json:"version"`
	Format     string              `json:"format,omitempty"`
	Entities   int                 `json:"entities"`
	Counts     map[entity.Kind]int `json:"counts"`
	Files      []entity.FileDigest `json:"files"`
	ImportedAt time.Time           `json:"imported_at"`
	Age        time.Duration       `json:"age_ns"`
	Sources    []string            `json:"sources,omitempty"`
}

// Status describes every installed list, sorted by name. Age is the time
// since the list was imported.
func (s *Store) Status() ([]ListStatus, error) {
	names, err := s.Names()
	if err != nil {
		return nil, err
	}
	now := s.now()
	out := make([]ListStatus, 0, len(names))
	for _, n := range names {
		m, err := s.readMeta(n)
		if errors.Is(err, ErrNotInstalled) {
			continue // removed meanwhile
		}
		if err != nil {
			return nil, err
		}
		out = append(out, ListStatus{
			Name: m.Meta.Name, Title: m.Meta.Title, Version: m.Meta.Version, Format: m.Format,
			Entities: m.Entities, Counts: m.Meta.Counts, Files: m.Meta.Files,
			ImportedAt: m.ImportedAt, Age: now.Sub(m.ImportedAt), Sources: m.Sources,
		})
	}
	return out, nil
}

// Generation returns a fingerprint of the installed lists: it changes
// whenever a list is imported, updated or removed, and stays the same
// otherwise. An empty store has the generation of no lists.
func (s *Store) Generation() (string, error) {
	names, err := s.Names()
	if err != nil {
		return "", err
	}
	h := sha256.New()
	for _, n := range names {
		v, err := readCurrent(filepath.Join(s.dir, "lists", n))
		if errors.Is(err, os.ErrNotExist) {
			continue // removed meanwhile
		}
		if err != nil {
			return "", err
		}
		fmt.Fprintf(h, "%s\x00%s\n", n, v)
	}
	return hex.EncodeToString(h.Sum(nil))[:16], nil
}
