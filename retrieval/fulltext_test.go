package retrieval

import (
	"context"
	"fmt"
	"os"
	"strings"
	"testing"

	"github.com/jackc/pgx/v5"

	"github.com/comune-bologna/conoscenza/ingest/db/dbtest"
)

// checkLexemeCounts compares chunk_lexemes with a count made from scratch the way full-text
// search counted before the table existed (one lexeme at a time on the GIN index), and checks
// that max_rank bounds every passage's ts_rank.
func checkLexemeCounts(t *testing.T, tx interface {
	QueryRow(context.Context, string, ...any) pgx.Row
}, when string) {
	t.Helper()
	var wrong, total, stored, over int
	err := tx.QueryRow(context.Background(), `WITH truth AS (
			SELECT u.lexeme, count(*) AS df FROM chunks c, unnest(c.tsv) u GROUP BY u.lexeme),
		gin AS (
			SELECT t.lexeme, (SELECT count(*) FROM chunks c WHERE c.tsv @@ to_tsquery('simple', quote_literal(t.lexeme))) AS df FROM truth t)
		SELECT
			(SELECT count(*) FROM gin FULL JOIN (SELECT * FROM chunk_lexemes WHERE lexeme <> '' AND df <> 0) s USING (lexeme)
				WHERE gin.df IS DISTINCT FROM s.df),
			(SELECT count(*) FROM chunks),
			(SELECT df FROM chunk_lexemes WHERE lexeme = ''),
			(SELECT count(*) FROM chunks c, unnest(c.tsv) u JOIN chunk_lexemes s ON s.lexeme = u.lexeme
				WHERE ts_rank('{0.1, 0.2, 0.3, 1.0}', c.tsv, to_tsquery('simple', quote_literal(u.lexeme))) > s.max_rank)`).
		Scan(&wrong, &total, &stored, &over)
	if err != nil {
		t.Fatal(err)
	}
	if wrong != 0 || total != stored || over != 0 {
		t.Errorf("%s: %d lexemes with a wrong count, passages %d stored as %d, %d ranks above max_rank", when, wrong, total, stored, over)
	}
}

func TestLexemeCountsFollowEveryChange(t *testing.T) {
	lib := newLibrary(t)
	checkLexemeCounts(t, lib.db.Pool, "empty library")
	lib.ingest(t, IngestOptions{})
	checkLexemeCounts(t, lib.db.Pool, "after the load")
	src, _ := os.ReadFile(lib.path("bando.md"))
	lib.write(t, "bando.md", strings.Replace(string(src), "fino a 20.000 euro", "fino a 25.000 euro per la spunta", 1))
	lib.ingest(t, IngestOptions{}, lib.path("bando.md"))
	checkLexemeCounts(t, lib.db.Pool, "after a replacement")
	lib.ingest(t, IngestOptions{Remove: []string{lib.path("nota.html")}})
	checkLexemeCounts(t, lib.db.Pool, "after a removal")
	ctx := context.Background()
	// A direct edit of a passage's text (no code path does it today) is counted too.
	if _, err := lib.db.Pool.Exec(ctx, `UPDATE chunks SET content = content || ' plateatico stagionale' WHERE id = (SELECT min(id) FROM chunks)`); err != nil {
		t.Fatal(err)
	}
	checkLexemeCounts(t, lib.db.Pool, "after an update")
	// Re-embedding rewrites every vector and must not touch the counts.
	if _, err := lib.db.Pool.Exec(ctx, `UPDATE chunks SET embed_model = 'altro'`); err != nil {
		t.Fatal(err)
	}
	checkLexemeCounts(t, lib.db.Pool, "after a re-embedding")
	if _, err := lib.db.Pool.Exec(ctx, `DELETE FROM documents`); err != nil {
		t.Fatal(err)
	}
	checkLexemeCounts(t, lib.db.Pool, "after deleting everything")
}

