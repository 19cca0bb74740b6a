package main

import (
	"fmt"
	"time"

	"github.com/urfave/cli/v2"

	"github.com/screen-compliance/screen/audit"
	"github.com/screen-compliance/screen/engine"
	"github.com/screen-compliance/screen/record"
	"github.com/screen-compliance/screen/suppress"
)

// deterministicTime is the timestamp --deterministic pins.
var deterministicTime = time.Date(2000, 1, 1, 0, 0, 0, 0, time.UTC)

// postProcessor applies suppressions and the baseline to each decision and
// appends it to the audit log.
type postProcessor struct {
	n          *notices
	now        time.Time
	ignore     *suppress.File
	baseline   suppress.Baseline
	log        *audit.Log
	runs       []audit.Run // one per input file
	pinTime    bool
	suppressed int
	baselined  int
	closed     bool
}

func newPostProcessor(c *cli.Context, n *notices, eng *engine.Engine, files []string, now time.Time) (*postProcessor, error) {
	p := &postProcessor{n: n, now: now, pinTime: c.Bool("deterministic")}
	var err error
	if p.ignore, err = loadSuppressions(c, n, now); err != nil {
		return nil, err
	}
	if b := c.String("baseline"); b != "" {
		if p.baseline, err = suppress.LoadBaseline(b); err != nil {
			return nil, err
		}
	}
	if path := c.String("audit-log"); path != "" {
		prov := eng.Provenance()
		for _, f := range files {
			sum, err := fileSHA256(f)
			if err != nil {
				return nil, fmt.Errorf("audit: %w", err)
			}
			p.runs = append(p.runs, audit.Run{
				Tool: "screen " + engine.Version, Lists: audit.ListRefs(eng.Lists()),
				PolicySHA256: prov.PolicySHA256, InputSHA256: sum, Operator: operatorID(c),
			})
		}
		if p.log, err = audit.Open(path); err != nil {
			return nil, err
		}
	}
	return p, nil
}

// apply post-processes the decision of input file i.
func (p *postProcessor) apply(i int, d *record.Decision) error {
	if p.ignore != nil {
		p.suppressed += p.ignore.Apply(d, p.now)
	}
	if p.baseline != nil {
		p.baselined += p.baseline.Apply(d)
	}
	if p.log != nil {
		e := audit.NewEntry(d, p.runs[i])
		e.Timestamp = time.Now().UTC()
		if p.pinTime {
			e.Timestamp = deterministicTime
		}
		if err := p.log.Append(e); err != nil {
			return err
		}
	}
	return nil
}

func (p *postProcessor) summary() {
	if p.suppressed > 0 {
		p.n.printf("%d finding(s) suppressed by %s (--show-suppressed lists them)", p.suppressed, p.ignore.Path)
	}
	if p.baselined > 0 {
		p.n.printf("%d finding(s) already in the baseline are marked \"baseline: known\"; they still count toward the decisions", p.baselined)
	}
}

func (p *postProcessor) close() error {
	if p.closed {
		return nil
	}
	p.closed = true
	if p.log != nil {
		return p.log.Close()
	}
	return nil
}
