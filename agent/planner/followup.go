package planner

import (
	"slices"
	"time"

	"github.com/comune-bologna/conoscenza/agent/semantic"
	"github.com/comune-bologna/conoscenza/agent/tool"
)

var followLead = map[string]bool{"e": true, "ed": true, "and": true, "invece": true, "solo": true, "soltanto": true,
	"only": true, "anche": true, "what": true, "how": true, "mentre": true, "ora": true, "adesso": true, "now": true,
	"stessa": true, "stesso": true, "same": true}

// isFollowUp says whether a question continues the previous one ("e quelle giovanili?", "and
// in Savena?", "solo quelle in deroga"): it opens with a joining word, or is a bare fragment.
func isFollowUp(t *text) bool {
	if len(t.tokens) == 0 {
		return false
	}
	if t.has(restrictCues...) || t.has(twoWords...) || t.startsAny(0, []string{"confronta con", "confrontale con", "confrontali con",
		"confrontiamo con", "compare with", "compare them with"}) {
		// "confronta con le ditte individuali": a comparison with the previous question
		return true
	}
	if (t.tokens[0] == "what" || t.tokens[0] == "how") && len(t.tokens) <= 5 && t.has("share", "percentage", "proportion") &&
		t.has("that", "this", "it", "those", "these") {
		// "what share is that?": the previous figure as a share, like "in percentuale?"
		return true
	}
	if followLead[t.tokens[0]] && (!(t.tokens[0] == "what" || t.tokens[0] == "how") || t.tok(1) == "about" || len(t.tokens) > 3) {
		return !(t.tokens[0] == "what" || t.tokens[0] == "how") || t.tok(1) == "about"
	}
	if len(t.tokens) <= 3 && t.has(averageWords...) {
		// "in media?", "on average?" after a total: the same total per firm
		return true
	}
	if len(t.tokens) <= 3 {
		// "how many companies?", like "a quante imprese?", is a bare fragment
		// "per quartiere", "top 3"; "il saldo?", "in percentuale?" name only a measure
		m := t.readMetric()
		if !m.named {
			return true
		}
		probe := t.fresh()
		if len(probe.readFilters(sourceOf(m.name))) == 0 && !probe.mentionsPeriod() {
			return true
		}
	}
	// "in percentuale sul totale?": a share alone, with no condition or period of its own
	probe := t.fresh()
	m := probe.readMetric()
	if m.share && len(t.tokens) <= 6 && len(t.fresh().readFilters("register")) == 0 && !probe.mentionsPeriod() {
		return true
	}
	// "quale settore ha la quota più alta di respinte?" after the SUAP's permits: a share of an
	// outcome no register filter reads, with no source or period named, is the previous source's
	if m.share && m.base == "" && t.outcomeOnly() && len(t.fresh().readFilters("register")) == 0 && !probe.mentionsPeriod() &&
		!probe.docCue() && !probe.docNoun() {
		return true
	}
	// "quante sono state respinte?" after the SUAP's permits: an outcome alone, likewise
	if !m.named && len(t.tokens) <= 6 && t.outcomeOnly() && len(t.fresh().readFilters("register")) == 0 && !probe.docCue() && !probe.docNoun() {
		return true
	}
	// "quali sono le 3 zone con più?", "confronta con il 2024": no metric, no document, only a
	// new breakdown, ranking or comparison
	if m.name != "" || probe.docCue() || probe.docNoun() {
		return false
	}
	if cmp, _ := t.fresh().comparison(); cmp != "" {
		return true
	}
	limit, _ := probe.readTop()
	// "quale è andato peggio?", "ordina dalla più alta", "le 3 peggiori": a ranking of the
	// previous breakdown
	return limit > 0 && len(probe.readGroups("register")) > 0 || (limit > 0 || probe.wantsRanking() || probe.shortSuperlative()) && len(t.tokens) <= 6
}

