package index

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/blevesearch/bleve/v2/analysis"

	"github.com/screen-compliance/screen/entity"
	"github.com/screen-compliance/screen/lists"
	"github.com/screen-compliance/screen/names"
)

func TestSplitKeys(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want []string
	}{
		{"", nil},
		{"kim", []string{"kim"}},
		{"kim jong un", []string{"kim", "jong", "un"}},
		{"  kim  jong ", []string{"kim", "jong"}},
		// Bytes that are not UTF-8, and U+FFFD, are terms like any other
		// (Bleve's character tokenizers stop at the first of them).
		{"a\xff\xfeb \uFFFDc d", []string{"a\xff\xfeb", "\uFFFDc", "d"}},
		{"김정은 金正恩 id:8660313", []string{"김정은", "金正恩", "id:8660313"}},
		{"tab\there", []string{"tab\there"}},
	} {
		ts := splitKeys{}.Analyze([]byte(tc.in))
		var got []string
		for i, tok := range ts {
			got = append(got, string(tok.Term))
			if tok.Position != i+1 || tc.in[tok.Start:tok.End] != string(tok.Term) || tok.Type != analysis.AlphaNumeric {
				t.Errorf("%q: token %d = %+v", tc.in, i, tok)
			}
		}
		if !slices.Equal(got, tc.want) {
			t.Errorf("splitKeys(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}

func TestJoinKeys(t *testing.T) {
	if v, err := joinKeys([]string{"kim", "id:123456", "金正恩"}); err != nil || v != "kim id:123456 金正恩" {
		t.Errorf("joinKeys = %q, %v", v, err)
	}
	for _, ks := range [][]string{{"kim", ""}, {"kim jong"}, {"a", " "}} {
		if v, err := joinKeys(ks); err == nil {
			t.Errorf("joinKeys(%q) = %q, want an error", ks, v)
		}
	}
}

// TestEveryTermFindsItsNames checks the index against the terms of every
// name document: each term's posting list holds exactly the names that
// have it, and the Bleve field holds exactly the terms the names have (a
// term split or merged on its way into Bleve would show as one missing
// and others extra). In memory and on disk, on the test lists and, when
// ../shared/data is there, on the UN and OFAC SDN lists.
func TestEveryTermFindsItsNames(t *testing.T) {
	ctx := context.Background()
	sets := map[string][]*entity.List{"test lists": testLists()}
	un := filepath.Join("..", "..", "shared", "data", "un", "consolidated.xml")
	sdn := filepath.Join("..", "..", "shared", "data", "ofac", "sdn-2021", "sdn.csv")
	if _, err := os.Stat(sdn); err != nil {
		t.Logf("real lists not available, testing the test lists only (%v)", err)
	} else {
		var real []*entity.List
		for _, p := range []string{un, sdn} {
			l, err := lists.Load(ctx, p, "")
			if err != nil {
				t.Fatal(err)
			}
			real = append(real, l)
		}
		sets["UN + OFAC SDN"] = real
	}
	for name, ls := range sets {
		for _, dir := range []string{"", t.TempDir()} {
			ix, err := Build(ctx, ls, Options{Dir: dir})
			if err != nil {
				t.Fatal(err)
			}
			checkEveryTerm(t, name, ix)
			ix.Close()
		}
	}
}

func checkEveryTerm(t *testing.T, set string, ix *Index) {
	t.Helper()
	ctx := context.Background()
	tr := &termReader{ix: ix}
	defer tr.close()
	want := map[string]int{} // term -> names holding it
	for d, ref := range ix.snap.Docs {
		e := &ix.snap.Entities[ref.Entity]
		for _, k := range nameKeys(e, ix.snap.Names[ref.Entity], int(ref.Name)) {
			want[k]++
			docs, err := tr.docsOf(ctx, k, ix.terms.pos(termHash(k)))
			if err != nil {
				t.Fatal(err)
			}
			if _, ok := slices.BinarySearch(docs, int32(d)); !ok {
				t.Fatalf("%s: term %q of name %d (%s) does not find it: %v", set, k, d, e.ID, docs)
			}
		}
	}
	seen := map[string]bool{}
	for p, pt := range ix.parts {
		r, err := pt.adv.Reader()
		if err != nil {
			t.Fatal(err)
		}
		fd, err := r.FieldDict(keyField)
		if err != nil {
			t.Fatal(err)
		}
		for {
			de, err := fd.Next()
			if err != nil {
				t.Fatal(err)
			}
			if de == nil {
				break
			}
			if seen[de.Term] {
				continue
			}
			seen[de.Term] = true
			c, ok := want[de.Term]
			if !ok {
				t.Errorf("%s: Bleve part %d holds term %q, which no name has", set, p, de.Term)
				continue
			}
			docs, err := tr.docsOf(ctx, de.Term, ix.terms.pos(termHash(de.Term)))
			if err != nil {
				t.Fatal(err)
			}
			if len(docs) != c {
				t.Errorf("%s: term %q finds %d names; %d names have it", set, de.Term, len(docs), c)
			}
		}
		fd.Close()
		r.Close()
	}
	n := len(seen)
	if n != len(want) {
		t.Errorf("%s: Bleve holds %d terms, the names %d", set, n, len(want))
	}
	t.Logf("%s: %d names in %d parts, %d terms", set, len(ix.snap.Docs), len(ix.parts), n)
}

// TestParts builds the test lists as an index of one to five parts on
// disk: every term finds its names across the parts, the index opens
// again, searches give what an index in memory gives, and an index
// directory rebuilt with fewer parts keeps none of the old ones.
func TestParts(t *testing.T) {
	ctx := context.Background()
	mem, err := Build(ctx, testLists(), Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer mem.Close()
	queries := []names.Query{{Name: "Kim Jong Un"}, {Name: "KOMID"}, {Name: "Korea Ryonbong"}, {Name: "Chon Ma San"},
		{Name: "Dandong Hongxiang Industrial"}, {Name: "丹东鸿祥"}, {Name: "Chon Ma", IDs: []string{"IMO 8660313"}}}
	dir := t.TempDir()
	for _, parts := range []int{5, 1, 2, 3} {
		ix, err := Build(ctx, testLists(), Options{Dir: dir, parts: parts})
		if err != nil {
			t.Fatal(err)
		}
		if len(ix.parts) != parts {
			t.Fatalf("%d parts built, want %d", len(ix.parts), parts)
		}
		checkEveryTerm(t, fmt.Sprintf("%d parts", parts), ix)
		ix.Close()
		for p := parts; p < 6; p++ {
			if _, err := os.Stat(partDir(dir, p)); err == nil {
				t.Errorf("%d parts: part %d of an earlier build is still there", parts, p)
			}
		}
		ix, err = Open(ctx, dir)
		if err != nil {
			t.Fatal(err)
		}
		for _, q := range queries {
			want, err := mem.Search(ctx, q, SearchOptions{MinScore: 0.5})
			if err != nil {
				t.Fatal(err)
			}
			got, err := ix.Search(ctx, q, SearchOptions{MinScore: 0.5})
			if err != nil {
				t.Fatal(err)
			}
			if len(want) == 0 || fmt.Sprint(hitIDs(got)) != fmt.Sprint(hitIDs(want)) {
				t.Errorf("%d parts: %+v finds %v, in memory %v", parts, q, hitIDs(got), hitIDs(want))
			}
		}
		ix.Close()
	}
	// A part missing from the directory fails the open.
	if err := os.RemoveAll(partDir(dir, 2)); err != nil {
		t.Fatal(err)
	}
	if ix, err := Open(ctx, dir); err == nil {
		ix.Close()
		t.Error("an index with a part missing opened")
	}
}

func hitIDs(hs []Hit) []string {
	var ids []string
	for _, h := range hs {
		ids = append(ids, fmt.Sprintf("%s %.4f", h.Entity.ID, h.Score))
	}
	return ids
}

// FuzzSplitKeys checks the analyzer against strings.Split on any input,
// and that the terms joinKeys accepts come back from splitKeys unchanged.
func FuzzSplitKeys(f *testing.F) {
	for _, s := range []string{"", " ", "kim jong un", "  a  b ", "a\xff\xfeb \uFFFDc", "김정은 金正恩 id:8660313", "\t\n x"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, in string) {
		var want []string
		for _, w := range strings.Split(in, string(keySep)) {
			if w != "" {
				want = append(want, w)
			}
		}
		var got []string
		for i, tok := range (splitKeys{}).Analyze([]byte(in)) {
			got = append(got, string(tok.Term))
			if tok.Position != i+1 || tok.Start < 0 || tok.End > len(in) || in[tok.Start:tok.End] != string(tok.Term) {
				t.Fatalf("%q: token %d = %+v", in, i, tok)
			}
		}
		if !slices.Equal(got, want) {
			t.Fatalf("splitKeys(%q) = %q, want %q", in, got, want)
		}
		if v, err := joinKeys(want); err != nil || v != strings.Join(want, string(keySep)) {
			t.Fatalf("joinKeys(%q) = %q, %v", want, v, err)
		}
	})
}

// TestBuildDiskPartsError: a part's own error is the one reported, not the
// cancellation it caused in the other; when the caller cancels, every part
// stops (also one that has written no segment yet) and the cancellation is
// reported once; the builders' working directories are removed either way.
func TestBuildDiskPartsError(t *testing.T) {
	tmp := t.TempDir()
	t.Setenv("TMPDIR", tmp)
	keys := make([][]string, 4096)
	for i := range keys {
		keys[i] = []string{fmt.Sprintf("t%d", i)}
	}
	bad := slices.Clone(keys)
	bad[3000] = []string{""} // in the second part: joinKeys refuses an empty term
	err := buildDiskParts(context.Background(), t.TempDir(), bad, 2)
	if err == nil || !strings.Contains(err.Error(), "index document 3000") || errors.Is(err, context.Canceled) {
		t.Errorf("a part's own error: got %v", err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	err = buildDiskParts(ctx, t.TempDir(), keys, 2)
	if !errors.Is(err, context.Canceled) || strings.Count(err.Error(), context.Canceled.Error()) != 1 {
		t.Errorf("cancelled by the caller: got %q", err)
	}
	if left, _ := os.ReadDir(tmp); len(left) != 0 {
		t.Errorf("build directories left behind: %v", left)
	}
}
