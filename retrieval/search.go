package retrieval

import (
	"context"
	"fmt"
	"sort"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/pgvector/pgvector-go"

	"github.com/comune-bologna/conoscenza/ingest/db"
)

// RRFK is the reciprocal rank fusion constant of Cormack et al. (2009): large enough that the
// first few ranks of either list do not drown the other list.
const RRFK = 60

// Fusion weights (weighted RRF). With local-hash-v1 the full-text list was the stronger one and
// its ranks weighed 1.5; the corpus-fitted local-lsa-v1 is as strong as full text on the tuning
// questions, and equal weights (the plain RRF of Cormack et al.) were best among 1, 1.25 and
// 1.5 there (docs/retrieval.md). With a semantic model (bge-m3) the balance is unmeasured.
const (
	rrfVectorWeight = 1.0
	rrfTextWeight   = 1.0
)

// maxQueryDF drops from the any-word full-text query the lexemes found in more than this share
// of the passages (unless all of them are): their IDF weight is small anyway (at most ln 2),
// and at 100,000 passages each such lexeme makes ts_rank score tens of thousands of rows.
const maxQueryDF = 0.5

// DefaultCandidates is how many results each method gives to the fusion.
const DefaultCandidates = 100

// SearchOptions shape a search. Zero values mean the defaults.
type SearchOptions struct {
	Method     Method // default Hybrid
	Limit      int    // results returned, default 10, at most 100
	Candidates int    // results taken from each method before fusion, default DefaultCandidates
	Filter     Filter
}

// SearchResponse is a ranked list of passages.
type SearchResponse struct {
	Query      string   `json:"query"`
	Method     Method   `json:"method"`
	EmbedModel string   `json:"embed_model"`
	Results    []Result `json:"results"`
	// StaleChunks were embedded by another model: full-text search finds them, vector search
	// does not until `conoscenza ingest docs --reembed` has run.
	StaleChunks int `json:"stale_chunks,omitempty"`
	// Support says whether the passages answer the question or are only the nearest ones
	// (absent when nothing was found).
	Support *Support `json:"support,omitempty"`
}

// Search finds the passages that best answer query.
func (s *Store) Search(ctx context.Context, query string, opt SearchOptions) (SearchResponse, error) {
	query = strings.TrimSpace(query)
	if query == "" {
		return SearchResponse{}, db.Errorf(db.CodeInvalid, "la domanda è vuota")
	}
	if opt.Method == "" {
		opt.Method = Hybrid
	}
	if opt.Limit <= 0 {
		opt.Limit = 10
	}
	opt.Limit = min(opt.Limit, 100)
	if opt.Candidates <= 0 {
		opt.Candidates = DefaultCandidates
	}
	opt.Candidates = max(opt.Candidates, opt.Limit)
	resp := SearchResponse{Query: query, Method: opt.Method, Results: []Result{}}
	eq := expandQuery(query)

	// One read-only transaction: the settings below stay local to it, and (repeatable read:
	// one snapshot for every statement) both lists see the same library, and the question is
	// embedded with the local fit that embedded the passages of that snapshot.
	tx, err := s.pool.BeginTx(ctx, pgx.TxOptions{AccessMode: pgx.ReadOnly, IsoLevel: pgx.RepeatableRead})
	if err != nil {
		return resp, fmt.Errorf("search: begin: %w", err)
	}
	defer tx.Rollback(ctx) //nolint:errcheck // read-only
	emb, err := s.activeEmbedder(ctx, tx)
	if err != nil {
		return resp, err
	}
	resp.EmbedModel = emb.Model()
	var qvec pgvector.Vector
	if opt.Method != FullText {
		vecs, err := s.embedWith(ctx, emb, []string{eq.text})
		if err != nil {
			return resp, err
		}
		qvec = vecs[0]
	}
	// With filters, a plain HNSW scan can stop before it finds enough matching rows; pgvector's
	// iterative scan keeps going. ef_search above the candidate count keeps recall high.
	if _, err := tx.Exec(ctx, fmt.Sprintf(`SET LOCAL hnsw.iterative_scan = relaxed_order; SET LOCAL hnsw.ef_search = %d`, max(100, opt.Candidates*2))); err != nil {
		return resp, fmt.Errorf("search: settings: %w", err)
	}

	var vec, text []ranked
	if opt.Method != FullText {
		if vec, err = vectorSearch(ctx, tx, qvec, emb.Model(), opt); err != nil {
			return resp, err
		}
	}
	if opt.Method != Vector {
		if text, err = textSearchHinted(ctx, tx, eq.all, eq.hints, opt); err != nil {
			return resp, err
		}
	}
	var results []Result
	switch opt.Method {
	case Vector:
		results = single(vec, func(r *Result, i int) { r.VectorRank = i + 1 })
	case FullText:
		results = single(text, func(r *Result, i int) { r.TextRank = i + 1 })
	default:
		results = fuse(vec, text)
	}
	if len(results) > opt.Limit {
		results = results[:opt.Limit]
	}
	if err := fillCitations(ctx, tx, results, eq.text); err != nil {
		return resp, err
	}
	resp.Results = results
	if len(results) > 0 {
		sims := make(map[int64]float64, len(vec))
		for _, v := range vec {
			sims[v.id] = v.score
		}
		sup, err := measureSupport(ctx, tx, eq.all, emb.Model(), isEnglish(query), results, sims)
		if err != nil {
			return resp, err
		}
		resp.Support = &sup
	}
	if err := tx.QueryRow(ctx, staleChunksSQL, emb.Model()).Scan(&resp.StaleChunks); err != nil {
		return resp, fmt.Errorf("search: count stale chunks: %w", err)
	}
	return resp, nil
}

