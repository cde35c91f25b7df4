package planner_test

import (
	"strings"
	"testing"

	"github.com/comune-bologna/conoscenza/agent/planner"
	"github.com/comune-bologna/conoscenza/agent/semantic"
	"github.com/comune-bologna/conoscenza/agent/tool"
)

// A result table's title reads as a phrase in the answer's language (usability review,
// session 11: "Chiusure per quartiere — impresa femminile: sì, dal 01/01/2020"), and an
// English answer's table has English labels and unit.
func TestPresentWritesTheTitleAsAPhrase(t *testing.T) {
	fem := []semantic.Filter{{Dimension: "femminile", Value: true}}
	cases := []struct {
		name, lang string
		tb         tool.Table
		title      string
	}{
		{"flow of a kind of firm", "it", table("chiusure", "imprese", semantic.Query{Metric: "chiusure", GroupBy: []string{"quartiere"}, Filters: fem, From: "2020-01-01"},
			col("quartiere", "valore")), "Chiusure di imprese femminili per quartiere, dal 2020"},
		{"flow of a kind of firm in English", "en", table("chiusure", "imprese", semantic.Query{Metric: "chiusure", GroupBy: []string{"quartiere"}, Filters: fem, From: "2020-01-01"},
			col("quartiere", "valore")), "Closures of women-led firms by district, since 2020"},
		{"stock of a kind of firm", "it", table("imprese_attive", "imprese", semantic.Query{Metric: "imprese_attive", GroupBy: []string{"sezione_ateco"},
			Filters: []semantic.Filter{{Dimension: "artigiana", Value: true}, {Dimension: "quartiere", Value: "Navile"}}, To: "2026-06-30"},
			col("sezione_ateco", "valore")), "Imprese attive artigiane per sezione ATECO, quartiere Navile, al 30/06/2026"},
		{"quarter compared", "it", table("aperture", "imprese", semantic.Query{Metric: "aperture", From: "2025-01-01", To: "2025-03-31", CompareTo: "previous_year"},
			col("valore")), "Aperture, nel primo trimestre 2025, rispetto allo stesso periodo dell'anno precedente"},
		{"quarter compared in English", "en", table("aperture", "imprese", semantic.Query{Metric: "aperture", From: "2025-04-01", To: "2025-06-30", CompareTo: "previous_period"},
			col("valore")), "Openings, in Q2 2025, against the previous period"},
		{"months by month", "it", table("saldo", "imprese", semantic.Query{Metric: "saldo", GroupBy: []string{"mese"}, From: "2026-01-01", To: "2026-10-31"},
			col("mese", "valore")), "Saldo per mese, da gennaio a ottobre 2026"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			tb := c.tb
			planner.Present(&tb, c.lang)
			if tb.Title != c.title {
				t.Errorf("title %q, want %q", tb.Title, c.title)
			}
		})
	}
}

// The answer's lead says the metric, the firms and the conditions once: no comparison named
// twice, no two brackets in a row; a compared table's columns are English in English.
func TestComposedLeadSaysEachConditionOnce(t *testing.T) {
	compared := table("chiusure", "imprese", semantic.Query{Metric: "chiusure", From: "2021-01-01", To: "2021-12-31", CompareTo: "previous_year"},
		[]semantic.Column{{Name: "valore", Label: "Chiusure"}, {Name: "valore_confronto", Label: "Stesso periodo anno precedente"}, {Name: "variazione", Label: "Variazione"}},
		[]any{int64(2640), int64(2540), int64(100)})
	savena := table("imprese_attive", "imprese", semantic.Query{Metric: "imprese_attive",
		Filters: []semantic.Filter{{Dimension: "femminile", Value: true}, {Dimension: "quartiere", Value: "Savena"}}}, col("valore"), []any{int64(641)})
	cases := []struct {
		tb   tool.Table
		lang string
		lead string
	}{
		{compared, "en", "Closures (in 2021): 2,640, against 2,540 in the same period of the previous year (+100"},
		{compared, "it", "Chiusure (nel 2021): 2.640, contro 2.540 nello stesso periodo dell'anno precedente (+100"},
		{savena, "en", "Active companies (women-led firms; district Savena): 641."},
		{savena, "it", "Imprese attive femminili (quartiere Savena): 641."},
	}
	for _, c := range cases {
		tb := c.tb
		tb.Columns = append([]semantic.Column(nil), c.tb.Columns...)
		planner.Present(&tb, c.lang)
		text := planner.Compose(planner.Plan{Intent: planner.IntentMetric, Lang: c.lang}, []tool.Result{metricResult(tb)})
		if !strings.HasPrefix(text, c.lead) {
			t.Errorf("answer %q, want it to start %q", text, c.lead)
		}
	}
	tb := compared
	tb.Columns = append([]semantic.Column(nil), compared.Columns...)
	planner.Present(&tb, "en")
	if got := tb.Columns[1].Label + "|" + tb.Columns[2].Label; got != "Same period a year earlier|Change" || compared.Columns[1].Label != "Stesso periodo anno precedente" {
		t.Errorf("English labels of a compared table: %s", got)
	}
}
