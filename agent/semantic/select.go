package semantic

import (
	"fmt"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"github.com/comune-bologna/conoscenza/agent/catalog"
)

// selectFor builds the grouped SELECT for one period and snapshot. shift (an interval) moves
// the period keys of a comparison onto the current period.
func (p *plan) selectFor(b *builder, w window, s snapshot, shift string) (string, []extra) {
	if p.series && p.pinnedTo(w, s) {
		one := *p
		one.series, one.pinned = false, true
		return one.selectFor(b, w, s, shift)
	}
	if sql, extras, ok := p.shareSplit(b, w, s, shift); ok {
		return sql, extras // a share whose subset alone keeps it off a cuboid (share.go)
	}
	m := p.effectiveMetric()
	var from, date string
	ref := func() string { return "snap.as_of" }
	var where []string
	var extras []extra
	value, n := m.Value, "count(*)"
	rw := func(sql string) string { return sql }
	var cube *cubeChoice
	versions := false
	if k := m.Kind; k == catalog.KindFlow || k == catalog.KindBalance || k == catalog.KindGrowth {
		if cube = p.cubeFor(m, s, w); cube == nil {
			cube = p.factsFor(m, s)
		}
		if p.pair != nil && cube != nil && !cube.direct {
			cube = p.pairCube(cube, s) // both periods of a growth rate in one scan (compare.go)
		}
	}
	if cube != nil {
		rw = func(sql string) string { return onCube(p.source, sql) }
		if col := cube.ageColumn; col != "" {
			rw = func(sql string) string { return strings.ReplaceAll(onCube(p.source, sql), "i.dt_iscrizione", "i."+col) }
		}
	}

	switch {
	case p.series:
		grain := p.seriesGrain()
		pick := "SELECT max(as_of) FROM register_snapshots"
		var pw []string
		if !w.from.IsZero() {
			pw = append(pw, "as_of >= "+b.date(w.from))
		}
		if !w.to.IsZero() {
			pw = append(pw, "as_of <= "+b.date(w.to))
		}
		if len(pw) > 0 {
			pick += " WHERE " + strings.Join(pw, " AND ")
		}
		pick += fmt.Sprintf(" GROUP BY date_trunc('%s', as_of)", grain)
		if k, ok := p.seriesFromHistory(m, s, w); ok {
			// Every snapshot of the window has its roll-ups recorded (00063).
			from, date = stockHistoryTable+" i", "i.as_of"
			ref = func() string { return "i.as_of" }
			value, n = "sum(i.n)", "sum(i.n)"
			where = append(where, fmt.Sprintf("i.cuboide = %d", k), "i.as_of IN ("+pick+")")
			break
		}
		from = "register_snapshots snap JOIN imprese_storia i ON i.valid_from <= snap.as_of AND (i.valid_to IS NULL OR i.valid_to > snap.as_of)"
		date = "snap.as_of"
		where = append(where, "snap.as_of IN ("+pick+")")
		if m.Value == "count(*)" {
			versions = true // counted by groups of versions below (versionGroups)
			value, n = "sum(i.n)", "sum(i.n)"
		}
	case cube != nil && cube.meta.facts:
		from = cube.meta.table + " i"
		date, ref = rw(m.Date), b.lazyDate(s.date)
		value = p.firstOccurrences(b, cube.meta.table, rw(m.Value), date, w, cube.meta.cuboids[0].cols)
		where = append(where, b.periodCond(date, w))
	case cube != nil && m.Kind == catalog.KindBalance:
		var cond string
		from, cond, date = cube.relation(b, p.source)
		ref = b.lazyDate(s.date)
		where = append(where, and(cond, "i.evento IN ('A', 'C')"), b.periodCond(date, w))
		value = "sum(CASE WHEN i.evento = 'A' THEN i.n ELSE -i.n END)"
		n = "LEAST(NULLIF(sum(i.n) FILTER (WHERE i.evento = 'A'), 0), NULLIF(sum(i.n) FILTER (WHERE i.evento = 'C'), 0))"
		extras = []extra{
			{"aperture", "Aperture", "sum(i.n) FILTER (WHERE i.evento = 'A')"},
			{"chiusure", "Chiusure", "sum(i.n) FILTER (WHERE i.evento = 'C')"},
		}
	case cube != nil && m.Kind == catalog.KindGrowth:
		// Registered at the start = opened before it minus closed before it (no company closes
		// before it is registered: cubeFor checks).
		var cond, month string
		from, cond, month = cube.relation(b, p.source)
		ref = b.lazyDate(s.date)
		if cond != "" {
			where = append(where, cond)
		}
		if !cube.direct {
			// Both events, and only they: the event table's edge days are then read through its
			// (evento, data) index.
			where = append(where, "i.evento IN ('A', 'C')")
		}
		f, t := b.date(w.from), b.date(w.to)
		open := fmt.Sprintf("COALESCE(sum(i.n) FILTER (WHERE i.evento = 'A' AND %s BETWEEN %s AND %s), 0)", month, f, t)
		closed := fmt.Sprintf("COALESCE(sum(i.n) FILTER (WHERE i.evento = 'C' AND %s BETWEEN %s AND %s), 0)", month, f, t)
		start := fmt.Sprintf("COALESCE(sum(CASE WHEN i.evento = 'A' THEN i.n ELSE -i.n END) FILTER (WHERE %s < %s), 0)", month, f)
		if cube.weighted() {
			// The same, or the events until the end, each with its weight (totals.go).
			start = "COALESCE(sum(i.s), 0)"
		} else if !cube.since.IsZero() {
			// A month-less cuboid (every event, dated 1900-01-01) with the events since the
			// start: registered at the start is the first minus the second.
			start = fmt.Sprintf("(COALESCE(sum(CASE WHEN i.evento = 'A' THEN i.n ELSE -i.n END) FILTER (WHERE %s < %s), 0) - "+
				"COALESCE(sum(CASE WHEN i.evento = 'A' THEN i.n ELSE -i.n END) FILTER (WHERE %s >= %s), 0))", month, f, month, f)
		}
		if cube.direct && p.source == "register" {
			// The register's event table from its openings alone (a million rows instead of
			// 1.5): every closure is of a company whose opening carries the same attributes and
			// the closure's date as dt_cessazione, and the query's dimensions and filters are
			// company attributes (a time dimension of a growth rate is the reference date's).
			where = append(where, "i.evento = 'A'")
			open, closed, start = growthOnOpenings(f, t)
			if p.pair != nil {
				extras = append(extras, p.pairExtras(b)...)
			}
		}
		if !cube.direct && p.pair != nil {
			extras = append(extras, p.pairCubeExtras(b, month)...)
		}
		value = fmt.Sprintf("round(100.0 * (%s - %s) / NULLIF(%s, 0), 2)", open, closed, start)
		n = start
		extras = append([]extra{{"aperture", "Aperture", open + "::bigint"}, {"chiusure", "Chiusure", closed + "::bigint"},
			{"registrate_inizio", "Registrate a inizio periodo", start + "::bigint"}}, extras...)
	case cube != nil && m.Name == "contributi_beneficiari":
		// A company counts once, at its first month with a grant in the period (evento B);
		// the small-cell count is of grants, as on the detailed path (evento G).
		from = cube.meta.table + " i"
		date, ref = "i.mese", b.lazyDate(s.date)
		where = append(where, fmt.Sprintf("i.cuboide = %d AND i.evento IN ('B', 'G')", cube.cuboid), b.periodCond("i.mese", w))
		first := "i.prev IS NULL"
		if !w.from.IsZero() {
			first = "(i.prev IS NULL OR i.prev < " + b.date(w.from) + ")"
		}
		value = "sum(i.n) FILTER (WHERE i.evento = 'B' AND " + first + ")"
		n = "sum(i.n) FILTER (WHERE i.evento = 'G')"
	case cube != nil: // flow
		cm, summed := cubeMeasures[m.Name]
		if !summed { // a distinct count on the event table (distinctOnEvents)
			cm = cubeMeasure{eventOfDate[m.Date], onCube(p.source, m.Value)}
		}
		if cube.firsts != "" { // or on a cuboid's first occurrences (firstsOnCuboid)
			cm.value = "COALESCE(sum(i." + cube.firsts + "), 0)::bigint" // a count, as count(*) on the event table
		}
		var cond string
		from, cond, date = cube.relation(b, p.source)
		ref = b.lazyDate(s.date)
		where = append(where, and(cond, fmt.Sprintf("i.evento = '%s'", cm.event)), b.periodCond(date, w))
		value, n = cm.value, "sum(i.n)"
		if !summed && cube.direct {
			value = p.firstOccurrences(b, cube.meta.table, value, date, w, cube.meta.cuboids[0].cols)
		}
	case m.Kind == catalog.KindBalance:
		rel := registerRel(b, s, false)
		open := b.periodCond("r.dt_iscrizione", w)
		closed := b.periodCond("r.dt_cessazione", w)
		from = fmt.Sprintf("(SELECT r.*, r.dt_iscrizione AS ev_date, 1 AS ev_sign FROM %s r WHERE %s UNION ALL "+
			"SELECT r.*, r.dt_cessazione AS ev_date, -1 AS ev_sign FROM %s r WHERE %s) i", rel, open, rel, closed)
		date, ref = "i.ev_date", b.lazyDate(s.date)
		value = "sum(i.ev_sign)"
		n = "LEAST(NULLIF(count(*) FILTER (WHERE i.ev_sign = 1), 0), NULLIF(count(*) FILTER (WHERE i.ev_sign = -1), 0))"
		extras = []extra{
			{"aperture", "Aperture", "count(*) FILTER (WHERE i.ev_sign = 1)"},
			{"chiusure", "Chiusure", "count(*) FILTER (WHERE i.ev_sign = -1)"},
		}
	case m.Kind == catalog.KindGrowth:
		from = fromClause(b, m.Source, s)
		ref = b.lazyDate(s.date)
		f, t := b.date(w.from), b.date(w.to)
		open := fmt.Sprintf("count(*) FILTER (WHERE i.dt_iscrizione BETWEEN %s AND %s)", f, t)
		closed := fmt.Sprintf("count(*) FILTER (WHERE i.dt_cessazione BETWEEN %s AND %s)", f, t)
		start := fmt.Sprintf("count(*) FILTER (WHERE i.dt_iscrizione < %s AND (i.dt_cessazione IS NULL OR i.dt_cessazione >= %s))", f, f)
		value = fmt.Sprintf("round(100.0 * (%s - %s) / NULLIF(%s, 0), 2)", open, closed, start)
		n = start
		extras = []extra{{"aperture", "Aperture", open}, {"chiusure", "Chiusure", closed}, {"registrate_inizio", "Registrate a inizio periodo", start}}
	case m.Kind == catalog.KindStock && p.stockFromRollups(s):
		if k, ok := p.stockCuboid(m, s); ok {
			from = s.stock.table + " i" // the latest snapshot's roll-ups, or those recorded for an earlier one
			where = append(where, fmt.Sprintf("i.cuboide = %d AND i.as_of = %s", k, b.date(s.date)))
		} else {
			from = "(SELECT * FROM agg_imprese_stock WHERE as_of = " + b.date(s.date) + ") i"
		}
		ref = b.lazyDate(s.date)
		value, n = "sum(i.n)", "sum(i.n)"
	case m.Kind == catalog.KindStock && !p.cubeEligible(s) && p.hasStockDetail(m, s):
		k, _ := p.stockDetailCuboid(m, s)
		from = "agg_stock_dettaglio i"
		ref = b.lazyDate(s.date)
		where = append(where, fmt.Sprintf("i.cuboide = %d", k))
		value, n = "sum(i.n)", "sum(i.n)"
	case m.Kind == catalog.KindStock && p.ageCuboid(m, s) != nil:
		cube = p.ageCuboid(m, s)
		col := cube.ageColumn
		rw = func(sql string) string { return strings.ReplaceAll(sql, "i.dt_iscrizione", "i."+col) }
		from = "agg_imprese_flussi i"
		ref = b.lazyDate(s.date)
		where = append(where, fmt.Sprintf("i.cuboide = %d AND i.evento = 'A'", cube.cuboid))
		value, n = "sum(i.n)", "sum(i.n)"
	case m.Kind == catalog.KindStock && p.stockLive(m, s):
		// The live companies: every row the metric counts, and no ceased one.
		from = liveTable + " i"
		ref = b.lazyDate(s.date)
		value, n = "sum(i.n)", "sum(i.n)"
	case m.Kind == catalog.KindStock && p.stockEvents(m, s):
		// Every company of the snapshot is one opening of the event table.
		from = s.events.table + " i"
		ref = b.lazyDate(s.date)
		where = append(where, "i.evento = 'A'")
		value, n = "sum(i.n)", "sum(i.n)"
	case m.Kind == catalog.KindStock:
		from = fromClause(b, m.Source, s)
		ref = b.lazyDate(s.date)
	default: // flow
		from = fromClause(b, m.Source, s)
		date, ref = m.Date, b.lazyDate(s.date)
		where = append(where, b.periodCond(m.Date, w))
	}
	if m.Where != "" && (cube == nil || cube.meta.facts || m.Kind == catalog.KindStock) { // an event cube holds only the metric's rows
		where = append(where, rw(m.Where))
	}
	for _, f := range p.filters {
		where = append(where, rw(b.filterSQL(f, p.source, date, ref)))
	}
	if p.metric.Kind == catalog.KindShare {
		var sub []string
		for _, f := range p.subset {
			sub = append(sub, rw(b.filterSQL(f, p.source, date, ref)))
		}
		cond := strings.Join(sub, " AND ")
		num := fmt.Sprintf("%s FILTER (WHERE %s)", value, cond)
		extras = []extra{{"numeratore", "Sottoinsieme", num}, {"denominatore", "Totale", value}}
		n = fmt.Sprintf("%s FILTER (WHERE %s)", countOf(n), cond)
		ratio := num
		if strings.HasPrefix(num, "sum(") {
			// No row of the subset: a share of 0, as count(*) gives on the detailed tables
			// (a sum over no rows is NULL).
			ratio = "COALESCE(" + num + ", 0)"
		}
		value = fmt.Sprintf("round(100.0 * %s / NULLIF(%s, 0), 2)", ratio, value)
	}

	var cols, keys []string
	for _, d := range p.groupBy {
		if key, ok := timeKey(d, p.source, date, ref); ok {
			// Grouped by the start of the period, its label computed once per group from it.
			cols = append(cols, rw(dimExpr(d, p.source, key, ref))+" AS "+quote(d.Name))
			keys = append(keys, rw(key))
			continue
		}
		cols = append(cols, rw(dimExpr(d, p.source, date, ref))+" AS "+quote(d.Name))
		keys = append(keys, strconv.Itoa(len(cols)))
	}
	if p.hasPeriod() {
		grain := p.grain
		if p.series || p.pinned {
			grain = p.seriesGrain()
		}
		at := date
		if at == "" { // a pinned series: the period of the snapshot read
			at = ref()
		}
		period := fmt.Sprintf("date_trunc('%s', (%s)::timestamp)", grain, at)
		if shift != "" {
			period = fmt.Sprintf("(%s + interval '%s')", period, shift)
		}
		cols = append(cols, period+"::date AS periodo")
		keys = append(keys, strconv.Itoa(len(cols)))
	}
	cols = append(cols, numeric(value)+" AS valore")
	for _, e := range extras {
		cols = append(cols, numeric(e.sql)+" AS "+e.name)
	}
	cols = append(cols, "("+n+")::bigint AS _n")

	if versions {
		from, where = versionGroups(where, append(slices.Clone(cols), value, n))
	}
	sql := "SELECT " + strings.Join(cols, ", ") + " FROM " + from
	if len(where) > 0 {
		sql += " WHERE " + strings.Join(where, " AND ")
	}
	if len(keys) > 0 {
		sql += " GROUP BY " + strings.Join(keys, ", ")
	}
	return sql, extras
}

