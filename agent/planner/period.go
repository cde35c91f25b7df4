package planner

import (
	"slices"
	"strconv"
	"strings"
	"time"
)

// period is a time window read from a question; empty bounds are open.
type period struct {
	from, to time.Time
	found    bool
	// open says the end was left open on purpose ("dal 2020", "quest'anno"): data end at
	// their own as-of date, which the planner does not know.
	open bool
	// each says the years were named one by one ("nel 2024 e nel 2025"): a value per year
	each bool
	// eachMonth says two months were set apart ("le aperture di gennaio e quelle di febbraio
	// 2026"): a value per month
	eachMonth bool
}

func (p period) fromString() string { return dateString(p.from) }
func (p period) toString() string   { return dateString(p.to) }

func dateString(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.Format(time.DateOnly)
}

func day(y int, m time.Month, d int) time.Time { return time.Date(y, m, d, 0, 0, 0, 0, time.UTC) }

func yearSpan(y int) period { return period{from: day(y, 1, 1), to: day(y, 12, 31), found: true} }

func monthSpan(y int, from, to time.Month) period {
	return period{from: day(y, from, 1), to: day(y, to+1, 1).AddDate(0, 0, -1), found: true}
}

// lastCompleteMonthEnd is the last day of the month before now's.
func lastCompleteMonthEnd(now time.Time) time.Time {
	return day(now.Year(), now.Month(), 1).AddDate(0, 0, -1)
}

// lockdown is the period "durante il lockdown" means: Italy's first national lockdown, from the
// DPCM of 9 March 2020 to the reopening of shops on 18 May 2020.
var lockdown = period{from: day(2020, 3, 9), to: day(2020, 5, 18), found: true}

// pandemic is what "il periodo del covid" means: the national state of emergency, from the
// resolution of 31 January 2020 to its end on 31 March 2022.
var pandemic = period{from: day(2020, 1, 31), to: day(2022, 3, 31), found: true}

var months = map[string]time.Month{
	"gennaio": 1, "febbraio": 2, "marzo": 3, "aprile": 4, "maggio": 5, "giugno": 6, "luglio": 7,
	"agosto": 8, "settembre": 9, "ottobre": 10, "novembre": 11, "dicembre": 12,
	"january": 1, "february": 2, "march": 3, "april": 4, "may": 5, "june": 6, "july": 7,
	"august": 8, "september": 9, "october": 10, "november": 11, "december": 12,
}

var ordinals = map[string]int{"primo": 1, "prima": 1, "first": 1, "secondo": 2, "seconda": 2, "second": 2,
	"terzo": 3, "third": 3, "quarto": 4, "fourth": 4, "ultimo": 4, "last": 4}

// ordinalOf reads an ordinal in words or digits ("primo", "1°", "2nd"); digits are read only
// where a unit follows (see pointAt).
func ordinalOf(w string) (int, bool) {
	if o, ok := ordinals[w]; ok {
		return o, true
	}
	switch w { // "IV trimestre 2025"
	case "i":
		return 1, true
	case "ii":
		return 2, true
	case "iii":
		return 3, true
	case "iv":
		return 4, true
	}
	w = strings.TrimRight(w, "°ºo")
	for _, suf := range []string{"st", "nd", "rd", "th"} {
		w = strings.TrimSuffix(w, suf)
	}
	if len(w) == 1 && w[0] >= '1' && w[0] <= '4' {
		return int(w[0] - '0'), true
	}
	return 0, false
}

// multiYears are the nouns of a span of years ("triennio").
var multiYears = map[string]int{"biennio": 2, "triennio": 3, "quadriennio": 4, "quinquennio": 5, "decennio": 10, "decade": 10}

func isYearTok(tok string) bool {
	_, ok := year(tok)
	return ok
}

func year(tok string) (int, bool) {
	if len(tok) != 4 {
		return 0, false
	}
	y, err := strconv.Atoi(tok)
	return y, err == nil && y >= 1950 && y <= 2100
}

// beforePandemic are the ways of naming the time before covid as a reference ("rispetto a prima
// del covid", "ai livelli pre-pandemia").
var beforePandemic = []string{"prima del covid", "prima della pandemia", "prima del coronavirus", "prima del lockdown",
	"pre covid", "pre pandemia", "pre pandemici", "pre pandemiche", "pre lockdown", "precovid", "prepandemia",
	"before covid", "before the pandemic", "before the covid", "before the lockdown", "pre pandemic"}

