package ingest_test

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/comune-bologna/conoscenza/ingest"
	"github.com/comune-bologna/conoscenza/ingest/internal/benchgen"
)

// Every register load records its snapshot's stock roll-ups (migration 00063), and they stay
// what the register's history says of that snapshot after later months (first snapshot copied
// directly, then months applied as deltas); a new street register, which re-attributes every
// version, keeps only the latest snapshot's.
func TestStockHistoryRecordsEverySnapshotAsTheRegisterHistorySaysIt(t *testing.T) {
	f := newFixture(t)
	dir := t.TempDir()
	var st bytes.Buffer
	if err := benchgen.WriteStradario(&st); err != nil {
		t.Fatal(err)
	}
	write := func(name string, b []byte) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, b, 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}
	f.load(ingest.KindStradario, write("stradario.csv", st.Bytes()), ingest.Options{})
	months := []string{"2026-09-30", "2026-10-31", "2026-11-30"}
	for i, asOf := range months {
		var b bytes.Buffer
		if _, err := benchgen.WriteImprese(&b, benchgen.Snapshot{Rows: 8_000, Month: i, AsOf: day(asOf)}); err != nil {
			t.Fatal(err)
		}
		sum := f.load(ingest.KindImprese, write("imprese_"+asOf[:7]+".csv", b.Bytes()), ingest.Options{})
		if sum.Stats["aggregati_ricalcolati"] != 0 {
			t.Errorf("%s: stock aggregate recounted (stats %v): the delta path is not under test", asOf, sum.Stats)
		}
		for _, d := range months[:i+1] {
			if n := historyDiffersFromRegister(t, f, d); n != 0 {
				t.Errorf("after loading %s: %d rows of the %s roll-ups differ from the register's history", asOf, n, d)
			}
		}
		if n := f.count(`SELECT count(*) FROM (SELECT * FROM agg_stock_cuboidi EXCEPT ALL
			SELECT cuboide, as_of, quartiere, zona, sezione_ateco, classe_forma, femminile, giovanile, straniera, artigiana, stato,
			       addetti, comune, dt_cessazione, n FROM agg_stock_storia WHERE as_of = $1) x`, day(asOf)); n != 0 {
			t.Errorf("%s: %d roll-up rows of the latest snapshot not recorded", asOf, n)
		}
	}
	if n := f.count(`SELECT count(DISTINCT as_of) FROM agg_stock_storia`); n != len(months) {
		t.Errorf("history holds %d snapshots, want %d", n, len(months))
	}
	before := f.count(`SELECT count(*) FROM agg_stock_storia WHERE as_of = $1`, day(months[2]))

	// A street register that moves one street to another quartiere re-attributes every version:
	// the earlier snapshots' roll-ups go, the latest's are recounted.
	lines := strings.Split(strings.TrimRight(st.String(), "\r\n"), "\r\n")
	other := strings.Split(lines[3], ";")
	for _, i := range []int{1, 2} {
		fields := strings.Split(lines[i], ";")
		copy(fields[6:], other[6:])
		lines[i] = strings.Join(fields, ";")
	}
	sum := f.load(ingest.KindStradario, write("stradario2.csv", []byte(strings.Join(lines, "\r\n")+"\r\n")), ingest.Options{})
	if sum.UnchangedFile {
		t.Fatal("the changed street register was taken as unchanged")
	}
	if n := f.count(`SELECT count(DISTINCT as_of) FROM agg_stock_storia`); n != 1 {
		t.Errorf("after a new street register the history holds %d snapshots, want only the latest", n)
	}
	if n := historyDiffersFromRegister(t, f, months[2]); n != 0 || before == 0 {
		t.Errorf("latest snapshot after the street register: %d rows differ (%d before)", n, before)
	}
}

// historyDiffersFromRegister recounts the roll-ups of snapshot d from the register's history
// (agg_stock_storia_ricostruisci, in a transaction rolled back) and counts the rows that
// differ from those the loads recorded.
func historyDiffersFromRegister(t *testing.T, f *fixture, d string) int {
	t.Helper()
	ctx := context.Background()
	tx, err := f.db.Pool.Begin(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = tx.Rollback(ctx) }()
	if _, err := tx.Exec(ctx, `CREATE TEMP TABLE recorded AS SELECT * FROM agg_stock_storia WHERE as_of = $1`, day(d)); err != nil {
		t.Fatal(err)
	}
	if _, err := tx.Exec(ctx, `SELECT agg_stock_storia_ricostruisci($1)`, day(d)); err != nil {
		t.Fatal(err)
	}
	var n int
	if err := tx.QueryRow(ctx, `SELECT (SELECT count(*) FROM (SELECT * FROM recorded EXCEPT ALL SELECT * FROM agg_stock_storia WHERE as_of = $1) a)
		+ (SELECT count(*) FROM (SELECT * FROM agg_stock_storia WHERE as_of = $1 EXCEPT ALL SELECT * FROM recorded) b)
		+ (SELECT CASE WHEN count(*) = 0 THEN 1 ELSE 0 END FROM recorded)`, day(d)).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}
