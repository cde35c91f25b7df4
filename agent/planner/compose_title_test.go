package planner_test

import (
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
