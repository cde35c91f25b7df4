package ollama

import (
	"context"
	"encoding/json"
	"errors"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/comune-bologna/conoscenza/agent"
	"github.com/comune-bologna/conoscenza/agent/catalog"
	"github.com/comune-bologna/conoscenza/agent/ollama/ollamatest"
	"github.com/comune-bologna/conoscenza/agent/tool"
)

// newLLM is the adapter over a fresh stand-in.
func newLLM(t *testing.T, opt ChatOptions) (*LLM, *ollamatest.Server) {
	t.Helper()
	s := ollamatest.New(t)
	c, err := New(s.URL, ollamatest.DefaultChatModel, ollamatest.DefaultEmbedModel)
	if err != nil {
		t.Fatal(err)
	}
	return c.LLM(opt), s
}

var question = []agent.Message{{Role: "system", Content: "Sei Conoscenza."}, {Role: "user", Content: "Quante domande di CIG?"}}

func defs(role tool.Role) []tool.Definition { return tool.Definitions(role, catalog.Default()) }

func TestChatStreamsTheAnswerToOnDelta(t *testing.T) {
	m, s := newLLM(t, ChatOptions{})
	s.Script(ollamatest.Text("Le domande di cassa integrazione sono 42 (dati al 31/10/2026)."))
	var deltas []string
	msg, err := m.Chat(context.Background(), question, defs(tool.Staff), func(d string) { deltas = append(deltas, d) })
	if err != nil {
		t.Fatal(err)
	}
	if msg.Role != "assistant" || msg.Content != "Le domande di cassa integrazione sono 42 (dati al 31/10/2026)." || len(msg.ToolCalls) != 0 {
		t.Fatalf("message %+v", msg)
	}
	if len(deltas) < 5 || strings.Join(deltas, "") != msg.Content {
		t.Errorf("deltas %q", deltas)
	}
}

func TestChatSendsTheConversationToolsAndOptionsInTheAPIShapes(t *testing.T) {
	m, s := newLLM(t, ChatOptions{NumCtx: 16384, KeepAlive: 30 * time.Minute})
	s.Script(ollamatest.Text("ok"))
	conv := append(append([]agent.Message{}, question...),
		agent.Message{Role: "assistant", ToolCalls: []tool.Call{
			{ID: "call_a", Name: "query_metrics", Arguments: json.RawMessage(`{"metric":"cig_domande"}`)},
			{ID: "call_b", Name: "describe_catalog", Arguments: json.RawMessage(`{}`)}}},
		agent.Message{Role: "tool", ToolName: "query_metrics", Content: `{"righe":[[42]]}`},
		agent.Message{Role: "tool", ToolName: "describe_catalog", Content: `{"Metriche":[]}`},
	)
	offered := defs(tool.Admin)
	if _, err := m.Chat(context.Background(), conv, offered, nil); err != nil {
		t.Fatal(err)
	}
	reqs := s.Chats()
	if len(reqs) != 1 {
		t.Fatalf("%d chat requests", len(reqs))
	}
	req := reqs[0]
	if req.Model != "qwen2.5:7b-instruct" || req.Stream == nil || !*req.Stream || req.KeepAlive == nil || req.KeepAlive.Duration != 30*time.Minute {
		t.Errorf("request header fields: model %q stream %v keep_alive %v", req.Model, req.Stream, req.KeepAlive)
	}
	if req.Options["temperature"] != float64(0) || req.Options["num_ctx"] != float64(16384) {
		t.Errorf("options %v", req.Options)
	}
	if len(req.Messages) != 5 || req.Messages[0].Role != "system" || req.Messages[1].Content != "Quante domande di CIG?" {
		t.Fatalf("messages %+v", req.Messages)
	}
	a := req.Messages[2]
	if len(a.ToolCalls) != 2 || a.ToolCalls[0].ID != "call_a" || a.ToolCalls[1].Function.Index != 1 {
		t.Errorf("assistant calls %+v", a.ToolCalls)
	}
	if v, _ := a.ToolCalls[0].Function.Arguments.Get("metric"); v != "cig_domande" {
		t.Errorf("arguments sent %s", a.ToolCalls[0].Function.Arguments.String())
	}
	for i, want := range []struct{ name, id string }{{"query_metrics", "call_a"}, {"describe_catalog", "call_b"}} {
		got := req.Messages[3+i]
		if got.Role != "tool" || got.ToolName != want.name || got.ToolCallID != want.id {
			t.Errorf("tool result %d: %+v", i, got)
		}
	}
	// Every schema reaches the server whole: the api types keep all the JSON Schema we use.
	if len(req.Tools) != len(offered) {
		t.Fatalf("%d tools sent, %d offered", len(req.Tools), len(offered))
	}
	for i, d := range offered {
		sent := req.Tools[i]
		if sent.Type != "function" || sent.Function.Name != d.Name || sent.Function.Description != d.Description {
			t.Errorf("tool %d: %+v", i, sent)
		}
		var want, got any
		b, _ := json.Marshal(sent.Function.Parameters)
		_ = json.Unmarshal(d.Parameters, &want)
		_ = json.Unmarshal(b, &got)
		if !reflect.DeepEqual(want, got) {
			t.Errorf("tool %s parameters changed on the way:\n sent %s\n want %s", d.Name, b, d.Parameters)
		}
	}
}

