package engine

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"

	"github.com/screen-compliance/screen/entity"
	"github.com/screen-compliance/screen/index"
	"github.com/screen-compliance/screen/names"
)

// Published is one published list snapshot: lists read together from one
// version, with the index prebuilt for them, as a publisher job writes it
// for several screening processes (package lists/snapshot).
type Published struct {
	// ID names the snapshot. Every decision made on it carries it as its
	// provenance's snapshot.
	ID string
	// Lists are the snapshot's lists.
	Lists []*entity.List
	// IndexDir holds the indexes prebuilt for the lists, laid out as
	// WithIndexCache keeps them ("" when there is none). The engine opens
	// the one built from exactly its lists and name vocabulary, read-only,
	// and never writes there; when there is none, it indexes the lists
	// itself (in WithIndexCache, WithIndexDir or in memory).
	IndexDir string
	// Ownership are ownership files published with the lists, added to
	// the relationship graph like WithOwnershipFiles.
	Ownership []string
}

// PublishedSource loads the published snapshot in use now. New and every
// Reload call it once, so that the lists, their index and the snapshot id
// that decisions name always come from one snapshot. An error fails New,
// and makes Reload keep the snapshot it had.
type PublishedSource func(ctx context.Context) (*Published, error)

// WithPublished screens against published list snapshots: src is read at
// New and at every Reload. Other list sources may be combined with it (the
// prebuilt index then does not fit, and the lists are indexed at load).
func WithPublished(src PublishedSource) Option { return func(c *config) { c.published = src } }

// loadPublished reads the published snapshot, or returns nil without a
// PublishedSource.
func (e *Engine) loadPublished(ctx context.Context) (*Published, error) {
	if e.cfg.published == nil {
		return nil, nil
	}
	p, err := e.cfg.published(ctx)
	if err != nil {
		return nil, fmt.Errorf("load published lists: %w", err)
	}
	if p == nil {
		return nil, errors.New("load published lists: the source returned no snapshot")
	}
	return p, nil
}

// openPrebuilt opens the index that the published snapshot p holds for
// exactly the lists all and the vocabulary v, read-only. ok is false when
// p holds no such index (another name vocabulary, other lists): the caller
// indexes the lists itself. An index that is there but does not open is an
// error, so that a damaged snapshot is refused rather than half used.
func (e *Engine) openPrebuilt(ctx context.Context, p *Published, all []*entity.List, v *names.Vocabulary) (bi *BuiltIndex, ok bool, err error) {
	if p == nil || p.IndexDir == "" || !cacheable(all) {
		return nil, false, nil
	}
	dir := filepath.Join(p.IndexDir, cachePrefix+indexKey(all, v))
	if _, err := os.Stat(dir); errors.Is(err, fs.ErrNotExist) {
		e.cfg.logger.Warn("the published snapshot holds no index for these lists and this name vocabulary; indexing them here",
			"snapshot", p.ID, "index_dir", p.IndexDir)
		return nil, false, nil
	} else if err != nil {
		return nil, false, fmt.Errorf("published snapshot %s: %w", p.ID, err)
	}
	ix, err := index.OpenWith(ctx, dir, v)
	if err != nil {
		return nil, false, fmt.Errorf("published snapshot %s: %w", p.ID, err)
	}
	return &BuiltIndex{Index: ix, Dir: dir, Cached: true}, true, nil
}
