package ollamatest

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"net/http"
	"slices"
	"strings"
	"time"

	"github.com/ollama/ollama/api"
)

// rawMarker stands in for RawArgs while a chunk is marshalled, then is replaced verbatim.
const rawMarker = `{"__ollamatest_raw__":true}`

// chat answers /api/chat: validation as ChatHandler does it, then the next scripted reply.
func (s *Server) chat(w http.ResponseWriter, r *http.Request, req api.ChatRequest) {
	if req.Model == "" {
		writeJSON(w, http.StatusBadRequest, map[string]string{"error": "model is required"})
		return
	}
	m, ok := s.find(req.Model)
	if !ok {
		notFound(w, req.Model)
		return
	}
	if len(req.Tools) > 0 && !slices.Contains(m.Capabilities, "tools") {
		writeJSON(w, http.StatusBadRequest, map[string]string{"error": "registry.ollama.ai/library/" + displayName(m.Name) + " does not support tools"})
		return
	}
	reply, ok := s.next()
	if !ok {
		writeJSON(w, http.StatusInternalServerError, map[string]string{"error": "ollamatest: no scripted reply left for this chat request"})
		return
	}
	for depth := 0; reply.Func != nil && depth < 8; depth++ {
		reply = reply.Func(req)
	}
	if !waitOrDone(r.Context(), reply.Delay) {
		return
	}
	if reply.Status != 0 {
		writeJSON(w, reply.Status, map[string]string{"error": reply.Error})
		return
	}
	body, final := chunks(req, reply)
	if req.Stream == nil || *req.Stream {
		stream(w, r, reply, body, final)
		return
	}
	whole(w, r, req, reply)
}

func (s *Server) next() (Reply, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if len(s.script) == 0 {
		return Reply{}, false
	}
	r := s.script[0]
	s.script = s.script[1:]
	return r, true
}

// chunks renders the streamed lines of a reply: one per word of content, one with the tool
// calls, and the final one with done_reason and the metrics.
func chunks(req api.ChatRequest, reply Reply) (body [][]byte, final []byte) {
	now := func() time.Time { return time.Now().UTC() }
	for _, word := range strings.SplitAfter(reply.Content, " ") {
		if word == "" {
			continue
		}
		body = append(body, marshal(api.ChatResponse{Model: req.Model, CreatedAt: now(),
			Message: api.Message{Role: "assistant", Content: word}}, nil))
	}
	if len(reply.ToolCalls) > 0 {
		calls, raws := toolCalls(reply)
		body = append(body, marshal(api.ChatResponse{Model: req.Model, CreatedAt: now(),
			Message: api.Message{Role: "assistant", Content: "", ToolCalls: calls}}, raws))
	}
	reason := reply.DoneReason
	if reason == "" {
		reason = "stop"
	}
	final = marshal(api.ChatResponse{Model: req.Model, CreatedAt: now(),
		Message: api.Message{Role: "assistant", Content: ""}, Done: true, DoneReason: reason,
		Metrics: metrics(req, len(body))}, nil)
	return body, final
}

func toolCalls(reply Reply) ([]api.ToolCall, []string) {
	var calls []api.ToolCall
	var raws []string
	for i, c := range reply.ToolCalls {
		tc := api.ToolCall{Function: api.ToolCallFunction{Index: i, Name: c.Name}}
		if !reply.NoIDs {
			tc.ID = callID()
		}
		if c.RawArgs != "" {
			tc.Function.Arguments = argsObject(map[string]any{"__ollamatest_raw__": true})
			raws = append(raws, c.RawArgs)
		} else {
			tc.Function.Arguments = argsObject(c.Args)
		}
		calls = append(calls, tc)
	}
	return calls, raws
}

// callID is shaped as the server's toolCallId: "call_" and 8 lowercase letters or digits.
func callID() string {
	const letters = "abcdefghijklmnopqrstuvwxyz0123456789"
	b := make([]byte, 8)
	for i := range b {
		b[i] = letters[rand.IntN(len(letters))]
	}
	return "call_" + string(b)
}

