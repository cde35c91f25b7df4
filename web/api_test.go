package web

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"testing"

	"github.com/comune-bologna/conoscenza/agent"
	"github.com/comune-bologna/conoscenza/ingest/db/dbtest"
	"github.com/comune-bologna/conoscenza/web/apitypes"
)

func TestAskAnswersWithTheAgentsJSONShape(t *testing.T) {
	ts := newTestServer(t, Options{Services: services(t)})
	resp, data := ts.call(t, http.MethodPost, "/api/v1/ask", apitypes.AskRequest{Question: "Quante domande di cassa integrazione?"})
	if resp.StatusCode != http.StatusOK || !strings.HasPrefix(resp.Header.Get("Content-Type"), "application/json") {
		t.Fatalf("status %d, type %q: %s", resp.StatusCode, resp.Header.Get("Content-Type"), data)
	}
	var raw map[string]any
	decode(t, data, &raw)
	for _, k := range []string{"conversation_id", "message_id", "answer", "tables", "citations", "steps", "mode", "prompt_version", "grounding"} {
		if _, ok := raw[k]; !ok {
			t.Errorf("answer lacks %q: %s", k, data)
		}
	}
	tables, _ := raw["tables"].([]any)
	if len(tables) == 0 {
		t.Fatalf("no tables: %s", data)
	}
	for _, k := range []string{"id", "title", "columns", "rows", "query", "sql", "sources", "as_of"} {
		if _, ok := tables[0].(map[string]any)[k]; !ok {
			t.Errorf("table lacks %q", k)
		}
	}
	var a apitypes.AskResponse
	decode(t, data, &a)
	if !apitypes.IsConversationID(a.ConversationID) || a.MessageID <= 0 || a.Mode != agent.ModePlanner || a.Answer == "" ||
		a.Tables[0].ID != "T1" || a.Tables[0].SQL == "" || a.PromptVersion == "" || len(a.Steps) == 0 {
		t.Errorf("answer = %+v", a)
	}
}

func TestAskWithDocumentsCarriesCitations(t *testing.T) {
	ts := newTestServer(t, Options{Services: services(t)})
	a := ts.ask(t, apitypes.AskRequest{Question: "Cosa prevede il regolamento dei dehors?"})
	if len(a.Citations) == 0 {
		t.Fatalf("no citations: %+v", a)
	}
	c := a.Citations[0]
	if c.ID != "D1" || c.Document == "" || c.Title == "" || c.Quote == "" {
		t.Errorf("citation = %+v", c)
	}
}

func TestAskRefusesBadInputWithAPreciseError(t *testing.T) {
	ts := newTestServer(t, Options{Services: services(t)})
	long := strings.Repeat("è", agent.MaxQuestion+1)
	for _, tc := range []struct {
		name   string
		body   string
		status int
		code   string
		says   string
	}{
		{"malformed JSON", `{"question": "quante`, 400, "invalid", "troncato"},
		{"not JSON at all", `question=quante`, 400, "invalid", "JSON non valido"},
		{"empty body", ``, 400, "invalid", "vuoto"},
		{"empty question", `{"question": ""}`, 400, "invalid", "question"},
		{"blank question", `{"question": "   \n "}`, 400, "invalid", "question"},
		{"question too long", `{"question": "` + long + `"}`, 400, "invalid", "2000"},
		{"unknown field", `{"question": "quante imprese?", "role": "admin"}`, 400, "invalid", `"role"`},
		{"wrong type", `{"question": 42}`, 400, "invalid", "question"},
		{"array instead of object", `["quante imprese?"]`, 400, "invalid", "oggetto"},
		{"two values", `{"question": "a"} {"question": "b"}`, 400, "invalid", "dopo"},
		{"unknown mode", `{"question": "quante imprese?", "mode": "oracle"}`, 400, "invalid", "oracle"},
		{"conversation id not a UUID", `{"question": "quante imprese?", "conversation_id": "42"}`, 400, "invalid", "conversation_id"},
		{"body over 64 KiB", `{"question": "` + strings.Repeat("a", apitypes.MaxBodyBytes) + `"}`, 413, "too_large", "64 KiB"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			resp, data := ts.call(t, http.MethodPost, "/api/v1/ask", tc.body)
			e := wantError(t, resp, data, tc.status, tc.code)
			if !strings.Contains(e.Message, tc.says) {
				t.Errorf("message %q does not say %q", e.Message, tc.says)
			}
		})
	}
}

