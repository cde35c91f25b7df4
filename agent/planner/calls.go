package planner

import (
	"cmp"
	"slices"
	"strings"
	"sync/atomic"
	"unicode"
)

// Call is a grant call of the loaded data: its id (ID-BANDO), title (TITOLO-BANDO) and year
// (ANNO). Questions name calls by their title's words ("il contributo per la digitalizzazione"
// is the "Voucher per la transizione digitale …"); the planner has no database, so whoever
// runs it gives it the calls of the data (agent.Service does before every question, tests give
// the demo data's).
type Call struct {
	ID, Title string
	Year      int
}

// callIndex is what the reading needs of the calls: titles by id, how many titles each stem
// is in, and each call's telling words.
type callIndex struct {
	titles  map[string]string
	common  map[string]int // a stem in three or more titles ("imprese", "bando") tells no call
	aliases []bandoAlias   // by year, then id: on a tie the later entry, the more recent, wins
}

var calls atomic.Pointer[callIndex]

// SetCalls replaces the calls questions are read against. Safe to call while questions are
// being read: a question reads one set from start to end.
func SetCalls(cs []Call) {
	x := &callIndex{titles: map[string]string{}, common: map[string]int{}}
	cs = slices.Clone(cs)
	slices.SortFunc(cs, func(a, b Call) int { return cmp.Or(cmp.Compare(a.Year, b.Year), cmp.Compare(a.ID, b.ID)) })
	for _, c := range cs {
		x.titles[c.ID] = c.Title
		seen := map[string]bool{}
		for _, w := range titleWords(c.Title) {
			if s := titleStem(w); !seen[s] {
				seen[s] = true
				x.common[s]++
			}
		}
	}
	for _, c := range cs {
		var words []string
		for _, w := range titleWords(c.Title) {
			if x.common[titleStem(w)] < 3 && !titleNouns[w] && !slices.Contains(words, w) {
				words = append(words, w)
			}
		}
		x.aliases = append(x.aliases, bandoAlias{id: c.ID, year: c.Year, words: [][]string{words}})
	}
	calls.Store(x)
	rebuildDataWords()
}

// currentCalls is the set given last (empty before any).
func currentCalls() *callIndex {
	if x := calls.Load(); x != nil {
		return x
	}
	return &callIndex{titles: map[string]string{}, common: map[string]int{}}
}

// callIDIn returns the call a text names by its id: one of the loaded calls' ids (the longest
// written as a word of its own, letters in any case), else one written as the formats' example
// writes them (B-2021-07). An id of digits alone is never looked for: it would be a year.
func callIDIn(s string) string {
	if i, id := findCallID(s); i >= 0 {
		return id
	}
	if m := bandoRE.FindString(s); m != "" {
		return strings.ToUpper(m)
	}
	return ""
}

// replaceCallIDs replaces every call id in s (loaded or in the example's form) with r.
func replaceCallIDs(s, r string) string {
	for {
		i, id := findCallID(s)
		if i < 0 {
			break
		}
		s = s[:i] + r + s[i+len(id):]
	}
	return bandoRE.ReplaceAllString(s, r)
}

// findCallID finds the longest loaded call id written in s as a word of its own, and where.
func findCallID(s string) (int, string) {
	up := strings.ToUpper(s)
	if len(up) != len(s) { // a letter whose upper case is longer: positions would not match
		return -1, ""
	}
	at, best := -1, ""
	for id := range currentCalls().titles {
		u := strings.ToUpper(id)
		if len(u) <= len(best) || !strings.ContainsFunc(u, unicode.IsLetter) || len(u) != len(id) {
			continue
		}
		for from := 0; from < len(up); {
			j := strings.Index(up[from:], u)
			if j < 0 {
				break
			}
			j += from
			if wordEdge(up, j-1) && wordEdge(up, j+len(u)) {
				at, best = j, id
				break
			}
			from = j + 1
		}
	}
	return at, best
}

// wordEdge says whether s has no letter or digit at byte i (or i is outside s).
func wordEdge(s string, i int) bool {
	if i < 0 || i >= len(s) {
		return true
	}
	c := rune(s[i])
	return c >= 0x80 || !unicode.IsLetter(c) && !unicode.IsDigit(c)
}
