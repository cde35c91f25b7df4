package ollama

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/ollama/ollama/api"
)

// fakeOllama is an httptest stand-in for /api/embed that speaks the real request and response
// types of github.com/ollama/ollama/api. fail answers the n-th request (from 1) with a status
// and body instead of embeddings.
type fakeOllama struct {
	mu       sync.Mutex
	requests []api.EmbedRequest
	fail     map[int]func(w http.ResponseWriter)
	dims     int
}

func (f *fakeOllama) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if r.URL.Path != "/api/embed" || r.Method != http.MethodPost {
		http.NotFound(w, r)
		return
	}
	var req api.EmbedRequest
	if err := json.NewDecoder(r.Body).Decode(&req); err != nil {
		w.WriteHeader(http.StatusBadRequest)
		_ = json.NewEncoder(w).Encode(map[string]string{"error": err.Error()})
		return
	}
	f.mu.Lock()
	f.requests = append(f.requests, req)
	n := len(f.requests)
	fail := f.fail[n]
	f.mu.Unlock()
	if fail != nil {
		fail(w)
		return
	}
	if strings.TrimSuffix(req.Model, ":latest") != "bge-m3" {
		// The body Ollama's EmbedHandler sends for a model it does not have.
		w.WriteHeader(http.StatusNotFound)
		_ = json.NewEncoder(w).Encode(map[string]string{"error": "model '" + req.Model + "' not found"})
		return
	}
	inputs, _ := req.Input.([]any)
	resp := api.EmbedResponse{Model: req.Model, PromptEvalCount: len(inputs)}
	for i, in := range inputs {
		v := make([]float32, f.dims)
		v[0] = float32(len(in.(string)))
		v[1] = float32(i)
		resp.Embeddings = append(resp.Embeddings, v)
	}
	_ = json.NewEncoder(w).Encode(resp)
}

func status(code int, msg string) func(w http.ResponseWriter) {
	return func(w http.ResponseWriter) {
		w.WriteHeader(code)
		_ = json.NewEncoder(w).Encode(map[string]string{"error": msg})
	}
}

func newEmbedder(t *testing.T, f *fakeOllama, model string) *Embedder {
	t.Helper()
	srv := httptest.NewServer(f)
	t.Cleanup(srv.Close)
	c, err := New(srv.URL, "chat", model)
	if err != nil {
		t.Fatal(err)
	}
	e := c.Embedder()
	e.Backoff = time.Millisecond
	return e
}

func TestEmbedBatchesAndKeepsOrder(t *testing.T) {
	f := &fakeOllama{dims: 1024}
	e := newEmbedder(t, f, "bge-m3:latest")
	e.BatchSize = 2
	texts := []string{"a", "bb", "ccc", "dddd", "eeeee"}
	vecs, err := e.Embed(context.Background(), texts)
	if err != nil {
		t.Fatal(err)
	}
	if len(vecs) != 5 || len(f.requests) != 3 {
		t.Fatalf("%d vectors in %d requests", len(vecs), len(f.requests))
	}
	for i, v := range vecs {
		if int(v[0]) != len(texts[i]) || len(v) != 1024 {
			t.Errorf("vector %d is not the one for %q", i, texts[i])
		}
	}
	if e.Model() != "bge-m3" {
		t.Errorf("Model() = %q, want the tag-less name", e.Model())
	}
	if r := f.requests[0]; r.Truncate == nil || !*r.Truncate {
		t.Error("requests must ask the server to truncate long passages")
	}
}

func TestEmbedSaysWhichModelToPull(t *testing.T) {
	f := &fakeOllama{dims: 1024}
	e := newEmbedder(t, f, "mxbai-embed-large")
	_, err := e.Embed(context.Background(), []string{"testo"})
	if !errors.Is(err, ErrModelMissing) || !strings.Contains(err.Error(), "model mxbai-embed-large is not pulled on the Ollama server") ||
		!strings.Contains(err.Error(), "run `ollama pull mxbai-embed-large`") {
		t.Fatalf("err = %v", err)
	}
	if len(f.requests) != 1 {
		t.Errorf("a missing model must not be retried: %d requests", len(f.requests))
	}
}

func TestEmbedRetriesTransientFailures(t *testing.T) {
	f := &fakeOllama{dims: 1024, fail: map[int]func(http.ResponseWriter){
		1: status(http.StatusInternalServerError, "llama runner process has terminated"),
		2: status(http.StatusServiceUnavailable, "server busy"),
	}}
	e := newEmbedder(t, f, "bge-m3")
	vecs, err := e.Embed(context.Background(), []string{"testo"})
	if err != nil || len(vecs) != 1 || len(f.requests) != 3 {
		t.Fatalf("vecs %d, requests %d, err %v", len(vecs), len(f.requests), err)
	}
}

func TestEmbedGivesUpAfterAttemptsAndDoesNotRetryBadRequests(t *testing.T) {
	always := map[int]func(http.ResponseWriter){}
	for i := 1; i <= 10; i++ {
		always[i] = status(http.StatusInternalServerError, "boom")
	}
	f := &fakeOllama{dims: 1024, fail: always}
	e := newEmbedder(t, f, "bge-m3")
	_, err := e.Embed(context.Background(), []string{"testo"})
	if err == nil || !strings.Contains(err.Error(), "after 4 attempts") || len(f.requests) != 4 {
		t.Fatalf("err = %v after %d requests", err, len(f.requests))
	}
	f2 := &fakeOllama{dims: 1024, fail: map[int]func(http.ResponseWriter){1: status(http.StatusBadRequest, "this model does not support embeddings")}}
	e2 := newEmbedder(t, f2, "bge-m3")
	if _, err := e2.Embed(context.Background(), []string{"x"}); err == nil || !strings.Contains(err.Error(), "does not support embeddings") || len(f2.requests) != 1 {
		t.Fatalf("err = %v after %d requests", err, len(f2.requests))
	}
}

func TestEmbedRetriesWhenTheServerIsDown(t *testing.T) {
	srv := httptest.NewServer(http.NotFoundHandler())
	url := srv.URL
	srv.Close() // nothing listens there any more: connection refused
	c, _ := New(url, "chat", "bge-m3")
	e := c.Embedder()
	e.Backoff = time.Millisecond
	_, err := e.Embed(context.Background(), []string{"x"})
	if err == nil || !strings.Contains(err.Error(), "after 4 attempts") {
		t.Fatalf("err = %v", err)
	}
}
