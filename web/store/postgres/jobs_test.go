package postgres

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/screen-compliance/screen/record"
	"github.com/screen-compliance/screen/web/store"
)

var jobT0 = time.Date(2026, 11, 20, 9, 30, 0, 0, time.UTC)

// inputs returns n input records named from start.
func inputs(start, n int) []record.Record {
	out := make([]record.Record, n)
	for i := range out {
		out[i] = record.Record{ID: fmt.Sprintf("R-%d", start+i), Row: start + i, Parties: []record.Party{{Role: "buyer", Name: fmt.Sprintf("Buyer %d", start+i)}}}
	}
	return out
}

// screenChunk stores a clear decision for every input of c.
func screenChunk(c *store.Chunk) func(tx store.Tx) error {
	return func(tx store.Tx) error {
		recs := make([]store.NewRecord, len(c.Inputs))
		for i, in := range c.Inputs {
			recs[i] = store.NewRecord{Seq: c.First + i, Input: in, Decision: record.Decision{ID: in.ID, Row: in.Row, Decision: record.Clear}}
		}
		return tx.AddRecords(context.Background(), c.RunID, recs)
	}
}

// newJob creates a run and its job, and stores chunks of the given sizes.
func newJob(t *testing.T, s *Store, owner string, sizes ...int) int64 {
	t.Helper()
	ctx := context.Background()
	id, err := s.CreateRun(ctx, store.NewRun{Name: "a", FileName: "a.csv", CreatedBy: "alice", CreatedAt: jobT0})
	if err != nil {
		t.Fatal(err)
	}
	if err := s.CreateJob(ctx, id, owner, time.Minute); err != nil {
		t.Fatal(err)
	}
	next := 1
	for _, n := range sizes {
		first, err := s.AddChunk(ctx, id, owner, inputs(next, n), 0.5, time.Minute)
		if err != nil {
			t.Fatal(err)
		}
		if first != next {
			t.Fatalf("chunk of %d records starts at seq %d, want %d", n, first, next)
		}
		next += n
	}
	return id
}

// claim claims a chunk or fails.
func claim(t *testing.T, s *Store, owner string, lease time.Duration) *store.Chunk {
	t.Helper()
	c, err := s.ClaimChunk(context.Background(), owner, lease, 5)
	if err != nil || c == nil {
		t.Fatalf("claim: %+v, %v", c, err)
	}
	return c
}

func TestJobFinishesWithItsLastChunk(t *testing.T) {
	for _, sealFirst := range []bool{true, false} {
		t.Run(fmt.Sprintf("sealed before the last chunk %v", sealFirst), func(t *testing.T) {
			ctx := context.Background()
			s := open(t)
			defer s.Close()
			id := newJob(t, s, "ingester", 2, 2, 1)
			a, b, c := claim(t, s, "w1", time.Minute), claim(t, s, "w2", time.Minute), claim(t, s, "w1", time.Minute)
			if a.N != 0 || b.N != 1 || c.N != 2 || a.First != 1 || b.First != 3 || c.First != 5 || len(c.Inputs) != 1 || c.Inputs[0].ID != "R-5" {
				t.Fatalf("claims: %+v %+v %+v", a, b, c)
			}
			if none, err := s.ClaimChunk(ctx, "w3", time.Minute, 5); none != nil || err != nil {
				t.Fatalf("a fourth claim: %+v, %v", none, err)
			}
			facets := []store.Facets{{Rules: []string{"r2", "r1"}, Countries: []string{"KP"}}, {Rules: []string{"r1"}, Lists: []string{"un"}}, {Roles: []string{"buyer"}}}
			// Out of order: the chunk in the middle first.
			for i, ch := range []*store.Chunk{b, c} {
				fin, err := s.CompleteChunk(ctx, ch, facets[i], jobT0, screenChunk(ch))
				if err != nil || fin {
					t.Fatalf("complete chunk %d: finished %v, %v", ch.N, fin, err)
				}
			}
			r, _ := s.Run(ctx, id)
			if r.Status != store.StatusRunning || r.Screened != 3 || r.Progress <= 0 || r.Progress >= 1 {
				t.Errorf("run after 2 of 3 chunks: %s, screened %d, progress %v", r.Status, r.Screened, r.Progress)
			}
			var fin bool
			var err error
			if sealFirst {
				if fin, err = s.SealJob(ctx, id, "ingester", jobT0); err != nil || fin {
					t.Fatalf("seal with a chunk to do: %v, %v", fin, err)
				}
				fin, err = s.CompleteChunk(ctx, a, facets[2], jobT0, screenChunk(a))
			} else {
				if fin, err = s.CompleteChunk(ctx, a, facets[2], jobT0, screenChunk(a)); err != nil || fin {
					t.Fatalf("the last chunk before the seal: %v, %v", fin, err)
				}
				fin, err = s.SealJob(ctx, id, "ingester", jobT0)
			}
			if err != nil || !fin {
				t.Fatalf("the last step: finished %v, %v", fin, err)
			}
			r, _ = s.Run(ctx, id)
			want := store.Facets{Rules: []string{"r1", "r2"}, Lists: []string{"un"}, Roles: []string{"buyer"}, Countries: []string{"KP"}}
			if r.Status != store.StatusDone || r.Screened != 5 || r.Progress != 1 || !r.FinishedAt.Equal(jobT0) || fmt.Sprint(r.Facets) != fmt.Sprint(want) {
				t.Errorf("finished run: %+v", r)
			}
			recs, _ := s.Records(ctx, id, 0, 100)
			if len(recs) != 5 {
				t.Errorf("%d records, want 5", len(recs))
			}
			for i, rec := range recs {
				if rec.Seq != i+1 || rec.Record.ID != fmt.Sprintf("R-%d", i+1) {
					t.Errorf("record %d: seq %d id %s", i, rec.Seq, rec.Record.ID)
				}
			}
			var jobs int
			s.Pool().QueryRow(ctx, `SELECT count(*) FROM jobs`).Scan(&jobs)
			if jobs != 0 {
				t.Errorf("%d jobs left after the run finished", jobs)
			}
		})
	}
}

