package postgres

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/screen-compliance/screen/record"
	"github.com/screen-compliance/screen/web/store"
)

// The jobs of runs: a row in jobs per run being screened (who stores its
// input, until when, how many chunks and records are stored and done, the
// facets of the records done) and a row in job_chunks per chunk not yet
// done (its input records as JSON, the claim: owner, token, lease,
// attempts). Completing a chunk deletes its row in the transaction that
// stores its decisions.
//
// Locks are taken in one order everywhere: chunk rows, then the job row,
// then the run row; so two processes never wait for each other.

// secs is a lease as the seconds make_interval takes.
func secs(d time.Duration) float64 { return d.Seconds() }

// CreateJob makes run id a job whose input owner stores.
func (s *Store) CreateJob(ctx context.Context, runID int64, owner string, lease time.Duration) error {
	if _, err := s.pool.Exec(ctx, `INSERT INTO jobs (run_id, owner, ingest_until) VALUES ($1, $2, clock_timestamp() + make_interval(secs => $3))`,
		runID, owner, secs(lease)); err != nil {
		return fmt.Errorf("run %d: create job: %w", runID, err)
	}
	return nil
}

// AddChunk stores the next chunk of run id's input.
func (s *Store) AddChunk(ctx context.Context, runID int64, owner string, inputs []record.Record, progress float64, lease time.Duration) (int, error) {
	b, err := json.Marshal(inputs)
	if err != nil {
		return 0, fmt.Errorf("run %d: encode chunk: %w", runID, err)
	}
	var first int
	err = inTx(ctx, s.pool, func(q querier) error {
		var n, rows int
		err := q.QueryRow(ctx, `SELECT chunks, rows FROM jobs WHERE run_id = $1 AND owner = $2 AND NOT sealed FOR UPDATE`, runID, owner).Scan(&n, &rows)
		if errors.Is(err, pgx.ErrNoRows) {
			return store.ErrLeaseLost
		}
		if err != nil {
			return err
		}
		first = rows + 1
		if _, err := q.Exec(ctx, `INSERT INTO job_chunks (run_id, n, first_seq, rows, inputs) VALUES ($1, $2, $3, $4, $5)`, runID, n, first, len(inputs), b); err != nil {
			return err
		}
		_, err = q.Exec(ctx, `UPDATE jobs SET chunks = chunks + 1, rows = rows + $2, ingest_progress = $3, ingest_until = clock_timestamp() + make_interval(secs => $4)
			WHERE run_id = $1`, runID, len(inputs), progress, secs(lease))
		return err
	})
	if err != nil {
		return 0, fmt.Errorf("run %d: store input chunk: %w", runID, err)
	}
	return first, nil
}

// RenewIngest renews owner's ingest lease of run id.
func (s *Store) RenewIngest(ctx context.Context, runID int64, owner string, lease time.Duration) error {
	tag, err := s.pool.Exec(ctx, `UPDATE jobs SET ingest_until = clock_timestamp() + make_interval(secs => $3) WHERE run_id = $1 AND owner = $2 AND NOT sealed`,
		runID, owner, secs(lease))
	if err != nil {
		return fmt.Errorf("run %d: renew ingest lease: %w", runID, err)
	}
	if tag.RowsAffected() == 0 {
		return fmt.Errorf("run %d: renew ingest lease: %w", runID, store.ErrLeaseLost)
	}
	return nil
}

// SealJob records that run id's input is whole.
func (s *Store) SealJob(ctx context.Context, runID int64, owner string, at time.Time) (bool, error) {
	finished := false
	err := inTx(ctx, s.pool, func(q querier) error {
		j, err := lockJob(ctx, q, runID, `AND owner = $2 AND NOT sealed`, owner)
		if err != nil {
			return err
		}
		j.sealed, j.ingest = true, 1
		if _, err := q.Exec(ctx, `UPDATE jobs SET sealed = true, ingest_progress = 1 WHERE run_id = $1`, runID); err != nil {
			return err
		}
		finished, err = j.settle(ctx, q, at)
		return err
	})
	if err != nil {
		return false, fmt.Errorf("run %d: seal job: %w", runID, err)
	}
	return finished, nil
}

