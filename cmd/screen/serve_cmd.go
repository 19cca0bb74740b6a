package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"os/signal"
	"strconv"
	"strings"
	"sync/atomic"
	"syscall"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/urfave/cli/v2"

	"github.com/screen-compliance/screen/engine"
	"github.com/screen-compliance/screen/internal/logbuf"
	"github.com/screen-compliance/screen/server"
	"github.com/screen-compliance/screen/web"
)

func serveCommand() *cli.Command {
	flags := []cli.Flag{
		&cli.StringFlag{Name: "addr", Value: "127.0.0.1:8080", Usage: "listen on `HOST:PORT`", EnvVars: []string{"SCREEN_ADDR"}},
		&cli.StringFlag{Name: "token-file", Usage: "require the bearer token read from `FILE` (default: no authentication)", EnvVars: []string{"SCREEN_TOKEN_FILE"}},
		&cli.StringSliceFlag{Name: "auth-exempt", Value: cli.NewStringSlice(server.DefaultExempt()...), Usage: "serve `PATH` without the token (repeatable; \"none\" protects every path)", EnvVars: []string{"SCREEN_AUTH_EXEMPT"}},
		&cli.StringFlag{Name: "max-body", Value: "10MiB", Usage: "refuse request bodies over `SIZE` (bytes, or with KiB/MiB/GiB) with 413", EnvVars: []string{"SCREEN_MAX_BODY"}},
		&cli.IntFlag{Name: "max-batch", Value: server.DefaultMaxBatch, Usage: "refuse batches of more than `N` records with 413", EnvVars: []string{"SCREEN_MAX_BATCH"}},
		&cli.IntFlag{Name: "workers", Usage: "screen a batch's records with `N` goroutines (0 = one per CPU)", EnvVars: []string{"SCREEN_WORKERS"}},
		&cli.IntFlag{Name: "procs", Usage: "run Go's scheduler with `N` processors (GOMAXPROCS; 0 = 8 per CPU, at most 64, which keeps requests from queueing behind a thread the kernel has paused; the GOMAXPROCS environment variable or a CPU limit (cgroup quota) is kept as it is)", EnvVars: []string{"SCREEN_PROCS"}},
		&cli.DurationFlag{Name: "request-timeout", Value: server.DefaultRequestTimeout, Usage: "answer 503 when a request takes longer than `DURATION`", EnvVars: []string{"SCREEN_REQUEST_TIMEOUT"}},
		&cli.DurationFlag{Name: "read-timeout", Value: time.Minute, Usage: "time to read a whole request, body included", EnvVars: []string{"SCREEN_READ_TIMEOUT"}},
		&cli.DurationFlag{Name: "write-timeout", Value: 2 * time.Minute, Usage: "time to write a response (keep it above --request-timeout)", EnvVars: []string{"SCREEN_WRITE_TIMEOUT"}},
		&cli.DurationFlag{Name: "idle-timeout", Value: 2 * time.Minute, Usage: "close keep-alive connections idle this long", EnvVars: []string{"SCREEN_IDLE_TIMEOUT"}},
		&cli.DurationFlag{Name: "shutdown-timeout", Value: 30 * time.Second, Usage: "on SIGTERM/SIGINT, wait this long for requests in flight", EnvVars: []string{"SCREEN_SHUTDOWN_TIMEOUT"}},
		&cli.DurationFlag{Name: "reload-every", Usage: "reload lists and policies every `DURATION` (0 = only on SIGHUP)", EnvVars: []string{"SCREEN_RELOAD_EVERY"}},
		&cli.BoolFlag{Name: "yente", Value: true, Usage: "serve the yente-compatible routes (POST /match/{dataset}, GET /search/{dataset}, /entities/{id}, /catalog, /algorithms)", EnvVars: []string{"SCREEN_YENTE"}},
		mcpServeFlag(),
		&cli.BoolFlag{Name: "access-log", Value: true, Usage: "log one JSON line per request on stderr (method, route, status, duration, decision; no names), written together within 100 ms; other log lines are written at once", EnvVars: []string{"SCREEN_ACCESS_LOG"}},
	}
	flags = append(flags,
		&cli.BoolFlag{Name: "web", Value: true, Usage: "serve the review workspace at / (needs --web-users or --token-file)", EnvVars: []string{"SCREEN_WEB"}},
		&cli.StringFlag{Name: "web-users", Usage: "operators `FILE` (users.yaml: name, password_bcrypt, role; see `screen users add`)", EnvVars: []string{"SCREEN_WEB_USERS"}},
		&cli.StringFlag{Name: "web-ignore-file", Value: ".screenignore.yaml", Usage: "suppressions `FILE` that false-positive decisions are written to", EnvVars: []string{"SCREEN_WEB_IGNORE_FILE"}},
		&cli.StringFlag{Name: "audit-log", Usage: "append every review action to `FILE` (the scan --audit-log format)", EnvVars: []string{"SCREEN_AUDIT_LOG"}},
		&cli.BoolFlag{Name: "four-eyes", Usage: "a second operator (signed in with their own password) must approve a false positive on a match of a block", EnvVars: []string{"SCREEN_FOUR_EYES"}},
		&cli.StringFlag{Name: "web-token-operator", Value: web.DefaultTokenOperator, Usage: "service identity `NAME` that bearer-token requests to the workspace act and are audited as (it cannot approve under --four-eyes)", EnvVars: []string{"SCREEN_WEB_TOKEN_OPERATOR"}},
		&cli.IntFlag{Name: "web-signin-lockout-after", Value: web.DefaultUserThrottle.LockAfter, Usage: "lock sign-in for an operator name after `N` failed sign-ins in a row (an address after 5×N)", EnvVars: []string{"SCREEN_WEB_SIGNIN_LOCKOUT_AFTER"}},
		&cli.DurationFlag{Name: "web-signin-lockout-for", Value: web.DefaultUserThrottle.LockFor, Usage: "how long a sign-in lockout lasts", EnvVars: []string{"SCREEN_WEB_SIGNIN_LOCKOUT_FOR"}},
		&cli.DurationFlag{Name: "web-upload-retention", Value: web.DefaultUploadRetention, Usage: "keep the upload of a failed or interrupted run this long, for re-screening", EnvVars: []string{"SCREEN_WEB_UPLOAD_RETENTION"}},
		&cli.StringFlag{Name: "max-upload", Value: "256MiB", Usage: "refuse uploads over `SIZE`", EnvVars: []string{"SCREEN_MAX_UPLOAD"}},
		&cli.BoolFlag{Name: "secure-cookies", Usage: "mark session cookies Secure (behind a TLS proxy)", EnvVars: []string{"SCREEN_SECURE_COOKIES"}},
		ownershipFlag(),
	)
	flags = append(flags, dbFlags()...)
	flags = append(flags, monitorServeFlags()...)
	flags = append(flags, listFlags()...)
	flags = append(flags, partyCacheFlag())
	flags = append(flags, snapshotServeFlags()...)
	flags = append(flags, policyFlags()...)
	return &cli.Command{
		Name:  "serve",
		Usage: "serve the screening HTTP API",
		Description: "Serves POST /v1/screen, POST /v1/screen/batch, GET /v1/entities/{id}, GET /v1/lists,\n" +
			"yente-compatible POST /match/{dataset}, GET /search/{dataset}, /entities/{id}, /catalog and /algorithms,\n" +
			"/healthz, /readyz, /metrics and /openapi.json.\n" +
			"SIGHUP (and --reload-every) reloads lists and policies; a failed reload keeps the old ones.\n" +
			"SIGTERM/SIGINT shut down gracefully. Logs are JSON lines on stderr.",
		Flags:  flags,
		Action: serveAction,
	}
}