// shortSuperlative is a fragment asking for the first of the previous breakdown: "la più
// alta?", "il peggiore?", "quella con meno?".
func (t *text) shortSuperlative() bool {
	return len(t.tokens) <= 5 && t.has("la", "il", "l", "quella", "quello", "the") &&
		(t.has("piu", "meno", "most", "least", "highest", "lowest") || slices.ContainsFunc(t.tokens, func(w string) bool { return rankWords[w] != 0 }))
}

// restrictCues narrow the previous answer ("quante di queste sono giovanili?"): the new
// conditions are added to the old ones, none replaced.
var restrictCues = []string{"di queste", "di questi", "di quelle", "di quelli", "tra queste", "tra questi", "tra quelle",
	"solo quelle", "solo quelli", "solo le", "soltanto quelle", "only those",
	"fra queste", "fra quelle", "of these", "of them", "of those", "among them", "among these"}

// overallWords ask for the previous figure without its conditions ("e in totale?").
var overallWords = []string{"in totale", "nel complesso", "complessivamente", "in tutto", "tutte quante", "tutte", "tutti",
	"overall", "in total", "altogether", "all of them", "all firms", "all businesses"}

// sourceWords name each source whose metrics a follow-up may switch between by the measure alone.
var sourceWords = map[string]string{"cig": "cassa integrazione", "contributi": "contributi"}

// family groups dimensions a follow-up replaces together: "e quelle giovanili?" swaps the
// company type, "e a Navile?" the place, "e nella ristorazione?" the sector.
func family(dim string) string {
	switch dim {
	case "femminile", "giovanile", "straniera", "artigiana":
		return "tipo"
	case "quartiere", "zona", "area_statistica":
		return "luogo"
	case "sezione_ateco", "divisione_ateco", "ateco":
		return "settore"
	}
	return dim
}

// mergeFilters replaces the filters of old whose family a new filter names, and adds the rest.
func mergeFilters(old, add []semantic.Filter) []semantic.Filter {
	fams := map[string]bool{}
	for _, f := range add {
		fams[family(f.Dimension)] = true
	}
	var out []semantic.Filter
	for _, f := range old {
		if !fams[family(f.Dimension)] {
			out = append(out, f)
		}
	}
	return append(out, add...)
}

// addFilters adds the new filters to the old ones, replacing only those on the same dimension.
func addFilters(old, add []semantic.Filter) []semantic.Filter {
	out := slices.DeleteFunc(slices.Clone(old), func(f semantic.Filter) bool { return hasDim(add, f.Dimension) })
	return append(out, add...)
}

