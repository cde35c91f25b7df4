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

// TestSkippingUnchangedRowsMatchesTheFullComparison loads the same three monthly snapshots
// (changes, companies leaving and coming back, newcomers) into two databases: one where the
// loader skips the rows the previous snapshot has unchanged, one where every row is staged and
// compared in SQL. Every table the register load writes must come out identical, and the
// stock aggregate, brought forward from each month's changes, must equal a full recount.
func TestSkippingUnchangedRowsMatchesTheFullComparison(t *testing.T) {
	dir := t.TempDir()
	var st bytes.Buffer
	if err := benchgen.WriteStradario(&st); err != nil {
		t.Fatal(err)
	}
	_ = os.WriteFile(filepath.Join(dir, "stradario.csv"), st.Bytes(), 0o644)
	var files []string
	for m, asOf := range []string{"2026-10-31", "2026-11-30", "2026-12-31"} {
		var b bytes.Buffer
		if _, err := benchgen.WriteImprese(&b, benchgen.Snapshot{Rows: 3_000, Month: m, AsOf: day(asOf)}); err != nil {
			t.Fatal(err)
		}
		path := filepath.Join(dir, "imprese_"+asOf[:7]+".csv")
		_ = os.WriteFile(path, quoteSomeNames(b.Bytes()), 0o644)
		files = append(files, path)
	}
	fast, full := newFixture(t), newFixture(t)
	for _, f := range []*fixture{fast, full} {
		f.load(ingest.KindStradario, filepath.Join(dir, "stradario.csv"), ingest.Options{})
	}
	tables := map[string]string{
		"imprese_dati":       `SELECT md5(string_agg(t::text, '|' ORDER BY t::text)) FROM imprese_dati t`,
		"imprese_versioni":   `SELECT md5(string_agg(t::text, '|' ORDER BY t::text)) FROM imprese_versioni t`,
		"imprese_eventi":     `SELECT md5(string_agg((codice_fiscale, as_of, tipo, valore_prima, valore_dopo, batch_id)::text, '|' ORDER BY (codice_fiscale, as_of, tipo)::text)) FROM imprese_eventi`,
		"register_snapshots": `SELECT md5(string_agg((as_of, batch_id, companies)::text, '|' ORDER BY as_of)) FROM register_snapshots`,
		"agg_imprese_stock":  `SELECT md5(string_agg(t::text, '|' ORDER BY t::text)) FROM agg_imprese_stock t`,
		"agg_stock_cuboidi":  `SELECT md5(string_agg(t::text, '|' ORDER BY t::text)) FROM agg_stock_cuboidi t`,
	}
	// A recount of the stock aggregate from the view, independent of both load paths.
	recount := `SELECT count(*) FROM (
		(SELECT quartiere, zona, sezione_ateco, classe_forma, femminile, giovanile, straniera, artigiana, stato,
			addetti, comune, dt_cessazione, n FROM agg_imprese_stock
		 EXCEPT ALL
		 SELECT quartiere, zona, sezione_ateco, classe_forma, femminile, giovanile, straniera, artigiana, stato,
			CASE WHEN addetti IS NULL THEN NULL WHEN addetti = 0 THEN 0 WHEN addetti < 10 THEN 1 WHEN addetti < 50 THEN 10
				WHEN addetti < 250 THEN 50 ELSE 250 END,
			comune, CASE WHEN dt_cessazione IS NULL THEN NULL ELSE date '1900-01-01' END, count(*)
		 FROM imprese WHERE last_as_of = (SELECT max(as_of) FROM register_snapshots) GROUP BY 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12)
		UNION ALL
		(SELECT quartiere, zona, sezione_ateco, classe_forma, femminile, giovanile, straniera, artigiana, stato,
			CASE WHEN addetti IS NULL THEN NULL WHEN addetti = 0 THEN 0 WHEN addetti < 10 THEN 1 WHEN addetti < 50 THEN 10
				WHEN addetti < 250 THEN 50 ELSE 250 END,
			comune, CASE WHEN dt_cessazione IS NULL THEN NULL ELSE date '1900-01-01' END, count(*)
		 FROM imprese WHERE last_as_of = (SELECT max(as_of) FROM register_snapshots) GROUP BY 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12
		 EXCEPT ALL
		 SELECT quartiere, zona, sezione_ateco, classe_forma, femminile, giovanile, straniera, artigiana, stato,
			addetti, comune, dt_cessazione, n FROM agg_imprese_stock)) x`
	for i, file := range files {
		a := fast.load(ingest.KindImprese, file, ingest.Options{})
		b := full.load(ingest.KindImprese, file, ingest.Options{CompareInDatabase: true})
		name := filepath.Base(file)
		if a.Read != b.Read || a.Loaded != b.Loaded || a.Rejected != b.Rejected {
			t.Errorf("%s: skipping read/loaded/rejected %d/%d/%d, full comparison %d/%d/%d", name, a.Read, a.Loaded, a.Rejected, b.Read, b.Loaded, b.Rejected)
		}
		if a.MatchRate == nil || b.MatchRate == nil || *a.MatchRate != *b.MatchRate || *a.MatchRate == 0 {
			t.Errorf("%s: match rate %v skipping, %v comparing in SQL", name, deref(a.MatchRate), deref(b.MatchRate))
		}
		for _, k := range []string{"imprese", "invariate", "versioni_nuove", "versioni_chiuse", "evento_ingresso", "evento_uscita",
			"evento_cambio_stato", "evento_cessazione", "evento_trasferimento", "evento_cambio_ateco", "evento_rettifica"} {
			if a.Stats[k] != b.Stats[k] {
				t.Errorf("%s: stat %s = %d skipping, %d comparing in SQL", name, k, a.Stats[k], b.Stats[k])
			}
		}
		if i > 0 {
			if a.Stats["invariate_non_inviate"] == 0 || a.Stats["invariate_non_inviate"] != a.Stats["invariate"] || b.Stats["invariate_non_inviate"] != 0 {
				t.Errorf("%s: rows not sent %d (unchanged %d), full comparison %d", name, a.Stats["invariate_non_inviate"], a.Stats["invariate"], b.Stats["invariate_non_inviate"])
			}
			// November follows a register stored without raw fingerprints (as before migration
			// 00013): every unchanged row is parsed, and its fingerprint written back; December
			// then skips them all before parsing.
			raw, stored, unchanged := a.Stats["invariate_non_analizzate"], a.Stats["impronte"], a.Stats["invariate_non_inviate"]
			if (i == 1 && (raw != 0 || stored != unchanged)) || (i == 2 && (raw != unchanged || stored != 0)) {
				t.Errorf("%s: %d rows skipped before parsing, %d fingerprints stored, %d unchanged", name, raw, stored, unchanged)
			}
			if b.Stats["impronte"] != stored {
				t.Errorf("%s: the full comparison stored %d fingerprints, the loader %d", name, b.Stats["impronte"], stored)
			}
			if a.Stats["evento_uscita"] == 0 || a.Stats["evento_ingresso"] == 0 || a.Stats["evento_trasferimento"] == 0 {
				t.Errorf("%s: the month should have exits, entries and moves: %v", name, a.Stats)
			}
			if _, ok := a.Stats["aggregati_ricalcolati"]; ok {
				t.Errorf("%s: the stock aggregate was recounted instead of brought forward", name)
			}
		}
		for table, q := range tables {
			if x, y := fast.str(q), full.str(q); x != y {
				t.Errorf("%s: %s differs between the two ways (%s vs %s)", name, table, x, y)
			}
		}
		if n := fast.count(recount); n != 0 {
			t.Errorf("%s: the stock aggregate differs from a recount in %d rows", name, n)
		}
		if n := rebuiltRollupsDiffer(t, fast); n != 0 {
			t.Errorf("%s: the stock roll-ups brought forward differ from a rebuild in %d rows", name, n)
		}
		if i == 0 {
			for _, f := range []*fixture{fast, full} {
				if n := f.count(`WITH u AS (UPDATE imprese_dati SET raw_hash = NULL RETURNING 1) SELECT count(*) FROM u`); n == 0 {
					t.Fatal("no raw fingerprint stored by the first snapshot")
				}
			}
		}
	}
	if n := fast.count(`SELECT count(*) FROM imprese_eventi WHERE tipo = 'ingresso' AND as_of = '2026-12-31'
		AND codice_fiscale IN (SELECT codice_fiscale FROM imprese_eventi WHERE tipo = 'uscita' AND as_of = '2026-11-30')`); n == 0 {
		t.Error("no company left in November and came back in December: the case is not covered")
	}
}