// staleChunksSQL counts the passages of other models than $1. Written as two ranges and IS
// NULL, it reads only those entries of chunks_embed_model (usually none); "embed_model <> $1"
// made PostgreSQL read the whole index and visit every row (2.3 s at 100,000 passages).
const staleChunksSQL = `SELECT count(*) FROM chunks WHERE embed_model < $1 OR embed_model > $1 OR embed_model IS NULL`

type ranked struct {
	id    int64
	score float64
}

// filterSQL appends the filter's conditions on documents d, numbering parameters after args.
func filterSQL(f Filter, args []any) (string, []any) {
	var where []string
	add := func(cond string, v any) {
		args = append(args, v)
		where = append(where, fmt.Sprintf(cond, len(args)))
	}
	if len(f.Types) > 0 {
		types := make([]string, len(f.Types))
		for i, t := range f.Types {
			types[i] = strings.ToLower(strings.TrimSpace(t))
		}
		add("d.doc_type = ANY($%d)", types)
	}
	if !f.From.IsZero() {
		add("d.doc_date >= $%d", f.From.Format(time.DateOnly))
	}
	if !f.To.IsZero() {
		add("d.doc_date <= $%d", f.To.Format(time.DateOnly))
	}
	if len(f.Tags) > 0 {
		add("d.tags @> $%d", f.Tags)
	}
	if len(where) == 0 {
		return "", args
	}
	return " AND " + strings.Join(where, " AND "), args
}

func vectorSearch(ctx context.Context, tx pgx.Tx, q pgvector.Vector, model string, opt SearchOptions) ([]ranked, error) {
	cond, args := filterSQL(opt.Filter, []any{q, model, opt.Candidates})
	// Only vectors of the active model: distances between two models' spaces mean nothing.
	sql := `SELECT id, sim FROM (
		SELECT c.id, 1 - (c.embedding <=> $1) AS sim, c.embedding <=> $1 AS dist
		FROM chunks c JOIN documents d ON d.id = c.document_id
		WHERE c.embed_model = $2 AND c.embedding IS NOT NULL` + cond + `
		ORDER BY c.embedding <=> $1 LIMIT $3) v ORDER BY dist, id`
	return collectRanked(ctx, tx, "vector search", sql, args)
}

func collectRanked(ctx context.Context, tx pgx.Tx, what, sql string, args []any) ([]ranked, error) {
	rows, err := tx.Query(ctx, sql, args...)
	if err != nil {
		return nil, db.Translate(err, what)
	}
	out, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (ranked, error) {
		var x ranked
		err := r.Scan(&x.id, &x.score)
		return x, err
	})
	if err != nil {
		return nil, db.Translate(err, what)
	}
	return out, nil
}

func single(list []ranked, mark func(*Result, int)) []Result {
	out := make([]Result, len(list))
	for i, r := range list {
		out[i] = Result{Citation: Citation{ChunkID: r.id}, Score: r.score}
		mark(&out[i], i)
	}
	return out
}

// fuse merges two ranked lists by weighted reciprocal rank fusion: score = Σ w/(RRFK + rank).
// It needs no calibration between cosine similarities and text ranks, which live on unrelated
// scales.
func fuse(vec, text []ranked) []Result {
	byID := map[int64]*Result{}
	var order []*Result
	get := func(id int64) *Result {
		if r, ok := byID[id]; ok {
			return r
		}
		r := &Result{Citation: Citation{ChunkID: id}}
		byID[id] = r
		order = append(order, r)
		return r
	}
	for i, v := range vec {
		r := get(v.id)
		r.VectorRank = i + 1
		r.Score += rrfVectorWeight / float64(RRFK+i+1)
	}
	for i, t := range text {
		r := get(t.id)
		r.TextRank = i + 1
		r.Score += rrfTextWeight / float64(RRFK+i+1)
	}
	sort.SliceStable(order, func(i, j int) bool {
		if order[i].Score != order[j].Score {
			return order[i].Score > order[j].Score
		}
		return order[i].ChunkID < order[j].ChunkID
	})
	out := make([]Result, len(order))
	for i, r := range order {
		out[i] = *r
	}
	return out
}

// fillCitations reads the passage and document fields of each result.
func fillCitations(ctx context.Context, tx pgx.Tx, results []Result, query string) error {
	if len(results) == 0 {
		return nil
	}
	ids := make([]int64, len(results))
	for i, r := range results {
		ids[i] = r.ChunkID
	}
	rows, err := tx.Query(ctx, `SELECT c.id, d.id, d.path, d.title, d.doc_type, coalesce(to_char(d.doc_date, 'YYYY-MM-DD'), ''),
			d.issuer, d.url, d.tags, c.heading_path, coalesce(c.page, 0), c.content
		FROM chunks c JOIN documents d ON d.id = c.document_id WHERE c.id = ANY($1)`, ids)
	if err != nil {
		return fmt.Errorf("read citations: %w", err)
	}
	defer rows.Close()
	byID := map[int64]Citation{}
	for rows.Next() {
		var c Citation
		if err := rows.Scan(&c.ChunkID, &c.DocumentID, &c.Path, &c.Title, &c.DocType, &c.Date,
			&c.Issuer, &c.URL, &c.Tags, &c.Section, &c.Page, &c.Passage); err != nil {
			return fmt.Errorf("read citations: %w", err)
		}
		byID[c.ChunkID] = c
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("read citations: %w", err)
	}
	for i := range results {
		c := byID[results[i].ChunkID]
		c.Quote = Quote(c.Passage, query, quoteRunes)
		results[i].Citation = c
	}
	return nil
}
