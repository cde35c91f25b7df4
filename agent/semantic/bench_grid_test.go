package semantic

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"sort"
	"testing"
	"time"

	"github.com/comune-bologna/conoscenza/agent/catalog"
)

// The catalog grid characterises "any metric along any dimension": every metric (the share
// over a stock and over a flow base) by every dimension it allows as its one group-by, and by
// none, over four kinds of period, with no filter and with one. The random benchmark stays the
// headline figure (it also draws several dimensions, several filters, comparisons and grains).

// gridPeriod is a kind of period, relative to the latest snapshot.
type gridPeriod struct {
	name     string
	from, to func(snap time.Time) string
}

var gridPeriods = []gridPeriod{
	{"none", nil, nil},
	{"last 12 months", func(s time.Time) string { return monthStart(s).AddDate(0, -11, 0).Format(time.DateOnly) },
		func(s time.Time) string { return s.Format(time.DateOnly) }},
	{"calendar year", func(s time.Time) string {
		return time.Date(s.Year()-1, 1, 1, 0, 0, 0, 0, time.UTC).Format(time.DateOnly)
	},
		func(s time.Time) string {
			return time.Date(s.Year()-1, 12, 31, 0, 0, 0, 0, time.UTC).Format(time.DateOnly)
		}},
	{"quarter cutting months", func(s time.Time) string {
		return time.Date(s.Year()-1, 2, 15, 0, 0, 0, 0, time.UTC).Format(time.DateOnly)
	},
		func(s time.Time) string {
			return time.Date(s.Year()-1, 5, 14, 0, 0, 0, 0, time.UTC).Format(time.DateOnly)
		}},
}

// gridFilters are the filters the grid rotates through, by source: values every database of
// the demo generator has, keeping from a few percent to most of the rows.
var gridFilters = map[string][]Filter{
	"register": {
		{Dimension: "quartiere", Value: "Navile"},
		{Dimension: "sezione_ateco", Value: "G"},
		{Dimension: "femminile", Value: true},
		{Dimension: "anzianita", Op: "<", Value: 36},
		{Dimension: "classe_forma", Value: "società di capitale"},
	},
	"cig":        {{Dimension: "tipo_cig", Value: "CIGO"}, {Dimension: "quartiere", Value: "Navile"}, {Dimension: "sezione_ateco", Value: "C"}},
	"suap":       {{Dimension: "tipo_pratica", Value: "APERTURA"}, {Dimension: "quartiere", Value: "Navile"}, {Dimension: "femminile", Value: true}},
	"contributi": {{Dimension: "quartiere", Value: "Navile"}, {Dimension: "femminile", Value: true}},
}

// gridQuery is one cell of the grid.
type gridQuery struct {
	q              Query
	period, filter string
}

// catalogGrid lists the grid's valid queries (an invalid cell, e.g. a growth rate with no
// period, is left out) for the latest snapshot snap.
func catalogGrid(cat *catalog.Catalog, snap time.Time) []gridQuery {
	var out []gridQuery
	for mi, m := range cat.Metrics {
		bases := []string{""}
		if m.Kind == catalog.KindShare {
			bases = []string{"imprese_attive", "aperture"}
		}
		for _, base := range bases {
			source, kind := m.Source, m.Kind
			if base != "" {
				bm, _ := cat.Metric(base)
				source, kind = bm.Source, bm.Kind
			}
			for di, d := range append([]*catalog.Dimension{nil}, cat.Dimensions...) {
				if d != nil && !d.AppliesTo(source) {
					continue
				}
				for _, per := range gridPeriods {
					if kind == catalog.KindStock && per.from != nil {
						continue // a stock over a period is the snapshot at its end: one is loaded
					}
					for _, filtered := range []bool{false, true} {
						q := Query{Metric: m.Name, Base: base}
						if base != "" {
							q.Subset = []Filter{{Dimension: "femminile", Value: true}}
						}
						if d != nil {
							q.GroupBy = []string{d.Name}
							q.Limit, q.Order = 100, &Order{By: "value", Dir: "desc"} // as the user interface asks
						}
						if per.from != nil {
							q.From, q.To = per.from(snap), per.to(snap)
						}
						filter := "none"
						if filtered {
							fs := gridFilters[source]
							f := fs[(mi+di)%len(fs)]
							if d != nil && f.Dimension == d.Name {
								f = fs[(mi+di+1)%len(fs)]
							}
							q.Filters = []Filter{f}
							filter = f.Dimension
						}
						if _, err := validate(cat, q); err != nil {
							continue
						}
						out = append(out, gridQuery{q: q, period: per.name, filter: filter})
					}
				}
			}
		}
	}
	return out
}

