package ingest

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/comune-bologna/conoscenza/ingest/address"
	"github.com/comune-bologna/conoscenza/ingest/db"
)

// impreseCols are the company columns shared by imprese, imprese_storia and the staging table.
const impreseCols = `provincia, rea, denominazione, forma_giuridica, forma_desc, classe_forma, dt_iscrizione,
	dt_inizio, dt_cessazione, stato, comune, indirizzo, cap, ateco, sezione_ateco, divisione_ateco, addetti,
	femminile, giovanile, straniera, artigiana, quartiere, zona, area_statistica`

// dropIndexes drops the indexes of tables and returns the statements that recreate them from
// their own definitions (so indexes added by later migrations are kept). Primary keys and
// unique constraints are dropped too unless a foreign key depends on them: building an index
// by sorting once is several times cheaper than a million random insertions. Foreign keys are
// dropped and re-added as well: re-adding validates them with one join instead of a million
// trigger calls. An index of the companies that have left (WHERE last_as_of IS NOT NULL) stays:
// a first snapshot writes none of them, and rebuilding it would scan the table for nothing.
// keepPrimary keeps the primary keys: on the direct copy of a first snapshot the server
// maintains them while the loader parses (its core is not the busy one then), which takes as
// much of its time as building them after the copy, when nothing else runs.
func dropIndexes(ctx context.Context, tx pgx.Tx, tables []string, keepPrimary bool) ([]string, error) {
	rows, err := tx.Query(ctx, `
		SELECT 'ALTER TABLE ' || c.conrelid::regclass || ' DROP CONSTRAINT ' || quote_ident(c.conname),
		       'ALTER TABLE ' || c.conrelid::regclass || ' ADD CONSTRAINT ' || quote_ident(c.conname) || ' ' || pg_get_constraintdef(c.oid), 0
		FROM pg_constraint c
		WHERE c.conrelid = ANY($1::regclass[]) AND (c.contype = 'f' OR c.contype IN ('p', 'u')
		  AND NOT EXISTS (SELECT 1 FROM pg_constraint f WHERE f.contype = 'f' AND f.confrelid = c.conrelid))
		  AND NOT ($2 AND c.contype = 'p')
		UNION ALL
		SELECT 'DROP INDEX ' || i.indexrelid::regclass, pg_get_indexdef(i.indexrelid), 1
		FROM pg_index i WHERE i.indrelid = ANY($1::regclass[])
		  AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = i.indexrelid)
		  AND pg_get_expr(i.indpred, i.indrelid) IS DISTINCT FROM '(last_as_of IS NOT NULL)'
		ORDER BY 3`, tables, keepPrimary)
	if err != nil {
		return nil, fmt.Errorf("read indexes: %w", err)
	}
	var drops, creates []string
	for rows.Next() {
		var d, c string
		var ord int
		if err := rows.Scan(&d, &c, &ord); err != nil {
			rows.Close()
			return nil, err
		}
		drops, creates = append(drops, d), append(creates, c)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	for _, d := range drops {
		if _, err := tx.Exec(ctx, d); err != nil {
			return nil, fmt.Errorf("%s: %w", d, err)
		}
	}
	return creates, nil
}

// recreateIndexes runs the statements dropIndexes returned. A duplicate codice fiscale
// surfaces here, when the primary key is built.
func recreateIndexes(ctx context.Context, tx pgx.Tx, r *batchRun, creates []string) error {
	t0 := time.Now()
	for _, c := range creates {
		if _, err := tx.Exec(ctx, c); err != nil {
			return fmt.Errorf("recreate index (%s): %w", c, err)
		}
	}
	r.took("indici", t0)
	return nil
}

// truncateForFreeze empties the (already empty) history table inside the direct path's
// savepoint, so that its COPY may write frozen rows (COPY ... FREEZE needs a table truncated
// in the current subtransaction). Skipped, without freezing, when another table references
// it by a foreign key (TRUNCATE would refuse).
func truncateForFreeze(ctx context.Context, tx pgx.Tx, tables []string) (bool, error) {
	var referenced bool
	if err := tx.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM pg_constraint WHERE contype = 'f'
		AND confrelid = ANY($1::regclass[]) AND NOT conrelid = ANY($1::regclass[]))`, tables).Scan(&referenced); err != nil {
		return false, fmt.Errorf("read foreign keys: %w", err)
	}
	if referenced {
		return false, nil
	}
	if _, err := tx.Exec(ctx, "TRUNCATE "+strings.Join(tables, ", ")); err != nil {
		return false, fmt.Errorf("truncate %s: %w", strings.Join(tables, ", "), err)
	}
	return true, nil
}

// directFirstSnapshot says whether a register file is the first snapshot into empty tables and
// large enough (by size: its rows are not counted yet) for the direct path: COPY straight into
// imprese_dati without indexes, no staging table (see batchRun.execute).
func directFirstSnapshot(ctx context.Context, tx pgx.Tx, r *batchRun) (bool, error) {
	if r.schema.kind != KindImprese || r.size < directMinBytes || r.opts.CompareInDatabase {
		return false, nil
	}
	var empty bool
	err := tx.QueryRow(ctx, `SELECT NOT EXISTS (SELECT 1 FROM register_snapshots) AND NOT EXISTS (SELECT 1 FROM imprese_dati)
		AND NOT EXISTS (SELECT 1 FROM imprese_versioni)`).Scan(&empty)
	if err != nil {
		return false, fmt.Errorf("count imprese: %w", err)
	}
	return empty, nil
}

// directMinBytes: about 7,000 register rows; smaller first snapshots go through staging.
const directMinBytes = 1 << 20

// checkShrink refuses a snapshot with no valid company, or with less than half the companies
// of the previous one (of at least partialFloor) unless Options.AllowPartial: every company
// missing from a snapshot is recorded as having left the register, so a truncated extract
// would rewrite history.
func checkShrink(ctx context.Context, tx pgx.Tx, r *batchRun) error {
	var prev int
	err := tx.QueryRow(ctx, `SELECT companies FROM register_snapshots ORDER BY as_of DESC LIMIT 1`).Scan(&prev)
	if errors.Is(err, pgx.ErrNoRows) {
		prev = 0
	} else if err != nil {
		return fmt.Errorf("read snapshots: %w", err)
	}
	switch r.shrunk(prev) {
	case shrunkEmpty:
		return db.Errorf(db.CodeInvalid, "nessuna impresa valida nel file: l'istantanea non è stata caricata (%d righe scartate)", len(r.rejects))
	case shrunkPartial:
		return db.Errorf(db.CodeInvalid, "l'istantanea ha %d imprese valide contro %d della precedente: sembra un estratto parziale (usare --allow-partial per caricarla comunque)", r.sum.Loaded, prev)
	}
	return nil
}

// shrink says how a file that replaces a whole register (the companies' snapshot, the street
// register) compares with the one in use, of prev rows (0: none yet).
type shrink int

const (
	shrunkNot     shrink = iota
	shrunkEmpty          // no valid row at all
	shrunkPartial        // less than half the rows in use (at least partialFloor), and Options.AllowPartial not given
)

// partialFloor is the size under which a register in use (companies or street segments) is
// never taken to be cut by a smaller file: half of a few rows is no sign of a truncated
// extract (a test's small files, a small comune's register, a street register of one
// district), while a cut export of a city's register of tens of thousands still is.
const partialFloor = 1000

func (r *batchRun) shrunk(prev int) shrink {
	switch {
	case r.sum.Loaded == 0:
		return shrunkEmpty
	case prev >= partialFloor && r.sum.Loaded*2 < prev && !r.opts.AllowPartial:
		return shrunkPartial
	}
	return shrunkNot
}

// checkSnapshotOrder refuses a register snapshot that is not newer than every loaded one:
// history is built forward, by comparing each snapshot with the previous one.
func checkSnapshotOrder(ctx context.Context, tx pgx.Tx, asOf time.Time) error {
	var latest *time.Time
	var batch *int64
	err := tx.QueryRow(ctx, `SELECT as_of, batch_id FROM register_snapshots ORDER BY as_of DESC LIMIT 1`).Scan(&latest, &batch)
	if errors.Is(err, pgx.ErrNoRows) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("read snapshots: %w", err)
	}
	switch {
	case asOf.Equal(*latest):
		return db.Errorf(db.CodeConflict, "l'istantanea del registro al %s è già stata caricata (lotto %d) con un contenuto diverso: una rettifica della stessa data non è ammessa", asOf.Format(time.DateOnly), *batch)
	case asOf.Before(*latest):
		var exists bool
		_ = tx.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM register_snapshots WHERE as_of = $1)`, asOf).Scan(&exists)
		if exists {
			return db.Errorf(db.CodeConflict, "l'istantanea del registro al %s è già stata caricata con un contenuto diverso", asOf.Format(time.DateOnly))
		}
		return db.Errorf(db.CodeConflict, "istantanea del registro al %s più vecchia dell'ultima caricata (%s): caricare le istantanee in ordine di data", asOf.Format(time.DateOnly), latest.Format(time.DateOnly))
	}
	return nil
}