func TestChatReturnsToolCallsWithTheirArgumentsAndIDs(t *testing.T) {
	cases := []struct {
		name  string
		reply ollamatest.Reply
	}{
		{"with the server's ids", ollamatest.Calls(
			ollamatest.Tool("query_metrics", map[string]any{"metric": "cig_domande", "group_by": []string{"anno"}}),
			ollamatest.Tool("describe_catalog", nil))},
		{"ids given when the server sends none", ollamatest.Reply{NoIDs: true, ToolCalls: []ollamatest.ToolCall{
			ollamatest.Tool("query_metrics", map[string]any{"metric": "cig_domande", "group_by": []string{"anno"}}),
			ollamatest.Tool("describe_catalog", nil)}}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			m, s := newLLM(t, ChatOptions{})
			s.Script(c.reply)
			msg, err := m.Chat(context.Background(), question, defs(tool.Staff), nil)
			if err != nil {
				t.Fatal(err)
			}
			if len(msg.ToolCalls) != 2 {
				t.Fatalf("calls %+v", msg.ToolCalls)
			}
			first, second := msg.ToolCalls[0], msg.ToolCalls[1]
			if first.Name != "query_metrics" || !sameJSON(first.Arguments, `{"metric":"cig_domande","group_by":["anno"]}`) {
				t.Errorf("first call %s %s", first.Name, first.Arguments)
			}
			if second.Name != "describe_catalog" || string(second.Arguments) != `{}` {
				t.Errorf("second call %s %s", second.Name, second.Arguments)
			}
			if !strings.HasPrefix(first.ID, "call_") || !strings.HasPrefix(second.ID, "call_") || first.ID == second.ID {
				t.Errorf("ids %q %q", first.ID, second.ID)
			}
		})
	}
}

func TestChatPassesOnCallsToProjectToolsThatWereNotOffered(t *testing.T) {
	// The executor refuses them by role and records the attempt; the adapter must not hide it.
	m, s := newLLM(t, ChatOptions{})
	s.Script(ollamatest.AttackNamed("run_sql_personal").Reply)
	msg, err := m.Chat(context.Background(), question, defs(tool.Decisore), nil)
	if err != nil || len(msg.ToolCalls) != 1 || msg.ToolCalls[0].Name != tool.RunSQL {
		t.Fatalf("message %+v, err %v", msg, err)
	}
}

