package retrieval

import (
	"context"
	"fmt"
	"math"
	"os"
	"sort"
	"testing"

	"github.com/jackc/pgx/v5"
	"github.com/pgvector/pgvector-go"

	"github.com/comune-bologna/conoscenza/ingest/db/dbtest"
)

// TestTuneFusion compares fusion variants on the TUNING questions only (never the held-out
// ones: they measure the choice, they do not make it). It runs only when asked:
//
//	CONOSCENZA_TUNE=1 go test -count=1 -run TestTuneFusion -v ./retrieval/
//
// Each question's vector and full-text candidate lists are fetched once; the variants fuse
// them in Go, so the grid costs one search per question and method.
func TestTuneFusion(t *testing.T) {
	if os.Getenv("CONOSCENZA_TUNE") == "" {
		t.Skip("set CONOSCENZA_TUNE=1 to run the fusion grid on the tuning questions")
	}
	ctx := context.Background()
	d := dbtest.Fresh(t)
	s := NewStore(d.Pool, NewLocalEmbedder(), nil)
	if _, err := s.LoadDemoCorpus(ctx); err != nil {
		t.Fatal(err)
	}
	all, err := EvalSet()
	if err != nil {
		t.Fatal(err)
	}
	var qs []EvalQuestion
	for _, q := range all {
		if q.Split == SplitTuning {
			qs = append(qs, q)
		}
	}
	where := map[int64]Result{}
	rows, err := d.Pool.Query(ctx, `SELECT c.id, d.path, c.heading_path FROM chunks c JOIN documents d ON d.id = c.document_id`)
	if err != nil {
		t.Fatal(err)
	}
	for rows.Next() {
		var r Result
		if err := rows.Scan(&r.ChunkID, &r.Path, &r.Section); err != nil {
			t.Fatal(err)
		}
		where[r.ChunkID] = r
	}
	type lists struct {
		vec, text []ranked
		prox      map[int64]float64
	}
	cands := make([]lists, len(qs))
	for i, q := range qs {
		cands[i].vec, cands[i].text = tuneLists(t, s, q.Question)
		cands[i].prox = tuneProximity(t, s, q.Question, cands[i].text)
	}
	evalVariant := func(name string, fuseFn func(vec, text []ranked) []int64) {
		var r5, r10, mrr float64
		for i, q := range qs {
			ids := fuseFn(cands[i].vec, cands[i].text)
			for rank, id := range ids[:min(10, len(ids))] {
				if q.Hit(where[id]) {
					if rank < 5 {
						r5++
					}
					r10++
					mrr += 1 / float64(rank+1)
					break
				}
			}
		}
		n := float64(len(qs))
		t.Logf("%-40s %.3f / %.3f / %.3f", name, r5/n, r10/n, mrr/n)
	}
	ids := func(rs []Result) []int64 {
		out := make([]int64, len(rs))
		for i, r := range rs {
			out[i] = r.ChunkID
		}
		return out
	}
	rankedIDs := func(l []ranked) []int64 {
		out := make([]int64, len(l))
		for i, r := range l {
			out[i] = r.id
		}
		return out
	}
	evalVariant("vector", func(v, _ []ranked) []int64 { return rankedIDs(v) })
	evalVariant("full text", func(_, x []ranked) []int64 { return rankedIDs(x) })
	evalVariant("rrf k60 (current)", func(v, x []ranked) []int64 { return ids(fuse(v, x)) })
	for _, k := range []float64{10, 20, 40, 60, 100} {
		for _, wt := range []float64{0.8, 1, 1.25} {
			evalVariant(fmt.Sprintf("rrf k%.0f text %.2f", k, wt), func(v, x []ranked) []int64 { return tuneRRF(v, x, k, 1, wt) })
		}
	}
	for _, alpha := range []float64{0.3, 0.5, 0.7} {
		evalVariant(fmt.Sprintf("convex minmax alpha(vec) %.1f", alpha), func(v, x []ranked) []int64 { return tuneConvex(v, x, alpha, minMax) })
		evalVariant(fmt.Sprintf("convex max-norm alpha(vec) %.1f", alpha), func(v, x []ranked) []int64 { return tuneConvex(v, x, alpha, byMax) })
	}
	for _, depth := range []int{20, 50} {
		evalVariant(fmt.Sprintf("rrf k60, depth %d", depth), func(v, x []ranked) []int64 {
			return ids(fuse(v[:min(depth, len(v))], x[:min(depth, len(x))]))
		})
	}
	sectionKey := func(id int64) string { r := where[id]; return r.Path + "\x00" + fmt.Sprint(r.Section) }
	evalVariant("rrf k60, one passage per section", func(v, x []ranked) []int64 {
		seen := map[string]bool{}
		var out []int64
		for _, id := range ids(fuse(v, x)) {
			if k := sectionKey(id); !seen[k] {
				seen[k] = true
				out = append(out, id)
			}
		}
		return out
	})
	for _, gamma := range []float64{0.1, 0.25, 0.5} {
		for _, agg := range []string{"sum", "max-other"} {
			evalVariant(fmt.Sprintf("rrf k60 + %.2f x document %s", gamma, agg), func(v, x []ranked) []int64 {
				fused := fuse(v, x)
				doc := map[string]float64{}
				best := map[string][2]float64{}
				for _, r := range fused {
					p := where[r.ChunkID].Path
					doc[p] += r.Score
					b := best[p]
					if r.Score > b[0] {
						b[1], b[0] = b[0], r.Score
					} else if r.Score > b[1] {
						b[1] = r.Score
					}
					best[p] = b
				}
				score := map[int64]float64{}
				for _, r := range fused {
					p := where[r.ChunkID].Path
					extra := doc[p] - r.Score
					if agg != "sum" {
						b := best[p]
						extra = b[0]
						if r.Score == b[0] {
							extra = b[1]
						}
					}
					score[r.ChunkID] = r.Score + gamma*extra
				}
				return sortScores(score)
			})
		}
	}
	for _, beta := range []float64{0.05, 0.1, 0.2, 0.4} {
		var i int
		withProx := func(x []ranked) []ranked {
			out := make([]ranked, len(x))
			for j, r := range x {
				out[j] = ranked{id: r.id, score: r.score + beta*cands[i].prox[r.id]}
			}
			sort.SliceStable(out, func(a, b int) bool { return out[a].score > out[b].score })
			return out
		}
		// evalVariant walks the questions in order; i follows it.
		i = -1
		evalVariant(fmt.Sprintf("full text + %.2f x proximity", beta), func(_, x []ranked) []int64 { i++; return rankedIDs(withProx(x)) })
		i = -1
		evalVariant(fmt.Sprintf("rrf k60, text + %.2f x proximity", beta), func(v, x []ranked) []int64 { i++; return ids(fuse(v, withProx(x))) })
	}
	// Rocchio pseudo-relevance feedback on the vector side: the question's vector moved
	// towards the mean of the first fused results, then searched again.
	for _, fb := range []int{2, 3, 5} {
		for _, beta := range []float64{0.3, 0.6, 1} {
			var r5, r10, mrr float64
			for i, q := range qs {
				top := ids(fuse(cands[i].vec, cands[i].text))
				vec2 := tunePRF(t, s, q.Question, top[:min(fb, len(top))], beta)
				got := ids(fuse(vec2, cands[i].text))
				for rank, id := range got[:min(10, len(got))] {
					if q.Hit(where[id]) {
						if rank < 5 {
							r5++
						}
						r10++
						mrr += 1 / float64(rank+1)
						break
					}
				}
			}
			n := float64(len(qs))
			t.Logf("%-40s %.3f / %.3f / %.3f", fmt.Sprintf("rrf k60, vector PRF top %d beta %.1f", fb, beta), r5/n, r10/n, mrr/n)
		}
	}
	for _, lambda := range []float64{0.5, 1, 2} {
		evalVariant(fmt.Sprintf("rrf k60 + %.1f x minmax/61", lambda), func(v, x []ranked) []int64 { return tuneRRFScore(v, x, lambda) })
	}
}

