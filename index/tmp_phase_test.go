package index

import (
	"context"
	"encoding/csv"
	"os"
	"testing"
	"time"

	"github.com/screen-compliance/screen/lists"
	"github.com/screen-compliance/screen/names"
)

func TestTmpPhases(t *testing.T) {
	ctx := context.Background()
	d := "/work/shared/data/"
	un, _ := lists.Load(ctx, d+"un/consolidated.xml", "")
	of, _ := lists.Load(ctx, d+"ofac/sdn-2021/sdn.csv", "")
	dir := t.TempDir()
	ix, err := Build(ctx, []*lists.List{un, of}, Options{Dir: dir})
	if err != nil {
		t.Fatal(err)
	}
	f, _ := os.Open(d + "opensanctions/opensanctions/yente/contrib/candidate_generation_benchmark/fixtures/negatives_global.csv")
	recs, _ := csv.NewReader(f).ReadAll()
	recs = recs[1:3001]
	var tRet, tScore, tAll, tAn time.Duration
	nc, nt, post := 0, 0, 0
	for _, r := range recs {
		q := names.Query{Name: r[0], Kind: "person", DOB: r[5], Country: r[7]}
		s0 := time.Now()
		sc := names.NewScorer(q)
		tAn += time.Since(s0)
		terms := ix.queryTerms(sc.Analysis(), nil)
		nt += len(terms)
		for _, w := range terms {
			post += int(w.df)
		}
		ids, _ := ix.retrieve(ctx, termQuery(terms), candidates)
		s1 := time.Now()
		for _, i := range ids {
			sc.Quick(&ix.snap.Entities[i], ix.snap.Names[i])
		}
		nc += len(ids)
		s2 := time.Now()
		ix.Search(ctx, q, SearchOptions{Limit: 5, MinScore: 0.7})
		s3 := time.Now()
		tRet += s1.Sub(s0)
		tScore += s2.Sub(s1)
		tAll += s3.Sub(s2)
	}
	n := time.Duration(len(recs))
	t.Logf("analyze %v", tAn/n)
	t.Logf("terms %.1f postings %.1f", float64(nt)/float64(len(recs)), float64(post)/float64(len(recs)))
	t.Logf("retrieve %v score %v search %v per query; cands %.1f", tRet/n, tScore/n, tAll/n, float64(nc)/float64(len(recs)))
}
