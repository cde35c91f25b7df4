package semantic

import (
	"context"

	"github.com/jackc/pgx/v5"

	"github.com/comune-bologna/conoscenza/agent/catalog"
)

// The month-less cuboids of migration 00053: per source, the events (every one with a date)
// counted along wide sets of dimensions with no month at all. A flow with no period, no time
// dimension or grain and no company age sums every event, so it needs no month: a cuboid that
// keeps its dimensions answers it exactly, 5-20 times fewer rows than the event table its
// combination of dimensions would otherwise send it to.

// totalsTables is the month-less cube of each source.
var totalsTables = map[string]string{
	"register": "agg_imprese_totali",
	"cig":      "agg_cig_totali",
	"suap":     "agg_suap_totali",
}

// loadTotals reads the month-less cube of source if it is current and built from the
// snapshot s.
func loadTotals(ctx context.Context, tx pgx.Tx, source string, s snapshot) (*cubeMeta, error) {
	table, ok := totalsTables[source]
	if !ok || !s.latest {
		return nil, nil
	}
	return readCube(ctx, tx, table, s)
}

// totalsCuboid is the smallest month-less cuboid that keeps every column a flow query over the
// window w needs, when the query sums every event: no period bound, no month (a time dimension,
// a grain or a filter on one) and no age; else nil.
func (p *plan) totalsCuboid(m *catalog.Metric, s snapshot, w window, need map[string]bool, months bool) *cuboid {
	t := s.totals
	if t == nil || t.facts || t.events || !t.asOf.Equal(s.date) || months || !w.from.IsZero() || !w.to.IsZero() ||
		m.Kind == catalog.KindGrowth || p.series {
		return nil
	}
	var best *cuboid
	for i, c := range t.cuboids {
		if covers(c.cols, need) && (best == nil || c.rows < best.rows) {
			best = &t.cuboids[i]
		}
	}
	return best
}
