package engine

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/screen-compliance/screen/entity"
	"github.com/screen-compliance/screen/index"
	"github.com/screen-compliance/screen/names"
)

const (
	// indexCacheKeep is how many cached indexes, by last use, the index
	// cache keeps when it removes old ones: the one just built and those of
	// the list versions before it, which the list store keeps too, for
	// readers that opened them a moment ago.
	indexCacheKeep = 3
	// indexCacheGrace is how long after its last use a cached index is
	// never removed, whatever indexCacheKeep says: another process may be
	// opening it.
	indexCacheGrace = time.Hour
)

// Names in an index cache directory.
const (
	cachePrefix = "index-"  // a complete index, named by indexKey
	buildPrefix = ".build-" // a private build directory, renamed into place
	stalePrefix = ".stale-" // an index being removed (renamed away first)
)

// WithIndexCache keeps built indexes in dir, keyed by the exact lists they
// were built from (names, versions, file digests, entity counts) and the
// name vocabulary: a later New, Reload or BuildIndex on the same lists
// opens the index read-only in milliseconds instead of rebuilding it, and a
// list update rebuilds it automatically. An index is built in a private
// directory and renamed into place, so that no process ever opens a
// partial one. Opening an index marks it used. After a build, old indexes
// are removed, except the three most recently used (the new one and those
// of the two list versions before it, which the list store keeps too) and
// any used within the last hour, which another process may be opening;
// with WithIndexCacheLock, only while holding that lock.
// WithIndexCache("") turns the cache off again.
func WithIndexCache(dir string) Option { return func(c *config) { c.indexCache = dir } }

// CacheLock takes a lock that serialises the removal of old cached indexes
// with whatever else must not run alongside it, without waiting: it returns
// an error when the lock is held elsewhere. unlock releases it.
type CacheLock func(ctx context.Context) (unlock func(), err error)

// WithIndexCacheLock makes the index cache remove old indexes only while
// holding lock; when lock fails, nothing is removed and a later build tries
// again. The CLI passes the list store's lock, so that old indexes are
// removed only while no import, update or index build runs on the store.
func WithIndexCacheLock(lock CacheLock) Option { return func(c *config) { c.cacheLock = lock } }

// indexKey identifies, for the index cache and published snapshots, the
// content of lists, the name vocabulary they are analysed with and the
// index layout (index.FormatVersion): after an upgrade that changes the
// layout, an index of the old one is not found (and an index is built),
// rather than found and refused as damaged.
func indexKey(ls []*entity.List, v *names.Vocabulary) string {
	return indexKeyFor(ls, v, index.FormatVersion)
}

// indexKeyFor is indexKey for an index layout of version format.
func indexKeyFor(ls []*entity.List, v *names.Vocabulary, format int) string {
	lines := make([]string, 0, len(ls))
	for _, l := range ls {
		var files []string
		for _, f := range l.Meta.Files {
			files = append(files, f.SHA256)
		}
		sort.Strings(files)
		lines = append(lines, fmt.Sprintf("%s|%s|%d|%s", l.Meta.Name, l.Meta.Version, len(l.Entities), strings.Join(files, ",")))
	}
	sort.Strings(lines)
	h := sha256.Sum256([]byte(Version + "\n" + strconv.Itoa(format) + "\n" + v.Digest() + "\n" + strings.Join(lines, "\n")))
	return hex.EncodeToString(h[:10])
}

// cacheable reports whether the index of ls can be cached: every list has
// file digests (or is the built-in list), so that its key names its
// content. Lists parsed in memory are indexed anew each time.
func cacheable(ls []*entity.List) bool {
	return !slices.ContainsFunc(ls, func(l *entity.List) bool { return len(l.Meta.Files) == 0 && !l.Meta.Builtin })
}

// cachedIndex opens the cached index of ls, building and caching it first
// when there is none.
func (e *Engine) cachedIndex(ctx context.Context, ls []*entity.List, v *names.Vocabulary) (*BuiltIndex, error) {
	cache := e.cfg.indexCache
	dir := filepath.Join(cache, cachePrefix+indexKey(ls, v))
	if ix, err := index.OpenWith(ctx, dir, v); err == nil {
		e.cfg.logger.Debug("index opened from cache", "dir", dir)
		touch(dir)
		return &BuiltIndex{Index: ix, Dir: dir, Cached: true}, nil
	}
	if err := os.MkdirAll(cache, 0o755); err != nil {
		return nil, fmt.Errorf("index cache: %w", err)
	}
	tmp, err := os.MkdirTemp(cache, buildPrefix)
	if err != nil {
		return nil, fmt.Errorf("index cache: %w", err)
	}
	defer os.RemoveAll(tmp)
	built := filepath.Join(tmp, "ix")
	ix, err := index.Build(ctx, ls, index.Options{Dir: built, Vocabulary: v})
	if err != nil {
		return nil, err
	}
	if err := ix.Close(); err != nil {
		return nil, fmt.Errorf("index cache: close %s: %w", built, err)
	}
	if err := install(ctx, built, dir, v); err != nil {
		return nil, err
	}
	touch(dir)
	e.pruneIndexCache(ctx, dir)
	ix, err = index.OpenWith(ctx, dir, v)
	if err != nil {
		return nil, fmt.Errorf("index cache: %w", err)
	}
	return &BuiltIndex{Index: ix, Dir: dir}, nil
}

