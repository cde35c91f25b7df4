package agent

import (
	"context"
	"testing"

	"github.com/comune-bologna/conoscenza/agent/tool"
)

// TestEveryStepHasAKey checks that each step the planner path streams and stores carries the
// stable key the browser translates its label by, and that the Italian label stays.
func TestEveryStepHasAKey(t *testing.T) {
	s := newService(t)
	var streamed []Step
	a, err := s.Ask(context.Background(), Request{Question: "Quante domande di cassa integrazione?", Principal: tool.Principal{Role: tool.Decisore}},
		func(e Event) {
			if st, ok := e.Data.(Step); ok && e.Type == "step" {
				streamed = append(streamed, st)
			}
		})
	if err != nil {
		t.Fatal(err)
	}
	keys := map[string]string{}
	for _, st := range append(streamed, a.Steps...) {
		if st.Key == "" || st.Label == "" {
			t.Errorf("step without key or label: %+v", st)
		}
		keys[st.Kind] = st.Key
	}
	want := map[string]string{"plan": "plan", "tool_start": "tool." + tool.QueryMetrics, "tool_call": "tool." + tool.QueryMetrics, "grounding": "grounding"}
	for kind, key := range want {
		if keys[kind] != key {
			t.Errorf("step %s key = %q, want %q (steps %+v)", kind, keys[kind], key, streamed)
		}
	}
	if a.Steps[0].Label != "interpreto la domanda" {
		t.Errorf("Italian label changed: %+v", a.Steps[0])
	}
}
