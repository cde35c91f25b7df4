package planner

import (
	"strings"
	"unicode"

	"github.com/comune-bologna/conoscenza/agent/catalog"
	"github.com/comune-bologna/conoscenza/agent/semantic"
	"github.com/comune-bologna/conoscenza/agent/tool"
)

// Present writes a result table's title, column labels and unit in the answer's language:
// a title that reads as a sentence ("Chiusure di imprese femminili per quartiere, dal 2020")
// instead of the executor's list of filters ("impresa femminile: sì"), and in English the
// labels and unit the semantic layer writes in Italian. Rows, SQL, parameters and sources are
// left as they are: what the table shows is still exactly what the query returned.
func Present(t *tool.Table, lang string) {
	if lang != "en" {
		lang = "it"
	}
	if _, ok := t.Query.(semantic.Query); ok && t.Metric != "" {
		if _, known := catalog.Default().Metric(t.Metric); known {
			t.Title = newView(*t, lang).title()
		}
	} else if lang == "en" {
		if en, ok := fixedTitles[t.Title]; ok {
			t.Title = en
		} else if strings.HasPrefix(t.Title, "Esito del bando ") {
			t.Title = "Outcome of call " + strings.TrimSuffix(strings.TrimPrefix(t.Title, "Esito del bando "), ": beneficiarie a confronto") + ": beneficiaries compared"
		}
	}
	if lang != "en" {
		return
	}
	v := newView(*t, lang)
	for i, c := range t.Columns {
		switch {
		case c.Name == "valore" && v.metric != nil:
			t.Columns[i].Label = shortName(v.metric.EN)
		case c.Name == "valore_confronto" && v.q.CompareTo == "previous_year":
			t.Columns[i].Label = "Same period a year earlier"
		case c.Name == "valore_confronto":
			t.Columns[i].Label = "Previous period"
		case columnLabelsEN[c.Name] != "":
			t.Columns[i].Label = columnLabelsEN[c.Name]
		default:
			if d, ok := catalog.Default().Dimension(c.Name); ok && d.EN != "" {
				t.Columns[i].Label = d.EN
			}
		}
	}
	if u, ok := unitsEN[t.Unit]; ok {
		t.Unit = u
	}
}

// fixedTitles are the English titles of the tables whose Italian title the executor writes
// as a constant (agent/tool).
var fixedTitles = map[string]string{
	"Interrogazione SQL":                        "SQL query",
	"Platea: imprese che rispondono ai criteri": "Population: companies matching the criteria",
	"Elenco delle imprese della platea":         "Companies in the population",
}

// columnLabelsEN name in English the columns the semantic layer adds beside the value.
var columnLabelsEN = map[string]string{
	"periodo": "Period", "aperture": "Openings", "chiusure": "Closures", "registrate_inizio": "Registered at the start",
	"variazione": "Change", "variazione_pct": "Change %", "numeratore": "Numerator", "denominatore": "Denominator",
}

// unitsEN are the catalog's units in English ("%" and "euro" read the same).
var unitsEN = map[string]string{"imprese": "companies", "domande": "requests", "ore": "hours", "lavoratori": "workers",
	"pratiche": "permits"}

// title is the table's query as a phrase: the metric, which firms, by what, where and when:
// "Chiusure di imprese femminili per quartiere, dal 2020".
func (v tableView) title() string {
	head, cond := v.phrase(true)
	if len(cond) == 0 {
		return head
	}
	return head + ", " + strings.Join(cond, ", ")
}

// subject is the lead of the answer's sentence: the metric and which firms, the other
// conditions in brackets ("Chiusure di imprese femminili (dal 2020): 1.234"), clearer than
// commas when there are several.
func (v tableView) subject() string {
	head, cond := v.phrase(false)
	if c := v.comparedWith(); c != "" && len(cond) > 0 && cond[len(cond)-1] == c {
		cond = cond[:len(cond)-1] // the sentence says what the value is compared with
	}
	switch {
	case len(cond) == 0:
		return head
	case strings.HasSuffix(head, ")"):
		// "Active companies (craft firms; district Savena)", not two brackets in a row
		return strings.TrimSuffix(head, ")") + "; " + strings.Join(cond, ", ") + ")"
	}
	return head + " (" + strings.Join(cond, ", ") + ")"
}

