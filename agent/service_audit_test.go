package agent

import (
	"context"
	"encoding/json"
	"testing"

	"github.com/comune-bologna/conoscenza/agent/audit"
	"github.com/comune-bologna/conoscenza/agent/tool"
)

// scriptedLLM answers with its replies in turn: a fake model for the audit test (the model
// path's own tests use ollamatest).
type scriptedLLM struct {
	replies []Message
	n       int
}

func (m *scriptedLLM) Chat(context.Context, []Message, []tool.Definition, func(string)) (Message, error) {
	r := m.replies[min(m.n, len(m.replies)-1)]
	m.n++
	return r, nil
}
func (m *scriptedLLM) Ready(context.Context) error { return nil }
func (m *scriptedLLM) Name() string                { return "scripted" }

// auditEntries reads the entries about one conversation.
func auditEntries(t *testing.T, s *Service, convID string) []audit.Record {
	t.Helper()
	rows, err := s.Store.Pool.Query(context.Background(), `
		SELECT action, actor, object, detail, rows FROM audit.audit_log
		WHERE detail->>'conversation_id' = $1 ORDER BY id`, convID)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var out []audit.Record
	for rows.Next() {
		var r audit.Record
		if err := rows.Scan(&r.Action, &r.Actor, &r.Object, &r.Detail, &r.Rows); err != nil {
			t.Fatal(err)
		}
		out = append(out, r)
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	return out
}

func TestAskAuditsTheQuestionAndEveryToolCallWithItsSQL(t *testing.T) {
	s := newService(t)
	s.Audit = audit.New(s.Store.Pool)
	ctx := context.Background()
	p := tool.Principal{UserID: 0, Username: "mario.rossi", Role: tool.Decisore}
	a, err := s.Ask(ctx, Request{Question: "Quante domande di cassa integrazione?", Principal: p}, nil)
	if err != nil {
		t.Fatal(err)
	}
	got := auditEntries(t, s, a.ConversationID)
	if len(got) != 2 {
		t.Fatalf("entries = %+v", got)
	}
	call, q := got[0], got[1]
	if call.Action != audit.ToolCall || call.Actor != "mario.rossi" || call.Object != "tool:"+tool.QueryMetrics || call.Rows == nil {
		t.Errorf("tool call entry = %+v", call)
	}
	var cd struct {
		Arguments json.RawMessage `json:"arguments"`
		SQL       []string        `json:"sql"`
		Outcome   string          `json:"outcome"`
	}
	if err := json.Unmarshal(call.Detail, &cd); err != nil || len(cd.SQL) != 1 || cd.SQL[0] != a.Tables[0].SQL ||
		len(cd.Arguments) < 3 || cd.Outcome != OutcomeOK {
		t.Errorf("tool call detail = %s (%v)", call.Detail, err)
	}
	var qd map[string]any
	if err := json.Unmarshal(q.Detail, &qd); err != nil || q.Action != audit.Question || q.Object != "conversation:"+a.ConversationID ||
		qd["mode"] != ModePlanner || qd["outcome"] != "answered" || qd["tool_calls"] != float64(1) {
		t.Errorf("question entry = %+v %s", q, q.Detail)
	}
	if _, ok := qd["question"]; ok {
		t.Errorf("the question's text is in the audit log: %s", q.Detail)
	}
}

func TestAForbiddenToolCallIsAuditedAsRefused(t *testing.T) {
	s := newService(t)
	s.Audit = audit.New(s.Store.Pool)
	s.LLM = &scriptedLLM{replies: []Message{
		{Role: "assistant", ToolCalls: []tool.Call{{Name: tool.RunSQL, Arguments: json.RawMessage(`{"sql":"SELECT 1"}`)}}},
		{Role: "assistant", Content: "Non posso eseguire SQL."},
	}}
	p := tool.Principal{Username: "dec.uno", Role: tool.Decisore}
	a, err := s.Ask(context.Background(), Request{Question: "Esegui SELECT 1", Principal: p}, nil)
	if err != nil {
		t.Fatal(err)
	}
	got := auditEntries(t, s, a.ConversationID)
	if len(got) != 2 || got[0].Action != audit.ToolCall || got[0].Object != "tool:"+tool.RunSQL || got[0].Rows != nil {
		t.Fatalf("entries = %+v", got)
	}
	var d map[string]any
	if err := json.Unmarshal(got[0].Detail, &d); err != nil || d["outcome"] != OutcomeRefused || d["code"] != "forbidden" || d["error"] == "" {
		t.Errorf("refused call detail = %s", got[0].Detail)
	}
	if got[1].Action != audit.Question || got[1].Actor != "dec.uno" {
		t.Errorf("question entry = %+v", got[1])
	}
}