// beforePandemicAt returns how many tokens from i name the time before covid, optionally after
// "i livelli", "quelli", "the levels" ("rispetto ai livelli di prima del covid"), or 0.
func (t *text) beforePandemicAt(i int) int {
	k := i
	for t.tok(k) == "livelli" || t.tok(k) == "livello" || t.tok(k) == "valori" || t.tok(k) == "dati" || t.tok(k) == "quelli" ||
		t.tok(k) == "quelle" || t.tok(k) == "di" || t.tok(k) == "del" || t.tok(k) == "periodo" || t.tok(k) == "levels" ||
		t.tok(k) == "the" || t.tok(k) == "anni" {
		k++
	}
	for _, ph := range beforePandemic {
		if t.find(ph, k) == k {
			return k - i + len(strings.Fields(ph))
		}
	}
	return 0
}

// comparison reads "rispetto al 2019", "rispetto all'anno precedente", "compared with the
// previous period" and blanks it. It returns compare_to ("" for none) and, for an explicit
// year, that year.
func (t *text) comparison() (string, int) {
	t.yearEnds()
	for i := range t.tokens {
		w := t.tokens[i]
		lead, phrasesOnly := 0, false
		switch {
		case w == "rispetto" && (t.tok(i+1) == "al" || t.tok(i+1) == "all" || t.tok(i+1) == "a" || t.tok(i+1) == "ai" || t.tok(i+1) == "allo" ||
			t.tok(i+1) == "ad" || t.tok(i+1) == "alla" || t.tok(i+1) == "alle" || t.tok(i+1) == "agli"):
			lead = 2
		case (w == "compared" || w == "compare") && (t.tok(i+1) == "with" || t.tok(i+1) == "to"):
			lead = 2
		case w == "confronto" && (t.tok(i+1) == "con" || t.tok(i+1) == "col"):
			lead = 2
		case (w == "differenza" || w == "difference") && (t.tok(i+1) == "con" || t.tok(i+1) == "col" || t.tok(i+1) == "dal" ||
			t.tok(i+1) == "dall" || t.tok(i+1) == "from" || t.tok(i+1) == "with" || t.tok(i+1) == "to" || t.tok(i+1) == "vs"):
			// "la differenza con il 2024", "the difference from 2024"
			lead = 2
		case (w == "meglio" || w == "peggio" || w == "better" || w == "worse") && t.tok(i+1) != "":
			// "aperture nel 2025: meglio o peggio del 2024?"
			lead = 1
			for k := i + 1; k < i+5; k++ {
				if isYearTok(t.tok(k)) {
					lead = k - i
					break
				}
			}
			if lead == 1 {
				// "meglio o peggio dell'anno prima?": a comparison named after "di"
				k := i + 1
				for t.tok(k) == "di" || t.tok(k) == "del" || t.tok(k) == "dell" || t.tok(k) == "than" || t.tok(k) == "the" || t.tok(k) == "l" {
					k++
				}
				if c, n := t.namedComparison(k); c != "" {
					t.consume(i, k-i+n)
					return c, 0
				}
				continue
			}
		case (w == "su" || w == "sul" || w == "over") && isYearTok(t.tok(i-1)) && isYearTok(t.tok(i+1)):
			// "variazione percentuale aperture 2025 su 2024": a year over the one after "su"
			lead = 1
		case w == "than" || w == "vs" || w == "versus" || w == "contro":
			lead = 1
			if t.tok(i+1) == "in" || t.tok(i+1) == "nel" || t.tok(i+1) == "il" {
				lead = 2 // "more than in 2023", "contro il 2019"
			}
		case (w == "quelle" || w == "quelli" || w == "quella" || w == "quello" || w == "those") &&
			(t.tok(i+1) == "del" || t.tok(i+1) == "dell" || t.tok(i+1) == "nel" || t.tok(i+1) == "of" || t.tok(i+1) == "in") &&
			t.has("piu", "meno", "superiori", "inferiori", "maggiori", "minori", "more", "fewer", "less"):
			// "le ore del 2024 sono più o meno di quelle del 2023?"
			if _, ok := year(t.tok(i + 2)); !ok {
				continue
			}
			lead = 2
		case (w == "sul" || w == "sull" || w == "sullo" || w == "over" || w == "on") && t.tok(i+1) != "":
			// "variazione sul mese precedente", "crescita sull'anno scorso", "change on the
			// previous month": only a named comparison ("dati sul 2025" is no comparison)
			lead, phrasesOnly = 1, true
		case w == "che" && (t.tok(i+1) == "nel" || t.tok(i+1) == "nell" || t.tok(i+1) == "a" || t.tok(i+1) == "in"):
			// "più chiusure nel 2020 che nel 2019?"
			if _, ok := year(t.tok(i + 2)); !ok {
				continue
			}
			lead = 2
		case (w == "o" || w == "oppure" || w == "or") && (t.tok(i+1) == "nel" || t.tok(i+1) == "nell" || t.tok(i+1) == "in"):
			// "più chiusure nel 2025 o nel 2024?"
			if _, ok := year(t.tok(i + 2)); !ok {
				continue
			}
			lead = 2
		case (w == "con" || w == "col" || w == "with") && t.has("confronta", "confronto", "paragona", "compare", "compared", "confrontate",
			"confrontati", "confrontata", "confrontato", "confrontare", "paragonate", "paragonati", "paragonare", "confrontando",
			// "confrontale con il 2025": the verb with its pronoun
			"confrontale", "confrontali", "confrontala", "confrontalo", "paragonale", "paragonali", "paragonala", "paragonalo"):
			lead = 1
			for t.tok(i+lead) == "quelle" || t.tok(i+lead) == "quelli" || t.tok(i+lead) == "quella" || t.tok(i+lead) == "quello" || t.tok(i+lead) == "del" ||
				t.tok(i+lead) == "dell" || t.tok(i+lead) == "those" || t.tok(i+lead) == "of" || t.tok(i+lead) == "in" {
				lead++
			}
		default:
			continue
		}
		j := i + lead
		for t.tok(j) == "il" || t.tok(j) == "the" || t.tok(j) == "lo" || t.tok(j) == "i" || t.tok(j) == "l" {
			j++
		}
		if phrasesOnly {
			if c, n := t.namedComparison(j); c != "" {
				t.consume(i, j-i+n)
				return c, 0
			}
			// "variazione delle aperture 2025 sul 2024", "change in 2025 over 2024": a year after
			// another with a word of change
			if y, ok := year(t.tok(j)); ok && isYearTok(t.tok(i-1)) && (t.has(deltaWords...) || t.has(changeWords...)) {
				t.consume(i, j-i+1)
				return "year", y
			}
			continue
		}
		if _, isNum := number(t.tok(j)); isNum && (t.tok(j+1) == "mesi" || t.tok(j+1) == "months") &&
			(strings.HasPrefix(t.tok(j+2), "preceden") || t.tok(j+2) == "prima" || t.tok(j+2) == "before" || t.tok(j+2) == "prior" || t.tok(j+2) == "earlier") {
			// "negli ultimi 6 mesi rispetto ai 6 mesi precedenti": the span before
			t.consume(i, j-i+3)
			return "previous_period", 0
		}
		if (t.tok(j) == "fine" || t.tok(j) == "end") && (months[t.tok(j+1)] > 0 || t.tok(j+1) == "of") {
			j++ // "rispetto a fine maggio 2026": the month's snapshot
			if t.tok(j) == "of" {
				j++
			}
		}
		if y, ok := year(t.tok(j)); ok {
			t.consume(i, j-i+1)
			return "year", y
		}
		// "rispetto a prima del covid", "rispetto ai livelli pre-pandemia", "compared with
		// before the pandemic": the last whole year before it, 2019
		if n := t.beforePandemicAt(j); n > 0 {
			t.consume(i, j-i+n)
			return "year", 2019
		}
		// "rispetto alla media degli ultimi 5 anni": the years before, one by one
		if t.tok(j) == "media" || t.tok(j) == "average" {
			t.consume(i, j-i+1)
			return "average", t.averageYears(j + 1)
		}
		if c, n := t.namedComparison(j); c != "" {
			t.consume(i, j-i+n)
			return c, 0
		}
		// "rispetto allo stesso periodo del 2019"
		for _, lead := range []string{"stesso periodo del", "stesso periodo dell anno", "same period of", "same period in",
			"stessi mesi del", "stessi mesi dell anno", "same months of", "same months in",
			// "vs same period 2025", "vs stesso periodo 2025"
			"stesso periodo", "same period", "stessi mesi", "same months",
			// "compared with the same quarter of 2025", "rispetto allo stesso trimestre del 2025"
			"stesso trimestre del", "stesso semestre del", "stesso mese del", "same quarter of", "same quarter in", "same half of",
			"same month of", "same month in", "stesso trimestre", "stesso semestre", "stesso mese", "same quarter", "same month"} {
			if t.find(lead, j) == j {
				k := j + len(strings.Fields(lead))
				if y, ok := year(t.tok(k)); ok {
					t.consume(i, k-i+1)
					return "year", y
				}
			}
		}
		// "il secondo trimestre rispetto al primo": the unit and year are the question's
		if n, ok := cmpOrdinals[t.tok(j)]; ok && !isPeriodUnit(t.tok(j+1)) && !isYearTok(t.tok(j+1)) {
			t.cmpOrdinal = n
			t.cmpSpan = period{}
			t.consume(i, j-i+1)
			return "span", 0
		}
		// "rispetto a sei mesi fa", "rispetto a maggio": months back from now, the latest May
		if n, ok := number(t.tok(j)); ok && n >= 1 && n <= 36 && (t.tok(j+1) == "mesi" || t.tok(j+1) == "months") &&
			(t.tok(j+2) == "fa" || t.tok(j+2) == "ago") {
			t.cmpMonthsAgo, t.cmpSpan = n, period{}
			t.consume(i, j-i+3)
			return "span", 0
		}
		if m, ok := months[t.tok(j)]; ok {
			if _, isYear := year(t.tok(j + 1)); !isYear && t.tok(j+1) != "del" && t.tok(j+1) != "of" {
				t.cmpMonth, t.cmpSpan = m, period{}
				t.consume(i, j-i+1)
				return "span", 0
			}
		}
		// "rispetto ad agosto 2025", "rispetto al primo trimestre 2026", "rispetto all'estate
		// 2024": resolved against the question's period by resolveSpan
		if p, n, ok := t.periodAt(j); ok && !p.from.IsZero() && !p.to.IsZero() {
			t.cmpSpan = p
			t.consume(i, j-i+n)
			return "span", 0
		}
		if p, n, ok := t.seasonAt(j); ok {
			t.cmpSpan = p
			t.consume(i, j-i+n)
			return "span", 0
		}
	}
	if t.take("anno su anno", "year on year", "year over year", "rispetto a un anno fa", "rispetto all anno prima",
		"sull anno precedente", "rispetto all anno scorso", "a year ago", "un anno fa") {
		return "previous_year", 0
	}
	if i, n := t.first("sopra la media", "sotto la media", "nella media", "above average", "below average", "than average",
		"above the average", "below the average"); i >= 0 {
		t.consume(i, n)
		return "average", t.averageYears(i + n)
	}
	// "le aperture stanno calando?": a direction asked without a reference is against a year before
	if (t.has(openWords...) || t.has(closeWords...) || t.has(activeWords...)) && !t.has("tasso di crescita", "tasso crescita") &&
		t.take("in crescita", "stanno crescendo", "sta crescendo") {
		t.cmpTrend = true
		return "previous_year", 0
	}
	if !t.has(growthMost...) && !t.has("fastest", "most", "more", "the least") && t.take("is growing", "are growing", "keeps growing", "keep growing",
		"is shrinking", "are shrinking", "growing", "shrinking") {
		// "is the number of women-led businesses growing?" (not "which district is growing the most")
		t.cmpTrend = true
		return "previous_year", 0
	}
	if !t.has("quanto", "di quanto", "how much") && !t.has(growthMost...) && t.take("e cresciuta", "e cresciuto", "e aumentata", "e aumentato", "e diminuita", "e diminuito",
		"e calata", "e calato", "has increased", "has decreased") {
		// "la percentuale di imprese straniere a Navile è cresciuta?" (not "quanto è cresciuto")
		t.cmpTrend = true
		return "previous_year", 0
	}
	if !t.has(growthMost...) && t.take("aumentate o diminuite", "aumentati o diminuiti", "cresciute o diminuite", "cresciute o calate", "diminuite o aumentate",
		"sono aumentate", "sono aumentati", "sono diminuite", "sono diminuiti", "sono calate", "sono calati", "sono cresciute",
		"sono cresciuti", "have increased", "have decreased", "went up or down", "increased or decreased",

		"stanno calando", "sta calando", "stanno diminuendo", "sta diminuendo", "stanno aumentando", "sta aumentando",
		"in calo", "in aumento", "in diminuzione", "in flessione", "in ripresa", "are falling", "is falling", "are rising",
		"is rising", "are declining", "is declining", "are increasing", "is increasing", "are decreasing", "is decreasing",
		"falling", "declining", "shrinking",
		// "'sti parrucchieri aumentano o calano?", "le srl calano?" (not "crescono", which
		// may ask which grows the most)
		"aumentano o calano", "aumentano o diminuiscono", "crescono o calano", "crescono o diminuiscono", "calano o crescono",
		"calano o aumentano", "salgono o scendono", "aumentano", "calano", "diminuiscono", "going up or down", "up or down") ||
		// "come sta andando il commercio in Bolognina?": this year against the one before (with
		// a period of its own, that period alone; the words stay for readMetric)
		t.has(goingWords...) && !t.mentionsPeriod() {
		t.cmpTrend = true
		return "previous_year", 0
	}
	return "", 0
}

