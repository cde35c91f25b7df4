package planner

import (
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/comune-bologna/conoscenza/agent/catalog"
	"github.com/comune-bologna/conoscenza/agent/dossier"
	"github.com/comune-bologna/conoscenza/agent/semantic"
	"github.com/comune-bologna/conoscenza/agent/tool"
)

// scope describes the filters and the period of the table's query: " di imprese femminili a
// Navile, nel 2020".
func (v tableView) scope() string {
	var parts []string
	for _, f := range append(v.q.Filters, v.q.Subset...) {
		if f.Op == "!=" && f.Value == unattributedPlace {
			continue // a ranking's places are named ones: nothing to say
		}
		if a, ok := v.ageDates(f); ok {
			parts = append(parts, a)
			continue
		}
		parts = append(parts, filterText(f, v.lang))
	}
	if v.stockAt() {
		// a stock is counted at one date, not over a span: "(al 30/06/2026)"
		parts = append(parts, tr(v.lang, "al ", "as of ")+formatDate(v.q.To, v.lang))
	} else if p := periodText(v.q.From, v.q.To, v.lang); p != "" {
		parts = append(parts, p)
	}
	if len(parts) == 0 {
		return ""
	}
	return " (" + strings.Join(parts, ", ") + ")"
}

// ageDates writes an age range of the register's firms (anzianita, in months before the
// snapshot the query reads) with the registration dates it stands for: "iscritte dal
// 01/01/2021 (meno di 70 mesi prima del 31/10/2026)". A cohort read from a period ("nate dopo
// il 2020") is an age against the latest snapshot; the dates say exactly which firms were
// counted.
func (v tableView) ageDates(f semantic.Filter) (string, bool) {
	ref := v.t.AsOf
	if v.stockAt() {
		ref = v.q.To
	}
	r := parseDay(ref)
	if f.Dimension != "anzianita" || r.IsZero() || sourceOf(v.q.Metric) != "register" || v.q.CompareTo != "" || hasTime(v.q.GroupBy) {
		return "", false
	}
	n := func(x any) (int, bool) {
		switch k := x.(type) {
		case int:
			return k, true
		case float64:
			return int(k), k == float64(int(k))
		}
		return 0, false
	}
	date := func(months int, after bool) string {
		d := minusMonths(r, months)
		if after {
			d = d.AddDate(0, 0, 1)
		}
		return formatDate(dateString(d), v.lang)
	}
	at := formatDate(ref, v.lang)
	switch f.Op {
	case "<", "<=":
		k, ok := n(f.Value)
		if f.Op == "<=" {
			k++
		}
		if !ok {
			return "", false
		}
		return tr(v.lang, fmt.Sprintf("iscritte dal %s, cioè da meno di %v mesi al %s", date(k, true), f.Value, at),
			fmt.Sprintf("registered from %s, i.e. less than %v months before %s", date(k, true), f.Value, at)), true
	case ">", ">=":
		k, ok := n(f.Value)
		if f.Op == ">" {
			k++
		}
		if !ok {
			return "", false
		}
		return tr(v.lang, fmt.Sprintf("iscritte fino al %s, cioè da almeno %d mesi al %s", date(k, false), k, at),
			fmt.Sprintf("registered by %s, i.e. at least %d months before %s", date(k, false), k, at)), true
	case "between":
		if len(f.Values) != 2 {
			return "", false
		}
		lo, ok1 := n(f.Values[0])
		hi, ok2 := n(f.Values[1])
		if !ok1 || !ok2 {
			return "", false
		}
		// the bounds as the query compares them (the grounding check knows its parameters)
		return tr(v.lang, fmt.Sprintf("iscritte dal %s al %s, cioè da almeno %d e meno di %d mesi al %s", date(hi+1, true), date(lo, false), lo, hi+1, at),
			fmt.Sprintf("registered from %s to %s, i.e. at least %d and less than %d months before %s", date(hi+1, true), date(lo, false), lo, hi+1, at)), true
	}
	return "", false
}

