package planner

import (
	"encoding/json"
	"slices"
	"strings"
	"time"

	"github.com/comune-bologna/conoscenza/agent/semantic"
	"github.com/comune-bologna/conoscenza/agent/tool"
)

// The reading check: after a question is read into a plan, what the question names is set
// against what the plan's queries use. A metric word of another source ("poi hanno chiuso" in
// a question answered with CIG requests), a filter value the plan does not filter or group by
// ("commercio" in a question whose query has no sector), or a call's subject the planner did
// not link to a call ("il contributo per la digitalizzazione") would otherwise be dropped in
// silence, and the number read as the answer to a question it does not answer. The note
// names what was left out; it writes no number (the grounding check reads every number).

// metricFamily is a kind of figure the question may name: the planner's own words for it and
// the metrics (or dimensions) that, in a plan, count as having used it.
type metricFamily struct {
	words   []string
	metrics []string // metric names, or prefixes ending in "_"
	dims    []string // a dimension that reads the same words (the SUAP's opening permits)
	it, en  string
}

var metricFamilies = []metricFamily{
	{closeWords, []string{"chiusure", "saldo", "tasso_crescita"}, []string{"tipo_pratica", "stato"}, "le chiusure", "closures"},
	// "imprese attive nate nel 2023": the firms' age, read from the year they opened
	{openWords, []string{"aperture", "saldo", "tasso_crescita"}, []string{"tipo_pratica", "anzianita"}, "le aperture", "openings"},
	{cigWords, []string{"cig_"}, nil, "la cassa integrazione", "wage supplementation (CIG)"},
	{suapWords, []string{"suap_"}, nil, "le pratiche SUAP", "SUAP permits"},
	{grantWords, []string{"contributi_"}, []string{"bando"}, "i contributi", "grants"},
}

// valueFamily maps a filter dimension to the family of dimensions that answer for it: a
// sector named is used by a query on the section, the division or the class.
func valueFamily(dim string) string {
	switch dim {
	case "sezione_ateco", "divisione_ateco", "ateco", "settore_suap":
		return "settore"
	case "forma_giuridica", "classe_forma":
		return "forma"
	case "quartiere", "zona", "area_statistica", "comune":
		return "luogo"
	}
	return dim
}

// callNouns name a call or grant; the content word after them is the call's subject.
var callNouns = []string{"bando", "bandi", "contributo", "contributi", "voucher", "grant", "grants", "call", "avviso", "misura", "finanziamento", "finanziamenti"}

// linkWords may stand between a call noun and its subject.
var linkWords = map[string]bool{"per": true, "la": true, "il": true, "lo": true, "le": true, "i": true, "gli": true, "l": true,
	"di": true, "del": true, "della": true, "dello": true, "dei": true, "delle": true, "degli": true, "a": true, "al": true,
	"alla": true, "sul": true, "sulla": true, "sui": true, "sulle": true, "for": true, "the": true, "of": true, "on": true,
	"a favore": true, "dedicato": true, "dedicati": true, "sostegno": true, "support": true}