// BenchmarkCatalogGrid runs the grid's queries (-benchtime Nx runs the first N, cycling; the
// grid's size is logged: use it for one pass) over CONOSCENZA_BENCH_RO_URL, uncached, and
// prints p50/p95/p99 overall, per family, per period kind, with and without the filter, per
// structure that answered, and the slowest queries. CONOSCENZA_BENCH_DUMP writes each query's
// time, structure, statement and parameters, as the random benchmark does.
func BenchmarkCatalogGrid(b *testing.B) {
	ctx := context.Background()
	e := benchEngine(b)
	var snap time.Time
	if err := e.pool.QueryRow(ctx, "SELECT max(as_of) FROM register_snapshots").Scan(&snap); err != nil {
		b.Fatal(err)
	}
	grid := catalogGrid(e.Catalog(), snap)
	type run struct {
		g      gridQuery
		d      time.Duration
		path   string
		err    error
		sql    string
		params []any
	}
	runs := make([]run, 0, b.N)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		g := grid[i%len(grid)]
		start := time.Now()
		res, err := e.Run(ctx, g.q, Policy{})
		ru := run{g: g, d: time.Since(start), err: err, path: "error"}
		if err == nil {
			ru.path, ru.sql, ru.params = answeredBy(res.SQL), res.SQL, res.Params
		}
		runs = append(runs, ru)
	}
	b.StopTimer()
	var all []time.Duration
	groups := map[string]map[string][]time.Duration{"family": {}, "period": {}, "filter": {}, "path": {}}
	failed, over := 0, 0
	for _, ru := range runs {
		if ru.err != nil {
			failed++
			b.Logf("error: %v: %s", ru.err, queryJSON(ru.g.q))
		}
		if ru.d > 50*time.Millisecond {
			over++
		}
		all = append(all, ru.d)
		fam := benchFamily(e.Catalog(), ru.g.q.Metric)
		if ru.g.q.Base != "" {
			fam = benchFamily(e.Catalog(), ru.g.q.Base)
		}
		filter := "one filter"
		if ru.g.filter == "none" {
			filter = "no filter"
		}
		groups["family"][fam] = append(groups["family"][fam], ru.d)
		groups["period"][ru.g.period] = append(groups["period"][ru.g.period], ru.d)
		groups["filter"][filter] = append(groups["filter"][filter], ru.d)
		groups["path"][ru.path] = append(groups["path"][ru.path], ru.d)
	}
	p50, p95, p99 := percentiles(all)
	b.ReportMetric(p50, "p50-ms")
	b.ReportMetric(p95, "p95-ms")
	b.ReportMetric(p99, "p99-ms")
	b.ReportMetric(float64(failed), "errors")
	b.Logf("grid of %d queries; ran %d, %d errors, %d over 50 ms (%.1f%%); p50 %.1f p95 %.1f p99 %.1f ms",
		len(grid), len(all), failed, over, 100*float64(over)/float64(len(all)), p50, p95, p99)
	for _, kind := range []string{"family", "period", "filter", "path"} {
		for _, k := range sortedKeys(groups[kind]) {
			d := groups[kind][k]
			p50, p95, p99 := percentiles(d)
			n50 := 0
			for _, x := range d {
				if x > 50*time.Millisecond {
					n50++
				}
			}
			b.Logf("%-6s %-45s n=%4d p50 %7.1f  p95 %7.1f  p99 %7.1f ms  over 50 ms %4d", kind, k, len(d), p50, p95, p99, n50)
		}
	}
	if name := os.Getenv("CONOSCENZA_BENCH_DUMP"); name != "" {
		f, err := os.Create(name)
		if err != nil {
			b.Fatal(err)
		}
		enc := json.NewEncoder(f)
		for _, ru := range runs {
			if err := enc.Encode(map[string]any{"ms": ms(ru.d), "path": ru.path, "period": ru.g.period, "query": ru.g.q, "sql": ru.sql, "params": ru.params}); err != nil {
				b.Fatal(err)
			}
		}
		if err := f.Close(); err != nil {
			b.Fatal(err)
		}
	}
	sort.Slice(runs, func(i, j int) bool { return runs[i].d > runs[j].d })
	for _, ru := range runs[:min(20, len(runs))] {
		b.Logf("slow %8.1f ms  %-28s %s", ms(ru.d), ru.path, fmt.Sprint(queryJSON(ru.g.q)))
	}
}

// TestCatalogGridCoversEveryMetricAndDimension: the grid holds every metric (the share over a
// stock and a flow base), every dimension each allows, and each period kind and filter state.
func TestCatalogGridCoversEveryMetricAndDimension(t *testing.T) {
	cat := catalog.Default()
	grid := catalogGrid(cat, time.Date(2026, 10, 31, 0, 0, 0, 0, time.UTC))
	seen := map[string]bool{}
	for _, g := range grid {
		key := g.q.Metric + "/" + g.q.Base
		seen[key] = true
		for _, d := range g.q.GroupBy {
			seen[key+" by "+d] = true
		}
		seen[g.period] = true
		seen["filter "+g.filter] = true
	}
	for _, m := range cat.Metrics {
		bases := []string{""}
		if m.Kind == catalog.KindShare {
			bases = []string{"imprese_attive", "aperture"}
		}
		for _, base := range bases {
			key := m.Name + "/" + base
			if !seen[key] {
				t.Errorf("%s is not in the grid", key)
			}
			source := m.Source
			if base != "" {
				bm, _ := cat.Metric(base)
				source = bm.Source
			}
			for _, d := range cat.Dimensions {
				if d.AppliesTo(source) && !seen[key+" by "+d.Name] && !(m.Kind == catalog.KindGrowth && d.Type == catalog.TypeTime) {
					t.Errorf("%s by %s is not in the grid", key, d.Name)
				}
			}
		}
	}
	for _, p := range gridPeriods {
		if !seen[p.name] {
			t.Errorf("period %q is not in the grid", p.name)
		}
	}
	if !seen["filter none"] || len(grid) < 1000 {
		t.Errorf("grid of %d queries", len(grid))
	}
	t.Logf("grid of %d queries", len(grid))
}
