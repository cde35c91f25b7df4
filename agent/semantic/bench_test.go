package semantic

import (
	"context"
	"fmt"
	"os"
	"slices"
	"sort"
	"strconv"
	"testing"
	"time"

	"github.com/comune-bologna/conoscenza/agent/catalog"
	"github.com/comune-bologna/conoscenza/ingest/db"
)

// benchQueries are the shapes users ask most, over every source.
var benchQueries = []Query{
	{Metric: "imprese_attive"},
	{Metric: "imprese_attive", GroupBy: []string{"quartiere"}},
	{Metric: "imprese_attive", GroupBy: []string{"sezione_ateco"}, Filters: []Filter{{Dimension: "femminile", Value: true}}},
	{Metric: "imprese_registrate", GroupBy: []string{"classe_forma"}},
	{Metric: "aperture", From: "2020-01-01", GroupBy: []string{"quartiere"}},
	{Metric: "aperture", From: "2015-01-01", TimeGrain: "year"},
	{Metric: "aperture", From: "2020-03-01", To: "2020-05-31", CompareTo: "previous_year"},
	{Metric: "chiusure", From: "2020-01-01", GroupBy: []string{"quartiere"}, Filters: []Filter{{Dimension: "femminile", Value: true}}},
	{Metric: "chiusure", From: "2024-01-01", To: "2024-12-31", GroupBy: []string{"divisione_ateco"}, Limit: 5, Order: &Order{By: "value", Dir: "desc"}},
	{Metric: "saldo", From: "2019-01-01", TimeGrain: "quarter"},
	{Metric: "saldo", From: "2025-01-01", GroupBy: []string{"zona"}},
	{Metric: "tasso_crescita", From: "2025-01-01", To: "2025-12-31", GroupBy: []string{"quartiere"}},
	{Metric: "quota", GroupBy: []string{"quartiere"}, Subset: []Filter{{Dimension: "giovanile", Value: true}}},
	{Metric: "imprese_attive", Filters: []Filter{{Dimension: "anzianita", Op: "<", Value: 36}, {Dimension: "straniera", Value: true}}, GroupBy: []string{"classe_addetti"}},
	{Metric: "cig_domande", From: "2020-01-01", To: "2021-12-31", TimeGrain: "month"},
	{Metric: "cig_ore_autorizzate", From: "2020-01-01", GroupBy: []string{"tipo_cig"}},
	{Metric: "cig_lavoratori", From: "2020-01-01", To: "2020-12-31", GroupBy: []string{"quartiere"}},
	{Metric: "cig_ore_richieste", GroupBy: []string{"causale_cig"}, TimeGrain: "year"},
	{Metric: "suap_pratiche", From: "2024-01-01", GroupBy: []string{"tipo_pratica", "quartiere"}},
	{Metric: "contributi_importo_concesso", GroupBy: []string{"bando"}},
	{Metric: "contributi_beneficiari", GroupBy: []string{"quartiere"}, Filters: []Filter{{Dimension: "femminile", Value: true}}},
}

// fallbackQueries are shapes no cuboid answers (see docs/metrics.md, "Speed"): until migration
// 00034 they read the detailed tables; now the event tables (alone, or with a cuboid for the
// whole months), agg_stock_dettaglio or the ATECO cuboid. The benchmark shows what they cost
// and which structure answered.
var fallbackQueries = []Query{
	{Metric: "suap_pratiche", From: "2024-01-01", GroupBy: []string{"quartiere", "settore_suap", "stato"}},                                    // no cuboid keeps these together
	{Metric: "aperture", From: "2020-01-15", To: "2020-12-31", GroupBy: []string{"quartiere"}},                                                // a period cutting a month
	{Metric: "chiusure", From: "2024-01-01", GroupBy: []string{"ateco"}, Limit: 10, Order: &Order{By: "value"}},                               // ateco on a flow
	{Metric: "aperture", From: "2022-01-01", GroupBy: []string{"quartiere"}, Filters: []Filter{{Dimension: "anzianita", Op: "<", Value: 12}}}, // age on a flow
	{Metric: "cig_domande", From: "2020-01-01", GroupBy: []string{"quartiere", "sezione_ateco", "classe_forma"}},                              // three dimensions no cuboid keeps together
	{Metric: "imprese_attive", GroupBy: []string{"divisione_ateco"}, Filters: []Filter{{Dimension: "femminile", Value: true}}},                // division with a personal flag
}

