package names

import (
	"context"
	"os"
	"strings"
	"testing"

	"github.com/screen-compliance/screen/entity"
	"github.com/screen-compliance/screen/lists"
)

func TestZZDebug(t *testing.T) {
	l, err := lists.Load(context.Background(), "../../shared/data/ofac/sdn-2021/sdn.csv", "")
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range strings.Split(os.Getenv("ZZ"), "|") {
		q, id, _ := strings.Cut(p, "~")
		for i := range l.Entities {
			e := &l.Entities[i]
			if e.ID == id {
				r := Score(Query{Name: q, Kind: entity.KindPerson}, e)
				t.Logf("%q ~ %s = %.4f (name %.4f) %s", q, id, r.Score, r.NameScore, r.Explanation)
			}
		}
	}
}
