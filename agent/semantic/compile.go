package semantic

import (
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/comune-bologna/conoscenza/agent/catalog"
)

const maxRows = 5000

// snapshot is the register snapshot a query reads: the latest one reads the current table.
type snapshot struct {
	date    time.Time
	latest  bool
	cube    bool                 // the stock aggregate holds this snapshot
	cubes   *cubeMeta            // the event cube of the query's source, built from this snapshot
	stock   *cubeMeta            // the roll-ups of the stock aggregate, if they hold this snapshot
	facts   *cubeMeta            // the pre-joined grants, if built from this snapshot
	detail  *cubeMeta            // the snapshot by division, code, legal form and area, if current
	events  *cubeMeta            // the source's event table (one row per event), if current
	live    *cubeMeta            // the live companies (agg_imprese_vive), if current
	totals  *cubeMeta            // the source's month-less cuboids (flows with no period), if current
	history *cubeMeta            // the register's openings and closures by month since ever, if current
	metas   map[string]*cubeMeta // every current aggregate of this snapshot (readCubes), once read
	snaps   []time.Time          // every loaded snapshot, ascending (read for stock series only)
	// histFrom is, per stock cuboid, the earliest snapshot agg_stock_storia records it for
	// (read for stock series only).
	histFrom map[int]time.Time
}

// cubeDims are the dimensions the stock aggregate (agg_imprese_stock) keeps.
var cubeDims = map[string]bool{"quartiere": true, "zona": true, "sezione_ateco": true, "classe_forma": true,
	"femminile": true, "giovanile": true, "straniera": true, "artigiana": true, "stato": true,
	"classe_addetti": true, "comune": true}

// cubeEligible says whether a stock query can read the aggregate instead of the register.
func (p *plan) cubeEligible(s snapshot) bool {
	if !s.cube || p.series || p.source != "register" {
		return false
	}
	for _, d := range p.groupBy {
		if !cubeDims[d.Name] && !p.constantDim(d) {
			return false
		}
	}
	for _, f := range append(append([]typedFilter{}, p.filters...), p.subset...) {
		if !cubeDims[f.dim.Name] && !p.constantDim(f.dim) {
			return false
		}
	}
	return true
}

// window is a period [from, to]; zero bounds are open.
type window struct{ from, to time.Time }

type builder struct {
	params []any
}

func (b *builder) arg(v any) string {
	b.params = append(b.params, v)
	return "$" + strconv.Itoa(len(b.params))
}

func (b *builder) date(t time.Time) string { return b.arg(t.Format(time.DateOnly)) + "::date" }

// lazyDate allocates the parameter only if the statement uses it: an unused parameter has no
// type PostgreSQL can infer.
func (b *builder) lazyDate(t time.Time) func() string {
	ref := ""
	return func() string {
		if ref == "" {
			ref = b.date(t)
		}
		return ref
	}
}

// compiled is the statement and what the runner needs to present it.
type compiled struct {
	sql     string
	params  []any
	columns []Column
	values  []string // names of the columns that carry numbers (suppressed together)
}

// compile turns a validated plan into one parameterised statement. cur is the snapshot the
// query reads; prev the one the comparison reads (only for stock metrics with compare_to).
func compile(p *plan, cur, prev snapshot) compiled {
	b := &builder{}
	var c compiled
	for _, d := range p.groupBy {
		c.columns = append(c.columns, Column{Name: d.Name, Label: d.IT, Type: dimType(d)})
	}
	if p.hasPeriod() {
		c.columns = append(c.columns, Column{Name: "periodo", Label: "Periodo", Type: "date"})
	}
	if p.q.CompareTo == "" {
		sel, extras := p.selectFor(b, window{p.from, p.to}, cur, "")
		c.columns = append(c.columns, Column{Name: "valore", Label: p.metric.IT, Type: "number"})
		for _, e := range extras {
			c.columns = append(c.columns, Column{Name: e.name, Label: e.label, Type: "number"})
		}
		c.values = append([]string{"valore"}, extrasNames(extras)...)
		c.sql = "SELECT * FROM (" + sel + ") q" + p.orderAndLimit(b)
		c.params = b.params
		return c
	}

	prevWin, shift := p.comparisonWindow()
	if p.growthInOneScan(cur, prevWin) {
		return p.compileGrowthPair(b, c, cur, prevWin)
	}
	curSel, _ := p.selectFor(b, window{p.from, p.to}, cur, "")
	prevSel, _ := p.selectFor(b, prevWin, prev, shift)
	keys := make([]string, 0, len(p.groupBy)+1)
	for _, d := range p.groupBy {
		keys = append(keys, quote(d.Name))
	}
	if p.hasPeriod() {
		keys = append(keys, "periodo")
	}
	var sel []string
	on := []string{"true"}
	for _, k := range keys {
		sel = append(sel, fmt.Sprintf("COALESCE(cur.%s, prev.%s) AS %s", k, k, k))
		on = append(on, fmt.Sprintf("cur.%s = prev.%s", k, k))
	}
	curV, prevV := "cur.valore", "prev.valore"
	if k := p.effectiveKind(); p.metric.Kind != catalog.KindShare && (k == catalog.KindFlow || k == catalog.KindStock || k == catalog.KindBalance) {
		curV, prevV = "COALESCE(cur.valore, 0)", "COALESCE(prev.valore, 0)"
	}
	sel = append(sel,
		curV+" AS valore",
		prevV+" AS valore_confronto",
		fmt.Sprintf("%s - %s AS variazione", curV, prevV),
		fmt.Sprintf("round((100.0 * (%s - %s) / NULLIF(%s, 0))::numeric, 1)::float8 AS variazione_pct", curV, prevV, prevV),
		"LEAST(cur._n, prev._n) AS _n",
	)
	c = p.withComparisonColumns(c)
	c.sql = fmt.Sprintf("WITH cur AS (%s), prev AS (%s) SELECT * FROM (SELECT %s FROM cur FULL JOIN prev ON %s) q%s",
		curSel, prevSel, strings.Join(sel, ", "), strings.Join(on, " AND "), p.orderAndLimit(b))
	c.params = b.params
	return c
}