// minusMonths is PostgreSQL's date - n months, as the semantic layer compares ages: the same
// day, or the last day of a shorter month.
func minusMonths(t time.Time, n int) time.Time {
	first := time.Date(t.Year(), t.Month(), 1, 0, 0, 0, 0, time.UTC).AddDate(0, -n, 0)
	last := first.AddDate(0, 1, -1).Day()
	return first.AddDate(0, 0, min(t.Day(), last)-1)
}

// stockAt says whether the query counts a stock at its end date (the semantic layer reads a
// stock at To; From says nothing for it).
func (v tableView) stockAt() bool {
	if v.q.To == "" || v.q.CompareTo != "" || hasTime(v.q.GroupBy) {
		return false
	}
	switch v.q.Metric {
	case "imprese_attive", "imprese_registrate":
		return true
	case "quota":
		return v.q.Base == "" || v.q.Base == "imprese_attive" || v.q.Base == "imprese_registrate"
	}
	return false
}

func filterText(f semantic.Filter, lang string) string {
	vals := f.Values
	if f.Value != nil {
		vals = append([]any{f.Value}, vals...)
	}
	var vs []string
	for _, x := range vals {
		vs = append(vs, cellText(x, lang))
	}
	val := strings.Join(vs, tr(lang, " o ", " or "))
	switch f.Dimension {
	case "femminile", "giovanile", "straniera", "artigiana":
		n := typeLabels[f.Dimension][0]
		if lang == "en" {
			n = typeLabels[f.Dimension][1]
		}
		if f.Value == false {
			return tr(lang, "non ", "not ") + n
		}
		return n
	case "classe_addetti":
		var ws []string
		for _, x := range vals {
			ws = append(ws, tr(lang, sizeWords[fmt.Sprint(x)][0], sizeWords[fmt.Sprint(x)][1]))
		}
		return tr(lang, "imprese ", "") + strings.Join(ws, tr(lang, " o ", " or ")) + tr(lang, "", " firms")
	case "anzianita":
		return tr(lang, "iscritte da ", "registered ") + opText(f.Op, lang) + " " + val + tr(lang, " mesi", " months")
	case "forma_giuridica":
		// "cooperative", not "forma giuridica SC": the register's codes mean nothing to a
		// reader
		var ws []string
		for _, x := range vals {
			l, ok := formLabels[fmt.Sprint(x)]
			if !ok || f.Op == "!=" || f.Op == "not_in" {
				ws = nil
				break
			}
			ws = append(ws, tr(lang, l[0], l[1]))
		}
		if ws != nil {
			return strings.Join(ws, tr(lang, " o ", " or "))
		}
	}
	name := f.Dimension
	if d, ok := catalog.Default().Dimension(f.Dimension); ok {
		name = lowerFirst(shortName(tr(lang, d.IT, d.EN)))
	}
	if f.Op == "!=" || f.Op == "not_in" {
		return name + tr(lang, " diverso da ", " other than ") + val
	}
	return name + " " + val
}

// formLabels name the register's legal-form codes (N-G) for answers.
var formLabels = map[string][2]string{
	"DI": {"imprese individuali", "sole proprietorships"}, "SR": {"srl", "limited companies"},
	"SU": {"srl unipersonali", "single-member limited companies"}, "RS": {"srl semplificate", "simplified limited companies"},
	"SP": {"spa", "joint-stock companies"}, "SN": {"snc", "general partnerships"}, "AS": {"sas", "limited partnerships"},
	"SS": {"società semplici", "simple partnerships"}, "SC": {"cooperative", "cooperatives"}, "CO": {"consorzi", "consortia"},
}

// sizeWords name the size classes in words (the grounding check would read "250+" as a
// quantity to verify).
var sizeWords = map[string][2]string{"0": {"senza addetti", "no-employee"}, "1-9": {"micro", "micro"},
	"10-49": {"piccole", "small"}, "50-249": {"medie", "medium"}, "250+": {"grandi", "large"}, "n.d.": {"di dimensione ignota", "unknown-size"}}

var typeLabels = map[string][2]string{"femminile": {"imprese femminili", "women-led"}, "giovanile": {"imprese giovanili", "youth-led"},
	"straniera": {"imprese straniere", "foreign-led"}, "artigiana": {"imprese artigiane", "craft firms"}}

