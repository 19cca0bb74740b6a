package main

import (
	"context"
	"errors"
	"fmt"

	"github.com/urfave/cli/v2"

	"github.com/screen-compliance/screen/web"
	"github.com/screen-compliance/screen/web/store"
	"github.com/screen-compliance/screen/web/store/postgres"
)

// dbFlags are serve's flags for the review workspace's database and the
// screening jobs that servers sharing it run.
func dbFlags() []cli.Flag {
	return []cli.Flag{
		&cli.StringFlag{Name: "db", EnvVars: []string{"SCREEN_DB"},
			Usage: "keep the review workspace in the PostgreSQL database `URL` (postgres://user@host:5432/screen?sslmode=verify-full) " +
				"that several servers may share, instead of SQLite in the store directory; prefer SCREEN_DB or PGPASSWORD to a password on the command line"},
		&cli.IntFlag{Name: "job-chunk-size", Value: web.DefaultChunkSize, EnvVars: []string{"SCREEN_JOB_CHUNK_SIZE"},
			Usage: "with --db, an upload is screened in chunks of `N` records that any server sharing the database claims"},
		&cli.DurationFlag{Name: "job-lease", Value: web.DefaultJobLease, EnvVars: []string{"SCREEN_JOB_LEASE"},
			Usage: "with --db, a server that stops renewing its claim on a chunk for `DURATION` (it died) loses the chunk to another"},
		&cli.DurationFlag{Name: "job-poll", Value: web.DefaultJobPoll, EnvVars: []string{"SCREEN_JOB_POLL"},
			Usage: "with --db, an idle server looks for chunks another stored every `DURATION`"},
	}
}

// workspaceStore opens the database of --db, with the job options of the
// --job flags; without --db it returns a nil store: the workspace opens
// SQLite in its directory.
func workspaceStore(ctx context.Context, c *cli.Context) (store.Store, web.JobOptions, error) {
	jobs := web.JobOptions{ChunkSize: c.Int("job-chunk-size"), Lease: c.Duration("job-lease"), Poll: c.Duration("job-poll")}
	if jobs.Poll <= 0 {
		return nil, jobs, fmt.Errorf("--job-poll %s: want a positive duration", jobs.Poll)
	}
	if jobs.ChunkSize < 1 {
		return nil, jobs, fmt.Errorf("--job-chunk-size %d: want at least 1", jobs.ChunkSize)
	}
	if jobs.Lease < web.MinJobLease {
		return nil, jobs, fmt.Errorf("--job-lease %s: want at least %s", jobs.Lease, web.MinJobLease)
	}
	dsn := c.String("db")
	switch {
	case dsn == "":
		return nil, jobs, nil
	case !postgres.IsURL(dsn):
		return nil, jobs, errors.New("--db: want a postgres:// or postgresql:// URL (without --db the workspace keeps SQLite in the store directory)")
	}
	st, err := postgres.Open(ctx, dsn)
	if err != nil {
		return nil, jobs, fmt.Errorf("--db: %w", err)
	}
	return st, jobs, nil
}