func serveAction(c *cli.Context) error {
	ctx := c.Context
	n := newNotices(c)
	level := slog.LevelInfo
	if c.Bool("quiet") {
		level = slog.LevelWarn
	}
	// Access log lines are written together, every logFlushEvery or
	// when the buffer fills; every other line at once, after them.
	logOut := logbuf.New(c.App.ErrWriter, 64<<10, logFlushEvery)
	defer logOut.Close()
	logger := slog.New(logbuf.Handler(slog.NewJSONHandler(logOut, &slog.HandlerOptions{Level: level}), logOut, isAccessLine))
	procs, restoreProcs, err := setServeProcs(c)
	if err != nil {
		return failure(err)
	}
	defer restoreProcs()
	opts, err := serveOptions(c, logger)
	if err != nil {
		return failure(err)
	}
	if opts.Token == "" && !loopback(c.String("addr")) {
		n.printf("warning: serving on %s without authentication; set --token-file", c.String("addr"))
	}

	ln, err := net.Listen("tcp", c.String("addr"))
	if err != nil {
		return failure(fmt.Errorf("listen: %w", err))
	}
	// The review workspace is mounted once the engine is built; until then
	// it answers 503 like /readyz.
	var webHandler atomic.Pointer[http.Handler]
	if c.Bool("web") {
		opts.Fallback = http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if h := webHandler.Load(); h != nil {
				(*h).ServeHTTP(w, r)
				return
			}
			http.Error(w, "screen is loading its lists; try again in a moment", http.StatusServiceUnavailable)
		})
	}
	srv := server.New(nil, opts)
	if err := mountMCP(c, srv, opts); err != nil {
		ln.Close()
		return err
	}
	hs := &http.Server{
		Handler:           srv,
		ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout:       c.Duration("read-timeout"),
		WriteTimeout:      c.Duration("write-timeout"),
		IdleTimeout:       c.Duration("idle-timeout"),
		MaxHeaderBytes:    64 << 10,
		ErrorLog:          slog.NewLogLogger(logger.Handler(), slog.LevelWarn),
		BaseContext:       func(net.Listener) context.Context { return context.WithoutCancel(ctx) },
	}
	serveErr := make(chan error, 1)
	go func() { serveErr <- hs.Serve(ln) }()
	logger.Info("listening", "addr", ln.Addr().String(), "auth", opts.Token != "", "yente", !opts.DisableYente,
		"procs", procs, "workers", c.Int("workers"))

	// /healthz answers while the lists load; /readyz once they are in.
	eng, err := buildServeEngine(ctx, c, n, logOut)
	if err != nil {
		shutdown(hs, c.Duration("shutdown-timeout"), logger)
		return failure(err)
	}
	defer eng.Close()
	hup := make(chan os.Signal, 1)
	signal.Notify(hup, syscall.SIGHUP)
	defer signal.Stop(hup)
	srv.SetEngine(eng)
	var webApp *web.App
	if c.Bool("web") {
		app, err := newWebApp(ctx, c, eng, opts.Token, srv.MetricsRegisterer(), logger)
		switch {
		case errors.Is(err, web.ErrNoOperators):
			n.printf("warning: the review workspace at / is off: it needs --web-users FILE or --token-file (see `screen users add`)")
		case err != nil:
			shutdown(hs, c.Duration("shutdown-timeout"), logger)
			return failure(err)
		default:
			defer app.Close()
			webApp = app
			h := app.Handler()
			webHandler.Store(&h)
			logger.Info("review workspace", "url", "http://"+ln.Addr().String()+"/")
		}
	}
	stopMonitoring, err := serveMonitoring(ctx, c, srv, webApp, logger)
	if err != nil {
		shutdown(hs, c.Duration("shutdown-timeout"), logger)
		return failure(err)
	}
	defer stopMonitoring()
	logger.Info("ready", "lists", len(eng.Lists()), "policy_sha256", eng.Policy().SHA256())

	var tick <-chan time.Time
	if d := c.Duration("reload-every"); d > 0 {
		t := time.NewTicker(d)
		defer t.Stop()
		tick = t.C
	}
	for {
		select {
		case <-hup:
			logger.Info("reload requested", "by", "SIGHUP")
			srv.Reload(ctx) // logged and counted by the server; the old lists stay on failure
		case <-tick:
			srv.Reload(ctx)
		case err := <-serveErr:
			return failure(fmt.Errorf("serve: %w", err))
		case <-ctx.Done():
			logger.Info("shutting down", "reason", context.Cause(ctx).Error())
			if err := shutdown(hs, c.Duration("shutdown-timeout"), logger); err != nil {
				return failure(err)
			}
			return nil
		}
	}
}

