package planner

import (
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/comune-bologna/conoscenza/agent/semantic"
	"github.com/comune-bologna/conoscenza/agent/tool"
	"github.com/comune-bologna/conoscenza/ingest/codes"
)

// plan reads a question. The order of the checks is the order of precedence: a request to
// change data is refused before anything else is read; a subject the data lack is said so
// before any number is attempted; named tools (dossier, outcome, platea) come before the
// general reading of a metric or a document search.
func (p *Planner) plan(question string, prev *State, now time.Time) Plan {
	lang := language(question)
	t := newText(question)
	switch {
	case t.isWrite():
		return Plan{Intent: IntentRefuse, Lang: lang, Reply: refusal(lang)}
	case t.freeSQL():
		return Plan{Intent: IntentRefuse, Lang: lang, Reply: sqlRefusal(lang)}
	case t.personalData():
		return Plan{Intent: IntentRefuse, Lang: lang, Reply: personalRefusal(lang)}
	case t.has(contactWords...):
		// an office's contacts ("qual è l'email del SUAP?") are in the documents
		return documentPlan(question, lang)
	case courtesyOnly(t) && !(prev != nil && prev.Intent == IntentNoData && prev.Query != nil && affirmative(t)):
		// "grazie", "ciao", "buongiorno": a short reply pointing to what can be asked
		it, en := "Buongiorno.", "Hello."
		if t.has("grazie", "thanks", "thank") {
			it, en = "Prego.", "You're welcome."
		}
		return Plan{Intent: IntentCatalog, Lang: lang, Reply: tr(lang,
			it+" Chiedimi pure numeri sulle imprese di Bologna (aperture, chiusure, imprese attive, cassa integrazione, pratiche SUAP, contributi) o cosa dicono i documenti del Comune; «quali dati hai?» dà l'elenco.",
			en+" Ask me for figures on Bologna's companies (openings, closures, active firms, wage supplementation, SUAP permits, grants) or what the city's documents say; \"what data do you have?\" lists them.")}
	case t.isCatalog():
		return Plan{Intent: IntentCatalog, Lang: lang, Calls: []tool.Call{tool.NewCall(tool.DescribeCatalog, struct{}{})},
			State: State{Intent: IntentCatalog}}
	}
	docCue, docNoun := t.docCue(), t.docNoun()
	subj, lacking := t.noDataSubject(lang)
	if !docCue && t.ruleAsked(marketPrice(subj)) {
		// what a family pays, who is entitled, by when, whether it is allowed: the acts say
		// (docroute.go)
		docCue = true
	}
	if lacking && !docCue && !docNoun {
		if t.reportSubject() {
			// "come va il biossido di azoto nella stazione più critica?": no figure of the
			// catalog asked, the city's reports may describe it (docroute.go)
			return documentPlan(question, lang)
		}
		return Plan{Intent: IntentNoData, Lang: lang, Reply: noDataReply(lang, subj)}
	}
	if cf, name, ok := t.dossierKey(); ok {
		args := map[string]string{"codice_fiscale": cf}
		if cf == "" {
			args = map[string]string{"name": name}
		}
		return Plan{Intent: IntentDossier, Lang: lang, Calls: []tool.Call{tool.NewCall(tool.CompanyDossier, args)},
			State: State{Intent: IntentDossier}}
	}
	if t.isOutcome() && !docCue {
		// a call's words count only where a call or a grant is named ("women-led firms still
		// active among those registered in 2022" is no call's outcome)
		if id := t.bando(); id != "" && (callIDIn(t.raw) != "" || t.has("bando", "bandi", "contributo", "contributi", "grant", "grants",
			"call", "avviso", "fondo", "voucher", "ristori", "finanziate", "finanziati", "beneficiarie", "beneficiari", "funded", "misura",
			"beneficiaries", "fund", "scheme")) {
			return Plan{Intent: IntentOutcome, Lang: lang, Calls: []tool.Call{tool.NewCall(tool.BandoOutcome, map[string]string{"bando": id})},
				State: State{Intent: IntentOutcome, Text: question}}
		}
		if t.has("bando", "bandi", "contributo", "contributi", "grant", "call", "avviso") {
			return Plan{Intent: IntentOutcome, Lang: lang, Reply: whichBando(lang)}
		}
	}
	if t.isPlatea() || t.wantsList() {
		return p.platea(t, lang, now, nil)
	}
	if !docCue && !docNoun && t.forecast(now) {
		if q, ok := p.yearToDate(t, now); ok {
			// "quante imprese chiuderanno nel 2026?" in 2026: no forecast, but the year so far
			// is there; the reply offers it and the next turn ("sì", "e finora?") inherits it
			return Plan{Intent: IntentNoData, Lang: lang, Reply: yearToDateReply(lang), State: State{Intent: IntentNoData, Query: &q}}
		}
		return Plan{Intent: IntentNoData, Lang: lang, Reply: noDataReply(lang, forecastSubject(lang))}
	}
	if prev != nil && isFollowUp(t) {
		if pl, ok := p.followUp(t, question, lang, prev, now); ok {
			return pl
		}
	}
	if docCue || docNoun {
		if metricPart := mixedMetricPart(question); metricPart != "" {
			mt := newText(metricPart)
			if m := mt.readMetric(); m.name != "" && mt.quantityCue() {
				q := p.query(mt, now)
				return Plan{Intent: IntentMixed, Lang: lang, Calls: []tool.Call{tool.NewCall(tool.QueryMetrics, q), searchCall(question)},
					State: State{Intent: IntentMixed, Query: &q, Text: question}}
			}
		}
		if docCue {
			return documentPlan(question, lang)
		}
	}
	m := t.readMetric()
	// "imprese femminili per quartiere", "companies in liquidation by district": a breakdown asks
	// for numbers as much as "quante" does
	cue := t.quantityCue() || t.explicitBreakdown() || !docNoun && firmHeading(t.fresh()) || topRanking(t.fresh())
	if m.name == "" && !docCue && t.singularRank() {
		// "qual è il comparto ATECO più diffuso?": a ranking of the firms
		m.name = "imprese_attive"
	}
	// a document named with only firms counted ("quante imprese hanno aderito al protocollo sul
	// microcredito?") is the document's subject: the register does not know who adhered
	if m.name != "" && (m.named || cue) && !(docNoun && (!cue || !m.named)) {
		// "la quota di imprese giovanili a Borgo Panigale rispetto alla media cittadina": the
		// place and the whole city side by side (not the average of past years)
		cityRef := t.take(cityRefWords...)
		q := p.query(t, now)
		if cityRef && slices.ContainsFunc(q.Filters, func(f semantic.Filter) bool { return territorial(f.Dimension) && (f.Op == "" || f.Op == "=") }) {
			city := q
			city.Filters = slices.DeleteFunc(slices.Clone(q.Filters), func(f semantic.Filter) bool { return territorial(f.Dimension) })
			return Plan{Intent: IntentMetric, Lang: lang, Calls: []tool.Call{tool.NewCall(tool.QueryMetrics, q), tool.NewCall(tool.QueryMetrics, city)},
				State: State{Intent: IntentMetric, Query: &q}}
		}
		if pl, ok := grantsNotAwarded(q, lang); ok {
			return pl
		}
		calls := []tool.Call{tool.NewCall(tool.QueryMetrics, q)}
		if qs := alternatives(q, t.fresh()); len(qs) > 1 {
			// "ci sono più imprese femminili o giovanili?", "beneficiari e importo del bando":
			// one query each, side by side
			calls = nil
			for _, x := range qs {
				calls = append(calls, tool.NewCall(tool.QueryMetrics, x))
			}
		}
		return Plan{Intent: IntentMetric, Lang: lang, Calls: calls, State: State{Intent: IntentMetric, Query: &q}}
	}
	return documentPlan(question, lang)
}

