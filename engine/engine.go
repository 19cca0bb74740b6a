// Package engine is screen's public Go API: it loads lists and policies,
// screens records (parties, goods, route) and returns explained decisions.
//
//	e, err := engine.New(ctx, engine.WithBuiltinList())
//	if err != nil { ... }
//	defer e.Close()
//	d, err := e.Screen(ctx, record.Record{Parties: []record.Party{{Role: "buyer", Name: "Korea Mining Dev. Trading Corp"}}})
//
// An Engine is safe for concurrent use. Reload swaps lists, index and
// policies atomically: screens in flight finish on the snapshot they
// started with, and a failed reload keeps the previous snapshot.
package engine

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"slices"
	"sort"
	"sync"
	"sync/atomic"
	"time"

	"github.com/screen-compliance/screen/entity"
	"github.com/screen-compliance/screen/goods"
	"github.com/screen-compliance/screen/index"
	"github.com/screen-compliance/screen/internal/decimal"
	"github.com/screen-compliance/screen/internal/gencache"
	"github.com/screen-compliance/screen/lists"
	"github.com/screen-compliance/screen/names"
	"github.com/screen-compliance/screen/ownership"
	"github.com/screen-compliance/screen/policies"
	"github.com/screen-compliance/screen/record"
)

// Version is the engine version written into every decision's provenance.
const Version = "v0.1.0"

// ErrNoLists is returned by New and Reload when no list could be loaded.
var ErrNoLists = errors.New("no sanctions lists loaded")

// ErrClosed is returned by Screen after Close.
var ErrClosed = errors.New("engine closed")

// InputError says a record could not be read or screened as given.
type InputError struct {
	Source string
	Row    int
	Msg    string
}

func (e *InputError) Error() string {
	return fmt.Sprintf("%s row %d: %s", e.Source, e.Row, e.Msg)
}

// PolicyError wraps a policy compile error (from New/Reload) or a runtime
// error while evaluating one record.
type PolicyError struct{ Err error }

func (e *PolicyError) Error() string { return e.Err.Error() }
func (e *PolicyError) Unwrap() error { return e.Err }

// ListSource loads the lists a snapshot is built from. It is called by New
// and by every Reload.
type ListSource func(ctx context.Context) ([]*entity.List, error)

type config struct {
	sources    []ListSource
	policy     policies.Options
	logger     *slog.Logger
	clock      func() time.Time
	indexDir   string
	indexCache string
	cacheLock  CacheLock
	maxMatches int
	floor      float64 // overrides policy floor when > 0
	goods      []goods.Catalog
	ownership  []string
	partyCache int
	// vocabFiles extend the name vocabulary (WithNameVocabulary).
	vocabFiles []string
	// matchTimeout is the matching budget per record (0: the default,
	// negative: none).
	matchTimeout time.Duration
	// published reads a published list snapshot (WithPublished).
	published PublishedSource
}

// Option configures an Engine.
type Option func(*config)

// WithLists screens against lists already parsed.
func WithLists(ls ...*entity.List) Option {
	return func(c *config) {
		c.sources = append(c.sources, func(context.Context) ([]*entity.List, error) { return ls, nil })
	}
}

// WithListFiles loads list files (format detected) at New and at every Reload.
func WithListFiles(paths ...string) Option {
	return func(c *config) {
		c.sources = append(c.sources, func(ctx context.Context) ([]*entity.List, error) {
			return loadListFiles(ctx, paths)
		})
	}
}

// WithListSource adds a custom list source, such as a managed list store.
func WithListSource(src ListSource) Option {
	return func(c *config) { c.sources = append(c.sources, src) }
}

// WithBuiltinList screens against the sample list embedded in the binary.
func WithBuiltinList() Option {
	return func(c *config) {
		c.sources = append(c.sources, func(context.Context) ([]*entity.List, error) {
			l, err := lists.Builtin()
			if err != nil {
				return nil, err
			}
			return []*entity.List{l}, nil
		})
	}
}

