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
// the question, by the bounds of dynamic pruning (MaxScore, Turtle and Flood 1995; WAND,
// Broder et al. 2003): a passage cannot score more than the sum, over the question's lexemes it
// holds, of idf × max_rank (the largest ts_rank of that lexeme in any passage), plus 1 if it
// holds every word. So for a threshold θ, only passages holding a set of lexemes whose bounds
// reach θ, or every word, can score θ: a boolean query (an OR of ANDs) the GIN index answers
// by intersecting posting lists. If the k best of those passages all score at least θ, they
// are the k best of the library. Otherwise the k-th score found is a safe threshold for one
// more pass, or θ is lowered. When the sets get too many, a pass scores the passages holding
// the rarest lexemes and the next one only those holding a lexeme that the common ones cannot
// do without (MaxScore). Every path returns the list that scoring every match would.
func textSearch(ctx context.Context, tx pgx.Tx, query string, opt SearchOptions) ([]ranked, error) {
	return textSearchHinted(ctx, tx, query, "", opt)
}

// textSearchHinted is textSearch with hints (expandQuery): words the question stands for,
// matched with hintWeight and not required by the all-words bonus.
func textSearchHinted(ctx context.Context, tx pgx.Tx, query, hints string, opt SearchOptions) ([]ranked, error) {
	lex, qall, err := queryLexemesHinted(ctx, tx, query, hints)
	if err != nil || len(lex) == 0 {
		return nil, err
	}
	var total, sum float64
	for _, l := range lex {
		total += l.df
		sum += bound(l)
	}
	if total <= probeRows {
		tracePass("all", 0)
		return scoreText(ctx, tx, lex, "", qall, opt)
	}
	k := opt.Candidates
	theta := sum / 2
	for pass := 0; pass < 4 && textBounds; pass++ {
		match, ok := sufficientSets(lex, theta)
		if !ok {
			break
		}
		if match == "" {
			// Not even every lexeme together reaches theta: only the all-words bonus can.
			match = qall
		}
		var res []ranked
		if match != "" {
			if res, err = scoreText(ctx, tx, lex, match, qall, opt); err != nil {
				return nil, err
			}
		}
		if len(res) >= k {
			if res[k-1].score >= theta {
				tracePass("bounds", pass)
				return res, nil
			}
			// k passages score at least this: the true k-th does too.
			theta = res[k-1].score
			continue
		}
		theta /= 3
	}
	tracePass("maxscore", 0)
	return maxScore(ctx, tx, lex, qall, opt)
}

// textBounds enables the boolean-query passes (benchmarks compare with MaxScore alone).
var textBounds = true

// tracePass lets tests see which pruning path answered.
var tracePass = func(kind string, pass int) {}

// bound is the most a lexeme can add to a passage's score.
func bound(l queryLexeme) float64 { return l.idf * l.maxRank }

// maxSets caps the OR of ANDs a pruning pass sends to the GIN index.
const maxSets = 16

// maxSetSize caps the lexemes ANDed in one set: a set is replaced by its maxSetSize lexemes of
// largest bounds, which every passage holding the whole set holds too (a looser, still safe
// query). Long ANDs made the GIN index's boolean evaluation slower than the scoring it saved.
const maxSetSize = 2

// sufficientSets is a tsquery matching every passage whose lexemes' bounds may reach theta:
// the OR of the minimal sets of lexemes whose bounds sum to theta, each cut to maxSetSize
// lexemes. ok is false when they are more than maxSets.
func sufficientSets(lex []queryLexeme, theta float64) (string, bool) {
	byBound := append([]queryLexeme(nil), lex...)
	sort.SliceStable(byBound, func(i, j int) bool { return bound(byBound[i]) > bound(byBound[j]) })
	// rest[i] is the sum of the bounds from i on: a prefix that cannot reach theta with all of
	// them is not extended.
	rest := make([]float64, len(byBound)+1)
	for i := len(byBound) - 1; i >= 0; i-- {
		rest[i] = rest[i+1] + bound(byBound[i])
	}
	// The margin covers float4 rounding in ts_rank and float8 rounding in the sums.
	reaches := func(s float64) bool { return s*1.0001+1e-9 >= theta }
	seen := map[string]bool{}
	var sets []string
	add := func(set []string) bool {
		q := strings.Join(set, " & ")
		if !seen[q] {
			seen[q] = true
			sets = append(sets, q)
		}
		return len(sets) <= maxSets
	}
	var walk func(from int, sum float64, set []string) bool
	walk = func(from int, sum float64, set []string) bool {
		for i := from; i < len(byBound) && reaches(sum+rest[i]); i++ {
			s := sum + bound(byBound[i])
			next := append(set[:len(set):len(set)], "("+byBound[i].tsquery+")")
			switch {
			case reaches(s):
				if !add(next) {
					return false
				}
			case len(next) == maxSetSize:
				// Some completion reaches theta (rest[i+1]); its first lexemes are these.
				if reaches(s+rest[i+1]) && !add(next) {
					return false
				}
			default:
				if !walk(i+1, s, next) {
					return false
				}
			}
		}
		return true
	}
	if !walk(0, 0, nil) {
		return "", false
	}
	if len(sets) == 0 {
		return "", true
	}
	return "(" + strings.Join(sets, ") | (") + ")", true
}

