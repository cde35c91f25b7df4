package ingest

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/comune-bologna/conoscenza/ingest/address"
	"github.com/comune-bologna/conoscenza/ingest/db"
)

// loadMatcher reads the street register into memory once per batch.
func loadMatcher(ctx context.Context, tx pgx.Tx) (*address.Matcher, error) {
	rows, err := tx.Query(ctx, `SELECT denominazione, civico_dal, civico_al, parita, quartiere, zona, area_statistica FROM stradario`)
	if err != nil {
		return nil, fmt.Errorf("read stradario: %w", err)
	}
	defer rows.Close()
	m := address.NewMatcher()
	for rows.Next() {
		var name, par, q, z, a string
		var from, to int
		if err := rows.Scan(&name, &from, &to, &par, &q, &z, &a); err != nil {
			return nil, fmt.Errorf("read stradario: %w", err)
		}
		m.Add(name, address.Segment{From: from, To: to, Parity: par[0], Territory: address.Territory{Quartiere: q, Zona: z, Area: a}})
	}
	return m, rows.Err()
}

// checkStreetRegisterShrink refuses a street register with no valid segment, or with less
// than half the segments of the one in use (of at least partialFloor) unless
// Options.AllowPartial: the file replaces the
// register and every address is attributed again, so an empty or truncated file (a header
// alone, a cut extract) would leave the companies of whole streets "non attribuito".
func checkStreetRegisterShrink(ctx context.Context, tx pgx.Tx, r *batchRun) error {
	var prev int
	if err := tx.QueryRow(ctx, `SELECT count(*) FROM stradario`).Scan(&prev); err != nil {
		return fmt.Errorf("count stradario: %w", err)
	}
	switch r.shrunk(prev) {
	case shrunkEmpty:
		return db.Errorf(db.CodeInvalid, "nessun segmento valido nel file: lo stradario in uso (%d segmenti) resta invariato (%d righe scartate)", prev, len(r.rejects))
	case shrunkPartial:
		return db.Errorf(db.CodeInvalid, "lo stradario ha %d segmenti validi contro %d di quello in uso: sembra un estratto parziale (usare --allow-partial per caricarlo comunque)", r.sum.Loaded, prev)
	}
	return nil
}

// mergeStradario replaces the street register with the file and re-attributes the addresses
// already loaded (companies, their history, SUAP permits), so that loading order never loses
// an attribution.
func mergeStradario(ctx context.Context, tx pgx.Tx, r *batchRun) (map[string]int64, error) {
	stats := map[string]int64{}
	if err := checkStreetRegisterShrink(ctx, tx, r); err != nil {
		return nil, err
	}
	tag, err := tx.Exec(ctx, `DELETE FROM stradario`)
	if err != nil {
		return nil, fmt.Errorf("replace stradario: %w", err)
	}
	stats["segmenti_sostituiti"] = tag.RowsAffected()
	steps := []struct{ what, sql string }{
		{"zone", `INSERT INTO zone (nome, quartiere)
			SELECT DISTINCT ON (zona) zona, quartiere FROM ingest_stg WHERE zona <> '' ORDER BY zona, line
			ON CONFLICT (nome) DO NOTHING`},
		{"aree_statistiche", `INSERT INTO aree_statistiche (nome, zona)
			SELECT DISTINCT ON (area_statistica) area_statistica, zona FROM ingest_stg
			WHERE area_statistica <> '' AND zona <> '' ORDER BY area_statistica, line
			ON CONFLICT (nome) DO UPDATE SET zona = EXCLUDED.zona`},
		{"segmenti", `INSERT INTO stradario (cod_via, denominazione, nome_norm, civico_dal, civico_al, parita, cap,
				quartiere, zona, area_statistica, batch_id)
			SELECT cod_via, denominazione, nome_norm, civico_dal, civico_al, parita, cap, quartiere, zona,
				area_statistica, $1 FROM ingest_stg`},
	}
	for _, s := range steps {
		sql, args := s.sql, []any{}
		if s.what == "segmenti" {
			args = append(args, r.batchID)
		}
		tag, err := tx.Exec(ctx, sql, args...)
		if err != nil {
			return nil, fmt.Errorf("merge stradario (%s): %w", s.what, err)
		}
		stats[s.what] = tag.RowsAffected()
	}
	m, err := loadMatcher(ctx, tx)
	if err != nil {
		return nil, err
	}
	stats["vie"] = int64(m.Len())
	if err := reattribute(ctx, tx, m, stats); err != nil {
		return nil, err
	}
	if err := refreshAggregates(ctx, tx, r); err != nil {
		return nil, err
	}
	if err := keepStockHistory(ctx, tx, r, true); err != nil {
		return nil, err
	}
	return stats, nil
}

