package web

import (
	"context"
	"fmt"
	"net/http"
	"sort"
	"strings"
	"testing"

	"github.com/comune-bologna/conoscenza/ingest/db/dbtest"
	"github.com/comune-bologna/conoscenza/web/auth"
)

// The five callers of the authorization matrix, in column order.
const (
	colAnon = iota
	colDecisore
	colStaff
	colFormatore
	colAdmin
	nCols
)

var colNames = [nCols]string{"anonymous", "decisore", "staff", "formatore", "admin"}

// routeRule is one row of the authorization matrix: a registered route (method and Gin
// pattern), a concrete request for it, and the status each caller must get.
type routeRule struct {
	method, pattern string
	path, body      string
	want            [nCols]int
	// tokenWant, when set, replaces want for callers with an API token (logout only
	// concerns sessions).
	tokenWant *[nCols]int
}

// everyone: the route is public and answers status to all.
func everyone(status int) [nCols]int { return [nCols]int{status, status, status, status, status} }

// users: any logged-in user gets status, anonymous 401.
func users(status int) [nCols]int { return [nCols]int{401, status, status, status, status} }

// staffAdmin: staff and admin get status, the other roles 403, anonymous 401.
func staffAdmin(status int) [nCols]int { return [nCols]int{401, 403, status, 403, status} }

// pagesFor: a page for the given roles: they get 200, other roles 403, anonymous 302 (to /accedi).
func pagesFor(roles ...int) [nCols]int {
	w := [nCols]int{302, 403, 403, 403, 403}
	for _, r := range roles {
		w[r] = 200
	}
	return w
}

func ptr(w [nCols]int) *[nCols]int { return &w }

