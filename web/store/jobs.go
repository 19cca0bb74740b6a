package store

import (
	"context"
	"errors"
	"time"

	"github.com/screen-compliance/screen/record"
)

// ErrLeaseLost is returned by the Jobs methods of a holder whose lease is
// gone: the job or chunk was given up as stalled and another process took
// it over, or its run is no longer running. Whatever the holder was about
// to write is not written.
var ErrLeaseLost = errors.New("lease lost")

// Jobs is implemented by a store that several processes share (package
// store/postgres). There the screening of a run is a job: the process that
// receives the input stores it in chunks (AddChunk), and any process claims
// a chunk (ClaimChunk), screens it and completes it (CompleteChunk), which
// stores the chunk's decisions and deletes the chunk in one transaction.
// Claims and the ingest are leases on the database's clock: a process that
// stops renewing them (killed, cut off) loses them, its chunk is claimed
// again by another, and what it had not committed is lost without trace, so
// every input record yields exactly one stored decision. The last chunk to
// complete finishes the run, in its transaction.
//
// A store without Jobs (SQLite) is used by one process, which screens the
// runs it starts itself.
type Jobs interface {
	// CreateJob makes run id a job whose input owner stores with
	// AddChunk, holding the ingest lease for lease.
	CreateJob(ctx context.Context, runID int64, owner string, lease time.Duration) error
	// AddChunk stores the next chunk of run id's input, numbering its
	// records on from the previous chunk's, and renews owner's ingest
	// lease; progress is the fraction of the input read so far. It
	// returns the seq of the chunk's first record.
	AddChunk(ctx context.Context, runID int64, owner string, inputs []record.Record, progress float64, lease time.Duration) (first int, err error)
	// RenewIngest renews owner's ingest lease of run id.
	RenewIngest(ctx context.Context, runID int64, owner string, lease time.Duration) error
	// SealJob records that run id's input is whole. When every chunk is
	// already done it finishes the run (status done at at) and says so.
	SealJob(ctx context.Context, runID int64, owner string, at time.Time) (finished bool, err error)
	// ClaimChunk claims for owner, until lease has passed, the chunk of a
	// running run that nobody holds (never claimed, released, or whose
	// lease ran out) and that was claimed fewer than maxAttempts times,
	// oldest run first. It returns nil when there is none.
	ClaimChunk(ctx context.Context, owner string, lease time.Duration, maxAttempts int) (*Chunk, error)
	// RenewChunk extends the lease of a claimed chunk.
	RenewChunk(ctx context.Context, c *Chunk, lease time.Duration) error
	// ReleaseChunk gives a claimed chunk back. With a nil cause it was not
	// screened (the process is stopping) and the claim does not count as
	// an attempt; else cause is kept as the chunk's last error.
	ReleaseChunk(ctx context.Context, c *Chunk, cause error) error
	// CompleteChunk runs fn, which stores the chunk's decisions, in the
	// transaction that deletes the chunk, if c's lease still holds (else
	// ErrLeaseLost and nothing is written); facets are the filter values of
	// the chunk's records. When it
	// is the last chunk of a sealed job, the same transaction finishes the
	// run (facets of every chunk, status done at at) and finished is true.
	CompleteChunk(ctx context.Context, c *Chunk, facets Facets, at time.Time, fn func(tx Tx) error) (finished bool, err error)
	// ReapJobs fails, at at, the runs that cannot finish: whose ingest
	// lease ran out before the input was whole, or with a chunk claimed
	// maxAttempts times without completing. It forgets the jobs of runs
	// no longer running, and returns the ids of the runs it failed.
	ReapJobs(ctx context.Context, maxAttempts int, at time.Time) ([]int64, error)
}

// Chunk is a claimed part of a run's input.
type Chunk struct {
	RunID int64
	// N numbers the chunk in its run, from 0.
	N int
	// First is the seq of the first record; the others follow.
	First  int
	Inputs []record.Record
	// Owner and Token identify the claim; Attempt counts the claims of
	// the chunk, this one included.
	Owner   string
	Token   int64
	Attempt int
}
