package planner

import "time"

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
	lastQuarter  = []string{"ultimo trimestre", "trimestre scorso", "scorso trimestre", "last quarter", "previous quarter", "past quarter"}
	lastSemester = []string{"ultimo semestre", "semestre scorso", "scorso semestre", "last half", "previous half"}
)

func init() {
	for _, l := range [][]string{sinceLockdown, sincePandemic, lastQuarter, lastSemester} {
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
	return period{}, false
}
