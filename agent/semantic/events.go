package semantic

import (
	"context"
	"fmt"
	"maps"
	"slices"
	"strings"

	"github.com/jackc/pgx/v5"

	"github.com/comune-bologna/conoscenza/agent/catalog"
)

// The event tables of migration 00034: one narrow row per event (an opening or closure, a CIG
// request or authorisation, a SUAP permit) with its exact date and the company's attributes
// copied on, under the cubes' column names. They answer exactly what no cuboid keeps (any
// combination of dimensions, the company's age), the edge days of a period that cuts a month
// (with a cuboid's whole months), and, from the openings, stock counts of the latest snapshot
// along any dimension: a scan of a narrow table instead of the join of a million companies.

// eventTables is the event table of each source.
var eventTables = map[string]string{
	"register": "agg_eventi_imprese",
	"cig":      "agg_eventi_cig",
	"suap":     "agg_eventi_suap",
}

// eventMeasures are the measure columns a cube and its event table share.
var eventMeasures = map[string][]string{
	"register": {"n"},
	"cig":      {"n", "ore_richieste", "ore_autorizzate", "lavoratori"},
	"suap":     {"n"},
}

// loadEvents reads the event table of source if it is current and built from the snapshot s.
func loadEvents(ctx context.Context, tx pgx.Tx, source string, s snapshot) (*cubeMeta, error) {
	table, ok := eventTables[source]
	if !ok || !s.latest {
		return nil, nil
	}
	return readCube(ctx, tx, table, s)
}

// eventsFor is the event table of the query's source if it is current and keeps every column
// the query needs.
func (p *plan) eventsFor(s snapshot, need map[string]bool) *cubeMeta {
	ev := s.events
	if ev == nil || !ev.events || p.series || !s.latest || !ev.asOf.Equal(s.date) || len(ev.cuboids) == 0 {
		return nil
	}
	if !covers(ev.cuboids[0].cols, need) {
		return nil
	}
	return ev
}

// relation is what a cube choice reads, aliased i, the condition that selects its rows and
// the column that dates them (the month of a cuboid, the day of an event).
func (c *cubeChoice) relation(b *builder, source string) (from, cond, month string) {
	switch {
	case c.direct:
		return c.events.table + " i", "", "i.data"
	case c.totals != nil:
		return c.sinceRelation(b, source), "", "i.mese"
	case !c.since.IsZero():
		return c.totalsRelation(b, source), "", "i.mese"
	case len(c.edges) == 0:
		return c.meta.table + " i", fmt.Sprintf("i.cuboide = %d", c.cuboid), "i.mese"
	}
	// The cuboid's whole months and, for the months the period cuts, the events day by day:
	// every condition on i.mese then compares a whole month or an exact day.
	cols := append(append([]string{"evento"}, eventMeasures[source]...), c.cuboidColumns()...)
	list := strings.Join(cols, ", ")
	// The event table has the exact registration date where a cuboid has its class (00058):
	// both compare alike with the class boundaries the query uses.
	evList := strings.ReplaceAll(list, classColumn, "dt_iscrizione")
	if c.lasts != "" {
		// The cuboid's count of last rows, and on each request of the days whether it is one.
		list += ", " + c.firsts
		evList += fmt.Sprintf(", (%s AND codice_fiscale IS NOT NULL)::int", c.lasts)
	}
	edges := make([]string, len(c.edges))
	var days []string
	for i, e := range c.edges {
		edges[i] = e.Format("2006-01-02")
		days = append(days, fmt.Sprintf("(data >= %s AND data < %s)", b.date(e), b.date(e.AddDate(0, 1, 0))))
	}
	from = fmt.Sprintf("(SELECT mese, %s FROM %s WHERE cuboide = %d AND mese <> ALL(%s::date[]) UNION ALL SELECT data, %s FROM %s WHERE %s) i",
		list, c.meta.table, c.cuboid, b.arg(edges), evList, c.events.table, strings.Join(days, " OR "))
	return from, "", "i.mese"
}

// stockColumns are the columns a stock query of metric m uses: its condition's, its groups'
// and its filters'.
func (p *plan) stockColumns(m *catalog.Metric) map[string]bool {
	need := map[string]bool{}
	add := func(sql string) {
		for _, c := range columnRef.FindAllStringSubmatch(sql, -1) {
			need[c[1]] = true
		}
	}
	add(m.Where)
	for _, d := range append(slices.Clone(p.groupBy), dimsOf(p)...) {
		sql, _ := d.SQLFor(p.source)
		add(sql)
		add(d.Column)
	}
	return need
}

// stockEvents says whether a stock query on the latest snapshot can count the openings of the
// event table (every company of the snapshot is one, with its attributes and exact dates).
func (p *plan) stockEvents(m *catalog.Metric, s snapshot) bool {
	if p.source != "register" || p.series || !s.latest {
		return false
	}
	return p.eventsFor(s, p.stockColumns(m)) != nil
}

// eventOfDate is the event of its source's event table that each flow date column dates.
var eventOfDate = map[string]string{"c.dt_domanda": "D", "c.dt_autorizzazione": "U", "s.dt_presentazione": "P"}

// distinctOnEvents is the event table alone for a flow that counts distinct values of a
// column the table keeps (cig_imprese: the requesting companies, migration 00061): one row per
// event with its exact date and the company's attributes, as the detailed tables join them, so
// the distinct count over the same rows is the same; no cuboid can count it. Else nil.
func (p *plan) distinctOnEvents(m *catalog.Metric, s snapshot, need map[string]bool) *cubeChoice {
	if !strings.HasPrefix(m.Value, "count(DISTINCT ") || eventOfDate[m.Date] == "" || m.Where != "" || p.metric.Kind == catalog.KindShare {
		return nil
	}
	n := maps.Clone(need)
	for _, c := range columnRef.FindAllStringSubmatch(onCube(p.source, m.Value), -1) {
		n[c[1]] = true
	}
	ev := p.eventsFor(s, n)
	if ev == nil {
		return nil
	}
	return &cubeChoice{meta: ev, events: ev, direct: true}
}
