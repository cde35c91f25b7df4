package semantic

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/comune-bologna/conoscenza/agent/catalog"
	"github.com/comune-bologna/conoscenza/ingest/db/dbtest"
)

// detailedEngine is the same engine with the event cubes turned off.
func detailedEngine(e *Engine) *Engine {
	d := NewEngine(e.pool, e.catalog).WithoutCache()
	d.detailedOnly = true
	return d
}

// cubeQueries are flow queries along every dimension, with filters, time grains, open and
// closed periods and comparisons: the shapes the cubes answer and some they must refuse.
func cubeQueries(cat *catalog.Catalog) []Query {
	var qs []Query
	for _, m := range cat.Metrics {
		if m.Kind == catalog.KindStock {
			for _, d := range append([]*catalog.Dimension{nil}, cat.Dimensions...) {
				q := Query{Metric: m.Name}
				if d != nil {
					if !d.AppliesTo(m.Source) || d.Type == catalog.TypeTime {
						continue
					}
					q.GroupBy = []string{d.Name}
				}
				qs = append(qs, q, Query{Metric: m.Name, GroupBy: q.GroupBy, Filters: []Filter{{Dimension: "femminile", Value: true}}})
			}
			qs = append(qs,
				Query{Metric: m.Name, GroupBy: []string{"zona", "stato"}, Filters: []Filter{{Dimension: "straniera", Value: true}}},
				Query{Metric: m.Name, GroupBy: []string{"classe_addetti"}, Filters: []Filter{{Dimension: "giovanile", Value: false}, {Dimension: "artigiana", Value: true}}},
				Query{Metric: m.Name, Filters: []Filter{{Dimension: "comune", Value: "IMOLA"}}},
				Query{Metric: m.Name, GroupBy: []string{"quartiere"}, CompareTo: "previous_period"},
				Query{Metric: m.Name, GroupBy: []string{"anzianita"}},
				Query{Metric: m.Name, GroupBy: []string{"anzianita", "quartiere"}},
				Query{Metric: m.Name, GroupBy: []string{"classe_addetti"}, Filters: []Filter{{Dimension: "anzianita", Op: "<", Value: 36}, {Dimension: "straniera", Value: true}}},
				Query{Metric: m.Name, GroupBy: []string{"sezione_ateco"}, Filters: []Filter{{Dimension: "anzianita", Op: "between", Values: []any{12, 60}}}},
				Query{Metric: m.Name, Filters: []Filter{{Dimension: "anzianita", Op: ">=", Value: 120}}},
				Query{Metric: m.Name, Filters: []Filter{{Dimension: "anzianita", Op: "<=", Value: 7}}},
				Query{Metric: m.Name, Filters: []Filter{{Dimension: "anzianita", Value: "1-3 anni"}}, GroupBy: []string{"femminile"}},
				Query{Metric: m.Name, Filters: []Filter{{Dimension: "anzianita", Op: "<", Value: 36}}, AsOf: "2025-12-31"},
				Query{Metric: "quota", Base: m.Name, GroupBy: []string{"sezione_ateco"}, Subset: []Filter{{Dimension: "femminile", Value: true}}},
				Query{Metric: "quota", Base: m.Name, GroupBy: []string{"quartiere"}, Subset: []Filter{{Dimension: "classe_forma", Value: "imprese individuali"}}},
				// No cuboid keeps these: the openings of the event table.
				Query{Metric: m.Name, GroupBy: []string{"area_statistica", "divisione_ateco", "forma_giuridica"}},
				Query{Metric: m.Name, GroupBy: []string{"ateco", "femminile"}, Filters: []Filter{{Dimension: "classe_addetti", Value: "1-9"}}},
				Query{Metric: m.Name, GroupBy: []string{"anzianita", "zona", "artigiana"}, Filters: []Filter{{Dimension: "anzianita", Op: "between", Values: []any{5, 40}}}},
				Query{Metric: m.Name, GroupBy: []string{"divisione_ateco", "giovanile"}, Filters: []Filter{{Dimension: "quartiere", Op: "!=", Value: "Navile"}}, Limit: 10, Order: &Order{By: "value", Dir: "desc"}},
				Query{Metric: "quota", Base: m.Name, GroupBy: []string{"ateco"}, Subset: []Filter{{Dimension: "straniera", Value: true}}, Limit: 20, Order: &Order{By: "value", Dir: "desc"}},
				// The live companies (00052): states, ages inside a month, the code and the area.
				Query{Metric: m.Name, GroupBy: []string{"stato", "area_statistica"}},
				Query{Metric: m.Name, GroupBy: []string{"ateco"}, Filters: []Filter{{Dimension: "stato", Op: "!=", Value: "ATTIVA"}}},
				Query{Metric: m.Name, GroupBy: []string{"anzianita", "comune"}, Filters: []Filter{{Dimension: "anzianita", Op: "<=", Value: 7}}},
				Query{Metric: m.Name, GroupBy: []string{"area_statistica", "classe_addetti"}, Filters: []Filter{{Dimension: "ateco", Op: "in", Values: []any{"47", "56.10.00"}}}},
				Query{Metric: "quota", Base: m.Name, GroupBy: []string{"area_statistica"}, Subset: []Filter{{Dimension: "stato", Value: "INATTIVA"}}},
				Query{Metric: "quota", Base: m.Name, GroupBy: []string{"zona", "ateco"}, Subset: []Filter{{Dimension: "anzianita", Op: "<", Value: 30}}, Limit: 10, Order: &Order{By: "value", Dir: "desc"}},
				// By age along the area, the flags with the legal form, the zona with the legal
				// form: the openings of 00056's cuboids; the code by comune or quartiere:
				// agg_stock_dettaglio.
				Query{Metric: m.Name, GroupBy: []string{"area_statistica"}, Filters: []Filter{{Dimension: "anzianita", Op: ">=", Value: 120}}},
				Query{Metric: "quota", Base: m.Name, GroupBy: []string{"area_statistica"}, Subset: []Filter{{Dimension: "anzianita", Op: "<", Value: 36}}},
				Query{Metric: m.Name, GroupBy: []string{"giovanile", "anzianita"}, Filters: []Filter{{Dimension: "comune", Value: "BOLOGNA"}}},
				Query{Metric: m.Name, GroupBy: []string{"forma_giuridica"}, Filters: []Filter{{Dimension: "anzianita", Op: ">=", Value: 36}, {Dimension: "femminile", Value: true}}},
				Query{Metric: m.Name, GroupBy: []string{"zona", "stato", "anzianita"}, Filters: []Filter{{Dimension: "forma_giuridica", Op: "!=", Value: "SR"}}},
				Query{Metric: m.Name, GroupBy: []string{"comune", "ateco"}, Limit: 10, Order: &Order{By: "value", Dir: "desc"}},
				Query{Metric: "quota", Base: m.Name, Filters: []Filter{{Dimension: "comune", Value: "BOLOGNA"}}, Subset: []Filter{{Dimension: "ateco", Op: "in", Values: []any{"47", "56.10.00"}}}},
				Query{Metric: m.Name, GroupBy: []string{"anno"}, Filters: []Filter{{Dimension: "quartiere", Op: "in", Values: []any{"Navile", "Savena"}}, {Dimension: "ateco", Op: "!=", Value: "47"}}},
				// The area or the code with the legal form, the size, the flags (00060), and
				// with both: the live companies.
				Query{Metric: m.Name, GroupBy: []string{"area_statistica", "forma_giuridica"}, Filters: []Filter{{Dimension: "classe_addetti", Op: "!=", Value: "0"}}},
				Query{Metric: "quota", Base: m.Name, GroupBy: []string{"area_statistica", "classe_addetti"}, Subset: []Filter{{Dimension: "straniera", Value: true}}},
				Query{Metric: m.Name, GroupBy: []string{"ateco", "forma_giuridica"}, Filters: []Filter{{Dimension: "giovanile", Value: true}}},
				Query{Metric: m.Name, GroupBy: []string{"area_statistica", "ateco", "classe_forma"}},
				// By age class along the legal form and the size: the openings of 00058's class cuboids.
				Query{Metric: m.Name, GroupBy: []string{"anzianita", "forma_giuridica", "classe_addetti"}, Filters: []Filter{{Dimension: "anzianita", Op: "<", Value: 60}}},
				Query{Metric: "quota", Base: m.Name, GroupBy: []string{"forma_giuridica"}, Subset: []Filter{{Dimension: "anzianita", Value: "3-5 anni"}}},
			)
			// Shares whose subset is empty in some groups: 0 %, not NULL, on both paths.
			qs = append(qs, Query{Metric: "quota", Base: m.Name, GroupBy: []string{"divisione_ateco"}, Subset: []Filter{{Dimension: "classe_addetti", Value: "250+"}}},
				Query{Metric: "quota", Base: m.Name, GroupBy: []string{"quartiere"}, Subset: []Filter{{Dimension: "sezione_ateco", Value: "O"}}})
			qs = append(qs, seriesQueries(m.Name)...)
			continue
		}
		if m.Kind == catalog.KindShare {
			continue
		}
		periods := [][2]string{{"2020-01-01", "2026-06-30"}, {"2024-01-01", "2024-12-31"}}
		if m.Kind != catalog.KindGrowth {
			periods = append(periods, [2]string{"", "2025-12-31"}, [2]string{"", ""}, [2]string{"2021-03-15", "2021-06-30"})
		}
		for _, per := range periods {
			for _, d := range append([]*catalog.Dimension{nil}, cat.Dimensions...) {
				if d != nil && !d.AppliesTo(m.Source) {
					continue
				}
				q := Query{Metric: m.Name, From: per[0], To: per[1]}
				if d != nil {
					q.GroupBy = []string{d.Name}
				}
				qs = append(qs, q)
			}
		}
		if m.Kind == catalog.KindGrowth {
			qs = append(qs, Query{Metric: m.Name, From: "2025-01-01", To: "2025-12-31", GroupBy: []string{"zona"},
				Filters: []Filter{{Dimension: "femminile", Value: true}}},
				// Days that cut months, and breakdowns no cuboid keeps.
				Query{Metric: m.Name, From: "2024-02-10", To: "2025-11-20", GroupBy: []string{"quartiere"}},
				Query{Metric: m.Name, From: "2025-01-01", To: "2025-12-31", GroupBy: []string{"sezione_ateco", "zona", "stato"}},
				Query{Metric: m.Name, From: "2025-03-05", To: "2025-03-25", GroupBy: []string{"anzianita"}},
			)
			// Compared with another period: on the event table in one scan (compare.go).
			qs = append(qs,
				Query{Metric: m.Name, From: "2025-03-05", To: "2025-08-20", GroupBy: []string{"anzianita", "classe_forma"},
					Filters: []Filter{{Dimension: "femminile", Value: true}}, CompareTo: "previous_period"},
				Query{Metric: m.Name, From: "2024-01-01", To: "2024-12-31", GroupBy: []string{"area_statistica", "ateco"}, CompareTo: "previous_year"},
				Query{Metric: m.Name, From: "2023-06-10", To: "2023-09-09", GroupBy: []string{"anzianita"}, CompareTo: "previous_year",
					Limit: 3, Order: &Order{By: "value", Dir: "desc"}},
				Query{Metric: m.Name, From: "2025-01-01", To: "2025-06-30", GroupBy: []string{"comune", "anzianita", "stato"}, CompareTo: "previous_period"},
				Query{Metric: m.Name, From: "2024-11-11", To: "2026-01-31", Filters: []Filter{{Dimension: "anzianita", Op: "<", Value: 30}}, CompareTo: "previous_period"},
				Query{Metric: m.Name, From: "2025-01-01", To: "2025-12-31", GroupBy: []string{"quartiere"}, CompareTo: "previous_year"},
			)
			// Along dimensions no monthly cuboid keeps: a month-less cuboid with the events
			// since the start (totals.go).
			qs = append(qs,
				Query{Metric: m.Name, From: "2025-01-01", To: "2025-12-31", GroupBy: []string{"area_statistica", "stato"}},
				Query{Metric: m.Name, From: "2024-07-15", To: "2025-02-10", GroupBy: []string{"forma_giuridica", "zona"}, Filters: []Filter{{Dimension: "femminile", Value: false}}},
				Query{Metric: m.Name, From: "2025-11-01", To: "2026-06-30", GroupBy: []string{"ateco"}, Filters: []Filter{{Dimension: "giovanile", Value: true}}},
				Query{Metric: m.Name, From: "2025-04-01", To: "2025-06-30", GroupBy: []string{"classe_addetti", "divisione_ateco"}, CompareTo: "previous_year"},
				Query{Metric: m.Name, From: "2022-03-03", To: "2026-06-30", GroupBy: []string{"classe_forma"}, Filters: []Filter{{Dimension: "quartiere", Value: "Navile"}}},
				Query{Metric: m.Name, From: "2019-01-01", To: "2019-12-31", GroupBy: []string{"comune", "stato"}, Filters: []Filter{{Dimension: "sezione_ateco", Op: "!=", Value: "G"}}},
				Query{Metric: m.Name, From: "2026-06-30", To: "2026-06-30", GroupBy: []string{"area_statistica"}, Filters: []Filter{{Dimension: "straniera", Value: true}}},
				Query{Metric: m.Name, From: "2012-01-01", To: "2013-12-31", GroupBy: []string{"forma_giuridica"}, CompareTo: "previous_period"},
			)
			// By age on the cuboids that keep the registration month (00056).
			qs = append(qs,
				Query{Metric: m.Name, From: "2024-07-13", To: "2026-06-27", GroupBy: []string{"anzianita", "comune"}},
				Query{Metric: m.Name, From: "2015-07-25", To: "2015-09-30", GroupBy: []string{"comune", "anzianita"}, CompareTo: "previous_period"},
				Query{Metric: m.Name, From: "2025-01-01", To: "2025-12-31", Filters: []Filter{{Dimension: "anzianita", Op: "<", Value: 36}, {Dimension: "anzianita", Op: "<", Value: 60}}},
				Query{Metric: m.Name, From: "2024-01-01", To: "2024-12-31", GroupBy: []string{"classe_forma"}, Filters: []Filter{{Dimension: "anzianita", Value: "3-5 anni"}}},
				Query{Metric: m.Name, From: "2025-02-01", To: "2025-07-31", GroupBy: []string{"quartiere", "anzianita"}, CompareTo: "previous_year"},
				// Still on the event table, in one scan (a boundary inside a month, the area
				// with the code), or on a month-less cuboid with the events since the start.
				Query{Metric: m.Name, From: "2024-03-01", To: "2024-08-31", GroupBy: []string{"anzianita", "femminile"},
					Filters: []Filter{{Dimension: "anzianita", Op: "<=", Value: 7}}, CompareTo: "previous_period"},
				Query{Metric: m.Name, From: "2023-05-01", To: "2023-10-31", GroupBy: []string{"area_statistica", "ateco"}, CompareTo: "previous_period"},
				Query{Metric: m.Name, From: "2025-01-01", To: "2025-12-31", GroupBy: []string{"ateco", "stato"}},
				Query{Metric: m.Name, From: "2024-02-01", To: "2025-01-31", GroupBy: []string{"forma_giuridica", "sezione_ateco"}},
			)
			// The register's event table from its openings alone: periods starting and ending
			// on many days, so that closures fall on the bounds.
			for i, from := range []string{"2019-05-17", "2020-09-08", "2021-02-14", "2022-11-30", "2023-06-03", "2024-01-20", "2025-08-11", "2026-02-02"} {
				to := day(from).AddDate(0, 4+i, -i).Format(time.DateOnly)
				qs = append(qs, Query{Metric: m.Name, From: from, To: to, GroupBy: []string{"anzianita", "classe_forma"},
					Filters: []Filter{{Dimension: "femminile", Value: i%2 == 0}}})
			}
			continue
		}
		qs = append(qs,
			// Days that cut months: a cuboid's whole months with the event table's days.
			Query{Metric: m.Name, From: "2019-11-20", To: "2021-02-10", TimeGrain: "month", GroupBy: []string{"quartiere"}},
			Query{Metric: m.Name, From: "2020-02-29", To: "2024-12-30", TimeGrain: "quarter"},
			Query{Metric: m.Name, From: "2021-03-15", To: "2021-06-10", CompareTo: "previous_period", GroupBy: []string{"sezione_ateco"}},
			Query{Metric: m.Name, From: "2021-03-15", To: "2021-03-20", CompareTo: "previous_year"},
			Query{Metric: m.Name, To: "2024-07-17", GroupBy: []string{"anno"}},
			// Breakdowns no cuboid keeps: the event table.
			Query{Metric: m.Name, From: "2020-01-01", GroupBy: []string{"quartiere", "sezione_ateco", "classe_forma"}},
			Query{Metric: m.Name, From: "2018-05-01", GroupBy: []string{"ateco", "stato"}, Limit: 15, Order: &Order{By: "value", Dir: "desc"}},
			Query{Metric: m.Name, From: "2020-01-07", GroupBy: []string{"anzianita", "area_statistica"}, Filters: []Filter{{Dimension: "femminile", Value: false}}},
			Query{Metric: m.Name, GroupBy: []string{"forma_giuridica", "classe_addetti", "zona"}, Filters: []Filter{{Dimension: "anzianita", Op: ">=", Value: 24}}},
			Query{Metric: m.Name, From: "2022-01-01", To: "2023-06-30", TimeGrain: "year", GroupBy: []string{"divisione_ateco", "giovanile"}},
		)
		qs = append(qs,
			Query{Metric: m.Name, From: "2019-01-01", TimeGrain: "quarter"},
			Query{Metric: m.Name, From: "2020-01-01", To: "2021-12-31", TimeGrain: "month", GroupBy: []string{"quartiere"}},
			Query{Metric: m.Name, TimeGrain: "year"}, // no start: months one by one before the horizon
			Query{Metric: m.Name, From: "2020-01-01", GroupBy: []string{"quartiere"}, Filters: []Filter{{Dimension: "femminile", Value: true}}},
			Query{Metric: m.Name, From: "2020-01-01", GroupBy: []string{"sezione_ateco"},
				Filters: []Filter{{Dimension: "giovanile", Value: false}, {Dimension: "artigiana", Value: false}}},
			Query{Metric: m.Name, From: "2020-01-01", GroupBy: []string{"anno"}, Filters: []Filter{{Dimension: "quartiere", Op: "in", Values: []any{"Navile", "Savena"}}}},
			Query{Metric: m.Name, From: "2020-03-01", To: "2020-05-31", CompareTo: "previous_year", GroupBy: []string{"quartiere"}},
			Query{Metric: m.Name, From: "2024-01-01", To: "2024-06-30", CompareTo: "previous_period"},
			Query{Metric: m.Name, From: "2022-01-01", Filters: []Filter{{Dimension: "anzianita", Op: "<", Value: 36}}},
			Query{Metric: m.Name, From: "2022-01-01", GroupBy: []string{"zona"}, Order: &Order{By: "value", Dir: "desc"}, Limit: 3},
			Query{Metric: "quota", Base: m.Name, From: "2022-01-01", GroupBy: []string{"quartiere"}, Subset: []Filter{{Dimension: "straniera", Value: true}}},
			// No period along dimensions no monthly cuboid keeps together: the month-less
			// cuboids (00053); with a time dimension, a grain or an age they must not answer.
			Query{Metric: m.Name, GroupBy: []string{"classe_forma"}, Filters: []Filter{{Dimension: "quartiere", Value: "Navile"}}},
			Query{Metric: m.Name, GroupBy: []string{"area_statistica", "stato"}},
			Query{Metric: m.Name, GroupBy: []string{"ateco"}, Filters: []Filter{{Dimension: "femminile", Value: true}}},
			Query{Metric: m.Name, GroupBy: []string{"forma_giuridica", "zona"}, Filters: []Filter{{Dimension: "straniera", Op: "!=", Value: true}}},
			Query{Metric: m.Name, GroupBy: []string{"classe_addetti", "divisione_ateco"}, CompareTo: "previous_year"},
			Query{Metric: m.Name, GroupBy: []string{"comune"}, Filters: []Filter{{Dimension: "sezione_ateco", Op: "in", Values: []any{"G", "C"}}}},
			// Ages of the companies opened: a cuboid's month is the registration date (age.go)
			// when every boundary is a month's end (the snapshot is 2026-06-30), not otherwise.
			Query{Metric: m.Name, From: "2021-03-15", To: "2025-11-20", GroupBy: []string{"anzianita", "quartiere"}},
			Query{Metric: m.Name, GroupBy: []string{"anzianita"}},
			Query{Metric: m.Name, From: "2019-01-01", GroupBy: []string{"sezione_ateco"}, Filters: []Filter{{Dimension: "anzianita", Op: "between", Values: []any{5, 40}}}},
			Query{Metric: m.Name, TimeGrain: "year", Filters: []Filter{{Dimension: "anzianita", Op: "<", Value: 7}}},
			Query{Metric: m.Name, From: "2020-01-01", Filters: []Filter{{Dimension: "anzianita", Op: "<=", Value: 7}}},
			Query{Metric: m.Name, From: "2023-01-01", To: "2025-06-30", GroupBy: []string{"classe_forma"}, Filters: []Filter{{Dimension: "anzianita", Value: "1-3 anni"}}, CompareTo: "previous_period"},
			Query{Metric: "quota", Base: m.Name, From: "2021-01-01", GroupBy: []string{"quartiere"}, Subset: []Filter{{Dimension: "anzianita", Op: "<", Value: 24}}},
			// Closures, balances and growth rates by age: the cuboids that keep the registration
			// month (00056), when every boundary is a month's end.
			Query{Metric: m.Name, From: "2019-04-01", GroupBy: []string{"anzianita"}, Filters: []Filter{{Dimension: "comune", Value: "BOLOGNA"}}},
			Query{Metric: m.Name, From: "2020-02-10", To: "2025-10-20", GroupBy: []string{"classe_forma", "anzianita"}},
			Query{Metric: m.Name, From: "2018-01-01", GroupBy: []string{"femminile"}, Filters: []Filter{{Dimension: "anzianita", Op: "between", Values: []any{12, 59}}}},
			Query{Metric: m.Name, From: "2022-01-01", TimeGrain: "quarter", GroupBy: []string{"quartiere"}, Filters: []Filter{{Dimension: "anzianita", Op: ">", Value: 35}}},
			Query{Metric: m.Name, GroupBy: []string{"stato", "anzianita"}, Filters: []Filter{{Dimension: "anzianita", Op: "<", Value: 240}}},
			Query{Metric: "quota", Base: m.Name, From: "2023-03-01", GroupBy: []string{"femminile"}, Subset: []Filter{{Dimension: "anzianita", Value: "meno di 1 anno"}}},
			// Starts before the monthly cube's horizon (2006): the register's history by month
			// (00055), whole months and edge days.
			Query{Metric: m.Name, From: "2001-01-01", TimeGrain: "year", GroupBy: []string{"quartiere"}},
			Query{Metric: m.Name, From: "1999-05-10", GroupBy: []string{"anno", "sezione_ateco"}},
			Query{Metric: m.Name, From: "2000-01-01", To: "2026-03-31", TimeGrain: "quarter", Filters: []Filter{{Dimension: "femminile", Value: true}}},
			Query{Metric: m.Name, From: "2003-02-01", To: "2025-12-20", GroupBy: []string{"classe_forma", "stato"}},
			Query{Metric: m.Name, GroupBy: []string{"tipo_cig", "quartiere"}},
			Query{Metric: m.Name, GroupBy: []string{"causale_cig", "area_statistica"}, Filters: []Filter{{Dimension: "esito", Op: "!=", Value: "RESPINTA"}}},
			Query{Metric: m.Name, GroupBy: []string{"settore_suap", "femminile"}, Filters: []Filter{{Dimension: "tipo_pratica", Value: "APERTURA"}}},
			Query{Metric: m.Name, GroupBy: []string{"tipo_pratica", "ateco"}},
			Query{Metric: m.Name, GroupBy: []string{"area_statistica", "anno"}, Filters: []Filter{{Dimension: "femminile", Value: true}}},
			Query{Metric: m.Name, GroupBy: []string{"classe_forma"}, Filters: []Filter{{Dimension: "quartiere", Value: "Navile"}}, TimeGrain: "year"},
			Query{Metric: m.Name, GroupBy: []string{"stato"}, Filters: []Filter{{Dimension: "anzianita", Op: "<", Value: 40}}},
			Query{Metric: "quota", Base: m.Name, GroupBy: []string{"zona", "classe_forma"}, Subset: []Filter{{Dimension: "giovanile", Value: true}}},
		)
		if strings.Contains(m.Value, "count(DISTINCT ") {
			qs = append(qs, distinctQueries(m.Name)...)
		}
	}
	return qs
}

