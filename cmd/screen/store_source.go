package main

import (
	"context"
	"path/filepath"

	"github.com/urfave/cli/v2"

	"github.com/screen-compliance/screen/engine"
	"github.com/screen-compliance/screen/lists"
	"github.com/screen-compliance/screen/lists/store"
)

// storeSource returns the list store (--store, $SCREEN_STORE or the default
// directory) as a list source when it holds lists. A store that does not
// exist yet counts as empty.
func storeSource(c *cli.Context) ([]engine.Option, bool, error) {
	dir := c.String("store")
	if dir == "" {
		d, err := store.DefaultDir()
		if err != nil {
			return nil, false, nil // no home directory: no store
		}
		dir = d
	}
	st, err := store.Open(dir)
	if err != nil {
		if c.IsSet("store") {
			return nil, false, err
		}
		return nil, false, nil
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
