package semantic

import (
	"fmt"
	"slices"
	"strings"

	"github.com/comune-bologna/conoscenza/agent/catalog"
)

// A share of a flow (quota over openings or closures) sums its base twice in one grouped
// scan: every row for the denominator, the subset's rows for the numerator. The scan must read
// a structure that keeps the subset's columns too, and when no cuboid keeps them with the
// query's own (a subset on the division with the legal form and the comune) that is the event
// table: every event of the period, hashed by the groups. The denominator alone is the base
// flow along the query's own columns, which a cuboid often keeps; the numerator alone is the
// base flow with the subset as a filter, which the event table's indexes serve when the subset
// keeps few rows. So when the subset is what sends the scan to the event table, the share is
// the denominator's groups LEFT JOINed with the numerator's: the same groups (every row of the
// numerator is a row of the denominator, with the same keys), the same sums, 0 where the
// subset has no row (as the FILTER's COALESCE gives), and the numerator's count for the small
// cells as the FILTER gives it (NULL where the subset has no row).

// shareSplit is that statement for one period and snapshot, with the extras selectFor gives
// a share (numeratore, denominatore), or false when the share is better read in one scan.
func (p *plan) shareSplit(b *builder, w window, s snapshot, shift string) (string, []extra, bool) {
	base := p.base
	if p.metric.Kind != catalog.KindShare || base == nil || base.Kind != catalog.KindFlow || len(p.subset) == 0 ||
		p.series || p.pinned || cubeMeasures[base.Name].value != "sum(i.n)" {
		return "", nil, false
	}
	den, num := *p, *p
	den.metric, den.base, den.subset = base, nil, nil
	num.metric, num.base, num.subset = base, nil, nil
	num.filters = append(slices.Clone(p.filters), p.subset...)
	one, tot := p.cubeFor(base, s, w), den.cubeFor(base, s, w)
	if one == nil || !one.direct || tot == nil || tot.direct {
		return "", nil, false // one scan of a cuboid, or the denominator reads the event table too
	}
	totSel, _ := den.selectFor(b, w, s, shift)
	subSel, _ := num.selectFor(b, w, s, shift)
	var keys []string
	for _, d := range p.groupBy {
		keys = append(keys, quote(d.Name))
	}
	if p.hasPeriod() {
		keys = append(keys, "periodo")
	}
	cols := make([]string, 0, len(keys)+4)
	on := []string{"true"}
	for _, k := range keys {
		cols = append(cols, "tot."+k)
		on = append(on, fmt.Sprintf("tot.%s = sub.%s", k, k))
	}
	// tot.valore and sub.valore are COALESCE(sum(i.n), 0)::bigint, sub._n (sum(i.n))::bigint:
	// the one-scan statement's FILTERed sums, group by group.
	cols = append(cols,
		"(round(100.0 * COALESCE(sub.valore, 0) / NULLIF(tot.valore, 0), 2))::float8 AS valore",
		"COALESCE(sub.valore, 0)::bigint AS numeratore",
		"tot.valore AS denominatore",
		"sub._n AS _n")
	sql := fmt.Sprintf("SELECT %s FROM (%s) tot LEFT JOIN (%s) sub ON %s",
		strings.Join(cols, ", "), totSel, subSel, strings.Join(on, " AND "))
	return sql, []extra{{"numeratore", "Sottoinsieme", ""}, {"denominatore", "Totale", ""}}, true
}
