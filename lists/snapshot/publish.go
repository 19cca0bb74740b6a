package snapshot

import (
	"bufio"
	"context"
	"crypto/sha256"
	"encoding/gob"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/screen-compliance/screen/entity"
)

// IndexFunc writes the index of lists into dir, laid out as the engine's
// index cache keeps it (engine.BuildIndex with engine.WithIndexCache(dir)).
type IndexFunc func(ctx context.Context, lists []*entity.List, dir string) error

// Options control Publish.
type Options struct {
	// Index writes the prebuilt index; nil publishes the lists without
	// one (readers then index them at load).
	Index IndexFunc
	// Ownership are ownership files to publish with the lists.
	Ownership []string
	// Keep is how many snapshots stay, the new current one included
	// (0 means DefaultKeep; at least 1).
	Keep int
	// Tool, Source and SourceGeneration are written into the manifest.
	Tool, Source, SourceGeneration string
	// Force publishes a new snapshot even when the current one holds the
	// same content.
	Force bool
	// Now is the clock (default time.Now).
	Now func() time.Time
}

// Result says what Publish did.
type Result struct {
	// Manifest describes the current snapshot: the new one, or the one
	// already current when nothing changed.
	Manifest *Manifest
	// Published is false when the current snapshot already held the same
	// content and nothing was written.
	Published bool
	// Removed are the ids of the old snapshots removed.
	Removed []string
}

// ErrEmpty is returned by Publish for lists without any entity: replicas
// must never switch to an empty snapshot.
var ErrEmpty = errors.New("no entities to publish")

// ErrNewer is returned (wrapped) when another publisher made a newer
// snapshot current while this one was written: CURRENT is left alone.
var ErrNewer = errors.New("a newer snapshot was published meanwhile")

// Publish writes lists, the index opts.Index builds for them and the
// ownership files as a new snapshot of dir, then makes it current and
// removes old snapshots beyond opts.Keep. It writes nothing when the
// current snapshot, checked in full, holds the same content (unless
// opts.Force). On error the current snapshot stays current.
func Publish(ctx context.Context, dir string, lists []*entity.List, opts Options) (*Result, error) {
	if opts.Now == nil {
		opts.Now = time.Now
	}
	if opts.Keep <= 0 {
		opts.Keep = DefaultKeep
	}
	entities := 0
	for _, l := range lists {
		entities += len(l.Entities)
	}
	if entities == 0 {
		return nil, fmt.Errorf("publish to %s: %w", dir, ErrEmpty)
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, fmt.Errorf("publish: %w", err)
	}
	cleanTemp(dir, time.Hour)
	tmp, err := os.MkdirTemp(dir, tmpPrefix)
	if err != nil {
		return nil, fmt.Errorf("publish: %w", err)
	}
	defer os.RemoveAll(tmp) // a no-op once renamed
	m, err := write(ctx, tmp, lists, opts)
	if err != nil {
		return nil, fmt.Errorf("publish to %s: %w", dir, err)
	}
	cur, curErr := Current(dir)
	if !opts.Force && curErr == nil {
		if cs, err := LoadID(ctx, dir, cur); err == nil && cs.Manifest.Content == m.Content {
			return &Result{Manifest: &cs.Manifest}, nil
		}
	}
	m.CreatedAt = opts.Now().UTC()
	m.ID = m.CreatedAt.Format("20060102T150405.000000000Z") + "-" + m.Content[:12]
	if curErr == nil && cur >= m.ID {
		return nil, fmt.Errorf("publish to %s: %w (%s); not replacing it", dir, ErrNewer, cur)
	}
	mb, err := json.MarshalIndent(m, "", "  ")
	if err != nil {
		return nil, fmt.Errorf("publish: %w", err)
	}
	if err := writeFileSync(filepath.Join(tmp, ManifestFile), append(mb, '\n')); err != nil {
		return nil, fmt.Errorf("publish: %w", err)
	}
	syncDir(tmp)
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	final := filepath.Join(dir, m.ID)
	if err := os.Rename(tmp, final); err != nil {
		return nil, fmt.Errorf("publish: %w", err)
	}
	syncDir(dir)
	// Check what was written before pointing readers at it.
	if _, err := Verify(ctx, final); err != nil {
		_ = os.RemoveAll(final)
		return nil, fmt.Errorf("publish: the snapshot written does not check: %w", err)
	}
	if err := writeCurrent(dir, m.ID); err != nil {
		_ = os.RemoveAll(final)
		return nil, fmt.Errorf("publish: %w", err)
	}
	return &Result{Manifest: m, Published: true, Removed: prune(dir, m.ID, opts.Keep)}, nil
}

