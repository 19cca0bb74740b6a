package index

import (
	"context"
	"os"
	"path/filepath"
	"slices"
	"testing"

	"github.com/blevesearch/bleve/v2/analysis"

	"github.com/screen-compliance/screen/entity"
	"github.com/screen-compliance/screen/lists"
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
	r, err := ix.adv.Reader()
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	fd, err := r.FieldDict(keyField)
	if err != nil {
		t.Fatal(err)
	}
	defer fd.Close()
	n := 0
	for {
		de, err := fd.Next()
		if err != nil {
			t.Fatal(err)
		}
		if de == nil {
			break
		}
		n++
		c, ok := want[de.Term]
		if !ok {
			t.Errorf("%s: Bleve holds term %q, which no name has", set, de.Term)
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
	if n != len(want) {
		t.Errorf("%s: Bleve holds %d terms, the names %d", set, n, len(want))
	}
	t.Logf("%s: %d names, %d terms", set, len(ix.snap.Docs), n)
}