// keepStockHistory records the latest snapshot's stock roll-ups under its date (migration
// 00062), so that a stock query as of that snapshot, once a later one is loaded, reads them
// instead of the register's history; reattributed (a new street register) drops the earlier
// snapshots' rows, whose territory the register no longer has.
func keepStockHistory(ctx context.Context, tx pgx.Tx, r *batchRun, reattributed bool) error {
	t0 := time.Now()
	if _, err := tx.Exec(ctx, `SELECT agg_stock_storia_salva($1)`, reattributed); err != nil {
		return fmt.Errorf("keep stock history: %w", err)
	}
	r.took("storico_stock", t0)
	return nil
}

// refreshAggregates rebuilds the semantic layer's aggregates of the latest snapshot (migrations
// 00031, 00037) in the load's transaction, so that they never disagree with the register.
func refreshAggregates(ctx context.Context, tx pgx.Tx, r *batchRun) error {
	t0 := time.Now()
	if _, err := tx.Exec(ctx, `SELECT refresh_aggregates()`); err != nil {
		return fmt.Errorf("refresh aggregates: %w", err)
	}
	r.took("aggregati", t0)
	return nil
}

// refreshAggregatesDelta brings the aggregates from the previous snapshot to this one with
// the companies ingest_diff holds, their previous values and their new ones (migrations 00037,
// 00039); the function recounts everything itself when the previous aggregate is not current
// or the result does not add up.
func refreshAggregatesDelta(ctx context.Context, tx pgx.Tx, r *batchRun, stats map[string]int64) error {
	t0 := time.Now()
	var delta bool
	if err := tx.QueryRow(ctx, `SELECT refresh_aggregates_diff($1, 'ingest_diff', $2)`,
		r.asOf, int64(r.sum.Loaded)).Scan(&delta); err != nil {
		return fmt.Errorf("refresh aggregates: %w", err)
	}
	if !delta {
		stats["aggregati_ricalcolati"] = 1
	}
	r.took("aggregati", t0)
	return nil
}

// reattribute matches every distinct address already in the database against the new street
// register and updates, set-based, the rows whose territory changed.
func reattribute(ctx context.Context, tx pgx.Tx, m *address.Matcher, stats map[string]int64) error {
	rows, err := tx.Query(ctx, `SELECT indirizzo FROM imprese_dati UNION SELECT indirizzo FROM imprese_versioni
		UNION SELECT indirizzo FROM suap_pratiche`)
	if err != nil {
		return fmt.Errorf("read addresses: %w", err)
	}
	var mapped [][]any
	var matched int64
	for rows.Next() {
		var a string
		if err := rows.Scan(&a); err != nil {
			rows.Close()
			return fmt.Errorf("read addresses: %w", err)
		}
		t, ok := m.Match(a)
		if ok {
			matched++
		}
		mapped = append(mapped, []any{a, nullIfEmpty(t.Quartiere), nullIfEmpty(t.Zona), nullIfEmpty(t.Area)})
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return fmt.Errorf("read addresses: %w", err)
	}
	stats["indirizzi_esistenti"], stats["indirizzi_esistenti_attribuiti"] = int64(len(mapped)), matched
	if len(mapped) == 0 {
		return nil
	}
	if _, err := tx.Exec(ctx, `CREATE TEMP TABLE ingest_addr (indirizzo text PRIMARY KEY, quartiere text, zona text, area text) ON COMMIT DROP`); err != nil {
		return fmt.Errorf("create address map: %w", err)
	}
	if _, err := tx.CopyFrom(ctx, pgx.Identifier{"ingest_addr"}, []string{"indirizzo", "quartiere", "zona", "area"}, pgx.CopyFromRows(mapped)); err != nil {
		return fmt.Errorf("copy address map: %w", err)
	}
	// imprese and imprese_storia are views (migration 00011): the current rows of imprese_dati
	// are also the current versions, so imprese_storia's count is the closed versions updated
	// plus the updated companies of the latest snapshot.
	set := `SET quartiere = a.quartiere, zona = a.zona, area_statistica = a.area
			FROM ingest_addr a WHERE t.indirizzo = a.indirizzo
			AND (t.quartiere, t.zona, t.area_statistica) IS DISTINCT FROM (a.quartiere, a.zona, a.area)`
	var all, current int64
	if err := tx.QueryRow(ctx, `WITH u AS (UPDATE imprese_dati t `+set+`
			RETURNING `+strings.ReplaceAll(inLatest, "last_as_of", "t.last_as_of")+` AS current)
		SELECT count(*), count(*) FILTER (WHERE current) FROM u`).Scan(&all, &current); err != nil {
		return fmt.Errorf("re-attribute imprese: %w", err)
	}
	stats["riattribuiti_imprese"] = all
	for _, table := range []string{"imprese_versioni", "suap_pratiche"} {
		tag, err := tx.Exec(ctx, `UPDATE `+table+` t `+set)
		if err != nil {
			return fmt.Errorf("re-attribute %s: %w", table, err)
		}
		stats["riattribuiti_"+table] = tag.RowsAffected()
	}
	stats["riattribuiti_imprese_storia"] = stats["riattribuiti_imprese_versioni"] + current
	delete(stats, "riattribuiti_imprese_versioni")
	return nil
}
