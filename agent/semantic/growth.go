package semantic

import (
	"fmt"
	"strings"
	"time"
)

// A growth rate on a monthly cuboid reads every month of it: the companies registered at the
// period's start are the openings minus the closures of every month before it. When a small
// month-less cuboid (00053) keeps the query's columns, those are every event (the month-less
// cuboid) minus the events since the start, and the events since the start are the monthly
// cuboid's months from the start on, with the event table's days for a month the period cuts:
// a period in the last year reads the month-less cuboid and a year of months instead of twenty.
// Exact on the same conditions as growthOnTotals (no company closed before it was registered,
// every event dated: the cuboids' anomalies).

// growthSince chooses, for a growth rate whose columns the monthly cuboid best keeps, the
// smallest month-less cuboid that keeps them too, when reading it and the months since the
// start costs clearly fewer rows than the whole monthly cuboid; else nil.
func (p *plan) growthSince(s snapshot, w window, need map[string]bool, meta *cubeMeta, best *cuboid, edges []time.Time, events *cubeMeta) *cubeChoice {
	t := s.totals
	if t == nil || t.facts || t.events || t.anomalies > 0 || meta.anomalies > 0 || !t.asOf.Equal(s.date) ||
		p.source != "register" || w.from.IsZero() || meta.horizon.IsZero() || len(edges) > 0 && (events == nil || events.anomalies > 0) {
		return nil
	}
	tc := smallestCuboid(t, need)
	if tc == nil {
		return nil
	}
	months := func(from, to time.Time) int64 {
		return int64((to.Year()-from.Year())*12+int(to.Month()-from.Month())) + 1
	}
	all, since := months(meta.horizon, s.date)+1, months(monthStart(w.from), s.date)
	if since < 1 {
		since = 1
	}
	if 10*(tc.rows+best.rows*since/all) >= 7*best.rows {
		return nil
	}
	return &cubeChoice{meta: meta, cuboid: best.id, events: events, edges: edges, since: w.from, totals: t, totalsCuboid: tc.id}
}

// sinceRelation is the month-less cuboid (mese 1900-01-01) with the events from c.since on:
// the monthly cuboid's whole months from the first that starts on or after it, and the event
// table's days in the months the period cuts (from c.since on in its first month), under the
// columns both cuboids keep.
func (c *cubeChoice) sinceRelation(b *builder, source string) string {
	var total map[string]bool
	for _, tc := range c.totals.cuboids {
		if tc.id == c.totalsCuboid {
			total = tc.cols
		}
	}
	var keep []string
	for _, col := range c.cuboidColumns() { // sorted
		if total[col] {
			keep = append(keep, col)
		}
	}
	list := strings.Join(append(append([]string{"evento"}, eventMeasures[source]...), keep...), ", ")
	first := monthStart(c.since)
	if !first.Equal(c.since) {
		first = first.AddDate(0, 1, 0)
	}
	months := fmt.Sprintf("SELECT mese, %s FROM %s WHERE cuboide = %d AND evento IN ('A', 'C') AND mese >= %s",
		list, c.meta.table, c.cuboid, b.date(first))
	parts := []string{fmt.Sprintf("SELECT mese, %s FROM %s WHERE cuboide = %d", list, c.totals.table, c.totalsCuboid), months}
	if len(c.edges) > 0 {
		edges := make([]string, len(c.edges))
		var days []string
		for i, e := range c.edges {
			edges[i] = e.Format(time.DateOnly)
			lo := e
			if e.Equal(monthStart(c.since)) {
				lo = c.since // the days of the first month before the start are in the month-less cuboid
			}
			days = append(days, fmt.Sprintf("(data >= %s AND data < %s)", b.date(lo), b.date(e.AddDate(0, 1, 0))))
		}
		parts[1] += " AND mese <> ALL(" + b.arg(edges) + "::date[])"
		parts = append(parts, fmt.Sprintf("SELECT data, %s FROM %s WHERE evento IN ('A', 'C') AND (%s)",
			list, c.events.table, strings.Join(days, " OR ")))
	}
	return "(" + strings.Join(parts, " UNION ALL ") + ") i"
}
