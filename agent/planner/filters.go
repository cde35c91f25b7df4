package planner

import (
	"regexp"
	"slices"
	"sort"
	"strings"

	"github.com/comune-bologna/conoscenza/agent/catalog"
	"github.com/comune-bologna/conoscenza/agent/semantic"
	"github.com/comune-bologna/conoscenza/ingest/codes"
)

// filterSet collects filters, one per dimension, in the order found.
type filterSet struct {
	list []semantic.Filter
}

func (s *filterSet) set(f semantic.Filter) {
	for i, x := range s.list {
		if x.Dimension == f.Dimension {
			s.list[i] = mergeFilter(x, f)
			return
		}
	}
	s.list = append(s.list, f)
}

// mergeFilter turns two equality filters on one dimension into an "in" ("a Navile e a Savena").
func mergeFilter(a, b semantic.Filter) semantic.Filter {
	vals := func(f semantic.Filter) []any {
		if f.Op == "in" {
			return f.Values
		}
		return []any{f.Value}
	}
	if (a.Op == "" || a.Op == "in") && (b.Op == "" || b.Op == "in") {
		var out []string
		for _, v := range append(vals(a), vals(b)...) {
			if s, ok := v.(string); ok && !slices.Contains(out, s) {
				out = append(out, s)
			}
		}
		if len(out) > 1 {
			return inFilter(a.Dimension, out)
		}
	}
	return b
}

func eq(dim string, v any) semantic.Filter { return semantic.Filter{Dimension: dim, Value: v} }

func inFilter(dim string, values []string) semantic.Filter {
	sort.Strings(values)
	vs := make([]any, len(values))
	for i, v := range values {
		vs[i] = v
	}
	return semantic.Filter{Dimension: dim, Op: "in", Values: vs}
}

