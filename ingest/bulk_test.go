package ingest_test

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/comune-bologna/conoscenza/ingest"
	"github.com/comune-bologna/conoscenza/ingest/internal/benchgen"
)

// A first snapshot large enough for the direct copy (no indexes while writing) still rejects a
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
	if sum.Read != 12_001 || sum.Loaded != 12_000 || sum.Rejected != 1 || sum.Stats["copia_diretta"] != 1 {
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

// A first snapshot that repeats codes in every way the formats allow is copied directly all
// the same, and comes out exactly as through staging: the first valid row of each code stands
// (also when its first row was rejected for another reason), the later ones are rejected with
// the line of the one that stands; tables, rejections, match rate and stock aggregate agree.
func TestFirstSnapshotRepeatedCodesMatchStaging(t *testing.T) {
	direct, staged := newFixture(t), newFixture(t)
	edit := func(lines []string) []string {
		field := func(i, f int) string { return strings.Split(lines[i], ";")[f] }
		set := func(line string, f int, v string) string {
			x := strings.Split(line, ";")
			x[f] = v
			return strings.Join(x, ";")
		}
		valid8 := lines[8]
		lines[8] = set(lines[8], 6, "31/02/2020") // the code's first row is rejected: a later one stands
		return append(lines,
			set(lines[5], 3, "CAMBIATA DOPO"),                      // a later row changed
			lines[6],                                               // an identical row
			set(lines[7], 3, "SECONDA"), set(lines[7], 3, "TERZA"), // a code three times
			set(valid8, 3, "PRIMA VALIDA"), set(valid8, 3, "RIFIUTATA"), // after an invalid first row
			set(lines[9], 2, strings.ToLower(field(9, 2))), // the same code in lower case
			set(lines[10], 2, "  "+field(10, 2)+" "),       // and with spaces around it
		)
	}
	dirD, dirS := t.TempDir(), t.TempDir()
	a := direct.load(ingest.KindImprese, benchFirstSnapshot(direct, dirD, 12_000, edit), ingest.Options{})
	b := staged.load(ingest.KindImprese, benchFirstSnapshot(staged, dirS, 12_000, edit), ingest.Options{CompareInDatabase: true})
	if a.Stats["copia_diretta"] != 1 || b.Stats["copia_diretta"] != 0 {
		t.Fatalf("direct copy: %d and %d", a.Stats["copia_diretta"], b.Stats["copia_diretta"])
	}
	if a.Read != b.Read || a.Loaded != b.Loaded || a.Rejected != b.Rejected || a.Rejected != 8 || *a.MatchRate != *b.MatchRate {
		t.Errorf("read/loaded/rejected/match %d/%d/%d/%v direct, %d/%d/%d/%v staged",
			a.Read, a.Loaded, a.Rejected, *a.MatchRate, b.Read, b.Loaded, b.Rejected, *b.MatchRate)
	}
	for i := range min(len(a.Rejections), len(b.Rejections)) {
		if a.Rejections[i] != b.Rejections[i] {
			t.Errorf("rejection %d: %+v direct, %+v staged", i, a.Rejections[i], b.Rejections[i])
		}
	}
	for _, q := range []string{
		`SELECT md5(string_agg(t::text, '|' ORDER BY t::text)) FROM imprese_dati t`,
		`SELECT md5(string_agg(t::text, '|' ORDER BY t::text)) FROM imprese_versioni t`,
		`SELECT md5(string_agg((as_of, batch_id, companies)::text, '|' ORDER BY as_of)) FROM register_snapshots`,
		`SELECT md5(string_agg(t::text, '|' ORDER BY t::text)) FROM agg_imprese_stock t`,
		`SELECT md5(string_agg(t::text, '|' ORDER BY t::text)) FROM agg_stock_cuboidi t`,
	} {
		if x, y := direct.str(q), staged.str(q); x != y {
			t.Errorf("%s: %s direct, %s staged", q, x, y)
		}
	}
	if n := direct.count(`SELECT count(*) FROM imprese WHERE denominazione = 'PRIMA VALIDA'`); n != 1 {
		t.Errorf("the first valid row of a code whose first row was rejected: %d", n)
	}
}

// A first snapshot that repeats more codes than the direct copy holds back goes through
// staging instead, with the same outcome: every later row rejected, the first ones standing.
func TestFirstSnapshotRepeatingTooManyCodesGoesThroughStaging(t *testing.T) {
	defer ingest.SetMaxHeldRows(2)()
	f := newFixture(t)
	path := benchFirstSnapshot(f, t.TempDir(), 12_000, func(lines []string) []string {
		for i := 1; i <= 6; i++ {
			lines = append(lines, strings.Replace(lines[i], "TITOLARE", "DOPPIONE", 1))
		}
		return lines
	})
	sum := f.load(ingest.KindImprese, path, ingest.Options{})
	if sum.Read != 12_006 || sum.Loaded != 12_000 || sum.Rejected != 6 || sum.Stats["copia_diretta"] != 0 {
		t.Fatalf("summary = read %d loaded %d rejected %d stats %v", sum.Read, sum.Loaded, sum.Rejected, sum.Stats)
	}
	for i, r := range sum.Rejections {
		if r.Line != 12_002+i || !strings.Contains(r.Reason, fmt.Sprintf("alla riga %d", i+2)) {
			t.Errorf("rejection %d = %+v", i, r)
		}
	}
	if n := f.count(`SELECT count(*) FROM imprese WHERE denominazione LIKE 'DOPPIONE%'`); n != 0 {
		t.Errorf("%d repeated rows replaced the first ones", n)
	}
}
