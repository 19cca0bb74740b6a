package monitor

import (
	"bufio"
	"bytes"
	"context"
	"encoding/csv"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"maps"
	"slices"
	"strings"

	"github.com/screen-compliance/screen/engine"
	"github.com/screen-compliance/screen/input"
	"github.com/screen-compliance/screen/record"
)

// Report is an earlier report of `screen scan` read back: its decisions
// and the flags it was made with.
type Report struct {
	// Decisions are the report's records, in order.
	Decisions []record.Decision
	// Flags are the flags the run was made with (json envelope only).
	Flags []string
}

// ReadReport reads a json (envelope with "results") or jsonl report.
func ReadReport(r io.Reader) (*Report, error) {
	b, err := io.ReadAll(r)
	if err != nil {
		return nil, fmt.Errorf("read report: %w", err)
	}
	trimmed := bytes.TrimSpace(b)
	if first, _, _ := bytes.Cut(trimmed, []byte("\n")); bytes.HasPrefix(trimmed, []byte("{")) && (!json.Valid(first) || hasResults(trimmed)) {
		var env struct {
			Results *[]record.Decision `json:"results"`
			Flags   []string           `json:"flags"`
		}
		if err := json.Unmarshal(trimmed, &env); err != nil {
			return nil, fmt.Errorf("read report: not a json report from screen: %w", err)
		}
		if env.Results == nil {
			return nil, errors.New(`read report: a json object without "results": not a json report from screen`)
		}
		return &Report{Decisions: *env.Results, Flags: env.Flags}, nil
	}
	rep := &Report{}
	sc := bufio.NewScanner(bytes.NewReader(b))
	sc.Buffer(make([]byte, 0, 64<<10), 64<<20)
	for line := 1; sc.Scan(); line++ {
		if len(bytes.TrimSpace(sc.Bytes())) == 0 {
			continue
		}
		var d record.Decision
		if err := json.Unmarshal(sc.Bytes(), &d); err != nil {
			return nil, fmt.Errorf("read report line %d: not a json or jsonl report from screen: %w", line, err)
		}
		if d.Decision == "" {
			// any JSON object decodes; a decision record always says its
			// decision
			return nil, fmt.Errorf("read report line %d: not a decision record of screen (no decision)", line)
		}
		rep.Decisions = append(rep.Decisions, d)
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("read report: %w", err)
	}
	return rep, nil
}

// hasResults reports whether the first JSON value of b is an object with a
// "results" member: a json report's envelope, written on one line or many.
func hasResults(b []byte) bool {
	var top map[string]json.RawMessage
	if err := json.NewDecoder(bytes.NewReader(b)).Decode(&top); err != nil {
		return false
	}
	_, ok := top["results"]
	return ok
}

// Columns returns the --columns mapping the report's run used (from its
// flags), for Rebuild.
func (rep *Report) Columns() map[string]string {
	var m map[string]string
	for _, f := range rep.Flags {
		v, ok := strings.CutPrefix(f, "--columns=")
		if !ok {
			continue
		}
		for _, pair := range strings.Split(v, ",") {
			if k, h, ok := strings.Cut(pair, "="); ok && strings.TrimSpace(k) != "" {
				if m == nil {
					m = map[string]string{}
				}
				m[strings.TrimSpace(k)] = strings.Trim(strings.TrimSpace(h), `"`)
			}
		}
	}
	return m
}

// Rebuild returns the input record a reported decision was screened from:
// its input row (fields) read again as `screen scan` reads a row (opts
// gives the column mapping), else its screened parties, route and goods.
func Rebuild(d *record.Decision, opts input.Options) record.Record {
	if len(d.Fields) > 0 {
		if rec, ok := fromFields(d, opts); ok {
			return rec
		}
	}
	rec := record.Record{Source: d.Source, Row: d.Row, Parties: slices.Clone(d.Parties)}
	if d.ID != fmt.Sprintf("row-%d", d.Row) {
		rec.ID = d.ID
	}
	if d.Route != nil {
		rec.Route = *d.Route
	}
	for _, g := range d.Goods {
		rec.Goods = append(rec.Goods, record.GoodsLine{HS: g.HS, Description: g.Description})
	}
	if len(rec.Parties) == 0 && len(rec.Goods) == 0 && d.Error != "" {
		rec.Err = d.Error
	}
	return rec
}

// fromFields reads a decision's input row again.
func fromFields(d *record.Decision, opts input.Options) (record.Record, bool) {
	var buf bytes.Buffer
	w := csv.NewWriter(&buf)
	head := make([]string, len(d.Fields))
	row := make([]string, len(d.Fields))
	for i, f := range d.Fields {
		head[i], row[i] = f.Column, f.Value
	}
	if err := w.Write(head); err != nil {
		return record.Record{}, false
	}
	if err := w.Write(row); err != nil {
		return record.Record{}, false
	}
	w.Flush()
	opts.Format = input.FormatCSV
	r, err := input.NewReader(&buf, d.Source, opts)
	if err != nil {
		return record.Record{}, false
	}
	defer r.Close()
	rec, err := r.Next()
	if err != nil || (rec.Err != "" && d.Error == "") {
		return record.Record{}, false
	}
	rec.Source, rec.Row = d.Source, d.Row
	return rec, true
}

