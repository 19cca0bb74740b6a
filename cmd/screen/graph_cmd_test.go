package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"strings"
	"testing"
)

// runGraph runs `screen graph ARGS...` with the graph command registered
// (whether or not main.go lists it yet).
func runGraph(t *testing.T, args ...string) (string, string, int) {
	t.Helper()
	var out, errb bytes.Buffer
	app := newApp(&out, &errb)
	has := false
	for _, c := range app.Commands {
		if c.Name == "graph" {
			has = true
		}
	}
	if !has {
		app.Commands = append(app.Commands, graphCommand())
	}
	code := 0
	if err := app.RunContext(context.Background(), append([]string{"screen", "graph"}, args...)); err != nil {
		var ee *exitError
		code = exitFailure
		if errors.As(err, &ee) {
			code = ee.code
		}
		errb.WriteString(err.Error())
	}
	return out.String(), errb.String(), code
}

const (
	exList = "../../examples/ownership/dandong-network.json"
	exOwn  = "../../examples/ownership/ownership.csv"
)

func TestGraphCommand(t *testing.T) {
	out, errs, code := runGraph(t, "--list", exList, "--ownership", exOwn, "--as-of", "2026-11-22", "Yalu Bridge Trading Company Limited")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errs)
	}
	for _, want := range []string{
		"Yalu Bridge Trading Co., Ltd.", "OWNERS", "HOLDINGS", "Riverside Logistics (HK) Limited",
		"blocked  ofac", "owned 30 % by DANDONG HONGXIANG INDUSTRIAL DEVELOPMENT CO LTD (ofac:20564, SDN) + 25 % by MA Xiaohong (ofac:20565, SDN) = 55 % ≥ 50 %",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("table lacks %q:\n%s", want, out)
		}
	}

	out, errs, code = runGraph(t, "--list", exList, "--ownership", exOwn, "-f", "json", "ofac:20564")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errs)
	}
	var reps []map[string]any
	if err := json.Unmarshal([]byte(out), &reps); err != nil || len(reps) != 1 {
		t.Fatalf("json: %v\n%s", err, out)
	}
	if hs, _ := reps[0]["holdings"].([]any); len(hs) != 2 {
		t.Errorf("holdings %v", reps[0]["holdings"])
	}
	if ls, _ := reps[0]["links"].([]any); len(ls) != 3 {
		t.Errorf("links %v", reps[0]["links"])
	}

	out, _, code = runGraph(t, "--list", exList, "--ownership", exOwn, "-f", "dot", "--depth", "1", "ofac:20564")
	if code != 0 || !strings.HasPrefix(out, "digraph ownership {") || !strings.Contains(out, `"ofac:20564" -> "name:yalu bridge trading co ltd" [label="30 %"`) {
		t.Errorf("dot (exit %d):\n%s", code, out)
	}

	_, errs, code = runGraph(t, "--list", exList, "Nobody At All")
	if code != exitFailure || !strings.Contains(errs, "no party") {
		t.Errorf("unknown party: exit %d, %s", code, errs)
	}
	_, errs, code = runGraph(t, "--list", exList, "--ownership", "testdata/nope.csv", "x")
	if code != exitFailure || !strings.Contains(errs, "nope.csv") {
		t.Errorf("missing file: exit %d, %s", code, errs)
	}
}
