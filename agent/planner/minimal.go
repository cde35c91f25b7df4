package planner

import (
	"fmt"
	"strings"
	"time"

	"github.com/comune-bologna/conoscenza/agent/catalog"
	"github.com/comune-bologna/conoscenza/agent/semantic"
	"github.com/comune-bologna/conoscenza/agent/tool"
)

// plan is a first reading: a metric named by one of its synonyms, else a document search.
func (p *Planner) plan(question string, prev *State, now time.Time) Plan {
	q := catalog.Fold(question)
	for _, m := range p.cat.Metrics {
		for _, s := range m.Synonyms {
			if strings.Contains(q, catalog.Fold(s)) && m.Kind != catalog.KindShare && m.Kind != catalog.KindGrowth {
				sq := semantic.Query{Metric: m.Name}
				return Plan{Intent: IntentMetric, Lang: "it", Calls: []tool.Call{tool.NewCall(tool.QueryMetrics, sq)},
					State: State{Intent: IntentMetric, Query: &sq}}
			}
		}
	}
	return Plan{Intent: IntentDocument, Lang: "it",
		Calls: []tool.Call{tool.NewCall(tool.SearchDocuments, map[string]any{"query": question})},
		State: State{Intent: IntentDocument, Text: question}}
}

func compose(plan Plan, results []tool.Result) string {
	if plan.Reply != "" {
		return plan.Reply
	}
	var b strings.Builder
	for _, r := range results {
		if r.Error != "" {
			fmt.Fprintf(&b, "Non ho potuto rispondere: %s. ", r.Error)
			continue
		}
		for _, t := range r.Tables {
			if len(t.Rows) == 1 && len(t.Rows[0]) == 1 {
				fmt.Fprintf(&b, "%s: %v (dati al %s). ", t.Title, t.Rows[0][0], t.AsOf)
			} else {
				fmt.Fprintf(&b, "%s: %d righe nella tabella (dati al %s). ", t.Title, len(t.Rows), t.AsOf)
			}
		}
		for _, c := range r.Citations {
			fmt.Fprintf(&b, "Da «%s» (%s): %s [%s] ", c.Title, c.Section, c.Quote, c.ID)
		}
	}
	return strings.TrimSpace(b.String())
}
