package semantic

import (
	"strings"
	"testing"
)

// TestGrowthSinceTheStartGivesTheDetailedRows: growth rates read from a month-less cuboid with
// the monthly cuboid's months since the start (and the event table's days of the months the
// period cuts) give the detailed tables' rows, over periods that start and end on a month's
// first or last day or inside one, in the same month or years apart, compared or not.
func TestGrowthSinceTheStartGivesTheDetailedRows(t *testing.T) {
	e, _ := testEngine(t)
	fast, slow := NewEngine(e.pool, e.catalog).WithoutCache(), detailedEngine(e)
	periods := [][2]string{
		{"2025-07-01", "2026-06-30"}, {"2025-01-01", "2025-12-31"}, {"2026-02-15", "2026-05-14"},
		{"2026-03-05", "2026-03-25"}, {"2025-11-01", "2026-01-17"}, {"2025-10-12", "2026-06-30"},
		{"2024-06-01", "2025-02-28"}, {"2026-06-30", "2026-06-30"}, {"2026-01-01", "2026-01-31"},
	}
	groups := [][]string{{"quartiere"}, {"zona"}, {"sezione_ateco"}, {"divisione_ateco"}, {"ateco"},
		{"classe_forma"}, {"femminile"}, {"stato"}, {"classe_addetti"}, {"comune"}, {"artigiana", "quartiere"}, nil}
	filters := [][]Filter{nil, {{Dimension: "sezione_ateco", Value: "G"}}, {{Dimension: "femminile", Value: true}},
		{{Dimension: "quartiere", Value: "Navile"}}, {{Dimension: "classe_forma", Value: "società di capitale"}}}
	since, total := 0, 0
	for i, per := range periods {
		for j, g := range groups {
			q := Query{Metric: "tasso_crescita", From: per[0], To: per[1], GroupBy: g, Filters: filters[(i+j)%len(filters)]}
			if (i+j)%4 == 0 {
				q.CompareTo = "previous_year"
			}
			got, _ := againstDetailed(t, fast, slow, q)
			total++
			if strings.Contains(got.SQL, "agg_imprese_totali") && strings.Contains(got.SQL, "agg_imprese_flussi") {
				since++
			}
		}
	}
	if since < 30 {
		t.Errorf("only %d of %d growth rates read a month-less cuboid with the months since the start", since, total)
	}
	t.Logf("%d growth rates, %d from a month-less cuboid with the months since the start", total, since)
}
