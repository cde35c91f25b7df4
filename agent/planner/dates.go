package planner

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"time"
)

// Numeric dates are rewritten in the raw question as one token ("dt20241101") before folding,
// so that their parts are not read as a year, an ATECO code ("01.11") or a count.
var (
	isoDateRE = regexp.MustCompile(`\b(\d{4})-(\d{1,2})-(\d{1,2})\b`)
	dmyDateRE = regexp.MustCompile(`\b(\d{1,2})[/.\-](\d{1,2})[/.\-](\d{4})\b`)
)

// Month names are key words: "aprile" must not be "corrected" to "aprire", and a misspelt
// month ("setembre") is corrected to the month.
func init() {
	for m := range months {
		addVocabulary(m)
	}
}

// dateToken is the folded form of a calendar date.
func dateToken(t time.Time) string { return "dt" + t.Format("20060102") }

// validDate returns the date y-m-d when it exists in the calendar.
func validDate(y, m, d int) (time.Time, bool) {
	if y < 1950 || y > 2100 || m < 1 || m > 12 || d < 1 || d > 31 {
		return time.Time{}, false
	}
	t := day(y, time.Month(m), d)
	return t, t.Day() == d && int(t.Month()) == m
}

// monthAbbrs are the abbreviated months, Italian and English; monthYear the year after one,
// four digits or two ("ago-2026", "gen 2025", "Sept. 2024", "mar-26").
const (
	monthAbbrs = `(gen|feb|mar|apr|mag|giu|lug|ago|sett?|ott|nov|dic|jan|jun|jul|aug|sept?|oct|dec)`
	monthYear  = `(?:\.\s*|\s*[-/']\s*|\s+)((?:19|20)\d{2}|\d{2})\b`
)

// monthAbbrRE finds a month abbreviated before its year ("ago-2026", "gen 2025", "Sept. 2024",
// "mar-26"): only with the year, as "ago" and "set" are words of their own.
var monthAbbrRE = regexp.MustCompile(`(?i)\b` + monthAbbrs + monthYear)

var monthAbbr = map[string]string{"gen": "gennaio", "feb": "febbraio", "mar": "marzo", "apr": "aprile", "mag": "maggio",
	"giu": "giugno", "lug": "luglio", "ago": "agosto", "set": "settembre", "sett": "settembre", "ott": "ottobre", "nov": "novembre",
	"dic": "dicembre", "jan": "january", "jun": "june", "jul": "july", "aug": "august", "sep": "september", "sept": "september",
	"oct": "october", "dec": "december"}

// monthRangeRE finds two abbreviated months joined before a year ("lug-ago 2026").
var monthRangeRE = regexp.MustCompile(`(?i)\b` + monthAbbrs + `\.?\s*[-/]\s*` + monthAbbrs + monthYear)

// monthNames are the months written in full; fullMonthRangeRE two of them joined by a dash
// ("gennaio-marzo 2026", "from January-March"), read as "da gennaio a marzo".
const monthNames = `(gennaio|febbraio|marzo|aprile|maggio|giugno|luglio|agosto|settembre|ottobre|novembre|dicembre|` +
	`january|february|march|april|may|june|july|august|september|october|november|december)`

var fullMonthRangeRE = regexp.MustCompile(`(?i)\b` + monthNames + `\s*[-–]\s*` + monthNames + `\b`)

// decadeRE finds a decade ("anni '90", "anni 90", "anni novanta", "anni 2000", "the 1990s").
var decadeRE = regexp.MustCompile(`(?i)\b(?:anni\s*['’]?\s*(50|60|70|80|90|2000|2010|cinquanta|sessanta|settanta|ottanta|novanta|duemila)|(19[5-9]0|20[01]0)s)\b`)

var decadeWords = map[string]int{"50": 1950, "60": 1960, "70": 1970, "80": 1980, "90": 1990, "2000": 2000, "2010": 2010, "cinquanta": 1950,
	"sessanta": 1960, "settanta": 1970, "ottanta": 1980, "novanta": 1990, "duemila": 2000}

// expandDecades writes a decade as its span of years: "negli anni '90" is "tra il 1990 e il 1999".
func expandDecades(q string) string {
	return decadeRE.ReplaceAllStringFunc(q, func(s string) string {
		p := decadeRE.FindStringSubmatch(s)
		y := decadeWords[strings.ToLower(p[1])]
		if p[2] != "" {
			y, _ = strconv.Atoi(p[2])
		}
		return fmt.Sprintf("tra il %d e il %d", y, y+9)
	})
}

