package retrieval

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/pgvector/pgvector-go"

	"github.com/comune-bologna/conoscenza/ingest/db"
	"github.com/comune-bologna/conoscenza/retrieval/chunk"
	"github.com/comune-bologna/conoscenza/retrieval/loader"
)

// Store ingests documents into PostgreSQL and searches them. Search only reads, so a Store
// over the read-only pool serves the assistant; ingest needs the owner pool.
type Store struct {
	pool     *pgxpool.Pool
	embedder Embedder
	logger   *slog.Logger
	// Chunking decides what a citation quotes; Options exist for tests and experiments.
	Chunking chunk.Options
}

// NewStore returns a store over pool that embeds with e.
func NewStore(pool *pgxpool.Pool, e Embedder, logger *slog.Logger) *Store {
	if logger == nil {
		logger = slog.New(slog.DiscardHandler)
	}
	return &Store{pool: pool, embedder: e, logger: logger, Chunking: chunk.DefaultOptions()}
}

// EmbedModel is the active embedder's model name.
func (s *Store) EmbedModel() string { return s.embedder.Model() }

// FileResult is what happened to one file of an ingest run.
type FileResult struct {
	Path   string `json:"path"`
	Status string `json:"status"` // added, replaced, unchanged, removed, failed, skipped
	Title  string `json:"title,omitempty"`
	Chunks int    `json:"chunks,omitempty"`
	Error  string `json:"error,omitempty"`
	// Warnings say what was left out of a file that loaded (a metadata field, a page without
	// text), or why a file was skipped.
	Warnings []string `json:"warnings,omitempty"`
}

// Report summarises an ingest run; it is also stored in load_batches.stats.
type Report struct {
	BatchID    int64        `json:"batch_id"`
	Status     string       `json:"status"` // committed, unchanged
	EmbedModel string       `json:"embed_model"`
	Files      int          `json:"files"`
	Added      int          `json:"added"`
	Replaced   int          `json:"replaced"`
	Unchanged  int          `json:"unchanged"`
	Removed    int          `json:"removed"`
	Failed     int          `json:"failed"`
	Skipped    int          `json:"skipped"`       // sidecars without a document
	Warnings   int          `json:"warnings"`      // files that loaded with a warning
	Chunks     int          `json:"chunks"`        // chunks written by this run
	Reembedded int          `json:"reembedded"`    // chunks of other models embedded again
	Fit        *FitReport   `json:"fit,omitempty"` // the local model's re-fit, if any
	DurationMS int64        `json:"duration_ms"`
	Results    []FileResult `json:"results"`
}

// IngestOptions tune one run.
type IngestOptions struct {
	// Prune removes documents stored under these directories whose file no longer exists.
	Prune []string
	// Remove deletes these document paths instead of loading them.
	Remove []string
	// StartedBy is recorded in load_batches.
	StartedBy string
	// Refit fits the local model again even if the library changed little (LocalEmbedder).
	Refit bool
}

// Item is one document to ingest: a parsed-ready source, or the reason it could not be read.
type Item struct {
	Source  loader.Source
	ReadErr error
	// Skip, when set, says why the file is reported and not loaded (a sidecar without its
	// document).
	Skip string
}

// IngestFiles expands files and directories and ingests every document under them.
func (s *Store) IngestFiles(ctx context.Context, paths []string, opt IngestOptions) (Report, error) {
	files, err := loader.Expand(paths)
	if err != nil {
		return Report{}, err
	}
	items := make([]Item, 0, len(files))
	for _, f := range files {
		src, err := loader.ReadFile(f)
		if src.Path == "" {
			src.Path = f
		}
		items = append(items, Item{Source: src, ReadErr: err})
	}
	for _, side := range loader.OrphanSidecars(paths) {
		abs, err := filepath.Abs(side)
		if err != nil {
			abs = side
		}
		items = append(items, Item{Source: loader.Source{Path: abs},
			Skip: "sidecar without its document (NAME.meta.json needs NAME.md, .txt, .html or .pdf beside it): its metadata was not used"})
	}
	return s.Ingest(ctx, items, opt)
}

