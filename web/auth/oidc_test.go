package auth_test

import (
	"context"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/go-jose/go-jose/v4"

	"github.com/comune-bologna/conoscenza/agent/tool"
	"github.com/comune-bologna/conoscenza/web/auth"
)

// idp is a stand-in OpenID Connect provider: discovery, JWKS, an authorization endpoint that
// logs in whoever the test says, and a token endpoint that checks the PKCE verifier and issues
// RS256 ID tokens.
type idp struct {
	t      *testing.T
	srv    *httptest.Server
	key    *rsa.PrivateKey
	client string

	mu     sync.Mutex
	claims map[string]any // who logs in next
	codes  map[string]grant
	badSig bool // sign with another key
}

type grant struct {
	nonce, challenge string
	claims           map[string]any
}

func newIDP(t *testing.T) *idp {
	key, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	p := &idp{t: t, key: key, client: "conoscenza-test", codes: map[string]grant{}}
	mux := http.NewServeMux()
	mux.HandleFunc("/.well-known/openid-configuration", func(w http.ResponseWriter, _ *http.Request) {
		u := p.srv.URL
		_ = json.NewEncoder(w).Encode(map[string]any{"issuer": u, "authorization_endpoint": u + "/authorize",
			"token_endpoint": u + "/token", "jwks_uri": u + "/jwks", "response_types_supported": []string{"code"},
			"subject_types_supported": []string{"public"}, "id_token_signing_alg_values_supported": []string{"RS256"},
			"code_challenge_methods_supported": []string{"S256"}})
	})
	mux.HandleFunc("/jwks", func(w http.ResponseWriter, _ *http.Request) {
		_ = json.NewEncoder(w).Encode(jose.JSONWebKeySet{Keys: []jose.JSONWebKey{{Key: &p.key.PublicKey, KeyID: "k1", Algorithm: "RS256", Use: "sig"}}})
	})
	mux.HandleFunc("/authorize", func(w http.ResponseWriter, r *http.Request) {
		q := r.URL.Query()
		if q.Get("client_id") != p.client || q.Get("code_challenge_method") != "S256" || q.Get("code_challenge") == "" || q.Get("nonce") == "" {
			http.Error(w, "bad authorization request: "+r.URL.RawQuery, http.StatusBadRequest)
			return
		}
		code := base64.RawURLEncoding.EncodeToString([]byte(time.Now().String()))
		p.mu.Lock()
		p.codes[code] = grant{nonce: q.Get("nonce"), challenge: q.Get("code_challenge"), claims: p.claims}
		p.mu.Unlock()
		http.Redirect(w, r, q.Get("redirect_uri")+"?code="+url.QueryEscape(code)+"&state="+url.QueryEscape(q.Get("state")), http.StatusFound)
	})
	mux.HandleFunc("/token", func(w http.ResponseWriter, r *http.Request) {
		_ = r.ParseForm()
		p.mu.Lock()
		g, ok := p.codes[r.PostForm.Get("code")]
		delete(p.codes, r.PostForm.Get("code"))
		p.mu.Unlock()
		sum := sha256.Sum256([]byte(r.PostForm.Get("code_verifier")))
		if !ok || base64.RawURLEncoding.EncodeToString(sum[:]) != g.challenge {
			w.Header().Set("Content-Type", "application/json")
			w.WriteHeader(http.StatusBadRequest)
			_, _ = w.Write([]byte(`{"error":"invalid_grant"}`))
			return
		}
		w.Header().Set("Content-Type", "application/json")
		_ = json.NewEncoder(w).Encode(map[string]any{"access_token": "at", "token_type": "Bearer", "expires_in": 300,
			"id_token": p.sign(g)})
	})
	p.srv = httptest.NewServer(mux)
	t.Cleanup(p.srv.Close)
	return p
}

func (p *idp) sign(g grant) string {
	claims := map[string]any{"iss": p.srv.URL, "aud": p.client, "iat": time.Now().Unix(),
		"exp": time.Now().Add(5 * time.Minute).Unix(), "nonce": g.nonce}
	for k, v := range g.claims {
		claims[k] = v
	}
	key := p.key
	p.mu.Lock()
	bad := p.badSig
	p.mu.Unlock()
	if bad {
		key, _ = rsa.GenerateKey(rand.Reader, 2048)
	}
	signer, err := jose.NewSigner(jose.SigningKey{Algorithm: jose.RS256, Key: jose.JSONWebKey{Key: key, KeyID: "k1"}},
		(&jose.SignerOptions{}).WithType("JWT"))
	if err != nil {
		p.t.Fatal(err)
	}
	payload, _ := json.Marshal(claims)
	obj, err := signer.Sign(payload)
	if err != nil {
		p.t.Fatal(err)
	}
	s, _ := obj.CompactSerialize()
	return s
}

