package ingest_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/comune-bologna/conoscenza/ingest"
)

// A first snapshot copied directly, whose stock aggregate the loader counted, leaves the
// register with sampled statistics (default_statistics_target 10: autovacuum analyzes it fully
// after the commit): the planner knows the table's size and that every company is current,
// with coarse histograms. When the aggregate is recounted in SQL, which reads the register,
// the statistics are full ones.
func TestFirstSnapshotStatisticsSampledOnlyWhenNothingReadsTheRegister(t *testing.T) {
	histogram := `SELECT coalesce(array_length(histogram_bounds::text::date[], 1), 0) FROM pg_stats
		WHERE tablename = 'imprese_dati' AND attname = 'dt_iscrizione'`
	check := func(t *testing.T, f *fixture, path string, overflow bool) {
		t.Helper()
		sum := f.load(ingest.KindImprese, path, ingest.Options{})
		if sum.Loaded != 12_000 || sum.Stats["copia_diretta"] != 1 {
			t.Fatalf("summary: loaded %d stats %v", sum.Loaded, sum.Stats)
		}
		if n := f.count(`SELECT reltuples::int FROM pg_class WHERE oid = 'imprese_dati'::regclass`); n != 12_000 {
			t.Errorf("reltuples %d, want 12000", n)
		}
		if s := f.str(`SELECT null_frac::text FROM pg_stats WHERE tablename = 'imprese_dati' AND attname = 'last_as_of'`); s != "1" {
			t.Errorf("null fraction of last_as_of %q, want 1", s)
		}
		bounds := f.count(histogram)
		switch {
		case !overflow && (bounds == 0 || bounds > 11):
			t.Errorf("dt_iscrizione histogram of %d bounds, want a sampled one (at most 11)", bounds)
		case overflow && bounds <= 11:
			t.Errorf("dt_iscrizione histogram of %d bounds after the SQL recount, want a full one", bounds)
		}
	}
	t.Run("counted by the loader", func(t *testing.T) {
		f := newFixture(t)
		check(t, f, benchFirstSnapshot(f, t.TempDir(), 12_000, func(l []string) []string { return l }), false)
	})
	t.Run("recounted in SQL", func(t *testing.T) {
		f := newFixture(t)
		path := benchFirstSnapshot(f, t.TempDir(), 12_000, func(lines []string) []string {
			for i := 1; i <= 4_200; i++ { // more comuni than the loader's key holds
				fields := strings.Split(lines[i], ";")
				fields[10] = fmt.Sprintf("COMUNE %d", i)
				lines[i] = strings.Join(fields, ";")
			}
			return lines
		})
		check(t, f, path, true)
	})
}