// namedComparison reads a comparison named at token j ("periodo precedente", "mese scorso",
// "stesso periodo dell'anno precedente", "same period last year"; the article of "dell anno"
// may be left out) and returns compare_to with the number of tokens it takes.
func (t *text) namedComparison(j int) (string, int) {
	// "lo stesso quadrimestre dell'anno prima", "la stessa stagione dell'anno scorso", "the same
	// half of the previous year": the same span a year before, whatever its unit
	if t.tok(j) == "stesso" || t.tok(j) == "stessa" || t.tok(j) == "stessi" || t.tok(j) == "stesse" || t.tok(j) == "same" {
		k := j + 1
		if sameUnits[t.tok(k)] {
			k++
			// "the same quarter a year earlier", "lo stesso trimestre di un anno prima"
			for _, ago := range []string{"a year earlier", "a year before", "a year ago", "one year earlier", "one year before",
				"un anno prima", "un anno fa", "di un anno prima", "di un anno fa"} {
				if t.find(ago, k) == k {
					return "previous_year", k - j + len(strings.Fields(ago))
				}
			}
			for t.tok(k) == "dell" || t.tok(k) == "del" || t.tok(k) == "of" || t.tok(k) == "the" || t.tok(k) == "in" {
				k++
			}
			if t.tok(k) == "anno" || t.tok(k) == "year" {
				k++
			}
			if t.tok(k-1) == "anno" && (t.tok(k) == "scorso" || t.tok(k) == "precedente" || t.tok(k) == "prima" || t.tok(k) == "passato") ||
				t.tok(k-1) == "year" && (t.tok(k-2) == "last" || t.tok(k-2) == "previous" || t.tok(k-2) == "prior") {
				if t.tok(k-1) == "anno" {
					k++
				}
				return "previous_year", k - j
			}
			if (t.tok(k) == "last" || t.tok(k) == "previous" || t.tok(k) == "prior") && t.tok(k+1) == "year" {
				return "previous_year", k + 2 - j
			}
		}
	}
	for _, c := range []struct{ phrase, cmp string }{
		{"periodo precedente", "previous_period"}, {"previous period", "previous_period"}, {"prior period", "previous_period"},
		{"semestre precedente", "previous_period"}, {"trimestre precedente", "previous_period"}, {"mese precedente", "previous_period"},
		{"mese scorso", "previous_period"}, {"mese prima", "previous_period"}, {"trimestre scorso", "previous_period"},
		{"trimestre prima", "previous_period"}, {"semestre scorso", "previous_period"}, {"previous month", "previous_period"},
		{"prior month", "previous_period"}, {"last month", "previous_period"}, {"month before", "previous_period"},
		{"previous quarter", "previous_period"}, {"last quarter", "previous_period"},
		{"12 mesi precedenti", "previous_period"}, {"mesi precedenti", "previous_period"},
		{"anno precedente", "previous_year"}, {"anno prima", "previous_year"}, {"anno scorso", "previous_year"},
		{"un anno fa", "previous_year"}, {"a year ago", "previous_year"}, {"un anno prima", "previous_year"},
		{"a year earlier", "previous_year"}, {"previous year", "previous_year"},
		{"prior year", "previous_year"}, {"last year", "previous_year"}, {"year before", "previous_year"},
		{"stesso periodo dell anno precedente", "previous_year"}, {"stesso periodo dell anno scorso", "previous_year"},
		{"same period last year", "previous_year"},
		{"stesso mese dell anno scorso", "previous_year"}, {"stesso mese dell anno precedente", "previous_year"},
		{"stesso trimestre dell anno scorso", "previous_year"}, {"stesso trimestre dell anno precedente", "previous_year"},
		{"stesso semestre dell anno scorso", "previous_year"}, {"stesso semestre dell anno precedente", "previous_year"},
		{"same month last year", "previous_year"}, {"same quarter last year", "previous_year"},
		{"stessi mesi dell anno scorso", "previous_year"}, {"stessi mesi dell anno precedente", "previous_year"},
		{"same months last year", "previous_year"}, {"same months of last year", "previous_year"},
	} {
		// the article of "dell anno" may be left out; "anno passato" is "anno scorso"
		for _, ph := range []string{c.phrase, strings.Replace(c.phrase, " dell anno ", " anno ", 1),
			strings.Replace(c.phrase, "anno scorso", "anno passato", 1)} {
			if t.find(ph, j) == j {
				if c.cmp == "previous_period" {
					switch f := strings.Fields(ph)[0]; {
					case f == "mese" || strings.Contains(ph, "month"):
						t.cmpUnit = "month"
					case f == "trimestre" || strings.Contains(ph, "quarter"):
						t.cmpUnit = "quarter"
					}
				}
				return c.cmp, len(strings.Fields(ph))
			}
		}
	}
	return "", 0
}

