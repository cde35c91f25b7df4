package ollamatest_test

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/ollama/ollama/api"

	"github.com/comune-bologna/conoscenza/agent/ollama"
	"github.com/comune-bologna/conoscenza/agent/ollama/ollamatest"
)

func client(t *testing.T, s *ollamatest.Server) *api.Client {
	t.Helper()
	u, err := url.Parse(s.URL)
	if err != nil {
		t.Fatal(err)
	}
	return api.NewClient(u, http.DefaultClient)
}

// post sends a raw chat request and returns the raw body lines, for assertions on the wire.
func post(t *testing.T, s *ollamatest.Server, body string) (*http.Response, []string) {
	t.Helper()
	resp, err := http.Post(s.URL+"/api/chat", "application/json", strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var lines []string
	sc := bufio.NewScanner(resp.Body)
	for sc.Scan() {
		lines = append(lines, sc.Text())
	}
	return resp, lines
}

func TestChatStreamsDeltasThenToolCallsThenAFinalChunkAsTheServerDoes(t *testing.T) {
	s := ollamatest.New(t)
	reply := ollamatest.Text("Sono 42 domande.")
	reply.ToolCalls = []ollamatest.ToolCall{ollamatest.Tool("query_metrics", map[string]any{"metric": "cig_domande"})}
	s.Script(reply)
	resp, lines := post(t, s, `{"model":"qwen2.5:7b-instruct","messages":[{"role":"user","content":"quante?"}]}`)
	if ct := resp.Header.Get("Content-Type"); ct != "application/x-ndjson" {
		t.Errorf("content type %q", ct)
	}
	if len(lines) != 5 { // three words, the tool calls, the final chunk
		t.Fatalf("lines = %d:\n%s", len(lines), strings.Join(lines, "\n"))
	}
	var chunks []api.ChatResponse
	for _, l := range lines {
		var c api.ChatResponse
		if err := json.Unmarshal([]byte(l), &c); err != nil {
			t.Fatalf("line %s: %v", l, err)
		}
		chunks = append(chunks, c)
	}
	var text strings.Builder
	for _, c := range chunks[:3] {
		if c.Done || c.Message.Role != "assistant" {
			t.Errorf("delta chunk %+v", c)
		}
		text.WriteString(c.Message.Content)
	}
	if text.String() != "Sono 42 domande." {
		t.Errorf("deltas join to %q", text.String())
	}
	tc := chunks[3].Message.ToolCalls
	if len(tc) != 1 || tc[0].Function.Name != "query_metrics" || !strings.HasPrefix(tc[0].ID, "call_") || len(tc[0].ID) != 13 {
		t.Fatalf("tool call chunk %s", lines[3])
	}
	if v, _ := tc[0].Function.Arguments.Get("metric"); v != "cig_domande" {
		t.Errorf("arguments %s", tc[0].Function.Arguments.String())
	}
	last := chunks[4]
	if !last.Done || last.DoneReason != "stop" || last.EvalCount == 0 || last.PromptEvalCount == 0 || last.TotalDuration == 0 || last.Model != "qwen2.5:7b-instruct" {
		t.Errorf("final chunk %s", lines[4])
	}
	if !strings.Contains(lines[0], `"created_at"`) || !strings.Contains(lines[0], `"done":false`) {
		t.Errorf("delta line lacks the server's fields: %s", lines[0])
	}
}

func TestChatWithoutStreamingAnswersOneAggregatedResponse(t *testing.T) {
	s := ollamatest.New(t)
	s.Script(ollamatest.Reply{Content: "Ecco i dati.", ToolCalls: []ollamatest.ToolCall{ollamatest.Tool("describe_catalog", nil)}})
	stream := false
	var got []api.ChatResponse
	err := client(t, s).Chat(context.Background(), &api.ChatRequest{Model: "qwen2.5:7b-instruct", Stream: &stream,
		Messages: []api.Message{{Role: "user", Content: "x"}}}, func(r api.ChatResponse) error { got = append(got, r); return nil })
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 1 || !got[0].Done || got[0].Message.Content != "Ecco i dati." || len(got[0].Message.ToolCalls) != 1 {
		t.Fatalf("responses %+v", got)
	}
}

func TestErrorShapesMatchTheServer(t *testing.T) {
	cases := []struct {
		name    string
		setup   func(*ollamatest.Server)
		body    string
		status  int
		message string
	}{
		{"model not pulled", nil, `{"model":"llama3.1","messages":[]}`, 404, "model 'llama3.1' not found"},
		{"model missing at schedule time", func(s *ollamatest.Server) { s.Script(ollamatest.ModelNotFound("qwen2.5:7b-instruct")) },
			`{"model":"qwen2.5:7b-instruct","messages":[]}`, 404, `model "qwen2.5:7b-instruct" not found, try pulling it first`},
		{"no model", nil, `{"messages":[]}`, 400, "model is required"},
		{"bad json", nil, `{"model":`, 400, "unexpected end of JSON input"},
		{"tools for a model without tools", func(s *ollamatest.Server) { s.SetModels(ollamatest.NoToolsModel("gemma2")) },
			`{"model":"gemma2","messages":[],"tools":[{"type":"function","function":{"name":"x","parameters":{"type":"object","properties":{}}}}]}`,
			400, "registry.ollama.ai/library/gemma2:latest does not support tools"},
		{"server error", func(s *ollamatest.Server) { s.Script(ollamatest.HTTPError(500, "llama runner process has terminated")) },
			`{"model":"qwen2.5:7b-instruct","messages":[]}`, 500, "llama runner process has terminated"},
		{"under-scripted", nil, `{"model":"qwen2.5:7b-instruct","messages":[]}`, 500, "no scripted reply left"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			s := ollamatest.New(t)
			if c.setup != nil {
				c.setup(s)
			}
			resp, lines := post(t, s, c.body)
			var e struct{ Error string }
			if resp.StatusCode != c.status || len(lines) != 1 || json.Unmarshal([]byte(lines[0]), &e) != nil || !strings.Contains(e.Error, c.message) {
				t.Errorf("got %d %q, want %d with %q", resp.StatusCode, lines, c.status, c.message)
			}
		})
	}
}

