// Package index retrieves candidate entities for a name from a Bleve index
// of every entity name's analysed forms (tokens, transliterations, phonetic
// keys, merged tokens) and identifiers, then rescores the candidates with
// package names. An index built with a directory is persisted beside a
// snapshot of what rescoring needs, so Open does not re-parse list files.
package index

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"math"
	"math/bits"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"sort"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"

	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/analysis/analyzer/keyword"
	"github.com/blevesearch/bleve/v2/index/scorch"
	"github.com/blevesearch/bleve/v2/mapping"
	bleveindex "github.com/blevesearch/bleve_index_api"

	"github.com/screen-compliance/screen/entity"
	"github.com/screen-compliance/screen/names"
)

// Files inside an index directory.
const (
	bleveDir     = "bleve"
	snapshotFile = "snapshot.gob"
	keyField     = "k"
)

// Retrieval tuning.
const (
	// candidates is how many name documents the exact-term step retrieves
	// for rescoring.
	candidates = 20
	// commonDF is the document frequency above which a term is "common":
	// it is used only when the query has no rarer term.
	commonDF = 500
	// memMaxDocs is the most name documents indexed in memory when no
	// directory is given; larger indexes go to a temporary directory.
	memMaxDocs = 5000
	// memBatchSize is the number of name documents per in-memory batch:
	// each batch becomes a segment (searched term by term), while one huge
	// batch raises peak memory.
	memBatchSize = 8000
	// typoWeight scales the retrieval weight of typo-key matches.
	typoWeight = 0.5
	// batchSize is the number of name documents the offline builder
	// writes per segment before merging them (smaller batches keep memory
	// low while building: two parts built at once with 1,000 each peak
	// below one built with 2,000, and take as long).
	batchSize = 1000
)

// Options configure Build.
type Options struct {
	// Dir is the directory the index is written to. With "" a small index
	// is kept in memory and a large one in a private temporary directory
	// removed by Close.
	Dir string
	// Vocabulary analyses the listed names and, later, the queries (nil:
	// names.DefaultVocabulary). An index on disk records its digest and
	// opens only with the same vocabulary.
	Vocabulary *names.Vocabulary
	// parts, when set, is the number of parts of an index on disk
	// (tests; 0: partsFor).
	parts int
}

// SearchOptions configure one Search.
type SearchOptions struct {
	// Limit caps the hits returned (0 = 10).
	Limit int
	// MinScore drops hits scoring below it.
	MinScore float64
}

// Hit is one entity found for a query, with its score and explanation.
type Hit struct {
	Entity *entity.Entity
	names.Result
}

// Index is a searchable set of entities. It is safe for concurrent Search.
type Index struct {
	// vocab analyses queries as the listed names were analysed
	vocab *names.Vocabulary
	// parts are the Bleve indexes of the name documents (parts.go)
	parts []part
	snap  *snapshot
	byID  map[string]int
	// facts[i] is what scoring reads of snap.Entities[i] beside its names
	facts []names.Facts
	// scratch pools per-search working memory.
	scratch sync.Pool
	// terms finds a term hash in snap.Terms (termPos).
	terms termTable
	// postings caches the decoded Bleve posting list of each term looked
	// up so far, in the slot of its hash's position in snap.Terms. The
	// index is read-only, so a list never changes once read; the cache is
	// bounded by the index's own size. A term whose hash's slot holds
	// another term (a hash collision) is cached in collided instead.
	postings []atomic.Pointer[termPostings]
	collided sync.Map // term -> []int32
	// fuzzy is the token dictionary of the fuzzy fallback, built once on
	// first use.
	fuzzy    *fuzzyDict
	dictOnce sync.Once
	closed   atomic.Bool
	once     sync.Once
	cerr     error
	// tmpDir is the private directory of an index built without Dir, removed
	// by Close.
	tmpDir string
}