// benchEngine opens an uncached engine over the large database CONOSCENZA_BENCH_RO_URL names
// (read-only role; loaded as docs/metrics.md describes), closed when the benchmark ends.
func benchEngine(b *testing.B) *Engine {
	b.Helper()
	url := os.Getenv("CONOSCENZA_BENCH_RO_URL")
	if url == "" {
		b.Skip("set CONOSCENZA_BENCH_RO_URL (see docs/metrics.md)")
	}
	pool, err := db.Open(context.Background(), url)
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(pool.Close)
	e := NewEngine(pool, catalog.Default()).WithoutCache()
	// CONOSCENZA_BENCH_WORKERS: parallel workers per query, as CONOSCENZA_QUERY_WORKERS sets
	// them for the server (default 0).
	if w := os.Getenv("CONOSCENZA_BENCH_WORKERS"); w != "" {
		n, err := strconv.Atoi(w)
		if err != nil {
			b.Fatalf("CONOSCENZA_BENCH_WORKERS: %v", err)
		}
		e.WithParallelWorkers(n)
	}
	return e
}

// BenchmarkFallbackQueries measures the shapes that used to read the detailed tables, with the
// same database as BenchmarkCatalogQueries.
func BenchmarkFallbackQueries(b *testing.B) {
	ctx := context.Background()
	e := benchEngine(b)
	e.timeout = time.Minute // measure them even when they exceed the 5 s a user waits
	byShape := map[string][]time.Duration{}
	var lat []time.Duration
	for i := 0; i < b.N; i++ {
		q := fallbackQueries[i%len(fallbackQueries)]
		start := time.Now()
		r, err := e.Run(ctx, q, Policy{})
		if err != nil {
			b.Fatalf("%+v: %v", q, err)
		}
		d := time.Since(start)
		lat = append(lat, d)
		key := fmt.Sprintf("%d %s (%s)", i%len(fallbackQueries), q.Metric, answeredBy(r.SQL))
		byShape[key] = append(byShape[key], d)
	}
	p50, p95, p99 := percentiles(lat)
	b.ReportMetric(p50, "p50-ms")
	b.ReportMetric(p95, "p95-ms")
	b.ReportMetric(p99, "p99-ms")
	for _, k := range sortedKeys(byShape) {
		p50, p95, _ := percentiles(byShape[k])
		b.Logf("shape %-30s p50 %7.1f  p95 %7.1f ms", k, p50, p95)
	}
}

// BenchmarkCatalogQueries measures catalog queries over a large register. It needs a database
// loaded as docs/metrics.md describes: CONOSCENZA_BENCH_RO_URL points at it (read-only role).
func BenchmarkCatalogQueries(b *testing.B) {
	ctx := context.Background()
	e := benchEngine(b)
	for _, q := range benchQueries { // warm the cache and check every query runs
		if _, err := e.Run(ctx, q, Policy{}); err != nil {
			b.Fatalf("%+v: %v", q, err)
		}
	}
	var lat []time.Duration
	byFamily := map[string][]time.Duration{}
	byShape := map[string][]time.Duration{}
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		q := benchQueries[i%len(benchQueries)]
		start := time.Now()
		if _, err := e.Run(ctx, q, Policy{}); err != nil {
			b.Fatal(err)
		}
		d := time.Since(start)
		lat = append(lat, d)
		fam := benchFamily(e.Catalog(), q.Metric)
		byFamily[fam] = append(byFamily[fam], d)
		key := fmt.Sprintf("%02d %s %s", i%len(benchQueries), q.Metric, q.TimeGrain)
		for _, g := range q.GroupBy {
			key += " " + g
		}
		byShape[key] = append(byShape[key], d)
	}
	b.StopTimer()
	p50, p95, p99 := percentiles(lat)
	b.ReportMetric(p50, "p50-ms")
	b.ReportMetric(p95, "p95-ms")
	b.ReportMetric(p99, "p99-ms")
	for _, fam := range sortedKeys(byFamily) {
		p50, p95, p99 := percentiles(byFamily[fam])
		b.Logf("family %-16s n=%4d p50 %6.1f  p95 %6.1f  p99 %6.1f ms", fam, len(byFamily[fam]), p50, p95, p99)
	}
	if testing.Verbose() {
		for _, k := range sortedKeys(byShape) {
			p50, p95, _ := percentiles(byShape[k])
			b.Logf("shape %-55s p50 %6.1f  p95 %6.1f  max %6.1f ms", k, p50, p95, ms(slices.Max(byShape[k])))
		}
	}
}

// benchFamily groups the benchmark's queries by what answers them.
func benchFamily(cat *catalog.Catalog, metric string) string {
	m, _ := cat.Metric(metric)
	switch {
	case m.Kind == catalog.KindStock || m.Kind == catalog.KindShare:
		return "stock"
	case m.Source == "register":
		return "register flows"
	}
	return m.Source
}

func ms(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }

// percentiles returns p50, p95 and p99 in milliseconds (nearest rank).
func percentiles(d []time.Duration) (float64, float64, float64) {
	s := slices.Clone(d)
	slices.Sort(s)
	at := func(p float64) float64 { return ms(s[int(p*float64(len(s)-1))]) }
	return at(0.5), at(0.95), at(0.99)
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}
