package main

import (
	"context"
	"errors"
	"fmt"

	"github.com/urfave/cli/v2"

	"github.com/screen-compliance/screen/engine"
	"github.com/screen-compliance/screen/lists/snapshot"
)

// snapshotServeFlags are serve's flags for published list snapshots.
func snapshotServeFlags() []cli.Flag {
	return []cli.Flag{
		snapshotsFlag("screen against the current list snapshot published in `DIR` (`screen lists publish`) instead of the list store; " +
			"SIGHUP and --reload-every switch to the newest one, a damaged one is refused and the one in use stays"),
	}
}

// publishedSource returns the engine option that reads the published
// snapshots of --snapshots, when the command has that flag and it is set:
// every load (start, SIGHUP, --reload-every) checks and reads the snapshot
// CURRENT names, and decisions name it in their provenance.
func publishedSource(c *cli.Context) ([]engine.Option, bool, error) {
	if !readsSnapshots(c) || c.String("snapshots") == "" {
		return nil, false, nil
	}
	dir := c.String("snapshots")
	if len(c.StringSlice("list")) > 0 {
		return nil, false, errors.New("--snapshots and --list: give one source of lists")
	}
	src := func(ctx context.Context) (*engine.Published, error) {
		s, err := snapshot.Load(ctx, dir)
		if errors.Is(err, snapshot.ErrNoSnapshot) {
			return nil, fmt.Errorf("%w (publish one with `screen lists publish --snapshots %s`)", err, dir)
		}
		if err != nil {
			return nil, err
		}
		return &engine.Published{ID: s.ID(), Lists: s.Lists, IndexDir: s.IndexDir, Ownership: s.Ownership}, nil
	}
	return []engine.Option{engine.WithPublished(src)}, true, nil
}

// readsSnapshots says whether the running command reads published
// snapshots with --snapshots (serve); the publishers (lists publish, lists
// update) write to the directory of the same flag, and screen the store.
func readsSnapshots(c *cli.Context) bool {
	return c.Command != nil && c.Command.Name == "serve" && hasFlag(c, "snapshots")
}
