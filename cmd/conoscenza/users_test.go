package main

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/comune-bologna/conoscenza/agent/audit"
	"github.com/comune-bologna/conoscenza/ingest/db/dbtest"
	"github.com/comune-bologna/conoscenza/web/auth"
)

// runIn is run with standard input and standard error.
func runIn(t *testing.T, env map[string]string, stdin string, args ...string) (stdout, stderr string, err error) {
	t.Helper()
	var out, errOut bytes.Buffer
	m := &Main{Stdout: &out, Stderr: &errOut, Getenv: func(k string) string { return env[k] },
		Logger: slog.New(slog.NewTextHandler(io.Discard, nil))}
	root := m.rootCommand()
	root.SetArgs(args)
	root.SetIn(strings.NewReader(stdin))
	root.SetOut(&out)
	root.SetErr(&errOut)
	err = root.ExecuteContext(context.Background())
	return out.String(), errOut.String(), err
}

func TestUsersCommands(t *testing.T) {
	d := dbtest.Shared(t)
	env := map[string]string{"DATABASE_URL": d.URL, "USER": "tester"}
	ctx := context.Background()
	store, _ := auth.NewStore(d.Pool, auth.DefaultArgon2)
	must := func(stdin string, args ...string) string {
		t.Helper()
		out, _, err := runIn(t, env, stdin, args...)
		if err != nil {
			t.Fatalf("%v: %v", args, err)
		}
		return out
	}

	out := must("", "users", "create", "cli.admin", "--role", "admin")
	m := regexp.MustCompile(`password \(mostrata solo ora\): (\S+)`).FindStringSubmatch(out)
	if m == nil {
		t.Fatalf("create without a password printed %q, want the generated one", out)
	}
	if u, err := store.CheckPassword(ctx, "cli.admin", m[1]); err != nil || u.Role != "admin" {
		t.Errorf("the printed password does not log in: %+v, %v", u, err)
	}
	out = must("una-password-lunga\n", "users", "create", "CLI.Staff", "--role", "staff", "--password-stdin")
	if strings.Contains(out, "password") {
		t.Errorf("create with --password-stdin printed %q: the password must not be echoed", out)
	}
	if _, err := store.CheckPassword(ctx, "cli.staff", "una-password-lunga"); err != nil {
		t.Errorf("password from stdin: %v", err)
	}

	for name, args := range map[string][]string{
		"unknown role":        {"users", "create", "cli.x", "--role", "sindaco"},
		"missing role":        {"users", "create", "cli.x"},
		"short stdin":         {"users", "create", "cli.x", "--role", "staff", "--password-stdin"},
		"existing user":       {"users", "create", "cli.admin", "--role", "admin"},
		"set an unknown role": {"users", "set-role", "cli.staff", "capo"},
		"disable nobody":      {"users", "disable", "cli.nobody"},
		"revoke a non-id":     {"users", "revoke-token", "abc"},
	} {
		if _, _, err := runIn(t, env, "corta\n", args...); err == nil {
			t.Errorf("%s: accepted", name)
		}
	}

	must("", "users", "set-role", "cli.staff", "formatore")
	must("", "users", "disable", "cli.staff")
	var users []auth.User
	if err := json.Unmarshal([]byte(must("", "users", "list", "--json")), &users); err != nil {
		t.Fatal(err)
	}
	found := false
	for _, u := range users {
		if u.Username == "cli.staff" {
			found = true
			if u.Role != "formatore" || !u.Disabled {
				t.Errorf("cli.staff = %+v, want formatore and disabled", u)
			}
		}
	}
	if !found {
		t.Fatalf("list --json lacks cli.staff: %+v", users)
	}
	if out := must("", "users", "list"); !strings.Contains(out, "cli.staff") || !strings.Contains(out, "disabilitato") {
		t.Errorf("list = %q", out)
	}
	must("", "users", "enable", "cli.staff")

	// The token is alone on standard output, so that $(conoscenza users token ...) works.
	tokOut, tokErr, err := runIn(t, env, "", "users", "token", "cli.staff", "--name", "export notturno")
	if err != nil || !regexp.MustCompile(`^czt_[A-Za-z0-9_-]{43}\n$`).MatchString(tokOut) {
		t.Fatalf("token stdout %q (stderr %q), %v: want the token alone", tokOut, tokErr, err)
	}
	secret := strings.TrimSpace(tokOut)
	u, id, err := store.UserForToken(ctx, secret)
	if err != nil || u.Username != "cli.staff" {
		t.Fatalf("the printed token resolves to %+v, %v", u, err)
	}
	if out := must("", "users", "tokens", "cli.staff"); !strings.Contains(out, "export notturno") || strings.Contains(out, secret) {
		t.Errorf("tokens = %q: want the label, never the secret", out)
	}
	must("", "users", "revoke-token", strings.TrimSpace(strings.Fields(tokErr)[1]))
	if _, _, err := store.UserForToken(ctx, secret); err == nil {
		t.Errorf("token %d still works after revoke-token", id)
	}

	// Every change above is in the audit log as cli:tester.
	var recs []audit.Record
	if err := json.Unmarshal([]byte(must("", "audit", "--user", "cli:tester", "--json", "--limit", "1000")), &recs); err != nil {
		t.Fatal(err)
	}
	seen := map[string]bool{}
	for _, r := range recs {
		seen[r.Action] = true
	}
	for _, a := range []string{"user.create", "user.role", "user.disable", "user.enable", "token.create", "token.revoke"} {
		if !seen[a] {
			t.Errorf("audit by cli:tester lacks %s (has %v)", a, seen)
		}
	}
	if out := must("", "audit", "--user", "cli:tester", "--action", "token."); !strings.Contains(out, "token.revoke") || strings.Contains(out, "user.create") {
		t.Errorf("audit --action token. = %q", out)
	}
	if _, _, err := runIn(t, env, "", "audit", "--since", "ieri"); err == nil {
		t.Error("audit --since ieri accepted")
	}
	if out := must("", "audit", "verify"); !strings.Contains(out, "catena integra") || strings.Contains(out, "ATTENZIONE") {
		t.Errorf("verify = %q", out)
	}
}