// topRanking says whether the question asks for the first N of a breakdown ("le 5 zone con più
// imprese giovanili", "top 10 delle aree statistiche"): a number, as "quante" is.
func topRanking(t *text) bool {
	limit, _ := t.readTop()
	if limit == 0 && !t.has("piu", "meno", "most", "least", "fewest", "maggior", "maggiore", "minor", "minore") {
		return false
	}
	// "i settori con più imprese straniere": the whole ranking, as "i 3 settori con più"
	return len(t.readGroups("register")) > 0
}

// alternatives splits a query that names two things to set side by side into one query each:
// two company types joined by "o", "or", "vs" ("più imprese femminili o giovanili?"), which
// together would count the firms that are both; two sectors that do not nest ("più bar o più
// negozi?", "ristoranti e palestre", which together match no firm); the hours requested
// and authorised ("ore richieste vs autorizzate"); and a call's beneficiaries with its amount
// ("beneficiari e importo", "quante imprese ... e quanto in totale"). Otherwise nil.
func alternatives(q semantic.Query, t *text) []semantic.Query {
	placesCompared := slices.ContainsFunc(q.Filters, func(f semantic.Filter) bool { return f.Op == "in" && slices.Contains(q.GroupBy, f.Dimension) })
	// split keeps one of the two filters at pair in each query
	split := func(pair []int) []semantic.Query {
		var out []semantic.Query
		for k := range 2 {
			x := q
			x.Filters = slices.Delete(slices.Clone(q.Filters), pair[1-k], pair[1-k]+1)
			out = append(out, x)
		}
		return out
	}
	if q.Metric != "quota" && !placesCompared && (t.has("o", "or", "oppure", "vs", "versus") || t.has(compareWords...) ||
		// "alle imprese femminili rispetto a quelle giovanili"
		t.has("rispetto a quelle", "rispetto a quelli", "rispetto alle", "rispetto agli", "compared with", "compared to", "than")) {
		var types []int
		for i, f := range q.Filters {
			if slices.Contains(typeDims, f.Dimension) && f.Value == true {
				types = append(types, i)
			}
		}
		if len(types) == 2 {
			return split(types)
		}
	}
	// two sectors that do not nest ("ristoranti e palestre": section I and division 93) match no
	// firm together, whatever joins them: one query each
	var sectors []int
	for i, f := range q.Filters {
		if family(f.Dimension) == "settore" && (f.Op == "" || f.Op == "=") {
			sectors = append(sectors, i)
		}
	}
	if len(sectors) == 2 && !placesCompared && !nested(q.Filters[sectors[0]], q.Filters[sectors[1]]) {
		return split(sectors)
	}
	// "ore richieste vs autorizzate": the two measures of the hours side by side
	if (q.Metric == "cig_ore_richieste" || q.Metric == "cig_ore_autorizzate") && t.has(requestedWord...) &&
		t.has("autorizzate", "autorizzata", "authorised", "authorized") && t.has("vs", "versus", "o", "or", "e", "and", "rispetto", "compared", "confronto",
		// "ore autorizzate su ore richieste": a ratio is not computed, the two side by side
		"su", "sulle", "over", "rapporto", "ratio") {
		a, b := q, q
		a.Metric, b.Metric = "cig_ore_richieste", "cig_ore_autorizzate"
		a.Filters = slices.DeleteFunc(slices.Clone(q.Filters), func(f semantic.Filter) bool { return f.Dimension == "esito" && f.Value == "AUTORIZZATA" })
		b.Filters = dropImplied(b.Metric, slices.Clone(a.Filters))
		return []semantic.Query{a, b}
	}
	// "ore di cassa integrazione per lavoratore": no ratio is computed; the hours and the
	// workers side by side
	// (the raw question: the singular "lavoratore" is corrected to the plural)
	if raw := " " + foldName(punct.Replace(t.raw)) + " "; (q.Metric == "cig_ore_richieste" || q.Metric == "cig_ore_autorizzate") &&
		(strings.Contains(raw, " per lavoratore ") || strings.Contains(raw, " a lavoratore ") || strings.Contains(raw, " per dipendente ") ||
			strings.Contains(raw, " per addetto ") || t.has("per worker", "per employee", "ore medie", "media di ore", "average hours")) {
		b := q
		b.Metric = "cig_lavoratori"
		return []semantic.Query{q, b}
	}
	// "ore di cig per impresa": the hours and the firms that asked, side by side
	if raw := " " + foldName(punct.Replace(t.raw)) + " "; (q.Metric == "cig_ore_richieste" || q.Metric == "cig_ore_autorizzate") &&
		(strings.Contains(raw, " per impresa ") || strings.Contains(raw, " per azienda ") || strings.Contains(raw, " a impresa ") ||
			t.has("per firm", "per company", "per business")) {
		b := q
		b.Metric = "cig_imprese"
		return []semantic.Query{q, b}
	}
	if sourceOf(q.Metric) == "contributi" && q.Metric != "contributi_importo_medio" && t.has(recipientWord...) &&
		t.has("importo", "importi", "quanto in totale", "quanti soldi", "quanti euro", "amount", "how much") {
		a, b := q, q
		a.Metric, b.Metric = "contributi_beneficiari", "contributi_importo_concesso"
		return []semantic.Query{a, b}
	}
	return nil
}

