// Package pgtest starts a throw-away PostgreSQL server for tests: one
// cluster per test binary, in a temporary directory, run as an unprivileged
// user and reachable only through a unix socket in that directory. Every
// test gets a database of its own.
//
//	func TestMain(m *testing.M) { os.Exit(pgtest.Main(m)) }
//
//	func TestSomething(t *testing.T) {
//		dsn := pgtest.DSN(t) // a new empty database; skips without PostgreSQL
//		...
//	}
//
// The server programs (initdb, postgres) come from $SCREEN_PG_BINDIR, else
// the newest /usr/lib/postgresql/*/bin (Debian's postgresql package), else
// $PATH. When they are absent, tests skip and say so, unless
// SCREEN_REQUIRE_POSTGRES=1 (set by CI), which makes their absence a
// failure.
//
// The cluster is the one piece of package state: it is started by the first
// test that asks for a database and stopped by Main when the tests are done.
// Should the test binary die first, the server is sent SIGQUIT by the kernel
// (the parent-death signal), so no server outlives its tests.
package pgtest

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
)

// RequireEnv is the environment variable that makes a missing PostgreSQL a
// test failure instead of a skip: CI sets it to 1.
const RequireEnv = "SCREEN_REQUIRE_POSTGRES"

// BinDirEnv names a directory holding initdb and postgres, ahead of the
// places searched by default.
const BinDirEnv = "SCREEN_PG_BINDIR"

// Superuser is the name of the cluster's superuser, the role tests connect
// as (trust authentication over the unix socket).
const Superuser = "screen"

// ErrNotInstalled is returned by Start when initdb or postgres cannot be
// found.
var ErrNotInstalled = errors.New("PostgreSQL is not installed (no initdb and postgres in $" + BinDirEnv + ", /usr/lib/postgresql/*/bin or $PATH; on Debian: apt-get install postgresql)")

// Required says whether a missing PostgreSQL must fail the tests rather
// than skip them (SCREEN_REQUIRE_POSTGRES=1).
func Required() bool { return os.Getenv(RequireEnv) == "1" }

// Cluster is a running throw-away PostgreSQL server.
type Cluster struct {
	dir     string // temp dir: data/, the socket and postgres.log
	binDir  string
	cmd     *exec.Cmd
	exited  chan struct{} // closed when the server process ended
	waitErr error         // the server's exit, once exited is closed

	mu    sync.Mutex
	admin *pgx.Conn // to database postgres, for CREATE/DROP DATABASE
	n     int       // databases created
}

// BinDir returns the directory of PostgreSQL's server programs, or
// ErrNotInstalled.
func BinDir() (string, error) {
	has := func(dir string) bool {
		for _, p := range []string{"initdb", "postgres"} {
			if fi, err := os.Stat(filepath.Join(dir, p)); err != nil || fi.IsDir() {
				return false
			}
		}
		return true
	}
	if d := os.Getenv(BinDirEnv); d != "" {
		if has(d) {
			return d, nil
		}
		return "", fmt.Errorf("$%s=%s: no initdb and postgres there: %w", BinDirEnv, d, ErrNotInstalled)
	}
	dirs, _ := filepath.Glob("/usr/lib/postgresql/*/bin")
	slices.SortFunc(dirs, func(a, b string) int { return versionOf(b) - versionOf(a) }) // newest first
	for _, d := range dirs {
		if has(d) {
			return d, nil
		}
	}
	if p, err := exec.LookPath("initdb"); err == nil && has(filepath.Dir(p)) {
		return filepath.Dir(p), nil
	}
	return "", ErrNotInstalled
}

// versionOf reads the major version of /usr/lib/postgresql/<v>/bin.
func versionOf(binDir string) int {
	v, _ := strconv.Atoi(filepath.Base(filepath.Dir(binDir)))
	return v
}

// Start initialises a cluster in a new temporary directory and starts its
// server, as an unprivileged user when the caller is root (the "postgres"
// user if there is one, else "nobody"). Stop stops it and deletes the
// directory.
func Start(ctx context.Context) (*Cluster, error) {
	binDir, err := BinDir()
	if err != nil {
		return nil, err
	}
	cred, err := unprivileged()
	if err != nil {
		return nil, err
	}
	dir, err := os.MkdirTemp("", "screen-pg-")
	if err != nil {
		return nil, fmt.Errorf("pgtest: %w", err)
	}
	c := &Cluster{dir: dir, binDir: binDir, exited: make(chan struct{})}
	if err := c.start(ctx, cred); err != nil {
		c.Stop()
		return nil, err
	}
	return c, nil
}