// mergeImprese applies one register snapshot: it derives the events by comparing it with the
// current versions (the previous snapshot), closes the versions that changed or disappeared,
// opens the new ones, and brings the current state (imprese) to this snapshot.
func mergeImprese(ctx context.Context, tx pgx.Tx, r *batchRun) (map[string]int64, error) {
	stats := map[string]int64{}
	var previous bool
	if err := tx.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM register_snapshots)`).Scan(&previous); err != nil {
		return nil, fmt.Errorf("read snapshots: %w", err)
	}
	if err := checkShrink(ctx, tx, r); err != nil {
		return nil, err
	}
	// A step is one statement, or a function of goSteps (sql empty).
	type step struct{ name, sql string }
	goSteps := map[string]func(context.Context, pgx.Tx) (int64, error){"indirizzi_riscritti": sameAddressesRewritten}
	var steps []step
	if previous {
		// One full comparison of the snapshot with the current versions: only the companies
		// that are new, changed or gone (a few percent) go into ingest_diff, and every later
		// step reads that small table instead of joining a million rows again.
		steps = append(steps,
			// A codice fiscale repeated in the file fails here (23505) and the optimistic merge
			// (batchRun.merge) rejects the later rows; the comparison below would not see it.
			step{"chiave", `CREATE UNIQUE INDEX ingest_stg_cf ON ingest_stg (codice_fiscale)`},
		)
		if r.dupsChecked {
			steps = steps[:len(steps)-1] // every codice fiscale of the file is distinct
		}
		compare := step{"confronto", `CREATE TEMP TABLE ingest_diff ON COMMIT DROP AS
				SELECT ` + diffCols + `
				FROM ingest_stg s FULL JOIN (SELECT ` + prevCols + `
					FROM imprese_dati WHERE ` + inLatest + `) h ON h.codice_fiscale = s.codice_fiscale
				WHERE (s.codice_fiscale IS NULL OR h.codice_fiscale IS NULL OR s.row_hash IS DISTINCT FROM h.row_hash)
					AND $1::date IS NOT NULL AND $2::bigint IS NOT NULL`}
		if r.prev != nil {
			// Staging holds only the new and changed companies (the loader skipped the
			// unchanged ones) and ingest_gone those that left: each is looked up by its key.
			compare.sql = `CREATE TEMP TABLE ingest_diff ON COMMIT DROP AS
				SELECT ` + diffCols + `
				FROM ingest_stg s LEFT JOIN LATERAL (SELECT ` + prevCols + `
					FROM imprese_dati d WHERE d.codice_fiscale = s.codice_fiscale AND ` + inLatest + `) h ON true
				WHERE (h.codice_fiscale IS NULL OR s.row_hash IS DISTINCT FROM h.row_hash)
					AND $1::date IS NOT NULL AND $2::bigint IS NOT NULL
				UNION ALL
				SELECT ` + diffCols + `
				FROM ingest_gone g CROSS JOIN LATERAL (SELECT ` + prevCols + `
					FROM imprese_dati d WHERE d.codice_fiscale = g.codice_fiscale AND ` + inLatest + `) h
				LEFT JOIN ingest_stg s ON false`
		}
		steps = append(steps, compare)
		if r.prev == nil {
			// The full comparison keeps the raw fingerprints as the loader's does: an unchanged
			// company's is the one of its row as this file writes it (see storeRawHashes).
			steps = append(steps, step{"impronte", `UPDATE imprese_dati d SET raw_hash = s.raw_hash FROM ingest_stg s
				WHERE d.codice_fiscale = s.codice_fiscale AND ` + strings.ReplaceAll(inLatest, "last_as_of", "d.last_as_of") + `
					AND d.row_hash = s.row_hash AND d.raw_hash IS DISTINCT FROM s.raw_hash
					AND $1::date IS NOT NULL AND $2::bigint IS NOT NULL`})
		}
		steps = append(steps,
			step{"indirizzi_riscritti", ""},
			step{"eventi_ingresso", `INSERT INTO imprese_eventi (codice_fiscale, as_of, tipo, valore_prima, valore_dopo, batch_id)
				SELECT codice_fiscale, $1, 'ingresso', NULL, stato, $2 FROM ingest_diff WHERE h_cf IS NULL`},
			step{"eventi_uscita", `INSERT INTO imprese_eventi (codice_fiscale, as_of, tipo, valore_prima, valore_dopo, batch_id)
				SELECT h_cf, $1, 'uscita', h_stato, NULL, $2 FROM ingest_diff WHERE line IS NULL`},
			step{"eventi_variazione", `INSERT INTO imprese_eventi (codice_fiscale, as_of, tipo, valore_prima, valore_dopo, batch_id)
				SELECT s.codice_fiscale, $1, e.tipo, e.prima, e.dopo, $2
				FROM ingest_diff s
				CROSS JOIN LATERAL (VALUES
					('cambio_stato', s.h_stato, s.stato, s.h_stato IS DISTINCT FROM s.stato),
					('cessazione', s.h_dt_cessazione::text, s.dt_cessazione::text,
						s.h_dt_cessazione IS NULL AND s.dt_cessazione IS NOT NULL),
					('trasferimento', concat_ws(' | ', s.h_indirizzo, coalesce(s.h_quartiere, 'non attribuito')),
						concat_ws(' | ', s.indirizzo, coalesce(s.quartiere, 'non attribuito')),
						s.h_indirizzo IS DISTINCT FROM s.indirizzo OR s.h_quartiere IS DISTINCT FROM s.quartiere),
					('cambio_ateco', s.h_ateco, s.ateco, s.h_ateco IS DISTINCT FROM s.ateco),
					('rettifica', NULL, NULL, s.h_stato IS NOT DISTINCT FROM s.stato
						AND NOT (s.h_dt_cessazione IS NULL AND s.dt_cessazione IS NOT NULL)
						AND s.h_indirizzo IS NOT DISTINCT FROM s.indirizzo AND s.h_quartiere IS NOT DISTINCT FROM s.quartiere
						AND s.h_ateco IS NOT DISTINCT FROM s.ateco)
				) AS e(tipo, prima, dopo, cond)
				WHERE s.line IS NOT NULL AND s.h_cf IS NOT NULL AND e.cond`},
			// The versions that end here (changed companies and those that left) are copied
			// into imprese_versioni, closed, before their row of imprese_dati is overwritten.
			step{"versioni_chiuse", `INSERT INTO imprese_versioni (codice_fiscale, valid_from, valid_to, row_hash, ` + impreseCols + `, batch_id)
				SELECT h.codice_fiscale, coalesce(h.valid_from, h.first_as_of), $1, coalesce(h.row_hash, ''), ` + prefixedCols("h.") + `,
					coalesce(h.versione_batch_id, h.batch_id)
				FROM ingest_diff d JOIN imprese_dati h ON h.codice_fiscale = d.h_cf WHERE d.h_cf IS NOT NULL AND $2::bigint IS NOT NULL`},
			// New and changed companies: their row of imprese_dati is the new current version.
			step{"imprese", upsertDati("ingest_diff WHERE line IS NOT NULL")},
			// The unchanged companies (the great majority) are in this snapshot as they were in
			// the previous one: their last_as_of stays NULL, nothing is written (migration 00012).
			// Only rows written with an explicit date of the previous snapshot (through the view
			// imprese) become NULL, and the companies that left get the previous snapshot's date.
			step{"imprese_presenti", `UPDATE imprese_dati i SET last_as_of = NULL
				WHERE i.last_as_of = (SELECT max(as_of) FROM register_snapshots)
					AND NOT EXISTS (SELECT 1 FROM ingest_diff d WHERE d.line IS NULL AND d.h_cf = i.codice_fiscale)
					AND $1::date IS NOT NULL AND $2::bigint IS NOT NULL`},
			step{"imprese_uscite", `UPDATE imprese_dati i SET last_as_of = (SELECT max(as_of) FROM register_snapshots)
				FROM ingest_diff d WHERE d.line IS NULL AND d.h_cf = i.codice_fiscale
					AND $1::date IS NOT NULL AND $2::bigint IS NOT NULL`},
		)
	} else {
		// No snapshot yet, so no current version: the file's companies become current.
		steps = append(steps, step{"imprese", upsertDati("ingest_stg")})
	}
	steps = append(steps,
		// The staged rows, counted while streaming (less the duplicates removed): no scan.
		step{"istantanea", `INSERT INTO register_snapshots (as_of, batch_id, companies) VALUES ($1, $2, $3)`},
	)
	var empty bool
	if err := tx.QueryRow(ctx, `SELECT NOT EXISTS (SELECT 1 FROM imprese_dati) AND NOT EXISTS (SELECT 1 FROM imprese_versioni)`).Scan(&empty); err != nil {
		return nil, fmt.Errorf("count imprese: %w", err)
	}
	// The first large snapshot goes into empty tables: plain inserts without any index, then
	// the indexes are built once. A duplicate codice fiscale then surfaces when the primary
	// key is rebuilt, and the optimistic merge (see batchRun.merge) handles it.
	bulk := empty && !previous && r.sum.Loaded > 10_000
	if r.direct {
		// The file was copied straight into imprese_dati (indexes already dropped): each
		// company is written once, as its current version (imprese_storia is a view).
		bulk = true
		steps = []step{
			{"istantanea", `INSERT INTO register_snapshots (as_of, batch_id, companies) VALUES ($1, $2, $3)`},
		}
		stats["versioni_nuove"], stats["imprese"] = int64(r.sum.Loaded), int64(r.sum.Loaded)
	} else if bulk {
		steps = []step{
			{"imprese", `INSERT INTO imprese_dati (codice_fiscale, ` + impreseCols + `, first_as_of, last_as_of, batch_id, valid_from, row_hash, raw_hash)
				SELECT codice_fiscale, ` + impreseCols + `, $1, NULL, $2, $1, row_hash, raw_hash FROM ingest_stg`},
			steps[len(steps)-1], // istantanea
		}
	}
	run := func() error {
		for _, s := range steps {
			t0 := time.Now()
			if fn := goSteps[s.name]; s.sql == "" && fn != nil {
				n, err := fn(ctx, tx)
				r.took(s.name, t0)
				if err != nil {
					return fmt.Errorf("merge imprese (%s): %w", s.name, err)
				}
				stats[s.name] = n
				continue
			}
			args := []any{r.asOf, r.batchID}
			if strings.Contains(s.sql, "$3") {
				args = append(args, int64(r.sum.Loaded))
			}
			if !strings.Contains(s.sql, "$1") {
				args = nil // a utility statement (CREATE INDEX) takes no parameters
			}
			tag, err := tx.Exec(ctx, s.sql, args...)
			r.took(s.name, t0)
			if err != nil {
				return fmt.Errorf("merge imprese (%s): %w", s.name, err)
			}
			stats[s.name] = tag.RowsAffected()
		}
		return nil
	}
	switch {
	case r.direct:
		if err := run(); err != nil {
			return nil, err
		}
		if err := recreateIndexes(ctx, tx, r, r.recreate); err != nil {
			return nil, err
		}
		stats["caricamento_massivo"], stats["copia_diretta"] = 1, 1
	case bulk:
		creates, err := dropIndexes(ctx, tx, registerTables, false)
		if err != nil {
			return nil, err
		}
		if err := run(); err != nil {
			return nil, err
		}
		if err := recreateIndexes(ctx, tx, r, creates); err != nil {
			return nil, err
		}
		stats["caricamento_massivo"] = 1
	default:
		if err := run(); err != nil {
			return nil, err
		}
	}
	if r.sum.Loaded > 10_000 && (bulk || staleStats(ctx, tx, r.sum.Loaded)) {
		// Fresh statistics, so that the next snapshot's comparisons get hash joins, and so that
		// the aggregate below is planned as one hash aggregate (without them, right after the
		// bulk path, it sorted a million rows on 13 keys: 17 s).
		t0 := time.Now()
		if err := analyzeRegister(ctx, tx, r.direct && r.pendingStock != nil); err != nil {
			return nil, err
		}
		r.took("analyze", t0)
	}
	var err error
	switch {
	case previous:
		err = refreshAggregatesDelta(ctx, tx, r, stats)
	case r.direct && r.pendingStock != nil:
		err = r.pendingStock.write(ctx, tx, r, stats)
		r.pendingStock = nil
	default:
		err = refreshAggregates(ctx, tx, r)
	}
	if err == nil {
		err = keepStockHistory(ctx, tx, r, false)
	}
	if err != nil {
		return nil, err
	}
	delete(stats, "istantanea")
	if !r.direct {
		// Every new or changed company's row of imprese_dati is its new current version.
		stats["versioni_nuove"] = stats["imprese"]
	}
	if previous {
		// Every company of the snapshot is in imprese at this snapshot (the unchanged ones
		// without a write).
		stats["imprese"] = int64(r.sum.Loaded)
	}
	for _, k := range []string{"chiave", "confronto", "imprese_presenti", "imprese_uscite"} {
		delete(stats, k)
	}
	stats["invariate"] = int64(r.sum.Loaded) - stats["versioni_nuove"]
	if r.noPrev {
		stats["confronto_completo"] = 1 // compared in SQL
	}
	if r.repeated > 0 {
		stats["codici_ripetuti"] = r.repeated // known codes the file repeats, read a second time
	}
	if r.prev != nil { // compared in the loader, see unchanged.go
		stats["invariate_non_inviate"] = r.prev.skipped.Load()
		stats["invariate_non_analizzate"] = r.prev.rawSkipped.Load()
		stats["impronte"] = r.rawStored
	}
	if previous {
		rows, err := tx.Query(ctx, `SELECT tipo, count(*) FROM imprese_eventi WHERE batch_id = $1 GROUP BY tipo`, r.batchID)
		if err != nil {
			return nil, fmt.Errorf("count events: %w", err)
		}
		for rows.Next() {
			var tipo string
			var n int64
			if err := rows.Scan(&tipo, &n); err != nil {
				rows.Close()
				return nil, err
			}
			stats["evento_"+tipo] = n
		}
		rows.Close()
		for _, k := range []string{"eventi_ingresso", "eventi_uscita", "eventi_variazione"} {
			delete(stats, k)
		}
	} else {
		stats["prima_istantanea"] = 1
	}
	return stats, nil
}

// analyzeRegister refreshes the statistics of the register's tables. sampled, on a first
// snapshot's direct copy whose stock aggregate the loader counted (no statement of the load
// reads imprese_dati after it), samples a tenth of the rows (default_statistics_target 10
// instead of 100: 0.06 instead of 0.5 s for a million companies): the planner still knows
// that every company is current, the columns' null fractions and rough distributions, and
// autovacuum analyzes the table fully about a minute after the commit anyway (the load's
// million inserts are counted when it commits, after its own ANALYZE: n_mod_since_analyze is
// then the whole table). The statistics choose plans, never results.
func analyzeRegister(ctx context.Context, tx pgx.Tx, sampled bool) error {
	var target string
	if sampled {
		if err := tx.QueryRow(ctx, `SELECT current_setting('default_statistics_target'), set_config('default_statistics_target', '10', true)`).Scan(&target, new(string)); err != nil {
			return fmt.Errorf("analyze: %w", err)
		}
	}
	if _, err := tx.Exec(ctx, `ANALYZE imprese_dati, imprese_versioni`); err != nil {
		return fmt.Errorf("analyze: %w", err)
	}
	if sampled {
		if _, err := tx.Exec(ctx, `SELECT set_config('default_statistics_target', $1, true)`, target); err != nil {
			return fmt.Errorf("analyze: %w", err)
		}
	}
	return nil
}

// staleStats says whether the register's statistics are missing or far from the snapshot's
// size. After the first snapshot they are not: a following month changes a few percent of the
// companies, and autovacuum analyzes after the commit, so the load need not (1-2 s).
func staleStats(ctx context.Context, tx pgx.Tx, loaded int) bool {
	var tuples float64
	if err := tx.QueryRow(ctx, `SELECT reltuples FROM pg_class WHERE oid = 'imprese_dati'::regclass`).Scan(&tuples); err != nil {
		return true
	}
	return tuples < float64(loaded)/2
}

// diffCols are the columns of ingest_diff: the staged row (s) and, under h_ names, the
// previous snapshot's values (h) the events compare it with and the stock aggregate's groups
// it leaves (refresh_aggregates_diff, migration 00039).
const diffCols = `s.*, h.codice_fiscale AS h_cf, h.stato AS h_stato, h.dt_cessazione AS h_dt_cessazione,
	h.indirizzo AS h_indirizzo, h.quartiere AS h_quartiere, h.ateco AS h_ateco, h.zona AS h_zona,
	h.sezione_ateco AS h_sezione_ateco, h.classe_forma AS h_classe_forma, h.femminile AS h_femminile,
	h.giovanile AS h_giovanile, h.straniera AS h_straniera, h.artigiana AS h_artigiana, h.addetti AS h_addetti,
	h.comune AS h_comune`

// prevCols are the columns of the previous snapshot's row (h) that diffCols reads.
const prevCols = `codice_fiscale, row_hash, stato, dt_cessazione, indirizzo, quartiere, ateco, zona, sezione_ateco,
	classe_forma, femminile, giovanile, straniera, artigiana, addetti, comune`

// registerTables are the register's tables (imprese and imprese_storia are views over them,
// migration 00011): imprese_dati, one row per company with its current version, and
// imprese_versioni, the closed versions.
var registerTables = []string{"imprese_dati", "imprese_versioni"}

// inLatest is the condition on imprese_dati of the companies in the latest loaded snapshot:
// last_as_of NULL (as the loader writes them) or that snapshot's date (rows written through
// the view imprese).
const inLatest = `(last_as_of IS NULL OR last_as_of = (SELECT max(as_of) FROM register_snapshots))`

// upsertDati writes the companies of a staged relation (with row_hash) as their current
// version: new companies are inserted, known ones overwritten (a company back in the register
// keeps its first snapshot). batch_id changes only when a value does; the version's own batch
// is this one.
func upsertDati(from string) string {
	return `INSERT INTO imprese_dati (codice_fiscale, ` + impreseCols + `, first_as_of, last_as_of, batch_id, valid_from, row_hash, versione_batch_id, raw_hash)
		SELECT codice_fiscale, ` + impreseCols + `, $1, NULL::date, $2, $1, row_hash, $2, raw_hash FROM ` + from + `
		ON CONFLICT (codice_fiscale) DO UPDATE SET ` + excludedSet() + `, last_as_of = EXCLUDED.last_as_of,
			first_as_of = LEAST(imprese_dati.first_as_of, EXCLUDED.first_as_of),
			batch_id = CASE WHEN (` + prefixedCols("imprese_dati.") + `) IS NOT DISTINCT FROM (` + prefixedCols("EXCLUDED.") + `)
				THEN imprese_dati.batch_id ELSE EXCLUDED.batch_id END,
			valid_from = EXCLUDED.valid_from, row_hash = EXCLUDED.row_hash, versione_batch_id = EXCLUDED.versione_batch_id,
			raw_hash = EXCLUDED.raw_hash`
}

func prefixedCols(p string) string {
	cols := splitCols(impreseCols)
	for i, c := range cols {
		cols[i] = p + c
	}
	return joinCols(cols)
}

func excludedSet() string {
	cols := splitCols(impreseCols)
	for i, c := range cols {
		cols[i] = c + " = EXCLUDED." + c
	}
	return joinCols(cols)
}

// sameAddressesRewritten finds the changed companies whose address is written otherwise but
// is the same place (`VIA DELL'INDIPENDENZA 6` and `V. DELL'INDIPENDENZA 6`: the same street
// key, civic number and suffix, as the street register's matching reads them) in the same
// quartiere, and marks them in ingest_diff as keeping their address: a rewriting is no move
// (trasferimento) but a correction (rettifica). Only the few changed companies whose address
// text differs are read.
func sameAddressesRewritten(ctx context.Context, tx pgx.Tx) (int64, error) {
	rows, err := tx.Query(ctx, `SELECT line, h_indirizzo, indirizzo FROM ingest_diff
		WHERE line IS NOT NULL AND h_cf IS NOT NULL AND h_indirizzo <> indirizzo
			AND h_quartiere IS NOT DISTINCT FROM quartiere`)
	if err != nil {
		return 0, err
	}
	var same []int32
	for rows.Next() {
		var line int32
		var before, after string
		if err := rows.Scan(&line, &before, &after); err != nil {
			rows.Close()
			return 0, err
		}
		b, a := address.Parse(before), address.Parse(after)
		if b.Key() != "" && b.Key() == a.Key() && b.Number == a.Number && b.Suffix == a.Suffix {
			same = append(same, line)
		}
	}
	rows.Close()
	if err := rows.Err(); err != nil || len(same) == 0 {
		return 0, err
	}
	tag, err := tx.Exec(ctx, `UPDATE ingest_diff SET h_indirizzo = indirizzo WHERE line = ANY($1)`, same)
	if err != nil {
		return 0, err
	}
	return tag.RowsAffected(), nil
}
