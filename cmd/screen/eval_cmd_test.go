package main

import (
	"strings"
	"testing"

	"github.com/screen-compliance/screen/eval"
)

func evalData(t *testing.T) string {
	t.Helper()
	d, err := eval.DataDir()
	if err != nil {
		t.Skipf("shared evaluation data absent: %v", err)
	}
	return d
}

func TestEvalBadHalf(t *testing.T) {
	code, _, stderr := runCLI(t, "eval", "--data", t.TempDir(), "--suite", "variants", "--half", "middle")
	if code != 2 || !strings.Contains(stderr, `unknown half "middle"`) {
		t.Errorf("exit %d, stderr %q; want 2 and the unknown half named", code, stderr)
	}
}

// TestEvalVariantsSmallList runs the variants suite on one small real list
// twice: same output, both halves and the summary shown.
func TestEvalVariantsSmallList(t *testing.T) {
	d := evalData(t)
	args := []string{"eval", "--data", d, "--suite", "variants", "--variants-list", "ftm:t1", "--errors"}
	code, out, stderr := runCLI(t, args...)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	for _, want := range []string{"== variants ftm:t1 ", "| tuning ", "| heldout ", "| all ", "== variants summary", "look-alikes"} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %q:\n%s", want, out)
		}
	}
	if strings.Contains(out, "== variants un ") {
		t.Error("--variants-list ftm:t1 also screened the UN list")
	}
	if _, again, _ := runCLI(t, args...); again != out {
		t.Errorf("output differs between two runs:\n%s\n---\n%s", out, again)
	}
	code, out, _ = runCLI(t, "eval", "--data", d, "--suite", "variants", "--variants-list", "ftm:t1", "--half", "heldout")
	if code != 0 || strings.Contains(out, "| tuning ") || !strings.Contains(out, "| heldout ") {
		t.Errorf("--half heldout: exit %d, output:\n%s", code, out)
	}
}

func TestEvalNameBenchHalves(t *testing.T) {
	d := evalData(t)
	code, out, stderr := runCLI(t, "eval", "--data", d, "--suite", "namebench")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	for _, want := range []string{"half:tuning ", "half:heldout ", "best threshold on the tuning half: ", "held-out F1 at "} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %q:\n%s", want, out)
		}
	}
	if strings.Contains(out, "best threshold on this set") {
		t.Error("the best threshold is still chosen on the whole set")
	}
}
