package semantic

import (
	"context"
	"fmt"
	"slices"
	"strings"

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
	return smallestCuboid(t, need)
}

// growthOnTotals answers a growth rate along dimensions no monthly cuboid keeps from a
// month-less cuboid that keeps them (every event) and the event table's events since the
// period's start: registered at the start is every event (openings minus closures) minus those
// since the start; openings and closures in the period are among the latter. It reads the
// events of the period and after instead of every opening. Exact when no company closed before
// it was registered and every event is dated (the cuboid's anomalies, migration 00054).
func (p *plan) growthOnTotals(s snapshot, w window, need map[string]bool, events *cubeMeta) *cubeChoice {
	t := s.totals
	if t == nil || events == nil || t.anomalies > 0 || events.anomalies > 0 || !t.asOf.Equal(s.date) ||
		!events.asOf.Equal(s.date) || p.source != "register" || w.from.IsZero() {
		return nil
	}
	best := smallestCuboid(t, need)
	if best == nil {
		return nil
	}
	c := &cubeChoice{meta: t, cuboid: best.id, events: events, since: w.from, until: w.to}
	if h := s.history; h != nil && !h.facts && !h.events && h.anomalies == 0 && h.asOf.Equal(s.date) && !w.to.IsZero() {
		if all := smallestCuboid(h, map[string]bool{}); all != nil {
			c.history, c.historyCuboid = h, all.id
		}
	}
	return c
}

// A growth rate on a month-less cuboid reads, besides the cuboid, every event since the
// period's start: half a million events for a start in 2015, 1.2 million for one in 2005. The
// companies registered at the start are also the openings minus the closures before it, and
// the period's own events are those until its end: for an early period the events until the
// end are the fewer (300,000 for a period ending in 2006). Then the cuboid only gives the
// groups (every company's, with a weight of 0) and the events until the end give the sums. The
// statement chooses at run time, from the register's history by month (its cuboid of every
// event, a few hundred rows), the side with fewer events: each pair of UNION ALL branches is
// gated by that one comparison, and PostgreSQL skips the other pair. Both are exact under the
// same conditions (no anomalies), and each row carries its weight in the companies registered
// at the start (s): a closure counts -1, an opening +1, and the events since the start the
// opposite (they are subtracted from every event).

// weighted says whether the choice reads the relation with the weights s (totalsRelation).
func (c *cubeChoice) weighted() bool {
	return !c.since.IsZero() && c.totals == nil && !c.until.IsZero() && c.history != nil
}

// cuboidColumns are the chosen cuboid's dimension columns, sorted.
func (c *cubeChoice) cuboidColumns() []string {
	var keep []string
	for _, cb := range c.meta.cuboids {
		if cb.id == c.cuboid {
			for col := range cb.cols {
				keep = append(keep, col)
			}
		}
	}
	slices.Sort(keep)
	return keep
}

// totalsRelation is a month-less cuboid (mese 1900-01-01) with the events since c.since (mese
// their day), under the cuboid's columns.
func (c *cubeChoice) totalsRelation(b *builder, source string) string {
	if c.weighted() {
		cols := strings.Join(append([]string{"evento"}, c.cuboidColumns()...), ", ")
		f, t := b.date(c.since), b.date(c.until)
		fewerSince := fmt.Sprintf("(SELECT COALESCE(sum(n) FILTER (WHERE mese >= %s), 0) <= COALESCE(sum(n) FILTER (WHERE mese <= %s), 0) "+
			"FROM %s WHERE cuboide = %d AND evento IN ('A', 'C'))", f, t, c.history.table, c.historyCuboid)
		sign := "CASE WHEN evento = 'A' THEN n ELSE -n END"
		return "(" + strings.Join([]string{
			fmt.Sprintf("SELECT mese, n, %s AS s, %s FROM %s WHERE cuboide = %d AND %s", sign, cols, c.meta.table, c.cuboid, fewerSince),
			fmt.Sprintf("SELECT data, n, -(%s), %s FROM %s WHERE evento IN ('A', 'C') AND data >= %s AND %s", sign, cols, c.events.table, f, fewerSince),
			fmt.Sprintf("SELECT mese, 0, 0, %s FROM %s WHERE cuboide = %d AND NOT %s", cols, c.meta.table, c.cuboid, fewerSince),
			fmt.Sprintf("SELECT data, n, CASE WHEN data < %s THEN %s ELSE 0 END, %s FROM %s WHERE evento IN ('A', 'C') AND data <= %s AND NOT %s",
				f, sign, cols, c.events.table, t, fewerSince),
		}, " UNION ALL ") + ") i"
	}
	list := strings.Join(append(append([]string{"evento"}, eventMeasures[source]...), c.cuboidColumns()...), ", ")
	return fmt.Sprintf("(SELECT mese, %s FROM %s WHERE cuboide = %d UNION ALL SELECT data, %s FROM %s WHERE evento IN ('A', 'C') AND data >= %s) i",
		list, c.meta.table, c.cuboid, list, c.events.table, b.date(c.since))
}

// historyTable holds the register's openings and closures by month over the whole history
// (no horizon), along narrow sets of dimensions (migration 00055).
const historyTable = "agg_imprese_storico"

// historyCuboid is the smallest cuboid of the register's whole history by month that keeps
// every column the query needs, for a flow the monthly cube cannot answer (months before its
// horizon); nil if none does or the table is not current.
func (p *plan) historyCuboid(m *catalog.Metric, s snapshot, need map[string]bool) (*cubeMeta, *cuboid) {
	h := s.history
	if h == nil || h.facts || h.events || !h.asOf.Equal(s.date) || p.source != "register" ||
		m.Kind == catalog.KindGrowth && h.anomalies > 0 {
		return nil, nil
	}
	if best := smallestCuboid(h, need); best != nil {
		return h, best
	}
	return nil, nil
}
