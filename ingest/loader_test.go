package ingest_test

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/comune-bologna/conoscenza/ingest"
	"github.com/comune-bologna/conoscenza/ingest/db"
)

func TestRegisterSnapshotsBuildHistoryAndRejectBadRows(t *testing.T) {
	f := newFixture(t)
	str := f.load(ingest.KindStradario, testdata("stradario.csv"), ingest.Options{})
	if str.Read != 13 || str.Loaded != 12 || str.Rejected != 1 || str.Rejections[0].Column != "QUARTIERE" {
		t.Fatalf("stradario summary = %+v", str)
	}

	sep := f.load(ingest.KindImprese, testdata("imprese_2026-09.csv"), ingest.Options{})
	if sep.AsOf != "2026-09-30" || sep.Read != 8 || sep.Loaded != 8 || sep.Rejected != 0 {
		t.Fatalf("september summary = %+v", sep)
	}
	if sep.MatchRate == nil || *sep.MatchRate != 7.0/8 {
		t.Errorf("match rate = %v, want 7/8", sep.MatchRate)
	}
	attributed := map[string]string{
		"01234567004":      "San Donato-San Vitale|Irnerio", // VIA DELL'INDIPENDENZA 12: even side
		"01234567012":      "Porto-Saragozza|Marconi",       // V. DEL PORTO N. 7
		"01234567020":      "Santo Stefano|Galvani",         // P.ZZA MAGGIORE 1
		"RSSMRA80A01A944I": "Navile|Corticella",             // VIA DI CORTICELLA 250/A: second range
		"01234567038":      "San Donato-San Vitale|San Vitale",
		"BNCLRA85M41A944N": "Navile|Lame",              // NICOLÒ with an accent
		"01234567053":      "Porto-Saragozza|Malpighi", // VIALE VICINI for VIALE GIOVANNI VICINI
		"01234567046":      "non attribuito|<NULL>",    // kept, not dropped
	}
	for cf, want := range attributed {
		got := f.str(`SELECT coalesce(quartiere, 'non attribuito') || '|' || coalesce(zona, '<NULL>') FROM imprese WHERE codice_fiscale = $1`, cf)
		if got != want {
			t.Errorf("%s attributed to %q, want %q", cf, got, want)
		}
	}
	if n := f.count(`SELECT addetti FROM imprese WHERE codice_fiscale = '01234567012'`); n != 1234 {
		t.Errorf("ADDETTI 1.234 read as %d", n)
	}

	oct := f.load(ingest.KindImprese, testdata("imprese_2026-10.csv"), ingest.Options{})
	if oct.Read != 18 || oct.Loaded != 8 || oct.Rejected != 10 || oct.UnchangedFile {
		t.Fatalf("october summary = %+v", oct)
	}
	wantRejections := []struct {
		line          int
		column, maybe string
	}{
		{10, "C-FISCALE", "cifra di controllo errata"},
		{11, "DT-ISCR-RI", "data impossibile"},
		{12, "DT-CESSAZ", "precedente all'iscrizione"},
		{13, "ATECO", "divisione inesistente"},
		{14, "STATO", "stato sconosciuto"},
		{15, "ADDETTI", "negativo"},
		{16, "IMP-FEMMINILE", "grado sconosciuto"},
		{17, "DT-ISCR-RI", "data futura"},
		{18, "", "numero di colonne errato"},
		{19, "C-FISCALE", "duplicato nel file"},
	}
	for i, w := range wantRejections {
		got := oct.Rejections[i]
		if got.Line != w.line || got.Column != w.column || !strings.Contains(got.Reason, w.maybe) {
			t.Errorf("rejection %d = %+v, want line %d column %q reason ~ %q", i, got, w.line, w.column, w.maybe)
		}
	}
	stored, err := f.loader.Rejections(context.Background(), oct.BatchID, 0)
	if err != nil || len(stored) != 10 {
		t.Fatalf("stored rejections = %d, %v", len(stored), err)
	}

	// Events derived by comparing October with September.
	events := map[string]string{
		"01234567012|trasferimento":     "V. DEL PORTO N. 7 | Porto-Saragozza -> VIA TOLMINO 5 | Savena",
		"01234567020|cambio_stato":      "ATTIVA -> CESSATA",
		"01234567020|cessazione":        " -> 2026-09-30",
		"RSSMRA80A01A944I|cambio_stato": "ATTIVA -> INATTIVA",
		"01234567038|uscita":            "ATTIVA -> ",
		"BNCLRA85M41A944N|rettifica":    " -> ",
		"01234567061|ingresso":          " -> ATTIVA",
	}
	if n := f.count(`SELECT count(*) FROM imprese_eventi WHERE as_of = '2026-10-31'`); n != len(events) {
		t.Errorf("%d events, want %d", n, len(events))
	}
	for key, want := range events {
		cf, tipo, _ := strings.Cut(key, "|")
		got := f.str(`SELECT coalesce(valore_prima, '') || ' -> ' || coalesce(valore_dopo, '') FROM imprese_eventi WHERE codice_fiscale = $1 AND tipo = $2`, cf, tipo)
		if got != want {
			t.Errorf("event %s = %q, want %q", key, got, want)
		}
	}

	// Current state follows the latest snapshot; the company that left keeps its last one.
	if q := f.str(`SELECT quartiere FROM imprese WHERE codice_fiscale = '01234567012'`); q != "Savena" {
		t.Errorf("moved company's quartiere = %q", q)
	}
	if d := f.str(`SELECT last_as_of::text FROM imprese WHERE codice_fiscale = '01234567038'`); d != "2026-09-30" {
		t.Errorf("company missing from October: last_as_of = %s", d)
	}
	if d := f.str(`SELECT denominazione FROM imprese WHERE codice_fiscale = '01234567004'`); d != "ALFA SRL" {
		t.Errorf("duplicate overwrote the first row: %q", d)
	}
	if n := f.count(`SELECT count(*) FROM imprese_ultima_istantanea`); n != 8 {
		t.Errorf("companies in the latest snapshot = %d, want 8", n)
	}
	// "As of" an earlier date reads the history.
	for _, c := range []struct {
		date, sql string
		want      int
	}{
		{"2026-09-30", `SELECT count(*) FROM imprese_al($1)`, 8},
		{"2026-10-15", `SELECT count(*) FROM imprese_al($1) WHERE quartiere = 'Porto-Saragozza'`, 2},
		{"2026-10-31", `SELECT count(*) FROM imprese_al($1) WHERE quartiere = 'Porto-Saragozza'`, 1},
		{"2026-10-31", `SELECT count(*) FROM imprese_al($1) WHERE stato = 'ATTIVA'`, 6},
		{"2026-08-31", `SELECT count(*) FROM imprese_al($1)`, 0},
	} {
		if n := f.count(c.sql, c.date); n != c.want {
			t.Errorf("as of %s: %s = %d, want %d", c.date, c.sql, n, c.want)
		}
	}

	// Loading the same file again changes nothing, and says so.
	before := f.count(`SELECT (SELECT count(*) FROM imprese_storia) * 1000 + (SELECT count(*) FROM imprese_eventi)`)
	again := f.load(ingest.KindImprese, testdata("imprese_2026-10.csv"), ingest.Options{})
	if !again.UnchangedFile || again.SameAsBatch != oct.BatchID || again.Read != 18 || again.Loaded != 8 || again.Rejected != 10 || len(again.Rejections) != 10 {
		t.Errorf("second load = %+v", again)
	}
	if after := f.count(`SELECT (SELECT count(*) FROM imprese_storia) * 1000 + (SELECT count(*) FROM imprese_eventi)`); after != before {
		t.Errorf("second load changed history: %d -> %d", before, after)
	}

	// An older snapshot is refused before anything is written.
	older := filepath.Join(t.TempDir(), "imprese_2026-08.csv")
	data, _ := os.ReadFile(testdata("imprese_2026-09.csv"))
	_ = os.WriteFile(older, append(data, '\n'), 0o644)
	_, err = f.loader.LoadFile(context.Background(), ingest.KindImprese, older, ingest.Options{})
	if err == nil || !strings.Contains(err.Error(), "più vecchia") || db.ErrorCode(err) != db.CodeConflict {
		t.Errorf("older snapshot: err = %v", err)
	}
	if n := f.count(`SELECT count(*) FROM register_snapshots`); n != 2 {
		t.Errorf("%d snapshots after a refused load", n)
	}
	if n := f.count(`SELECT count(*) FROM load_batches WHERE status = 'failed' AND file_name = 'imprese_2026-08.csv'`); n != 1 {
		t.Errorf("refused load not recorded as failed")
	}
}