// job is a locked row of jobs.
type job struct {
	runID                      int64
	sealed                     bool
	ingest                     float64
	chunks, rows, doneC, doneR int
	facets                     store.Facets
}

// lockJob locks the job row of run id that cond (SQL after WHERE run_id =
// $1, with args from $2) selects, or returns ErrLeaseLost.
func lockJob(ctx context.Context, q querier, runID int64, cond string, args ...any) (*job, error) {
	j := &job{runID: runID}
	var fb []byte
	err := q.QueryRow(ctx, `SELECT sealed, ingest_progress, chunks, rows, done_chunks, done_rows, facets FROM jobs WHERE run_id = $1 `+cond+` FOR UPDATE`,
		append([]any{runID}, args...)...).Scan(&j.sealed, &j.ingest, &j.chunks, &j.rows, &j.doneC, &j.doneR, &fb)
	if errors.Is(err, pgx.ErrNoRows) {
		return nil, store.ErrLeaseLost
	}
	if err != nil {
		return nil, err
	}
	if err := json.Unmarshal(fb, &j.facets); err != nil {
		return nil, fmt.Errorf("job facets: %w", err)
	}
	return j, nil
}

// settle finishes the run when its input is whole and every chunk is done
// (status done, the facets of all its records; the job is deleted), else
// records its progress. It says whether it finished the run.
func (j *job) settle(ctx context.Context, q querier, at time.Time) (bool, error) {
	if j.sealed && j.doneC == j.chunks {
		fb, err := json.Marshal(j.facets)
		if err != nil {
			return false, err
		}
		tag, err := q.Exec(ctx, `UPDATE runs SET status = 'done', error = '', progress = 1, screened = $2, facets = $3, finished_at = $4
			WHERE id = $1 AND status = 'running'`, j.runID, j.doneR, string(fb), store.Text(at))
		if err != nil {
			return false, err
		}
		if _, err := q.Exec(ctx, `DELETE FROM jobs WHERE run_id = $1`, j.runID); err != nil {
			return false, err
		}
		return tag.RowsAffected() == 1, nil
	}
	progress := 0.0
	if j.rows > 0 {
		progress = min(0.99, j.ingest*float64(j.doneR)/float64(j.rows))
	}
	_, err := q.Exec(ctx, `UPDATE runs SET screened = $2, progress = $3 WHERE id = $1 AND status = 'running'`, j.runID, j.doneR, progress)
	return false, err
}

// ClaimChunk claims a chunk nobody holds.
func (s *Store) ClaimChunk(ctx context.Context, owner string, lease time.Duration, maxAttempts int) (*store.Chunk, error) {
	c := &store.Chunk{Owner: owner}
	var b []byte
	err := s.pool.QueryRow(ctx, `UPDATE job_chunks c SET owner = $1, token = nextval('job_lease_tokens'),
			lease_until = clock_timestamp() + make_interval(secs => $2), attempts = c.attempts + 1
		FROM (SELECT k.run_id, k.n FROM job_chunks k JOIN runs r ON r.id = k.run_id
			WHERE r.status = 'running' AND (k.lease_until IS NULL OR k.lease_until < clock_timestamp()) AND k.attempts < $3
			ORDER BY k.run_id, k.n LIMIT 1 FOR UPDATE OF k SKIP LOCKED) pick
		WHERE c.run_id = pick.run_id AND c.n = pick.n
		RETURNING c.run_id, c.n, c.first_seq, c.inputs, c.token, c.attempts`, owner, secs(lease), maxAttempts).
		Scan(&c.RunID, &c.N, &c.First, &b, &c.Token, &c.Attempt)
	if errors.Is(err, pgx.ErrNoRows) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("claim a chunk: %w", err)
	}
	if err := json.Unmarshal(b, &c.Inputs); err != nil {
		return nil, fmt.Errorf("run %d chunk %d: decode input: %w", c.RunID, c.N, err)
	}
	return c, nil
}