func tuneLists(t *testing.T, s *Store, query string) (vec, text []ranked) {
	t.Helper()
	ctx := context.Background()
	tx, err := s.pool.BeginTx(ctx, pgx.TxOptions{AccessMode: pgx.ReadOnly, IsoLevel: pgx.RepeatableRead})
	if err != nil {
		t.Fatal(err)
	}
	defer tx.Rollback(ctx) //nolint:errcheck // read-only
	emb, err := s.activeEmbedder(ctx, tx)
	if err != nil {
		t.Fatal(err)
	}
	vecs, err := s.embedWith(ctx, emb, []string{query})
	if err != nil {
		t.Fatal(err)
	}
	opt := SearchOptions{Candidates: DefaultCandidates, Limit: 10}
	if vec, err = vectorSearch(ctx, tx, vecs[0], emb.Model(), opt); err != nil {
		t.Fatal(err)
	}
	if text, err = textSearch(ctx, tx, query, opt); err != nil {
		t.Fatal(err)
	}
	return vec, text
}

// tuneProximity is, per candidate, Σ over pairs of lexemes that follow each other in the
// question (at most 3 positions apart) of their mean idf, when the passage has them within 3
// positions of each other, in either order.
func tuneProximity(t *testing.T, s *Store, query string, text []ranked) map[int64]float64 {
	t.Helper()
	ids := make([]int64, len(text))
	for i, r := range text {
		ids[i] = r.id
	}
	rows, err := s.pool.Query(context.Background(), `WITH pos AS (
			SELECT u.lexeme, p FROM unnest(to_tsvector('italian', $1)) u, unnest(u.positions) p),
		seq AS (SELECT lexeme, p, lead(lexeme) OVER (ORDER BY p) AS nl, lead(p) OVER (ORDER BY p) AS np FROM pos),
		pairs AS (SELECT DISTINCT lexeme AS a, nl AS b FROM seq WHERE nl IS NOT NULL AND nl <> lexeme AND np - p <= 3),
		n AS (SELECT greatest(df, 1)::float8 AS n FROM chunk_lexemes WHERE lexeme = ''),
		pq AS (
			SELECT (ln(1 + (n.n - sa.df + 0.5) / (sa.df + 0.5)) + ln(1 + (n.n - sb.df + 0.5) / (sb.df + 0.5))) / 2 AS w,
				tsquery_phrase(qa, qb, 1) || tsquery_phrase(qa, qb, 2) || tsquery_phrase(qa, qb, 3) ||
				tsquery_phrase(qb, qa, 1) || tsquery_phrase(qb, qa, 2) || tsquery_phrase(qb, qa, 3) AS q
			FROM pairs, n, chunk_lexemes sa, chunk_lexemes sb,
				to_tsquery('simple', quote_literal(a)) qa, to_tsquery('simple', quote_literal(b)) qb
			WHERE sa.lexeme = a AND sb.lexeme = b)
		SELECT c.id, coalesce((SELECT sum(w) FROM pq WHERE c.tsv @@ pq.q), 0) FROM chunks c WHERE c.id = ANY($2)`, query, ids)
	if err != nil {
		t.Fatal(err)
	}
	out := map[int64]float64{}
	for rows.Next() {
		var id int64
		var w float64
		if err := rows.Scan(&id, &w); err != nil {
			t.Fatal(err)
		}
		out[id] = w
	}
	if rows.Err() != nil {
		t.Fatal(rows.Err())
	}
	return out
}