type extra struct{ name, label, sql string }

func extrasNames(ex []extra) []string {
	out := make([]string, len(ex))
	for i, e := range ex {
		out[i] = e.name
	}
	return out
}

func (p *plan) hasPeriod() bool { return p.grain != "" || p.series || p.pinned }

// seriesGrain is the grain of a series of snapshots: the time_grain, else the finest time
// dimension grouped by.
func (p *plan) seriesGrain() string {
	if p.grain != "" {
		return p.grain
	}
	g := "year"
	for _, d := range p.groupBy {
		switch d.Name {
		case "mese":
			g = "month"
		case "trimestre":
			if g != "month" {
				g = "quarter"
			}
		}
	}
	return g
}

// comparisonWindow is the period the query is compared with, and the interval that shifts
// the comparison's periods onto the current ones.
func (p *plan) comparisonWindow() (window, string) {
	if p.q.CompareTo == "previous_year" {
		w := window{}
		if !p.from.IsZero() {
			w.from = p.from.AddDate(-1, 0, 0)
		}
		if !p.to.IsZero() {
			w.to = p.to.AddDate(-1, 0, 0)
		}
		return w, "1 year"
	}
	if wholeMonths(p.from, p.to) {
		months := (p.to.Year()-p.from.Year())*12 + int(p.to.Month()-p.from.Month()) + 1
		from := p.from.AddDate(0, -months, 0)
		return window{from, p.from.AddDate(0, 0, -1)}, fmt.Sprintf("%d months", months)
	}
	days := int(p.to.Sub(p.from).Hours()/24) + 1
	return window{p.from.AddDate(0, 0, -days), p.from.AddDate(0, 0, -1)}, fmt.Sprintf("%d days", days)
}

// registerRel is the relation of register rows at a snapshot, for the register itself or for
// joining other sources to their company.
func registerRel(b *builder, s snapshot, joined bool) string {
	switch {
	case s.latest && joined:
		return "imprese"
	case s.latest:
		return "(SELECT * FROM imprese WHERE last_as_of = " + b.date(s.date) + ")"
	default:
		d := b.date(s.date)
		return "(SELECT * FROM imprese_storia WHERE valid_from <= " + d + " AND (valid_to IS NULL OR valid_to > " + d + "))"
	}
}

var sourceTables = map[string]struct{ table, alias, cf string }{
	"cig":        {"cig_domande", "c", "c.codice_fiscale"},
	"suap":       {"suap_pratiche", "s", "s.codice_fiscale"},
	"contributi": {"contributi", "g", "g.codice_fiscale"},
}

func fromClause(b *builder, source string, s snapshot) string {
	if source == "register" {
		return registerRel(b, s, false) + " i"
	}
	t := sourceTables[source]
	return fmt.Sprintf("%s %s LEFT JOIN %s i ON i.codice_fiscale = %s", t.table, t.alias, registerRel(b, s, true), t.cf)
}

// countOf is the aggregate that counts companies: count(*) on rows, sum(n) on the aggregate.
func countOf(n string) string {
	if strings.HasPrefix(n, "sum(i.n)") {
		return "sum(i.n)"
	}
	return "count(*)"
}

