package store

import (
	"compress/gzip"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/screen-compliance/screen/entity"
	"github.com/screen-compliance/screen/lists"
)

// The change log: every install that changes a list's entities, and every
// removal of a list, writes one ChangeSet under <dir>/changes, numbered in
// the order the store lock serialised them:
//
//	<dir>/changes/<seq>-<list>.json.gz          a recorded change (final)
//	<dir>/changes/<seq>-<list>.pending.json.gz  written before CURRENT switches
//
// A change is written as pending before CURRENT is switched and made final
// (renamed) right after, both under the store lock, so that a reader never
// sees a change whose version is not installed, and a crash between the
// two cannot lose a change: the next writer finalises a pending change
// whose version CURRENT names and deletes one whose version it does not.
// Readers take no lock and read only final changes.
const changesDir = "changes"

// Suffixes of change files.
const (
	changeSuffix  = ".json.gz"
	pendingSuffix = ".pending.json.gz"
)

// ChangeSet is what one install (or removal) changed in one list: the
// entities added, removed and changed, by id, as lists.Diff computes them
// between the version replaced and the version installed.
type ChangeSet struct {
	// Seq numbers the changes of a store in the order they were made,
	// from 1.
	Seq int64 `json:"seq"`
	// List is the list's name.
	List string `json:"list"`
	// At is when the change was installed (UTC).
	At time.Time `json:"at"`
	// From and To are the installed version directories before and after
	// the change: From is "" when the list was not installed before, To
	// is "" when the list was removed.
	From string `json:"from,omitempty"`
	To   string `json:"to,omitempty"`
	// FromVersion and ToVersion are the list versions (publication dates)
	// before and after.
	FromVersion string `json:"from_version,omitempty"`
	ToVersion   string `json:"to_version,omitempty"`
	// Diff holds the entities added, removed and changed (old and new).
	Diff lists.ListDiff `json:"diff"`
}

// Summary says in one line what the change did: "un 2026-11-01 → 2026-11-08:
// 1 added, 1 removed, 1 changed".
func (c *ChangeSet) Summary() string {
	from, to := c.FromVersion, c.ToVersion
	switch {
	case c.From == "":
		from = "(not installed)"
	case c.To == "":
		to = "(removed)"
	}
	return fmt.Sprintf("%s %s → %s: %d added, %d removed, %d changed", c.List, from, to,
		len(c.Diff.Added), len(c.Diff.Removed), len(c.Diff.Changed))
}

// changeName is the file name of change seq of list name.
func changeName(seq int64, list, suffix string) string {
	return fmt.Sprintf("%012d-%s%s", seq, list, suffix)
}

// parseChangeName reads a change file name; ok is false for other files.
func parseChangeName(name string) (seq int64, list string, pending, ok bool) {
	var rest string
	switch {
	case strings.HasSuffix(name, pendingSuffix):
		rest, pending = strings.TrimSuffix(name, pendingSuffix), true
	case strings.HasSuffix(name, changeSuffix):
		rest = strings.TrimSuffix(name, changeSuffix)
	default:
		return 0, "", false, false
	}
	num, list, found := strings.Cut(rest, "-")
	if !found || len(num) != 12 || list == "" {
		return 0, "", false, false
	}
	seq, err := strconv.ParseInt(num, 10, 64)
	if err != nil || seq < 1 {
		return 0, "", false, false
	}
	return seq, list, pending, true
}

// changeFile is one file of the change log.
type changeFile struct {
	seq     int64
	list    string
	pending bool
	name    string
}

// changeFiles lists the change log, by sequence number.
func (s *Store) changeFiles() ([]changeFile, error) {
	ents, err := os.ReadDir(filepath.Join(s.dir, changesDir))
	if errors.Is(err, os.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("read change log: %w", err)
	}
	var out []changeFile
	for _, e := range ents {
		if seq, list, pending, ok := parseChangeName(e.Name()); ok && !e.IsDir() {
			out = append(out, changeFile{seq: seq, list: list, pending: pending, name: e.Name()})
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].seq < out[j].seq })
	return out, nil
}

// LastChange returns the sequence number of the newest recorded change, 0
// when none was recorded.
func (s *Store) LastChange() (int64, error) {
	fs, err := s.changeFiles()
	if err != nil {
		return 0, err
	}
	for i := len(fs) - 1; i >= 0; i-- {
		if !fs[i].pending {
			return fs[i].seq, nil
		}
	}
	return 0, nil
}

// Changes returns the recorded changes with a sequence number above after,
// oldest first. A change being installed right now is not among them until
// its version is installed.
func (s *Store) Changes(ctx context.Context, after int64) ([]*ChangeSet, error) {
	fs, err := s.changeFiles()
	if err != nil {
		return nil, err
	}
	var out []*ChangeSet
	next, pendingAt := after+1, int64(0)
	for _, f := range fs {
		if f.seq <= after {
			continue
		}
		if f.pending {
			if pendingAt == 0 {
				pendingAt = f.seq
			}
			continue
		}
		// A change skipped is a designation a delta run never screens:
		// the numbers after the cursor must follow one another, a change
		// being installed only at the end.
		if f.seq != next || pendingAt != 0 {
			return nil, fmt.Errorf("list store change log: change %d follows change %d (a change is missing or still being installed): run a full screening", f.seq, next-1)
		}
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		c, err := readChange(filepath.Join(s.dir, changesDir, f.name))
		if err != nil {
			return nil, err
		}
		out = append(out, c)
		next++
	}
	return out, nil
}

