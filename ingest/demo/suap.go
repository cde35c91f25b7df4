package demo

import (
	"math/rand/v2"
	"slices"
	"strings"
)

var suapHeader = []string{"ID-PRATICA", "C-FISCALE", "TIPO", "SETTORE", "DT-PRESENTAZIONE", "DT-CONCLUSIONE", "ESITO", "INDIRIZZO", "CAP"}

// suapSettore says which SUAP sector an ATECO code files permits in; "" means none.
func suapSettore(ateco string) string {
	switch {
	case strings.HasPrefix(ateco, "56"):
		return "PUBBLICO ESERCIZIO"
	case strings.HasPrefix(ateco, "55"):
		return "STRUTTURE RICETTIVE"
	case strings.HasPrefix(ateco, "478"):
		return "COMMERCIO SU AREE PUBBLICHE"
	case strings.HasPrefix(ateco, "479"):
		return ""
	case strings.HasPrefix(ateco, "47"):
		return "COMMERCIO AL DETTAGLIO"
	case strings.HasPrefix(ateco, "9602"):
		return "ACCONCIATORI ED ESTETISTI"
	case strings.HasPrefix(ateco, "1071"):
		return "ARTIGIANATO ALIMENTARE"
	case strings.HasPrefix(ateco, "4520"):
		return "AUTORIPARAZIONE"
	}
	return ""
}

type pratica struct {
	d    day
	ci   int
	tipo string
}

// writeSUAP writes suap.csv: permits of the companies whose trade needs one, from 2010.
func (g *generator) writeSUAP() (FileInfo, error) {
	r := rand.New(rand.NewPCG(g.opt.Seed, 3))
	asOf, from := g.until.last(), mkday(2010, 1, 4)
	var ps []pratica
	for i := range g.pop.companies {
		c := &g.pop.companies[i]
		settore := suapSettore(c.ateco)
		if settore == "" {
			continue
		}
		end := asOf
		if c.close != 0 {
			end = c.close
		}
		if c.reg >= from {
			tipo := "APERTURA"
			if (settore == "PUBBLICO ESERCIZIO" || settore == "COMMERCIO AL DETTAGLIO") && r.Float64() < 0.3 {
				tipo = "SUBINGRESSO"
			}
			ps = append(ps, pratica{max(c.reg-day(r.IntN(20)), from), i, tipo})
		}
		for _, ch := range c.addrs[1:] {
			ps = append(ps, pratica{ch.from, i, "MODIFICA"})
		}
		lo := max(c.reg, from)
		if end > lo {
			if r.Float64() < 0.12 {
				ps = append(ps, pratica{lo + day(r.IntN(int(end-lo))), i, "MODIFICA"})
			}
			if r.Float64() < 0.04 {
				ps = append(ps, pratica{lo + day(r.IntN(int(end-lo))), i, "AMPLIAMENTO"})
			}
		}
		if c.close != 0 && r.Float64() < 0.7 {
			ps = append(ps, pratica{c.close + day(r.IntN(20)), i, "CESSAZIONE"})
		}
	}
	ps = slices.DeleteFunc(ps, func(p pratica) bool { return p.d > asOf || p.d < from })
	slices.SortStableFunc(ps, func(a, b pratica) int { return int(a.d - b.d) })
	rows := make([][]string, 0, len(ps))
	seq, year := 0, 0
	for _, p := range ps {
		if p.d.year() != year {
			seq, year = 0, p.d.year()
		}
		seq++
		c := &g.pop.companies[p.ci]
		concl := p.d + day(r.IntN(46))
		if r.IntN(3) == 0 {
			concl = p.d // SCIA: effective on filing
		}
		esito := "ACCOLTA"
		switch {
		case concl > asOf:
			esito, concl = "IN CORSO", 0
		case p.tipo != "CESSAZIONE" && r.Float64() < 0.04:
			esito = "RESPINTA"
		}
		a := c.addressAt(p.d)
		rows = append(rows, []string{"SUAP-" + itoa(year) + "-" + itoa(1000000 + seq)[1:], c.cf, p.tipo,
			suapSettore(c.ateco), dateIT(p.d), dateIT(concl), esito, a.text, a.cap})
	}
	return g.writeTable(fileSUAP, "suap", suapHeader, rows, []spoiler{
		impossibleDate("DT-PRESENTAZIONE", 4),
		futureDate("DT-PRESENTAZIONE", 4, asOf, map[int]string{5: "", 6: "IN CORSO"}),
		columnCount(),
	}, 0x3000, true)
}
