package eval

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"path/filepath"
	"runtime"
	"slices"
	"sort"
	"strings"
	"sync"
	"sync/atomic"

	"github.com/screen-compliance/screen/engine"
	"github.com/screen-compliance/screen/entity"
	"github.com/screen-compliance/screen/lists"
	"github.com/screen-compliance/screen/names"
	"github.com/screen-compliance/screen/record"
)

// VariantSource is one list of the variants suite.
type VariantSource struct {
	// Label names the list in reports ("un", "ofac-sdn-2021", "ftm:zala").
	Label string
	// Path is the list file, relative to the data directory.
	Path string
	// List, when set, is used instead of loading Path (tests).
	List *entity.List
}

// Paths of the lists of the variants suite besides UNConsolidated and
// OFACSDN2021.
const (
	BISDPL            = "bis/dpl.txt"
	OFACCons2025      = "ofac/consolidated-2025/cons_prim.csv"
	OpenSanctionsData = "opensanctions"
)

// VariantSources returns the real lists of the data directory: the UN
// consolidated list, OFAC SDN 2021, BIS DPL, OFAC consolidated 2025, and
// every FollowTheMoney JSON file under opensanctions/, in that order.
func VariantSources(dataDir string) ([]VariantSource, error) {
	out := []VariantSource{
		{Label: "un", Path: UNConsolidated},
		{Label: "ofac-sdn-2021", Path: OFACSDN2021},
		{Label: "bis", Path: BISDPL},
		{Label: "ofac-cons-2025", Path: OFACCons2025},
	}
	var ftm []VariantSource
	root := filepath.Join(dataDir, OpenSanctionsData)
	err := filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			if errors.Is(err, fs.ErrNotExist) && p == root {
				return fs.SkipDir
			}
			return err
		}
		if d.IsDir() || !strings.HasSuffix(strings.ToLower(p), ".json") {
			return nil
		}
		if f, err := lists.DetectFormat(p); err != nil || f != lists.FormatFtM {
			return nil
		}
		rel, err := filepath.Rel(dataDir, p)
		if err != nil {
			return err
		}
		label := strings.TrimSuffix(strings.TrimSuffix(filepath.Base(p), ".json"), ".ftm")
		if label == "entities" {
			label = filepath.Base(filepath.Dir(p))
		}
		ftm = append(ftm, VariantSource{Label: "ftm:" + label, Path: filepath.ToSlash(rel)})
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("find FtM files under %s: %w", root, err)
	}
	sort.Slice(ftm, func(i, j int) bool { return ftm[i].Path < ftm[j].Path })
	return append(out, ftm...), nil
}

// VariantsOptions configures RunVariants.
type VariantsOptions struct {
	// DataDir holds the list files (see DataDir).
	DataDir string
	// Sources are the lists; nil means VariantSources(DataDir).
	Sources []VariantSource
	// Only restricts screening to the sources with these labels (the
	// look-alike word pool still comes from every source); nil: all.
	Only []string
	// Half selects the entities screened: HalfTuning, HalfHeldOut or
	// HalfAll ("" is all).
	Half Half
	// MaxEntities, when above 0, screens at most that many entities of each
	// list (of the half selected): those with the lowest hash of
	// SampleSeed and their id, so a sample is the same on every run and
	// the sample of a smaller cap is part of that of a larger one.
	MaxEntities int
	// Workers screen in parallel; 0 means GOMAXPROCS.
	Workers int
	// MaxExamples caps the missed variants and false alarms kept per list,
	// kind and variant type; 0 keeps 10, a negative value keeps all.
	MaxExamples int
}

// Counts tallies the variants of one slice.
type Counts struct {
	// N counts variants screened; Found those decided review or block with
	// the right entity on top; Blocked those decided block with it on top.
	N, Found, Blocked int
}

// Recall is Found / N.
func (c Counts) Recall() float64 { return ratio(c.Found, c.N) }

// BlockRate is Blocked / N.
func (c Counts) BlockRate() float64 { return ratio(c.Blocked, c.N) }

func (c *Counts) add(o Counts) { c.N += o.N; c.Found += o.Found; c.Blocked += o.Blocked }

// AlarmCounts tallies the look-alikes of one slice.
type AlarmCounts struct {
	// N counts look-alikes screened; Alarms those decided review, block or
	// error; Blocks those decided block; Own the alarms whose top match is
	// the entity the look-alike was made from (the others match another
	// listed name the altered name resembles: "SEIF, Wafiq" made from one
	// entity, flagged as "SAFA, Wafiq").
	N, Alarms, Blocks, Own int
}

// OwnRate is Own / N: look-alikes flagged as the entity they were made
// from.
func (c AlarmCounts) OwnRate() float64 { return ratio(c.Own, c.N) }

