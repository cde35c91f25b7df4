// Package retrieval is the city's document library: it ingests policy documents (delibere,
// bandi, piani, reports), cuts them into passages, embeds them, and finds the passages that
// answer a question by hybrid search (pgvector similarity fused with PostgreSQL's Italian
// full-text search). Every result carries what a citation needs.
//
// Vectors from different models are never compared: each chunk records the model that embedded
// it, search only reads vectors of the active model, and ingest re-embeds the others.
package retrieval

import (
	"context"
	"strings"
	"time"
)

// Embedder turns passages into vectors. The Ollama client and the local embedder satisfy it.
type Embedder interface {
	// Embed returns one vector per text, in order.
	Embed(ctx context.Context, texts []string) ([][]float32, error)
	// Model names the vector space; vectors of different models are never compared.
	Model() string
}

// Dimensions is the size of the chunks.embedding column.
const Dimensions = 1024

// Method is a search strategy.
type Method string

// The search methods. Hybrid is the one to use; the others exist to measure it.
const (
	Hybrid   Method = "hybrid"
	Vector   Method = "vector"
	FullText Method = "fulltext"
)

// ParseMethod accepts "hybrid", "vector" or "fulltext".
func ParseMethod(s string) (Method, bool) {
	switch m := Method(strings.ToLower(s)); m {
	case Hybrid, Vector, FullText:
		return m, true
	}
	return "", false
}

// Filter narrows a search to some documents. Zero fields do not filter.
type Filter struct {
	Types []string  `json:"types,omitempty"` // any of these doc types (delibera, bando, ...)
	From  time.Time `json:"from,omitzero"`   // documents dated on or after
	To    time.Time `json:"to,omitzero"`     // documents dated on or before
	Tags  []string  `json:"tags,omitempty"`  // documents carrying all of these tags
}

// Citation is everything needed to show where a statement comes from.
type Citation struct {
	DocumentID int64    `json:"document_id"`
	ChunkID    int64    `json:"chunk_id"`
	Path       string   `json:"path"`
	Title      string   `json:"title"`
	DocType    string   `json:"doc_type"`
	Date       string   `json:"date,omitempty"` // YYYY-MM-DD
	Issuer     string   `json:"issuer,omitempty"`
	URL        string   `json:"url,omitempty"`
	Tags       []string `json:"tags"`
	Section    []string `json:"section"`        // heading path, outermost first
	Page       int      `json:"page,omitempty"` // 1-based, for paged formats
	Quote      string   `json:"quote"`          // the passage, trimmed around the words asked for
	Passage    string   `json:"passage"`        // the whole chunk
}

// SectionLabel is the heading path as one line ("Bando › 3. Beneficiari").
func (c Citation) SectionLabel() string { return strings.Join(c.Section, " › ") }

// Result is one passage found by a search.
type Result struct {
	Citation
	Score      float64 `json:"score"`                 // RRF score (hybrid), cosine similarity (vector) or ts_rank_cd (full text)
	VectorRank int     `json:"vector_rank,omitempty"` // 1-based rank in the vector list, 0 if absent
	TextRank   int     `json:"text_rank,omitempty"`   // 1-based rank in the full-text list, 0 if absent
	// OffTopic marks a passage after the first that lacks the subject the first shares with the
	// question (Support): near in the ranking, but about another matter; not to be quoted as
	// part of the answer.
	OffTopic bool `json:"off_topic,omitempty"`
}