func TestStradarioLoadedLaterReattributesAddresses(t *testing.T) {
	f := newFixture(t)
	sum := f.load(ingest.KindImprese, testdata("imprese_2026-09.csv"), ingest.Options{})
	if *sum.MatchRate != 0 || !strings.Contains(strings.Join(sum.Warnings, " "), "stradario vuoto") {
		t.Fatalf("without a street register: %+v", sum)
	}
	f.load(ingest.KindSUAP, testdata("suap.csv"), ingest.Options{})
	str := f.load(ingest.KindStradario, testdata("stradario.csv"), ingest.Options{})
	if str.Stats["riattribuiti_imprese"] != 7 || str.Stats["riattribuiti_imprese_storia"] != 7 || str.Stats["riattribuiti_suap_pratiche"] != 1 {
		t.Errorf("re-attribution stats = %v", str.Stats)
	}
	if n := f.count(`SELECT count(*) FROM imprese WHERE quartiere IS NOT NULL`); n != 7 {
		t.Errorf("%d companies attributed after the street register, want 7", n)
	}
}

func TestWindows1252CommaSeparatedFile(t *testing.T) {
	f := newFixture(t)
	f.load(ingest.KindStradario, testdata("stradario.csv"), ingest.Options{})
	sum := f.load(ingest.KindImprese, testdata("imprese_cp1252.csv"), ingest.Options{AsOf: day("2026-10-31")})
	if sum.Encoding != "windows-1252" || sum.Separator != "," || sum.Loaded != 2 || sum.Rejected != 0 {
		t.Fatalf("summary = %+v", sum)
	}
	if !strings.Contains(strings.Join(sum.Warnings, " "), "NOTE") {
		t.Errorf("unknown column not reported: %v", sum.Warnings)
	}
	if d := f.str(`SELECT denominazione FROM imprese WHERE codice_fiscale = '01234567004'`); d != "CAFFÈ DELLA PIAZZA, SRL" {
		t.Errorf("denominazione = %q", d)
	}
	if q := f.str(`SELECT quartiere FROM imprese WHERE codice_fiscale = '01234567004'`); q != "Navile" {
		t.Errorf("VIA NICOLÒ DALL'ARCA 3 attributed to %q", q)
	}
	if d := f.str(`SELECT denominazione FROM imprese WHERE codice_fiscale = 'BNCLRA85M41A944N'`); d != "PERCHÉ NO DI BIANCHI LAURA" {
		t.Errorf("denominazione = %q", d)
	}
}