// phrase is the metric with the firms it counts (and the breakdown, if groups), and the
// other conditions of the query.
func (v tableView) phrase(groups bool) (string, []string) {
	name := v.name()
	var who, cond []string
	for _, f := range append(append([]semantic.Filter(nil), v.q.Filters...), v.q.Subset...) {
		if f.Op == "!=" && f.Value == unattributedPlace {
			continue
		}
		if a, ok := v.ageDates(f); ok {
			cond = append(cond, a)
			continue
		}
		s := filterText(f, v.lang)
		if kindOfFirm(f) && !strings.HasPrefix(s, tr(v.lang, "non ", "not ")) {
			who = append(who, s)
			continue
		}
		cond = append(cond, s)
	}
	if len(who) > 0 {
		name += v.firms(name, who)
	}
	if groups && len(v.q.GroupBy) > 0 {
		var ds []string
		for _, g := range v.q.GroupBy {
			n := g
			if d, ok := catalog.Default().Dimension(g); ok {
				n = lowerFirst(shortName(tr(v.lang, d.IT, d.EN)))
			}
			ds = append(ds, n)
		}
		name += tr(v.lang, " per ", " by ") + strings.Join(ds, tr(v.lang, " e ", " and "))
	}
	if v.stockAt() {
		cond = append(cond, tr(v.lang, "al ", "as of ")+formatDate(v.q.To, v.lang))
	} else if p := periodText(v.q.From, v.q.To, v.lang); p != "" {
		cond = append(cond, p)
	}
	if v.q.AsOf != "" {
		cond = append(cond, tr(v.lang, "situazione al ", "state as of ")+formatDate(v.q.AsOf, v.lang))
	}
	if c := v.comparedWith(); c != "" {
		cond = append(cond, c)
	}
	return name, cond
}

// comparedWith names the query's comparison, "" for none.
func (v tableView) comparedWith() string {
	switch v.q.CompareTo {
	case "previous_year":
		return tr(v.lang, "rispetto allo stesso periodo dell'anno precedente", "against the same period a year earlier")
	case "previous_period":
		return tr(v.lang, "rispetto al periodo precedente", "against the previous period")
	}
	return ""
}

// firms says which firms a title counts: "Imprese attive femminili", "Chiusure di imprese
// femminili e artigiane", "Closures of women-led firms".
func (v tableView) firms(name string, who []string) string {
	if v.lang == "en" {
		for i, w := range who {
			if !strings.HasSuffix(w, "firms") && !strings.HasSuffix(w, "s") {
				who[i] = w + " firms"
			}
		}
		if l := strings.ToLower(name); strings.Contains(l, "compan") {
			return " (" + strings.Join(who, ", ") + ")"
		}
		return " of " + strings.Join(who, " and ")
	}
	lower := strings.ToLower(name)
	if strings.HasPrefix(lower, "imprese") || strings.HasPrefix(lower, "quota") {
		// "Imprese attive femminili": the noun is already there
		for i, w := range who {
			who[i] = strings.TrimPrefix(w, "imprese ")
		}
		if strings.HasPrefix(lower, "quota") {
			return tr(v.lang, " di imprese ", "") + strings.Join(who, " e ")
		}
		return " " + strings.Join(who, " e ")
	}
	for i, w := range who[1:] {
		who[i+1] = strings.TrimPrefix(w, "imprese ")
	}
	return " di " + strings.Join(who, " e ")
}

// kindOfFirm says whether a filter names a kind of firm (women-led, craft, a legal form, a
// size) rather than a place or a sector: the title says "di imprese femminili".
func kindOfFirm(f semantic.Filter) bool {
	switch f.Dimension {
	case "femminile", "giovanile", "straniera", "artigiana", "classe_addetti":
		return f.Op == "" || f.Op == "=" || f.Op == "in"
	case "forma_giuridica":
		if f.Op != "" && f.Op != "=" && f.Op != "in" {
			return false
		}
		vals := f.Values
		if f.Value != nil {
			vals = append([]any{f.Value}, vals...)
		}
		for _, x := range vals {
			if s, ok := x.(string); !ok || formLabels[s] == [2]string{} {
				return false
			}
		}
		return len(vals) > 0
	}
	return false
}

// lowerFirst lowers a name's first letter unless its first word is an acronym ("Sezione
// ATECO" is "sezione ATECO"; "ATECO code" stays).
func lowerFirst(s string) string {
	w, _, _ := strings.Cut(s, " ")
	if len(w) > 1 && strings.ToUpper(w) == w {
		return s
	}
	r := []rune(s)
	if len(r) > 0 {
		r[0] = unicode.ToLower(r[0])
	}
	return string(r)
}