// yearWordsRE finds a year written in words, Italian or English: "duemilaventicinque",
// "duemila venticinque", "twenty twenty-five" (2001-2039; "gli anni duemila" is a decade and
// was read before).
// No \b after the Italian words: "ventitré" ends with a letter Go's \b does not count as a
// word's (the alternatives are listed longest first, so "ventitre" is read before "venti").
var yearWordsRE = regexp.MustCompile(`(?i)\b(?:duemila\s*(` + itUnits + `)|twenty[\s-]+(twenty[\s-]*(?:` + enUnits + `)?|thirty[\s-]*(?:` + enUnits + `)?|` + enTeens + `)\b)`)

const (
	itUnits = `trentanove|trentotto|trentasette|trentasei|trentacinque|trentaquattro|trentatr[eé]|trentadue|trentuno|trenta|` +
		`ventinove|ventotto|ventisette|ventisei|venticinque|ventiquattro|ventitr[eé]|ventidue|ventuno|venti|diciannove|diciotto|` +
		`diciassette|sedici|quindici|quattordici|tredici|dodici|undici|dieci|nove|otto|sette|sei|cinque|quattro|tre|due|uno`
	enUnits = `one|two|three|four|five|six|seven|eight|nine`
	enTeens = `ten|eleven|twelve|thirteen|fourteen|fifteen|sixteen|seventeen|eighteen|nineteen`
)

var itYearUnits = map[string]int{"uno": 1, "due": 2, "tre": 3, "quattro": 4, "cinque": 5, "sei": 6, "sette": 7, "otto": 8, "nove": 9,
	"dieci": 10, "undici": 11, "dodici": 12, "tredici": 13, "quattordici": 14, "quindici": 15, "sedici": 16, "diciassette": 17,
	"diciotto": 18, "diciannove": 19, "venti": 20, "ventuno": 21, "ventidue": 22, "ventitre": 23, "ventiquattro": 24,
	"venticinque": 25, "ventisei": 26, "ventisette": 27, "ventotto": 28, "ventinove": 29, "trenta": 30, "trentuno": 31,
	"trentadue": 32, "trentatre": 33, "trentaquattro": 34, "trentacinque": 35, "trentasei": 36, "trentasette": 37,
	"trentotto": 38, "trentanove": 39}

var enYearUnits = map[string]int{"one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8, "nine": 9,
	"ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13, "fourteen": 14, "fifteen": 15, "sixteen": 16, "seventeen": 17,
	"eighteen": 18, "nineteen": 19}

// expandYearWords writes a year named in words in digits ("chiusure duemilaventicinque" is
// "chiusure 2025"), so that every period reading sees it.
func expandYearWords(q string) string {
	return yearWordsRE.ReplaceAllStringFunc(q, func(s string) string {
		p := yearWordsRE.FindStringSubmatch(s)
		if p[1] != "" {
			return strconv.Itoa(2000 + itYearUnits[strings.ReplaceAll(strings.ToLower(p[1]), "é", "e")])
		}
		w := strings.ToLower(p[2])
		y := 2000
		for _, tens := range []struct {
			word string
			n    int
		}{{"twenty", 20}, {"thirty", 30}} {
			if strings.HasPrefix(w, tens.word) {
				y += tens.n
				w = strings.TrimLeft(strings.TrimPrefix(w, tens.word), " -")
			}
		}
		return strconv.Itoa(y + enYearUnits[w])
	})
}

// expandMonths writes abbreviated months in full, with a two-digit year as four ("ago-26" is
// August 2026; "lug-ago 2026" is from July to August 2026).
func expandMonths(q string) string {
	q = fullMonthRangeRE.ReplaceAllString(q, "da $1 a $2")
	q = monthRangeRE.ReplaceAllStringFunc(q, func(s string) string {
		p := monthRangeRE.FindStringSubmatch(s)
		return "da " + monthAbbr[strings.ToLower(p[1])] + " a " + monthAbbr[strings.ToLower(p[2])] + " " + fullYear(p[3])
	})
	return monthAbbrRE.ReplaceAllStringFunc(q, func(s string) string {
		p := monthAbbrRE.FindStringSubmatch(s)
		return monthAbbr[strings.ToLower(p[1])] + " " + fullYear(p[2])
	})
}