// Build indexes the entities of the lists. With opts.Dir set, the index and
// its snapshot are written there (replacing an index already there) and the
// returned Index reads from disk.
func Build(ctx context.Context, ls []*entity.List, opts Options) (*Index, error) {
	v := opts.Vocabulary
	if v == nil {
		v = names.DefaultVocabulary()
	}
	snap := &snapshot{Version: snapshotVersion, Vocabulary: v.Digest()}
	seen := map[string]bool{}
	for _, l := range ls {
		if l == nil {
			continue
		}
		snap.Lists = append(snap.Lists, l.Meta)
		for i := range l.Entities {
			e := l.Entities[i]
			if e.ID == "" {
				return nil, fmt.Errorf("list %s: entity %d has no id", l.Meta.Name, i)
			}
			if seen[e.ID] {
				return nil, fmt.Errorf("list %s: duplicate entity id %s", l.Meta.Name, e.ID)
			}
			seen[e.ID] = true
			if e.List == "" {
				e.List = l.Meta.Name
			}
			snap.Entities = append(snap.Entities, e)
		}
	}
	docKeys, err := analyzeEntities(ctx, v, snap)
	if err != nil {
		return nil, err
	}
	nDocs, nTerms := 0, 0
	for _, ds := range docKeys {
		for _, ks := range ds {
			if len(ks) > 0 {
				nDocs++
				nTerms += len(ks)
			}
		}
	}
	keys := make([][]string, 0, nDocs)
	snap.Docs = make([]nameRef, 0, nDocs)
	snap.Terms = make([]uint64, 0, nTerms)
	for i := range snap.Entities {
		for j, ks := range docKeys[i] {
			if len(ks) == 0 {
				continue
			}
			snap.Docs = append(snap.Docs, nameRef{Entity: int32(i), Name: int32(j)})
			keys = append(keys, ks)
			for _, k := range ks {
				snap.Terms = append(snap.Terms, termHash(k))
			}
		}
	}
	slices.Sort(snap.Terms)
	snap.Terms = slices.Compact(snap.Terms)
	if opts.Dir == "" && len(keys) <= memMaxDocs {
		bl, err := buildMem(ctx, keys)
		if err != nil {
			return nil, err
		}
		snap.Parts = 1
		return newIndex([]bleve.Index{bl}, snap, v)
	}
	snap.Parts = partsFor(len(keys))
	if opts.parts > 0 {
		snap.Parts = min(opts.parts, maxParts, len(keys))
	}
	if opts.Dir == "" {
		// A large index without a directory is built by the offline
		// builder into a private temporary directory (one merged segment
		// per part, memory-mapped) that Close removes: an in-memory scorch
		// index of UN + OFAC peaks at several hundred MB while building.
		tmp, err := os.MkdirTemp("", "screen-index-")
		if err != nil {
			return nil, fmt.Errorf("index temporary dir: %w", err)
		}
		if err := buildDiskParts(ctx, tmp, keys, snap.Parts); err != nil {
			os.RemoveAll(tmp)
			return nil, err
		}
		bls, err := openParts(tmp, snap.Parts)
		if err != nil {
			os.RemoveAll(tmp)
			return nil, err
		}
		ix, err := newIndex(bls, snap, v)
		if err != nil {
			os.RemoveAll(tmp)
			return nil, err
		}
		ix.tmpDir = tmp
		return ix, nil
	}
	if err := os.MkdirAll(opts.Dir, 0o755); err != nil {
		return nil, fmt.Errorf("index dir %s: %w", opts.Dir, err)
	}
	if err := removeParts(opts.Dir); err != nil {
		return nil, err
	}
	if err := buildDiskParts(ctx, opts.Dir, keys, snap.Parts); err != nil {
		return nil, err
	}
	if err := writeSnapshot(filepath.Join(opts.Dir, snapshotFile), snap); err != nil {
		return nil, err
	}
	return OpenWith(ctx, opts.Dir, v)
}

// buildMem indexes the documents in memory in one batch, so the index is
// one segment (searching many small segments costs more per term).
func buildMem(ctx context.Context, keys [][]string) (bleve.Index, error) {
	// scorch keeps an index without a path in memory; bleve's NewMemOnly
	// (upsidedown on a treap) is an order of magnitude slower to search.
	bl, err := bleve.NewUsing("", indexMapping(), scorch.Name, scorch.Name, nil)
	if err != nil {
		return nil, fmt.Errorf("create bleve index: %w", err)
	}
	for start := 0; start < len(keys); start += memBatchSize {
		if err := ctx.Err(); err != nil {
			bl.Close()
			return nil, err
		}
		b := bl.NewBatch()
		for i := start; i < min(start+memBatchSize, len(keys)); i++ {
			v, err := joinKeys(keys[i])
			if err != nil {
				bl.Close()
				return nil, fmt.Errorf("index document %d: %w", i, err)
			}
			if err := b.Index(strconv.Itoa(i), map[string]any{keyField: v}); err != nil {
				bl.Close()
				return nil, fmt.Errorf("index document %d: %w", i, err)
			}
		}
		if err := bl.Batch(b); err != nil {
			bl.Close()
			return nil, fmt.Errorf("index batch at %d: %w", start, err)
		}
	}
	return bl, nil
}

