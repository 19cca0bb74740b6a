package main

import (
	"context"
	"encoding/csv"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/urfave/cli/v2"

	"github.com/screen-compliance/screen/eval"
)

// evalCommand measures matching quality on the public evaluation data.
func evalCommand() *cli.Command {
	return &cli.Command{
		Name:  "eval",
		Usage: "measure name matching on public labelled data (precision, recall, F1)",
		Description: "Suites: namebench (nomenklatura name_bench pairs, beside logic-v2's frozen scores), " +
			"yente (UN treated names and 50,000 negatives screened against UN + OFAC SDN 2021), " +
			"ofac (agreement with OFAC Sanctions List Search scores), " +
			"variants (trade-document variants and look-alikes of every entity of each real list, screened " +
			"through the engine with the list loaded alone: recall and false alarms per list, kind and variant " +
			"type, tuning and held-out halves; not run by default, it takes minutes). " +
			"name_bench is split into a tuning and a held-out half (fixed seed): the best threshold is chosen " +
			"on the tuning half and the held-out F1 is reported at it. The data is read from --data " +
			"(default: ../shared/data beside the repository, or $SCREEN_EVAL_DATA).",
		Flags: []cli.Flag{
			&cli.StringFlag{Name: "data", Usage: "evaluation data `DIR`", EnvVars: []string{"SCREEN_EVAL_DATA"}},
			&cli.StringSliceFlag{Name: "suite", Value: cli.NewStringSlice("namebench", "yente", "ofac"), Usage: "run `SUITE` (namebench, yente, ofac, variants; repeatable)"},
			&cli.Float64Flag{Name: "threshold", Value: 0.80, Usage: "review `SCORE`: a pair at or above it is a match"},
			&cli.Float64Flag{Name: "ref-threshold", Value: 0.70, Usage: "threshold applied to logic-v2's frozen scores"},
			&cli.StringFlag{Name: "confusion", Usage: "write the per-slice confusion table as CSV to `FILE`"},
			&cli.BoolFlag{Name: "errors", Usage: "list misclassified cases (variants: missed variants and false alarms)"},
			&cli.StringFlag{Name: "half", Value: "all", Usage: "variants: screen the entities of `HALF` (tuning, heldout, all)"},
			&cli.IntFlag{Name: "max-errors", Value: 10, Usage: "variants: keep at most `N` examples per list, kind and variant type (-1: all)"},
			&cli.StringSliceFlag{Name: "variants-list", Usage: "variants: screen only the list labelled `LABEL` (un, ofac-sdn-2021, bis, ofac-cons-2025, ftm:...; repeatable)"},
			&cli.IntFlag{Name: "negatives", Value: 50000, Usage: "screen at most `N` negatives"},
		},
		Action: evalRun,
	}
}

func evalRun(c *cli.Context) error {
	ctx := c.Context
	dir := c.String("data")
	if dir == "" {
		d, err := eval.DataDir()
		if err != nil {
			return failure(err)
		}
		dir = d
	}
	out := c.App.Writer
	th := c.Float64("threshold")
	var rows [][]string
	for _, s := range c.StringSlice("suite") {
		var err error
		switch strings.ToLower(s) {
		case "namebench":
			rows, err = evalNameBench(ctx, c, out, dir, th, rows)
		case "yente":
			err = evalYente(ctx, c, out, dir, th)
		case "ofac":
			err = evalOFAC(out, dir, th)
		case "variants":
			err = evalVariants(ctx, c, out, dir)
		default:
			err = fmt.Errorf("unknown suite %q (namebench, yente, ofac, variants)", s)
		}
		if err != nil {
			return failure(err)
		}
	}
	if p := c.String("confusion"); p != "" && len(rows) > 0 {
		if err := writeConfusion(p, rows); err != nil {
			return failure(err)
		}
	}
	return nil
}

func evalNameBench(ctx context.Context, c *cli.Context, out io.Writer, dir string, th float64, rows [][]string) ([][]string, error) {
	cases, err := eval.ReadNameBench(filepath.Join(dir, eval.NameBenchCases), filepath.Join(dir, eval.NameBenchLogicV2))
	if err != nil {
		return rows, err
	}
	res, err := eval.RunNameBench(ctx, cases, th, c.Float64("ref-threshold"))
	if err != nil {
		return rows, err
	}
	fmt.Fprintf(out, "== name_bench: %d pairs, ours at %.2f, logic-v2 (frozen) at %.2f\n", len(cases), th, c.Float64("ref-threshold"))
	fmt.Fprintln(out, eval.FormatSlice(res.Overall))
	for _, s := range res.Slices {
		fmt.Fprintln(out, eval.FormatSlice(s))
	}
	bt, bf := eval.BestThresholdOn(cases, res.Scores, eval.HalfTuning, 0.5, 0.95)
	fmt.Fprintf(out, "best threshold on the tuning half: %.2f (tuning F1 %.3f); held-out F1 at %.2f: %.3f (at %.2f: %.3f)\n",
		bt, bf, bt, eval.ConfusionAt(cases, res.Scores, eval.HalfHeldOut, bt).F1(), th, eval.ConfusionAt(cases, res.Scores, eval.HalfHeldOut, th).F1())
	if c.Bool("errors") {
		for _, e := range eval.Errors(cases, res.Scores, th) {
			fmt.Fprintln(out, "  "+e)
		}
	}
	rows = append(rows, []string{"slice", "n", "tp", "fp", "tn", "fn", "precision", "recall", "f1", "ref_tp", "ref_fp", "ref_tn", "ref_fn", "ref_f1"})
	for _, s := range append([]eval.Slice{res.Overall}, res.Slices...) {
		o, r := s.Ours, s.Reference
		rows = append(rows, []string{s.Key, evalInt(o.N()), evalInt(o.TP), evalInt(o.FP), evalInt(o.TN), evalInt(o.FN),
			evalFloat(o.Precision()), evalFloat(o.Recall()), evalFloat(o.F1()), evalInt(r.TP), evalInt(r.FP), evalInt(r.TN), evalInt(r.FN), evalFloat(r.F1())})
	}
	return rows, nil
}

