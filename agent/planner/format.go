package planner

import (
	"fmt"
	"math"
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
	case string:
		if s, ok := sectionNames[x]; ok {
			return x + " " + tr(lang, s[0], s[1])
		}
		if x == unattributedPlace && lang == "en" {
			return "unassigned address"
		}
		return x
	}
	if f, ok := tool.Number(v); ok {
		return strconv.FormatFloat(f, 'f', -1, 64)
	}
	return fmt.Sprint(v)
}

func tr(lang, it, en string) string {
	if lang == "en" {
		return en
	}
	return it
}

// sectionNames are short names of the ATECO sections for answers.
var sectionNames = map[string][2]string{
	"A": {"(agricoltura)", "(agriculture)"}, "B": {"(estrazione)", "(mining)"}, "C": {"(manifattura)", "(manufacturing)"},
	"D": {"(energia)", "(energy)"}, "E": {"(acqua e rifiuti)", "(water and waste)"}, "F": {"(costruzioni)", "(construction)"},
	"G": {"(commercio)", "(trade)"}, "H": {"(trasporti e logistica)", "(transport)"}, "I": {"(alloggio e ristorazione)", "(hospitality)"},
	"J": {"(informazione e comunicazione)", "(ICT)"}, "K": {"(finanza e assicurazioni)", "(finance)"}, "L": {"(immobiliari)", "(real estate)"},
	"M": {"(attività professionali)", "(professional services)"}, "N": {"(noleggio e servizi alle imprese)", "(business support)"},
	"O": {"(pubblica amministrazione)", "(public administration)"}, "P": {"(istruzione)", "(education)"},
	"Q": {"(sanità)", "(health)"}, "R": {"(arte, sport, intrattenimento)", "(arts and sport)"}, "S": {"(altri servizi)", "(other services)"},
	"T": {"(famiglie)", "(households)"}, "U": {"(organismi extraterritoriali)", "(extraterritorial)"},
}