// versionGroups is the FROM clause and WHERE conditions of a stock series over snapshots read
// from the register's history, with the versions counted before they are joined to the
// snapshots: the versions that pass the conditions which do not depend on the snapshot are
// grouped by their validity and every column the rest of the statement reads (exprs: the
// select list and the aggregates; the conditions that do), so that each group is joined to
// the snapshots it is valid at once, instead of each of a million versions to each of them (a
// company unchanged over a year of monthly snapshots was 13 joined rows, now one group of
// many). sum(i.n) over the groups is count(*) over the versions: the same numbers.
func versionGroups(where, exprs []string) (string, []string) {
	var inner, outer []string
	for _, w := range where {
		if strings.Contains(w, "snap.") {
			outer = append(outer, w)
		} else {
			inner = append(inner, w)
		}
	}
	seen := map[string]bool{"n": true, "valid_from": true, "valid_to": true}
	keys := []string{"i.valid_from", "i.valid_to"}
	for _, e := range append(slices.Clone(outer), exprs...) {
		for _, c := range versionColumn.FindAllStringSubmatch(e, -1) {
			if !seen[c[1]] {
				seen[c[1]] = true
				keys = append(keys, "i."+c[1])
			}
		}
	}
	sub := "SELECT " + strings.Join(keys, ", ") + ", count(*) AS n FROM imprese_storia i"
	if len(inner) > 0 {
		sub += " WHERE " + strings.Join(inner, " AND ")
	}
	sub += " GROUP BY " + strings.Join(keys, ", ")
	return "register_snapshots snap JOIN (" + sub + ") i ON i.valid_from <= snap.as_of AND (i.valid_to IS NULL OR i.valid_to > snap.as_of)", outer
}

// versionColumn is a column of the history (alias i) in an expression.
var versionColumn = regexp.MustCompile(`\bi\.([a-z_][a-z0-9_]*)\b`)
