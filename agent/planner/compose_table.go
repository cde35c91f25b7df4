package planner

import (
	"fmt"
	"sort"
	"strings"

	"github.com/comune-bologna/conoscenza/agent/catalog"
	"github.com/comune-bologna/conoscenza/agent/semantic"
	"github.com/comune-bologna/conoscenza/agent/tool"
)

// tableView is a result table read by column role.
type tableView struct {
	t      tool.Table
	q      semantic.Query
	lang   string
	dims   []int // grouping columns (periodo included)
	col    map[string]int
	unit   string
	metric *catalog.Metric
}

func newView(t tool.Table, lang string) tableView {
	v := tableView{t: t, lang: lang, col: map[string]int{}, unit: t.Unit}
	if q, ok := t.Query.(semantic.Query); ok {
		v.q = q
	}
	for i, c := range t.Columns {
		v.col[c.Name] = i
	}
	timeDim := false
	for _, c := range t.Columns {
		timeDim = timeDim || isTimeDim(c.Name)
	}
	for i, c := range t.Columns {
		if c.Name == "valore" {
			break
		}
		if c.Name == "periodo" && timeDim {
			continue // the snapshot date beside "mese" or "anno" of a stock series: not a dimension
		}
		v.dims = append(v.dims, i)
	}
	v.metric, _ = catalog.Default().Metric(t.Metric)
	return v
}

func (v tableView) num(row []any, name string) (float64, bool) {
	i, ok := v.col[name]
	if !ok || i >= len(row) {
		return 0, false
	}
	return tool.Number(row[i])
}

func (v tableView) label(row []any) string {
	var parts []string
	for _, i := range v.dims {
		parts = append(parts, cellText(row[i], v.lang))
	}
	return strings.Join(parts, " – ")
}

func (v tableView) value(f float64) string { return formatValue(f, v.unit, v.lang) }

// when is a series row's period with its preposition: "a gennaio 2026", "nel 2025".
func (v tableView) when(row []any) string { return periodWhen(row[v.dims[0]], v.lang) }

// name is the metric's name in the answer's language, in lower case.
func (v tableView) name() string {
	if v.metric == nil {
		return v.t.Title
	}
	n := shortName(tr(v.lang, v.metric.IT, v.metric.EN))
	if v.q.Metric == "quota" && v.q.Base != "" && v.q.Base != "imprese_attive" {
		// a share of another whole says which: "Quota, base aperture (stato ATTIVA, nel 2024)"
		if b, ok := catalog.Default().Metric(v.q.Base); ok {
			n += ", base " + strings.ToLower(shortName(tr(v.lang, b.IT, b.EN)))
		}
	}
	return n
}

// shortName is a catalog name without its parenthesis: "Aperture (iscrizioni)" is "Aperture".
func shortName(n string) string {
	if i := strings.Index(n, " ("); i > 0 {
		return n[:i]
	}
	return n
}

// describeTable writes the lead sentence(s) of one result table.
func describeTable(t tool.Table, lang string) string {
	v := newView(t, lang)
	var b strings.Builder
	subject := v.name()
	if _, ok := t.Query.(semantic.Query); ok {
		subject = v.subject()
	}
	switch {
	case len(t.Rows) == 0 && len(v.dims) == 0 && v.countable():
		// A count over no rows is zero (the grounding check knows the table has 0 rows).
		b.WriteString(subject + ": " + v.value(0) + ".")
	case len(t.Rows) == 0:
		b.WriteString(tr(lang, subject+": non risultano dati per questa richiesta.", subject+": no data match this request."))
	case len(v.dims) == 0:
		b.WriteString(subject + ": " + v.single(t.Rows[0]) + ".")
	case v.isSeries():
		b.WriteString(v.series(subject))
	default:
		b.WriteString(v.ranking(subject))
	}
	b.WriteString(v.footer())
	return b.String()
}