// WithPolicy selects policies, data overrides and disabled rules.
func WithPolicy(o policies.Options) Option { return func(c *config) { c.policy = o } }

// WithLogger sets the logger (default: discard).
func WithLogger(l *slog.Logger) Option { return func(c *config) { c.logger = l } }

// WithClock sets the clock used for timestamps (tests pin it).
func WithClock(now func() time.Time) Option { return func(c *config) { c.clock = now } }

// WithIndexDir keeps the Bleve index on disk in dir instead of in memory.
func WithIndexDir(dir string) Option { return func(c *config) { c.indexDir = dir } }

// WithMaxMatches caps the matches reported per party (default 5).
func WithMaxMatches(n int) Option { return func(c *config) { c.maxMatches = n } }

// WithMatchFloor overrides the policy data's match floor (the lowest score
// passed to the policy). Thresholds normally live in policy data.
func WithMatchFloor(f float64) Option { return func(c *config) { c.floor = f } }

// WithPartyCache sets how many distinct parties (name with its kind,
// country, date of birth and identifiers) the engine remembers the list
// hits of, per list snapshot; n <= 0 turns the cache off. The default,
// DefaultPartyCache, suits shipment files in which the same counterparties
// recur: a cached party costs a map lookup instead of an index search, and
// the decisions are the same either way. Reload starts an empty cache.
func WithPartyCache(n int) Option { return func(c *config) { c.partyCache = n } }

// WithNameVocabulary extends the name vocabulary (legal forms, trade
// abbreviations, generic words, places; names.VocabularyFile in YAML or
// JSON) with files read at New and at every Reload. Policy data can extend
// it too (data.screen.params.names).
func WithNameVocabulary(paths ...string) Option {
	return func(c *config) { c.vocabFiles = append(c.vocabFiles, paths...) }
}

// WithMatchTimeout sets the time the matching of one record may take
// (default DefaultMatchTimeout; d < 0: no limit). A record over its budget
// is decided error, naming the budget; the run goes on.
func WithMatchTimeout(d time.Duration) Option { return func(c *config) { c.matchTimeout = d } }

// WithGoodsCatalog extends the goods category catalog.
func WithGoodsCatalog(cat goods.Catalog) Option {
	return func(c *config) { c.goods = append(c.goods, cat) }
}

// WithOwnershipFiles adds ownership files (CSV, XLSX, JSON: owner, owned,
// percent, ...) to the relationship graph built from the lists' own links.
func WithOwnershipFiles(paths ...string) Option {
	return func(c *config) { c.ownership = append(c.ownership, paths...) }
}

// snapshot is everything one screen needs; it is swapped whole on Reload.
type snapshot struct {
	lists    []entity.Metadata
	versions map[string]string
	index    *index.Index
	policy   *policies.Policy
	goods    *goods.Classifier
	graph    *ownership.Graph
	floor    float64
	// parties caches index hits by party query (nil: no cache).
	parties *gencache.Cache[partyKey, []index.Hit]
	// evalAll evaluates every rule family whatever the input holds (tests
	// compare it with the gated evaluation).
	evalAll bool
	// published is the id of the published snapshot the lists came from
	// ("" when none).
	published string
	// mu is read-held by every screen using the snapshot; retire takes it
	// for writing, so the index closes only after the last screen ends.
	mu      sync.RWMutex
	retired bool
}

// retire waits for the screens in flight on s, then closes its index.
func (s *snapshot) retire() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.retired {
		return nil
	}
	s.retired = true
	return s.index.Close()
}

// Engine screens records. Create it with New.
type Engine struct {
	cfg    config
	cur    atomic.Pointer[snapshot]
	mu     sync.Mutex // serialises Reload and Close
	closed atomic.Bool
}

