package main

import (
	"bufio"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/screen-compliance/screen/lists/snapshot"
	"github.com/screen-compliance/screen/record"
)

// helperServeEnv makes the test binary run the CLI (TestSnapshotHelperProcess)
// instead of the tests, so that a test can run `screen serve` as a process
// of its own and signal it.
const helperServeEnv = "SCREEN_TEST_HELPER_PROCESS"

// TestSnapshotHelperProcess is not a test: run with helperServeEnv=1, it is
// the screen command, with the arguments after "--".
func TestSnapshotHelperProcess(t *testing.T) {
	if os.Getenv(helperServeEnv) != "1" {
		t.Skip("the screen command run as a helper process by TestServeSnapshotsProcess")
	}
	args := os.Args
	for i, a := range args {
		if a == "--" {
			args = args[i+1:]
			break
		}
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := run(ctx, append([]string{"screen"}, args...), os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}

// writeWatchlist writes the own-format fixture as list version, with an
// extra entity when extra is set, and returns its path.
func writeWatchlist(t *testing.T, dir, version string, extra bool) string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(repo, "testdata/lists/own/watchlist.json"))
	if err != nil {
		t.Fatal(err)
	}
	var doc map[string]any
	if err := json.Unmarshal(b, &doc); err != nil {
		t.Fatal(err)
	}
	doc["meta"].(map[string]any)["version"] = version
	if extra {
		doc["entities"] = append(doc["entities"].([]any), map[string]any{
			"id": "C-900", "kind": "organization", "name": "Nimbus Quillfeather Shipping Company", "programs": []any{"INTERNAL"},
		})
	}
	out, _ := json.Marshal(doc)
	p := filepath.Join(dir, "watchlist-"+version+".json")
	if err := os.WriteFile(p, out, 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

// publishVersion imports the watchlist as version into the store and
// publishes it to snaps; it returns the id of the snapshot published.
func publishVersion(t *testing.T, storeDir, snaps, version string, extra bool) string {
	t.Helper()
	f := writeWatchlist(t, t.TempDir(), version, extra)
	if code, _, errOut := runCLI(t, "lists", "import", "--store", storeDir, f); code != 0 {
		t.Fatalf("import %s: exit %d: %s", version, code, errOut)
	}
	code, out, errOut := runCLI(t, "lists", "publish", "--store", storeDir, "--snapshots", snaps)
	if code != 0 || !strings.HasPrefix(out, "published snapshot ") {
		t.Fatalf("publish %s: exit %d: %s%s", version, code, out, errOut)
	}
	id, err := snapshot.Current(snaps)
	if err != nil {
		t.Fatal(err)
	}
	return id
}

// damagedCopy makes a damaged snapshot current, as a sync cut short would:
// a copy of the snapshot of a new list version with one byte changed in
// its list, then CURRENT switched to it. It returns its id.
func damagedCopy(t *testing.T, storeDir, snaps, version string) string {
	t.Helper()
	staging := t.TempDir()
	id := publishVersion(t, storeDir, staging, version, true)
	dst := filepath.Join(snaps, id)
	if err := os.CopyFS(dst, os.DirFS(filepath.Join(staging, id))); err != nil {
		t.Fatal(err)
	}
	p := filepath.Join(dst, "lists", "acme.gob")
	b, err := os.ReadFile(p)
	if err != nil {
		t.Fatal(err)
	}
	b[len(b)/2] ^= 0x01
	if err := os.WriteFile(p, b, 0o644); err != nil {
		t.Fatal(err)
	}
	tmp := filepath.Join(snaps, ".tmp-CURRENT-test")
	if err := os.WriteFile(tmp, []byte(id+"\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.Rename(tmp, filepath.Join(snaps, "CURRENT")); err != nil {
		t.Fatal(err)
	}
	return id
}

// serveProcess is `screen serve` running as a process of its own.
type serveProcess struct {
	cmd  *exec.Cmd
	logs *syncBuffer
	base string
	done chan error
}

// startServeProcess starts `screen serve ARGS...` as a process and waits
// until it is ready.
func startServeProcess(t *testing.T, args ...string) *serveProcess {
	t.Helper()
	cmd := exec.Command(os.Args[0], append([]string{"-test.run=^TestSnapshotHelperProcess$", "--", "serve", "--addr", "127.0.0.1:0"}, args...)...)
	cmd.Env = append(os.Environ(), helperServeEnv+"=1")
	logs := &syncBuffer{}
	cmd.Stdout, cmd.Stderr = io.Discard, logs
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	p := &serveProcess{cmd: cmd, logs: logs, done: make(chan error, 1)}
	go func() { p.done <- cmd.Wait() }()
	t.Cleanup(func() {
		_ = cmd.Process.Kill()
		<-p.done
	})
	var addr string
	waitFor(t, "the listening log line", func() bool {
		p.exited(t)
		if l := logs.logLine("listening"); l != nil {
			addr, _ = l["addr"].(string)
		}
		return addr != ""
	})
	p.base = "http://" + addr
	waitFor(t, "readiness", func() bool {
		p.exited(t)
		return logs.logLine("ready") != nil
	})
	return p
}

// exited fails the test when the process has ended.
func (p *serveProcess) exited(t *testing.T) {
	t.Helper()
	select {
	case err := <-p.done:
		p.done <- err
		t.Fatalf("serve exited early (%v):\n%s", err, p.logs.String())
	default:
	}
}

// logCount counts the JSON log lines with msg whose key is value ("" =
// any).
func (p *serveProcess) logCount(msg, key, value string) int {
	n := 0
	sc := bufio.NewScanner(strings.NewReader(p.logs.String()))
	for sc.Scan() {
		var m map[string]any
		if json.Unmarshal(sc.Bytes(), &m) == nil && m["msg"] == msg && (key == "" || m[key] == value) {
			n++
		}
	}
	return n
}

// answer is one screening answer seen by the client.
type answer struct {
	sent     time.Time
	status   int
	decision string
	snapshot string
	err      error
}

// client screens the party that only the newer list versions hold, again
// and again, until stop is closed, and records every answer.
type client struct {
	mu      sync.Mutex
	answers []answer
}

func (c *client) run(base string, stop <-chan struct{}, wg *sync.WaitGroup) {
	defer wg.Done()
	body := `{"parties":[{"role":"consignee","name":"Nimbus Quillfeather Shipping Company"}]}`
	for {
		select {
		case <-stop:
			return
		default:
		}
		a := answer{sent: time.Now()}
		res, err := http.Post(base+"/v1/screen", "application/json", strings.NewReader(body))
		if err != nil {
			a.err = err
		} else {
			var d record.Decision
			a.status = res.StatusCode
			a.err = json.NewDecoder(res.Body).Decode(&d)
			res.Body.Close()
			a.decision, a.snapshot = d.Decision, d.Provenance.Snapshot
		}
		c.mu.Lock()
		c.answers = append(c.answers, a)
		c.mu.Unlock()
		time.Sleep(2 * time.Millisecond)
	}
}

// since returns the answers to requests sent at or after t.
func (c *client) since(t time.Time) []answer {
	c.mu.Lock()
	defer c.mu.Unlock()
	var out []answer
	for _, a := range c.answers {
		if !a.sent.Before(t) {
			out = append(out, a)
		}
	}
	return out
}

// TestServeSnapshotsProcess: a publisher writes snapshot A, then B, while
// a `screen serve --snapshots` process answers requests. Until the process
// is told (SIGHUP) or its interval passes (--reload-every), every answer
// names A; after, every answer names B and is decided on B's lists. A
// damaged snapshot made current is refused and B stays in use. No request
// fails meanwhile.
func TestServeSnapshotsProcess(t *testing.T) {
	if testing.Short() {
		t.Skip("runs screen serve processes")
	}
	tests := []struct {
		name    string
		args    []string
		trigger func(p *serveProcess)
	}{
		{"SIGHUP", nil, func(p *serveProcess) {
			if err := p.cmd.Process.Signal(syscall.SIGHUP); err != nil {
				t.Fatal(err)
			}
		}},
		{"reload-every", []string{"--reload-every", "300ms"}, func(*serveProcess) {}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			storeDir, snaps := t.TempDir(), t.TempDir()
			t.Setenv("SCREEN_STORE", storeDir)
			a := publishVersion(t, storeDir, snaps, "2026-01-01", false)
			p := startServeProcess(t, append([]string{"--snapshots", snaps, "--store", t.TempDir(), "--web=false"}, tt.args...)...)

			var c client
			stop := make(chan struct{})
			var wg sync.WaitGroup
			for range 3 {
				wg.Add(1)
				go c.run(p.base, stop, &wg)
			}
			defer func() {
				select {
				case <-stop:
				default:
					close(stop)
				}
				wg.Wait()
			}()
			waitFor(t, "answers on A", func() bool { return len(c.since(time.Time{})) >= 10 })

			// B is published: without a signal or an interval, A stays.
			reloads := p.logCount("reloaded", "", "")
			b := publishVersion(t, storeDir, snaps, "2026-02-01", true)
			if tt.name == "SIGHUP" {
				mark := time.Now()
				waitFor(t, "more answers", func() bool { return len(c.since(mark)) >= 10 })
				for _, ans := range c.since(mark) {
					if ans.snapshot != a {
						t.Fatalf("before SIGHUP an answer names %q, want %q", ans.snapshot, a)
					}
				}
			}
			tt.trigger(p)
			waitFor(t, "the reload onto B", func() bool { p.exited(t); return p.logCount("reloaded", "snapshot", b) > 0 })
			switched := time.Now()
			waitFor(t, "answers on B", func() bool { return len(c.since(switched)) >= 20 })
			for _, ans := range c.since(switched) {
				if ans.snapshot != b || ans.decision == record.Clear || ans.decision == record.Error {
					t.Fatalf("after the switch: snapshot %q decision %q, want %q and a hit", ans.snapshot, ans.decision, b)
				}
			}
			if p.logCount("reloaded", "", "") <= reloads {
				t.Fatal("no reload logged")
			}

			// A damaged snapshot is refused; B stays in use.
			failed := p.logCount("reload failed; keeping the previous lists and policies", "", "")
			damaged := damagedCopy(t, storeDir, snaps, "2026-03-01")
			tt.trigger(p)
			waitFor(t, "the refused reload", func() bool {
				p.exited(t)
				return p.logCount("reload failed; keeping the previous lists and policies", "", "") > failed
			})
			if !strings.Contains(p.logs.String(), snapshot.ErrCorrupt.Error()) {
				t.Errorf("the refusal does not say the snapshot is damaged:\n%s", p.logs.String())
			}
			refused := time.Now()
			waitFor(t, "answers after the refusal", func() bool { return len(c.since(refused)) >= 20 })
			for _, ans := range c.since(refused) {
				if ans.snapshot != b {
					t.Fatalf("after the damaged snapshot %s: an answer names %q, want %q", damaged, ans.snapshot, b)
				}
			}
			res, err := http.Get(p.base + "/readyz")
			if err != nil {
				t.Fatal(err)
			}
			var h struct{ Status, Snapshot string }
			json.NewDecoder(res.Body).Decode(&h)
			res.Body.Close()
			if res.StatusCode != 200 || h.Snapshot != b {
				t.Errorf("/readyz %d %+v, want ready on %s", res.StatusCode, h, b)
			}

			close(stop)
			wg.Wait()
			all := c.since(time.Time{})
			for _, ans := range all {
				if ans.err != nil || ans.status != 200 || (ans.snapshot != a && ans.snapshot != b) {
					t.Fatalf("answer %+v", ans)
				}
				if ans.snapshot == a && ans.decision != record.Clear {
					t.Fatalf("on A (which does not list the party) the decision is %s", ans.decision)
				}
			}
			t.Logf("%d answers, none failed", len(all))
			if err := p.cmd.Process.Signal(syscall.SIGTERM); err != nil {
				t.Fatal(err)
			}
			select {
			case err := <-p.done:
				p.done <- err
				if err != nil {
					t.Errorf("serve: %v\n%s", err, p.logs.String())
				}
			case <-time.After(20 * time.Second):
				t.Fatal("serve did not stop")
			}
		})
	}
}

// TestListsPublishCommand: lists publish refuses an empty store and a
// missing directory, publishes, says when nothing changed, and --always
// publishes anyway; lists update --snapshots publishes after updating.
func TestListsPublishCommand(t *testing.T) {
	storeDir, snaps := t.TempDir(), t.TempDir()
	t.Setenv("SCREEN_STORE", storeDir)
	steps := []struct {
		name string
		args []string
		code int
		want string
	}{
		{"no directory", []string{"lists", "publish", "--store", storeDir}, exitFailure, "--snapshots DIR"},
		{"empty store", []string{"lists", "publish", "--store", storeDir, "--snapshots", snaps}, exitFailure, "no lists installed"},
		{"import", []string{"lists", "import", "--store", storeDir, filepath.Join(repo, "testdata/lists/own/watchlist.json")}, 0, "installed acme"},
		{"publish", []string{"lists", "publish", "--store", storeDir, "--snapshots", snaps}, 0, "published snapshot"},
		{"unchanged", []string{"lists", "publish", "--store", storeDir, "--snapshots", snaps}, 0, "is up to date"},
		{"always", []string{"lists", "publish", "--store", storeDir, "--snapshots", snaps, "--always"}, 0, "published snapshot"},
		{"another vocabulary", []string{"lists", "publish", "--store", storeDir, "--snapshots", snaps, "--names-vocabulary", writeVocab(t)}, 0, "published snapshot"},
	}
	for _, st := range steps {
		code, out, errOut := runCLI(t, st.args...)
		if code != st.code || !strings.Contains(out+errOut, st.want) {
			t.Fatalf("%s: exit %d, want %d and %q:\n%s%s", st.name, code, st.code, st.want, out, errOut)
		}
	}
	ids, err := snapshot.Snapshots(snaps)
	if err != nil || len(ids) != 3 {
		t.Fatalf("snapshots %v %v, want 3", ids, err)
	}

	// lists update --snapshots: the update installs a new version, then
	// publishes it.
	un, err := os.ReadFile(filepath.Join(repo, "testdata/lists/un/consolidated.xml"))
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { w.Write(un) }))
	defer srv.Close()
	code, out, errOut := runCLI(t, "lists", "update", "--store", storeDir, "--snapshots", snaps, "--keep-snapshots", "2", "--url", "un="+srv.URL+"/un.xml", "un")
	if code != 0 || !strings.Contains(out, "installed un") || !strings.Contains(out, "published snapshot") || !strings.Contains(out, "removed old snapshot") {
		t.Fatalf("update: exit %d:\n%s%s", code, out, errOut)
	}
	s, err := snapshot.Load(context.Background(), snaps)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, l := range s.Manifest.Lists {
		names = append(names, l.Name)
	}
	if got := strings.Join(names, ","); got != "acme,un" {
		t.Errorf("published lists %s", got)
	}
	if ids, _ := snapshot.Snapshots(snaps); len(ids) != 2 {
		t.Errorf("kept %v, want 2 (--keep-snapshots)", ids)
	}
}

// writeVocab writes a name vocabulary extension and returns its path.
func writeVocab(t *testing.T) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), "vocab.yaml")
	if err := os.WriteFile(p, []byte("generic: [zorblat]\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

// TestServeSnapshotsFlags: --snapshots with --list, and a directory with
// no snapshot, stop serve with exit 2 and say why.
func TestServeSnapshotsFlags(t *testing.T) {
	empty := t.TempDir()
	for _, tt := range []struct {
		args []string
		want string
	}{
		{[]string{"--snapshots", empty, "--list", filepath.Join(repo, "testdata/lists/own/watchlist.json")}, "give one source of lists"},
		{[]string{"--snapshots", empty}, "screen lists publish --snapshots"},
	} {
		logs, done := startServe(context.Background(), append(tt.args, "--addr", "127.0.0.1:0", "--store", t.TempDir(), "--web=false")...)
		select {
		case code := <-done:
			if code != exitFailure || !strings.Contains(logs.String(), tt.want) {
				t.Errorf("%v: exit %d, want %d and %q:\n%s", tt.args, code, exitFailure, tt.want, logs.String())
			}
		case <-time.After(20 * time.Second):
			t.Fatalf("%v: serve did not fail", tt.args)
		}
	}
}