func opText(op, lang string) string {
	switch op {
	case "<", "<=":
		return tr(lang, "meno di", "less than")
	case ">", ">=":
		return tr(lang, "più di", "more than")
	}
	return op
}

// periodText writes a period in words: "nel 2020", "dal 2020", "a marzo 2026", "nel primo
// trimestre 2025", "da aprile a ottobre 2026", "dal 09/03/2020 al 18/05/2020" (English "in
// 2020", "since 2020", "in March 2026", "in Q1 2025"). Every digit it writes is of the
// query's dates, which the grounding check knows; a quarter's number is a word for that reason.
func periodText(from, to, lang string) string {
	f, t := parseDay(from), parseDay(to)
	switch {
	case from != "" && to != "" && isYear(period{from: f, to: t}):
		return tr(lang, "nel ", "in ") + fmt.Sprint(f.Year())
	case from != "" && to != "" && isYears(period{from: f, to: t}):
		return tr(lang, fmt.Sprintf("dal %d al %d", f.Year(), t.Year()), fmt.Sprintf("from %d to %d", f.Year(), t.Year()))
	case from != "" && to != "" && f.Day() == 1 && !t.IsZero() && monthEnd(t) && !t.Before(f):
		return monthsText(f, t, lang)
	case from != "" && to != "":
		return tr(lang, "dal "+formatDate(from, lang)+" al "+formatDate(to, lang), "from "+formatDate(from, lang)+" to "+formatDate(to, lang))
	case from != "" && f.Month() == 1 && f.Day() == 1:
		return tr(lang, "dal ", "since ") + fmt.Sprint(f.Year())
	case from != "" && f.Day() == 1:
		return tr(lang, "da ", "since ") + monthName(f.Month(), lang) + " " + fmt.Sprint(f.Year())
	case from != "":
		return tr(lang, "dal ", "since ") + formatDate(from, lang)
	case to != "":
		return tr(lang, "fino al ", "until ") + formatDate(to, lang)
	}
	return ""
}

var quarterWords = [4]string{"primo", "secondo", "terzo", "quarto"}

// monthsText writes whole months from f's to t's: one month, a quarter, or a span.
func monthsText(f, t time.Time, lang string) string {
	y1, y2 := fmt.Sprint(f.Year()), fmt.Sprint(t.Year())
	switch {
	case f.Year() == t.Year() && f.Month() == t.Month():
		return tr(lang, "a ", "in ") + monthName(f.Month(), lang) + " " + y1
	case f.Year() == t.Year() && (f.Month()-1)%3 == 0 && t.Month() == f.Month()+2:
		q := int(f.Month()-1) / 3
		return tr(lang, "nel "+quarterWords[q]+" trimestre "+y1, fmt.Sprintf("in Q%d %s", q+1, y1))
	case f.Year() == t.Year():
		return tr(lang, "da ", "from ") + monthName(f.Month(), lang) + tr(lang, " a ", " to ") + monthName(t.Month(), lang) + " " + y1
	}
	return tr(lang, "da ", "from ") + monthName(f.Month(), lang) + " " + y1 + tr(lang, " a ", " to ") + monthName(t.Month(), lang) + " " + y2
}

// describePlatea writes the size of a call's population and its main breakdowns.
func describePlatea(tables []tool.Table, lang string) string {
	if len(tables) == 0 || len(tables[0].Rows) == 0 {
		return tr(lang, "Nessuna impresa risponde ai criteri.", "No company matches the criteria.")
	}
	total := newView(tables[0], lang)
	n, _ := total.num(tables[0].Rows[0], "valore")
	s := tr(lang, "Le imprese che rispondono ai criteri", "Companies matching the criteria") + total.scope() +
		tr(lang, " sono ", " number ") + formatNumber(n, 0, lang) + "."
	for _, t := range tables[1:] {
		v := newView(t, lang)
		if t.Metric == "elenco" {
			s += tr(lang, fmt.Sprintf(" L'elenco delle %d imprese è nella tabella.", len(t.Rows)), fmt.Sprintf(" The list of %d companies is in the table.", len(t.Rows)))
			continue
		}
		if len(v.dims) == 0 || len(t.Rows) == 0 {
			continue
		}
		rows := t.Rows
		if len(rows) > 3 {
			rows = topRows(v, rows, 3)
		}
		s += " " + tr(lang, "Per ", "By ") + v.dimName() + ": " + v.list(rows, 3) + "."
	}
	return s + total.footer()
}