func metrics(req api.ChatRequest, evals int) api.Metrics {
	prompt := 0
	for _, m := range req.Messages {
		prompt += len(m.Content)/4 + 4
	}
	for _, t := range req.Tools {
		prompt += len(t.String()) / 4
	}
	return api.Metrics{TotalDuration: 850 * time.Millisecond, LoadDuration: 12 * time.Millisecond,
		PromptEvalCount: prompt, PromptEvalDuration: 300 * time.Millisecond,
		EvalCount: evals + 1, EvalDuration: 500 * time.Millisecond}
}

// marshal renders one response, writing raw arguments verbatim in place of their markers.
func marshal(resp api.ChatResponse, raws []string) []byte {
	b, err := json.Marshal(resp)
	if err != nil {
		panic("ollamatest: marshal chat response: " + err.Error())
	}
	for _, raw := range raws {
		b = bytes.Replace(b, []byte(rawMarker), []byte(raw), 1)
	}
	return b
}

// stream writes NDJSON as streamResponse does, playing the reply's fault at its place.
func stream(w http.ResponseWriter, r *http.Request, reply Reply, body [][]byte, final []byte) {
	w.Header().Set("Content-Type", "application/x-ndjson")
	w.WriteHeader(http.StatusOK)
	flusher, _ := w.(http.Flusher)
	write := func(line []byte) {
		_, _ = w.Write(append(line, '\n'))
		if flusher != nil {
			flusher.Flush()
		}
	}
	interrupt := reply.Fault != FaultNone || reply.Error != ""
	for i := 0; i <= len(body); i++ {
		if interrupt && i == min(reply.After, len(body)) {
			misbehave(w, r, reply, write)
			return
		}
		if i == len(body) {
			break
		}
		if i > 0 && !waitOrDone(r.Context(), reply.ChunkDelay) {
			return
		}
		write(body[i])
	}
	write(final)
}

// misbehave plays the reply's fault (or its error line) mid-stream.
func misbehave(w http.ResponseWriter, r *http.Request, reply Reply, write func([]byte)) {
	switch reply.Fault {
	case FaultDead:
		kill(w)
	case FaultGarbage:
		line := reply.Garbage
		if line == "" {
			line = "<html><body><h1>502 Bad Gateway</h1></body></html>"
		}
		write([]byte(line))
	case FaultStall:
		waitOrDone(r.Context(), 30*time.Second)
	default:
		b, _ := json.Marshal(map[string]string{"error": reply.Error})
		write(b)
	}
}

// kill closes the connection under the response, so that the client sees the stream end
// without its final chunk (and without the chunked encoding's terminator).
func kill(w http.ResponseWriter) {
	hj, ok := w.(http.Hijacker)
	if !ok {
		panic("ollamatest: the response cannot be hijacked")
	}
	conn, _, err := hj.Hijack()
	if err != nil {
		panic(fmt.Sprintf("ollamatest: hijack: %v", err))
	}
	_ = conn.Close()
}

// whole answers a stream:false request: one api.ChatResponse with the content concatenated and
// the tool calls collected, as ChatHandler's non-streaming branch does.
func whole(w http.ResponseWriter, r *http.Request, req api.ChatRequest, reply Reply) {
	switch {
	case reply.Fault == FaultDead:
		kill(w)
		return
	case reply.Fault == FaultGarbage:
		w.Header().Set("Content-Type", "application/json; charset=utf-8")
		_, _ = w.Write([]byte("<html><body><h1>502 Bad Gateway</h1></body></html>"))
		return
	case reply.Fault == FaultStall:
		waitOrDone(r.Context(), 30*time.Second)
		return
	case reply.Error != "":
		writeJSON(w, http.StatusInternalServerError, map[string]string{"error": reply.Error})
		return
	}
	resp := api.ChatResponse{Model: req.Model, CreatedAt: time.Now().UTC(),
		Message: api.Message{Role: "assistant", Content: reply.Content}, Done: true, DoneReason: "stop",
		Metrics: metrics(req, len(strings.Fields(reply.Content)))}
	if reply.DoneReason != "" {
		resp.DoneReason = reply.DoneReason
	}
	var raws []string
	if len(reply.ToolCalls) > 0 {
		resp.Message.ToolCalls, raws = toolCalls(reply)
	}
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(http.StatusOK)
	_, _ = w.Write(marshal(resp, raws))
}
