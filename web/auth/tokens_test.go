package auth_test

import (
	"context"
	"strconv"
	"strings"
	"testing"

	"github.com/comune-bologna/conoscenza/agent/tool"
	"github.com/comune-bologna/conoscenza/ingest/db/dbtest"
	"github.com/comune-bologna/conoscenza/web/auth"
)

func TestBearerTokens(t *testing.T) {
	ap := newApp(t, auth.Config{})
	ctx := context.Background()
	ap.user("script.owner", tool.Staff)
	ap.user("script.gone", tool.Staff)
	live, secret, err := ap.a.Users.CreateToken(ctx, "test", "script.owner", "nightly export")
	if err != nil {
		t.Fatal(err)
	}
	revoked, revokedSecret, _ := ap.a.Users.CreateToken(ctx, "test", "script.owner", "old")
	if err := ap.a.Users.RevokeToken(ctx, "test", revoked.ID); err != nil {
		t.Fatal(err)
	}
	_, goneSecret, _ := ap.a.Users.CreateToken(ctx, "test", "script.gone", "")
	if err := ap.a.Users.SetDisabled(ctx, "test", "script.gone", true); err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(secret, auth.TokenPrefix) || len(secret) < 40 {
		t.Errorf("token %q: want %s and 32 random bytes", secret[:6], auth.TokenPrefix)
	}
	var stored string
	if err := dbtest.Shared(t).Pool.QueryRow(ctx, `SELECT token_hash FROM api_tokens WHERE id = $1`, live.ID).Scan(&stored); err != nil || stored == secret || len(stored) != 64 {
		t.Errorf("stored %q (%v): want the SHA-256 hex, not the token", stored, err)
	}
	cases := []struct {
		name, auth string
		method     string
		want       int
	}{
		{"live token", "Bearer " + secret, "GET", 200},
		{"live token posts without a CSRF token", "Bearer " + secret, "POST", 200},
		{"revoked token", "Bearer " + revokedSecret, "GET", 403},
		{"token of a disabled user", "Bearer " + goneSecret, "GET", 403},
		{"unknown token", "Bearer " + auth.TokenPrefix + "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA", "GET", 403},
		{"not a bearer", "Basic dXNlcjpwYXNz", "GET", 403},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			path := map[string]string{"GET": "/api/v1/whoami", "POST": "/api/v1/change"}[tc.method]
			resp, body := ap.browser().do(tc.method, path, map[string]string{"GET": "", "POST": "{}"}[tc.method],
				map[string]string{"Authorization": tc.auth})
			if resp.StatusCode != tc.want {
				t.Fatalf("status %d (%s), want %d", resp.StatusCode, body, tc.want)
			}
			if tc.want == 200 && tc.method == "GET" && !strings.Contains(body, `"username":"script.owner"`) {
				t.Errorf("whoami = %s", body)
			}
		})
	}
	toks, err := ap.a.Users.Tokens(ctx, "script.owner")
	if err != nil || len(toks) != 2 {
		t.Fatalf("tokens = %+v, %v", toks, err)
	}
	if toks[0].LastUsedAt == nil || toks[0].Name != "nightly export" || toks[1].RevokedAt == nil {
		t.Errorf("tokens = %+v: want last_used_at on the live one, revoked_at on the other", toks)
	}
	if a := lastAudit(t, "token:"+strconv.FormatInt(revoked.ID, 10), 2); len(a) != 2 || a[0].Action != "token.revoke" || a[1].Action != "token.create" {
		t.Errorf("audit = %+v", a)
	}
}

func TestEnsureDemoUsersIsIdempotent(t *testing.T) {
	ctx := context.Background()
	pool := dbtest.Shared(t).Pool
	first, err := auth.EnsureDemoUsers(ctx, pool)
	if err != nil || len(first) != 4 {
		t.Fatalf("first run: %v, %v", first, err)
	}
	s, _ := auth.NewStore(pool, cheap)
	// Someone disabled one and demoted another: the next run puts them back.
	_ = s.SetDisabled(ctx, "test", "demo.staff", true)
	_ = s.SetRole(ctx, "test", "demo.admin", tool.Decisore)
	var before int
	_ = pool.QueryRow(ctx, `SELECT count(*) FROM users`).Scan(&before)
	if _, err := auth.EnsureDemoUsers(ctx, pool); err != nil {
		t.Fatal(err)
	}
	var after int
	_ = pool.QueryRow(ctx, `SELECT count(*) FROM users`).Scan(&after)
	if after != before {
		t.Errorf("users %d → %d: the second run created accounts", before, after)
	}
	roles := map[tool.Role]bool{}
	for _, d := range first {
		u, err := s.CheckPassword(ctx, d.Username, d.Password)
		if err != nil || u.Role != d.Role {
			t.Errorf("%s: %+v, %v: want its documented password and role", d.Username, u, err)
		}
		roles[d.Role] = true
	}
	if len(roles) != 4 {
		t.Errorf("demo roles %v, want one per role", roles)
	}
}

func TestCreateUserValidates(t *testing.T) {
	s, _ := auth.NewStore(dbtest.Shared(t).Pool, cheap)
	ctx := context.Background()
	if _, err := s.Create(ctx, "test", auth.NewUser{Username: "dup.user", Role: tool.Staff, Password: "long-enough-pass"}); err != nil {
		t.Fatal(err)
	}
	for name, nu := range map[string]auth.NewUser{
		"short password":    {Username: "short.pw", Role: tool.Staff, Password: "short"},
		"unknown role":      {Username: "bad.role", Role: "sindaco", Password: "long-enough-pass"},
		"spaces in name":    {Username: "mario rossi", Role: tool.Staff, Password: "long-enough-pass"},
		"existing username": {Username: "DUP.user", Role: tool.Staff, Password: "long-enough-pass"},
	} {
		if _, err := s.Create(ctx, "test", nu); err == nil {
			t.Errorf("%s: created", name)
		}
	}
}

func TestGeneratedPasswordsAreLongAndDistinct(t *testing.T) {
	seen := map[string]bool{}
	for range 50 {
		p := auth.GeneratePassword()
		if len(p) != 20 || strings.ContainsAny(p, "0O1lI") || seen[p] {
			t.Fatalf("password %q", p)
		}
		seen[p] = true
	}
}