// distinctQueries are shapes of a distinct count of companies that the first occurrences
// (00062, distinct.go) answer with one of the row's own columns grouped or filtered to one
// value, time periods starting inside the window or at its start, and those they must leave to
// count(DISTINCT): two own columns, several values of one, a filter on time.
func distinctQueries(metric string) []Query {
	return []Query{
		{Metric: metric, From: "2020-03-15", GroupBy: []string{"tipo_cig"}},
		{Metric: metric, From: "2019-06-15", GroupBy: []string{"esito", "anno"}},
		{Metric: metric, From: "2020-02-10", To: "2021-03-20", TimeGrain: "month", GroupBy: []string{"quartiere"},
			Filters: []Filter{{Dimension: "causale_cig", Value: "COVID-19"}}},
		{Metric: metric, From: "2021-01-10", To: "2021-12-31", GroupBy: []string{"trimestre"}, CompareTo: "previous_year",
			Filters: []Filter{{Dimension: "esito", Value: "AUTORIZZATA"}}},
		{Metric: metric, To: "2020-12-31", GroupBy: []string{"mese", "femminile"}},
		{Metric: metric, GroupBy: []string{"causale_cig", "classe_forma"}, Filters: []Filter{{Dimension: "tipo_cig", Value: "CIGO"}}},
		{Metric: metric, GroupBy: []string{"causale_cig", "esito"}},
		{Metric: metric, GroupBy: []string{"quartiere"}, Filters: []Filter{{Dimension: "tipo_cig", Op: "in", Values: []any{"CIGO", "CIGS"}}}},
		{Metric: metric, From: "2020-01-01", Filters: []Filter{{Dimension: "tipo_cig", Op: "!=", Value: "FIS"}}},
		{Metric: metric, GroupBy: []string{"zona"}, Filters: []Filter{{Dimension: "anno", Value: 2021}}},
		{Metric: metric, From: "2019-05-05", GroupBy: []string{"causale_cig"}, Filters: []Filter{{Dimension: "anno", Op: "between", Values: []any{2020, 2021}}}},
		{Metric: metric, From: "2020-07-01", TimeGrain: "quarter", Filters: []Filter{{Dimension: "anno", Op: "in", Values: []any{2021, 2020}}}},
		{Metric: metric, GroupBy: []string{"quartiere"}, Filters: []Filter{{Dimension: "anno", Op: "in", Values: []any{2020, 2022}}}},
		{Metric: metric, From: "2019-01-01", GroupBy: []string{"bando"}, Filters: []Filter{{Dimension: "anno", Op: "!=", Value: 2021}}},
		{Metric: metric, From: "2021-01-01", TimeGrain: "quarter", GroupBy: []string{"bando"}},
		{Metric: metric, GroupBy: []string{"femminile"}, Filters: []Filter{{Dimension: "bando", Value: "B-2021-07"}}},
		{Metric: metric, From: "2020-09-09", GroupBy: []string{"zona"}, Filters: []Filter{{Dimension: "bando", Op: "in", Values: []any{"B-2020-03", "B-2023-02"}}}},
		{Metric: metric, From: "2019-03-03", To: "2023-09-09", GroupBy: []string{"sezione_ateco", "comune"}, CompareTo: "previous_period"},
		{Metric: metric, From: "2020-06-10", TimeGrain: "year", GroupBy: []string{"classe_forma"}, CompareTo: "previous_year",
			Filters: []Filter{{Dimension: "anzianita", Op: "<", Value: 60}}},
		// Periods that start on their first day, or no start: the cuboids' first occurrences
		// of the month, quarter, year or ever (00065), along the partition the cuboid keeps.
		{Metric: metric, From: "2020-01-01", TimeGrain: "month", GroupBy: []string{"quartiere"}},
		{Metric: metric, TimeGrain: "quarter", GroupBy: []string{"esito"}},
		{Metric: metric, GroupBy: []string{"causale_cig"}},
		{Metric: metric, From: "2021-01-01", To: "2021-12-31", GroupBy: []string{"forma_giuridica", "artigiana"}},
		{Metric: metric, From: "2020-04-01", To: "2020-06-30", GroupBy: []string{"sezione_ateco", "divisione_ateco"}},
		{Metric: metric, From: "2021-03-01", To: "2021-03-31", GroupBy: []string{"comune"}},
		{Metric: metric, From: "2020-01-01", To: "2020-05-31", GroupBy: []string{"femminile"}},
		{Metric: metric, GroupBy: []string{"mese", "zona"}, Filters: []Filter{{Dimension: "anno", Value: 2021}}},
		{Metric: metric, From: "2019-01-01", TimeGrain: "year", GroupBy: []string{"classe_addetti"}, CompareTo: "previous_year"},
		{Metric: metric, From: "2020-01-01", To: "2022-06-30", TimeGrain: "quarter", Filters: []Filter{{Dimension: "esito", Value: "AUTORIZZATA"}}},
		{Metric: metric, GroupBy: []string{"sezione_ateco", "quartiere"}, Filters: []Filter{{Dimension: "sezione_ateco", Op: "!=", Value: "C"}}},
		{Metric: metric, GroupBy: []string{"tipo_cig", "anno"}, CompareTo: "previous_year"},
		{Metric: metric, GroupBy: []string{"divisione_ateco"}, TimeGrain: "year", Filters: []Filter{{Dimension: "stato", Value: "ATTIVA"}}},
		{Metric: metric, TimeGrain: "year", GroupBy: []string{"quartiere", "classe_forma"}},
		// Since a month's first day with no end: the companies' last rows (00067).
		{Metric: metric, From: "2020-01-01", GroupBy: []string{"quartiere"}},
		{Metric: metric, From: "2021-04-01", GroupBy: []string{"esito"}},
		{Metric: metric, From: "2020-03-01", Filters: []Filter{{Dimension: "causale_cig", Value: "COVID-19"}}},
		{Metric: metric, From: "2019-06-01", GroupBy: []string{"sezione_ateco", "divisione_ateco"}},
		{Metric: metric, From: "2022-01-01", GroupBy: []string{"classe_forma"}, CompareTo: "previous_period"},
		{Metric: metric, From: "2020-03-09", GroupBy: []string{"quartiere"}},
		{Metric: metric, From: "2021-07-15", GroupBy: []string{"esito", "femminile"}},
		{Metric: metric, From: "2019-11-16", Filters: []Filter{{Dimension: "tipo_cig", Value: "CIGS"}}},
		{Metric: metric, TimeGrain: "year", GroupBy: []string{"sezione_ateco", "femminile"}},
		{Metric: metric, From: "2020-01-01", GroupBy: []string{"divisione_ateco", "straniera"}},
		{Metric: metric, From: "2021-01-01", TimeGrain: "quarter", GroupBy: []string{"quartiere", "sezione_ateco"}, Filters: []Filter{{Dimension: "giovanile", Value: false}}},
		{Metric: metric, From: "2021-01-01", To: "2021-12-31", Filters: []Filter{{Dimension: "tipo_cig", Op: "in", Values: []any{"CIGO", "CIGO"}}}},
		{Metric: metric, From: "2021-01-01", To: "2021-12-31", GroupBy: []string{"quartiere"}, Filters: []Filter{{Dimension: "sezione_ateco", Value: "G"}}},
		{Metric: metric, From: "2020-01-01", To: "2021-12-31", GroupBy: []string{"quartiere"}}, // two years: no single period
		{Metric: metric, From: "2020-02-01", TimeGrain: "quarter"},                             // a quarter cut at its start
		{Metric: metric, From: "2020-01-01", To: "2020-12-20", TimeGrain: "month"},             // a month cut at its end
	}
}

