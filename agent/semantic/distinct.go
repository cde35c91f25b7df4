package semantic

import (
	"fmt"
	"regexp"
	"strings"
	"time"

	"github.com/comune-bologna/conoscenza/agent/catalog"
)

// Distinct companies as first occurrences (migration 00062). A count of distinct codici
// fiscali sorts every group's rows. The CIG event table and the grants' facts carry, on each
// row, the date of the company's previous row (prec), and of its previous row with the same
// value of one column the row itself carries (prec_<column>: the request's type, reason,
// outcome, sector, comune; the grant's call). Over a window [start, end] a company has exactly
// one row in the window whose previous row is before start (or none): its first. Counting those
// rows gives the distinct companies when every row the query keeps for a company in a group
// lies in the same partition: the company's attributes are the same on all its rows, and the
// query uses at most one of the row's own columns, grouped by or filtered to one value. A time
// dimension or grain makes each group's window start at its period's first day, or at the
// query's start if later.

// rowColumns are the columns of each table that belong to the row (a request, a grant), not
// to its company, and have a prec_ partition; constant are those holding one value in the
// table (the grants' facts keep only granted rows).
var rowColumns = map[string]struct{ own, constant map[string]bool }{
	"agg_eventi_cig": {own: colSet("tipo", "causale", "esito", "sezione_ateco", "divisione_ateco", "ateco", "comune")},
	"agg_contributi": {own: colSet("id_bando"), constant: colSet("esito")},
}

var distinctCompanies = regexp.MustCompile(`count\(DISTINCT i\.codice_fiscale\)`)

// timeUnits is the period each time dimension groups by.
var timeUnits = map[string]string{"anno": "year", "trimestre": "quarter", "mese": "month"}

var unitOrder = map[string]int{"": 0, "year": 1, "quarter": 2, "month": 3}

// firstOccurrences rewrites the distinct count of companies in value (a metric's expression on
// table, alias i) as the count of the companies' first rows in the window w, dated by date; it
// returns value unchanged when that would not give the same numbers.
func (p *plan) firstOccurrences(b *builder, table, value, date string, w window, cols map[string]bool) string {
	if !distinctCompanies.MatchString(value) {
		return value
	}
	prec, unit, since, ok := p.firstPartition(table, cols)
	if !ok {
		return value
	}
	from := w.from
	if since.After(from) {
		from = since // the first year a filter on anno keeps: the window starts there
	}
	start := ""
	switch {
	case unit != "" && !from.IsZero():
		start = fmt.Sprintf("GREATEST(%s, date_trunc('%s', (%s)::timestamp)::date)", b.date(from), unit, date)
	case unit != "":
		start = fmt.Sprintf("date_trunc('%s', (%s)::timestamp)::date", unit, date)
	case !from.IsZero():
		start = b.date(from)
	}
	first := "i." + prec + " IS NULL"
	if start != "" {
		first = fmt.Sprintf("(i.%s IS NULL OR i.%s < %s)", prec, prec, start)
	}
	count := "count(*) FILTER (WHERE i.codice_fiscale IS NOT NULL AND " + first + ")"
	return distinctCompanies.ReplaceAllLiteralString(value, count)
}

// firstPartition is the prec column whose partition keeps every row of a company that the
// query counts in one group, the finest time period the query groups by, and the first day of
// the years a filter on anno keeps (zero: none); ok is false when none does (more than one of
// the row's own columns, a filter on time that leaves holes in the window, a share).
func (p *plan) firstPartition(table string, cols map[string]bool) (prec, unit string, since time.Time, ok bool) {
	rc, known := rowColumns[table]
	if !known || p.metric.Kind == catalog.KindShare || p.series {
		return "", "", since, false
	}
	unit = p.grain
	grouped := map[string]bool{}
	for _, d := range p.groupBy {
		if u, isTime := timeUnits[d.Name]; isTime && unitOrder[u] > unitOrder[unit] {
			unit = u
		}
		for _, c := range p.columnsOf(d) {
			grouped[c] = true
		}
	}
	used := map[string]bool{}
	for c := range grouped {
		if rc.own[c] {
			used[c] = true
		}
	}
	for _, f := range p.filters {
		if f.dim.Type == catalog.TypeTime {
			lo, hi, isSpan := yearSpan(f)
			if !isSpan || f.op == "in" && hi-lo+1 != distinctYears(f.values) {
				// A window with holes: its first row is not the first after the start.
				return "", "", since, false
			}
			if y := time.Date(lo, 1, 1, 0, 0, 0, 0, time.UTC); y.After(since) {
				since = y
			}
			continue
		}
		for _, c := range p.columnsOf(f.dim) {
			switch {
			case rc.constant[c] || !rc.own[c] || grouped[c]:
			case f.op == "=" && f.dim.Type != catalog.TypePrefix:
				used[c] = true // one value: a partition of its own
			default:
				return "", "", since, false
			}
		}
	}
	used = partitioning(used)
	switch len(used) {
	case 0:
		prec = "prec"
	case 1:
		for c := range used {
			prec = "prec_" + c
		}
	default:
		return "", "", since, false
	}
	if !cols[prec] {
		return "", "", since, false // built before migration 00062
	}
	return prec, unit, since, true
}

// columnsOf are the table columns a dimension's expression reads.
func (p *plan) columnsOf(d *catalog.Dimension) []string {
	sql, _ := d.SQLFor(p.source)
	var out []string
	for _, c := range columnRef.FindAllStringSubmatch(onCube(p.source, sql), -1) {
		out = append(out, c[1])
	}
	return out
}

