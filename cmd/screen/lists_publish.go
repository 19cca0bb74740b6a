package main

import (
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"slices"
	"strings"

	"github.com/urfave/cli/v2"

	"github.com/screen-compliance/screen/engine"
	"github.com/screen-compliance/screen/entity"
	"github.com/screen-compliance/screen/lists/snapshot"
	"github.com/screen-compliance/screen/lists/store"
)

// snapshotsEnv is the environment variable of --snapshots, shared by the
// publisher (lists publish, lists update) and the readers (serve).
const snapshotsEnv = "SCREEN_SNAPSHOTS"

// snapshotsFlag names the shared directory of published list snapshots.
func snapshotsFlag(usage string) cli.Flag {
	return &cli.StringFlag{Name: "snapshots", Usage: usage, EnvVars: []string{snapshotsEnv}}
}

// publishFlags shape a published snapshot: how many snapshots stay, and
// the flags that change the index built into it (the name vocabulary and
// the policy data that extends it). Replicas open the published index
// only when they run with the same ones; otherwise they index the lists at
// load.
func publishFlags() []cli.Flag {
	out := []cli.Flag{
		&cli.IntFlag{Name: "keep-snapshots", Value: snapshot.DefaultKeep, EnvVars: []string{"SCREEN_KEEP_SNAPSHOTS"},
			Usage: "keep `N` snapshots in --snapshots, the current one included (readers that read CURRENT just before a switch still find theirs)"},
	}
	for _, f := range listFlags() {
		if f.Names()[0] == "names-vocabulary" {
			out = append(out, f)
		}
	}
	return append(out, indexPolicyFlags()...)
}

func listsPublishCommand() *cli.Command {
	return &cli.Command{
		Name:  "publish",
		Usage: "publish the installed lists with their prebuilt index as a snapshot for `screen serve --snapshots`",
		Description: "Writes the lists of the store, its ownership files and the index built for them (exactly the index\n" +
			"`screen serve --snapshots DIR` opens) as a new versioned snapshot in DIR: into a work directory, renamed\n" +
			"to its id, then DIR/CURRENT is replaced atomically. Every file is listed in the snapshot's manifest with\n" +
			"its sha256; servers check them all and refuse a damaged or partly copied snapshot, keeping the one they\n" +
			"have. When the current snapshot already holds the same lists and index, nothing is written (--always\n" +
			"publishes anyway). Old snapshots beyond --keep-snapshots are removed. The store's lock is held\n" +
			"meanwhile. Servers switch on SIGHUP or --reload-every. Run one publisher per DIR at a time.",
		Flags: append([]cli.Flag{
			storeFlag(),
			snapshotsFlag("publish to the snapshot `DIR` (required; shared with the servers, or synced to them)"),
			&cli.BoolFlag{Name: "always", Usage: "publish a new snapshot even when the current one holds the same lists and index"},
			lockTimeoutFlag(),
		}, publishFlags()...),
		Action: func(c *cli.Context) error {
			dir := c.String("snapshots")
			if dir == "" {
				return failure(errors.New("lists publish: give the snapshot directory with --snapshots DIR (or SCREEN_SNAPSHOTS)"))
			}
			s, err := openStore(c)
			if err != nil {
				return err
			}
			return publishStore(c, s, dir)
		},
	}
}

// publishStore publishes the lists of st to the snapshot directory dir,
// holding the store lock, and says what it did on stdout.
func publishStore(c *cli.Context, st *store.Store, dir string) error {
	ctx := c.Context
	unlock, err := lockForRead(c, st)
	if err != nil {
		return err
	}
	defer unlock()
	ls, err := st.Lists(ctx)
	if err != nil {
		return failure(fmt.Errorf("publish: %w", err))
	}
	if len(ls) == 0 {
		return failure(fmt.Errorf("publish: no lists installed in %s: install them with `screen lists import FILE` or `screen lists update` first", st.Dir()))
	}
	own, err := st.OwnershipFiles()
	if err != nil {
		return failure(fmt.Errorf("publish: %w", err))
	}
	gen, err := st.Generation()
	if err != nil {
		return failure(fmt.Errorf("publish: %w", err))
	}
	res, err := snapshot.Publish(ctx, dir, ls, snapshot.Options{
		Index: publishIndex(c), Ownership: own, Keep: c.Int("keep-snapshots"), Force: c.Bool("always"),
		Tool: "screen " + engine.Version, Source: st.Dir(), SourceGeneration: gen,
	})
	if err != nil {
		return failure(err)
	}
	m := res.Manifest
	w := c.App.Writer
	if !res.Published {
		fmt.Fprintf(w, "snapshot %s in %s is up to date: nothing published\n", m.ID, dir)
		return nil
	}
	entities := 0
	names := make([]string, 0, len(m.Lists))
	for _, l := range m.Lists {
		entities += l.Entities
		names = append(names, l.Name+" "+l.Version)
	}
	fmt.Fprintf(w, "published snapshot %s to %s: %d lists (%s), %d entities, %d ownership files\n",
		m.ID, dir, len(m.Lists), strings.Join(names, ", "), entities, len(m.Ownership))
	for _, id := range res.Removed {
		fmt.Fprintf(w, "removed old snapshot %s\n", id)
	}
	return nil
}

// publishIndex builds the index of the store's lists into a snapshot's
// index directory as every command gets its engine (engineOptions: the
// store's lists, the name vocabulary and policy flags), so that it is
// exactly the index a server with the same flags opens. The caller holds
// the store lock, so the engine reads the lists ls were read from; the
// index is checked to hold exactly them.
func publishIndex(c *cli.Context) snapshot.IndexFunc {
	return func(ctx context.Context, ls []*entity.List, dir string) error {
		quiet := &notices{quiet: true}
		opts, fromStore, err := engineOptions(c, quiet, engine.WithIndexCache(dir), engine.WithIndexCacheLock(heldStoreLock))
		if err != nil {
			return err
		}
		if !fromStore {
			return errors.New("the list store holds no lists")
		}
		bi, err := engine.BuildIndex(ctx, opts...)
		if err != nil {
			return err
		}
		defer bi.Close()
		if rel, err := filepath.Rel(dir, bi.Dir); bi.Dir == "" || err != nil || strings.HasPrefix(rel, "..") {
			return fmt.Errorf("the index was not written to %s (lists without file digests cannot be cached)", dir)
		}
		if got, want := listVersions(bi.Lists()), listVersions(metas(ls)); got != want {
			return fmt.Errorf("the index holds lists %s, the snapshot %s: the store changed while publishing", got, want)
		}
		return nil
	}
}

// metas returns the metadata of lists.
func metas(ls []*entity.List) []entity.Metadata {
	out := make([]entity.Metadata, 0, len(ls))
	for _, l := range ls {
		out = append(out, l.Meta)
	}
	return out
}

// listVersions renders list names and versions, sorted: "acme 2026-03-01, un 2026-11-01".
func listVersions(ms []entity.Metadata) string {
	out := make([]string, 0, len(ms))
	for _, m := range ms {
		out = append(out, m.Name+" "+m.Version)
	}
	slices.Sort(out)
	return strings.Join(out, ", ")
}
