package auth

import (
	"context"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/hex"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"sync"
	"time"

	"github.com/coreos/go-oidc/v3/oidc"
	"github.com/gin-gonic/gin"
	"golang.org/x/oauth2"

	"github.com/comune-bologna/conoscenza/agent/audit"
	"github.com/comune-bologna/conoscenza/agent/tool"
	"github.com/comune-bologna/conoscenza/ingest/db"
)

// OIDCConfig is the city's identity provider.
type OIDCConfig struct {
	Issuer       string   // the issuer URL; discovery reads <Issuer>/.well-known/openid-configuration
	ClientID     string   // this application's client id
	ClientSecret string   // its secret (never logged)
	RedirectURL  string   // <public base>/api/v1/auth/oidc/callback, registered at the provider
	Scopes       []string // default openid, profile, email
	// RolesClaim names the ID token claim with the user's groups or roles; a dotted path
	// reaches into objects (realm_access.roles). Default "roles".
	RolesClaim string
	// RoleMap maps claim values to roles. When several values map, the most powerful role wins
	// (admin, staff, formatore, decisore).
	RoleMap map[string]tool.Role
	// DefaultRole is given when no value maps; empty refuses such users.
	DefaultRole tool.Role
	// UsernameClaim names the claim used as username on first login (default
	// preferred_username, then email, then a name derived from the subject).
	UsernameClaim string
	// HTTPClient talks to the provider (default http.DefaultClient).
	HTTPClient *http.Client
}

// OIDCConfigFromEnv reads CONOSCENZA_OIDC_ISSUER (unset: no OIDC), _CLIENT_ID, _CLIENT_SECRET,
// _REDIRECT_URL, _SCOPES (space or comma separated), _ROLES_CLAIM, _ROLE_MAP
// ("value=role,value=role"), _DEFAULT_ROLE and _USERNAME_CLAIM.
func OIDCConfigFromEnv(getenv func(string) string) (*OIDCConfig, error) {
	get := func(k string) string { return strings.TrimSpace(getenv("CONOSCENZA_OIDC_" + k)) }
	if get("ISSUER") == "" {
		return nil, nil
	}
	c := &OIDCConfig{Issuer: get("ISSUER"), ClientID: get("CLIENT_ID"), ClientSecret: get("CLIENT_SECRET"),
		RedirectURL: get("REDIRECT_URL"), RolesClaim: get("ROLES_CLAIM"), UsernameClaim: get("USERNAME_CLAIM"),
		Scopes: strings.FieldsFunc(get("SCOPES"), func(r rune) bool { return r == ' ' || r == ',' })}
	if c.ClientID == "" || c.RedirectURL == "" {
		return nil, errors.New("CONOSCENZA_OIDC_ISSUER is set: CONOSCENZA_OIDC_CLIENT_ID and CONOSCENZA_OIDC_REDIRECT_URL are required too")
	}
	if u, err := url.Parse(c.RedirectURL); err != nil || u.Scheme == "" || u.Host == "" {
		return nil, fmt.Errorf("CONOSCENZA_OIDC_REDIRECT_URL %q is not an absolute URL", c.RedirectURL)
	}
	if m := get("ROLE_MAP"); m != "" {
		c.RoleMap = map[string]tool.Role{}
		for _, pair := range strings.Split(m, ",") {
			k, v, ok := strings.Cut(pair, "=")
			role, err := ParseRole(v)
			if !ok || strings.TrimSpace(k) == "" || err != nil {
				return nil, fmt.Errorf("CONOSCENZA_OIDC_ROLE_MAP: %q is not value=role (roles: decisore, staff, formatore, admin)", pair)
			}
			c.RoleMap[strings.TrimSpace(k)] = role
		}
	}
	if d := get("DEFAULT_ROLE"); d != "" {
		role, err := ParseRole(d)
		if err != nil {
			return nil, fmt.Errorf("CONOSCENZA_OIDC_DEFAULT_ROLE: %w", err)
		}
		c.DefaultRole = role
	}
	return c, nil
}

// oidcClient discovers the provider on first use (and again after a failure), so that the
// server starts while the provider is down and password login keeps working.
type oidcClient struct {
	cfg OIDCConfig

	mu       sync.Mutex
	provider *oidc.Provider
}

func newOIDCClient(cfg OIDCConfig) (*oidcClient, error) {
	if cfg.Issuer == "" || cfg.ClientID == "" || cfg.RedirectURL == "" {
		return nil, errors.New("oidc: issuer, client id and redirect URL are required")
	}
	if len(cfg.Scopes) == 0 {
		cfg.Scopes = []string{oidc.ScopeOpenID, "profile", "email"}
	}
	if cfg.RolesClaim == "" {
		cfg.RolesClaim = "roles"
	}
	if cfg.UsernameClaim == "" {
		cfg.UsernameClaim = "preferred_username"
	}
	if cfg.HTTPClient == nil {
		cfg.HTTPClient = http.DefaultClient
	}
	return &oidcClient{cfg: cfg}, nil
}