// sameUnits are the spans "lo stesso ... dell'anno prima" names.
var sameUnits = map[string]bool{"periodo": true, "mese": true, "mesi": true, "bimestre": true, "trimestre": true, "quadrimestre": true,
	"semestre": true, "stagione": true, "period": true, "month": true, "months": true, "quarter": true, "half": true, "season": true}

// aroundLockdown reads "dopo il lockdown" (from the reopening, 19 May 2020) and "prima del
// lockdown" (to 8 March 2020); a year named with it ("nel 2020") closes the other end.
func (t *text) aroundLockdown() (period, bool) {
	var p period
	switch {
	case t.take("dopo il lockdown", "dopo il primo lockdown", "dalla fine del lockdown", "dopo la fine del lockdown",
		"after the lockdown", "after lockdown"):
		p = period{from: lockdown.to.AddDate(0, 0, 1), found: true, open: true}
	case t.take("prima del lockdown", "prima del primo lockdown", "before the lockdown", "before lockdown"):
		p = period{to: lockdown.from.AddDate(0, 0, -1), found: true}
	case t.take(afterPandemic...):
		// "nel post-covid", "dopo la pandemia": from the end of the state of emergency
		return period{from: pandemic.to.AddDate(0, 0, 1), found: true, open: true}, true
	case t.takeSince(sinceLockdown...):
		// "dal lockdown a oggi": from its first day, end open
		return period{from: lockdown.from, found: true, open: true}, true
	case t.takeSince(sincePandemic...):
		return period{from: pandemic.from, found: true, open: true}, true
	default:
		return period{}, false
	}
	for i := range t.tokens {
		if y, n, ok := t.periodAt(i); ok && isYear(y) && y.from.Year() == 2020 {
			t.consume(i, n)
			if p.from.IsZero() {
				p.from = y.from
			} else {
				p.to, p.open = y.to, false
			}
			break
		}
	}
	return p, true
}

