package main

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"time"

	"github.com/urfave/cli/v2"

	"github.com/screen-compliance/screen/engine"
	"github.com/screen-compliance/screen/entity"
	"github.com/screen-compliance/screen/lists/store"
)

// storeDir returns the list store directory: --store ($SCREEN_STORE), else
// the default one under the user's data directory.
func storeDir(c *cli.Context) (string, error) {
	if d := c.String("store"); d != "" {
		return d, nil
	}
	return store.DefaultDir()
}

// lockTimeoutFlag sets how long a command that writes the store waits for
// another writer's lock.
func lockTimeoutFlag() cli.Flag {
	return &cli.DurationFlag{Name: "lock-timeout", Value: store.DefaultLockTimeout, EnvVars: []string{"SCREEN_LOCK_TIMEOUT"},
		Usage: "wait up to `DURATION` for another import, update or index build to release the list store (0: do not wait)"}
}

// storeOptions are the store options of a command: the lock timeout of
// --lock-timeout (when the command has it) and a notice on stderr when the
// command has to wait for the lock.
func storeOptions(c *cli.Context) []store.Option {
	opts := []store.Option{store.WithLockWait(func(h store.Holder) {
		wait := "until it is released"
		if d := lockTimeout(c); d >= 0 {
			wait = "up to " + d.String() + " (--lock-timeout)"
		}
		newNotices(c).printf("the list store is locked by %s: waiting %s", h, wait)
	})}
	if hasFlag(c, "lock-timeout") {
		opts = append(opts, store.WithLockTimeout(lockTimeout(c)))
	}
	return opts
}

// lockTimeout returns --lock-timeout, or the default when the command has
// no such flag.
func lockTimeout(c *cli.Context) time.Duration {
	if hasFlag(c, "lock-timeout") {
		return c.Duration("lock-timeout")
	}
	return store.DefaultLockTimeout
}

// hasFlag reports whether the running command defines the flag.
func hasFlag(c *cli.Context, name string) bool {
	if c.Command == nil {
		return false
	}
	for _, f := range c.Command.Flags {
		for _, n := range f.Names() {
			if n == name {
				return true
			}
		}
	}
	return false
}

// openListStore opens the list store of storeDir. It returns nil, nil when
// no store exists there and none was asked for by flag or environment, so
// that merely running a scan never creates one.
func openListStore(c *cli.Context) (*store.Store, error) {
	asked := c.IsSet("store")
	dir, err := storeDir(c)
	if err != nil {
		if asked {
			return nil, err
		}
		return nil, nil // no home directory: no store
	}
	if !asked {
		if _, err := os.Stat(filepath.Join(dir, "lists")); err != nil {
			return nil, nil
		}
	}
	return store.Open(dir, storeOptions(c)...)
}

// storeSource returns the list store as a list source when it holds lists.
func storeSource(c *cli.Context) ([]engine.Option, bool, error) {
	st, err := openListStore(c)
	if err != nil || st == nil {
		return nil, false, err
	}
	names, err := st.Names()
	if err != nil || len(names) == 0 {
		return nil, false, err
	}
	src := engine.WithListSource(func(ctx context.Context) ([]*entity.List, error) {
		return st.Lists(ctx)
	})
	own, err := st.OwnershipFiles()
	if err != nil {
		return nil, false, err
	}
	return []engine.Option{src, engine.WithIndexCache(indexCacheDir(st)), engine.WithIndexCacheLock(storeCacheLock(st.Dir())),
		engine.WithOwnershipFiles(own...)}, true, nil
}

// indexCacheDir is where the index of the store's lists is kept: beside
// them, rebuilt only when the lists (or the name vocabulary) change.
func indexCacheDir(st *store.Store) string { return filepath.Join(st.Dir(), "index") }

// storeCacheLock takes the lock of the store in dir for the engine's
// pruning of the index cache, without waiting: a scan that finds the store
// locked by an import, update or index build leaves old indexes for a later
// build to remove.
func storeCacheLock(dir string) engine.CacheLock {
	return func(ctx context.Context) (func(), error) {
		st, err := store.Open(dir, store.WithLockTimeout(0))
		if err != nil {
			return nil, fmt.Errorf("index cache: %w", err)
		}
		l, err := st.Lock(ctx)
		if err != nil {
			return nil, fmt.Errorf("index cache: %w", err)
		}
		return func() { _ = l.Unlock() }, nil
	}
}

// heldStoreLock is the index cache lock of a command that already holds
// the store lock (index build).
func heldStoreLock(context.Context) (func(), error) { return func() {}, nil }
