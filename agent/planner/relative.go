package planner

import (
	"slices"
	"strconv"
	"strings"
	"time"
)

// averageYearsDefault is how many years before "la media" means when the question does not say.
const averageYearsDefault = 5

// averageYears reads how many years an average is of, from token i: "degli ultimi 3 anni",
// "dei 4 anni precedenti", "of the last 3 years"; otherwise averageYearsDefault. It blanks
// what it reads.
func (t *text) averageYears(i int) int {
	for k := i; k < i+6 && k < len(t.tokens); k++ {
		if n, ok := number(t.tok(k)); ok && n >= 1 && n <= 20 && (t.tok(k+1) == "anni" || t.tok(k+1) == "years") {
			t.consume(i, k+2-i)
			return n
		}
	}
	if i2, n := t.first("degli anni precedenti", "degli anni passati", "degli anni scorsi", "storica", "of previous years",
		"of the previous years", "of past years", "of recent years", "degli ultimi anni"); i2 == i {
		t.consume(i2, n)
	}
	return averageYearsDefault
}

// Open starts named by an event.
var (
	sinceLockdown = []string{"dal lockdown", "dall inizio del lockdown", "dal primo lockdown", "since the lockdown", "since lockdown"}
	sincePandemic = []string{"dalla pandemia", "dall inizio della pandemia", "dal covid", "dall inizio del covid",
		"dallo scoppio della pandemia", "since the pandemic", "since the start of the pandemic", "since covid", "since the covid"}
	afterPandemic = []string{"post covid", "dopo il covid", "dopo la pandemia", "post pandemia", "post pandemic", "after the pandemic",
		"after covid", "after the covid"}
	lastQuarter  = []string{"ultimo trimestre", "trimestre scorso", "scorso trimestre", "last quarter", "previous quarter", "past quarter"}
	lastSemester = []string{"ultimo semestre", "semestre scorso", "scorso semestre", "last half", "previous half"}
	lastBimester = []string{"ultimo bimestre", "bimestre scorso", "scorso bimestre"}
	lastFour     = []string{"ultimo quadrimestre", "quadrimestre scorso", "scorso quadrimestre"}
	// recentDays are spans shorter than the register's month: read as the last complete month
	recentDays = []string{"ultima settimana", "in settimana", "questa settimana", "settimana scorsa", "ultimi giorni",
		"nel weekend", "nel fine settimana", "weekend scorso", "ultimo weekend", "last week", "this week", "past week", "last weekend",
		"this weekend"}
)

// seasons are the meteorological seasons by their first month and length; "periodo natalizio"
// is December.
var seasons = []struct {
	words  []string
	first  time.Month
	months int
}{
	{[]string{"primavera", "mesi primaverili", "periodo primaverile", "spring"}, 3, 3},
	{[]string{"estate", "mesi estivi", "periodo estivo", "stagione estiva", "summer", "summer months"}, 6, 3},
	{[]string{"autunno", "mesi autunnali", "periodo autunnale", "autumn"}, 9, 3},
	{[]string{"inverno", "mesi invernali", "periodo invernale", "stagione invernale", "winter", "winter months"}, 12, 3},
	{[]string{"periodo natalizio", "natale", "feste natalizie", "christmas"}, 12, 1},
}

// season reads "in estate 2025", "nell'inverno 2025" (December 2024 to February 2025), "a
// Natale 2025", or a season without a year (the latest complete one).
func (t *text) season(now time.Time) (period, bool) {
	for _, se := range seasons {
		i, n := t.first(se.words...)
		if i < 0 {
			continue
		}
		k := i + n
		if t.tok(k) == "del" || t.tok(k) == "dell" || t.tok(k) == "of" {
			k++
		}
		var from time.Time
		if y, ok := year(t.tok(k)); ok {
			from = day(y, se.first, 1)
			if se.first == 12 && se.months > 1 {
				from = day(y-1, 12, 1) // the winter of 2025 begins in December 2024
			}
			n = k + 1 - i
		} else {
			end := lastCompleteMonthEnd(now)
			from = day(end.Year(), se.first, 1)
			for from.AddDate(0, se.months, -1).After(end) {
				from = from.AddDate(-1, 0, 0)
			}
		}
		t.consume(i, n)
		return period{from: from, to: from.AddDate(0, se.months, -1), found: true}, true
	}
	return period{}, false
}

// seasonAt reads a season with its year at token i ("estate 2024", "the summer of 2024"), as a
// comparison names it: the period and the number of tokens.
func (t *text) seasonAt(i int) (period, int, bool) {
	for _, se := range seasons {
		for _, w := range se.words {
			if t.find(w, i) != i {
				continue
			}
			k := i + len(strings.Fields(w))
			if t.tok(k) == "del" || t.tok(k) == "dell" || t.tok(k) == "of" {
				k++
			}
			y, ok := year(t.tok(k))
			if !ok {
				return period{}, 0, false
			}
			from := day(y, se.first, 1)
			if se.first == 12 && se.months > 1 {
				from = day(y-1, 12, 1)
			}
			return period{from: from, to: from.AddDate(0, se.months, -1), found: true}, k + 1 - i, true
		}
	}
	return period{}, 0, false
}

