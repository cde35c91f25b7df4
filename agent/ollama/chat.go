package ollama

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"math/rand/v2"
	"net"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/ollama/ollama/api"

	"github.com/comune-bologna/conoscenza/agent"
	"github.com/comune-bologna/conoscenza/agent/tool"
)

// Errors of the chat model, to be tested with errors.Is. Malformed tool calls are reported with
// agent.ErrMalformedToolCall, which the model loop answers by asking the model to try again.
var (
	// ErrChatModelMissing: the server does not have the chat model.
	ErrChatModelMissing = errors.New("chat model missing")
	// ErrNoToolSupport: the model cannot call tools.
	ErrNoToolSupport = errors.New("model without tool calling")
	// ErrUnavailable: the server is down, unreachable, overloaded or failing.
	ErrUnavailable = errors.New("ollama unavailable")
	// ErrBadResponse: the server answered something that is not a complete chat answer.
	ErrBadResponse = errors.New("bad response from ollama")
)

// ChatOptions tune the chat model. The zero value is the production default.
type ChatOptions struct {
	// Temperature 0 (the default) makes the model pick the likeliest token every time, so the
	// same question over the same data gets the same answer.
	Temperature float64
	// NumCtx is the context window in tokens (default 8192). The system prompt, seven tool
	// schemas and the tool results must fit; past it the server silently drops old messages.
	NumCtx int
	// KeepAlive is how long the server keeps the model in memory after a request: 0 leaves the
	// server's default (5 minutes), a negative value keeps it loaded.
	KeepAlive time.Duration
	// ReadyTimeout bounds the readiness check (default 2 s).
	ReadyTimeout time.Duration
	// ReadyTTL is how long a readiness result is reused (default 5 s), so that a question does
	// not pay two round trips before the model starts.
	ReadyTTL time.Duration
}

// LLM is the chat model of an Ollama server, streaming and calling tools natively through
// /api/chat. It satisfies agent.LLM.
type LLM struct {
	client *Client
	model  string
	opt    ChatOptions

	sem      chan struct{} // one readiness check at a time
	mu       sync.Mutex
	checked  time.Time
	readyErr error
	now      func() time.Time // the clock of the readiness cache (tests move it)
}

// LLM returns the client's ChatModel as an agent.LLM.
func (c *Client) LLM(opt ChatOptions) *LLM {
	if opt.NumCtx <= 0 {
		opt.NumCtx = 8192
	}
	if opt.ReadyTimeout <= 0 {
		opt.ReadyTimeout = 2 * time.Second
	}
	if opt.ReadyTTL <= 0 {
		opt.ReadyTTL = 5 * time.Second
	}
	return &LLM{client: c, model: c.ChatModel, opt: opt, sem: make(chan struct{}, 1), now: time.Now}
}

// Name is the model's name as configured.
func (m *LLM) Name() string { return m.model }

// Ready says whether the server answers and has the chat model, with tool calling. A result is
// reused for ReadyTTL; concurrent callers share one check.
func (m *LLM) Ready(ctx context.Context) error {
	if err, ok := m.cached(); ok {
		return err
	}
	select {
	case m.sem <- struct{}{}:
	case <-ctx.Done():
		return fmt.Errorf("ollama readiness of %s: %w", m.model, ctx.Err())
	}
	defer func() { <-m.sem }()
	if err, ok := m.cached(); ok {
		return err
	}
	cctx, cancel := context.WithTimeout(ctx, m.opt.ReadyTimeout)
	defer cancel()
	err := m.check(cctx)
	if ctx.Err() == nil { // a check the caller cut short says nothing about the server
		m.mu.Lock()
		m.checked, m.readyErr = m.now(), err
		m.mu.Unlock()
	}
	return err
}

func (m *LLM) cached() (error, bool) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.checked.IsZero() || m.now().Sub(m.checked) >= m.opt.ReadyTTL {
		return nil, false
	}
	return m.readyErr, true
}

func (m *LLM) check(ctx context.Context) error {
	list, err := m.client.api.List(ctx)
	if err != nil {
		return m.failure(ctx, "list models", err)
	}
	if !listed(list, m.model) {
		return m.missingErr()
	}
	show, err := m.client.api.Show(ctx, &api.ShowRequest{Model: m.model})
	if err != nil {
		return m.failure(ctx, "show model", err)
	}
	if len(show.Capabilities) == 0 {
		return nil // servers before capabilities were reported: the first chat will tell
	}
	for _, c := range show.Capabilities {
		if string(c) == "tools" {
			return nil
		}
	}
	return m.noToolsErr()
}

func listed(list *api.ListResponse, model string) bool {
	want := strings.TrimSuffix(strings.ToLower(model), ":latest")
	for _, lm := range list.Models {
		for _, name := range []string{lm.Name, lm.Model} {
			if strings.TrimSuffix(strings.ToLower(name), ":latest") == want {
				return true
			}
		}
	}
	return false
}

func (m *LLM) missingErr() error {
	return fmt.Errorf("%w: model %s is not pulled on the Ollama server at %s: run `ollama pull %s`", ErrChatModelMissing, m.model, m.client.host, m.model)
}

