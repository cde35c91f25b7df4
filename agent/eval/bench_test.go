package eval

import (
	"context"
	"encoding/json"
	"os"
	"slices"
	"strconv"
	"testing"
	"time"

	"github.com/comune-bologna/conoscenza/agent/catalog"
	"github.com/comune-bologna/conoscenza/agent/planner"
	"github.com/comune-bologna/conoscenza/agent/semantic"
	"github.com/comune-bologna/conoscenza/agent/tool"
	"github.com/comune-bologna/conoscenza/ingest/db"
)

// BenchmarkAskedQueries runs, on the benchmark database of docs/metrics.md (a million
// companies: CONOSCENZA_BENCH_RO_URL), the catalog queries the planner makes for every question
// of the evaluation set (development and held out, each conversation turn by turn): the
// queries users ask, in the shapes they ask them, as opposed to the random combinations of
// agent/semantic's BenchmarkRandomCatalogQueries. Each query is timed by the engine's Run (no
// result cache), one connection, b.N passes over the set; the best time of each query counts,
// and p50/p95/p99 and the share over 50 ms are reported over the distinct queries.
func BenchmarkAskedQueries(b *testing.B) {
	url := os.Getenv("CONOSCENZA_BENCH_RO_URL")
	if url == "" {
		b.Skip("set CONOSCENZA_BENCH_RO_URL (see docs/metrics.md)")
	}
	ctx := context.Background()
	pool, err := db.Open(ctx, url)
	if err != nil {
		b.Fatal(err)
	}
	defer pool.Close()
	cat := catalog.Default()
	e := semantic.NewEngine(pool, cat).WithoutCache()
	// CONOSCENZA_BENCH_WORKERS: parallel workers per query, as CONOSCENZA_QUERY_WORKERS sets
	// them for the server (default 0).
	if w := os.Getenv("CONOSCENZA_BENCH_WORKERS"); w != "" {
		n, err := strconv.Atoi(w)
		if err != nil {
			b.Fatalf("CONOSCENZA_BENCH_WORKERS: %v", err)
		}
		e.WithParallelWorkers(n)
	}

	entries, err := Load()
	if err != nil {
		b.Fatal(err)
	}
	p := planner.New(cat)
	type asked struct {
		q    semantic.Query
		text string
	}
	var queries []asked
	seen := map[string]bool{}
	for i := range entries {
		var prev *planner.State
		for _, t := range entries[i].Turns {
			plan := p.Plan(t.Q, prev, Now)
			prev = &plan.State
			for _, c := range plan.Calls {
				if c.Name != tool.QueryMetrics {
					continue
				}
				var q semantic.Query
				if err := json.Unmarshal(c.Arguments, &q); err != nil {
					b.Fatalf("%s %q: %v", entries[i].ID, t.Q, err)
				}
				if key := string(c.Arguments); !seen[key] {
					seen[key] = true
					queries = append(queries, asked{q, t.Q})
				}
			}
		}
	}
	if len(queries) == 0 {
		b.Fatal("the planner made no catalog query")
	}

	best := make([]time.Duration, len(queries))
	errs := 0
	b.ResetTimer()
	for n := 0; n < b.N; n++ {
		for i, a := range queries {
			start := time.Now()
			_, err := e.Run(ctx, a.q, semantic.Policy{AllowDetails: true})
			d := time.Since(start)
			if err != nil {
				if n == 0 {
					errs++
					b.Logf("error: %q: %v", a.text, err)
				}
				continue
			}
			if n == 0 || d < best[i] {
				best[i] = d
			}
		}
	}
	b.StopTimer()

	order := make([]int, len(queries))
	for i := range order {
		order[i] = i
	}
	slices.SortFunc(order, func(x, y int) int { return int(best[y] - best[x]) })
	sorted := make([]float64, len(best))
	over := 0
	for i, d := range best {
		ms := float64(d.Microseconds()) / 1000
		sorted[i] = ms
		if ms > 50 {
			over++
		}
	}
	slices.Sort(sorted)
	at := func(p float64) float64 { return sorted[int(p*float64(len(sorted)-1))] }
	b.ReportMetric(float64(errs), "errors")
	b.ReportMetric(at(0.50), "p50-ms")
	b.ReportMetric(at(0.95), "p95-ms")
	b.ReportMetric(at(0.99), "p99-ms")
	b.Logf("%d distinct catalog queries from %d entries; %d errors; %d over 50 ms (%.1f%%); p50 %.1f p95 %.1f p99 %.1f max %.1f ms",
		len(queries), len(entries), errs, over, 100*float64(over)/float64(len(queries)), at(0.5), at(0.95), at(0.99), sorted[len(sorted)-1])
	for _, i := range order[:min(10, len(order))] {
		q, _ := json.Marshal(queries[i].q)
		b.Logf("slow %7.1f ms  %q  %s", float64(best[i].Microseconds())/1000, queries[i].text, q)
	}
}