// write lays out a snapshot in the work directory tmp and returns its
// manifest without id and time.
func write(ctx context.Context, tmp string, lists []*entity.List, opts Options) (*Manifest, error) {
	m := &Manifest{Format: FormatVersion, Tool: opts.Tool, Source: opts.Source, SourceGeneration: opts.SourceGeneration}
	if err := os.Mkdir(filepath.Join(tmp, listsDir), 0o755); err != nil {
		return nil, err
	}
	content := sha256.New()
	seen := map[string]bool{}
	for _, l := range lists {
		name := l.Meta.Name
		if err := validID(name); err != nil {
			return nil, fmt.Errorf("list name: %w", err)
		}
		if seen[name] {
			return nil, fmt.Errorf("list %q given twice", name)
		}
		seen[name] = true
		rel := listsDir + "/" + name + ".gob"
		if err := writeGob(filepath.Join(tmp, filepath.FromSlash(rel)), l); err != nil {
			return nil, fmt.Errorf("list %q: %w", name, err)
		}
		m.Lists = append(m.Lists, List{Name: name, Version: l.Meta.Version, Entities: len(l.Entities), File: rel})
	}
	slices.SortFunc(m.Lists, func(a, b List) int { return strings.Compare(a.Name, b.Name) })
	lines := make([]string, 0, len(lists))
	for _, l := range lists {
		lines = append(lines, fmt.Sprintf("list %s|%s|%d|%s\n", l.Meta.Name, l.Meta.Version, len(l.Entities), strings.Join(sortedFiles(l), ",")))
	}
	slices.Sort(lines)
	for _, line := range lines {
		io.WriteString(content, line)
	}
	if len(opts.Ownership) > 0 {
		if err := os.Mkdir(filepath.Join(tmp, ownDir), 0o755); err != nil {
			return nil, err
		}
	}
	for i, p := range opts.Ownership {
		rel := fmt.Sprintf("%s/%02d-%s", ownDir, i+1, filepath.Base(p))
		sum, err := copyFile(p, filepath.Join(tmp, filepath.FromSlash(rel)))
		if err != nil {
			return nil, fmt.Errorf("ownership file: %w", err)
		}
		m.Ownership = append(m.Ownership, rel)
		fmt.Fprintf(content, "ownership %s\n", sum)
	}
	if opts.Index != nil {
		idir := filepath.Join(tmp, indexDir)
		if err := opts.Index(ctx, lists, idir); err != nil {
			return nil, fmt.Errorf("index: %w", err)
		}
		ents, err := os.ReadDir(idir)
		if err != nil {
			return nil, fmt.Errorf("index: %w", err)
		}
		n := 0
		for _, e := range ents {
			if e.IsDir() && !strings.HasPrefix(e.Name(), ".") {
				fmt.Fprintf(content, "index %s\n", e.Name())
				n++
			}
		}
		if n == 0 {
			return nil, fmt.Errorf("index: nothing was written to %s", idir)
		}
		m.Index = indexDir
	}
	files, err := listFiles(ctx, tmp)
	if err != nil {
		return nil, err
	}
	m.Files = files
	m.Content = hex.EncodeToString(content.Sum(nil))
	return m, nil
}