func (m *LLM) noToolsErr() error {
	return fmt.Errorf("%w: model %s on %s cannot call tools: configure one that can (qwen2.5, llama3.1, mistral-nemo)", ErrNoToolSupport, m.model, m.client.host)
}

// Chat runs one model turn: it streams the answer's text to onDelta and returns the message
// with its tool calls. Calls to tools that exist but were not offered are returned as they are,
// so that the executor refuses them by role and the refusal is recorded; a call that cannot be
// read (no name, a tool that does not exist, arguments that are not an object) or a call
// written as text makes the error wrap agent.ErrMalformedToolCall, with the readable calls in
// the message.
func (m *LLM) Chat(ctx context.Context, messages []agent.Message, tools []tool.Definition, onDelta func(string)) (agent.Message, error) {
	req, err := m.request(messages, tools)
	if err != nil {
		return agent.Message{}, err
	}
	var content strings.Builder
	var calls []api.ToolCall
	var final *api.ChatResponse
	err = m.client.api.Chat(ctx, req, func(r api.ChatResponse) error {
		if final != nil {
			return fmt.Errorf("%w: a chunk after the final one", ErrBadResponse)
		}
		if r.Message.Content != "" {
			content.WriteString(r.Message.Content)
			if onDelta != nil {
				onDelta(r.Message.Content)
			}
		}
		calls = append(calls, r.Message.ToolCalls...)
		if r.Done {
			final = &r
		}
		return nil
	})
	if err != nil {
		return agent.Message{}, m.failure(ctx, "chat", err)
	}
	if final == nil {
		// The api client stops quietly when the body ends early: a cancelled request or a
		// connection the server (or a proxy) closed mid-answer.
		if ctx.Err() != nil {
			return agent.Message{}, m.failure(ctx, "chat", ctx.Err())
		}
		return agent.Message{}, fmt.Errorf("%w: chat with %s at %s: the stream ended before its final chunk (connection closed mid-answer)", ErrBadResponse, m.model, m.client.host)
	}
	if final.DoneReason == "length" {
		return agent.Message{}, fmt.Errorf("%w: chat with %s: the answer was cut at the context or output limit (done_reason length); raise num_ctx (now %d)", ErrBadResponse, m.model, m.opt.NumCtx)
	}
	msg := agent.Message{Role: "assistant", Content: content.String()}
	msg.ToolCalls, err = readCalls(calls, tools)
	if err != nil {
		return msg, err
	}
	if len(msg.ToolCalls) == 0 && writtenToolCall(msg.Content) {
		return msg, fmt.Errorf("%w: the model wrote a tool call as text instead of calling it (a tool that was not offered?)", agent.ErrMalformedToolCall)
	}
	return msg, nil
}

// request converts the conversation and the tools to the api's types.
func (m *LLM) request(messages []agent.Message, defs []tool.Definition) (*api.ChatRequest, error) {
	stream := true
	req := &api.ChatRequest{Model: m.model, Stream: &stream,
		Options: map[string]any{"temperature": m.opt.Temperature, "num_ctx": m.opt.NumCtx}}
	if m.opt.KeepAlive != 0 {
		req.KeepAlive = &api.Duration{Duration: m.opt.KeepAlive}
	}
	for _, d := range defs {
		var p api.ToolFunctionParameters
		if err := json.Unmarshal(d.Parameters, &p); err != nil {
			return nil, fmt.Errorf("tool %s: parameters are not a JSON Schema object: %w", d.Name, err)
		}
		req.Tools = append(req.Tools, api.Tool{Type: "function",
			Function: api.ToolFunction{Name: d.Name, Description: d.Description, Parameters: p}})
	}
	var pending []tool.Call // calls of the last assistant message not yet answered
	for _, msg := range messages {
		am := api.Message{Role: msg.Role, Content: msg.Content, ToolName: msg.ToolName}
		switch msg.Role {
		case "assistant":
			pending = append(pending[:0], msg.ToolCalls...)
			for i, c := range msg.ToolCalls {
				am.ToolCalls = append(am.ToolCalls, apiCall(i, c))
			}
		case "tool":
			// A result answers the first pending call of its tool: runModel feeds results back
			// in the order of the calls.
			if i := slices.IndexFunc(pending, func(c tool.Call) bool { return c.Name == msg.ToolName }); i >= 0 {
				am.ToolCallID = pending[i].ID
				pending = slices.Delete(pending, i, i+1)
			}
		}
		req.Messages = append(req.Messages, am)
	}
	return req, nil
}

func apiCall(i int, c tool.Call) api.ToolCall {
	args := api.NewToolCallFunctionArguments()
	if len(c.Arguments) > 0 {
		// A call whose arguments are not an object was refused already; it goes back empty.
		_ = json.Unmarshal(c.Arguments, &args)
	}
	return api.ToolCall{ID: c.ID, Function: api.ToolCallFunction{Index: i, Name: c.Name, Arguments: args}}
}