// otherSpan is the period a comparison named, an elliptical ordinal read in the units of per,
// months named without a year or counted back read against now.
func (t *text) otherSpan(per period, now time.Time) period {
	end := lastCompleteMonthEnd(now)
	switch {
	case t.cmpMonthsAgo > 0:
		m := day(end.Year(), end.Month(), 1).AddDate(0, -t.cmpMonthsAgo, 0)
		return monthSpan(m.Year(), m.Month(), m.Month())
	case t.cmpMonth > 0:
		y := end.Year()
		if t.cmpMonth > end.Month() {
			y--
		}
		return monthSpan(y, t.cmpMonth, t.cmpMonth)
	}
	if t.cmpOrdinal > 0 {
		p, _ := ordinalSpan(per, t.cmpOrdinal)
		return p
	}
	return t.cmpSpan
}

// resolveSpan turns a comparison with a named period into compare_to: the same period a
// year before is previous_year, the period of the same length just before is
// previous_period; any other period is no comparison the semantic layer can make.
func resolveSpan(cmp string, per, other period) string {
	if cmp != "span" {
		return cmp
	}
	if !per.found || per.from.IsZero() || per.to.IsZero() {
		return ""
	}
	yearBefore := per.to.AddDate(-1, 0, 0)
	if monthEnd(per.to) {
		yearBefore = day(per.to.Year()-1, per.to.Month()+1, 1).AddDate(0, 0, -1)
	}
	switch {
	case other.from.Equal(per.from.AddDate(-1, 0, 0)) && other.to.Equal(yearBefore):
		return "previous_year"
	case other.to.Equal(per.from.AddDate(0, 0, -1)) && (monthCount(other) == monthCount(per) && monthCount(per) > 0 ||
		other.to.Sub(other.from) == per.to.Sub(per.from)):
		return "previous_period"
	}
	return ""
}