// Ingest loads items: unchanged documents are skipped, changed ones have their chunks replaced
// in one transaction each, unreadable ones are reported and the rest still load. Then chunks
// embedded by another model are embedded again. The run is one load_batches row (kind docs).
func (s *Store) Ingest(ctx context.Context, items []Item, opt IngestOptions) (Report, error) {
	start := time.Now()
	rep := Report{Files: len(items), Results: []FileResult{}}
	emb, err := s.activeEmbedder(ctx, s.pool)
	if err != nil {
		return rep, err
	}
	rep.EmbedModel = emb.Model()
	batch, err := s.openBatch(ctx, items, opt.StartedBy)
	if err != nil {
		return rep, err
	}
	rep.BatchID = batch
	for _, it := range items {
		if err := ctx.Err(); err != nil {
			return rep, s.failBatch(batch, err)
		}
		res := s.ingestOne(ctx, batch, emb, it)
		if res.Status == "failed" {
			s.logger.Warn("document not loaded", "path", res.Path, "reason", res.Error)
		}
		rep.add(res)
	}
	if len(opt.Remove) > 0 {
		removed, err := s.Remove(ctx, opt.Remove)
		if err != nil {
			return rep, s.failBatch(batch, err)
		}
		for _, p := range removed {
			rep.add(FileResult{Path: p, Status: "removed"})
		}
		for _, p := range opt.Remove {
			if !contains(removed, p) {
				rep.add(FileResult{Path: p, Status: "failed", Error: "no document with this path is loaded"})
			}
		}
	}
	for _, dir := range opt.Prune {
		removed, err := s.prune(ctx, dir)
		if err != nil {
			return rep, s.failBatch(batch, err)
		}
		for _, p := range removed {
			rep.add(FileResult{Path: p, Status: "removed"})
		}
	}
	if _, ok := s.embedder.(*LocalEmbedder); ok {
		fit, err := s.Refit(ctx, opt.Refit)
		if err != nil {
			return rep, s.failBatch(batch, err)
		}
		rep.Fit, rep.EmbedModel = &fit, fit.Model
	}
	if rep.Reembedded, err = s.Reembed(ctx); err != nil {
		return rep, s.failBatch(batch, err)
	}
	rep.DurationMS = time.Since(start).Milliseconds()
	return rep, s.closeBatch(ctx, batch, &rep)
}

func (r *Report) add(res FileResult) {
	switch res.Status {
	case "added":
		r.Added++
	case "replaced":
		r.Replaced++
	case "unchanged":
		r.Unchanged++
	case "removed":
		r.Removed++
	case "failed":
		r.Failed++
	case "skipped":
		r.Skipped++
	}
	if len(res.Warnings) > 0 && res.Status != "skipped" {
		r.Warnings++
	}
	r.Chunks += res.Chunks
	r.Results = append(r.Results, res)
}

func (s *Store) ingestOne(ctx context.Context, batch int64, emb Embedder, it Item) FileResult {
	res := FileResult{Path: it.Source.Path}
	fail := func(err error) FileResult {
		res.Status, res.Error = "failed", err.Error()
		return res
	}
	if it.Skip != "" {
		res.Status, res.Warnings = "skipped", []string{it.Skip}
		return res
	}
	if it.ReadErr != nil {
		return fail(it.ReadErr)
	}
	doc, err := loader.Parse(ctx, it.Source)
	if err != nil {
		return fail(err)
	}
	res.Title, res.Warnings = doc.Meta.Title, doc.Warnings
	for _, w := range doc.Warnings {
		s.logger.Warn("document loaded with a warning", "path", res.Path, "warning", w)
	}
	var oldID int64
	var oldSum string
	err = s.pool.QueryRow(ctx, `SELECT id, checksum FROM documents WHERE path = $1`, doc.Path).Scan(&oldID, &oldSum)
	if err != nil && !errors.Is(err, pgx.ErrNoRows) {
		return fail(fmt.Errorf("look up document: %w", err))
	}
	var twin string
	err = s.pool.QueryRow(ctx, `SELECT path FROM documents WHERE checksum = $1 AND path <> $2 ORDER BY path LIMIT 1`, doc.Checksum, doc.Path).Scan(&twin)
	if err != nil && !errors.Is(err, pgx.ErrNoRows) {
		return fail(fmt.Errorf("look up copies: %w", err))
	}
	if twin != "" {
		res.Warnings = append(res.Warnings, "same content as "+twin+" (a copy under another name): its passages are in the library twice")
	}
	if oldSum == doc.Checksum {
		res.Status = "unchanged"
		return res
	}
	chunks := chunk.Split(doc.Blocks, s.Chunking)
	vectors, err := s.embedChunks(ctx, emb, oldID, doc.Meta.Title, chunks)
	if err != nil {
		return fail(err)
	}
	if err := s.replace(ctx, batch, emb.Model(), doc, chunks, vectors); err != nil {
		return fail(err)
	}
	res.Status, res.Chunks = "added", len(chunks)
	if oldID != 0 {
		res.Status = "replaced"
	}
	return res
}