// readNote returns the note for a plan that leaves out part of its question, or "".
func readNote(question string, prev *State, pl Plan, now time.Time) string {
	if pl.Reply != "" || pl.Intent != IntentMetric {
		return ""
	}
	t := newText(question)
	if prev != nil && isFollowUp(t) {
		// a follow-up inherits what it does not name: its words are read against the
		// previous query, not this check
		return ""
	}
	var qs []semantic.Query
	for _, c := range pl.Calls {
		if c.Name != tool.QueryMetrics {
			continue
		}
		var q semantic.Query
		if json.Unmarshal(c.Arguments, &q) == nil {
			qs = append(qs, q)
		}
	}
	if len(qs) == 0 {
		return ""
	}
	metrics, families := map[string]bool{}, map[string]bool{}
	bandos := []string{}
	useDim := func(d string) { families[valueFamily(d)] = true; families[d] = true }
	for _, q := range qs {
		metrics[q.Metric] = true
		if q.Base != "" {
			metrics[q.Base] = true
		}
		for _, f := range slices.Concat(q.Filters, q.Subset) {
			useDim(f.Dimension)
			if f.Dimension == "bando" {
				if s, ok := f.Value.(string); ok {
					bandos = append(bandos, s)
				}
				for _, v := range f.Values {
					if s, ok := v.(string); ok {
						bandos = append(bandos, s)
					}
				}
			}
		}
		for _, g := range q.GroupBy {
			useDim(g)
		}
	}
	// the words the planner's own reading spends on the period ("durante il covid", "dal
	// 2020") and on the filters of the plan's source ("iscritte alla Camera di Commercio" is
	// the register, not the trade sector) are read: what is left is checked
	t.comparison()
	t.period(now)
	// the filters' reading runs on a copy: a value it read and the plan then dropped is
	// still named, a word it spent on something else ("Camera di Commercio") is not
	c := &text{raw: t.raw, tokens: slices.Clone(t.tokens), read: t.read}
	readFams := map[string]bool{}
	for _, f := range c.readFilters(sourceOf(qs[0].Metric)) {
		readFams[valueFamily(f.Dimension)] = true
	}
	spentElsewhere := func(i, n int, dim string) bool {
		for k := i; k < i+n; k++ {
			if c.tokens[k] == "" && !readFams[valueFamily(dim)] {
				return true
			}
		}
		return false
	}
	// a call the plan filters on owns the words of its name ("il bando per le imprese
	// femminili" is no filter on women-led firms)
	for _, a := range currentCalls().aliases {
		if slices.Contains(bandos, a.id) {
			for _, g := range a.words {
				for _, w := range g {
					for t.take(w) {
						c.take(w)
					}
				}
			}
		}
	}
	var it, en []string
	// values: each list in the planner's order, longest phrases consumed first
	lists := [][]valueWords{sectorWords, formWords, typeWords, withDataValues(cigTypeWords), stateWords}
	if metrics["suap_pratiche"] {
		lists = append([][]valueWords{withDataValues(suapSectorWords)}, lists...)
		lists = append(lists, suapSectorWords) // the phrases of values the loaded data lack
	}
	lists = append(lists, cigTypeWords)
	var placeList []valueWords
	for _, p := range places {
		placeList = append(placeList, valueWords{p.dim, p.value, p.words})
	}
	lists = append(lists, placeList)
	for _, l := range lists {
		for _, v := range l {
			for _, w := range v.words {
				i := t.find(w, 0)
				if i < 0 {
					continue
				}
				n := len(strings.Fields(w))
				t.consume(i, n)
				if families[valueFamily(v.dim)] || hasDigit(w) || spentElsewhere(i, n, v.dim) {
					continue
				}
				q := "«" + w + "»"
				if !slices.Contains(it, q) {
					it, en = append(it, q), append(en, q)
				}
			}
		}
	}
	// metrics: a family named whose metrics the plan does not use
	for _, f := range metricFamilies {
		if !t.has(f.words...) || slices.ContainsFunc(f.dims, func(d string) bool { return families[d] }) {
			continue
		}
		used := false
		for m := range metrics {
			for _, w := range f.metrics {
				if m == w || strings.HasSuffix(w, "_") && strings.HasPrefix(m, w) {
					used = true
				}
			}
		}
		if !used {
			it, en = append(it, f.it), append(en, f.en)
		}
	}
	note := ""
	if len(it) > 0 {
		note = tr(pl.Lang, "Nota: la domanda nomina anche "+joinAnd(it, "e")+", che questa risposta non considera.",
			"Note: the question also names "+joinAnd(en, "and")+", which this answer does not take into account.")
	}
	if w := unlinkedCall(t, c, readFams["bando"], metrics, families); w != "" {
		if note != "" {
			note += " "
		}
		note += tr(pl.Lang, "Nota: la domanda nomina anche «"+w+"», che non ho collegato a un bando: la risposta riguarda tutti i bandi.",
			"Note: the question also names «"+w+"», which I did not link to a call: the answer covers all calls.")
	}
	return note
}

// unlinkedCall returns the subject of a call the question names ("il contributo per la
// digitalizzazione") when the plan counts grants over no call and the subject is a word the
// planner does not know.
//
// t is the question less its period, c the same less what the filters read: a word the filters
// read as something else ("ricerca e sviluppo", a division) is no call's subject, a word they
// read as a call the plan then dropped (readBando) is.
func unlinkedCall(t, c *text, readBando bool, metrics, families map[string]bool) string {
	grants := false
	for m := range metrics {
		grants = grants || strings.HasPrefix(m, "contributi_")
	}
	if !grants || families["bando"] {
		return ""
	}
	for i, tok := range t.tokens {
		// "contributi concessi alle imprese del Pilastro per la riqualificazione": in a
		// question on grants, what they were "for" is a call's subject too
		purpose := tok == "per" || tok == "for"
		if !purpose && !slices.Contains(callNouns, tok) {
			continue
		}
		linked := purpose
		for j := i + 1; j < len(t.tokens) && j <= i+4; j++ {
			w := t.tokens[j]
			if w == "" {
				break
			}
			if linkWords[w] {
				linked = true
				continue
			}
			// the subject follows a preposition ("il contributo per la digitalizzazione"),
			// an adjective does not ("contributo medio", "contributi comunali")
			if c.tokens[j] == "" {
				if linked && readBando && !hasDigit(w) {
					return w
				}
				break
			}
			if linked && len(w) >= 5 && !vocabulary[w] && !keepAsIs[w] && !hasDigit(w) {
				return w
			}
			break
		}
	}
	return ""
}

func hasDigit(s string) bool { return strings.ContainsAny(s, "0123456789") }

// joinAnd joins items as "a, b e c".
func joinAnd(items []string, and string) string {
	if len(items) == 1 {
		return items[0]
	}
	return strings.Join(items[:len(items)-1], ", ") + " " + and + " " + items[len(items)-1]
}