func TestUnreadableFilesFailBeforeWriting(t *testing.T) {
	f := newFixture(t)
	garbage := filepath.Join(t.TempDir(), "imprese_2026-10.csv")
	_ = os.WriteFile(garbage, []byte("\x00\x01\x02PK\x03\x04\x00\x00binary\x00\xff\xfe"), 0o644)
	noDate := filepath.Join(t.TempDir(), "imprese.csv")
	data, _ := os.ReadFile(testdata("imprese_2026-09.csv"))
	_ = os.WriteFile(noDate, data, 0o644)
	for _, c := range []struct {
		path, want string
	}{
		{testdata("imprese_senza_stato.csv"), "colonna obbligatoria mancante: STATO"},
		{garbage, "non è un CSV di testo"},
		{noDate, "--as-of"},
		{filepath.Join(t.TempDir(), "missing_2026-10.csv"), "no such file"},
	} {
		_, err := f.loader.LoadFile(context.Background(), ingest.KindImprese, c.path, ingest.Options{AsOf: asOfFor(c.path)})
		if err == nil || !strings.Contains(err.Error(), c.want) || strings.Contains(err.Error(), "\n") {
			t.Errorf("%s: err = %v, want one line with %q", filepath.Base(c.path), err, c.want)
		}
	}
	if n := f.count(`SELECT count(*) FROM load_batches`); n != 0 {
		t.Errorf("%d batches written for unreadable files", n)
	}
}

func asOfFor(path string) time.Time {
	if strings.Contains(path, "senza_stato") {
		return day("2026-10-31")
	}
	return time.Time{}
}

