package retrieval

import (
	"context"
	"encoding/json"
	"os"
	"strings"
	"testing"

	"github.com/comune-bologna/conoscenza/ingest/db/dbtest"
	"github.com/comune-bologna/conoscenza/retrieval/embed"
)

// answerabilityQuestion is a question of testdata/answerability (or of the evaluation set,
// whose questions all have an answer).
type answerabilityQuestion struct {
	ID         string `json:"id"`
	Question   string `json:"question"`
	Answerable *bool  `json:"answerable"`
	Document   string `json:"document"`
}

func readAnswerability(t *testing.T, path string) []answerabilityQuestion {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var qs []answerabilityQuestion
	if err := json.Unmarshal(b, &qs); err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	yes := true
	for i := range qs {
		if qs[i].Answerable == nil {
			qs[i].Answerable = &yes
		}
	}
	return qs
}

func splitComma(s string) []string {
	var out []string
	for _, f := range strings.Split(s, ",") {
		if f = strings.TrimSpace(f); f != "" {
			out = append(out, f)
		}
	}
	return out
}

// TestSearchSaysWhenTheDocumentsDoNotAnswer: on the demo corpus, every question of the
// evaluation set and of the development set that has an answer is kept (none is declined for
// a generic word: "vorrei sapere", "mi spieghi", "qualcuno sa dirmi"), questions on subjects
// the library lacks are declined at the rate measured in docs/retrieval.md, and no expected
// passage among the first three is marked off topic.
func TestSearchSaysWhenTheDocumentsDoNotAnswer(t *testing.T) {
	ctx := context.Background()
	d := dbtest.Fresh(t)
	s := NewStore(d.Pool, NewLocalEmbedder(), nil)
	if _, err := s.LoadDemoCorpus(ctx); err != nil {
		t.Fatal(err)
	}
	qs := readAnswerability(t, "testdata/answerability/dev.json")
	qs = append(qs, readAnswerability(t, "corpus/eval.json")...)
	evalQs, err := EvalSet()
	if err != nil {
		t.Fatal(err)
	}
	byID := map[string]EvalQuestion{}
	for _, q := range evalQs {
		byID[q.ID] = q
	}
	declined := 0
	for _, q := range qs {
		resp, err := s.Search(ctx, q.Question, SearchOptions{Limit: 5})
		if err != nil {
			t.Fatal(err)
		}
		if resp.Support == nil {
			t.Fatalf("%s: no support measured", q.ID)
		}
		// The passages marked off topic never include the only expected passage of the first three.
		if eq, ok := byID[q.ID]; ok {
			hit, kept := false, false
			for _, r := range resp.Results[:min(3, len(resp.Results))] {
				if eq.Hit(r) {
					hit = true
					kept = kept || !r.OffTopic
				}
			}
			if hit && !kept {
				t.Errorf("%s: the expected passage is marked off topic", q.ID)
			}
		}
		switch sup := *resp.Support; {
		case *q.Answerable && !sup.Answered:
			t.Errorf("%s %q has an answer in %s but was declined: %+v", q.ID, q.Question, q.Document, sup)
		case !*q.Answerable && !sup.Answered:
			declined++
		}
	}
	// 7: the eighth, in English, is no longer declined (English questions never are).
	if declined < 7 {
		t.Errorf("declined %d of the development questions without an answer, want at least 7", declined)
	}
}

// TestEnglishQuestionsAndParaphrasesKeepTheirAnswer: an English question whose words the
// glossary leaves English is not declined, and a passage that answers in other words than a
// first result holding little of the question is not marked off topic; a first result holding
// most of it still marks the other calls. With an embedder whose similarity was not
// calibrated (the hash features here, as the assistant's end-to-end evaluation uses; bge-m3
// in production) the words alone decide: both failed there.
func TestEnglishQuestionsAndParaphrasesKeepTheirAnswer(t *testing.T) {
	ctx := context.Background()
	d := dbtest.Fresh(t)
	s := NewStore(d.Pool, embed.Local{}, nil)
	if _, err := s.LoadDemoCorpus(ctx); err != nil {
		t.Fatal(err)
	}
	resp, err := s.Search(ctx, "What are the rules for street markets in the public areas regulation?", SearchOptions{Limit: 5})
	if err != nil {
		t.Fatal(err)
	}
	if !resp.Support.Answered || resp.Support.Foreign < declineForeign {
		t.Errorf("English question: %+v (its untranslated words should read as foreign, and still not decline it)", *resp.Support)
	}
	offTopic := func(q string, f Filter) map[string]bool {
		resp, err := s.Search(ctx, q, SearchOptions{Limit: 5, Filter: f})
		if err != nil {
			t.Fatal(err)
		}
		out := map[string]bool{}
		for _, r := range resp.Results {
			out[r.Path] = out[r.Path] || r.OffTopic
		}
		return out
	}
	if got := offTopic("Fino a che ora possono stare aperti i tavolini all'aperto dei bar il sabato?", Filter{}); got["demo:regolamento-dehors.txt"] {
		t.Errorf("the dehors regulation's opening hours marked off topic: %v", got)
	}
	if got := offTopic("Quali sono i requisiti del bando per le imprese giovanili?", Filter{Types: []string{"bando"}}); !got["demo:bando-imprese-culturali-creative-2025.txt"] || got["demo:bando-giovani-imprese-2026.md"] {
		t.Errorf("the young entrepreneurs' call: off topic %v, want the cultural firms' call marked", got)
	}
}

func TestAnsweredNeedsEverySignalToDecline(t *testing.T) {
	far := Support{Foreign: 0.6, Distinctive: 0.3, Coverage: 0.1, Similarity: 0.2}
	if answered(far, true) || answered(far, false) {
		t.Errorf("a question whose words the passages lack and the embedding places far is answered: %+v", far)
	}
	for name, s := range map[string]Support{
		"every word known to the library": {Foreign: 0, Distinctive: 0.3, Coverage: 0.1, Similarity: 0.2},
		"a rare word shared":              {Foreign: 0.6, Distinctive: 0.7, Coverage: 0.1, Similarity: 0.2},
		"a passage holds much of it":      {Foreign: 0.6, Distinctive: 0.3, Coverage: 0.4, Similarity: 0.2},
		"the embedding finds it close":    {Foreign: 0.6, Distinctive: 0.3, Coverage: 0.1, Similarity: 0.5},
	} {
		if !answered(s, true) {
			t.Errorf("%s: declined %+v", name, s)
		}
	}
	// Another model's cosines are not compared with local-lsa-v1's threshold.
	if answered(Support{Foreign: 0.6, Distinctive: 0.3, Coverage: 0.1, Similarity: 0.9}, false) {
		t.Error("without a calibrated similarity the words alone decide")
	}
}
