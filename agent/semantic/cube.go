package semantic

import (
	"context"
	"maps"
	"regexp"
	"slices"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/comune-bologna/conoscenza/agent/catalog"
)

// The event cubes of migration 00032: per source, a table of cuboids (events counted by month
// and by the values of a few columns) or, for grants, the granted rows with their company's
// attributes copied on. A query reads one when it can answer exactly the same rows; else the
// detailed tables.

// cubeTables is the cube of each source.
var cubeTables = map[string]string{
	"register":   "agg_imprese_flussi",
	"cig":        "agg_cig",
	"suap":       "agg_suap",
	"contributi": "agg_contributi_cubo",
}

// sourceAlias is the alias of each source's own table in the catalog's SQL: on a cube it
// becomes i, the cube's alias (the cube's columns carry the source's and the company's names).
var sourceAlias = map[string]*regexp.Regexp{
	"cig":        regexp.MustCompile(`\bc\.`),
	"suap":       regexp.MustCompile(`\bs\.`),
	"contributi": regexp.MustCompile(`\bg\.`),
}

var columnRef = regexp.MustCompile(`\b[icsg]\.([a-z_]+)\b`)

// cubeMeasure is how a flow metric reads an event cube: the event it counts and the sum.
type cubeMeasure struct{ event, value string }

var cubeMeasures = map[string]cubeMeasure{
	"aperture":                    {"A", "sum(i.n)"},
	"chiusure":                    {"C", "sum(i.n)"},
	"cig_domande":                 {"D", "sum(i.n)"},
	"cig_ore_richieste":           {"D", "sum(i.ore_richieste)"},
	"cig_lavoratori":              {"D", "sum(i.lavoratori)"},
	"cig_ore_autorizzate":         {"U", "sum(i.ore_autorizzate)"},
	"suap_pratiche":               {"P", "sum(i.n)"},
	"contributi_importo_concesso": {"G", "sum(i.importo_concesso)"},
	// Beneficiaries: see beneficiaries in compile.go.
	"contributi_beneficiari": {"B", "sum(i.n)"},
}

// cubeMeta is one cube as agg_stato and agg_cuboidi describe it.
type cubeMeta struct {
	table     string
	facts     bool // the granted rows themselves, not cuboids
	events    bool // one row per event with its exact date (migration 00034), not cuboids
	asOf      time.Time
	horizon   time.Time // months before it are one bucket dated 1900-01-01
	bucket    bool      // some events are in that bucket
	anomalies int64     // companies closed before registration: growth rates need none
	cuboids   []cuboid
}

type cuboid struct {
	id   int
	cols map[string]bool
	rows int64
}

// loadCube reads the cube of source if it was built from the current data version (no load
// committed since) and from the snapshot s.
func loadCube(ctx context.Context, tx pgx.Tx, source string, s snapshot) (*cubeMeta, error) {
	table, ok := cubeTables[source]
	if !ok || !s.latest {
		return nil, nil
	}
	return readCube(ctx, tx, table, s)
}

// loadStockDetail reads the cube of the snapshot by division, code, legal form and area, if
// built from the current data version and the snapshot s.
func loadStockDetail(ctx context.Context, tx pgx.Tx, s snapshot) (*cubeMeta, error) {
	if !s.latest {
		return nil, nil
	}
	return readCube(ctx, tx, "agg_stock_dettaglio", s)
}

// stockDetailCuboid chooses a cuboid of agg_stock_dettaglio for a stock query the roll-ups of
// the stock aggregate cannot answer.
func (p *plan) stockDetailCuboid(m *catalog.Metric, s snapshot) (int, bool) {
	if s.detail == nil || p.series || !s.detail.asOf.Equal(s.date) {
		return 0, false
	}
	return bestCuboid(s.detail, p.stockNeed(m))
}

// loadFacts reads the pre-joined grants table's description, if current.
func loadFacts(ctx context.Context, tx pgx.Tx, source string, s snapshot) (*cubeMeta, error) {
	if source != "contributi" || !s.latest {
		return nil, nil
	}
	return readCube(ctx, tx, "agg_contributi", s)
}

// loadStockCuboids reads the roll-ups of the stock aggregate, built with it in the load's
// transaction, if they hold the snapshot s.
func loadStockCuboids(ctx context.Context, tx pgx.Tx, s snapshot) (*cubeMeta, error) {
	if !s.latest || !s.cube {
		return nil, nil
	}
	return readCube(ctx, tx, "agg_stock_cuboidi", s)
}

// readCube is the description of the aggregate table, if it is current and built from the
// snapshot s: readCubes read them all in one statement for the latest snapshot; no other
// snapshot has any.
func readCube(_ context.Context, _ pgx.Tx, table string, s snapshot) (*cubeMeta, error) {
	return s.metas[table], nil
}

