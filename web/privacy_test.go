package web

import (
	"context"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/comune-bologna/conoscenza/agent"
	"github.com/comune-bologna/conoscenza/agent/audit"
	"github.com/comune-bologna/conoscenza/agent/tool"
	"github.com/comune-bologna/conoscenza/ingest/db/dbtest"
)

// privacyServer serves a fresh database (its own users and conversations only); the caller
// is the user whose id is in the X-Test-User header.
func privacyServer(t *testing.T, retention time.Duration) (*testServer, *agent.Store) {
	t.Helper()
	pool := dbtest.Fresh(t).Pool
	store := &agent.Store{Pool: pool, Retention: retention}
	ts := newTestServer(t, Options{Services: Services{Conversations: store}, Audit: audit.New(pool),
		Principal: func(r *http.Request) (tool.Principal, error) {
			id, _ := strconv.ParseInt(r.Header.Get("X-Test-User"), 10, 64)
			return tool.Principal{UserID: id, Username: "u" + r.Header.Get("X-Test-User"), Role: tool.Staff}, nil
		}})
	return ts, store
}

// seed makes a user with one conversation: a question, an answer and a tool call with SQL.
func seed(t *testing.T, s *agent.Store, name, question string) int64 {
	t.Helper()
	ctx := context.Background()
	var uid, mid int64
	err := s.Pool.QueryRow(ctx, `INSERT INTO users (username, role) VALUES ($1, 'staff') RETURNING id`, name).Scan(&uid)
	conv := fmt.Sprintf("00000000-0000-4000-8000-%012d", uid)
	if err == nil {
		_, err = s.Pool.Exec(ctx, `INSERT INTO conversations (id, user_id, title) VALUES ($1, $2, $3)`, conv, uid, question)
	}
	if err == nil {
		_, err = s.Pool.Exec(ctx, `INSERT INTO messages (conversation_id, role, content) VALUES ($1, 'user', $2)`, conv, question)
	}
	if err == nil {
		err = s.Pool.QueryRow(ctx, `INSERT INTO messages (conversation_id, role, content) VALUES ($1, 'assistant', 'risposta') RETURNING id`, conv).Scan(&mid)
	}
	if err == nil {
		_, err = s.Pool.Exec(ctx, `INSERT INTO tool_calls (message_id, step, tool, sql_text, rows) VALUES ($1, 1, 'run_sql', 'SELECT 42 AS segreto_'||$2::text, 1)`, mid, name)
	}
	if err != nil {
		t.Fatal(err)
	}
	return uid
}

func TestExportAndDeleteAllConversationsAreTheCallersOnlyAndAudited(t *testing.T) {
	ts, store := privacyServer(t, 0)
	ctx := context.Background()
	anna, bruno := seed(t, store, "anna", "domanda di anna"), seed(t, store, "bruno", "domanda di bruno")
	as := func(id int64) []string { return []string{"X-Test-User", strconv.FormatInt(id, 10)} }

	resp, data := ts.call(t, http.MethodGet, "/api/v1/conversations/export", nil, as(anna)...)
	if resp.StatusCode != http.StatusOK || !strings.Contains(resp.Header.Get("Content-Disposition"), "attachment") {
		t.Fatalf("export: %d %v %s", resp.StatusCode, resp.Header, data)
	}
	var ex agent.Export
	decode(t, data, &ex)
	if len(ex.Conversations) != 1 || len(ex.Conversations[0].Messages) != 2 {
		t.Fatalf("export %s", data)
	}
	tc := ex.Conversations[0].Messages[1].ToolCalls
	if len(tc) != 1 || tc[0].SQL == nil || *tc[0].SQL != "SELECT 42 AS segreto_anna" {
		t.Errorf("tool calls %+v", tc)
	}
	if strings.Contains(string(data), "bruno") {
		t.Errorf("anna's export holds bruno's data: %s", data)
	}
	var rows int
	var actor string
	if err := store.Pool.QueryRow(ctx, `SELECT actor, rows FROM audit.audit_log WHERE action = $1 ORDER BY id DESC LIMIT 1`,
		audit.Export).Scan(&actor, &rows); err != nil || actor != "u"+strconv.FormatInt(anna, 10) || rows != 1 {
		t.Errorf("export audit: %q %d %v", actor, rows, err)
	}

	resp, data = ts.call(t, http.MethodDelete, "/api/v1/conversations", nil, as(anna)...)
	if resp.StatusCode != http.StatusOK || strings.TrimSpace(string(data)) != `{"deleted":1}` {
		t.Fatalf("delete all: %d %s", resp.StatusCode, data)
	}
	if err := store.Pool.QueryRow(ctx, `SELECT rows FROM audit.audit_log WHERE action = $1 ORDER BY id DESC LIMIT 1`,
		agent.ActionDeleteAll).Scan(&rows); err != nil || rows != 1 {
		t.Errorf("delete audit: %d %v", rows, err)
	}
	if _, data = ts.call(t, http.MethodGet, "/api/v1/conversations/export", nil, as(anna)...); !strings.Contains(string(data), `"conversations":[]`) {
		t.Errorf("after delete: %s", data)
	}
	if list, err := store.List(ctx, bruno); err != nil || len(list) != 1 {
		t.Errorf("bruno's conversations: %v %v", list, err)
	}
}

func TestPrivacyNoticeIsItalianHTMLWithoutScriptAndStatesTheRetention(t *testing.T) {
	ts, _ := privacyServer(t, 180*24*time.Hour)
	resp, data := ts.call(t, http.MethodGet, "/privacy", nil)
	page := string(data)
	if resp.StatusCode != http.StatusOK || !strings.HasPrefix(resp.Header.Get("Content-Type"), "text/html") {
		t.Fatalf("status %d %s", resp.StatusCode, resp.Header.Get("Content-Type"))
	}
	for _, want := range []string{`<html lang="it">`, "Comune di Bologna", "180 giorni", "art. 6, paragrafo 1, lettera e",
		"impresa individuale", "SQL", "registro di audit", "/api/v1/conversations/export", "DELETE /api/v1/conversations",
		"Formatore", "Amministratore", "Garante"} {
		if !strings.Contains(page, want) {
			t.Errorf("the notice does not say %q", want)
		}
	}
	for _, bad := range []string{"<script", "style=", "<style", "onclick", "javascript:"} {
		if strings.Contains(strings.ToLower(page), bad) {
			t.Errorf("the notice contains %q", bad)
		}
	}
	if csp := resp.Header.Get("Content-Security-Policy"); !strings.Contains(csp, "script-src 'self'") {
		t.Errorf("CSP %q", csp)
	}

	off, _ := privacyServer(t, 0)
	if _, data := off.call(t, http.MethodGet, "/privacy", nil); !strings.Contains(string(data), "non hanno una cancellazione") {
		t.Errorf("retention 0: %s", data)
	}
}