// readChange reads one change file.
func readChange(path string) (*ChangeSet, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	zr, err := gzip.NewReader(f)
	if err != nil {
		return nil, fmt.Errorf("change %s: %w", path, err)
	}
	defer zr.Close()
	var c ChangeSet
	if err := json.NewDecoder(zr).Decode(&c); err != nil {
		return nil, fmt.Errorf("change %s: %w", path, err)
	}
	return &c, nil
}

// writeChange writes c to path (gzip JSON), fsynced.
func writeChange(path string, c *ChangeSet) error {
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	zw := gzip.NewWriter(f)
	if err := json.NewEncoder(zw).Encode(c); err != nil {
		zw.Close()
		f.Close()
		return fmt.Errorf("encode change: %w", err)
	}
	if err := zw.Close(); err != nil {
		f.Close()
		return err
	}
	if err := f.Sync(); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}

// reconcileChanges settles pending changes left by a writer that stopped
// between writing one and finalising it: a pending change whose version is
// installed is made final, any other is deleted. The caller holds the
// store lock.
func (s *Store) reconcileChanges() error {
	fs, err := s.changeFiles()
	if err != nil {
		return err
	}
	dir := filepath.Join(s.dir, changesDir)
	for _, f := range fs {
		if !f.pending {
			continue
		}
		p := filepath.Join(dir, f.name)
		c, err := readChange(p)
		keep := false
		if err == nil {
			cur, cerr := readCurrent(filepath.Join(s.dir, "lists", c.List))
			switch {
			case c.To == "":
				keep = errors.Is(cerr, os.ErrNotExist)
			default:
				keep = cerr == nil && cur == c.To
			}
		}
		if keep {
			if err := os.Rename(p, filepath.Join(dir, changeName(f.seq, f.list, changeSuffix))); err != nil {
				return fmt.Errorf("change log: %w", err)
			}
			continue
		}
		if err := os.Remove(p); err != nil && !errors.Is(err, os.ErrNotExist) {
			return fmt.Errorf("change log: %w", err)
		}
	}
	syncDir(dir)
	return nil
}

// pendingChange is a change written before CURRENT switches; commit makes
// it final, abort deletes it.
type pendingChange struct {
	dir  string
	seq  int64
	list string
}

// commit makes the change final.
func (p *pendingChange) commit() error {
	if p == nil {
		return nil
	}
	err := os.Rename(filepath.Join(p.dir, changeName(p.seq, p.list, pendingSuffix)), filepath.Join(p.dir, changeName(p.seq, p.list, changeSuffix)))
	syncDir(p.dir)
	if err != nil {
		return fmt.Errorf("change log: %w", err)
	}
	return nil
}

// abort deletes the pending change.
func (p *pendingChange) abort() {
	if p != nil {
		_ = os.Remove(filepath.Join(p.dir, changeName(p.seq, p.list, pendingSuffix)))
	}
}

// beginChange computes what installing version to of list l (or, with l
// nil, removing list name) changes against the installed version, and
// writes it as a pending change. It returns nil when nothing changes. The
// caller holds the store lock.
func (s *Store) beginChange(ctx context.Context, name string, l *entity.List, to string) (*pendingChange, error) {
	if err := s.reconcileChanges(); err != nil {
		return nil, err
	}
	c := &ChangeSet{List: name, To: to, At: s.now().UTC()}
	var old *entity.List
	if dir, err := s.versionDir(name); err == nil {
		c.From = filepath.Base(dir)
		if old, err = s.List(ctx, name); err != nil {
			return nil, fmt.Errorf("change log: read the installed %q: %w", name, err)
		}
		c.FromVersion = old.Meta.Version
	} else if !errors.Is(err, ErrNotInstalled) {
		return nil, err
	}
	if l != nil {
		c.ToVersion = l.Meta.Version
	}
	c.Diff = lists.Diff(old, l)
	if c.Diff.Empty() {
		return nil, nil
	}
	last, err := s.lastSeq()
	if err != nil {
		return nil, err
	}
	c.Seq = last + 1
	dir := filepath.Join(s.dir, changesDir)
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, fmt.Errorf("change log: %w", err)
	}
	if err := writeChange(filepath.Join(dir, changeName(c.Seq, name, pendingSuffix)), c); err != nil {
		return nil, fmt.Errorf("change log: %w", err)
	}
	syncDir(dir)
	return &pendingChange{dir: dir, seq: c.Seq, list: name}, nil
}

// lastSeq is the highest sequence number in the change log, pending or
// not.
func (s *Store) lastSeq() (int64, error) {
	fs, err := s.changeFiles()
	if err != nil || len(fs) == 0 {
		return 0, err
	}
	return fs[len(fs)-1].seq, nil
}