// numeric makes sums and ratios come back as float8 (numeric would need decoding), and
// counts over the aggregate as bigint.
func numeric(expr string) string {
	if strings.HasPrefix(expr, "count(") || strings.HasSuffix(expr, "::bigint") {
		return expr
	}
	if strings.HasPrefix(expr, "sum(i.n)") {
		return "COALESCE(" + expr + ", 0)::bigint" // no matching rows: zero companies, not NULL
	}
	return "(" + expr + ")::float8"
}

func (b *builder) periodCond(col string, w window) string {
	var c []string
	if !w.from.IsZero() {
		c = append(c, col+" >= "+b.date(w.from))
	}
	if !w.to.IsZero() {
		c = append(c, col+" <= "+b.date(w.to))
	}
	if len(c) == 0 {
		return col + " IS NOT NULL"
	}
	return strings.Join(c, " AND ")
}

func dimExpr(d *catalog.Dimension, source, date string, ref func() string) string {
	s, _ := d.SQLFor(source)
	if strings.Contains(s, "{date}") && date == "" {
		date = ref()
	}
	if strings.Contains(s, "{ref}") {
		s = strings.ReplaceAll(s, "{ref}", ref())
	}
	return strings.ReplaceAll(s, "{date}", date)
}

// timeKey is the group key of a time dimension (anno, trimestre, mese) on the date expression
// date: the start of its period as a timestamp. Grouping by it and computing the dimension's
// label from it gives the label's groups, while the label (to_char, EXTRACT) is computed once
// per group instead of on every row, and the date is truncated with no time zone (a date
// passed to date_trunc or to_char is otherwise converted to timestamptz, row by row); ok is
// false for other dimensions.
func timeKey(d *catalog.Dimension, source, date string, ref func() string) (string, bool) {
	unit, ok := timeUnits[d.Name]
	if s, _ := d.SQLFor(source); !ok || d.Type != catalog.TypeTime || !strings.Contains(s, "{date}") {
		return "", false
	}
	if date == "" {
		date = ref()
	}
	return fmt.Sprintf("date_trunc('%s', (%s)::timestamp)", unit, date), true
}

func (b *builder) filterSQL(f typedFilter, source, date string, ref func() string) string {
	if cond, ok := b.yearsOutside(f, source, date, ref); ok {
		return cond
	}
	cond := b.filterCond(f, source, date, ref)
	if lo, hi, ok := yearSpan(f); ok {
		// The same rows, and a range on the date that an index or a period's bounds can use:
		// the year's expression alone is evaluated on every row of the period.
		at := date
		if at == "" {
			at = ref()
		}
		cond = fmt.Sprintf("%s AND %s >= %s AND %s < %s", cond, at, b.date(time.Date(lo, 1, 1, 0, 0, 0, 0, time.UTC)),
			at, b.date(time.Date(hi+1, 1, 1, 0, 0, 0, 0, time.UTC)))
	}
	return cond
}

// yearsOutside is a filter on anno with != or not_in as ranges of the date, the same rows
// (a NULL date is kept by neither) without the year's expression on every row; ok is false
// for other filters.
func (b *builder) yearsOutside(f typedFilter, source, date string, ref func() string) (string, bool) {
	if f.dim.Name != "anno" || f.op != "!=" && f.op != "not_in" || len(f.values) == 0 {
		return "", false
	}
	if s, _ := f.dim.SQLFor(source); !strings.Contains(s, "{date}") {
		return "", false
	}
	if date == "" {
		date = ref()
	}
	var conds []string
	for _, v := range f.values {
		y, isInt := v.(int)
		if !isInt {
			return "", false
		}
		conds = append(conds, fmt.Sprintf("(%s < %s OR %s >= %s)", date, b.date(time.Date(y, 1, 1, 0, 0, 0, 0, time.UTC)),
			date, b.date(time.Date(y+1, 1, 1, 0, 0, 0, 0, time.UTC))))
	}
	return strings.Join(conds, " AND "), true
}

// yearSpan is the first and last year a filter on anno keeps (=, in, between); ok is false for
// the other operators and dimensions.
func yearSpan(f typedFilter) (lo, hi int, ok bool) {
	if f.dim.Name != "anno" || f.op != "=" && f.op != "in" && f.op != "between" || len(f.values) == 0 {
		return 0, 0, false
	}
	for i, v := range f.values {
		y, isInt := v.(int)
		if !isInt {
			return 0, 0, false
		}
		if i == 0 || y < lo {
			lo = y
		}
		if i == 0 || y > hi {
			hi = y
		}
	}
	return lo, hi, true
}