// authzMatrix lists every route of the server with the real authenticator mounted. A route
// registered in routes() or by auth.Mount without a row here fails TestAuthorizationMatrix.
var authzMatrix = []routeRule{
	{"GET", "/healthz", "/healthz", "", everyone(200), nil},
	{"GET", "/readyz", "/readyz", "", everyone(200), nil},
	// /metrics is loopback-only, and the test client is on loopback.
	{"GET", "/metrics", "/metrics", "", everyone(200), nil},
	{"GET", "/api/v1/openapi.json", "/api/v1/openapi.json", "", everyone(200), nil},
	{"GET", "/privacy", "/privacy", "", everyone(200), nil},

	// The browser app: pages answer HTML (a denial is an error page without the page's data).
	{"GET", "/", "/", "", everyone(302), nil},
	{"GET", "/accedi", "/accedi", "", everyone(200), nil},
	{"GET", "/assets/*file", "/assets/{app.css}", "", everyone(200), nil},
	{"GET", "/chiedi", "/chiedi", "", pagesFor(colDecisore, colStaff, colFormatore, colAdmin), nil},
	{"GET", "/cruscotto", "/cruscotto", "", pagesFor(colDecisore, colStaff, colFormatore, colAdmin), nil},
	{"GET", "/esplora", "/esplora", "", pagesFor(colDecisore, colStaff, colFormatore, colAdmin), nil},
	{"GET", "/fascicolo", "/fascicolo", "", pagesFor(colStaff, colAdmin), nil},
	{"GET", "/dati", "/dati", "", pagesFor(colStaff, colAdmin), nil},
	{"GET", "/formazione", "/formazione", "", pagesFor(colFormatore, colAdmin), nil},

	// Login with a wrong password is a 401 for everybody: the route itself is public.
	{"POST", "/api/v1/auth/login", "/api/v1/auth/login", `{"username":"nessuno-{caller}","password":"sbagliata-sbagliata"}`, everyone(401), nil},
	{"GET", "/api/v1/auth/me", "/api/v1/auth/me", "", users(200), nil},
	// OIDC is not configured in the test: public routes that say so.
	{"GET", "/api/v1/auth/oidc/login", "/api/v1/auth/oidc/login", "", everyone(404), nil},
	{"GET", "/api/v1/auth/oidc/callback", "/api/v1/auth/oidc/callback?state=x&code=y", "", everyone(404), nil},

	{"POST", "/api/v1/ask", "/api/v1/ask", `{"question":"quante domande di cassa integrazione?"}`, users(200), nil},
	{"POST", "/api/v1/ask/stream", "/api/v1/ask/stream", `{"question":"quante domande di cassa integrazione?"}`, users(200), nil},
	{"GET", "/api/v1/ask/stream", "/api/v1/ask/stream?question=quante+domande+di+cassa+integrazione", "", users(200), nil},
	{"GET", "/api/v1/conversations", "/api/v1/conversations", "", users(200), nil},
	{"GET", "/api/v1/conversations/export", "/api/v1/conversations/export", "", users(200), nil},
	{"GET", "/api/v1/conversations/:id", "/api/v1/conversations/7f1c2a52-7a55-4c8e-9d39-0a4b9b0b3a11", "", users(404), nil},
	{"DELETE", "/api/v1/conversations/:id", "/api/v1/conversations/7f1c2a52-7a55-4c8e-9d39-0a4b9b0b3a11", "", users(404), nil},
	{"POST", "/api/v1/messages/:id/feedback", "/api/v1/messages/999999999/feedback", `{"rating":1}`, users(404), nil},
	// Each caller deletes only their own conversations (the ask rows above made some).
	{"DELETE", "/api/v1/conversations", "/api/v1/conversations", "", users(200), nil},

	{"POST", "/api/v1/export/xlsx", "/api/v1/export/xlsx", `{"title":"Prova","columns":[{"name":"n","label":"N","type":"number"}],"rows":[[1]],"sql":"SELECT 1","sources":[],"as_of":""}`, users(200), nil},
	{"GET", "/api/v1/metrics", "/api/v1/metrics", "", users(200), nil},
	{"GET", "/api/v1/formazione/briefing", "/api/v1/formazione/briefing", "", [nCols]int{401, 403, 403, 200, 200}, nil},
	{"GET", "/api/v1/territorio/:level", "/api/v1/territorio/quartiere", "", users(200), nil},
	{"POST", "/api/v1/metrics/query", "/api/v1/metrics/query", `{"metric":"cig_domande","group_by":["anno"]}`, users(200), nil},
	{"GET", "/api/v1/search", "/api/v1/search?q=dehors&limit=2", "", users(200), nil},
	// The package database has no register snapshot: the platea is "unavailable" (503) to
	// those who may ask it, which still proves the role check let them through.
	{"POST", "/api/v1/platea", "/api/v1/platea", `{"filters":[{"dimension":"femminile","value":true}]}`, users(503), nil},

	{"GET", "/api/v1/imprese", "/api/v1/imprese?q=rossi", "", staffAdmin(200), nil},
	{"GET", "/api/v1/imprese/:cf", "/api/v1/imprese/01234567890", "", staffAdmin(404), nil},
	{"POST", "/api/v1/sql", "/api/v1/sql", `{"sql":"SELECT count(*) AS n FROM imprese"}`, staffAdmin(200), nil},

	// Dati e documenti: the as-of dates and the library are everyone's to read; batches,
	// rejected rows, uploads and removals are staff and admin's. A JSON body is not the
	// multipart form an upload needs (400 once the role is let through).
	{"GET", "/api/v1/sources", "/api/v1/sources", "", users(200), nil},
	{"GET", "/api/v1/documents", "/api/v1/documents?q=dehors", "", users(200), nil},
	{"GET", "/api/v1/batches", "/api/v1/batches?limit=5", "", staffAdmin(200), nil},
	{"GET", "/api/v1/batches/:id", "/api/v1/batches/999999999", "", staffAdmin(404), nil},
	{"GET", "/api/v1/batches/:id/rejections", "/api/v1/batches/999999999/rejections", "", staffAdmin(404), nil},
	{"POST", "/api/v1/ingest/:kind", "/api/v1/ingest/cig", `{"file":"cig.csv"}`, staffAdmin(400), nil},
	{"GET", "/api/v1/ingest/jobs/:id", "/api/v1/ingest/jobs/0123456789abcdef01234567", "", staffAdmin(404), nil},
	{"POST", "/api/v1/documents", "/api/v1/documents", `{"file":"nota.md"}`, staffAdmin(400), nil},
	{"DELETE", "/api/v1/documents/:id", "/api/v1/documents/999999999", "", staffAdmin(404), nil},

	// Last: it ends the session used by the rows above. A token has nothing to log out of.
	{"POST", "/api/v1/auth/logout", "/api/v1/auth/logout", "", users(204), ptr(users(400))},
}

