package ingest_test

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/comune-bologna/conoscenza/ingest"
	"github.com/comune-bologna/conoscenza/ingest/internal/benchgen"
)

// The stock aggregate of a first snapshot on the direct path is counted by the loader while it
// streams (stockgroups.go, migration 00014). Every group and roll-up row, key included, must be
// what refresh_aggregates() computes in SQL from the rows written: the test recomputes it in
// the database and compares both tables row for row. The file has the values that are easy to
// get wrong: quotes and backslashes in a key, NULL grades, sizes and quartieri, ceased
// companies, craft firms.
func TestFirstSnapshotStockGroupsMatchSQL(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	const comune, indirizzo, addetti, femminile, artigiana, cessaz, stato = 10, 11, 14, 15, 18, 8, 9
	edits := []map[int]string{
		{comune: "SANT'AGATA BOLOGNESE"},
		{comune: `CASTEL D'ARGILE \ FRAZIONE`},
		{comune: `A\B`, addetti: ""},
		{addetti: "", femminile: "", artigiana: "S"},
		{indirizzo: "VIA CHE NON ESISTE 1"},
		{cessaz: "15/06/2026", stato: "CESSATA"},
		{addetti: "0"}, {addetti: "9"}, {addetti: "10"}, {addetti: "49"}, {addetti: "50"}, {addetti: "249"}, {addetti: "250"}, {addetti: "1200"},
	}
	path := benchFirstSnapshot(f, t.TempDir(), 12_000, func(lines []string) []string {
		for i, e := range edits {
			fields := strings.Split(lines[1+i*97], ";")
			for col, v := range e {
				fields[col] = v
			}
			if e[cessaz] != "" { // registered before the closure
				fields[6], fields[7] = "01/01/2001", "20010101"
			}
			lines[1+i*97] = strings.Join(fields, ";")
		}
		return lines
	})
	sum := f.load(ingest.KindImprese, path, ingest.Options{})
	if sum.Loaded != 12_000 || sum.Stats["copia_diretta"] != 1 || sum.Stats["aggregati_ricalcolati"] != 0 {
		t.Fatalf("summary: loaded %d rejected %d %+v stats %v", sum.Loaded, sum.Rejected, sum.Rejections, sum.Stats)
	}
	for q, min := range map[string]int{
		`SELECT count(*) FROM agg_stock_gruppi WHERE strpos(comune, '''') > 0`:  2, // a quote (doubled in the text hashed into the key)
		`SELECT count(*) FROM agg_stock_gruppi WHERE strpos(comune, E'\\') > 0`: 2, // a backslash (E'...' in the text hashed)
		`SELECT count(*) FROM agg_stock_gruppi WHERE addetti IS NULL`:           1,
		`SELECT count(*) FROM agg_stock_gruppi WHERE quartiere IS NULL`:         1,
		`SELECT count(*) FROM agg_stock_gruppi WHERE dt_cessazione IS NOT NULL`: 1,
		`SELECT count(*) FROM agg_stock_gruppi WHERE artigiana`:                 1,
		`SELECT count(DISTINCT addetti) FROM agg_stock_gruppi`:                  5,
		`SELECT count(*) FROM agg_stock_cuboidi_gruppi`:                         10,
	} {
		if n := f.count(q); n < min {
			t.Errorf("%s = %d, want at least %d", q, n, min)
		}
	}
	asOf := f.str(`SELECT as_of::text FROM agg_stock_data`)
	counted := f.str(`SELECT string_agg(cuboide || ':' || righe, ',' ORDER BY cuboide) FROM agg_cuboidi WHERE tabella = 'agg_stock_cuboidi'`)

	conn, err := f.db.Pool.Acquire(ctx) // the temporary tables live in one session
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Release()
	count := func(q string) int {
		t.Helper()
		var n int
		if err := conn.QueryRow(ctx, q).Scan(&n); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
		return n
	}
	for _, q := range []string{
		`CREATE TEMP TABLE loader_groups AS SELECT * FROM agg_stock_gruppi`,
		`CREATE TEMP TABLE loader_cuboids AS SELECT * FROM agg_stock_cuboidi_gruppi`,
		`SELECT refresh_aggregates()`,
	} {
		if _, err := conn.Exec(ctx, q); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
	}
	for _, pair := range [][2]string{{"loader_groups", "agg_stock_gruppi"}, {"loader_cuboids", "agg_stock_cuboidi_gruppi"}} {
		diff := `SELECT count(*) FROM ((TABLE ` + pair[0] + ` EXCEPT ALL TABLE ` + pair[1] + `)
			UNION ALL (TABLE ` + pair[1] + ` EXCEPT ALL TABLE ` + pair[0] + `)) d`
		if n := count(diff); n != 0 {
			t.Errorf("%s and SQL's %s differ in %d rows", pair[0], pair[1], n)
		}
		if n := count(`SELECT count(*) FROM ` + pair[0]); n == 0 {
			t.Errorf("%s is empty", pair[0])
		}
	}
	if got := f.str(`SELECT as_of::text FROM agg_stock_data`); got != asOf || asOf != "2026-10-31" {
		t.Errorf("aggregate dated %s by the loader, %s by SQL", asOf, got)
	}
	if got := f.str(`SELECT string_agg(cuboide || ':' || righe, ',' ORDER BY cuboide) FROM agg_cuboidi WHERE tabella = 'agg_stock_cuboidi'`); got != counted {
		t.Errorf("roll-up sizes %s by the loader, %s by SQL", counted, got)
	}
}

