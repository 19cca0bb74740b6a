package engine

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"github.com/screen-compliance/screen/entity"
	"github.com/screen-compliance/screen/index"
	"github.com/screen-compliance/screen/names"
)

// WithIndexCache keeps built indexes in dir, keyed by the exact lists they
// were built from (names, versions, file digests, entity counts): a later
// New or Reload on the same lists opens the index read-only in milliseconds
// instead of rebuilding it, and a list update rebuilds it automatically.
// Older indexes in dir are removed.
func WithIndexCache(dir string) Option { return func(c *config) { c.indexCache = dir } }

// indexKey identifies the content of lists, and the name vocabulary they
// are analysed with, for the index cache.
func indexKey(ls []*entity.List, v *names.Vocabulary) string {
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
	h := sha256.Sum256([]byte(Version + "\n" + v.Digest() + "\n" + strings.Join(lines, "\n")))
	return hex.EncodeToString(h[:10])
}

// cachedIndex opens the cached index of ls, building and caching it first
// when there is none. Lists without file digests (in-memory lists) are not
// cached.
func (e *Engine) cachedIndex(ctx context.Context, ls []*entity.List, v *names.Vocabulary) (*index.Index, error) {
	for _, l := range ls {
		if len(l.Meta.Files) == 0 && !l.Meta.Builtin {
			return index.Build(ctx, ls, index.Options{Vocabulary: v})
		}
	}
	dir := filepath.Join(e.cfg.indexCache, "index-"+indexKey(ls, v))
	if ix, err := index.OpenWith(ctx, dir, v); err == nil {
		e.cfg.logger.Debug("index opened from cache", "dir", dir)
		return ix, nil
	}
	if err := os.MkdirAll(e.cfg.indexCache, 0o755); err != nil {
		return nil, fmt.Errorf("index cache: %w", err)
	}
	tmp, err := os.MkdirTemp(e.cfg.indexCache, ".build-")
	if err != nil {
		return nil, fmt.Errorf("index cache: %w", err)
	}
	defer os.RemoveAll(tmp)
	ix, err := index.Build(ctx, ls, index.Options{Dir: filepath.Join(tmp, "ix"), Vocabulary: v})
	if err != nil {
		return nil, err
	}
	if err := ix.Close(); err != nil {
		return nil, err
	}
	if err := os.Rename(filepath.Join(tmp, "ix"), dir); err != nil && !os.IsExist(err) {
		// Another process may have cached the same lists meanwhile: use its index.
		if _, statErr := os.Stat(dir); statErr != nil {
			return nil, fmt.Errorf("index cache: %w", err)
		}
	}
	e.pruneIndexCache(dir)
	return index.OpenWith(ctx, dir, v)
}

// pruneIndexCache removes cached indexes other than keep.
func (e *Engine) pruneIndexCache(keep string) {
	old, _ := filepath.Glob(filepath.Join(e.cfg.indexCache, "index-*"))
	for _, d := range old {
		if d != keep {
			os.RemoveAll(d)
		}
	}
}