// seriesQueries are stock series over the fixture's two snapshots (2025-12-31 and the latest,
// 2026-06-30): those whose periods pick only the latest snapshot read its aggregates (see
// series.go), the others the register's history.
func seriesQueries(metric string) []Query {
	return []Query{
		{Metric: metric, TimeGrain: "year"}, // both snapshots: two points
		{Metric: metric, TimeGrain: "year", From: "2026-01-01"},
		{Metric: metric, TimeGrain: "year", From: "2025-06-01", To: "2026-12-31", GroupBy: []string{"quartiere"}},
		{Metric: metric, TimeGrain: "year", To: "2026-05-31"},
		{Metric: metric, GroupBy: []string{"anno", "quartiere"}, From: "2026-01-01"},
		{Metric: metric, GroupBy: []string{"anno", "classe_addetti"}, Filters: []Filter{{Dimension: "femminile", Value: false}}},
		{Metric: metric, GroupBy: []string{"trimestre", "divisione_ateco"}, From: "2026-04-01", Filters: []Filter{{Dimension: "quartiere", Op: "!=", Value: "Navile"}}},
		{Metric: metric, GroupBy: []string{"mese", "ateco"}, From: "2026-06-01", Limit: 10, Order: &Order{By: "value", Dir: "desc"}},
		{Metric: metric, TimeGrain: "quarter", From: "2026-01-01", Filters: []Filter{{Dimension: "anno", Op: "between", Values: []any{2020, 2025}}}},
		{Metric: metric, TimeGrain: "month", From: "2026-01-01", GroupBy: []string{"anzianita"}},
		{Metric: metric, TimeGrain: "year", From: "2026-01-01", To: "2026-12-31", CompareTo: "previous_year", GroupBy: []string{"sezione_ateco"}},
		{Metric: "quota", Base: metric, TimeGrain: "quarter", From: "2026-01-01", GroupBy: []string{"divisione_ateco"},
			Subset: []Filter{{Dimension: "straniera", Value: true}}},
		{Metric: "quota", Base: metric, GroupBy: []string{"anno", "comune"}, Subset: []Filter{{Dimension: "sezione_ateco", Value: "O"}}},
	}
}

