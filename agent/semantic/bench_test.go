package semantic

import (
	"context"
	"os"
	"sort"
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

// BenchmarkCatalogQueries measures catalog queries over a large register. It needs a database
// loaded by scripts/bench-metrics.sh: CONOSCENZA_BENCH_RO_URL points at it (read-only role).
func BenchmarkCatalogQueries(b *testing.B) {
	url := os.Getenv("CONOSCENZA_BENCH_RO_URL")
	if url == "" {
		b.Skip("set CONOSCENZA_BENCH_RO_URL (see scripts/bench-metrics.sh)")
	}
	ctx := context.Background()
	pool, err := db.Open(ctx, url)
	if err != nil {
		b.Fatal(err)
	}
	defer pool.Close()
	e := NewEngine(pool, catalog.Default()).WithoutCache()
	for _, q := range benchQueries { // warm the cache and check every query runs
		if _, err := e.Run(ctx, q, Policy{}); err != nil {
			b.Fatalf("%+v: %v", q, err)
		}
	}
	var lat []time.Duration
	worst := map[string]time.Duration{}
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		q := benchQueries[i%len(benchQueries)]
		start := time.Now()
		if _, err := e.Run(ctx, q, Policy{}); err != nil {
			b.Fatal(err)
		}
		d := time.Since(start)
		lat = append(lat, d)
		key := q.Metric + " " + q.TimeGrain
		for _, g := range q.GroupBy {
			key += " " + g
		}
		worst[key] = max(worst[key], d)
	}
	b.StopTimer()
	sort.Slice(lat, func(i, j int) bool { return lat[i] < lat[j] })
	pct := func(p float64) float64 { return float64(lat[int(p*float64(len(lat)-1))].Microseconds()) / 1000 }
	b.ReportMetric(pct(0.5), "p50-ms")
	b.ReportMetric(pct(0.95), "p95-ms")
	b.ReportMetric(pct(0.99), "p99-ms")
	if testing.Verbose() {
		for k, d := range worst {
			b.Logf("worst %-60s %6.1f ms", k, float64(d.Microseconds())/1000)
		}
	}
}
