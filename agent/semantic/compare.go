package semantic

import (
	"fmt"
	"slices"
	"strings"

	"github.com/comune-bologna/conoscenza/agent/catalog"
)

// A growth rate compared with another period reads, on the register's event table, every
// opening twice: once for each period (every opening before the period counts towards the
// companies registered at its start). Both sides group the same rows (the openings that pass
// the filters: no condition on the period is in the WHERE clause) by the same keys (company
// attributes, none of them NULL), so the FULL JOIN of the two sides pairs every group with
// itself: one scan computing both periods' sums gives the same rows, in half the time.

// growthInOneScan says whether the comparison of a growth rate over prev can be computed in
// the same scan as the current period: both periods read the register's event table alone, or
// both the same monthly cuboid (pairCube).
func (p *plan) growthInOneScan(cur snapshot, prev window) bool {
	if p.metric.Kind != catalog.KindGrowth || p.base != nil || p.source != "register" || p.hasPeriod() || p.series {
		return false
	}
	a, b := p.cubeFor(p.metric, cur, window{p.from, p.to}), p.cubeFor(p.metric, cur, prev)
	return a != nil && a.direct && b != nil && b.direct || sameCuboid(a, b)
}

// On a monthly cuboid the two periods read the same rows but for the months either period
// cuts, which each reads day by day from the event table (the edges). Read with the edges of
// both, every month is a whole month of the cuboid that neither period cuts, or every day of
// it: each period's sums compare whole months or exact days with its own bounds, so they are
// those of its own statement; and both relations hold every event (each month once, whole or
// by days), so the groups are the same. One grouped scan of the cuboid (about 200,000 rows for
// the flags with the area) instead of two.

// sameCuboid says whether two choices read the same monthly cuboid the same way, with at most
// their edge months differing.
func sameCuboid(a, b *cubeChoice) bool {
	return a != nil && b != nil && !a.direct && !b.direct && a.meta == b.meta && a.cuboid == b.cuboid &&
		a.since.IsZero() && b.since.IsZero() && a.totals == nil && b.totals == nil &&
		a.ageColumn == b.ageColumn && !a.meta.facts && !a.meta.events && (len(a.edges)+len(b.edges) == 0 || a.events != nil || b.events != nil)
}

// pairCube is the choice that answers both periods of a growth rate compared in one scan on a
// cuboid: c (the current period's) with the comparison period's edge months too.
func (p *plan) pairCube(c *cubeChoice, s snapshot) *cubeChoice {
	o := p.cubeFor(p.metric, s, *p.pair)
	if !sameCuboid(c, o) {
		return c
	}
	both := *c
	both.edges = slices.Clone(c.edges)
	for _, e := range o.edges {
		if !slices.ContainsFunc(both.edges, e.Equal) {
			both.edges = append(both.edges, e)
		}
	}
	if both.events == nil {
		both.events = o.events
	}
	return &both
}

// pairCubeExtras are the comparison period's growth rate and registered companies at its
// start on the cuboid's relation (month the column that dates its rows), as the current
// period's are computed (select.go).
func (p *plan) pairCubeExtras(b *builder, month string) []extra {
	f, t := b.date(p.pair.from), b.date(p.pair.to)
	open := fmt.Sprintf("COALESCE(sum(i.n) FILTER (WHERE i.evento = 'A' AND %s BETWEEN %s AND %s), 0)", month, f, t)
	closed := fmt.Sprintf("COALESCE(sum(i.n) FILTER (WHERE i.evento = 'C' AND %s BETWEEN %s AND %s), 0)", month, f, t)
	start := fmt.Sprintf("COALESCE(sum(CASE WHEN i.evento = 'A' THEN i.n ELSE -i.n END) FILTER (WHERE %s < %s), 0)", month, f)
	return []extra{
		{"valore_confronto_", "", fmt.Sprintf("round(100.0 * (%s - %s) / NULLIF(%s, 0), 2)", open, closed, start)},
		{"_n_confronto", "", "(" + start + ")::bigint"},
	}
}

// pairExtras are the comparison period's growth rate and registered companies at its start,
// as the current period's are computed on the openings (compile.go).
func (p *plan) pairExtras(b *builder) []extra {
	open, closed, start := growthOnOpenings(b.date(p.pair.from), b.date(p.pair.to))
	return []extra{
		{"valore_confronto_", "", fmt.Sprintf("round(100.0 * (%s - %s) / NULLIF(%s, 0), 2)", open, closed, start)},
		{"_n_confronto", "", "(" + start + ")::bigint"},
	}
}

// growthOnOpenings are the openings and closures between the dates f and t and the companies
// registered at f, summed over the register's event table read from its openings alone (each
// carries its closure's date as dt_cessazione).
func growthOnOpenings(f, t string) (open, closed, start string) {
	open = fmt.Sprintf("COALESCE(sum(i.n) FILTER (WHERE i.data BETWEEN %s AND %s), 0)", f, t)
	closed = fmt.Sprintf("COALESCE(sum(i.n) FILTER (WHERE i.dt_cessazione BETWEEN %s AND %s), 0)", f, t)
	start = fmt.Sprintf("(COALESCE(sum(i.n) FILTER (WHERE i.data < %s), 0) - COALESCE(sum(i.n) FILTER (WHERE i.dt_cessazione < %s), 0))", f, f)
	return open, closed, start
}

// compileGrowthPair compiles a growth rate and its comparison in one grouped scan, with the
// columns and values compile gives the two-sided statement.
func (p *plan) compileGrowthPair(b *builder, c compiled, cur snapshot, prev window) compiled {
	one := *p
	one.pair = &prev
	sel, _ := one.selectFor(b, window{p.from, p.to}, cur, "")
	var cols []string
	for _, d := range p.groupBy {
		cols = append(cols, quote(d.Name))
	}
	cols = append(cols,
		"valore",
		"valore_confronto_ AS valore_confronto",
		"valore - valore_confronto_ AS variazione",
		"round((100.0 * (valore - valore_confronto_) / NULLIF(valore_confronto_, 0))::numeric, 1)::float8 AS variazione_pct",
		"LEAST(_n, _n_confronto) AS _n",
	)
	c = p.withComparisonColumns(c)
	c.sql = fmt.Sprintf("SELECT * FROM (SELECT %s FROM (%s) g) q%s", strings.Join(cols, ", "), sel, p.orderAndLimit(b))
	c.params = b.params
	return c
}

// withComparisonColumns adds to c the value columns of a comparison: the value, the compared
// value, the change and the change in percent.
func (p *plan) withComparisonColumns(c compiled) compiled {
	c.columns = append(c.columns,
		Column{Name: "valore", Label: p.metric.IT, Type: "number"},
		Column{Name: "valore_confronto", Label: compareLabel(p.q.CompareTo), Type: "number"},
		Column{Name: "variazione", Label: "Variazione", Type: "number"},
		Column{Name: "variazione_pct", Label: "Variazione %", Type: "number"},
	)
	c.values = []string{"valore", "valore_confronto", "variazione", "variazione_pct"}
	return c
}
