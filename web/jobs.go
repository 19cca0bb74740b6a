package web

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"sync/atomic"
	"time"

	"github.com/screen-compliance/screen/audit"
	"github.com/screen-compliance/screen/record"
	"github.com/screen-compliance/screen/suppress"
	"github.com/screen-compliance/screen/web/store"
)

// Screening jobs. When the store is shared by several processes (it
// implements store.Jobs, as the PostgreSQL store does), a run is not
// screened by the process that received it: that process reads the input
// and stores it in chunks of JobOptions.ChunkSize records (the ingest), and
// every process's chunk workers claim chunks, screen them and store their
// decisions, each chunk in one transaction with its completion. A process
// that dies loses its leases; its chunk is claimed again elsewhere and what
// it had not committed leaves no trace, so every input record yields
// exactly one decision. The last chunk finishes the run. Runs are therefore
// not marked failed when a process starts (another may be screening them);
// the processes' reapers fail a run whose ingest stopped before the input
// was whole, or whose chunk failed JobOptions.MaxAttempts times.
//
// With a store of one process (SQLite) a run is screened as before, in the
// process that started it.

// Defaults of JobOptions.
const (
	DefaultChunkSize      = 1000
	DefaultJobLease       = 30 * time.Second
	DefaultJobSlots       = 2
	DefaultJobPoll        = 500 * time.Millisecond
	DefaultJobMaxAttempts = 5
	// MinJobLease is the shortest lease that leaves time to renew it.
	MinJobLease = 300 * time.Millisecond
)

// JobOptions tune the screening jobs of a workspace whose store is shared
// (a store.Jobs); they change nothing with SQLite.
type JobOptions struct {
	// ChunkSize is the number of input records per chunk (default
	// DefaultChunkSize).
	ChunkSize int
	// Lease is how long a chunk claim or an ingest holds without being
	// renewed; holders renew at a third of it. A dead process's chunk is
	// taken over after at most this long (default DefaultJobLease).
	Lease time.Duration
	// Slots is the number of chunks this process screens at once, each
	// with Options.Workers goroutines (default DefaultJobSlots).
	Slots int
	// Poll is how often an idle process looks for chunks (default
	// DefaultJobPoll); a chunk this process stores wakes it at once.
	Poll time.Duration
	// MaxAttempts is how many times a chunk may be claimed before its run
	// fails (default DefaultJobMaxAttempts).
	MaxAttempts int
	// Owner names this process in claims (default host:pid:random).
	Owner string
}

func (o JobOptions) withDefaults() JobOptions {
	if o.ChunkSize <= 0 {
		o.ChunkSize = DefaultChunkSize
	}
	if o.Lease <= 0 {
		o.Lease = DefaultJobLease
	}
	o.Lease = max(o.Lease, MinJobLease)
	if o.Slots <= 0 {
		o.Slots = DefaultJobSlots
	}
	if o.Poll <= 0 {
		o.Poll = DefaultJobPoll
	}
	if o.MaxAttempts <= 0 {
		o.MaxAttempts = DefaultJobMaxAttempts
	}
	if o.Owner == "" {
		host, _ := os.Hostname()
		o.Owner = fmt.Sprintf("%s:%d:%s", host, os.Getpid(), randomToken(4))
	}
	return o
}

// jobRunner is the job machinery of a workspace on a shared store.
type jobRunner struct {
	js store.Jobs
	o  JobOptions
	// wake tells an idle chunk worker that a chunk was stored.
	wake chan struct{}
}

// newJobRunner returns the job runner of a workspace on st, or nil when st
// is not shared (not a store.Jobs).
func newJobRunner(st store.Store, o JobOptions) *jobRunner {
	js, ok := st.(store.Jobs)
	if !ok {
		return nil
	}
	return &jobRunner{js: js, o: o.withDefaults(), wake: make(chan struct{}, 1)}
}

// poke wakes one idle chunk worker.
func (j *jobRunner) poke() {
	select {
	case j.wake <- struct{}{}:
	default:
	}
}

// renewEvery returns how often a lease is renewed.
func (j *jobRunner) renewEvery() time.Duration { return max(j.o.Lease/3, 10*time.Millisecond) }

// startJobs starts the chunk workers and the reaper, when the store is
// shared.
func (a *App) startJobs() {
	if a.jobs == nil {
		return
	}
	for range a.jobs.o.Slots {
		a.wg.Add(1)
		go a.chunkWorker()
	}
	a.wg.Add(1)
	go a.reapJobs()
}

