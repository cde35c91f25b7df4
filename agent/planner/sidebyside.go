package planner

import (
	"slices"
	"time"

	"github.com/comune-bologna/conoscenza/agent/semantic"
)

// Follow-ups that set two things side by side or carry the previous question's frame over
// (session 12, docs/assistant-eval.md "Session 12: eighth round"): "confronta con Navile",
// "quale dei due", "e ad aprile?" after March 2025, "e nel secondo?" after a semester, "sì" after
// an offer.

// inPreviousYear gives a month or a span named without a year in a follow-up ("e ad aprile?"
// after "ore autorizzate a marzo 2025") the previous query's year, when that query was within
// one year: the latest April would be another year's.
func inPreviousYear(t *text, per period, q semantic.Query) period {
	if !per.found || per.from.IsZero() || per.to.IsZero() || per.from.Year() != per.to.Year() || q.From == "" || q.To == "" {
		return per
	}
	from, to := parseDay(q.From), parseDay(q.To)
	if from.Year() != to.Year() || from.Year() == per.from.Year() {
		return per
	}
	named := false
	for _, w := range t.read {
		if _, ok := months[w]; ok {
			named = true
		}
		if isYearTok(w) {
			return per
		}
	}
	if !named || t.mentionsRelative() {
		return per
	}
	shift := from.Year() - per.from.Year()
	return period{from: per.from.AddDate(shift, 0, 0), to: day(per.to.Year()+shift, per.to.Month()+1, 1).AddDate(0, 0, -1), found: true}
}

// mentionsRelative says whether a period is named against today ("il mese scorso", "lo scorso
// marzo", "last March", "quest'anno"): it keeps its own year.
func (t *text) mentionsRelative() bool {
	return t.has("scorso", "scorsa", "passato", "passata", "ultimo", "ultima", "ultimi", "ultime", "last", "this", "quest", "questo",
		"corrente", "corso", "prossimo", "next", "fa", "ago", "precedente", "previous", "finora", "oggi")
}

// affirmativeWords accept what the previous turn offered.
var affirmativeWords = map[string]bool{"si": true, "yes": true, "ok": true, "okay": true, "certo": true, "va": true, "bene": true,
	"grazie": true, "please": true, "sure": true, "volentieri": true, "prego": true, "dammelo": true, "dammi": true, "pure": true,
	"allora": true, "d": true, "accordo": true}

// affirmative says whether the question is only a yes ("sì", "ok grazie", "va bene", "yes
// please", "d'accordo").
func affirmative(t *text) bool {
	toks := slices.DeleteFunc(slices.Clone(t.read), func(w string) bool { return w == "" })
	if len(toks) == 0 || len(toks) > 3 {
		return false
	}
	for _, w := range toks {
		if !affirmativeWords[w] {
			return false
		}
	}
	return toks[0] != "grazie" && toks[0] != "prego" && toks[0] != "please"
}

// sideBySide joins each added condition to the query's condition on the same dimension with
// another value ("Savena", then "confronta con Navile"): both values, broken down by it. It
// returns the conditions left to add.
func sideBySide(q *semantic.Query, add []semantic.Filter) []semantic.Filter {
	var rest []semantic.Filter
	for _, f := range add {
		i := slices.IndexFunc(q.Filters, func(o semantic.Filter) bool {
			return o.Dimension == f.Dimension && (o.Op == "" || o.Op == "=") && o.Value != nil && o.Value != f.Value
		})
		if (f.Op != "" && f.Op != "=") || f.Value == nil || i < 0 {
			rest = append(rest, f)
			continue
		}
		q.Filters[i] = semantic.Filter{Dimension: f.Dimension, Op: "in", Values: []any{q.Filters[i].Value, f.Value}}
		if !slices.Contains(q.GroupBy, f.Dimension) {
			q.GroupBy = append([]string{f.Dimension}, q.GroupBy...)
		}
	}
	return rest
}

