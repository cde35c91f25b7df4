package auth_test

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/comune-bologna/conoscenza/agent/tool"
	"github.com/comune-bologna/conoscenza/web/auth"
)

func TestPasswordLogin(t *testing.T) {
	ap := newApp(t, auth.Config{})
	ap.user("login.ok", tool.Staff)
	ap.user("login.off", tool.Staff)
	if err := ap.a.Users.SetDisabled(context.Background(), "test", "login.off", true); err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		name       string
		body       string
		hdr        map[string]string
		wantStatus int
		wantAudit  string // action recorded for the user, "" for none
	}{
		{"right password", `{"username":"login.ok","password":"password-login.ok"}`, nil, 200, "login.success"},
		{"username is case-insensitive", `{"username":" Login.OK ","password":"password-login.ok"}`, nil, 200, "login.success"},
		{"wrong password", `{"username":"login.ok","password":"nope-nope-nope"}`, nil, 401, "login.failure"},
		{"unknown user", `{"username":"login.nobody","password":"whatever-whatever"}`, nil, 401, "login.failure"},
		{"disabled user with the right password", `{"username":"login.off","password":"password-login.off"}`, nil, 401, "login.failure"},
		{"missing password", `{"username":"login.ok"}`, nil, 400, ""},
		{"not JSON", `username=`, nil, 400, ""},
		{"form post", "username=login.ok&password=password-login.ok",
			map[string]string{"Content-Type": "application/x-www-form-urlencoded"}, 200, "login.success"},
		{"posted from another site", `{"username":"login.ok","password":"password-login.ok"}`,
			map[string]string{"Origin": "https://evil.example"}, 403, ""},
		{"browser says cross-site", `{"username":"login.ok","password":"password-login.ok"}`,
			map[string]string{"Sec-Fetch-Site": "cross-site"}, 403, ""},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			b := ap.browser()
			user := "login.ok"
			for _, u := range []string{"login.nobody", "login.off"} {
				if strings.Contains(tc.body, u) {
					user = u
				}
			}
			before := lastAudit(t, "user:"+user, 1)
			resp, body := b.do("POST", "/api/v1/auth/login", tc.body, tc.hdr)
			if resp.StatusCode != tc.wantStatus {
				t.Fatalf("status %d (%s), want %d", resp.StatusCode, body, tc.wantStatus)
			}
			after := lastAudit(t, "user:"+user, 1)
			switch {
			case tc.wantAudit == "" && len(after) > 0 && (len(before) == 0 || after[0].ID != before[0].ID):
				t.Errorf("audit %s recorded, want nothing", after[0].Action)
			case tc.wantAudit != "" && (len(after) == 0 || after[0].Action != tc.wantAudit || (len(before) > 0 && after[0].ID == before[0].ID)):
				t.Errorf("audit = %+v, want a new %s", after, tc.wantAudit)
			}
			if tc.wantStatus == 200 {
				if code, p := b.whoami(); code != 200 || p.Username != "login.ok" || p.Role != tool.Staff || p.UserID == 0 {
					t.Errorf("after login whoami = %d %+v", code, p)
				}
			}
		})
	}
}

func TestLoginFailureTellsNothingAboutTheAccount(t *testing.T) {
	ap := newApp(t, auth.Config{})
	ap.user("same.answer", tool.Decisore)
	_, wrong := ap.browser().do("POST", "/api/v1/auth/login", `{"username":"same.answer","password":"wrong-wrong-wrong"}`, nil)
	_, unknown := ap.browser().do("POST", "/api/v1/auth/login", `{"username":"no.such.user","password":"wrong-wrong-wrong"}`, nil)
	if !strings.Contains(wrong, "non validi") || !strings.Contains(unknown, "non validi") {
		t.Errorf("wrong password said %s, unknown user said %s: want the same message", wrong, unknown)
	}
}

func TestSessionCookieFlags(t *testing.T) {
	for _, secure := range []bool{true, false} {
		ap := newApp(t, auth.Config{CookieSecure: secure})
		name := "cookie." + map[bool]string{true: "secure", false: "plain"}[secure]
		ap.user(name, tool.Decisore)
		resp := ap.browser().login(name, "password-"+name)
		if resp.StatusCode != 200 {
			t.Fatalf("login: %d", resp.StatusCode)
		}
		var ck *http.Cookie
		for _, c := range resp.Cookies() {
			if strings.Contains(c.Name, "conoscenza_session") {
				ck = c
			}
		}
		if ck == nil {
			t.Fatalf("secure=%v: no session cookie in %v", secure, resp.Header["Set-Cookie"])
		}
		if !ck.HttpOnly || ck.SameSite != http.SameSiteLaxMode || ck.Path != "/" || ck.Domain != "" || ck.Secure != secure {
			t.Errorf("secure=%v: cookie %s", secure, resp.Header.Get("Set-Cookie"))
		}
		if wantPrefix := strings.HasPrefix(ck.Name, "__Host-"); wantPrefix != secure {
			t.Errorf("secure=%v: cookie name %q (the __Host- prefix goes with Secure)", secure, ck.Name)
		}
		if ck.MaxAge != 0 || !ck.Expires.IsZero() {
			t.Errorf("secure=%v: cookie persists (%v, %d): want a browser-session cookie", secure, ck.Expires, ck.MaxAge)
		}
	}
}

