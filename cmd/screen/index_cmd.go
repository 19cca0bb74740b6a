package main

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"time"

	"github.com/urfave/cli/v2"

	"github.com/screen-compliance/screen/entity"
	"github.com/screen-compliance/screen/index"
	"github.com/screen-compliance/screen/lists"
	"github.com/screen-compliance/screen/lists/store"
	"github.com/screen-compliance/screen/names"
)

// indexCommand builds the on-disk candidate index.
func indexCommand() *cli.Command {
	return &cli.Command{
		Name:  "index",
		Usage: "build the on-disk name index",
		Subcommands: []*cli.Command{{
			Name:  "build",
			Usage: "index lists (--list files, else the store, else the built-in sample) into --dir",
			Description: "Built from the store, the index is built while holding the store's lock, so that it sees one\n" +
				"consistent set of lists and no import or update changes the store meanwhile; --lock-timeout bounds\n" +
				"the wait for a running import.",
			Flags: append(listFlags(),
				&cli.StringFlag{Name: "dir", Value: "screen-index", Usage: "write the index to `DIR` (replaced)", EnvVars: []string{"SCREEN_INDEX_DIR"}},
				lockTimeoutFlag(),
			),
			Action: indexBuild,
		}},
	}
}

func indexBuild(c *cli.Context) error {
	ctx := c.Context
	var ls []*entity.List
	if files := c.StringSlice("list"); len(files) > 0 {
		for _, f := range files {
			l, err := lists.Load(ctx, f, "")
			if err != nil {
				return failure(fmt.Errorf("load list %s: %w", f, err))
			}
			ls = append(ls, l)
		}
	} else {
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
			if ls, err = st.Lists(ctx); err != nil {
				return failure(fmt.Errorf("read store %s: %w", st.Dir(), err))
			}
		}
		if len(ls) == 0 {
			l, err := lists.Builtin()
			if err != nil {
				return failure(fmt.Errorf("built-in list: %w", err))
			}
			if !c.Bool("quiet") {
				fmt.Fprintln(c.App.ErrWriter, "screen: indexing the built-in sample list (no --list and no stored lists)")
			}
			ls = []*entity.List{l}
		}
	}
	var ext []names.VocabularyFile
	for _, p := range c.StringSlice("names-vocabulary") {
		b, err := os.ReadFile(p)
		if err != nil {
			return failure(fmt.Errorf("name vocabulary: %w", err))
		}
		f, err := names.ParseVocabulary(p, b)
		if err != nil {
			return failure(err)
		}
		ext = append(ext, f)
	}
	start := time.Now()
	dir := c.String("dir")
	ix, err := index.Build(ctx, ls, index.Options{Dir: dir, Vocabulary: names.NewVocabulary(ext...)})
	if err != nil {
		return failure(fmt.Errorf("build index in %s: %w", dir, err))
	}
	n := ix.Len()
	if err := ix.Close(); err != nil {
		return failure(fmt.Errorf("close index %s: %w", dir, err))
	}
	fmt.Fprintf(c.App.Writer, "indexed %d entities from %d lists into %s (%s, %.1f MB)\n",
		n, len(ls), dir, time.Since(start).Round(time.Millisecond), float64(indexDirSize(dir))/1e6)
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