func TestRequestsPermitsAndGrantsUpsertByKey(t *testing.T) {
	f := newFixture(t)
	f.load(ingest.KindStradario, testdata("stradario.csv"), ingest.Options{})

	sep := f.load(ingest.KindCIG, testdata("cig_2026-09.csv"), ingest.Options{})
	if sep.AsOf != "2026-09-30" || sep.Read != 4 || sep.Loaded != 2 || sep.Rejected != 2 || sep.MatchRate != nil {
		t.Fatalf("cig september = %+v", sep)
	}
	if sep.Rejections[0].Column != "TIPO" || sep.Rejections[1].Column != "ID-DOMANDA" {
		t.Errorf("cig rejections = %+v", sep.Rejections)
	}
	if s := f.str(`SELECT ore_autorizzate::text FROM cig_domande WHERE id_domanda = 'ER2026000001'`); s != "1000.50" {
		t.Errorf("ORE-AUTORIZZATE 1.000,5 stored as %s", s)
	}
	oct := f.load(ingest.KindCIG, testdata("cig_2026-10.csv"), ingest.Options{})
	if oct.Stats["inserite"] != 1 || oct.Stats["aggiornate"] != 1 || oct.Stats["invariate"] != 1 {
		t.Errorf("cig october stats = %v", oct.Stats)
	}
	if s := f.str(`SELECT esito || ' ' || dt_autorizzazione FROM cig_domande WHERE id_domanda = 'ER2026000002'`); s != "AUTORIZZATA 2026-10-02" {
		t.Errorf("updated request = %q", s)
	}

	suap := f.load(ingest.KindSUAP, testdata("suap.csv"), ingest.Options{})
	if suap.Read != 4 || suap.Loaded != 2 || suap.Rejected != 2 || *suap.MatchRate != 0.5 {
		t.Errorf("suap = %+v", suap)
	}
	if q := f.str(`SELECT quartiere FROM suap_pratiche WHERE id_pratica = 'SUAP-2026-000001'`); q != "San Donato-San Vitale" {
		t.Errorf("suap quartiere = %q", q)
	}

	gr := f.load(ingest.KindContributi, testdata("contributi_2026.csv"), ingest.Options{})
	if gr.AsOf != "2026-06-15" || gr.AsOfSource != "content" || gr.Loaded != 2 || gr.Rejected != 2 {
		t.Errorf("contributi = %+v", gr)
	}
	if s := f.str(`SELECT importo_richiesto::text FROM contributi WHERE codice_fiscale = '01234567012'`); s != "1234.50" {
		t.Errorf("IMPORTO-RICHIESTO 1.234,5 stored as %s", s)
	}
	if s := f.str(`SELECT titolo_bando FROM contributi WHERE codice_fiscale = '01234567004'`); s != "Contributi per le attività commerciali" {
		t.Errorf("titolo = %q", s)
	}
}

func TestSummaryJSONShape(t *testing.T) {
	f := newFixture(t)
	sum := f.load(ingest.KindCIG, testdata("cig_2026-09.csv"), ingest.Options{})
	b, _ := json.Marshal(sum)
	var m map[string]any
	_ = json.Unmarshal(b, &m)
	for _, k := range []string{"batch_id", "kind", "as_of", "read", "loaded", "rejected", "unchanged_file", "warnings", "rejections", "match_rate"} {
		if _, ok := m[k]; !ok {
			t.Errorf("summary JSON lacks %q: %s", k, b)
		}
	}
	rej := m["rejections"].([]any)[0].(map[string]any)
	for _, k := range []string{"line", "column", "value", "reason"} {
		if _, ok := rej[k]; !ok {
			t.Errorf("rejection JSON lacks %q", k)
		}
	}
}

func TestSharedExampleFiles(t *testing.T) {
	ex := examplesDir(t)
	f := newFixture(t)
	for _, c := range []struct {
		kind ingest.Kind
		file string
		rows int
	}{
		{ingest.KindStradario, "stradario.csv", 14},
		{ingest.KindImprese, "imprese_2026-10.csv", 11},
		{ingest.KindCIG, "cig.csv", 11},
		{ingest.KindSUAP, "suap.csv", 2},
		{ingest.KindContributi, "contributi.csv", 1},
	} {
		sum := f.load(c.kind, filepath.Join(ex, c.file), ingest.Options{})
		if sum.Read != c.rows || sum.Loaded != c.rows || sum.Rejected != 0 {
			t.Errorf("%s: %+v", c.file, sum)
		}
		again := f.load(c.kind, filepath.Join(ex, c.file), ingest.Options{})
		if !again.UnchangedFile {
			t.Errorf("%s loaded twice is not unchanged", c.file)
		}
	}
}