// buildDisk writes the documents keys[lo:hi] with Bleve's offline
// builder, which merges them into one segment. The builder's working
// directory is one of ours, so that a build that fails or is cancelled is
// abandoned (its segments removed) rather than closed: closing would merge
// what was written for nothing, and Bleve's Builder.Close panics when no
// segment was written yet.
func buildDisk(ctx context.Context, path string, keys [][]string, lo, hi int) error {
	work, err := os.MkdirTemp("", "screen-index-build-")
	if err != nil {
		return fmt.Errorf("index build dir: %w", err)
	}
	defer os.RemoveAll(work)
	b, err := bleve.NewBuilder(path, indexMapping(), map[string]any{"batchSize": batchSize, "mergeMax": 64, "buildPathPrefix": work})
	if err != nil {
		return fmt.Errorf("create bleve index %s: %w", path, err)
	}
	for i := lo; i < hi; i++ {
		if i%512 == 0 {
			if err := ctx.Err(); err != nil {
				return err
			}
		}
		v, err := joinKeys(keys[i])
		if err != nil {
			return fmt.Errorf("index document %d: %w", i, err)
		}
		if err := b.Index(strconv.Itoa(i), map[string]any{keyField: v}); err != nil {
			return fmt.Errorf("index document %d: %w", i, err)
		}
	}
	if err := b.Close(); err != nil {
		return fmt.Errorf("write bleve index %s: %w", path, err)
	}
	return nil
}

// Open opens an index written by Build with a directory, read-only, for
// the built-in name vocabulary.
func Open(ctx context.Context, dir string) (*Index, error) {
	return OpenWith(ctx, dir, nil)
}

// OpenWith opens an index written by Build with a directory, read-only. v
// (nil: names.DefaultVocabulary) must be the vocabulary the index was
// built with, else the index must be rebuilt.
func OpenWith(ctx context.Context, dir string, v *names.Vocabulary) (*Index, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	if v == nil {
		v = names.DefaultVocabulary()
	}
	snap, err := readSnapshot(filepath.Join(dir, snapshotFile))
	if err != nil {
		return nil, err
	}
	if snap.Vocabulary != v.Digest() {
		return nil, fmt.Errorf("open index %s: built with another name vocabulary: rebuild the index", dir)
	}
	bls, err := openParts(dir, snap.Parts)
	if err != nil {
		return nil, err
	}
	return newIndex(bls, snap, v)
}

// newIndex wraps the open Bleve indexes of the parts of snap and maps
// Bleve's internal document numbers to name documents. It closes bls when
// it fails.
func newIndex(bls []bleve.Index, snap *snapshot, v *names.Vocabulary) (*Index, error) {
	ix := &Index{vocab: v, snap: snap, byID: make(map[string]int, len(snap.Entities)),
		terms: newTermTable(snap.Terms), postings: make([]atomic.Pointer[termPostings], len(snap.Terms))}
	ix.scratch.New = func() any { return &scratch{} }
	ix.facts = make([]names.Facts, len(snap.Entities))
	for i := range snap.Entities {
		ix.byID[snap.Entities[i].ID] = i
		ix.facts[i] = names.NewFacts(&snap.Entities[i])
	}
	if len(bls) != snap.Parts {
		closeAll(bls)
		return nil, fmt.Errorf("bleve index: %d parts for a snapshot of %d: rebuild the index", len(bls), snap.Parts)
	}
	for p, bl := range bls {
		pt, err := openPart(bl, snap, p)
		if err != nil {
			closeAll(bls)
			return nil, err
		}
		ix.parts = append(ix.parts, pt)
	}
	return ix, nil
}