func TestAskInAnUnknownConversationIsNotFound(t *testing.T) {
	ts := newTestServer(t, Options{Services: services(t)})
	resp, data := ts.call(t, http.MethodPost, "/api/v1/ask",
		apitypes.AskRequest{Question: "e nel 2021?", ConversationID: "00000000-0000-4000-8000-000000000000"})
	wantError(t, resp, data, http.StatusNotFound, "not_found")
}

func TestConversationGoesOnAndCanBeReplayedAndDeleted(t *testing.T) {
	ts := newTestServer(t, Options{Services: services(t)})
	first := ts.ask(t, apitypes.AskRequest{Question: "Quante domande di cassa integrazione?"})
	next := ts.ask(t, apitypes.AskRequest{Question: "e le ore autorizzate?", ConversationID: strings.ToUpper(first.ConversationID)})
	if next.ConversationID != first.ConversationID || next.MessageID <= first.MessageID {
		t.Fatalf("follow-up went to %s/%d, want %s after %d", next.ConversationID, next.MessageID, first.ConversationID, first.MessageID)
	}

	resp, data := ts.call(t, http.MethodGet, "/api/v1/conversations", nil)
	var list apitypes.ConversationList
	decode(t, data, &list)
	found := false
	for _, c := range list.Conversations {
		found = found || (c.ID == first.ConversationID && c.Messages == 4)
	}
	if resp.StatusCode != http.StatusOK || !found {
		t.Fatalf("list (%d) lacks %s with 4 messages: %s", resp.StatusCode, first.ConversationID, data)
	}

	path := "/api/v1/conversations/" + first.ConversationID
	resp, data = ts.call(t, http.MethodGet, path, nil)
	var conv apitypes.ConversationDetail
	decode(t, data, &conv)
	if resp.StatusCode != http.StatusOK || len(conv.Messages) != 4 || conv.Messages[1].Role != "assistant" ||
		conv.Messages[1].ID != first.MessageID || !strings.Contains(string(conv.Messages[1].Payload), `"tables"`) {
		t.Fatalf("replay (%d) = %s", resp.StatusCode, data)
	}

	if resp, data = ts.call(t, http.MethodDelete, path, nil); resp.StatusCode != http.StatusNoContent {
		t.Fatalf("delete: %d %s", resp.StatusCode, data)
	}
	for _, tc := range []struct{ method, path string }{
		{http.MethodGet, path},
		{http.MethodDelete, path},
		{http.MethodGet, "/api/v1/conversations/not-a-uuid"},
	} {
		resp, data := ts.call(t, tc.method, tc.path, nil)
		wantError(t, resp, data, http.StatusNotFound, "not_found")
	}
}

func TestFeedbackIsRecordedOnAnAnswer(t *testing.T) {
	svc := services(t)
	ts := newTestServer(t, Options{Services: svc})
	a := ts.ask(t, apitypes.AskRequest{Question: "Quante domande di cassa integrazione?"})
	path := func(id any) string { return fmt.Sprintf("/api/v1/messages/%v/feedback", id) }

	resp, data := ts.call(t, http.MethodPost, path(a.MessageID), apitypes.FeedbackRequest{Rating: -1, Comment: "manca il 2024"})
	if resp.StatusCode != http.StatusCreated {
		t.Fatalf("feedback: %d %s", resp.StatusCode, data)
	}
	var rating int
	var comment string
	err := dbtest.Shared(t).Pool.QueryRow(context.Background(), `SELECT rating, comment FROM feedback WHERE message_id = $1`, a.MessageID).Scan(&rating, &comment)
	if err != nil || rating != -1 || comment != "manca il 2024" {
		t.Fatalf("stored feedback = %d %q, %v", rating, comment, err)
	}

	for _, tc := range []struct {
		name   string
		id     any
		body   string
		status int
		code   string
	}{
		{"rating zero", a.MessageID, `{"rating": 0}`, 400, "invalid"},
		{"rating five", a.MessageID, `{"rating": 5}`, 400, "invalid"},
		{"comment too long", a.MessageID, `{"rating": 1, "comment": "` + strings.Repeat("x", maxComment+1) + `"}`, 400, "invalid"},
		{"unknown answer", 987654321, `{"rating": 1}`, 404, "not_found"},
		{"the question, not an answer", a.MessageID - 1, `{"rating": 1}`, 404, "not_found"},
		{"id not a number", "abc", `{"rating": 1}`, 404, "not_found"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			resp, data := ts.call(t, http.MethodPost, path(tc.id), tc.body)
			wantError(t, resp, data, tc.status, tc.code)
		})
	}
}