// New loads lists, builds the index and prepares the policies. It fails with
// ErrNoLists when no list source was given or none yields entities, and
// with *PolicyError when the policies do not compile.
func New(ctx context.Context, opts ...Option) (*Engine, error) {
	e := newEngine(opts)
	s, err := e.build(ctx)
	if err != nil {
		return nil, err
	}
	e.cur.Store(s)
	return e, nil
}

// newEngine applies opts to the default configuration.
func newEngine(opts []Option) *Engine {
	e := &Engine{cfg: config{maxMatches: 5, clock: time.Now, partyCache: DefaultPartyCache}}
	for _, o := range opts {
		o(&e.cfg)
	}
	if e.cfg.logger == nil {
		e.cfg.logger = slog.New(slog.NewTextHandler(io.Discard, nil))
	}
	return e
}

func (e *Engine) build(ctx context.Context) (*snapshot, error) {
	pub, err := e.loadPublished(ctx)
	if err != nil {
		return nil, err
	}
	all, err := e.loadLists(ctx, pub)
	if err != nil {
		return nil, err
	}
	pol, err := policies.Load(ctx, e.cfg.policy)
	if err != nil {
		return nil, &PolicyError{Err: err}
	}
	cats, err := dataCatalogs(pol)
	if err != nil {
		return nil, &PolicyError{Err: err}
	}
	gc, err := goods.NewClassifier(ctx, append(append([]goods.Catalog(nil), e.cfg.goods...), cats...)...)
	if err != nil {
		return nil, fmt.Errorf("goods catalog: %w", err)
	}
	vocab, err := e.vocabulary(pol)
	if err != nil {
		return nil, err
	}
	bi, err := e.buildIndex(ctx, all, vocab, pub)
	if err != nil {
		return nil, err
	}
	ix := bi.Index
	graph, err := e.buildGraph(ctx, all, ix, pol, pub)
	if err != nil {
		ix.Close()
		return nil, err
	}
	s := &snapshot{index: ix, policy: pol, goods: gc, graph: graph, versions: map[string]string{}, floor: pol.Match().Floor,
		parties: newPartyCache(e.cfg.partyCache)}
	if pub != nil {
		s.published = pub.ID
	}
	if e.cfg.floor > 0 {
		s.floor = e.cfg.floor
	}
	for _, l := range all {
		s.lists = append(s.lists, l.Meta)
		s.versions[l.Meta.Name] = l.Meta.Version
	}
	return s, nil
}

// loadLists reads every list source, and takes the lists of the published
// snapshot pub (nil: none). It fails with ErrNoLists when there is no
// source or the lists hold no entity.
func (e *Engine) loadLists(ctx context.Context, pub *Published) ([]*entity.List, error) {
	if len(e.cfg.sources) == 0 && pub == nil {
		return nil, ErrNoLists
	}
	var all []*entity.List
	if pub != nil {
		all = append(all, pub.Lists...)
	}
	for _, src := range e.cfg.sources {
		ls, err := src(ctx)
		if err != nil {
			return nil, fmt.Errorf("load lists: %w", err)
		}
		all = append(all, ls...)
	}
	n := 0
	for _, l := range all {
		n += len(l.Entities)
	}
	if n == 0 {
		return nil, ErrNoLists
	}
	return all, nil
}

// BuiltIndex is the candidate index of an engine's lists (BuildIndex).
type BuiltIndex struct {
	*index.Index
	// Dir is the directory the index is kept in: the index cache's entry
	// or WithIndexDir; "" for an index in memory (or in a private
	// temporary directory that Close removes).
	Dir string
	// Cached is true when the index was opened from the index cache
	// rather than built.
	Cached bool
}

