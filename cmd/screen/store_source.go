package main

import (
	"context"
	"os"
	"path/filepath"

	"github.com/urfave/cli/v2"

	"github.com/screen-compliance/screen/engine"
	"github.com/screen-compliance/screen/lists"
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
	return store.Open(dir)
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
	src := engine.WithListSource(func(ctx context.Context) ([]*lists.List, error) {
		return st.Lists(ctx)
	})
	// The index of the store's lists is kept beside them and rebuilt only
	// when the lists change.
	own, err := st.OwnershipFiles()
	if err != nil {
		return nil, false, err
	}
	return []engine.Option{src, engine.WithIndexCache(filepath.Join(st.Dir(), "index")), engine.WithOwnershipFiles(own...)}, true, nil
}