// fullYear writes a two-digit year with its century ("26" is "2026").
func fullYear(y string) string {
	if len(y) == 2 {
		return "20" + y
	}
	return y
}

// markDates replaces numeric dates (dd/mm/yyyy, dd.mm.yyyy, dd-mm-yyyy, yyyy-mm-dd) with date
// tokens; a date that does not exist in the calendar is blanked so that no period is read from
// it.
func markDates(q string) string {
	conv := func(re *regexp.Regexp, yi, mi, di int) {
		q = re.ReplaceAllStringFunc(q, func(s string) string {
			p := re.FindStringSubmatch(s)
			y, _ := strconv.Atoi(p[yi])
			m, _ := strconv.Atoi(p[mi])
			d, _ := strconv.Atoi(p[di])
			if t, ok := validDate(y, m, d); ok {
				return " " + dateToken(t) + " "
			}
			if y >= 1950 && y <= 2100 {
				return " datanonvalida " // 31/02/2024 is no date: not the year 2024 either
			}
			return s
		})
	}
	conv(isoDateRE, 1, 2, 3)
	conv(dmyDateRE, 3, 2, 1)
	return q
}

// span is the stretch of calendar one date expression names: a day, a month, a quarter, a
// semester or a year. A day or month given without its year ("dal 15 gennaio al 20 giugno
// 2025") has noYear set and takes the year from the other end of a range.
type span struct {
	from, to time.Time
	n        int // tokens read
	noYear   bool
	// for a span without a year: the month and day (0 for a whole month)
	month time.Month
	d     int
}

func (s span) inYear(y int) span {
	if s.d > 0 {
		if t, ok := validDate(y, int(s.month), s.d); ok {
			return span{from: t, to: t, n: s.n}
		}
		return span{}
	}
	p := monthSpan(y, s.month, s.month)
	return span{from: p.from, to: p.to, n: s.n}
}

// dayNumber reads the day of a date written in words: "15", "1°", "primo", "trenta".
func dayNumber(tok string) (int, bool) {
	tok = strings.TrimSuffix(strings.TrimSuffix(tok, "°"), "º")
	if tok == "primo" {
		return 1, true
	}
	if d, ok := numberWords[tok]; ok {
		return d, d >= 1 && d <= 31
	}
	if len(tok) > 2 {
		return 0, false
	}
	d, err := strconv.Atoi(tok)
	return d, err == nil && d >= 1 && d <= 31
}

// pointAt reads one date expression at token i: a date token, "15 gennaio 2025", "marzo
// 2020", "primo trimestre 2024", "Q2 2021", "primi 6 mesi del 2024", a year; a day or a month
// without a year is returned with noYear.
func (t *text) pointAt(i int) (span, bool) {
	w := t.tok(i)
	if len(w) == 10 && strings.HasPrefix(w, "dt") {
		if d, err := time.Parse("20060102", w[2:]); err == nil {
			return span{from: d, to: d, n: 1}, true
		}
	}
	yearAfter := func(k int) (int, int, bool) { // the year at k, after an optional "del"
		if t.tok(k) == "del" || t.tok(k) == "of" || t.tok(k) == "dell" {
			k++
		}
		y, ok := year(t.tok(k))
		return y, k, ok
	}
	if d, ok := dayNumber(w); ok {
		if m, ok := months[t.tok(i+1)]; ok {
			if y, k, ok := yearAfter(i + 2); ok {
				if dt, ok := validDate(y, int(m), d); ok {
					return span{from: dt, to: dt, n: k - i + 1}, true
				}
				return span{}, false
			}
			if d <= 29 || d == 30 && m != 2 || d == 31 && day(2001, m, 31).Month() == m {
				return span{n: 2, noYear: true, month: m, d: d}, true
			}
			return span{}, false
		}
	}
	if m, ok := months[w]; ok {
		if y, k, ok := yearAfter(i + 1); ok {
			p := monthSpan(y, m, m)
			return span{from: p.from, to: p.to, n: k - i + 1}, true
		}
		return span{n: 1, noYear: true, month: m}, true
	}
	// "primo semestre 2020", "secondo trimestre del 2021", "first half of 2020"
	if o, ok := ordinalOf(w); ok {
		if y, k, ok := yearAfter(i + 2); ok {
			switch t.tok(i + 1) {
			case "semestre", "half":
				if o <= 2 {
					m := time.Month(6*(o-1) + 1)
					p := monthSpan(y, m, m+5)
					return span{from: p.from, to: p.to, n: k - i + 1}, true
				}
			case "trimestre", "quarter":
				m := time.Month(3*(o-1) + 1)
				p := monthSpan(y, m, m+2)
				return span{from: p.from, to: p.to, n: k - i + 1}, true
			}
		}
	}
	if len(w) == 2 && w[0] == 'q' && w[1] >= '1' && w[1] <= '4' {
		if y, k, ok := yearAfter(i + 1); ok {
			m := time.Month(3*int(w[1]-'1') + 1)
			p := monthSpan(y, m, m+2)
			return span{from: p.from, to: p.to, n: k - i + 1}, true
		}
	}
	// "primi 6 mesi del 2024", "first 3 months of 2024"
	if w == "primi" || w == "first" {
		if n, ok := number(t.tok(i + 1)); ok && n >= 1 && n <= 12 && (t.tok(i+2) == "mesi" || t.tok(i+2) == "months") {
			if y, k, ok := yearAfter(i + 3); ok {
				p := monthSpan(y, 1, time.Month(n))
				return span{from: p.from, to: p.to, n: k - i + 1}, true
			}
		}
	}
	if y, ok := year(w); ok {
		return span{from: day(y, 1, 1), to: day(y, 12, 31), n: 1}, true
	}
	return span{}, false
}

