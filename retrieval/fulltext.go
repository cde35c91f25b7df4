package retrieval

import (
	"context"
	"fmt"
	"sort"
	"strings"

	"github.com/jackc/pgx/v5"

	"github.com/comune-bologna/conoscenza/ingest/db"
)

// textWeights are ts_rank's weights {D, C, B, A}: content is D, the title and heading path
// (chunks.context) B at three times the content's weight (chosen on the tuning questions,
// docs/retrieval.md). Migration 00022 computes chunk_lexemes.max_rank with the same array.
const textWeights = `'{0.1, 0.2, 0.3, 1.0}'`

// probeRows is how many passages (summed document frequencies) the first, pruning pass of a
// full-text search reads at least before it trusts its k-th score as a threshold.
var probeRows = 2000.0

// queryLexeme is one lexeme of the question kept for the full-text query.
type queryLexeme struct {
	lexeme  string
	tsquery string  // to_tsquery('simple', quote_literal(lexeme)), as text
	df      float64 // passages holding it (chunk_lexemes)
	idf     float64 // BM25 idf, computed by PostgreSQL as before
	maxRank float64 // upper bound of its ts_rank in any passage
}

// textSearch ranks passages by PostgreSQL full-text search with the Italian configuration.
// websearch_to_tsquery requires every word, which a long spoken question ("quali requisiti
// servono per il bando delle imprese giovanili?") rarely meets in one passage; so passages
// are matched on any of the question's lexemes and those matching all of them rank first.
// ts_rank alone has no notion of how rare a word is: "comune" in a passage counted as much as
// "spunta". So the score is BM25-like, Σ idf(lexeme) × ts_rank(passage, lexeme) (+1 when the
// passage has every word), with idf = ln(1 + (N - df + 0.5) / (df + 0.5)); lexemes in more
// than maxQueryDF of the passages are left out of the query. The document frequencies come
// from chunk_lexemes, kept by triggers in the transaction that writes the passages (migration
// 00022): counting them on the GIN index at query time took seconds at 100,000 passages.
//
// The top candidates are found without scoring every passage that shares a common word with
// the question (MaxScore, Turtle and Flood 1995): a first pass scores the passages holding the
// rarest lexemes; its k-th score θ is a lower bound of the final k-th score. A passage whose
// lexemes are all among the common ones that together cannot reach θ (Σ idf × max_rank < θ)
// cannot enter the top k, so the second pass scores only passages holding one of the other
// lexemes, or every word of the question. The result is the same list as scoring every match.
func textSearch(ctx context.Context, tx pgx.Tx, query string, opt SearchOptions) ([]ranked, error) {
	lex, qall, err := queryLexemes(ctx, tx, query)
	if err != nil || len(lex) == 0 {
		return nil, err
	}
	byDF := append([]queryLexeme(nil), lex...)
	sort.SliceStable(byDF, func(i, j int) bool { return byDF[i].df < byDF[j].df })
	var total float64
	probe := 0
	for probe < len(byDF) && total < probeRows {
		total += byDF[probe].df
		probe++
	}
	if probe == len(byDF) {
		return scoreText(ctx, tx, lex, lex, qall, opt)
	}
	first, err := scoreText(ctx, tx, lex, byDF[:probe], qall, opt)
	if err != nil || len(first) < opt.Candidates {
		if err != nil {
			return nil, err
		}
		return scoreText(ctx, tx, lex, lex, qall, opt)
	}
	essential := essentialLexemes(lex, first[len(first)-1].score)
	if subset(essential, byDF[:probe]) {
		return first, nil
	}
	return scoreText(ctx, tx, lex, essential, qall, opt)
}

// essentialLexemes leaves out the lexemes whose largest possible contributions, summed from
// the smallest, stay below theta: a passage holding only those cannot score theta.
func essentialLexemes(lex []queryLexeme, theta float64) []queryLexeme {
	byBound := append([]queryLexeme(nil), lex...)
	bound := func(l queryLexeme) float64 { return l.idf * l.maxRank }
	sort.SliceStable(byBound, func(i, j int) bool { return bound(byBound[i]) < bound(byBound[j]) })
	sum := 0.0
	i := 0
	// The margin covers float4 rounding in ts_rank and float8 rounding in the sums.
	for i < len(byBound) && (sum+bound(byBound[i]))*1.0001+1e-9 < theta {
		sum += bound(byBound[i])
		i++
	}
	return byBound[i:]
}