// TestCubeAndDetailedPathsGiveTheSameRows runs every query twice, from the cubes where they
// can answer and from the detailed tables, and requires the same rows, values and types.
func TestCubeAndDetailedPathsGiveTheSameRows(t *testing.T) {
	e, _ := testEngine(t)
	fast, slow := NewEngine(e.pool, e.catalog).WithoutCache(), detailedEngine(e)
	ctx := context.Background()
	var repeats bool // companies with grants in several months: beneficiaries are not a count of grants
	if err := e.pool.QueryRow(ctx, `SELECT count(DISTINCT (codice_fiscale, date_trunc('month', dt_concessione))) > count(DISTINCT codice_fiscale)
		FROM contributi WHERE esito = 'CONCESSO' AND dt_concessione IS NOT NULL`).Scan(&repeats); err != nil || !repeats {
		t.Fatalf("the fixture has no company with grants in two months (%v)", err)
	}
	onCube := map[string]int{}
	total := 0
	for _, q := range cubeQueries(e.Catalog()) {
		name := fmt.Sprintf("%+v", q)
		want, err := slow.Run(ctx, q, Policy{AllowDetails: true})
		if err != nil {
			if strings.Contains(err.Error(), "does not apply") || strings.Contains(err.Error(), "invalid query") {
				continue
			}
			t.Fatalf("%s: detailed: %v", name, err)
		}
		got, err := fast.Run(ctx, q, Policy{AllowDetails: true})
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		total++
		if strings.Contains(want.SQL, "agg_") {
			t.Fatalf("%s: the detailed path read an aggregate:\n%s", name, want.SQL)
		}
		if strings.Contains(got.SQL, "agg_") {
			onCube[q.Metric]++
		}
		if strings.Contains(got.SQL, "agg_contributi_cubo") {
			onCube["contributi on the cube"]++
		}
		if strings.Contains(got.SQL, "agg_eventi_") {
			onCube["event tables"]++
		}
		if q.Metric != "" && strings.Contains(got.SQL, "agg_") && !strings.Contains(strings.ReplaceAll(got.SQL, "agg_eventi_", ""), "agg_") {
			onCube[q.Metric+" on the event table"]++
		}
		if q.Metric == "aperture" || q.Base == "aperture" {
			if strings.Contains(name, "anzianita") && strings.Contains(got.SQL, "i.mese > ") {
				onCube["openings by age on a cuboid"]++
			}
		}
		if strings.Contains(name, "anzianita") && strings.Contains(got.SQL, "agg_imprese_flussi") {
			switch {
			case q.Metric == "chiusure" || q.Metric == "saldo" || q.Metric == "tasso_crescita" || q.Base == "chiusure":
				onCube["other flows by age on registration months"]++
			case strings.HasPrefix(q.Metric, "imprese_") || strings.HasPrefix(q.Base, "imprese_"):
				onCube["stock by age on a cuboid"]++
			}
		}
		if strings.Contains(got.SQL, "i."+classColumn) && (strings.HasPrefix(q.Metric, "imprese_") || strings.HasPrefix(q.Base, "imprese_")) {
			onCube["stock by age class"]++
		}
		if strings.Contains(got.SQL, "agg_stock_dettaglio") && strings.Contains(name, "ateco") && strings.Contains(name, "comune") {
			onCube["code by comune on the stock detail"]++
		}
		if strings.Contains(got.SQL, "agg_imprese_storico") {
			onCube["register history by month"]++
		}
		if strings.Contains(got.SQL, "_totali") && q.Metric == "tasso_crescita" {
			onCube["growth on month-less cuboids"]++
		}
		if strings.Contains(got.SQL, "valore_confronto_") {
			onCube["growth compared in one scan"]++
		}
		if strings.Contains(got.SQL, "_totali") {
			onCube["month-less cuboids"]++
		}
		if strings.Contains(got.SQL, "agg_imprese_vive") {
			onCube["live companies"]++
		}
		if strings.Contains(got.SQL, "i.ultime") {
			onCube["distinct companies since a month on the cuboids' last rows"]++
			if strings.Contains(got.SQL, "UNION ALL SELECT data") {
				onCube["distinct companies since a day: last rows with edge days"]++
			}
		}
		if strings.Contains(got.SQL, "i.prime_") || strings.Contains(got.SQL, "i.ultime") {
			onCube[q.Metric+" on the cuboids' first occurrences"]++
			if strings.Contains(name, "divisione_ateco") || strings.Contains(name, "esito") || strings.Contains(name, "causale") || strings.Contains(name, "tipo_cig") {
				onCube["cuboids' first occurrences along a row's own column"]++
			}
		}
		if strings.Contains(got.SQL, "i.prec") {
			onCube["distinct companies as first occurrences"]++
			if strings.Contains(got.SQL, "i.prec_") {
				onCube["first occurrences along a row's own column"]++
			}
		}
		if strings.Contains(got.SQL, "UNION ALL SELECT data") {
			onCube["cuboid with edge days"]++
		}
		if got.SQL != want.SQL && strings.Contains(want.SQL, "register_snapshots snap") && !strings.Contains(got.SQL, "register_snapshots snap") {
			onCube["series of the latest snapshot"]++
		}
		if !reflect.DeepEqual(want.Columns, got.Columns) || !reflect.DeepEqual(want.Rows, got.Rows) {
			t.Errorf("%s: cube and detailed path differ\ncube:     %v\ndetailed: %v\nSQL: %s", name, got.Rows, want.Rows, got.SQL)
		}
	}
	// Every flow metric must be answered from its cube for most shapes, except distinct
	// companies the cubes' sums cannot count (the grants' rows can: agg_contributi), which must
	// never be.
	for _, m := range e.Catalog().Metrics {
		if m.Kind == catalog.KindShare {
			continue
		}
		if _, summed := cubeMeasures[m.Name]; !summed && m.Kind == catalog.KindFlow && m.Source != "contributi" {
			// Only the event table (one row per event) may answer it (distinctOnEvents), or the
			// cuboids' counts of first occurrences (firstsOnCuboid).
			firsts := onCube[m.Name+" on the cuboids' first occurrences"]
			if onCube[m.Name] != onCube[m.Name+" on the event table"]+firsts || onCube[m.Name] < 10 || firsts < 12 {
				t.Errorf("%s: %d queries read an aggregate, %d the event table, %d the cuboids' first occurrences",
					m.Name, onCube[m.Name], onCube[m.Name+" on the event table"], firsts)
			}
			continue
		}
		if onCube[m.Name] < 10 {
			t.Errorf("%s: only %d queries read the cube", m.Name, onCube[m.Name])
		}
	}
	if onCube["event tables"] < 200 || onCube["cuboid with edge days"] < 50 {
		t.Errorf("event tables read by %d queries, edge days by %d", onCube["event tables"], onCube["cuboid with edge days"])
	}
	if onCube["openings by age on a cuboid"] < 5 {
		t.Errorf("only %d openings by age read a cuboid", onCube["openings by age on a cuboid"])
	}
	if onCube["other flows by age on registration months"] < 15 {
		t.Errorf("only %d closures, balances or growth rates by age read a cuboid", onCube["other flows by age on registration months"])
	}
	if onCube["stock by age class"] < 4 {
		t.Errorf("only %d stock counts by age read the classes of age", onCube["stock by age class"])
	}
	if onCube["stock by age on a cuboid"] < 10 || onCube["code by comune on the stock detail"] < 2 {
		t.Errorf("stock by age on a cuboid: %d, the code by comune on the stock detail: %d",
			onCube["stock by age on a cuboid"], onCube["code by comune on the stock detail"])
	}
	if onCube["register history by month"] < 10 {
		t.Errorf("only %d flows read the register's history by month", onCube["register history by month"])
	}
	if onCube["growth on month-less cuboids"] < 5 {
		t.Errorf("only %d growth rates read a month-less cuboid", onCube["growth on month-less cuboids"])
	}
	if onCube["growth compared in one scan"] < 5 {
		t.Errorf("only %d growth rates were compared in one scan", onCube["growth compared in one scan"])
	}
	if onCube["month-less cuboids"] < 40 {
		t.Errorf("only %d flows with no period read the month-less cuboids", onCube["month-less cuboids"])
	}
	if onCube["distinct companies as first occurrences"] < 100 || onCube["first occurrences along a row's own column"] < 20 {
		t.Errorf("distinct companies as first occurrences: %d, along a row's own column: %d",
			onCube["distinct companies as first occurrences"], onCube["first occurrences along a row's own column"])
	}
	if onCube["distinct companies since a month on the cuboids' last rows"] < 5 {
		t.Errorf("only %d distinct counts since a month read the cuboids' last rows",
			onCube["distinct companies since a month on the cuboids' last rows"])
	}
	if onCube["distinct companies since a day: last rows with edge days"] < 3 {
		t.Errorf("only %d distinct counts since a day read the cuboids' last rows with the edge days",
			onCube["distinct companies since a day: last rows with edge days"])
	}
	if onCube["cuboids' first occurrences along a row's own column"] < 6 {
		t.Errorf("only %d distinct counts along a row's own column read the cuboids' first occurrences",
			onCube["cuboids' first occurrences along a row's own column"])
	}
	if onCube["live companies"] < 15 {
		t.Errorf("only %d stock queries read the live companies", onCube["live companies"])
	}
	if onCube["series of the latest snapshot"] < 14 {
		t.Errorf("only %d stock series read the latest snapshot's aggregates", onCube["series of the latest snapshot"])
	}
	if onCube["contributi on the cube"] < 50 {
		t.Errorf("grants: only %d queries read the cube", onCube["contributi on the cube"])
	}
	t.Logf("%d queries, on the cubes: %v", total, onCube)
}

