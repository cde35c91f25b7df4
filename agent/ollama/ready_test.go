package ollama

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/comune-bologna/conoscenza/agent/ollama/ollamatest"
)

func TestReady(t *testing.T) {
	cases := []struct {
		name  string
		setup func(*ollamatest.Server)
		want  error // nil: ready
		text  string
	}{
		{"server up with the model", nil, nil, ""},
		{"model listed without its tag", func(s *ollamatest.Server) { s.SetModels(ollamatest.ChatModel("qwen2.5:7B-Instruct")) }, nil, ""},
		{"model not pulled", func(s *ollamatest.Server) { s.SetModels(ollamatest.EmbedModel("bge-m3")) },
			ErrChatModelMissing, "model qwen2.5:7b-instruct is not pulled on the Ollama server at http://127.0.0.1:"},
		{"model without tool calling", func(s *ollamatest.Server) { s.SetModels(ollamatest.NoToolsModel("qwen2.5:7b-instruct")) },
			ErrNoToolSupport, "qwen2.5, llama3.1, mistral-nemo"},
		{"server down", func(s *ollamatest.Server) { s.Close() }, ErrUnavailable, "server unreachable"},
		{"server slower than the readiness timeout", func(s *ollamatest.Server) { s.SetLatency(time.Second) },
			context.DeadlineExceeded, "no answer in time"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			m, s := newLLM(t, ChatOptions{ReadyTimeout: 100 * time.Millisecond})
			if c.setup != nil {
				c.setup(s)
			}
			err := m.Ready(context.Background())
			if c.want == nil {
				if err != nil {
					t.Fatalf("not ready: %v", err)
				}
				return
			}
			if !errors.Is(err, c.want) || !strings.Contains(err.Error(), c.text) {
				t.Errorf("err = %v\nwant %v containing %q", err, c.want, c.text)
			}
		})
	}
}

func TestReadyReusesItsAnswerForTheTTL(t *testing.T) {
	m, s := newLLM(t, ChatOptions{})
	clock := time.Date(2026, 11, 25, 9, 0, 0, 0, time.UTC)
	m.now = func() time.Time { return clock }
	for range 3 {
		if err := m.Ready(context.Background()); err != nil {
			t.Fatal(err)
		}
	}
	if n := len(s.Requests()); n != 2 { // one /api/tags, one /api/show
		t.Errorf("%d requests for three checks within the TTL", n)
	}
	// A failure is reused too, and forgotten once the TTL (5 s) is over.
	s.SetModels()
	clock = clock.Add(5 * time.Second)
	if err := m.Ready(context.Background()); !errors.Is(err, ErrChatModelMissing) {
		t.Fatalf("after the TTL: %v", err)
	}
	s.SetModels(ollamatest.ChatModel(ollamatest.DefaultChatModel))
	clock = clock.Add(4 * time.Second)
	if err := m.Ready(context.Background()); !errors.Is(err, ErrChatModelMissing) {
		t.Errorf("within the TTL the failure should be reused: %v", err)
	}
	clock = clock.Add(time.Second)
	if err := m.Ready(context.Background()); err != nil {
		t.Errorf("the model came back: %v", err)
	}
}

func TestReadyCutShortByTheCallerIsNotRemembered(t *testing.T) {
	m, s := newLLM(t, ChatOptions{})
	s.SetLatency(300 * time.Millisecond)
	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()
	if err := m.Ready(ctx); err == nil {
		t.Fatal("ready despite the caller's deadline")
	}
	s.SetLatency(0)
	if err := m.Ready(context.Background()); err != nil {
		t.Errorf("the caller's deadline was cached as the server's state: %v", err)
	}
}