func (p *idp) setBadSig(v bool) { p.mu.Lock(); p.badSig = v; p.mu.Unlock() }

// oidcApp is an app whose OIDC login goes to p; the app's URL is known only once it listens,
// so the redirect URL is filled in through a late-bound handler.
func oidcApp(t *testing.T, p *idp, mut func(*auth.OIDCConfig)) *app {
	var h http.Handler
	front := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { h.ServeHTTP(w, r) }))
	t.Cleanup(front.Close)
	cfg := &auth.OIDCConfig{Issuer: p.srv.URL, ClientID: p.client, ClientSecret: "s3cret",
		RedirectURL: front.URL + "/api/v1/auth/oidc/callback", RolesClaim: "groups",
		RoleMap: map[string]tool.Role{"giunta": tool.Decisore, "ufficio-studi": tool.Staff, "sistemi": tool.Admin}}
	if mut != nil {
		mut(cfg)
	}
	ap := newApp(t, auth.Config{OIDC: cfg})
	h = ap.srv.Config.Handler
	ap.srv = front
	return ap
}

// loginVia runs the browser through the code flow and returns the final response and body.
func (b *browser) loginVia(p *idp, claims map[string]any, next string) (*http.Response, string) {
	b.t.Helper()
	p.mu.Lock()
	p.claims = claims
	p.mu.Unlock()
	resp, body := b.do("GET", "/api/v1/auth/oidc/login?next="+url.QueryEscape(next), "", nil)
	for i := 0; i < 5 && resp.StatusCode == http.StatusFound; i++ {
		loc, _ := url.Parse(resp.Header.Get("Location"))
		if loc.Host == "" {
			loc = mustURL(b.ap.srv.URL).ResolveReference(loc)
		}
		req, _ := http.NewRequest("GET", loc.String(), nil)
		r, err := b.c.Do(req)
		if err != nil {
			b.t.Fatal(err)
		}
		out, _ := io.ReadAll(r.Body)
		r.Body.Close()
		resp, body = r, string(out)
	}
	return resp, body
}

func mustURL(s string) *url.URL { u, _ := url.Parse(s); return u }

func TestOIDCCodeFlowMapsClaimsToRoles(t *testing.T) {
	p := newIDP(t)
	cases := []struct {
		name        string
		mut         func(*auth.OIDCConfig)
		claims      map[string]any
		wantStatus  int
		wantRole    tool.Role
		wantUsernam string
	}{
		{"one mapped group", nil, map[string]any{"sub": "s-1", "preferred_username": "Anna.Bianchi", "groups": []any{"giunta"}},
			200, tool.Decisore, "anna.bianchi"},
		{"the most powerful mapped group wins", nil, map[string]any{"sub": "s-2", "preferred_username": "carlo", "groups": []any{"giunta", "ufficio-studi", "altro"}},
			200, tool.Staff, "carlo"},
		{"a single string claim", nil, map[string]any{"sub": "s-3", "preferred_username": "dora", "groups": "sistemi"},
			200, tool.Admin, "dora"},
		{"no mapped group and no default is refused", nil, map[string]any{"sub": "s-4", "preferred_username": "ezio", "groups": []any{"altro"}},
			403, "", ""},
		{"no mapped group gets the default role", func(c *auth.OIDCConfig) { c.DefaultRole = tool.Decisore },
			map[string]any{"sub": "s-5", "email": "Fabio@Comune.Bologna.IT"}, 200, tool.Decisore, "fabio@comune.bologna.it"},
		{"nested claim path", func(c *auth.OIDCConfig) { c.RolesClaim = "realm_access.roles" },
			map[string]any{"sub": "s-6", "preferred_username": "gina", "realm_access": map[string]any{"roles": []any{"ufficio-studi"}}},
			200, tool.Staff, "gina"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			ap := oidcApp(t, p, tc.mut)
			b := ap.browser()
			resp, body := b.loginVia(p, tc.claims, "/api/v1/whoami")
			if resp.StatusCode != tc.wantStatus {
				t.Fatalf("status %d (%s), want %d", resp.StatusCode, body, tc.wantStatus)
			}
			if tc.wantStatus != 200 {
				if code, _ := b.whoami(); code != 401 {
					t.Errorf("after a refused login whoami = %d, want 401", code)
				}
				return
			}
			var pr tool.Principal
			_ = json.Unmarshal([]byte(body), &pr)
			if pr.Role != tc.wantRole || pr.Username != tc.wantUsernam {
				t.Errorf("principal %+v, want %s as %s", pr, tc.wantUsernam, tc.wantRole)
			}
			u, err := ap.a.Users.Get(context.Background(), tc.wantUsernam)
			if err != nil || !u.OIDC || u.HasPassword {
				t.Errorf("user %+v, %v: want an OIDC account without a password", u, err)
			}
		})
	}
}

