package planner

import "strings"

// pluralWhich says whether "which" or "what" asks for several ("which districts lost the most
// firms"): a ranking, not its first.
func (t *text) pluralWhich() bool {
	for i, w := range t.tokens {
		if (w == "which" || w == "what") && pluralDims[t.tok(i+1)] || w == "quali" && italianPluralDims[t.tok(i+1)] {
			return true
		}
		// "quali sono le causali più frequenti", "what are the main causes"
		k := i + 1
		if t.tok(k) == "sono" || t.tok(k) == "erano" || t.tok(k) == "are" || t.tok(k) == "were" {
			k++
			if t.tok(k) == "i" || t.tok(k) == "le" || t.tok(k) == "gli" || t.tok(k) == "the" {
				k++
			}
			// "what are the most common causes": past a superlative
			for d := k; d <= k+2 && k > i+2; d++ {
				if w == "quali" && italianPluralDims[t.tok(d)] || (w == "which" || w == "what") && pluralDims[t.tok(d)] {
					return true
				}
			}
		}
	}
	return false
}

// pluralDimWithArticle says whether a dimension is named in the plural with its article ("i
// settori con più imprese straniere", "le zone con il maggior numero di chiusure"): with a
// superlative, the whole ranking in order.
func (t *text) pluralDimWithArticle() bool {
	for i, w := range t.tokens {
		if i == 0 && (italianPluralDims[w] || pluralDims[w]) && (t.tok(1) == "con" || t.tok(1) == "with") {
			return true // "settori con meno aperture nel 2025": opening the question, no article
		}
		if !(w == "i" || w == "le" || w == "gli" || w == "the") || !italianPluralDims[t.tok(i+1)] && !pluralDims[t.tok(i+1)] {
			continue
		}
		if t.tok(i+2) == "con" || t.tok(i+2) == "with" {
			return true
		}
		// "le causali più frequenti", "i settori di attività più colpiti", "the most common causes"
		for k := i + 2; k <= i+4; k++ {
			if t.tok(k) == "piu" || t.tok(k) == "meno" || t.tok(k) == "most" || t.tok(k) == "least" {
				return true
			}
		}
	}
	return false
}

// pluralDims are English dimension words in the plural.
var pluralDims = map[string]bool{"districts": true, "zones": true, "sectors": true, "areas": true, "industries": true,
	"neighbourhoods": true, "neighborhoods": true, "municipalities": true, "calls": true, "divisions": true, "causes": true,
	"reasons": true, "outcomes": true}

// italianPluralDims are Italian dimension words in the plural: "quali settori hanno avuto più
// cassa integrazione" asks for the ranking, in order.
var italianPluralDims = map[string]bool{"quartieri": true, "zone": true, "settori": true, "comparti": true, "divisioni": true, "bandi": true,
	"causali": true, "motivi": true, "motivazioni": true, "aree": true, "esiti": true}

// explicitBreakdown says whether a dimension is asked for after "per", "by", "x", "ogni",
// "ciascun" ("imprese sospese per quartiere"), not after a number ("nata sei mesi fa").
func (t *text) explicitBreakdown() bool {
	for i, w := range t.tokens {
		switch w {
		case "per", "by", "x", "ogni", "ciascun", "ciascuna", "each", "quale", "quali", "which", "what", "top", "che":
		default:
			continue
		}
		for _, g := range groupWords {
			if t.startsAny(i+1, g.words) {
				return true
			}
		}
	}
	return t.singularRank()
}

// mostWords follow a dimension to ask for the first of a ranking ("la forma giuridica più diffusa").
var mostWords = map[string]bool{"piu": true, "meno": true, "most": true, "least": true}

// rankingWords ask for a whole ranking, in order, with no limit.
var rankingWords = map[string]bool{"classifica": true, "graduatoria": true, "ranking": true, "rank": true}

// wantsRanking says whether the question asks for an ordered list ("classifica dei quartieri",
// "dalla peggiore", "worst first").
func (t *text) wantsRanking() bool {
	return t.has("classifica", "graduatoria", "ranking", "rank", "ranked", "ordinati", "ordinate", "in ordine", "ordered", "sorted") ||
		t.has(worstFirst...) || t.has(bestFirst...)
}

// worstFirst and bestFirst ask for a ranking from the lowest or from the highest.
var (
	worstFirst = []string{"dalla peggiore", "dal peggiore", "dai peggiori", "dalle peggiori", "dal piu basso", "dalla piu bassa",
		"in ordine crescente", "worst first", "lowest first", "ascending",
		// "per zona, dalla zona messa peggio", "dal quartiere che va peggio"
		"dal* * mess* peggio", "dai * mess* peggio", "dal* mess* peggio", "dal* * che va peggio", "dal* * che vanno peggio"}
	bestFirst = []string{"dalla migliore", "dal migliore", "dai migliori", "dalle migliori", "dal piu alto", "dalla piu alta",
		"in ordine decrescente", "best first", "highest first", "descending",
		"dal* * mess* meglio", "dai * mess* meglio", "dal* mess* meglio", "dal* * che va meglio", "dal* * che vanno meglio"}
)