// unprivileged returns the credential to run the server with: nil when the
// caller is not root (the server runs as the caller).
func unprivileged() (*syscall.Credential, error) {
	if os.Geteuid() != 0 {
		return nil, nil
	}
	for _, name := range []string{"postgres", "nobody"} {
		u, err := user.Lookup(name)
		if err != nil {
			continue
		}
		uid, err1 := strconv.ParseUint(u.Uid, 10, 32)
		gid, err2 := strconv.ParseUint(u.Gid, 10, 32)
		if err1 != nil || err2 != nil || uid == 0 {
			continue
		}
		return &syscall.Credential{Uid: uint32(uid), Gid: uint32(gid)}, nil
	}
	return nil, errors.New("pgtest: running as root and no unprivileged user (postgres or nobody) to run PostgreSQL as")
}

func (c *Cluster) start(ctx context.Context, cred *syscall.Credential) error {
	if cred != nil {
		if err := os.Chown(c.dir, int(cred.Uid), int(cred.Gid)); err != nil {
			return fmt.Errorf("pgtest: %w", err)
		}
	}
	data := filepath.Join(c.dir, "data")
	initdb := exec.CommandContext(ctx, filepath.Join(c.binDir, "initdb"), "-D", data, "-U", Superuser, "--auth=trust",
		"--no-sync", "--no-instructions", "-E", "UTF8", "--locale=C")
	initdb.Dir = c.dir
	initdb.SysProcAttr = &syscall.SysProcAttr{Credential: cred}
	if out, err := initdb.CombinedOutput(); err != nil {
		return fmt.Errorf("pgtest: initdb: %w\n%s", err, out)
	}
	logf, err := os.Create(filepath.Join(c.dir, "postgres.log"))
	if err != nil {
		return fmt.Errorf("pgtest: %w", err)
	}
	defer logf.Close()
	// Durability is not wanted of a throw-away cluster: no fsync.
	c.cmd = exec.Command(filepath.Join(c.binDir, "postgres"), "-D", data, "-k", c.dir,
		"-c", "listen_addresses=", "-c", "fsync=off", "-c", "synchronous_commit=off", "-c", "full_page_writes=off",
		"-c", "max_connections=200", "-c", "log_min_messages=warning")
	c.cmd.Dir = c.dir
	c.cmd.Stdout, c.cmd.Stderr = logf, logf
	// SIGQUIT (immediate shutdown) when the thread that started the
	// server dies: that thread is locked to a goroutine that lives as long
	// as the server, so it dies only with the test binary.
	c.cmd.SysProcAttr = &syscall.SysProcAttr{Credential: cred, Pdeathsig: syscall.SIGQUIT, Setpgid: true}
	started := make(chan error, 1)
	go func() {
		runtime.LockOSThread()
		if err := c.cmd.Start(); err != nil {
			started <- err
			close(c.exited)
			return
		}
		started <- nil
		c.waitErr = c.cmd.Wait()
		close(c.exited)
		// The thread stays locked: the goroutine ends and the thread with it.
	}()
	if err := <-started; err != nil {
		return fmt.Errorf("pgtest: start postgres: %w", err)
	}
	deadline := time.Now().Add(60 * time.Second)
	for {
		conn, err := pgx.Connect(ctx, c.dsn("postgres"))
		if err == nil {
			c.admin = conn
			return nil
		}
		select {
		case <-c.exited:
			return fmt.Errorf("pgtest: postgres exited (%v):\n%s", c.waitErr, c.logTail())
		case <-ctx.Done():
			return fmt.Errorf("pgtest: waiting for postgres: %w", ctx.Err())
		case <-time.After(50 * time.Millisecond):
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("pgtest: postgres did not accept connections within a minute: %w\n%s", err, c.logTail())
		}
	}
}

// logTail returns the end of the server's log.
func (c *Cluster) logTail() string {
	b, _ := os.ReadFile(filepath.Join(c.dir, "postgres.log"))
	if len(b) > 4000 {
		b = b[len(b)-4000:]
	}
	return string(b)
}

