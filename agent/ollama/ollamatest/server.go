// Package ollamatest is a scripted, local stand-in for an Ollama server, for tests that must
// speak real HTTP to "a model" on machines that have neither an Ollama server nor weights.
//
// The wire shapes are the real server's, taken from the types it marshals itself
// (github.com/ollama/ollama/api v0.17.4) and from its handlers (server/routes.go of the same
// module version):
//
//   - GET/HEAD /api/version → {"version": "..."} (routes.go GenerateRoutes).
//   - GET /api/tags → api.ListResponse; each api.ListModelResponse has Name and Model set to the
//     shortest display name, so "bge-m3" is listed as "bge-m3:latest" (ListHandler).
//   - POST /api/show → api.ShowResponse with Details, ModelInfo and Capabilities (ShowHandler);
//     a model that is not pulled answers 404 {"error":"model 'x' not found"}.
//   - POST /api/chat → api.ChatRequest in; out, when streaming (the default; Stream nil or true),
//     application/x-ndjson lines of api.ChatResponse: one per content delta
//     (message.role "assistant", message.content the delta, done false), one carrying
//     message.tool_calls (api.ToolCall with ID "call_xxxxxxxx", Function.Index, Name and
//     Arguments, content ""), and a final line with done true, done_reason ("stop",
//     "length") and the api.Metrics counters (ChatHandler, streamResponse). With stream
//     false, one application/json api.ChatResponse with the content concatenated and the tool
//     calls collected. A missing model answers 404 {"error":"model 'x' not found"} (ChatHandler,
//     GetModel); tools offered to a model without the "tools" capability answer 400
//     {"error":"<name> does not support tools"} (scheduleRunner, CheckCapabilities); an error
//     after the first line is written as a {"error":"..."} line with status 200.
//   - POST /api/embed → api.EmbedRequest (input a string or an array of strings) in,
//     api.EmbedResponse out (EmbedHandler); "invalid input type" 400 otherwise.
//
// Every request is recorded (see Requests and Chats) so that a test can assert on what the
// model was sent: the system prompt, the tools offered, the tool results fed back.
// Replies to /api/chat are scripted (see Reply): text, tool calls, and faults.
package ollamatest

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"hash/fnv"
	"io"
	"math"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/ollama/ollama/api"
)

// Version is what /api/version reports: the api module version the shapes were taken from.
const Version = "0.17.4"

// Default model names, as the project's configuration defaults them.
const (
	DefaultChatModel  = "qwen2.5:7b-instruct"
	DefaultEmbedModel = "bge-m3"
)

// Model is a model the stand-in has "pulled".
type Model struct {
	Name         string
	Capabilities []string // "completion", "tools", "embedding", "thinking", ...
	Family       string
}

// ChatModel is a model that can chat and call tools (as qwen2.5, llama3.1, mistral-nemo).
func ChatModel(name string) Model {
	return Model{Name: name, Capabilities: []string{"completion", "tools"}, Family: family(name)}
}

// NoToolsModel is a model that can chat but not call tools (as gemma2).
func NoToolsModel(name string) Model {
	return Model{Name: name, Capabilities: []string{"completion"}, Family: family(name)}
}

// EmbedModel is an embedding model (as bge-m3, nomic-embed-text).
func EmbedModel(name string) Model {
	return Model{Name: name, Capabilities: []string{"embedding"}, Family: family(name)}
}

// Request is one request the stand-in received.
type Request struct {
	Method string
	Path   string
	Body   []byte
	Chat   *api.ChatRequest  // for /api/chat
	Embed  *api.EmbedRequest // for /api/embed
	Show   *api.ShowRequest  // for /api/show
	// Aborted says the request's context ended before the stand-in finished answering: the
	// client went away (cancelled, closed the connection), or FaultDead closed it.
	Aborted bool
}

// Server is the stand-in. Create it with New; script it with Script.
type Server struct {
	// URL is the base URL, e.g. http://127.0.0.1:41234; give it to ollama.New.
	URL string
	// Dims is the length of the vectors /api/embed returns (default 8).
	Dims int

	srv      *httptest.Server
	mu       sync.Mutex
	latency  time.Duration
	models   []Model
	script   []Reply
	requests []Request
	active   int // requests being answered
}

// New starts a stand-in with DefaultChatModel and DefaultEmbedModel pulled; it is closed when
// the test ends.
func New(t testing.TB) *Server {
	s := &Server{Dims: 8, models: []Model{ChatModel(DefaultChatModel), EmbedModel(DefaultEmbedModel)}}
	s.srv = httptest.NewServer(http.HandlerFunc(s.serveHTTP))
	s.URL = s.srv.URL
	t.Cleanup(s.Close)
	return s
}

