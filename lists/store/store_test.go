package store

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/screen-compliance/screen/entity"
	"github.com/screen-compliance/screen/lists"
)

// repoFixture returns a path under the repository's testdata/lists.
func repoFixture(t testing.TB, rel string) string {
	t.Helper()
	dir, err := os.Getwd()
	if err != nil {
		t.Fatal(err)
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			return filepath.Join(dir, "testdata", "lists", rel)
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			t.Fatal("go.mod not found")
		}
		dir = parent
	}
}

// writeOwn writes an own-format JSON list with n entities.
func writeOwn(t *testing.T, dir, name string, n int) string {
	t.Helper()
	var b strings.Builder
	b.WriteString(`{"meta":{"name":"` + name + `","version":"v` + string(rune('0'+n%10)) + `"},"entities":[`)
	for i := 0; i < n; i++ {
		if i > 0 {
			b.WriteString(",")
		}
		b.WriteString(`{"id":"` + name + `-` + strings.Repeat("x", i+1) + `","kind":"person","name":"Person ` + strings.Repeat("x", i+1) + `"}`)
	}
	b.WriteString("]}")
	p := filepath.Join(dir, name+".json")
	if err := os.WriteFile(p, []byte(b.String()), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

func TestImportAndLoad(t *testing.T) {
	ctx := context.Background()
	s, err := Open(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	gen0, err := s.Generation()
	if err != nil {
		t.Fatal(err)
	}
	metas, err := s.Import(ctx, []string{repoFixture(t, "un/consolidated.xml"), repoFixture(t, "ofac/sdn")}, ImportOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if len(metas) != 2 || metas[0].Name != "un" || metas[1].Name != "ofac" {
		t.Fatalf("metas = %+v", metas)
	}
	gen1, _ := s.Generation()
	if gen1 == gen0 {
		t.Error("generation did not change after import")
	}
	if again, _ := s.Generation(); again != gen1 {
		t.Error("generation is not stable")
	}
	ls, err := s.Lists(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if len(ls) != 2 || ls[0].Meta.Name != "ofac" || ls[1].Meta.Name != "un" {
		t.Fatalf("lists = %d, names sorted ofac, un expected", len(ls))
	}
	direct, err := lists.Load(ctx, repoFixture(t, "un/consolidated.xml"), "")
	if err != nil {
		t.Fatal(err)
	}
	if d := lists.Diff(direct, ls[1]); !d.Empty() {
		t.Errorf("snapshot differs from a fresh parse: %+v", d)
	}
	st, err := s.Status()
	if err != nil {
		t.Fatal(err)
	}
	if len(st) != 2 || st[1].Name != "un" || st[1].Version != "2026-01-15" || st[1].Entities != 4 || st[1].Format != lists.FormatUN || st[1].Counts[entity.KindVessel] != 1 {
		t.Errorf("status = %+v", st)
	}
	if len(st[0].Files) != 4 || st[0].Files[0].Path != "sdn.csv" || len(st[0].Files[0].SHA256) != 64 {
		t.Errorf("ofac files = %+v", st[0].Files)
	}
	if st[1].Age < 0 || st[1].ImportedAt.IsZero() {
		t.Errorf("age %v imported %v", st[1].Age, st[1].ImportedAt)
	}
	// The original files are kept byte for byte.
	vd, _ := s.versionDir("ofac")
	if _, err := os.Stat(filepath.Join(vd, "files", "sdn_comments.csv")); err != nil {
		t.Error(err)
	}
}

func TestImportFailureKeepsPrevious(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	s, _ := Open(filepath.Join(dir, "store"))
	good := writeOwn(t, dir, "acme", 10)
	if _, err := s.Import(ctx, []string{good}, ImportOptions{}); err != nil {
		t.Fatal(err)
	}
	gen, _ := s.Generation()
	bad := filepath.Join(dir, "bad.json")
	os.WriteFile(bad, []byte(`{"meta":{"name":"acme"},"entities":[{"id":"1","name":"A"},`), 0o644)
	_, err := s.Import(ctx, []string{bad}, ImportOptions{})
	if err == nil || !strings.Contains(err.Error(), "bad.json") || !strings.Contains(err.Error(), "nothing installed") {
		t.Fatalf("err = %v", err)
	}
	// One bad file among good ones installs nothing.
	other := writeOwn(t, dir, "other", 3)
	if _, err := s.Import(ctx, []string{other, bad}, ImportOptions{}); err == nil {
		t.Fatal("import with a bad file succeeded")
	}
	if names, _ := s.Names(); len(names) != 1 {
		t.Errorf("names = %v, want only acme", names)
	}
	if g, _ := s.Generation(); g != gen {
		t.Error("generation changed after failed imports")
	}
	l, err := s.List(ctx, "acme")
	if err != nil || len(l.Entities) != 10 {
		t.Errorf("acme after failure: %v, %v", l, err)
	}
}

func TestShrinkGuard(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	s, _ := Open(filepath.Join(dir, "store"))
	if _, err := s.Import(ctx, []string{writeOwn(t, dir, "acme", 20)}, ImportOptions{}); err != nil {
		t.Fatal(err)
	}
	// 20 -> 18 is -10 %: allowed.
	if _, err := s.Import(ctx, []string{writeOwn(t, dir, "acme", 18)}, ImportOptions{}); err != nil {
		t.Fatalf("-10%%: %v", err)
	}
	// 18 -> 10 is -44 %: refused.
	small := writeOwn(t, dir, "acme", 10)
	_, err := s.Import(ctx, []string{small}, ImportOptions{})
	if !errors.Is(err, ErrShrink) || !strings.Contains(err.Error(), "18 to 10") {
		t.Fatalf("err = %v, want shrink refusal", err)
	}
	if l, _ := s.List(ctx, "acme"); len(l.Entities) != 18 {
		t.Errorf("installed %d entities after refusal", len(l.Entities))
	}
	if _, err := s.Import(ctx, []string{small}, ImportOptions{MaxShrink: 0.5}); err != nil {
		t.Errorf("MaxShrink 0.5: %v", err)
	}
	if _, err := s.Import(ctx, []string{writeOwn(t, dir, "acme", 1)}, ImportOptions{Force: true}); err != nil {
		t.Errorf("Force: %v", err)
	}
	if l, _ := s.List(ctx, "acme"); len(l.Entities) != 1 {
		t.Errorf("installed %d entities after forced import", len(l.Entities))
	}
	// Old versions are pruned: the current one and DefaultKeepVersions
	// replaced ones remain.
	ents, _ := os.ReadDir(filepath.Join(s.Dir(), "lists", "acme"))
	dirs := 0
	for _, e := range ents {
		if e.IsDir() {
			dirs++
		}
	}
	if dirs != 1+DefaultKeepVersions {
		t.Errorf("%d version directories kept, want %d", dirs, 1+DefaultKeepVersions)
	}
}

func TestImportNameAndDuplicates(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	s, _ := Open(filepath.Join(dir, "store"))
	a := writeOwn(t, dir, "own", 2)
	b := filepath.Join(dir, "b.json")
	os.WriteFile(b, []byte(`[{"id":"z","name":"Z"}]`), 0o644)
	if _, err := s.Import(ctx, []string{a, b}, ImportOptions{}); err == nil || !strings.Contains(err.Error(), `both hold list "own"`) {
		t.Errorf("err = %v", err)
	}
	if _, err := s.Import(ctx, []string{b}, ImportOptions{Name: "partners"}); err != nil {
		t.Fatal(err)
	}
	l, err := s.List(ctx, "partners")
	if err != nil || l.Meta.Name != "partners" || l.Entities[0].List != "partners" {
		t.Errorf("renamed list = %+v, %v", l, err)
	}
	if _, err := s.Import(ctx, []string{b}, ImportOptions{Name: "../evil"}); err == nil {
		t.Error("path-like list name accepted")
	}
	if err := s.Remove("partners"); err != nil {
		t.Error(err)
	}
	if _, err := s.List(ctx, "partners"); !errors.Is(err, ErrNotInstalled) {
		t.Errorf("after remove: %v", err)
	}
}

func TestOpenCleansStaleTemp(t *testing.T) {
	dir := t.TempDir()
	stale := filepath.Join(dir, ".tmp-un-123")
	os.MkdirAll(stale, 0o755)
	old := time.Now().Add(-2 * time.Hour)
	os.Chtimes(stale, old, old)
	if _, err := Open(dir); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(stale); !os.IsNotExist(err) {
		t.Errorf("stale temp dir kept: %v", err)
	}
}

func TestDefaultDir(t *testing.T) {
	t.Setenv(EnvDir, "")
	t.Setenv("XDG_DATA_HOME", "/data")
	if d, _ := DefaultDir(); d != "/data/screen" {
		t.Errorf("XDG: %s", d)
	}
	t.Setenv(EnvDir, "/custom")
	if d, _ := DefaultDir(); d != "/custom" {
		t.Errorf("env: %s", d)
	}
}

// TestImportFailureMessagesAreTrue: when a list fails to install, the error
// says "the previous version stays installed" only when there is one, and
// names the lists of the same import that were installed before it.
func TestImportFailureMessagesAreTrue(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	s, _ := Open(filepath.Join(dir, "store"))
	if _, err := s.Import(ctx, []string{writeOwn(t, dir, "beta", 3)}, ImportOptions{}); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		second string
		want   string
	}{
		{"beta", `the previous version of "beta" stays installed; already installed by this import: alpha`},
		{"gamma", `"gamma" is not installed; already installed by this import: alpha`},
	} {
		t.Run(tc.second, func(t *testing.T) {
			sub := t.TempDir()
			paths := []string{writeOwn(t, sub, "alpha", 2), writeOwn(t, sub, tc.second, 4)}
			parsed, err := s.parse(ctx, paths, ImportOptions{})
			if err != nil {
				t.Fatal(err)
			}
			// The second file disappears between parsing and installing.
			os.Remove(paths[1])
			err = s.withLock(ctx, func() error {
				_, err := s.installParsed(ctx, paths, parsed, ImportOptions{}, nil)
				return err
			})
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("err = %v\nwant it to contain %s", err, tc.want)
			}
			if l, err := s.List(ctx, "alpha"); err != nil || len(l.Entities) != 2 {
				t.Errorf("alpha: %v", err)
			}
			if l, err := s.List(ctx, "beta"); err != nil || len(l.Entities) != 3 {
				t.Errorf("beta changed: %v", err)
			}
			if _, err := s.List(ctx, "gamma"); !errors.Is(err, ErrNotInstalled) {
				t.Errorf("gamma: %v", err)
			}
		})
	}
}

// TestEmptyOfficialList: an official list with no entities is refused
// unless AllowEmpty; an empty own watchlist is accepted.
func TestEmptyOfficialList(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	s, _ := Open(filepath.Join(dir, "store"))
	bis := filepath.Join(dir, "dpl.txt")
	header := "Name\tStreet_Address\tCity\tState\tCountry\tPostal_Code\tEffective_Date\tExpiration_Date\tStandard_Order\tLast_Update\tAction\tFR_Citation\n"
	os.WriteFile(bis, []byte(header), 0o644)
	_, err := s.Import(ctx, []string{bis}, ImportOptions{})
	if !errors.Is(err, ErrEmpty) || !strings.Contains(err.Error(), "--allow-empty") || !strings.Contains(err.Error(), "dpl.txt") {
		t.Fatalf("empty BIS list: %v", err)
	}
	if names, _ := s.Names(); len(names) != 0 {
		t.Errorf("installed %v", names)
	}
	if _, err := s.Import(ctx, []string{bis}, ImportOptions{AllowEmpty: true}); err != nil {
		t.Errorf("AllowEmpty: %v", err)
	}
	own := filepath.Join(dir, "none.json")
	os.WriteFile(own, []byte(`{"meta":{"name":"none"},"entities":[]}`), 0o644)
	if _, err := s.Import(ctx, []string{own}, ImportOptions{}); err != nil {
		t.Errorf("empty own watchlist: %v", err)
	}
}

// TestTruncatedRealListRefused imports the real BIS list, then the same
// file cut at 51 %: inside a line the cut is refused even with Force;
// exactly at a line end (where no format can tell) the shrink guard
// refuses it. The installed list stays whole.
func TestTruncatedRealListRefused(t *testing.T) {
	src := filepath.Join(filepath.Dir(repoFixture(t, "")), "..", "..", "shared", "data", "bis", "dpl.txt")
	b, err := os.ReadFile(src)
	if err != nil {
		t.Skipf("shared data bis/dpl.txt not present (%v): skipping the real-list test", err)
	}
	ctx := context.Background()
	dir := t.TempDir()
	s, _ := Open(filepath.Join(dir, "store"))
	write := func(sub string, c []byte) string {
		p := filepath.Join(dir, sub, "dpl.txt")
		os.MkdirAll(filepath.Dir(p), 0o755)
		os.WriteFile(p, c, 0o644)
		return p
	}
	if _, err := s.Import(ctx, []string{write("whole", b)}, ImportOptions{}); err != nil {
		t.Fatal(err)
	}
	cut := len(b) * 51 / 100
	for b[cut-1] == '\n' {
		cut++
	}
	_, err = s.Import(ctx, []string{write("mid", b[:cut])}, ImportOptions{Force: true})
	if !errors.Is(err, lists.ErrTruncated) || !strings.Contains(err.Error(), "nothing installed") {
		t.Errorf("cut inside a line: %v", err)
	}
	atLine := cut + strings.IndexByte(string(b[cut:]), '\n') + 1
	_, err = s.Import(ctx, []string{write("line", b[:atLine])}, ImportOptions{})
	if !errors.Is(err, ErrShrink) {
		t.Errorf("cut at a line end: %v", err)
	}
	if l, err := s.List(ctx, "bis"); err != nil || len(l.Entities) != 461 {
		t.Errorf("installed BIS list after refusals: %v", err)
	}
}