func subset(a, b []queryLexeme) bool {
	in := map[string]bool{}
	for _, l := range b {
		in[l.lexeme] = true
	}
	for _, l := range a {
		if !in[l.lexeme] {
			return false
		}
	}
	return true
}

// queryLexemes reads the question's lexemes kept for the query, in the order of its tsvector
// (the order the score sums them in), with their statistics, and the all-words query.
func queryLexemes(ctx context.Context, tx pgx.Tx, query string) ([]queryLexeme, string, error) {
	rows, err := tx.Query(ctx, `WITH n AS (SELECT greatest(coalesce((SELECT df FROM chunk_lexemes WHERE lexeme = ''), 0), 1)::float8 AS n),
	lx AS (
		SELECT u.lexeme, u.ord, coalesce(s.df, 0)::float8 AS df, coalesce(s.max_rank, 0)::float8 AS max_rank
		FROM unnest(to_tsvector('italian', $1)) WITH ORDINALITY u(lexeme, positions, weights, ord)
		LEFT JOIN chunk_lexemes s ON s.lexeme = u.lexeme AND u.lexeme <> '')
	SELECT lexeme, to_tsquery('simple', quote_literal(lexeme))::text, df, ln(1 + (n.n - df + 0.5) / (df + 0.5)), max_rank,
		websearch_to_tsquery('italian', $1)::text
	FROM lx, n
	WHERE df > 0 AND (df <= $2 * n.n OR df = (SELECT min(df) FROM lx WHERE df > 0))
	ORDER BY ord`, query, maxQueryDF)
	if err != nil {
		return nil, "", db.Translate(err, "full-text search")
	}
	defer rows.Close()
	var out []queryLexeme
	var qall string
	for rows.Next() {
		var l queryLexeme
		if err := rows.Scan(&l.lexeme, &l.tsquery, &l.df, &l.idf, &l.maxRank, &qall); err != nil {
			return nil, "", db.Translate(err, "full-text search")
		}
		out = append(out, l)
	}
	if err := rows.Err(); err != nil {
		return nil, "", db.Translate(err, "full-text search")
	}
	return out, qall, nil
}

// scoreText scores the passages that hold any lexeme of match, or every word of the question,
// by all of lex, and returns the best opt.Candidates.
func scoreText(ctx context.Context, tx pgx.Tx, lex, match []queryLexeme, qall string, opt SearchOptions) ([]ranked, error) {
	args := []any{qall, opt.Candidates}
	param := func(v any) string {
		args = append(args, v)
		return fmt.Sprintf("$%d", len(args))
	}
	// The sum is written out, in the lexemes' order, so that it adds the same float8 terms in
	// the same order as the former sum() over them: equal scores stay equal, ties keep order.
	terms := make([]string, len(lex))
	for i, l := range lex {
		terms[i] = fmt.Sprintf("%s::float8 * ts_rank(%s, c.tsv, %s::tsquery)", param(l.idf), textWeights, param(l.tsquery))
	}
	anyOf := func(ls []queryLexeme) string {
		q := make([]string, len(ls))
		for i, l := range ls {
			q[i] = "(" + l.tsquery + ")"
		}
		return param(strings.Join(q, " | ")) + "::tsquery"
	}
	where := "c.tsv @@ " + anyOf(lex)
	if len(match) < len(lex) {
		where += " AND (c.tsv @@ " + anyOf(match) + " OR c.tsv @@ $1::tsquery)"
	}
	cond, args2 := filterSQL(opt.Filter, args)
	args = args2
	if cond != "" {
		// A semi-join: the documents table only filters, and joining it row by row made the
		// planner sort every matching passage by document.
		where += " AND c.document_id IN (SELECT d.id FROM documents d WHERE true" + cond + ")"
	}
	sql := `SELECT c.id, (` + strings.Join(terms, " + ") + `) + CASE WHEN c.tsv @@ $1::tsquery THEN 1 ELSE 0 END AS rank
	FROM chunks c WHERE ` + where + `
	ORDER BY rank DESC, c.id LIMIT $2`
	return collectRanked(ctx, tx, "full-text search", sql, args)
}
