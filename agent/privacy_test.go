package agent

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/comune-bologna/conoscenza/ingest/db/dbtest"
)

// newUser inserts a user and returns its id.
func newUser(t *testing.T, s *Store, name string) int64 {
	t.Helper()
	var id int64
	if err := s.Pool.QueryRow(context.Background(), `INSERT INTO users (username, role) VALUES ($1, 'staff') RETURNING id`, name).Scan(&id); err != nil {
		t.Fatal(err)
	}
	return id
}

// converse stores one question and answer with a tool call and its SQL, and returns the
// conversation id and the answer's message id.
func converse(t *testing.T, s *Store, userID int64, question string) (string, int64) {
	t.Helper()
	ctx := context.Background()
	id, _, err := s.open(ctx, "", userID, question)
	if err != nil {
		t.Fatal(err)
	}
	a := &Answer{ConversationID: id, Question: question, Answer: "risposta a " + question, Mode: "planner",
		Steps: []Step{{N: 1, Kind: "tool_call", Tool: "run_sql", Arguments: []byte(`{"sql":"SELECT 1"}`),
			SQL: []string{"SELECT count(*) FROM imprese"}, Rows: 1}}}
	if err := s.save(ctx, a, nil); err != nil {
		t.Fatal(err)
	}
	return id, a.MessageID
}

func TestExportHasEveryConversationOfTheUserOnly(t *testing.T) {
	s := &Store{Pool: dbtest.Fresh(t).Pool}
	ctx := context.Background()
	anna, bruno := newUser(t, s, "anna"), newUser(t, s, "bruno")
	c1, m1 := converse(t, s, anna, "quante imprese?")
	c2, _ := converse(t, s, anna, "quante cig?")
	converse(t, s, bruno, "domanda di bruno")
	if err := s.Feedback(ctx, m1, anna, 1, "utile"); err != nil {
		t.Fatal(err)
	}
	ex, err := s.Export(ctx, anna)
	if err != nil {
		t.Fatal(err)
	}
	if len(ex.Conversations) != 2 || ex.Conversations[0].ID != c1 || ex.Conversations[1].ID != c2 {
		t.Fatalf("conversations %+v, want %s and %s", ex.Conversations, c1, c2)
	}
	msgs := ex.Conversations[0].Messages
	if len(msgs) != 2 || msgs[0].Role != "user" || msgs[0].Content != "quante imprese?" || msgs[1].Role != "assistant" {
		t.Fatalf("messages %+v", msgs)
	}
	tc := msgs[1].ToolCalls
	if len(tc) != 1 || tc[0].Tool != "run_sql" || tc[0].SQL == nil || !strings.Contains(*tc[0].SQL, "FROM imprese") {
		t.Fatalf("tool calls %+v", tc)
	}
	if fb := msgs[1].Feedback; len(fb) != 1 || fb[0].Rating != 1 || fb[0].Comment != "utile" {
		t.Fatalf("feedback %+v", fb)
	}
	if ex.Messages() != 4 {
		t.Errorf("%d messages, want 4", ex.Messages())
	}
	for _, c := range ex.Conversations {
		for _, m := range c.Messages {
			if strings.Contains(m.Content, "bruno") {
				t.Errorf("anna's export holds bruno's message %q", m.Content)
			}
		}
	}
	none, err := s.Export(ctx, newUser(t, s, "carla"))
	if err != nil || none.Conversations == nil || len(none.Conversations) != 0 {
		t.Fatalf("empty export: %+v, %v", none, err)
	}
}

func TestDeleteAllRemovesOnlyTheUsersConversations(t *testing.T) {
	s := &Store{Pool: dbtest.Fresh(t).Pool}
	ctx := context.Background()
	anna, bruno := newUser(t, s, "anna"), newUser(t, s, "bruno")
	converse(t, s, anna, "uno")
	converse(t, s, anna, "due")
	keep, _ := converse(t, s, bruno, "tre")
	n, err := s.DeleteAll(ctx, anna)
	if err != nil || n != 2 {
		t.Fatalf("deleted %d, %v; want 2", n, err)
	}
	if list, _ := s.List(ctx, anna); len(list) != 0 {
		t.Errorf("anna still has %v", list)
	}
	if list, _ := s.List(ctx, bruno); len(list) != 1 || list[0].ID != keep {
		t.Errorf("bruno has %v, want %s", list, keep)
	}
	var orphans int
	if err := s.Pool.QueryRow(ctx, `SELECT count(*) FROM tool_calls`).Scan(&orphans); err != nil || orphans != 1 {
		t.Errorf("%d tool calls left (%v), want bruno's 1", orphans, err)
	}
}

