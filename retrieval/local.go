package retrieval

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"sync"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/comune-bologna/conoscenza/retrieval/embed"
)

// DefaultRefitShare is the share of the library's passages that may change (added, replaced
// or removed) after a fit before the local model is fitted again. Below it, new passages are
// embedded with the current fit ("folded in", as LSA does), and words the fit never saw still
// count through the hashed half of the vector. A re-fit re-embeds every passage, so fitting
// again on every small change would make loading a large library quadratic.
const DefaultRefitShare = 0.2

// LocalEmbedder is the default embedder when no model server is configured: an LSA model
// fitted on the library's own passages (embed.LSA). The fit lives in the embed_models table,
// so every process embeds questions with the projection that embedded the stored passages;
// chunks record it as local-lsa-v1@ID. Until the library has been fitted (an empty library),
// passages get plain local-hash-v1 features under the name local-lsa-v1@0, and the first
// ingest fits and re-embeds them.
type LocalEmbedder struct {
	// Options shape the next fit; zero values mean embed.DefaultLSAOptions.
	Options embed.LSAOptions
	// RefitShare overrides DefaultRefitShare when positive.
	RefitShare float64

	mu    sync.Mutex
	cache map[int64]*embed.LSA // fits by id, the last few loaded
	cur   Embedder             // the active fit as last seen, for Model and Embed
}

// NewLocalEmbedder returns the corpus-fitted local embedder with the default options.
func NewLocalEmbedder() *LocalEmbedder { return &LocalEmbedder{} }

// unfitted embeds with local-hash-v1 features under the name of no fit.
type unfitted struct{ embed.Local }

func (unfitted) Model() string { return embed.LSAName + "@0" }

// Model names the active fit as last seen by this process.
func (e *LocalEmbedder) Model() string { return e.current().Model() }

// Embed embeds with the active fit as last seen by this process. The Store asks for the active
// fit in its own transaction and uses that instead (Store.activeEmbedder).
func (e *LocalEmbedder) Embed(ctx context.Context, texts []string) ([][]float32, error) {
	return e.current().Embed(ctx, texts)
}

func (e *LocalEmbedder) current() Embedder {
	e.mu.Lock()
	defer e.mu.Unlock()
	if e.cur == nil {
		return unfitted{}
	}
	return e.cur
}

// querier is a pool or a transaction.
type querier interface {
	QueryRow(ctx context.Context, sql string, args ...any) pgx.Row
}

// active returns the fit that is active in q's snapshot, loading it from the database the first
// time it is seen.
func (e *LocalEmbedder) active(ctx context.Context, q querier) (Embedder, error) {
	var id int64
	err := q.QueryRow(ctx, `SELECT id FROM embed_models WHERE name = $1 AND active`, embed.LSAName).Scan(&id)
	if errors.Is(err, pgx.ErrNoRows) {
		return unfitted{}, nil
	}
	if err != nil {
		return nil, fmt.Errorf("find the active local model: %w", err)
	}
	e.mu.Lock()
	m, ok := e.cache[id]
	e.mu.Unlock()
	if !ok {
		var data []byte
		if err := q.QueryRow(ctx, `SELECT data FROM embed_models WHERE id = $1`, id).Scan(&data); err != nil {
			return nil, fmt.Errorf("read local model %d: %w", id, err)
		}
		if m, err = embed.UnmarshalLSA(data); err != nil {
			return nil, fmt.Errorf("local model %d: %w", id, err)
		}
		m.SetName(fmt.Sprintf("%s@%d", embed.LSAName, id))
		e.mu.Lock()
		if len(e.cache) >= 2 { // a fit and its successor are enough
			clear(e.cache)
		}
		if e.cache == nil {
			e.cache = map[int64]*embed.LSA{}
		}
		e.cache[id] = m
		e.mu.Unlock()
	}
	e.mu.Lock()
	e.cur = m
	e.mu.Unlock()
	return m, nil
}

