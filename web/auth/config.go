package auth

import (
	"fmt"
	"log/slog"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/alexedwards/argon2id"
	"github.com/gin-gonic/gin"
)

// Config is how the authenticator behaves. ConfigFromEnv fills it from the environment;
// zero fields take the defaults documented on each.
type Config struct {
	// CookieSecure marks the session cookie Secure (sent over HTTPS only). Default true; turn
	// it off only to serve plain http on localhost (CONOSCENZA_COOKIE_SECURE=false).
	CookieSecure bool
	// SessionLifetime is the absolute limit of a session (default 12h).
	SessionLifetime time.Duration
	// SessionIdle ends a session unused for this long (default 2h).
	SessionIdle time.Duration
	// TrustedOrigins are origins, besides the server's own, allowed to post a login
	// (e.g. https://conoscenza.comune.bologna.it behind a proxy that rewrites Host).
	TrustedOrigins []string
	// UserThrottle and IPThrottle bound failed logins (defaults DefaultUserPolicy, DefaultIPPolicy).
	UserThrottle, IPThrottle ThrottlePolicy
	// Argon2 are the parameters of new password hashes (default DefaultArgon2).
	Argon2 argon2id.Params
	// OIDC enables login through the identity provider; nil disables it.
	OIDC *OIDCConfig
	// ClientIP says which address a login comes from, for throttling and the audit log.
	// Default: the TCP peer (c.RemoteIP), which a client cannot forge. Behind a reverse proxy
	// use c.ClientIP with the engine's SetTrustedProxies set to the proxy's address.
	ClientIP func(c *gin.Context) string
	// Logger receives warnings and errors, never personal data (default: discard).
	Logger *slog.Logger
}

func (c Config) withDefaults() Config {
	if c.SessionLifetime <= 0 {
		c.SessionLifetime = 12 * time.Hour
	}
	if c.SessionIdle <= 0 {
		c.SessionIdle = 2 * time.Hour
	}
	if c.UserThrottle == (ThrottlePolicy{}) {
		c.UserThrottle = DefaultUserPolicy
	}
	if c.IPThrottle == (ThrottlePolicy{}) {
		c.IPThrottle = DefaultIPPolicy
	}
	if c.Argon2 == (argon2id.Params{}) {
		c.Argon2 = DefaultArgon2
	}
	if c.ClientIP == nil {
		c.ClientIP = func(c *gin.Context) string { return c.RemoteIP() }
	}
	if c.Logger == nil {
		c.Logger = slog.New(slog.DiscardHandler)
	}
	return c
}

// ConfigFromEnv reads:
//
//	CONOSCENZA_COOKIE_SECURE      true (default) or false for plain-http localhost
//	CONOSCENZA_SESSION_LIFETIME   absolute session limit, e.g. 12h
//	CONOSCENZA_SESSION_IDLE       idle limit, e.g. 2h
//	CONOSCENZA_TRUSTED_ORIGINS    comma-separated origins allowed to post a login
//	CONOSCENZA_OIDC_*             see OIDCConfigFromEnv
func ConfigFromEnv(getenv func(string) string) (Config, error) {
	c := Config{CookieSecure: true}
	if v := strings.TrimSpace(getenv("CONOSCENZA_COOKIE_SECURE")); v != "" {
		b, err := strconv.ParseBool(v)
		if err != nil {
			return c, fmt.Errorf("CONOSCENZA_COOKIE_SECURE %q must be true or false", v)
		}
		c.CookieSecure = b
	}
	for key, dst := range map[string]*time.Duration{
		"CONOSCENZA_SESSION_LIFETIME": &c.SessionLifetime, "CONOSCENZA_SESSION_IDLE": &c.SessionIdle,
	} {
		if v := strings.TrimSpace(getenv(key)); v != "" {
			d, err := time.ParseDuration(v)
			if err != nil || d <= 0 {
				return c, fmt.Errorf("%s %q is not a positive duration such as 2h", key, v)
			}
			*dst = d
		}
	}
	for _, o := range strings.Split(getenv("CONOSCENZA_TRUSTED_ORIGINS"), ",") {
		if o = strings.TrimRight(strings.TrimSpace(o), "/"); o == "" {
			continue
		}
		if u, err := url.Parse(o); err != nil || u.Scheme == "" || u.Host == "" || u.Path != "" {
			return c, fmt.Errorf("CONOSCENZA_TRUSTED_ORIGINS: %q is not an origin such as https://host[:port]", o)
		}
		c.TrustedOrigins = append(c.TrustedOrigins, o)
	}
	oidc, err := OIDCConfigFromEnv(getenv)
	if err != nil {
		return c, err
	}
	c.OIDC = oidc
	return c, nil
}

// cookieName is __Host- prefixed when the cookie is Secure: browsers then refuse it unless it
// was set over HTTPS, for path /, without a Domain, so a sibling subdomain cannot plant one.
func (c Config) cookieName() string {
	if c.CookieSecure {
		return "__Host-conoscenza_session"
	}
	return "conoscenza_session"
}

// sameSite is Lax: the OpenID Connect callback arrives as a top-level GET from the identity
// provider's site, and must carry the session that holds its state; every state-changing
// request is protected by the CSRF token instead.
const sameSite = http.SameSiteLaxMode