// TestAuthorizationMatrix calls every route as every role through the real authenticator
// (demo users, once with API tokens and once with session cookies plus the CSRF token) and checks the status against authzMatrix; it also checks that
// every route the Gin engine registered has a row and every row a route.
func TestAuthorizationMatrix(t *testing.T) {
	d := dbtest.Shared(t)
	ctx := context.Background()
	if _, err := auth.EnsureDemoUsers(ctx, d.Pool); err != nil {
		t.Fatal(err)
	}
	a, err := auth.New(d.Pool, auth.Config{CookieSecure: false})
	if err != nil {
		t.Fatal(err)
	}
	defer a.Close()
	svcs := services(t)
	// One server per caller: each starts with its own rate-limit buckets, so that the
	// matrix's 24 requests per caller measure authorization and not the API's rate limits.
	app := testUI(t)
	newServer := func() *testServer { return newTestServer(t, Options{Services: svcs, Identity: a, UI: app}) }
	ts := newServer()

	// Every registered route has a rule, and every rule a route.
	rules := map[string]bool{}
	for _, r := range authzMatrix {
		key := r.method + " " + r.pattern
		if rules[key] {
			t.Errorf("route %s has two rows", key)
		}
		rules[key] = true
	}
	registered := map[string]bool{}
	for _, r := range ts.srv.engine.Routes() {
		key := r.Method + " " + r.Path
		registered[key] = true
		if !rules[key] {
			t.Errorf("route %s is registered but has no row in authzMatrix: add its expected status per role", key)
		}
	}
	for key := range rules {
		if !registered[key] {
			t.Errorf("authzMatrix row %s matches no registered route", key)
		}
	}

	store, err := auth.NewStore(d.Pool, auth.DefaultArgon2)
	if err != nil {
		t.Fatal(err)
	}
	var failures []string
	for _, mode := range []string{"token", "session"} {
		// creds[col] are the headers that identify the caller of that column.
		creds := [nCols][]string{}
		for i, u := range auth.DemoUsers {
			col := i + 1
			if colNames[col] != string(u.Role) {
				t.Fatalf("demo user %d is %s, column %s", i, u.Role, colNames[col])
			}
			if mode == "token" {
				_, secret, err := store.CreateToken(ctx, "test", u.Username, "authz matrix")
				if err != nil {
					t.Fatal(err)
				}
				creds[col] = []string{"Authorization", "Bearer " + secret}
				continue
			}
			resp, data := ts.call(t, http.MethodPost, "/api/v1/auth/login",
				fmt.Sprintf(`{"username":%q,"password":%q}`, u.Username, u.Password))
			var me auth.MeResponse
			decode(t, data, &me)
			if resp.StatusCode != http.StatusOK || me.CSRFToken == "" {
				t.Fatalf("login %s: %d %s", u.Username, resp.StatusCode, data)
			}
			var cookies []string
			for _, c := range resp.Cookies() {
				cookies = append(cookies, c.Name+"="+c.Value)
			}
			creds[col] = []string{"Cookie", strings.Join(cookies, "; "), auth.HeaderCSRF, me.CSRFToken}
		}
		servers := [nCols]*testServer{}
		for col := range servers {
			servers[col] = newServer()
		}
		for _, r := range authzMatrix {
			want := r.want
			if mode == "token" && r.tokenWant != nil {
				want = *r.tokenWant
			}
			for col := 0; col < nCols; col++ {
				var body any
				if r.body != "" {
					// A distinct made-up user per caller keeps the login throttle out of it.
					body = strings.ReplaceAll(r.body, "{caller}", mode+"-"+colNames[col])
				}
				path := strings.ReplaceAll(r.path, "{app.css}", strings.TrimPrefix(app.Manifest().Files["app.css"], "/"))
				resp, data := servers[col].call(t, r.method, path, body, creds[col]...)
				if resp.StatusCode != want[col] {
					failures = append(failures, fmt.Sprintf("%s %s as %s (%s): status %d, want %d: %.200s",
						r.method, r.path, colNames[col], mode, resp.StatusCode, want[col], data))
				}
				// A denial must never carry data: only the error body.
				denied := resp.StatusCode == http.StatusUnauthorized || resp.StatusCode == http.StatusForbidden
				if denied && isPageRoute(r.pattern) && strings.Contains(string(data), `data-cz="page-root"`) {
					failures = append(failures, fmt.Sprintf("%s %s as %s (%s): denied page still carries the page", r.method, r.path, colNames[col], mode))
				}
				if denied && !isPageRoute(r.pattern) && !strings.HasPrefix(string(data), `{"error":`) {
					failures = append(failures, fmt.Sprintf("%s %s as %s (%s): denial without an error body: %.200s",
						r.method, r.path, colNames[col], mode, data))
				}
			}
		}
	}
	sort.Strings(failures)
	for _, f := range failures {
		t.Error(f)
	}
}

// TestAuthorizationMatrixDeniesDecisoreOnlyWhereTheRoleTableDoes pins the rows that differ by
// role: exactly the company and SQL routes (tools company_dossier and run_sql), the pages
// for other roles, and the data-loading routes are closed to decisore.
func TestAuthorizationMatrixDeniesDecisoreOnlyWhereTheRoleTableDoes(t *testing.T) {
	denied := map[string]bool{}
	for _, r := range authzMatrix {
		if r.want[colDecisore] == http.StatusForbidden {
			denied[r.method+" "+r.pattern] = true
		}
	}
	want := []string{"GET /api/v1/imprese", "GET /api/v1/imprese/:cf", "POST /api/v1/sql", "GET /fascicolo", "GET /dati", "GET /formazione", "GET /api/v1/formazione/briefing",
		// the "Dati e documenti" page's batches, uploads and removals (web/dati.go, datiRoles)
		"GET /api/v1/batches", "GET /api/v1/batches/:id", "GET /api/v1/batches/:id/rejections", "POST /api/v1/ingest/:kind",
		"GET /api/v1/ingest/jobs/:id", "POST /api/v1/documents", "DELETE /api/v1/documents/:id"}
	if len(denied) != len(want) {
		t.Errorf("decisore is denied %v, want exactly %v", denied, want)
	}
	for _, w := range want {
		if !denied[w] {
			t.Errorf("decisore is not denied %s", w)
		}
	}
}
