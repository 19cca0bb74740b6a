package web

import (
	"bytes"
	"context"
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"net/http"
	"os"
	"regexp"
	"strings"
	"time"

	"github.com/screen-compliance/screen/web/store"
	"golang.org/x/crypto/bcrypt"
	"gopkg.in/yaml.v3"
)

// Operator roles. A viewer can read runs; a reviewer can also upload,
// re-screen and decide; an admin can do everything a reviewer can.
const (
	RoleViewer   = "viewer"
	RoleReviewer = "reviewer"
	RoleAdmin    = "admin"
)

// User is one operator of a users file.
//
// A users file (users.yaml) looks like this; make each hash with
// HashPassword (bcrypt, cost 12):
//
//	users:
//	  - name: alice
//	    password_bcrypt: $2a$12$...
//	    role: reviewer   # viewer | reviewer | admin
type User struct {
	Name           string `yaml:"name"`
	PasswordBcrypt string `yaml:"password_bcrypt"`
	Role           string `yaml:"role"`
}

// usersFile is the YAML document of a users file.
type usersFile struct {
	Users []User `yaml:"users"`
}

// HashPassword returns the bcrypt hash of password for a users file. It
// refuses passwords shorter than 8 bytes or longer than bcrypt's 72.
func HashPassword(password string) (string, error) {
	if len(password) < 8 {
		return "", errors.New("password: want at least 8 characters")
	}
	h, err := bcrypt.GenerateFromPassword([]byte(password), 12)
	if err != nil {
		return "", fmt.Errorf("password: %w", err)
	}
	return string(h), nil
}

var operatorName = regexp.MustCompile(`^[\p{L}\p{N}][\p{L}\p{N}._@ -]{0,63}$`)

// validOperator reports whether name is usable as an operator name.
func validOperator(name string) bool { return operatorName.MatchString(name) }

// LoadUsers reads and validates a users file.
func LoadUsers(path string) ([]User, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("users file: %w", err)
	}
	return ParseUsers(path, b)
}

// ParseUsers parses a users file read from name: every user needs a valid
// name (unique), a bcrypt hash and a known role (default reviewer).
func ParseUsers(name string, b []byte) ([]User, error) {
	var f usersFile
	dec := yaml.NewDecoder(bytes.NewReader(b))
	dec.KnownFields(true)
	if err := dec.Decode(&f); err != nil {
		return nil, fmt.Errorf("users file %s: %w", name, err)
	}
	seen := map[string]bool{}
	for i := range f.Users {
		u := &f.Users[i]
		where := fmt.Sprintf("users file %s entry %d", name, i+1)
		if !validOperator(u.Name) {
			return nil, fmt.Errorf("%s: field name %q: want letters, digits, '.', '_', '@', '-' or spaces (1-64)", where, u.Name)
		}
		if seen[u.Name] {
			return nil, fmt.Errorf("%s: field name %q: listed twice", where, u.Name)
		}
		seen[u.Name] = true
		if _, err := bcrypt.Cost([]byte(u.PasswordBcrypt)); err != nil {
			return nil, fmt.Errorf("%s (%s): field password_bcrypt: not a bcrypt hash", where, u.Name)
		}
		switch u.Role {
		case "":
			u.Role = RoleReviewer
		case RoleViewer, RoleReviewer, RoleAdmin:
		default:
			return nil, fmt.Errorf("%s (%s): field role %q: want viewer, reviewer or admin", where, u.Name, u.Role)
		}
	}
	if len(f.Users) == 0 {
		return nil, fmt.Errorf("users file %s: no users", name)
	}
	return f.Users, nil
}

// session is a signed-in operator.
type session struct {
	Operator string
	Role     string
	CSRF     string
	// Token is true for a request authenticated with the bearer token
	// (no cookie, so no CSRF check). Its operator is the service identity
	// (Options.TokenOperator), whatever a header claims.
	Token bool
	// Verified is true for an operator of the users file signed in with
	// their own password. The bearer token, and a name signed in with the
	// token as password, are not verified persons: under four-eyes they
	// can neither propose nor approve a false positive on a block.
	Verified bool
}

// CanWrite says whether the operator may upload and decide.
func (s *session) CanWrite() bool { return s.Role == RoleReviewer || s.Role == RoleAdmin }

// IsAdmin says whether the operator may leave rules or lists out of a run.
func (s *session) IsAdmin() bool { return s.Role == RoleAdmin }

const (
	sessionCookie = "screen_session"
	loginCookie   = "screen_login"
)