// thisYearRelative turns "dell'anno", "di quest'anno", "dell'anno in corso" and "dell'anno
// scorso" after "i primi tre mesi", "il primo trimestre", "marzo" into the year's number, so that
// the span reads as if the year were written ("il secondo semestre dell'anno scorso", "lo
// stesso trimestre dell'anno passato").
func (t *text) thisYearRelative(now time.Time) {
	for i := range t.tokens {
		w := t.tok(i - 1)
		if _, month := months[w]; !month && w != "mesi" && w != "trimestre" && w != "semestre" && w != "months" && w != "quarter" && w != "half" {
			continue
		}
		y, n := 0, 0
		switch {
		case t.tok(i) == "di" && t.tok(i+1) == "quest" && t.tok(i+2) == "anno":
			y, n = now.Year(), 3
		case t.tok(i) == "of" && t.tok(i+1) == "this" && t.tok(i+2) == "year":
			y, n = now.Year(), 3
		case t.tok(i) == "of" && t.tok(i+1) == "last" && t.tok(i+2) == "year":
			y, n = now.Year()-1, 3
		case t.tok(i) == "dell" && t.tok(i+1) == "anno":
			switch t.tok(i + 2) {
			case "scorso", "passato":
				y, n = now.Year()-1, 3
			case "in", "corrente":
				if t.tok(i+2) == "corrente" {
					y, n = now.Year(), 3
				} else if t.tok(i+3) == "corso" {
					y, n = now.Year(), 4
				}
			case "precedente", "prima":
				// "dell'anno precedente" refers to another year named: left to the comparison
			default:
				y, n = now.Year(), 2
			}
		}
		if n == 0 {
			continue
		}
		t.tokens[i] = "del"
		t.tokens[i+1] = strconv.Itoa(y)
		for k := i + 2; k < i+n; k++ {
			t.tokens[k] = ""
		}
	}
}

// monthList reads three or more months listed in the calendar's order ("a marzo, aprile e
// maggio 2026", "gennaio febbraio marzo", "gennaio, marzo e maggio"), as the first and the last
// joined ("marzo e maggio 2026"): the span from one to the other. Months that do not follow each
// other are then kept alone by a filter on the month (monthsApart).
func (t *text) monthList() {
	for i := 0; i < len(t.tokens); i++ {
		if _, ok := months[t.tok(i)]; !ok {
			continue
		}
		run := []int{i}
		k := i + 1
		for {
			if t.tok(k) == "e" || t.tok(k) == "and" {
				k++
			}
			m, ok := months[t.tok(k)]
			if !ok || m <= months[t.tok(run[len(run)-1])] {
				// months apart ("gennaio, marzo e maggio") are the span too: monthsApart
				// keeps only the months named (read.go)
				break
			}
			run = append(run, k)
			k++
		}
		if len(run) < 3 {
			continue
		}
		last := run[len(run)-1]
		t.tokens = slices.Concat(t.tokens[:i+1], []string{"e"}, t.tokens[last:])
		i++
	}
}

// yearUntilMonth reads "2026 fino a settembre" (a year, then a month without one) as "dal 2026
// fino a settembre 2026": from the year's start to that month's end.
func (t *text) yearUntilMonth() {
	for i := range t.tokens {
		if t.tok(i) != "fino" || t.tok(i+1) != "a" && t.tok(i+1) != "ad" && t.tok(i+1) != "al" {
			continue
		}
		if _, ok := months[t.tok(i+2)]; !ok || isYearTok(t.tok(i+3)) {
			return
		}
		j := -1
		for k, w := range t.tokens {
			if isYearTok(w) {
				if j >= 0 {
					return // two years: not this shape
				}
				j = k
			}
		}
		if j < 0 || j > i || t.tok(j-1) == "dal" || t.tok(j-1) == "da" {
			return
		}
		y := t.tokens[j]
		t.tokens[j] = ""
		rest := append([]string{"dal", y}, t.tokens[i:i+3]...)
		rest = append(rest, y)
		t.tokens = append(append(slices.Clone(t.tokens[:i]), rest...), t.tokens[i+3:]...)
		return
	}
}