// buildServeEngine builds the engine as every command does (newEngine),
// but logs its warnings as JSON to out, like the rest of serve's logs.
func buildServeEngine(ctx context.Context, c *cli.Context, n *notices, out *logbuf.Writer) (*engine.Engine, error) {
	var h slog.Handler = logbuf.Handler(slog.NewJSONHandler(out, &slog.HandlerOptions{Level: slog.LevelWarn}), out, isAccessLine)
	if c.Bool("quiet") {
		h = slog.DiscardHandler
	}
	return newEngine(ctx, c, n, engine.WithLogger(slog.New(h)))
}

// newWebApp builds the review workspace on the engine, keeping its database
// in the list store directory (or in PostgreSQL with --db); its metrics go
// to reg (the API's /metrics).
func newWebApp(ctx context.Context, c *cli.Context, eng *engine.Engine, token string, reg prometheus.Registerer, logger *slog.Logger) (*web.App, error) {
	dir, err := storeDir(c)
	if err != nil {
		return nil, err
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, fmt.Errorf("review workspace: %w", err)
	}
	var users []web.User
	if p := c.String("web-users"); p != "" {
		var err error
		if users, err = web.LoadUsers(p); err != nil {
			return nil, err
		}
	}
	maxUpload, err := parseSize(c.String("max-upload"))
	if err != nil {
		return nil, fmt.Errorf("--max-upload: %w", err)
	}
	lockAfter, lockFor := c.Int("web-signin-lockout-after"), c.Duration("web-signin-lockout-for")
	if lockAfter < 1 {
		return nil, fmt.Errorf("--web-signin-lockout-after %d: want at least 1", lockAfter)
	}
	if lockFor <= 0 {
		return nil, errors.New("--web-signin-lockout-for: want a positive duration")
	}
	userThrottle, addrThrottle := web.DefaultUserThrottle, web.DefaultAddrThrottle
	userThrottle.LockAfter, addrThrottle.LockAfter = lockAfter, 5*lockAfter
	userThrottle.Free, addrThrottle.Free = min(userThrottle.Free, lockAfter-1), min(addrThrottle.Free, 5*lockAfter-1)
	userThrottle.LockFor, addrThrottle.LockFor = lockFor, lockFor
	if c.Duration("web-upload-retention") <= 0 {
		return nil, errors.New("--web-upload-retention: want a positive duration")
	}
	st, jobs, err := workspaceStore(ctx, c)
	if err != nil {
		return nil, err
	}
	app, err := web.New(ctx, eng, web.Options{
		Dir: dir, Store: st, Jobs: jobs, Users: users, Token: token, TokenOperator: c.String("web-token-operator"),
		IgnoreFile: c.String("web-ignore-file"), AuditLog: c.String("audit-log"), FourEyes: c.Bool("four-eyes"),
		MaxUpload: maxUpload, Workers: c.Int("workers"), SecureCookies: c.Bool("secure-cookies"), Logger: logger,
		UserThrottle: &userThrottle, AddrThrottle: &addrThrottle, UploadRetention: c.Duration("web-upload-retention"), Metrics: reg,
	})
	if err != nil && st != nil {
		st.Close()
	}
	return app, err
}