// courtesyOnly says whether the message is only thanks or a greeting.
func courtesyOnly(t *text) bool {
	if len(t.tokens) == 0 || len(t.tokens) > 4 {
		return false
	}
	for _, w := range t.tokens {
		switch w {
		case "grazie", "mille", "tante", "ciao", "buongiorno", "buonasera", "salve", "ok", "perfetto", "ottimo", "thanks", "thank",
			"you", "hello", "hi", "great", "molto", "gentile":
		default:
			return false
		}
	}
	return true
}

// firmHeading says whether the question is a heading naming firms and their conditions
// ("imprese con titolare donna e under 35", "aziende artigiane a Navile"): it asks for the count.
func firmHeading(t *text) bool {
	first := 0
	if articles[t.tok(0)] || t.tok(0) == "le" || t.tok(0) == "gli" {
		first = 1 // "le imprese con oltre 250 addetti"
	}
	nouns := []string{"imprese", "aziende", "ditte", "societa", "firms", "companies", "businesses", "enterprises"}
	if t.opensWithTrade() {
		// a heading opening with the firms' own noun or trade ("ristoranti a San Donato",
		// "officine meccaniche a Borgo Panigale", "cooperatives by sector"): the trade is a
		// filter, so a place, a breakdown or another condition must come with it
		return len(t.readFilters("register")) > 1 || t.explicitBreakdown()
	}
	if !slices.Contains(nouns, t.tok(first)) {
		// English puts the firms' adjectives first: "micro enterprises in the food sector"
		if !slices.Contains(nouns, t.tok(first+1)) && !slices.Contains(nouns, t.tok(first+2)) || language(t.raw) != "en" {
			return false
		}
	}
	return len(t.readFilters("register")) > 0
}

// opensWithTrade says whether the question opens (after an article) with the firms' own noun
// or their trade ("ristoranti ...", "le palestre ...", "officine meccaniche ...").
func (t *text) opensWithTrade() bool {
	first := 0
	if articles[t.tok(0)] || t.tok(0) == "le" || t.tok(0) == "gli" {
		first = 1
	}
	return t.startsAny(first, firmNouns) || slices.ContainsFunc(divisionWords, func(v valueWords) bool { return t.startsAny(first, v.words) })
}

// grantsNotAwarded answers a grant question about applications not awarded (non ammesse,
// revocate, rinunce): the grant metrics count awarded grants only, so the query would say
// "zero". A call's non-admitted applicants are in its outcome; otherwise the reply says what
// is counted.
func grantsNotAwarded(q semantic.Query, lang string) (Plan, bool) {
	if sourceOf(q.Metric) != "contributi" {
		return Plan{}, false
	}
	esito, bando := "", ""
	for _, f := range q.Filters {
		switch s, _ := f.Value.(string); f.Dimension {
		case "esito":
			esito = s
		case "bando":
			bando = s
		}
	}
	if esito == "" || esito == "CONCESSO" {
		return Plan{}, false
	}
	if esito == "NON AMMESSO" && bando != "" {
		return Plan{Intent: IntentOutcome, Lang: lang, Calls: []tool.Call{tool.NewCall(tool.BandoOutcome, map[string]string{"bando": bando})},
			State: State{Intent: IntentOutcome}}, true
	}
	return Plan{Intent: IntentNoData, Lang: lang, Reply: tr(lang,
		"Non ho questi dati: i contributi sono contati solo quando concessi (importo e imprese beneficiarie), non le domande non ammesse, revocate o ritirate. Per un bando, la domanda «come sono andate le imprese del bando B-2022-01?» confronta le beneficiarie con le non ammesse.",
		"I don't have that data: grants are counted only when awarded (amount and beneficiaries), not applications that were rejected, revoked or withdrawn. For one call, asking \"how did the firms of call B-2022-01 do?\" compares beneficiaries with rejected applicants.")}, true
}

func searchCall(query string) tool.Call {
	args := map[string]any{"query": query}
	if types := docTypes(newText(query)); len(types) > 0 {
		args["types"] = types
	}
	return tool.NewCall(tool.SearchDocuments, args)
}

// docTypeWords map the kind of document a question names to the corpus's types.
var docTypeWords = []struct {
	words []string
	types []string
}{
	{[]string{"bando", "avviso", "call for applications"}, []string{"bando", "avviso"}},
	{[]string{"delibera", "delibere", "resolution"}, []string{"delibera"}},
	{[]string{"regolamento", "regolamenti", "disciplina", "regulation", "regulations"}, []string{"regolamento"}},
	{[]string{"piano", "plan"}, []string{"piano"}},
	{[]string{"protocollo", "protocol"}, []string{"protocollo"}},
	{[]string{"linee guida", "guidelines"}, []string{"linee guida"}},
	{[]string{"rapporto", "relazione", "report", "osservatorio"}, []string{"report"}},
}