func (b *builder) filterCond(f typedFilter, source, date string, ref func() string) string {
	if f.dim.Type == catalog.TypeMonths && len(f.values) > 0 {
		if _, isInt := f.values[0].(int); isInt {
			return b.monthsSQL(f, ref())
		}
		if cond, ok := b.ageClassSQL(f, source, ref); ok {
			return cond
		}
	}
	expr := dimExpr(f.dim, source, date, ref) // before any other parameter: it may allocate the reference date's
	if f.dim.Type == catalog.TypePrefix {
		var ors []string
		for _, v := range f.values {
			a := b.arg(v)
			if code, _ := v.(string); len(code) >= 2 && code[len(code)-2] == '.' {
				// A group ("47.2") or a category ("56.10.1") ends in one digit: its members
				// continue that digit ("47.21.01").
				ors = append(ors, fmt.Sprintf("(%s LIKE %s || '%%')", expr, a))
				continue
			}
			ors = append(ors, fmt.Sprintf("(%s = %s OR %s LIKE %s || '.%%')", expr, a, expr, a))
		}
		cond := "(" + strings.Join(ors, " OR ") + ")"
		if f.op == "!=" || f.op == "not_in" {
			return "NOT " + cond
		}
		return cond
	}
	switch f.op {
	case "in":
		return fmt.Sprintf("%s = ANY(%s)", expr, b.arg(f.values))
	case "not_in":
		return fmt.Sprintf("%s <> ALL(%s)", expr, b.arg(f.values))
	case "!=":
		return fmt.Sprintf("%s <> %s", expr, b.arg(f.values[0]))
	case "between":
		return fmt.Sprintf("%s BETWEEN %s AND %s", expr, b.arg(f.values[0]), b.arg(f.values[1]))
	default:
		return fmt.Sprintf("%s %s %s", expr, f.op, b.arg(f.values[0]))
	}
}

// monthsSQL compiles an age range in months to comparisons of the registration date with the
// reference date: "less than N months" is "registered after ref minus N months".
func (b *builder) monthsSQL(f typedFilter, ref string) string {
	col := f.dim.Column
	before := func(n any) string { return fmt.Sprintf("(%s - make_interval(months => %s))", ref, b.arg(n)) }
	plus1 := func(n any) int { return n.(int) + 1 }
	switch f.op {
	case "<":
		return col + " > " + before(f.values[0])
	case "<=":
		return col + " > " + before(plus1(f.values[0]))
	case ">":
		return col + " <= " + before(plus1(f.values[0]))
	case ">=":
		return col + " <= " + before(f.values[0])
	default: // between low and high, inclusive
		return fmt.Sprintf("%s <= %s AND %s > %s", col, before(f.values[0]), col, before(plus1(f.values[1])))
	}
}

func (p *plan) orderAndLimit(b *builder) string {
	var order []string
	dir := func(def string) string {
		if p.q.Order != nil && p.q.Order.Dir != "" {
			return strings.ToUpper(p.q.Order.Dir)
		}
		return def
	}
	switch {
	case p.q.Order != nil:
		by := strings.ToLower(p.q.Order.By)
		if by == "value" || by == "valore" {
			order = append(order, "valore "+dir("DESC")+" NULLS LAST")
		} else {
			order = append(order, quote(by)+" "+dir("ASC"))
		}
	case p.q.Limit > 0 && !p.hasPeriod():
		order = append(order, "valore DESC NULLS LAST")
	}
	if p.hasPeriod() {
		order = append(order, "periodo")
	}
	for _, d := range p.groupBy {
		order = append(order, quote(d.Name))
	}
	sql := ""
	if len(order) > 0 {
		sql = " ORDER BY " + strings.Join(order, ", ")
	}
	limit := maxRows + 1
	if p.q.Limit > 0 {
		limit = p.q.Limit
	}
	return sql + " LIMIT " + b.arg(limit)
}

func quote(ident string) string { return `"` + strings.ReplaceAll(ident, `"`, `""`) + `"` }

func dimType(d *catalog.Dimension) string {
	switch d.Type {
	case catalog.TypeBool:
		return "bool"
	case catalog.TypeTime:
		if d.Name == "anno" {
			return "number"
		}
	}
	return "text"
}

func compareLabel(c string) string {
	if c == "previous_year" {
		return "Stesso periodo anno precedente"
	}
	return "Periodo precedente"
}

func (p *plan) hasStockDetail(m *catalog.Metric, s snapshot) bool {
	_, ok := p.stockDetailCuboid(m, s)
	return ok
}

// and joins two conditions, either of which may be empty.
func and(a, b string) string {
	switch {
	case a == "":
		return b
	case b == "":
		return a
	}
	return a + " AND " + b
}