// distinctYears is the number of different years among a filter's values (ints: yearSpan).
func distinctYears(values []any) int {
	seen := map[any]bool{}
	for _, v := range values {
		seen[v] = true
	}
	return len(seen)
}

// impliedBy: the own columns another one determines. The CIG loader derives a request's
// section and division from its ATECO code, and a division belongs to one section: a company's
// first row among those of a division is its first among those of the division and section.
var impliedBy = map[string][]string{"sezione_ateco": {"divisione_ateco", "ateco"}, "divisione_ateco": {"ateco"}}

// partitioning is the set of own columns less those the others determine: the partition of
// the rows by all of them is the partition by these (migration 00065 reduces alike).
func partitioning(cols map[string]bool) map[string]bool {
	out := map[string]bool{}
	for c := range cols {
		implied := false
		for _, by := range impliedBy[c] {
			implied = implied || cols[by]
		}
		if !implied {
			out[c] = true
		}
	}
	return out
}

// firstsColumns are the cuboid measures of migration 00065: per month and group, the rows that
// are their company's first (in the partition the cuboid keeps) of the month, the quarter, the
// year, or ever. ultime (00067) counts the rows that are their company's last.
var firstsColumns = map[string]string{"month": "prime_mese", "quarter": "prime_trimestre", "year": "prime_anno", "": "prime_sempre"}

// firstsTables are the cuboid tables with those measures, and the event table they count.
var firstsTables = map[string]string{"agg_cig": "agg_eventi_cig"}

// firstsOnCuboid answers a distinct count of companies from a cuboid's first occurrences when
// every group's window starts on the first day of its period (a month, quarter or year, or no
// start at all) and covers whole months: the sum of the firsts of the period over its months is
// then the count of the companies' first rows in the window, as firstOccurrences counts them on
// the event table. A window with a start and no end sums the companies' last rows instead
// (00067), from the start's month on, with that month's days from the event table when the
// start is within it. The cuboid must keep every column the query uses and, of the row's own
// columns, exactly the one its partition uses (or none): its counts are in that partition.
func (p *plan) firstsOnCuboid(m *catalog.Metric, s snapshot, meta *cubeMeta, w window, need map[string]bool, ref bool) *cubeChoice {
	if meta == nil || ref || !distinctCompanies.MatchString(onCube(p.source, m.Value)) {
		return nil
	}
	events, ok := firstsTables[meta.table]
	if !ok {
		return nil
	}
	own := rowColumns[events].own
	precs := map[string]bool{"prec": true}
	for c := range own {
		precs["prec_"+c] = true
	}
	prec, unit, since, ok := p.firstPartition(events, precs)
	if !ok {
		return nil
	}
	from, to := w.from, w.to
	if since.After(from) {
		from = since
	}
	for _, f := range p.filters {
		if _, hi, isSpan := yearSpan(f); isSpan {
			if end := time.Date(hi, 12, 31, 0, 0, 0, 0, time.UTC); to.IsZero() || end.Before(to) {
				to = end // the last year a filter on anno keeps
			}
		}
	}
	if !from.IsZero() && from.Before(meta.horizon) || !to.IsZero() && to.Before(meta.horizon) ||
		unit != "" && from.IsZero() && meta.bucket || !to.IsZero() && to.AddDate(0, 0, 1).Day() != 1 {
		return nil // months before the horizon are one bucket; a period that cuts a month
	}
	column := ""
	var edges []time.Time
	var days *cubeMeta
	if unit == "" && !from.IsZero() {
		// One period without a grain: the coarsest whose start is the window's and that holds
		// its end; or, with no end, every month from the start, where the companies' last rows
		// are (00067: a company has a row since the start exactly when its last row is).
		for _, u := range []string{"year", "quarter", "month"} {
			if truncDate(u, from).Equal(from) && !to.IsZero() && to.Before(truncDate(u, from).AddDate(0, unitMonths[u], 0)) {
				unit = u
				break
			}
		}
		switch {
		case unit != "":
		case to.IsZero() && from.Day() == 1:
			column = "ultime"
		case to.IsZero():
			// A start within a month: its days from the event table, whose rows mark the
			// companies' last ones too (00067).
			if days = p.eventsFor(s, need); days == nil {
				return nil
			}
			column, edges = "ultime", []time.Time{monthStart(from)}
		default:
			return nil
		}
	}
	if column == "" {
		column = firstsColumns[unit]
	}
	if unit != "" && !from.IsZero() && !truncDate(unit, from).Equal(from) {
		return nil // the first period starts within it
	}
	var best *cuboid
	for i, c := range meta.cuboids {
		if !covers(c.cols, need) || best != nil && c.rows >= best.rows {
			continue
		}
		kept := map[string]bool{}
		for col := range own {
			if c.cols[col] {
				kept[col] = true
			}
		}
		kept = partitioning(kept)
		part := "prec"
		for col := range kept {
			part = "prec_" + col
		}
		if len(kept) <= 1 && part == prec {
			best = &meta.cuboids[i]
		}
	}
	if best == nil {
		return nil
	}
	c := &cubeChoice{meta: meta, cuboid: best.id, firsts: column}
	if len(edges) > 0 {
		c.events, c.edges, c.lasts = days, edges, "ultima"+strings.TrimPrefix(prec, "prec")
	}
	return c
}

var unitMonths = map[string]int{"year": 12, "quarter": 3, "month": 1}
