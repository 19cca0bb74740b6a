package goods

import (
	"encoding/csv"
	"fmt"
	"os"
	"slices"
	"testing"

	"github.com/screen-compliance/screen/record"
)

func TestZZRecall(t *testing.T) {
	f, _ := os.Open("../../shared/data/hs/harmonized-system.csv")
	rows, _ := csv.NewReader(f).ReadAll()
	c := classifier(t)
	per := map[string][2]int{}
	for _, r := range rows[1:] {
		if r[4] != "6" {
			continue
		}
		byHS := c.ClassifyLine(0, record.GoodsLine{HS: r[1]})
		byDesc := c.ClassifyLine(0, record.GoodsLine{Description: r[2]})
		for _, d := range byHS.Details {
			if d.Measure != MeasureBan {
				continue
			}
			x := per[d.ID]
			x[0]++
			if slices.Contains(byDesc.Categories, d.ID) {
				x[1]++
			}
			per[d.ID] = x
		}
	}
	tot, hit := 0, 0
	for id, x := range per {
		tot += x[0]
		hit += x[1]
		fmt.Printf("%-40s %4d/%4d %.2f\n", id, x[1], x[0], float64(x[1])/float64(x[0]))
	}
	fmt.Println("total", hit, tot, float64(hit)/float64(tot))
}
