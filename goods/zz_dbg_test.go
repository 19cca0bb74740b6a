package goods

import (
	"fmt"
	"testing"

	"github.com/screen-compliance/screen/record"
)

func TestZZDbg(t *testing.T) {
	c := classifier(t)
	for _, d := range []string{"Electric generating sets; with compression-ignition internal combustion piston engines", "Optical media; unrecorded", "Sound recording or reproducing apparatus; operated by coins, banknotes", "Insulating fittings; of ceramics, for electrical machines", "Magnetic media; cards incorporating a magnetic stripe", "Lamps; portable, electric, designed to function by their own source of energy"} {
		g := c.ClassifyLine(0, record.GoodsLine{Description: d})
		fmt.Println(d)
		for _, x := range g.Details {
			fmt.Println("   ", x.ID, x.MatchedBy, x.Confidence)
		}
	}
}
