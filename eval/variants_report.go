package eval

import (
	"fmt"
	"io"
	"strings"
)

// halfColumns returns the halves a report shows: tuning, held-out and both
// for HalfAll, else the one selected.
func halfColumns(h Half) []Half {
	switch h {
	case HalfTuning, HalfHeldOut:
		return []Half{h}
	}
	return []Half{HalfTuning, HalfHeldOut, HalfAll}
}

func (r VariantRow) half(h Half) Counts {
	switch h {
	case HalfTuning:
		return r.Halves[0]
	case HalfHeldOut:
		return r.Halves[1]
	}
	return r.All()
}

func (r LookalikeRow) half(h Half) AlarmCounts {
	switch h {
	case HalfTuning:
		return r.Halves[0]
	case HalfHeldOut:
		return r.Halves[1]
	}
	return r.All()
}

func sum2(a [2]int, h Half) int {
	switch h {
	case HalfTuning:
		return a[0]
	case HalfHeldOut:
		return a[1]
	}
	return a[0] + a[1]
}

// Write renders the report as text tables: per list, the variants by kind
// and type and the look-alikes by kind, each with the tuning half, the
// held-out half and both (or only the half selected); then a summary of
// every list. With examples it lists the missed variants and the false
// alarms kept. The output depends only on the report.
func (r VariantsReport) Write(w io.Writer, examples bool) error {
	var b strings.Builder
	cols := halfColumns(r.Half)
	b.WriteString("== variants: found = decision review or block with the right entity on top (ties at the top score count);\n")
	b.WriteString("   blocked = decision block with it on top; look-alike alarm = decision review, block or error;\n")
	b.WriteString("   own = alarms whose top match is the entity the look-alike was made from (the others match another listed name)\n")
	for i := range r.Lists {
		l := &r.Lists[i]
		fmt.Fprintf(&b, "\n== variants %s (%s, list %q)", l.Label, l.Path, l.List)
		for _, h := range cols {
			fmt.Fprintf(&b, "; %s: %d entities, %d variants, %d look-alikes (%d without one)", h,
				sum2(l.Entities, h), sum2(l.Variants, h), sum2(l.Lookalikes, h), sum2(l.NoLookalike, h))
		}
		b.WriteString("\n")
		fmt.Fprintf(&b, "%-13s %-12s", "kind", "type")
		for _, h := range cols {
			fmt.Fprintf(&b, " | %-7s %6s %6s %6s %6s %6s", h, "n", "found", "recall", "block", "rate")
		}
		b.WriteString("\n")
		for _, row := range l.Rows {
			fmt.Fprintf(&b, "%-13s %-12s", row.Kind, row.Type)
			for _, h := range cols {
				c := row.half(h)
				fmt.Fprintf(&b, " | %-7s %6d %6d %6s %6d %6s", "", c.N, c.Found, rate(c.Found, c.N), c.Blocked, rate(c.Blocked, c.N))
			}
			b.WriteString("\n")
		}
		fmt.Fprintf(&b, "%-13s %-12s", "look-alikes", "kind")
		for _, h := range cols {
			fmt.Fprintf(&b, " | %-7s %6s %6s %6s %6s %6s %6s", h, "n", "alarms", "rate", "blocks", "rate", "own")
		}
		b.WriteString("\n")
		for _, row := range l.LookalikeRows {
			fmt.Fprintf(&b, "%-13s %-12s", "", row.Kind)
			for _, h := range cols {
				c := row.half(h)
				fmt.Fprintf(&b, " | %-7s %6d %6d %6s %6d %6s %6s", "", c.N, c.Alarms, pct(c.Alarms, c.N), c.Blocks, pct(c.Blocks, c.N), pct(c.Own, c.N))
			}
			b.WriteString("\n")
		}
		if examples {
			if len(l.Misses) > 0 {
				fmt.Fprintf(&b, "missed variants (%s):\n", l.Label)
				for _, m := range l.Misses {
					b.WriteString("  " + m + "\n")
				}
			}
			if len(l.Alarms) > 0 {
				fmt.Fprintf(&b, "false alarms (%s):\n", l.Label)
				for _, m := range l.Alarms {
					b.WriteString("  " + m + "\n")
				}
			}
		}
	}
	b.WriteString("\n== variants summary\n")
	fmt.Fprintf(&b, "%-20s %-7s %6s %6s %6s | %6s %7s %7s %7s\n", "list", "half", "n", "recall", "block", "looks", "alarms", "blocks", "own")
	for i := range r.Lists {
		l := &r.Lists[i]
		all, la := l.Row(KindAll, TypeAll), l.LookalikeRow(KindAll)
		for _, h := range cols {
			c, a := all.half(h), la.half(h)
			fmt.Fprintf(&b, "%-20s %-7s %6d %6s %6s | %6d %7s %7s %7s\n", l.Label, h, c.N, rate(c.Found, c.N), rate(c.Blocked, c.N),
				a.N, pct(a.Alarms, a.N), pct(a.Blocks, a.N), pct(a.Own, a.N))
		}
	}
	_, err := io.WriteString(w, b.String())
	return err
}

// rate writes a/n with three decimals, "-" when n is 0.
func rate(a, n int) string {
	if n == 0 {
		return "-"
	}
	return fmt.Sprintf("%.3f", float64(a)/float64(n))
}

// pct writes a/n as a percentage with two decimals, "-" when n is 0.
func pct(a, n int) string {
	if n == 0 {
		return "-"
	}
	return fmt.Sprintf("%.2f%%", 100*float64(a)/float64(n))
}
