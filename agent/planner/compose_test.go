package planner_test

import (
	"strings"
	"testing"
	"time"

	"github.com/comune-bologna/conoscenza/agent"
	"github.com/comune-bologna/conoscenza/agent/planner"
	"github.com/comune-bologna/conoscenza/agent/semantic"
	"github.com/comune-bologna/conoscenza/agent/tool"
)

func col(names ...string) []semantic.Column {
	var out []semantic.Column
	for _, n := range names {
		out = append(out, semantic.Column{Name: n, Label: strings.ToUpper(n[:1]) + n[1:]})
	}
	return out
}

func table(metric, unit string, q semantic.Query, cols []semantic.Column, rows ...[]any) tool.Table {
	var params []any
	for _, d := range []string{q.From, q.To} {
		if d != "" {
			params = append(params, d)
		}
	}
	return tool.Table{Metric: metric, Unit: unit, Query: q, Columns: cols, Rows: rows, Params: params, AsOf: "2026-10-31",
		Sources: []semantic.SourceInfo{{Name: "register", Description: "Registro delle imprese", AsOf: "2026-10-31"}}}
}

func metricResult(t tool.Table) tool.Result {
	return tool.Result{Call: tool.NewCall(tool.QueryMetrics, t.Query), Tables: []tool.Table{t}}
}