// readFilters reads the filters of a question for a metric of the given source, blanking the
// words it uses.
func (t *text) readFilters(source string) []semantic.Filter {
	var s filterSet
	// "iscritte alla Camera di Commercio", "al Registro delle imprese": the register, not the trade sector
	t.take("camera di commercio", "cciaa", "registro delle imprese", "registro imprese", "chamber of commerce")
	// "il dettaglio delle cessazioni per settore", "nel dettaglio": the noun asks for detail,
	// not retail ("commercio al dettaglio")
	for i, w := range t.tokens {
		if w == "dettaglio" && (articles[t.tok(i-1)] || t.tok(i-1) == "un" || t.tok(i-1) == "nel" || t.tok(i-1) == "in" ||
			t.tok(i-1) == "col" || t.tok(i-1) == "con" || t.tok(i+1) == "per") {
			t.consume(i, 1)
		}
	}
	if m := atecoRE.FindString(markDates(t.raw)); m != "" {
		s.set(eq("ateco", m))
		t.take("codice ateco", "ateco")
	}
	var alias string
	if m := callIDIn(t.raw); m != "" && source == "contributi" {
		s.set(eq("bando", m))
	} else if source == "contributi" && t.has("bando", "fondo", "voucher", "avviso", "misura", "ristori", "call") &&
		// "il bando con più beneficiarie femminili" ranks the calls: its words are no call's
		!(t.has("bando con", "bandi con", "bando che", "bandi che", "quale bando", "quali bandi", "which call", "call with") &&
			t.has("piu", "meno", "most", "least", "maggiore", "minore")) {
		// one call named ("il bando per le imprese culturali"); "con i bandi" is all of them
		// "il bando per le imprese culturali", "il fondo affitti": a known call by its words
		if alias = t.bando(); alias != "" {
			if ids := t.sameCalls(alias); len(ids) > 1 {
				s.set(inFilter("bando", ids)) // "i ristori covid": the 2020 and the 2021 call
			} else {
				s.set(eq("bando", alias))
			}
			t.consumeTitle(alias)
		}
	} else if source == "contributi" && !t.has("quale bando", "quali bandi", "which call", "bandi", "per bando", "by call") {
		// no call noun: the call's title named by words no filter reads ("il contributo per la
		// digitalizzazione", "il contributo covid"), not a company type or a sector alone
		// ("contributi alle imprese femminili", "contributi al commercio")
		if id := t.bando(); id != "" {
			if _, free := t.titleScore(id); free > 0 {
				alias = id
				if ids := t.sameCalls(alias); len(ids) > 1 {
					s.set(inFilter("bando", ids))
				} else {
					s.set(eq("bando", alias))
				}
				t.consumeTitle(alias)
			}
		}
	}
	if source == "cig" {
		// before the places: "San Lazzaro di Savena" is no quartiere Savena
		t.readValues(&s, comuni)
	}
	t.readPlaces(&s)
	if (source == "register" || source == "cig") && t.take("fuori bologna", "fuori comune", "fuori dal comune", "fuori del comune",
		"in altri comuni", "outside bologna", "non bolognesi", "non bolognese", "non di bologna", "di fuori bologna", "fuori citta",
		"outside the city", "not based in bologna") {
		// "imprese con sede fuori Bologna" (CIG requests name the applicant's comune)
		s.set(semantic.Filter{Dimension: "comune", Op: "!=", Value: "BOLOGNA"})
	}
	if source == "register" || source == "cig" || source == "contributi" {
		// grants have the firm's sector too ("contributi al commercio nel 2021")
		t.readFood(&s)
		t.readTertiary(&s)
		t.readSections(&s)
		t.readDivisions(&s)
		t.readDivisionGroups(&s)
		t.readValues(&s, divisionWords)
		t.readValues(&s, sectorWords)
	}
	if source == "suap" {
		t.readSuapSectors(&s)
	}
	negated := func(i int) bool {
		neg := func(w string) bool { return w == "non" || w == "not" || w == "no" }
		// "non femminili", "che non sono femminili", "that are not women-led"
		return neg(t.tok(i-1)) || neg(t.tok(i-2)) && (t.tok(i-1) == "sono" || t.tok(i-1) == "e" || t.tok(i-1) == "are" || t.tok(i-1) == "is")
	}
	for _, v := range typeWords {
		for {
			i, n := t.first(v.words...)
			if i < 0 {
				break
			}
			s.set(eq(v.dim, !negated(i)))
			t.consume(i, n)
		}
	}
	if t.take("maschili", "male led") {
		s.set(eq("femminile", false))
	}
	t.readValues(&s, formWords)
	t.readSize(&s)
	t.readAge(&s)
	switch source {
	case "cig":
		t.readValues(&s, withDataValues(cigTypeWords))
	case "register":
		t.readValues(&s, stateWords)
	}
	if source == "cig" || source == "contributi" {
		// "imprese che hanno chiesto la cig e poi hanno chiuso": the firm's state today
		t.readCompanyState(&s)
	}
	if ws, ok := esitoWords[source]; ok {
		t.readValues(&s, ws)
	}
	return dropAliasTypes(s.list, alias)
}

// dropAliasTypes removes the company types a call's own name holds ("bando imprese femminili
// 2022" is the call, not women-led firms among its beneficiaries).
func dropAliasTypes(fs []semantic.Filter, alias string) []semantic.Filter {
	if alias == "" {
		return fs
	}
	var words []string
	for _, a := range currentCalls().aliases {
		if a.id == alias {
			for _, g := range a.words {
				words = append(words, g...)
			}
		}
	}
	return slices.DeleteFunc(fs, func(f semantic.Filter) bool {
		for _, v := range typeWords {
			if v.dim == f.Dimension && f.Value == true && slices.ContainsFunc(v.words, func(w string) bool { return slices.Contains(words, w) }) {
				return true
			}
		}
		// nor the sector its name holds ("the 2024 historic shops call" is no filter on retail)
		for _, v := range sectorWords {
			if v.dim == f.Dimension && f.Value == v.value && slices.ContainsFunc(v.words, func(w string) bool { return slices.Contains(words, w) }) {
				return true
			}
		}
		return false
	})
}

// readSuapSectors reads the SUAP's sectors; "commercio" alone is both kinds of trade.
func (t *text) readSuapSectors(s *filterSet) {
	t.readValues(s, withDataValues(suapSectorWords))
	specific := slices.ContainsFunc(s.list, func(f semantic.Filter) bool { return f.Dimension == "settore_suap" })
	// "commercio ambulante" is the one kind of trade: "commercio" alone is both (the data's)
	if t.take("commercio", "commerciali", "commerciale", "trade") && !specific {
		for _, v := range withDataValues(suapSectorWords) {
			if v.value == "COMMERCIO AL DETTAGLIO" || v.value == "COMMERCIO SU AREE PUBBLICHE" ||
				!loadedValue("settore_suap", "COMMERCIO AL DETTAGLIO") && strings.HasPrefix(catalog.Fold(v.value), "commercio") {
				s.set(eq("settore_suap", v.value))
			}
		}
	}
}