// onCube rewrites catalog SQL of source to the cube's single alias i.
func onCube(source, sql string) string {
	if re, ok := sourceAlias[source]; ok {
		return re.ReplaceAllString(sql, "i.")
	}
	return sql
}

// cubeChoice is the cube (and cuboid) a flow query reads: a cuboid, a cuboid with the edge
// months of a period that cuts them read day by day from the event table, or the event table
// alone (see events.go).
type cubeChoice struct {
	meta   *cubeMeta
	cuboid int
	events *cubeMeta   // the source's event table, when read
	edges  []time.Time // months (first days) read from the event table instead of the cuboid
	direct bool        // the event table alone
	// since: a month-less cuboid (every event) with the event table's events from this day on
	// (a growth rate: see growthOnTotals).
	since time.Time
	// totals: with since, a month-less cuboid of it (every event) read with the monthly
	// cuboid's months from since on (growth.go).
	totals       *cubeMeta
	totalsCuboid int
	// ageColumn: the cuboid's column the query's registration date is read from (its month
	// for openings, see age.go, or the class of age, 00058), if not dt_iscrizione itself.
	ageColumn string
	// until, history, historyCuboid: with since and a month-less cuboid, the period's end and
	// the register's history by month (its cuboid of every event), which choose in the statement
	// between the events since the start and those until the end (totals.go).
	until         time.Time
	history       *cubeMeta
	historyCuboid int
	// firsts: the cuboid's count of first occurrences (00065) that answers a distinct count of
	// companies, summed over the window's months (distinct.go); lasts: with edges, the event
	// table's column that marks the companies' last rows (00067), for firsts "ultime".
	firsts, lasts string
}

// cubeFor chooses the structure that answers a flow, balance or growth query over the window w
// exactly: the smallest cuboid that keeps every column the query uses, joined with the event
// table's days when the period cuts a month; else the event table; else nil (detailed tables).
func (p *plan) cubeFor(m *catalog.Metric, s snapshot, w window) *cubeChoice {
	if p.series || !s.latest {
		return nil
	}
	meta := s.cubes
	if meta != nil && (meta.facts || !meta.asOf.Equal(s.date)) {
		meta = nil
	}
	need := map[string]bool{}
	months := p.grain != ""
	dims := append([]*catalog.Dimension{}, p.groupBy...)
	for _, f := range append(append([]typedFilter{}, p.filters...), p.subset...) {
		dims = append(dims, f.dim)
		if f.dim.Type == catalog.TypeMonths && f.dim.Column != "" {
			for _, c := range columnRef.FindAllStringSubmatch(onCube(p.source, f.dim.Column), -1) {
				need[c[1]] = true
			}
		}
	}
	ref := false
	for _, d := range dims {
		sql, _ := d.SQLFor(p.source)
		if strings.Contains(sql, "{date}") {
			months = true
		}
		if strings.Contains(sql, "{ref}") {
			ref = true // anzianita classes: a company's age, not in the cuboids
		}
		for _, c := range columnRef.FindAllStringSubmatch(onCube(p.source, sql), -1) {
			need[c[1]] = true
		}
	}
	if _, ok := cubeMeasures[m.Name]; !ok && m.Kind == catalog.KindFlow {
		if c := p.firstsOnCuboid(m, s, meta, w, need, ref); c != nil {
			return c // the first occurrences the cuboids count per period (distinct.go)
		}
		return p.distinctOnEvents(m, s, need) // no cuboid sums a distinct count
	}
	if m.Name == "contributi_beneficiari" && (months || need["id_bando"] || need["esito"] || p.metric.Kind == catalog.KindShare) {
		return nil // a company counted once per period: not per bando, not per time bucket
	}
	events := p.eventsFor(s, need)
	if m.Kind == catalog.KindGrowth && (meta == nil || meta.anomalies > 0) {
		// Registered at the start is opened minus closed before it: exact only if no company
		// closed before it was registered.
		if meta != nil || events == nil || events.anomalies > 0 {
			return nil
		}
	}
	firstOfMonth := func(t time.Time) bool { return t.Day() == 1 }
	lastOfMonth := func(t time.Time) bool { return t.AddDate(0, 0, 1).Day() == 1 }
	// By age: openings read it from a cuboid's month (the registration date, age.go); other
	// flows from the cuboids that keep the registration month (dt_iscrizione, 00056) when every
	// age boundary is a month's end, or the class of age at the snapshot (iscrizione_classe,
	// 00058) when every boundary is one of the classes'. The smallest cuboid wins.
	cubeNeed, cubeRef, ageCol := need, ref, ""
	var best *cuboid
	pick := func(n map[string]bool, col string) {
		if c := smallestCuboid(meta, n); c != nil && (best == nil || c.rows < best.rows) {
			best, cubeNeed, cubeRef, ageCol = c, n, false, col
		}
	}
	without := func(add string) map[string]bool {
		n := maps.Clone(need)
		delete(n, "dt_iscrizione")
		if add != "" {
			n[add] = true
		}
		return n
	}
	switch {
	case meta == nil:
	case !ref:
		pick(need, "")
	default:
		if p.ageOnMonths(s, meta.horizon) {
			if m.Name == "aperture" && p.source == "register" {
				pick(without(""), "mese") // an opening's month is its registration month
			}
			pick(need, "")
		}
		if p.ageOnClasses() {
			pick(without(classColumn), classColumn)
		}
	}
	if best != nil && (!w.from.IsZero() && w.from.Before(meta.horizon) || !w.to.IsZero() && w.to.Before(meta.horizon) ||
		months && w.from.IsZero() && meta.bucket) {
		best = nil // months before the horizon are one bucket
	}
	if best == nil && !cubeRef {
		// Months before the horizon one by one, or a start before it: the register's whole
		// history by month, along the few dimensions it keeps (migration 00055).
		if h, c := p.historyCuboid(m, s, cubeNeed); c != nil {
			meta, best = h, c
		}
	}
	if best == nil && m.Kind == catalog.KindGrowth && !ref {
		if c := p.growthOnTotals(s, w, need, events); c != nil {
			return c
		}
	}
	var edges []time.Time
	if best != nil && !w.from.IsZero() && !firstOfMonth(w.from) {
		edges = append(edges, monthStart(w.from))
	}
	if best != nil && !w.to.IsZero() && !lastOfMonth(w.to) && (len(edges) == 0 || !monthStart(w.to).Equal(edges[0])) {
		edges = append(edges, monthStart(w.to))
	}
	if best != nil && m.Kind == catalog.KindGrowth && meta == s.cubes && !ref {
		if c := p.growthSince(s, w, need, meta, best, edges, events); c != nil {
			return c
		}
	}
	if t := p.totalsCuboid(m, s, w, need, months || ref); t != nil && (best == nil || t.rows < best.rows) {
		return &cubeChoice{meta: s.totals, cuboid: t.id}
	}
	switch {
	case best != nil && len(edges) == 0:
		return &cubeChoice{meta: meta, cuboid: best.id, ageColumn: ageCol}
	case best != nil && events != nil:
		return &cubeChoice{meta: meta, cuboid: best.id, events: events, edges: edges, ageColumn: ageCol}
	case events != nil:
		return &cubeChoice{meta: events, events: events, direct: true}
	}
	return nil
}