// tunePRF searches again with the question's vector plus beta times the mean of the vectors of
// the feedback passages (each of unit length).
func tunePRF(t *testing.T, s *Store, query string, feedback []int64, beta float64) []ranked {
	t.Helper()
	ctx := context.Background()
	tx, err := s.pool.BeginTx(ctx, pgx.TxOptions{AccessMode: pgx.ReadOnly, IsoLevel: pgx.RepeatableRead})
	if err != nil {
		t.Fatal(err)
	}
	defer tx.Rollback(ctx) //nolint:errcheck // read-only
	emb, err := s.activeEmbedder(ctx, tx)
	if err != nil {
		t.Fatal(err)
	}
	vecs, err := s.embedWith(ctx, emb, []string{query})
	if err != nil {
		t.Fatal(err)
	}
	q := vecs[0].Slice()
	rows, err := tx.Query(ctx, `SELECT embedding FROM chunks WHERE id = ANY($1)`, feedback)
	if err != nil {
		t.Fatal(err)
	}
	fbVecs, err := pgx.CollectRows(rows, pgx.RowTo[pgvector.Vector])
	if err != nil {
		t.Fatal(err)
	}
	out := make([]float32, len(q))
	copy(out, q)
	for _, v := range fbVecs {
		for i, x := range v.Slice() {
			out[i] += float32(beta/float64(len(fbVecs))) * x
		}
	}
	l, err := vectorSearch(ctx, tx, pgvector.NewVector(out), emb.Model(), SearchOptions{Candidates: DefaultCandidates})
	if err != nil {
		t.Fatal(err)
	}
	return l
}

