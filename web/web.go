// Package web is the review workspace that `screen serve` serves at "/":
// operators upload a shipment or party file, watch it being screened, work
// through the queue of block, review and error records, decide each match
// of a record (confirm, false positive, needs information, each with its
// reason), re-screen a run against the current lists and export results with
// the screened decision and the review beside it. Every decision is audited
// atomically with it (an outbox in the same SQLite transaction).
//
// Pages are rendered on the server with html/template; a small embedded
// script adds keyboard navigation and progress polling. Every asset is
// embedded, so the workspace works offline. Runs, records, review decisions,
// operators and sessions live in a store.Store: by default the SQLite
// database of package store/sqlite (pure Go) in the store directory, with
// versioned schema migrations.
//
//	app, err := web.New(ctx, eng, web.Options{Dir: dir, Users: users})
//	...
//	defer app.Close()
//	mux.Handle("/", app.Handler())
package web

import (
	"context"
	"embed"
	"errors"
	"fmt"
	"html/template"
	"io/fs"
	"log/slog"
	"net/http"
	"os"
	"path/filepath"
	"runtime"
	"sync"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"golang.org/x/crypto/bcrypt"

	"github.com/screen-compliance/screen/audit"
	"github.com/screen-compliance/screen/engine"
	"github.com/screen-compliance/screen/web/store"
	"github.com/screen-compliance/screen/web/store/sqlite"
)

//go:embed templates/*.html
var templateFS embed.FS

//go:embed static
var staticFS embed.FS

// Defaults for the zero Options.
const (
	DefaultMaxUpload      = 256 << 20 // 256 MiB
	DefaultRequestTimeout = 30 * time.Second
	DefaultUploadTimeout  = 10 * time.Minute
	DefaultSessionTTL     = 12 * time.Hour
	DefaultPageSize       = 50
	// DefaultUploadRetention is how long the upload of a failed or
	// interrupted run is kept so that the run can be re-screened.
	DefaultUploadRetention = 7 * 24 * time.Hour
	// DefaultTokenOperator is the service identity of bearer-token requests.
	DefaultTokenOperator = "api-token"
)

// Options configures the workspace.
type Options struct {
	// Dir is the store directory: the database web.db and uploaded files
	// (kept while they are screened, and for UploadRetention after their
	// run failed) live here. Required.
	Dir string
	// Store is the database of runs, records, reviews and sessions; nil
	// opens the SQLite store in Dir. The workspace closes it.
	Store store.Store
	// Users are the operators who sign in with a password (see LoadUsers).
	Users []User
	// Token is the bearer token: scripts send "Authorization: Bearer
	// TOKEN" and act as the service identity TokenOperator; an operator
	// whose name is not in Users may sign in with it as password (an
	// unverified operator). Empty disables it.
	Token string
	// TokenOperator is the name under which bearer-token requests act and
	// are audited (default DefaultTokenOperator). It is a service
	// identity: under FourEyes it can neither propose nor approve a false
	// positive on a block.
	TokenOperator string
	// IgnoreFile is the .screenignore.yaml that false-positive decisions
	// with "suppress" append to, and that new runs apply. Empty disables
	// writing suppressions.
	IgnoreFile string
	// AuditLog is the audit log file every review action is appended to
	// (the format of `screen scan --audit-log`). Empty disables it.
	AuditLog string
	// FourEyes requires a second operator to approve a false positive on a
	// match of a record whose decision is block. Both must be verified
	// persons: operators of Users signed in with their own password.
	FourEyes bool
	// MaxUpload caps an uploaded file in bytes (default DefaultMaxUpload).
	MaxUpload int64
	// Workers screens a run with this many goroutines (default GOMAXPROCS).
	Workers int
	// RequestTimeout bounds page requests (default DefaultRequestTimeout);
	// UploadTimeout bounds receiving an upload and exports.
	RequestTimeout, UploadTimeout time.Duration
	// SessionTTL is how long a sign-in lasts (default DefaultSessionTTL).
	SessionTTL time.Duration
	// SecureCookies marks cookies Secure (set it behind a TLS proxy; a TLS
	// request gets Secure cookies anyway).
	SecureCookies bool
	// PageSize is the number of records per queue page (default 50).
	PageSize int
	// UploadRetention is how long the uploaded file of a failed or
	// interrupted run is kept for re-screening (default
	// DefaultUploadRetention). A finished run's upload is deleted at once.
	UploadRetention time.Duration
	// UserThrottle and AddrThrottle slow down and lock out repeated failed
	// sign-ins per operator name and per client address (defaults
	// DefaultUserThrottle and DefaultAddrThrottle).
	UserThrottle, AddrThrottle *ThrottlePolicy
	// Metrics registers the workspace's Prometheus metrics (failed
	// sign-ins, lockouts); nil leaves them unregistered.
	Metrics prometheus.Registerer
	// Logger receives errors and run outcomes (default: discard).
	Logger *slog.Logger
	// Clock is used for timestamps (default time.Now).
	Clock func() time.Time
	// Jobs tune the chunked screening jobs of a Store shared by several
	// processes (a store.Jobs, such as PostgreSQL); see jobs.go.
	Jobs JobOptions
}