func monthStart(t time.Time) time.Time {
	return time.Date(t.Year(), t.Month(), 1, 0, 0, 0, 0, time.UTC)
}

func covers(cols, need map[string]bool) bool {
	for c := range need {
		if !cols[c] {
			return false
		}
	}
	return true
}

// stockCuboid chooses the smallest roll-up of the stock aggregate that keeps every column the
// query uses (its dimensions, filters, subset and the metric's own condition).
func (p *plan) stockCuboid(m *catalog.Metric, s snapshot) (int, bool) {
	if s.stock == nil {
		return 0, false
	}
	return bestCuboid(s.stock, p.stockNeed(m))
}

// bestCuboid is the cuboid with fewest rows that keeps every needed column.
func bestCuboid(meta *cubeMeta, need map[string]bool) (int, bool) {
	if c := smallestCuboid(meta, need); c != nil {
		return c.id, true
	}
	return 0, false
}

// smallestCuboid is the cuboid of meta with fewest rows (the first of equals) that keeps every
// needed column; nil if none does.
func smallestCuboid(meta *cubeMeta, need map[string]bool) *cuboid {
	var best *cuboid
	for i, c := range meta.cuboids {
		if covers(c.cols, need) && (best == nil || c.rows < best.rows) {
			best = &meta.cuboids[i]
		}
	}
	return best
}

// stockNeed is the set of columns a stock query uses: its dimensions, filters, subset and the
// metric's own condition.
func (p *plan) stockNeed(m *catalog.Metric) map[string]bool {
	need := map[string]bool{}
	add := func(sql string) {
		for _, c := range columnRef.FindAllStringSubmatch(sql, -1) {
			need[c[1]] = true
		}
	}
	add(m.Where)
	for _, d := range p.groupBy {
		sql, _ := d.SQLFor(p.source)
		add(sql)
	}
	for _, f := range append(append([]typedFilter{}, p.filters...), p.subset...) {
		sql, _ := f.dim.SQLFor(p.source)
		add(sql)
		if f.dim.Type == catalog.TypeMonths {
			need["{age}"] = true // a company's age: in none of the stock cuboids
		}
	}
	for _, d := range p.groupBy {
		if d.Type == catalog.TypeMonths || d.Type == catalog.TypeTime && !p.constantDim(d) {
			need["{age}"] = true
		}
	}
	return need
}