// single describes a one-row result: the value, its parts, its comparison.
func (v tableView) single(row []any) string {
	val, ok := v.num(row, "valore")
	switch {
	case !ok && v.t.Suppressed == 0 && v.countable():
		// a sum over no matching rows comes back empty: nothing was counted
		return tr(v.lang, "zero (nessun caso corrisponde ai criteri)", "zero (nothing matches the criteria)")
	case !ok:
		return tr(v.lang, "dato oscurato per il segreto statistico", "value suppressed for statistical confidentiality")
	}
	s := v.value(val)
	// the parts of a balance or a rate come only without a comparison, whose table has
	// none: writing them anyway gave "0 aperture e 0 chiusure su 0 imprese"
	a, hasParts := v.num(row, "aperture")
	c, _ := v.num(row, "chiusure")
	switch {
	case v.t.Metric == "saldo" && hasParts:
		s = signed(val, 0, v.lang) + tr(v.lang, fmt.Sprintf(" (%s aperture, %s chiusure)", formatNumber(a, 0, v.lang), formatNumber(c, 0, v.lang)),
			fmt.Sprintf(" (%s openings, %s closures)", formatNumber(a, 0, v.lang), formatNumber(c, 0, v.lang)))
	case v.t.Metric == "saldo":
		s = signed(val, 0, v.lang)
	case v.t.Metric == "tasso_crescita" && hasParts:
		r, _ := v.num(row, "registrate_inizio")
		s += tr(v.lang, fmt.Sprintf(" (%s aperture e %s chiusure su %s imprese registrate a inizio periodo)", formatNumber(a, 0, v.lang), formatNumber(c, 0, v.lang), formatNumber(r, 0, v.lang)),
			fmt.Sprintf(" (%s openings and %s closures over %s companies registered at the start)", formatNumber(a, 0, v.lang), formatNumber(c, 0, v.lang), formatNumber(r, 0, v.lang)))
	case v.t.Metric == "quota":
		if n, ok := v.num(row, "numeratore"); ok {
			d, _ := v.num(row, "denominatore")
			s += tr(v.lang, fmt.Sprintf(" (%s su %s)", formatNumber(n, 0, v.lang), formatNumber(d, 0, v.lang)),
				fmt.Sprintf(" (%s out of %s)", formatNumber(n, 0, v.lang), formatNumber(d, 0, v.lang)))
		}
	}
	if prev, ok := v.num(row, "valore_confronto"); ok {
		s += v.comparison(row, prev)
	}
	return s
}

func (v tableView) comparison(row []any, prev float64) string {
	diff, _ := v.num(row, "variazione")
	against := tr(v.lang, "nello stesso periodo dell'anno precedente", "in the same period of the previous year")
	if v.q.CompareTo == "previous_period" {
		against = tr(v.lang, "nel periodo precedente", "in the previous period")
	}
	s := tr(v.lang, ", contro ", ", against ") + v.value(prev) + " " + against + " (" + signed(diff, 1, v.lang)
	if v.unit == "%" {
		// a change of a rate or a share is in points; its percent change ("-67,5%" of a
		// growth rate) reads as nonsense
		return s + tr(v.lang, " punti percentuali)", " percentage points)")
	}
	if pct, ok := v.num(row, "variazione_pct"); ok && prev > 0 {
		// a percent change from a balance of zero or below ("+9, contro -9 (+18, -200%)")
		// reads as nonsense: the change in units says it
		s += ", " + signed(pct, 1, v.lang) + "%"
	}
	return s + ")"
}

func (v tableView) isSeries() bool {
	if len(v.dims) != 1 {
		return false
	}
	name := v.t.Columns[v.dims[0]].Name
	return isTimeDim(name) || name == "periodo"
}

// series describes a time series: first and last period, the highest.
func (v tableView) series(subject string) string {
	rows := v.t.Rows
	first, last := rows[0], rows[len(rows)-1]
	fv, _ := v.num(first, "valore")
	lv, _ := v.num(last, "valore")
	best := first
	bv := fv
	for _, r := range rows {
		if x, ok := v.num(r, "valore"); ok && x > bv {
			best, bv = r, x
		}
	}
	// "Imprese attive, per mese: 8.788 a maggio 2026 e 8.822 a luglio 2026 (+34, +0,4%)"
	s := fmt.Sprintf("%s, %s %s: %s %s %s %s %s", subject, tr(v.lang, "per", "by"), v.dimName(),
		v.value(fv), v.when(first), tr(v.lang, "e", "and"), v.value(lv), v.when(last))
	if isStock(v.t.Metric) && v.unit != "%" && fv != 0 {
		// a stock between two snapshots: how much it changed ("sono in crescita rispetto a maggio?")
		s += " (" + signed(lv-fv, 0, v.lang) + ", " + signed(100*(lv-fv)/fv, 1, v.lang) + "%)"
	}
	if len(rows) > 2 {
		s += tr(v.lang, "; il valore più alto è ", "; the highest is ") + v.value(bv) + ", " + v.when(best)
	}
	if v.additive() {
		s += tr(v.lang, "; in totale "+v.value(v.total()), "; in total "+v.value(v.total()))
	}
	s += "."
	if len(rows) <= 12 {
		s += " " + tr(v.lang, "Dettaglio: ", "Detail: ") + v.list(rows, 12) + "."
	}
	return s
}