func (o Options) withDefaults() Options {
	if o.MaxUpload <= 0 {
		o.MaxUpload = DefaultMaxUpload
	}
	if o.Workers <= 0 {
		o.Workers = runtime.GOMAXPROCS(0)
	}
	if o.RequestTimeout <= 0 {
		o.RequestTimeout = DefaultRequestTimeout
	}
	if o.UploadTimeout <= 0 {
		o.UploadTimeout = DefaultUploadTimeout
	}
	if o.SessionTTL <= 0 {
		o.SessionTTL = DefaultSessionTTL
	}
	if o.PageSize <= 0 {
		o.PageSize = DefaultPageSize
	}
	if o.UploadRetention <= 0 {
		o.UploadRetention = DefaultUploadRetention
	}
	if o.TokenOperator == "" {
		o.TokenOperator = DefaultTokenOperator
	}
	if o.UserThrottle == nil {
		p := DefaultUserThrottle
		o.UserThrottle = &p
	}
	if o.AddrThrottle == nil {
		p := DefaultAddrThrottle
		o.AddrThrottle = &p
	}
	if o.Logger == nil {
		o.Logger = slog.New(slog.DiscardHandler)
	}
	if o.Clock == nil {
		o.Clock = time.Now
	}
	return o
}

// ErrNoOperators is returned by New when neither users nor a token are
// configured: every action must be attributed to an operator.
var ErrNoOperators = errors.New("web: no operators: give a users file or a bearer token")

// App is the review workspace. Create it with New; it is safe for
// concurrent use.
type App struct {
	opts      Options
	eng       *engine.Engine
	st        store.Store
	tmpl      *template.Template
	users     map[string]User
	dummyHash []byte
	audit     *audit.Log
	handler   http.Handler

	ctx    context.Context // cancelled by Close: stops background runs
	cancel context.CancelFunc
	wg     sync.WaitGroup
	// ignoreMu serialises writes to the suppression file.
	ignoreMu sync.Mutex
	// outboxMu serialises flushes of the audit outbox.
	outboxMu sync.Mutex
	// testHookBeforeFlush, when it returns true, skips a flush of the
	// audit outbox (tests simulate a crash after a commit with it).
	testHookBeforeFlush func() bool
	throttle            *throttle
	signIn              *signInMetrics
	// runsMu guards running.
	runsMu  sync.Mutex
	running map[int64]context.CancelFunc
	// jobs screens runs in chunks when the store is shared; nil otherwise.
	jobs *jobRunner
}

