package ingest_test

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/comune-bologna/conoscenza/ingest"
	"github.com/comune-bologna/conoscenza/ingest/internal/benchgen"
)

// A first snapshot large enough for the bulk path (no indexes while writing) still rejects a
// duplicate codice fiscale, keeps the first row, and leaves every index in place.
func TestLargeFirstSnapshotUsesBulkPathAndStillRejectsDuplicates(t *testing.T) {
	f := newFixture(t)
	indexes := `SELECT count(*) FROM pg_indexes WHERE tablename IN ('imprese_dati', 'imprese_versioni')`
	before := f.count(indexes)
	path := benchFirstSnapshot(f, t.TempDir(), 12_000, func(lines []string) []string {
		dup := strings.Replace(lines[5], "IMPRESA", "DOPPIONE", 1)
		return append(lines, strings.Replace(dup, "TITOLARE", "DOPPIONE", 1))
	})
	sum := f.load(ingest.KindImprese, path, ingest.Options{})
	if sum.Read != 12_001 || sum.Loaded != 12_000 || sum.Rejected != 1 || sum.Stats["caricamento_massivo"] != 1 || sum.Stats["copia_diretta"] != 0 {
		t.Fatalf("summary = read %d loaded %d rejected %d stats %v", sum.Read, sum.Loaded, sum.Rejected, sum.Stats)
	}
	if r := sum.Rejections[0]; r.Line != 12_002 || r.Column != "C-FISCALE" || !strings.Contains(r.Reason, "riga 6") {
		t.Errorf("rejection = %+v", r)
	}
	if n := f.count(`SELECT count(*) FROM imprese WHERE denominazione LIKE 'DOPPIONE%'`); n != 0 {
		t.Errorf("the duplicate replaced the first row")
	}
	if after := f.count(indexes); after != before {
		t.Errorf("indexes before %d, after %d", before, after)
	}
	if n := f.count(`SELECT count(*) FROM imprese_storia`); n != 12_000 {
		t.Errorf("%d versions", n)
	}
	if *sum.MatchRate < 0.95 {
		t.Errorf("match rate %v", *sum.MatchRate)
	}
}