// readValues sets one filter for every value whose words occur.
func (t *text) readValues(s *filterSet, list []valueWords) {
	for _, v := range list {
		for {
			i, n := t.first(v.words...)
			if i < 0 {
				break
			}
			if t.tok(i-1) == "non" && v.dim == "esito" {
				break
			}
			s.set(eq(v.dim, v.value))
			t.consume(i, n)
		}
	}
}

// areaRE finds a statistical area by its name as the street register writes it: a zone and a
// number ("area statistica Irnerio 1").
var areaRE = regexp.MustCompile(`(?i)\barea\s+statistica\s+([\p{L}' ]+?)\s+(\d{1,2})\b`)

// readArea sets area_statistica from "area statistica <zona> <n>" and blanks its words.
func (t *text) readArea(s *filterSet) {
	m := areaRE.FindStringSubmatch(t.raw)
	if m == nil {
		return
	}
	z := zoneNamed(foldName(strings.TrimSpace(m[1])))
	if z == "" {
		return
	}
	s.set(eq("area_statistica", z+" "+m[2]))
	if i := t.find("area statistica", 0); i >= 0 {
		t.consume(i, 2+len(strings.Fields(foldName(z)))+1)
	}
}

// readPlaces reads quartieri, zone and "il centro storico".
func (t *text) readPlaces(s *filterSet) {
	t.readArea(s)
	if t.take("centro storico", "in centro", "nel centro", "al centro", "zona centro", "centro citta", "centro cittadino",
		"historic centre", "city centre", "old town", "historic center", "city center") {
		s.set(inFilter("zona", slices.Clone(centro)))
	}
	// "le botteghe del centro", "imprese del centro": the centre, unless "centro" names something
	// else ("del centro commerciale", "del centro per l'impiego")
	for i, w := range t.tokens {
		if (w == "del" || w == "dal" || w == "sul") && t.tok(i+1) == "centro" && !notCentre[t.tok(i+2)] {
			s.set(inFilter("zona", slices.Clone(centro)))
			t.consume(i, 2)
		}
	}
	for _, p := range places {
		for {
			i, n := t.first(p.words...)
			if i < 0 {
				break
			}
			dim := p.dim
			if p.dim == "quartiere" && t.tok(i+n) == "zona" && t.tok(i-1) != "zona" {
				// "San Donato zona": the zone named after, as before
				if z := zoneNamed(strings.Join(t.tokens[i:i+n], " ")); z != "" {
					s.set(eq("zona", z))
					t.consume(i, n+1)
					continue
				}
			}
			if p.dim == "quartiere" && t.tok(i-1) == "zona" {
				if z := zoneNamed(strings.Join(t.tokens[i:i+n], " ")); z != "" {
					s.set(eq("zona", z))
					t.consume(i-1, n+1)
					continue
				}
				// "per zona a Porto-Saragozza" ("a porto" is a way to name the quartiere): no
				// zone has that name, the quartiere is the place
			}
			s.set(eq(dim, p.value))
			start := i
			if w := t.tok(i - 1); (w == "quartiere" || w == "zona" || w == "quartieri") && !groupTriggers[t.tok(i-2)] {
				start--
			}
			t.consume(start, i+n-start)
		}
	}
}

// zoneNamed returns the zona whose folded name is words, if any.
func zoneNamed(words string) string {
	for _, q := range quartieriZone() {
		if foldName(q) == words {
			return q
		}
	}
	return ""
}

