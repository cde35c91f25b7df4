package planner

import (
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode"

	"github.com/comune-bologna/conoscenza/agent/catalog"
)

// text is a question folded for matching: lower case, no accents, punctuation as spaces, key
// words with typos corrected against the planner's vocabulary. Matches are on whole words;
// consumed spans are blanked so that a word read as a filter is not read again as a metric.
type text struct {
	raw    string   // the question as asked
	tokens []string // folded, corrected words
	read   []string // the tokens as newText read them, none consumed (see fresh)
	// cmpSpan is the period a comparison names ("rispetto ad agosto 2025"), read by
	// comparison and resolved against the question's own period by resolveSpan
	cmpSpan period
	// cmpOrdinal is "rispetto al primo" without its unit: the quarter or semester of the
	// question's own period with that number
	cmpOrdinal int
	// cmpMonth is "rispetto a maggio" (the latest May), cmpMonthsAgo "rispetto a sei mesi fa"
	cmpMonth     time.Month
	cmpMonthsAgo int
	// cmpUnit is the unit a comparison with the previous period names ("rispetto al mese
	// scorso": month; "al trimestre precedente": quarter), the question's period when it names none
	cmpUnit string
	// cmpTrend says the comparison came from a direction alone ("sono in aumento?"), no reference
	cmpTrend bool
}

var punct = strings.NewReplacer("?", " ", "!", " ", ",", " ", ";", " ", ":", " ", "«", " ", "»", " ",
	"\"", " ", "(", " ", ")", " ", "/", " ", "“", " ", "”", " ", "%", " percento ")

func newText(question string) *text {
	// Codes are read from the raw question; in the folded one they must not look like years.
	q := markDates(expandMonths(expandYearWords(expandDecades(question))))
	q = replaceCallIDs(q, " codicebando ")
	q = cfRE.ReplaceAllString(q, " codicefiscale ")
	q = atecoRE.ReplaceAllString(q, " codiceateco ")
	f := catalog.Fold(punct.Replace(q))
	var toks []string
	for _, tk := range strings.Fields(f) {
		if a, ok := abbreviations[tk]; ok {
			toks = append(toks, strings.Fields(a)...)
			continue
		}
		if a, b, ok := unelided(tk); ok {
			toks = append(toks, a, b)
			continue
		}
		toks = append(toks, correct(tk))
	}
	return &text{raw: question, tokens: toks, read: slices.Clone(toks)}
}

// fresh is the question as newText read it, none of its words consumed: newText(t.raw)
// without reading the question again (the regular expressions, folding and corrections).
func (t *text) fresh() *text {
	return &text{raw: t.raw, tokens: slices.Clone(t.read), read: t.read}
}

// String is the folded question.
func (t *text) String() string { return strings.Join(t.tokens, " ") }

// find returns the token index where phrase (folded words; a trailing * matches any ending)
// starts at or after from, or -1.
func (t *text) find(phrase string, from int) int {
	words := strings.Fields(phrase)
	if len(words) == 0 {
		return -1
	}
	for i := max(from, 0); i+len(words) <= len(t.tokens); i++ {
		ok := true
		for j, w := range words {
			if !wordMatch(t.tokens[i+j], w) {
				ok = false
				break
			}
		}
		if ok {
			return i
		}
	}
	return -1
}

func wordMatch(tok, w string) bool {
	if strings.HasSuffix(w, "*") {
		return strings.HasPrefix(tok, w[:len(w)-1]) && tok != ""
	}
	return tok == w
}

// has says whether any of the phrases occurs.
func (t *text) has(phrases ...string) bool {
	for _, p := range phrases {
		if t.find(p, 0) >= 0 {
			return true
		}
	}
	return false
}

// first returns the earliest occurrence of any phrase: its index and word count.
func (t *text) first(phrases ...string) (int, int) {
	best, n := -1, 0
	for _, p := range phrases {
		if i := t.find(p, 0); i >= 0 && (best < 0 || i < best) {
			best, n = i, len(strings.Fields(p))
		}
	}
	return best, n
}