func TestComposedAnswersAreGroundedAndLeadWithTheNumber(t *testing.T) {
	fem := []semantic.Filter{{Dimension: "femminile", Value: true}}
	cases := []struct {
		name     string
		question string
		lang     string
		results  []tool.Result
		want     []string
	}{
		{"one value", "Dal 2020 quante imprese femminili hanno chiuso?", "it",
			[]tool.Result{metricResult(table("chiusure", "imprese", semantic.Query{Metric: "chiusure", Filters: fem, From: "2020-01-01"},
				col("valore"), []any{int64(1234)}))},
			[]string{"Chiusure di imprese femminili (dal 2020): 1.234", "31/10/2026"}},
		{"breakdown with total and share", "Chiusure per quartiere nel 2024", "it",
			[]tool.Result{metricResult(table("chiusure", "imprese", semantic.Query{Metric: "chiusure", GroupBy: []string{"quartiere"}, From: "2024-01-01", To: "2024-12-31"},
				col("quartiere", "valore"), []any{"Navile", int64(312)}, []any{"Savena", int64(250)}, []any{"Santo Stefano", int64(101)}))},
			[]string{"Navile (312)", "in totale 663", "47,1%", "nel 2024"}},
		{"comparison", "Chiusure nel 2020 rispetto al 2019", "it",
			[]tool.Result{metricResult(table("chiusure", "imprese", semantic.Query{Metric: "chiusure", From: "2020-01-01", To: "2020-12-31", CompareTo: "previous_year"},
				col("valore", "valore_confronto", "variazione", "variazione_pct"), []any{int64(900), int64(1000), int64(-100), -10.0}))},
			[]string{"900", "1.000", "-100", "-10%"}},
		{"balance", "saldo nel 2025", "it",
			[]tool.Result{metricResult(table("saldo", "imprese", semantic.Query{Metric: "saldo", From: "2025-01-01", To: "2025-12-31"},
				col("valore", "aperture", "chiusure"), []any{int64(-41), int64(1200), int64(1241)}))},
			[]string{"-41", "1.200 aperture", "1.241 chiusure"}},
		{"share", "quota di imprese femminili", "it",
			[]tool.Result{metricResult(table("quota", "%", semantic.Query{Metric: "quota", Subset: fem},
				col("valore", "numeratore", "denominatore"), []any{22.57, int64(9876), int64(43750)}))},
			[]string{"22,6%", "9.876 su 43.750"}},
		{"english", "How many businesses closed in 2021?", "en",
			[]tool.Result{metricResult(table("chiusure", "imprese", semantic.Query{Metric: "chiusure", From: "2021-01-01", To: "2021-12-31"},
				col("valore"), []any{int64(4321)}))},
			[]string{"4,321", "Closures", "in 2021"}},
		{"series", "Aperture per anno dal 2019", "it",
			[]tool.Result{metricResult(table("aperture", "imprese", semantic.Query{Metric: "aperture", GroupBy: []string{"anno"}, From: "2019-01-01"},
				col("anno", "valore"), []any{int64(2019), int64(3000)}, []any{int64(2020), int64(2500)}, []any{int64(2021), int64(3100)}))},
			[]string{"2019 (3.000)", "2021 (3.100)", "8.600"}},
		{"suppressed cells", "imprese femminili per quartiere", "it",
			[]tool.Result{func() tool.Result {
				tb := table("imprese_attive", "imprese", semantic.Query{Metric: "imprese_attive", Filters: fem, GroupBy: []string{"quartiere"}},
					col("quartiere", "valore"), []any{"Navile", int64(512)}, []any{"non attribuito", nil})
				tb.Suppressed = 1
				r := metricResult(tb)
				r.Content = `{"note":["1 celle con meno di 3 imprese oscurate per il segreto statistico"]}`
				return r
			}()},
			[]string{"Navile (512)", "segreto statistico"}},
		{"documents", "Cosa prevede il bando donne?", "it",
			[]tool.Result{{Call: tool.NewCall(tool.SearchDocuments, map[string]string{"query": "x"}),
				Content: `<documento id="D1" fonte="Bando «Donne che fanno impresa» 2026 — 1. Finalità">`,
				Citations: []tool.Citation{{ID: "D1", Document: "demo:bando-donne-impresa-2026.md", Title: "Bando «Donne che fanno impresa» 2026",
					Section: "1. Finalità", Quote: "Il Comune stanzia 1.500.000 euro per le imprese femminili."}}}},
			[]string{"[D1]", "1.500.000 euro", "Bando «Donne che fanno impresa» 2026"}},
		{"forbidden", "fascicolo dell'impresa 01234567897", "it",
			[]tool.Result{{Call: tool.NewCall(tool.CompanyDossier, map[string]string{"codice_fiscale": "01234567897"}), Code: "forbidden",
				Error: "lo strumento company_dossier non è consentito al ruolo decisore"}},
			[]string{"Il suo ruolo non consente"}},
		{"no snapshot", "imprese attive", "it",
			[]tool.Result{{Call: tool.NewCall(tool.QueryMetrics, semantic.Query{Metric: "imprese_attive"}), Code: "unavailable",
				Error: "no register snapshot is loaded yet: load one with `conoscenza ingest imprese FILE`"}},
			[]string{"Non ci sono ancora dati del Registro"}},
		{"platea", "platea per imprese artigiane", "it",
			[]tool.Result{{Call: tool.NewCall(tool.Platea, map[string]any{}), Tables: []tool.Table{
				table("imprese_attive", "imprese", semantic.Query{Metric: "imprese_attive"}, col("valore"), []any{int64(2345)}),
				table("imprese_attive", "imprese", semantic.Query{Metric: "imprese_attive", GroupBy: []string{"quartiere"}}, col("quartiere", "valore"),
					[]any{"Navile", int64(600)}, []any{"Savena", int64(400)}, []any{"Santo Stefano", int64(300)}, []any{"Savena2", int64(100)}),
			}}},
			[]string{"2.345", "Navile (600)"}},
		{"outcome", "come sono andate le beneficiarie del bando B-2021-07", "it",
			[]tool.Result{{Call: tool.NewCall(tool.BandoOutcome, map[string]string{"bando": "B-2021-07"}), Tables: []tool.Table{
				table("esito_bando", "%", semantic.Query{}, col("gruppo", "imprese", "quota_ancora_attive", "quota_con_cig_dopo"),
					[]any{"beneficiarie", int64(120), 88.3, 4.2}, []any{"non ammesse", int64(15), 73.3, 6.7}, []any{"simili non beneficiarie", int64(900), 80.1, 5.5}),
			}}},
			[]string{"120 imprese beneficiarie", "88,3%", "73,3%"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			text := planner.Compose(planner.Plan{Intent: planner.IntentMetric, Lang: c.lang}, c.results)
			if _, g := agent.Ground(text, c.question, c.results); !g.OK {
				t.Errorf("not grounded %v in %q", g.Ungrounded, text)
			}
			for _, w := range c.want {
				if !strings.Contains(text, w) {
					t.Errorf("answer lacks %q: %q", w, text)
				}
			}
		})
	}
}

func TestRepliesWithoutToolsHaveNoNumbersToGround(t *testing.T) {
	p := planner.New(nil)
	for _, q := range []string{"Elimina tutte le pratiche", "Quanti abitanti ha Roma?", "What's the weather like?"} {
		pl := p.Plan(q, nil, now())
		text := planner.Compose(pl, nil)
		if _, g := agent.Ground(text, q, nil); !g.OK || text == "" || len(pl.Calls) != 0 {
			t.Errorf("%q: %q grounding %+v calls %d", q, text, g, len(pl.Calls))
		}
	}
}

func now() time.Time { return time.Date(2026, 11, 15, 10, 0, 0, 0, time.UTC) }
