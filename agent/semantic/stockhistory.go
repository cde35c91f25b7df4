package semantic

import (
	"context"

	"github.com/jackc/pgx/v5"

	"github.com/comune-bologna/conoscenza/ingest/db"
)

// stockHistoryTable holds the stock aggregate's roll-ups of every loaded snapshot, written by
// each register load for its snapshot (migration 00063), with the columns and cuboids of
// agg_stock_cuboidi.
const stockHistoryTable = "agg_stock_storia"

// loadStockHistory describes the roll-ups recorded for the snapshot s, an earlier one than
// the latest: the cuboids of agg_stock_cuboidi that have rows of that date (a cuboid added
// after the snapshot was loaded has none, and is not offered). nil when none has: the query
// then reads the register's history.
func loadStockHistory(ctx context.Context, tx pgx.Tx, s snapshot) (*cubeMeta, error) {
	rows, err := tx.Query(ctx, `SELECT c.cuboide, c.dims, c.righe FROM agg_cuboidi c
		WHERE c.tabella = 'agg_stock_cuboidi'
		  AND EXISTS (SELECT 1 FROM agg_stock_storia h WHERE h.as_of = $1 AND h.cuboide = c.cuboide)
		ORDER BY c.cuboide`, s.date)
	if err != nil {
		return nil, db.Translate(err, "read stock history")
	}
	meta := &cubeMeta{table: stockHistoryTable, asOf: s.date}
	for rows.Next() {
		var c cuboid
		var dims []string
		if err := rows.Scan(&c.id, &dims, &c.rows); err != nil {
			rows.Close()
			return nil, db.Translate(err, "read stock history")
		}
		c.cols = colSet(dims)
		meta.cuboids = append(meta.cuboids, c)
	}
	if err := rows.Err(); err != nil {
		return nil, db.Translate(err, "read stock history")
	}
	if len(meta.cuboids) == 0 {
		return nil, nil
	}
	return meta, nil
}

// withStockHistory gives an earlier snapshot of a stock query its recorded roll-ups, so that
// the query reads them as it reads the latest snapshot's.
func withStockHistory(ctx context.Context, tx pgx.Tx, s snapshot) (snapshot, error) {
	if s.latest || s.date.IsZero() {
		return s, nil
	}
	meta, err := loadStockHistory(ctx, tx, s)
	if err != nil || meta == nil {
		return s, err
	}
	s.stock, s.cube = meta, true
	return s, nil
}

// stockFromRollups says whether a stock query that may read the aggregate (cubeEligible) can:
// an earlier snapshot has only the roll-ups, not the full groups of agg_imprese_stock.
func (p *plan) stockFromRollups(s snapshot) bool {
	if !p.cubeEligible(s) {
		return false
	}
	if s.stock == nil || s.stock.table != stockHistoryTable {
		return true
	}
	m := p.metric
	if p.base != nil {
		m = p.base
	}
	_, ok := p.stockCuboid(m, s)
	return ok
}
