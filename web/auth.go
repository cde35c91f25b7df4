package web

import (
	"net/http"
	"strings"

	"github.com/gin-gonic/gin"

	"github.com/comune-bologna/conoscenza/agent/tool"
	"github.com/comune-bologna/conoscenza/ingest/db"
	"github.com/comune-bologna/conoscenza/web/apitypes"
)

// Identity is the users-and-sessions layer (web/auth's Authenticator satisfies it).
type Identity interface {
	// Mount registers the login, logout, me and OIDC routes on r (under /auth).
	Mount(r gin.IRouter)
	// Authenticate requires a user, leaves the principal under the request's
	// "conoscenza.principal" key, or answers 401/403 itself.
	Authenticate(c *gin.Context)
}

// PrincipalFunc is the one seam of identity: it says who makes a request, or fails (with a
// domain error: invalid, forbidden...). Every /api/v1 route goes through it, and every tool
// call then goes through the executor's role rules.
//
// With an Identity (web/auth: users, sessions, API tokens, OIDC) the server requires a user
// instead. Without one it uses AnonymousPrincipal, or DevHeaderPrincipal when started with
// --insecure-dev-auth (development only). Both give user id 0, so every client shares the same
// conversations.
type PrincipalFunc func(r *http.Request) (tool.Principal, error)

// AnonymousPrincipal treats every request as an anonymous decisore: the least privileged role
// that can use the assistant.
func AnonymousPrincipal(*http.Request) (tool.Principal, error) {
	return tool.Principal{Username: "anonimo", Role: tool.Decisore}, nil
}

// DevHeaderPrincipal reads the role from the X-Conoscenza-Role header (default decisore).
// INSECURE: anyone can claim any role; it exists for development and demos only and must be
// switched on explicitly (--insecure-dev-auth or CONOSCENZA_DEV_AUTH=1).
func DevHeaderPrincipal(r *http.Request) (tool.Principal, error) {
	role := tool.Role(strings.ToLower(strings.TrimSpace(r.Header.Get(apitypes.HeaderDevRole))))
	if role == "" {
		role = tool.Decisore
	}
	if !tool.ValidRole(role) {
		return tool.Principal{}, db.Errorf(db.CodeInvalid, "ruolo %q sconosciuto in %s: usa decisore, staff, formatore o admin",
			role, apitypes.HeaderDevRole)
	}
	return tool.Principal{Username: "dev-" + string(role), Role: role}, nil
}
