package semantic

import (
	"context"

	"github.com/jackc/pgx/v5"

	"github.com/comune-bologna/conoscenza/agent/catalog"
)

// The live companies of migration 00052 (agg_imprese_vive): the openings of the register's
// event table that either stock metric counts, without the event and its date. A stock count
// that no stock cuboid answers (the statistical area, the ATECO code, the company's age, or a
// combination no cuboid keeps) reads it instead of every opening of the event table: half the
// rows, none filtered out for being ceased.

// liveTable is the table of live companies.
const liveTable = "agg_imprese_vive"

// liveConditions are the stock metrics' conditions whose rows the table holds (its rows are
// the openings satisfying either; see the migration). A metric with another condition is not
// read from it.
var liveConditions = map[string]bool{
	"i.stato = 'ATTIVA'": true,
	"i.stato <> 'CESSATA' AND i.dt_cessazione IS NULL": true,
}

// loadLive reads the description of the live companies' table if it is current and built
// from the snapshot s.
func loadLive(ctx context.Context, tx pgx.Tx, source string, s snapshot) (*cubeMeta, error) {
	if source != "register" || !s.latest {
		return nil, nil
	}
	return readCube(ctx, tx, liveTable, s)
}

// stockLive says whether a stock query on the latest snapshot can count the live companies:
// its metric's condition keeps only rows of the table, and every column it uses is there.
func (p *plan) stockLive(m *catalog.Metric, s snapshot) bool {
	lv := s.live
	if p.source != "register" || p.series || !s.latest || lv == nil || !lv.events || !lv.asOf.Equal(s.date) ||
		len(lv.cuboids) == 0 || !liveConditions[m.Where] {
		return false
	}
	return covers(lv.cuboids[0].cols, p.stockColumns(m))
}
