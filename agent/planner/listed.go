package planner

import (
	"slices"
	"time"
)

// Periods named as lists or by their ends (session 12): months that do not follow each other
// ("a gennaio e marzo 2025"), three or more years ("nel 2023, 2024 e 2025"), the end of a year as
// a bound or a reference ("tra fine 2024 e fine 2025", "rispetto a fine 2024"), the start of a
// year ("a inizio 2025"), a place against the whole city.

// monthsApart returns the months of a list whose months do not all follow each other
// ("chiusure a gennaio e marzo 2025", "a gennaio, marzo e maggio", "in January and March"), in
// the calendar's order; nil for one month, a span ("tra gennaio e marzo", "da gennaio a marzo")
// or months in a row. The tokens are the question as read, none consumed.
func (t *text) monthsApart() []time.Month {
	toks := slices.DeleteFunc(slices.Clone(t.read), func(w string) bool { return w == "" })
	for i := 0; i < len(toks); i++ {
		m, ok := months[toks[i]]
		if !ok {
			continue
		}
		if i > 0 {
			switch toks[i-1] {
			case "tra", "fra", "between", "from", "da", "dal", "dall", "dalla", "fino", "until":
				return nil
			}
		}
		run := []time.Month{m}
		k := i + 1
		for {
			if k < len(toks) && (toks[k] == "e" || toks[k] == "and") {
				k++
			}
			for k < len(toks) && (toks[k] == "a" || toks[k] == "ad" || toks[k] == "in" ||
				toks[k] == "quelle" || toks[k] == "quelli" || toks[k] == "di" || toks[k] == "del") {
				k++ // "a gennaio e a marzo", "di gennaio e quelle di marzo"
			}
			n, ok := months[safeTok(toks, k)]
			if !ok || n <= run[len(run)-1] {
				break
			}
			run = append(run, n)
			k++
		}
		if len(run) < 2 {
			i = k - 1
			continue
		}
		for j := 1; j < len(run); j++ {
			if run[j] != run[j-1]+1 {
				return run
			}
		}
		return nil
	}
	return nil
}

func safeTok(toks []string, k int) string {
	if k < 0 || k >= len(toks) {
		return ""
	}
	return toks[k]
}

// yearEnds reads the end of a year named as a bound or a reference: "tra fine 2024 e fine
// 2025", "da fine 2023 a fine 2025" are from December to December ("dicembre 2024"), "rispetto
// a fine 2024", "compared with the end of 2024" the year itself ("rispetto al 2024": a stock
// compares its year-end snapshots). "a fine 2025" alone keeps its reading (the year).
func (t *text) yearEnds() {
	ranged := t.has("tra fine", "fra fine", "da fine", "dalla fine", "between the end", "from the end")
	for i := 0; i < len(t.tokens); i++ {
		w := t.tok(i)
		if w != "fine" && w != "end" {
			continue
		}
		k := i + 1
		for t.tok(k) == "del" || t.tok(k) == "dell" || t.tok(k) == "of" || t.tok(k) == "the" {
			k++
		}
		if !isYearTok(t.tok(k)) {
			continue
		}
		b := i - 1
		for t.tok(b) == "the" || t.tok(b) == "alla" || t.tok(b) == "al" || t.tok(b) == "a" && t.tok(b-1) != "rispetto" {
			b--
		}
		switch prev := t.tok(b); {
		case prev == "a" && t.tok(b-1) == "rispetto":
			// "rispetto a fine 2024": the year ("rispetto al 2024")
			t.tokens = slices.Concat(t.tokens[:b], []string{"al"}, t.tokens[k:])
		case prev == "rispetto":
			t.tokens = slices.Concat(t.tokens[:b+1], []string{"al"}, t.tokens[k:])
		case prev == "with" || prev == "to" && t.tok(b-1) == "compared":
			t.tokens = slices.Concat(t.tokens[:b+1], t.tokens[k:])
		case ranged && (prev == "tra" || prev == "fra" || prev == "between" || prev == "da" || prev == "dal" || prev == "dalla" ||
			prev == "from" || prev == "e" || prev == "and" || prev == "a" || prev == "al" || prev == "to"):
			// "tra fine 2024 e fine 2025": December to December
			t.tokens = slices.Concat(t.tokens[:i], []string{"dicembre"}, t.tokens[k:])
		}
	}
}

// yearList reads three or more years listed ("nel 2023, 2024 e 2025") as the first and the last
// named one by one ("2023 e 2025": each year, from the first to the last).
func (t *text) yearList() {
	for i := 0; i < len(t.tokens); i++ {
		if !isYearTok(t.tok(i)) {
			continue
		}
		last, n, k := i, 1, i+1
		for {
			if t.tok(k) == "e" || t.tok(k) == "and" || t.tok(k) == "nel" || t.tok(k) == "in" {
				k++
			}
			if !isYearTok(t.tok(k)) {
				break
			}
			last, n, k = k, n+1, k+1
		}
		if n < 3 {
			continue
		}
		t.tokens = slices.Concat(t.tokens[:i+1], []string{"e"}, t.tokens[last:])
		i++
	}
}

// startOfYear reads "a inizio 2025", "all'inizio del 2025", "at the start of 2025": a point at
// the year's start (not "da inizio 2025", a period from it).
func (t *text) startOfYear() (int, bool) {
	for i, w := range t.tokens {
		if w != "inizio" && w != "start" && w != "beginning" {
			continue
		}
		switch t.tok(i - 1) {
		case "da", "dal", "dall", "dalla", "from", "since":
			return 0, false
		}
		k := i + 1
		for t.tok(k) == "del" || t.tok(k) == "dell" || t.tok(k) == "di" || t.tok(k) == "of" || t.tok(k) == "the" {
			k++
		}
		if y, ok := year(t.tok(k)); ok {
			return y, true
		}
	}
	return 0, false
}

// yearNamed says whether a year is written in the question ("2025", "nel 2024").
func (t *text) yearNamed() bool {
	return slices.ContainsFunc(t.read, isYearTok)
}

// cityRefWords compare a place with the whole city ("rispetto alla media cittadina").
var cityRefWords = []string{"rispetto alla media cittadina", "rispetto alla media della citta", "rispetto alla media comunale",
	"rispetto alla media di bologna", "rispetto al dato cittadino", "rispetto al totale cittadino", "rispetto al dato comunale",
	"rispetto al resto della citta", "rispetto a tutta la citta", "rispetto all intera citta", "rispetto alla citta",
	"confrontato con la media cittadina", "con la media cittadina", "e la media cittadina", "rispetto a bologna",
	"compared with the city average", "compared to the city average", "compared with the city", "compared to the city",
	"against the city average", "vs the city average", "versus the city average", "and the city average"}