// AlarmRate is Alarms / N.
func (c AlarmCounts) AlarmRate() float64 { return ratio(c.Alarms, c.N) }

// BlockRate is Blocks / N.
func (c AlarmCounts) BlockRate() float64 { return ratio(c.Blocks, c.N) }

func (c *AlarmCounts) add(o AlarmCounts) {
	c.N += o.N
	c.Alarms += o.Alarms
	c.Blocks += o.Blocks
	c.Own += o.Own
}

// KindAll and TypeAll label the rows that sum over kinds or types.
const (
	KindAll               = "all"
	TypeAll   VariantType = "all"
	kindUnset             = "unknown"
)

// VariantRow is one row of the variants table: one kind and one variant
// type (either may be "all"), tuning half and held-out half.
type VariantRow struct {
	Kind   string
	Type   VariantType
	Halves [2]Counts
}

// All sums both halves.
func (r VariantRow) All() Counts { c := r.Halves[0]; c.add(r.Halves[1]); return c }

// LookalikeRow is one row of the look-alike table: one kind (or "all"),
// tuning half and held-out half.
type LookalikeRow struct {
	Kind   string
	Halves [2]AlarmCounts
}

// All sums both halves.
func (r LookalikeRow) All() AlarmCounts { c := r.Halves[0]; c.add(r.Halves[1]); return c }

// ListVariants is the outcome of the variants suite on one list.
type ListVariants struct {
	Label, Path string
	// List is the list's own name ("un", "ofac", ...).
	List string
	// Entities counts the entities screened, per half; Variants the
	// variants; Lookalikes the look-alikes drawn; NoLookalike the entities
	// for which none could be drawn.
	Entities, Variants, Lookalikes, NoLookalike [2]int
	// Rows are by kind (person, organization, vessel, aircraft, unknown,
	// all), then variant type (VariantTypes order, then all).
	Rows []VariantRow
	// LookalikeRows are by kind, then all.
	LookalikeRows []LookalikeRow
	// Misses describe variants not found; Alarms look-alikes decided
	// review or block. Both are capped by VariantsOptions.MaxExamples.
	Misses, Alarms []string
}

// Row returns the row of kind and type (zero when absent).
func (l *ListVariants) Row(kind string, t VariantType) VariantRow {
	for _, r := range l.Rows {
		if r.Kind == kind && r.Type == t {
			return r
		}
	}
	return VariantRow{Kind: kind, Type: t}
}

// LookalikeRow returns the look-alike row of kind (zero when absent).
func (l *ListVariants) LookalikeRow(kind string) LookalikeRow {
	for _, r := range l.LookalikeRows {
		if r.Kind == kind {
			return r
		}
	}
	return LookalikeRow{Kind: kind}
}

// VariantsReport is the outcome of the variants suite.
type VariantsReport struct {
	Half  Half
	Lists []ListVariants
}

// List returns the result of the list labelled label, or nil.
func (r *VariantsReport) List(label string) *ListVariants {
	for i := range r.Lists {
		if r.Lists[i].Label == label {
			return &r.Lists[i]
		}
	}
	return nil
}

// job is one screen of the suite: a variant or a look-alike of an entity.
type job struct {
	entity    *entity.Entity
	half      int // 0 tuning, 1 held-out
	kind      string
	typ       VariantType // "" for a look-alike
	text      string
	lookalike string // "replaced → with", for a look-alike
}

// outcome is what the engine decided for one job.
type outcome struct {
	decision  string
	err       string
	topIDs    []string // the entities tied at the top score
	top       record.Match
	right     bool // the job's entity is among topIDs
	rightSeen float64
	inMatches bool
}

// RunVariants screens trade-document variants and look-alikes of every
// entity of each list through the real engine (the list loaded alone,
// the embedded policies, party cache off, kind unknown, no country) and
// tallies, per list, kind and variant type, how often the right entity is
// found (decision review or block with it on top; ties at the top score
// count) and blocked, and how often a look-alike raises an alarm.
// Entities are split into a tuning and a held-out half by HalfOf(id).
// Screens run in parallel; the report is the same on every run.
func RunVariants(ctx context.Context, o VariantsOptions) (VariantsReport, error) {
	rep := VariantsReport{Half: o.Half}
	if rep.Half == "" {
		rep.Half = HalfAll
	}
	srcs := o.Sources
	if srcs == nil {
		var err error
		if srcs, err = VariantSources(o.DataDir); err != nil {
			return rep, err
		}
	}
	ls := make([]*entity.List, len(srcs))
	for i, s := range srcs {
		ls[i] = s.List
		if ls[i] == nil {
			l, err := lists.Load(ctx, filepath.Join(o.DataDir, filepath.FromSlash(s.Path)), "")
			if err != nil {
				return rep, fmt.Errorf("variants: load %s: %w", s.Label, err)
			}
			ls[i] = l
		}
	}
	lk := NewLookalikes(ls)
	for i, s := range srcs {
		if len(o.Only) > 0 && !slices.Contains(o.Only, s.Label) {
			continue
		}
		lv, err := runList(ctx, o, rep.Half, s, ls[i], lk)
		if err != nil {
			return rep, err
		}
		rep.Lists = append(rep.Lists, lv)
	}
	return rep, nil
}