// openPart maps the internal document numbers of part p, the Bleve index
// bl, to its name documents.
func openPart(bl bleve.Index, snap *snapshot, p int) (part, error) {
	adv, err := bl.Advanced()
	if err != nil {
		return part{}, fmt.Errorf("bleve index: %w", err)
	}
	r, err := adv.Reader()
	if err != nil {
		return part{}, fmt.Errorf("bleve reader: %w", err)
	}
	defer r.Close()
	lo, hi := partRange(p, snap.Parts, len(snap.Docs))
	if n, err := r.DocCount(); err != nil || n != uint64(hi-lo) {
		return part{}, fmt.Errorf("bleve index part %d holds %d documents for %d names (%v): rebuild the index", p, n, hi-lo, err)
	}
	pt := part{bl: bl, adv: adv}
	for i := lo; i < hi; i++ {
		id, err := r.InternalID(strconv.Itoa(i))
		if err != nil || len(id) != 8 {
			return part{}, fmt.Errorf("bleve index: document %d missing (%v): rebuild the index", i, err)
		}
		num := id.Value()
		if num > uint64(4*(hi-lo)+1024) {
			return part{}, fmt.Errorf("bleve index: document number %d out of range: rebuild the index", num)
		}
		for uint64(len(pt.docs)) <= num {
			pt.docs = append(pt.docs, -1)
		}
		pt.docs[num] = int32(i)
	}
	return pt, nil
}

// indexMapping indexes one field of exact terms (joinKeys, split again by
// keysAnalyzer), nothing stored, and no composite "_all" field.
func indexMapping() mapping.IndexMapping {
	m := bleve.NewIndexMapping()
	m.DefaultAnalyzer = keyword.Name
	m.StoreDynamic = false
	m.IndexDynamic = false
	m.DocValuesDynamic = false
	dm := bleve.NewDocumentStaticMapping()
	fm := bleve.NewTextFieldMapping()
	fm.Analyzer = keysAnalyzer
	fm.Store = false
	fm.IncludeInAll = false
	fm.IncludeTermVectors = false
	fm.DocValues = false
	dm.AddFieldMappingsAt(keyField, fm)
	dm.AddSubDocumentMapping("_all", bleve.NewDocumentDisabledMapping())
	m.DefaultMapping = dm
	return m
}

// analyzeEntities analyses the names of snap's entities into snap.Names
// and returns the exact terms of each (nameKeys), the entities shared out
// among up to GOMAXPROCS goroutines. What each entity gets does not depend
// on the sharing: analysing a name reads only the vocabulary.
func analyzeEntities(ctx context.Context, v *names.Vocabulary, snap *snapshot) ([][][]string, error) {
	n := len(snap.Entities)
	snap.Names = make([][]names.Name, n)
	keys := make([][][]string, n)
	workers := min(runtime.GOMAXPROCS(0), max(1, n/256))
	var next atomic.Int64
	var wg sync.WaitGroup
	for range workers {
		wg.Go(func() {
			for ctx.Err() == nil {
				start := int(next.Add(256)) - 256
				if start >= n {
					return
				}
				for i := start; i < min(start+256, n); i++ {
					snap.Names[i] = v.EntityNames(&snap.Entities[i])
					keys[i] = make([][]string, len(snap.Names[i]))
					for j := range snap.Names[i] {
						keys[i][j] = nameKeys(&snap.Entities[i], snap.Names[i], j)
					}
				}
			}
		})
	}
	wg.Wait()
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	return keys, nil
}

// nameKeys returns the exact terms of one entity name (a Bleve document):
// the name's keys and, on the primary name, the entity's normalised
// identifiers.
func nameKeys(e *entity.Entity, ns []names.Name, j int) []string {
	ks := append(ns[j].Analysis.Keys(), ns[j].Analysis.TypoKeys()...)
	if j == 0 {
		for _, id := range e.Identifiers {
			if n := names.NormalizeID(id.Value); len(n) >= 5 {
				ks = append(ks, "id:"+n)
			}
		}
	}
	sort.Strings(ks)
	return slices.Compact(ks)
}

// Vocabulary returns the name vocabulary the index was built with.
func (ix *Index) Vocabulary() *names.Vocabulary { return ix.vocab }

// Len returns the number of entities.
func (ix *Index) Len() int { return len(ix.snap.Entities) }