// consume blanks n tokens from i, so that later readings skip them.
func (t *text) consume(i, n int) {
	for k := i; k < i+n && k < len(t.tokens); k++ {
		t.tokens[k] = ""
	}
}

// take finds the first of the phrases, blanks it and says whether it was there.
func (t *text) take(phrases ...string) bool {
	i, n := t.first(phrases...)
	if i < 0 {
		return false
	}
	t.consume(i, n)
	return true
}

// tok returns the token at i, or "" outside the question.
func (t *text) tok(i int) string {
	if i < 0 || i >= len(t.tokens) {
		return ""
	}
	return t.tokens[i]
}

// wordsBefore returns up to n non-blank tokens before index i, nearest first.
func (t *text) wordsBefore(i, n int) []string {
	var out []string
	for k := i - 1; k >= 0 && len(out) < n; k-- {
		if t.tokens[k] != "" {
			out = append(out, t.tokens[k])
		}
	}
	return out
}

var numberWords = map[string]int{
	"un": 1, "uno": 1, "una": 1, "due": 2, "tre": 3, "quattro": 4, "cinque": 5, "sei": 6, "sette": 7,
	"otto": 8, "nove": 9, "dieci": 10, "undici": 11, "dodici": 12, "tredici": 13, "quattordici": 14, "quindici": 15, "sedici": 16,
	"diciassette": 17, "diciotto": 18, "diciannove": 19, "venti": 20, "ventuno": 21, "ventidue": 22, "ventitre": 23,
	"venticinque": 25, "ventisei": 26, "ventisette": 27, "ventotto": 28, "ventinove": 29, "trentuno": 31, "ventiquattro": 24, "trenta": 30, "quaranta": 40, "cinquanta": 50,
	// elided before a vowel: "da più di trent'anni", "vent'anni fa"
	"vent": 20, "trent": 30, "quarant": 40, "cinquant": 50,
	"one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8, "nine": 9,
	"ten": 10, "fifteen": 15, "twenty": 20,
}

// isNumber says whether a token is a small number (see number).
func isNumber(tok string) bool {
	_, ok := number(tok)
	return ok
}

// number reads a token as a small number, in digits or words.
func number(tok string) (int, bool) {
	if n, ok := numberWords[tok]; ok {
		return n, true
	}
	n, err := strconv.Atoi(tok)
	return n, err == nil && n >= 0 && n < 100000
}

// vocabulary is every word the planner's phrases use; tokens close to one are corrected to it.
var vocabulary = map[string]bool{}

