package main

import (
	"fmt"
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/comune-bologna/conoscenza/agent"
	"github.com/comune-bologna/conoscenza/agent/ollama"
)

// newLLM builds the chat model the assistant uses: CONOSCENZA_CHAT_MODEL on the Ollama server at
// OLLAMA_HOST. Without OLLAMA_HOST it returns nil and no error: the assistant answers in
// no-model mode. It does not contact the server; the service asks the model whether it is
// ready before each question (with a short timeout and a 5 s cache) and falls back to the
// planner when it is not.
//
// Tuning, from the environment (all optional):
//   - CONOSCENZA_NUM_CTX: context window in tokens (default 8192);
//   - CONOSCENZA_KEEP_ALIVE: how long the server keeps the model loaded, a Go duration such as
//     30m, or -1 for always (default: the server's own, 5m);
//   - CONOSCENZA_TEMPERATURE: sampling temperature (default 0: the same question gets the same
//     answer).
func (m *Main) newLLM() (agent.LLM, error) {
	if m.Config.OllamaHost == "" {
		return nil, nil // an untyped nil: a nil *ollama.LLM in the interface would look configured
	}
	getenv := m.Getenv
	if getenv == nil {
		getenv = os.Getenv
	}
	opt, err := chatOptions(getenv)
	if err != nil {
		return nil, err
	}
	client, err := ollama.New(m.Config.OllamaHost, m.Config.ChatModel, m.Config.EmbedModel)
	if err != nil {
		return nil, fmt.Errorf("OLLAMA_HOST: %w", err)
	}
	return client.LLM(opt), nil
}

// chatOptions reads the chat model's tuning, naming the variable that is wrong.
func chatOptions(getenv func(string) string) (ollama.ChatOptions, error) {
	var opt ollama.ChatOptions
	if v := strings.TrimSpace(getenv("CONOSCENZA_NUM_CTX")); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 512 {
			return opt, fmt.Errorf("CONOSCENZA_NUM_CTX %q must be a number of tokens, at least 512", v)
		}
		opt.NumCtx = n
	}
	if v := strings.TrimSpace(getenv("CONOSCENZA_KEEP_ALIVE")); v != "" {
		if v == "-1" {
			opt.KeepAlive = -1
		} else {
			d, err := time.ParseDuration(v)
			if err != nil || d <= 0 {
				return opt, fmt.Errorf("CONOSCENZA_KEEP_ALIVE %q must be a duration such as 30m, or -1 to keep the model loaded", v)
			}
			opt.KeepAlive = d
		}
	}
	if v := strings.TrimSpace(getenv("CONOSCENZA_TEMPERATURE")); v != "" {
		f, err := strconv.ParseFloat(v, 64)
		if err != nil || f < 0 || f > 2 {
			return opt, fmt.Errorf("CONOSCENZA_TEMPERATURE %q must be a number between 0 and 2", v)
		}
		opt.Temperature = f
	}
	return opt, nil
}
