package auth

import (
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"net/http"
	"net/url"
	"slices"
	"strings"

	"github.com/gin-gonic/gin"

	"github.com/comune-bologna/conoscenza/agent/audit"
	"github.com/comune-bologna/conoscenza/ingest/db"
)

// LoginRequest is the body of POST /auth/login (JSON, or a form with the same fields).
type LoginRequest struct {
	Username string `json:"username" form:"username"`
	Password string `json:"password" form:"password"`
}

// MeResponse is the body of a successful login and of GET /auth/me.
type MeResponse struct {
	User User `json:"user"`
	// CSRFToken goes back in the X-CSRF-Token header of every POST, PUT, PATCH and DELETE
	// made with the session cookie. Empty for token-authenticated requests, which need none.
	CSRFToken string `json:"csrf_token,omitempty"`
	Via       string `json:"via"` // session or token
}

// Mount registers the login routes under r (the API's unauthenticated /api/v1 group):
//
//	POST /auth/login           username + password → session cookie, MeResponse (401, 429)
//	POST /auth/logout          ends the session (needs X-CSRF-Token)             → 204
//	GET  /auth/me              who am I, and the session's CSRF token           → MeResponse
//	GET  /auth/oidc/login      → 302 to the identity provider (?next=/local/path)
//	GET  /auth/oidc/callback   the provider's redirect → session cookie, 302 to next
func (a *Authenticator) Mount(r gin.IRouter) {
	g := r.Group("/auth", a.LoadSession)
	g.POST("/login", a.handleLogin)
	g.POST("/logout", a.Authenticate, a.handleLogout)
	g.GET("/me", a.Authenticate, a.handleMe)
	g.GET("/oidc/login", a.handleOIDCLogin)
	g.GET("/oidc/callback", a.handleOIDCCallback)
}

func (a *Authenticator) handleLogin(c *gin.Context) {
	if !a.sameOrigin(c.Request) {
		abortJSON(c, http.StatusForbidden, string(db.CodeForbidden), "richiesta di login da un'altra origine rifiutata")
		return
	}
	var req LoginRequest
	if err := bindLogin(c, &req); err != nil {
		abortJSON(c, http.StatusBadRequest, string(db.CodeInvalid), "corpo della richiesta non valido: servono username e password")
		return
	}
	name := strings.ToLower(strings.TrimSpace(req.Username))
	if len(name) > 128 {
		name = name[:128]
	}
	ip := a.cfg.ClientIP(c)
	if wait, first := a.throttle.Wait(name, ip); wait > 0 {
		if first { // one entry per lockout, so that hammering does not flood the log
			a.appendAudit(c, audit.Entry{Actor: name, Action: audit.LoginThrottled, Object: "user:" + name,
				Detail: map[string]any{"ip": ip, "wait_seconds": math.Ceil(wait.Seconds())}})
		}
		c.Header("Retry-After", fmt.Sprint(int(math.Ceil(wait.Seconds()))))
		abortJSON(c, http.StatusTooManyRequests, "throttled",
			fmt.Sprintf("troppi tentativi falliti: riprova tra %d secondi", int(math.Ceil(wait.Seconds()))))
		return
	}
	u, err := a.Users.CheckPassword(c.Request.Context(), name, req.Password)
	if err != nil {
		reason := "bad_credentials"
		switch {
		case errors.Is(err, ErrDisabled):
			reason = "disabled"
		case !errors.Is(err, ErrBadCredentials):
			a.cfg.Logger.Error("check password", "err", err)
			abortJSON(c, http.StatusInternalServerError, string(db.CodeInternal), "errore interno: riprova più tardi")
			return
		}
		a.throttle.Fail(name, ip)
		a.appendAudit(c, audit.Entry{Actor: name, Action: audit.LoginFailure, Object: "user:" + name,
			Detail: map[string]any{"method": "password", "reason": reason, "ip": ip}})
		abortJSON(c, http.StatusUnauthorized, "unauthenticated", db.ErrorMessage(err))
		return
	}
	a.throttle.Succeed(name)
	if err := a.loggedIn(c, u, "password"); err != nil {
		return
	}
	c.JSON(http.StatusOK, MeResponse{User: u, CSRFToken: a.CSRFToken(c.Request), Via: "session"})
}