// A session id the client brought before logging in is not the one it gets after.
func TestLoginRenewsTheSessionToken(t *testing.T) {
	ap := newApp(t, auth.Config{})
	ap.user("fixation", tool.Decisore)
	b := ap.browser()
	u, _ := url.Parse(ap.srv.URL)
	planted := &http.Cookie{Name: "conoscenza_session", Value: "planted-by-attacker", Path: "/"}
	b.c.Jar.SetCookies(u, []*http.Cookie{planted})
	if resp := b.login("fixation", "password-fixation"); resp.StatusCode != 200 {
		t.Fatal(resp.StatusCode)
	}
	for _, c := range b.c.Jar.Cookies(u) {
		if c.Name == "conoscenza_session" && c.Value == planted.Value {
			t.Fatal("the session token was kept across login")
		}
	}
}

func TestCSRFTokenGuardsStateChangesMadeWithTheCookie(t *testing.T) {
	ap := newApp(t, auth.Config{})
	ap.user("csrf.user", tool.Staff)
	b := ap.browser()
	if resp := b.login("csrf.user", "password-csrf.user"); resp.StatusCode != 200 || b.csrf == "" {
		t.Fatalf("login %d, csrf %q", resp.StatusCode, b.csrf)
	}
	cases := []struct {
		name string
		hdr  map[string]string
		want int
	}{
		{"no token", nil, 403},
		{"wrong token", map[string]string{auth.HeaderCSRF: "x" + b.csrf}, 403},
		{"right token", map[string]string{auth.HeaderCSRF: b.csrf}, 200},
		{"right token but the browser says cross-site", map[string]string{auth.HeaderCSRF: b.csrf, "Sec-Fetch-Site": "cross-site"}, 403},
		{"right token, same site", map[string]string{auth.HeaderCSRF: b.csrf, "Sec-Fetch-Site": "same-origin"}, 200},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			before := ap.hits.Load()
			resp, body := b.do("POST", "/api/v1/change", `{}`, tc.hdr)
			if resp.StatusCode != tc.want {
				t.Fatalf("status %d (%s), want %d", resp.StatusCode, body, tc.want)
			}
			if ran := ap.hits.Load() > before; ran != (tc.want == 200) {
				t.Errorf("handler ran = %v", ran)
			}
		})
	}
	// /auth/me gives the same token back, for a page that was reloaded.
	resp, body := b.do("GET", "/api/v1/auth/me", "", nil)
	if resp.StatusCode != 200 || !strings.Contains(body, b.csrf) {
		t.Errorf("me = %d %s", resp.StatusCode, body)
	}
}

func TestLogoutEndsTheSession(t *testing.T) {
	ap := newApp(t, auth.Config{})
	ap.user("logout.user", tool.Decisore)
	b := ap.browser()
	b.login("logout.user", "password-logout.user")
	u, _ := url.Parse(ap.srv.URL)
	old := b.c.Jar.Cookies(u)
	if resp, _ := b.do("POST", "/api/v1/auth/logout", "", nil); resp.StatusCode != 403 {
		t.Errorf("logout without CSRF token: %d, want 403", resp.StatusCode)
	}
	if resp, _ := b.do("POST", "/api/v1/auth/logout", "", map[string]string{auth.HeaderCSRF: b.csrf}); resp.StatusCode != 204 {
		t.Fatalf("logout: %d", resp.StatusCode)
	}
	if code, _ := b.whoami(); code != 401 {
		t.Errorf("after logout whoami = %d, want 401", code)
	}
	replay := ap.browser()
	replay.c.Jar.SetCookies(u, old)
	if code, _ := replay.whoami(); code != 401 {
		t.Errorf("the old cookie replayed after logout: %d, want 401", code)
	}
	if a := lastAudit(t, "user:logout.user", 1); len(a) == 0 || a[0].Action != "logout" {
		t.Errorf("audit = %+v, want logout", a)
	}
}

