// Package address turns the addresses typed at the register (`V. DEL PORTO 12/A`,
// `P.ZZA MAGGIORE N. 1`, `VIA DELL'INDIPENDENZA 12 BIS`) into a street key and a civic number,
// and matches them against the street register (stradario) to find quartiere, zona and area
// statistica. The same normalisation is applied to the register's street names, so matching
// is a map lookup plus a civic-range check.
package address

import (
	"strings"
	"unicode"
)

// Parsed is an address split into its parts.
type Parsed struct {
	Type   string   // canonical street type: VIA, PIAZZA, VIALE, ... ("" when absent)
	Name   []string // the street name's significant tokens
	Number int      // civic number, 0 when absent
	Suffix string   // A, B, BIS, ... ("" when absent)
}

// Key is the lookup key of the street: type and name.
func (p Parsed) Key() string {
	if p.Type == "" {
		return strings.Join(p.Name, " ")
	}
	return p.Type + " " + strings.Join(p.Name, " ")
}

// NameKey is the key without the street type, for addresses typed with the wrong one.
func (p Parsed) NameKey() string { return strings.Join(p.Name, " ") }

// dotted abbreviations that must be read before dots become separators.
var dotted = []struct{ from, to string }{
	{"P.ZZALE", "PIAZZALE"}, {"P.ZZETTA", "PIAZZETTA"}, {"P.ZZA", "PIAZZA"}, {"P.ZA", "PIAZZA"},
	{"P.LE", "PIAZZALE"}, {"P.TTA", "PIAZZETTA"}, {"V.LE", "VIALE"}, {"V.LO", "VICOLO"},
	{"C.SO", "CORSO"}, {"L.GO", "LARGO"}, {"S.DA", "STRADA"}, {"STR.", "STRADA"}, {"G.RIA", "GALLERIA"},
}

// streetTypes maps the spellings of a street type to its canonical form.
var streetTypes = map[string]string{
	"V": "VIA", "VIA": "VIA",
	"VIALE": "VIALE", "VLE": "VIALE", "VL": "VIALE",
	"PIAZZA": "PIAZZA", "PZA": "PIAZZA", "PZZA": "PIAZZA", "P": "PIAZZA", "PIAZ": "PIAZZA",
	"PIAZZALE": "PIAZZALE", "PLE": "PIAZZALE",
	"PIAZZETTA": "PIAZZETTA", "PTTA": "PIAZZETTA",
	"CORSO": "CORSO", "CSO": "CORSO",
	"LARGO": "LARGO", "LGO": "LARGO",
	"VICOLO": "VICOLO", "VLO": "VICOLO", "VIC": "VICOLO",
	"STRADA": "STRADA", "STR": "STRADA",
	"GALLERIA": "GALLERIA", "GALL": "GALLERIA",
	"VIA'": "VIA", "BORGO": "BORGO", "MURA": "MURA", "PORTA": "PORTA", "SALITA": "SALITA",
	"RAMPA": "RAMPA", "PASSAGGIO": "PASSAGGIO", "PONTE": "PONTE", "STRADELLO": "STRADELLO",
}

// stop words dropped from names: articles and prepositions are typed inconsistently.
var stopWords = map[string]bool{
	"DI": true, "DA": true, "DEL": true, "DELLO": true, "DELLA": true, "DELLE": true, "DEI": true,
	"DEGLI": true, "DELL": true, "DE": true, "D": true, "LA": true, "LE": true, "IL": true,
	"LO": true, "GLI": true, "L": true, "I": true, "AL": true, "ALLA": true, "ALLE": true,
	"AI": true, "AGLI": true, "DAL": true, "DALLA": true, "DALL": true, "E": true,
}

// saints are folded to one token: S., SAN, SANTO, SANTA, SANT' are typed interchangeably.
var saints = map[string]bool{"S": true, "SAN": true, "SANTO": true, "SANTA": true, "SANT": true, "SS": true}

// civic markers that precede a number: `N. 12`, `NR 12`, `CIV. 12`.
var civicMarkers = map[string]bool{"N": true, "NR": true, "NUM": true, "NUMERO": true, "CIV": true, "CIVICO": true, "NO": true}

// suffixes that may follow a civic number.
var suffixWords = map[string]bool{"BIS": true, "TER": true, "QUATER": true, "ROSSO": true, "R": true}

