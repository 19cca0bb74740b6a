package main

import (
	"bufio"
	"encoding/json"
	"errors"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/urfave/cli/v2"
	"gopkg.in/yaml.v3"
)

// invocation is one screen command line of a deployment file, with the
// environment it runs in.
type invocation struct {
	where string
	args  []string
	env   []string // SCREEN_* names
}

// deployInvocations reads the screen command lines of deploy/compose.yaml
// and deploy/k8s/*.yaml (containers whose image is screen's), with their
// SCREEN_* environment variables.
func deployInvocations(t *testing.T) []invocation {
	t.Helper()
	var out []invocation
	screenEnv := func(m any) []string {
		var names []string
		switch m := m.(type) {
		case map[string]any: // compose
			for k := range m {
				names = append(names, k)
			}
		case []any: // Kubernetes
			for _, e := range m {
				if em, ok := e.(map[string]any); ok {
					names = append(names, em["name"].(string))
				}
			}
		}
		var keep []string
		for _, n := range names {
			if strings.HasPrefix(n, "SCREEN_") {
				keep = append(keep, n)
			}
		}
		return keep
	}
	strs := func(v any) []string {
		var s []string
		l, _ := v.([]any)
		for _, x := range l {
			s = append(s, x.(string))
		}
		return s
	}

	var compose map[string]any
	readYAML(t, filepath.Join(repo, "deploy/compose.yaml"), func(d map[string]any) { compose = d })
	services, _ := compose["services"].(map[string]any)
	for name, s := range services {
		sm := s.(map[string]any)
		if img, _ := sm["image"].(string); !strings.HasPrefix(img, "screen:") {
			continue
		}
		out = append(out, invocation{where: "compose " + name, args: strs(sm["command"]), env: screenEnv(sm["environment"])})
	}
	files, _ := filepath.Glob(filepath.Join(repo, "deploy/k8s/*.yaml"))
	for _, f := range files {
		readYAML(t, f, func(d map[string]any) {
			var pod any
			switch d["kind"] {
			case "Deployment":
				pod = dig(d, "spec", "template", "spec")
			case "CronJob":
				pod = dig(d, "spec", "jobTemplate", "spec", "template", "spec")
			default:
				return
			}
			cs, _ := dig(pod, "containers").([]any)
			for _, c := range cs {
				cm := c.(map[string]any)
				out = append(out, invocation{where: filepath.Base(f) + " " + cm["name"].(string), args: strs(cm["args"]), env: screenEnv(cm["env"])})
			}
		})
	}
	if len(out) < 5 {
		t.Fatalf("found %d screen command lines in deploy/: want the compose job and replicas, the Deployment and the CronJob", len(out))
	}
	return out
}

func readYAML(t *testing.T, p string, fn func(map[string]any)) {
	t.Helper()
	f, err := os.Open(p)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	dec := yaml.NewDecoder(f)
	for {
		var d map[string]any
		err := dec.Decode(&d)
		if errors.Is(err, io.EOF) {
			return
		}
		if err != nil {
			t.Fatalf("%s: %v", p, err)
		}
		fn(d)
	}
}

func dig(v any, keys ...string) any {
	for _, k := range keys {
		m, ok := v.(map[string]any)
		if !ok {
			return nil
		}
		v = m[k]
	}
	return v
}

// commandFlags resolves args to a command of the app and returns the
// command, the number of args naming it, and its flag names and
// environment variables (with the app's global flags).
func commandFlags(app *cli.App, args []string) (*cli.Command, int, map[string]bool, map[string]bool) {
	names, envs := map[string]bool{}, map[string]bool{}
	add := func(fs []cli.Flag) {
		for _, f := range fs {
			for _, n := range f.Names() {
				names[n] = true
			}
			if ev, ok := f.(interface{ GetEnvVars() []string }); ok {
				for _, e := range ev.GetEnvVars() {
					envs[e] = true
				}
			}
		}
	}
	add(app.Flags)
	cmds := app.Commands
	var cmd *cli.Command
	n := 0
	for _, a := range args {
		var next *cli.Command
		for _, c := range cmds {
			if c.Name == a {
				next = c
			}
		}
		if next == nil {
			break
		}
		cmd, cmds, n = next, next.Subcommands, n+1
	}
	if cmd != nil {
		add(cmd.Flags)
	}
	return cmd, n, names, envs
}

// TestDeployCommandLines: every screen command line in deploy/ names a
// command that exists, with flags it has, and every SCREEN_* variable set
// for it is one of its flags' variables; the image's CMD and ENV too.
// A renamed flag fails here, not at a platform team's rollout.
func TestDeployCommandLines(t *testing.T) {
	app := newApp(io.Discard, io.Discard)
	for _, inv := range deployInvocations(t) {
		cmd, n, names, envs := commandFlags(app, inv.args)
		if cmd == nil || len(cmd.Subcommands) > 0 {
			t.Errorf("%s: %v is not a screen command", inv.where, inv.args)
			continue
		}
		for _, a := range inv.args[n:] {
			if !strings.HasPrefix(a, "-") {
				continue
			}
			name, _, _ := strings.Cut(strings.TrimLeft(a, "-"), "=")
			if !names[name] {
				t.Errorf("%s: screen %s has no flag %s", inv.where, strings.Join(inv.args[:n], " "), a)
			}
		}
		for _, e := range inv.env {
			if !envs[e] {
				t.Errorf("%s: screen %s reads no %s", inv.where, strings.Join(inv.args[:n], " "), e)
			}
		}
	}

	// The image: CMD runs a command; ENV sets variables some command reads.
	f, err := os.Open(filepath.Join(repo, "deploy/Dockerfile"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	all := map[string]bool{}
	var walk func([]*cli.Command)
	walk = func(cs []*cli.Command) {
		for _, c := range cs {
			for _, fl := range c.Flags {
				if ev, ok := fl.(interface{ GetEnvVars() []string }); ok {
					for _, e := range ev.GetEnvVars() {
						all[e] = true
					}
				}
			}
			walk(c.Subcommands)
		}
	}
	walk(app.Commands)
	sc := bufio.NewScanner(f)
	inEnv := false
	for sc.Scan() {
		line := strings.TrimSpace(sc.Text())
		if strings.HasPrefix(line, "CMD ") {
			var args []string
			if err := json.Unmarshal([]byte(strings.TrimPrefix(line, "CMD ")), &args); err != nil {
				t.Fatalf("Dockerfile CMD: %v", err)
			}
			if cmd, _, _, _ := commandFlags(app, args); cmd == nil {
				t.Errorf("Dockerfile CMD %v is not a screen command", args)
			}
		}
		if strings.HasPrefix(line, "ENV ") {
			inEnv = true
			line = strings.TrimPrefix(line, "ENV ")
		}
		if inEnv {
			for _, kv := range strings.Fields(strings.TrimSuffix(line, `\`)) {
				if k, _, _ := strings.Cut(kv, "="); strings.HasPrefix(k, "SCREEN_") && !all[k] {
					t.Errorf("Dockerfile ENV %s: no command reads it", k)
				}
			}
			inEnv = strings.HasSuffix(line, `\`)
		}
	}
}