// Lists returns the metadata of the indexed lists.
func (ix *Index) Lists() []entity.Metadata { return append([]entity.Metadata(nil), ix.snap.Lists...) }

// Entity returns an entity by id.
func (ix *Index) Entity(id string) (*entity.Entity, bool) {
	i, ok := ix.byID[id]
	if !ok {
		return nil, false
	}
	return &ix.snap.Entities[i], true
}

// Entities calls fn for every entity in index order until fn returns false.
func (ix *Index) Entities(fn func(e *entity.Entity, ns []names.Name) bool) {
	for i := range ix.snap.Entities {
		if !fn(&ix.snap.Entities[i], ix.snap.Names[i]) {
			return
		}
	}
}

// Close releases the Bleve index. It is safe to call more than once.
func (ix *Index) Close() error {
	ix.once.Do(func() {
		ix.closed.Store(true)
		ix.cerr = closeAll(ix.parts)
		if ix.tmpDir != "" {
			if err := os.RemoveAll(ix.tmpDir); err != nil && ix.cerr == nil {
				ix.cerr = fmt.Errorf("remove index dir: %w", err)
			}
		}
	})
	return ix.cerr
}

// ErrClosed is returned by Search after Close.
var ErrClosed = errors.New("index closed")

// Search finds the entities matching q, best first (score descending, then
// entity id).
func (ix *Index) Search(ctx context.Context, q names.Query, opts SearchOptions) ([]Hit, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	if ix.closed.Load() {
		return nil, ErrClosed
	}
	limit := opts.Limit
	if limit <= 0 {
		limit = 10
	}
	sc := ix.vocab.NewScorer(q)
	defer sc.Release()
	// the candidates and their scores stay on the stack unless more than
	// these many are retrieved
	var docBuf [candidates]int
	var scoredBuf [2 * candidates]cand
	scored := scoredBuf[:0]
	if a := sc.Analysis(); len(a.Tokens) > 0 || len(q.IDs) > 0 {
		docs, err := ix.lookup(ctx, a, q.IDs, markKey(q.Name), candidates, docBuf[:0])
		if err != nil {
			return nil, err
		}
		if scored, err = ix.rescore(ctx, sc, docs, scored, opts.MinScore); err != nil {
			return nil, err
		}
		// last resort when no term or one-edit variant matched at all: long
		// tokens within two edits
		if len(docs) == 0 {
			docs, err := ix.fuzzyLookup(ctx, a, candidates, docBuf[:0])
			if err != nil {
				return nil, err
			}
			if scored, err = ix.rescore(ctx, sc, docs, scored, opts.MinScore); err != nil {
				return nil, err
			}
		}
	}
	cs := scored[:0]
	for _, c := range scored {
		if c.score < opts.MinScore || c.score <= 0 {
			continue
		}
		cs = append(cs, c)
	}
	slices.SortFunc(cs, func(a, b cand) int {
		if a.score != b.score {
			return cmp.Compare(b.score, a.score)
		}
		return strings.Compare(ix.snap.Entities[a.i].ID, ix.snap.Entities[b.i].ID)
	})
	if len(cs) > limit {
		cs = cs[:limit]
	}
	hits := make([]Hit, len(cs))
	for k, c := range cs {
		e := &ix.snap.Entities[c.i]
		hits[k] = Hit{Entity: e, Result: sc.ScoreFacts(e, &ix.facts[c.i], ix.snap.Names[c.i])}
	}
	return hits, nil
}

// cand is an entity scored for a query.
type cand struct {
	i     int // entity index
	score float64
}

// rescore appends to scored the entities of the retrieved name documents
// that are not scored yet, comparing the query with the retrieved names of
// each entity only (the final hits are rescored with all their names).
// A score under minScore may be any score under it (QuickPicked).
func (ix *Index) rescore(ctx context.Context, sc *names.Scorer, docs []int, scored []cand, minScore float64) ([]cand, error) {
	var buf [8]int32
	for k, d := range docs {
		if k%64 == 63 {
			if err := ctx.Err(); err != nil {
				return scored, err
			}
		}
		ent := int(ix.snap.Docs[d].Entity)
		if slices.ContainsFunc(scored, func(c cand) bool { return c.i == ent }) {
			continue
		}
		// the retrieved names of this entity, in retrieval order
		pick := buf[:0]
		for _, d2 := range docs[k:] {
			if r := ix.snap.Docs[d2]; int(r.Entity) == ent {
				pick = append(pick, r.Name)
			}
		}
		scored = append(scored, cand{ent, sc.QuickPicked(&ix.snap.Entities[ent], &ix.facts[ent], ix.snap.Names[ent], pick, minScore)})
	}
	return scored, ctx.Err()
}

