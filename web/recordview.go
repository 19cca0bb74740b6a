package web

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/screen-compliance/screen/entity"
	"github.com/screen-compliance/screen/record"
	"github.com/screen-compliance/screen/web/store"
)

// storedRow is a record as the record page needs it.
type storedRow = store.Record

// getRecord reads record seq of run id.
func (a *App) getRecord(ctx context.Context, id int64, seq int) (*storedRow, error) {
	return a.st.Record(ctx, id, seq)
}

// reviewEntry is one review action on a record.
type reviewEntry struct{ store.Review }

// Target names what the action judged, for people.
func (e reviewEntry) Target() string {
	if e.Match < 0 {
		return "whole record"
	}
	return fmt.Sprintf("match %d: %s %q ↔ %s", e.Match, e.PartyRole, e.PartyName, e.EntityID)
}

// reviewsOf returns a record's review history, oldest first.
func (a *App) reviewsOf(ctx context.Context, id int64, seq int) ([]reviewEntry, error) {
	revs, err := a.st.RecordReviews(ctx, id, seq)
	if err != nil {
		return nil, err
	}
	out := make([]reviewEntry, len(revs))
	for i, v := range revs {
		out[i] = reviewEntry{v}
	}
	return out, nil
}

// anyCurrent says whether a match is marked current.
func anyCurrent(mvs []matchView) bool {
	for _, mv := range mvs {
		if mv.Current {
			return true
		}
	}
	return false
}

// runEntity reads a listed entity as it was when the run screened, or
// nil.
func (a *App) runEntity(ctx context.Context, id int64, eid string) (*entity.Entity, error) {
	return a.st.RunEntity(ctx, id, eid)
}

// neighbour returns the seq before (dir < 0) or after a record in the
// filtered queue, or 0.
func (a *App) neighbour(ctx context.Context, id int64, f filter, seq, dir int) (int, error) {
	return a.st.Neighbour(ctx, id, store.Filter(f), seq, dir)
}

// segment is a piece of a name, highlighted when Class is set.
type segment struct {
	Text  string
	Class string
}

// pair is one aligned token pair of a match explanation.
type pair struct {
	Query, Listed string
	Sim           float64
}

var pairRE = regexp.MustCompile(`(\S+)~(\S+)\(([0-9.]+)\)`)

// alignedPairs reads the token alignment out of a match explanation:
// `"query"~"listed name": tok~tok(0.95) ...; other notes`.
func alignedPairs(expl string) []pair {
	rest := expl
	for range 2 {
		q, err := strconv.QuotedPrefix(rest)
		if err != nil {
			return nil
		}
		rest = strings.TrimPrefix(rest[len(q):], "~")
	}
	rest = strings.TrimPrefix(rest, ":")
	if i := strings.IndexByte(rest, ';'); i >= 0 {
		rest = rest[:i]
	}
	var out []pair
	for _, m := range pairRE.FindAllStringSubmatch(rest, -1) {
		sim, _ := strconv.ParseFloat(m[3], 64)
		out = append(out, pair{Query: m[1], Listed: m[2], Sim: sim})
	}
	return out
}

// fold lower-cases a word and keeps its letters and digits.
func foldWord(w string) string {
	var b strings.Builder
	for _, r := range strings.ToLower(w) {
		if unicode.IsLetter(r) || unicode.IsDigit(r) {
			b.WriteRune(r)
		}
	}
	return b.String()
}