func TestEmptyInputFinishesAtSeal(t *testing.T) {
	ctx := context.Background()
	s := open(t)
	defer s.Close()
	id := newJob(t, s, "ingester")
	fin, err := s.SealJob(ctx, id, "ingester", jobT0)
	if err != nil || !fin {
		t.Fatalf("seal of an empty job: %v, %v", fin, err)
	}
	if r, _ := s.Run(ctx, id); r.Status != store.StatusDone || r.Screened != 0 {
		t.Errorf("run: %+v", r)
	}
}

// TestTakeover lets a claim's lease run out: another process claims the
// chunk, and the first one's writes are refused whole.
func TestTakeover(t *testing.T) {
	ctx := context.Background()
	s := open(t)
	defer s.Close()
	id := newJob(t, s, "ingester", 3)
	first := claim(t, s, "slow", 100*time.Millisecond)
	if err := s.RenewChunk(ctx, first, 100*time.Millisecond); err != nil {
		t.Fatal(err)
	}
	if c, _ := s.ClaimChunk(ctx, "fast", time.Minute, 5); c != nil {
		t.Fatalf("a chunk under lease was claimed again: %+v", c)
	}
	time.Sleep(250 * time.Millisecond)
	second := claim(t, s, "fast", time.Minute)
	if second.N != first.N || second.Attempt != 2 || second.Token == first.Token {
		t.Fatalf("takeover claim %+v after %+v", second, first)
	}
	if err := s.RenewChunk(ctx, first, time.Minute); !errors.Is(err, store.ErrLeaseLost) {
		t.Errorf("renewing a lost lease: %v, want ErrLeaseLost", err)
	}
	if _, err := s.CompleteChunk(ctx, first, store.Facets{}, jobT0, screenChunk(first)); !errors.Is(err, store.ErrLeaseLost) {
		t.Errorf("completing with a lost lease: %v, want ErrLeaseLost", err)
	}
	if recs, _ := s.Records(ctx, id, 0, 10); len(recs) != 0 {
		t.Fatalf("the lost claim stored %d records", len(recs))
	}
	if _, err := s.CompleteChunk(ctx, second, store.Facets{}, jobT0, screenChunk(second)); err != nil {
		t.Fatal(err)
	}
	if recs, _ := s.Records(ctx, id, 0, 10); len(recs) != 3 {
		t.Errorf("%d records after the takeover, want 3", len(recs))
	}
	// A failing fn stores nothing and keeps the chunk.
	id2 := newJob(t, s, "ingester", 2)
	c := claim(t, s, "w", time.Minute)
	boom := errors.New("boom")
	if _, err := s.CompleteChunk(ctx, c, store.Facets{}, jobT0, func(tx store.Tx) error { screenChunk(c)(tx); return boom }); !errors.Is(err, boom) {
		t.Errorf("CompleteChunk with fn failing: %v", err)
	}
	if recs, _ := s.Records(ctx, id2, 0, 10); len(recs) != 0 {
		t.Errorf("a failed completion stored %d records", len(recs))
	}
	if err := s.ReleaseChunk(ctx, c, nil); err != nil {
		t.Fatal(err)
	}
	if again := claim(t, s, "w2", time.Minute); again.N != c.N || again.Attempt != 1 {
		t.Errorf("claim after a release without cause: %+v (the release must not count an attempt)", again)
	}
}