func TestAuditVerifyFailsOnATamperedLog(t *testing.T) {
	d := dbtest.Empty(t)
	// Unsealed (the test's role keeps the log), so that the test can tamper without a superuser.
	url := d.URL + "&conoscenza.unsealed_audit=on"
	if !strings.Contains(d.URL, "?") {
		url = d.URL + "?conoscenza.unsealed_audit=on"
	}
	env := map[string]string{"DATABASE_URL": url, "USER": "tester"}
	if _, _, err := runIn(t, env, "", "migrate"); err != nil {
		t.Fatal(err)
	}
	for _, n := range []string{"a.one", "a.two", "a.three"} {
		if _, _, err := runIn(t, env, "", "users", "create", n, "--role", "decisore"); err != nil {
			t.Fatal(err)
		}
	}
	if out, _, err := runIn(t, env, "", "audit", "verify"); err != nil || !strings.Contains(out, "ATTENZIONE") {
		t.Fatalf("verify before tampering: %q, %v (want intact and flagged unsealed)", out, err)
	}
	pool, err := pgxpool.New(context.Background(), url)
	if err != nil {
		t.Fatal(err)
	}
	defer pool.Close()
	var second int64
	for _, s := range []string{`ALTER TABLE audit.audit_log DISABLE TRIGGER ALL`,
		`UPDATE audit.audit_log SET actor = 'qualcun-altro' WHERE object = 'user:a.two' RETURNING id`,
		`ALTER TABLE audit.audit_log ENABLE TRIGGER ALL`} {
		if strings.Contains(s, "RETURNING") {
			err = pool.QueryRow(context.Background(), s).Scan(&second)
		} else {
			_, err = pool.Exec(context.Background(), s)
		}
		if err != nil {
			t.Fatalf("%s: %v", s, err)
		}
	}
	_, _, err = runIn(t, env, "", "audit", "verify")
	if err == nil || !strings.Contains(err.Error(), "riga "+strconv.FormatInt(second, 10)) {
		t.Fatalf("verify after tampering with row %d: %v, want an error naming it", second, err)
	}
}