// Close stops the server and ends every open connection; afterwards the URL refuses
// connections, as a server that is down.
func (s *Server) Close() {
	s.srv.CloseClientConnections()
	s.srv.Close()
}

// SetModels replaces the pulled models (none: an empty server).
func (s *Server) SetModels(models ...Model) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.models = models
}

// SetLatency delays every answer but /api/chat's (whose delays are scripted) by d: a server
// that is slow to answer its health checks.
func (s *Server) SetLatency(d time.Duration) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.latency = d
}

// Script appends replies to /api/chat; each chat request consumes the next one. A chat request
// with no reply left gets a 500, so a test that under-scripts fails loudly.
func (s *Server) Script(replies ...Reply) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.script = append(s.script, replies...)
}

// Left is the number of scripted replies not yet consumed.
func (s *Server) Left() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.script)
}

// Requests returns every request received so far, after waiting (at most 5 s) for the
// requests in flight to finish, so that Aborted is settled.
func (s *Server) Requests() []Request {
	deadline := time.Now().Add(5 * time.Second)
	for {
		s.mu.Lock()
		if s.active == 0 || time.Now().After(deadline) {
			defer s.mu.Unlock()
			return append([]Request(nil), s.requests...)
		}
		s.mu.Unlock()
		time.Sleep(5 * time.Millisecond)
	}
}

// Chats returns the chat requests received so far, in order.
func (s *Server) Chats() []api.ChatRequest {
	var out []api.ChatRequest
	for _, r := range s.Requests() {
		if r.Chat != nil {
			out = append(out, *r.Chat)
		}
	}
	return out
}

func (s *Server) serveHTTP(w http.ResponseWriter, r *http.Request) {
	body, _ := io.ReadAll(r.Body)
	s.mu.Lock()
	s.active++
	s.requests = append(s.requests, Request{Method: r.Method, Path: r.URL.Path, Body: body})
	idx := len(s.requests) - 1
	latency := s.latency
	s.mu.Unlock()
	defer func() {
		s.mu.Lock()
		s.requests[idx].Aborted = r.Context().Err() != nil
		s.active--
		s.mu.Unlock()
	}()
	if latency > 0 && r.URL.Path != "/api/chat" && !waitOrDone(r.Context(), latency) {
		return
	}
	record := func(f func(*Request)) {
		s.mu.Lock()
		f(&s.requests[idx])
		s.mu.Unlock()
	}

	switch {
	case r.URL.Path == "/" && (r.Method == http.MethodGet || r.Method == http.MethodHead):
		_, _ = io.WriteString(w, "Ollama is running")
	case r.URL.Path == "/api/version" && (r.Method == http.MethodGet || r.Method == http.MethodHead):
		writeJSON(w, http.StatusOK, map[string]string{"version": Version})
	case r.URL.Path == "/api/tags" && r.Method == http.MethodGet:
		s.tags(w)
	case r.URL.Path == "/api/show" && r.Method == http.MethodPost:
		var req api.ShowRequest
		if !decode(w, body, &req) {
			return
		}
		record(func(rr *Request) { rr.Show = &req })
		s.show(w, req)
	case r.URL.Path == "/api/embed" && r.Method == http.MethodPost:
		var req api.EmbedRequest
		if !decode(w, body, &req) {
			return
		}
		record(func(rr *Request) { rr.Embed = &req })
		s.embed(w, req)
	case r.URL.Path == "/api/chat" && r.Method == http.MethodPost:
		var req api.ChatRequest
		if !decode(w, body, &req) {
			return
		}
		record(func(rr *Request) { rr.Chat = &req })
		s.chat(w, r, req)
	default:
		// Gin's answer for an unknown route.
		w.Header().Set("Content-Type", "text/plain")
		w.WriteHeader(http.StatusNotFound)
		_, _ = io.WriteString(w, "404 page not found")
	}
}

// decode reads a request body as the server's ShouldBindJSON does, answering 400 when it fails.
func decode(w http.ResponseWriter, body []byte, v any) bool {
	if len(strings.TrimSpace(string(body))) == 0 {
		writeJSON(w, http.StatusBadRequest, map[string]string{"error": "missing request body"})
		return false
	}
	if err := json.Unmarshal(body, v); err != nil {
		writeJSON(w, http.StatusBadRequest, map[string]string{"error": err.Error()})
		return false
	}
	return true
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}

// notFound is the body ChatHandler, ShowHandler and EmbedHandler send for a model that is not
// pulled.
func notFound(w http.ResponseWriter, name string) {
	writeJSON(w, http.StatusNotFound, map[string]string{"error": "model '" + name + "' not found"})
}

// displayName is the shortest display name the server lists: the tag is always shown.
func displayName(name string) string {
	if !strings.Contains(name, ":") {
		return name + ":latest"
	}
	return name
}

