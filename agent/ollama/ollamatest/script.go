package ollamatest

import (
	"encoding/json"
	"time"

	"github.com/ollama/ollama/api"
)

// Reply is one scripted answer to /api/chat. Build it with Text, Call, Calls and the fault
// constructors; fields can be combined (a slow tool call, a stream that dies after two
// deltas).
type Reply struct {
	// Content is the answer text, streamed one word per chunk as a model streams tokens.
	Content string
	// ToolCalls are sent in one chunk after the content, as the server's tool parser does.
	ToolCalls []ToolCall
	// DoneReason of the final chunk: "stop" when empty; "length" plays an answer cut at the
	// context or output limit.
	DoneReason string
	// NoIDs leaves the tool calls without an id (servers before tool call ids, some parsers).
	NoIDs bool

	// Delay is waited before the first byte: a slow model, a model still loading.
	Delay time.Duration
	// ChunkDelay is waited between chunks.
	ChunkDelay time.Duration

	// Status, when set, answers with this HTTP status and {"error": Error} instead.
	Status int
	// Error with Status 0 is sent as an {"error": ...} line after After chunks, as the server
	// reports a runner that fails mid-stream.
	Error string

	// Fault, when set, happens after After chunks instead of the rest of the answer.
	Fault Fault
	// After is how many chunks go out before Fault or Error.
	After int
	// Garbage is the line FaultGarbage writes (default: an HTML error page from a proxy).
	Garbage string

	// Func, when set, computes the reply from the request (e.g. an answer quoting a tool result).
	Func func(api.ChatRequest) Reply
}

// Fault is a way for the server or the connection to misbehave.
type Fault int

// Faults.
const (
	FaultNone    Fault = iota
	FaultDead          // the connection is closed mid-stream, without the final chunk
	FaultGarbage       // a line that is not JSON
	FaultStall         // nothing more is sent until the client goes away (at most 30 s)
)

// ToolCall is a scripted tool call.
type ToolCall struct {
	Name string
	// Args is marshalled to the call's arguments object (api.ToolCallFunctionArguments).
	Args any
	// RawArgs, when set, is written verbatim as the arguments: a JSON string or an array, as a
	// broken proxy or an OpenAI-style bridge would send them. The api client cannot decode it.
	RawArgs string
}

// Tool is a tool call to put in Calls.
func Tool(name string, args any) ToolCall { return ToolCall{Name: name, Args: args} }

// Text answers with text.
func Text(content string) Reply { return Reply{Content: content} }

// Call answers with one tool call.
func Call(name string, args any) Reply { return Reply{ToolCalls: []ToolCall{Tool(name, args)}} }

// Calls answers with several tool calls in one turn.
func Calls(calls ...ToolCall) Reply { return Reply{ToolCalls: calls} }

// Slow delays r by d before its first byte.
func Slow(d time.Duration, r Reply) Reply {
	r.Delay = d
	return r
}

// HTTPError answers with status and {"error": msg}, as the server does before streaming
// (e.g. 500 for a runner that failed to load, 503 for a full queue).
func HTTPError(status int, msg string) Reply { return Reply{Status: status, Error: msg} }

// ModelNotFound is the 404 the scheduler sends when the model disappears after the request
// was accepted (handleScheduleError); a model that was never pulled gets the shorter
// "model 'x' not found" from the stand-in itself.
func ModelNotFound(name string) Reply {
	return HTTPError(404, "model \""+name+"\" not found, try pulling it first")
}

// StreamError streams a few words and then an {"error": msg} line, as the server does when
// the runner fails mid-answer.
func StreamError(msg string) Reply {
	return Reply{Content: "Sto calcolando la risposta", Error: msg, After: 2}
}

// Dead streams a few words and then closes the connection without the final chunk.
func Dead() Reply {
	return Reply{Content: "Le domande di cassa integrazione sono", Fault: FaultDead, After: 2}
}

// Garbage streams a word and then a line that is not JSON (an HTML page from a proxy).
func Garbage() Reply {
	return Reply{Content: "Ecco i dati", Fault: FaultGarbage, After: 1,
		Garbage: "<html><body><h1>502 Bad Gateway</h1></body></html>"}
}

// Stall streams a word and then nothing, until the client goes away.
func Stall() Reply { return Reply{Content: "Un momento", Fault: FaultStall, After: 1} }

// Truncated answers with text cut at the context limit (done_reason "length").
func Truncated(content string) Reply { return Reply{Content: content, DoneReason: "length"} }

// BadArguments answers with a call whose arguments are not a JSON object (raw: `"{...}"`,
// `[1,2]`, `42`).
func BadArguments(name, raw string) Reply {
	return Reply{ToolCalls: []ToolCall{{Name: name, RawArgs: raw}}}
}

// Dynamic computes the reply from the request the model was sent.
func Dynamic(f func(api.ChatRequest) Reply) Reply { return Reply{Func: f} }

// SystemPrompt is the content of the request's first system message.
func SystemPrompt(req api.ChatRequest) string {
	for _, m := range req.Messages {
		if m.Role == "system" {
			return m.Content
		}
	}
	return ""
}

// ToolNames lists the tools a request offered, in order.
func ToolNames(req api.ChatRequest) []string {
	var out []string
	for _, t := range req.Tools {
		out = append(out, t.Function.Name)
	}
	return out
}

// ToolResults lists the role "tool" messages of a request, in order: what was fed back.
func ToolResults(req api.ChatRequest) []api.Message {
	var out []api.Message
	for _, m := range req.Messages {
		if m.Role == "tool" {
			out = append(out, m)
		}
	}
	return out
}

// LastToolResult is the last role "tool" message of a request, if any.
func LastToolResult(req api.ChatRequest) (api.Message, bool) {
	r := ToolResults(req)
	if len(r) == 0 {
		return api.Message{}, false
	}
	return r[len(r)-1], true
}

// argsObject marshals scripted arguments, defaulting to {}.
func argsObject(v any) api.ToolCallFunctionArguments {
	args := api.NewToolCallFunctionArguments()
	if v == nil {
		return args
	}
	b, err := json.Marshal(v)
	if err != nil {
		panic("ollamatest: tool call arguments: " + err.Error())
	}
	if err := json.Unmarshal(b, &args); err != nil {
		panic("ollamatest: tool call arguments must marshal to a JSON object (use RawArgs for anything else): " + err.Error())
	}
	return args
}
