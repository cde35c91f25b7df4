package main

import (
	"context"
	"io"
	"log/slog"
	"strings"
	"testing"
	"time"

	"github.com/comune-bologna/conoscenza/agent"
	"github.com/comune-bologna/conoscenza/ingest/db/dbtest"
)

// oldAndNew makes two conversations, one not updated for 200 days and one from yesterday,
// and returns their ids.
func oldAndNew(t *testing.T, d *dbtest.DB) (old, recent string) {
	t.Helper()
	ctx := context.Background()
	old, recent = "00000000-0000-4000-8000-000000000001", "00000000-0000-4000-8000-000000000002"
	for id, age := range map[string]string{old: "200 days", recent: "1 day"} {
		if _, err := d.Pool.Exec(ctx, `INSERT INTO conversations (id, title, updated_at) VALUES ($1, 'x', now() - $2::interval)`, id, age); err != nil {
			t.Fatal(err)
		}
		if _, err := d.Pool.Exec(ctx, `INSERT INTO messages (conversation_id, role, content) VALUES ($1, 'user', 'domanda')`, id); err != nil {
			t.Fatal(err)
		}
	}
	return old, recent
}

func conversationIDs(t *testing.T, d *dbtest.DB) string {
	t.Helper()
	var ids string
	if err := d.Pool.QueryRow(context.Background(), `SELECT coalesce(string_agg(id::text, ',' ORDER BY id), '') FROM conversations`).Scan(&ids); err != nil {
		t.Fatal(err)
	}
	return ids
}

func TestPurgeCommandDeletesOnlyConversationsOlderThanRetention(t *testing.T) {
	d := dbtest.Fresh(t)
	old, recent := oldAndNew(t, d)
	env := map[string]string{"DATABASE_URL": d.URL, "USER": "tester", "CONOSCENZA_RETENTION": "180d"}

	out, _, err := runIn(t, env, "", "purge", "--dry-run")
	if err != nil || !strings.Contains(out, "would delete 1 conversations (1 messages") {
		t.Fatalf("dry run: %q %v", out, err)
	}
	if ids := conversationIDs(t, d); ids != old+","+recent {
		t.Fatalf("dry run deleted: %s left", ids)
	}
	out, _, err = runIn(t, env, "", "purge")
	if err != nil || !strings.Contains(out, "deleted 1 conversations") || !strings.Contains(out, "retention 180d") {
		t.Fatalf("purge: %q %v", out, err)
	}
	if ids := conversationIDs(t, d); ids != recent {
		t.Fatalf("left %s, want only %s", ids, recent)
	}
	var actor string
	var rows int
	if err := d.Pool.QueryRow(context.Background(), `SELECT actor, rows FROM audit.audit_log WHERE action = $1 ORDER BY id DESC LIMIT 1`,
		agent.ActionPurge).Scan(&actor, &rows); err != nil || actor != "cli:tester" || rows != 1 {
		t.Errorf("audit: %q %d %v", actor, rows, err)
	}

	env["CONOSCENZA_RETENTION"] = "0"
	if out, _, err := runIn(t, env, "", "purge"); err != nil || !strings.Contains(out, "disabled") {
		t.Errorf("retention 0: %q %v", out, err)
	}
	env["CONOSCENZA_RETENTION"] = "un anno"
	if _, _, err := runIn(t, env, "", "purge"); err == nil || !strings.Contains(err.Error(), "CONOSCENZA_RETENTION") {
		t.Errorf("bad retention: %v", err)
	}
}

func TestServePurgeLoopDeletesOldConversations(t *testing.T) {
	d := dbtest.Fresh(t)
	_, recent := oldAndNew(t, d)
	m := &Main{Logger: slog.New(slog.NewTextHandler(io.Discard, nil))}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() {
		m.purgeEvery(ctx, &agent.Store{Pool: d.Pool}, 180*24*time.Hour, 10*time.Millisecond)
		close(done)
	}()
	deadline := time.Now().Add(5 * time.Second)
	for conversationIDs(t, d) != recent && time.Now().Before(deadline) {
		time.Sleep(10 * time.Millisecond)
	}
	cancel()
	<-done
	if ids := conversationIDs(t, d); ids != recent {
		t.Fatalf("left %s, want only %s", ids, recent)
	}
	var entries int
	_ = d.Pool.QueryRow(context.Background(), `SELECT count(*) FROM audit.audit_log WHERE action = $1 AND actor = 'system'`, agent.ActionPurge).Scan(&entries)
	if entries != 1 {
		t.Errorf("%d purge entries by system, want 1 (empty ticks are not recorded)", entries)
	}
}