// quoteSomeNames writes one company in 40 with its name quoted and holding the separator, as
// `"ROSSI; BIANCHI"`: such rows are read by the parser every month (the reader's line filter
// only drops lines without quotes) and must be skipped, changed or kept as the others.
func quoteSomeNames(csv []byte) []byte {
	lines := strings.Split(string(csv), "\r\n")
	for i := 1; i < len(lines); i++ {
		f := strings.Split(lines[i], ";")
		if len(f) > 3 && len(f[2]) > 0 && f[2][len(f[2])-1]%40 == 0 {
			f[3] = `"` + f[3] + `; & C."`
			lines[i] = strings.Join(f, ";")
		}
	}
	return []byte(strings.Join(lines, "\r\n"))
}

// rebuiltRollupsDiffer rebuilds the stock roll-ups from the aggregate, in a transaction rolled
// back, and counts the rows that differ from the roll-ups as the load left them.
func rebuiltRollupsDiffer(t *testing.T, f *fixture) int {
	t.Helper()
	ctx := context.Background()
	tx, err := f.db.Pool.Begin(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = tx.Rollback(ctx) }()
	var n int
	if _, err := tx.Exec(ctx, `CREATE TEMP TABLE loaded_rollups AS SELECT * FROM agg_stock_cuboidi`); err != nil {
		t.Fatal(err)
	}
	if _, err := tx.Exec(ctx, `SELECT refresh_agg_stock()`); err != nil {
		t.Fatal(err)
	}
	if err := tx.QueryRow(ctx, `SELECT (SELECT count(*) FROM (SELECT * FROM loaded_rollups EXCEPT ALL SELECT * FROM agg_stock_cuboidi) a)
		+ (SELECT count(*) FROM (SELECT * FROM agg_stock_cuboidi EXCEPT ALL SELECT * FROM loaded_rollups) b)`).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

func deref(f *float64) any {
	if f == nil {
		return nil
	}
	return *f
}

// A month that repeats companies of the previous snapshot is read a second time with every row
// of those companies staged (the others still skipped), and must come out as the full
// comparison in SQL makes it: the first row of each code stands, the later ones are rejected
// with their lines, whether the first is unchanged and a later one changed, the first changed
// and a later one as before, a later one identical, or the code three times.
func TestRepeatedKnownCodesMatchTheFullComparison(t *testing.T) {
	dir := t.TempDir()
	var st, oct, nov bytes.Buffer
	if err := benchgen.WriteStradario(&st); err != nil {
		t.Fatal(err)
	}
	if _, err := benchgen.WriteImprese(&oct, benchgen.Snapshot{Rows: 3_000, AsOf: day("2026-10-31")}); err != nil {
		t.Fatal(err)
	}
	if _, err := benchgen.WriteImprese(&nov, benchgen.Snapshot{Rows: 3_000, Month: 1, AsOf: day("2026-11-30")}); err != nil {
		t.Fatal(err)
	}
	split := func(b bytes.Buffer) []string { return strings.Split(strings.TrimRight(b.String(), "\r\n"), "\r\n") }
	cf := func(line string) string { return strings.Split(line, ";")[2] }
	before := map[string]string{}
	for _, l := range split(oct)[1:] {
		before[cf(l)] = l
	}
	lines := split(nov)
	var same, changed []string
	for _, l := range lines[1:] {
		switch prev, ok := before[cf(l)]; {
		case ok && prev == l:
			same = append(same, l)
		case ok:
			changed = append(changed, l)
		}
	}
	if len(same) < 4 || len(changed) < 1 {
		t.Fatalf("generated month: %d unchanged, %d changed companies", len(same), len(changed))
	}
	renamed := func(l, name string) string { f := strings.Split(l, ";"); f[3] = name; return strings.Join(f, ";") }
	lines = append(lines,
		renamed(same[0], "RIPETUTA DOPO, CAMBIATA"),              // the first unchanged, a later one changed
		before[cf(changed[0])],                                   // the first changed, a later one as before
		same[1],                                                  // a later one identical
		renamed(same[2], "TERZA 1"), renamed(same[2], "TERZA 2"), // three times
	)
	_ = os.WriteFile(filepath.Join(dir, "stradario.csv"), st.Bytes(), 0o644)
	_ = os.WriteFile(filepath.Join(dir, "imprese_2026-10.csv"), oct.Bytes(), 0o644)
	_ = os.WriteFile(filepath.Join(dir, "imprese_2026-11.csv"), []byte(strings.Join(lines, "\r\n")+"\r\n"), 0o644)

	fast, full := newFixture(t), newFixture(t)
	var a, b ingest.Summary
	for _, f := range []*fixture{fast, full} {
		opts := ingest.Options{CompareInDatabase: f == full}
		f.load(ingest.KindStradario, filepath.Join(dir, "stradario.csv"), ingest.Options{})
		f.load(ingest.KindImprese, filepath.Join(dir, "imprese_2026-10.csv"), opts)
		s := f.load(ingest.KindImprese, filepath.Join(dir, "imprese_2026-11.csv"), opts)
		if f == fast {
			a = s
		} else {
			b = s
		}
	}
	if a.Stats["codici_ripetuti"] != 4 || a.Stats["confronto_completo"] != 0 || a.Stats["invariate_non_inviate"] == 0 {
		t.Errorf("skipping: stats %v, want 4 repeated codes read a second time and the unchanged rows still skipped", a.Stats)
	}
	if a.Rejected != 5 || b.Rejected != 5 || a.Loaded != b.Loaded || a.Read != b.Read {
		t.Fatalf("read/loaded/rejected %d/%d/%d skipping, %d/%d/%d in SQL", a.Read, a.Loaded, a.Rejected, b.Read, b.Loaded, b.Rejected)
	}
	for i := range a.Rejections {
		if a.Rejections[i] != b.Rejections[i] || a.Rejections[i].Line <= len(lines)-5 {
			t.Errorf("rejection %d: %+v skipping, %+v in SQL", i, a.Rejections[i], b.Rejections[i])
		}
	}
	for _, k := range []string{"imprese", "invariate", "versioni_nuove", "versioni_chiuse", "evento_ingresso", "evento_uscita",
		"evento_cambio_stato", "evento_cessazione", "evento_trasferimento", "evento_cambio_ateco", "evento_rettifica"} {
		if a.Stats[k] != b.Stats[k] {
			t.Errorf("stat %s = %d skipping, %d in SQL", k, a.Stats[k], b.Stats[k])
		}
	}
	for _, q := range []string{
		`SELECT md5(string_agg(t::text, '|' ORDER BY t::text)) FROM imprese_dati t`,
		`SELECT md5(string_agg(t::text, '|' ORDER BY t::text)) FROM imprese_versioni t`,
		`SELECT md5(string_agg((codice_fiscale, as_of, tipo, valore_prima, valore_dopo)::text, '|' ORDER BY (codice_fiscale, as_of, tipo)::text)) FROM imprese_eventi`,
		`SELECT md5(string_agg(t::text, '|' ORDER BY t::text)) FROM agg_imprese_stock t`,
		`SELECT md5(string_agg(t::text, '|' ORDER BY t::text)) FROM agg_stock_cuboidi t`,
	} {
		if x, y := fast.str(q), full.str(q); x != y {
			t.Errorf("%s differs between the two ways", q)
		}
	}
	if n := fast.count(`SELECT count(*) FROM imprese WHERE denominazione IN ('RIPETUTA DOPO, CAMBIATA', 'TERZA 1', 'TERZA 2')`); n != 0 {
		t.Errorf("%d later rows replaced the first", n)
	}
}