// chunkContext is what full-text search and the embedder see besides the passage itself.
func chunkContext(title string, path []string) string {
	parts := append([]string{title}, path...)
	// Markdown documents usually repeat the title as their first heading.
	if len(path) > 0 && strings.EqualFold(strings.TrimSpace(path[0]), strings.TrimSpace(title)) {
		parts = path
	}
	return strings.Join(parts, " › ")
}

func embedText(context, content string) string { return context + "\n" + content }

// embedChunks embeds the chunks of a document, reusing the vectors of passages that did not
// change since the document's previous version (an edit to one section re-embeds one section).
func (s *Store) embedChunks(ctx context.Context, emb Embedder, oldID int64, title string, chunks []chunk.Chunk) ([]pgvector.Vector, error) {
	model := emb.Model()
	known := map[string]pgvector.Vector{}
	if oldID != 0 {
		rows, err := s.pool.Query(ctx, `SELECT context, content, embedding FROM chunks
			WHERE document_id = $1 AND embed_model = $2 AND embedding IS NOT NULL`, oldID, model)
		if err != nil {
			return nil, fmt.Errorf("read previous vectors: %w", err)
		}
		defer rows.Close()
		for rows.Next() {
			var c, t string
			var v pgvector.Vector
			if err := rows.Scan(&c, &t, &v); err != nil {
				return nil, err
			}
			known[embedText(c, t)] = v
		}
		if err := rows.Err(); err != nil {
			return nil, fmt.Errorf("read previous vectors: %w", err)
		}
	}
	out := make([]pgvector.Vector, len(chunks))
	var todo []string
	var where []int
	for i, c := range chunks {
		text := embedText(chunkContext(title, c.HeadingPath), c.Content)
		if v, ok := known[text]; ok {
			out[i] = v
			continue
		}
		todo = append(todo, text)
		where = append(where, i)
	}
	if len(todo) == 0 {
		return out, nil
	}
	vecs, err := s.embedWith(ctx, emb, todo)
	if err != nil {
		return nil, err
	}
	for j, i := range where {
		out[i] = vecs[j]
	}
	return out, nil
}

// embedWith calls the embedder and checks what it returns against the column.
func (s *Store) embedWith(ctx context.Context, emb Embedder, texts []string) ([]pgvector.Vector, error) {
	vecs, err := emb.Embed(ctx, texts)
	if err != nil {
		return nil, fmt.Errorf("embed with %s: %w", emb.Model(), err)
	}
	if len(vecs) != len(texts) {
		return nil, fmt.Errorf("embed with %s: %d vectors for %d texts", emb.Model(), len(vecs), len(texts))
	}
	out := make([]pgvector.Vector, len(vecs))
	for i, v := range vecs {
		if len(v) != Dimensions {
			return nil, db.Errorf(db.CodeInvalid, "embedding model %q returns vectors of %d dimensions, but chunks.embedding holds %d: choose a %d-dimension model (bge-m3, mxbai-embed-large, multilingual-e5-large) in CONOSCENZA_EMBED_MODEL",
				emb.Model(), len(v), Dimensions, Dimensions)
		}
		out[i] = pgvector.NewVector(v)
	}
	return out, nil
}

