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

// ErrMalformedToolCall marks a model turn whose tool calls cannot be run: no tool name, a tool
// that does not exist, arguments that are not a JSON object, a call written as text, too many
// calls at once. An LLM returns it wrapped, with the calls it could read in the message; the
// model loop tells the model what was wrong and lets it try again (ModelLimits.Malformed
// times), then falls back to the planner.
var ErrMalformedToolCall = errors.New("malformed tool call")

var (
	// errNoAnswer means the model used every step without answering.
	errNoAnswer = errors.New("the model did not answer within the step limit")
	// errTurnTimeout and errModelBudget are the causes of the model's two deadlines.
	errTurnTimeout = errors.New("model turn timeout")
	errModelBudget = errors.New("model budget exhausted")
)

// ModelLimits bound the model's part of one answer; Limits bound the whole answer. Zero values
// take the defaults.
type ModelLimits struct {
	// Turn bounds one model turn, streaming included (default: the whole Budget).
	Turn time.Duration
	// Budget bounds the model loop, tool calls included (default 3/4 of Limits.Total): the rest
	// of Total is kept for the planner, so that a model that is too slow still leaves time
	// for the fallback.
	Budget time.Duration
	// Malformed is how many malformed turns are fed back to the model before falling back
	// (default 1; negative: none).
	Malformed int
	// CallsPerTurn is the most tool calls one turn may make (default 8); more is malformed.
	CallsPerTurn int
}

func (l ModelLimits) withDefaults(total time.Duration) ModelLimits {
	if l.Budget <= 0 || l.Budget > total {
		l.Budget = total * 3 / 4
	}
	if l.Turn <= 0 || l.Turn > l.Budget {
		l.Turn = l.Budget
	}
	if l.Malformed == 0 {
		l.Malformed = 1
	}
	if l.CallsPerTurn <= 0 {
		l.CallsPerTurn = 8
	}
	return l
}

// runModel lets the model call the role's tools until it answers. An error makes Ask fall back
// to the planner: the model failed, was too slow, or kept making calls that cannot be run.
func (s *Service) runModel(ctx context.Context, req Request, prev *planner.State, t *turn, lim Limits) (string, *planner.State, error) {
	ml := s.Model.withDefaults(lim.Total)
	ctx, cancel := context.WithTimeoutCause(ctx, ml.Budget, errModelBudget)
	defer cancel()
	// Only the role's tools are offered; the executor checks the role again on every call.
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
	t.step(Step{Kind: "model", Key: "model.prepare", Label: "preparo il modello", Detail: map[string]any{"system": sys, "tools": defs}})

	sc := s.screener(req.Principal)
	malformed := 0
	for i := 1; i <= lim.MaxSteps; i++ {
		msg, err := s.modelTurn(ctx, ml, messages, defs, t, sc)
		if err == nil && len(msg.ToolCalls) > ml.CallsPerTurn {
			err = fmt.Errorf("%w: %d tool calls in one turn, at most %d", ErrMalformedToolCall, len(msg.ToolCalls), ml.CallsPerTurn)
		}
		if err != nil {
			if errors.Is(err, ErrMalformedToolCall) && malformed < ml.Malformed && ctx.Err() == nil {
				malformed++
				t.step(Step{Kind: "model", Key: "model.retry", Label: "chiamata non valida, chiedo al modello di correggerla", Error: err.Error(), Detail: msg})
				voidText(t, msg, "retry")
				messages = append(messages, correction(msg, err)...)
				continue
			}
			return "", nil, fmt.Errorf("model turn %d: %w", i, err)
		}
		if len(msg.ToolCalls) == 0 {
			if strings.TrimSpace(msg.Content) == "" {
				return "", nil, errors.New("the model returned an empty answer")
			}
			return msg.Content, stateFromCalls(t.results), nil
		}
		voidText(t, msg, "tool_calls")
		messages = append(messages, Message{Role: "assistant", Content: msg.Content, ToolCalls: msg.ToolCalls})
		for _, c := range msg.ToolCalls {
			r := s.call(ctx, req.Principal, c, t, lim)
			messages = append(messages, Message{Role: "tool", ToolName: c.Name, Content: r.Content})
		}
		if ctx.Err() != nil {
			return "", nil, deadlineErr(ctx, ml)
		}
	}
	return "", nil, fmt.Errorf("%w (%d)", errNoAnswer, lim.MaxSteps)
}