// A clean first snapshot is copied straight into the history (no staging table); the current
// state, the snapshot row, the indexes and the next month's comparison are as through staging.
func TestLargeFirstSnapshotCopiedDirectlyThenNextMonth(t *testing.T) {
	f := newFixture(t)
	dir := t.TempDir()
	var st, oct, nov bytes.Buffer
	if err := benchgen.WriteStradario(&st); err != nil {
		t.Fatal(err)
	}
	if _, err := benchgen.WriteImprese(&oct, benchgen.Snapshot{Rows: 12_000, AsOf: day("2026-10-31")}); err != nil {
		t.Fatal(err)
	}
	if _, err := benchgen.WriteImprese(&nov, benchgen.Snapshot{Rows: 12_000, Month: 1, AsOf: day("2026-11-30")}); err != nil {
		t.Fatal(err)
	}
	_ = os.WriteFile(filepath.Join(dir, "stradario.csv"), st.Bytes(), 0o644)
	_ = os.WriteFile(filepath.Join(dir, "imprese_2026-10.csv"), oct.Bytes(), 0o644)
	// next month repeats a company: the later row is rejected, the first stands
	novLines := strings.Split(strings.TrimRight(nov.String(), "\r\n"), "\r\n")
	nov.WriteString(strings.Replace(novLines[7], "IMPRESA", "DOPPIONE", 1) + "\r\n")
	_ = os.WriteFile(filepath.Join(dir, "imprese_2026-11.csv"), nov.Bytes(), 0o644)

	indexes := `SELECT count(*) FROM pg_indexes WHERE tablename IN ('imprese_dati', 'imprese_versioni')`
	before := f.count(indexes)
	f.load(ingest.KindStradario, filepath.Join(dir, "stradario.csv"), ingest.Options{})
	sum := f.load(ingest.KindImprese, filepath.Join(dir, "imprese_2026-10.csv"), ingest.Options{})
	if sum.Read != 12_000 || sum.Loaded != 12_000 || sum.Rejected != 0 || sum.Stats["copia_diretta"] != 1 || sum.Stats["versioni_nuove"] != 12_000 {
		t.Fatalf("summary = read %d loaded %d rejected %d stats %v", sum.Read, sum.Loaded, sum.Rejected, sum.Stats)
	}
	if after := f.count(indexes); after != before {
		t.Errorf("indexes before %d, after %d", before, after)
	}
	for q, want := range map[string]int{
		`SELECT count(*) FROM imprese WHERE first_as_of = '2026-10-31' AND last_as_of = '2026-10-31' AND batch_id IS NOT NULL`:                 12_000,
		`SELECT count(*) FROM imprese_storia WHERE valid_from = '2026-10-31' AND valid_to IS NULL AND row_hash <> '' AND batch_id IS NOT NULL`: 12_000,
		`SELECT count(*) FROM imprese i JOIN imprese_storia h USING (codice_fiscale) WHERE h.denominazione = i.denominazione
			AND h.quartiere IS NOT DISTINCT FROM i.quartiere AND h.sezione_ateco IS NOT DISTINCT FROM i.sezione_ateco`: 12_000,
		`SELECT companies FROM register_snapshots WHERE as_of = '2026-10-31'`:  12_000,
		`SELECT sum(n)::int FROM agg_imprese_stock WHERE as_of = '2026-10-31'`: 12_000,
	} {
		if n := f.count(q); n != want {
			t.Errorf("%s = %d, want %d", q, n, want)
		}
	}
	next := f.load(ingest.KindImprese, filepath.Join(dir, "imprese_2026-11.csv"), ingest.Options{})
	if next.Stats["copia_diretta"] != 0 || next.Stats["evento_ingresso"] == 0 || next.Stats["evento_uscita"] == 0 || next.Stats["codici_ripetuti"] != 1 || next.Stats["confronto_completo"] != 0 {
		t.Errorf("next month stats %v", next.Stats)
	}
	if next.Rejected != 1 || next.Rejections[0].Line != len(novLines)+1 || !strings.Contains(next.Rejections[0].Reason, "riga 8") {
		t.Errorf("next month: rejected %d %+v", next.Rejected, next.Rejections)
	}
	if n := f.count(`SELECT count(*) FROM imprese_storia WHERE denominazione LIKE 'DOPPIONE%'`); n != 0 {
		t.Errorf("the duplicate replaced the first row")
	}
	present := f.count(`SELECT count(*) FROM imprese WHERE last_as_of = '2026-11-30'`)
	current := f.count(`SELECT count(*) FROM imprese_storia WHERE valid_to IS NULL`)
	if present != next.Loaded || current != next.Loaded {
		t.Errorf("in the latest snapshot: imprese %d, current versions %d, loaded %d", present, current, next.Loaded)
	}
	// Storage (migrations 00011, 00012): one row per company, NULL last_as_of while in the
	// latest snapshot; only the closed versions are in imprese_versioni.
	if n := f.count(`SELECT count(*) FROM imprese_dati WHERE last_as_of IS NULL`); n != next.Loaded {
		t.Errorf("%d rows of imprese_dati in the latest snapshot, loaded %d", n, next.Loaded)
	}
	if n := f.count(`SELECT count(*) FROM imprese_versioni WHERE valid_to = '2026-11-30'`); int64(n) != next.Stats["versioni_chiuse"] || n == 0 {
		t.Errorf("%d closed versions, stats %v", n, next.Stats)
	}
	left := f.count(`SELECT count(*) FROM imprese WHERE last_as_of = '2026-10-31'`)
	if int64(left) != next.Stats["evento_uscita"] {
		t.Errorf("%d companies left behind, %d uscita events", left, next.Stats["evento_uscita"])
	}
}
