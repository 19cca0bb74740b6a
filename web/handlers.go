package web

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"html/template"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/screen-compliance/screen/audit"
)

// contentSecurityPolicy allows only the workspace's own script, styles and
// images: no inline script or style, no framing, forms post back here only.
const contentSecurityPolicy = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; " +
	"connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'"

// maxFormBody caps the body of every POST but uploads.
const maxFormBody = 64 << 10

// routes builds the workspace's mux.
func (a *App) routes() http.Handler {
	mux := http.NewServeMux()
	static := http.FileServerFS(staticFiles())
	mux.Handle("GET /static/", http.StripPrefix("/static/", cacheFor(time.Hour, static)))
	mux.HandleFunc("GET /login", a.loginPage)
	mux.HandleFunc("POST /login", a.login)
	mux.HandleFunc("POST /logout", a.page(false, a.logout))
	mux.HandleFunc("GET /{$}", a.page(false, a.home))
	mux.HandleFunc("POST /runs", a.upload) // authenticates itself: the body is streamed
	mux.HandleFunc("GET /runs/{run}", a.page(false, a.queue))
	mux.HandleFunc("GET /runs/{run}/progress", a.page(false, a.progress))
	mux.HandleFunc("GET /runs/{run}/records/{seq}", a.page(false, a.recordPage))
	mux.HandleFunc("POST /runs/{run}/records/{seq}/decide", a.page(true, a.decide))
	mux.HandleFunc("POST /runs/{run}/rescreen", a.page(true, a.rescreen))
	mux.HandleFunc("GET /runs/{run}/diff", a.page(false, a.diff))
	mux.HandleFunc("GET /runs/{run}/export", a.page(false, a.export))
	mux.HandleFunc("GET /runs/{run}/summary", a.page(false, a.summary))
	a.alertRoutes(mux)
	return a.secure(mux)
}

// cacheFor sets a Cache-Control max-age on h's responses.
func cacheFor(d time.Duration, h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Cache-Control", fmt.Sprintf("private, max-age=%d", int(d/time.Second)))
		h.ServeHTTP(w, r)
	})
}

// secure sets the security headers, refuses cross-origin POSTs and bounds
// every request's time and (but for uploads) body size.
func (a *App) secure(h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		hd := w.Header()
		hd.Set("Content-Security-Policy", contentSecurityPolicy)
		hd.Set("X-Content-Type-Options", "nosniff")
		hd.Set("X-Frame-Options", "DENY")
		hd.Set("Referrer-Policy", "same-origin")
		hd.Set("Cross-Origin-Opener-Policy", "same-origin")
		timeout := a.opts.RequestTimeout
		if r.Method == http.MethodPost {
			if !sameOrigin(r) {
				a.fail(w, r, nil, http.StatusForbidden, "This form was sent from another site and was refused.")
				return
			}
			if r.URL.Path == "/runs" {
				timeout = a.opts.UploadTimeout
			} else {
				r.Body = http.MaxBytesReader(w, r.Body, maxFormBody)
			}
		}
		if strings.HasSuffix(r.URL.Path, "/export") {
			timeout = a.opts.UploadTimeout
		}
		ctx, cancel := context.WithTimeout(r.Context(), timeout)
		defer cancel()
		h.ServeHTTP(w, r.WithContext(ctx))
	})
}

// sameOrigin refuses requests whose Origin (or Sec-Fetch-Site) says they
// come from another site. Requests without either (curl, old browsers) pass
// and rely on the CSRF token.
func sameOrigin(r *http.Request) bool {
	if site := r.Header.Get("Sec-Fetch-Site"); site != "" && site != "same-origin" && site != "none" {
		return false
	}
	o := r.Header.Get("Origin")
	if o == "" || o == "null" {
		return o == ""
	}
	u, err := url.Parse(o)
	return err == nil && u.Host == r.Host
}

// handlerFunc is a page handler for a signed-in operator.
type handlerFunc func(w http.ResponseWriter, r *http.Request, s *session)

// page authenticates the request, checks the CSRF token on POST and, when
// write is set, that the operator may change things.
func (a *App) page(write bool, h handlerFunc) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		s, ok := a.sessionFrom(r)
		if !ok {
			if r.Method == http.MethodGet && r.Header.Get("Authorization") == "" {
				http.Redirect(w, r, "/login?next="+url.QueryEscape(r.URL.RequestURI()), http.StatusSeeOther)
				return
			}
			a.fail(w, r, nil, http.StatusUnauthorized, "Sign in first.")
			return
		}
		if r.Method == http.MethodPost {
			if err := r.ParseForm(); err != nil {
				a.fail(w, r, s, http.StatusRequestEntityTooLarge, "The form is too large.")
				return
			}
			if !checkCSRF(r, s) {
				a.fail(w, r, s, http.StatusForbidden, "This form has expired or did not come from this workspace (CSRF check failed). Reload the page and try again.")
				return
			}
		}
		if write && !s.CanWrite() {
			a.fail(w, r, s, http.StatusForbidden, "Your role ("+s.Role+") may look but not decide.")
			return
		}
		h(w, r, s)
	}
}

