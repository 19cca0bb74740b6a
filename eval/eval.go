// Package eval measures name matching and candidate retrieval against public
// labelled data: nomenklatura's name_bench pairs, yente's candidate
// generation fixtures screened against the UN and OFAC lists, and OFAC's
// own search scores. The data lives outside the repository
// (../shared/data); every function takes its path.
package eval

import (
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
)

// Confusion counts binary match decisions.
type Confusion struct {
	TP, FP, TN, FN int
}

// Add counts one decision.
func (c *Confusion) Add(predicted, actual bool) {
	switch {
	case predicted && actual:
		c.TP++
	case predicted && !actual:
		c.FP++
	case !predicted && actual:
		c.FN++
	default:
		c.TN++
	}
}

// N returns the number of decisions counted.
func (c Confusion) N() int { return c.TP + c.FP + c.TN + c.FN }

// Precision is TP / (TP + FP), 0 when nothing was predicted.
func (c Confusion) Precision() float64 { return ratio(c.TP, c.TP+c.FP) }

// Recall is TP / (TP + FN), 0 when there are no positives.
func (c Confusion) Recall() float64 { return ratio(c.TP, c.TP+c.FN) }

// F1 is the harmonic mean of precision and recall.
func (c Confusion) F1() float64 {
	p, r := c.Precision(), c.Recall()
	if p+r == 0 {
		return 0
	}
	return 2 * p * r / (p + r)
}

// Accuracy is (TP + TN) / N.
func (c Confusion) Accuracy() float64 { return ratio(c.TP+c.TN, c.N()) }

func ratio(a, b int) float64 {
	if b == 0 {
		return 0
	}
	return float64(a) / float64(b)
}

// DataDir finds the shared data directory: $SCREEN_EVAL_DATA when set,
// else ../shared/data beside the directory holding go.mod, searched upward
// from the working directory. It returns an error when absent.
func DataDir() (string, error) {
	if d := os.Getenv("SCREEN_EVAL_DATA"); d != "" {
		if _, err := os.Stat(d); err != nil {
			return "", fmt.Errorf("eval data %s: %w", d, err)
		}
		return d, nil
	}
	wd, err := os.Getwd()
	if err != nil {
		return "", fmt.Errorf("eval data: %w", err)
	}
	for dir := wd; ; dir = filepath.Dir(dir) {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			d := filepath.Join(dir, "..", "shared", "data")
			if _, err := os.Stat(d); err != nil {
				return "", fmt.Errorf("eval data %s: %w", d, err)
			}
			return filepath.Clean(d), nil
		}
		if filepath.Dir(dir) == dir {
			return "", errors.New("eval data: no go.mod found above the working directory")
		}
	}
}

// Paths of the data sets inside the data directory.
const (
	NameBenchCases   = "opensanctions/opensanctions/nomenklatura/contrib/name_bench/cases.csv"
	NameBenchLogicV2 = "opensanctions/opensanctions/nomenklatura/contrib/name_bench/run_data/logicv2-frozen.csv"
	OFACFixtures     = "opensanctions/opensanctions/nomenklatura/tests/matching/name_based/ofac_fixtures.csv"
	YenteFixtures    = "opensanctions/opensanctions/yente/contrib/candidate_generation_benchmark/fixtures"
	UNConsolidated   = "un/consolidated.xml"
	OFACSDN2021      = "ofac/sdn-2021/sdn.csv"
)

// readCSV reads a CSV file with a header row and calls fn for every data
// row with a field getter. Errors name the file and line.
func readCSV(path string, fn func(line int, get func(col string) string) error) error {
	f, err := os.Open(path)
	if err != nil {
		return fmt.Errorf("open %s: %w", path, err)
	}
	defer f.Close()
	r := csv.NewReader(f)
	r.FieldsPerRecord = -1
	head, err := r.Read()
	if err != nil {
		return fmt.Errorf("read %s header: %w", path, err)
	}
	col := map[string]int{}
	for i, h := range head {
		col[strings.TrimSpace(strings.TrimPrefix(h, "\ufeff"))] = i
	}
	for {
		rec, err := r.Read()
		if err == io.EOF {
			return nil
		}
		if err != nil {
			return fmt.Errorf("read %s: %w", path, err) // csv.ParseError names the line
		}
		line, _ := r.FieldPos(0)
		get := func(c string) string {
			i, ok := col[c]
			if !ok || i >= len(rec) {
				return ""
			}
			return rec[i]
		}
		if err := fn(line, get); err != nil {
			return fmt.Errorf("%s line %d: %w", path, line, err)
		}
	}
}