// BuildIndex builds the candidate index New builds from the same options,
// through the same code: the same lists, the same name vocabulary
// (WithNameVocabulary files and policy data), and with WithIndexCache the
// same cache entry, which a later New on these options opens instead of
// building (BuildIndex opens it too when it is there already). With
// WithIndexDir (and no cache) the index is written to that directory. It
// loads the policies for their name vocabulary, so a policy error fails it
// as it fails New. The caller closes the index.
func BuildIndex(ctx context.Context, opts ...Option) (*BuiltIndex, error) {
	e := newEngine(opts)
	pub, err := e.loadPublished(ctx)
	if err != nil {
		return nil, err
	}
	all, err := e.loadLists(ctx, pub)
	if err != nil {
		return nil, err
	}
	pol, err := policies.Load(ctx, e.cfg.policy)
	if err != nil {
		return nil, &PolicyError{Err: err}
	}
	vocab, err := e.vocabulary(pol)
	if err != nil {
		return nil, err
	}
	return e.buildIndex(ctx, all, vocab, pub)
}

// buildIndex indexes the lists with the vocabulary: it opens the index
// prebuilt in the published snapshot pub when it holds one for them, else
// from or into the index cache when there is one and the lists can be
// cached, else in WithIndexDir or in memory.
func (e *Engine) buildIndex(ctx context.Context, all []*entity.List, vocab *names.Vocabulary, pub *Published) (*BuiltIndex, error) {
	start := time.Now()
	bi, ok, err := e.openPrebuilt(ctx, pub, all, vocab)
	switch {
	case err != nil:
		return nil, err
	case ok:
		e.cfg.logger.Debug("index opened from the published snapshot", "snapshot", pub.ID, "dir", bi.Dir, "took", time.Since(start))
		return bi, nil
	}
	if e.cfg.indexCache != "" && cacheable(all) {
		bi, err = e.cachedIndex(ctx, all, vocab)
	} else {
		var ix *index.Index
		if ix, err = index.Build(ctx, all, index.Options{Dir: e.cfg.indexDir, Vocabulary: vocab}); err == nil {
			bi = &BuiltIndex{Index: ix, Dir: e.cfg.indexDir}
		}
	}
	if err != nil {
		return nil, fmt.Errorf("build index: %w", err)
	}
	e.cfg.logger.Debug("index ready", "entities", bi.Len(), "cached", bi.Cached, "dir", bi.Dir, "took", time.Since(start))
	return bi, nil
}

// vocabulary builds the name vocabulary: the built-in table extended by
// the WithNameVocabulary files and by policy data
// (data.screen.params.names).
func (e *Engine) vocabulary(pol *policies.Policy) (*names.Vocabulary, error) {
	var ext []names.VocabularyFile
	for _, p := range e.cfg.vocabFiles {
		b, err := os.ReadFile(p)
		if err != nil {
			return nil, fmt.Errorf("name vocabulary: %w", err)
		}
		f, err := names.ParseVocabulary(p, b)
		if err != nil {
			return nil, err
		}
		ext = append(ext, f)
	}
	f, err := names.VocabularyFromData("policy data screen.params.names", pol.Param("names"))
	if err != nil {
		return nil, &PolicyError{Err: err}
	}
	return names.NewVocabulary(append(ext, f)...), nil
}

// dataCatalogs reads goods catalog extensions from policy data
// (data.screen.params.goods_catalogs: a list of catalogs in the goods
// catalog format), so that `-d FILE` can add or replace categories.
func dataCatalogs(pol *policies.Policy) ([]goods.Catalog, error) {
	v := pol.Param("goods_catalogs")
	if v == nil {
		return nil, nil
	}
	list, ok := v.([]any)
	if !ok {
		return nil, fmt.Errorf("policy data screen.params.goods_catalogs: want a list of catalogs, got %T", v)
	}
	out := make([]goods.Catalog, 0, len(list))
	for i, c := range list {
		b, err := json.Marshal(c)
		if err != nil {
			return nil, fmt.Errorf("policy data screen.params.goods_catalogs[%d]: %w", i, err)
		}
		cat, err := goods.ParseCatalog(fmt.Sprintf("policy data screen.params.goods_catalogs[%d]", i), b)
		if err != nil {
			return nil, err
		}
		out = append(out, cat)
	}
	return out, nil
}

