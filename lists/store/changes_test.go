package store

import (
	"context"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/screen-compliance/screen/entity"
	"github.com/screen-compliance/screen/lists"
)

type (
	entityT = entity.Entity
	changeT = lists.Change
)

// writeOwnJSON writes an own-format list file with the given body.
func writeOwnJSON(t *testing.T, dir, file, body string) string {
	t.Helper()
	p := filepath.Join(dir, file)
	if err := os.WriteFile(p, []byte(body), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

func ids[T any](xs []T, id func(T) string) []string {
	out := make([]string, len(xs))
	for i, x := range xs {
		out[i] = id(x)
	}
	return out
}

func TestChangeLog(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	s, err := Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	v1 := writeOwnJSON(t, t.TempDir(), "w.json", `{"meta":{"name":"w","version":"v1"},"entities":[
		{"id":"own:1","kind":"person","name":"Alpha One"},
		{"id":"own:2","kind":"person","name":"Beta Two"},
		{"id":"own:3","kind":"organization","name":"Gamma Trading"}]}`)
	v2 := writeOwnJSON(t, t.TempDir(), "w.json", `{"meta":{"name":"w","version":"v2"},"entities":[
		{"id":"own:1","kind":"person","name":"Alpha One"},
		{"id":"own:3","kind":"organization","name":"Gamma Trading","aliases":[{"name":"Gamma Trade House"}]},
		{"id":"own:4","kind":"organization","name":"Delta Shipping"}]}`)

	if n, err := s.LastChange(); err != nil || n != 0 {
		t.Fatalf("empty store: last change %d, %v", n, err)
	}
	if _, err := s.Import(ctx, []string{v1}, ImportOptions{}); err != nil {
		t.Fatal(err)
	}
	// the same version again changes nothing and records nothing
	if _, err := s.Import(ctx, []string{v1}, ImportOptions{}); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Import(ctx, []string{v2}, ImportOptions{Force: true}); err != nil {
		t.Fatal(err)
	}
	if err := s.Remove("w"); err != nil {
		t.Fatal(err)
	}
	all, err := s.Changes(ctx, 0)
	if err != nil {
		t.Fatal(err)
	}
	if len(all) != 3 {
		t.Fatalf("got %d changes, want 3 (first import, update, removal)", len(all))
	}
	entityID := func(c *ChangeSet) []string {
		return append(append(ids(c.Diff.Added, func(e entityT) string { return "+" + e.ID }),
			ids(c.Diff.Removed, func(e entityT) string { return "-" + e.ID })...),
			ids(c.Diff.Changed, func(ch changeT) string { return "~" + ch.ID })...)
	}
	tests := []struct {
		seq      int64
		from, to string
		want     []string
	}{
		{1, "", "v1", []string{"+own:1", "+own:2", "+own:3"}},
		{2, "v1", "v2", []string{"+own:4", "-own:2", "~own:3"}},
		{3, "v2", "", []string{"-own:1", "-own:3", "-own:4"}},
	}
	for i, tc := range tests {
		c := all[i]
		if c.Seq != tc.seq || c.List != "w" || c.FromVersion != tc.from || c.ToVersion != tc.to {
			t.Errorf("change %d: seq %d list %s %q → %q, want seq %d %q → %q", i, c.Seq, c.List, c.FromVersion, c.ToVersion, tc.seq, tc.from, tc.to)
		}
		if got := entityID(c); !slices.Equal(got, tc.want) {
			t.Errorf("change %d: %v, want %v", i, got, tc.want)
		}
	}
	if ch := all[1].Diff.Changed; len(ch) != 1 || !slices.Equal(ch[0].Fields, []string{"aliases"}) || len(ch[0].Old.Aliases) != 0 || len(ch[0].New.Aliases) != 1 {
		t.Errorf("alias change recorded as %+v", ch)
	}
	// the re-import of v1 installed a version dir of its own (and recorded
	// no change): the update starts from it
	if all[0].From != "" || all[1].From == "" || all[1].From == all[0].To || all[2].From != all[1].To || all[2].To != "" {
		t.Errorf("version dirs: %q→%q, %q→%q, %q→%q", all[0].From, all[0].To, all[1].From, all[1].To, all[2].From, all[2].To)
	}
	after, err := s.Changes(ctx, 2)
	if err != nil || len(after) != 1 || after[0].Seq != 3 {
		t.Fatalf("Changes after 2: %d changes, %v", len(after), err)
	}
	if n, _ := s.LastChange(); n != 3 {
		t.Errorf("last change %d, want 3", n)
	}
	if got := all[1].Summary(); got != "w v1 → v2: 1 added, 1 removed, 1 changed" {
		t.Errorf("summary %q", got)
	}
}

// A writer that stopped after writing a pending change leaves it to the
// next writer: kept when its version is installed, deleted when not.
func TestChangeLogPendingReconciled(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	s, err := Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	v1 := writeOwnJSON(t, t.TempDir(), "w.json", `{"meta":{"name":"w","version":"v1"},"entities":[{"id":"own:1","kind":"person","name":"Alpha One"}]}`)
	if _, err := s.Import(ctx, []string{v1}, ImportOptions{}); err != nil {
		t.Fatal(err)
	}
	cur, err := s.versionDir("w")
	if err != nil {
		t.Fatal(err)
	}
	cdir := filepath.Join(dir, changesDir)
	// a pending change for the installed version (crash after the switch)
	// and one for a version never installed (crash before it)
	if err := writeChange(filepath.Join(cdir, changeName(2, "w", pendingSuffix)), &ChangeSet{Seq: 2, List: "w", To: filepath.Base(cur)}); err != nil {
		t.Fatal(err)
	}
	if err := writeChange(filepath.Join(cdir, changeName(3, "w", pendingSuffix)), &ChangeSet{Seq: 3, List: "w", To: "never-installed"}); err != nil {
		t.Fatal(err)
	}
	if n, _ := s.LastChange(); n != 1 {
		t.Fatalf("pending changes are visible: last change %d", n)
	}
	v2 := writeOwnJSON(t, t.TempDir(), "w.json", `{"meta":{"name":"w","version":"v2"},"entities":[{"id":"own:1","kind":"person","name":"Alpha One"},{"id":"own:2","kind":"person","name":"Beta"}]}`)
	if _, err := s.Import(ctx, []string{v2}, ImportOptions{}); err != nil {
		t.Fatal(err)
	}
	all, err := s.Changes(ctx, 0)
	if err != nil {
		t.Fatal(err)
	}
	var seqs []int64
	for _, c := range all {
		seqs = append(seqs, c.Seq)
	}
	// the orphan's number, never visible, is used again
	if !slices.Equal(seqs, []int64{1, 2, 3}) || all[2].ToVersion != "v2" || len(all[2].Diff.Added) != 1 {
		t.Errorf("changes %v (last to %q), want [1 2 3], the installed pending change kept, the other dropped, then v2", seqs, all[len(all)-1].ToVersion)
	}
	if _, err := os.Stat(filepath.Join(cdir, changeName(3, "w", pendingSuffix))); !os.IsNotExist(err) {
		t.Errorf("the pending change of a version never installed is still there: %v", err)
	}
}

// TestChangeLogGapRefused: a change missing from the log (its file lost)
// is an error, never skipped: a delta run would not screen its entities.
func TestChangeLogGapRefused(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	s, err := Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	for _, v := range []string{"v1", "v2", "v3"} {
		f := writeOwnJSON(t, t.TempDir(), "w.json", `{"meta":{"name":"w","version":"`+v+`"},"entities":[
			{"id":"own:1","kind":"person","name":"Alpha One"},{"id":"own:`+v+`","kind":"person","name":"Name `+v+`"}]}`)
		if _, err := s.Import(ctx, []string{f}, ImportOptions{Force: true}); err != nil {
			t.Fatal(err)
		}
	}
	if all, err := s.Changes(ctx, 0); err != nil || len(all) != 3 {
		t.Fatalf("%d changes, %v; want 3", len(all), err)
	}
	fs, err := s.changeFiles()
	if err != nil || len(fs) != 3 {
		t.Fatalf("change files %v, %v", fs, err)
	}
	if err := os.Remove(filepath.Join(dir, changesDir, fs[1].name)); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Changes(ctx, 0); err == nil || !strings.Contains(err.Error(), "missing") {
		t.Errorf("change 2 lost: %v, want an error", err)
	}
	if all, err := s.Changes(ctx, 2); err != nil || len(all) != 1 {
		t.Errorf("after change 2: %d changes, %v; want 1", len(all), err)
	}
}