func TestFaultsAreWhatTheAPIClientSees(t *testing.T) {
	cases := []struct {
		name  string
		reply ollamatest.Reply
		check func(t *testing.T, chunks int, done bool, err error)
	}{
		{"dead connection ends the stream without error nor final chunk", ollamatest.Dead(), func(t *testing.T, n int, done bool, err error) {
			if err != nil || done || n != 2 {
				t.Errorf("chunks %d done %v err %v", n, done, err)
			}
		}},
		{"garbage line is an error with its text", ollamatest.Garbage(), func(t *testing.T, n int, done bool, err error) {
			if err == nil || !strings.Contains(err.Error(), "502 Bad Gateway") || n != 1 {
				t.Errorf("chunks %d err %v", n, err)
			}
		}},
		{"error line mid-stream", ollamatest.StreamError("an error was encountered while running the model"), func(t *testing.T, n int, done bool, err error) {
			if err == nil || err.Error() != "an error was encountered while running the model" || n != 2 {
				t.Errorf("chunks %d err %v", n, err)
			}
		}},
		{"arguments that are not an object cannot be decoded", ollamatest.BadArguments("run_sql", `"{\"sql\":\"SELECT 1\"}"`), func(t *testing.T, n int, done bool, err error) {
			if err == nil || n != 0 {
				t.Errorf("chunks %d err %v", n, err)
			}
		}},
		{"truncated answer", ollamatest.Truncated("Le imprese sono"), func(t *testing.T, n int, done bool, err error) {
			if err != nil || !done {
				t.Errorf("done %v err %v", done, err)
			}
		}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			s := ollamatest.New(t)
			s.Script(c.reply)
			n, done := 0, false
			err := client(t, s).Chat(context.Background(), &api.ChatRequest{Model: "qwen2.5:7b-instruct",
				Messages: []api.Message{{Role: "user", Content: "x"}}}, func(r api.ChatResponse) error {
				if r.Done {
					done = true
				} else {
					n++
				}
				return nil
			})
			c.check(t, n, done, err)
		})
	}
}