// find resolves a requested name as the server does: case-insensitively, ":latest" implied.
func (s *Server) find(name string) (Model, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, m := range s.models {
		if strings.EqualFold(displayName(m.Name), displayName(name)) {
			return m, true
		}
	}
	return Model{}, false
}

func (s *Server) tags(w http.ResponseWriter) {
	s.mu.Lock()
	resp := api.ListResponse{Models: []api.ListModelResponse{}}
	for i, m := range s.models {
		resp.Models = append(resp.Models, api.ListModelResponse{
			Name: displayName(m.Name), Model: displayName(m.Name),
			ModifiedAt: time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC).Add(-time.Duration(i) * time.Hour),
			Size:       4_683_087_332, Digest: digest(m.Name),
			Details: api.ModelDetails{Format: "gguf", Family: m.Family, Families: []string{m.Family}, ParameterSize: "7.6B", QuantizationLevel: "Q4_K_M"},
		})
	}
	s.mu.Unlock()
	writeJSON(w, http.StatusOK, resp)
}

func (s *Server) show(w http.ResponseWriter, req api.ShowRequest) {
	name := req.Model
	if name == "" {
		name = req.Name
	}
	if name == "" {
		writeJSON(w, http.StatusBadRequest, map[string]string{"error": "model is required"})
		return
	}
	m, ok := s.find(name)
	if !ok {
		notFound(w, name)
		return
	}
	// Capabilities are marshalled as strings (model.Capability is a string type).
	resp := map[string]any{
		"modelfile":    "# Modelfile generated by \"ollama show\"\nFROM " + m.Name + "\n",
		"parameters":   "stop \"<|im_end|>\"",
		"template":     "{{- if .Tools }}<tools>{{ range .Tools }}{{ . }}{{ end }}</tools>{{ end }}",
		"details":      api.ModelDetails{Format: "gguf", Family: m.Family, Families: []string{m.Family}, ParameterSize: "7.6B", QuantizationLevel: "Q4_K_M"},
		"model_info":   map[string]any{"general.architecture": m.Family, m.Family + ".context_length": 32768},
		"capabilities": m.Capabilities,
		"modified_at":  time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC),
	}
	writeJSON(w, http.StatusOK, resp)
}

func (s *Server) embed(w http.ResponseWriter, req api.EmbedRequest) {
	var input []string
	switch in := req.Input.(type) {
	case string:
		if in != "" {
			input = append(input, in)
		}
	case []any:
		for _, v := range in {
			str, ok := v.(string)
			if !ok {
				writeJSON(w, http.StatusBadRequest, map[string]string{"error": "invalid input type"})
				return
			}
			input = append(input, str)
		}
	default:
		if req.Input != nil {
			writeJSON(w, http.StatusBadRequest, map[string]string{"error": "invalid input type"})
			return
		}
	}
	if _, ok := s.find(req.Model); !ok {
		notFound(w, req.Model)
		return
	}
	resp := api.EmbedResponse{Model: req.Model, Embeddings: [][]float32{}, TotalDuration: 12 * time.Millisecond, PromptEvalCount: 0}
	for _, text := range input {
		resp.Embeddings = append(resp.Embeddings, Vector(text, s.Dims))
		resp.PromptEvalCount += len(strings.Fields(text))
	}
	writeJSON(w, http.StatusOK, resp)
}

// Vector is the deterministic unit vector the stand-in returns for text: equal texts get equal
// vectors, so a test can compute what a search should find.
func Vector(text string, dims int) []float32 {
	if dims <= 0 {
		dims = 8
	}
	v := make([]float32, dims)
	var norm float64
	for i := range v {
		h := fnv.New32a()
		_, _ = h.Write([]byte{byte(i)})
		_, _ = h.Write([]byte(text))
		x := float64(h.Sum32()%2000)/1000 - 1
		v[i] = float32(x)
		norm += x * x
	}
	if norm == 0 {
		v[0], norm = 1, 1
	}
	for i := range v {
		v[i] /= float32(math.Sqrt(norm))
	}
	return v
}

func digest(name string) string {
	sum := sha256.Sum256([]byte(name))
	return hex.EncodeToString(sum[:])
}

func family(name string) string {
	base := name
	if i := strings.IndexAny(base, ":/"); i >= 0 {
		base = base[:i]
	}
	return strings.ReplaceAll(base, ".", "")
}

// waitOrDone sleeps d unless the client goes away first; it reports whether the client is still
// there.
func waitOrDone(ctx context.Context, d time.Duration) bool {
	if d <= 0 {
		return ctx.Err() == nil
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return true
	case <-ctx.Done():
		return false
	}
}
