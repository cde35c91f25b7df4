package semantic

import (
	"fmt"
	"strings"
	"testing"
)

// TestGrowthComparedOnOneCuboidGivesTheDetailedRows: growth rates compared with the previous
// period or year, along dimensions a monthly cuboid keeps, read that cuboid once with the edge
// months of both periods (compare.go) and give the detailed tables' rows: periods on months'
// bounds, cutting months at either end (so that the two periods cut different months, or the
// same one), short and long, with filters.
func TestGrowthComparedOnOneCuboidGivesTheDetailedRows(t *testing.T) {
	e, _ := testEngine(t)
	fast, slow := NewEngine(e.pool, e.catalog).WithoutCache(), detailedEngine(e)
	periods := [][2]string{
		{"2025-01-01", "2025-12-31"}, {"2025-03-05", "2025-08-20"}, {"2024-09-01", "2025-08-12"},
		{"2025-11-17", "2026-06-30"}, {"2026-02-10", "2026-02-20"}, {"2024-06-15", "2026-01-31"},
	}
	groups := [][]string{{"quartiere"}, {"area_statistica", "giovanile"}, {"sezione_ateco"}, {"femminile", "straniera"}, nil, {"classe_forma"}}
	filters := [][]Filter{nil, {{Dimension: "femminile", Value: true}}, {{Dimension: "quartiere", Value: "Navile"}},
		{{Dimension: "artigiana", Value: false}}}
	oneScan, total := 0, 0
	for i, per := range periods {
		for j, g := range groups {
			for _, cmp := range []string{"previous_period", "previous_year"} {
				q := Query{Metric: "tasso_crescita", From: per[0], To: per[1], GroupBy: g, Filters: filters[(i+j)%len(filters)], CompareTo: cmp}
				name := fmt.Sprintf("%+v", q)
				got, want := againstDetailed(t, fast, slow, q)
				total++
				if strings.Contains(got.SQL, "valore_confronto_") && strings.Contains(got.SQL, "agg_imprese_flussi") {
					oneScan++
				}
				if len(want.Rows) == 0 {
					t.Errorf("%s: no rows: the check would prove nothing", name)
				}
			}
		}
	}
	if oneScan < 40 {
		t.Errorf("only %d of %d comparisons read one cuboid in one scan", oneScan, total)
	}
	t.Logf("%d growth rates compared, %d on one cuboid in one scan", total, oneScan)
}