// ageCuboid chooses a cuboid of the openings cube for a stock query on the latest snapshot
// that uses the company's age (anzianita): every company of the snapshot is one opening, by
// month of registration. That is exact when every age boundary the query compares with falls
// on the last day of a month after the horizon (a snapshot at a month's end, ranges in whole
// months or the classes in years); else nil.
func (p *plan) ageCuboid(m *catalog.Metric, s snapshot) *cubeChoice {
	meta := s.cubes
	if meta == nil || meta.facts || p.series || p.source != "register" || !s.latest || !meta.asOf.Equal(s.date) {
		return nil
	}
	need := map[string]bool{}
	add := func(sql string) {
		for _, c := range columnRef.FindAllStringSubmatch(sql, -1) {
			need[c[1]] = true
		}
	}
	usesAge := false
	add(m.Where)
	dims := append([]*catalog.Dimension{}, p.groupBy...)
	for _, f := range append(append([]typedFilter{}, p.filters...), p.subset...) {
		if f.dim.Type == catalog.TypeMonths && len(f.values) > 0 {
			if _, ranged := f.values[0].(int); ranged {
				usesAge = true // a range in months: no column but the registration date
				continue
			}
		}
		dims = append(dims, f.dim)
	}
	for _, d := range dims {
		sql, _ := d.SQLFor(p.source)
		if d.Type == catalog.TypeMonths {
			usesAge = true
			sql = strings.ReplaceAll(sql, "{ref}", "")
		}
		add(sql)
	}
	if !usesAge {
		return nil
	}
	// Every age boundary a month's end after the horizon (age.go).
	onMonths := p.ageOnMonths(s, meta.horizon)
	// The registration date is the cube's month, or, when every boundary is one of the
	// classes', the class of age the cuboids of 00058 keep: the smaller cuboid wins.
	var best *cuboid
	col := ""
	pick := func(n map[string]bool, c string) {
		if cb := smallestCuboid(meta, n); cb != nil && (best == nil || cb.rows < best.rows) {
			best, col = cb, c
		}
	}
	delete(need, "dt_iscrizione")
	if p.ageOnClasses() {
		classes := maps.Clone(need)
		classes[classColumn] = true
		pick(classes, classColumn) // first: on a tie (the same cuboid) the classes are read
	}
	if onMonths {
		pick(need, "mese")
	}
	if best == nil {
		return nil
	}
	return &cubeChoice{meta: meta, cuboid: best.id, ageColumn: col}
}

// pgMinusMonths is PostgreSQL's date - n months: the same day, or the last day of a shorter month.
func pgMinusMonths(t time.Time, n int) time.Time {
	first := time.Date(t.Year(), t.Month(), 1, 0, 0, 0, 0, time.UTC).AddDate(0, -n, 0)
	last := first.AddDate(0, 1, -1).Day()
	return first.AddDate(0, 0, min(t.Day(), last)-1)
}

// ageBoundaries are the numbers of months before the reference date that monthsSQL compares
// the registration date with.
func ageBoundaries(f typedFilter) []int {
	n := f.values[0].(int)
	switch f.op {
	case "<", ">=":
		return []int{n}
	case "<=", ">":
		return []int{n + 1}
	default: // between
		return []int{n, f.values[1].(int) + 1}
	}
}

// factsFor is the pre-joined grants table, for grant queries no cuboid answers.
func (p *plan) factsFor(m *catalog.Metric, s snapshot) *cubeChoice {
	meta := s.facts
	if meta == nil || p.series || !s.latest || !meta.asOf.Equal(s.date) || m.Kind != catalog.KindFlow {
		return nil
	}
	need := map[string]bool{}
	for _, d := range append(slices.Clone(p.groupBy), dimsOf(p)...) {
		sql, _ := d.SQLFor(p.source)
		for _, c := range columnRef.FindAllStringSubmatch(onCube(p.source, sql), -1) {
			need[c[1]] = true
		}
	}
	if !covers(meta.cuboids[0].cols, need) {
		return nil
	}
	return &cubeChoice{meta: meta, cuboid: meta.cuboids[0].id}
}

func dimsOf(p *plan) []*catalog.Dimension {
	var out []*catalog.Dimension
	for _, f := range append(slices.Clone(p.filters), p.subset...) {
		out = append(out, f.dim)
	}
	return out
}