// docTypes restricts a search to the one kind of document the question names, as a model
// would; none when it names several, or FAQ and results that live in other kinds.
func docTypes(t *text) []string {
	if t.has("faq", "domande frequenti", "esiti", "esito", "graduatoria", "risultati") {
		return nil
	}
	var out []string
	for _, d := range docTypeWords {
		if t.has(d.words...) {
			if out != nil {
				return nil
			}
			out = d.types
		}
	}
	return out
}

func documentPlan(query, lang string) Plan {
	return Plan{Intent: IntentDocument, Lang: lang, Calls: []tool.Call{searchCall(query)},
		State: State{Intent: IntentDocument, Text: query}}
}

// mixedMetricPart returns the part of a question before "e cosa ..." / "and what ...", when
// the question joins a number and a document question.
func mixedMetricPart(question string) string {
	lower := strings.ToLower(question)
	for _, sep := range []string{" e cosa ", " e che cosa ", " e quali ", " e come ", " e cosa", " and what ", " and how ", " and which "} {
		if i := strings.Index(lower, sep); i > 0 {
			return question[:i]
		}
	}
	return ""
}

// query reads a metric question into a typed query.
func (p *Planner) query(t *text, now time.Time) semantic.Query {
	cohort := t.cohort()
	born, bornClosed := t.cohortClosures()
	cmp, cmpYear := t.comparison()
	per := t.period(now)
	other := t.otherSpan(per, now)
	named := cmp == "span" && !other.from.IsZero()
	cmp = resolveSpan(cmp, per, other)
	if (per.each || isYears(per)) && cmp == "" && per.to.Year() == per.from.Year()+1 && (t.has(compareWords...) || t.has(deltaWords...)) {
		// "confronto aperture 2024 e 2025", "delta aperture 2025-2024": the later year against
		// the one before
		per, cmp = yearSpan(per.to.Year()), "previous_year"
	} else if cmp == "" && isYears(per) && t.has(compareWords...) {
		// "nuove imprese giovanili: confronto 2023-2025": the years side by side, not summed
		per.each = true
	}
	m := t.readMetric()
	if m.name == "" {
		m.name = "imprese_attive"
	}
	if isStock(m.name) && !m.share && cmp == "" {
		f := t.fresh()
		if y, ok := f.startOfYear(); ok {
			// "quante imprese attive c'erano a inizio 2025?": the stock on its first day (the
			// snapshot at or before it), not at the year's end
			per = period{from: day(y, 1, 1), to: day(y, 1, 1), found: true}
		} else if !per.found && f.has(beforePandemic...) {
			// "imprese attive prima del covid": the stock at the end of 2019
			per = period{from: day(2019, 12, 31), to: day(2019, 12, 31), found: true}
		}
	}
	if m.name == "saldo" && !per.found && cmp == "" && t.fresh().has(faringWords...) {
		// "il quartiere che va peggio": over the last twelve complete months
		end := lastCompleteMonthEnd(now)
		per = period{from: day(end.Year(), end.Month()-11, 1), to: end, found: true}
	}
	if cmp == "previous_period" && !per.found && t.cmpUnit != "" && !isStock(m.name) {
		// "aperture rispetto al mese scorso": the last complete month against the one before (a
		// stock compares its latest snapshot with the one before already)
		per = lastCompleteUnit(t.cmpUnit, now)
	}
	src := sourceOf(m.name)
	if m.share && m.base != "" {
		src = sourceOf(m.base) // a share of CIG requests reads the requests' filters
	}
	var inBase map[string]bool
	if m.share {
		inBase = t.baseTypes()
	}
	// "comprese quelle inattive": the states named are included, not the only ones
	including := t.has("comprese", "compresi", "incluse", "inclusi", "including", "included")
	if isStock(m.name) && !m.share && t.has("attive e non", "attive e inattive", "attive o no", "attive o meno", "anche non attive",
		"anche le non attive", "active and inactive", "active or not") {
		// "quante imprese ci sono, attive e non?": every registered firm, whatever its state
		m.name = "imprese_registrate"
		t.take("attive e non", "attive e inattive", "attive o no", "attive o meno", "anche non attive", "anche le non attive",
			"active and inactive", "active or not")
	}
	notActive := isStock(m.name) && !m.share && t.fresh().has("non attive", "non attivi", "non operative", "non operativi", "not active")
	filters := placesAsZones(t.readFilters(src))
	if notActive && !hasDim(filters, "stato") {
		// "quante imprese registrate ma non attive?": every state but ATTIVA
		m.name = "imprese_registrate"
		filters = append(filters, semantic.Filter{Dimension: "stato", Op: "!=", Value: "ATTIVA"})
	}
	if including && isStock(m.name) && hasDim(filters, "stato") {
		filters = slices.DeleteFunc(filters, func(f semantic.Filter) bool { return f.Dimension == "stato" })
		m.name = "imprese_registrate"
	}
	if bornClosed && m.name == "chiusure" {
		if f, ok := cohortAge(born, now); ok {
			// "imprese nate nel 2023 e chiuse nel 2024": the closures of that cohort
			filters = append(filters, f)
		}
	}
	survival := false
	if cohort && isStock(m.name) && !m.share && per.found {
		if raw := t.fresh(); raw.has(stillWords...) && !raw.has("quante", "quanti", "numero", "how many", "number") && !per.from.IsZero() {
			// "le imprese nate nel 2024 sono ancora attive?": the share of that year's openings
			// still active (the openings of the latest snapshot, by registration date)
			survival = true
		} else if f, ok := cohortAge(per, now); ok {
			// the cohort is an age against the latest snapshot, not a snapshot in the period
			filters, per = append(filters, f), period{}
		}
	}
	stockChange := isStock(m.name) && !m.share && per.found && !per.from.Equal(per.to) && t.has(deltaWords...)
	trend := stockChange || t.take("che in passato", "rispetto al passato", "than in the past", "compared with the past", "andamento", "trend", "evoluzione", "come e cambiato", "come sono cambiate", "over time", "nel tempo",
		"serie storica", "serie storiche", "time series", "historical series")
	if t.cmpTrend && isStock(m.name) && (!m.share || m.base == "") && (!per.found || per.to.IsZero() && !per.from.IsZero()) {
		// "le srl semplificate sono in aumento?": a stock's direction is its snapshots, first to
		// last, not a comparison with a year before the register may not reach; "sono cresciute
		// da maggio?": the snapshots since then
		cmp, trend = "", true
	}
	// the ranking is read before the breakdown blanks its words ("il settore con più ...")
	limit, asc := t.readTop()
	ranking, worst := t.wantsRanking() || (t.pluralWhich() || t.pluralDimWithArticle()) && t.has("most", "least", "fewest", "highest", "lowest", "piu", "meno",
		"maggior", "maggiore", "minor", "minore"), t.has(worstFirst...)
	groups := t.readGroups(src)
	if len(groups) == 0 && t.wherePlace() {
		// "dove ci sono più imprese giovanili?": the quartiere with the most
		groups = []string{"quartiere"}
		if limit == 0 {
			limit = 1
		}
	}

	q := semantic.Query{Metric: m.name, GroupBy: groups}
	if isStock(m.name) && m.name != "imprese_registrate" && (hasDim(filters, "stato") || slices.Contains(groups, "stato")) && !m.share {
		q.Metric = "imprese_registrate"
	}
	if m.share {
		q.Subset, filters = splitSubset(byMention(t.fresh(), filters))
		q.Subset, filters = moveToBase(q.Subset, filters, inBase)
		if len(q.Subset) == 0 {
			q.Metric = "imprese_attive"
			if m.base != "" {
				q.Metric = m.base
			}
		} else {
			q.Base = m.base
		}
	}
	q.Filters = dropImplied(q.Metric, filters)
	if q.Metric == "quota" && q.Base != "" {
		// a share of the authorised hours: authorised is the whole, no condition
		q.Filters = dropImplied(q.Base, q.Filters)
	}
	// "a Navile o a Savena?", "Navile e Savena a confronto", "commercio o ristorazione": the
	// places or sectors are compared, not summed
	compared := t.has("o", "or", "oppure") || t.has(compareWords...) || t.has("rispetto a", "rispetto al", "rispetto ad", "rispetto alla",
		"rispetto alle", "rispetto ai", "rispetto agli", "rispetto all", "compared to", "compared with") ||
		// "chi ha più imprese giovanili tra Navile e Borgo Panigale?": which of the two has more
		t.has("tra", "fra", "between") && t.has("piu", "meno", "more", "fewer", "most", "least", "differenza", "difference") ||
		// "le cessazioni nella manifattura sono state superiori a quelle del commercio?"
		t.has("superiori", "superiore", "inferiori", "inferiore", "maggiori di", "minori di", "piu di quelle", "meno di quelle",
			"piu di quelli", "meno di quelli", "higher than", "lower than", "more than those", "fewer than those")
	for _, f := range q.Filters {
		// "srl vs ditte individuali", "CIGO o CIGS": legal forms, CIG types and the like too
		// (not the size classes a range of employees gives); a share or a rate of two places
		// ("quota di imprese straniere a Navile e a Savena") is one per place: they do not add up
		perPlace := (q.Metric == "quota" || q.Metric == "tasso_crescita") && (territorial(f.Dimension) || f.Dimension == "sezione_ateco" ||
			f.Dimension == "divisione_ateco" || f.Dimension == "classe_forma")
		if f.Op == "in" && f.Dimension != "classe_addetti" && (compared || perPlace) && !slices.Contains(q.GroupBy, f.Dimension) {
			q.GroupBy = append([]string{f.Dimension}, q.GroupBy...)
		}
	}
	// "ore per causale COVID": a breakdown by a dimension fixed to one value is that value
	q.GroupBy = slices.DeleteFunc(q.GroupBy, func(g string) bool { return hasEqFilter(q.Filters, g) })
	if !isStock(m.name) && per.found && !per.from.IsZero() && !per.to.IsZero() && per.to.Year() > per.from.Year() &&
		t.has("sempre", "ogni anno", "tutti gli anni", "every year", "each year", "always") {
		// "negli ultimi 5 anni il saldo è stato sempre positivo?": year by year
		q.GroupBy = appendTime(q.GroupBy, "anno")
	}
	if trend && !hasTime(q.GroupBy) {
		if isStock(m.name) && !per.found {
			// a stock's trend is its monthly snapshots; by year it is one point a year
			q.GroupBy = append(q.GroupBy, "mese")
		} else if per.found && !per.from.IsZero() &&
			endOr(per, lastCompleteMonthEnd(now)).Sub(per.from) < 370*24*time.Hour {
			// a year or less, or since a date less than a year ago: month by month
			q.GroupBy = append(q.GroupBy, "mese")
		} else {
			q.GroupBy = append(q.GroupBy, "anno")
		}
	}
	if named && cmp == "" {
		per = stockAgainst(&q, per, other, now)
	}
	if survival {
		q.Metric, q.Base = "quota", "aperture"
		q.Filters = slices.DeleteFunc(q.Filters, func(f semantic.Filter) bool { return f.Dimension == "stato" })
		q.Subset = []semantic.Filter{{Dimension: "stato", Value: "ATTIVA"}}
	}
	if cmp == "year" && !isStock(q.Metric) {
		// "cig 2020 vs 2021 vs 2022": more than two years named are side by side, first to last
		if ys := t.fresh().yearsNamed(); len(ys) > 2 {
			per, cmp = period{from: day(slices.Min(ys), 1, 1), to: day(slices.Max(ys), 12, 31), found: true}, ""
			q.GroupBy = appendTime(q.GroupBy, "anno")
		}
	}
	p.applyTime(&q, per, cmp, cmpYear, now)
	if q.CompareTo == "" && !hasTime(q.GroupBy) && t.fresh().has("ancora", "tuttora", "still") &&
		slices.ContainsFunc(q.Filters, func(f semantic.Filter) bool {
			return f.Dimension == "esito" && (f.Value == "IN ISTRUTTORIA" || f.Value == "IN CORSO")
		}) {
		// "domande di cig ancora in istruttoria a fine ottobre 2026": the outcome is the
		// current one, whenever the request was filed; a date would be the filing date's
		q.From, q.To = "", ""
	}
	if ms := t.fresh().monthsApart(); len(ms) > 1 && isStock(q.Metric) && q.Metric != "quota" && q.CompareTo == "" && q.From != "" &&
		q.To != "" && q.From[:4] == q.To[:4] && !hasTime(q.GroupBy) {
		// "imprese attive a giugno e dicembre 2025": the monthly snapshots from the first to the
		// last (the months between included: a stock's series is not filtered by month)
		q.GroupBy = appendTime(q.GroupBy, "mese")
	}
	if ms := t.fresh().monthsApart(); len(ms) > 1 && !isStock(q.Metric) && q.CompareTo == "" && q.From != "" && q.To != "" &&
		q.From[:4] == q.To[:4] {
		// "chiusure a gennaio e marzo 2025": the months named, one value each, not the span
		// between them; without a year, the latest in which the last of them is complete
		y := parseDay(q.To).Year()
		if !t.fresh().yearNamed() {
			y = lastCompleteMonthEnd(now).Year()
			if lastCompleteMonthEnd(now).Month() < ms[len(ms)-1] {
				y--
			}
		}
		q.From, q.To = dateString(day(y, ms[0], 1)), dateString(day(y, ms[len(ms)-1]+1, 1).AddDate(0, 0, -1))
		vals := make([]any, len(ms))
		for i, m := range ms {
			vals[i] = fmt.Sprintf("%d-%02d", y, int(m))
		}
		q.Filters = append(q.Filters, semantic.Filter{Dimension: "mese", Op: "in", Values: vals})
		if q.Metric != "tasso_crescita" {
			q.GroupBy = appendTime(q.GroupBy, "mese")
		}
	}
	if badWhenHigh(q.Metric) && t.has("peggiore", "peggior", "peggiori", "peggio", "worst", "migliore", "miglior", "migliori", "meglio", "best") {
		// the worst district for closures or CIG has the most of them
		asc, worst = !(asc || worst), false
	}
	if limit > 0 && len(q.GroupBy) > 0 && !hasTime(q.GroupBy) {
		q.Limit = limit
		// "la zona che ha perso più imprese" is the lowest balance
		if q.Metric == "saldo" && t.has("perso", "persi", "perse", "lost") {
			asc = !asc
		}
		q.Order = &semantic.Order{By: "value", Dir: "desc"}
		if asc {
			q.Order.Dir = "asc"
		}
		excludeUnattributed(&q)
	} else if ranking && len(q.GroupBy) > 0 && !hasTime(q.GroupBy) {
		// "classifica dei quartieri per saldo", "per zona, dalla peggiore": all of them, in order
		q.Order = &semantic.Order{By: "value", Dir: "desc"}
		if asc || worst || q.Metric == "saldo" && t.has("perso", "persi", "perse", "lost") {
			q.Order.Dir = "asc"
		}
		excludeUnattributed(&q)
	}
	return q
}