// buildGraph builds the ownership and control graph from the lists' links
// and the ownership files, with levels from policy data.
func (e *Engine) buildGraph(ctx context.Context, all []*entity.List, ix *index.Index, pol *policies.Policy, pub *Published) (*ownership.Graph, error) {
	oo, err := ownership.ParseParams(pol.Param("ownership"))
	if err != nil {
		return nil, &PolicyError{Err: err}
	}
	oo.Resolver = ownership.IndexResolver(ix)
	oo.Now = e.cfg.clock
	var edges []ownership.Edge
	files := e.cfg.ownership
	if pub != nil {
		files = append(slices.Clone(pub.Ownership), files...)
	}
	for _, p := range files {
		es, err := ownership.LoadFile(ctx, p)
		if err != nil {
			return nil, err
		}
		edges = append(edges, es...)
	}
	g, err := ownership.Build(ctx, all, edges, oo)
	if err != nil {
		return nil, fmt.Errorf("ownership graph: %w", err)
	}
	return g, nil
}

// Graph returns the ownership and control graph in use.
func (e *Engine) Graph() *ownership.Graph { return e.cur.Load().graph }

// Reload rebuilds lists, index and policies off the hot path and swaps them
// in atomically. On error the previous snapshot stays in use.
func (e *Engine) Reload(ctx context.Context) error {
	e.mu.Lock()
	defer e.mu.Unlock()
	if e.closed.Load() {
		return ErrClosed
	}
	s, err := e.build(ctx)
	if err != nil {
		e.cfg.logger.Warn("reload failed; keeping the previous lists and policies", "err", err)
		return err
	}
	old := e.cur.Swap(s)
	go old.retire()
	e.cfg.logger.Info("reloaded", "lists", len(s.lists), "policy_sha256", s.policy.SHA256())
	return nil
}

// Close releases the index. Screens after Close fail with ErrClosed.
func (e *Engine) Close() error {
	e.mu.Lock()
	defer e.mu.Unlock()
	if e.closed.Swap(true) {
		return nil
	}
	return e.cur.Load().retire()
}

// acquire pins the current snapshot for one screen; release with
// s.mu.RUnlock.
func (e *Engine) acquire() (*snapshot, error) {
	for {
		if e.closed.Load() {
			return nil, ErrClosed
		}
		s := e.cur.Load()
		s.mu.RLock()
		if !s.retired {
			return s, nil
		}
		s.mu.RUnlock() // swapped out meanwhile: take the new one
	}
}

// Lists describes the loaded lists.
func (e *Engine) Lists() []entity.Metadata {
	return append([]entity.Metadata(nil), e.cur.Load().lists...)
}

// Policy returns the prepared policy in use.
func (e *Engine) Policy() *policies.Policy { return e.cur.Load().policy }

// Entity returns a listed entity by id.
func (e *Engine) Entity(id string) (*entity.Entity, bool) { return e.cur.Load().index.Entity(id) }

// Provenance returns the list versions, policy hash and engine version that
// decisions are made with now.
func (e *Engine) Provenance() record.Provenance { return e.cur.Load().provenance() }

func (s *snapshot) provenance() record.Provenance {
	return record.Provenance{Lists: s.versions, PolicySHA256: s.policy.SHA256(), Engine: Version, Snapshot: s.published}
}

// Screen screens one record. It always returns a usable Decision: a record
// that cannot be screened yields decision "error" and err says why
// (*InputError or *PolicyError). err is also set when ctx is done or the
// engine is closed.
func (e *Engine) Screen(ctx context.Context, rec record.Record) (record.Decision, error) {
	s, err := e.acquire()
	if err != nil {
		return errorDecision(&rec, record.Provenance{Engine: Version}, err.Error()), err
	}
	defer s.mu.RUnlock()
	return e.screen(ctx, s, &rec)
}

