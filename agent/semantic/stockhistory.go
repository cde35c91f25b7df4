package semantic

import (
	"context"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/comune-bologna/conoscenza/agent/catalog"
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
		c.cols = colSet(dims...)
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
	_, ok := p.stockCuboid(p.effectiveMetric(), s)
	return ok
}

// loadStockHistoryFrom reads, for each stock cuboid, the earliest snapshot the history
// records it for. Every later snapshot has its rows too: each register load records its own
// in its transaction, a street register keeps only the latest's, and migration 00063 counted
// the snapshots loaded before it; a cuboid added later starts at the snapshot it was added in.
func loadStockHistoryFrom(ctx context.Context, tx pgx.Tx) (map[int]time.Time, error) {
	rows, err := tx.Query(ctx, `SELECT c.cuboide, (SELECT min(h.as_of) FROM agg_stock_storia h WHERE h.cuboide = c.cuboide)
		FROM agg_cuboidi c WHERE c.tabella = 'agg_stock_cuboidi'`)
	if err != nil {
		return nil, db.Translate(err, "read stock history")
	}
	defer rows.Close()
	from := map[int]time.Time{}
	for rows.Next() {
		var k int
		var d *time.Time
		if err := rows.Scan(&k, &d); err != nil {
			return nil, db.Translate(err, "read stock history")
		}
		if d != nil {
			from[k] = *d
		}
	}
	return from, db.Translate(rows.Err(), "read stock history")
}

// seriesFromHistory chooses the cuboid of the recorded roll-ups that a stock series over
// snapshots reads: one the latest snapshot's roll-ups would answer the query with (its time
// dimensions are the snapshot's date, i.as_of), recorded for every snapshot of the window w.
func (p *plan) seriesFromHistory(m *catalog.Metric, s snapshot, w window) (int, bool) {
	if m.Kind != catalog.KindStock || s.stock == nil || len(s.histFrom) == 0 {
		return 0, false
	}
	one := *p
	one.series, one.groupBy = false, nil
	for _, d := range p.groupBy {
		if d.Type != catalog.TypeTime {
			one.groupBy = append(one.groupBy, d)
		}
	}
	if !one.cubeEligible(s) {
		return 0, false
	}
	k, ok := one.stockCuboid(m, s)
	if !ok {
		return 0, false
	}
	from, ok := s.histFrom[k]
	if !ok {
		return 0, false
	}
	for _, d := range s.snaps {
		if d.Before(from) && (w.from.IsZero() || !d.Before(w.from)) && (w.to.IsZero() || !d.After(w.to)) {
			return 0, false // a snapshot of the window without its roll-ups
		}
	}
	return k, true
}
