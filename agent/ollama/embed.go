package ollama

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"strings"
	"time"

	"github.com/ollama/ollama/api"
)

// ErrModelMissing means the server does not have the embedding model.
var ErrModelMissing = errors.New("embedding model missing")

// Embedder embeds passages with an Ollama model through /api/embed. It satisfies the
// retrieval package's Embedder interface.
type Embedder struct {
	client *Client
	model  string
	// BatchSize is the number of texts sent per request: large enough to amortise the round
	// trip, small enough that one request does not hold the model for minutes.
	BatchSize int
	// Attempts is how many times a request is tried when the failure is transient
	// (connection refused or reset, 429, 5xx: a model still loading, a restart).
	Attempts int
	// Backoff is the first wait between attempts; it doubles after each failure.
	Backoff time.Duration
}

// Embedder returns an embedder for the client's EmbedModel.
func (c *Client) Embedder() *Embedder {
	return &Embedder{client: c, model: c.EmbedModel, BatchSize: 32, Attempts: 4, Backoff: 500 * time.Millisecond}
}

// Model names the vector space: the model name without Ollama's default ":latest" tag, so
// that "bge-m3" and "bge-m3:latest" are recognised as the same vectors.
func (e *Embedder) Model() string { return strings.TrimSuffix(e.model, ":latest") }

// Embed returns one vector per text, in order, in batches of BatchSize.
func (e *Embedder) Embed(ctx context.Context, texts []string) ([][]float32, error) {
	if e.model == "" {
		return nil, errors.New("no embedding model configured: set CONOSCENZA_EMBED_MODEL")
	}
	size := max(e.BatchSize, 1)
	out := make([][]float32, 0, len(texts))
	for start := 0; start < len(texts); start += size {
		batch := texts[start:min(start+size, len(texts))]
		vecs, err := e.embedBatch(ctx, batch)
		if err != nil {
			return nil, fmt.Errorf("ollama embed texts %d-%d of %d: %w", start+1, start+len(batch), len(texts), err)
		}
		out = append(out, vecs...)
	}
	return out, nil
}

func (e *Embedder) embedBatch(ctx context.Context, batch []string) ([][]float32, error) {
	truncate := true // a passage longer than the model's window is cut, not refused
	req := &api.EmbedRequest{Model: e.model, Input: batch, Truncate: &truncate}
	wait := e.Backoff
	attempts := max(e.Attempts, 1)
	for attempt := 1; ; attempt++ {
		resp, err := e.client.api.Embed(ctx, req)
		if err == nil {
			if len(resp.Embeddings) != len(batch) {
				return nil, fmt.Errorf("model %s returned %d embeddings for %d texts", e.model, len(resp.Embeddings), len(batch))
			}
			return resp.Embeddings, nil
		}
		if missing(err) {
			return nil, fmt.Errorf("%w: model %s is not pulled on the Ollama server at %s: run `ollama pull %s`", ErrModelMissing, e.model, e.client.host, e.model)
		}
		if !transient(err) || attempt >= attempts {
			if attempt > 1 {
				return nil, fmt.Errorf("after %d attempts: %w", attempt, err)
			}
			return nil, err
		}
		select {
		case <-ctx.Done():
			return nil, ctx.Err()
		case <-time.After(wait):
		}
		wait *= 2
	}
}

// missing recognises Ollama's answer for an absent model: 404 "model 'x' not found".
func missing(err error) bool {
	var se api.StatusError
	return errors.As(err, &se) && se.StatusCode == http.StatusNotFound
}

// transient says whether trying again may help.
func transient(err error) bool {
	if errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
		return false
	}
	var se api.StatusError
	if errors.As(err, &se) {
		return se.StatusCode == http.StatusTooManyRequests || se.StatusCode >= 500
	}
	var ne net.Error
	var oe *net.OpError
	return errors.As(err, &oe) || errors.As(err, &ne) || strings.Contains(err.Error(), "connection reset") || strings.Contains(err.Error(), "EOF")
}
