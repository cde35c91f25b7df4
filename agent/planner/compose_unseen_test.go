package planner_test

import (
	"strings"
	"testing"

	"github.com/comune-bologna/conoscenza/agent"
	"github.com/comune-bologna/conoscenza/agent/planner"
	"github.com/comune-bologna/conoscenza/agent/semantic"
	"github.com/comune-bologna/conoscenza/agent/tool"
)

// Answers found wrong or misleading on 26/11/2026 with the demo data: each case names what the
// answer must say and what it must not.
func TestComposedAnswersFoundWrongOn26November(t *testing.T) {
	cases := []struct {
		name, question string
		results        []tool.Result
		want, not      []string
	}{
		// a compared growth rate has no parts: it wrote "0 aperture e 0 chiusure su 0 imprese"
		// and a percent change of a percentage ("-67,5%")
		{"growth rate compared", "Tasso di crescita nel 2025 rispetto al 2024",
			[]tool.Result{metricResult(table("tasso_crescita", "%", semantic.Query{Metric: "tasso_crescita", From: "2025-01-01", To: "2025-12-31", CompareTo: "previous_year"},
				col("valore", "valore_confronto", "variazione", "variazione_pct"), []any{-0.13, -0.4, 0.27, -67.5}))},
			[]string{"-0,1%", "-0,4%", "+0,3 punti percentuali"}, []string{"0 aperture", "-67,5%"}},
		{"balance compared", "saldo nel 2025 rispetto al 2024",
			[]tool.Result{metricResult(table("saldo", "imprese", semantic.Query{Metric: "saldo", From: "2025-01-01", To: "2025-12-31", CompareTo: "previous_year"},
				col("valore", "valore_confronto", "variazione", "variazione_pct"), []any{int64(-60), int64(-180), int64(120), -66.7}))},
			[]string{"-60", "-180"}, []string{"0 aperture", "0 chiusure"}},
		// a stock at an earlier snapshot is "al 30/06/2026", not "dal 01/06/2026 al 30/06/2026"
		{"stock as of", "Quante imprese erano attive a fine giugno 2026?",
			[]tool.Result{metricResult(table("imprese_attive", "imprese", semantic.Query{Metric: "imprese_attive", From: "2026-06-01", To: "2026-06-30"},
				col("valore"), []any{int64(40782)}))},
			[]string{"40.782", "(al 30/06/2026)"}, []string{"dal 01/06/2026"}},
		// addresses outside the street register are not a quartiere ranking first
		{"unattributed last", "quota di imprese artigiane per quartiere",
			[]tool.Result{metricResult(table("quota", "%", semantic.Query{Metric: "quota", GroupBy: []string{"quartiere"}, Subset: []semantic.Filter{{Dimension: "artigiana", Value: true}}},
				col("quartiere", "valore"), []any{"non attribuito", 25.0}, []any{"Navile", 23.0}, []any{"Savena", 23.3}))},
			[]string{"per quartiere: Savena (23,3%); Navile (23%); non attribuito (25%)"}, nil},
		// the planner's "!= non attribuito" in a ranking is not written out
		{"ranking filter unsaid", "la zona con meno imprese attive",
			[]tool.Result{metricResult(table("imprese_attive", "imprese", semantic.Query{Metric: "imprese_attive", GroupBy: []string{"zona"},
				Filters: []semantic.Filter{{Dimension: "zona", Op: "!=", Value: "non attribuito"}}, Order: &semantic.Order{By: "value", Dir: "asc"}, Limit: 1},
				col("zona", "valore"), []any{"Colli", int64(640)}))},
			[]string{"Imprese attive: il valore più basso è Colli (640)"}, []string{"diverso da"}},
		// "aperture e chiusure per quartiere" is the balance: each row says both flows
		{"balance by place", "Aperture e chiusure per quartiere nel 2025",
			[]tool.Result{metricResult(table("saldo", "imprese", semantic.Query{Metric: "saldo", GroupBy: []string{"quartiere"}, From: "2025-01-01", To: "2025-12-31"},
				col("quartiere", "valore", "aperture", "chiusure"), []any{"Navile", int64(7), int64(496), int64(489)}, []any{"Savena", int64(-13), int64(195), int64(208)}))},
			[]string{"Navile (7: 496 aperture e 489 chiusure)", "Savena (-13: 195 aperture e 208 chiusure)"}, nil},
		// a stock by month comes with the snapshot date beside the month: a series, never summed
		// (it wrote "in totale 52.855" for six snapshots of 8.800 firms)
		{"stock series", "andamento delle imprese femminili attive",
			[]tool.Result{metricResult(table("imprese_attive", "imprese", semantic.Query{Metric: "imprese_attive", GroupBy: []string{"mese"}},
				col("mese", "periodo", "valore"), []any{"2026-05", "2026-05-01", int64(8788)}, []any{"2026-06", "2026-06-01", int64(8796)},
				[]any{"2026-07", "2026-07-01", int64(8822)}))},
			[]string{"per mese: 8.788 a maggio 2026 e 8.822 a luglio 2026 (+34, +0,4%)"}, []string{"in totale", "2026-05-01", "2026-05"}},
		// a stock against an earlier month says the change (second round, 26/11/2026)
		{"stock against a month", "imprese attive a Navile rispetto a sei mesi fa",
			[]tool.Result{metricResult(table("imprese_attive", "imprese", semantic.Query{Metric: "imprese_attive", GroupBy: []string{"mese"}, From: "2026-04-01", To: "2026-10-31"},
				col("mese", "periodo", "valore"), []any{"2026-05", "2026-05-01", int64(7344)}, []any{"2026-10", "2026-10-01", int64(7376)}))},
			[]string{"(da aprile a ottobre 2026), per mese: 7.344 a maggio 2026 e 7.376 a ottobre 2026 (+32, +0,4%)"}, []string{"in totale", "01/04/2026"}},
		{"stock by place and month", "imprese attive per quartiere per mese",
			[]tool.Result{metricResult(table("imprese_attive", "imprese", semantic.Query{Metric: "imprese_attive", GroupBy: []string{"quartiere", "mese"}},
				col("quartiere", "mese", "periodo", "valore"), []any{"Navile", "2026-05", "2026-05-01", int64(7344)}, []any{"Navile", "2026-06", "2026-06-01", int64(7350)}))},
			[]string{"Navile – giugno 2026 (7.350)"}, []string{"in totale", "2026-06"}},
		// English answers do not keep the Italian label of unplaced addresses
		{"unattributed in English", "closures by district in 2024",
			[]tool.Result{metricResult(table("chiusure", "imprese", semantic.Query{Metric: "chiusure", GroupBy: []string{"quartiere"}, From: "2024-01-01", To: "2024-12-31"},
				col("quartiere", "valore"), []any{"Navile", int64(312)}, []any{"non attribuito", int64(7)}))},
			[]string{"unassigned address (7)"}, []string{"non attribuito"}},
		// legal-form codes are explained
		{"legal form", "Quante cooperative attive ci sono?",
			[]tool.Result{metricResult(table("imprese_attive", "imprese", semantic.Query{Metric: "imprese_attive",
				Filters: []semantic.Filter{{Dimension: "forma_giuridica", Value: "SC"}}}, col("valore"), []any{int64(1134)}))},
			[]string{"Imprese attive cooperative: 1.134"}, []string{"SC"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			lang := "it"
			if strings.Contains(c.name, "English") {
				lang = "en"
			}
			text := planner.Compose(planner.Plan{Intent: planner.IntentMetric, Lang: lang}, c.results)
			if _, g := agent.Ground(text, c.question, c.results); !g.OK {
				t.Errorf("not grounded %v in %q", g.Ungrounded, text)
			}
			says(t, text, c.want, c.not)
		})
	}
}
