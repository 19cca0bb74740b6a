package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestImportRefusesCutAndEmptyLists: `lists import` refuses a BIS file cut
// inside a line (exit 2, "truncated file", even with --force) and an
// official list with no entities unless --allow-empty.
func TestImportRefusesCutAndEmptyLists(t *testing.T) {
	t.Setenv("SCREEN_STORE", t.TempDir())
	b, err := os.ReadFile(filepath.Join(repo, "testdata/lists/bis/dpl.txt"))
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	cut := filepath.Join(dir, "cut", "dpl.txt")
	os.MkdirAll(filepath.Dir(cut), 0o755)
	os.WriteFile(cut, b[:len(b)*2/3], 0o644)
	code, _, errOut := runCLI(t, "lists", "import", "--force", cut)
	if code != exitFailure || !strings.Contains(errOut, "truncated file") || !strings.Contains(errOut, "nothing installed") {
		t.Errorf("cut file: exit %d\n%s", code, errOut)
	}
	header, _, _ := strings.Cut(string(b), "\n")
	empty := filepath.Join(dir, "empty", "dpl.txt")
	os.MkdirAll(filepath.Dir(empty), 0o755)
	os.WriteFile(empty, []byte(header+"\n"), 0o644)
	code, _, errOut = runCLI(t, "lists", "import", empty)
	if code != exitFailure || !strings.Contains(errOut, "no entities") || !strings.Contains(errOut, "--allow-empty") {
		t.Errorf("empty list: exit %d\n%s", code, errOut)
	}
	if code, out, errOut := runCLI(t, "lists", "import", "--allow-empty", empty); code != exitOK || !strings.Contains(out, "installed bis") {
		t.Errorf("--allow-empty: exit %d\n%s\n%s", code, out, errOut)
	}
}