// keepAsIs are common words that must never be "corrected" into a key word.
var keepAsIs = map[string]bool{"quanto": true, "quanta": true, "quali": true, "quale": true, "come": true,
	// "il maggior numero" is no "maggio"
	"maggior": true, "maggiore": true, "maggiori": true, "minore": true, "minori": true,
	"sono": true, "erano": true, "stato": true, "stata": true, "state": true, "stati": true, "anni": true,
	"anno": true, "mese": true, "mesi": true, "dati": true, "data": true, "dopo": true, "prima": true,
	"tutte": true, "tutti": true, "della": true, "delle": true, "dello": true, "degli": true, "nella": true,
	"nelle": true, "negli": true, "sulla": true, "sulle": true, "dalla": true, "dalle": true, "ancora": true,
	"hanno": true, "avuto": true, "fatto": true, "fanno": true, "sempre": true, "questo": true, "questa": true,
	"there": true, "these": true, "those": true, "their": true, "where": true, "which": true, "what": true,
	"years": true, "months": true, "since": true, "about": true, "would": true, "could": true, "tasso": true,
	"costa": true, "posso": true, "puoi": true, "serve": true, "dice": true, "tempo": true, "media": true,
	"oggi": true, "domani": true, "totale": true, "total": true, "nuova": true, "nuovo": true, "nuove": true,
	"quando": true, "dove": true, "perche": true, "scorso": true, "scorsa": true, "scorsi": true, "corso": true,
	"passato": true, "ultimo": true, "ultima": true, "ultime": true, "primo": true, "prime": true, "primi": true,
	"secondo": true, "terzo": true, "quarto": true, "quinto": true, "tutto": true, "altro": true, "altre": true,
	"altri": true, "molto": true, "molte": true, "poche": true, "sotto": true, "sopra": true, "entro": true,
	"fino": true, "circa": true, "ogni": true, "stesso": true, "stessa": true, "quelle": true, "quelli": true,
	"quella": true, "quello": true, "fammi": true, "dimmi": true, "mostrami": true, "vedere": true,
	"anche": true, "invece": true, "solo": true, "soltanto": true, "rispetto": true, "prevede": true, "dicono": true,
	"after": true, "before": true, "between": true, "during": true, "other": true, "first": true,
	"cresciute": true, "cresciuti": true, "cresciuta": true, "cresciuto": true, "crescono": true, "cresce": true,
	"second": true, "third": true, "fourth": true, "under": true, "over": true, "last": true, "next": true,
	"conta": true, "contano": true, "calcola": true, "misura": true, "ordine": true, "crescente": true, "decrescente": true, "sociali": true,
	"metro": true, "metri": true, "centro": true,
	// "il saldo più basso" is no "tasso"
	"basso": true, "bassa": true, "bassi": true, "basse": true, "alto": true, "alta": true, "alti": true, "alte": true}

// abbreviations are short forms people type ("imprese attv. femm. Navile", "nr. iscrizioni"),
// read as the words they stand for; too short to be corrected.
var abbreviations = map[string]string{"femm": "femminili", "giov": "giovanili", "stran": "straniere", "artig": "artigiane",
	"attv": "attive", "qnt": "quante", "nr": "numero", "num": "numero", "yoy": "anno su anno", "quart": "quartiere",
	// "qnte chiusure nel 2T 2026", "aperture YTD", "chiusure MoM ottobre 2026"
	"qnte": "quante", "qnti": "quanti", "1t": "primo trimestre", "2t": "secondo trimestre", "3t": "terzo trimestre", "4t": "quarto trimestre",
	"t1": "primo trimestre", "t2": "secondo trimestre", "t3": "terzo trimestre", "t4": "quarto trimestre",
	"h1": "primo semestre", "h2": "secondo semestre", "ytd": "da inizio anno", "mom": "rispetto al mese precedente",
	"qoq": "rispetto al trimestre precedente",
	// "aperture 1° sem 2025", "quante impr. individuali"
	"sem": "semestre", "trim": "trimestre", "impr": "imprese", "az": "aziende"}

// numbers in words are kept as typed ("negli ultimi dodici mesi" is no "codici")
func init() {
	for w := range numberWords {
		keepAsIs[w] = true
	}
}

func addVocabulary(phrases ...string) {
	for _, p := range phrases {
		for _, w := range strings.Fields(catalog.Fold(p)) {
			if !strings.HasSuffix(w, "*") && len(w) >= 5 {
				vocabulary[w] = true
			}
		}
	}
}

// elisionLeads are the articles and prepositions Italian elides before a vowel.
var elisionLeads = []string{"dell", "nell", "dall", "all", "sull", "quest", "un", "l"}

// unelided splits a word typed without its apostrophe ("lanno scorso", "dellanno",
// "nellultimo trimestre", "questanno") into the elided article and a word the planner knows.
func unelided(tok string) (string, string, bool) {
	if vocabulary[tok] || keepAsIs[tok] || isDataWord(tok) {
		return "", "", false
	}
	for _, l := range elisionLeads {
		rest, ok := strings.CutPrefix(tok, l)
		if !ok || len(rest) < 4 || !strings.ContainsRune("aeiou", rune(rest[0])) {
			continue
		}
		if _, month := months[rest]; vocabulary[rest] || keepAsIs[rest] || month {
			return l, rest, true
		}
	}
	return "", "", false
}