// activeEmbedder is the embedder to use in q's snapshot: the active local fit, or the
// configured model.
func (s *Store) activeEmbedder(ctx context.Context, q querier) (Embedder, error) {
	if le, ok := s.embedder.(*LocalEmbedder); ok {
		return le.active(ctx, q)
	}
	return s.embedder, nil
}

// FitReport says what Refit did.
type FitReport struct {
	Model    string `json:"model"`              // the fit now active
	Refitted bool   `json:"refitted"`           // false: the library changed too little
	Changed  int    `json:"changed"`            // passages added, replaced or removed since the last fit
	Chunks   int    `json:"chunks"`             // passages in the library
	Terms    int    `json:"terms,omitempty"`    // vocabulary of the new fit
	FitMS    int64  `json:"fit_ms,omitempty"`   // time to fit
	TotalMS  int64  `json:"total_ms,omitempty"` // fit, re-embedding and writing
}

// refitLock serialises re-fits of the local model across processes.
const refitLock = 0x6c6f63616c

// Refit fits the local model again when the library changed by more than the refit share
// since the last fit (or always, with force), and re-embeds every passage with it. The new
// fit, the vectors and the switch of the active fit are one transaction: a search sees the old
// fit with the old vectors or the new fit with the new ones. With another embedder it does
// nothing.
func (s *Store) Refit(ctx context.Context, force bool) (FitReport, error) {
	le, ok := s.embedder.(*LocalEmbedder)
	if !ok {
		return FitReport{Model: s.embedder.Model()}, nil
	}
	start := time.Now()
	tx, err := s.pool.Begin(ctx)
	if err != nil {
		return FitReport{}, fmt.Errorf("refit: begin: %w", err)
	}
	defer tx.Rollback(ctx) //nolint:errcheck // a no-op after Commit
	if _, err := tx.Exec(ctx, `SELECT pg_advisory_xact_lock($1)`, refitLock); err != nil {
		return FitReport{}, fmt.Errorf("refit: lock: %w", err)
	}
	var rep FitReport
	var fitChunks int
	var maxID int64
	err = tx.QueryRow(ctx, `SELECT chunks, max_chunk_id FROM embed_models WHERE name = $1 AND active`, embed.LSAName).Scan(&fitChunks, &maxID)
	fitted := err == nil
	if err != nil && !errors.Is(err, pgx.ErrNoRows) {
		return rep, fmt.Errorf("refit: read the active fit: %w", err)
	}
	var since, kept int
	if err := tx.QueryRow(ctx, `SELECT count(*), count(*) FILTER (WHERE id > $1), count(*) FILTER (WHERE id <= $1) FROM chunks`, maxID).
		Scan(&rep.Chunks, &since, &kept); err != nil {
		return rep, fmt.Errorf("refit: count passages: %w", err)
	}
	rep.Changed = since + fitChunks - kept
	share := le.RefitShare
	if share <= 0 {
		share = DefaultRefitShare
	}
	if rep.Chunks == 0 || (!force && fitted && float64(rep.Changed) <= share*float64(max(rep.Chunks, fitChunks))) {
		cur, err := le.active(ctx, tx)
		if err != nil {
			return rep, err
		}
		rep.Model = cur.Model()
		return rep, tx.Commit(ctx)
	}
	rows, err := tx.Query(ctx, `SELECT id, context, content FROM chunks ORDER BY id`)
	if err != nil {
		return rep, fmt.Errorf("refit: read passages: %w", err)
	}
	var ids []int64
	var texts []string
	for rows.Next() {
		var id int64
		var c, t string
		if err := rows.Scan(&id, &c, &t); err != nil {
			rows.Close()
			return rep, fmt.Errorf("refit: read passages: %w", err)
		}
		ids = append(ids, id)
		texts = append(texts, embedText(c, t))
		maxID = max(maxID, id)
	}
	if err := rows.Err(); err != nil {
		return rep, fmt.Errorf("refit: read passages: %w", err)
	}
	m, err := embed.FitLSA(ctx, texts, le.Options)
	if err != nil {
		// A library of a passage or two has no word in common between passages: it stays
		// unfitted (hashed features only) until it grows.
		s.logger.Warn("local model not fitted", "passages", len(texts), "err", err)
		rep.Model = unfitted{}.Model()
		return rep, tx.Commit(ctx)
	}
	rep.FitMS = time.Since(start).Milliseconds()
	data, err := m.MarshalBinary()
	if err != nil {
		return rep, err
	}
	opts, _ := json.Marshal(m.Options())
	var id int64
	err = tx.QueryRow(ctx, `INSERT INTO embed_models (name, chunks, max_chunk_id, fit_passages, terms, dims, options, data)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id`,
		embed.LSAName, len(ids), maxID, min(len(ids), m.Options().MaxPassages), m.Terms(), m.Options().Dims, opts, data).Scan(&id)
	if err != nil {
		return rep, fmt.Errorf("refit: store the model: %w", err)
	}
	m.SetName(fmt.Sprintf("%s@%d", embed.LSAName, id))
	rep.Model, rep.Terms, rep.Refitted = m.Model(), m.Terms(), true
	if err := s.rewriteVectors(ctx, tx, m, ids, texts); err != nil {
		return rep, err
	}
	if _, err := tx.Exec(ctx, `DELETE FROM embed_models WHERE name = $1 AND id <> $2`, embed.LSAName, id); err != nil {
		return rep, fmt.Errorf("refit: drop the previous fit: %w", err)
	}
	if _, err := tx.Exec(ctx, `UPDATE embed_models SET active = true WHERE id = $1`, id); err != nil {
		return rep, fmt.Errorf("refit: activate: %w", err)
	}
	if err := tx.Commit(ctx); err != nil {
		return rep, fmt.Errorf("refit: commit: %w", err)
	}
	rep.TotalMS = time.Since(start).Milliseconds()
	s.logger.Info("local model fitted", "model", rep.Model, "passages", rep.Chunks, "terms", rep.Terms, "fit_ms", rep.FitMS, "total_ms", rep.TotalMS)
	return rep, nil
}

