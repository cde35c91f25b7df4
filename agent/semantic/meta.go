package semantic

import (
	"context"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/comune-bologna/conoscenza/ingest/db"
)

// readCubes reads, in one statement, the description of every aggregate that is current and
// built from the snapshot s, as readCube reads one: a query consults several (the cube, the
// event table, the month-less cuboids, the history...), and on a busy server each round trip
// costs about a millisecond.
func readCubes(ctx context.Context, tx pgx.Tx, s snapshot) (map[string]*cubeMeta, error) {
	rows, err := tx.Query(ctx, `WITH v AS (SELECT tabella, agg_versione_di(tabella) AS versione FROM agg_stato)
		SELECT s.tabella, s.tipo, s.as_of, s.orizzonte, s.prima, s.anomalie, c.cuboide, c.dims, c.righe
		FROM agg_stato s JOIN v USING (tabella) JOIN agg_cuboidi c USING (tabella)
		WHERE s.tipo = 'stock' OR s.versione = v.versione ORDER BY s.tabella, c.cuboide`)
	if err != nil {
		return nil, db.Translate(err, "read aggregates")
	}
	defer rows.Close()
	out := map[string]*cubeMeta{}
	stale := map[string]bool{}
	for rows.Next() {
		var table, kind string
		var asOf, horizon *time.Time
		var bucket bool
		var anomalies int64
		var c cuboid
		var dims []string
		if err := rows.Scan(&table, &kind, &asOf, &horizon, &bucket, &anomalies, &c.id, &dims, &c.rows); err != nil {
			return nil, db.Translate(err, "read aggregates")
		}
		if asOf == nil || !asOf.Equal(s.date) {
			stale[table] = true // built from another snapshot
			continue
		}
		m := out[table]
		if m == nil {
			m = &cubeMeta{table: table, facts: kind == "fatti", events: kind == "eventi", asOf: *asOf, bucket: bucket, anomalies: anomalies}
			if horizon != nil {
				m.horizon = *horizon
			}
			out[table] = m
		}
		c.cols = colSet(dims...)
		m.cuboids = append(m.cuboids, c)
	}
	if err := rows.Err(); err != nil {
		return nil, db.Translate(err, "read aggregates")
	}
	for t := range stale {
		delete(out, t)
	}
	return out, nil
}

// colSet is a set of column names: a cuboid's dimensions, a table's row columns.
func colSet(dims ...string) map[string]bool {
	set := make(map[string]bool, len(dims))
	for _, d := range dims {
		set[d] = true
	}
	return set
}