// cmpOrdinals are the ordinals an elliptical comparison names ("rispetto al primo").
var cmpOrdinals = map[string]int{"primo": 1, "secondo": 2, "terzo": 3, "quarto": 4, "first": 1, "second": 2, "third": 3, "fourth": 4,
	"q1": 1, "q2": 2, "q3": 3, "q4": 4}

func isPeriodUnit(w string) bool {
	switch w {
	case "trimestre", "semestre", "quarter", "half", "anno", "mese", "year", "month":
		return true
	}
	return false
}

// ordinalSpan is the n-th quarter or semester of the year of per, when per is one.
func ordinalSpan(per period, n int) (period, bool) {
	m := monthCount(per)
	if (m != 3 && m != 6) || (int(per.from.Month())-1)%m != 0 || n < 1 || n > 12/m {
		return period{}, false
	}
	from := day(per.from.Year(), time.Month((n-1)*m+1), 1)
	return period{from: from, to: from.AddDate(0, m, -1), found: true}, true
}

func monthEnd(d time.Time) bool { return d.AddDate(0, 0, 1).Day() == 1 }

// monthCount is the number of whole months a period spans, 0 when it does not start on the first
// and end on a month's last day.
func monthCount(p period) int {
	if p.from.Day() != 1 || !monthEnd(p.to) {
		return 0
	}
	return (p.to.Year()-p.from.Year())*12 + int(p.to.Month()-p.from.Month()) + 1
}