// shutdown stops accepting connections and waits up to timeout for the
// requests in flight.
func shutdown(hs *http.Server, timeout time.Duration, logger *slog.Logger) error {
	ctx, cancel := context.WithTimeout(context.Background(), timeout)
	defer cancel()
	if err := hs.Shutdown(ctx); err != nil {
		hs.Close()
		return fmt.Errorf("shutdown: %w", err)
	}
	logger.Info("stopped")
	return nil
}

// serveOptions reads the server flags.
func serveOptions(c *cli.Context, logger *slog.Logger) (server.Options, error) {
	maxBody, err := parseSize(c.String("max-body"))
	if err != nil {
		return server.Options{}, fmt.Errorf("--max-body: %w", err)
	}
	if c.Int("max-batch") < 1 {
		return server.Options{}, fmt.Errorf("--max-batch %d: want at least 1", c.Int("max-batch"))
	}
	if c.Duration("request-timeout") <= 0 {
		return server.Options{}, errors.New("--request-timeout: want a positive duration")
	}
	exempt := []string{}
	for _, p := range c.StringSlice("auth-exempt") {
		if p = strings.TrimSpace(p); p != "" && p != "none" {
			exempt = append(exempt, p)
		}
	}
	opts := server.Options{
		Exempt:         exempt,
		MaxBody:        maxBody,
		MaxBatch:       c.Int("max-batch"),
		RequestTimeout: c.Duration("request-timeout"),
		Workers:        c.Int("workers"),
		DisableYente:   !c.Bool("yente"),
		Logger:         logger,
	}
	if !c.Bool("access-log") {
		opts.Logger = slog.New(accessFilter{logger.Handler()})
	}
	if p := c.String("token-file"); p != "" {
		tok, err := readToken(p)
		if err != nil {
			return server.Options{}, err
		}
		opts.Token = tok
	}
	return opts, nil
}