// readCalls converts the model's calls, giving each an id, and reports those that cannot be
// read.
func readCalls(calls []api.ToolCall, offered []tool.Definition) ([]tool.Call, error) {
	var out []tool.Call
	var problems []string
	seen := map[string]bool{}
	for i, c := range calls {
		name := strings.TrimSpace(c.Function.Name)
		args, err := json.Marshal(c.Function.Arguments)
		if err != nil || string(args) == "null" {
			args = []byte("{}")
		}
		id := c.ID
		if id == "" || seen[id] {
			id = newCallID()
		}
		seen[id] = true
		out = append(out, tool.Call{ID: id, Name: name, Arguments: args})
		switch {
		case name == "":
			problems = append(problems, fmt.Sprintf("call %d has no tool name", i+1))
		case !known(name, offered):
			problems = append(problems, fmt.Sprintf("unknown tool %q", name))
		case args[0] != '{':
			problems = append(problems, fmt.Sprintf("the arguments of %s are not a JSON object", name))
		}
	}
	if len(problems) > 0 {
		return out, fmt.Errorf("%w: %s", agent.ErrMalformedToolCall, strings.Join(problems, "; "))
	}
	return out, nil
}

// known says whether a tool exists: offered now, or one of the project's tools (which the
// executor will refuse by role if it was not offered).
func known(name string, offered []tool.Definition) bool {
	return slices.ContainsFunc(offered, func(d tool.Definition) bool { return d.Name == name }) || slices.Contains(tool.Names(), name)
}

// writtenToolCall recognises a tool call the model wrote as text: the markup of the common
// chat templates, or a bare {"name": ..., "arguments": ...} object. A real server leaves such
// text in the content when its tool parser does not recognise the tool (one not offered).
func writtenToolCall(content string) bool {
	s := strings.TrimSpace(content)
	for _, tag := range []string{"<tool_call>", "[TOOL_CALLS]", "<|python_tag|>", "<function="} {
		if strings.Contains(s, tag) {
			return true
		}
	}
	if !strings.HasPrefix(s, "{") {
		return false
	}
	var obj map[string]json.RawMessage
	if json.Unmarshal([]byte(s), &obj) != nil {
		return false
	}
	_, name := obj["name"]
	_, args := obj["arguments"]
	_, params := obj["parameters"]
	return name && (args || params)
}

func newCallID() string {
	const letters = "abcdefghijklmnopqrstuvwxyz0123456789"
	b := make([]byte, 8)
	for i := range b {
		b[i] = letters[rand.IntN(len(letters))]
	}
	return "call_" + string(b)
}

// failure turns what the api client returned into one of this package's errors, saying what
// failed and what to do.
func (m *LLM) failure(ctx context.Context, what string, err error) error {
	where := fmt.Sprintf("ollama %s (%s at %s)", what, m.model, m.client.host)
	if ctx.Err() != nil {
		if errors.Is(ctx.Err(), context.DeadlineExceeded) {
			return fmt.Errorf("%s: no answer in time: %w", where, ctx.Err())
		}
		return fmt.Errorf("%s: %w", where, context.Cause(ctx))
	}
	if errors.Is(err, ErrBadResponse) {
		return fmt.Errorf("%s: %w", where, err)
	}
	var se api.StatusError
	if errors.As(err, &se) {
		switch {
		case se.StatusCode == http.StatusNotFound:
			return m.missingErr()
		case se.StatusCode == http.StatusBadRequest && strings.Contains(se.ErrorMessage, "does not support tools"):
			return m.noToolsErr()
		case se.StatusCode == http.StatusTooManyRequests || se.StatusCode >= 500:
			return fmt.Errorf("%w: %s: server error %d: %s", ErrUnavailable, where, se.StatusCode, se.ErrorMessage)
		default:
			return fmt.Errorf("%s: request refused (%d): %s", where, se.StatusCode, se.ErrorMessage)
		}
	}
	var ue *url.Error
	var ne net.Error
	if errors.As(err, &ue) || errors.As(err, &ne) {
		return fmt.Errorf("%w: %s: server unreachable: %v", ErrUnavailable, where, err)
	}
	// Arguments that are not an object fail inside the api types' decoder (an ordered map
	// read by jsonparser), before our code sees the call.
	if strings.Contains(err.Error(), "Value looks like object") || strings.Contains(err.Error(), "Value is not an object") {
		return fmt.Errorf("%w: %s: tool call arguments are not a JSON object: %v", agent.ErrMalformedToolCall, where, err)
	}
	var syn *json.SyntaxError
	var typ *json.UnmarshalTypeError
	if errors.As(err, &syn) || errors.As(err, &typ) {
		return fmt.Errorf("%w: %s: unreadable response: %v", ErrBadResponse, where, err)
	}
	// The api client returns a line it cannot decode, or an {"error"} line sent mid-stream, as
	// a plain error with the line's text.
	text := err.Error()
	if len(text) > 200 {
		text = text[:200] + "…"
	}
	return fmt.Errorf("%w: %s: the server sent an error or an unreadable line: %q", ErrBadResponse, where, text)
}
