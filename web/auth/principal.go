package auth

import (
	"errors"
	"net/http"
	"slices"
	"strings"

	"github.com/gin-gonic/gin"

	"github.com/comune-bologna/conoscenza/agent/tool"
	"github.com/comune-bologna/conoscenza/ingest/db"
	"github.com/comune-bologna/conoscenza/web/apitypes"
)

// ContextKey is where Authenticate leaves the tool.Principal in the Gin context. It is the key
// package web's own principal(c) reads, so web's handlers work unchanged behind Authenticate.
const ContextKey = "conoscenza.principal"

// keyVia records how the request authenticated: "session" or "token".
const keyVia = "conoscenza.auth_via"

// Errors of principal resolution. They are CodeForbidden so that web's statusFor maps them
// to 403 today; Authenticate itself answers 401 for the first and 403 for the others.
var (
	ErrNotLoggedIn = db.Errorf(db.CodeForbidden, "accesso richiesto: effettua il login o usa un token (Authorization: Bearer)")
	ErrCSRF        = db.Errorf(db.CodeForbidden, "token CSRF mancante o non valido: ricarica la pagina (header "+HeaderCSRF+")")
)

// Resolve says who makes the request: the user of a Bearer API token, else the user of the
// session (loaded by LoadSession), read again from the database so that a disabled user or a
// changed role takes effect at once. An unsafe request authenticated by the session cookie
// must carry the session's CSRF token. It returns how the request authenticated too.
func (a *Authenticator) Resolve(r *http.Request) (User, string, error) {
	if h := r.Header.Get("Authorization"); h != "" {
		secret, ok := strings.CutPrefix(h, "Bearer ")
		if !ok {
			return User{}, "", ErrBadToken
		}
		u, _, err := a.Users.UserForToken(r.Context(), strings.TrimSpace(secret))
		return u, "token", err
	}
	id := a.Sessions.GetInt64(r.Context(), sessUserID)
	if id == 0 {
		return User{}, "", ErrNotLoggedIn
	}
	u, err := a.Users.ByID(r.Context(), id)
	if db.ErrorCode(err) == db.CodeNotFound {
		return User{}, "", ErrNotLoggedIn
	}
	if err != nil {
		return User{}, "", err
	}
	if u.Disabled {
		return User{}, "", ErrDisabled
	}
	if !safeMethod(r.Method) && !a.csrfOK(r) {
		return User{}, "", ErrCSRF
	}
	return u, "session", nil
}

// PrincipalFunc fits web.Options.Principal (func(*http.Request) (tool.Principal, error)):
// mount LoadSession before web's withPrincipal and pass a.PrincipalFunc. Errors are
// CodeForbidden (403).
func (a *Authenticator) PrincipalFunc(r *http.Request) (tool.Principal, error) {
	u, _, err := a.Resolve(r)
	if err != nil {
		return tool.Principal{}, err
	}
	return u.Principal(), nil
}

// Authenticate is the Gin middleware that requires a user: it loads the session if needed,
// resolves the principal (Resolve) and leaves it under ContextKey, or answers 401 (nobody
// logged in, with WWW-Authenticate) or 403 (bad token, disabled user, missing CSRF token).
func (a *Authenticator) Authenticate(c *gin.Context) {
	a.withSession(c, func() { a.authenticate(c) })
}

func (a *Authenticator) authenticate(c *gin.Context) {
	u, via, err := a.Resolve(c.Request)
	if err != nil {
		a.refuse(c, err)
		return
	}
	c.Set(ContextKey, u.Principal())
	c.Set(keyVia, via)
	c.Next()
}

func (a *Authenticator) refuse(c *gin.Context, err error) {
	var de *db.Error
	switch {
	case errors.Is(err, ErrNotLoggedIn):
		c.Header("WWW-Authenticate", `Bearer realm="conoscenza"`)
		abortJSON(c, http.StatusUnauthorized, "unauthenticated", ErrNotLoggedIn.Message)
	case errors.As(err, &de) && de.Code != db.CodeInternal:
		abortJSON(c, http.StatusForbidden, string(db.CodeForbidden), de.Message)
	case db.Unreachable(err): // a database restart: worth a retry, not an internal error
		a.cfg.Logger.Warn("resolve principal: database unreachable", "err", err)
		c.Header("Retry-After", "1")
		abortJSON(c, http.StatusServiceUnavailable, string(db.CodeUnavailable), db.ErrorMessage(err))
	default:
		a.cfg.Logger.Error("resolve principal", "err", err)
		abortJSON(c, http.StatusInternalServerError, string(db.CodeInternal), "errore interno: riprova più tardi")
	}
}

// Principal is the principal Authenticate (or web's withPrincipal) resolved for the request.
func Principal(c *gin.Context) (tool.Principal, bool) {
	v, ok := c.Get(ContextKey)
	if !ok {
		return tool.Principal{}, false
	}
	p, ok := v.(tool.Principal)
	return p, ok
}

// RequireRole is Gin middleware, after Authenticate, that answers 403 unless the principal
// has one of roles (e.g. RequireRole(tool.Admin) on user management and the audit log).
func RequireRole(roles ...tool.Role) gin.HandlerFunc {
	return func(c *gin.Context) {
		p, ok := Principal(c)
		if !ok || !slices.Contains(roles, p.Role) {
			abortJSON(c, http.StatusForbidden, string(db.CodeForbidden), "il tuo ruolo non consente questa operazione")
			return
		}
		c.Next()
	}
}

// abortJSON writes the API's error body ({"error": {code, message, request_id}}) and stops.
func abortJSON(c *gin.Context, status int, code, msg string) {
	c.AbortWithStatusJSON(status, apitypes.ErrorResponse{Error: apitypes.ErrorBody{Code: code, Message: msg,
		RequestID: c.Writer.Header().Get(apitypes.HeaderRequestID)}})
}

// Viewer says who is signed in on a page request (session or token), with the session's CSRF
// token for the page to send back, without refusing anybody: pages choose between themselves and
// the login page. Mount LoadSession before it.
func (a *Authenticator) Viewer(c *gin.Context) (tool.Principal, string, bool) {
	u, _, err := a.Resolve(c.Request)
	if err != nil {
		return tool.Principal{}, "", false
	}
	return u.Principal(), a.CSRFToken(c.Request), true
}