// ranking describes a breakdown: the top items by value (or the rows as asked for top-N).
func (v tableView) ranking(subject string) string {
	rows := make([][]any, 0, len(v.t.Rows))
	for _, r := range v.t.Rows {
		if _, ok := v.num(r, "valore"); ok {
			rows = append(rows, r)
		}
	}
	asc := v.q.Order != nil && strings.EqualFold(v.q.Order.Dir, "asc")
	sort.SliceStable(rows, func(i, j int) bool {
		a, _ := v.num(rows[i], "valore")
		b, _ := v.num(rows[j], "valore")
		// rows no place or sector was found for go last: they are not a quartiere that
		// ranks first or last
		if ua, ub := v.unattributed(rows[i]), v.unattributed(rows[j]); ua != ub {
			return ub
		}
		if asc {
			return a < b
		}
		return a > b
	})
	if len(rows) == 0 {
		return subject + tr(v.lang, ": tutti i valori sono oscurati per il segreto statistico.", ": every value is suppressed for statistical confidentiality.")
	}
	top := rows[0]
	tv, _ := v.num(top, "valore")
	dim := v.dimName()
	var s string
	switch {
	case v.q.Limit == 1:
		first := tr(v.lang, "il valore più alto è", "the highest is")
		if asc {
			first = tr(v.lang, "il valore più basso è", "the lowest is")
		}
		s = fmt.Sprintf("%s: %s %s (%s)", subject, first, v.label(top), v.value(tv))
	case asc:
		s = fmt.Sprintf("%s, %s: %s", subject, tr(v.lang, "valori più bassi per "+dim, "lowest by "+dim), v.list(rows, 10))
	default:
		s = fmt.Sprintf("%s, %s %s: %s", subject, tr(v.lang, "per", "by"), dim, v.list(rows, 10))
	}
	if v.additive() && v.q.Limit == 0 && len(rows) > 1 {
		total := v.total()
		s += tr(v.lang, "; in totale ", "; in total ") + v.value(total)
		if total != 0 && v.unit != "%" {
			s += tr(v.lang, "; il primo, "+v.label(top)+", vale il ", "; the first, "+v.label(top)+", is ") + formatNumber(100*tv/total, 1, v.lang) + tr(v.lang, "% del totale", "% of the total")
		}
	}
	return s + "."
}

// unattributed says whether a row's label is the compiler's "no value" ("non attribuito" for
// an address outside the street register, "n.d." for a missing code).
func (v tableView) unattributed(row []any) bool {
	for _, i := range v.dims {
		if s, ok := row[i].(string); ok && (s == unattributedPlace || s == "n.d.") {
			return true
		}
	}
	return false
}

// list writes up to n rows as "Navile 312, Savena 250 e altri 4".
func (v tableView) list(rows [][]any, n int) string {
	var items []string
	for i, r := range rows {
		if i == n {
			break
		}
		// "Navile (312)": a label ending in a number ("Navile 2", ATECO "47") must not run
		// into the value, or both read as one number.
		val, ok := v.num(r, "valore")
		item := v.label(r) + " ("
		if ok {
			item += v.value(val)
		} else {
			item += "n.d."
		}
		if a, ok := v.num(r, "aperture"); ok && v.t.Metric == "saldo" {
			// "aperture e chiusure per quartiere" is read as the balance: each row says both
			c, _ := v.num(r, "chiusure")
			item += tr(v.lang, ": "+formatNumber(a, 0, v.lang)+" aperture e "+formatNumber(c, 0, v.lang)+" chiusure",
				": "+formatNumber(a, 0, v.lang)+" openings and "+formatNumber(c, 0, v.lang)+" closures")
		}
		if prev, ok := v.num(r, "valore_confronto"); ok {
			if pct, ok := v.num(r, "variazione_pct"); ok {
				item += ", " + signed(pct, 1, v.lang) + tr(v.lang, "% rispetto a ", "% on ") + v.value(prev)
			}
		}
		items = append(items, item+")")
	}
	s := strings.Join(items, "; ")
	if len(rows) > len(items) {
		s += tr(v.lang, fmt.Sprintf(" (le altre nella tabella, %d righe in tutto)", len(v.t.Rows)), fmt.Sprintf(" (the rest in the table, %d rows in all)", len(v.t.Rows)))
	}
	return s
}

func (v tableView) dimName() string {
	var names []string
	for _, i := range v.dims {
		c := v.t.Columns[i]
		n := strings.ToLower(c.Label)
		if d, ok := catalog.Default().Dimension(c.Name); ok {
			n = lowerFirst(shortName(tr(v.lang, d.IT, d.EN)))
		}
		names = append(names, n)
	}
	return strings.Join(names, tr(v.lang, " e ", " and "))
}

// countable says whether the metric counts or sums, so that no rows means zero.
func (v tableView) countable() bool {
	return v.unit != "%" && v.t.Metric != "saldo" && v.q.CompareTo == "" && !isAverage(v.t.Metric)
}

// nonAdditive says whether the catalog's metric cannot be summed over rows (distinct
// companies, averages).
func nonAdditive(metric string) bool {
	m, ok := catalog.Default().Metric(metric)
	return ok && m.NonAdditive
}