// postings is one term's posting list.
type postings struct {
	term string
	docs []int32 // name documents holding the term, ascending
	typo bool
}

// termReader opens a Bleve reader of each part on first use, for the terms
// of one lookup that are not decoded yet.
type termReader struct {
	ix *Index
	rs []bleveindex.IndexReader
}

func (t *termReader) close() { closeAll(t.rs) }

// termPostings is a decoded posting list and its term.
type termPostings struct {
	term string
	docs []int32
}

// docsOf returns the name documents of term k, whose hash is at position
// pos of the snapshot's terms (-1: not known), decoding its Bleve posting
// list on first use and caching it.
func (t *termReader) docsOf(ctx context.Context, k string, pos int) ([]int32, error) {
	if pos >= 0 {
		if p := t.ix.postings[pos].Load(); p != nil && p.term == k {
			return p.docs, nil
		}
	}
	if v, ok := t.ix.collided.Load(k); ok {
		return v.([]int32), nil
	}
	if t.rs == nil {
		// a reader for every part or none: postings read from only some
		// parts would miss names
		rs := make([]bleveindex.IndexReader, 0, len(t.ix.parts))
		for _, pt := range t.ix.parts {
			r, err := pt.adv.Reader()
			if err != nil {
				closeAll(rs)
				return nil, fmt.Errorf("bleve reader: %w", err)
			}
			rs = append(rs, r)
		}
		t.rs = rs
	}
	var docs []int32
	for p, r := range t.rs {
		var err error
		if docs, err = appendPostings(ctx, docs, r, k, t.ix.parts[p].docs); err != nil {
			return nil, err
		}
	}
	slices.Sort(docs)
	docs = slices.Clip(docs)
	if pos >= 0 {
		if t.ix.postings[pos].CompareAndSwap(nil, &termPostings{term: k, docs: docs}) || t.ix.postings[pos].Load().term == k {
			return docs, nil
		}
	}
	t.ix.collided.Store(k, docs)
	return docs, nil
}

// appendPostings appends to docs the name documents of the postings of
// term k in the part read by r, whose internal numbers docNums maps.
func appendPostings(ctx context.Context, docs []int32, r bleveindex.IndexReader, k string, docNums []int32) ([]int32, error) {
	tfr, err := r.TermFieldReader(ctx, []byte(k), keyField, false, false, false)
	if err != nil {
		return nil, fmt.Errorf("bleve term %q: %w", k, err)
	}
	defer tfr.Close()
	docs = slices.Grow(docs, int(tfr.Count()))
	var doc bleveindex.TermFieldDoc
	for {
		d, err := tfr.Next(&doc)
		if err != nil {
			return nil, fmt.Errorf("bleve postings %q: %w", k, err)
		}
		if d == nil {
			return docs, nil
		}
		num := d.ID.Value()
		if num >= uint64(len(docNums)) || docNums[num] < 0 {
			continue
		}
		docs = append(docs, docNums[num])
	}
}

// termTable finds term hashes in the sorted hashes of the snapshot through
// an open-addressing table: slot h&mask (then the next ones) holds a tag
// (the hash's high bits) above a hash's position plus one, so that a term
// the index lacks (most typo keys, most words of names on no list) is
// usually refused after reading one slot, and a term it holds is found
// after one slot and one check of its hash.
type termTable struct {
	hashes  []uint64
	slots   []uint32
	mask    uint64
	posBits uint // the low posBits bits of a slot are the position plus one
}

func newTermTable(hashes []uint64) termTable {
	n := 1 << 10
	for n < 2*len(hashes)+1 {
		n <<= 1
	}
	t := termTable{hashes: hashes, slots: make([]uint32, n), mask: uint64(n - 1),
		posBits: uint(bits.Len(uint(len(hashes) + 1)))}
	for i, h := range hashes {
		k := h & t.mask
		for t.slots[k] != 0 {
			k = (k + 1) & t.mask
		}
		t.slots[k] = t.tag(h) | uint32(i+1)
	}
	return t
}