// listFiles returns every regular file under root with its size and
// sha256, sorted by path. Anything else (a symbolic link, a device) is an
// error: a snapshot holds plain files only.
func listFiles(ctx context.Context, root string) ([]File, error) {
	var out []File
	err := filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if err := ctx.Err(); err != nil {
			return err
		}
		if d.IsDir() {
			return nil
		}
		rel, err := filepath.Rel(root, p)
		if err != nil {
			return err
		}
		if !d.Type().IsRegular() {
			return fmt.Errorf("%s: not a regular file", rel)
		}
		sum, n, err := digestFile(p)
		if err != nil {
			return err
		}
		out = append(out, File{Path: filepath.ToSlash(rel), Size: n, SHA256: sum})
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("list snapshot files: %w", err)
	}
	slices.SortFunc(out, func(a, b File) int { return strings.Compare(a.Path, b.Path) })
	return out, nil
}

// writeGob writes v as gob and fsyncs the file.
func writeGob(p string, v any) error {
	f, err := os.Create(p)
	if err != nil {
		return err
	}
	w := bufio.NewWriterSize(f, 1<<20)
	if err := gob.NewEncoder(w).Encode(v); err != nil {
		f.Close()
		return fmt.Errorf("encode %s: %w", filepath.Base(p), err)
	}
	if err := w.Flush(); err != nil {
		f.Close()
		return err
	}
	if err := f.Sync(); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}

// copyFile copies src to dst, fsyncs it and returns its sha256.
func copyFile(src, dst string) (string, error) {
	in, err := os.Open(src)
	if err != nil {
		return "", err
	}
	defer in.Close()
	out, err := os.Create(dst)
	if err != nil {
		return "", err
	}
	h := sha256.New()
	if _, err := io.Copy(io.MultiWriter(out, h), in); err != nil {
		out.Close()
		return "", fmt.Errorf("copy %s: %w", src, err)
	}
	if err := out.Sync(); err != nil {
		out.Close()
		return "", err
	}
	if err := out.Close(); err != nil {
		return "", err
	}
	return hex.EncodeToString(h.Sum(nil)), nil
}

// writeFileSync writes and fsyncs a file.
func writeFileSync(p string, b []byte) error {
	f, err := os.Create(p)
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

// writeCurrent points CURRENT at id with an atomic rename of a file of a
// unique name, so that a reader sees either the old id or the new one.
func writeCurrent(dir, id string) error {
	tmp := filepath.Join(dir, tmpPrefix+CurrentFile+"-"+randHex(6))
	if err := writeFileSync(tmp, []byte(id+"\n")); err != nil {
		_ = os.Remove(tmp)
		return err
	}
	if err := os.Rename(tmp, filepath.Join(dir, CurrentFile)); err != nil {
		_ = os.Remove(tmp)
		return err
	}
	syncDir(dir)
	return nil
}

// syncDir fsyncs a directory so that a rename in it is durable (best
// effort: not every file system syncs directories).
func syncDir(dir string) {
	if d, err := os.Open(dir); err == nil {
		_ = d.Sync()
		d.Close()
	}
}

// prune removes the snapshots older than current beyond the keep-1 newest
// of them, and returns their ids. It never removes the snapshot CURRENT
// names: it re-reads CURRENT rather than trust its caller. A snapshot is
// renamed away before it is removed, so that no reader finds a half-removed
// snapshot under its id.
func prune(dir, current string, keep int) []string {
	if cur, err := Current(dir); err != nil || cur != current {
		return nil
	}
	ids, err := Snapshots(dir)
	if err != nil {
		return nil
	}
	var older []string
	for _, id := range ids {
		if id < current {
			older = append(older, id)
		}
	}
	var removed []string
	for i := 0; i < len(older)-(keep-1); i++ {
		gone := filepath.Join(dir, tmpPrefix+"old-"+older[i])
		if err := os.Rename(filepath.Join(dir, older[i]), gone); err != nil {
			continue
		}
		_ = os.RemoveAll(gone)
		removed = append(removed, older[i])
	}
	return removed
}

// cleanTemp removes work directories and files older than age (left by an
// interrupted publisher).
func cleanTemp(dir string, age time.Duration) {
	ents, err := os.ReadDir(dir)
	if err != nil {
		return
	}
	for _, e := range ents {
		if !strings.HasPrefix(e.Name(), tmpPrefix) {
			continue
		}
		if fi, err := e.Info(); err == nil && time.Since(fi.ModTime()) > age {
			_ = os.RemoveAll(filepath.Join(dir, e.Name()))
		}
	}
}
