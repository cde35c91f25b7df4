package main

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/comune-bologna/conoscenza/agent/ollama/ollamatest"
)

func TestNewLLMWithoutOllamaHostIsNoModel(t *testing.T) {
	m := &Main{Config: Config{ChatModel: "qwen2.5:7b-instruct"}, Getenv: env(nil)}
	llm, err := m.newLLM()
	if err != nil || llm != nil {
		t.Fatalf("llm %v, err %v: want a nil interface", llm, err)
	}
}

func TestNewLLMTalksToTheConfiguredServer(t *testing.T) {
	s := ollamatest.New(t)
	s.Script(ollamatest.Text("pronto"))
	m := &Main{Config: Config{OllamaHost: s.URL, ChatModel: ollamatest.DefaultChatModel},
		Getenv: env(map[string]string{"CONOSCENZA_NUM_CTX": "16384", "CONOSCENZA_KEEP_ALIVE": "-1", "CONOSCENZA_TEMPERATURE": "0.2"})}
	llm, err := m.newLLM()
	if err != nil {
		t.Fatal(err)
	}
	if err := llm.Ready(context.Background()); err != nil || llm.Name() != ollamatest.DefaultChatModel {
		t.Fatalf("ready %v, name %q", err, llm.Name())
	}
	if _, err := llm.Chat(context.Background(), nil, nil, nil); err != nil {
		t.Fatal(err)
	}
	req := s.Chats()[0]
	if req.Options["num_ctx"] != float64(16384) || req.Options["temperature"] != 0.2 || req.KeepAlive == nil || req.KeepAlive.Duration < 24*time.Hour {
		t.Errorf("options %v keep_alive %v", req.Options, req.KeepAlive)
	}
}

func TestChatOptionsNameTheBadVariable(t *testing.T) {
	for k, v := range map[string]string{"CONOSCENZA_NUM_CTX": "lots", "CONOSCENZA_KEEP_ALIVE": "forever", "CONOSCENZA_TEMPERATURE": "9"} {
		if _, err := chatOptions(env(map[string]string{k: v})); err == nil || !strings.Contains(err.Error(), k) {
			t.Errorf("%s=%s: %v", k, v, err)
		}
	}
}