// kindOf is an entity's kind as reported ("unknown" when the list does not
// say).
func kindOf(e *entity.Entity) string {
	if e.Kind == entity.KindUnknown {
		return kindUnset
	}
	return string(e.Kind)
}

// SampleSeed seeds the choice of the entities of a sample.
const SampleSeed = "screen-eval-sample-v1"

func runList(ctx context.Context, o VariantsOptions, half Half, s VariantSource, l *entity.List, lk *Lookalikes) (ListVariants, error) {
	lv := ListVariants{Label: s.Label, Path: s.Path, List: l.Meta.Name}
	var jobs []job
	keep := sampled(l, half, o.MaxEntities)
	for i := range l.Entities {
		e := &l.Entities[i]
		h := HalfOf(e.ID)
		if !half.Includes(h) || (keep != nil && !keep[e.ID]) {
			continue
		}
		hi := 0
		if h == HalfHeldOut {
			hi = 1
		}
		vs := Variants(e)
		if len(vs) == 0 {
			continue
		}
		lv.Entities[hi]++
		k := kindOf(e)
		for _, v := range vs {
			jobs = append(jobs, job{entity: e, half: hi, kind: k, typ: v.Type, text: v.Text})
		}
		lv.Variants[hi] += len(vs)
		if text, from, to, ok := lk.Lookalike(e); ok {
			jobs = append(jobs, job{entity: e, half: hi, kind: k, text: text, lookalike: from + " → " + to})
			lv.Lookalikes[hi]++
		} else {
			lv.NoLookalike[hi]++
		}
	}
	if len(jobs) == 0 {
		return lv, nil
	}
	eng, err := engine.New(ctx, engine.WithLists(l), engine.WithPartyCache(0), engine.WithMaxMatches(10))
	if err != nil {
		return lv, fmt.Errorf("variants: engine for %s: %w", s.Label, err)
	}
	defer eng.Close()
	outs, err := screenAll(ctx, eng, jobs, o.Workers)
	if err != nil {
		return lv, fmt.Errorf("variants: %s: %w", s.Label, err)
	}
	tally(&lv, jobs, outs, o.MaxExamples)
	return lv, nil
}

// sampled returns the ids of the max entities of half with the lowest
// sample hash, or nil (all) when max is 0 or not below their number.
func sampled(l *entity.List, half Half, max int) map[string]bool {
	if max <= 0 {
		return nil
	}
	type hid struct {
		h  uint64
		id string
	}
	var hs []hid
	for i := range l.Entities {
		if id := l.Entities[i].ID; half.Includes(HalfOf(id)) {
			hs = append(hs, hid{stableHash(SampleSeed, id), id})
		}
	}
	if max >= len(hs) {
		return nil
	}
	sort.Slice(hs, func(i, j int) bool {
		if hs[i].h != hs[j].h {
			return hs[i].h < hs[j].h
		}
		return hs[i].id < hs[j].id
	})
	keep := make(map[string]bool, max)
	for _, x := range hs[:max] {
		keep[x.id] = true
	}
	return keep
}

// screenAll screens every job with a pool of workers; outs[i] is the
// outcome of jobs[i].
func screenAll(ctx context.Context, eng *engine.Engine, jobs []job, workers int) ([]outcome, error) {
	if workers <= 0 {
		workers = runtime.GOMAXPROCS(0)
	}
	outs := make([]outcome, len(jobs))
	var next atomic.Int64
	var wg sync.WaitGroup
	var once sync.Once
	var firstErr error
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	for w := 0; w < workers; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				i := int(next.Add(1) - 1)
				if i >= len(jobs) || ctx.Err() != nil {
					return
				}
				out, err := screenOne(ctx, eng, &jobs[i])
				if err != nil {
					once.Do(func() { firstErr = err; cancel() })
					return
				}
				outs[i] = out
			}
		}()
	}
	wg.Wait()
	if firstErr != nil {
		return nil, firstErr
	}
	return outs, ctx.Err()
}