// modelTurn runs one model turn within the turn's deadline and records it. Its text streams
// through the screen (gate): a turn that asks for personal data, or shows it to a role that
// may not see it, ends with a *BlockedError, and what was blocked never reaches the client.
func (s *Service) modelTurn(ctx context.Context, ml ModelLimits, messages []Message, defs []tool.Definition, t *turn, sc screener) (Message, error) {
	tctx, cancel := context.WithTimeoutCause(ctx, ml.Turn, errTurnTimeout)
	defer cancel()
	start := time.Now()
	g := &gate{ctx: ctx, sc: sc, emit: func(delta string) { t.sink.emit("delta", delta) }}
	msg, err := s.LLM.Chat(tctx, messages, defs, g.write)
	if found := g.finish(msg.Content, err == nil); found != nil {
		blocked := &BlockedError{Findings: found, Excerpt: blockedExcerpt(msg.Content, found)}
		var calls []string
		for _, c := range msg.ToolCalls {
			calls = append(calls, c.Name)
		}
		// The step says what was found (masked), not the text: the answer's steps go to the user.
		t.step(Step{Kind: "model", Key: "model.blocked", Label: "risposta del modello bloccata", Error: blocked.Error(),
			Detail: map[string]any{"findings": found, "tool_calls": calls}, DurationMS: time.Since(start).Milliseconds()})
		return Message{}, blocked
	}
	if err != nil {
		if tctx.Err() != nil {
			return msg, fmt.Errorf("%w: %w", deadlineErr(tctx, ml), err)
		}
		return msg, err
	}
	t.step(Step{Kind: "model", Key: "model.reasoning", Label: "il modello ragiona", Detail: msg, DurationMS: time.Since(start).Milliseconds()})
	return msg, nil
}

// voidText tells the client to discard the text a turn streamed when it is not the answer
// (a preamble before tool calls, a malformed turn): only the last turn's text is the answer.
func voidText(t *turn, msg Message, reason string) {
	if msg.Content != "" {
		t.sink.emit("reset", map[string]string{"reason": reason})
	}
}

// deadlineErr says which deadline ended the model's work; a cancellation is returned as it is.
func deadlineErr(ctx context.Context, ml ModelLimits) error {
	switch cause := context.Cause(ctx); {
	case errors.Is(cause, errTurnTimeout):
		return fmt.Errorf("the model did not finish its turn within %s", ml.Turn)
	case errors.Is(cause, errModelBudget):
		return fmt.Errorf("the model did not answer within its budget of %s", ml.Budget)
	default:
		return cause
	}
}

// correction is what the model reads after a malformed turn: its own turn, then what was
// wrong, as the result of each call (none was run) or, when it wrote no call, as a user message.
func correction(msg Message, err error) []Message {
	problem := strings.TrimPrefix(err.Error(), ErrMalformedToolCall.Error()+": ")
	note := "Chiamata non eseguita: " + problem + ". Usa solo gli strumenti offerti, con gli argomenti in un oggetto JSON; se nessuno strumento serve, rispondi."
	out := []Message{{Role: "assistant", Content: msg.Content, ToolCalls: msg.ToolCalls}}
	if len(msg.ToolCalls) == 0 {
		return append(out, Message{Role: "user", Content: note})
	}
	for _, c := range msg.ToolCalls {
		out = append(out, Message{Role: "tool", ToolName: c.Name, Content: `{"errore": ` + mustJSON(note) + `}`})
	}
	return out
}
