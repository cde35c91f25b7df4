package agent

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/comune-bologna/conoscenza/agent/planner"
	"github.com/comune-bologna/conoscenza/agent/tool"
	"github.com/comune-bologna/conoscenza/prompts"
)

// errNoAnswer means the model used every step without answering.
var errNoAnswer = errors.New("the model did not answer within the step limit")

// runModel lets the model call the role's tools until it answers. An error makes Ask fall back
// to the planner.
func (s *Service) runModel(ctx context.Context, req Request, prev *planner.State, t *turn, lim Limits) (string, *planner.State, error) {
	defs := tool.Definitions(req.Principal.Role, s.Tools.Engine.Catalog())
	sys, err := prompts.System(prompts.SystemData{Lang: "it", Today: s.now().Format(time.DateOnly), Role: string(req.Principal.Role)})
	if err != nil {
		return "", nil, err
	}
	messages := []Message{{Role: "system", Content: sys}}
	if prev != nil && prev.Query != nil {
		messages = append(messages, Message{Role: "system", Content: fmt.Sprintf(
			"Contesto: la domanda precedente di questa conversazione usava la query %s. Se la nuova domanda è un seguito, riusala modificando solo ciò che cambia.", mustJSON(prev.Query))})
	}
	messages = append(messages, Message{Role: "user", Content: req.Question})
	t.step(Step{Kind: "model", Label: "preparo il modello", Detail: map[string]any{"system": sys, "tools": defs}})

	for i := 0; i < lim.MaxSteps; i++ {
		ms := time.Now()
		var streamed strings.Builder
		msg, err := s.LLM.Chat(ctx, messages, defs, func(delta string) {
			streamed.WriteString(delta)
			t.sink.emit("delta", delta)
		})
		if err != nil {
			return "", nil, fmt.Errorf("model turn %d: %w", i+1, err)
		}
		t.step(Step{Kind: "model", Label: "il modello ragiona", Detail: msg, DurationMS: time.Since(ms).Milliseconds()})
		if len(msg.ToolCalls) == 0 {
			if strings.TrimSpace(msg.Content) == "" {
				return "", nil, errors.New("the model returned an empty answer")
			}
			return msg.Content, stateFromCalls(t.results), nil
		}
		messages = append(messages, Message{Role: "assistant", Content: msg.Content, ToolCalls: msg.ToolCalls})
		for _, c := range msg.ToolCalls {
			r := s.call(ctx, req.Principal, c, t, lim)
			messages = append(messages, Message{Role: "tool", ToolName: c.Name, Content: r.Content})
		}
		if err := ctx.Err(); err != nil {
			return "", nil, err
		}
	}
	return "", nil, errNoAnswer
}
