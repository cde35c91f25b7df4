package planner

import (
	"fmt"
	"math"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/comune-bologna/conoscenza/agent/tool"
)

// formatNumber writes v the way the answer's language does: 1.234 and 12,5 in Italian, 1,234
// and 12.5 in English. Whole numbers have no decimals; others keep at most decimals digits.
func formatNumber(v float64, decimals int, lang string) string {
	thou, dec := ".", ","
	if lang == "en" {
		thou, dec = ",", "."
	}
	neg := v < 0
	v = math.Abs(v)
	p := math.Pow(10, float64(decimals))
	v = math.Round(v*p) / p
	whole := math.Trunc(v)
	frac := v - whole
	digits := strconv.FormatFloat(whole, 'f', 0, 64)
	var b strings.Builder
	for i, r := range digits {
		if i > 0 && (len(digits)-i)%3 == 0 {
			b.WriteString(thou)
		}
		b.WriteRune(r)
	}
	s := b.String()
	if decimals > 0 && frac > 1e-9 {
		f := strconv.FormatFloat(frac, 'f', decimals, 64)[2:]
		f = strings.TrimRight(f, "0")
		if f != "" {
			s += dec + f
		}
	}
	if neg {
		s = "-" + s
	}
	return s
}

// formatValue writes a metric value with its unit.
func formatValue(v float64, unit, lang string) string {
	switch unit {
	case "%":
		return formatNumber(v, 1, lang) + "%"
	case "euro":
		if lang == "en" {
			return "€" + formatNumber(v, 0, lang)
		}
		return formatNumber(v, 0, lang) + " euro"
	}
	return formatNumber(v, 1, lang)
}

// signed writes a variation with its sign.
func signed(v float64, decimals int, lang string) string {
	if v > 0 {
		return "+" + formatNumber(v, decimals, lang)
	}
	return formatNumber(v, decimals, lang)
}

// formatDate writes an ISO date as 31/10/2026 (Italian) or 31 Oct 2026 (English); the
// grounding check reads neither as a quantity.
func formatDate(iso, lang string) string {
	t, err := time.Parse(time.DateOnly, iso)
	if err != nil {
		return iso
	}
	if lang == "en" {
		return t.Format("02/01/2006")
	}
	return t.Format("02/01/2006")
}

func cellText(v any, lang string) string {
	switch x := v.(type) {
	case nil:
		return "n.d."
	case bool:
		if x {
			return tr(lang, "sì", "yes")
		}
		return "no"
	case time.Time:
		return formatDate(x.Format(time.DateOnly), lang)
	case string:
		if s, ok := sectionNames[x]; ok {
			// as the tables and charts of the UI show it (web/ui/msg_ateco.go)
			return x + " — " + tr(lang, s[0], s[1])
		}
		if p, ok := periodLabel(x, lang); ok {
			return p
		}
		if x == unattributedPlace && lang == "en" {
			return "unassigned address"
		}
		if en, ok := formClassesEN[x]; ok && lang == "en" {
			return en
		}
		return x
	}
	if f, ok := tool.Number(v); ok {
		return strconv.FormatFloat(f, 'f', -1, 64)
	}
	return fmt.Sprint(v)
}

// answerMonths are the months as answers write them, Italian in lower case.
var answerMonths = [2][12]string{
	{"gennaio", "febbraio", "marzo", "aprile", "maggio", "giugno", "luglio", "agosto", "settembre", "ottobre", "novembre", "dicembre"},
	{"January", "February", "March", "April", "May", "June", "July", "August", "September", "October", "November", "December"},
}

func monthName(m time.Month, lang string) string {
	if lang == "en" {
		return answerMonths[1][m-1]
	}
	return answerMonths[0][m-1]
}

var (
	monthLabelRE   = regexp.MustCompile(`^(\d{4})-(\d{2})$`)
	quarterLabelRE = regexp.MustCompile(`^(\d{4})-T([1-4])$`)
	dayLabelRE     = regexp.MustCompile(`^\d{4}-\d{2}-\d{2}$`)
)

// periodLabel writes a time dimension's label in words: a month (2026-01) as "gennaio 2026"
// ("January 2026"), a quarter (2025-T1) as "1° trimestre 2025" ("Q1 2025"), a date as
// formatDate does. The digits are those of the label, which the grounding check knows.
func periodLabel(s, lang string) (string, bool) {
	if m := monthLabelRE.FindStringSubmatch(s); m != nil {
		n, _ := strconv.Atoi(m[2])
		if n < 1 || n > 12 {
			return "", false
		}
		return monthName(time.Month(n), lang) + " " + m[1], true
	}
	if m := quarterLabelRE.FindStringSubmatch(s); m != nil {
		return tr(lang, m[2]+"° trimestre "+m[1], "Q"+m[2]+" "+m[1]), true
	}
	if dayLabelRE.MatchString(s) {
		if _, err := time.Parse(time.DateOnly, s); err == nil {
			return formatDate(s, lang), true
		}
	}
	return "", false
}

// periodWhen is a time label with its preposition: "a gennaio 2026", "nel 1° trimestre 2025",
// "nel 2025", "al 31/05/2026" ("in January 2026", "in Q1 2025", "in 2025", "as of 31/05/2026").
func periodWhen(v any, lang string) string {
	label := cellText(v, lang)
	s, _ := v.(string)
	switch {
	case monthLabelRE.MatchString(s):
		return tr(lang, "a ", "in ") + label
	case quarterLabelRE.MatchString(s):
		return tr(lang, "nel ", "in ") + label
	case dayLabelRE.MatchString(s):
		return tr(lang, "al ", "as of ") + label
	}
	if _, ok := v.(time.Time); ok {
		return tr(lang, "al ", "as of ") + label
	}
	return tr(lang, "nel ", "in ") + label
}

func tr(lang, it, en string) string {
	if lang == "en" {
		return en
	}
	return it
}

// formClassesEN are the register's legal-form classes (catalog values classi_forma) in English.
var formClassesEN = map[string]string{"società di capitale": "corporations", "società di persone": "partnerships",
	"imprese individuali": "sole proprietorships", "altre forme": "other forms"}

// sectionNames are the short names of the ATECO sections, as the UI writes them beside the
// letter in tables and on chart axes (web/ui/msg_ateco.go): "G — Commercio".
var sectionNames = map[string][2]string{
	"A": {"Agricoltura", "Agriculture"}, "B": {"Estrazione", "Mining"}, "C": {"Manifattura", "Manufacturing"},
	"D": {"Energia", "Energy"}, "E": {"Acqua e rifiuti", "Water and waste"}, "F": {"Costruzioni", "Construction"},
	"G": {"Commercio", "Trade"}, "H": {"Trasporti e logistica", "Transport"}, "I": {"Alloggio e ristorazione", "Hospitality"},
	"J": {"Informazione e comunicazione", "ICT"}, "K": {"Finanza e assicurazioni", "Finance"}, "L": {"Immobiliari", "Real estate"},
	"M": {"Attività professionali", "Professional services"}, "N": {"Noleggio e servizi alle imprese", "Business support"},
	"O": {"Pubblica amministrazione", "Public administration"}, "P": {"Istruzione", "Education"},
	"Q": {"Sanità", "Health"}, "R": {"Arte, sport, intrattenimento", "Arts and sport"}, "S": {"Altri servizi", "Other services"},
	"T": {"Famiglie", "Households"}, "U": {"Organismi extraterritoriali", "Extraterritorial"},
}
