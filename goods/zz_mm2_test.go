package goods

import (
	"encoding/csv"
	"fmt"
	"os"
	"slices"
	"testing"
	"strings"

	"github.com/screen-compliance/screen/record"
)

func TestZZMiss(t *testing.T) {
	f, _ := os.Open("../../shared/data/hs/harmonized-system.csv")
	rows, _ := csv.NewReader(f).ReadAll()
	c := classifier(t)
	want := os.Getenv("CAT")
	for _, r := range rows[1:] {
		if r[4] != "6" {
			continue
		}
		byHS := c.ClassifyLine(0, record.GoodsLine{HS: r[1]})
		if !slices.Contains(byHS.Categories, want) { continue }
		byDesc := c.ClassifyLine(0, record.GoodsLine{Description: r[2]})
		if !slices.Contains(byDesc.Categories, want) {
			d := r[2]; if len(d) > 110 { d = d[:110] }
			fmt.Println(r[1], d, strings.Join(byDesc.Categories, ","))
		}
	}
}
