package db_test

import (
	"context"
	"strings"
	"testing"

	"github.com/comune-bologna/conoscenza/ingest/db/dbtest"
)

// The column orders of imprese_dati before and after migration 00057.
var (
	datiOldOrder = []string{"codice_fiscale", "provincia", "rea", "denominazione", "forma_giuridica",
		"forma_desc", "classe_forma", "dt_iscrizione", "dt_inizio", "dt_cessazione", "stato", "comune", "indirizzo",
		"cap", "ateco", "sezione_ateco", "divisione_ateco", "addetti", "femminile", "giovanile", "straniera",
		"artigiana", "quartiere", "zona", "area_statistica", "first_as_of", "last_as_of", "batch_id", "valid_from",
		"row_hash", "versione_batch_id", "raw_hash"}
	datiNewOrder = []string{"codice_fiscale", "last_as_of", "raw_hash", "row_hash", "quartiere",
		"provincia", "rea", "denominazione", "forma_giuridica", "forma_desc", "classe_forma", "dt_iscrizione",
		"dt_inizio", "dt_cessazione", "stato", "comune", "indirizzo", "cap", "ateco", "sezione_ateco",
		"divisione_ateco", "addetti", "femminile", "giovanile", "straniera", "artigiana", "zona",
		"area_statistica", "first_as_of", "batch_id", "valid_from", "versione_batch_id"}
)