func topRows(v tableView, rows [][]any, n int) [][]any {
	sorted := append([][]any(nil), rows...)
	for i := range sorted {
		for j := i + 1; j < len(sorted); j++ {
			a, _ := v.num(sorted[i], "valore")
			b, _ := v.num(sorted[j], "valore")
			if b > a {
				sorted[i], sorted[j] = sorted[j], sorted[i]
			}
		}
	}
	return sorted[:min(n, len(sorted))]
}

// describeOutcome compares a call's beneficiaries with the applicants it did not fund and with
// similar firms.
func describeOutcome(r tool.Result, lang string) string {
	if len(r.Tables) == 0 {
		return ""
	}
	t := r.Tables[0]
	v := newView(t, lang)
	groups := map[string][]any{}
	for _, row := range t.Rows {
		groups[fmt.Sprint(row[0])] = row
	}
	ben, ok := groups["beneficiarie"]
	if !ok {
		return ""
	}
	bando := ""
	var a struct{ Bando string }
	if json.Unmarshal(r.Call.Arguments, &a) == nil {
		bando = a.Bando
	}
	nb, _ := v.num(ben, "imprese")
	att, _ := v.num(ben, "quota_ancora_attive")
	cig, _ := v.num(ben, "quota_con_cig_dopo")
	s := tr(lang, fmt.Sprintf("Delle %s imprese beneficiarie del bando %s, il %s%% è ancora attivo e il %s%% ha chiesto la cassa integrazione dopo il contributo",
		formatNumber(nb, 0, lang), bando, formatNumber(att, 1, lang), formatNumber(cig, 1, lang)),
		fmt.Sprintf("Of the %s companies funded by call %s, %s%% are still active and %s%% asked for wage supplementation after the grant",
			formatNumber(nb, 0, lang), bando, formatNumber(att, 1, lang), formatNumber(cig, 1, lang)))
	// the outcome's "non ammesse" group is every applicant not awarded (CONCESSO), revoked and
	// withdrawn included: its Italian name says so
	for _, g := range []struct{ key, it, en string }{{"non ammesse", "le richiedenti non finanziate (non ammesse, revocate o rinunciatarie)", "applicants not funded"}, {"simili non beneficiarie", "imprese simili non beneficiarie", "similar companies not funded"}} {
		row, ok := groups[g.key]
		if !ok {
			continue
		}
		x, okA := v.num(row, "quota_ancora_attive")
		y, okC := v.num(row, "quota_con_cig_dopo")
		n, _ := v.num(row, "imprese")
		if !okA || !okC {
			continue
		}
		s += tr(lang, fmt.Sprintf("; tra %s (%s) le quote sono %s%% e %s%%", g.it, formatNumber(n, 0, lang), formatNumber(x, 1, lang), formatNumber(y, 1, lang)),
			fmt.Sprintf("; among %s (%s) the shares are %s%% and %s%%", g.en, formatNumber(n, 0, lang), formatNumber(x, 1, lang), formatNumber(y, 1, lang)))
	}
	return s + tr(lang, ". Il confronto con le imprese simili è standardizzato per settore e forma giuridica; non dimostra da solo un effetto causale del contributo.",
		". The comparison with similar companies is standardised on sector and legal form; on its own it does not prove the grant caused the difference.")
}