// tag is the part of a slot that hash h sets above its position: its high
// bits, as many as the position leaves (none from 2^32 terms on).
func (t *termTable) tag(h uint64) uint32 {
	if t.posBits >= 32 {
		return 0
	}
	return uint32(h>>(32+t.posBits)) << t.posBits
}

// pos returns the position of hash h, or -1 when the index holds no term
// of that hash.
func (t *termTable) pos(h uint64) int {
	tag, low := t.tag(h), uint32(1)<<t.posBits-1
	for k := h & t.mask; ; k = (k + 1) & t.mask {
		e := t.slots[k]
		if e == 0 {
			return -1
		}
		if e&^low == tag {
			if i := int(e&low) - 1; t.hashes[i] == h {
				return i
			}
		}
	}
}

// FNV-1a parameters.
const (
	fnvOffset = 14695981039346656037
	fnvPrime  = 1099511628211
)

// termHash is the FNV-1a hash of an index term.
func termHash(k string) uint64 {
	return hashMore(fnvOffset, k)
}

func hashMore(h uint64, s string) uint64 {
	for i := 0; i < len(s); i++ {
		h ^= uint64(s[i])
		h *= fnvPrime
	}
	return h
}

// knownTypoKeys returns the typo keys of token text (names.TokenTypoKeys)
// that the index holds, hashing each candidate before building its string.
func (ix *Index) knownTypoKeys(text string) []string {
	var out []string
	has := func(h uint64) bool { return ix.terms.pos(h) >= 0 }
	pre := hashMore(fnvOffset, "d:")
	if has(hashMore(pre, text)) {
		out = append(out, "d:"+text)
	}
	for i := 0; i < len(text); i++ {
		if i > 0 && text[i] == text[i-1] {
			continue
		}
		if has(hashMore(hashMore(pre, text[:i]), text[i+1:])) {
			out = append(out, "d:"+text[:i]+text[i+1:])
		}
	}
	return out
}

// openTerms adds the postings of the terms the index holds, skipping
// those already open. The snapshot's term hashes spare reading Bleve for
// terms the index does not hold.
func (ix *Index) openTerms(ctx context.Context, tr *termReader, terms []string, typo bool, open []postings) ([]postings, error) {
	for _, k := range terms {
		pos := ix.terms.pos(termHash(k))
		if pos < 0 {
			continue
		}
		if slices.ContainsFunc(open, func(p postings) bool { return p.term == k }) {
			continue
		}
		docs, err := tr.docsOf(ctx, k, pos)
		if err != nil {
			return open, err
		}
		if len(docs) > 0 {
			open = append(open, postings{term: k, docs: docs, typo: typo})
		}
	}
	return open, nil
}

// lookup reads the postings of the query's exact terms (tokens, spellings,
// phonetic keys, merged tokens, identifiers) and, for tokens the index does
// not hold as spelt, their typo keys; common terms are left out unless
// nothing rarer matched. It returns the n name documents with the highest
// summed term weight (inverse document frequency), best first. Posting
// lists come from the Bleve index, decoded once per term and cached: a
// lookup costs a fraction of a Bleve query (no searcher tree, collector or
// result allocation).
func (ix *Index) lookup(ctx context.Context, a names.Analysis, ids []string, mark string, n int, dst []int) ([]int, error) {
	tr := &termReader{ix: ix}
	defer tr.close()
	sc := ix.getScratch()
	defer ix.putScratch(sc)
	keys := a.Keys()
	if mark != "" {
		keys = append(keys, mark)
	}
	for _, id := range ids {
		if norm := names.NormalizeID(id); len(norm) >= 5 {
			keys = append(keys, "id:"+norm)
		}
	}
	open, err := ix.openTerms(ctx, tr, keys, false, sc.open[:0])
	sc.open = open
	if err != nil {
		return nil, err
	}
	for _, t := range a.Tokens {
		if !names.HasTypoKeys(t) {
			continue
		}
		if slices.ContainsFunc(open, func(p postings) bool {
			return len(p.term) == 2+len(t.Text) && p.term[:2] == "t:" && p.term[2:] == t.Text
		}) {
			continue
		}
		open, err = ix.openTerms(ctx, tr, ix.knownTypoKeys(t.Text), true, open)
		sc.open = open
		if err != nil {
			return nil, err
		}
	}
	use := sc.use[:0]
	defer func() { sc.use = use }()
	for _, p := range open {
		if len(p.docs) <= commonDF {
			use = append(use, p)
		}
	}
	if len(use) == 0 {
		// only common terms: the rarest few
		use = append(use, open...)
		sort.Slice(use, func(i, j int) bool {
			return len(use[i].docs) < len(use[j].docs) || (len(use[i].docs) == len(use[j].docs) && use[i].term < use[j].term)
		})
		if len(use) > 3 {
			use = use[:3]
		}
	}
	total := float64(len(ix.snap.Docs))
	for _, p := range use {
		w := float32(math.Log(1 + total/float64(len(p.docs))))
		if p.typo {
			w *= typoWeight // one edit away: weaker evidence than an exact token
		}
		sc.add(p.docs, w)
	}
	return sc.topN(n, dst), nil
}