func TestOIDCLoginUpdatesAndRefuses(t *testing.T) {
	p := newIDP(t)
	ap := oidcApp(t, p, nil)
	ctx := context.Background()
	// A local account already has the name: the OIDC user gets another, accounts never merge.
	ap.user("hugo", tool.Admin)
	who := map[string]any{"sub": "s-hugo", "preferred_username": "hugo", "groups": []any{"giunta"}}
	resp, body := ap.browser().loginVia(p, who, "/api/v1/whoami")
	if resp.StatusCode != 200 || strings.Contains(body, `"username":"hugo"`) || !strings.Contains(body, `"role":"decisore"`) {
		t.Fatalf("first login: %d %s, want a separate decisore account", resp.StatusCode, body)
	}
	// The provider's groups change: the role follows at the next login.
	who["groups"] = []any{"ufficio-studi"}
	if resp, body := ap.browser().loginVia(p, who, "/api/v1/whoami"); resp.StatusCode != 200 || !strings.Contains(body, `"role":"staff"`) {
		t.Errorf("second login: %d %s, want staff", resp.StatusCode, body)
	}
	users, _ := ap.a.Users.List(ctx)
	var name string
	for _, u := range users {
		if strings.HasPrefix(u.Username, "hugo-") {
			name = u.Username
		}
	}
	if err := ap.a.Users.SetDisabled(ctx, "test", name, true); err != nil {
		t.Fatalf("disable %q: %v", name, err)
	}
	if resp, _ := ap.browser().loginVia(p, who, "/api/v1/whoami"); resp.StatusCode != 403 {
		t.Errorf("disabled OIDC user: %d, want 403", resp.StatusCode)
	}
	if a := lastAudit(t, "", 1); len(a) == 0 || a[0].Action != "login.failure" || !strings.Contains(string(a[0].Detail), "disabled") {
		t.Errorf("audit = %+v, want a failure for the disabled user", a)
	}
}

func TestOIDCCallbackRefusesForgeries(t *testing.T) {
	p := newIDP(t)
	ap := oidcApp(t, p, nil)
	who := map[string]any{"sub": "s-ivo", "preferred_username": "ivo", "groups": []any{"giunta"}}

	t.Run("callback without a login started here", func(t *testing.T) {
		resp, _ := ap.browser().do("GET", "/api/v1/auth/oidc/callback?code=x&state=y", "", nil)
		if resp.StatusCode != 400 {
			t.Errorf("status %d, want 400", resp.StatusCode)
		}
	})
	t.Run("state from another login", func(t *testing.T) {
		b := ap.browser()
		resp, _ := b.do("GET", "/api/v1/auth/oidc/login", "", nil)
		loc, _ := url.Parse(resp.Header.Get("Location"))
		if loc.Query().Get("code_challenge") == "" || loc.Query().Get("nonce") == "" || loc.Query().Get("state") == "" {
			t.Fatalf("authorization URL %s lacks state, nonce or PKCE", loc)
		}
		resp, _ = b.do("GET", "/api/v1/auth/oidc/callback?code=x&state=forged", "", nil)
		if resp.StatusCode != 400 {
			t.Errorf("status %d, want 400", resp.StatusCode)
		}
	})
	t.Run("ID token signed by another key", func(t *testing.T) {
		p.setBadSig(true)
		defer p.setBadSig(false)
		if resp, _ := ap.browser().loginVia(p, who, "/"); resp.StatusCode != 401 {
			t.Errorf("status %d, want 401", resp.StatusCode)
		}
	})
	t.Run("next pointing elsewhere stays here", func(t *testing.T) {
		b := ap.browser()
		p.mu.Lock()
		p.claims = who
		p.mu.Unlock()
		resp, _ := b.do("GET", "/api/v1/auth/oidc/login?next="+url.QueryEscape("//evil.example/x"), "", nil)
		for i := 0; i < 3 && resp.StatusCode == http.StatusFound; i++ {
			loc := resp.Header.Get("Location")
			if strings.Contains(loc, "evil.example") {
				t.Fatalf("redirected to %s", loc)
			}
			r, err := b.c.Get(mustURL(ap.srv.URL).ResolveReference(mustURL(loc)).String())
			if err != nil {
				t.Fatal(err)
			}
			r.Body.Close()
			resp = r
		}
	})
}

