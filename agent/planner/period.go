package planner

import (
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

var months = map[string]time.Month{
	"gennaio": 1, "febbraio": 2, "marzo": 3, "aprile": 4, "maggio": 5, "giugno": 6, "luglio": 7,
	"agosto": 8, "settembre": 9, "ottobre": 10, "novembre": 11, "dicembre": 12,
	"january": 1, "february": 2, "march": 3, "april": 4, "may": 5, "june": 6, "july": 7,
	"august": 8, "september": 9, "october": 10, "november": 11, "december": 12,
}

var ordinals = map[string]int{"primo": 1, "prima": 1, "first": 1, "secondo": 2, "seconda": 2, "second": 2,
	"terzo": 3, "third": 3, "quarto": 4, "fourth": 4, "ultimo": 4, "last": 4}

func year(tok string) (int, bool) {
	if len(tok) != 4 {
		return 0, false
	}
	y, err := strconv.Atoi(tok)
	return y, err == nil && y >= 1950 && y <= 2100
}

// comparison reads "rispetto al 2019", "rispetto all'anno precedente", "compared with the
// previous period" and blanks it. It returns compare_to ("" for none) and, for an explicit
// year, that year.
func (t *text) comparison() (string, int) {
	for i := range t.tokens {
		w := t.tokens[i]
		lead := 0
		switch {
		case w == "rispetto" && (t.tok(i+1) == "al" || t.tok(i+1) == "all" || t.tok(i+1) == "a" || t.tok(i+1) == "ai" || t.tok(i+1) == "allo"):
			lead = 2
		case (w == "compared" || w == "compare") && (t.tok(i+1) == "with" || t.tok(i+1) == "to"):
			lead = 2
		case w == "confronto" && (t.tok(i+1) == "con" || t.tok(i+1) == "col"):
			lead = 2
		case w == "than" || w == "vs" || w == "versus":
			lead = 1
		case (w == "con" || w == "with") && t.has("confronta", "confronto", "paragona", "compare", "compared"):
			lead = 1
			for t.tok(i+lead) == "quelle" || t.tok(i+lead) == "quelli" || t.tok(i+lead) == "quella" || t.tok(i+lead) == "del" ||
				t.tok(i+lead) == "dell" || t.tok(i+lead) == "those" || t.tok(i+lead) == "of" || t.tok(i+lead) == "in" {
				lead++
			}
		default:
			continue
		}
		j := i + lead
		for t.tok(j) == "il" || t.tok(j) == "the" || t.tok(j) == "lo" || t.tok(j) == "i" {
			j++
		}
		if y, ok := year(t.tok(j)); ok {
			t.consume(i, j-i+1)
			return "year", y
		}
		for _, c := range []struct{ phrase, cmp string }{
			{"periodo precedente", "previous_period"}, {"previous period", "previous_period"}, {"prior period", "previous_period"},
			{"semestre precedente", "previous_period"}, {"trimestre precedente", "previous_period"}, {"mese precedente", "previous_period"},
			{"12 mesi precedenti", "previous_period"}, {"mesi precedenti", "previous_period"},
			{"anno precedente", "previous_year"}, {"anno prima", "previous_year"}, {"anno scorso", "previous_year"},
			{"un anno fa", "previous_year"}, {"a year ago", "previous_year"}, {"previous year", "previous_year"},
			{"prior year", "previous_year"}, {"last year", "previous_year"}, {"year before", "previous_year"},
			{"stesso periodo dell anno precedente", "previous_year"}, {"stesso periodo dell anno scorso", "previous_year"},
			{"same period last year", "previous_year"},
		} {
			if t.find(c.phrase, j) == j {
				t.consume(i, j-i+len(strings.Fields(c.phrase)))
				return c.cmp, 0
			}
		}
	}
	if t.take("anno su anno", "year on year", "year over year", "rispetto a un anno fa", "rispetto all anno prima",
		"sull anno precedente", "rispetto all anno scorso", "a year ago", "un anno fa") {
		return "previous_year", 0
	}
	return "", 0
}

// period reads the question's time window relative to now and blanks it.
func (t *text) period(now time.Time) period {
	if t.take("lockdown", "primo lockdown", "confinamento") {
		return lockdown
	}
	if p, ok := t.lastN(now); ok {
		return p
	}
	switch {
	case t.take("quest anno", "questo anno", "this year", "anno in corso", "anno corrente", "current year"):
		return period{from: day(now.Year(), 1, 1), found: true, open: true}
	case t.take("anno scorso", "anno passato", "last year", "previous year", "past year"):
		return yearSpan(now.Year() - 1)
	case t.take("mese scorso", "ultimo mese", "last month", "questo mese", "this month"):
		end := lastCompleteMonthEnd(now)
		return monthSpan(end.Year(), end.Month(), end.Month())
	}
	for i := range t.tokens {
		if p, n, ok := t.periodAt(i); ok {
			t.consume(i, n)
			return p
		}
	}
	return period{}
}

// lastN reads "negli ultimi 12 mesi", "ultimi tre anni", "past 2 years": whole months ending
// with the last complete month.
func (t *text) lastN(now time.Time) (period, bool) {
	for i, w := range t.tokens {
		if w != "ultimi" && w != "ultime" && w != "last" && w != "past" && w != "scorsi" {
			continue
		}
		n, ok := number(t.tok(i + 1))
		if !ok {
			continue
		}
		unit := t.tok(i + 2)
		mul := 0
		switch unit {
		case "mesi", "months":
			mul = 1
		case "anni", "years":
			mul = 12
		default:
			continue
		}
		end := lastCompleteMonthEnd(now)
		from := day(end.Year(), end.Month(), 1).AddDate(0, -(n*mul - 1), 0)
		start := i
		if w := t.tok(i - 1); w == "negli" || w == "nei" || w == "in" || w == "the" || w == "over" || w == "degli" {
			start = i - 1
		}
		t.consume(start, i+3-start)
		return period{from: from, to: end, found: true}, true
	}
	return period{}, false
}

// periodAt reads a period starting at token i: month ranges, semesters, quarters, year ranges,
// "dal 2020", "fino al 2020", a month, a year.
func (t *text) periodAt(i int) (period, int, bool) {
	w := t.tok(i)
	// "da marzo a maggio 2020", "tra marzo e maggio 2020", "between march and may 2020"
	if w == "da" || w == "tra" || w == "fra" || w == "between" || w == "from" {
		if m1, ok := months[t.tok(i+1)]; ok {
			if sep := t.tok(i + 2); sep == "a" || sep == "e" || sep == "and" || sep == "to" {
				if m2, ok := months[t.tok(i+3)]; ok {
					if y, ok := year(t.tok(i + 4)); ok {
						return monthSpan(y, m1, m2), 5, true
					}
				}
			}
		}
	}
	// "primo semestre 2020", "secondo trimestre del 2021", "first half of 2020", "q2 2021"
	if o, ok := ordinals[w]; ok {
		unit := t.tok(i + 1)
		j := i + 2
		for t.tok(j) == "del" || t.tok(j) == "of" || t.tok(j) == "dell" {
			j++
		}
		if y, ok := year(t.tok(j)); ok {
			switch unit {
			case "semestre", "half":
				if o <= 2 {
					m := time.Month(6*(o-1) + 1)
					return monthSpan(y, m, m+5), j - i + 1, true
				}
			case "trimestre", "quarter":
				m := time.Month(3*(o-1) + 1)
				return monthSpan(y, m, m+2), j - i + 1, true
			}
		}
	}
	if len(w) == 2 && w[0] == 'q' && w[1] >= '1' && w[1] <= '4' {
		if y, ok := year(t.tok(i + 1)); ok {
			m := time.Month(3*int(w[1]-'1') + 1)
			return monthSpan(y, m, m+2), 2, true
		}
	}
	// year ranges: "tra il 2019 e il 2021", "dal 2019 al 2021", "from 2019 to 2021", "2019-2021"
	j := i
	if w == "tra" || w == "fra" || w == "dal" || w == "from" || w == "between" || w == "dall" || w == "da" {
		j++
		if t.tok(j) == "il" {
			j++
		}
	}
	if y1, ok := year(t.tok(j)); ok {
		k := j + 1
		if s := t.tok(k); s == "e" || s == "al" || s == "and" || s == "to" || s == "a" || s == "fino" {
			k++
			for t.tok(k) == "il" || t.tok(k) == "al" {
				k++
			}
		}
		if y2, ok := year(t.tok(k)); ok && y2 >= y1 && (k > j+1 || j == i) {
			return period{from: day(y1, 1, 1), to: day(y2, 12, 31), found: true}, k - i + 1, true
		}
		if j > i && (w == "dal" || w == "from" || w == "dall" || w == "da") {
			n := j - i + 1
			if t.tok(j+1) == "in" && t.tok(j+2) == "poi" || t.tok(j+1) == "onwards" {
				n += 2
			}
			return period{from: day(y1, 1, 1), found: true, open: true}, n, true
		}
	}
	// "dal marzo 2020", "da marzo 2020"
	if (w == "dal" || w == "da" || w == "since") && months[t.tok(i+1)] != 0 {
		if y, ok := year(t.tok(i + 2)); ok {
			return period{from: day(y, months[t.tok(i+1)], 1), found: true, open: true}, 3, true
		}
	}
	if w == "since" || w == "dopo" || w == "after" {
		k := i + 1
		if t.tok(k) == "il" {
			k++
		}
		if y, ok := year(t.tok(k)); ok {
			if w == "since" {
				return period{from: day(y, 1, 1), found: true, open: true}, k - i + 1, true
			}
			return period{from: day(y+1, 1, 1), found: true, open: true}, k - i + 1, true
		}
	}
	if w == "fino" || w == "until" || w == "prima" || w == "before" || w == "entro" {
		k := i + 1
		for t.tok(k) == "al" || t.tok(k) == "del" || t.tok(k) == "il" || t.tok(k) == "a" {
			k++
		}
		if y, ok := year(t.tok(k)); ok {
			if w == "prima" || w == "before" {
				return period{to: day(y-1, 12, 31), found: true}, k - i + 1, true
			}
			return period{to: day(y, 12, 31), found: true}, k - i + 1, true
		}
	}
	// "marzo 2020", "a marzo del 2020"
	if m, ok := months[w]; ok {
		k := i + 1
		if t.tok(k) == "del" {
			k++
		}
		if y, ok := year(t.tok(k)); ok {
			return monthSpan(y, m, m), k - i + 1, true
		}
	}
	if y, ok := year(w); ok {
		return yearSpan(y), 1, true
	}
	return period{}, 0, false
}