// twoWords ask which of the last two ("quale dei due", "chi ne ha di più?").
var twoWords = []string{"dei due", "delle due", "tra i due", "tra le due", "fra i due", "fra le due", "entrambi", "entrambe",
	"chi ne ha di piu", "chi ne ha di meno", "chi ne ha piu", "chi ne ha meno", "which of the two", "of the two", "both", "which one has more",
	"which has more", "which has fewer",
	// "confrontale", "mettile a confronto", "compare them": the last two side by side
	"confrontale", "confrontali", "confrontiamole", "confrontiamoli", "mettile a confronto", "mettili a confronto", "compare them",
	"compare the two", "side by side"}

// otherValue is the condition of before that q replaced: the same dimension, another value
// ("commercio", then "e nelle costruzioni?"); ok is false when the two differ otherwise.
func otherValue(before, q semantic.Query) (semantic.Filter, bool) {
	var out semantic.Filter
	n := 0
	for _, f := range before.Filters {
		i := slices.IndexFunc(q.Filters, func(o semantic.Filter) bool { return o.Dimension == f.Dimension })
		if i < 0 || (f.Op != "" && f.Op != "=") || (q.Filters[i].Op != "" && q.Filters[i].Op != "=") {
			if i < 0 {
				return out, false
			}
			continue
		}
		if q.Filters[i].Value != f.Value {
			out, n = f, n+1
		}
	}
	return out, n == 1 && len(before.Filters) == len(q.Filters)
}

// otherType is q with its company type (femminile, giovanile, ...) replaced by the one before
// had, when that is all the two differ in; ok is false otherwise.
func otherType(before, q semantic.Query) (semantic.Query, bool) {
	isType := func(f semantic.Filter) bool { return slices.Contains(typeDims, f.Dimension) && f.Value == true }
	bt, qt := slices.IndexFunc(before.Filters, isType), slices.IndexFunc(q.Filters, isType)
	if bt < 0 || qt < 0 || before.Filters[bt].Dimension == q.Filters[qt].Dimension || before.Metric != q.Metric {
		return q, false
	}
	rest := func(fs []semantic.Filter) []semantic.Filter { return slices.DeleteFunc(slices.Clone(fs), isType) }
	a, b := rest(before.Filters), rest(q.Filters)
	if len(a) != len(b) {
		return q, false
	}
	for _, f := range a {
		if !slices.ContainsFunc(b, func(o semantic.Filter) bool { return o.Dimension == f.Dimension && o.Value == f.Value && o.Op == f.Op }) {
			return q, false
		}
	}
	x := q
	x.Filters = slices.Clone(q.Filters)
	x.Filters[qt] = before.Filters[bt]
	return x, true
}

// ordinalWords are the numbers of a quarter or a semester named alone ("e nel secondo?").
var ordinalWords = map[string]int{"primo": 1, "secondo": 2, "terzo": 3, "quarto": 4, "first": 1, "second": 2, "third": 3, "fourth": 4}

// ordinalFollowUp reads an ordinal named alone in a follow-up ("e nel secondo?", "and the third?")
// as the previous query's span (a quarter, a four-month span, a semester) of that number in the
// same year; nothing when the previous period is no such span.
func ordinalFollowUp(t *text, q semantic.Query) period {
	if len(t.read) > 4 || q.From == "" || q.To == "" {
		return period{}
	}
	n := 0
	for _, w := range t.read {
		if k, ok := ordinalWords[w]; ok {
			n = k
		}
	}
	from, to := parseDay(q.From), parseDay(q.To)
	months := (to.Year()-from.Year())*12 + int(to.Month()) - int(from.Month()) + 1
	if n == 0 || from.Day() != 1 || from.Year() != to.Year() || (months != 3 && months != 4 && months != 6) || int(from.Month()-1)%months != 0 ||
		n*months > 12 {
		return period{}
	}
	start := day(from.Year(), time.Month((n-1)*months+1), 1)
	return period{from: start, to: start.AddDate(0, months, -1), found: true}
}