// dsn returns the connection string of database name.
func (c *Cluster) dsn(name string) string {
	return (&url.URL{Scheme: "postgres", User: url.User(Superuser), Path: "/" + name,
		RawQuery: url.Values{"host": {c.dir}, "sslmode": {"disable"}}.Encode()}).String()
}

// SocketDir returns the directory of the server's unix socket.
func (c *Cluster) SocketDir() string { return c.dir }

// NewDatabase creates an empty database and returns its connection string.
func (c *Cluster) NewDatabase(ctx context.Context) (string, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.admin == nil {
		return "", errors.New("pgtest: the cluster is stopped")
	}
	c.n++
	name := fmt.Sprintf("test_%d", c.n)
	if _, err := c.admin.Exec(ctx, "CREATE DATABASE "+name+" STRATEGY FILE_COPY"); err != nil {
		return "", fmt.Errorf("pgtest: create database %s: %w", name, err)
	}
	return c.dsn(name), nil
}

// DropDatabase drops the database of a connection string NewDatabase
// returned, closing its connections.
func (c *Cluster) DropDatabase(ctx context.Context, dsn string) error {
	u, err := url.Parse(dsn)
	if err != nil {
		return fmt.Errorf("pgtest: %w", err)
	}
	name := strings.TrimPrefix(u.Path, "/")
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.admin == nil {
		return nil
	}
	if _, err := c.admin.Exec(ctx, "DROP DATABASE IF EXISTS "+pgx.Identifier{name}.Sanitize()+" WITH (FORCE)"); err != nil {
		return fmt.Errorf("pgtest: drop database %s: %w", name, err)
	}
	return nil
}

// Stop stops the server (fast shutdown, then a kill after ten seconds)
// and deletes its directory.
func (c *Cluster) Stop() error {
	c.mu.Lock()
	if c.admin != nil {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		c.admin.Close(ctx)
		cancel()
		c.admin = nil
	}
	c.mu.Unlock()
	var err error
	if c.cmd != nil && c.cmd.Process != nil {
		c.cmd.Process.Signal(syscall.SIGINT)
		select {
		case <-c.exited:
		case <-time.After(10 * time.Second):
			c.cmd.Process.Kill()
			<-c.exited
			err = errors.New("pgtest: postgres did not stop within ten seconds; killed")
		}
	}
	return errors.Join(err, os.RemoveAll(c.dir))
}

// shared is the cluster of this test binary.
var shared struct {
	mu      sync.Mutex
	main    bool // Main is running the tests
	started bool
	c       *Cluster
	err     error
}

// Main runs the tests and then stops the cluster, if one was started, and
// returns the exit code for os.Exit. Call it from TestMain.
func Main(m *testing.M) int {
	shared.mu.Lock()
	shared.main = true
	shared.mu.Unlock()
	code := m.Run()
	shared.mu.Lock()
	defer shared.mu.Unlock()
	if shared.c != nil {
		if err := shared.c.Stop(); err != nil {
			fmt.Fprintln(os.Stderr, err)
		}
		shared.c = nil
	}
	shared.main = false
	return code
}

// Shared returns the cluster of this test binary, starting it the first
// time. When PostgreSQL is not installed it skips t, or fails it under
// SCREEN_REQUIRE_POSTGRES=1.
func Shared(t testing.TB) *Cluster {
	t.Helper()
	shared.mu.Lock()
	defer shared.mu.Unlock()
	if !shared.main {
		t.Fatal("pgtest: call os.Exit(pgtest.Main(m)) from the package's TestMain: it stops the cluster after the tests")
	}
	if !shared.started {
		shared.started = true
		ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
		shared.c, shared.err = Start(ctx)
		cancel()
	}
	switch {
	case errors.Is(shared.err, ErrNotInstalled) && !Required():
		t.Skipf("skipped: this test needs a PostgreSQL server: %v. CI installs it (set %s=1 to make this a failure).", shared.err, RequireEnv)
	case shared.err != nil:
		t.Fatalf("this test needs a PostgreSQL server: %v", shared.err)
	}
	return shared.c
}

// DSN returns the connection string of a new empty database of the
// shared cluster, dropped when t ends. It skips t when PostgreSQL is not
// installed (see Shared).
func DSN(t testing.TB) string {
	t.Helper()
	c := Shared(t)
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	dsn, err := c.NewDatabase(ctx)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
		defer cancel()
		if err := c.DropDatabase(ctx, dsn); err != nil {
			t.Error(err)
		}
	})
	return dsn
}