// logFlushEvery is how long an access log line may wait in serve's log
// buffer.
const logFlushEvery = 100 * time.Millisecond

// isAccessLine says whether r is a per-request access log line (the server
// logs them as "request" at level info).
func isAccessLine(r slog.Record) bool { return r.Message == "request" && r.Level == slog.LevelInfo }

// accessFilter drops the per-request access log lines and keeps the rest.
type accessFilter struct{ slog.Handler }

func (f accessFilter) Handle(ctx context.Context, r slog.Record) error {
	if isAccessLine(r) {
		return nil
	}
	return f.Handler.Handle(ctx, r)
}

func (f accessFilter) WithAttrs(as []slog.Attr) slog.Handler {
	return accessFilter{f.Handler.WithAttrs(as)}
}

func (f accessFilter) WithGroup(name string) slog.Handler {
	return accessFilter{f.Handler.WithGroup(name)}
}

// readToken reads a bearer token file: the whole file, surrounding
// whitespace trimmed.
func readToken(path string) (string, error) {
	f, err := os.Open(path)
	if err != nil {
		return "", fmt.Errorf("--token-file: %w", err)
	}
	defer f.Close()
	b, err := io.ReadAll(io.LimitReader(f, 4096))
	if err != nil {
		return "", fmt.Errorf("--token-file %s: %w", path, err)
	}
	tok := strings.TrimSpace(string(b))
	switch {
	case tok == "":
		return "", fmt.Errorf("--token-file %s: the file is empty", path)
	case strings.ContainsAny(tok, " \t\r\n"):
		return "", fmt.Errorf("--token-file %s: the token must be one line without spaces", path)
	}
	return tok, nil
}

// parseSize reads "10485760", "512KiB", "10MiB", "1GiB" (also KB/MB/GB as
// powers of 1000).
func parseSize(s string) (int64, error) {
	s = strings.TrimSpace(s)
	units := []struct {
		suffix string
		mult   int64
	}{{"KiB", 1 << 10}, {"MiB", 1 << 20}, {"GiB", 1 << 30}, {"KB", 1e3}, {"MB", 1e6}, {"GB", 1e9}, {"B", 1}}
	mult := int64(1)
	for _, u := range units {
		if strings.HasSuffix(strings.ToUpper(s), strings.ToUpper(u.suffix)) {
			s, mult = strings.TrimSpace(s[:len(s)-len(u.suffix)]), u.mult
			break
		}
	}
	n, err := strconv.ParseInt(s, 10, 64)
	if err != nil || n <= 0 || n > (1<<40)/mult {
		return 0, fmt.Errorf("size %q: want a positive number of bytes, optionally with KiB, MiB or GiB", s)
	}
	return n * mult, nil
}

// loopback says whether addr listens on a loopback interface only.
func loopback(addr string) bool {
	host, _, err := net.SplitHostPort(addr)
	if err != nil {
		return false
	}
	if host == "localhost" {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}