// period reads the question's time window relative to now and blanks it.
func (t *text) period(now time.Time) period {
	t.yearEnds()
	if p, ok := t.aroundLockdown(); ok {
		return p
	}
	if t.take("lockdown", "primo lockdown", "confinamento") {
		return lockdown
	}
	if t.take("periodo del covid", "periodo covid", "durante il covid", "anni del covid", "periodo della pandemia", "in piena pandemia",
		"piena pandemia", "in pieno covid", "pieno covid", "in piena emergenza covid", "at the height of the pandemic",
		"durante la pandemia", "anni della pandemia", "during the pandemic", "during covid") {
		return pandemic
	}
	if t.take("ultimo anno", "ultimi dodici mesi", "past twelve months") {
		// "nell'ultimo anno": the 12 whole months to the last complete one, as "ultimi 12 mesi"
		end := lastCompleteMonthEnd(now)
		return period{from: day(end.Year(), end.Month(), 1).AddDate(0, -11, 0), to: end, found: true}
	}
	if p, ok := t.lastN(now); ok {
		return p
	}
	if p, ok := t.monthsAgo(now); ok {
		return p
	}
	// "il primo trimestre di quest'anno", "marzo dell'anno scorso": the year's number first
	t.thisYearRelative(now)
	switch {
	case t.take("quest anno", "questo anno", "sto anno", "this year", "anno in corso", "anno corrente", "current year", "da inizio anno",
		"dall inizio dell anno", "dall inizio di quest anno", "da inizio d anno", "year to date", "so far this year"):
		return period{from: day(now.Year(), 1, 1), found: true, open: true}
	case t.take("anno scorso", "anno passato", "last year", "previous year", "past year"):
		return yearSpan(now.Year() - 1)
	case t.take("mese scorso", "ultimo mese", "last month", "questo mese", "this month"):
		end := lastCompleteMonthEnd(now)
		return monthSpan(end.Year(), end.Month(), end.Month())
	}
	if p, ok := t.lastUnit(now); ok {
		return p
	}
	if p, ok := t.season(now); ok {
		return p
	}
	if t.take(recentDays...) || t.recentDays() {
		// the register is monthly: the last days are the last complete month, with its dates
		end := lastCompleteMonthEnd(now)
		return monthSpan(end.Year(), end.Month(), end.Month())
	}
	t.ordinalThisYear(now)
	t.yearUntilMonth()
	t.monthList()
	t.yearList()
	for i := range t.tokens {
		if p, n, ok := t.periodAt(i); ok {
			t.consume(i, n)
			return p
		}
	}
	if p, ok := t.monthsThisYear(now); ok {
		return p
	}
	return period{}
}

