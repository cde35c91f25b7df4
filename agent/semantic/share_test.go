package semantic

import (
	"fmt"
	"strings"
	"testing"
)

// TestShareSplitGivesTheDetailedRows: shares of openings and closures whose subset alone keeps
// them off every cuboid (share.go) — the denominator read from a cuboid, the numerator from the
// event table — give the detailed tables' rows: with periods open, closed and cutting months,
// time grains, comparisons, ages, filters on the year, subsets empty in some groups (0 %) or in
// every group, and subsets of several values; shapes whose denominator needs the event table
// too stay in one scan.
func TestShareSplitGivesTheDetailedRows(t *testing.T) {
	e, _ := testEngine(t)
	fast, slow := NewEngine(e.pool, e.catalog).WithoutCache(), detailedEngine(e)
	type shape struct {
		q     Query
		split bool // must read the denominator and the numerator apart
	}
	var shapes []shape
	for _, base := range []string{"aperture", "chiusure"} {
		add := func(split bool, q Query) {
			q.Metric, q.Base = "quota", base
			shapes = append(shapes, shape{q, split})
		}
		add(true, Query{GroupBy: []string{"forma_giuridica", "comune"}, TimeGrain: "quarter",
			Filters: []Filter{{Dimension: "anzianita", Value: "10 anni e più"}}, Subset: []Filter{{Dimension: "divisione_ateco", Value: "47"}}})
		add(true, Query{GroupBy: []string{"quartiere"}, From: "2020-01-01", Subset: []Filter{{Dimension: "ateco", Value: "47"}}})
		add(true, Query{GroupBy: []string{"sezione_ateco"}, From: "2021-03-15", To: "2025-11-20", Subset: []Filter{{Dimension: "area_statistica", Value: "Bolognina"}}})
		add(true, Query{GroupBy: []string{"divisione_ateco"}, From: "2019-01-01", Subset: []Filter{{Dimension: "classe_addetti", Value: "250+"}}})
		add(true, Query{GroupBy: []string{"zona"}, From: "2024-02-10", To: "2025-08-20", CompareTo: "previous_year",
			Subset: []Filter{{Dimension: "divisione_ateco", Op: "in", Values: []any{"47", "56", "41"}}}})
		add(true, Query{GroupBy: []string{"quartiere", "femminile"}, From: "2023-01-01", To: "2025-06-30", CompareTo: "previous_period",
			Subset: []Filter{{Dimension: "ateco", Op: "!=", Value: "47"}}})
		add(true, Query{GroupBy: []string{"classe_forma"}, TimeGrain: "year", From: "2018-06-01",
			Filters: []Filter{{Dimension: "anno", Op: "between", Values: []any{2020, 2022}}}, Subset: []Filter{{Dimension: "ateco", Value: "56.10"}}})
		add(true, Query{GroupBy: []string{"mese", "divisione_ateco"}, From: "2025-01-01", To: "2025-12-31",
			Subset: []Filter{{Dimension: "area_statistica", Value: noRows}}}) // empty everywhere: 0 %
		add(true, Query{From: "2022-05-05", Filters: []Filter{{Dimension: "femminile", Value: true}},
			Subset: []Filter{{Dimension: "divisione_ateco", Value: "47"}, {Dimension: "classe_addetti", Value: "1-9"}}})
		add(true, Query{GroupBy: []string{"anno", "zona"}, Subset: []Filter{{Dimension: "ateco", Value: "56.10"}}, Limit: 10, Order: &Order{By: "value", Dir: "desc"}})
		// The denominator needs the event table too (the code with the comune): one scan.
		add(false, Query{GroupBy: []string{"ateco", "comune"}, From: "2021-01-01", Subset: []Filter{{Dimension: "straniera", Value: true}}})
		add(false, Query{GroupBy: []string{"area_statistica", "divisione_ateco", "forma_giuridica"}, From: "2020-01-01", Subset: []Filter{{Dimension: "giovanile", Value: true}}})
	}
	split := 0
	for _, s := range shapes {
		name := fmt.Sprintf("%+v", s.q)
		got, want := againstDetailed(t, fast, slow, s.q)
		apart := strings.Contains(got.SQL, ") tot LEFT JOIN (")
		if apart {
			split++
		}
		if apart != s.split {
			t.Errorf("%s: denominator and numerator read apart: %v, want %v\n%s", name, apart, s.split, got.SQL)
		}
		if len(want.Rows) == 0 {
			t.Errorf("%s: no rows: the check would prove nothing", name)
		}
	}
	t.Logf("%d shares, %d read as a denominator and a numerator apart", len(shapes), split)
}