func sortScores(score map[int64]float64) []int64 {
	out := make([]int64, 0, len(score))
	for id := range score {
		out = append(out, id)
	}
	sort.Slice(out, func(i, j int) bool {
		if score[out[i]] != score[out[j]] {
			return score[out[i]] > score[out[j]]
		}
		return out[i] < out[j]
	})
	return out
}

func tuneRRF(vec, text []ranked, k, wv, wt float64) []int64 {
	score := map[int64]float64{}
	for i, r := range vec {
		score[r.id] += wv / (k + float64(i+1))
	}
	for i, r := range text {
		score[r.id] += wt / (k + float64(i+1))
	}
	return sortScores(score)
}

func minMax(l []ranked) map[int64]float64 {
	out := map[int64]float64{}
	if len(l) == 0 {
		return out
	}
	hi, lo := l[0].score, l[0].score
	for _, r := range l {
		hi, lo = math.Max(hi, r.score), math.Min(lo, r.score)
	}
	for _, r := range l {
		if hi > lo {
			out[r.id] = (r.score - lo) / (hi - lo)
		} else {
			out[r.id] = 1
		}
	}
	return out
}

func byMax(l []ranked) map[int64]float64 {
	out := map[int64]float64{}
	if len(l) == 0 || l[0].score <= 0 {
		return out
	}
	for _, r := range l {
		out[r.id] = r.score / l[0].score
	}
	return out
}

func tuneConvex(vec, text []ranked, alpha float64, norm func([]ranked) map[int64]float64) []int64 {
	score := map[int64]float64{}
	for id, s := range norm(vec) {
		score[id] += alpha * s
	}
	for id, s := range norm(text) {
		score[id] += (1 - alpha) * s
	}
	return sortScores(score)
}

// tuneRRFScore is RRF plus each list's min-max normalised score scaled to the size of a
// first-rank RRF term: ranks decide, scores break near-ties by how far ahead a passage is.
func tuneRRFScore(vec, text []ranked, lambda float64) []int64 {
	score := map[int64]float64{}
	for i, r := range vec {
		score[r.id] += 1 / float64(RRFK+i+1)
	}
	for i, r := range text {
		score[r.id] += 1 / float64(RRFK+i+1)
	}
	for id, s := range minMax(vec) {
		score[id] += lambda * s / float64(RRFK+1)
	}
	for id, s := range minMax(text) {
		score[id] += lambda * s / float64(RRFK+1)
	}
	return sortScores(score)
}
