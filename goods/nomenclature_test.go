package goods

import (
	"encoding/csv"
	"os"
	"path/filepath"
	"slices"
	"testing"

	"github.com/screen-compliance/screen/record"
)

// TestNomenclatureQuality measures the description classifier against the
// official HS 2022 subheading texts (shared data, read at test time):
//   - recall: of the ban categories a subheading's code selects, the share
//     its text alone finds (at any confidence, and at block confidence);
//   - false bans: texts alone giving a block-confidence ban category their
//     code lacks;
//   - mismatches: code plus text flagged hs_description_mismatch, although
//     they belong together.
//
// Official texts are longer and more qualified than trade descriptions, so
// these are conservative figures. The bounds guard against regressions.
func TestNomenclatureQuality(t *testing.T) {
	p := sharedData(t, filepath.Join("hs", "harmonized-system.csv"))
	f, err := os.Open(p)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	rows, err := csv.NewReader(f).ReadAll()
	if err != nil {
		t.Fatalf("%s: %v", p, err)
	}
	const blockMin = 0.75 // data.screen.params.dprk.description_block_min
	c := classifier(t)
	var codes, want, found, foundBlock, falseBan, mismatch int
	for _, r := range rows[1:] {
		if len(r) < 5 || r[4] != "6" {
			continue
		}
		codes++
		byHS := c.ClassifyLine(0, record.GoodsLine{HS: r[1]})
		byDesc := c.ClassifyLine(0, record.GoodsLine{Description: r[2]})
		both := c.ClassifyLine(0, record.GoodsLine{HS: r[1], Description: r[2]})
		for _, d := range byHS.Details {
			if d.Measure != MeasureBan {
				continue
			}
			want++
			if i := slices.Index(byDesc.Categories, d.ID); i >= 0 {
				found++
				if byDesc.Details[i].Confidence >= blockMin {
					foundBlock++
				}
			}
		}
		for _, d := range byDesc.Details {
			if d.Measure == MeasureBan && d.Confidence >= blockMin && !slices.Contains(byHS.Categories, d.ID) {
				falseBan++
				break
			}
		}
		if slices.Contains(both.Categories, MismatchID) {
			mismatch++
		}
	}
	if codes < 5000 {
		t.Fatalf("only %d subheadings read from %s", codes, p)
	}
	recall := float64(found) / float64(want)
	recallBlock := float64(foundBlock) / float64(want)
	fb := float64(falseBan) / float64(codes)
	mm := float64(mismatch) / float64(codes)
	t.Logf("%d subheadings: recall %.3f (at block confidence %.3f) of %d ban categories; false bans %.3f; mismatches %.3f",
		codes, recall, recallBlock, want, fb, mm)
	if recall < 0.85 || recallBlock < 0.65 {
		t.Errorf("description recall %.3f / %.3f below 0.85 / 0.65", recall, recallBlock)
	}
	if fb > 0.03 {
		t.Errorf("false ban rate %.3f above 0.03", fb)
	}
	if mm > 0.02 {
		t.Errorf("mismatch rate %.3f above 0.02", mm)
	}
}