func TestChatFailuresSayWhatFailed(t *testing.T) {
	cases := []struct {
		name  string
		setup func(*ollamatest.Server)
		want  error
		text  string
	}{
		{"model not pulled", func(s *ollamatest.Server) { s.SetModels(ollamatest.EmbedModel("bge-m3")) },
			ErrChatModelMissing, "model qwen2.5:7b-instruct is not pulled on the Ollama server at http://127.0.0.1:"},
		{"model removed at schedule time", func(s *ollamatest.Server) { s.Script(ollamatest.ModelNotFound("qwen2.5:7b-instruct")) },
			ErrChatModelMissing, "run `ollama pull qwen2.5:7b-instruct`"},
		{"model without tool calling", func(s *ollamatest.Server) { s.SetModels(ollamatest.NoToolsModel("qwen2.5:7b-instruct")) },
			ErrNoToolSupport, "cannot call tools"},
		{"runner crashed", func(s *ollamatest.Server) { s.Script(ollamatest.HTTPError(500, "llama runner process has terminated")) },
			ErrUnavailable, "server error 500: llama runner process has terminated"},
		{"queue full", func(s *ollamatest.Server) {
			s.Script(ollamatest.HTTPError(503, "server busy, please try again.  maximum pending requests exceeded"))
		},
			ErrUnavailable, "server error 503"},
		{"server down", func(s *ollamatest.Server) { s.Close() }, ErrUnavailable, "server unreachable"},
		{"connection closed mid-stream", func(s *ollamatest.Server) { s.Script(ollamatest.Dead()) },
			ErrBadResponse, "the stream ended before its final chunk"},
		{"garbage line", func(s *ollamatest.Server) { s.Script(ollamatest.Garbage()) }, ErrBadResponse, "502 Bad Gateway"},
		{"error line mid-stream", func(s *ollamatest.Server) {
			s.Script(ollamatest.StreamError("an error was encountered while running the model"))
		},
			ErrBadResponse, "an error was encountered while running the model"},
		{"answer cut at the context limit", func(s *ollamatest.Server) { s.Script(ollamatest.Truncated("Le imprese attive sono")) },
			ErrBadResponse, "raise num_ctx"},
		{"unknown tool", func(s *ollamatest.Server) { s.Script(ollamatest.Call("export_database", nil)) },
			agent.ErrMalformedToolCall, `unknown tool "export_database"`},
		{"call without a name", func(s *ollamatest.Server) { s.Script(ollamatest.Call("", map[string]any{"metric": "x"})) },
			agent.ErrMalformedToolCall, "call 1 has no tool name"},
		{"arguments as a JSON string", func(s *ollamatest.Server) {
			s.Script(ollamatest.BadArguments("query_metrics", `"{\"metric\":\"saldo\"}"`))
		},
			agent.ErrMalformedToolCall, "arguments are not a JSON object"},
		{"arguments as an array", func(s *ollamatest.Server) { s.Script(ollamatest.BadArguments("query_metrics", `[1,2]`)) },
			agent.ErrMalformedToolCall, "arguments are not a JSON object"},
		{"tool call written as text", func(s *ollamatest.Server) { s.Script(ollamatest.AttackNamed("forbidden_call_as_text").Reply) },
			agent.ErrMalformedToolCall, "wrote a tool call as text"},
		{"bare JSON tool call as text", func(s *ollamatest.Server) {
			s.Script(ollamatest.Text(`{"name": "query_metrics", "parameters": {"metric": "saldo"}}`))
		}, agent.ErrMalformedToolCall, "wrote a tool call as text"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			m, s := newLLM(t, ChatOptions{})
			c.setup(s)
			_, err := m.Chat(context.Background(), question, defs(tool.Staff), nil)
			if !errors.Is(err, c.want) || !strings.Contains(err.Error(), c.text) {
				t.Errorf("err = %v\nwant %v containing %q", err, c.want, c.text)
			}
		})
	}
}

func TestChatStopsAtTheDeadline(t *testing.T) {
	m, s := newLLM(t, ChatOptions{})
	s.Script(ollamatest.Slow(2*time.Second, ollamatest.Text("troppo tardi")))
	ctx, cancel := context.WithTimeout(context.Background(), 100*time.Millisecond)
	defer cancel()
	start := time.Now()
	_, err := m.Chat(ctx, question, nil, nil)
	if !errors.Is(err, context.DeadlineExceeded) || !strings.Contains(err.Error(), "no answer in time") {
		t.Errorf("err = %v", err)
	}
	if d := time.Since(start); d > 1500*time.Millisecond {
		t.Errorf("took %s after a 100ms deadline", d)
	}
}

func TestChatCancelledMidStreamStopsTheRequestOnTheServer(t *testing.T) {
	m, s := newLLM(t, ChatOptions{})
	s.Script(ollamatest.Stall())
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	_, err := m.Chat(ctx, question, nil, func(string) { cancel() }) // the user goes away at the first word
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("err = %v", err)
	}
	reqs := s.Requests()
	if len(reqs) != 1 || !reqs[0].Aborted {
		t.Errorf("the stand-in did not see the request go away: %+v", reqs)
	}
}

func sameJSON(a json.RawMessage, b string) bool {
	var x, y any
	return json.Unmarshal(a, &x) == nil && json.Unmarshal([]byte(b), &y) == nil && reflect.DeepEqual(x, y)
}
