package engine

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestLoadListFiles(t *testing.T) {
	ctx := context.Background()
	lists := filepath.Join("..", "testdata", "lists")
	un := filepath.Join(lists, "un", "consolidated.xml")
	eu := filepath.Join(lists, "eu", "eu-fsf.xml")
	uk := filepath.Join(lists, "uk", "UK-Sanctions-List.xml")
	own := filepath.Join(lists, "own", "watchlist.yaml")
	bad := filepath.Join(t.TempDir(), "truncated.xml")
	if err := os.WriteFile(bad, []byte("<CONSOLIDATED_LIST><INDIVIDUALS><INDIVIDUAL>"), 0o644); err != nil {
		t.Fatal(err)
	}
	missing := filepath.Join(t.TempDir(), "missing.csv")

	paths := []string{uk, un, own, eu, un}
	for range 20 {
		ls, err := loadListFiles(ctx, paths)
		if err != nil {
			t.Fatal(err)
		}
		if len(ls) != len(paths) {
			t.Fatalf("%d lists for %d files", len(ls), len(paths))
		}
		for i, l := range ls {
			if len(l.Meta.Files) == 0 || !strings.HasSuffix(l.Meta.Files[0].Path, filepath.Base(paths[i])) {
				t.Fatalf("list %d is %s %+v, want the list of %s", i, l.Meta.Name, l.Meta.Files, paths[i])
			}
		}
	}
	// The error is the first failing path's whichever parse ends first.
	for _, tc := range []struct {
		paths []string
		want  string
	}{
		{[]string{un, bad, missing}, "truncated.xml"},
		{[]string{un, missing, bad}, "missing.csv"},
		{[]string{missing}, "missing.csv"},
	} {
		for range 10 {
			_, err := loadListFiles(ctx, tc.paths)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("loadListFiles(%v) = %v, want the error of %s", tc.paths, err, tc.want)
			}
		}
	}
}