// cohortClosures reads a cohort whose closures are asked ("quante imprese nate nel 2023 hanno
// chiuso nel 2024?", "delle imprese aperte nel 2022 quante hanno già chiuso?"): a birth word
// right before its period, then a closure word. It blanks the birth and its period, so that
// the rest reads as closures (of the period named after them, if any).
func (t *text) cohortClosures() (period, bool) {
	for i, w := range t.tokens {
		if !slices.Contains(birthWords, w) {
			continue
		}
		for j := i + 1; j <= i+2; j++ {
			p, n, ok := t.periodAt(j)
			if !ok {
				continue
			}
			// a closure word after the period, or before the birth ("quante imprese hanno chiuso
			// nel 2025 tra quelle iscritte nel 2025?")
			rest := &text{tokens: append(slices.Clone(t.tokens[:i]), t.tokens[j+n:]...)}
			if !rest.has(closeWords...) || t.has(closeWords...) && !rest.has(closeWords...) {
				return period{}, false
			}
			t.consume(i, j+n-i)
			return p, true
		}
	}
	return period{}, false
}

// cohortAge turns the registration period of a cohort of the stock ("nate dopo il 2020",
// "iscritte prima del 2000", "nate nel 2024") into a range of anzianita, the age in months
// against the snapshot the stock is counted at: the latest, which the planner takes to be the
// end of the last complete month (the answer writes the registration dates the snapshot's own
// date gives). Only whole months are ages: a period starting or ending within one is not read.
func cohortAge(per period, now time.Time) (semantic.Filter, bool) {
	ref := lastCompleteMonthEnd(now)
	// a boundary within a month is taken to the nearest month's end ("nate durante il covid",
	// from 31/01/2020, is registered from 01/02/2020): the answer writes the dates counted
	months := func(t time.Time) int {
		if !monthEnd(t) && t.Day() < 15 {
			t = lastCompleteMonthEnd(t)
		}
		return (ref.Year()-t.Year())*12 + int(ref.Month()-t.Month())
	}
	lo, hi := -1, -1 // anzianita >= lo (registered by the period's end), < hi (after its start)
	if !per.from.IsZero() {
		if hi = months(per.from.AddDate(0, 0, -1)); hi <= 0 {
			return semantic.Filter{}, false
		}
	}
	if !per.to.IsZero() && per.to.Before(ref) {
		lo = months(per.to)
	}
	switch {
	case lo >= 0 && hi >= 0 && lo < hi:
		return semantic.Filter{Dimension: "anzianita", Op: "between", Values: []any{lo, hi - 1}}, true
	case lo >= 0 && hi < 0:
		return semantic.Filter{Dimension: "anzianita", Op: ">=", Value: lo}, true
	case hi >= 0 && lo < 0:
		return semantic.Filter{Dimension: "anzianita", Op: "<", Value: hi}, true
	}
	return semantic.Filter{}, false
}