// describeDossier summarises one company, or the candidates of a name search.
func describeDossier(r tool.Result, lang string) string {
	d, ok := r.Dossier.(*dossier.Dossier)
	if !ok || d == nil {
		var c struct {
			Candidati []dossier.Candidate `json:"candidati"`
		}
		if json.Unmarshal([]byte(r.Content), &c) == nil {
			if len(c.Candidati) == 0 {
				return tr(lang, "Non ho trovato imprese con quel nome.", "I found no company with that name.")
			}
			var names []string
			for _, x := range c.Candidati {
				names = append(names, x.Denominazione+" ("+x.CodiceFiscale+", "+x.Stato+")")
			}
			return tr(lang, "Più imprese corrispondono al nome: ", "Several companies match the name: ") + strings.Join(names, "; ") +
				tr(lang, ". Indichi il codice fiscale per aprire il fascicolo.", ". Give the tax code to open the dossier.")
		}
		return ""
	}
	i := d.Impresa
	s := fmt.Sprintf("%s (%s): %s, %s, %s %s, %s %s", i.Denominazione, i.CodiceFiscale, strings.ToLower(i.Stato), i.ClasseForma,
		tr(lang, "sede in", "seat at"), i.Indirizzo, tr(lang, "quartiere", "district"), i.Quartiere)
	if i.Ateco != "" {
		s += ", ATECO " + i.Ateco
		if i.Settore != "" {
			s += " (" + i.Settore + ")"
		}
	}
	s += tr(lang, ", iscritta il ", ", registered on ") + formatDate(i.Iscrizione, lang)
	if i.Cessazione != nil {
		s += tr(lang, ", cessata il ", ", closed on ") + formatDate(*i.Cessazione, lang)
	}
	// a list that is empty is written in words: "0" is no number of the dossier the grounding
	// check could find, and "nessuna" says it better
	count := func(n int, noneIt string) string {
		if n == 0 {
			return tr(lang, noneIt, "none")
		}
		return strconv.Itoa(n)
	}
	s += fmt.Sprintf(tr(lang, ". Eventi: %s; domande CIG: %s; pratiche SUAP: %s; contributi: %s.", ". Events: %s; CIG requests: %s; SUAP permits: %s; grants: %s."),
		count(len(d.Eventi), "nessuno"), count(len(d.CIG), "nessuna"), count(len(d.SUAP), "nessuna"), count(len(d.Contributi), "nessuno"))
	return s
}

// describeCitations quotes the passages found, with their [D1] references.
func describeCitations(cs []tool.Citation, lang string) string {
	if len(cs) == 0 {
		return tr(lang, "Non ho trovato passaggi pertinenti nei documenti del Comune.", "I found no relevant passage in the city's documents.")
	}
	var b strings.Builder
	b.WriteString(tr(lang, "Dai documenti del Comune:", "From the city's documents:"))
	for i, c := range cs {
		if i == 3 {
			break
		}
		where := c.Title
		// the section path often starts with the document's own title
		if sec := strings.TrimPrefix(strings.TrimPrefix(c.Section, c.Title), " › "); sec != "" {
			where += ", " + sec
		}
		fmt.Fprintf(&b, "\n- «%s» (%s) [%s]", trimQuote(c.Quote, 320), where, c.ID)
	}
	if len(cs) > 3 {
		var more []string
		for _, c := range cs[3:] {
			more = append(more, "["+c.ID+"]")
		}
		b.WriteString(tr(lang, "\nAltri passaggi: ", "\nMore passages: ") + strings.Join(more, " "))
	}
	return b.String()
}

// trimQuote shortens a quote at a space, so that no number is cut in two.
func trimQuote(s string, n int) string {
	s = strings.Join(strings.Fields(s), " ")
	if len(s) <= n {
		return s
	}
	cut := strings.LastIndex(s[:n], " ")
	if cut < 0 {
		cut = n
	}
	return s[:cut] + " …"
}

func describeCatalog(lang string) string {
	cat := catalog.Default()
	var ms []string
	for _, m := range cat.Metrics {
		ms = append(ms, strings.ToLower(tr(lang, m.IT, m.EN)))
	}
	var ds []string
	for _, d := range cat.Dimensions {
		ds = append(ds, strings.ToLower(tr(lang, d.IT, d.EN)))
	}
	return tr(lang, "Metriche disponibili: ", "Available metrics: ") + strings.Join(ms, "; ") + ". " +
		tr(lang, "Si possono filtrare e ripartire per: ", "They can be filtered and broken down by: ") + strings.Join(ds, ", ") + ". " +
		tr(lang, "Posso anche cercare nei documenti del Comune, calcolare la platea di un bando, confrontare gli esiti di un bando passato e aprire il fascicolo di un'impresa (ruoli autorizzati).",
			"I can also search the city's documents, size the population of a call, compare the outcome of a past call and open a company dossier (authorised roles).")
}
