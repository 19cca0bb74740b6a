package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/screen-compliance/screen/record"
)

// slowPolicy loops over a billion numbers for a party named "Slow".
const slowPolicy = `package screen.rules.slow

import data.screen.lib

# METADATA
# title: Slow
# description: loops over a billion numbers
# custom:
#   id: slow.x
#   severity: review
#   citation: test
warn contains lib.reason(rego.metadata.rule(), "never", []) if {
	some p in input.record.parties
	p.name == "Slow"
	some x in numbers.range(1, 1000000000)
	x < 0
}
`

// TestPolicyTimeoutFlag: --policy-timeout ends an expensive evaluation in a
// decision error for that record only; the other rows are screened.
func TestPolicyTimeoutFlag(t *testing.T) {
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "slow.rego"), []byte(slowPolicy), 0o644); err != nil {
		t.Fatal(err)
	}
	in := writeFile(t, "parties.csv", "name,country\nSlow,DE\nHarmless Widgets Ltd,DE\n")
	code, out, errOut := runCLI(t, "scan", "-q", "-f", "jsonl", "--fail-on", "none", "-p", dir, "--policy-timeout", "200ms", in)
	if code != exitOK {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	ds := decodeJSONL(t, out)
	if len(ds) != 2 {
		t.Fatalf("%d decisions, want 2", len(ds))
	}
	if ds[0].Decision != record.Error || !strings.Contains(ds[0].Error, "--policy-timeout") || !strings.Contains(ds[0].Error, "200ms") {
		t.Errorf("slow row: %s (%s)", ds[0].Decision, ds[0].Error)
	}
	if ds[1].Decision != record.Clear {
		t.Errorf("next row: %s (%s)", ds[1].Decision, ds[1].Error)
	}
}

// TestPolicyCommandsRefuseBadMetadata: policy doc and policy test refuse a
// family that requires an unknown section, naming file:line.
func TestPolicyCommandsRefuseBadMetadata(t *testing.T) {
	dir := t.TempDir()
	src := `# METADATA
# scope: package
# custom:
#   requires: [dprk_rout]
package screen.rules.custom

import data.screen.lib

# METADATA
# title: Always
# description: always denies
# custom:
#   id: custom.always
#   severity: block
#   citation: test
deny contains lib.reason(rego.metadata.rule(), "always", []) if true
`
	if err := os.WriteFile(filepath.Join(dir, "custom.rego"), []byte(src), 0o644); err != nil {
		t.Fatal(err)
	}
	clean := writeFile(t, "clean.csv", "name,country\nHarmless Widgets Ltd,DE\n")
	for _, args := range [][]string{{"policy", "doc", "-p", dir}, {"policy", "test", dir}, {"scan", "-p", dir, clean}} {
		code, _, errOut := runCLI(t, args...)
		if code != exitFailure || !strings.Contains(errOut, "custom.rego:4:") || !strings.Contains(errOut, "dprk_rout") {
			t.Errorf("%v: exit %d, stderr %s", args, code, errOut)
		}
	}
}
