package auth

import (
	"context"
	"crypto/rand"
	"crypto/subtle"
	"database/sql"
	"encoding/base64"
	"fmt"
	"net/http"
	"sync"
	"time"

	"github.com/alexedwards/scs/postgresstore"
	"github.com/alexedwards/scs/v2"
	"github.com/gin-gonic/gin"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/jackc/pgx/v5/stdlib"

	"github.com/comune-bologna/conoscenza/agent/audit"
	"github.com/comune-bologna/conoscenza/ingest/db"
)

// Keys of the session's values.
const (
	sessUserID = "uid"
	sessCSRF   = "csrf"
	sessMethod = "method" // password or oidc
	sessOIDC   = "oidc"   // the pending OpenID Connect login (state, nonce, verifier, next)
)

// Authenticator holds everything identity needs at run time: the users, the sessions, the
// throttle, the identity provider and the audit log.
type Authenticator struct {
	Users    *Store
	Sessions *scs.SessionManager
	Audit    *audit.Log

	cfg      Config
	throttle *Throttle
	oidc     *oidcClient
	store    *postgresstore.PostgresStore
	sqlDB    *sql.DB
	close    sync.Once
}

// New builds the authenticator over pool (the application's owner pool: users, sessions,
// tokens and the audit log live there). Close it when the server stops.
func New(pool *pgxpool.Pool, cfg Config) (*Authenticator, error) {
	cfg = cfg.withDefaults()
	users, err := NewStore(pool, cfg.Argon2)
	if err != nil {
		return nil, err
	}
	sqlDB := stdlib.OpenDBFromPool(pool)
	store := postgresstore.New(sqlDB) // removes expired sessions every 5 minutes
	sm := scs.New()
	sm.Store = store
	sm.Lifetime = cfg.SessionLifetime
	sm.IdleTimeout = cfg.SessionIdle
	sm.HashTokenInStore = true // the sessions table holds hashes, not usable tokens
	sm.Cookie = scs.SessionCookie{Name: cfg.cookieName(), HttpOnly: true, Path: "/", SameSite: sameSite,
		Secure: cfg.CookieSecure, Persist: false}
	a := &Authenticator{Users: users, Sessions: sm, Audit: audit.New(pool), cfg: cfg,
		throttle: NewThrottle(cfg.UserThrottle, cfg.IPThrottle), store: store, sqlDB: sqlDB}
	if cfg.OIDC != nil {
		if a.oidc, err = newOIDCClient(*cfg.OIDC); err != nil {
			a.Close()
			return nil, err
		}
	}
	return a, nil
}

// Close stops the session cleanup and releases the database handle (not the pool).
func (a *Authenticator) Close() {
	a.close.Do(func() {
		a.store.StopCleanup()
		_ = a.sqlDB.Close()
	})
}

const keySessionLoaded = "conoscenza.session_loaded"

// LoadSession is the Gin middleware that loads the session named by the cookie into the
// request's context and saves it, with its cookie, before the response's headers go out.
// Mount it before anything that reads the principal; mounting it twice is harmless.
func (a *Authenticator) LoadSession(c *gin.Context) { a.withSession(c, c.Next) }

// withSession loads the session, runs next, and saves the session.
func (a *Authenticator) withSession(c *gin.Context, next func()) {
	if c.GetBool(keySessionLoaded) {
		next()
		return
	}
	c.Set(keySessionLoaded, true)
	c.Header("Vary", "Cookie")
	token := ""
	if ck, err := c.Request.Cookie(a.Sessions.Cookie.Name); err == nil {
		token = ck.Value
	}
	ctx, err := a.Sessions.Load(c.Request.Context(), token)
	if err != nil && db.Unreachable(err) { // a database restart: worth a retry
		a.cfg.Logger.Warn("load session: database unreachable", "err", err)
		c.Header("Retry-After", "1")
		abortJSON(c, http.StatusServiceUnavailable, string(db.CodeUnavailable), db.ErrorMessage(err))
		return
	}
	if err != nil {
		a.cfg.Logger.Error("load session", "err", err)
		abortJSON(c, http.StatusInternalServerError, "internal", "errore interno nella sessione")
		return
	}
	c.Request = c.Request.WithContext(ctx)
	w := &sessionWriter{ResponseWriter: c.Writer, a: a, ctx: ctx}
	c.Writer = w
	next()
	w.commit() // the handler wrote nothing: the engine flushes the headers after this
	c.Writer = w.ResponseWriter
}