// CausesBetween returns the causes of the changes between two screenings
// made with the provenances from and to: the list store changes that lead
// from each list version of from to the version of to (changes may be nil:
// no change log), and, for what no entity change explains, the policy when
// its hash or the engine changed, else the lists.
func CausesBetween(ctx context.Context, changes Changes, from, to record.Provenance) (Causes, error) {
	other := record.AlertCause{Change: record.CauseLists, Detail: "the lists changed (" + versions(from.Lists) + " → " + versions(to.Lists) + ")"}
	switch {
	case from.PolicySHA256 != to.PolicySHA256:
		other = record.AlertCause{Change: record.CausePolicy, Detail: fmt.Sprintf("the policies changed (sha256 %.12s → %.12s)", from.PolicySHA256, to.PolicySHA256)}
	case from.Engine != to.Engine:
		other = record.AlertCause{Change: record.CausePolicy, Detail: fmt.Sprintf("the engine changed (%s → %s)", from.Engine, to.Engine)}
	case maps.Equal(from.Lists, to.Lists):
		other = record.AlertCause{Change: record.CauseLists, Detail: "the lists are the same versions (" + versions(to.Lists) + "); the input or the screening options differ"}
	}
	c := Causes{Other: other}
	if changes == nil || maps.Equal(from.Lists, to.Lists) {
		return c, nil
	}
	all, err := changes.Changes(ctx, 0)
	if err != nil {
		return c, err
	}
	var picked []*changeSet
	for _, list := range slices.Sorted(maps.Keys(unionKeys(from.Lists, to.Lists))) {
		fv, had := from.Lists[list]
		if had && fv == to.Lists[list] {
			continue
		}
		var ofList []*changeSet
		for _, ch := range all {
			if ch.List == list {
				ofList = append(ofList, ch)
			}
		}
		start := -1
		if had {
			// after the newest change that installed the old version
			for i := len(ofList) - 1; i >= 0; i-- {
				if ofList[i].To != "" && ofList[i].ToVersion == fv {
					start = i + 1
					break
				}
			}
		} else {
			// the list was not screened against: from its newest install
			for i := len(ofList) - 1; i >= 0; i-- {
				if ofList[i].From == "" {
					start = i
					break
				}
			}
		}
		if start >= 0 {
			picked = append(picked, ofList[start:]...)
		}
	}
	slices.SortFunc(picked, func(a, b *changeSet) int { return int(a.Seq - b.Seq) })
	table := changeTable(picked)
	c.Entity = func(id string) (record.AlertCause, bool) {
		if ec, ok := table[id]; ok {
			return ec.cause(), true
		}
		return record.AlertCause{}, false
	}
	return c, nil
}

func unionKeys(a, b map[string]string) map[string]bool {
	out := map[string]bool{}
	for k := range a {
		out[k] = true
	}
	for k := range b {
		out[k] = true
	}
	return out
}

// RescreenOptions tune Rescreen.
type RescreenOptions struct {
	// Input reads input rows again (the column mapping of the report's
	// run).
	Input input.Options
	// Changes is the list store's change log, for the causes (nil: none).
	Changes Changes
	// Workers screens with this many goroutines (0: one per CPU).
	Workers int
	// Post is applied to every new decision before it is compared
	// (suppressions, as the report's run applied them); nil: none.
	Post func(d *record.Decision) error
}

// RescreenSummary counts what Rescreen did.
type RescreenSummary struct {
	// Records is the number of records re-screened, Changed of them those
	// whose hits or decision changed.
	Records int `json:"records"`
	Changed int `json:"changed"`
	// Alerts counts the alerts by kind.
	Alerts map[string]int `json:"alerts"`
}

// Rescreen screens the records of an earlier report again with eng and
// passes each record whose hits or decision changed to emit: its new
// decision with the alerts saying what changed (Decision.Alerts), in
// report order.
func Rescreen(ctx context.Context, eng *engine.Engine, rep *Report, o RescreenOptions, emit func(d *record.Decision) error) (RescreenSummary, error) {
	sum := RescreenSummary{Alerts: map[string]int{}}
	prov := eng.Provenance()
	causes := map[string]Causes{}
	causesOf := func(p record.Provenance) (Causes, error) {
		b, _ := json.Marshal(p)
		if c, ok := causes[string(b)]; ok {
			return c, nil
		}
		c, err := CausesBetween(ctx, o.Changes, p, prov)
		if err != nil {
			return c, err
		}
		causes[string(b)] = c
		return c, nil
	}
	pos := 0
	next := func() (record.Record, error) {
		if pos >= len(rep.Decisions) {
			return record.Record{}, io.EOF
		}
		rec := Rebuild(&rep.Decisions[pos], o.Input)
		pos++
		return rec, nil
	}
	n := 0
	err := eng.ScreenStream(ctx, o.Workers, next, func(d record.Decision) error {
		old := &rep.Decisions[n]
		n++
		if o.Post != nil {
			if err := o.Post(&d); err != nil {
				return err
			}
		}
		c, err := causesOf(old.Provenance)
		if err != nil {
			return err
		}
		alerts := Compare(StateOf(old), &d, c)
		if old.Decision == record.Error && d.Decision == record.Error {
			alerts = nil
		}
		sum.Records++
		if len(alerts) == 0 {
			return nil
		}
		sum.Changed++
		for _, a := range alerts {
			sum.Alerts[a.Kind]++
		}
		d.Alerts = alerts
		return emit(&d)
	})
	return sum, err
}