// Words that open a range or an open start, separate the two ends, or close an open end.
var (
	fromLeads = map[string]bool{"da": true, "dal": true, "dall": true, "dalla": true, "dai": true, "dagli": true,
		"tra": true, "fra": true, "between": true, "from": true, "since": true}
	articles = map[string]bool{"il": true, "l": true, "lo": true, "la": true, "i": true, "the": true}
	rangeSep = map[string]bool{"a": true, "al": true, "all": true, "alla": true, "ai": true, "agli": true, "ad": true,
		"e": true, "and": true, "to": true, "until": true, "till": true, "through": true, "fino": true}
)

// rangeAt reads a period at token i that a lead word opens: "da novembre 2024 a ottobre
// 2026", "dal 01/11/2024 al 31/10/2026", "tra il 2019 e il 2021", "dal 15 gennaio al 20
// giugno 2025", "2019-2021", "dal 2020" (open), "a partire da marzo 2025" (open).
func (t *text) rangeAt(i int) (period, int, bool) {
	j := i
	lead := t.tok(i)
	switch {
	case lead == "a" && t.tok(i+1) == "partire" && fromLeads[t.tok(i+2)]:
		j += 3
	case lead == "starting" && t.tok(i+1) == "from":
		j += 2
	case fromLeads[lead]:
		j++
	}
	hasLead := j > i
	for articles[t.tok(j)] && hasLead {
		j++
	}
	if hasLead && t.tok(j) == "inizio" {
		// "da inizio 2024", "dall'inizio del 2024": from its first day
		j++
		if t.tok(j) == "del" || t.tok(j) == "dell" {
			j++
		}
	}
	p1, ok := t.pointAt(j)
	if !ok {
		return period{}, 0, false
	}
	k := j + p1.n
	sep := t.tok(k)
	if rangeSep[sep] {
		k++
		if !hasLead && (sep == "e" || sep == "and") && (t.tok(k) == "nel" || t.tok(k) == "in") {
			k++ // "nel 2024 e nel 2025"
		}
		if sep == "fino" || sep == "until" {
			for t.tok(k) == "a" || t.tok(k) == "al" || t.tok(k) == "all" || t.tok(k) == "alla" || t.tok(k) == "ad" {
				k++
			}
		}
		for articles[t.tok(k)] {
			k++
		}
	}
	// without a lead word only two plain years or dates make a range ("2019-2021")
	plain := func(s span, k int) bool {
		_, isYear := year(t.tok(k))
		return s.n == 1 && (isYear || strings.HasPrefix(t.tok(k), "dt"))
	}
	// "luglio e agosto 2026": two months, the first taking the second's year
	months2 := !hasLead && (sep == "e" || sep == "and") && p1.noYear && p1.d == 0
	apart := false
	if months2 {
		// "gennaio e quelle di febbraio 2026", "settembre e di agosto 2026": the second month
		// set apart from the first, one value each
		for m := k; m < k+3 && (t.tok(m) == "quelle" || t.tok(m) == "quelli" || t.tok(m) == "quella" || t.tok(m) == "quello" ||
			t.tok(m) == "di" || t.tok(m) == "del" || t.tok(m) == "a" || t.tok(m) == "ad"); m++ {
			if _, ok := months[t.tok(m+1)]; ok {
				k, apart = m+1, true
				break
			}
		}
	}
	if p2, ok := t.pointAt(k); ok && (hasLead && k > j+p1.n || !hasLead && plain(p1, j) && plain(p2, k) || months2 && !p2.noYear && p2.to.Sub(p2.from) < 32*24*time.Hour) {
		switch {
		case p1.noYear && p2.noYear:
			goto open
		case p1.noYear: // "da novembre a febbraio 2025": November 2024
			s := p1.inYear(p2.from.Year())
			// two months set apart are of the same year ("settembre e di agosto 2026")
			if !s.from.IsZero() && s.from.After(p2.from) && !apart {
				s = p1.inYear(p2.from.Year() - 1)
			}
			p1 = s
		case p2.noYear: // "da novembre 2024 a febbraio": February 2025
			s := p2.inYear(p1.from.Year())
			if !s.from.IsZero() && s.to.Before(p1.from) {
				s = p2.inYear(p1.from.Year() + 1)
			}
			p2 = s
		}
		if p1.from.IsZero() || p2.to.IsZero() {
			return period{}, 0, false
		}
		if p2.to.Before(p1.from) { // "dal 2026 al 2024": the span between the two, not an empty one
			p1, p2 = p2, p1
		}
		_, y1 := year(t.tok(j))
		_, y2 := year(t.tok(k))
		// "2024 e 2025" names two years, not the span: one value each
		each := !hasLead && (sep == "e" || sep == "and") && y1 && y2
		apart = apart || months2 && t.has(compareWords...) || months2 && t.has(deltaWords...)
		return period{from: p1.from, to: p2.to, found: true, each: each, eachMonth: apart}, k + p2.n - i, true
	}
open:
	if !hasLead || p1.noYear || lead == "tra" || lead == "fra" || lead == "between" {
		return period{}, 0, false
	}
	n := j + p1.n - i
	switch {
	case t.tok(i+n) == "in" && t.tok(i+n+1) == "poi", t.tok(i+n) == "ad" && t.tok(i+n+1) == "oggi",
		t.tok(i+n) == "a" && t.tok(i+n+1) == "oggi", t.tok(i+n) == "to" && t.tok(i+n+1) == "date":
		n += 2
	case t.tok(i+n) == "onwards" || t.tok(i+n) == "onward":
		n++
	}
	return period{from: p1.from, found: true, open: true}, n, true
}

