package ingest_test

import (
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"syscall"
	"testing"
	"time"

	"github.com/comune-bologna/conoscenza/ingest"
	"github.com/comune-bologna/conoscenza/ingest/internal/benchgen"
)

// benchRows is the size of the benchmark snapshot: BENCH_ROWS, default 100,000 (the figure in
// docs/ingest.md is for 1,000,000: BENCH_ROWS=1000000 or scripts/bench-ingest.sh).
func benchRows() int {
	if n, err := strconv.Atoi(os.Getenv("BENCH_ROWS")); err == nil && n > 0 {
		return n
	}
	return 100_000
}

func writeBenchFiles(b *testing.B, rows, month int) (stradario, imprese string) {
	b.Helper()
	dir := b.TempDir()
	st, _ := os.Create(filepath.Join(dir, "stradario.csv"))
	if err := benchgen.WriteStradario(st); err != nil {
		b.Fatal(err)
	}
	st.Close()
	asOf := time.Date(2026, 10+time.Month(month)+1, 0, 0, 0, 0, 0, time.UTC)
	path := filepath.Join(dir, fmt.Sprintf("imprese_%s.csv", asOf.Format("2006-01")))
	f, _ := os.Create(path)
	if _, err := benchgen.WriteImprese(f, benchgen.Snapshot{Rows: rows, Month: month, AsOf: asOf}); err != nil {
		b.Fatal(err)
	}
	f.Close()
	return st.Name(), path
}

// BenchmarkLoadRegister loads a first snapshot and the next month into a fresh database and
// reports rows/s for each and the process's peak RSS.
func BenchmarkLoadRegister(b *testing.B) {
	rows := benchRows()
	st, first := writeBenchFiles(b, rows, 0)
	_, next := writeBenchFiles(b, rows, 1)
	for i := 0; i < b.N; i++ {
		b.StopTimer()
		f := newFixtureTB(b)
		f.mustLoad(b, ingest.KindStradario, st)
		b.StartTimer()
		t0 := time.Now()
		s1 := f.mustLoad(b, ingest.KindImprese, first)
		d1 := time.Since(t0)
		t0 = time.Now()
		s2 := f.mustLoad(b, ingest.KindImprese, next)
		d2 := time.Since(t0)
		b.ReportMetric(float64(s1.Read)/d1.Seconds(), "first-rows/s")
		b.ReportMetric(float64(s2.Read)/d2.Seconds(), "next-rows/s")
	}
	var ru syscall.Rusage
	_ = syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
	b.ReportMetric(float64(ru.Maxrss)/1024, "peak-RSS-MiB")
}