// followUp rewrites the previous query with what the question changes. It returns false when
// the question changes nothing (then it is read as a question of its own).
func (p *Planner) followUp(t *text, question, lang string, prev *State, now time.Time) (Plan, bool) {
	if prev.Intent == IntentOutcome {
		// "e quelle del 2021?" after a call's outcome: the call of the same words in that year
		if prev.Text == "" || t.bando() == "" && !yearRE.MatchString(question) {
			return Plan{}, false
		}
		id := newText(question + " " + prev.Text).bando()
		if id == "" {
			return Plan{}, false
		}
		return Plan{Intent: IntentOutcome, Lang: lang, Calls: []tool.Call{tool.NewCall(tool.BandoOutcome, map[string]string{"bando": id})},
			State: State{Intent: IntentOutcome, Text: question + " " + prev.Text}}, true
	}
	if prev.Intent == IntentDocument || (prev.Query == nil && prev.Text != "") {
		if t.readMetric().named {
			return Plan{}, false
		}
		return documentPlan(question+" "+prev.Text, lang), true
	}
	if prev.Query == nil {
		return Plan{}, false
	}
	if prev.Intent == IntentPlatea {
		pl := p.platea(t, lang, now, prev.Query.Filters)
		return pl, true
	}
	q := *prev.Query
	q.Filters, q.Subset, q.GroupBy = slices.Clone(q.Filters), slices.Clone(q.Subset), slices.Clone(q.GroupBy)
	changed := false

	cmp, cmpYear := t.comparison()
	per := t.period(now)
	per = inPreviousYear(t.fresh(), per, q)
	if !per.found {
		// "aperture nel primo semestre 2025", "e nel secondo?": the same span, that number
		per = ordinalFollowUp(t.fresh(), q)
	}
	if !per.found && cmp == "" && q.From != "" && t.has("anno prima", "anno precedente", "year before", "previous year", "prior year", "year earlier") {
		// "e l'anno prima?": the previous question's period a year before; after a whole year or
		// the year so far ("sto anno"), the whole year before
		from, to := parseDay(q.From), lastCompleteMonthEnd(now)
		if q.To != "" {
			to = parseDay(q.To)
		}
		switch {
		case q.To == "" || isYear(period{from: from, to: to, found: true}):
			per = yearSpan(from.Year() - 1)
		case monthEnd(to):
			per = period{from: from.AddDate(-1, 0, 0), to: day(to.Year()-1, to.Month()+1, 1).AddDate(0, 0, -1), found: true}
		default:
			per = period{from: from.AddDate(-1, 0, 0), to: to.AddDate(-1, 0, 0), found: true}
		}
	}
	other := t.otherSpan(per, now)
	named := cmp == "span" && !other.from.IsZero()
	cmp = resolveSpan(cmp, per, other)
	m := t.readMetric()
	if sourceOf(q.Metric) == "suap" && (m.name == "aperture" || m.name == "chiusure") && !t.has(firmWords...) {
		// "e solo quelle di apertura?" after SUAP permits: the permit type, not the register's openings
		m = metricReading{}
	}
	if !m.named && isHours(q.Metric) && (t.has(requestedWord...) || t.has("autorizzate", "autorizzata", "authorised", "authorized")) &&
		!t.has("domande", "domanda", "lavoratori", "workers", "imprese", "aziende", "requests", "applications", "firms") {
		// "e richieste?" after the hours authorised: the hours requested, not the requests
		if m2 := newText(question + " ore di cassa integrazione").readMetric(); m2.named && isHours(m2.name) {
			m = m2
		}
	}
	if src := sourceOf(q.Metric); (src == "cig" || src == "contributi") && (m.name == "chiusure" && t.has(closedStateWords...) ||
		m.name == "imprese_attive" && t.has(activeStateWords...)) {
		// "e di queste quante sono poi cessate?" after the firms that asked for CIG, "e quante
		// sono ancora attive?" after a grant's beneficiaries: their state today
		// (companystate.go), not the register's closures or stock
		m = metricReading{}
	}
	if !m.named && sourceOf(q.Metric) == "contributi" && t.has(averageWords...) {
		// "in media?" after the grants' amount or beneficiaries: the average grant
		m = metricReading{name: "contributi_importo_medio", named: true}
	}
	if !m.named {
		// "e i lavoratori?" after a CIG question: the measure is read within the previous source
		if ctx := sourceWords[sourceOf(q.Metric)]; ctx != "" {
			if m2 := newText(question + " " + ctx).readMetric(); m2.named && !m2.generic {
				m = m2
			}
		}
	}
	if sub, _ := splitSubset(q.Filters); m.share && q.Metric != "quota" && len(sub) == 0 && len(q.GroupBy) > 0 && !hasTime(q.GroupBy) &&
		!t.outcomeOnly() {
		// "in percentuale sul totale?" after a breakdown with no condition to take a share of:
		// the whole breakdown, whose answer gives the total and the first row's share of it
		q.Limit, changed = 0, true
		if q.Order == nil {
			q.Order = &semantic.Order{By: "value", Dir: "desc"}
		}
		m = metricReading{}
	}
	if m.named && m.name != q.Metric && !(m.share && q.Metric == "quota") && !(m.generic && sourceOf(m.name) == sourceOf(q.Metric)) {
		if m.share {
			q.Subset, q.Filters = splitSubset(q.Filters)
			if i := slices.IndexFunc(q.Filters, func(f semantic.Filter) bool { return territorial(f.Dimension) }); len(q.Subset) == 0 && i >= 0 {
				// "dammi la percentuale sul totale" after "aperture 2025 a Navile": with no other
				// condition, the place's share of the city (a share needs a part)
				q.Subset = []semantic.Filter{q.Filters[i]}
				q.Filters = slices.Delete(slices.Clone(q.Filters), i, i+1)
			}
			if q.Metric == "aperture" || q.Metric == "chiusure" || q.Metric == "imprese_registrate" || q.Metric == "cig_domande" ||
				q.Metric == "cig_imprese" || q.Metric == "suap_pratiche" || q.Metric == "contributi_beneficiari" {
				q.Base = q.Metric // "in percentuale?" after the openings: a share of the openings
			}
		} else if q.Metric == "quota" {
			q.Filters, q.Subset, q.Base = append(q.Filters, q.Subset...), nil, ""
		}
		q.Metric, changed = m.name, true
		q.Filters = p.applicable(q.Metric, q.Filters)
		q.GroupBy = p.applicableGroups(q.Metric, q.GroupBy)
	}
	src := sourceOf(q.Metric)
	if q.Metric == "quota" && q.Base != "" {
		// a share of the CIG's requests or the SUAP's permits reads that source's words
		// ("quale settore ha la quota più alta di respinte?": the SUAP's sectors and outcomes)
		src = sourceOf(q.Base)
	}
	add := t.readFilters(src)
	if len(add) > 0 && (t.has(compareWords...) || t.has("rispetto a", "rispetto al", "rispetto alla", "rispetto ad", "compared with",
		"compared to")) {
		// "imprese attive a Savena", "confronta con Navile": the two side by side, not the
		// second instead of the first
		add, changed = sideBySide(&q, add), true
	}
	if len(add) == 0 && prev.Before != nil && t.has(twoWords...) && !per.found && cmp == "" {
		// "e in quello delle costruzioni?", "quale dei due è cresciuto di più?": the two
		// values the last two questions set one at a time, side by side
		if f, ok := otherValue(*prev.Before, q); ok {
			sideBySide(&q, []semantic.Filter{f})
			changed = true
		} else if a, ok := otherType(*prev.Before, q); ok {
			// "imprese femminili a Navile", "e quelle giovanili?", "quali delle due sono di
			// più?": one query each (together they would count the firms that are both)
			return Plan{Intent: IntentMetric, Lang: lang, Calls: []tool.Call{tool.NewCall(tool.QueryMetrics, a), tool.NewCall(tool.QueryMetrics, q)},
				State: State{Intent: IntentMetric, Query: &q, Before: &a}}, true
		}
	}
	if len(add) > 0 {
		changed = true
		if q.Metric == "quota" {
			var sub []semantic.Filter
			sub, add = splitTypes(add)
			if len(sub) == 0 && src != "register" {
				// "... di respinte": the outcome is the part of the requests or permits
				for i, f := range add {
					if f.Dimension == "esito" {
						sub, add = []semantic.Filter{f}, slices.Delete(slices.Clone(add), i, i+1)
						break
					}
				}
			}
			if len(sub) > 0 {
				q.Subset = sub
			}
		}
		if t.has(restrictCues...) {
			q.Filters = dropImplied(q.Metric, addFilters(q.Filters, add))
		} else {
			q.Filters = dropImplied(q.Metric, mergeFilters(q.Filters, add))
		}
		for _, f := range add {
			if f.Op == "" || f.Op == "=" {
				q.GroupBy = slices.DeleteFunc(q.GroupBy, func(g string) bool { return g == f.Dimension })
			}
		}
	}
	limit, asc := t.readTop()
	if limit == 0 && t.shortSuperlative() {
		limit = 1 // "la più alta?"
	}
	if limit == 0 && len(t.read) <= 4 && t.has("il primo", "la prima", "the first", "the top one", "il primo in classifica") &&
		!per.found && len(q.GroupBy) > 0 && !hasTime(q.GroupBy) {
		limit = 1 // "per quartiere", then "il primo?": the first of the ranking
	}
	if groups := t.readGroups(src); len(groups) > 0 {
		q.GroupBy, q.Limit, q.Order, changed = groups, 0, nil, true
		q.Filters = slices.DeleteFunc(q.Filters, isUnattributedFilter)
		// "solo a Navile", then "per quartiere": the breakdown replaces the one place
		q.Filters = slices.DeleteFunc(q.Filters, func(f semantic.Filter) bool {
			return slices.Contains(groups, f.Dimension) && (f.Op == "" || f.Op == "=")
		})
	}
	if badWhenHigh(q.Metric) && t.has("peggiore", "peggior", "peggiori", "peggio", "worst", "migliore", "miglior", "migliori", "meglio", "best") {
		asc = !asc // the worst for closures or CIG has the most of them
	}
	if limit > 0 && len(q.GroupBy) > 0 {
		q.Limit, q.Order, changed = limit, &semantic.Order{By: "value", Dir: "desc"}, true
		if asc {
			q.Order.Dir = "asc"
		}
		if !hasTime(q.GroupBy) {
			excludeUnattributed(&q)
		}
	} else if t.wantsRanking() && len(q.GroupBy) > 0 && !hasTime(q.GroupBy) {
		// "ordina dalla più alta": the whole breakdown in order
		q.Order, changed = &semantic.Order{By: "value", Dir: "desc"}, true
		if t.has(worstFirst...) || asc && !t.has(bestFirst...) {
			q.Order.Dir = "asc"
		}
	}
	if named && cmp == "" && isStock(q.Metric) {
		// "e rispetto a maggio?": the snapshots from then to the question's date
		if !per.found && q.To != "" {
			per = period{from: parseDay(q.To), to: parseDay(q.To), found: true}
		}
		per, changed = stockAgainst(&q, per, other, now), true
	}
	if per.found || cmp != "" {
		changed = true
		if !per.found {
			per = period{from: parseDay(q.From), to: parseDay(q.To), found: q.From != "" || q.To != ""}
		}
		if cmp == "" {
			cmp = q.CompareTo
		}
		p.applyTime(&q, per, cmp, cmpYear, now)
	}
	if !changed && len(t.tokens) <= 5 && t.has(overallWords...) {
		// "e in totale?", "and overall?" after a question on one kind of firm: the same without
		// the company types; with none, without the other conditions; with only a place, the city
		kept := slices.DeleteFunc(slices.Clone(q.Filters), func(f semantic.Filter) bool { return family(f.Dimension) == "tipo" })
		if len(kept) == len(q.Filters) {
			kept = slices.DeleteFunc(kept, func(f semantic.Filter) bool { return !territorial(f.Dimension) && !isUnattributedFilter(f) })
		}
		if len(kept) == len(q.Filters) {
			kept = slices.DeleteFunc(kept, func(f semantic.Filter) bool {
				return territorial(f.Dimension) && !slices.Contains(q.GroupBy, f.Dimension)
			})
		}
		switch {
		case q.Metric == "quota":
		case len(kept) < len(q.Filters):
			q.Filters, changed = kept, true
		case len(q.GroupBy) > 0:
			// "chiusure per quartiere", then "e in totale?": the city's total
			q.GroupBy, q.Limit, q.Order, changed = nil, 0, nil, true
			q.Filters = slices.DeleteFunc(q.Filters, isUnattributedFilter)
		}
	}
	if !changed && len(t.tokens) <= 4 && t.has(deltaWords...) {
		// "la differenza?": after the hours, requested and authorised side by side; after a flow
		// of a period, against the year before
		b := prev.Before
		periods := b != nil && b.Metric == q.Metric && b.From != "" && b.To != "" && q.From != "" && q.To != "" &&
			(b.From != q.From || b.To != q.To) && q.CompareTo == "" && b.CompareTo == "" && !isStock(q.Metric) && q.Metric != "tasso_crescita"
		if isHours(q.Metric) && !periods {
			a, b := q, q
			a.Metric, b.Metric = "cig_ore_richieste", "cig_ore_autorizzate"
			return Plan{Intent: IntentMetric, Lang: lang, Calls: []tool.Call{tool.NewCall(tool.QueryMetrics, a), tool.NewCall(tool.QueryMetrics, b)},
				State: State{Intent: IntentMetric, Query: &q}}, true
		}
		// a period with no end ("sto anno") runs to the data's last complete month
		toOf := func(x *semantic.Query) string {
			if x.To == "" && x.From != "" && x.CompareTo == "" {
				return lastCompleteMonthEnd(now).Format(time.DateOnly)
			}
			return x.To
		}
		if q.CompareTo == "" && q.From != "" && toOf(&q) != "" && !isStock(q.Metric) && q.Metric != "tasso_crescita" {
			per, cmp := period{from: parseDay(q.From), to: parseDay(toOf(&q)), found: true}, "previous_year"
			if b := prev.Before; b != nil && b.Metric == q.Metric && b.From != "" && toOf(b) != "" && b.From != q.From {
				// "chiusure nel 2025", "e nel 2024?", "la differenza?": the later of the two
				// periods against the earlier, when one is the other a year or a span before
				other := period{from: parseDay(b.From), to: parseDay(toOf(b)), found: true}
				if other.from.After(per.from) {
					per, other = other, per
				}
				cmp = resolveSpan("span", per, other)
				if cmp == "" && sameYear(per) && isYear(other) && other.from.Year() == per.from.Year()-1 {
					// "sto anno", "e l'anno scorso?", "la differenza?": the months of this year
					// against the same months of the year before, as "rispetto al 2025" reads
					cmp = "previous_year"
				}
			}
			if cmp != "" {
				p.applyTime(&q, per, cmp, 0, now)
				changed = true
			} else if periods && slices.Equal(b.GroupBy, q.GroupBy) {
				// "chiusure a gennaio 2025", "e a marzo?", "la differenza?": two periods neither
				// a year nor a span apart, each queried, the earlier first, side by side
				a := *b
				if parseDay(q.From).Before(parseDay(a.From)) {
					a, q = q, a
				}
				return Plan{Intent: IntentMetric, Lang: lang, Calls: []tool.Call{tool.NewCall(tool.QueryMetrics, a), tool.NewCall(tool.QueryMetrics, q)},
					State: State{Intent: IntentMetric, Query: &q, Before: &a}}, true
			}
		}
	}
	if !changed && !(affirmative(t) && prev.Intent == IntentNoData) {
		// "sì" after an offer (the year so far instead of a forecast) runs the query offered
		return Plan{}, false
	}
	return Plan{Intent: IntentMetric, Lang: lang, Calls: []tool.Call{tool.NewCall(tool.QueryMetrics, q)},
		State: State{Intent: IntentMetric, Query: &q, Before: prev.Query}}, true
}

