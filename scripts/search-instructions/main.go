//go:build ignore

// main searches the UN + OFAC SDN index with one of three mixes of names,
// for scripts/search-instructions.sh, which counts the instructions of the
// measured searches with callgrind (a count that other jobs on the machine
// do not disturb).
//
//	go run scripts/search-instructions/main.go DIR build       # build the index into DIR
//	go run scripts/search-instructions/main.go DIR N [MIX]     # N searches; MIX: yente (default), listed, unique
package main

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strconv"

	"github.com/screen-compliance/screen/engine"
	"github.com/screen-compliance/screen/eval"
	"github.com/screen-compliance/screen/index"
	"github.com/screen-compliance/screen/names"
)

func main() {
	ctx := context.Background()
	d := os.Getenv("DATA")
	if d == "" {
		d = "../shared/data"
	}
	dir := os.Args[1]
	if os.Args[2] == "build" {
		ix, err := eval.BuildUNOFAC(ctx, d, engine.WithIndexDir(dir))
		if err != nil {
			panic(err)
		}
		ix.Close()
		return
	}
	n, _ := strconv.Atoi(os.Args[2])
	ix, err := index.Open(ctx, dir)
	if err != nil {
		panic(err)
	}
	tr, _ := eval.ReadPersons(filepath.Join(d, eval.YenteFixtures, "positives_un_treated.csv"))
	neg, _ := eval.ReadPersons(filepath.Join(d, eval.YenteFixtures, "negatives_global.csv"))
	qs := append(tr, neg[:5000]...)
	if len(os.Args) > 3 && os.Args[3] == "listed" {
		qs = tr
	}
	if len(os.Args) > 3 && os.Args[3] == "unique" {
		qs = qs[:0]
		clean := []string{"Mueller Werkzeugmaschinen GmbH", "Saigon Precision Engineering JSC", "Baltic Timber Export OU", "Nordic Pulp & Paper AB",
			"Shandong Yuxin Grain & Oil Co.", "Osaka Foods KK", "Acme Industrial Supplies Ltd", "Lagos Building Materials Ltd", "Korea Mining Dev. Trading Corp", "Dandong Xinhe Trading Co. Ltd."}
		for i := 0; i < n; i++ {
			qs = append(qs, eval.Person{Name: fmt.Sprintf("%s %d", clean[i%len(clean)], i)})
		}
	}
	names.Analyze("kim jong un") // one-time tables, not counted
	for i := 0; i < 300; i++ {
		ix.Search(ctx, qs[(i*7907)%len(qs)].Query(), index.SearchOptions{Limit: 5, MinScore: 0.75})
	}
	hits := 0
	for i := 0; i < n; i++ {
		h, err := measured(ctx, ix, qs[(i*7919)%len(qs)].Query())
		if err != nil {
			panic(err)
		}
		hits += len(h)
	}
	fmt.Println("hits", hits)
}

// measured is the function callgrind counts (--toggle-collect=main.measured).
//
//go:noinline
func measured(ctx context.Context, ix *index.Index, q names.Query) ([]index.Hit, error) {
	return ix.Search(ctx, q, index.SearchOptions{Limit: 5, MinScore: 0.75})
}