// singularRank says whether a dimension is asked as the one first of a ranking, with no
// question word: "il settore con più imprese femminili", "l'area statistica con più chiusure",
// "la forma giuridica più diffusa".
func (t *text) singularRank() bool {
	for i := range t.tokens {
		// "il quartiere con più ...", or the question opening with it ("quartiere con più ...")
		// "nel quartiere con più imprese": the preposition holds the article
		if (!articles[t.tok(i-1)] && !articledPrep[t.tok(i-1)] || t.tok(i-1) == "i") && i > 0 {
			continue
		}
		// "settori con meno aperture" (a plural, no article): the ranking, not its first
		if italianPluralDims[t.tok(i)] || pluralDims[t.tok(i)] {
			continue
		}
		for _, g := range groupWords {
			for _, w := range g.words {
				if t.find(w, i) != i {
					continue
				}
				next := t.tok(i + len(strings.Fields(w)))
				if mostWords[next] || rankWords[next] != 0 || (next == "con" || next == "with" || next == "che" || next == "dove" || next == "that") &&
					(t.has("piu", "meno", "most", "least", "fewest", "maggiore", "minore", "maggior", "minor", "highest", "lowest") ||
						t.has(faringWords...)) {
					return true
				}
			}
		}
	}
	return false
}

// readTop reads "i 3 quartieri con più ...", "top 5", "il quartiere con meno ...": the limit and
// whether the smallest come first.
// rankWords are adjectives that ask for the first of a ranking: 1 the largest, -1 the smallest.
var rankWords = map[string]int{"migliore": 1, "miglior": 1, "migliori": 1, "meglio": 1, "best": 1, "highest": 1, "largest": 1, "biggest": 1,
	"peggiore": -1, "peggior": -1, "peggiori": -1, "peggio": -1, "worst": -1, "lowest": -1, "smallest": -1}

func (t *text) readTop() (int, bool) {
	asc := t.has("meno", "least", "fewest", "lowest", "minore", "minor", "smallest", "peggiore", "peggior", "peggiori", "peggio", "worst",
		"piu basso", "piu bassa", "piu negativo", "piu negativa", "most negative") && !t.has(bestFirst...) || t.has(worstFirst...)
	most := t.has("piu", "most", "maggiore", "maggior", "highest", "largest", "biggest", "top", "primi", "prime", "migliore", "miglior",
		"migliori", "meglio", "best") || asc
	for i, w := range t.tokens {
		n, ok := number(w)
		if !ok || n < 1 || n > 50 {
			continue
		}
		prev := t.tok(i - 1)
		// "le ultime 3 zone per saldo", "bottom 5 districts": the last of the ranking (not "gli
		// ultimi 3 anni", a period, whose unit is no dimension to rank)
		if (prev == "ultime" || prev == "ultimi" || prev == "bottom") && t.rankedDimAt(i+1) {
			return n, true
		}
		if prev == "top" || prev == "primi" || prev == "prime" || prev == "i" || prev == "le" || prev == "gli" || prev == "which" || prev == "the" || prev == "sono" {
			if most {
				return n, asc
			}
		}
	}
	if !most {
		return 0, false
	}
	if t.has("qual e il", "qual e la", "qual e l", "qual e stato il", "qual e stata la", "quale", "in quale") || t.singularRank() ||
		// "in che quartiere ci sono più pratiche", "che settore ha chiesto più cig": "che" as "quale"
		t.has("in che quartiere", "in che zona", "in che settore", "in che mese", "in che anno", "che quartiere", "che zona",
			"che settore", "che bando", "che causale", "che tipo di cig", "in che area", "che mese", "che anno", "che area", "che trimestre") ||
		t.has("which", "what") && !t.pluralWhich() {
		return 1, asc
	}
	return 0, asc // "quali zone hanno meno chiusure": the whole ranking, smallest first
}

func superlative(a, b string) bool {
	if a == "il" || a == "la" || a == "l" {
		a, b = b, ""
	}
	switch a {
	case "saldo", "tasso", "valore", "numero", "quota", "percentuale", "incidenza", "crescita", "importo", "ammontare":
		return true
	}
	if rankWords[a] != 0 {
		return true
	}
	switch a {
	case "piu", "meno", "maggiore", "minore", "maggior", "minor", "most", "least", "fewest", "the":
		return a != "the" || b == "most" || b == "least" || b == "fewest" || b == "highest" || b == "lowest"
	}
	return false
}

// rankedDimAt says whether a dimension other than time is named at token i ("le ultime 3 zone").
func (t *text) rankedDimAt(i int) bool {
	for _, g := range groupWords {
		if !isTimeDim(g.dim) && t.startsAny(i, g.words) {
			return true
		}
	}
	return false
}

// wherePlace says whether the question asks where there is the most or the least of something
// ("dove ci sono più imprese giovanili?", "where do most firms close?"): the place is the
// quartiere, the first of a ranking.
func (t *text) wherePlace() bool {
	first := ""
	for _, w := range t.tokens {
		if w != "" {
			first = w
			break
		}
	}
	return (first == "dove" || first == "where") && t.has("piu", "meno", "most", "least", "fewest")
}

// articledPrep are prepositions joined to a singular article ("nel quartiere con più ...").
var articledPrep = map[string]bool{"nel": true, "nella": true, "nell": true, "del": true, "della": true, "dell": true, "al": true,
	"alla": true, "sul": true, "sulla": true, "dal": true, "dalla": true}
