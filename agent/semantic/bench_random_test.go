package semantic

import (
	"context"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"os"
	"regexp"
	"slices"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/comune-bologna/conoscenza/agent/catalog"
)

// The random benchmark draws valid typed queries from the catalog itself, so that "any catalog
// query" means what a user (or the model) may ask, not the shapes the aggregates were designed
// for: any metric, up to three dimensions the metric allows, random filters on any dimension,
// periods that start or end on any day, time grains, comparisons, shares, as_of, and the result
// cap a user interface uses (a limit with an order).

// randomValues are the values the generator filters on: the catalog's closed lists, and for
// open dimensions the most frequent values, read once through the engine (catalog queries).
type randomValues map[string][]any

// openDimensionProbe is a catalog query that lists an open dimension's frequent values.
var openDimensionProbe = map[string]Query{
	"area_statistica": {Metric: "imprese_registrate", GroupBy: []string{"area_statistica"}, Limit: 40},
	"ateco":           {Metric: "imprese_registrate", GroupBy: []string{"ateco"}, Limit: 60},
	"forma_giuridica": {Metric: "imprese_registrate", GroupBy: []string{"forma_giuridica"}, Limit: 20},
	"comune":          {Metric: "imprese_registrate", GroupBy: []string{"comune"}, Limit: 20},
	"causale_cig":     {Metric: "cig_domande", GroupBy: []string{"causale_cig"}, Limit: 20},
	"bando":           {Metric: "contributi_importo_concesso", GroupBy: []string{"bando"}, Limit: 30},
	"settore_suap":    {Metric: "suap_pratiche", GroupBy: []string{"settore_suap"}, Limit: 20},
}

func loadRandomValues(ctx context.Context, e *Engine) (randomValues, error) {
	vals := randomValues{}
	for _, d := range e.Catalog().Dimensions {
		for _, v := range d.Values {
			vals[d.Name] = append(vals[d.Name], v)
		}
	}
	vals["anzianita"] = []any{"meno di 1 anno", "1-3 anni", "3-5 anni", "5-10 anni", "10 anni e più"}
	vals["anno"] = []any{2012, 2016, 2019, 2020, 2021, 2023, 2024, 2025, 2026}
	for name, q := range openDimensionProbe {
		r, err := e.Run(ctx, q, Policy{AllowDetails: true})
		if err != nil {
			return nil, fmt.Errorf("values of %s: %w", name, err)
		}
		for _, row := range r.Rows {
			if s, ok := row[0].(string); ok && s != "n.d." {
				vals[name] = append(vals[name], s)
			}
		}
	}
	return vals, nil
}

// randomQueries draws n valid queries with a fixed seed (the same list for every run).
func randomQueries(cat *catalog.Catalog, vals randomValues, seed uint64, n int) []Query {
	r := rand.New(rand.NewPCG(seed, 2026))
	var out []Query
	for len(out) < n {
		q := randomQuery(cat, vals, r)
		if _, err := validate(cat, q); err == nil {
			out = append(out, q)
		}
	}
	return out
}

func randomQuery(cat *catalog.Catalog, vals randomValues, r *rand.Rand) Query {
	m := cat.Metrics[r.IntN(len(cat.Metrics))]
	q := Query{Metric: m.Name}
	source, kind := m.Source, m.Kind
	if m.Kind == catalog.KindShare {
		bases := []string{"imprese_attive", "imprese_registrate", "aperture", "chiusure"}
		q.Base = bases[r.IntN(len(bases))]
		b, _ := cat.Metric(q.Base)
		source, kind = b.Source, b.Kind
		q.Subset = []Filter{randomFilter(cat, vals, source, r, true)}
	}
	var dims []*catalog.Dimension
	for _, d := range cat.Dimensions {
		if d.AppliesTo(source) {
			dims = append(dims, d)
		}
	}
	// 0-3 dimensions, at most one of time; a stock metric by a time dimension is a series.
	time := false
	for k := r.IntN(4); k > 0; k-- {
		d := dims[r.IntN(len(dims))]
		if slices.Contains(q.GroupBy, d.Name) || d.Type == catalog.TypeTime && (time || kind == catalog.KindGrowth) {
			continue
		}
		time = time || d.Type == catalog.TypeTime
		q.GroupBy = append(q.GroupBy, d.Name)
	}
	for k := r.IntN(3); k > 0; k-- {
		q.Filters = append(q.Filters, randomFilter(cat, vals, source, r, false))
	}
	if kind != catalog.KindStock {
		q.From, q.To = randomPeriod(r, kind == catalog.KindGrowth)
		if kind != catalog.KindGrowth && !time && r.IntN(5) == 0 {
			q.TimeGrain = []string{"month", "quarter", "year"}[r.IntN(3)]
		}
	} else if r.IntN(10) == 0 {
		q.TimeGrain = "year" // a series of snapshots
	}
	switch k := r.IntN(8); {
	case kind == catalog.KindStock:
		// Comparing snapshots needs an earlier one: the bench database holds one.
	case k == 0:
		q.CompareTo = "previous_year"
	case k == 1:
		q.CompareTo = "previous_period"
	}
	if r.IntN(8) == 0 {
		q.AsOf = "2026-10-31" // the bench database holds one snapshot
	}
	// The user interface shows at most 100 rows, the largest first, or the top 10.
	if len(q.GroupBy) > 0 {
		q.Limit = []int{100, 100, 10}[r.IntN(3)]
		q.Order = &Order{By: "value", Dir: "desc"}
	}
	return q
}