// TestExactlyOnceUnderCrashes has workers claim and complete the chunks of
// one run at once, some of them abandoning their claim midway as a killed
// process would: every input record has exactly one decision at the end.
func TestExactlyOnceUnderCrashes(t *testing.T) {
	ctx := context.Background()
	s := open(t)
	defer s.Close()
	sizes := make([]int, 60)
	for i := range sizes {
		sizes[i] = 25
	}
	id := newJob(t, s, "ingester", sizes...)
	if _, err := s.SealJob(ctx, id, "ingester", jobT0); err != nil {
		t.Fatal(err)
	}
	const lease = 150 * time.Millisecond
	var wg sync.WaitGroup
	var mu sync.Mutex
	abandoned, lost := 0, 0
	for w := range 6 {
		wg.Go(func() {
			rng := rand.New(rand.NewPCG(uint64(w), 1))
			for {
				if r, err := s.Run(ctx, id); err != nil || r.Status != store.StatusRunning {
					return
				}
				c, err := s.ClaimChunk(ctx, fmt.Sprintf("w%d", w), lease, 100)
				if err != nil {
					t.Error(err)
					return
				}
				if c == nil {
					time.Sleep(20 * time.Millisecond)
					continue
				}
				switch x := rng.IntN(10); {
				case x == 0: // killed before completing: the claim just stays
					mu.Lock()
					abandoned++
					mu.Unlock()
				case x == 1: // slow: the lease runs out first
					time.Sleep(2 * lease)
					fallthrough
				default:
					_, err := s.CompleteChunk(ctx, c, store.Facets{}, jobT0, screenChunk(c))
					if errors.Is(err, store.ErrLeaseLost) {
						mu.Lock()
						lost++
						mu.Unlock()
					} else if err != nil {
						t.Error(err)
						return
					}
				}
			}
		})
	}
	wg.Wait()
	r, err := s.Run(ctx, id)
	if err != nil || r.Status != store.StatusDone || r.Screened != 1500 {
		t.Fatalf("run: %+v, %v", r, err)
	}
	var n, distinct, lo, hi int
	if err := s.Pool().QueryRow(ctx, `SELECT count(*), count(DISTINCT seq), min(seq), max(seq) FROM records WHERE run_id = $1`, id).Scan(&n, &distinct, &lo, &hi); err != nil {
		t.Fatal(err)
	}
	if n != 1500 || distinct != 1500 || lo != 1 || hi != 1500 {
		t.Errorf("records: %d, %d distinct, seq %d to %d; want 1500 once each", n, distinct, lo, hi)
	}
	t.Logf("%d claims abandoned, %d completions refused after a takeover", abandoned, lost)
}

func TestPoisonChunkFailsRun(t *testing.T) {
	ctx := context.Background()
	s := open(t)
	defer s.Close()
	id := newJob(t, s, "ingester", 2, 2)
	if _, err := s.SealJob(ctx, id, "ingester", jobT0); err != nil {
		t.Fatal(err)
	}
	for range 2 {
		c, err := s.ClaimChunk(ctx, "w", time.Minute, 2)
		if err != nil || c == nil || c.N != 0 {
			t.Fatalf("claim: %+v, %v", c, err)
		}
		if err := s.ReleaseChunk(ctx, c, errors.New("policy evaluation exploded")); err != nil {
			t.Fatal(err)
		}
	}
	// Chunk 0 is spent; chunk 1 is still claimable but the run is lost.
	failed, err := s.ReapJobs(ctx, 2, jobT0)
	if err != nil || !slices.Equal(failed, []int64{id}) {
		t.Fatalf("ReapJobs = %v, %v; want [%d]", failed, err, id)
	}
	r, _ := s.Run(ctx, id)
	if r.Status != store.StatusFailed || !strings.Contains(r.Error, "records 1 to 2") || !strings.Contains(r.Error, "policy evaluation exploded") {
		t.Errorf("failed run: %s %q", r.Status, r.Error)
	}
	if c, err := s.ClaimChunk(ctx, "w", time.Minute, 2); c != nil || err != nil {
		t.Errorf("claim after the run failed: %+v, %v", c, err)
	}
	if failed, err := s.ReapJobs(ctx, 2, jobT0); err != nil || len(failed) != 0 {
		t.Errorf("ReapJobs again = %v, %v", failed, err)
	}
}