// sessionWriter commits the session and adds its cookie just before the first byte of the
// response, as scs's LoadAndSave does for net/http, for Gin's writer.
type sessionWriter struct {
	gin.ResponseWriter
	a         *Authenticator
	ctx       context.Context
	committed bool
}

func (w *sessionWriter) commit() {
	if w.committed || w.ResponseWriter.Written() {
		return
	}
	w.committed = true
	sm := w.a.Sessions
	switch sm.Status(w.ctx) {
	case scs.Modified:
		token, expiry, err := sm.Commit(w.ctx)
		if err != nil {
			w.a.cfg.Logger.Error("save session", "err", err)
			return
		}
		sm.WriteSessionCookie(w.ctx, w.ResponseWriter, token, expiry)
	case scs.Destroyed:
		sm.WriteSessionCookie(w.ctx, w.ResponseWriter, "", time.Time{})
	}
}

func (w *sessionWriter) WriteHeaderNow()             { w.commit(); w.ResponseWriter.WriteHeaderNow() }
func (w *sessionWriter) Write(b []byte) (int, error) { w.commit(); return w.ResponseWriter.Write(b) }
func (w *sessionWriter) WriteString(s string) (int, error) {
	w.commit()
	return w.ResponseWriter.WriteString(s)
}
func (w *sessionWriter) Flush() { w.commit(); w.ResponseWriter.Flush() }

// newSecret is 32 random bytes, base64url.
func newSecret() string {
	b := make([]byte, 32)
	_, _ = rand.Read(b)
	return base64.RawURLEncoding.EncodeToString(b)
}

// startSession turns the request's session into a logged-in one: a new token (no fixation),
// the user's id, a fresh CSRF token and how they logged in.
func (a *Authenticator) startSession(ctx context.Context, u User, method string) (csrf string, err error) {
	if err := a.Sessions.RenewToken(ctx); err != nil {
		return "", fmt.Errorf("renew session token: %w", err)
	}
	csrf = newSecret()
	a.Sessions.Put(ctx, sessUserID, u.ID)
	a.Sessions.Put(ctx, sessCSRF, csrf)
	a.Sessions.Put(ctx, sessMethod, method)
	return csrf, nil
}

// CSRFToken is the CSRF token of the request's session ("" without one): put it in pages
// (a meta tag) for scripts to send back as X-CSRF-Token.
func (a *Authenticator) CSRFToken(r *http.Request) string {
	return a.Sessions.GetString(r.Context(), sessCSRF)
}

// HeaderCSRF carries the session's CSRF token on every state-changing request made with the
// session cookie.
const HeaderCSRF = "X-CSRF-Token"

// csrfOK says whether an unsafe request made with the session cookie proves it comes from our
// own pages: the X-CSRF-Token header equals the session's token (synchronizer token; a
// cross-site form cannot set a header, a cross-site script cannot read the token), and the
// browser does not say the request is cross-site.
func (a *Authenticator) csrfOK(r *http.Request) bool {
	if r.Header.Get("Sec-Fetch-Site") == "cross-site" {
		return false
	}
	want := a.CSRFToken(r)
	got := r.Header.Get(HeaderCSRF)
	return want != "" && subtle.ConstantTimeCompare([]byte(want), []byte(got)) == 1
}

func safeMethod(m string) bool {
	return m == http.MethodGet || m == http.MethodHead || m == http.MethodOptions || m == http.MethodTrace
}