func randomFilter(cat *catalog.Catalog, vals randomValues, source string, r *rand.Rand, subset bool) Filter {
	for {
		d := cat.Dimensions[r.IntN(len(cat.Dimensions))]
		if !d.AppliesTo(source) || subset && d.Type == catalog.TypeTime {
			continue
		}
		switch d.Type {
		case catalog.TypeBool:
			return Filter{Dimension: d.Name, Value: r.IntN(3) > 0}
		case catalog.TypeMonths:
			switch r.IntN(4) {
			case 0:
				return Filter{Dimension: d.Name, Op: "<", Value: []int{6, 12, 24, 36, 60}[r.IntN(5)]}
			case 1:
				return Filter{Dimension: d.Name, Op: ">=", Value: []int{12, 36, 120}[r.IntN(3)]}
			case 2:
				lo := r.IntN(48)
				return Filter{Dimension: d.Name, Op: "between", Values: []any{lo, lo + 1 + r.IntN(60)}}
			}
		case catalog.TypeTime:
			if d.Name != "anno" {
				continue
			}
			if r.IntN(2) == 0 {
				y := 2010 + r.IntN(14)
				return Filter{Dimension: d.Name, Op: "between", Values: []any{y, y + 1 + r.IntN(3)}}
			}
		}
		vs := vals[d.Name]
		if len(vs) == 0 {
			continue
		}
		pick := func() any { return vs[r.IntN(len(vs))] }
		switch r.IntN(5) {
		case 0, 1, 2:
			return Filter{Dimension: d.Name, Value: pick()}
		case 3:
			return Filter{Dimension: d.Name, Op: "in", Values: []any{pick(), pick(), pick()}}
		default:
			return Filter{Dimension: d.Name, Op: "!=", Value: pick()}
		}
	}
}

// randomPeriod: open, from only, or from-to; a third of the bounds fall inside a month.
func randomPeriod(r *rand.Rand, closed bool) (string, string) {
	day := func(t time.Time) time.Time {
		if r.IntN(3) == 0 {
			return t.AddDate(0, 0, r.IntN(27))
		}
		return t
	}
	start := time.Date(2006+r.IntN(21), time.Month(1+r.IntN(12)), 1, 0, 0, 0, 0, time.UTC)
	if start.After(time.Date(2026, 10, 1, 0, 0, 0, 0, time.UTC)) {
		start = time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	}
	months := []int{1, 3, 6, 12, 12, 24, 60}[r.IntN(7)]
	end := start.AddDate(0, months, -1) // the last day of a month
	if r.IntN(3) == 0 {
		end = end.AddDate(0, 0, -r.IntN(27))
	}
	from, to := day(start), end
	if to.Before(from) {
		to = from
	}
	switch k := r.IntN(10); {
	case closed || k >= 4:
		return from.Format(time.DateOnly), to.Format(time.DateOnly)
	case k >= 1:
		return from.Format(time.DateOnly), ""
	default:
		return "", ""
	}
}

var aggName = regexp.MustCompile(`\bagg_[a-z_]+`)

// answeredBy names the structures a statement read ("detailed" when none).
func answeredBy(sql string) string {
	found := aggName.FindAllString(sql, -1)
	if len(found) == 0 {
		return "detailed"
	}
	slices.Sort(found)
	return strings.Join(slices.Compact(found), "+")
}