func TestOIDCConfigFromEnv(t *testing.T) {
	env := func(m map[string]string) func(string) string { return func(k string) string { return m[k] } }
	full := map[string]string{"CONOSCENZA_OIDC_ISSUER": "https://idp.example", "CONOSCENZA_OIDC_CLIENT_ID": "c",
		"CONOSCENZA_OIDC_REDIRECT_URL": "https://app.example/api/v1/auth/oidc/callback",
		"CONOSCENZA_OIDC_ROLE_MAP":     "giunta=decisore, ict=admin", "CONOSCENZA_OIDC_DEFAULT_ROLE": "decisore"}
	c, err := auth.OIDCConfigFromEnv(env(full))
	if err != nil || c.RoleMap["ict"] != tool.Admin || c.RoleMap["giunta"] != tool.Decisore || c.DefaultRole != tool.Decisore {
		t.Fatalf("config %+v, %v", c, err)
	}
	if c, err := auth.OIDCConfigFromEnv(env(nil)); c != nil || err != nil {
		t.Errorf("no issuer: %+v, %v, want OIDC off", c, err)
	}
	for name, change := range map[string][2]string{
		"missing client id":   {"CONOSCENZA_OIDC_CLIENT_ID", ""},
		"relative redirect":   {"CONOSCENZA_OIDC_REDIRECT_URL", "/callback"},
		"unknown mapped role": {"CONOSCENZA_OIDC_ROLE_MAP", "giunta=sindaco"},
		"pair without =":      {"CONOSCENZA_OIDC_ROLE_MAP", "giunta"},
		"bad default role":    {"CONOSCENZA_OIDC_DEFAULT_ROLE", "capo"},
	} {
		m := map[string]string{}
		for k, v := range full {
			m[k] = v
		}
		m[change[0]] = change[1]
		if _, err := auth.OIDCConfigFromEnv(env(m)); err == nil {
			t.Errorf("%s: accepted", name)
		}
	}
}

func TestConfigFromEnv(t *testing.T) {
	c, err := auth.ConfigFromEnv(func(string) string { return "" })
	if err != nil || !c.CookieSecure || c.OIDC != nil {
		t.Fatalf("defaults: %+v, %v: want Secure cookies and no OIDC", c, err)
	}
	m := map[string]string{"CONOSCENZA_COOKIE_SECURE": "false", "CONOSCENZA_SESSION_IDLE": "30m",
		"CONOSCENZA_TRUSTED_ORIGINS": "https://conoscenza.example/, http://localhost:8080"}
	c, err = auth.ConfigFromEnv(func(k string) string { return m[k] })
	if err != nil || c.CookieSecure || c.SessionIdle != 30*time.Minute || len(c.TrustedOrigins) != 2 || c.TrustedOrigins[0] != "https://conoscenza.example" {
		t.Fatalf("config %+v, %v", c, err)
	}
	for k, v := range map[string]string{"CONOSCENZA_COOKIE_SECURE": "maybe", "CONOSCENZA_SESSION_LIFETIME": "-1h",
		"CONOSCENZA_TRUSTED_ORIGINS": "conoscenza.example"} {
		if _, err := auth.ConfigFromEnv(func(key string) string { return map[string]string{k: v}[key] }); err == nil {
			t.Errorf("%s=%s accepted", k, v)
		}
	}
}