// textSearchCounting is the full-text query as it was before chunk_lexemes: document
// frequencies counted on the GIN index, every matching passage scored. The pruned search must
// return exactly its list.
func textSearchCounting(ctx context.Context, tx pgx.Tx, query string, opt SearchOptions) ([]ranked, error) {
	cond, args := filterSQL(opt.Filter, []any{query, opt.Candidates, maxQueryDF})
	sql := `WITH n AS (SELECT greatest(count(*), 1)::float8 AS n FROM chunks),
	lx AS (
		SELECT lexeme, (SELECT count(*) FROM chunks c WHERE c.tsv @@ to_tsquery('simple', quote_literal(lexeme)))::float8 AS df
		FROM unnest(to_tsvector('italian', $1))),
	kept AS (
		SELECT lexeme, ln(1 + (n.n - df + 0.5) / (df + 0.5)) AS idf, to_tsquery('simple', quote_literal(lexeme)) AS tq
		FROM lx, n
		WHERE df > 0 AND (df <= $3 * n.n OR df = (SELECT min(df) FROM lx WHERE df > 0))),
	q AS (
		SELECT websearch_to_tsquery('italian', $1) AS qall,
		       (SELECT to_tsquery('simple', coalesce(string_agg(quote_literal(lexeme), ' | '), '')) FROM kept) AS qany)
	SELECT c.id, (SELECT sum(k.idf * ts_rank('{0.1, 0.2, 0.3, 1.0}', c.tsv, k.tq)) FROM kept k)
		+ CASE WHEN c.tsv @@ q.qall THEN 1 ELSE 0 END AS rank
	FROM chunks c JOIN documents d ON d.id = c.document_id, q
	WHERE c.tsv @@ q.qany` + cond + `
	ORDER BY rank DESC, c.id LIMIT $2`
	return collectRanked(ctx, tx, "full-text search", sql, args)
}

func TestPrunedTextSearchEqualsScoringEveryMatch(t *testing.T) {
	ctx := context.Background()
	d := dbtest.Shared(t)
	s := NewStore(d.Pool, NewLocalEmbedder(), nil)
	if _, err := s.LoadDemoCorpus(ctx); err != nil {
		t.Fatal(err)
	}
	qs, err := EvalSet()
	if err != nil {
		t.Fatal(err)
	}
	questions := []string{"bando", "Comune di Bologna contributo imprese", "il la di", "covid-19 ristori"}
	for _, q := range qs {
		questions = append(questions, q.Question)
	}
	// The demo library is small: with the usual probe every question would skip the pruning.
	// A probe of one passage prunes on nearly every question, with few candidates even more.
	defer func(p float64) { probeRows = p }(probeRows)
	pruned := 0
	paths := map[string]int{}
	defer func(f func(string, int)) { tracePass = f }(tracePass)
	tracePass = func(kind string, pass int) { paths[fmt.Sprintf("%s %d", kind, pass)]++ }
	cases := []struct {
		probe float64
		cands int
		f     Filter
	}{{2000, 100, Filter{}}, {1, 100, Filter{}}, {1, 10, Filter{Types: []string{"bando"}}}, {30, 3, Filter{}}}
	for _, c := range cases {
		probeRows = c.probe
		opt := SearchOptions{Candidates: c.cands, Filter: c.f}
		for _, q := range questions {
			tx, err := d.Pool.BeginTx(ctx, pgx.TxOptions{AccessMode: pgx.ReadOnly, IsoLevel: pgx.RepeatableRead})
			if err != nil {
				t.Fatal(err)
			}
			want, err := textSearchCounting(ctx, tx, q, opt)
			if err != nil {
				t.Fatal(err)
			}
			got, err := textSearch(ctx, tx, q, opt)
			if err != nil {
				t.Fatal(err)
			}
			lex, _, err := queryLexemes(ctx, tx, q)
			if err != nil {
				t.Fatal(err)
			}
			_ = tx.Rollback(ctx)
			if fmt.Sprint(got) != fmt.Sprint(want) {
				t.Fatalf("%+v, %q:\n got %v\nwant %v", c, q, got, want)
			}
			if len(essentialLexemes(lex, lowest(want))) < len(lex) {
				pruned++
			}
		}
	}
	// The test means something only if the pruning actually left lexemes out.
	if pruned < 50 {
		t.Errorf("the pruning left lexemes out in %d searches only", pruned)
	}
	// Every path must have been taken: the bounds on the first and a later pass, MaxScore.
	t.Logf("paths: %v", paths)
	for _, p := range []string{"all 0", "bounds 0", "bounds 1", "maxscore 0"} {
		if paths[p] == 0 {
			t.Errorf("no search answered by %q: %v", p, paths)
		}
	}
}

func lowest(r []ranked) float64 {
	if len(r) == 0 {
		return 0
	}
	return r[len(r)-1].score
}