// BenchmarkRandomCatalogQueries runs -benchtime Nx random queries (seed CONOSCENZA_BENCH_SEED,
// default 5) over the database named by CONOSCENZA_BENCH_RO_URL, uncached, with the 5 s
// statement timeout users get: a query that exceeds it counts as 5 s and is listed.
func BenchmarkRandomCatalogQueries(b *testing.B) {
	ctx := context.Background()
	e := benchEngine(b)
	vals, err := loadRandomValues(ctx, e)
	if err != nil {
		b.Fatal(err)
	}
	seed := uint64(5)
	if s := os.Getenv("CONOSCENZA_BENCH_SEED"); s != "" {
		fmt.Sscan(s, &seed)
	}
	qs := randomQueries(e.Catalog(), vals, seed, b.N)
	type run struct {
		q      Query
		d      time.Duration
		path   string
		err    error
		rows   int
		sql    string
		params []any
	}
	runs := make([]run, 0, b.N)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		start := time.Now()
		res, err := e.Run(ctx, qs[i], Policy{})
		ru := run{q: qs[i], d: time.Since(start), err: err}
		if err == nil {
			ru.path, ru.rows, ru.sql, ru.params = answeredBy(res.SQL), res.RowCount, res.SQL, res.Params
		} else {
			ru.path = "error"
		}
		runs = append(runs, ru)
	}
	b.StopTimer()
	var all []time.Duration
	byFamily, byPath := map[string][]time.Duration{}, map[string][]time.Duration{}
	failed := 0
	for _, ru := range runs {
		if ru.err != nil {
			failed++
			b.Logf("error: %v: %s", ru.err, queryJSON(ru.q))
		}
		all = append(all, ru.d)
		fam := benchFamily(e.Catalog(), ru.q.Metric)
		if ru.q.Base != "" {
			fam = benchFamily(e.Catalog(), ru.q.Base)
		}
		byFamily[fam] = append(byFamily[fam], ru.d)
		byPath[ru.path] = append(byPath[ru.path], ru.d)
	}
	p50, p95, p99 := percentiles(all)
	b.ReportMetric(p50, "p50-ms")
	b.ReportMetric(p95, "p95-ms")
	b.ReportMetric(p99, "p99-ms")
	b.ReportMetric(float64(failed), "errors")
	over := 0
	for _, d := range all {
		if d > 50*time.Millisecond {
			over++
		}
	}
	b.Logf("seed %d: %d queries, %d errors, %d over 50 ms (%.1f%%); p50 %.1f p95 %.1f p99 %.1f ms",
		seed, len(all), failed, over, 100*float64(over)/float64(len(all)), p50, p95, p99)
	for _, k := range sortedKeys(byFamily) {
		p50, p95, p99 := percentiles(byFamily[k])
		b.Logf("family %-16s n=%4d p50 %7.1f  p95 %7.1f  p99 %7.1f ms", k, len(byFamily[k]), p50, p95, p99)
	}
	for _, k := range sortedKeys(byPath) {
		p50, p95, p99 := percentiles(byPath[k])
		b.Logf("path %-45s n=%4d p50 %7.1f  p95 %7.1f  p99 %7.1f ms", k, len(byPath[k]), p50, p95, p99)
	}
	// CONOSCENZA_BENCH_DUMP names a file that receives one JSON line per query (time, structure,
	// query, statement and parameters) for offline analysis of what is slow.
	if name := os.Getenv("CONOSCENZA_BENCH_DUMP"); name != "" {
		f, err := os.Create(name)
		if err != nil {
			b.Fatal(err)
		}
		enc := json.NewEncoder(f)
		for _, ru := range runs {
			if err := enc.Encode(map[string]any{"ms": ms(ru.d), "path": ru.path, "query": ru.q, "sql": ru.sql, "params": ru.params}); err != nil {
				b.Fatal(err)
			}
		}
		if err := f.Close(); err != nil {
			b.Fatal(err)
		}
	}
	sort.Slice(runs, func(i, j int) bool { return runs[i].d > runs[j].d })
	for _, ru := range runs[:min(15, len(runs))] {
		b.Logf("slow %8.1f ms  %-28s rows %4d  %s", ms(ru.d), ru.path, ru.rows, queryJSON(ru.q))
	}
}

func queryJSON(q Query) string {
	j, _ := json.Marshal(q)
	return string(j)
}