// ordinalThisYear gives a quarter or semester named by its number without a year ("nel primo
// trimestre", "il secondo semestre", "Q3") the year of the latest such one complete before now.
func (t *text) ordinalThisYear(now time.Time) {
	end := lastCompleteMonthEnd(now)
	for i := 0; i < len(t.tokens); i++ {
		// "Q3" without its year: "terzo trimestre", given its year below
		if o, ok := map[string]string{"q1": "primo", "q2": "secondo", "q3": "terzo", "q4": "quarto"}[t.tok(i)]; ok && !isYearTok(t.tok(i+1)) {
			t.tokens[i] = o
			t.tokens = slices.Insert(t.tokens, i+1, "trimestre")
		}
	}
	for i := 0; i < len(t.tokens); i++ {
		months := map[string]int{"trimestre": 3, "semestre": 6, "quarter": 3}[t.tok(i)]
		n, ok := cmpOrdinals[t.tok(i-1)]
		if months == 0 || !ok || months == 6 && n > 2 {
			continue
		}
		if _, y := year(t.tok(i + 1)); y || t.tok(i+1) == "del" || t.tok(i+1) == "dell" || t.tok(i+1) == "di" || t.tok(i+1) == "of" {
			continue
		}
		y := end.Year()
		if time.Month(n*months) > end.Month() {
			y--
		}
		t.tokens = slices.Insert(t.tokens, i+1, strconv.Itoa(y))
	}
}

func init() {
	addVocabulary("biennio", "triennio", "quinquennio", "decennio")
	for _, l := range [][]string{sinceLockdown, sincePandemic, afterPandemic, lastQuarter, lastSemester, lastBimester, lastFour} {
		addVocabulary(l...)
	}
}

// takeSince takes an open start named by an event ("dal lockdown") with an optional "a oggi",
// "ad oggi", "in poi", "to date".
func (t *text) takeSince(phrases ...string) bool {
	i, n := t.first(phrases...)
	if i < 0 {
		return false
	}
	switch a, b := t.tok(i+n), t.tok(i+n+1); {
	case (a == "a" || a == "ad") && b == "oggi", a == "in" && b == "poi", a == "to" && b == "date":
		n += 2
	}
	t.consume(i, n)
	return true
}

// lastUnit reads "l'ultimo trimestre", "il semestre scorso", "last quarter" without a year:
// the last calendar quarter or semester complete before now ("l'ultimo trimestre del 2025"
// is the fourth, read by pointAt).
func (t *text) lastUnit(now time.Time) (period, bool) {
	for _, u := range []struct {
		phrases []string
		months  int
	}{
		{lastQuarter, 3},
		{lastSemester, 6},
		{lastBimester, 2},
		{lastFour, 4},
	} {
		i, n := t.first(u.phrases...)
		if i < 0 {
			continue
		}
		if _, ok := year(t.tok(i + n)); ok || t.tok(i+n) == "del" || t.tok(i+n) == "dell" || t.tok(i+n) == "of" {
			continue
		}
		end := lastCompleteMonthEnd(now)
		m := int(end.Month()) - int(end.Month())%u.months // the last month of the last complete unit
		to := day(end.Year(), time.Month(m)+1, 1).AddDate(0, 0, -1)
		t.consume(i, n)
		return period{from: day(to.Year(), to.Month()+1, 1).AddDate(0, -u.months, 0), to: to, found: true}, true
	}
	return period{}, false
}

