package names

import (
	"testing"

	"github.com/screen-compliance/screen/lists"
)

func TestTry(t *testing.T) {
	pairs := [][2]string{{"Kim Jong Un", "김정은"}, {"KIM Chong-un", "Kim Jong Un"}, {"Ryonbong", "Korea Ryon Bong General Corporation"},
		{"Vladimir Putin", "PUTIN, Vladimir Vladimirovich"}, {"Vladimir", "Vladimir Putin"}, {"Siemens AG", "Siemens Aktiengesellschaft"},
		{"Olaf Scholze", "Olaf Scholz"}, {"Octavian Scholz", "Olaf Scholz"}, {"Lauren Tnkunda", "Laurent Nkunda"}, {"Ri U'n So'ng", "RI UN SONG"},
		{"Mohammed Hassan", "Muhammad Hasan"}, {"Patricia Lucas Wheeler", "Lucas Wheeler"}}
	for _, p := range pairs {
		r := Score(Query{Name: p[0]}, &lists.Entity{ID: "x", Name: p[1]})
		t.Logf("%.3f %s", r.Score, r.Explanation)
	}
}
