package planner_test

import (
	"strings"
	"testing"

	"github.com/comune-bologna/conoscenza/agent"
	"github.com/comune-bologna/conoscenza/agent/planner"
	"github.com/comune-bologna/conoscenza/agent/semantic"
	"github.com/comune-bologna/conoscenza/agent/tool"
)

// The answer's text names months, quarters and ATECO sections in words and writes numbers the
// language's way, in Italian and in English (usability review, session 11: "2026-01
// (157.342)", "G (commercio)", "2025-T1"); the numbers stay the query's, which the grounding
// check verifies: writing any of them 1% off makes the answer ungrounded.
func TestComposedAnswersNamePeriodsAndSectionsInWords(t *testing.T) {
	months := table("aperture", "imprese", semantic.Query{Metric: "aperture", GroupBy: []string{"mese"}, From: "2026-01-01", To: "2026-03-31"},
		col("mese", "valore"), []any{"2026-01", int64(1314)}, []any{"2026-02", int64(1242)}, []any{"2026-03", int64(1238)})
	quarters := table("aperture", "imprese", semantic.Query{Metric: "aperture", GroupBy: []string{"trimestre"}, From: "2025-01-01", To: "2025-12-31"},
		col("trimestre", "valore"), []any{"2025-T1", int64(805)}, []any{"2025-T2", int64(658)}, []any{"2025-T3", int64(556)}, []any{"2025-T4", int64(681)})
	sectors := table("imprese_attive", "imprese", semantic.Query{Metric: "imprese_attive", GroupBy: []string{"sezione_ateco"}},
		col("sezione_ateco", "valore"), []any{"G", int64(9522)}, []any{"F", int64(5307)}, []any{"C", int64(3161)})
	shares := table("quota", "%", semantic.Query{Metric: "quota", GroupBy: []string{"quartiere"}, Subset: []semantic.Filter{{Dimension: "femminile", Value: true}}},
		col("quartiere", "valore"), []any{"Navile", 23.34}, []any{"Savena", 21.5})
	cases := []struct {
		name, lang, question string
		tb                   tool.Table
		want, not            []string
	}{
		{"months", "it", "aperture per mese nel primo trimestre 2026", months,
			[]string{"Aperture (nel primo trimestre 2026), per mese: 1.314 a gennaio 2026 e 1.238 a marzo 2026; il valore più alto è 1.314, a gennaio 2026; in totale 3.794",
				"Dettaglio: gennaio 2026 (1.314); febbraio 2026 (1.242); marzo 2026 (1.238)."}, []string{"2026-01", "→"}},
		{"months in English", "en", "openings by month in Q1 2026", months,
			[]string{"Source: Business register (InfoCamere), seats in the comune, data as of 31/10/2026.", "Openings (in Q1 2026), by month: 1,314 in January 2026 and 1,238 in March 2026; the highest is 1,314, in January 2026; in total 3,794",
				"Detail: January 2026 (1,314); February 2026 (1,242); March 2026 (1,238)."}, []string{"2026-01", "gennaio", "Registro"}},
		{"quarters", "it", "aperture per trimestre nel 2025", quarters,
			[]string{"805 nel 1° trimestre 2025 e 681 nel 4° trimestre 2025", "2° trimestre 2025 (658)", "in totale 2.700"}, []string{"2025-T"}},
		{"quarters in English", "en", "openings by quarter in 2025", quarters,
			[]string{"805 in Q1 2025 and 681 in Q4 2025", "Q2 2025 (658)", "in total 2,700"}, []string{"2025-T", "trimestre"}},
		{"sections", "it", "imprese attive per settore", sectors,
			[]string{"Imprese attive, per sezione ATECO: G — Commercio (9.522); F — Costruzioni (5.307); C — Manifattura (3.161); in totale 17.990",
				"il primo, G — Commercio, vale il 52,9% del totale"}, []string{"(commercio)"}},
		{"sections in English", "en", "active companies by sector", sectors,
			[]string{"Active companies, by ATECO section: G — Trade (9,522); F — Construction (5,307)", "is 52.9% of the total"}, []string{"Commercio"}},
		{"legal-form classes in English", "en", "active companies by legal form", table("imprese_attive", "imprese",
			semantic.Query{Metric: "imprese_attive", GroupBy: []string{"classe_forma"}}, col("classe_forma", "valore"),
			[]any{"imprese individuali", int64(20112)}, []any{"società di capitale", int64(14020)}),
			[]string{"sole proprietorships (20,112); corporations (14,020)"}, []string{"imprese individuali"}},
		{"decimals", "it", "quota di imprese femminili per quartiere", shares,
			[]string{"Quota di imprese femminili, per quartiere: Navile (23,3%); Savena (21,5%)"}, nil},
		{"decimals in English", "en", "share of women-led companies by district", shares,
			[]string{"Navile (23.3%); Savena (21.5%)"}, nil},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			results := []tool.Result{metricResult(c.tb)}
			text := planner.Compose(planner.Plan{Intent: planner.IntentMetric, Lang: c.lang}, results)
			if _, g := agent.Ground(text, c.question, results); !g.OK {
				t.Fatalf("not grounded %v in %q", g.Ungrounded, text)
			}
			says(t, text, c.want, c.not)
			// a number the query did not return is caught: every cell written, 1% off
			for _, row := range c.tb.Rows {
				f, _ := tool.Number(row[len(row)-1])
				s := planner.FormatNumber(f, 1, c.lang)
				if !strings.Contains(text, s) {
					t.Errorf("answer lacks the cell %s: %q", s, text)
					continue
				}
				// 1% off: the check allows 0,05% on numbers from 1.000 up ("12,3 mila")
				off := planner.FormatNumber(f+max(1, f/100), 1, c.lang)
				if _, g := agent.Ground(strings.Replace(text, s, off, 1), c.question, results); g.OK {
					t.Errorf("%s written as %s is still grounded", s, off)
				}
			}
		})
	}
}

// says checks that an answer has each of want and none of not.
func says(t *testing.T, text string, want, not []string) {
	t.Helper()
	for _, w := range want {
		if !strings.Contains(text, w) {
			t.Errorf("answer lacks %q: %q", w, text)
		}
	}
	for _, w := range not {
		if strings.Contains(text, w) {
			t.Errorf("answer has %q: %q", w, text)
		}
	}
}