// readSize reads size classes: "con più di 50 addetti", "microimprese", "PMI".
func (t *text) readSize(s *filterSet) {
	classes := []struct {
		name   string
		lo, hi int
	}{{"0", 0, 0}, {"1-9", 1, 9}, {"10-49", 10, 49}, {"50-249", 50, 249}, {"250+", 250, 1 << 30}}
	pick := func(lo, hi int) []string {
		var out []string
		for _, c := range classes {
			if c.hi >= lo && c.lo <= hi {
				out = append(out, c.name)
			}
		}
		return out
	}
	for i, w := range t.tokens {
		if w != "addetti" && w != "dipendenti" && w != "employees" && w != "staff" && w != "lavoratori" {
			continue
		}
		// "dipendenti fra 1 e 9"
		if a, ok := number(t.tok(i + 2)); ok && (t.tok(i+1) == "tra" || t.tok(i+1) == "fra" || t.tok(i+1) == "between") &&
			(t.tok(i+3) == "e" || t.tok(i+3) == "and") {
			if b, ok := number(t.tok(i + 4)); ok {
				s.set(inFilter("classe_addetti", pick(min(a, b), max(a, b))))
				t.consume(i, 5)
				return
			}
		}
		// "con 10-49 addetti": a range written with a dash (two numbers once folded)
		if x, okX := number(t.tok(i - 2)); okX {
			if y, okY := number(t.tok(i - 1)); okY && strings.Contains(strings.ReplaceAll(t.raw, " ", ""), t.tok(i-2)+"-"+t.tok(i-1)) {
				s.set(inFilter("classe_addetti", pick(min(x, y), max(x, y))))
				t.consume(i-2, 3)
				return
			}
		}
		n, ok := number(t.tok(i - 1))
		if !ok {
			continue
		}
		// "tra 10 e 49 addetti", "between 10 and 49 employees"
		if a, ok := number(t.tok(i - 3)); ok && (t.tok(i-2) == "e" || t.tok(i-2) == "and") &&
			(t.tok(i-4) == "tra" || t.tok(i-4) == "fra" || t.tok(i-4) == "da" || t.tok(i-4) == "between") {
			s.set(inFilter("classe_addetti", pick(min(a, n), max(a, n))))
			t.consume(i-4, 5)
			return
		}
		// the comparator before the number, past an article ("sotto i 10 addetti", "sopra i 49")
		k := i - 2
		if a := t.tok(k); a == "i" || a == "gli" || a == "le" || a == "the" {
			k--
		}
		cmp := t.tok(k-1) + " " + t.tok(k)
		lo, hi := -1, -1
		switch {
		case strings.HasSuffix(cmp, "piu di") || strings.HasSuffix(cmp, "more than") || strings.HasSuffix(cmp, "oltre") || strings.HasSuffix(cmp, "over") ||
			strings.HasSuffix(cmp, "sopra") || strings.HasSuffix(cmp, "above") || strings.HasSuffix(cmp, "superiore a") || strings.HasSuffix(cmp, "maggiore di"):
			lo, hi = n+1, 1<<30
		case strings.HasSuffix(cmp, "almeno") || strings.HasSuffix(cmp, "at least"):
			lo, hi = n, 1<<30
		case strings.HasSuffix(cmp, "meno di") || strings.HasSuffix(cmp, "less than") || strings.HasSuffix(cmp, "fewer than") || strings.HasSuffix(cmp, "under") ||
			strings.HasSuffix(cmp, "sotto") || strings.HasSuffix(cmp, "below") || strings.HasSuffix(cmp, "inferiore a") || strings.HasSuffix(cmp, "minore di"):
			lo, hi = 0, n-1
		case strings.HasSuffix(cmp, "fino a") || strings.HasSuffix(cmp, "up to") || strings.HasSuffix(cmp, "non piu di") || strings.HasSuffix(cmp, "massimo") ||
			strings.HasSuffix(cmp, "al massimo") || strings.HasSuffix(cmp, "at most"):
			lo, hi = 0, n
		case t.tok(i+1) == "o" && (t.tok(i+2) == "piu" || t.tok(i+2) == "oltre") || t.tok(i+1) == "or" && t.tok(i+2) == "more" ||
			t.tok(i+1) == "e" && t.tok(i+2) == "oltre" || t.tok(i+1) == "in" && t.tok(i+2) == "su":
			// "con 50 addetti o più", "50 employees or more", "50 addetti e oltre": from n up
			s.set(inFilter("classe_addetti", pick(n, 1<<30)))
			start := i - 1
			if t.tok(i-2) == "con" || t.tok(i-2) == "with" || t.tok(i-2) == "da" {
				start--
			}
			t.consume(start, i+3-start)
			return
		case t.tok(i+1) == "o" && t.tok(i+2) == "meno" || t.tok(i+1) == "or" && (t.tok(i+2) == "fewer" || t.tok(i+2) == "less"):
			// "con 9 addetti o meno": up to n
			s.set(inFilter("classe_addetti", pick(0, n)))
			start := i - 1
			if t.tok(i-2) == "con" || t.tok(i-2) == "with" || t.tok(i-2) == "da" {
				start--
			}
			t.consume(start, i+3-start)
			return
		case t.tok(i-2) == "con" || t.tok(i-2) == "with" || t.tok(i-2) == "da":
			// "imprese con 0 addetti": the class holding that number
			lo, hi = n, n
			t.consume(i-2, 3)
			s.set(inFilter("classe_addetti", pick(lo, hi)))
			return
		default:
			continue
		}
		s.set(inFilter("classe_addetti", pick(lo, hi)))
		t.consume(k-1, i-k+2)
		return
	}
	switch {
	case t.take("senza dipendenti", "senza addetti", "no employees", "without employees"):
		s.set(eq("classe_addetti", "0"))
	case t.take("micro e piccole", "micro and small"):
		s.set(inFilter("classe_addetti", []string{"0", "1-9", "10-49"}))
	case t.take("microimprese", "micro imprese", "microimpresa", "micro", "micro enterprises", "microenterprises"):
		s.set(inFilter("classe_addetti", []string{"0", "1-9"}))
	case t.take("pmi", "piccole e medie", "smes", "sme"):
		s.set(inFilter("classe_addetti", []string{"0", "1-9", "10-49", "50-249"}))
	case t.take("piccole imprese", "small businesses", "small firms"):
		s.set(eq("classe_addetti", "10-49"))
	case t.take("medie imprese", "medium sized", "medium businesses"):
		s.set(eq("classe_addetti", "50-249"))
	case t.take("grandi imprese", "grandi aziende", "imprese grandi", "aziende grandi", "imprese piu grandi", "aziende piu grandi", "large companies", "large firms",
		"big companies", "largest companies", "largest firms", "biggest companies", "biggest firms"):
		s.set(eq("classe_addetti", "250+"))
	}
}

