package planner

import (
	"slices"
	"strings"
	"sync/atomic"

	"github.com/comune-bologna/conoscenza/agent/catalog"
)

// The SUAP's sectors and the CIG's causes are words each source writes its own way (the formats
// list no values: "PUBBLICO ESERCIZIO" in one city may be "SOMMINISTRAZIONE ALIMENTI E BEVANDE"
// in another). The planner's lists (suapSectorWords, the causes in cigTypeWords) name the values
// of the demo data with the words people use; read against data that write other values, a
// filter on a value they lack would count nothing and answer 0. SetValues gives the planner the
// values of the loaded data: a list's value the data lack is renamed to the one loaded value
// that shares one of its words, else dropped; a loaded value no list names is read by its own
// words (and a word of its own alone).

// dataDims are the dimensions whose values come from the data.
var dataDims = []string{"settore_suap", "causale_cig"}

var dataValues atomic.Pointer[map[string][]string]

// SetValues gives the planner the values the loaded data hold for the dimensions whose values
// are the source's own (settore_suap, causale_cig). A dimension absent from the map keeps the
// planner's lists as they are.
func SetValues(values map[string][]string) {
	m := map[string][]string{}
	for dim, vs := range values {
		m[dim] = slices.Clone(vs)
	}
	dataValues.Store(&m)
	rebuildDataWords()
}

// dataWords are the words of the loaded values and calls' titles: the spelling correction
// leaves them as they are ("librerie" is no slip for another word).
var dataWords atomic.Pointer[map[string]bool]

func rebuildDataWords() {
	m := map[string]bool{}
	add := func(s string) {
		for _, w := range strings.Fields(catalog.Fold(punct.Replace(s))) {
			m[w] = true
		}
	}
	if p := dataValues.Load(); p != nil {
		for _, vs := range *p {
			for _, v := range vs {
				add(v)
			}
		}
	}
	for _, t := range currentCalls().titles {
		add(t)
	}
	dataWords.Store(&m)
}

// isDataWord says whether w is a word of the loaded values or calls' titles.
func isDataWord(w string) bool {
	p := dataWords.Load()
	return p != nil && (*p)[w]
}

// withDataValues adapts list to the loaded values (see above); the list itself is not changed.
func withDataValues(list []valueWords) []valueWords {
	p := dataValues.Load()
	if p == nil {
		return list
	}
	loaded := *p
	out := make([]valueWords, 0, len(list))
	named := map[string]bool{}
	for _, v := range list {
		vals, known := loaded[v.dim]
		if !known || slices.Contains(vals, v.value) {
			out = append(out, v)
			named[v.value] = true
			continue
		}
		var match []string
		for _, val := range vals {
			if sharesWord(val, v.words) {
				match = append(match, val)
			}
		}
		if len(match) == 1 {
			out = append(out, valueWords{v.dim, match[0], v.words})
			named[match[0]] = true
		}
	}
	for _, dim := range dataDims {
		if !slices.ContainsFunc(list, func(v valueWords) bool { return v.dim == dim }) {
			continue
		}
		// in how many of the dimension's values each word is
		seen := map[string]int{}
		for _, val := range loaded[dim] {
			f := strings.Fields(catalog.Fold(punct.Replace(val)))
			slices.Sort(f)
			for _, w := range slices.Compact(f) {
				seen[w]++
			}
		}
		for _, val := range loaded[dim] {
			f := strings.Fields(catalog.Fold(punct.Replace(val)))
			if named[val] || len(f) == 0 {
				continue
			}
			words := append([]string{strings.Join(f, " ")}, withConnectives(f)...)
			// a word of its own alone ("tatuatori" or "piercing" for "TATUATORI E PIERCING"), when
			// no other value holds it and the planner reads it as nothing else
			for _, w := range f {
				if len([]rune(w)) >= 6 && seen[w] == 1 && !vocabulary[w] && len(f) > 1 && !slices.Contains(words, w) {
					words = append(words, w)
				}
			}
			out = append(out, valueWords{dim, val, words})
		}
	}
	return out
}

// connectives are the words people put between a value's words ("calo delle commesse" for
// "CALO COMMESSE", "mancanza di materie prime" for "MANCANZA MATERIE PRIME").
var connectives = []string{"di", "del", "della", "delle", "dei", "degli", "dello", "dell"}

// withConnectives gives the phrases of a value's words (folded) with one connective put between
// two of them, for values of two to four words; a gap next to a connective is left alone.
func withConnectives(f []string) []string {
	if len(f) < 2 || len(f) > 4 {
		return nil
	}
	var out []string
	for i := 1; i < len(f); i++ {
		if slices.Contains(connectives, f[i-1]) || slices.Contains(connectives, f[i]) || f[i-1] == "e" || f[i] == "e" {
			continue
		}
		for _, c := range connectives {
			out = append(out, strings.Join(f[:i], " ")+" "+c+" "+strings.Join(f[i:], " "))
		}
	}
	return out
}

// sharesWord says whether a value holds one of the words (of four letters or more) of the
// phrases, folded.
func sharesWord(value string, phrases []string) bool {
	have := strings.Fields(catalog.Fold(punct.Replace(value)))
	for _, p := range phrases {
		for _, w := range strings.Fields(p) {
			if len([]rune(w)) >= 4 && slices.Contains(have, w) {
				return true
			}
		}
	}
	return false
}

// loadedValue says whether the data hold value for dim (true when the planner was given no
// values for dim).
func loadedValue(dim, value string) bool {
	p := dataValues.Load()
	if p == nil {
		return true
	}
	vals, known := (*p)[dim]
	return !known || slices.Contains(vals, value)
}
