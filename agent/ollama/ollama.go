// Package ollama adapts the Ollama HTTP API (github.com/ollama/ollama/api) to the small
// interfaces the agent and retrieval declare: chat with tools, embeddings and health.
package ollama

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/ollama/ollama/api"
)

// Client talks to one Ollama server.
type Client struct {
	api        *api.Client
	host       string
	ChatModel  string
	EmbedModel string
}

// New returns a client for host ("127.0.0.1:11434" or a URL). It does not contact the server.
func New(host, chatModel, embedModel string) (*Client, error) {
	if !strings.Contains(host, "://") {
		host = "http://" + host
	}
	u, err := url.Parse(host)
	if err != nil || u.Host == "" {
		return nil, fmt.Errorf("ollama host %q is not valid", host)
	}
	// No overall timeout here: chat streams are bounded by the caller's context.
	hc := &http.Client{Transport: &http.Transport{
		Proxy:                 nil,
		ResponseHeaderTimeout: 2 * time.Minute,
		MaxIdleConnsPerHost:   8,
	}}
	return &Client{api: api.NewClient(u, hc), host: u.String(), ChatModel: chatModel, EmbedModel: embedModel}, nil
}

// API exposes the underlying client to the agent and retrieval adapters.
func (c *Client) API() *api.Client { return c.api }

// Host is the server's base URL.
func (c *Client) Host() string { return c.host }

// Health says whether the server answers and whether the configured models are present.
type Health struct {
	Version       string   `json:"version"`
	Models        []string `json:"models"`
	MissingModels []string `json:"missing_models,omitempty"`
}

// Health asks the server for its version and model list.
func (c *Client) Health(ctx context.Context) (Health, error) {
	ctx, cancel := context.WithTimeout(ctx, 3*time.Second)
	defer cancel()
	v, err := c.api.Version(ctx)
	if err != nil {
		return Health{}, fmt.Errorf("ollama at %s unreachable: %w", c.host, err)
	}
	list, err := c.api.List(ctx)
	if err != nil {
		return Health{Version: v}, fmt.Errorf("ollama at %s: list models: %w", c.host, err)
	}
	h := Health{Version: v}
	have := map[string]bool{}
	for _, m := range list.Models {
		h.Models = append(h.Models, m.Name)
		have[m.Name] = true
		have[strings.TrimSuffix(m.Name, ":latest")] = true
	}
	for _, want := range []string{c.ChatModel, c.EmbedModel} {
		if want != "" && !have[want] && !have[strings.TrimSuffix(want, ":latest")] {
			h.MissingModels = append(h.MissingModels, want)
		}
	}
	return h, nil
}