// startJob stores src as the input of run id's job, in the background;
// the chunk workers of every process screen it.
func (a *App) startJob(id int64, src source) {
	ctx, cancel := context.WithCancel(a.ctx)
	a.runsMu.Lock()
	a.running[id] = cancel
	a.runsMu.Unlock()
	a.wg.Add(1)
	go func() {
		defer a.wg.Done()
		defer cancel()
		defer func() {
			a.runsMu.Lock()
			delete(a.running, id)
			a.runsMu.Unlock()
		}()
		err := a.ingest(ctx, id, src)
		src.close()
		uctx, ucancel := context.WithTimeout(context.WithoutCancel(a.ctx), 10*time.Second)
		defer ucancel()
		switch {
		case err == nil:
			// The input is in the database now: the upload is not needed.
			if src.upload != "" {
				if err := a.dropUpload(uctx, id, src.upload); err != nil {
					a.opts.Logger.Error("run input stored", "run", id, "err", err)
				}
			}
		case errors.Is(err, store.ErrLeaseLost):
			// Another process gave the ingest up as stalled and failed the run.
			a.opts.Logger.Warn("run input not stored: given up as stalled", "run", id, "err", err)
		default:
			msg := err.Error()
			if errors.Is(err, context.Canceled) {
				msg = interruptedMsg
			}
			a.opts.Logger.Warn("run failed", "run", id, "err", err)
			if err := a.st.FinishRun(uctx, id, statusFailed, msg, a.opts.Clock()); err != nil {
				a.opts.Logger.Error("finish run", "run", id, "err", err)
			}
		}
	}()
}

// ingest stores the records of src as chunks of run id's job, renewing
// the ingest lease while it reads, and seals the job.
func (a *App) ingest(ctx context.Context, id int64, src source) error {
	js, o := a.jobs.js, a.jobs.o
	prov := a.eng.Provenance()
	if err := a.st.SetRunProvenance(ctx, id, a.eng.Lists(), prov.PolicySHA256, prov.Engine); err != nil {
		return err
	}
	if err := js.CreateJob(ctx, id, o.Owner, o.Lease); err != nil {
		return err
	}
	ctx, stop := context.WithCancelCause(ctx)
	renewed := make(chan struct{})
	defer func() {
		stop(nil)
		<-renewed
	}()
	go func() {
		defer close(renewed)
		t := time.NewTicker(a.jobs.renewEvery())
		defer t.Stop()
		for {
			select {
			case <-ctx.Done():
				return
			case <-t.C:
				if err := js.RenewIngest(ctx, id, o.Owner, o.Lease); errors.Is(err, store.ErrLeaseLost) {
					stop(err)
					return
				} else if err != nil && ctx.Err() == nil {
					a.opts.Logger.Warn("renew ingest lease", "run", id, "err", err)
				}
			}
		}
	}()
	buf := make([]record.Record, 0, o.ChunkSize)
	flush := func() error {
		if len(buf) == 0 {
			return nil
		}
		if _, err := js.AddChunk(ctx, id, o.Owner, buf, src.progress(), o.Lease); err != nil {
			return err
		}
		buf = buf[:0]
		a.jobs.poke()
		return nil
	}
	for {
		if err := context.Cause(ctx); err != nil {
			return err
		}
		rec, err := src.next()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return err
		}
		buf = append(buf, rec)
		if len(buf) == o.ChunkSize {
			if err := flush(); err != nil {
				return errors.Join(err, context.Cause(ctx))
			}
		}
	}
	if err := flush(); err != nil {
		return errors.Join(err, context.Cause(ctx))
	}
	finished, err := js.SealJob(ctx, id, o.Owner, a.opts.Clock())
	if err != nil {
		return err
	}
	if finished {
		a.runFinished(id)
	}
	return nil
}

// claimTimeout bounds one claim of a chunk.
const claimTimeout = 10 * time.Second

// chunkWorker claims chunks and screens them until the workspace closes.
func (a *App) chunkWorker() {
	defer a.wg.Done()
	j := a.jobs
	for a.ctx.Err() == nil {
		// The claim is one UPDATE that the database may commit while Close
		// cancels the request: it is not cancelled, so that a claimed chunk
		// always reaches screenChunk, which gives it back uncounted when the
		// workspace is closing (else it stayed held, an attempt counted,
		// until its lease ran out).
		cctx, ccancel := context.WithTimeout(context.WithoutCancel(a.ctx), claimTimeout)
		c, err := j.js.ClaimChunk(cctx, j.o.Owner, j.o.Lease, j.o.MaxAttempts)
		ccancel()
		if err != nil && a.ctx.Err() == nil {
			a.opts.Logger.Warn("claim a chunk", "err", err)
		}
		if c == nil {
			select {
			case <-a.ctx.Done():
			case <-j.wake:
			case <-time.After(j.o.Poll):
			}
			continue
		}
		j.poke() // there may be more: let another idle worker look
		a.screenChunk(c)
	}
}