// fold upper-cases s, removes accents and turns everything but letters and digits into spaces
// (apostrophes included: DELL'INDIPENDENZA = DELL INDIPENDENZA).
func fold(s string) string {
	if f, ok := foldASCII(s); ok {
		return f
	}
	s = strings.ToUpper(strings.TrimSpace(s))
	for _, d := range dotted {
		if strings.HasPrefix(s, d.from) {
			s = d.to + " " + s[len(d.from):]
			break
		}
	}
	var b strings.Builder
	b.Grow(len(s))
	for _, r := range s {
		switch {
		case r >= 'A' && r <= 'Z', r >= '0' && r <= '9':
			b.WriteRune(r)
		case r < 0x80:
			b.WriteByte(' ')
		default:
			if f, ok := accents[r]; ok {
				b.WriteByte(f)
			} else if unicode.IsLetter(r) {
				b.WriteRune(unicode.ToUpper(r))
			} else {
				b.WriteByte(' ')
			}
		}
	}
	return b.String()
}

// foldASCII is fold's fast path for the common all-ASCII address without dotted abbreviations.
func foldASCII(s string) (string, bool) {
	b := make([]byte, len(s))
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c >= 0x80:
			return "", false
		case c >= 'A' && c <= 'Z', c >= '0' && c <= '9':
			b[i] = c
		case c >= 'a' && c <= 'z':
			b[i] = c - 'a' + 'A'
		case c == '.' && i < 8:
			return "", false // maybe a dotted abbreviation (P.ZZA): take the slow path
		default:
			b[i] = ' '
		}
	}
	return string(b), true
}

var accents = map[rune]byte{
	'À': 'A', 'Á': 'A', 'Â': 'A', 'Ä': 'A', 'Ã': 'A', 'È': 'E', 'É': 'E', 'Ê': 'E', 'Ë': 'E',
	'Ì': 'I', 'Í': 'I', 'Î': 'I', 'Ï': 'I', 'Ò': 'O', 'Ó': 'O', 'Ô': 'O', 'Ö': 'O', 'Õ': 'O',
	'Ù': 'U', 'Ú': 'U', 'Û': 'U', 'Ü': 'U', 'Ç': 'C', 'Ñ': 'N',
}

// ParseStreet normalises a street name of the register (no civic number in it).
func ParseStreet(name string) Parsed {
	return build(strings.Fields(fold(name)), 0, "")
}

// Parse normalises a full address: street, civic number and suffix.
func Parse(addr string) Parsed {
	toks := strings.Fields(fold(addr))
	cut, num, suffix := civicCut(toks)
	return build(toks[:cut], num, suffix)
}

// civicCut finds, in the tokens of a folded address, where the street ends (toks[:cut] is the
// street) and the civic number and suffix that follow it.
func civicCut(toks []string) (int, int, string) {
	// The civic number is the last token starting with a digit, followed only by suffixes.
	num, suffix, cut := 0, "", len(toks)
	for i := len(toks) - 1; i >= 1; i-- {
		t := toks[i]
		if t[0] >= '0' && t[0] <= '9' {
			n, rest := leadingNumber(t)
			if rest != "" && len(rest) > 2 && !suffixWords[rest] {
				break
			}
			num, cut = n, i
			if rest != "" {
				suffix = rest
			} else if i+1 < len(toks) {
				suffix = toks[i+1]
			}
			break
		}
		if !(len(t) <= 2 || suffixWords[t]) || i < len(toks)-2 {
			break
		}
	}
	if cut < len(toks) {
		// `N. 12`: drop the marker before the number.
		if cut >= 2 && civicMarkers[toks[cut-1]] {
			cut--
		}
	}
	return cut, num, suffix
}

// fieldsEnds is strings.Fields over folded text (ASCII spaces only), also returning where each
// token ends, appending to the given slices.
func fieldsEnds(s string, toks []string, ends []int) ([]string, []int) {
	start := -1
	for i := 0; i <= len(s); i++ {
		if i == len(s) || s[i] == ' ' || s[i] == '\t' || s[i] == '\n' || s[i] == '\r' || s[i] == '\v' || s[i] == '\f' {
			if start >= 0 {
				toks, ends = append(toks, s[start:i]), append(ends, i)
				start = -1
			}
		} else if start < 0 {
			start = i
		}
	}
	return toks, ends
}

func leadingNumber(t string) (int, string) {
	n, i := 0, 0
	for ; i < len(t) && t[i] >= '0' && t[i] <= '9'; i++ {
		if n < 1e6 {
			n = n*10 + int(t[i]-'0')
		}
	}
	return n, t[i:]
}

func build(toks []string, num int, suffix string) Parsed {
	p := Parsed{Number: num, Suffix: suffix}
	if len(toks) == 0 {
		return p
	}
	if t, ok := streetTypes[toks[0]]; ok && len(toks) > 1 {
		p.Type = t
		toks = toks[1:]
	}
	p.Name = make([]string, 0, len(toks))
	for _, t := range toks {
		switch {
		case stopWords[t]:
			continue
		case saints[t]:
			t = "S"
		}
		p.Name = append(p.Name, t)
	}
	if len(p.Name) == 0 { // a name made only of stop words: keep them
		p.Name = append(p.Name, toks...)
	}
	return p
}