// view is what every page template gets.
type view struct {
	Title string
	Op    *session
	// Data is the page's own data.
	Data any
	// Flash is a notice shown at the top.
	Flash string
	// Error is an error shown at the top.
	Error string
}

// render executes the named template into a buffer first, so that a
// template error never sends half a page.
func (a *App) render(w http.ResponseWriter, status int, name string, v view) {
	var buf bytes.Buffer
	if err := a.tmpl.ExecuteTemplate(&buf, name, v); err != nil {
		a.opts.Logger.Error("render page", "template", name, "err", err)
		http.Error(w, "internal error rendering the page", http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	w.Write(buf.Bytes())
}

// fail renders an error page.
func (a *App) fail(w http.ResponseWriter, r *http.Request, s *session, status int, msg string) {
	a.render(w, status, "error", view{Title: http.StatusText(status), Op: s, Error: msg, Data: map[string]any{"Status": status, "Back": backLink(r)}})
}

// internal logs err and renders a 500 page without its details.
func (a *App) internal(w http.ResponseWriter, r *http.Request, s *session, err error) {
	if errors.Is(err, context.DeadlineExceeded) {
		a.fail(w, r, s, http.StatusServiceUnavailable, "The request took too long. Narrow the filter and try again.")
		return
	}
	a.opts.Logger.Error("web request failed", "path", r.URL.Path, "err", err)
	a.fail(w, r, s, http.StatusInternalServerError, "Something went wrong on the server; the error was logged.")
}

// backLink is a same-site link back, from the request path.
func backLink(r *http.Request) string {
	if r == nil {
		return "/"
	}
	if strings.HasPrefix(r.URL.Path, "/runs/") {
		parts := strings.SplitN(strings.TrimPrefix(r.URL.Path, "/runs/"), "/", 2)
		if _, err := strconv.ParseInt(parts[0], 10, 64); err == nil {
			return "/runs/" + parts[0]
		}
	}
	return "/"
}

// loginPage shows the sign-in form with a fresh login CSRF cookie.
func (a *App) loginPage(w http.ResponseWriter, r *http.Request) {
	tok := randomToken(24)
	a.setCookie(w, r, loginCookie, tok, 15*time.Minute)
	a.render(w, http.StatusOK, "login", view{Title: "Sign in", Data: map[string]any{
		"CSRF": tok, "Next": safeNext(r.URL.Query().Get("next")), "Token": a.opts.Token != "",
	}})
}

// safeNext keeps only same-site absolute paths, so that sign-in cannot
// redirect off-site. Browsers drop tabs and newlines from a Location and
// read a backslash as a slash, so "/\t/evil.example" and "/\\evil.example"
// lead off-site: any control character or backslash is refused, and so is
// anything that parses with a scheme, a host, user information or a path
// that starts with "//". What is kept is re-encoded from the parsed URL.
func safeNext(next string) string {
	const home = "/"
	if next == "" || len(next) > 2048 || next[0] != '/' {
		return home
	}
	for _, r := range next {
		if r < 0x20 || r == 0x7f || r == '\\' || (r >= 0x80 && r <= 0x9f) || r == utf8.RuneError {
			return home
		}
	}
	u, err := url.Parse(next)
	if err != nil || u.Scheme != "" || u.Host != "" || u.User != nil || u.Opaque != "" ||
		!strings.HasPrefix(u.Path, "/") || strings.HasPrefix(u.Path, "//") {
		return home
	}
	out := u.EscapedPath()
	if strings.HasPrefix(out, "//") || strings.HasPrefix(out, "/\\") {
		return home
	}
	if u.RawQuery != "" {
		out += "?" + u.RawQuery
	}
	return out
}

// login checks the credentials and starts a session.
func (a *App) login(w http.ResponseWriter, r *http.Request) {
	if err := r.ParseForm(); err != nil {
		a.fail(w, r, nil, http.StatusBadRequest, "The form could not be read.")
		return
	}
	if !checkCSRF(r, nil) {
		a.fail(w, r, nil, http.StatusForbidden, "The sign-in form has expired (CSRF check failed). Reload the page and try again.")
		return
	}
	name := strings.TrimSpace(r.PostFormValue("name"))
	next := safeNext(r.PostFormValue("next"))
	addr := clientAddr(r)
	userKey, addrKey := "user:"+strings.ToLower(name), "addr:"+addr
	retry := func(status int, msg string) {
		tok := randomToken(24)
		a.setCookie(w, r, loginCookie, tok, 15*time.Minute)
		a.render(w, status, "login", view{Title: "Sign in", Error: msg,
			Data: map[string]any{"CSRF": tok, "Next": next, "Token": a.opts.Token != "", "Name": name}})
	}
	// While a name or an address waits after failed sign-ins, attempts are
	// refused without looking at the password.
	if wait, locked := a.throttle.wait(userKey, addrKey); wait > 0 {
		a.signIn.failures.WithLabelValues("throttled").Inc()
		secs := int((wait + time.Second - 1) / time.Second)
		w.Header().Set("Retry-After", strconv.Itoa(secs))
		msg := fmt.Sprintf("Too many failed sign-ins for this name or from this address. Try again in %d seconds.", secs)
		if locked {
			msg = fmt.Sprintf("Sign-in is locked for this name or from this address after repeated failures. Try again in %d minutes, or ask an admin.", (secs+59)/60)
		}
		retry(http.StatusTooManyRequests, msg)
		return
	}
	role, verified, ok := "", false, validOperator(name)
	if ok {
		role, verified, ok = a.authenticate(name, r.PostFormValue("password"))
	}
	if !ok {
		a.failedSignIn(r, name, userKey, addrKey, addr)
		retry(http.StatusUnauthorized, "Unknown name or wrong password.")
		return
	}
	a.throttle.success(userKey)
	id, err := a.newSession(r.Context(), name, role, verified)
	if err != nil {
		a.internal(w, r, nil, err)
		return
	}
	a.setCookie(w, r, loginCookie, "", -1)
	a.setCookie(w, r, sessionCookie, id, a.opts.SessionTTL)
	http.Redirect(w, r, next, http.StatusSeeOther)
}

// failedSignIn counts a failed sign-in for the name and the address, logs
// and audits it, and audits a lockout it starts.
func (a *App) failedSignIn(r *http.Request, name, userKey, addrKey, addr string) {
	a.signIn.failures.WithLabelValues("bad_credentials").Inc()
	subject := name
	if !validOperator(subject) {
		subject = "(not a valid operator name)"
	}
	a.opts.Logger.Warn("failed sign-in", "name", subject, "address", addr)
	ctx := context.WithoutCancel(r.Context())
	if err := a.auditEvent(ctx, "", audit.Event{Kind: audit.EventSignInFailed, Subject: subject, Address: addr}); err != nil {
		a.opts.Logger.Error("audit failed sign-in", "err", err)
	}
	for _, k := range []struct {
		key, scope, who string
		p               ThrottlePolicy
	}{{userKey, "user", "name " + subject, *a.opts.UserThrottle}, {addrKey, "address", "address " + addr, *a.opts.AddrThrottle}} {
		until := a.throttle.fail(k.key, k.p)
		if until.IsZero() {
			continue
		}
		a.signIn.lockouts.WithLabelValues(k.scope).Inc()
		a.opts.Logger.Warn("sign-in lockout", "scope", k.scope, "name", subject, "address", addr, "until", until.UTC().Format(time.RFC3339))
		u := until.UTC()
		ev := audit.Event{Kind: audit.EventSignInLockout, Subject: subject, Address: addr, Until: &u,
			Detail: fmt.Sprintf("sign-in for %s locked for %s after %d failed sign-ins", k.who, k.p.LockFor, k.p.LockAfter)}
		if err := a.auditEvent(ctx, "", ev); err != nil {
			a.opts.Logger.Error("audit sign-in lockout", "err", err)
		}
	}
}

// logout ends the session.
func (a *App) logout(w http.ResponseWriter, r *http.Request, s *session) {
	a.dropSession(r)
	a.setCookie(w, r, sessionCookie, "", -1)
	http.Redirect(w, r, "/login", http.StatusSeeOther)
}

// home lists the runs and offers the new-run form.
func (a *App) home(w http.ResponseWriter, r *http.Request, s *session) {
	runs, err := a.listRuns(r.Context(), 100)
	if err != nil {
		a.internal(w, r, s, err)
		return
	}
	a.render(w, http.StatusOK, "home", view{Title: "Runs", Op: s, Flash: r.URL.Query().Get("flash"), Data: map[string]any{
		"Runs": runs, "Lists": a.eng.Lists(), "Rules": a.eng.Policy().Rules(),
		"MaxUpload": a.opts.MaxUpload, "Suppress": a.opts.IgnoreFile != "",
	}})
}

// funcs are the template helpers.
var funcs = template.FuncMap{
	"score": func(f float64) string { return fmt.Sprintf("%.2f", f) },
	"signed": func(f float64) string {
		return fmt.Sprintf("%+.2f", f)
	},
	"percent": func(f float64) string { return fmt.Sprintf("%.0f%%", f*100) },
	"bytes":   humanBytes,
	"when": func(t time.Time) string {
		if t.IsZero() {
			return ""
		}
		return t.UTC().Format("2006-01-02 15:04 UTC")
	},
	"join":       strings.Join,
	"add":        func(a, b int) int { return a + b },
	"eq1":        func(a, b string) bool { return a == b },
	"stateLabel": stateLabel,
}

// humanBytes renders a size as "256 MiB".
func humanBytes(n int64) string {
	switch {
	case n >= 1<<30 && n%(1<<30) == 0:
		return fmt.Sprintf("%d GiB", n>>30)
	case n >= 1<<20:
		return fmt.Sprintf("%d MiB", n>>20)
	case n >= 1<<10:
		return fmt.Sprintf("%d KiB", n>>10)
	}
	return fmt.Sprintf("%d bytes", n)
}

// pathInt reads a numeric path value.
func pathInt(r *http.Request, name string) (int64, bool) {
	n, err := strconv.ParseInt(r.PathValue(name), 10, 64)
	return n, err == nil && n > 0
}