func evalYente(ctx context.Context, c *cli.Context, out io.Writer, dir string, th float64) error {
	ix, err := eval.BuildUNOFAC(ctx, dir)
	if err != nil {
		return err
	}
	defer ix.Close()
	fx := filepath.Join(dir, eval.YenteFixtures)
	treated, err := eval.ReadPersons(filepath.Join(fx, "positives_un_treated.csv"))
	if err != nil {
		return err
	}
	untreated, err := eval.ReadPersons(filepath.Join(fx, "positives_un_untreated.csv"))
	if err != nil {
		return err
	}
	pos, err := eval.RunPositives(ctx, ix, treated, untreated, th)
	if err != nil {
		return err
	}
	fmt.Fprintf(out, "== yente positives (UN treated names vs UN + OFAC SDN 2021, %d entities): n=%d (unresolved %d)\n", ix.Len(), pos.N, pos.Unresolved)
	fmt.Fprintf(out, "recall, right entity first at >= %.2f: %.4f; anywhere in the hits: %.4f (%s)\n", th, pos.RecallFirst(), pos.RecallAny(), pos.Took.Round(1e6))
	if c.Bool("errors") {
		for _, m := range pos.Misses {
			fmt.Fprintln(out, "  "+m)
		}
	}
	neg, err := eval.ReadPersons(filepath.Join(fx, "negatives_global.csv"))
	if err != nil {
		return err
	}
	if n := c.Int("negatives"); n > 0 && n < len(neg) {
		neg = neg[:n]
	}
	nr, err := eval.RunNegatives(ctx, ix, neg, th, 50)
	if err != nil {
		return err
	}
	fmt.Fprintf(out, "== yente negatives: n=%d false positives at >= %.2f: %d (%.3f %%) (%s, %.0f screens/s sequential)\n",
		nr.N, th, nr.FP, 100*nr.Rate(), nr.Took.Round(1e6), float64(nr.N)/nr.Took.Seconds())
	if c.Bool("errors") {
		for _, m := range nr.Examples {
			fmt.Fprintln(out, "  "+m)
		}
	}
	return nil
}

func evalVariants(ctx context.Context, c *cli.Context, out io.Writer, dir string) error {
	half, err := eval.ParseHalf(c.String("half"))
	if err != nil {
		return err
	}
	start := time.Now()
	rep, err := eval.RunVariants(ctx, eval.VariantsOptions{DataDir: dir, Half: half, Only: c.StringSlice("variants-list"),
		MaxExamples: c.Int("max-errors")})
	if err != nil {
		return err
	}
	if err := rep.Write(out, c.Bool("errors")); err != nil {
		return err
	}
	fmt.Fprintf(c.App.ErrWriter, "variants suite took %s\n", time.Since(start).Round(time.Millisecond))
	return nil
}

func evalOFAC(out io.Writer, dir string, th float64) error {
	rows, err := eval.ReadOFACFixtures(filepath.Join(dir, eval.OFACFixtures))
	if err != nil {
		return err
	}
	r := eval.RunOFAC(rows, th)
	a := r.Agreement
	fmt.Fprintf(out, "== OFAC search fixtures: n=%d pearson %.3f spearman %.3f mean |ours-ofac| %.1f points\n", r.N, r.Pearson, r.Spearman, r.MeanAbsDiff)
	fmt.Fprintf(out, "agreement at %.2f / %.0f: both match %d, only ours %d, neither %d, only OFAC %d (accuracy %.3f)\n",
		th, th*100, a.TP, a.FP, a.TN, a.FN, a.Accuracy())
	return nil
}

func writeConfusion(path string, rows [][]string) error {
	f, err := os.Create(path)
	if err != nil {
		return fmt.Errorf("write confusion table: %w", err)
	}
	w := csv.NewWriter(f)
	if err := w.WriteAll(rows); err != nil {
		f.Close()
		return fmt.Errorf("write confusion table %s: %w", path, err)
	}
	if err := f.Close(); err != nil {
		return fmt.Errorf("write confusion table %s: %w", path, err)
	}
	return nil
}

func evalInt(i int) string       { return strconv.Itoa(i) }
func evalFloat(f float64) string { return strconv.FormatFloat(f, 'f', 4, 64) }