// rewriteVectors embeds texts with m and writes the vectors of chunks ids, in slices through a
// temporary table (one UPDATE per slice instead of one per passage).
func (s *Store) rewriteVectors(ctx context.Context, tx pgx.Tx, m Embedder, ids []int64, texts []string) error {
	if _, err := tx.Exec(ctx, `CREATE TEMP TABLE refit_vectors (id bigint PRIMARY KEY, embedding vector(1024)) ON COMMIT DROP`); err != nil {
		return fmt.Errorf("refit: temporary table: %w", err)
	}
	const slice = 4096
	for lo := 0; lo < len(ids); lo += slice {
		hi := min(lo+slice, len(ids))
		vecs, err := s.embedWith(ctx, m, texts[lo:hi])
		if err != nil {
			return err
		}
		rows := make([][]any, hi-lo)
		for i := range rows {
			rows[i] = []any{ids[lo+i], vecs[i]}
		}
		if _, err := tx.CopyFrom(ctx, pgx.Identifier{"refit_vectors"}, []string{"id", "embedding"}, pgx.CopyFromRows(rows)); err != nil {
			return fmt.Errorf("refit: copy vectors: %w", err)
		}
	}
	// A passage deleted meanwhile is simply not updated; one inserted meanwhile carries the
	// previous fit's name and is re-embedded by the next Reembed.
	if _, err := tx.Exec(ctx, `UPDATE chunks c SET embedding = v.embedding, embed_model = $1 FROM refit_vectors v WHERE c.id = v.id`, m.Model()); err != nil {
		return fmt.Errorf("refit: write vectors: %w", err)
	}
	return nil
}