// lastN reads "negli ultimi 12 mesi", "ultimi tre anni", "past 2 years": whole months ending
// with the last complete month.
func (t *text) lastN(now time.Time) (period, bool) {
	// "nell'ultimo triennio", "nel decennio scorso": years as in "ultimi 3 anni"
	for i, w := range t.tokens {
		years, ok := multiYears[w]
		if !ok {
			continue
		}
		start, end := i, i
		switch {
		case t.tok(i-1) == "ultimo" || t.tok(i-1) == "last" || t.tok(i-1) == "past":
			start = i - 1
		case t.tok(i+1) == "scorso":
			end = i + 1
		default:
			continue
		}
		if w := t.tok(start - 1); w == "nell" || w == "nel" || w == "l" || w == "the" || w == "in" || w == "dell" || w == "over" {
			start--
		}
		last := lastCompleteMonthEnd(now)
		t.consume(start, end-start+1)
		return period{from: day(last.Year(), last.Month(), 1).AddDate(0, -(years*12 - 1), 0), to: last, found: true}, true
	}
	for i, w := range t.tokens {
		if w != "ultimi" && w != "ultime" && w != "last" && w != "past" && w != "scorsi" {
			continue
		}
		n, ok := number(t.tok(i + 1))
		unit, width := t.tok(i+2), 3
		if !ok {
			// "negli ultimi anni", "in the last months": no number, the usual reading of
			// "recent" (five years, six months); the answer's title shows the dates.
			switch t.tok(i + 1) {
			case "anni", "years":
				n = 5
			case "mesi", "months":
				n = 6
			default:
				continue
			}
			unit, width = t.tok(i+1), 2
		}
		mul := 0
		switch unit {
		case "mesi", "months":
			mul = 1
		case "anni", "years":
			mul = 12
		case "giorni", "days":
			// "negli ultimi 90 giorni": the register is monthly, so the nearest number of whole
			// months (a month or less is read by recentDays)
			if n <= 31 {
				continue
			}
			n, mul = (n+15)/30, 1
		case "trimestri", "quarters", "semestri":
			// "negli ultimi due trimestri": whole calendar quarters (semesters), the last one
			// complete, as "l'ultimo trimestre" is
			mul = 3
			if unit == "semestri" {
				mul = 6
			}
		default:
			continue
		}
		end := lastCompleteMonthEnd(now)
		from := day(end.Year(), end.Month(), 1).AddDate(0, -(n*mul - 1), 0)
		if mul == 3 || mul == 6 {
			start := day(now.Year(), time.Month((int(now.Month())-1)/mul*mul+1), 1) // this unit's first day
			end = start.AddDate(0, 0, -1)
			from = start.AddDate(0, -n*mul, 0)
		}
		start := i
		if w := t.tok(i - 1); w == "negli" || w == "nei" || w == "in" || w == "the" || w == "over" || w == "degli" {
			start = i - 1
		}
		t.consume(start, i+width-start)
		return period{from: from, to: end, found: true}, true
	}
	return period{}, false
}

// periodAt reads a period starting at token i: a range or an open start ("da novembre 2024 a
// ottobre 2026", "dal 2020"), an open end ("fino a marzo 2025", "prima del 2019"), or one
// date expression ("nel 2023", "primo trimestre 2024", "marzo 2020", "il 15 marzo 2025").
func (t *text) periodAt(i int) (period, int, bool) {
	if p, n, ok := t.rangeAt(i); ok {
		return p, n, true
	}
	if p, n, ok := t.boundAt(i); ok {
		return p, n, true
	}
	if s, ok := t.pointAt(i); ok && !s.noYear {
		return period{from: s.from, to: s.to, found: true}, s.n, true
	}
	return period{}, 0, false
}

// yearsNamed are the distinct years written in the question.
func (t *text) yearsNamed() []int {
	var out []int
	for _, w := range t.tokens {
		if y, ok := year(w); ok && !slices.Contains(out, y) {
			out = append(out, y)
		}
	}
	return out
}

// monthsAgo reads "tre mesi fa", "un mese fa", "6 months ago" (a comparison's "rispetto a sei
// mesi fa" is read before): the calendar month that was current then, so that a stock is its
// snapshot at that month's end.
func (t *text) monthsAgo(now time.Time) (period, bool) {
	for i := range t.tokens {
		if t.tok(i+1) != "mesi" && t.tok(i+1) != "mese" && t.tok(i+1) != "months" && t.tok(i+1) != "month" ||
			t.tok(i+2) != "fa" && t.tok(i+2) != "ago" {
			continue
		}
		n, ok := number(t.tok(i))
		if t.tok(i) == "un" || t.tok(i) == "a" || t.tok(i) == "one" {
			n, ok = 1, true
		}
		if !ok || n < 1 || n > 120 {
			continue
		}
		then := day(now.Year(), now.Month(), 1).AddDate(0, -n, 0)
		t.consume(i, 3)
		return monthSpan(then.Year(), then.Month(), then.Month()), true
	}
	return period{}, false
}

// "gli ultimi due semestri" is no "semestre" mistyped
func init() { addVocabulary("semestri", "trimestri") }
