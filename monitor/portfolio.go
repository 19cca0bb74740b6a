package monitor

import (
	"context"
	"errors"
	"fmt"
	"io"
	"path/filepath"
	"reflect"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/screen-compliance/screen/input"
	"github.com/screen-compliance/screen/record"
)

// ValidName reports whether name can name a portfolio: 1 to 64 letters,
// digits, '.', '_' or '-', not starting with '.'.
func ValidName(name string) error {
	if name == "" || len(name) > 64 || strings.HasPrefix(name, ".") {
		return fmt.Errorf("portfolio name %q: want 1 to 64 letters, digits, '.', '_' or '-', not starting with '.'", name)
	}
	for _, r := range name {
		if !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '.' || r == '_' || r == '-') {
			return fmt.Errorf("portfolio name %q: want 1 to 64 letters, digits, '.', '_' or '-', not starting with '.'", name)
		}
	}
	return nil
}

// ItemKey is the key of a record in a portfolio: its id, else its source
// file's base name and row ("parties.csv:3").
func ItemKey(rec *record.Record) string {
	if id := strings.TrimSpace(rec.ID); id != "" {
		return id
	}
	src := rec.Source
	if src == "" {
		src = "-"
	}
	return filepath.Base(src) + ":" + strconv.Itoa(rec.Row)
}

// NewItems makes items of records: each keyed by ItemKey, a key met again
// getting "#2", "#3", ... in input order. origin describes where the
// records come from ("" names the source and row).
func NewItems(recs []record.Record, origin func(i int, rec *record.Record) string) []Item {
	out := make([]Item, len(recs))
	seen := map[string]int{}
	for i := range recs {
		key := ItemKey(&recs[i])
		if n := seen[key]; n > 0 {
			seen[key] = n + 1
			key += "#" + strconv.Itoa(n+1)
		} else {
			seen[key] = 1
		}
		o := ""
		if origin != nil {
			o = origin(i, &recs[i])
		}
		if o == "" {
			o = fmt.Sprintf("%s row %d", recs[i].Source, recs[i].Row)
		}
		out[i] = Item{Key: key, Record: recs[i], Origin: o}
	}
	return out
}

// ReadFiles reads the records of input files (CSV, TSV, XLSX, JSON, JSONL:
// party rows or shipment rows, as `screen scan` reads them) and makes them
// items. A row that cannot be read is an item too: screening decides it
// error, never clear.
func ReadFiles(ctx context.Context, paths []string, opts input.Options) ([]Item, error) {
	var recs []record.Record
	for _, p := range paths {
		r, err := input.Open(p, opts)
		if err != nil {
			return nil, fmt.Errorf("portfolio: %w", err)
		}
		for {
			if len(recs)%1024 == 0 {
				if err := ctx.Err(); err != nil {
					r.Close()
					return nil, err
				}
			}
			rec, err := r.Next()
			if errors.Is(err, io.EOF) {
				break
			}
			if err != nil {
				r.Close()
				return nil, fmt.Errorf("portfolio: read %s: %w", p, err)
			}
			recs = append(recs, rec)
		}
		if err := r.Close(); err != nil {
			return nil, fmt.Errorf("portfolio: close %s: %w", p, err)
		}
	}
	return NewItems(recs, nil), nil
}

// MergeCounts says what Merge did to a portfolio's items.
type MergeCounts struct {
	Added     int `json:"added"`
	Updated   int `json:"updated"`
	Unchanged int `json:"unchanged"`
	Removed   int `json:"removed"`
}

// Merge returns a portfolio named name holding old's items with items
// merged in (keys unique, as NewItems makes them): an item of a new key is added, an item whose record changed
// replaces the old one, an identical one (read from another file name or
// row, maybe) keeps its revision. With replace,
// old items whose keys are not among items are removed. old may be nil (a
// new portfolio). The result is a new revision, its items in key order.
func Merge(old *Portfolio, name string, items []Item, replace bool, now time.Time) (*Portfolio, MergeCounts) {
	p := &Portfolio{Name: name, CreatedAt: now, UpdatedAt: now}
	byKey := map[string]*Item{}
	if old != nil {
		p.Rev, p.CreatedAt = old.Rev, old.CreatedAt
		for i := range old.Items {
			byKey[old.Items[i].Key] = &old.Items[i]
		}
	}
	p.Rev++
	var c MergeCounts
	next := map[string]Item{}
	if !replace && old != nil {
		for _, it := range old.Items {
			next[it.Key] = it
		}
	}
	for _, it := range items {
		prev, ok := byKey[it.Key]
		switch {
		case !ok:
			c.Added++
			it.Rev = p.Rev
		case sameRecord(&prev.Record, &it.Record):
			c.Unchanged++
			it.Rev = prev.Rev
		default:
			c.Updated++
			it.Rev = p.Rev
		}
		next[it.Key] = it
	}
	if replace && old != nil {
		for _, it := range old.Items {
			if _, ok := next[it.Key]; !ok {
				c.Removed++
			}
		}
	}
	p.Items = make([]Item, 0, len(next))
	for _, it := range next {
		p.Items = append(p.Items, it)
	}
	sort.Slice(p.Items, func(i, j int) bool { return p.Items[i].Key < p.Items[j].Key })
	return p, c
}

// Info describes p without its items.
func (p *Portfolio) Info() PortfolioInfo {
	return PortfolioInfo{Name: p.Name, Rev: p.Rev, Items: len(p.Items), CreatedAt: p.CreatedAt, UpdatedAt: p.UpdatedAt}
}

// sameRecord says whether two records screen the same: equal but for where
// they were read (file name and row).
func sameRecord(a, b *record.Record) bool {
	x, y := *a, *b
	x.Source, x.Row, y.Source, y.Row = "", 0, "", 0
	return reflect.DeepEqual(x, y)
}