// replace writes a document and its chunks in one transaction: readers see the old version or
// the new one, never a mix.
func (s *Store) replace(ctx context.Context, batch int64, model string, doc *loader.Document, chunks []chunk.Chunk, vecs []pgvector.Vector) error {
	tx, err := s.pool.Begin(ctx)
	if err != nil {
		return fmt.Errorf("begin: %w", err)
	}
	defer tx.Rollback(ctx) //nolint:errcheck // a no-op after Commit
	var date *time.Time
	if t, ok, _ := doc.Meta.ParsedDate(); ok {
		date = &t
	}
	var pages *int
	if doc.Pages > 0 {
		pages = &doc.Pages
	}
	tags := doc.Meta.Tags
	if tags == nil {
		tags = []string{}
	}
	// The upsert locks the document row first, so two runs loading the same file serialise.
	var id int64
	err = tx.QueryRow(ctx, `INSERT INTO documents (path, title, doc_type, doc_date, issuer, url, tags, format, checksum, pages, batch_id, loaded_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, now())
		ON CONFLICT (path) DO UPDATE SET title = EXCLUDED.title, doc_type = EXCLUDED.doc_type,
			doc_date = EXCLUDED.doc_date, issuer = EXCLUDED.issuer, url = EXCLUDED.url, tags = EXCLUDED.tags,
			format = EXCLUDED.format, checksum = EXCLUDED.checksum, pages = EXCLUDED.pages,
			batch_id = EXCLUDED.batch_id, loaded_at = now()
		RETURNING id`,
		doc.Path, doc.Meta.Title, doc.Meta.Type, date, doc.Meta.Issuer, doc.Meta.URL, tags, doc.Format, doc.Checksum, pages, batch).Scan(&id)
	if err != nil {
		return db.Translate(err, "document "+doc.Path)
	}
	if _, err := tx.Exec(ctx, `DELETE FROM chunks WHERE document_id = $1`, id); err != nil {
		return fmt.Errorf("delete old chunks: %w", err)
	}
	rows := make([][]any, len(chunks))
	for i, c := range chunks {
		var page *int
		if c.Page > 0 {
			page = &chunks[i].Page
		}
		rows[i] = []any{id, c.Ord, c.HeadingPath, page, c.Content, chunkContext(doc.Meta.Title, c.HeadingPath), vecs[i], model}
	}
	_, err = tx.CopyFrom(ctx, pgx.Identifier{"chunks"},
		[]string{"document_id", "ord", "heading_path", "page", "content", "context", "embedding", "embed_model"},
		pgx.CopyFromRows(rows))
	if err != nil {
		return fmt.Errorf("copy chunks: %w", err)
	}
	if err := tx.Commit(ctx); err != nil {
		return fmt.Errorf("commit: %w", err)
	}
	return nil
}

// Remove deletes documents (and, by cascade, their chunks) and returns the paths it removed.
func (s *Store) Remove(ctx context.Context, paths []string) ([]string, error) {
	rows, err := s.pool.Query(ctx, `DELETE FROM documents WHERE path = ANY($1) RETURNING path`, paths)
	if err != nil {
		return nil, fmt.Errorf("remove documents: %w", err)
	}
	removed, err := pgx.CollectRows(rows, pgx.RowTo[string])
	if err != nil {
		return nil, fmt.Errorf("remove documents: %w", err)
	}
	sort.Strings(removed)
	return removed, nil
}

// prune removes the documents stored under dir whose file is gone.
func (s *Store) prune(ctx context.Context, dir string) ([]string, error) {
	prefix := strings.TrimSuffix(dir, string(os.PathSeparator)) + string(os.PathSeparator)
	rows, err := s.pool.Query(ctx, `SELECT path FROM documents WHERE starts_with(path, $1)`, prefix)
	if err != nil {
		return nil, fmt.Errorf("list documents under %s: %w", dir, err)
	}
	paths, err := pgx.CollectRows(rows, pgx.RowTo[string])
	if err != nil {
		return nil, fmt.Errorf("list documents under %s: %w", dir, err)
	}
	var gone []string
	for _, p := range paths {
		if _, err := os.Stat(p); errors.Is(err, os.ErrNotExist) {
			gone = append(gone, p)
		}
	}
	if len(gone) == 0 {
		return nil, nil
	}
	return s.Remove(ctx, gone)
}

// reembedBatch is how many stale chunks are embedded and written per transaction.
const reembedBatch = 128