// install renames the index built in built to dir. When dir exists (another
// process cached the same lists meanwhile) that index is used; when it
// cannot be opened (left by an older build, damaged), it is moved away and
// replaced.
func install(ctx context.Context, built, dir string, v *names.Vocabulary) error {
	err := os.Rename(built, dir)
	if err == nil {
		return nil
	}
	if _, statErr := os.Stat(dir); statErr != nil {
		return fmt.Errorf("index cache: %w", err)
	}
	if ix, openErr := index.OpenWith(ctx, dir, v); openErr == nil {
		return ix.Close()
	}
	if err := ctx.Err(); err != nil {
		return err
	}
	stale, err := os.MkdirTemp(filepath.Dir(dir), stalePrefix)
	if err != nil {
		return fmt.Errorf("index cache: %w", err)
	}
	defer os.RemoveAll(stale)
	if err := os.Rename(dir, filepath.Join(stale, "ix")); err != nil && !errors.Is(err, os.ErrNotExist) {
		return fmt.Errorf("index cache: replace %s: %w", dir, err)
	}
	if err := os.Rename(built, dir); err != nil {
		if _, statErr := os.Stat(dir); statErr != nil {
			return fmt.Errorf("index cache: %w", err)
		}
	}
	return nil
}

// touch marks a cached index as used now (best effort: a read-only cache is
// simply not marked).
func touch(dir string) {
	now := time.Now()
	_ = os.Chtimes(dir, now, now)
}

// pruneIndexCache removes old cached indexes: it keeps keep, the
// indexCacheKeep most recently used ones and every one used within
// indexCacheGrace, and removes build and removal leftovers older than
// indexCacheGrace. With a cache lock, it runs only while holding it.
func (e *Engine) pruneIndexCache(ctx context.Context, keep string) {
	if e.cfg.cacheLock != nil {
		unlock, err := e.cfg.cacheLock(ctx)
		if err != nil {
			e.cfg.logger.Debug("index cache not pruned", "dir", e.cfg.indexCache, "err", err)
			return
		}
		defer unlock()
	}
	for _, d := range staleIndexes(e.cfg.indexCache, keep, time.Now()) {
		// Rename first, so that no process finds a half-removed index
		// under its name (and, where open files cannot be moved, an index
		// in use stays).
		gone := filepath.Join(filepath.Dir(d), stalePrefix+filepath.Base(d))
		if strings.HasPrefix(filepath.Base(d), cachePrefix) {
			if err := os.Rename(d, gone); err != nil {
				continue
			}
			d = gone
		}
		if err := os.RemoveAll(d); err != nil {
			e.cfg.logger.Debug("index cache: remove", "dir", d, "err", err)
		}
	}
}

// staleIndexes lists what pruning the cache in dir at now removes.
func staleIndexes(dir, keep string, now time.Time) []string {
	type entry struct {
		path string
		used time.Time
	}
	var indexes []entry
	var out []string
	ents, _ := os.ReadDir(dir)
	for _, de := range ents {
		fi, err := de.Info()
		if err != nil || !fi.IsDir() {
			continue
		}
		p := filepath.Join(dir, de.Name())
		switch name := de.Name(); {
		case strings.HasPrefix(name, cachePrefix):
			if p != keep {
				indexes = append(indexes, entry{p, fi.ModTime()})
			}
		case strings.HasPrefix(name, buildPrefix), strings.HasPrefix(name, stalePrefix):
			if now.Sub(fi.ModTime()) > indexCacheGrace {
				out = append(out, p)
			}
		}
	}
	sort.Slice(indexes, func(i, j int) bool { return indexes[i].used.After(indexes[j].used) })
	for i, ix := range indexes {
		if i+1 >= indexCacheKeep && now.Sub(ix.used) > indexCacheGrace {
			out = append(out, ix.path)
		}
	}
	return out
}
