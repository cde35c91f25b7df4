package web

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/cookiejar"
	"strings"
	"testing"

	"github.com/comune-bologna/conoscenza/ingest/db/dbtest"
	"github.com/comune-bologna/conoscenza/web/apitypes"
	"github.com/comune-bologna/conoscenza/web/auth"
)

// TestWithIdentityEveryRouteNeedsAUserAndAnswersAsThatUser mounts the real authenticator:
// anonymous requests get 401, a logged-in user asks with the session cookie and CSRF token,
// and sees only their own conversations.
func TestWithIdentityEveryRouteNeedsAUserAndAnswersAsThatUser(t *testing.T) {
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
	ts := newTestServer(t, Options{Services: services(t), Identity: a})

	resp, body := ts.call(t, http.MethodPost, "/api/v1/ask", apitypes.AskRequest{Question: "quante domande di cassa integrazione?"})
	if resp.StatusCode != http.StatusUnauthorized {
		t.Fatalf("anonymous ask: %d %s", resp.StatusCode, body)
	}
	// The dev role header means nothing once users exist.
	resp, _ = ts.call(t, http.MethodGet, "/api/v1/conversations", nil, apitypes.HeaderDevRole, "admin")
	if resp.StatusCode != http.StatusUnauthorized {
		t.Fatalf("dev header with identity: %d", resp.StatusCode)
	}

	login := func(user, password string) (*http.Client, string) {
		jar, _ := cookiejar.New(nil)
		c := &http.Client{Jar: jar}
		r, err := c.Post(ts.URL+"/api/v1/auth/login", "application/json",
			strings.NewReader(`{"username":"`+user+`","password":"`+password+`"}`))
		if err != nil {
			t.Fatal(err)
		}
		defer r.Body.Close()
		var me auth.MeResponse
		if err := json.NewDecoder(r.Body).Decode(&me); err != nil || r.StatusCode != http.StatusOK || me.CSRFToken == "" {
			t.Fatalf("login %s: %d %v %+v", user, r.StatusCode, err, me)
		}
		return c, me.CSRFToken
	}
	post := func(c *http.Client, csrf, path, body string) (*http.Response, []byte) {
		req, _ := http.NewRequest(http.MethodPost, ts.URL+path, strings.NewReader(body))
		req.Header.Set("Content-Type", "application/json")
		if csrf != "" {
			req.Header.Set(auth.HeaderCSRF, csrf)
		}
		r, err := c.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer r.Body.Close()
		b, _ := io.ReadAll(r.Body)
		return r, b
	}
	staff, csrf := login("demo.staff", "demo-staff-2025")
	if r, b := post(staff, "", "/api/v1/ask", `{"question":"quante domande di cassa integrazione?"}`); r.StatusCode != http.StatusForbidden {
		t.Fatalf("ask without the CSRF token: %d %s", r.StatusCode, b)
	}
	r, b := post(staff, csrf, "/api/v1/ask", `{"question":"quante domande di cassa integrazione?"}`)
	if r.StatusCode != http.StatusOK {
		t.Fatalf("ask as staff: %d %s", r.StatusCode, b)
	}
	var ans apitypes.AskResponse
	if err := json.Unmarshal(b, &ans); err != nil || ans.ConversationID == "" {
		t.Fatalf("answer: %v %s", err, b)
	}
	// The staff user's conversation is theirs: a decisore does not see it.
	dec, _ := login("demo.decisore", "demo-decisore-2025")
	lr, err := dec.Get(ts.URL + "/api/v1/conversations/" + ans.ConversationID)
	if err != nil {
		t.Fatal(err)
	}
	lr.Body.Close()
	if lr.StatusCode != http.StatusNotFound {
		t.Errorf("another user's conversation: %d", lr.StatusCode)
	}
	// A decisore cannot open a dossier even when logged in.
	dr, err := dec.Get(ts.URL + "/api/v1/imprese/01234567897")
	if err != nil {
		t.Fatal(err)
	}
	dr.Body.Close()
	if dr.StatusCode != http.StatusForbidden {
		t.Errorf("decisore dossier: %d", dr.StatusCode)
	}
}