// bindLogin reads a JSON body, or a form when the client sends one.
func bindLogin(c *gin.Context, req *LoginRequest) error {
	ct := c.ContentType()
	if ct == "application/x-www-form-urlencoded" || ct == "multipart/form-data" {
		req.Username, req.Password = c.PostForm("username"), c.PostForm("password")
	} else if err := json.NewDecoder(c.Request.Body).Decode(req); err != nil {
		return err
	}
	if strings.TrimSpace(req.Username) == "" || req.Password == "" {
		return errors.New("missing username or password")
	}
	return nil
}

// sameOrigin refuses a login posted from another site (login CSRF: a page that logs the
// victim into the attacker's account). Browsers send Origin on POST; a request without it
// (curl, a script) is not a browser being tricked.
func (a *Authenticator) sameOrigin(r *http.Request) bool {
	if r.Header.Get("Sec-Fetch-Site") == "cross-site" {
		return false
	}
	o := r.Header.Get("Origin")
	if o == "" {
		return true
	}
	if slices.Contains(a.cfg.TrustedOrigins, strings.TrimRight(o, "/")) {
		return true
	}
	u, err := url.Parse(o)
	return err == nil && u.Host == r.Host
}

// loggedIn starts the session of u and records the login; on failure it has answered.
func (a *Authenticator) loggedIn(c *gin.Context, u User, method string) error {
	ctx := c.Request.Context()
	if _, err := a.startSession(ctx, u, method); err != nil {
		a.cfg.Logger.Error("start session", "user_id", u.ID, "err", err)
		abortJSON(c, http.StatusInternalServerError, string(db.CodeInternal), "errore interno: riprova più tardi")
		return err
	}
	if err := a.Users.touchLogin(ctx, u.ID); err != nil {
		a.cfg.Logger.Warn("note login time", "user_id", u.ID, "err", err)
	}
	// A login that cannot be audited does not happen.
	if _, err := a.Audit.Append(ctx, audit.Entry{Actor: u.Username, Action: audit.LoginSuccess,
		Object: "user:" + u.Username, Detail: map[string]any{"method": method, "ip": a.cfg.ClientIP(c)}}); err != nil {
		a.cfg.Logger.Error("audit login", "user_id", u.ID, "err", err)
		_ = a.Sessions.Destroy(ctx)
		abortJSON(c, http.StatusInternalServerError, string(db.CodeInternal), "errore interno: riprova più tardi")
		return err
	}
	a.cfg.Logger.Info("login", "user_id", u.ID, "role", u.Role, "method", method)
	return nil
}

// appendAudit records e; a failure is logged (a refused login is refused all the same).
func (a *Authenticator) appendAudit(c *gin.Context, e audit.Entry) {
	if _, err := a.Audit.Append(c.Request.Context(), e); err != nil {
		a.cfg.Logger.Error("audit append", "action", e.Action, "err", err)
	}
}

func (a *Authenticator) handleLogout(c *gin.Context) {
	p, _ := Principal(c)
	if c.GetString(keyVia) != "session" {
		abortJSON(c, http.StatusBadRequest, string(db.CodeInvalid), "logout riguarda le sessioni: per un token usa la revoca")
		return
	}
	if err := a.Sessions.Destroy(c.Request.Context()); err != nil {
		a.cfg.Logger.Error("destroy session", "user_id", p.UserID, "err", err)
		abortJSON(c, http.StatusInternalServerError, string(db.CodeInternal), "errore interno: riprova più tardi")
		return
	}
	a.appendAudit(c, audit.Entry{Actor: p.Username, Action: audit.Logout, Object: "user:" + p.Username})
	c.Status(http.StatusNoContent)
}

func (a *Authenticator) handleMe(c *gin.Context) {
	p, _ := Principal(c)
	u, err := a.Users.ByID(c.Request.Context(), p.UserID)
	if err != nil {
		a.cfg.Logger.Error("read user", "user_id", p.UserID, "err", err)
		abortJSON(c, http.StatusInternalServerError, string(db.CodeInternal), "errore interno: riprova più tardi")
		return
	}
	resp := MeResponse{User: u, Via: c.GetString(keyVia)}
	if resp.Via == "session" {
		resp.CSRFToken = a.CSRFToken(c.Request)
	}
	c.JSON(http.StatusOK, resp)
}