// monthsThisYear reads months named without a year as the latest ones: "da gennaio" (open),
// "da gennaio a marzo".
func (t *text) monthsThisYear(now time.Time) (period, bool) {
	latest := func(m time.Month) int {
		if m > now.Month() {
			return now.Year() - 1
		}
		return now.Year()
	}
	for i := range t.tokens {
		between := t.tok(i) == "tra" || t.tok(i) == "fra" || t.tok(i) == "between"
		if !fromLeads[t.tok(i)] {
			continue
		}
		m1, ok := months[t.tok(i+1)]
		if !ok {
			continue
		}
		k := i + 2
		if rangeSep[t.tok(k)] {
			if m2, ok := months[t.tok(k+1)]; ok {
				y := latest(m2)
				from := day(y, m1, 1)
				if m1 > m2 {
					from = day(y-1, m1, 1)
				}
				t.consume(i, k+2-i)
				return period{from: from, to: day(y, m2+1, 1).AddDate(0, 0, -1), found: true}, true
			}
		}
		if between {
			continue // "tra marzo" alone names no span
		}
		n := 2
		if (t.tok(k) == "a" || t.tok(k) == "ad") && t.tok(k+1) == "oggi" || t.tok(k) == "in" && t.tok(k+1) == "poi" {
			n += 2
		}
		t.consume(i, n)
		return period{from: day(latest(m1), m1, 1), found: true, open: true}, true
	}
	// "a dicembre", "nel mese di marzo", "aperture di ottobre", "in December": the latest such
	// month complete
	for i := range t.tokens {
		m, ok := months[t.tok(i)]
		if _, y := year(t.tok(i + 1)); !ok || y {
			continue
		}
		if p, ok := t.dayWithoutYear(i, m, now); ok {
			return p, true
		}
		start := i - 1
		switch lead := t.tok(i - 1); {
		case lead == "di" && t.tok(i-2) == "mese" && (t.tok(i-3) == "nel" || t.tok(i-3) == "il" || t.tok(i-3) == "del" || t.tok(i-3) == "al"):
			start = i - 3
		case lead == "di" && t.tok(i-2) == "mese":
			start = i - 2
		case lead == "di" && t.tok(i-2) == "fine" && (t.tok(i-3) == "a" || t.tok(i-3) == "alla"):
			start = i - 3 // "alla fine di agosto"
		case lead == "di" && t.tok(i-2) == "fine":
			start = i - 2
		case lead == "fine" && (t.tok(i-2) == "a" || t.tok(i-2) == "alla"):
			start = i - 2 // "a fine agosto": that month (its snapshot, for a stock)
		case lead == "fine":
		case lead == "a" || lead == "ad" || lead == "in" || lead == "nel" || lead == "durante" || lead == "during" ||
			lead == "di" || lead == "of" || lead == "for":
		case telegraphicLead[lead]:
			start = i // the metric word stays
		default:
			continue
		}
		y := now.Year()
		if m >= now.Month() {
			y--
		}
		if t.tok(start-1) == "fino" {
			// "fino a marzo", "fino a fine marzo": to the end of the latest March, the start open
			t.consume(start-1, i+2-start)
			return period{to: day(y, m+1, 1).AddDate(0, 0, -1), found: true}, true
		}
		t.consume(start, i+1-start)
		return monthSpan(y, m, m), true
	}
	return period{}, false
}

// telegraphicLead are the metric words a month may follow with no preposition ("aperture
// ottobre", "attive settembre").
var telegraphicLead = map[string]bool{"aperture": true, "chiusure": true, "iscrizioni": true, "cessazioni": true,
	"saldo": true, "attive": true, "registrate": true, "openings": true, "closures": true}

// dayWithoutYear reads a day of the month m at token i written without its year ("al 30
// giugno", "il 15 marzo", "fino al 30 settembre", "dal 1 luglio"): the latest such date that is
// not after now; "fino al" makes it the end of an open period, "dal" the start of one.
func (t *text) dayWithoutYear(i int, m time.Month, now time.Time) (period, bool) {
	d, ok := dayNumber(t.tok(i - 1))
	if !ok {
		return period{}, false
	}
	lead := t.tok(i - 2)
	if lead != "il" && lead != "al" && lead != "del" && lead != "dal" && lead != "on" {
		return period{}, false
	}
	dt, ok := validDate(now.Year(), int(m), d)
	if ok && dt.After(now) {
		dt, ok = validDate(now.Year()-1, int(m), d)
	}
	if !ok {
		return period{}, false
	}
	switch {
	case lead == "al" && t.tok(i-3) == "fino":
		t.consume(i-3, 4)
		return period{to: dt, found: true}, true
	case lead == "dal":
		// "dal 1 marzo al 30 giugno": the end in the same year, or the next one after it
		if d2, ok := dayNumber(t.tok(i + 2)); ok && (t.tok(i+1) == "al" || t.tok(i+1) == "a") {
			if m2, ok := months[t.tok(i+3)]; ok && !isYearTok(t.tok(i+4)) {
				end, ok := validDate(dt.Year(), int(m2), d2)
				if ok && end.Before(dt) {
					end, ok = validDate(dt.Year()+1, int(m2), d2)
				}
				if ok && end.After(now) { // the latest such span that has ended
					from2, ok1 := validDate(dt.Year()-1, int(dt.Month()), dt.Day())
					end2, ok2 := validDate(end.Year()-1, int(m2), d2)
					if ok1 && ok2 {
						dt, end = from2, end2
					}
				}
				if ok {
					t.consume(i-2, 6)
					return period{from: dt, to: end, found: true}, true
				}
			}
		}
		t.consume(i-2, 3)
		return period{from: dt, found: true, open: true}, true
	}
	t.consume(i-2, 3)
	return period{from: dt, to: dt, found: true}, true
}

// recentDays reads "negli ultimi 30 giorni", "last 15 days" (up to a month) and blanks it.
func (t *text) recentDays() bool {
	for i, w := range t.tokens {
		if w != "ultimi" && w != "last" && w != "past" {
			continue
		}
		if n, ok := number(t.tok(i + 1)); ok && n <= 31 && (t.tok(i+2) == "giorni" || t.tok(i+2) == "days") {
			start := i
			if p := t.tok(i - 1); p == "negli" || p == "nei" || p == "in" || p == "the" {
				start--
			}
			t.consume(start, i+3-start)
			return true
		}
	}
	return false
}