func TestTruncatedSnapshotIsRefusedUnlessAllowed(t *testing.T) {
	f := newFixture(t)
	// A register of 1,200 companies, then an extract cut at 400 of them: refused.
	path := benchFirstSnapshot(f, t.TempDir(), 1200, func(lines []string) []string { return lines })
	f.load(ingest.KindImprese, path, ingest.Options{})
	data, _ := os.ReadFile(path)
	lines := strings.SplitAfter(string(data), "\r\n")
	partial := filepath.Join(t.TempDir(), "imprese_2026-11.csv")
	_ = os.WriteFile(partial, []byte(strings.Join(lines[:401], "")), 0o644) // header + 400 of 1,200
	_, err := f.loader.LoadFile(context.Background(), ingest.KindImprese, partial, ingest.Options{})
	if err == nil || !strings.Contains(err.Error(), "estratto parziale") {
		t.Fatalf("partial snapshot: err = %v", err)
	}
	if n := f.count(`SELECT count(*) FROM imprese_eventi`); n != 0 {
		t.Errorf("%d events written by a refused snapshot", n)
	}
	sum := f.load(ingest.KindImprese, partial, ingest.Options{AllowPartial: true})
	if sum.Stats["evento_uscita"] != 800 {
		t.Errorf("allowed partial snapshot: stats %v", sum.Stats)
	}
	empty := filepath.Join(t.TempDir(), "imprese_2026-12.csv")
	_ = os.WriteFile(empty, []byte(lines[0]+"BO;1;01234567060;X;SR;;01/01/2020;;;ATTIVA;BOLOGNA;VIA X 1;40100;62.01;1;;;;N\r\n"), 0o644)
	if _, err := f.loader.LoadFile(context.Background(), ingest.KindImprese, empty, ingest.Options{AllowPartial: true}); err == nil || !strings.Contains(err.Error(), "nessuna impresa valida") {
		t.Errorf("snapshot with no valid row: err = %v", err)
	}
}

// A small register (under 1,000 companies: a test's files, a small comune) followed by a
// snapshot of fewer than half as many is loaded: the companies missing from it have left.
func TestSmallRegisterShrinksWithoutAllowPartial(t *testing.T) {
	f := newFixture(t)
	f.load(ingest.KindImprese, testdata("imprese_2026-09.csv"), ingest.Options{})
	data, _ := os.ReadFile(testdata("imprese_2026-09.csv"))
	lines := strings.SplitAfter(string(data), "\r\n")
	smaller := filepath.Join(t.TempDir(), "imprese_2026-10.csv")
	_ = os.WriteFile(smaller, []byte(strings.Join(lines[:4], "")), 0o644) // header + 3 of 8
	sum := f.load(ingest.KindImprese, smaller, ingest.Options{})
	if sum.Loaded != 3 || sum.Stats["evento_uscita"] != 5 {
		t.Errorf("smaller snapshot of a small register: loaded %d, stats %v", sum.Loaded, sum.Stats)
	}
	// Likewise a small street register replaced by one of fewer than half its segments.
	dir := t.TempDir()
	big, small := filepath.Join(dir, "stradario.csv"), filepath.Join(dir, "stradario_nuovo.csv")
	_ = os.WriteFile(big, []byte("COD-VIA;DENOMINAZIONE;QUARTIERE\n1;VIA ROSSINI;Navile\n2;VIA VERDI;Navile\n3;VIA BELLINI;Savena\n"), 0o644)
	_ = os.WriteFile(small, []byte("COD-VIA;DENOMINAZIONE;QUARTIERE\n1;VIA ROSSINI;Navile\n"), 0o644)
	f.load(ingest.KindStradario, big, ingest.Options{})
	if st := f.load(ingest.KindStradario, small, ingest.Options{}); st.Loaded != 1 {
		t.Errorf("smaller street register of a small one: %+v", st)
	}
}

func TestRegisterLoadsRefreshTheStockAggregate(t *testing.T) {
	f := newFixture(t)
	f.load(ingest.KindStradario, testdata("stradario.csv"), ingest.Options{})
	latest := `(SELECT max(as_of) FROM register_snapshots)`
	for _, name := range []string{"imprese_2026-09.csv", "imprese_2026-10.csv"} {
		f.load(ingest.KindImprese, testdata(name), ingest.Options{})
		agg := f.count(`SELECT COALESCE(sum(n), 0)::int FROM agg_imprese_stock WHERE as_of = ` + latest)
		reg := f.count(`SELECT count(*) FROM imprese WHERE last_as_of = ` + latest)
		if agg == 0 || agg != reg {
			t.Errorf("after %s the aggregate counts %d companies, the latest snapshot has %d", name, agg, reg)
		}
		byQ := f.count(`SELECT count(*) FROM (SELECT quartiere, sum(n) FROM agg_imprese_stock GROUP BY 1
			EXCEPT SELECT quartiere, count(*) FROM imprese WHERE last_as_of = ` + latest + ` GROUP BY 1) x`)
		if byQ != 0 {
			t.Errorf("after %s the aggregate disagrees with the register on %d quartieri", name, byQ)
		}
	}
}