func (o *oidcClient) ctx(ctx context.Context) context.Context {
	return oidc.ClientContext(ctx, o.cfg.HTTPClient)
}

func (o *oidcClient) oauth2(ctx context.Context) (*oauth2.Config, *oidc.Provider, error) {
	o.mu.Lock()
	defer o.mu.Unlock()
	if o.provider == nil {
		dctx, cancel := context.WithTimeout(o.ctx(ctx), 10*time.Second)
		defer cancel()
		p, err := oidc.NewProvider(dctx, o.cfg.Issuer)
		if err != nil {
			return nil, nil, &db.Error{Code: db.CodeUnavailable, Message: "il provider di identità non risponde: riprova più tardi", Err: err}
		}
		o.provider = p
	}
	return &oauth2.Config{ClientID: o.cfg.ClientID, ClientSecret: o.cfg.ClientSecret, RedirectURL: o.cfg.RedirectURL,
		Endpoint: o.provider.Endpoint(), Scopes: o.cfg.Scopes}, o.provider, nil
}

// Keys of the pending login in the session.
const (
	sessOIDCState    = sessOIDC + ".state"
	sessOIDCNonce    = sessOIDC + ".nonce"
	sessOIDCVerifier = sessOIDC + ".verifier"
	sessOIDCNext     = sessOIDC + ".next"
)

// handleOIDCLogin sends the browser to the provider with a fresh state, nonce and PKCE
// challenge, kept in the session for the callback.
func (a *Authenticator) handleOIDCLogin(c *gin.Context) {
	if a.oidc == nil {
		abortJSON(c, http.StatusNotFound, string(db.CodeNotFound), "login con il provider di identità non configurato")
		return
	}
	conf, _, err := a.oidc.oauth2(c.Request.Context())
	if err != nil {
		a.cfg.Logger.Warn("oidc discovery", "err", err)
		abortJSON(c, http.StatusServiceUnavailable, string(db.CodeUnavailable), db.ErrorMessage(err))
		return
	}
	ctx := c.Request.Context()
	state, nonce, verifier := newSecret(), newSecret(), oauth2.GenerateVerifier()
	a.Sessions.Put(ctx, sessOIDCState, state)
	a.Sessions.Put(ctx, sessOIDCNonce, nonce)
	a.Sessions.Put(ctx, sessOIDCVerifier, verifier)
	a.Sessions.Put(ctx, sessOIDCNext, safeNext(c.Query("next")))
	c.Redirect(http.StatusFound, conf.AuthCodeURL(state, oidc.Nonce(nonce), oauth2.S256ChallengeOption(verifier)))
}