// readAge reads "iscritte da meno di 36 mesi", "da più di 10 anni", "startup".
func (t *text) readAge(s *filterSet) {
	// "hanno tra 5 e 10 anni", "da 5 a 10 anni di attività": an age range (the upper end excluded)
	for i, w := range t.tokens {
		if w != "anni" && w != "years" {
			continue
		}
		a, okA := number(t.tok(i - 3))
		b, okB := number(t.tok(i - 1))
		lead, sep := t.tok(i-4), t.tok(i-2)
		if okA && okB && a < b && b <= 100 && (lead == "tra" || lead == "fra" || lead == "da" || lead == "between") &&
			(sep == "e" || sep == "a" || sep == "and") {
			s.set(semantic.Filter{Dimension: "anzianita", Op: "between", Values: []any{a * 12, b*12 - 1}})
			t.consume(i-4, 5)
			return
		}
	}
	for i, w := range t.tokens {
		mul := 0
		switch w {
		case "mesi", "months", "mese", "month":
			mul = 1
		case "anni", "years", "anno", "year":
			mul = 12
		default:
			continue
		}
		n, ok := number(t.tok(i - 1))
		if !ok {
			continue
		}
		cmp := t.tok(i-3) + " " + t.tok(i-2)
		op := ""
		switch {
		case strings.HasSuffix(cmp, "meno di") || strings.HasSuffix(cmp, "less than") || strings.HasSuffix(cmp, "fewer than") ||
			strings.HasSuffix(cmp, "younger than") || cmp == "sotto i" || cmp == "sotto gli":
			op = "<"
		case strings.HasSuffix(cmp, "piu di") || strings.HasSuffix(cmp, "more than") || strings.HasSuffix(cmp, "over") ||
			strings.HasSuffix(cmp, "oltre") || strings.HasSuffix(cmp, "older than"):
			op = ">"
		case strings.HasSuffix(cmp, "almeno") || strings.HasSuffix(cmp, "at least"):
			op = ">="
		default:
			continue
		}
		s.set(semantic.Filter{Dimension: "anzianita", Op: op, Value: n * mul})
		start := i - 3
		if t.tok(start-1) == "da" {
			start--
		}
		t.consume(start, i-start+1)
		return
	}
	if t.take("startup", "start up", "startups", "start ups") {
		s.set(semantic.Filter{Dimension: "anzianita", Op: "<", Value: 36})
	}
	// "imprese ultradecennali": more than ten (twenty) years since registration
	if t.take("ultradecennali", "ultradecennale", "ultra decennali") {
		s.set(semantic.Filter{Dimension: "anzianita", Op: ">", Value: 120})
	} else if t.take("ultraventennali", "ultraventennale", "ultra ventennali") {
		s.set(semantic.Filter{Dimension: "anzianita", Op: ">", Value: 240})
	}
}