func recordID(rec *record.Record) string {
	if rec.ID != "" {
		return rec.ID
	}
	return fmt.Sprintf("row-%d", rec.Row)
}

func errorDecision(rec *record.Record, prov record.Provenance, msg string) record.Decision {
	return withInput(record.Decision{
		ID: recordID(rec), Source: rec.Source, Row: rec.Row, Decision: record.Error,
		Reasons: []record.Reason{}, Matches: []record.Match{}, Goods: []record.Goods{},
		Provenance: prov, Error: msg, Record: rec,
	}, rec)
}

// withInput adds to d the screened input that evidence pointers point into
// (parties, route, input fields, cuts).
func withInput(d record.Decision, rec *record.Record) record.Decision {
	d.Parties, d.Fields, d.Truncated = rec.Parties, rec.Fields, rec.Truncated
	if r := rec.Route; r.Origin != "" || r.Destination != "" || r.PortOfLoading != "" || r.PortOfDischarge != "" || len(r.Transshipment) > 0 {
		d.Route = &r
	}
	return d
}

// policyInput builds the document the policies see as input.
func (s *snapshot) policyInput(rec *record.Record, matches []record.Match, gl []record.Goods) policies.Input {
	return policies.Input{Record: rec, Matches: matches, Goods: gl, Route: goods.Route(rec), Ownership: s.graph.RecordFindings(rec, matches)}
}

// unresolved returns an error naming the first evidence pointer of d's
// reasons that does not resolve in d: a policy citing what the decision
// does not carry fails closed.
func unresolved(d *record.Decision) error {
	for _, r := range d.Reasons {
		for _, ev := range r.Evidence {
			p, err := record.ParsePointer(ev)
			if err == nil {
				err = d.Resolve(p)
			}
			if err != nil {
				return fmt.Errorf("policy rule %s cites evidence the decision does not hold: %w", r.Rule, err)
			}
		}
	}
	return nil
}

func (e *Engine) screen(ctx context.Context, s *snapshot, rec *record.Record) (record.Decision, error) {
	prov := s.provenance()
	if err := ctx.Err(); err != nil {
		return errorDecision(rec, prov, err.Error()), err
	}
	if rec.Err != "" {
		return errorDecision(rec, prov, rec.Err), &InputError{Source: rec.Source, Row: rec.Row, Msg: rec.Err}
	}
	if len(rec.Parties) == 0 && len(rec.Goods) == 0 {
		msg := "nothing to screen: the row has no party name and no goods"
		return errorDecision(rec, prov, msg), &InputError{Source: rec.Source, Row: rec.Row, Msg: msg}
	}
	if err := rec.Validate(); err != nil {
		return errorDecision(rec, prov, err.Error()), &InputError{Source: rec.Source, Row: rec.Row, Msg: err.Error()}
	}
	// Bounded work per record: cut oversized input and say so in rec.Truncated.
	rec.ApplyLimits(record.DefaultLimits())
	matches, err := e.matchPartiesWithin(ctx, s, rec)
	if err != nil {
		return errorDecision(rec, prov, err.Error()), err
	}
	gl := s.goods.Classify(rec)
	if gl == nil {
		gl = []record.Goods{}
	}
	in := s.policyInput(rec, matches, gl)
	present := policies.SectionsOf(&in)
	if s.evalAll {
		present = nil
	}
	if !s.policy.Needed(present) {
		return withInput(record.Decision{
			ID: recordID(rec), Source: rec.Source, Row: rec.Row, Decision: record.Clear,
			Reasons: []record.Reason{}, Matches: matches, Goods: gl, Provenance: prov, Record: rec,
		}, rec), nil
	}
	reasons, err := s.policy.EvaluateInput(ctx, &in, present)
	if err != nil {
		perr := &PolicyError{Err: err}
		d := errorDecision(rec, prov, perr.Error())
		d.Matches, d.Goods = matches, gl
		return d, perr
	}
	if reasons == nil {
		reasons = []record.Reason{}
	}
	for i := range reasons {
		reasons[i].Fingerprint = fingerprint(rec, matches, gl, &reasons[i])
	}
	d := withInput(record.Decision{
		ID: recordID(rec), Source: rec.Source, Row: rec.Row, Decision: policies.Decide(reasons),
		Reasons: reasons, Matches: matches, Goods: gl, Provenance: prov, Record: rec,
	}, rec)
	if err := unresolved(&d); err != nil {
		perr := &PolicyError{Err: err}
		ed := errorDecision(rec, prov, perr.Error())
		ed.Matches, ed.Goods = matches, gl
		return ed, perr
	}
	return d, nil
}