// randomToken returns n random bytes, URL-safe base64.
func randomToken(n int) string {
	b := make([]byte, n)
	if _, err := rand.Read(b); err != nil {
		panic(fmt.Sprintf("crypto/rand: %v", err)) // never fails on supported platforms
	}
	return base64.RawURLEncoding.EncodeToString(b)
}

func hashID(id string) string {
	h := sha256.Sum256([]byte(id))
	return hex.EncodeToString(h[:])
}

// authenticate checks a name and password (or the bearer token used as a
// password) and returns the operator's role and whether the operator is a
// verified person (a users-file entry with its own password).
func (a *App) authenticate(name, password string) (role string, verified, ok bool) {
	if u, ok := a.users[name]; ok {
		if bcrypt.CompareHashAndPassword([]byte(u.PasswordBcrypt), []byte(password)) == nil {
			return u.Role, true, true
		}
		return "", false, false
	}
	// A name not in the users file (nor the service identity) may sign in
	// with the bearer token, unverified.
	if a.opts.Token != "" && name != a.opts.TokenOperator && subtle.ConstantTimeCompare([]byte(password), []byte(a.opts.Token)) == 1 {
		return RoleReviewer, false, true
	}
	// Spend the same time as a bcrypt check so that names cannot be probed.
	bcrypt.CompareHashAndPassword(a.dummyHash, []byte(password))
	return "", false, false
}

// newSession stores a session for operator and returns its cookie value.
func (a *App) newSession(ctx context.Context, operator, role string, verified bool) (string, error) {
	id := randomToken(32)
	now := a.opts.Clock()
	err := a.st.CreateSession(ctx, store.Session{IDHash: hashID(id), Operator: operator, Role: role, CSRF: randomToken(32), Verified: verified,
		CreatedAt: now, ExpiresAt: now.Add(a.opts.SessionTTL)})
	if err != nil {
		return "", err
	}
	return id, nil
}

// sessionFrom returns the session of a request: a bearer token (for
// scripts) or the session cookie. A bearer-token request acts as the
// service identity Options.TokenOperator: an X-Screen-Operator header is
// not proof of who sent it and is ignored.
func (a *App) sessionFrom(r *http.Request) (*session, bool) {
	if h := r.Header.Get("Authorization"); a.opts.Token != "" && strings.HasPrefix(h, "Bearer ") {
		tok := strings.TrimSpace(strings.TrimPrefix(h, "Bearer "))
		if subtle.ConstantTimeCompare([]byte(tok), []byte(a.opts.Token)) == 1 {
			return &session{Operator: a.opts.TokenOperator, Role: RoleReviewer, Token: true}, true
		}
		return nil, false
	}
	c, err := r.Cookie(sessionCookie)
	if err != nil || c.Value == "" {
		return nil, false
	}
	st, err := a.st.Session(r.Context(), hashID(c.Value))
	if err != nil {
		if !errors.Is(err, store.ErrNotFound) {
			a.opts.Logger.Warn("read session", "err", err)
		}
		return nil, false
	}
	if !a.opts.Clock().Before(st.ExpiresAt) {
		return nil, false
	}
	return &session{Operator: st.Operator, Role: st.Role, CSRF: st.CSRF, Verified: st.Verified}, true
}

// dropSession deletes the session of the request's cookie.
func (a *App) dropSession(r *http.Request) {
	if c, err := r.Cookie(sessionCookie); err == nil {
		if err := a.st.DeleteSession(r.Context(), hashID(c.Value)); err != nil {
			a.opts.Logger.Warn("delete session", "err", err)
		}
	}
}

// setCookie sets an HttpOnly, SameSite=Strict cookie for the whole site.
func (a *App) setCookie(w http.ResponseWriter, r *http.Request, name, value string, maxAge time.Duration) {
	c := &http.Cookie{
		Name: name, Value: value, Path: "/", HttpOnly: true, SameSite: http.SameSiteStrictMode,
		Secure: a.opts.SecureCookies || r.TLS != nil,
	}
	if maxAge < 0 {
		c.MaxAge = -1
	} else {
		c.MaxAge = int(maxAge / time.Second)
	}
	http.SetCookie(w, c)
}

// checkCSRF verifies the form's csrf field against the session (or, for
// the login form, against the login cookie). Bearer-token requests carry
// no cookie and need no token.
func checkCSRF(r *http.Request, s *session) bool {
	if s != nil && s.Token {
		return true
	}
	got := r.PostFormValue("csrf")
	if got == "" {
		got = r.Header.Get("X-CSRF-Token")
	}
	want := ""
	if s != nil {
		want = s.CSRF
	} else if c, err := r.Cookie(loginCookie); err == nil {
		want = c.Value
	}
	return want != "" && subtle.ConstantTimeCompare([]byte(got), []byte(want)) == 1
}