// correct maps a mistyped key word to the vocabulary word one edit away (two for long words).
func correct(tok string) string {
	if len(tok) < 5 || vocabulary[tok] || keepAsIs[tok] || isDataWord(tok) || strings.IndexFunc(tok, unicode.IsDigit) >= 0 {
		return tok
	}
	limit := 1
	if len(tok) >= 9 {
		limit = 2
	}
	best, bestD := tok, limit+1
	for w := range vocabulary {
		if abs(len(w)-len(tok)) > limit {
			continue
		}
		if d := catalog.EditDistance(tok, w); d < bestD || d == bestD && w < best {
			best, bestD = w, d
		}
	}
	if bestD <= limit {
		return best
	}
	// two letters typed the wrong way round are one slip ("giungo" is "giugno"), not two
	b := []byte(tok)
	for i := 0; i+1 < len(b); i++ {
		b[i], b[i+1] = b[i+1], b[i]
		if vocabulary[string(b)] {
			return string(b)
		}
		b[i], b[i+1] = b[i+1], b[i]
	}
	return tok
}

func abs(x int) int {
	if x < 0 {
		return -x
	}
	return x
}

var (
	englishWords = map[string]bool{"how": true, "many": true, "much": true, "what": true, "which": true, "the": true,
		"were": true, "was": true, "did": true, "does": true, "show": true, "companies": true, "businesses": true,
		"firms": true, "and": true, "by": true, "of": true, "with": true, "are": true, "is": true, "there": true,
		"since": true, "between": true, "compared": true, "share": true, "active": true, "closures": true,
		"openings": true, "district": true, "me": true, "about": true, "can": true, "you": true, "delete": true,
		"until": true, "according": true, "last": true, "year": true, "grant": true, "have": true, "would": true,
		"for": true, "hours": true, "requested": true, "number": true, "from": true, "requests": true, "permits": true,
		"workers": true, "average": true, "beneficiary": true, "amount": true, "half": true, "give": true, "zone": true,
		"thanks": true, "thank": true, "hello": true, "hi": true, "new": true, "month": true,
		// "SUAP applications rejected in 2025", "net change in businesses per quarter"
		"applications": true, "rejected": true, "accepted": true, "net": true, "change": true, "quarter": true, "quarters": true}
	italianWords = map[string]bool{"quante": true, "quanti": true, "quanto": true, "quale": true, "quali": true,
		"il": true, "la": true, "le": true, "di": true, "del": true, "della": true, "delle": true, "nel": true,
		"sono": true, "hanno": true, "imprese": true, "che": true, "per": true, "e": true, "cosa": true,
		"ci": true, "dal": true, "nei": true, "gli": true, "un": true, "una": true, "con": true, "come": true,
		"anno": true, "dammi": true, "mostrami": true, "quest": true, "tra": true, "sul": true, "alla": true}
)

// language guesses it or en from function words; Italian wins ties.
func language(question string) string {
	en, it := 0, 0
	for _, w := range strings.Fields(catalog.Fold(punct.Replace(question))) {
		if englishWords[w] {
			en++
		}
		if italianWords[w] {
			it++
		}
	}
	if en > it {
		return "en"
	}
	return "it"
}

var (
	bandoRE = regexp.MustCompile(`(?i)\bB-\d{4}-\d{2}\b`)
	cfRE    = regexp.MustCompile(`(?i)\b(\d{11}|[A-Z]{6}\d{2}[A-Z]\d{2}[A-Z]\d{3}[A-Z])\b`)
	atecoRE = regexp.MustCompile(`\b(\d{2}\.\d{1,2}(?:\.\d{1,2})?)\b`)
)
