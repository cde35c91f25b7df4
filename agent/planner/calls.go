package planner

import (
	"cmp"
	"slices"
	"sync/atomic"
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
}

// currentCalls is the set given last (empty before any).
func currentCalls() *callIndex {
	if x := calls.Load(); x != nil {
		return x
	}
	return &callIndex{titles: map[string]string{}, common: map[string]int{}}
}