// handleOIDCCallback completes the login: state, code exchange with the PKCE verifier, ID
// token signature, audience, expiry and nonce, then the user is created or updated and the
// session starts.
func (a *Authenticator) handleOIDCCallback(c *gin.Context) {
	ctx := c.Request.Context()
	if a.oidc == nil {
		abortJSON(c, http.StatusNotFound, string(db.CodeNotFound), "login con il provider di identità non configurato")
		return
	}
	state := a.Sessions.PopString(ctx, sessOIDCState)
	nonce := a.Sessions.PopString(ctx, sessOIDCNonce)
	verifier := a.Sessions.PopString(ctx, sessOIDCVerifier)
	next := a.Sessions.PopString(ctx, sessOIDCNext)
	fail := func(status int, reason, msg string, err error) {
		if err != nil {
			a.cfg.Logger.Warn("oidc login failed", "reason", reason, "err", err)
		}
		a.appendAudit(c, audit.Entry{Actor: "anonimo", Action: audit.LoginFailure,
			Detail: map[string]any{"method": "oidc", "reason": reason, "ip": a.cfg.ClientIP(c)}})
		abortJSON(c, status, string(db.CodeForbidden), msg)
	}
	if e := c.Query("error"); e != "" {
		fail(http.StatusUnauthorized, "provider_error", "il provider di identità ha rifiutato il login", nil)
		return
	}
	got := c.Query("state")
	if state == "" || subtle.ConstantTimeCompare([]byte(state), []byte(got)) != 1 {
		fail(http.StatusBadRequest, "state_mismatch", "login scaduto o non valido: riparti dalla pagina di accesso", nil)
		return
	}
	conf, provider, err := a.oidc.oauth2(ctx)
	if err != nil {
		fail(http.StatusServiceUnavailable, "provider_unavailable", db.ErrorMessage(err), err)
		return
	}
	tok, err := conf.Exchange(a.oidc.ctx(ctx), c.Query("code"), oauth2.VerifierOption(verifier))
	if err != nil {
		fail(http.StatusUnauthorized, "code_exchange", "il provider di identità non ha confermato il login", err)
		return
	}
	raw, _ := tok.Extra("id_token").(string)
	if raw == "" {
		fail(http.StatusUnauthorized, "no_id_token", "il provider di identità non ha inviato un ID token", nil)
		return
	}
	idt, err := provider.Verifier(&oidc.Config{ClientID: a.oidc.cfg.ClientID}).Verify(a.oidc.ctx(ctx), raw)
	if err != nil {
		fail(http.StatusUnauthorized, "id_token_invalid", "ID token non valido", err)
		return
	}
	if nonce == "" || subtle.ConstantTimeCompare([]byte(idt.Nonce), []byte(nonce)) != 1 {
		fail(http.StatusUnauthorized, "nonce_mismatch", "ID token non valido", nil)
		return
	}
	var claims map[string]any
	if err := idt.Claims(&claims); err != nil {
		fail(http.StatusUnauthorized, "claims", "ID token non valido", err)
		return
	}
	role, ok := a.oidc.role(claims)
	if !ok {
		fail(http.StatusForbidden, "no_role", "il tuo account non ha un ruolo per Conoscenza: rivolgiti all'amministratore", nil)
		return
	}
	u, err := a.Users.UpsertOIDC(ctx, idt.Subject, a.oidc.username(claims, idt.Subject), str(claims["name"]), role)
	if errors.Is(err, ErrDisabled) {
		fail(http.StatusForbidden, "disabled", ErrDisabled.Message, nil)
		return
	}
	if err != nil {
		a.cfg.Logger.Error("oidc upsert user", "err", err)
		abortJSON(c, http.StatusInternalServerError, string(db.CodeInternal), "errore interno: riprova più tardi")
		return
	}
	if err := a.loggedIn(c, u, "oidc"); err != nil {
		return
	}
	if next == "" {
		next = "/"
	}
	c.Redirect(http.StatusFound, next)
}

// safeNext keeps only a local path, so that the login cannot be used to redirect elsewhere.
func safeNext(next string) string {
	if !strings.HasPrefix(next, "/") || strings.HasPrefix(next, "//") || strings.HasPrefix(next, "/\\") ||
		strings.ContainsAny(next, "\r\n") {
		return "/"
	}
	return next
}

// rolePrecedence orders the roles from most to least powerful.
var rolePrecedence = []tool.Role{tool.Admin, tool.Staff, tool.Formatore, tool.Decisore}

// role maps the roles claim to a role, or the default one.
func (o *oidcClient) role(claims map[string]any) (tool.Role, bool) {
	got := map[tool.Role]bool{}
	for _, v := range claimValues(claims, o.cfg.RolesClaim) {
		if r, ok := o.cfg.RoleMap[v]; ok {
			got[r] = true
		}
	}
	for _, r := range rolePrecedence {
		if got[r] {
			return r, true
		}
	}
	return o.cfg.DefaultRole, o.cfg.DefaultRole != ""
}

// claimValues reads the strings at a dotted path: a string or a list of strings.
func claimValues(claims map[string]any, path string) []string {
	var v any = claims
	for _, part := range strings.Split(path, ".") {
		m, ok := v.(map[string]any)
		if !ok {
			return nil
		}
		v = m[part]
	}
	switch t := v.(type) {
	case string:
		return []string{t}
	case []any:
		var out []string
		for _, x := range t {
			if s, ok := x.(string); ok {
				out = append(out, s)
			}
		}
		return out
	}
	return nil
}

func str(v any) string { s, _ := v.(string); return s }

var notUsername = regexp.MustCompile(`[^a-z0-9._@-]+`)

// username proposes a username for a new OIDC account.
func (o *oidcClient) username(claims map[string]any, subject string) string {
	for _, k := range []string{o.cfg.UsernameClaim, "email"} {
		n := strings.Trim(notUsername.ReplaceAllString(strings.ToLower(str(claims[k])), "-"), "-._@")
		if len(n) > 48 {
			n = n[:48]
		}
		if n != "" {
			return n
		}
	}
	return "oidc-" + subjectTag(subject)
}

func subjectTag(subject string) string {
	sum := sha256.Sum256([]byte(subject))
	return hex.EncodeToString(sum[:6])
}

// OIDCEnabled says whether login through the identity provider is configured.
func (a *Authenticator) OIDCEnabled() bool { return a.oidc != nil }