// TestRegisterRowReorderKeepsEverything: migration 00057 rewrites imprese_dati with the
// fingerprint columns first (and its down migration rewrites it back). Both directions must
// keep every value, the views over it (and the views over those), their insert triggers and
// defaults, the indexes and the read-only role's grant; an unknown column list changes nothing.
func TestRegisterRowReorderKeepsEverything(t *testing.T) {
	ctx := context.Background()
	d := dbtest.Fresh(t)
	exec := func(sql string, args ...any) {
		t.Helper()
		if _, err := d.Pool.Exec(ctx, sql, args...); err != nil {
			t.Fatalf("%s: %v", sql, err)
		}
	}
	order := func() string {
		t.Helper()
		var s string
		if err := d.Pool.QueryRow(ctx, `SELECT string_agg(attname, ',' ORDER BY attnum) FROM pg_attribute
			WHERE attrelid = 'imprese_dati'::regclass AND attnum > 0 AND NOT attisdropped`).Scan(&s); err != nil {
			t.Fatal(err)
		}
		return s
	}
	// Everything a reader sees, through every view, plus the indexes and the grant.
	state := func() string {
		t.Helper()
		var s string
		if err := d.Pool.QueryRow(ctx, `SELECT concat_ws(' / ',
			(SELECT string_agg(t::text, '|' ORDER BY codice_fiscale) FROM imprese t),
			(SELECT string_agg(t::text, '|' ORDER BY codice_fiscale, valid_from) FROM imprese_storia t),
			(SELECT string_agg(t::text, '|' ORDER BY codice_fiscale) FROM imprese_ultima_istantanea t),
			(SELECT string_agg(t::text, '|' ORDER BY codice_fiscale) FROM api.imprese t),
			(SELECT string_agg(format('%s %s %s', codice_fiscale, row_hash, raw_hash), '|' ORDER BY codice_fiscale) FROM imprese_dati),
			(SELECT string_agg(indexname, ',' ORDER BY indexname) FROM pg_indexes WHERE tablename = 'imprese_dati'),
			(SELECT string_agg(conname, ',' ORDER BY conname) FROM pg_constraint WHERE conrelid = 'imprese_dati'::regclass),
			(SELECT NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'conoscenza_ro')
			     OR has_table_privilege('conoscenza_ro', 'imprese_dati', 'SELECT')))`).Scan(&s); err != nil {
			t.Fatal(err)
		}
		return s
	}
	if got, want := order(), strings.Join(datiNewOrder, ","); got != want {
		t.Fatalf("imprese_dati after the migrations:\n%s\nwant\n%s", got, want)
	}
	exec(`INSERT INTO load_batches (id, kind, file_name, checksum) VALUES (1, 'imprese', 'imprese_2026-10.csv', 'x')`)
	exec(`INSERT INTO register_snapshots (as_of, batch_id, companies) VALUES ('2026-10-31', 1, 2)`)
	// Through the view's insert trigger, leaving the defaulted columns out.
	exec(`INSERT INTO imprese (codice_fiscale, denominazione, dt_iscrizione, dt_cessazione, stato, quartiere, addetti,
		femminile, first_as_of, last_as_of) VALUES
		('01234567890', 'ALFA SRL', '2015-03-01', NULL, 'ATTIVA', 'Navile', 4, 'si', '2026-10-31', '2026-10-31'),
		('RSSMRA80A01A944X', 'ROSSI MARIO', '2001-01-01', '2024-05-31', 'CESSATA', NULL, 0, NULL, '2026-10-31', '2026-10-31')`)
	exec(`UPDATE imprese_dati SET row_hash = md5(codice_fiscale), raw_hash = length(codice_fiscale), valid_from = first_as_of`)
	exec(`INSERT INTO imprese_storia (codice_fiscale, valid_from, valid_to, row_hash, denominazione, dt_iscrizione, stato)
		VALUES ('01234567890', '2026-09-30', '2026-10-31', 'x', 'ALFA', '2015-03-01', 'ATTIVA')`)
	before := state()
	const indexes = "imprese_dati_uscite,imprese_denominazione_trgm,imprese_dt_cessazione,imprese_dt_iscrizione,imprese_pkey"
	if !strings.Contains(before, " / "+indexes+" / imprese_addetti_check,imprese_pkey / t") {
		t.Fatalf("imprese_dati's indexes, constraints or grant are not those of migration 00057: %s", before)
	}
	if !strings.Contains(before, "ALFA SRL") || !strings.Contains(before, "ROSSI MARIO") {
		t.Fatalf("the fixture is not visible through the views: %s", before)
	}

	exec(`SELECT register_reorder_dati($1)`, datiOldOrder)
	if got, want := order(), strings.Join(datiOldOrder, ","); got != want {
		t.Fatalf("down: imprese_dati is\n%s\nwant\n%s", got, want)
	}
	if got := state(); got != before {
		t.Fatalf("down changed what readers see:\n%s\nbefore:\n%s", got, before)
	}
	exec(`SELECT register_reorder_dati($1)`, datiNewOrder)
	if got := state(); got != before {
		t.Fatalf("up again changed what readers see:\n%s\nbefore:\n%s", got, before)
	}

	// The insert trigger names the columns: a row inserted now lands in the right ones.
	exec(`INSERT INTO imprese (codice_fiscale, denominazione, dt_iscrizione, stato, comune, quartiere, first_as_of, last_as_of)
		VALUES ('12345678903', 'BETA SNC', '2020-02-02', 'ATTIVA', 'BOLOGNA', 'Savena', '2026-10-31', '2026-10-31')`)
	var name, comune, quartiere string
	if err := d.Pool.QueryRow(ctx, `SELECT denominazione, comune, quartiere FROM imprese_dati WHERE codice_fiscale = '12345678903'`).
		Scan(&name, &comune, &quartiere); err != nil {
		t.Fatal(err)
	}
	if name != "BETA SNC" || comune != "BOLOGNA" || quartiere != "Savena" {
		t.Errorf("inserted through the view: %q %q %q", name, comune, quartiere)
	}

	// A list that is not exactly the table's columns is refused before anything changes.
	after := state()
	if _, err := d.Pool.Exec(ctx, `SELECT register_reorder_dati($1)`, datiNewOrder[:len(datiNewOrder)-1]); err == nil ||
		!strings.Contains(err.Error(), "does not have exactly the columns") {
		t.Errorf("a column left out: %v, want a refusal", err)
	}
	if got := state(); got != after {
		t.Errorf("a refused reorder changed the table")
	}
}
