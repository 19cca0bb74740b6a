package main

import (
	"fmt"
	"io"
	"os"
	"sync/atomic"
	"time"

	"github.com/urfave/cli/v2"
)

// progress prints a one-line row counter on stderr while a scan runs, only
// when stderr is a terminal, not in CI, and not --quiet or --no-progress.
type progress struct {
	w     io.Writer
	start time.Time
	rows  atomic.Int64
	last  atomic.Int64 // unix nanos of the last print
	shown bool
}

func newProgress(c *cli.Context) *progress {
	p := &progress{start: time.Now()}
	if c.Bool("quiet") || c.Bool("no-progress") || os.Getenv("CI") != "" {
		return p
	}
	f, ok := c.App.ErrWriter.(*os.File)
	if !ok {
		return p
	}
	if st, err := f.Stat(); err != nil || st.Mode()&os.ModeCharDevice == 0 {
		return p
	}
	p.w = f
	return p
}

func (p *progress) tick() {
	n := p.rows.Add(1)
	if p.w == nil {
		return
	}
	now := time.Now().UnixNano()
	if now-p.last.Load() < int64(200*time.Millisecond) {
		return
	}
	p.last.Store(now)
	p.shown = true
	el := time.Since(p.start).Seconds()
	fmt.Fprintf(p.w, "\rscreened %d rows (%.0f rows/s)", n, float64(n)/max(el, 0.001))
}

func (p *progress) done() {
	if p.w != nil && p.shown {
		fmt.Fprint(p.w, "\r\033[K")
	}
}