// screenChunk screens a claimed chunk and completes it, renewing its lease
// meanwhile. A chunk that fails is released with its error (another
// attempt follows, elsewhere or here); one whose lease was lost is left to
// its new holder; one interrupted by Close is released uncounted.
func (a *App) screenChunk(c *store.Chunk) {
	j := a.jobs
	ctx, cancel := context.WithCancel(a.ctx)
	defer cancel()
	var lost atomic.Bool
	renewed := make(chan struct{})
	go func() {
		defer close(renewed)
		t := time.NewTicker(j.renewEvery())
		defer t.Stop()
		for {
			select {
			case <-ctx.Done():
				return
			case <-t.C:
				if err := j.js.RenewChunk(ctx, c, j.o.Lease); errors.Is(err, store.ErrLeaseLost) {
					lost.Store(true)
					cancel()
					return
				} else if err != nil && ctx.Err() == nil {
					a.opts.Logger.Warn("renew chunk lease", "run", c.RunID, "chunk", c.N, "err", err)
				}
			}
		}
	}()
	finished, err := a.completeChunk(ctx, c)
	cancel()
	<-renewed
	uctx, ucancel := context.WithTimeout(context.WithoutCancel(a.ctx), 10*time.Second)
	defer ucancel()
	switch {
	case err == nil:
		a.opts.Logger.Info("chunk screened", "run", c.RunID, "chunk", c.N, "records", len(c.Inputs), "attempt", c.Attempt)
		if finished {
			a.opts.Logger.Info("run finished", "run", c.RunID)
			a.runFinished(c.RunID)
		}
	case lost.Load() || errors.Is(err, store.ErrLeaseLost):
		a.opts.Logger.Warn("chunk taken over by another server", "run", c.RunID, "chunk", c.N)
	case a.ctx.Err() != nil:
		if err := j.js.ReleaseChunk(uctx, c, nil); err != nil {
			a.opts.Logger.Warn("release chunk", "run", c.RunID, "chunk", c.N, "err", err)
		}
	default:
		a.opts.Logger.Warn("chunk failed", "run", c.RunID, "chunk", c.N, "attempt", c.Attempt, "err", err)
		if err := j.js.ReleaseChunk(uctx, c, err); err != nil {
			a.opts.Logger.Warn("release chunk", "run", c.RunID, "chunk", c.N, "err", err)
		}
	}
}

// completeChunk screens the records of a chunk with the run's options and
// stores their decisions in the transaction that completes the chunk.
// Decisions get the seq of their input record (the chunk's First on).
func (a *App) completeChunk(ctx context.Context, c *store.Chunk) (bool, error) {
	run, err := a.getRun(ctx, c.RunID)
	if err != nil {
		return false, err
	}
	o := run.Options
	var ign *suppress.File
	if o.ApplySuppressions && a.opts.IgnoreFile != "" {
		f, err := suppress.Load(a.opts.IgnoreFile)
		switch {
		case err == nil:
			ign = f
		case !errors.Is(err, fs.ErrNotExist):
			return false, err
		}
	}
	auditRun := audit.Run{Tool: toolName(), Lists: audit.ListRefs(a.eng.Lists()), PolicySHA256: a.eng.Policy().SHA256(),
		InputSHA256: run.InputSHA256, Operator: run.CreatedBy}
	fc := newFacetSet()
	batch := make([]screened, 0, len(c.Inputs))
	i := 0
	next := func() (record.Record, error) {
		if i == len(c.Inputs) {
			return record.Record{}, io.EOF
		}
		i++
		return c.Inputs[i-1], nil
	}
	now := a.opts.Clock()
	err = a.eng.ScreenStream(ctx, a.opts.Workers, next, func(d record.Decision) error {
		applyRunOptions(&d, o, ign, now)
		sr := screened{rec: newStoredRecord(c.First+len(batch), &d)}
		if a.audit != nil && hasSuppressed(&d) {
			e := audit.NewEntry(&d, auditRun)
			e.Run = runName(c.RunID)
			e.Timestamp = now
			sr.audit = &e
		}
		fc.add(&sr.rec)
		batch = append(batch, sr)
		return nil
	})
	if err != nil {
		return false, err
	}
	if len(batch) != len(c.Inputs) {
		return false, fmt.Errorf("run %d chunk %d: %d decisions for %d records", c.RunID, c.N, len(batch), len(c.Inputs))
	}
	seen := map[string]bool{}
	return a.jobs.js.CompleteChunk(ctx, c, fc.facets(), a.opts.Clock(), func(tx store.Tx) error {
		return a.writeRecords(ctx, tx, c.RunID, batch, seen)
	})
}

// runFinished copies the audit entries of a run this process finished.
func (a *App) runFinished(id int64) {
	if err := a.flushAudit(a.ctx); err != nil {
		a.opts.Logger.Error("finish run", "run", id, "err", err)
	}
}

// reapJobs fails the runs that cannot finish, at every renewal interval,
// until the workspace closes.
func (a *App) reapJobs() {
	defer a.wg.Done()
	t := time.NewTicker(a.jobs.renewEvery())
	defer t.Stop()
	for {
		select {
		case <-a.ctx.Done():
			return
		case <-t.C:
			failed, err := a.jobs.js.ReapJobs(a.ctx, a.jobs.o.MaxAttempts, a.opts.Clock())
			if err != nil && a.ctx.Err() == nil {
				a.opts.Logger.Warn("reap jobs", "err", err)
			}
			for _, id := range failed {
				a.opts.Logger.Warn("run failed: it cannot finish", "run", id)
			}
		}
	}
}