// badWhenHigh says whether more of the metric is worse: closures and wage supplementation.
func badWhenHigh(metric string) bool {
	return metric == "chiusure" || sourceOf(metric) == "cig"
}

// stockAgainst reads a stock against another month ("a fine ottobre rispetto a fine maggio",
// "rispetto a sei mesi fa") as the monthly snapshots from one to the other, the first and the
// last side by side; other questions keep their period.
func stockAgainst(q *semantic.Query, per, other period, now time.Time) period {
	if !isStock(q.Metric) || q.Metric == "quota" || hasTime(q.GroupBy) || other.from.IsZero() {
		return per
	}
	if !per.found {
		per = period{from: lastCompleteMonthEnd(now), to: lastCompleteMonthEnd(now), found: true}
	}
	from, to := per.from, per.to
	if other.from.Before(from) {
		from = other.from
	}
	if other.to.After(to) {
		to = other.to
	}
	q.GroupBy = append(q.GroupBy, "mese")
	return period{from: day(from.Year(), from.Month(), 1), to: to, found: true}
}

// hasEqFilter says whether a filter fixes dim to one value.
func hasEqFilter(fs []semantic.Filter, dim string) bool {
	return slices.ContainsFunc(fs, func(f semantic.Filter) bool { return f.Dimension == dim && (f.Op == "" || f.Op == "=") })
}

