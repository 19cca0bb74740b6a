package index

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"sync"

	"github.com/blevesearch/bleve/v2"
	bleveindex "github.com/blevesearch/bleve_index_api"
)

// An index of many names is built as a few Bleve indexes (parts) at the
// same time, because Bleve's offline builder runs on one goroutine: it was
// two thirds of building the UN + OFAC SDN index. Part p holds the name
// documents of partRange(p); a term's postings are those of every part.
const (
	// buildParts is the number of parts of an index of at least
	// partMinDocs name documents. It does not follow the CPUs, so that an
	// index (and a published snapshot's) has the same layout wherever it
	// is built.
	buildParts = 2
	// partMinDocs is the fewest name documents split into parts.
	partMinDocs = 8000
)

// part is one Bleve index of an Index and its name documents.
type part struct {
	bl  bleve.Index
	adv bleveindex.Index
	// docs maps Bleve's internal document number to the name document
	// (an index into snapshot.Docs).
	docs []int32
}

// partsFor returns the number of parts of an index of n name documents.
func partsFor(n int) int {
	if n < partMinDocs {
		return 1
	}
	return buildParts
}

// partRange returns the name documents [lo, hi) of part p of parts, for
// n documents in all.
func partRange(p, parts, n int) (lo, hi int) {
	return p * n / parts, (p + 1) * n / parts
}

// partDir is the directory of part p under an index directory: "bleve"
// for the first (as an index of one part has always been), "bleve-P" for
// the others.
func partDir(dir string, p int) string {
	if p == 0 {
		return filepath.Join(dir, bleveDir)
	}
	return filepath.Join(dir, bleveDir+"-"+strconv.Itoa(p))
}

// removeParts removes the parts of an index directory, up to maxParts.
func removeParts(dir string) error {
	for p := range maxParts {
		if err := os.RemoveAll(partDir(dir, p)); err != nil {
			return fmt.Errorf("remove old index %s: %w", partDir(dir, p), err)
		}
	}
	return nil
}

// maxParts bounds the parts an index directory may hold.
const maxParts = 64

// buildDiskParts writes the documents keys as parts Bleve indexes under
// dir, all at the same time.
func buildDiskParts(ctx context.Context, dir string, keys [][]string, parts int) error {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	errs := make([]error, parts)
	var wg sync.WaitGroup
	for p := range parts {
		wg.Go(func() {
			lo, hi := partRange(p, parts, len(keys))
			if errs[p] = buildDisk(ctx, partDir(dir, p), keys, lo, hi); errs[p] != nil {
				cancel()
			}
		})
	}
	wg.Wait()
	// The first part's error, unless it only stopped for another's; when
	// every part stopped for the caller's cancellation, that once.
	var stopped error
	for _, err := range errs {
		switch {
		case err == nil:
		case !errors.Is(err, context.Canceled):
			return err
		case stopped == nil:
			stopped = err
		}
	}
	return stopped
}

// openParts opens the parts Bleve indexes under dir, read-only.
func openParts(dir string, parts int) ([]bleve.Index, error) {
	if parts < 1 || parts > maxParts {
		return nil, fmt.Errorf("open index %s: %d parts: rebuild the index", dir, parts)
	}
	var bls []bleve.Index
	for p := range parts {
		bp := partDir(dir, p)
		if _, err := os.Stat(bp); err != nil {
			closeAll(bls)
			return nil, fmt.Errorf("open index %s: %w", dir, err)
		}
		bl, err := bleve.OpenUsing(bp, map[string]any{"read_only": true})
		if err != nil {
			closeAll(bls)
			return nil, fmt.Errorf("open bleve index %s: %w", bp, err)
		}
		bls = append(bls, bl)
	}
	return bls, nil
}

// Close closes the part's Bleve index.
func (p part) Close() error { return p.bl.Close() }

// closeAll closes every one of cs (Bleve indexes, readers, parts),
// returning the first error.
func closeAll[C io.Closer](cs []C) error {
	var first error
	for _, c := range cs {
		if err := c.Close(); err != nil && first == nil {
			first = err
		}
	}
	return first
}