// RenewChunk extends the lease of a claimed chunk.
func (s *Store) RenewChunk(ctx context.Context, c *store.Chunk, lease time.Duration) error {
	tag, err := s.pool.Exec(ctx, `UPDATE job_chunks SET lease_until = clock_timestamp() + make_interval(secs => $4) WHERE run_id = $1 AND n = $2 AND token = $3`,
		c.RunID, c.N, c.Token, secs(lease))
	if err != nil {
		return fmt.Errorf("run %d chunk %d: renew lease: %w", c.RunID, c.N, err)
	}
	if tag.RowsAffected() == 0 {
		return fmt.Errorf("run %d chunk %d: renew lease: %w", c.RunID, c.N, store.ErrLeaseLost)
	}
	return nil
}

// ReleaseChunk gives a claimed chunk back.
func (s *Store) ReleaseChunk(ctx context.Context, c *store.Chunk, cause error) error {
	uncount, msg := 1, ""
	if cause != nil {
		uncount, msg = 0, text(cause.Error())
	}
	tag, err := s.pool.Exec(ctx, `UPDATE job_chunks SET owner = '', lease_until = NULL, attempts = attempts - $4,
			last_error = CASE WHEN $5 = '' THEN last_error ELSE $5 END
		WHERE run_id = $1 AND n = $2 AND token = $3`, c.RunID, c.N, c.Token, uncount, msg)
	if err != nil {
		return fmt.Errorf("run %d chunk %d: release: %w", c.RunID, c.N, err)
	}
	if tag.RowsAffected() == 0 {
		return fmt.Errorf("run %d chunk %d: release: %w", c.RunID, c.N, store.ErrLeaseLost)
	}
	return nil
}

// CompleteChunk stores a chunk's decisions (fn) and deletes the chunk in
// one transaction, if the claim still holds.
func (s *Store) CompleteChunk(ctx context.Context, c *store.Chunk, facets store.Facets, at time.Time, fn func(tx store.Tx) error) (bool, error) {
	finished := false
	err := inTx(ctx, s.pool, func(q querier) error {
		var one int
		err := q.QueryRow(ctx, `SELECT 1 FROM job_chunks WHERE run_id = $1 AND n = $2 AND token = $3 FOR UPDATE`, c.RunID, c.N, c.Token).Scan(&one)
		if errors.Is(err, pgx.ErrNoRows) {
			return store.ErrLeaseLost
		}
		if err != nil {
			return err
		}
		if err := fn(tx{q: q}); err != nil {
			return err
		}
		if _, err := q.Exec(ctx, `DELETE FROM job_chunks WHERE run_id = $1 AND n = $2`, c.RunID, c.N); err != nil {
			return err
		}
		j, err := lockJob(ctx, q, c.RunID, "")
		if err != nil {
			return err
		}
		j.doneC++
		j.doneR += len(c.Inputs)
		j.facets = unionFacets(j.facets, facets)
		fb, err := json.Marshal(j.facets)
		if err != nil {
			return err
		}
		if _, err := q.Exec(ctx, `UPDATE jobs SET done_chunks = $2, done_rows = $3, facets = $4 WHERE run_id = $1`, c.RunID, j.doneC, j.doneR, fb); err != nil {
			return err
		}
		finished, err = j.settle(ctx, q, at)
		return err
	})
	if err != nil {
		return false, fmt.Errorf("run %d chunk %d: complete: %w", c.RunID, c.N, err)
	}
	return finished, nil
}

// unionFacets merges facet values, sorted.
func unionFacets(a, b store.Facets) store.Facets {
	u := func(x, y []string) []string {
		out := slices.Concat(x, y)
		slices.Sort(out)
		return slices.Compact(out)
	}
	return store.Facets{Rules: u(a.Rules, b.Rules), Lists: u(a.Lists, b.Lists), Roles: u(a.Roles, b.Roles), Countries: u(a.Countries, b.Countries)}
}

// Messages of runs ReapJobs fails.
const (
	msgIngestStalled = "interrupted: the server that received this file stopped before it had stored all of it; re-screen the run on that server (it keeps the upload) or upload the file again"
	msgChunkFailed   = "records %d to %d could not be screened in %d attempts (%s); re-screen the run"
)