func TestAnonymousRequestIsUnauthorized(t *testing.T) {
	ap := newApp(t, auth.Config{})
	resp, body := ap.browser().do("GET", "/api/v1/whoami", "", nil)
	if resp.StatusCode != 401 || resp.Header.Get("WWW-Authenticate") == "" || !strings.Contains(body, `"unauthenticated"`) {
		t.Errorf("anonymous: %d %q %s", resp.StatusCode, resp.Header.Get("WWW-Authenticate"), body)
	}
}

func TestDisablingOrChangingRoleAppliesToOpenSessions(t *testing.T) {
	ap := newApp(t, auth.Config{})
	ap.user("live.user", tool.Admin)
	b := ap.browser()
	b.login("live.user", "password-live.user")
	if resp, _ := b.do("GET", "/api/v1/admin", "", nil); resp.StatusCode != 204 {
		t.Fatalf("admin route as admin: %d", resp.StatusCode)
	}
	ctx := context.Background()
	if err := ap.a.Users.SetRole(ctx, "test", "live.user", tool.Decisore); err != nil {
		t.Fatal(err)
	}
	if resp, _ := b.do("GET", "/api/v1/admin", "", nil); resp.StatusCode != 403 {
		t.Errorf("admin route after demotion: %d, want 403", resp.StatusCode)
	}
	if err := ap.a.Users.SetDisabled(ctx, "test", "live.user", true); err != nil {
		t.Fatal(err)
	}
	if code, _ := b.whoami(); code != 403 {
		t.Errorf("whoami after disabling: %d, want 403", code)
	}
}

func TestLoginThrottling(t *testing.T) {
	ap := newApp(t, auth.Config{
		UserThrottle: auth.ThrottlePolicy{Free: 2, Base: time.Minute, Max: time.Hour, Decay: time.Hour},
		IPThrottle:   auth.ThrottlePolicy{Free: 5, Base: time.Minute, Max: time.Hour, Decay: time.Hour},
	})
	ap.user("throttled", tool.Decisore)
	b := ap.browser()
	for i := range 2 {
		if resp := b.login("throttled", "wrong-password-x"); resp.StatusCode != 401 {
			t.Fatalf("failure %d: %d", i, resp.StatusCode)
		}
	}
	for i := range 2 { // even the right password waits, and the log gets one entry
		resp := b.login("throttled", "password-throttled")
		if resp.StatusCode != 429 || resp.Header.Get("Retry-After") == "" {
			t.Fatalf("attempt %d while locked: %d (Retry-After %q), want 429", i, resp.StatusCode, resp.Header.Get("Retry-After"))
		}
	}
	recs := lastAudit(t, "user:throttled", 3)
	if len(recs) != 3 || recs[0].Action != "login.throttled" || recs[1].Action != "login.failure" {
		t.Errorf("audit = %+v, want one login.throttled after the failures", recs)
	}
	// The address is counted too: three more failures on other names lock it for everyone.
	for _, u := range []string{"spray.a", "spray.b", "spray.c"} {
		b.login(u, "wrong-password-x")
	}
	ap.user("innocent", tool.Decisore)
	if resp := b.login("innocent", "password-innocent"); resp.StatusCode != 429 {
		t.Errorf("a fresh name from a locked address: %d, want 429", resp.StatusCode)
	}
}

func TestThrottlePolicyBacksOffExponentially(t *testing.T) {
	p := auth.ThrottlePolicy{Free: 3, Base: time.Second, Max: 10 * time.Second, Decay: time.Hour}
	th := auth.NewThrottle(p, auth.ThrottlePolicy{Free: 1000, Base: time.Second, Max: time.Second, Decay: time.Hour})
	for failures, want := range map[int]time.Duration{0: 0, 2: 0, 3: time.Second, 4: 2 * time.Second, 5: 4 * time.Second, 6: 8 * time.Second, 7: 10 * time.Second, 12: 10 * time.Second} {
		th := auth.NewThrottle(p, auth.ThrottlePolicy{Free: 1000, Base: time.Second, Max: time.Second, Decay: time.Hour})
		for range failures {
			th.Fail("u", "ip")
		}
		got, _ := th.Wait("u", "ip")
		if got > want || got < want-time.Second/2 {
			t.Errorf("after %d failures wait %v, want %v", failures, got, want)
		}
	}
	for range 3 {
		th.Fail("u", "ip")
	}
	th.Succeed("u")
	if w, _ := th.Wait("u", "ip"); w != 0 {
		t.Errorf("after a success wait %v, want 0", w)
	}
}
