package web

import (
	"encoding/json"
	"net/http"
	"strings"
	"testing"

	"github.com/comune-bologna/conoscenza/agent"
	"github.com/comune-bologna/conoscenza/agent/ollama"
	"github.com/comune-bologna/conoscenza/agent/ollama/ollamatest"
	"github.com/comune-bologna/conoscenza/web/apitypes"
)

// withModel gives the assistant of services a model: the scripted Ollama stand-in.
func withModel(t *testing.T, replies ...ollamatest.Reply) Services {
	t.Helper()
	svcs := services(t)
	s := ollamatest.New(t)
	s.Script(replies...)
	c, err := ollama.New(s.URL, ollamatest.DefaultChatModel, "")
	if err != nil {
		t.Fatal(err)
	}
	svc := *svcs.Asker.(*agent.Service)
	svc.LLM = c.LLM(ollama.ChatOptions{})
	svcs.Asker = &svc
	return svcs
}

func TestStreamCarriesTheModelLoopAndItsFallback(t *testing.T) {
	for _, tc := range []struct {
		name      string
		replies   []ollamatest.Reply
		mode      string
		wantEvent string // an event the stream must carry
	}{
		{"the model calls a tool and answers", []ollamatest.Reply{
			ollamatest.Call("query_metrics", map[string]any{"metric": "cig_domande"}),
			ollamatest.Text("Le domande di cassa integrazione sono nella tabella T1."),
		}, agent.ModeModel, apitypes.EventTable},
		{"a failing model falls back to the planner with a reset", []ollamatest.Reply{
			{Content: "Cerco i dati.", ToolCalls: []ollamatest.ToolCall{ollamatest.Tool("query_metrics", map[string]any{"metric": "cig_domande"})}},
			ollamatest.HTTPError(500, "boom"), ollamatest.HTTPError(500, "boom"), ollamatest.HTTPError(500, "boom"),
		}, agent.ModePlanner, apitypes.EventNotice},
	} {
		t.Run(tc.name, func(t *testing.T) {
			ts := newTestServer(t, Options{Services: withModel(t, tc.replies...)})
			req, _ := http.NewRequest(http.MethodPost, ts.URL+"/api/v1/ask/stream",
				strings.NewReader(`{"question": "Quante domande di cassa integrazione?"}`))
			events := readStream(t, ts, req)
			var kinds []string
			for _, e := range events {
				kinds = append(kinds, e.Event)
			}
			seq := strings.Join(kinds, ",")
			last := events[len(events)-1]
			var a apitypes.AskResponse
			if last.Event != apitypes.EventDone || json.Unmarshal([]byte(last.Data), &a) != nil {
				t.Fatalf("last event %+v; sequence %s", last, seq)
			}
			if a.Mode != tc.mode || !strings.Contains(seq, tc.wantEvent) || len(a.Tables) == 0 {
				t.Fatalf("mode %s, tables %d, sequence %s", a.Mode, len(a.Tables), seq)
			}
			if tc.mode == agent.ModePlanner && (!strings.Contains(seq, apitypes.EventReset) || a.Notice == "") {
				t.Errorf("fallback without reset or notice: %s, notice %q", seq, a.Notice)
			}
		})
	}
}