// deltaWords ask for a change: of a flow between two years, of a stock over a span of months
// ("variazione delle imprese attive da maggio a ottobre": its snapshots, first to last).
var deltaWords = []string{"delta", "variazione", "variazioni", "differenza", "difference", "change", "changed",
	// "com'è variato il numero delle ditte individuali nel triennio?"
	"variato", "variata", "variati", "variate", "cambiato", "cambiata", "cambiati", "cambiate"}

// changeWords name a rise or a fall: with a year "sul" another ("crescita delle chiusure 2025
// sul 2024") they compare the two.
var changeWords = []string{"crescita", "aumento", "calo", "diminuzione", "incremento", "growth", "increase", "decrease", "drop", "rise", "fall"}

// compareWords ask for two things side by side.
var compareWords = []string{"confronto", "confronta", "confrontare", "confrontate", "confrontati", "vs", "versus", "compare", "comparison", "paragone",
	// "imprese straniere: Navile contro San Donato"
	"contro", "against"}

// excludeUnattributed makes a ranking of places one of named places: "la zona con meno
// imprese" is not the dozen addresses outside the street register.
func excludeUnattributed(q *semantic.Query) {
	if d := q.GroupBy[0]; len(q.GroupBy) == 1 && territorial(d) && !hasDim(q.Filters, d) {
		q.Filters = append(q.Filters, semantic.Filter{Dimension: d, Op: "!=", Value: unattributedPlace})
	}
}

// isUnattributedFilter is the filter excludeUnattributed adds.
func isUnattributedFilter(f semantic.Filter) bool {
	return f.Op == "!=" && f.Value == unattributedPlace
}

// placesAsZones reads a quartiere named with zones outside it ("più imprese in centro o a
// Navile?") as its zones: both filters together match nothing.
func placesAsZones(fs []semantic.Filter) []semantic.Filter {
	values := func(f semantic.Filter) []string {
		var out []string
		for _, v := range append([]any{f.Value}, f.Values...) {
			if s, ok := v.(string); ok {
				out = append(out, s)
			}
		}
		return out
	}
	qi := slices.IndexFunc(fs, func(f semantic.Filter) bool { return f.Dimension == "quartiere" && (f.Op == "" || f.Op == "in") })
	zi := slices.IndexFunc(fs, func(f semantic.Filter) bool { return f.Dimension == "zona" && (f.Op == "" || f.Op == "in") })
	if qi < 0 || zi < 0 {
		return fs
	}
	var inQ []string
	for _, name := range values(fs[qi]) {
		for _, q := range codes.Quartieri {
			if q.Nome == name {
				inQ = append(inQ, q.Zone...)
			}
		}
	}
	zones := values(fs[zi])
	if !slices.ContainsFunc(zones, func(z string) bool { return !slices.Contains(inQ, z) }) {
		return fs // "la zona Bolognina del Navile": the zones are inside the quartiere
	}
	for _, z := range inQ {
		if !slices.Contains(zones, z) {
			zones = append(zones, z)
		}
	}
	out := slices.Clone(fs)
	out[zi] = inFilter("zona", zones)
	return slices.Delete(out, qi, qi+1)
}

// unattributedPlace is the compiler's label for an address the street register does not place.
const unattributedPlace = "non attribuito"

func territorial(dim string) bool {
	return dim == "quartiere" || dim == "zona" || dim == "area_statistica"
}

