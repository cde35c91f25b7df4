package auth_test

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/alexedwards/argon2id"
	"github.com/gin-gonic/gin"

	"github.com/comune-bologna/conoscenza/agent/audit"
	"github.com/comune-bologna/conoscenza/agent/tool"
	"github.com/comune-bologna/conoscenza/ingest/db/dbtest"
	"github.com/comune-bologna/conoscenza/web/auth"
)

func TestMain(m *testing.M) { dbtest.Main(m) }

// cheap keeps password hashing fast in tests; production uses auth.DefaultArgon2.
var cheap = argon2id.Params{Memory: 1024, Iterations: 1, Parallelism: 1, SaltLength: 16, KeyLength: 32}

// app is an API server as web will mount it: LoadSession on everything, the auth routes
// under /api/v1, and a protected group with a probe of who is calling.
type app struct {
	t    *testing.T
	a    *auth.Authenticator
	srv  *httptest.Server
	hits atomic.Int64
}

func newApp(t *testing.T, cfg auth.Config) *app {
	t.Helper()
	d := dbtest.Shared(t)
	if cfg.Argon2 == (argon2id.Params{}) {
		cfg.Argon2 = cheap
	}
	a, err := auth.New(d.Pool, cfg)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(a.Close)
	ap := &app{t: t, a: a}
	gin.SetMode(gin.ReleaseMode)
	e := gin.New()
	e.Use(a.LoadSession)
	v1 := e.Group("/api/v1")
	a.Mount(v1)
	api := v1.Group("", a.Authenticate)
	api.GET("/whoami", func(c *gin.Context) {
		p, _ := auth.Principal(c)
		c.JSON(http.StatusOK, p)
	})
	api.POST("/change", func(c *gin.Context) {
		ap.hits.Add(1)
		c.JSON(http.StatusOK, gin.H{"ok": true})
	})
	api.GET("/admin", auth.RequireRole(tool.Admin), func(c *gin.Context) { c.Status(http.StatusNoContent) })
	ap.srv = httptest.NewServer(e)
	t.Cleanup(ap.srv.Close)
	return ap
}

// user creates an account with a password and returns its name.
func (ap *app) user(name string, role tool.Role) string {
	ap.t.Helper()
	if _, err := ap.a.Users.Create(context.Background(), "test", auth.NewUser{Username: name, Role: role,
		Password: "password-" + name}); err != nil {
		ap.t.Fatal(err)
	}
	return name
}

// browser is a client with a cookie jar that does not follow redirects.
type browser struct {
	t    *testing.T
	ap   *app
	c    *http.Client
	csrf string
}

func (ap *app) browser() *browser {
	jar, _ := cookiejar.New(nil)
	return &browser{t: ap.t, ap: ap, c: &http.Client{Jar: jar,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}}
}

// do sends a request; hdr holds extra headers ("Content-Type" defaults to JSON for bodies).
func (b *browser) do(method, path, body string, hdr map[string]string) (*http.Response, string) {
	b.t.Helper()
	var r io.Reader
	if body != "" {
		r = strings.NewReader(body)
	}
	req, err := http.NewRequest(method, b.ap.srv.URL+path, r)
	if err != nil {
		b.t.Fatal(err)
	}
	if body != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	for k, v := range hdr {
		req.Header.Set(k, v)
	}
	resp, err := b.c.Do(req)
	if err != nil {
		b.t.Fatal(err)
	}
	defer resp.Body.Close()
	out, _ := io.ReadAll(resp.Body)
	return resp, string(out)
}

// login posts the password login and keeps the CSRF token.
func (b *browser) login(user, password string) *http.Response {
	b.t.Helper()
	resp, body := b.do("POST", "/api/v1/auth/login", fmt.Sprintf(`{"username":%q,"password":%q}`, user, password), nil)
	if resp.StatusCode == http.StatusOK {
		var me auth.MeResponse
		if err := json.Unmarshal([]byte(body), &me); err != nil {
			b.t.Fatal(err)
		}
		b.csrf = me.CSRFToken
	}
	return resp
}

func (b *browser) whoami() (int, tool.Principal) {
	b.t.Helper()
	resp, body := b.do("GET", "/api/v1/whoami", "", nil)
	var p tool.Principal
	_ = json.Unmarshal([]byte(body), &p)
	return resp.StatusCode, p
}

// lastAudit returns the newest audit records about object.
func lastAudit(t *testing.T, object string, n int) []audit.Record {
	t.Helper()
	rows, err := dbtest.Shared(t).Pool.Query(context.Background(), `SELECT id, action, actor, detail::text
		FROM audit.audit_log WHERE object = $1 ORDER BY id DESC LIMIT $2`, object, n)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var out []audit.Record
	for rows.Next() {
		var r audit.Record
		var d string
		if err := rows.Scan(&r.ID, &r.Action, &r.Actor, &d); err != nil {
			t.Fatal(err)
		}
		r.Detail = json.RawMessage(d)
		out = append(out, r)
	}
	return out
}