// isAverage says whether the metric is an average (non-additive and not a count): no rows
// means no value, not zero.
func isAverage(metric string) bool {
	m, ok := catalog.Default().Metric(metric)
	return ok && m.NonAdditive && !strings.HasPrefix(m.Value, "count(")
}

// additive says whether the rows of the value column may be summed into a total.
func (v tableView) additive() bool {
	if v.unit == "%" || nonAdditive(v.t.Metric) || v.t.Metric == "saldo" {
		return false
	}
	if isStock(v.t.Metric) {
		// a stock summed over months or years counts each firm once per snapshot
		for _, i := range v.dims {
			if n := v.t.Columns[i].Name; isTimeDim(n) || n == "periodo" {
				return false
			}
		}
		return true
	}
	return true
}

func (v tableView) total() float64 {
	var s float64
	for _, r := range v.t.Rows {
		if x, ok := v.num(r, "valore"); ok {
			s += x
		}
	}
	return s
}

// footer says how current the data are and what is hidden.
func (v tableView) footer() string {
	var s string
	for i, src := range v.t.Sources {
		if src.AsOf == "" {
			continue
		}
		if i == 0 {
			desc := src.Description
			if c, ok := catalog.Default().Sources[src.Name]; ok && v.lang == "en" && c.EN != "" {
				desc = c.EN // the source's name in the answer's language, as the catalog gives it
			}
			s += tr(v.lang, " Fonte: ", " Source: ") + desc + tr(v.lang, ", dati al ", ", data as of ") + formatDate(src.AsOf, v.lang) + "."
		}
	}
	if r := v.t.Reconstructed; r != nil {
		s += " " + reconstructedSentence(r, v.lang)
	}
	if v.t.Suppressed > 0 {
		s += tr(v.lang, " Alcune celle sono oscurate per il segreto statistico (meno di 3 imprese).",
			" Some cells are suppressed for statistical confidentiality (fewer than 3 companies).")
	}
	return s
}

// reconstructedSentence says that a stock before the first snapshot was counted from the
// register's registration and closure dates, and what that count cannot know.
func reconstructedSentence(r *semantic.Reconstruction, lang string) string {
	day, missing, first := formatDate(r.Date, lang), formatDate(r.Missing, lang), formatDate(r.FirstSnapshot, lang)
	s := tr(lang, "Non ho un estratto del Registro al "+missing+" (il primo caricato è del "+first+"): il numero è ricostruito dalle date di iscrizione e di cessazione dell'ultimo estratto (iscritte entro il "+day+" meno cessate entro quella data), con il quartiere e le caratteristiche di oggi.",
		"I have no register extract at "+missing+" (the earliest loaded is of "+first+"): the figure is rebuilt from the latest extract's registration and closure dates (registered by "+day+" minus closed by then), with today's quartiere and attributes.")
	if r.From != "" {
		s = tr(lang, "Non ho estratti del Registro prima del "+first+": la serie è ricostruita dalle date di iscrizione e di cessazione dell'ultimo estratto (per ogni periodo, le iscritte entro la sua fine meno le cessate entro quella data), con il quartiere e le caratteristiche di oggi.",
			"I have no register extract before "+first+": the series is rebuilt from the latest extract's registration and closure dates (for each period, registered by its end minus closed by then), with today's quartiere and attributes.")
	}
	if r.ComparedWith != "" {
		s = tr(lang, "Non ho un estratto del Registro al "+missing+" (il primo caricato è del "+first+"): i numeri al "+day+" e al "+formatDate(r.ComparedWith, lang)+" sono ricostruiti allo stesso modo dalle date di iscrizione e di cessazione dell'ultimo estratto (iscritte entro la data meno cessate entro la data), con il quartiere e le caratteristiche di oggi.",
			"I have no register extract at "+missing+" (the earliest loaded is of "+first+"): the figures at "+day+" and "+formatDate(r.ComparedWith, lang)+" are rebuilt alike from the latest extract's registration and closure dates (registered by each date minus closed by then), with today's quartiere and attributes.")
	}
	if r.AskedMetric == "imprese_attive" {
		s += tr(lang, " Lo stato di allora non è noto: sono le imprese registrate (attive, inattive, sospese, in liquidazione).",
			" The state at that date is unknown: these are registered companies (active, inactive, suspended, in liquidation).")
	}
	if r.LowerBound {
		s += tr(lang, " L'estratto elenca le cessazioni dal "+formatDate(r.ClosuresFrom, lang)+": le imprese chiuse prima mancano, quindi è un minimo.",
			" The extract lists closures from "+formatDate(r.ClosuresFrom, lang)+" on: companies closed earlier are missing, so this is a lower bound.")
	}
	return s
}
