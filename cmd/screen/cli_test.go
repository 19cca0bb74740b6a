package main

import (
	"os"
	"os/exec"
	"path/filepath"
	"runtime/debug"
	"strings"
	"testing"
)

// TestHelpExitsZero checks `screen help`, `screen help COMMAND`, `--help`
// and no argument at all: help is not an error.
func TestHelpExitsZero(t *testing.T) {
	for _, args := range [][]string{
		{"help"}, {"help", "scan"}, {"help", "lists"}, {"scan", "--help"}, {"--help"}, {}, {"lists", "help", "import"},
	} {
		code, out, errOut := runCLI(t, args...)
		if code != exitOK {
			t.Errorf("screen %s: exit %d, want 0; stderr %s", strings.Join(args, " "), code, errOut)
		}
		if !strings.Contains(out, "USAGE") && !strings.Contains(out, "Usage") {
			t.Errorf("screen %s printed no help:\n%s", strings.Join(args, " "), out)
		}
	}
	if code, out, _ := runCLI(t, "help", "scan"); !strings.Contains(out, "screen scan") || !strings.Contains(out, "--fail-on") {
		t.Errorf("screen help scan (exit %d) does not describe scan:\n%s", code, out)
	}
	if code, _, errOut := runCLI(t, "frobnicate"); code != exitFailure || !strings.Contains(errOut, "frobnicate") {
		t.Errorf("unknown command: exit %d, %s", code, errOut)
	}
}

// TestVersionSame checks that `screen version` and `screen --version`
// print the same, with the module and the build's VCS facts.
func TestVersionSame(t *testing.T) {
	_, a, _ := runCLI(t, "version")
	_, b, _ := runCLI(t, "--version")
	_, c, _ := runCLI(t, "-v")
	if a == "" || a != b || a != c {
		t.Errorf("version and --version differ:\n%s\n---\n%s\n---\n%s", a, b, c)
	}
	for _, want := range []string{"screen v", "module:", "revision:", "vcs time:", "go:"} {
		if !strings.Contains(a, want) {
			t.Errorf("version lacks %q:\n%s", want, a)
		}
	}
}

// TestBuildVersion checks what the version says from build information.
func TestBuildVersion(t *testing.T) {
	bi := &debug.BuildInfo{
		GoVersion: "go1.26.8",
		Main:      debug.Module{Path: "github.com/screen-compliance/screen", Version: "v1.2.3"},
		Settings: []debug.BuildSetting{
			{Key: "vcs.revision", Value: "0123456789abcdef"}, {Key: "vcs.time", Value: "2026-11-22T10:00:00Z"},
			{Key: "vcs.modified", Value: "true"}, {Key: "GOOS", Value: "linux"}, {Key: "GOARCH", Value: "arm64"},
		},
	}
	got := newBuildVersion(bi).String()
	for _, want := range []string{
		"module:    github.com/screen-compliance/screen v1.2.3\n",
		"revision:  0123456789abcdef (modified)\n",
		"vcs time:  2026-11-22T10:00:00Z\n",
		"go:        go1.26.8 linux/arm64\n",
	} {
		if !strings.Contains(got, want) {
			t.Errorf("version lacks %q:\n%s", want, got)
		}
	}
	none := newBuildVersion(&debug.BuildInfo{Main: debug.Module{Path: "m", Version: "(devel)"}}).String()
	if !strings.Contains(none, "revision:  unknown (built without VCS information)") {
		t.Errorf("no VCS information:\n%s", none)
	}
	if s := newBuildVersion(nil).String(); !strings.Contains(s, "module:    unknown") {
		t.Errorf("no build information:\n%s", s)
	}
}

// TestCompletion checks the completion scripts and the candidates the
// binary gives them.
func TestCompletion(t *testing.T) {
	for _, shell := range []string{"bash", "zsh", "fish", "powershell"} {
		code, out, errOut := runCLI(t, "completion", shell)
		if code != exitOK || !strings.Contains(out, "screen") {
			t.Errorf("completion %s: exit %d, %s\n%s", shell, code, errOut, out)
		}
		if shell == "fish" && !strings.Contains(out, "complete -c screen") {
			t.Errorf("fish completion does not complete screen:\n%s", out)
		}
		if shell != "fish" && !strings.Contains(out, completeFlag) {
			t.Errorf("%s completion does not ask the binary for candidates", shell)
		}
	}
	if code, _, errOut := runCLI(t, "completion", "tcsh"); code != exitFailure || !strings.Contains(errOut, "tcsh") {
		t.Errorf("unknown shell: exit %d, %s", code, errOut)
	}
	// Candidates: commands, subcommands, flags, also after positional
	// arguments (the flag must stay last although flags after arguments
	// are moved forward). urfave/cli reads the word being completed from
	// os.Args, so the test sets it as the shell would.
	saved := os.Args
	t.Cleanup(func() { os.Args = saved })
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{completeFlag}, "scan\n"},
		{[]string{"lists", completeFlag}, "import\n"},
		{[]string{"scan", "--fo", completeFlag}, "--format\n"},
		{[]string{"scan", "x.csv", "--fail", completeFlag}, "--fail-on\n"},
	} {
		os.Args = append([]string{"screen"}, tc.args...)
		code, out, errOut := runCLI(t, tc.args...)
		if code != exitOK || !strings.Contains(out, tc.want) {
			t.Errorf("%v: exit %d, candidates lack %q:\n%s%s", tc.args, code, tc.want, out, errOut)
		}
	}
	os.Args = saved
	if _, err := exec.LookPath("bash"); err == nil {
		_, script, _ := runCLI(t, "completion", "bash")
		path := filepath.Join(t.TempDir(), "screen.bash")
		if err := os.WriteFile(path, []byte(script), 0o644); err != nil {
			t.Fatal(err)
		}
		if out, err := exec.Command("bash", "-n", path).CombinedOutput(); err != nil {
			t.Errorf("bash -n: %v\n%s", err, out)
		}
	}
}

// TestManPage checks the generated man page. That docs/screen.1 is current
// is checked in CI (.ci/steps/20-man-page.sh), so that adding a flag does
// not break this package's tests before the page is regenerated.
func TestManPage(t *testing.T) {
	code, page, errOut := runCLI(t, "man")
	if code != exitOK || !strings.HasPrefix(page, ".nh\n.TH screen 1") {
		t.Fatalf("man: exit %d, %s\n%.200s", code, errOut, page)
	}
	for _, want := range []string{".SH NAME", ".SH COMMANDS", "scan", "--fail-on", "completion", "EXIT CODES"} {
		if !strings.Contains(page, want) {
			t.Errorf("man page lacks %q", want)
		}
	}
	if _, again, _ := runCLI(t, "man"); again != page {
		t.Error("the man page is not deterministic")
	}
	for i, r := range page {
		if r >= 0x80 {
			t.Errorf("man page byte %d: %q is not ASCII (write it as a roff escape)", i, r)
			break
		}
	}
	if !strings.Contains(page, "50 % rule") {
		t.Errorf("man page lacks the graph command's usage")
	}
}
