package main

import (
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"time"

	"github.com/urfave/cli/v2"

	"github.com/screen-compliance/screen/engine"
	"github.com/screen-compliance/screen/lists/store"
)

// indexCommand builds the on-disk candidate index.
func indexCommand() *cli.Command {
	flags := append(listFlags(),
		&cli.StringFlag{Name: "dir", Usage: "export the index to `DIR` (replaced) instead of the list store's index cache; scans do not read it", EnvVars: []string{"SCREEN_INDEX_DIR"}},
		lockTimeoutFlag(),
	)
	return &cli.Command{
		Name:  "index",
		Usage: "build the on-disk name index",
		Subcommands: []*cli.Command{{
			Name:  "build",
			Usage: "build the index that scans on the list store open (or export an index to --dir)",
			Description: "Builds the index that `screen scan` on the same list store, with the same --names-vocabulary and\n" +
				"policy flags (policy data can extend the name vocabulary), opens: into the store's index cache\n" +
				"(<store>/index), where the next scan finds it instead of building it. The store's lock is held\n" +
				"meanwhile, so that the index sees one consistent set of lists and no import or update changes the\n" +
				"store; --lock-timeout bounds the wait for a running import. An index already in the cache is kept.\n" +
				"Scans on --list files or on the built-in sample index them in memory at start, so for those there\n" +
				"is nothing to cache: --dir DIR writes their index (or the store's) to DIR instead.",
			Flags:  append(flags, indexPolicyFlags()...),
			Action: indexBuild,
		}},
	}
}

// indexPolicyFlags are the policy flags that can change the index: policy
// data extends the name vocabulary (data.screen.params.names).
func indexPolicyFlags() []cli.Flag {
	var out []cli.Flag
	for _, f := range policyFlags() {
		switch f.Names()[0] {
		case "policy", "data", "builtin-policies":
			out = append(out, f)
		}
	}
	return out
}

// errNothingToCache says why index build without --dir has nothing to
// build: only the store's index is cached.
var errNothingToCache = errors.New("index build: scans on --list files or on the built-in sample index them in memory at start, " +
	"so there is no index to prepare for them; install the lists with `screen lists import FILE` (scans on the store open " +
	"the index that index build prepares), or write an index to --dir DIR")

func indexBuild(c *cli.Context) error {
	ctx := c.Context
	n := newNotices(c)
	export := c.String("dir")
	var extra []engine.Option
	if export != "" {
		extra = append(extra, engine.WithIndexCache(""), engine.WithIndexDir(export))
	}
	if len(c.StringSlice("list")) == 0 {
		st, err := openListStore(c)
		if err != nil {
			return failure(fmt.Errorf("open store: %w", err))
		}
		if st != nil {
			unlock, err := lockForRead(c, st)
			if err != nil {
				return err
			}
			defer unlock()
			// This command holds the store lock: the engine may prune the
			// index cache under it.
			extra = append(extra, engine.WithIndexCacheLock(heldStoreLock))
		}
	}
	ln := n
	if export == "" {
		// Without --dir only the store's index can be prepared: the
		// built-in sample is refused below, not announced.
		ln = &notices{w: io.Discard, quiet: true}
	}
	opts, fromStore, err := engineOptions(c, ln, extra...)
	if err != nil {
		return failure(fmt.Errorf("open store: %w", err))
	}
	if export == "" && !fromStore {
		return failure(errNothingToCache)
	}
	start := time.Now()
	bi, err := engine.BuildIndex(ctx, opts...)
	if err != nil {
		return failure(err)
	}
	entities, lists := bi.Len(), len(bi.Lists())
	if err := bi.Close(); err != nil {
		return failure(fmt.Errorf("close index %s: %w", bi.Dir, err))
	}
	if bi.Cached {
		fmt.Fprintf(c.App.Writer, "the index of %d entities from %d lists is up to date in %s\n", entities, lists, bi.Dir)
		return nil
	}
	fmt.Fprintf(c.App.Writer, "indexed %d entities from %d lists into %s (%s, %.1f MB)\n",
		entities, lists, bi.Dir, time.Since(start).Round(time.Millisecond), float64(indexDirSize(bi.Dir))/1e6)
	return nil
}

// lockForRead takes the store lock for a command that reads the whole
// store at once. A store whose lock file cannot be created (a read-only
// directory, which no writer can change either) is read without the lock,
// with a notice; a lock held by another writer past --lock-timeout fails.
func lockForRead(c *cli.Context, st *store.Store) (unlock func(), err error) {
	l, err := st.Lock(c.Context)
	switch {
	case err == nil:
		return func() { _ = l.Unlock() }, nil
	case errors.Is(err, store.ErrLocked), c.Context.Err() != nil:
		return nil, failure(err)
	}
	newNotices(c).printf("reading the list store without its lock: %v", err)
	return func() {}, nil
}

// indexDirSize sums the sizes of the regular files under dir.
func indexDirSize(dir string) int64 {
	var n int64
	_ = filepath.Walk(dir, func(_ string, fi os.FileInfo, err error) error {
		if err == nil && fi.Mode().IsRegular() {
			n += fi.Size()
		}
		return nil
	})
	return n
}