// markKey returns the term of a short name written as two or three ASCII
// parts (a registration mark "EP LDA", "YK-AKA"): its letters and digits
// joined, which is the term of the listed mark's adjacent tokens even when
// the vocabulary reads a part of the query as a legal form or marker. It is
// "" for any other name.
func markKey(name string) string {
	if len(name) > 24 {
		return "" // no mark: spare the scan on every long name
	}
	parts, in := 0, false
	for i := 0; i < len(name); i++ {
		sep := name[i] == ' ' || name[i] == '-' || name[i] == '/' || name[i] == '.'
		if !sep && !in {
			parts++
		}
		in = !sep
	}
	if parts < 2 || parts > 3 {
		return ""
	}
	c, ok := names.CompactMark(name)
	if !ok || len(c) < 4 || len(c) > 10 {
		return ""
	}
	return "t:" + strings.ToLower(c)
}

// scratch is per-search working memory, pooled.
type scratch struct {
	acc     []float32 // summed term weight per name document
	touched []int32   // documents with acc != 0
	// open and use are lookup's posting lists (all, and those it weighs);
	// best is topN's window
	open, use []postings
	best      []int32
}

// getScratch takes cleared working memory for one search from the pool
// (return it with ix.putScratch).
func (ix *Index) getScratch() *scratch {
	sc := ix.scratch.Get().(*scratch)
	if len(sc.acc) != len(ix.snap.Docs) {
		sc.acc = make([]float32, len(ix.snap.Docs))
	}
	sc.reset()
	return sc
}

// add adds weight w to documents docs.
func (s *scratch) add(docs []int32, w float32) {
	for _, i := range docs {
		if s.acc[i] == 0 {
			s.touched = append(s.touched, i)
		}
		s.acc[i] += w
	}
}

// putScratch clears working memory and returns it to the pool.
func (ix *Index) putScratch(s *scratch) {
	s.reset()
	clear(s.open) // the posting lists stay cached in ix.postings
	clear(s.use)
	s.open, s.use = s.open[:0], s.use[:0]
	ix.scratch.Put(s)
}

func (s *scratch) reset() {
	for _, i := range s.touched {
		s.acc[i] = 0
	}
	s.touched = s.touched[:0]
}

// topN returns the n documents of touched with the highest weight (ties:
// lower document first), best first.
func (s *scratch) topN(n int, dst []int) []int {
	acc := s.acc
	// keep a small sorted window of the best n; once it is full, a
	// document must beat its last (lowW, lowD) to enter
	best := s.best[:0]
	var lowW float32
	var lowD int32
	for _, i := range s.touched {
		w := acc[i]
		if len(best) == n && (w < lowW || (w == lowW && i > lowD)) {
			continue
		}
		// insertion from the end: the window is short
		k := len(best)
		if k < n {
			best = append(best, 0)
		} else {
			k--
		}
		for k > 0 && (acc[best[k-1]] < w || (acc[best[k-1]] == w && best[k-1] > i)) {
			best[k] = best[k-1]
			k--
		}
		best[k] = i
		if len(best) == n {
			lowD = best[n-1]
			lowW = acc[lowD]
		}
	}
	for _, i := range best {
		dst = append(dst, int(i))
	}
	s.best = best
	return dst
}
