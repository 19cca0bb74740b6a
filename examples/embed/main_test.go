package main

import (
	"bytes"
	"context"
	"strings"
	"testing"
)

func TestRun(t *testing.T) {
	var out bytes.Buffer
	if err := run(context.Background(), &out); err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(out.String(), "\n")
	if !strings.HasPrefix(lines[0], "Korea Mining Development Trading Corp.") || !strings.HasSuffix(lines[0], " block") {
		t.Errorf("first party: %q", lines[0])
	}
	if !strings.Contains(out.String(), "un:KPe.001") {
		t.Errorf("no match for the designated company:\n%s", out.String())
	}
	var clear bool
	for _, l := range lines {
		clear = clear || (strings.HasPrefix(l, "Saigon Precision Engineering JSC") && strings.HasSuffix(l, " clear"))
	}
	if !clear {
		t.Errorf("second party not clear:\n%s", out.String())
	}
}
