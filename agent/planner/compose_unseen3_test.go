package planner_test

import (
	"strings"
	"testing"

	"github.com/comune-bologna/conoscenza/agent"
	"github.com/comune-bologna/conoscenza/agent/planner"
	"github.com/comune-bologna/conoscenza/agent/semantic"
	"github.com/comune-bologna/conoscenza/agent/tool"
)

// A cohort of the stock ("imprese attive nate dopo il 2020") is an age range against the
// snapshot: the answer writes the registration dates that range stands for at the snapshot's
// own date, so that a snapshot other than the one the planner assumed is visible.
func TestComposedCohortWritesRegistrationDates(t *testing.T) {
	cases := []struct {
		question, asOf string
		filter         semantic.Filter
		param          []any
		want           string
	}{
		{"quante imprese attive sono nate dopo il 2020?", "2026-10-31", semantic.Filter{Dimension: "anzianita", Op: "<", Value: 70}, []any{70},
			"Imprese attive (iscritte dal 01/01/2021, cioè da meno di 70 mesi al 31/10/2026): 11.300"},
		{"ditte attive iscritte prima del 2000", "2026-10-31", semantic.Filter{Dimension: "anzianita", Op: ">=", Value: 322}, []any{322},
			"Imprese attive (iscritte fino al 31/12/1999, cioè da almeno 322 mesi al 31/10/2026): 11.300"},
		{"le imprese nate nel 2024 sono ancora attive?", "2026-10-31", semantic.Filter{Dimension: "anzianita", Op: "between", Values: []any{22, 33}}, []any{22, 34},
			"Imprese attive (iscritte dal 01/01/2024 al 31/12/2024, cioè da almeno 22 e meno di 34 mesi al 31/10/2026): 11.300"},
		// a snapshot the planner did not assume (a month later): the dates say what was counted
		// (PostgreSQL's 30/11/2026 - 70 months is 30/01/2021)
		{"quante imprese attive sono nate dopo il 2020?", "2026-11-30", semantic.Filter{Dimension: "anzianita", Op: "<", Value: 70}, []any{70},
			"iscritte dal 31/01/2021, cioè da meno di 70 mesi al 30/11/2026"},
	}
	for _, c := range cases {
		q := semantic.Query{Metric: "imprese_attive", Filters: []semantic.Filter{c.filter}}
		tb := tool.Table{Metric: "imprese_attive", Unit: "imprese", Query: q, Columns: []semantic.Column{{Name: "valore", Label: "Valore"}},
			Rows: [][]any{{int64(11300)}}, Params: c.param, AsOf: c.asOf,
			Sources: []semantic.SourceInfo{{Name: "register", Description: "Registro delle imprese", AsOf: c.asOf}}}
		results := []tool.Result{{Call: tool.NewCall(tool.QueryMetrics, q), Tables: []tool.Table{tb}}}
		text := planner.Compose(planner.Plan{Intent: planner.IntentMetric, Lang: "it"}, results)
		if _, g := agent.Ground(text, c.question, results); !g.OK {
			t.Errorf("not grounded %v in %q", g.Ungrounded, text)
		}
		if !strings.Contains(text, c.want) {
			t.Errorf("%q (as of %s): answer lacks %q: %q", c.question, c.asOf, c.want, text)
		}
	}
}

// Distinct firms and averages do not add up over rows: the answer writes no total.
func TestComposedNonAdditiveMetricsHaveNoTotal(t *testing.T) {
	cases := []struct {
		question string
		q        semantic.Query
		unit     string
		rows     [][]any
		want     string
	}{
		{"quante imprese hanno chiesto la cassa integrazione nel 2020 per tipo?",
			semantic.Query{Metric: "cig_imprese", GroupBy: []string{"tipo_cig"}, From: "2020-01-01", To: "2020-12-31"}, "imprese",
			[][]any{{"FIS", int64(4707)}, {"DEROGA", int64(1545)}, {"CIGO", int64(1242)}}, "FIS (4.707)"},
		{"contributo medio per bando", semantic.Query{Metric: "contributi_importo_medio", GroupBy: []string{"bando"}}, "euro",
			[][]any{{"B-2025-01", 23909.09}, {"B-2022-01", 9197.56}}, "B-2025-01 (23.909 euro)"},
	}
	for _, c := range cases {
		tb := tool.Table{Metric: c.q.Metric, Unit: c.unit, Query: c.q, Columns: []semantic.Column{{Name: c.q.GroupBy[0]}, {Name: "valore"}},
			Rows: c.rows, Params: []any{c.q.From, c.q.To}, AsOf: "2026-10-31"}
		results := []tool.Result{{Call: tool.NewCall(tool.QueryMetrics, c.q), Tables: []tool.Table{tb}}}
		text := planner.Compose(planner.Plan{Intent: planner.IntentMetric, Lang: "it"}, results)
		if _, g := agent.Ground(text, c.question, results); !g.OK {
			t.Errorf("not grounded %v in %q", g.Ungrounded, text)
		}
		if !strings.Contains(text, c.want) || strings.Contains(text, "in totale") {
			t.Errorf("%q: want %q and no total: %q", c.question, c.want, text)
		}
	}
}

// "le imprese nate nel 2024 sono ancora attive?" is the share of that year's openings still
// active: the answer names its base.
func TestComposedSurvivalShareNamesItsBase(t *testing.T) {
	q := semantic.Query{Metric: "quota", Base: "aperture", From: "2024-01-01", To: "2024-12-31", Subset: []semantic.Filter{{Dimension: "stato", Value: "ATTIVA"}}}
	tb := tool.Table{Metric: "quota", Unit: "%", Query: q, Columns: []semantic.Column{{Name: "valore"}, {Name: "numeratore"}, {Name: "denominatore"}},
		Rows: [][]any{{76.15, int64(2018), int64(2650)}}, Params: []any{"2024-01-01", "2024-12-31", "ATTIVA"}, AsOf: "2026-10-31"}
	results := []tool.Result{{Call: tool.NewCall(tool.QueryMetrics, q), Tables: []tool.Table{tb}}}
	text := planner.Compose(planner.Plan{Intent: planner.IntentMetric, Lang: "it"}, results)
	if _, g := agent.Ground(text, "le imprese nate nel 2024 sono ancora attive?", results); !g.OK {
		t.Errorf("not grounded %v in %q", g.Ungrounded, text)
	}
	if want := "Quota, base aperture (stato ATTIVA, nel 2024): 76,2% (2.018 su 2.650)"; !strings.Contains(text, want) {
		t.Errorf("answer lacks %q: %q", want, text)
	}
}