// More distinct values of a column than the loader's key holds (4,095 comuni) leave the
// aggregate to SQL, and it still counts every company.
func TestFirstSnapshotStockGroupsOverflowFallsBackToSQL(t *testing.T) {
	f := newFixture(t)
	path := benchFirstSnapshot(f, t.TempDir(), 12_000, func(lines []string) []string {
		for i := 1; i <= 4_200; i++ {
			fields := strings.Split(lines[i], ";")
			fields[10] = fmt.Sprintf("COMUNE %d", i)
			lines[i] = strings.Join(fields, ";")
		}
		return lines
	})
	sum := f.load(ingest.KindImprese, path, ingest.Options{})
	if sum.Loaded != 12_000 || sum.Stats["copia_diretta"] != 1 {
		t.Fatalf("summary: loaded %d stats %v", sum.Loaded, sum.Stats)
	}
	if n := f.count(`SELECT sum(n)::int FROM agg_stock_gruppi`); n != 12_000 {
		t.Errorf("stock groups count %d companies", n)
	}
	if n := f.count(`SELECT count(DISTINCT comune) FROM agg_stock_gruppi`); n < 4_200 {
		t.Errorf("%d comuni in the stock groups", n)
	}
	if n := f.count(`SELECT count(*) FROM agg_stock_cuboidi_gruppi WHERE cuboide = 8`); n < 4_200 {
		t.Errorf("%d rows in the comune roll-up", n)
	}
}

// agg_stock_replace_end refuses groups that do not count the snapshot's companies, or roll-ups
// missing a cuboid, so that a loader bug never reaches the readers.
func TestStockReplaceEndChecksTotals(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	f.load(ingest.KindStradario, testdata("stradario.csv"), ingest.Options{})
	f.load(ingest.KindImprese, testdata("imprese_2026-09.csv"), ingest.Options{})
	companies := f.count(`SELECT sum(n)::int FROM agg_stock_gruppi`)
	for name, q := range map[string]string{
		"groups one short": `DELETE FROM agg_stock_gruppi WHERE ctid = (SELECT min(ctid) FROM agg_stock_gruppi)`,
		"an empty group":   `UPDATE agg_stock_gruppi SET n = 0 WHERE ctid = (SELECT min(ctid) FROM agg_stock_gruppi)`,
		"a cuboid missing": `DELETE FROM agg_stock_cuboidi_gruppi WHERE cuboide = 3`,
		"an unknown cuboid": `INSERT INTO agg_stock_cuboidi_gruppi (cuboide, classe_forma, artigiana, stato, comune, n, chiave)
			VALUES (99, '', false, 'ATTIVA', '', 1, 'x')`,
	} {
		t.Run(name, func(t *testing.T) {
			tx, err := f.db.Pool.Begin(ctx)
			if err != nil {
				t.Fatal(err)
			}
			defer tx.Rollback(ctx)
			for _, s := range []string{
				`CREATE TEMP TABLE g ON COMMIT DROP AS SELECT * FROM agg_stock_gruppi`,
				`CREATE TEMP TABLE c ON COMMIT DROP AS SELECT * FROM agg_stock_cuboidi_gruppi`,
				`SELECT agg_stock_replace_begin()`,
				`INSERT INTO agg_stock_gruppi TABLE g`,
				`INSERT INTO agg_stock_cuboidi_gruppi TABLE c`,
			} {
				if _, err := tx.Exec(ctx, s); err != nil {
					t.Fatalf("%s: %v", s, err)
				}
			}
			if _, err := tx.Exec(ctx, "SAVEPOINT s"); err != nil {
				t.Fatal(err)
			}
			if _, err := tx.Exec(ctx, `SELECT agg_stock_replace_end($1, now())`, companies); err != nil {
				t.Fatalf("the untouched copy was refused: %v", err)
			}
			if _, err := tx.Exec(ctx, "ROLLBACK TO SAVEPOINT s"); err != nil {
				t.Fatal(err)
			}
			if _, err := tx.Exec(ctx, q); err != nil {
				t.Fatalf("%s: %v", q, err)
			}
			if _, err := tx.Exec(ctx, `SELECT agg_stock_replace_end($1, now())`, companies); err == nil {
				t.Errorf("agg_stock_replace_end accepted %s", name)
			}
		})
	}
}

// benchFirstSnapshot writes dir/stradario.csv and dir/imprese_2026-10.csv, a generated
// first snapshot of rows companies that edit may change (its lines, the header first), and
// loads the street register.
func benchFirstSnapshot(f *fixture, dir string, rows int, edit func(lines []string) []string) string {
	f.t.Helper()
	var st, im bytes.Buffer
	if err := benchgen.WriteStradario(&st); err != nil {
		f.t.Fatal(err)
	}
	if _, err := benchgen.WriteImprese(&im, benchgen.Snapshot{Rows: rows, AsOf: day("2026-10-31")}); err != nil {
		f.t.Fatal(err)
	}
	lines := edit(strings.Split(strings.TrimRight(im.String(), "\r\n"), "\r\n"))
	path := filepath.Join(dir, "imprese_2026-10.csv")
	if err := os.WriteFile(filepath.Join(dir, "stradario.csv"), st.Bytes(), 0o644); err != nil {
		f.t.Fatal(err)
	}
	if err := os.WriteFile(path, []byte(strings.Join(lines, "\r\n")+"\r\n"), 0o644); err != nil {
		f.t.Fatal(err)
	}
	f.load(ingest.KindStradario, filepath.Join(dir, "stradario.csv"), ingest.Options{})
	return path
}
