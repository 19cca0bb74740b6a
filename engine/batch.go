package engine

import (
	"context"
	"errors"
	"io"
	"runtime"
	"sync"

	"github.com/screen-compliance/screen/record"
)

// Next returns the next record to screen, or io.EOF at the end.
type Next func() (record.Record, error)

// Emit receives decisions in input order. Returning an error stops the batch.
type Emit func(record.Decision) error

// streamWindow is how many records per worker ScreenStream lets be in
// flight. Decisions are emitted in input order, so a slow record (many
// matches, a policy memo miss) holds back the ones after it, and with a
// short window the workers run out of records: a scan of 200,000 distinct
// parties (list loading included) kept the 2 cores busy 1.77-1.78 of the
// time with 4 per worker, 1.84 with 16, 1.87-1.88 with 32 and 64. A record
// is at most about a megabyte (input.MaxRowBytes), so what is in flight
// stays under about 32 MB per worker even for a file of the largest rows.
const streamWindow = 32

// ScreenStream screens records from next with workers goroutines (0 = one
// per CPU) and passes decisions to emit in input order. Memory stays bounded:
// at most streamWindow records per worker are in flight. It returns the first error
// from next (other than io.EOF) or emit, or ctx's error. Record-level
// problems do not stop the batch: they become "error" decisions.
func (e *Engine) ScreenStream(ctx context.Context, workers int, next Next, emit Emit) error {
	if workers <= 0 {
		workers = runtime.GOMAXPROCS(0)
	}
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()

	type job struct {
		rec record.Record
		out chan record.Decision
	}
	jobs := make(chan job, workers*streamWindow)
	order := make(chan chan record.Decision, workers*streamWindow)

	var readErr error
	go func() {
		defer close(jobs)
		defer close(order)
		for {
			rec, err := next()
			if errors.Is(err, io.EOF) {
				return
			}
			if err != nil {
				readErr = err
				return
			}
			j := job{rec: rec, out: make(chan record.Decision, 1)}
			select {
			case jobs <- j:
			case <-ctx.Done():
				return
			}
			select {
			case order <- j.out:
			case <-ctx.Done():
				return
			}
		}
	}()

	var wg sync.WaitGroup
	for range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for j := range jobs {
				d, _ := e.Screen(ctx, j.rec)
				j.out <- d
			}
		}()
	}

	var emitErr error
	for out := range order {
		d := <-out
		if emitErr == nil {
			if err := emit(d); err != nil {
				emitErr = err
				cancel()
			}
		}
	}
	wg.Wait()
	switch {
	case emitErr != nil:
		return emitErr
	case readErr != nil:
		return readErr
	}
	return ctx.Err()
}