// DefaultMatchTimeout is the time the matching of one record may take
// (WithMatchTimeout). Input limits bound the work; the budget is the
// guarantee that a record never hangs a run.
const DefaultMatchTimeout = 10 * time.Second

// ErrMatchTimeout is returned (wrapped) when a record's matching exceeds
// its time budget; the record's decision is error.
var ErrMatchTimeout = errors.New("matching stopped after its time budget")

// matchPartiesWithin is matchParties within the record's matching budget.
func (e *Engine) matchPartiesWithin(ctx context.Context, s *snapshot, rec *record.Record) ([]record.Match, error) {
	budget := e.cfg.matchTimeout
	if budget == 0 {
		budget = DefaultMatchTimeout
	}
	if budget < 0 {
		return e.matchParties(ctx, s, rec)
	}
	mctx, cancel := context.WithTimeoutCause(ctx, budget, ErrMatchTimeout)
	defer cancel()
	matches, err := e.matchParties(mctx, s, rec)
	if err != nil && ctx.Err() == nil && errors.Is(context.Cause(mctx), ErrMatchTimeout) {
		return nil, &InputError{Source: rec.Source, Row: rec.Row,
			Msg: fmt.Sprintf("%v of %v per record: screen it on its own or shorten its names", ErrMatchTimeout, budget)}
	}
	return matches, err
}

// matchParties searches the index for every party and returns the matches at
// or above the floor, best first.
func (e *Engine) matchParties(ctx context.Context, s *snapshot, rec *record.Record) ([]record.Match, error) {
	matches := []record.Match{}
	for pi, p := range rec.Parties {
		if p.Name == "" && p.IMO == "" && p.IDNumber == "" {
			continue
		}
		q := PartyQuery(p)
		key := keyOf(&q)
		hits, ok := s.parties.Get(key)
		if !ok {
			var err error
			hits, err = s.index.Search(ctx, q, index.SearchOptions{Limit: e.cfg.maxMatches, MinScore: s.floor})
			if err != nil {
				return nil, fmt.Errorf("search %s %q: %w", p.Role, p.Name, err)
			}
			s.parties.Put(key, hits)
		}
		for _, h := range hits {
			programs := h.Entity.Programs
			if programs == nil {
				programs = []string{}
			}
			matches = append(matches, record.Match{
				Role: p.Role, Party: pi, Query: p.Name, EntityID: h.Entity.ID, List: h.Entity.List,
				Kind: string(h.Entity.Kind), Name: h.Entity.Name, MatchedName: h.MatchedName,
				Score: decimal.Round(h.Score, 4), NameScore: decimal.Round(h.NameScore, 4), Conflicts: slices.Clone(h.Conflicts), IDMatch: h.IDMatch,
				Programs: programs, Explanation: h.Explanation, Features: slices.Clone(h.Features),
			})
		}
	}
	sort.SliceStable(matches, func(i, j int) bool {
		a, b := matches[i], matches[j]
		if a.Score != b.Score {
			return a.Score > b.Score
		}
		if a.Party != b.Party {
			return a.Party < b.Party
		}
		return a.EntityID < b.EntityID
	})
	return matches, nil
}
