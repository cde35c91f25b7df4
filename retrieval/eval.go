package retrieval

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"path"
	"strings"

	"github.com/comune-bologna/conoscenza/retrieval/corpus"
	"github.com/comune-bologna/conoscenza/retrieval/embed"
)

// EvalQuestion is one question of the retrieval evaluation set and where its answer is.
type EvalQuestion struct {
	ID       string `json:"id"`
	Question string `json:"question"`
	Document string `json:"document"` // file name of the answering document in the demo corpus
	Section  string `json:"section"`  // a heading on the path of the answering passage
	// Split is SplitTuning or SplitHeldOut: ranking choices are made on the tuning questions
	// only, and the held-out ones say whether they generalise (docs/retrieval.md).
	Split string `json:"split"`
}

// The two halves of the evaluation set.
const (
	SplitTuning  = "tuning"
	SplitHeldOut = "held-out"
)

// EvalSet reads the evaluation set shipped with the demo corpus.
func EvalSet() ([]EvalQuestion, error) {
	var qs []EvalQuestion
	dec := json.NewDecoder(bytes.NewReader(corpus.EvalJSON))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&qs); err != nil {
		return nil, fmt.Errorf("read evaluation set: %w", err)
	}
	return qs, nil
}

// Hit says whether a result is the passage a question expects: the same document, under a
// heading that contains the expected section (compared without case and accents). The
// document's own title heading does not count when there are headings below it, or a section
// named like the document ("Delibera") would match every passage.
func (q EvalQuestion) Hit(r Result) bool {
	doc := strings.TrimPrefix(r.Path, DemoPrefix)
	if path.Base(doc) != q.Document {
		return false
	}
	want := embed.Fold(q.Section)
	for i, h := range r.Section {
		if i == 0 && len(r.Section) > 1 {
			continue
		}
		if strings.Contains(embed.Fold(h), want) {
			return true
		}
	}
	return false
}

// MethodScore is the evaluation of one search method.
type MethodScore struct {
	Method     Method  `json:"method"`
	Questions  int     `json:"questions"`
	RecallAt5  float64 `json:"recall_at_5"`
	RecallAt10 float64 `json:"recall_at_10"`
	MRR        float64 `json:"mrr"` // mean reciprocal rank of the first hit within the top 10
}

// QuestionResult is the rank (1-based, 0 = not in the top 10) of the first hit per method.
type QuestionResult struct {
	EvalQuestion
	Ranks map[Method]int `json:"ranks"`
}

// SplitScores are the scores of one half of the evaluation set.
type SplitScores struct {
	Split  string        `json:"split"`
	Scores []MethodScore `json:"scores"`
}

// Evaluation is the outcome of Evaluate.
type Evaluation struct {
	EmbedModel string           `json:"embed_model"`
	Scores     []MethodScore    `json:"scores"` // all questions
	Splits     []SplitScores    `json:"splits"` // tuning, then held-out
	Questions  []QuestionResult `json:"questions"`
}

// Evaluate runs every question with each method and scores recall@5, recall@10 and MRR@10,
// over all questions and per split.
func (s *Store) Evaluate(ctx context.Context, qs []EvalQuestion) (Evaluation, error) {
	return s.evaluate(ctx, qs, SearchOptions{})
}

// evaluate is Evaluate with the search options under study (Method and Limit are set here).
func (s *Store) evaluate(ctx context.Context, qs []EvalQuestion, base SearchOptions) (Evaluation, error) {
	ev := Evaluation{}
	emb, err := s.activeEmbedder(ctx, s.pool)
	if err != nil {
		return ev, err
	}
	ev.EmbedModel = emb.Model()
	methods := []Method{Vector, FullText, Hybrid}
	for _, q := range qs {
		qr := QuestionResult{EvalQuestion: q, Ranks: map[Method]int{}}
		for _, m := range methods {
			opt := base
			opt.Method, opt.Limit = m, 10
			resp, err := s.Search(ctx, q.Question, opt)
			if err != nil {
				return ev, fmt.Errorf("question %s: %w", q.ID, err)
			}
			for i, r := range resp.Results {
				if q.Hit(r) {
					qr.Ranks[m] = i + 1
					break
				}
			}
		}
		ev.Questions = append(ev.Questions, qr)
	}
	ev.Scores = score(ev.Questions, methods)
	for _, split := range []string{SplitTuning, SplitHeldOut} {
		var part []QuestionResult
		for _, qr := range ev.Questions {
			if qr.Split == split {
				part = append(part, qr)
			}
		}
		if len(part) > 0 {
			ev.Splits = append(ev.Splits, SplitScores{Split: split, Scores: score(part, methods)})
		}
	}
	return ev, nil
}

// score computes recall@5, recall@10 and MRR@10 per method over qrs.
func score(qrs []QuestionResult, methods []Method) []MethodScore {
	var out []MethodScore
	for _, m := range methods {
		sc := MethodScore{Method: m, Questions: len(qrs)}
		for _, qr := range qrs {
			rank := qr.Ranks[m]
			if rank >= 1 && rank <= 5 {
				sc.RecallAt5++
			}
			if rank >= 1 && rank <= 10 {
				sc.RecallAt10++
				sc.MRR += 1 / float64(rank)
			}
		}
		if n := float64(len(qrs)); n > 0 {
			sc.RecallAt5 /= n
			sc.RecallAt10 /= n
			sc.MRR /= n
		}
		out = append(out, sc)
	}
	return out
}