// New opens (or creates) the workspace database in opts.Dir and prepares
// the pages. Runs left unfinished by a previous process are marked failed.
// Close releases it.
func New(ctx context.Context, eng *engine.Engine, opts Options) (*App, error) {
	if eng == nil {
		return nil, errors.New("web: nil engine")
	}
	opts = opts.withDefaults()
	if opts.Dir == "" {
		return nil, errors.New("web: Options.Dir (the store directory) is required")
	}
	if len(opts.Users) == 0 && opts.Token == "" {
		return nil, ErrNoOperators
	}
	if !validOperator(opts.TokenOperator) {
		return nil, fmt.Errorf("web: token operator %q: want letters, digits, '.', '_', '@', '-' or spaces (1-64)", opts.TokenOperator)
	}
	if _, clash := usersNamed(opts.Users)[opts.TokenOperator]; clash && opts.Token != "" {
		return nil, fmt.Errorf("web: the users file has an operator named %q, the service identity of the bearer token; rename one", opts.TokenOperator)
	}
	signIn, err := newSignInMetrics(opts.Metrics)
	if err != nil {
		return nil, fmt.Errorf("web: metrics: %w", err)
	}
	if err := os.MkdirAll(filepath.Join(opts.Dir, "uploads"), 0o700); err != nil {
		return nil, fmt.Errorf("web: store directory: %w", err)
	}
	tmpl, err := parseTemplates()
	if err != nil {
		return nil, err
	}
	st := opts.Store
	if st == nil {
		sq, err := sqlite.Open(ctx, opts.Dir)
		if err != nil {
			return nil, err
		}
		st = sq
	}
	a := &App{opts: opts, eng: eng, st: st, tmpl: tmpl, users: usersNamed(opts.Users), running: map[int64]context.CancelFunc{},
		throttle: newThrottle(opts.Clock), signIn: signIn, jobs: newJobRunner(st, opts.Jobs)}
	a.dummyHash, _ = bcrypt.GenerateFromPassword([]byte("not a password"), bcrypt.MinCost)
	if opts.AuditLog != "" {
		if a.audit, err = audit.Open(opts.AuditLog); err != nil {
			st.Close()
			return nil, fmt.Errorf("web: %w", err)
		}
	}
	// Audit entries of decisions committed before a crash are written now.
	if err := a.flushAudit(ctx); err != nil {
		a.closeResources()
		return nil, fmt.Errorf("web: %w", err)
	}
	// On a shared store another process may be screening them (jobs.go).
	if a.jobs == nil {
		if err := st.FailRunning(ctx, interruptedMsg, opts.Clock()); err != nil {
			a.closeResources()
			return nil, fmt.Errorf("web: %w", err)
		}
	}
	if err := a.cleanUploads(ctx, true); err != nil {
		a.closeResources()
		return nil, fmt.Errorf("web: %w", err)
	}
	a.ctx, a.cancel = context.WithCancel(context.WithoutCancel(ctx))
	a.handler = a.routes()
	a.wg.Add(1)
	go a.sweepUploads()
	a.startJobs()
	return a, nil
}

// usersNamed indexes users by name.
func usersNamed(us []User) map[string]User {
	m := make(map[string]User, len(us))
	for _, u := range us {
		m[u.Name] = u
	}
	return m
}

// toolName names the workspace in audit entries.
func toolName() string { return "screen " + engine.Version + " web" }

// Handler returns the HTTP handler of the workspace. Mount it at "/".
func (a *App) Handler() http.Handler { return a.handler }

// Close stops runs in progress (they are marked failed), and closes the
// database and the audit log.
func (a *App) Close() error {
	a.cancel()
	a.wg.Wait()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	ferr := a.flushAudit(ctx)
	return errors.Join(ferr, a.closeResources())
}

func (a *App) closeResources() error {
	var errs []error
	if a.audit != nil {
		errs = append(errs, a.audit.Close())
	}
	errs = append(errs, a.st.Close())
	return errors.Join(errs...)
}

// parseTemplates parses the embedded page templates.
func parseTemplates() (*template.Template, error) {
	t, err := template.New("").Funcs(funcs).ParseFS(templateFS, "templates/*.html")
	if err != nil {
		return nil, fmt.Errorf("web: templates: %w", err)
	}
	return t, nil
}

// staticFiles returns the embedded static assets.
func staticFiles() fs.FS {
	sub, err := fs.Sub(staticFS, "static")
	if err != nil {
		panic(err) // the embed pattern guarantees the directory
	}
	return sub
}