func TestTagsShowAndVersionDescribeThePulledModels(t *testing.T) {
	s := ollamatest.New(t)
	c := client(t, s)
	ctx := context.Background()
	v, err := c.Version(ctx)
	if err != nil || v != ollamatest.Version {
		t.Fatalf("version %q %v", v, err)
	}
	list, err := c.List(ctx)
	if err != nil || len(list.Models) != 2 || list.Models[0].Name != "qwen2.5:7b-instruct" || list.Models[1].Name != "bge-m3:latest" {
		t.Fatalf("list %+v %v", list, err)
	}
	show, err := c.Show(ctx, &api.ShowRequest{Model: "qwen2.5:7b-instruct"})
	if err != nil || len(show.Capabilities) != 2 || string(show.Capabilities[1]) != "tools" || show.Details.Family != "qwen25" {
		t.Fatalf("show %+v %v", show, err)
	}
	var se api.StatusError
	if _, err := c.Show(ctx, &api.ShowRequest{Model: "mistral-nemo"}); !errors.As(err, &se) || se.StatusCode != 404 || se.ErrorMessage != "model 'mistral-nemo' not found" {
		t.Errorf("show missing: %v", err)
	}
	resp, err := http.Get(s.URL + "/")
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if string(b) != "Ollama is running" {
		t.Errorf("GET / = %q", b)
	}
}

func TestEmbedAnswersOneVectorPerInputThroughTheProjectEmbedder(t *testing.T) {
	s := ollamatest.New(t)
	c, err := ollama.New(s.URL, "", "bge-m3")
	if err != nil {
		t.Fatal(err)
	}
	e := c.Embedder()
	e.BatchSize = 2
	vecs, err := e.Embed(context.Background(), []string{"delibera", "bando", "delibera"})
	if err != nil {
		t.Fatal(err)
	}
	if len(vecs) != 3 || len(vecs[0]) != 8 || !equal(vecs[0], vecs[2]) || equal(vecs[0], vecs[1]) {
		t.Fatalf("vectors %v", vecs)
	}
	if !equal(vecs[1], ollamatest.Vector("bando", 8)) {
		t.Error("vector is not ollamatest.Vector")
	}
	var batches []int
	for _, r := range s.Requests() {
		if r.Embed != nil {
			batches = append(batches, len(r.Embed.Input.([]any)))
		}
	}
	if len(batches) != 2 || batches[0] != 2 || batches[1] != 1 {
		t.Errorf("batches %v", batches)
	}
	resp, err := http.Post(s.URL+"/api/embed", "application/json", bytes.NewBufferString(`{"model":"bge-m3","input":[1]}`))
	if err != nil || resp.StatusCode != 400 {
		t.Errorf("invalid input: %v %v", resp.StatusCode, err)
	}
	s.SetModels()
	if _, err := e.Embed(context.Background(), []string{"x"}); !errors.Is(err, ollama.ErrModelMissing) {
		t.Errorf("missing model: %v", err)
	}
}

func equal(a, b []float32) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

func TestEveryAttackIsAValidScriptedTurn(t *testing.T) {
	attacks := ollamatest.Attacks()
	names := map[string]bool{}
	for _, a := range attacks {
		if names[a.Name] || a.Goal == "" {
			t.Errorf("attack %q duplicated or without goal", a.Name)
		}
		names[a.Name] = true
		if ollamatest.AttackNamed(a.Name).Name != a.Name {
			t.Errorf("AttackNamed(%q)", a.Name)
		}
	}
	s := ollamatest.New(t)
	s.Script(ollamatest.Compromised(attacks...)...)
	c := client(t, s)
	msgs := []api.Message{{Role: "user", Content: "x"}}
	var text strings.Builder
	for i := range len(attacks) + 1 {
		var last api.ChatResponse
		text.Reset()
		err := c.Chat(context.Background(), &api.ChatRequest{Model: "qwen2.5:7b-instruct", Messages: msgs}, func(r api.ChatResponse) error {
			text.WriteString(r.Message.Content)
			if r.Done {
				last = r
			}
			return nil
		})
		if err != nil || !last.Done {
			t.Fatalf("turn %d: %v", i, err)
		}
		msgs = append(msgs, api.Message{Role: "tool", ToolName: "run_sql", Content: `{"errore":"vietato"}`})
	}
	if s.Left() != 0 {
		t.Errorf("%d replies left", s.Left())
	}
	// The compromised model's last turn passes on every tool result it was fed back.
	if !strings.Contains(text.String(), `run_sql: {"errore":"vietato"}`) {
		t.Errorf("echo = %q", text.String())
	}
}