// TestEachQueryReadsTheStructureThatAnswersIt: a flow on an earlier snapshot goes to the
// detailed tables, a stock to the roll-ups recorded for it; days that cut a month read a
// cuboid's whole months and the event table's days;
// months before the horizon one by one, company ages and breakdowns no cuboid keeps read the
// event table. (TestCubeAndDetailedPathsGiveTheSameRows checks their rows.)
func TestEachQueryReadsTheStructureThatAnswersIt(t *testing.T) {
	e, _ := testEngine(t)
	ctx := context.Background()
	if _, err := RefreshCubes(ctx, dbtest.Shared(t).Pool); err != nil { // other tests commit loads
		t.Fatal(err)
	}
	for _, c := range []struct {
		q          Query
		read, skip string
	}{
		{Query{Metric: "aperture", From: "2020-01-01", GroupBy: []string{"quartiere"}, AsOf: "2025-12-31"}, "", "agg_"},
		{Query{Metric: "aperture", From: "2020-01-15", GroupBy: []string{"quartiere"}}, "agg_imprese_flussi WHERE cuboide", ""},
		{Query{Metric: "chiusure", From: "2020-01-01", To: "2020-02-14"}, "UNION ALL SELECT data", ""},
		{Query{Metric: "cig_ore_richieste", From: "2020-01-10", To: "2021-03-20", TimeGrain: "quarter"}, "agg_eventi_cig WHERE (data", ""},
		{Query{Metric: "aperture", From: "1990-01-01", TimeGrain: "year"}, "FROM agg_imprese_storico i", "agg_imprese_flussi"},
		{Query{Metric: "aperture", From: "1990-01-01", TimeGrain: "year", GroupBy: []string{"area_statistica"}}, "FROM agg_eventi_imprese i", "agg_imprese_storico"},
		{Query{Metric: "chiusure", From: "2020-01-01", GroupBy: []string{"anzianita"}}, "FROM agg_imprese_flussi i", "agg_eventi"},
		{Query{Metric: "chiusure", From: "2020-01-01", Filters: []Filter{{Dimension: "anzianita", Op: "<=", Value: 7}}}, "FROM agg_eventi_imprese i", "agg_imprese_flussi"},
		{Query{Metric: "tasso_crescita", From: "2025-01-01", To: "2025-12-31", GroupBy: []string{"anzianita"}}, "FROM agg_imprese_flussi i", "agg_eventi"},
		{Query{Metric: "aperture", From: "2020-01-01", GroupBy: []string{"anzianita"}}, "FROM agg_imprese_flussi i", "agg_eventi"},
		{Query{Metric: "aperture", From: "2020-01-01", Filters: []Filter{{Dimension: "anzianita", Op: "<=", Value: 7}}}, "FROM agg_eventi_imprese i", "agg_imprese_flussi"},
		{Query{Metric: "cig_domande", From: "2020-01-01", Filters: []Filter{{Dimension: "anzianita", Op: "<", Value: 30}}}, "FROM agg_eventi_cig i", "agg_cig "},
		{Query{Metric: "cig_domande", From: "2020-01-01", Filters: []Filter{{Dimension: "anzianita", Op: "<", Value: 36}}}, "FROM agg_cig i", "agg_eventi"},
		{Query{Metric: "suap_pratiche", From: "2020-01-01", GroupBy: []string{"area_statistica", "settore_suap", "forma_giuridica"}}, "FROM agg_eventi_suap i", "agg_suap "},
		{Query{Metric: "cig_domande", From: "2020-01-01", GroupBy: []string{"area_statistica", "ateco", "forma_giuridica"}}, "FROM agg_eventi_cig i", "agg_cig "},
		{Query{Metric: "suap_pratiche", From: "2020-01-01", GroupBy: []string{"quartiere", "settore_suap", "stato"}}, "FROM agg_suap i", "agg_eventi"},
		{Query{Metric: "cig_domande", From: "2020-01-01", GroupBy: []string{"quartiere", "sezione_ateco", "classe_forma"}}, "FROM agg_cig i", "agg_eventi"},
		{Query{Metric: "chiusure", From: "2024-01-01", GroupBy: []string{"ateco"}}, "agg_imprese_flussi", ""},
		// A sector with the company's types, alone or by quartiere (00068): summed and distinct.
		{Query{Metric: "cig_ore_richieste", From: "2020-01-01", GroupBy: []string{"divisione_ateco", "femminile"}}, "FROM agg_cig i", "agg_eventi"},
		{Query{Metric: "cig_imprese", TimeGrain: "year", GroupBy: []string{"sezione_ateco", "straniera"}}, "i.prime_anno", "agg_eventi"},
		{Query{Metric: "cig_imprese", From: "2020-01-01", GroupBy: []string{"quartiere", "sezione_ateco"}, Filters: []Filter{{Dimension: "giovanile", Value: true}}}, "i.ultime", "agg_eventi"},
		{Query{Metric: "cig_imprese", From: "2020-01-01", GroupBy: []string{"divisione_ateco", "artigiana", "classe_forma"}, TimeGrain: "month"}, "i.prime_mese", "agg_eventi"},
		// No period: the month-less cuboids, unless a time dimension or an age needs the dates.
		{Query{Metric: "aperture", GroupBy: []string{"classe_forma", "quartiere"}}, "FROM agg_imprese_totali i", "agg_eventi"},
		{Query{Metric: "cig_ore_richieste", GroupBy: []string{"causale_cig", "area_statistica"}}, "FROM agg_cig_totali i", "agg_eventi"},
		{Query{Metric: "suap_pratiche", GroupBy: []string{"settore_suap", "area_statistica", "classe_forma"}}, "FROM agg_suap_totali i", "agg_eventi"},
		{Query{Metric: "aperture", GroupBy: []string{"classe_forma", "anno"}}, "", "_totali"},
		{Query{Metric: "chiusure", GroupBy: []string{"classe_forma", "anzianita"}}, "agg_imprese_flussi", "_totali"},
		{Query{Metric: "chiusure", GroupBy: []string{"classe_forma", "anzianita", "zona"}}, "agg_eventi_imprese", "_totali"},
		{Query{Metric: "aperture", From: "2020-01-01", GroupBy: []string{"classe_forma", "area_statistica"}}, "agg_eventi_imprese", "_totali"},
		{Query{Metric: "contributi_importo_concesso", From: "2020-01-15", GroupBy: []string{"quartiere"}}, "agg_contributi i", "agg_contributi_cubo"},
		// A series whose periods pick only the latest snapshot reads its aggregates; one over
		// both snapshots, their recorded roll-ups (00063), or the register's history when no
		// cuboid keeps its columns.
		{Query{Metric: "imprese_attive", TimeGrain: "year", From: "2026-01-01", GroupBy: []string{"quartiere"}}, "agg_stock_cuboidi", "imprese_storia"},
		{Query{Metric: "imprese_attive", GroupBy: []string{"anno", "ateco", "quartiere"}, From: "2026-01-01"}, "agg_stock_dettaglio", "imprese_storia"},
		{Query{Metric: "imprese_attive", GroupBy: []string{"anno", "ateco", "classe_addetti"}, From: "2026-01-01"}, "agg_stock_dettaglio", "imprese_storia"},
		{Query{Metric: "imprese_attive", GroupBy: []string{"anno", "area_statistica", "ateco", "forma_giuridica"}, From: "2026-01-01"}, "agg_imprese_vive", "imprese_storia"},
		// Stock along the area or the code: the live companies, not every opening, unless a
		// cuboid of agg_stock_dettaglio keeps them (the code and the area by quartiere, 00056).
		{Query{Metric: "imprese_registrate", GroupBy: []string{"area_statistica", "ateco", "femminile"}}, "FROM agg_imprese_vive i", "agg_eventi"},
		{Query{Metric: "imprese_registrate", GroupBy: []string{"comune", "ateco"}}, "FROM agg_stock_dettaglio i", "agg_imprese_vive"},
		// Stock by age along the area: the openings of a monthly cuboid (00056).
		{Query{Metric: "imprese_attive", GroupBy: []string{"area_statistica", "anzianita"}}, "FROM agg_imprese_flussi i", "agg_imprese_vive"},
		{Query{Metric: "imprese_attive", TimeGrain: "year", GroupBy: []string{"quartiere"}}, "FROM agg_stock_storia i", "imprese_storia"},
		{Query{Metric: "imprese_attive", TimeGrain: "year", GroupBy: []string{"area_statistica"}}, "imprese_storia", "agg_stock_storia"},
		// Stock as of an earlier snapshot, or compared with one: the roll-ups recorded for it
		// (00063), unless none keeps the query's columns.
		{Query{Metric: "imprese_attive", AsOf: "2025-12-31", GroupBy: []string{"quartiere"}, Filters: []Filter{{Dimension: "femminile", Value: true}}}, "FROM agg_stock_storia i", "imprese_storia"},
		{Query{Metric: "imprese_registrate", AsOf: "2025-12-31", GroupBy: []string{"classe_addetti", "classe_forma"}}, "FROM agg_stock_storia i", "imprese_storia"},
		{Query{Metric: "imprese_attive", CompareTo: "previous_period", GroupBy: []string{"sezione_ateco"}}, "FROM agg_stock_storia i", "imprese_storia"},
		{Query{Metric: "imprese_attive", AsOf: "2025-12-31", GroupBy: []string{"area_statistica"}}, "imprese_storia", "agg_stock_storia"},
	} {
		r, err := e.Run(ctx, c.q, Policy{AllowDetails: true})
		if err != nil {
			t.Fatalf("%+v: %v", c.q, err)
		}
		if c.read != "" && !strings.Contains(r.SQL, c.read) || c.skip != "" && strings.Contains(r.SQL, c.skip) {
			t.Errorf("%+v: want %q and not %q in:\n%s", c.q, c.read, c.skip, r.SQL)
		}
	}
	r, err := e.Run(ctx, Query{Metric: "contributi_beneficiari", Filters: []Filter{{Dimension: "anzianita", Op: "<", Value: 36}}}, Policy{})
	if err != nil || !strings.Contains(r.SQL, "agg_contributi") {
		t.Errorf("grants carry the registration date: %v\n%s", err, r.SQL)
	}
	// Stock by age: from the openings when every boundary is a month's end (the snapshot is
	// 2026-06-30: 36 months before is 2023-06-30), not when one is not (7 months before the
	// snapshot is 2025-11-30, but "at most 7" compares with 8 months before: 2025-10-30).
	r, err = e.Run(ctx, Query{Metric: "imprese_attive", GroupBy: []string{"classe_addetti"},
		Filters: []Filter{{Dimension: "anzianita", Op: "<", Value: 36}, {Dimension: "straniera", Value: true}}}, Policy{})
	if err != nil || !strings.Contains(r.SQL, "agg_imprese_flussi") {
		t.Errorf("stock by age did not read the openings: %v\n%s", err, r.SQL)
	}
	r, err = e.Run(ctx, Query{Metric: "imprese_attive", Filters: []Filter{{Dimension: "anzianita", Op: "<=", Value: 7}}}, Policy{})
	if err != nil || strings.Contains(r.SQL, "agg_imprese_flussi") || !strings.Contains(r.SQL, "agg_imprese_vive") {
		t.Errorf("a boundary inside a month read the openings by month, not the live companies: %v\n%s", err, r.SQL)
	}
}