// maxScore scores first the passages holding the rarest lexemes; their k-th score θ is a lower
// bound of the final one, and the second pass leaves out the passages holding only common
// lexemes whose bounds together stay below θ.
func maxScore(ctx context.Context, tx pgx.Tx, lex []queryLexeme, qall string, opt SearchOptions) ([]ranked, error) {
	byDF := append([]queryLexeme(nil), lex...)
	sort.SliceStable(byDF, func(i, j int) bool { return byDF[i].df < byDF[j].df })
	var total float64
	probe := 0
	for probe < len(byDF) && total < probeRows {
		total += byDF[probe].df
		probe++
	}
	if probe == len(byDF) {
		return scoreText(ctx, tx, lex, "", qall, opt)
	}
	first, err := scoreText(ctx, tx, lex, anyOf(byDF[:probe]), qall, opt)
	if err != nil || len(first) < opt.Candidates {
		if err != nil {
			return nil, err
		}
		return scoreText(ctx, tx, lex, "", qall, opt)
	}
	essential := essentialLexemes(lex, first[len(first)-1].score)
	if subset(essential, byDF[:probe]) {
		return first, nil
	}
	return scoreText(ctx, tx, lex, anyOf(essential), qall, opt)
}

// anyOf is a tsquery matching passages that hold any of ls.
func anyOf(ls []queryLexeme) string {
	q := make([]string, len(ls))
	for i, l := range ls {
		q[i] = "(" + l.tsquery + ")"
	}
	return strings.Join(q, " | ")
}

// essentialLexemes leaves out the lexemes whose largest possible contributions, summed from
// the smallest, stay below theta: a passage holding only those cannot score theta.
func essentialLexemes(lex []queryLexeme, theta float64) []queryLexeme {
	byBound := append([]queryLexeme(nil), lex...)
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
	return queryLexemesHinted(ctx, tx, query, "")
}

// queryLexemesHinted adds the lexemes of hints that the query lacks, their idf scaled by
// hintWeight; the all-words tsquery is the query's alone.
func queryLexemesHinted(ctx context.Context, tx pgx.Tx, query, hints string) ([]queryLexeme, string, error) {
	rows, err := tx.Query(ctx, `WITH n AS (SELECT greatest(coalesce((SELECT df FROM chunk_lexemes WHERE lexeme = ''), 0), 1)::float8 AS n),
	lx AS (
		SELECT u.lexeme, u.ord, coalesce(s.df, 0)::float8 AS df, coalesce(s.max_rank, 0)::float8 AS max_rank,
			u.lexeme = ANY(tsvector_to_array(to_tsvector('italian', $1))) AS own
		FROM unnest(to_tsvector('italian', $1) || to_tsvector('italian', $3)) WITH ORDINALITY u(lexeme, positions, weights, ord)
		LEFT JOIN chunk_lexemes s ON s.lexeme = u.lexeme AND u.lexeme <> '')
	SELECT lexeme, to_tsquery('simple', quote_literal(lexeme))::text, df,
		ln(1 + (n.n - df + 0.5) / (df + 0.5)) * CASE WHEN own THEN 1 ELSE $4 END, max_rank,
		websearch_to_tsquery('italian', $1)::text
	FROM lx, n
	WHERE df > 0 AND (df <= $2 * n.n OR df = (SELECT min(df) FROM lx WHERE df > 0))
	ORDER BY ord`, query, maxQueryDF, hints, hintWeight)
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

// scoreText scores by all of lex the passages that hold any lexeme of lex and, unless match is
// empty, match the tsquery match or every word of the question; it returns the best
// opt.Candidates.
func scoreText(ctx context.Context, tx pgx.Tx, lex []queryLexeme, match, qall string, opt SearchOptions) ([]ranked, error) {
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
	where := "c.tsv @@ " + param(anyOf(lex)) + "::tsquery"
	if match != "" {
		where += " AND (c.tsv @@ " + param(match) + "::tsquery OR c.tsv @@ $1::tsquery)"
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