// readGroups reads the breakdowns: "per quartiere", "by district", "anno per anno", "in quale
// settore", "i 3 quartieri". Time dimensions come last.
func (t *text) readGroups(source string) []string {
	var out []string
	lastEnd := -10
	for i := 0; i < len(t.tokens); i++ {
		dim, n := t.groupAt(i, source)
		if dim == "" {
			continue
		}
		before := t.wordsBefore(i, 2)
		prev := ""
		if len(before) > 0 {
			prev = before[0]
		}
		_, isNum := number(prev)
		isNum = isNum && prev != "un" && prev != "una" && prev != "uno" && prev != "one" // "hanno vinto un bando"
		trig := groupTriggers[prev] || isNum || prev == "primi" || prev == "prime" || prev == "top" ||
			// "quante imprese nuove al mese", "new firms per month" ("a month" is one month)
			dim == "mese" && prev == "al" && !slices.Contains([]string{"scorso", "precedente", "prima"}, t.tok(i+n)) ||
			(len(before) > 1 && (groupTriggers[before[1]] && (prev == "i" || prev == "le" || prev == "gli" || prev == "diversi" || prev == "singoli"))) ||
			// "elenca i quartieri per ...", "list the districts by ..."
			(len(before) > 1 && listVerbs[before[1]] && (prev == "i" || prev == "le" || prev == "gli" || prev == "the" || prev == "all")) ||
			((prev == "e" || prev == "and") && lastEnd == i-1) ||
			// "la zona che ha perso più imprese", "il settore dove chiudono più imprese"
			((t.tok(i+n) == "che" || t.tok(i+n) == "dove" || t.tok(i+n) == "in cui") && (prev == "la" || prev == "il" || prev == "l") &&
				(t.has("qual", "quale", "which") && t.has("piu", "meno", "most", "least", "fewest", "maggior", "maggiore", "minor", "minore") ||
					// "il quartiere che va peggio"
					t.has(faringWords...))) ||
			// "quali sono i quartieri dove chiudono più imprese"
			(len(before) > 1 && before[1] == "sono" && (prev == "i" || prev == "le" || prev == "gli") && t.has("quali", "quale")) ||
			(t.tok(i+n) == "con" || t.tok(i+n) == "with" || t.tok(i+n) == "had" || t.tok(i+n) == "has") && superlative(t.tok(i+n+1), t.tok(i+n+2)) ||
			(t.tok(i+n) == "per" && t.find(t.tok(i), i+n+1) == i+n+1) ||
			// "la forma giuridica più diffusa", "the sector most affected"
			(articles[prev] && (mostWords[t.tok(i+n)] || rankWords[t.tok(i+n)] != 0)) ||
			// "in che mese del 2020 ..."
			(prev == "che" && len(before) > 1 && before[1] == "in") ||
			// "che bando ha avuto più beneficiari?": the question opening with "che" as "quale"
			// "che mese è andato peggio?" likewise
			(prev == "che" && len(before) == 1 && (t.has("piu", "meno", "maggior", "maggiore", "minor", "minore") ||
				slices.ContainsFunc(t.tokens, func(w string) bool { return rankWords[w] != 0 }))) ||
			// "nelle zone del quartiere Navile", "le aree statistiche di Savena", "the zones of
			// Navile": the plural of a smaller level before a place (already read as a filter)
			((dim == "zona" || dim == "area_statistica") && pluralAreas[t.tok(i)] &&
				(t.tok(i+n) == "del" || t.tok(i+n) == "di" || t.tok(i+n) == "of" || t.tok(i+n) == "in") && t.tok(i+n+1) == "" && i+n+1 < len(t.tokens)) ||
			// "classifica dei quartieri per saldo", "ranking of districts", "classifica settori"
			(len(before) > 1 && rankingWords[before[1]] && (prev == "dei" || prev == "delle" || prev == "degli" || prev == "of" || prev == "per")) ||
			rankingWords[prev] ||
			// "tipo di cig più richiesto nel 2021": the question opening with the dimension ranked
			(len(before) == 0 && (mostWords[t.tok(i+n)] || rankWords[t.tok(i+n)] != 0)) ||
			// "esiti delle domande cig": the plural names the breakdown
			(dim == "esito" && (t.tok(i) == "esiti" || t.tok(i) == "outcomes" || len(before) == 0)) ||
			// "la top 10 delle aree statistiche", "i primi 5 tra i quartieri"
			(len(before) > 1 && (prev == "dei" || prev == "delle" || prev == "degli" || prev == "of" || prev == "tra" || prev == "fra" || prev == "among") &&
				(before[1] == "top" || isNumber(before[1]))) ||
			periodAdjectives[t.tok(i)] ||
			// "le causali della cig più frequenti", "the most common causes": a plural dimension
			// ranked by a superlative a few words on, or after one
			(prev == "i" || prev == "le" || prev == "gli" || prev == "the") && (italianPluralDims[t.tok(i)] || pluralDims[t.tok(i)]) &&
				slices.ContainsFunc([]int{0, 1, 2, 3}, func(k int) bool { return mostWords[t.tok(i+n+k)] }) ||
			len(before) > 1 && (before[1] == "most" || before[1] == "least") && pluralDims[t.tok(i)]
		if !trig {
			continue
		}
		if !slices.Contains(out, dim) {
			out = append(out, dim)
		}
		if t.tok(i+n) == "per" && t.tok(i+n+1) == t.tok(i) {
			n += 2 // "anno per anno"
		}
		t.consume(i, n)
		lastEnd = i + n
		i += n - 1
	}
	sort.SliceStable(out, func(i, j int) bool { return !isTimeDim(out[i]) && isTimeDim(out[j]) })
	return out
}