// boundAt reads an open end at token i: "fino a marzo 2025", "entro il 2020", "until 2020"
// (to the end of the point), "prima del 2019", "before 2019" (to the day before it), "dopo il
// 2020", "after June 2021" (from the day after it, end left open).
func (t *text) boundAt(i int) (period, int, bool) {
	w := t.tok(i)
	k := i + 1
	switch w {
	case "fino", "until", "entro", "prima", "before", "dopo", "after", "till":
	case "up":
		if t.tok(i+1) != "to" {
			return period{}, 0, false
		}
		k++
	default:
		return period{}, 0, false
	}
	for t.tok(k) == "a" || t.tok(k) == "al" || t.tok(k) == "all" || t.tok(k) == "alla" || t.tok(k) == "ad" ||
		t.tok(k) == "del" || t.tok(k) == "dell" || t.tok(k) == "della" || t.tok(k) == "di" || articles[t.tok(k)] {
		k++
	}
	p, ok := t.pointAt(k)
	if !ok || p.noYear {
		return period{}, 0, false
	}
	n := k + p.n - i
	switch w {
	case "prima", "before":
		return period{to: p.from.AddDate(0, 0, -1), found: true}, n, true
	case "dopo", "after":
		return period{from: p.to.AddDate(0, 0, 1), found: true, open: true}, n, true
	}
	return period{to: p.to, found: true}, n, true
}

// String shows a period for test messages.
func (p period) String() string {
	return fmt.Sprintf("[%s, %s]", p.fromString(), p.toString())
}