// Reembed embeds again every chunk whose vector was made by another model than the active one,
// one batch per transaction so that an interrupted run keeps its progress. Until it finishes,
// those chunks are found by full-text search only: vector search never reads another model's
// vectors.
func (s *Store) Reembed(ctx context.Context) (int, error) {
	emb, err := s.activeEmbedder(ctx, s.pool)
	if err != nil {
		return 0, err
	}
	model := emb.Model()
	total := 0
	for {
		rows, err := s.pool.Query(ctx, `SELECT id, context, content FROM chunks
			WHERE embed_model IS DISTINCT FROM $1 ORDER BY id LIMIT $2`, model, reembedBatch)
		if err != nil {
			return total, fmt.Errorf("find chunks to re-embed: %w", err)
		}
		var ids []int64
		var texts []string
		for rows.Next() {
			var id int64
			var c, t string
			if err := rows.Scan(&id, &c, &t); err != nil {
				rows.Close()
				return total, err
			}
			ids = append(ids, id)
			texts = append(texts, embedText(c, t))
		}
		if err := rows.Err(); err != nil {
			return total, fmt.Errorf("find chunks to re-embed: %w", err)
		}
		if len(ids) == 0 {
			return total, nil
		}
		vecs, err := s.embedWith(ctx, emb, texts)
		if err != nil {
			return total, err
		}
		b := &pgx.Batch{}
		for i, id := range ids {
			b.Queue(`UPDATE chunks SET embedding = $1, embed_model = $2 WHERE id = $3`, vecs[i], model, id)
		}
		if err := s.pool.SendBatch(ctx, b).Close(); err != nil {
			return total, fmt.Errorf("write re-embedded chunks: %w", err)
		}
		total += len(ids)
		s.logger.Info("re-embedded chunks", "model", model, "done", total)
	}
}

// StaleChunks counts chunks that vector search cannot see because another model embedded them.
func (s *Store) StaleChunks(ctx context.Context) (int, error) {
	emb, err := s.activeEmbedder(ctx, s.pool)
	if err != nil {
		return 0, err
	}
	var n int
	err = s.pool.QueryRow(ctx, staleChunksSQL, emb.Model()).Scan(&n)
	if err != nil {
		return 0, fmt.Errorf("count stale chunks: %w", err)
	}
	return n, nil
}

func (s *Store) openBatch(ctx context.Context, items []Item, startedBy string) (int64, error) {
	name := fmt.Sprintf("%d documenti", len(items))
	if len(items) == 1 {
		name = items[0].Source.Path
	}
	var id int64
	err := s.pool.QueryRow(ctx, `INSERT INTO load_batches (kind, source, file_name, checksum, started_by)
		VALUES ('docs', 'documenti', $1, '', $2) RETURNING id`, name, startedBy).Scan(&id)
	if err != nil {
		return 0, fmt.Errorf("open load batch: %w", err)
	}
	return id, nil
}

// closeBatch records the counts. A docs batch is idempotent per document (by checksum), not per
// run, so its checksum covers the run's inputs and its own id: two runs over the same files
// that both change something (an edit, then its revert) are different batches.
func (s *Store) closeBatch(ctx context.Context, id int64, rep *Report) error {
	h := sha256.New()
	fmt.Fprintf(h, "docs batch %d\n", id)
	for _, r := range rep.Results {
		fmt.Fprintf(h, "%s\t%s\n", r.Path, r.Status)
	}
	rep.Status = "committed"
	if rep.Added+rep.Replaced+rep.Removed+rep.Reembedded == 0 && (rep.Fit == nil || !rep.Fit.Refitted) {
		rep.Status = "unchanged"
	}
	var warnings []string
	for _, r := range rep.Results {
		if r.Status == "failed" {
			warnings = append(warnings, r.Path+": "+r.Error)
		}
		for _, w := range r.Warnings {
			warnings = append(warnings, r.Path+": "+w)
		}
	}
	if warnings == nil {
		warnings = []string{}
	}
	stats, _ := json.Marshal(rep)
	warn, _ := json.Marshal(warnings)
	_, err := s.pool.Exec(ctx, `UPDATE load_batches SET status = $2, checksum = $3, rows_read = $4,
		rows_loaded = $5, rows_rejected = $6, warnings = $7, stats = $8, finished_at = now(), duration_ms = $9
		WHERE id = $1`, id, rep.Status, hex.EncodeToString(h.Sum(nil)), rep.Files, rep.Added+rep.Replaced,
		rep.Failed, warn, stats, rep.DurationMS)
	if err != nil {
		return fmt.Errorf("close load batch %d: %w", id, err)
	}
	return nil
}

// failBatch marks the batch failed; it uses a fresh context because ctx may be the reason.
func (s *Store) failBatch(id int64, cause error) error {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if _, err := s.pool.Exec(ctx, `UPDATE load_batches SET status = 'failed', error = $2, finished_at = now() WHERE id = $1`, id, cause.Error()); err != nil {
		s.logger.Error("mark load batch failed", "batch", id, "err", err)
	}
	return cause
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}