func TestPurgeDeletesOnlyConversationsOlderThanRetention(t *testing.T) {
	s := &Store{Pool: dbtest.Fresh(t).Pool}
	ctx := context.Background()
	anna, bruno := newUser(t, s, "anna"), newUser(t, s, "bruno")
	old1, m1 := converse(t, s, anna, "vecchia")
	old2, _ := converse(t, s, bruno, "vecchia anche")
	recent, _ := converse(t, s, anna, "recente")
	edge, _ := converse(t, s, bruno, "quasi scaduta")
	if err := s.Feedback(ctx, m1, anna, -1, ""); err != nil {
		t.Fatal(err)
	}
	age := map[string]string{old1: "400 days", old2: "181 days", recent: "1 day", edge: "179 days"}
	for id, a := range age {
		if _, err := s.Pool.Exec(ctx, `UPDATE conversations SET updated_at = now() - $2::interval WHERE id = $1`, id, a); err != nil {
			t.Fatal(err)
		}
	}
	retention := 180 * 24 * time.Hour

	dry, err := s.Purge(ctx, retention, PurgeOptions{Actor: "test", DryRun: true})
	if err != nil {
		t.Fatal(err)
	}
	if dry.Conversations != 2 || dry.Messages != 4 || dry.ToolCalls != 2 || dry.Feedback != 1 {
		t.Fatalf("dry run counted %+v, want 2 conversations, 4 messages, 2 tool calls, 1 feedback", dry)
	}
	if n := countConversations(t, s); n != 4 {
		t.Fatalf("dry run deleted: %d conversations left", n)
	}

	r, err := s.Purge(ctx, retention, PurgeOptions{Actor: "test"})
	if err != nil || r.Conversations != 2 || r.Messages != 4 {
		t.Fatalf("purge %+v, %v", r, err)
	}
	var left []string
	rows, _ := s.Pool.Query(ctx, `SELECT id::text FROM conversations ORDER BY updated_at`)
	for rows.Next() {
		var id string
		_ = rows.Scan(&id)
		left = append(left, id)
	}
	if len(left) != 2 || left[0] != edge || left[1] != recent {
		t.Fatalf("left %v, want %s and %s", left, edge, recent)
	}
	var msgs int
	_ = s.Pool.QueryRow(ctx, `SELECT count(*) FROM messages`).Scan(&msgs)
	if msgs != 4 {
		t.Errorf("%d messages left, want 4", msgs)
	}
	var actor string
	var n int
	if err := s.Pool.QueryRow(ctx, `SELECT actor, rows FROM audit.audit_log WHERE action = $1 ORDER BY id DESC LIMIT 1`,
		ActionPurge).Scan(&actor, &n); err != nil || actor != "test" || n != 2 {
		t.Errorf("audit entry: actor %q rows %d err %v", actor, n, err)
	}

	// Nothing left to purge: the ticker records nothing, an explicit run does.
	if r, err := s.Purge(ctx, retention, PurgeOptions{Actor: "system"}); err != nil || r.Conversations != 0 {
		t.Fatalf("second purge %+v, %v", r, err)
	}
	var entries int
	_ = s.Pool.QueryRow(ctx, `SELECT count(*) FROM audit.audit_log WHERE action = $1`, ActionPurge).Scan(&entries)
	if entries != 1 {
		t.Errorf("%d purge entries, want 1 (an empty ticker run is not recorded)", entries)
	}
	if r, err := s.Purge(ctx, 0, PurgeOptions{Actor: "test", AuditEmpty: true}); err != nil || r.Conversations != 0 || countConversations(t, s) != 2 {
		t.Errorf("retention 0 purged %+v, %v", r, err)
	}
}

func countConversations(t *testing.T, s *Store) int {
	t.Helper()
	var n int
	if err := s.Pool.QueryRow(context.Background(), `SELECT count(*) FROM conversations`).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

func TestParseRetention(t *testing.T) {
	for in, want := range map[string]time.Duration{"": DefaultRetention, "0": 0, "180d": 180 * 24 * time.Hour,
		" 30d ": 30 * 24 * time.Hour, "720h": 720 * time.Hour} {
		if got, err := ParseRetention(in); err != nil || got != want {
			t.Errorf("ParseRetention(%q) = %v, %v; want %v", in, got, err, want)
		}
	}
	for _, bad := range []string{"abc", "-5d", "1y", "-1h", "d"} {
		if _, err := ParseRetention(bad); err == nil {
			t.Errorf("ParseRetention(%q) accepted", bad)
		}
	}
}