func screenOne(ctx context.Context, eng *engine.Engine, j *job) (outcome, error) {
	rec := record.Record{ID: j.entity.ID, Parties: []record.Party{{Role: record.RoleParty, Name: j.text}}}
	d, err := eng.Screen(ctx, rec)
	if err != nil && ctx.Err() != nil {
		return outcome{}, ctx.Err()
	}
	out := outcome{decision: d.Decision, err: d.Error}
	if len(d.Matches) > 0 {
		out.top = d.Matches[0]
		for _, m := range d.Matches {
			if m.Score == d.Matches[0].Score {
				out.topIDs = append(out.topIDs, m.EntityID)
				if m.EntityID == j.entity.ID {
					out.right = true
				}
			}
			if m.EntityID == j.entity.ID && !out.inMatches {
				out.inMatches, out.rightSeen = true, m.Score
			}
		}
	}
	return out, nil
}

// kindOrder is the order of kinds in the report.
var kindOrder = []string{string(entity.KindPerson), string(entity.KindOrganization), string(entity.KindVessel), string(entity.KindAircraft), kindUnset, KindAll}

func tally(lv *ListVariants, jobs []job, outs []outcome, maxEx int) {
	if maxEx == 0 {
		maxEx = 10
	}
	type key struct {
		kind string
		typ  VariantType
	}
	rows := map[key]*VariantRow{}
	la := map[string]*LookalikeRow{}
	shown := map[key]int{}
	for i := range jobs {
		j, out := &jobs[i], &outs[i]
		alarm := record.Severity(out.decision) >= record.Severity(record.Review)
		if j.typ == "" {
			c := AlarmCounts{N: 1}
			if alarm {
				c.Alarms = 1
				if out.right {
					c.Own = 1
				}
			}
			if out.decision == record.Block {
				c.Blocks = 1
			}
			for _, k := range []string{j.kind, KindAll} {
				if la[k] == nil {
					la[k] = &LookalikeRow{Kind: k}
				}
				la[k].Halves[j.half].add(c)
			}
			kk := key{j.kind, ""}
			if alarm && (maxEx < 0 || shown[kk] < maxEx) {
				shown[kk]++
				lv.Alarms = append(lv.Alarms, describe(j, out))
			}
			continue
		}
		c := Counts{N: 1}
		found := out.right && alarm && out.decision != record.Error
		if found {
			c.Found = 1
		}
		if out.right && out.decision == record.Block {
			c.Blocked = 1
		}
		for _, k := range []key{{j.kind, j.typ}, {j.kind, TypeAll}, {KindAll, j.typ}, {KindAll, TypeAll}} {
			if rows[k] == nil {
				rows[k] = &VariantRow{Kind: k.kind, Type: k.typ}
			}
			rows[k].Halves[j.half].add(c)
		}
		kk := key{j.kind, j.typ}
		if !found && (maxEx < 0 || shown[kk] < maxEx) {
			shown[kk]++
			lv.Misses = append(lv.Misses, describe(j, out))
		}
	}
	for _, k := range kindOrder {
		for _, t := range append(VariantTypes(), TypeAll) {
			if r := rows[key{k, t}]; r != nil {
				lv.Rows = append(lv.Rows, *r)
			}
		}
		if r := la[k]; r != nil {
			lv.LookalikeRows = append(lv.LookalikeRows, *r)
		}
	}
}

// describe writes one missed variant or false alarm.
func describe(j *job, out *outcome) string {
	var b strings.Builder
	halves := [2]Half{HalfTuning, HalfHeldOut}
	typ := string(j.typ)
	if typ == "" {
		typ = "look-alike (" + j.lookalike + ")"
	}
	fmt.Fprintf(&b, "[%s] %s %s %s %q (listed %q): %s", halves[j.half], j.kind, typ, j.entity.ID, j.text, j.entity.Name, out.decision)
	if out.err != "" {
		fmt.Fprintf(&b, " (%s)", out.err)
	}
	if len(out.topIDs) == 0 {
		b.WriteString("; no match")
	} else {
		t := out.top
		fmt.Fprintf(&b, "; top %s %q %.3f", t.EntityID, t.Name, t.Score)
		if t.NameScore > 0 {
			fmt.Fprintf(&b, " (name %.3f)", t.NameScore)
		}
		fmt.Fprintf(&b, " matched %q", t.MatchedName)
		if n := len(out.topIDs); n > 1 {
			fmt.Fprintf(&b, " tied with %d", n-1)
		}
		if t.Explanation != "" {
			fmt.Fprintf(&b, " [%s]", clip(t.Explanation, 160))
		}
	}
	if j.typ != "" && !out.right {
		if out.inMatches {
			fmt.Fprintf(&b, "; right entity at %.3f", out.rightSeen)
		} else {
			// brute force, to tell a retrieval miss from a scoring miss
			r := names.Score(names.Query{Name: j.text}, j.entity)
			fmt.Fprintf(&b, "; right entity not matched (brute-force name score %.3f)", r.Score)
		}
	}
	return b.String()
}

func clip(s string, n int) string {
	if r := []rune(s); len(r) > n {
		return string(r[:n]) + "…"
	}
	return s
}
