package eval

import (
	"context"
	"fmt"
	"math"
	"regexp"
	"strings"
	"time"

	"github.com/comune-bologna/conoscenza/agent"
	"github.com/comune-bologna/conoscenza/agent/planner"
	"github.com/comune-bologna/conoscenza/agent/tool"
)

// Asker answers a question (agent.Service satisfies it).
type Asker interface {
	Ask(ctx context.Context, req agent.Request, sink agent.Sink) (*agent.Answer, error)
}

// Run asks every question end to end in no-model mode, each conversation in its own thread,
// as the entry's role, and scores the plan and the answer. The service's clock should be Now.
func Run(ctx context.Context, svc Asker, entries []Entry) (Report, error) {
	var results []Result
	for i := range entries {
		e := &entries[i]
		conv := ""
		for j, t := range e.Turns {
			if err := ctx.Err(); err != nil {
				return Report{}, err
			}
			it := Item{Entry: e, Index: j, Category: categoryOf(e, j), Turn: t}
			start := time.Now()
			a, err := svc.Ask(ctx, agent.Request{Question: t.Q, ConversationID: conv, ForceMode: agent.ModePlanner,
				Principal: tool.Principal{Username: "eval", Role: tool.Role(e.Role)}}, nil)
			d := time.Since(start)
			r := newResult(it, "")
			r.DurationMS = float64(d.Microseconds()) / 1000
			if err != nil {
				r.Problems = []string{"ask: " + err.Error()}
				results = append(results, r)
				continue
			}
			conv = a.ConversationID
			plan, ok := planOf(a)
			r.Intent, r.Answer = plan.Intent, a.Answer
			if !ok {
				r.Problems = append(r.Problems, "no plan step in the answer")
			} else {
				r.Problems = append(r.Problems, MatchPlan(t, plan)...)
			}
			r.PlanOK = ok && len(r.Problems) == 0
			ap := CheckAnswer(t, a)
			r.AnswerOK = len(ap) == 0
			r.Problems = append(r.Problems, ap...)
			r.OK = r.PlanOK && r.AnswerOK
			results = append(results, r)
		}
	}
	return summarise("end_to_end", results), nil
}

func planOf(a *agent.Answer) (planner.Plan, bool) {
	for _, s := range a.Steps {
		if s.Kind == "plan" {
			p, ok := s.Detail.(planner.Plan)
			return p, ok
		}
	}
	return planner.Plan{}, false
}

// CheckAnswer says what is wrong with an answer given the expected outcome: its numbers must
// be grounded; a metric answer must carry a table whose number is in the text; a document
// answer must cite the expected document; a refusal or a no-data answer must say so and carry
// no table. answer_contains overrides the checks by intent (for expected errors).
func CheckAnswer(want Turn, a *agent.Answer) []string {
	var p []string
	if !a.Grounding.OK {
		p = append(p, fmt.Sprintf("ungrounded numbers %v", a.Grounding.Ungrounded))
	}
	if len(a.Grounding.UnverifiedQuotes) > 0 {
		p = append(p, fmt.Sprintf("quotations that are no passage's text %q", a.Grounding.UnverifiedQuotes))
	}
	lower := strings.ToLower(a.Answer)
	if len(want.AnswerContains) > 0 {
		for _, s := range want.AnswerContains {
			if !strings.Contains(lower, strings.ToLower(s)) {
				p = append(p, fmt.Sprintf("answer lacks %q", s))
			}
		}
		return p
	}
	for _, s := range a.Steps {
		if s.Kind == "tool_call" && s.Error != "" && !(s.Tool == tool.CompanyDossier && strings.Contains(s.Error, "not found")) {
			p = append(p, fmt.Sprintf("%s failed: %s", s.Tool, s.Error))
		}
	}
	switch want.Intent {
	case planner.IntentMetric, planner.IntentPlatea, planner.IntentOutcome, planner.IntentMixed:
		if len(a.Tables) == 0 {
			p = append(p, "no table")
		} else if !numberFromTables(a) {
			p = append(p, "no number of the tables in the answer")
		}
	case planner.IntentNoData, planner.IntentRefuse:
		if len(a.Tables)+len(a.Citations) > 0 {
			p = append(p, "a refusal or no-data answer carries tables or citations")
		}
		if !containsAny(lower, "non ho questi dati", "non posso", "i don't have", "i cannot") {
			p = append(p, "the answer does not say it cannot help")
		}
	case planner.IntentCatalog, planner.IntentDossier:
		if strings.TrimSpace(a.Answer) == "" {
			p = append(p, "empty answer")
		}
	}
	for _, c := range want.Calls {
		if c.Document != "" && !cites(a.Citations, c.Document) {
			var got []string
			for _, ci := range a.Citations {
				got = append(got, ci.Document)
			}
			p = append(p, fmt.Sprintf("%s not among the citations %v", c.Document, got))
		}
	}
	return p
}

func containsAny(s string, subs ...string) bool {
	for _, x := range subs {
		if strings.Contains(s, x) {
			return true
		}
	}
	return false
}

func cites(cs []tool.Citation, doc string) bool {
	for _, c := range cs {
		if strings.TrimPrefix(c.Document, "demo:") == doc || strings.HasSuffix(c.Document, "/"+doc) {
			return true
		}
	}
	return false
}

var numberRE = regexp.MustCompile(`[-−]?\d+(?:[.,]\d{3})*(?:[.,]\d+)?`)

// numberFromTables says whether the answer writes a number that is a value cell of one of its
// tables (not a period or a dimension).
func numberFromTables(a *agent.Answer) bool {
	var cells []float64
	for _, t := range a.Tables {
		for i, c := range t.Columns {
			if c.Type != "number" || c.Name == "anno" {
				continue
			}
			for _, row := range t.Rows {
				if i < len(row) {
					if f, ok := tool.Number(row[i]); ok {
						cells = append(cells, f)
					}
				}
			}
		}
	}
	if len(cells) == 0 {
		return true // nothing to quote: every cell is empty or suppressed
	}
	for _, s := range numberRE.FindAllString(a.Answer, -1) {
		// a balance is negative: "Mazzini (-5)" writes the cell -5
		sign, digits := 1.0, s
		if rest, ok := strings.CutPrefix(s, "-"); ok {
			sign, digits = -1, rest
		} else if rest, ok := strings.CutPrefix(s, "−"); ok {
			sign, digits = -1, rest
		}
		for _, v := range agent.ParseNumber(digits) {
			v *= sign
			for _, c := range cells {
				if v == c || math.Round(c*10)/10 == v || math.Round(c) == v {
					return true
				}
			}
		}
	}
	return false
}