// highlight splits name into words and marks those aligned with a token:
// "hl-strong" for similarity ≥ 0.9, "hl-weak" below.
func highlight(name string, toks map[string]float64) []segment {
	var out []segment
	classOf := func(w string) string {
		f := foldWord(w)
		if f == "" {
			return ""
		}
		best := -1.0
		for t, sim := range toks {
			if t == f || (len(f) >= 3 && strings.Contains(t, f)) || (len(t) >= 3 && strings.Contains(f, t)) {
				best = max(best, sim)
			}
		}
		switch {
		case best >= 0.9:
			return "hl-strong"
		case best >= 0:
			return "hl-weak"
		}
		return ""
	}
	start := 0 // start of the current word
	for i := 0; i < len(name); {
		r, size := utf8.DecodeRuneInString(name[i:])
		if unicode.IsSpace(r) {
			if i > start {
				out = append(out, segment{Text: name[start:i], Class: classOf(name[start:i])})
			}
			out = append(out, segment{Text: name[i : i+size]})
			start = i + size
		}
		i += size
	}
	if start < len(name) {
		out = append(out, segment{Text: name[start:], Class: classOf(name[start:])})
	}
	return out
}

// featureLabel explains a score feature in words.
func featureLabel(name string) string {
	switch name {
	case "name":
		return "name similarity (aligned tokens)"
	case "alias_weak":
		return "weak alias: score scaled down"
	case "alias_former":
		return "former name: score scaled down"
	case "kind":
		return "same kind of party"
	case "dob":
		return "date of birth agreement"
	case "country":
		return "country agreement"
	case "id":
		return "identifier matches (IMO, passport, ...)"
	}
	return name
}

// matchView is one match shown side by side with its list entry.
type matchView struct {
	Index      int
	Match      record.Match
	Party      record.Party
	QuerySegs  []segment
	ListedSegs []segment
	Pairs      []pair
	Features   []featureView
	Entity     *entity.Entity
	EntityName []segment
	Aliases    []aliasView
	ListVer    string
	Nationals  []string
	// Disp is the match's review decision, or nil.
	Disp *disposition
	// Current marks the match the keyboard shortcuts act on: the first one
	// not decided yet.
	Current bool
	// CanApprove: the signed-in operator may approve the false positive
	// proposed on this match (four-eyes).
	CanApprove bool
	// SuppressText says exactly what a false positive with "suppress"
	// writes to the suppression file.
	SuppressText string
}

type aliasView struct {
	Segs     []segment
	Strength string
	Script   string
}

type featureView struct {
	Name, Label, Detail string
	Value               float64
}

// recordPage shows one record: the input row, each match beside its list
// entry, the policy reasons and the review form.
func (a *App) recordPage(w http.ResponseWriter, r *http.Request, s *session) {
	run, ok := a.runOr404(w, r, s)
	if !ok {
		return
	}
	seq, ok := pathInt(r, "seq")
	if !ok {
		a.fail(w, r, s, http.StatusNotFound, "No such record.")
		return
	}
	v, status, err := a.recordView(r, run, int(seq), s)
	if err != nil {
		if errors.Is(err, errNotFound) {
			a.fail(w, r, s, http.StatusNotFound, "No such record in this run.")
			return
		}
		a.internal(w, r, s, err)
		return
	}
	a.render(w, status, "record", v)
}