func TestStalledIngestFailsRun(t *testing.T) {
	ctx := context.Background()
	s := open(t)
	defer s.Close()
	id, err := s.CreateRun(ctx, store.NewRun{Name: "a", FileName: "a.csv", CreatedBy: "alice"})
	if err != nil {
		t.Fatal(err)
	}
	if err := s.CreateJob(ctx, id, "ingester", 100*time.Millisecond); err != nil {
		t.Fatal(err)
	}
	if _, err := s.AddChunk(ctx, id, "ingester", inputs(1, 2), 0.1, 100*time.Millisecond); err != nil {
		t.Fatal(err)
	}
	if err := s.RenewIngest(ctx, id, "ingester", 100*time.Millisecond); err != nil {
		t.Fatal(err)
	}
	if failed, err := s.ReapJobs(ctx, 5, jobT0); err != nil || len(failed) != 0 {
		t.Fatalf("ReapJobs under a live lease = %v, %v", failed, err)
	}
	time.Sleep(250 * time.Millisecond)
	failed, err := s.ReapJobs(ctx, 5, jobT0)
	if err != nil || !slices.Equal(failed, []int64{id}) {
		t.Fatalf("ReapJobs = %v, %v", failed, err)
	}
	if r, _ := s.Run(ctx, id); r.Status != store.StatusFailed || !strings.HasPrefix(r.Error, "interrupted") {
		t.Errorf("run: %s %q", r.Status, r.Error)
	}
	if _, err := s.AddChunk(ctx, id, "ingester", inputs(3, 1), 0.2, time.Minute); !errors.Is(err, store.ErrLeaseLost) {
		t.Errorf("AddChunk after the reap: %v, want ErrLeaseLost", err)
	}
	if _, err := s.SealJob(ctx, id, "ingester", jobT0); !errors.Is(err, store.ErrLeaseLost) {
		t.Errorf("SealJob after the reap: %v, want ErrLeaseLost", err)
	}
	if err := s.RenewIngest(ctx, id, "ingester", time.Minute); !errors.Is(err, store.ErrLeaseLost) {
		t.Errorf("RenewIngest after the reap: %v, want ErrLeaseLost", err)
	}
}

// TestJobsOfStoppedRunsForgotten: a run failed by its process (an
// unreadable file) keeps no claimable chunks, and the reaper deletes its
// job without touching the run.
func TestJobsOfStoppedRunsForgotten(t *testing.T) {
	ctx := context.Background()
	s := open(t)
	defer s.Close()
	id := newJob(t, s, "ingester", 2)
	if err := s.FinishRun(ctx, id, store.StatusFailed, "the file is corrupt", jobT0); err != nil {
		t.Fatal(err)
	}
	if c, err := s.ClaimChunk(ctx, "w", time.Minute, 5); c != nil || err != nil {
		t.Errorf("claim of a failed run's chunk: %+v, %v", c, err)
	}
	if failed, err := s.ReapJobs(ctx, 5, jobT0); err != nil || len(failed) != 0 {
		t.Errorf("ReapJobs = %v, %v; want nothing failed", failed, err)
	}
	var jobs, chunks int
	s.Pool().QueryRow(ctx, `SELECT (SELECT count(*) FROM jobs), (SELECT count(*) FROM job_chunks)`).Scan(&jobs, &chunks)
	if jobs != 0 || chunks != 0 {
		t.Errorf("%d jobs and %d chunks left", jobs, chunks)
	}
	if r, _ := s.Run(ctx, id); r.Error != "the file is corrupt" {
		t.Errorf("the reaper changed the run: %+v", r)
	}
}