// TestCubesAreReadOnlyWhileCurrent: after a new committed load the cubes are stale and the
// detailed tables answer (with the new data); the server's refresh loop rebuilds them and they
// answer again, with the same rows; then a refresh has nothing to do.
func TestCubesAreReadOnlyWhileCurrent(t *testing.T) {
	d := dbtest.Fresh(t)
	ctx := context.Background()
	fx := buildFixture(7, 200)
	fx.load(ctx, t, d.Pool)
	eng := NewEngine(d.Pool, catalogForTest()).WithoutCache()
	q := Query{Metric: "cig_domande", From: "2026-01-01", To: "2026-06-30", GroupBy: []string{"quartiere"}}
	before, err := eng.Run(ctx, q, Policy{AllowDetails: true})
	if err != nil || !strings.Contains(before.SQL, "agg_cig") {
		t.Fatalf("%v\n%s", err, before.SQL)
	}
	var cf string
	if err := d.Pool.QueryRow(ctx, `SELECT codice_fiscale FROM imprese WHERE quartiere = 'Navile' LIMIT 1`).Scan(&cf); err != nil {
		t.Fatal(err)
	}
	if _, err := d.Pool.Exec(ctx, `WITH b AS (INSERT INTO load_batches (kind, file_name, checksum, status)
			VALUES ('cig', 'cig.csv', 'cube-test', 'committed') RETURNING id)
		INSERT INTO cig_domande (id_domanda, codice_fiscale, tipo, dt_domanda, esito, batch_id)
		SELECT 'TEST-CUBE-1', $1, 'CIGO', '2026-03-10', 'IN ISTRUTTORIA', id FROM b`, cf); err != nil {
		t.Fatal(err)
	}
	stale, err := eng.Run(ctx, q, Policy{AllowDetails: true})
	if err != nil || strings.Contains(stale.SQL, "agg_") {
		t.Fatalf("a stale cube was read: %v\n%s", err, stale.SQL)
	}
	// Each aggregate follows only the loads it is built from: a CIG load leaves the register's
	// cubes and event table current.
	reg, err := eng.Run(ctx, Query{Metric: "aperture", From: "2026-01-01", To: "2026-06-30", GroupBy: []string{"quartiere"}}, Policy{AllowDetails: true})
	if err != nil || !strings.Contains(reg.SQL, "agg_imprese_flussi") {
		t.Errorf("a CIG load made the register's cube stale: %v\n%s", err, reg.SQL)
	}
	reg, err = eng.Run(ctx, Query{Metric: "aperture", From: "2026-01-10", GroupBy: []string{"area_statistica", "ateco"}}, Policy{AllowDetails: true})
	if err != nil || !strings.Contains(reg.SQL, "agg_eventi_imprese") {
		t.Errorf("a CIG load made the register's event table stale: %v\n%s", err, reg.SQL)
	}
	if r, err := eng.Run(ctx, Query{Metric: "cig_domande", GroupBy: []string{"causale_cig", "area_statistica"}}, Policy{AllowDetails: true}); err != nil || strings.Contains(r.SQL, "agg_") {
		t.Errorf("a stale month-less cuboid was read: %v\n%s", err, r.SQL)
	}
	if r, err := eng.Run(ctx, Query{Metric: "aperture", GroupBy: []string{"classe_forma", "quartiere"}}, Policy{AllowDetails: true}); err != nil || !strings.Contains(r.SQL, "agg_imprese_totali") {
		t.Errorf("a CIG load made the register's month-less cuboids stale: %v\n%s", err, r.SQL)
	}
	reg, err = eng.Run(ctx, Query{Metric: "imprese_registrate", GroupBy: []string{"area_statistica", "ateco", "femminile"}}, Policy{AllowDetails: true})
	if err != nil || !strings.Contains(reg.SQL, "agg_imprese_vive") {
		t.Errorf("a CIG load made the live companies stale: %v\n%s", err, reg.SQL)
	}
	if b, a := resultMap(t, before, 1)["Navile"], resultMap(t, stale, 1)["Navile"]; a != b+1 {
		t.Errorf("Navile: %v requests before, %v after one more", b, a)
	}
	// The server's loop rebuilds them.
	loopCtx, stop := context.WithCancel(ctx)
	defer stop()
	go KeepCubesFresh(loopCtx, d.Pool, 50*time.Millisecond, slog.New(slog.NewTextHandler(io.Discard, nil)))
	var fresh *Result
	for deadline := time.Now().Add(time.Minute); ; time.Sleep(50 * time.Millisecond) {
		if fresh, err = eng.Run(ctx, q, Policy{AllowDetails: true}); err != nil || strings.Contains(fresh.SQL, "agg_cig") {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("the cubes were not rebuilt within a minute")
		}
	}
	stop()
	if err != nil || !reflect.DeepEqual(fresh.Rows, stale.Rows) {
		t.Errorf("after the refresh: %v\n%v vs %v\n%s", err, fresh.Rows, stale.Rows, fresh.SQL)
	}
	if done, err := RefreshCubes(ctx, d.Pool); err != nil || done {
		t.Errorf("second refresh rebuilt the current cubes: %v %v", done, err)
	}
}

func catalogForTest() *catalog.Catalog { return catalog.Default() }
