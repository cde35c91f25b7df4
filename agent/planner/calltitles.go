package planner

import (
	"strings"

	"github.com/comune-bologna/conoscenza/agent/catalog"
)

// titleGloss are the stems a question's word stands for when it is not a title's own word:
// English words and Italian synonyms of title words (general vocabulary, not one call's).
var titleGloss = map[string][]string{
	"digital": {"digita"}, "digitisation": {"digita"}, "digitization": {"digita"}, "digitalisation": {"digita"},
	"digitalization": {"digita"}, "informatica": {"digita"}, "tecnologica": {"digita"}, "innovazione": {"digita"},
	"women": {"donne", "femmin"}, "woman": {"donne", "femmin"}, "female": {"femmin"}, "donna": {"donne"}, "imprenditrici": {"donne", "femmin"},
	"young": {"giovan"}, "youth": {"giovan"}, "under": {"giovan"},
	"shop": {"negozi", "botteg"}, "shops": {"negozi", "botteg"}, "stores": {"negozi"}, "historic": {"storic"},
	"neighbourhood": {"vicina", "quarti"}, "neighborhood": {"vicina", "quarti"}, "local": {"vicina"},
	"rent": {"affitt"}, "rents": {"affitt"}, "locazione": {"affitt"}, "locazioni": {"affitt"}, "canone": {"affitt"}, "canoni": {"affitt"},
	"cultural": {"cultur"}, "culture": {"cultur"}, "creative": {"creati"},
	"pandemic": {"covid"}, "pandemia": {"covid"}, "ristori": {"covid", "perdut"}, "ristoro": {"covid", "perdut"}, "relief": {"covid"},
	"emergency": {"emerge"}, "coronavirus": {"covid"},
	"transition": {"transi"}, "small": {"piccol"}, "microimprese": {"micro", "piccol"},
	"self": {"propri"}, "autoimpiego": {"propri", "lavoro"},
}

// titleNouns are the calls' own nouns ("contributi", "bando", "fondo"): they name no call in
// particular (but "giovani imprese", two of a title's words in a row, does).
var titleNouns = map[string]bool{"contributi": true, "contributo": true, "bando": true, "bandi": true, "voucher": true, "fondo": true,
	"fondi": true, "imprese": true, "impresa": true, "attivita": true}

// titleStop are function words.
var titleStop = map[string]bool{"per": true, "le": true, "la": true, "il": true, "lo": true, "di": true, "e": true, "a": true,
	"al": true, "in": true, "che": true, "delle": true, "della": true, "dello": true, "degli": true, "dei": true, "del": true}

// titleStem is a word's stem: its first six letters (enough to tell "digitale" from "dati"
// and to join "digitalizzazione" to it, "affitto" to "affitti", "giovanili" to "giovani").
func titleStem(w string) string {
	r := []rune(w)
	if len(r) > 6 {
		r = r[:6]
	}
	return string(r)
}

// titleWords are a title's folded content words (no year, no function word).
func titleWords(title string) []string {
	var out []string
	for _, w := range strings.Fields(catalog.Fold(punct.Replace(strings.ReplaceAll(title, "-", " ")))) {
		if titleStop[w] || yearRE.MatchString(w) || w == "19" {
			continue
		}
		out = append(out, w)
	}
	return out
}

// questionStems are the stems each of the question's words stands for (its own and its glosses).
func (t *text) questionStems() [][]string {
	out := make([][]string, len(t.tokens))
	for i, w := range t.tokens {
		if w == "" || titleStop[w] || len([]rune(w)) < 4 {
			continue
		}
		if (t.tok(i-1) == "per" || t.tok(i-1) == "by") && len(newText("per "+w).readGroups("register")) > 0 ||
			italianPluralDims[w] || pluralDims[w] {
			continue // "per quartiere", "tra i diversi quartieri" are a breakdown, not the "Botteghe di quartiere"
		}
		out[i] = append([]string{titleStem(w)}, titleGloss[w]...)
	}
	return out
}

// titleScore is how well the question names the call: one point for each telling stem of
// its title in the question, two more for each pair of the title's consecutive words found
// consecutive in the question ("giovani imprese" is the 2023 call, not "giovani al lavoro").
// free is the number of telling stems matched by words no filter reads (not "femminili",
// "commercio", a place), which name the call without a call noun.
func (t *text) titleScore(id string) (score, free int) {
	qs := t.questionStems()
	has := func(i int, stem string) bool {
		for _, s := range qs[i] {
			if s == stem {
				return true
			}
		}
		return false
	}
	words := titleWords(currentCalls().titles[id])
	seen := map[string]bool{}
	for _, w := range words {
		s := titleStem(w)
		if currentCalls().common[s] >= 3 || seen[s] || titleNouns[w] {
			continue
		}
		for i := range qs {
			if has(i, s) {
				seen[s] = true
				score++
				if len(newText(t.tokens[i]).readFilters("register")) == 0 {
					free++
				}
				break
			}
		}
	}
	for k := 0; k+1 < len(words); k++ {
		a, b := titleStem(words[k]), titleStem(words[k+1])
		for i := 0; i+1 < len(qs); i++ {
			if has(i, a) && has(i+1, b) {
				score += 2
				break
			}
		}
	}
	return score, free
}

// consumeTitle blanks the question's words that are the telling words of the call's title, so
// that they are not read again as filters ("il bando per l'affitto dei locali commerciali" is
// no filter on commerce, "le micro e piccole imprese" of the voucher no size class).
func (t *text) consumeTitle(id string) {
	stems := map[string]bool{}
	for _, w := range titleWords(currentCalls().titles[id]) {
		if s := titleStem(w); currentCalls().common[s] < 3 && !titleNouns[w] {
			stems[s] = true
		}
	}
	qs := t.questionStems()
	for i := range qs {
		for _, s := range qs[i] {
			if stems[s] {
				t.consume(i, 1)
				break
			}
		}
	}
}
