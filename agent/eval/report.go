package eval

import (
	"fmt"
	"io"
	"sort"
	"text/tabwriter"
	"time"

	"github.com/comune-bologna/conoscenza/agent/planner"
)

// Result is the score of one question.
type Result struct {
	ID         string   `json:"id"`
	Turn       int      `json:"turn"`
	Group      string   `json:"group"`
	Category   string   `json:"category"`
	Lang       string   `json:"lang"`
	Question   string   `json:"question"`
	Intent     string   `json:"intent"`
	PlanOK     bool     `json:"plan_ok"`
	AnswerOK   bool     `json:"answer_ok"`
	OK         bool     `json:"ok"`
	Problems   []string `json:"problems,omitempty"`
	Answer     string   `json:"answer,omitempty"`
	DurationMS float64  `json:"duration_ms"`
}

// Score is the accuracy of a group of questions.
type Score struct {
	Name     string  `json:"name"`
	N        int     `json:"n"`
	Correct  int     `json:"correct"`
	Accuracy float64 `json:"accuracy"`
}

// Report is the outcome of a run.
type Report struct {
	Mode       string   `json:"mode"` // plan (no database) or end_to_end
	Total      Score    `json:"total"`
	Groups     []Score  `json:"groups"`
	Categories []Score  `json:"categories"`
	P50MS      float64  `json:"p50_ms"`
	P95MS      float64  `json:"p95_ms"`
	Results    []Result `json:"results"`
}

// PlanOnly scores the planner's calls on every question, with no database: each conversation
// carries the plan state from turn to turn as the service would.
func PlanOnly(p *planner.Planner, entries []Entry) Report {
	var results []Result
	for i := range entries {
		e := &entries[i]
		var prev *planner.State
		for j, t := range e.Turns {
			start := time.Now()
			plan := p.Plan(t.Q, prev, Now)
			d := time.Since(start)
			prev = &plan.State
			problems := MatchPlan(t, plan)
			r := newResult(Item{Entry: e, Index: j, Category: categoryOf(e, j), Turn: t}, plan.Intent)
			r.PlanOK = len(problems) == 0
			r.OK, r.AnswerOK, r.Problems = r.PlanOK, r.PlanOK, problems
			r.DurationMS = float64(d.Microseconds()) / 1000
			results = append(results, r)
		}
	}
	return summarise("plan", results)
}

func categoryOf(e *Entry, j int) string {
	t := e.Turns[j]
	switch {
	case t.Category != "":
		return t.Category
	case j > 0:
		return followUpLabel
	}
	return e.Category
}

func newResult(it Item, intent string) Result {
	return Result{ID: it.Entry.ID, Turn: it.Index + 1, Group: it.Entry.Group, Category: it.Category,
		Lang: it.Entry.Lang, Question: it.Turn.Q, Intent: intent}
}

func summarise(mode string, results []Result) Report {
	r := Report{Mode: mode, Results: results, Total: Score{Name: "totale"}}
	groups, cats := map[string]*Score{}, map[string]*Score{}
	var ds []float64
	add := func(m map[string]*Score, k string, ok bool) {
		if m[k] == nil {
			m[k] = &Score{Name: k}
		}
		m[k].N++
		if ok {
			m[k].Correct++
		}
	}
	for _, x := range results {
		r.Total.N++
		if x.OK {
			r.Total.Correct++
		}
		add(groups, x.Group, x.OK)
		add(cats, x.Category, x.OK)
		ds = append(ds, x.DurationMS)
	}
	r.Total.Accuracy = ratio(r.Total)
	r.Groups, r.Categories = sorted(groups), sorted(cats)
	sort.Float64s(ds)
	r.P50MS, r.P95MS = percentile(ds, 0.5), percentile(ds, 0.95)
	return r
}

func ratio(s Score) float64 {
	if s.N == 0 {
		return 0
	}
	return float64(s.Correct) / float64(s.N)
}

func sorted(m map[string]*Score) []Score {
	var out []Score
	for _, s := range m {
		s.Accuracy = ratio(*s)
		out = append(out, *s)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	return out
}

func percentile(sorted []float64, p float64) float64 {
	if len(sorted) == 0 {
		return 0
	}
	i := int(float64(len(sorted)-1) * p)
	return sorted[i]
}

// Print writes the report as a table: accuracy per group and category, latency, and the
// questions that failed.
func (r Report) Print(w io.Writer) error {
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	fmt.Fprintf(tw, "modalità: %s\n", r.Mode)
	fmt.Fprintf(tw, "GRUPPO\tDOMANDE\tCORRETTE\tACCURATEZZA\n")
	for _, s := range append([]Score{r.Total}, r.Groups...) {
		fmt.Fprintf(tw, "%s\t%d\t%d\t%.1f%%\n", s.Name, s.N, s.Correct, 100*s.Accuracy)
	}
	fmt.Fprintf(tw, "\nCATEGORIA\tDOMANDE\tCORRETTE\tACCURATEZZA\n")
	for _, s := range r.Categories {
		fmt.Fprintf(tw, "%s\t%d\t%d\t%.1f%%\n", s.Name, s.N, s.Correct, 100*s.Accuracy)
	}
	fmt.Fprintf(tw, "\nlatenza per domanda: p50 %.1f ms, p95 %.1f ms\n", r.P50MS, r.P95MS)
	if err := tw.Flush(); err != nil {
		return err
	}
	for _, x := range r.Results {
		if !x.OK {
			fmt.Fprintf(w, "✗ %s.%d [%s/%s] %s\n", x.ID, x.Turn, x.Group, x.Category, x.Question)
			for _, p := range x.Problems {
				fmt.Fprintf(w, "    %s\n", p)
			}
		}
	}
	return nil
}
