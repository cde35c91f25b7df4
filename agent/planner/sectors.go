package planner

import (
	"regexp"
	"slices"
	"strconv"
	"strings"
	"unicode"

	"github.com/comune-bologna/conoscenza/ingest/codes"
)

// sectionRE finds ATECO section letters where the question names them as sections: "sezione
// ATECO G", "settore G", "settori G e I", "section C". The letter must be written in capitals
// right after the lead word, so that a lone capital elsewhere ("A Navile") is never a sector.
var sectionRE = regexp.MustCompile(`(?i:\b(?:sezion[ei]|settor[ei]|macrosettor[ei]|sectors?|sections?)(?:\s+ateco)?|\bateco)\s+([A-U])((?:\s*(?:,|\be\b|\bed\b|\bo\b|\band\b|\bor\b)\s*[A-U]\b)*)\b`)

var sectionLetterRE = regexp.MustCompile(`\b[A-U]\b`)

var sectionLeads = map[string]bool{"sezione": true, "sezioni": true, "settore": true, "settori": true,
	"macrosettore": true, "macrosettori": true, "sector": true, "sectors": true, "section": true, "sections": true, "ateco": true}

var listSeps = map[string]bool{"e": true, "ed": true, "o": true, "and": true, "or": true}

// readSections sets sezione_ateco from section letters and blanks their words.
func (t *text) readSections(s *filterSet) {
	var letters []string
	for _, loc := range sectionRE.FindAllStringSubmatchIndex(t.raw, -1) {
		first := t.raw[loc[2]:loc[3]]
		// "nel settore A Navile": a letter that is also a word (a, e, i, o) followed by a
		// capitalised word is a preposition before a name, not a section
		if next := strings.TrimLeft(t.raw[loc[1]:], " "); strings.Contains("AEIO", first) && next != "" &&
			unicode.IsUpper([]rune(next)[0]) {
			continue
		}
		for _, l := range append([]string{first}, sectionLetterRE.FindAllString(t.raw[loc[4]:loc[5]], -1)...) {
			if isSection(l) && !slices.Contains(letters, l) {
				letters = append(letters, l)
			}
		}
	}
	if len(letters) == 0 {
		return
	}
	// blank "settore [ateco] g [e i]" in the folded words
	for i := 0; i < len(t.tokens); i++ {
		if !sectionLeads[t.tokens[i]] {
			continue
		}
		k := i + 1
		if t.tokens[i] != "ateco" && t.tok(k) == "ateco" {
			k++
		}
		end := -1
		for slices.Contains(letters, strings.ToUpper(t.tok(k))) && len(t.tok(k)) == 1 {
			end = k
			if !listSeps[t.tok(k+1)] || len(t.tok(k+2)) != 1 {
				break
			}
			k += 2
		}
		if end >= 0 {
			t.consume(i, end-i+1)
			i = end
		}
	}
	if len(letters) == 1 {
		s.set(eq("sezione_ateco", letters[0]))
		return
	}
	s.set(inFilter("sezione_ateco", letters))
}

// readDivisions sets divisione_ateco from two-digit ATECO division codes named as such:
// "divisione 47", "divisioni 55 e 56", "ATECO 47" (a code with a dot, "56.10", is an ateco
// prefix and was read before).
func (t *text) readDivisions(s *filterSet) {
	var divs []string
	for i := 0; i < len(t.tokens); i++ {
		w := t.tokens[i]
		if w != "divisione" && w != "divisioni" && w != "division" && w != "divisions" && w != "ateco" && w != "comparto" && w != "comparti" {
			continue
		}
		k := i + 1
		if w != "ateco" && t.tok(k) == "ateco" {
			k++
		}
		end := -1
		for {
			code, ok := divisionCode(t.tok(k))
			if !ok {
				break
			}
			if !slices.Contains(divs, code) {
				divs = append(divs, code)
			}
			end = k
			if !listSeps[t.tok(k+1)] {
				break
			}
			k += 2
		}
		if end >= 0 {
			t.consume(i, end-i+1)
			i = end
		}
	}
	switch len(divs) {
	case 0:
	case 1:
		s.set(eq("divisione_ateco", divs[0]))
	default:
		s.set(inFilter("divisione_ateco", divs))
	}
}

// divisionCode reads "47" or "1" as an ATECO division that exists.
func divisionCode(tok string) (string, bool) {
	if len(tok) == 0 || len(tok) > 2 {
		return "", false
	}
	n, err := strconv.Atoi(tok)
	if err != nil || n < 1 {
		return "", false
	}
	code := tok
	if len(code) == 1 {
		code = "0" + code
	}
	_, ok := codes.LookupDivisione(code)
	return code, ok
}

func isSection(code string) bool {
	return slices.ContainsFunc(codes.Sezioni, func(s codes.Sezione) bool { return s.Code == code })
}

// foodSectors are what "il settore alimentare" means, which no ATECO section is: food and
// drink production (divisions 10 and 11) and food trade (groups 46.3 wholesale, 47.2 shops).
// The narrower phrases come first.
var foodSectors = []struct {
	words []string
	codes []string
}{
	{[]string{"negozi di alimentari", "negozio di alimentari", "negozi di generi alimentari", "botteghe alimentari", "negozi alimentari", "negozio alimentare", "alimentari al dettaglio", "dettaglio alimentare", "commercio alimentare al dettaglio",
		"food shops", "food retail", "grocery", "groceries", "grocery stores"}, []string{"47.2"}},
	{[]string{"industria alimentare", "industrie alimentari", "produzione alimentare", "food industry", "food manufacturing", "food production"}, []string{"10", "11"}},
	{[]string{"commercio alimentare", "food trade"}, []string{"46.3", "47.2"}},
	{[]string{"settore alimentare", "agroalimentare", "agroalimentari", "filiera alimentare", "alimentare", "alimentari",
		"food sector", "food businesses", "food companies", "food firms"}, []string{"10", "11", "46.3", "47.2"}},
}

func init() {
	for _, f := range foodSectors {
		addVocabulary(f.words...)
	}
}

// readFood sets the ATECO codes of the food sector from its words and blanks them.
func (t *text) readFood(s *filterSet) {
	for _, f := range foodSectors {
		i, n := t.first(f.words...)
		if i < 0 {
			continue
		}
		t.consume(i, n)
		if len(f.codes) == 1 {
			s.set(eq("ateco", f.codes[0]))
		} else {
			s.set(inFilter("ateco", slices.Clone(f.codes)))
		}
		return
	}
}

// tertiary are the service sections, ATECO G to U: what "il terziario" and "il settore dei
// servizi" mean ("servizi alla persona" is S, read with the other sectors).
var tertiary = []string{"G", "H", "I", "J", "K", "L", "M", "N", "O", "P", "Q", "R", "S", "T", "U"}

// readTertiary sets the service sections from "terziario", "settore dei servizi", "nei servizi".
func (t *text) readTertiary(s *filterSet) {
	i, n := t.first("terziario", "settore terziario", "settore dei servizi", "settore servizi", "nei servizi", "service sector",
		"services sector")
	if i < 0 {
		return
	}
	switch t.tok(i + n) {
	case "alla", "alle", "di", "per", "a", "pubblici", "sociali":
		return // "servizi alla persona", "servizi di informazione"
	}
	t.consume(i, n)
	s.set(inFilter("sezione_ateco", slices.Clone(tertiary)))
}

func init() { addVocabulary("terziario") }
