package semantic

import (
	"context"
	"fmt"
	"strings"
	"testing"
)

// TestGrowthOnTotalsReadsTheFewerEventsExactly: growth rates along combinations no monthly
// cuboid keeps read a month-less cuboid with either the events since the start or those until
// the end, whichever the register's history counts fewer (totals.go), and give the detailed
// tables' rows both ways: early periods (the events until the end are the fewer) and late ones,
// periods cutting months, one day long, compared, with filters.
func TestGrowthOnTotalsReadsTheFewerEventsExactly(t *testing.T) {
	e, _ := testEngine(t)
	fast, slow := NewEngine(e.pool, e.catalog).WithoutCache(), detailedEngine(e)
	ctx := context.Background()
	var history int
	if err := e.pool.QueryRow(ctx, "SELECT cuboide FROM agg_cuboidi WHERE tabella = 'agg_imprese_storico' AND dims = '{}'").Scan(&history); err != nil {
		t.Fatalf("the history's cuboid of every event: %v", err)
	}
	periods := [][2]string{
		{"2001-03-01", "2002-02-28"}, {"1998-05-17", "2004-11-03"}, {"2009-01-01", "2009-12-31"}, {"2012-06-10", "2012-06-10"},
		{"2015-12-01", "2015-12-31"}, {"2019-02-14", "2021-08-31"}, {"2025-01-01", "2025-12-31"}, {"2026-03-05", "2026-06-30"},
	}
	groups := [][]string{{"zona", "divisione_ateco", "forma_giuridica"}, {"area_statistica", "stato"}, {"forma_giuridica", "zona"},
		{"giovanile", "straniera"}, {"comune", "stato"}, nil}
	filters := [][]Filter{nil, {{Dimension: "quartiere", Value: "Navile"}}, {{Dimension: "stato", Op: "!=", Value: "INATTIVA"}},
		{{Dimension: "femminile", Value: false}}, {{Dimension: "sezione_ateco", Value: "G"}}}
	sides := map[bool]int{}
	total := 0
	for i, per := range periods {
		for j, g := range groups {
			q := Query{Metric: "tasso_crescita", From: per[0], To: per[1], GroupBy: g, Filters: filters[(i+j)%len(filters)]}
			if (i+j)%5 == 0 {
				q.CompareTo = "previous_year"
			}
			if g == nil {
				q.Filters = append(q.Filters, Filter{Dimension: "zona", Value: "Bolognina"}, Filter{Dimension: "ateco", Op: "!=", Value: "47"})
			}
			name := fmt.Sprintf("%+v", q)
			got, want := againstDetailed(t, fast, slow, q)
			total++
			if strings.Contains(got.SQL, "sum(i.s)") {
				var fewerSince bool
				if err := e.pool.QueryRow(ctx, `SELECT COALESCE(sum(n) FILTER (WHERE mese >= $1::date), 0) <= COALESCE(sum(n) FILTER (WHERE mese <= $2::date), 0)
					FROM agg_imprese_storico WHERE cuboide = $3 AND evento IN ('A', 'C')`, per[0], per[1], history).Scan(&fewerSince); err != nil {
					t.Fatal(err)
				}
				sides[fewerSince]++
			}
			if len(want.Rows) == 0 {
				t.Errorf("%s: no rows: the check would prove nothing", name)
			}
		}
	}
	if sides[true] < 5 || sides[false] < 5 {
		t.Errorf("of %d growth rates, %d read the events since the start, %d those until the end", total, sides[true], sides[false])
	}
	t.Logf("%d growth rates: %d on a month-less cuboid with the events since the start, %d with those until the end", total, sides[true], sides[false])
}