// ReapJobs fails the runs that cannot finish and forgets the jobs of runs
// no longer running.
func (s *Store) ReapJobs(ctx context.Context, maxAttempts int, at time.Time) ([]int64, error) {
	type victim struct {
		runID int64
		msg   string
	}
	var vs []victim
	collect := func(query string, args ...any) error {
		rows, err := s.pool.Query(ctx, query, args...)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			var v victim
			if err := rows.Scan(&v.runID, &v.msg); err != nil {
				return err
			}
			vs = append(vs, v)
		}
		return rows.Err()
	}
	err := errors.Join(
		collect(`SELECT j.run_id, '' FROM jobs j JOIN runs r ON r.id = j.run_id WHERE r.status <> 'running'`),
		collect(`SELECT j.run_id, $1::text FROM jobs j JOIN runs r ON r.id = j.run_id
			WHERE r.status = 'running' AND NOT j.sealed AND j.ingest_until < clock_timestamp()`, msgIngestStalled),
		collect(`SELECT DISTINCT ON (k.run_id) k.run_id, format($2::text, k.first_seq, k.first_seq + k.rows - 1, k.attempts,
				CASE WHEN k.last_error = '' THEN 'the servers screening them stopped' ELSE k.last_error END)
			FROM job_chunks k JOIN runs r ON r.id = k.run_id
			WHERE r.status = 'running' AND k.attempts >= $1 AND (k.lease_until IS NULL OR k.lease_until < clock_timestamp())
			ORDER BY k.run_id, k.n`, maxAttempts, pgFormat(msgChunkFailed)),
	)
	if err != nil {
		return nil, fmt.Errorf("reap jobs: %w", err)
	}
	var failed []int64
	for _, v := range vs {
		ok, err := s.reap(ctx, v.runID, v.msg, maxAttempts, at)
		if err != nil {
			return failed, fmt.Errorf("reap jobs: run %d: %w", v.runID, err)
		}
		if ok {
			failed = append(failed, v.runID)
		}
	}
	return failed, nil
}

// pgFormat turns the %d and %s of a Go format into format()'s %s.
func pgFormat(f string) string {
	out := []byte{}
	for i := 0; i < len(f); i++ {
		if f[i] == '%' && i+1 < len(f) && (f[i+1] == 'd' || f[i+1] == 's') {
			out = append(out, '%', 's')
			i++
			continue
		}
		out = append(out, f[i])
	}
	return string(out)
}

// reap deletes the job of run id and, when msg is not empty, fails the run
// with msg if the reason still holds once the job is locked. It says
// whether it failed the run.
func (s *Store) reap(ctx context.Context, runID int64, msg string, maxAttempts int, at time.Time) (bool, error) {
	failed := false
	err := inTx(ctx, s.pool, func(q querier) error {
		// Chunks first: a process completing one finishes first.
		if _, err := q.Exec(ctx, `SELECT n FROM job_chunks WHERE run_id = $1 FOR UPDATE`, runID); err != nil {
			return err
		}
		var running, sealed, stalled, poisoned bool
		err := q.QueryRow(ctx, `SELECT r.status = 'running', j.sealed, j.ingest_until < clock_timestamp(),
				EXISTS (SELECT 1 FROM job_chunks k WHERE k.run_id = j.run_id AND k.attempts >= $2 AND (k.lease_until IS NULL OR k.lease_until < clock_timestamp()))
			FROM jobs j JOIN runs r ON r.id = j.run_id WHERE j.run_id = $1 FOR UPDATE OF j`, runID, maxAttempts).Scan(&running, &sealed, &stalled, &poisoned)
		if errors.Is(err, pgx.ErrNoRows) {
			return nil // reaped or finished meanwhile
		}
		if err != nil {
			return err
		}
		switch {
		case !running:
		case msg != "" && ((!sealed && stalled) || poisoned):
			tag, err := q.Exec(ctx, `UPDATE runs SET status = 'failed', error = $2, finished_at = $3 WHERE id = $1 AND status = 'running'`, runID, msg, store.Text(at))
			if err != nil {
				return err
			}
			failed = tag.RowsAffected() == 1
		default:
			return nil // the reason is gone: renewed meanwhile
		}
		_, err = q.Exec(ctx, `DELETE FROM jobs WHERE run_id = $1`, runID)
		return err
	})
	return failed, err
}