func isHours(metric string) bool {
	return metric == "cig_ore_richieste" || metric == "cig_ore_autorizzate"
}

func splitTypes(fs []semantic.Filter) (types, rest []semantic.Filter) {
	for _, f := range fs {
		if slices.Contains(typeDims, f.Dimension) {
			types = append(types, f)
		} else {
			rest = append(rest, f)
		}
	}
	return types, rest
}

func parseDay(s string) time.Time {
	t, _ := time.Parse(time.DateOnly, s)
	return t
}

// applicable keeps the filters whose dimension applies to the metric's source.
func (p *Planner) applicable(metric string, fs []semantic.Filter) []semantic.Filter {
	src := sourceOf(metric)
	return slices.DeleteFunc(fs, func(f semantic.Filter) bool {
		d, ok := p.cat.Dimension(f.Dimension)
		return !ok || !d.AppliesTo(src)
	})
}

func (p *Planner) applicableGroups(metric string, gs []string) []string {
	src := sourceOf(metric)
	return slices.DeleteFunc(gs, func(g string) bool {
		d, ok := p.cat.Dimension(g)
		return !ok || !d.AppliesTo(src)
	})
}

// outcomeOnly says whether the question names an outcome of the CIG's requests or the SUAP's
// permits ("respinte", "accolte") and no source: the outcome is the previous source's.
func (t *text) outcomeOnly() bool {
	if t.has(cigWords...) || t.has(suapWords...) || t.has(grantWords...) {
		return false
	}
	for _, src := range []string{"cig", "suap"} {
		for _, v := range esitoWords[src] {
			if v.dim == "esito" && t.has(v.words...) {
				return true
			}
		}
	}
	return false
}