// recordView builds the record page's view.
func (a *App) recordView(r *http.Request, run *Run, seq int, s *session) (view, int, error) {
	ctx := r.Context()
	sr, err := a.getRecord(ctx, run.ID, seq)
	if err != nil {
		return view{}, 0, err
	}
	history, err := a.reviewsOf(ctx, run.ID, seq)
	if err != nil {
		return view{}, 0, err
	}
	ds, err := a.st.Dispositions(ctx, run.ID, seq)
	if err != nil {
		return view{}, 0, err
	}
	listVer := map[string]string{}
	for _, m := range run.Lists {
		listVer[m.Name] = m.Version
	}
	var mvs []matchView
	for i, m := range sr.Decision.Matches {
		mv := matchView{Index: i, Match: m, Pairs: alignedPairs(m.Explanation), ListVer: m.List + " " + listVer[m.List]}
		if _, ok := listVer[m.List]; !ok && len(run.Lists) == 1 {
			// The entity's list name may differ from the loaded list's
			// (the built-in sample holds UN entries).
			mv.ListVer = run.Lists[0].Name + " " + run.Lists[0].Version
		}
		if m.Party >= 0 && m.Party < len(sr.Record.Parties) {
			mv.Party = sr.Record.Parties[m.Party]
		}
		mv.Disp = ds[i]
		mv.CanApprove = mv.Disp != nil && mv.Disp.State == stateFPPending && mv.Disp.Operator != s.Operator && s.CanWrite() && s.Verified
		mv.SuppressText = fmt.Sprintf("Suppress list entry %s (%s) for the %s named %q in later screenings, until", m.EntityID, m.Name, m.Role, m.Query)
		qt, lt := map[string]float64{}, map[string]float64{}
		for _, p := range mv.Pairs {
			qt[p.Query] = max(qt[p.Query], p.Sim)
			lt[p.Listed] = max(lt[p.Listed], p.Sim)
		}
		mv.QuerySegs = highlight(m.Query, qt)
		mv.ListedSegs = highlight(m.MatchedName, lt)
		for _, f := range m.Features {
			mv.Features = append(mv.Features, featureView{Name: f.Name, Label: featureLabel(f.Name), Detail: f.Detail, Value: f.Value})
		}
		if mv.Entity, err = a.runEntity(ctx, run.ID, m.EntityID); err != nil {
			return view{}, 0, err
		}
		if mv.Entity != nil {
			mv.EntityName = highlight(mv.Entity.Name, lt)
			for _, al := range mv.Entity.Aliases {
				mv.Aliases = append(mv.Aliases, aliasView{Segs: highlight(al.Name, lt), Strength: string(al.Strength), Script: al.Script})
			}
			for _, c := range mv.Entity.Countries {
				label := c.Code
				if label == "" {
					label = c.Name
				}
				mv.Nationals = append(mv.Nationals, label+" ("+string(c.Role)+")")
			}
		}
		mvs = append(mvs, mv)
	}
	q := r.URL.Query()
	if c := r.PostFormValue("ctx"); c != "" {
		if pq, err := url.ParseQuery(c); err == nil {
			q = pq
		}
	}
	f := filterFrom(q)
	prev, err := a.neighbour(ctx, run.ID, f, seq, -1)
	if err != nil {
		return view{}, 0, err
	}
	next, err := a.neighbour(ctx, run.ID, f, seq, 1)
	if err != nil {
		return view{}, 0, err
	}
	base := "/runs/" + strconv.FormatInt(run.ID, 10)
	ctxQ := f.values()
	if p := q.Get("page"); p != "" {
		ctxQ.Set("page", p)
	}
	link := func(n int) string {
		if n == 0 {
			return ""
		}
		return base + "/records/" + strconv.Itoa(n) + "?" + ctxQ.Encode()
	}
	for i := range mvs {
		if mvs[i].Disp == nil || mvs[i].Disp.State == stateNeedsInfo {
			mvs[i].Current = true
			break
		}
	}
	if len(mvs) > 0 && !anyCurrent(mvs) {
		mvs[0].Current = true
	}
	data := map[string]any{
		"Run": run, "Rec": sr, "Matches": mvs, "History": history, "Base": base, "RecordDisp": ds[recordTarget],
		"Prev": link(prev), "Next": link(next), "Back": base + "?" + ctxQ.Encode(), "Ctx": ctxQ.Encode(),
		"CanWrite": s.CanWrite(), "FourEyes": a.opts.FourEyes && sr.Decision.Decision == record.Block,
		"Suppress": a.opts.IgnoreFile != "", "Today": a.opts.Clock().Format("2006-01-02"),
		"Reviewed": reviewedDecision(sr.Decision, ds),
	}
	return view{Title: "Record " + sr.Decision.ID, Op: s, Data: data, Flash: r.URL.Query().Get("flash")}, http.StatusOK, nil
}