// applyTime sets the period and the comparison of q.
func (p *Planner) applyTime(q *semantic.Query, per period, cmp string, cmpYear int, now time.Time) {
	if cmp == "average" {
		// no average in the catalog: the year asked with the years before it, one by one, so
		// that the answer sets them side by side
		cmp = ""
		y := lastCompleteMonthEnd(now).Year() - boolInt(lastCompleteMonthEnd(now).Month() < 12)
		if per.found && isYear(per) {
			y = per.from.Year()
		}
		if !per.found || isYear(per) {
			per = period{from: day(y-cmpYear, 1, 1), to: day(y, 12, 31), found: true}
			q.GroupBy = appendTime(q.GroupBy, "anno")
		}
	}
	if cmp == "year" {
		cmp = ""
		switch {
		case per.found && (isYear(per) || sameYear(per)) && cmpYear == per.from.Year()-1:
			// "nel primo semestre 2020 rispetto al 2019": the same months of 2019
			cmp = "previous_year"
		case per.found && isYear(per):
			lo, hi := min(cmpYear, per.from.Year()), max(cmpYear, per.from.Year())
			per = period{from: day(lo, 1, 1), to: day(hi, 12, 31), found: true}
			q.GroupBy = appendTime(q.GroupBy, "anno")
		default:
			per = period{from: day(cmpYear, 1, 1), found: true, open: true}
			q.GroupBy = appendTime(q.GroupBy, "anno")
		}
	}
	growth := q.Metric == "tasso_crescita"
	if per.each && !growth && !isStock(q.Metric) {
		q.GroupBy = appendTime(q.GroupBy, "anno")
	}
	if per.eachMonth && !growth {
		// "differenza tra le aperture di gennaio e quelle di febbraio 2026": month by month
		// (a stock: its snapshots from one to the other, first to last with the change)
		q.GroupBy = appendTime(q.GroupBy, "mese")
	}
	if growth && !per.found {
		per = yearSpan(lastCompleteMonthEnd(now).Year() - boolInt(lastCompleteMonthEnd(now).Month() < 12))
	}
	if cmp != "" && !isStock(q.Metric) {
		if !per.found {
			per = period{from: day(now.Year(), 1, 1), found: true}
		}
		if per.to.IsZero() {
			per.to = lastCompleteMonthEnd(now)
		}
	}
	if growth && per.to.IsZero() {
		per.to = lastCompleteMonthEnd(now)
	}
	q.From, q.To, q.CompareTo = per.fromString(), per.toString(), cmp
}

func boolInt(b bool) int {
	if b {
		return 1
	}
	return 0
}

// sameYear says whether a closed period lies within one calendar year.
func sameYear(p period) bool {
	return !p.from.IsZero() && !p.to.IsZero() && p.from.Year() == p.to.Year()
}

// isYears says whether a period is two or more whole calendar years.
func isYears(p period) bool {
	return !p.from.IsZero() && !p.to.IsZero() && p.from.Month() == 1 && p.from.Day() == 1 && p.to.Month() == 12 && p.to.Day() == 31 &&
		p.to.Year() > p.from.Year()
}

func isYear(p period) bool {
	return !p.from.IsZero() && p.from.Month() == 1 && p.from.Day() == 1 && p.to.Equal(day(p.from.Year(), 12, 31))
}

func hasTime(groups []string) bool { return slices.ContainsFunc(groups, isTimeDim) }

func appendTime(groups []string, d string) []string {
	if hasTime(groups) {
		return groups
	}
	return append(groups, d)
}

func hasDim(fs []semantic.Filter, dim string) bool {
	return slices.ContainsFunc(fs, func(f semantic.Filter) bool { return f.Dimension == dim })
}

// platea reads the criteria of a call: "negli ultimi 3 anni" and "nuove imprese" are an age.
func (p *Planner) platea(t *text, lang string, now time.Time, base []semantic.Filter) Plan {
	var extra []semantic.Filter
	if per, ok := t.lastN(now); ok {
		months := (lastCompleteMonthEnd(now).Year()-per.from.Year())*12 + int(lastCompleteMonthEnd(now).Month()-per.from.Month()) + 1
		extra = append(extra, semantic.Filter{Dimension: "anzianita", Op: "<", Value: months})
	}
	list := t.wantsList()
	merge := mergeFilters
	if t.has(restrictCues...) {
		merge = addFilters // "e solo quelle artigiane?": a narrower platea
	}
	filters := merge(base, append(t.readFilters("register"), extra...))
	req := semantic.PlateaRequest{Filters: filters, List: list}
	if req.Filters == nil {
		req.Filters = []semantic.Filter{}
	}
	return Plan{Intent: IntentPlatea, Lang: lang, Calls: []tool.Call{tool.NewCall(tool.Platea, req)},
		State: State{Intent: IntentPlatea, Query: &semantic.Query{Metric: "imprese_attive", Filters: filters}}}
}

// dropImplied removes a filter the metric already implies: hours authorised are those of
// authorised requests.
func dropImplied(metric string, fs []semantic.Filter) []semantic.Filter {
	if metric != "cig_ore_autorizzate" {
		return fs
	}
	return slices.DeleteFunc(fs, func(f semantic.Filter) bool { return f.Dimension == "esito" && f.Value == "AUTORIZZATA" })
}

// nested says whether one sector filter lies within the other (section G and ATECO 47, ATECO
// 47 and 47.73), so that both together are the narrower.
func nested(a, b semantic.Filter) bool {
	code := func(f semantic.Filter) string { s, _ := f.Value.(string); return s }
	section := func(f semantic.Filter) string {
		if f.Dimension == "sezione_ateco" {
			return code(f)
		}
		if c := code(f); len(c) >= 2 {
			if d, ok := codes.LookupDivisione(c[:2]); ok {
				return d.Sezione
			}
		}
		return ""
	}
	ca, cb := code(a), code(b)
	if a.Dimension == "sezione_ateco" || b.Dimension == "sezione_ateco" {
		return section(a) == section(b)
	}
	return strings.HasPrefix(ca, cb) || strings.HasPrefix(cb, ca)
}

// lastCompleteUnit is the last complete month or calendar quarter before now.
func lastCompleteUnit(unit string, now time.Time) period {
	if unit == "quarter" {
		start := day(now.Year(), time.Month((int(now.Month())-1)/3*3+1), 1) // this quarter's first day
		return period{from: start.AddDate(0, -3, 0), to: start.AddDate(0, 0, -1), found: true}
	}
	end := lastCompleteMonthEnd(now)
	return monthSpan(end.Year(), end.Month(), end.Month())
}

// endOr is the period's end, or end for an open one.
func endOr(p period, end time.Time) time.Time {
	if p.to.IsZero() {
		return end
	}
	return p.to
}
