package names

import (
	"os"
	"strings"
	"testing"

	"github.com/screen-compliance/screen/lists"
)

func TestZZDebug(t *testing.T) {
	for _, p := range strings.Split(os.Getenv("ZZ"), "|") {
		q, c, _ := strings.Cut(p, "~")
		kind := lists.KindOrganization
		if strings.HasPrefix(c, "P:") {
			c, kind = c[2:], lists.KindPerson
		}
		e := &lists.Entity{Name: c, Kind: kind}
		r := Score(Query{Name: q}, e)
		t.Logf("%q ~ %q = %.4f (name %.4f)  %s  %v", q, c, r.Score, r.NameScore, r.Explanation, Analyze(c).Normalized())
	}
}