// notCentre are words after "centro" that make it no part of the city.
var notCentre = map[string]bool{"commerciale": true, "commerciali": true, "per": true, "sportivo": true, "congressi": true,
	"estivo": true, "impiego": true, "servizi": true, "di": true, "della": true, "dei": true, "anziani": true, "giovanile": true,
	"culturale": true, "sociale": true, "direzionale": true, "agroalimentare": true}

// pluralAreas are the plurals of the zone and statistical-area words.
var pluralAreas = map[string]bool{"zone": true, "aree": true, "zones": true, "areas": true}

// periodAdjectives name a time breakdown by themselves ("andamento trimestrale", "dati
// mensili"), with no "per" before them.
var periodAdjectives = map[string]bool{"trimestrale": true, "trimestrali": true, "mensile": true, "mensili": true,
	"quarterly": true, "monthly": true, "annue": true, "annui": true, "annuali": true, "yearly": true, "annual": true}

func isTimeDim(d string) bool { return d == "anno" || d == "trimestre" || d == "mese" }

// groupAt returns the dimension named at token i and its length in words.
func (t *text) groupAt(i int, source string) (string, int) {
	for _, g := range groupWords {
		for _, w := range g.words {
			if t.find(w, i) != i {
				continue
			}
			n := len(strings.Fields(w))
			dim := g.dim
			switch {
			case dim == "sezione_ateco" && source == "suap":
				dim = "settore_suap"
			case dim == "settore_suap" && source != "suap":
				continue
			case dim == "stato" && source != "register":
				continue
			case (dim == "tipo_cig" || dim == "causale_cig") && source != "cig":
				continue
			case dim == "esito" && source == "register":
				continue
			case dim == "bando" && source != "contributi":
				continue
			}
			return dim, n
		}
	}
	if t.tok(i) == "tipo" || t.tok(i) == "tipi" || t.tok(i) == "type" || t.tok(i) == "types" {
		switch source {
		case "cig":
			return "tipo_cig", 1
		case "suap":
			return "tipo_pratica", 1
		}
	}
	return "", 0
}

// quartieriZone lists every zona of the register's territory.
func quartieriZone() []string {
	var out []string
	for _, q := range codes.Quartieri {
		out = append(out, q.Zone...)
	}
	return out
}

func foldName(s string) string { return catalog.Fold(s) }
