// Package agent answers a question: with a model that calls the tools when one is configured
// and healthy, else with the deterministic planner; then it checks that every number of the
// answer is grounded in a tool result, and stores every step for replay and audit.
package agent

import (
	"context"
	"encoding/json"
	"time"

	"github.com/comune-bologna/conoscenza/agent/tool"
)

// Modes of an answer.
const (
	ModeModel   = "model"   // a language model called the tools
	ModePlanner = "planner" // the deterministic planner called the tools
)

// Request is one question.
type Request struct {
	Question       string         `json:"question"`
	ConversationID string         `json:"conversation_id,omitempty"`
	Principal      tool.Principal `json:"-"`
	// ForceMode asks for one mode ("planner" or "model"), e.g. for the trainer's side-by-side view.
	ForceMode string `json:"mode,omitempty"`
}

// Answer is what the user gets back.
type Answer struct {
	ConversationID string          `json:"conversation_id"`
	MessageID      int64           `json:"message_id"`
	Question       string          `json:"question"`
	Answer         string          `json:"answer"`
	Tables         []tool.Table    `json:"tables"`
	Citations      []tool.Citation `json:"citations"`
	Steps          []Step          `json:"steps"`
	Mode           string          `json:"mode"`
	Model          string          `json:"model,omitempty"`
	Notice         string          `json:"notice,omitempty"`
	PromptVersion  string          `json:"prompt_version"`
	Grounding      Grounding       `json:"grounding"`
	DurationMS     int64           `json:"duration_ms"`
}

// Step is one thing that happened while answering, for the user's progress view and the
// trainer's replay.
type Step struct {
	N     int    `json:"n"`
	Kind  string `json:"kind"`  // plan, tool_call, model, grounding, notice
	Label string `json:"label"` // Italian, for people: "eseguo la query"
	// Key names the label for the browser's translations ("tool.query_metrics", "plan"...):
	// stable, while the Italian label may be reworded.
	Key        string          `json:"key,omitempty"`
	Tool       string          `json:"tool,omitempty"`
	Arguments  json.RawMessage `json:"arguments,omitempty"`
	SQL        []string        `json:"sql,omitempty"`
	Rows       int             `json:"rows,omitempty"`
	Error      string          `json:"error,omitempty"`
	Detail     any             `json:"detail,omitempty"` // what the model saw or said, for the trainer
	DurationMS int64           `json:"duration_ms"`
}

// Event is one streamed update: step, delta (answer text), table, citation, notice, done.
type Event struct {
	Type string `json:"type"`
	Data any    `json:"data"`
}

// Sink receives events as they happen; nil discards them.
type Sink func(Event)

func (s Sink) emit(typ string, data any) {
	if s != nil {
		s(Event{Type: typ, Data: data})
	}
}

// LLM is a chat model that can call tools (agent/ollama satisfies it).
type LLM interface {
	// Chat runs one model turn over messages, offering tools; text deltas stream to onDelta.
	Chat(ctx context.Context, messages []Message, tools []tool.Definition, onDelta func(string)) (Message, error)
	// Ready says whether the server answers and has the model.
	Ready(ctx context.Context) error
	// Name is the model's name.
	Name() string
}

// Message is one chat message.
type Message struct {
	Role      string      `json:"role"` // system, user, assistant, tool
	Content   string      `json:"content"`
	ToolCalls []tool.Call `json:"tool_calls,omitempty"`
	ToolName  string      `json:"tool_name,omitempty"` // for role tool: the tool whose result this is
}

// Limits bound one answer.
type Limits struct {
	MaxSteps    int           // model turns at most (default 6)
	CallTimeout time.Duration // one tool call (default 10s)
	Total       time.Duration // the whole answer (default 60s)
}

func (l Limits) withDefaults() Limits {
	if l.MaxSteps <= 0 {
		l.MaxSteps = 6
	}
	if l.CallTimeout <= 0 {
		l.CallTimeout = 10 * time.Second
	}
	if l.Total <= 0 {
		l.Total = 60 * time.Second
	}
	return l
}

func mustJSON(v any) string {
	b, err := json.Marshal(v)
	if err != nil {
		return "{}"
	}
	return string(b)
}
