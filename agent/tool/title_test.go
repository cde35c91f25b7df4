package tool

import (
	"strings"
	"testing"

	"github.com/comune-bologna/conoscenza/agent/catalog"
	"github.com/comune-bologna/conoscenza/agent/semantic"
)

// A table's title reads as Italian: dimensions by their names, operators and comparisons as
// words ("tra 58 e 69 mesi", not "anzianitabetween [58 69]" or "previous year"), dates as
// the UI writes them.
func TestTitleReadsAsItalian(t *testing.T) {
	cat := catalog.Default()
	for _, c := range []struct {
		q    semantic.Query
		want []string
		not  []string
	}{
		{semantic.Query{Metric: "chiusure", From: "2023-01-01", To: "2023-12-31",
			Filters: []semantic.Filter{{Dimension: "anzianita", Op: "between", Values: []any{58, 69}},
				{Dimension: "quartiere", Op: "not_in", Values: []any{"Navile", "Savena"}}}},
			[]string{"anzianità di iscrizione tra 58 e 69 mesi", "quartiere escluso Navile, Savena", "dal 01/01/2023 al 31/12/2023"},
			[]string{"between", "not in", "2023-01-01"}},
		{semantic.Query{Metric: "cig_ore_autorizzate", From: "2020-01-01", To: "2020-12-31", CompareTo: "previous_year",
			GroupBy: []string{"quartiere"}, Filters: []semantic.Filter{{Dimension: "femminile", Value: true}}},
			[]string{" per quartiere", ": sì", "confronto con lo stesso periodo dell'anno precedente"},
			[]string{"previous", "_"}},
		{semantic.Query{Metric: "imprese_attive", AsOf: "2025-12-31", Filters: []semantic.Filter{{Dimension: "anzianita", Op: "<", Value: 36}}},
			[]string{"situazione al 31/12/2025", "anzianità di iscrizione < 36 mesi"}, nil},
	} {
		got := Title(cat, c.q, c.q.Metric)
		for _, w := range c.want {
			if !strings.Contains(got, w) {
				t.Errorf("title %q lacks %q", got, w)
			}
		}
		for _, w := range c.not {
			if strings.Contains(got, w) {
				t.Errorf("title %q has %q", got, w)
			}
		}
	}
}
