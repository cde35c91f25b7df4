package demo

import (
	"math/rand/v2"
	"slices"
	"strings"
)

var contributiHeader = []string{"ID-BANDO", "TITOLO-BANDO", "ANNO", "C-FISCALE", "DENOMINAZIONE",
	"IMPORTO-RICHIESTO", "IMPORTO-CONCESSO", "DT-CONCESSIONE", "ESITO"}

// bando is one of the city's (fictional) grant calls. Titles match the fictional document
// corpus; n is the number of applications at scale 1.
type bando struct {
	id, titolo       string
	anno             int
	at               day // eligibility is checked on this day
	concFrom, concTo day
	n                int
	richiesti        []int // requested amounts in euro
	quota            [2]int
	eligible         func(c *company, at day) bool
}

func sezIn(c *company, s string) bool { return strings.Contains(s, settori[c.sez].sezione) }

var centro = map[string]bool{"Marconi": true, "Malpighi": true, "Irnerio": true, "Galvani": true}

func (g *generator) bandi() []bando {
	smallHit := func(c *company, at day) bool {
		return c.openOn(at) && c.addetti <= 20 && (sezIn(c, "IRS") || strings.HasPrefix(c.ateco, "47") || strings.HasPrefix(c.ateco, "791"))
	}
	return []bando{
		{"B-2020-03", "Contributi a fondo perduto emergenza COVID-19 2020", 2020, mkday(2020, 6, 1), mkday(2020, 9, 15), mkday(2020, 12, 18), 2400, []int{2000, 3000, 5000}, [2]int{60, 100}, smallHit},
		{"B-2021-02", "Contributi a fondo perduto emergenza COVID-19 2021", 2021, mkday(2021, 4, 1), mkday(2021, 6, 10), mkday(2021, 10, 29), 1900, []int{2000, 3000, 5000}, [2]int{60, 100}, smallHit},
		{"B-2022-01", "Bando imprese femminili 2022", 2022, mkday(2022, 6, 30), mkday(2022, 11, 7), mkday(2022, 12, 16), 360, []int{5000, 10000, 15000, 20000}, [2]int{50, 100},
			func(c *company, at day) bool { return c.openOn(at) && c.fem > 0 && c.reg >= mkday(2020, 1, 1) }},
		{"B-2023-02", "Bando giovani imprese 2023", 2023, mkday(2023, 6, 30), mkday(2023, 11, 6), mkday(2023, 12, 15), 300, []int{5000, 10000, 15000}, [2]int{50, 100},
			func(c *company, at day) bool { return c.openOn(at) && c.giovUntil > at && c.reg >= mkday(2020, 7, 1) }},
		{"B-2024-01", "Bando botteghe storiche e negozi di vicinato 2024", 2024, mkday(2024, 5, 31), mkday(2024, 10, 1), mkday(2024, 11, 29), 260, []int{3000, 5000, 8000, 10000}, [2]int{50, 100},
			func(c *company, at day) bool {
				a := c.addressAt(at)
				return c.openOn(at) && c.addetti <= 9 && a.zona >= 0 && centro[g.terr.zone[a.zona]] &&
					(strings.HasPrefix(c.ateco, "47") && !strings.HasPrefix(c.ateco, "478") && !strings.HasPrefix(c.ateco, "479") || sezIn(c, "S") || c.artigiana && sezIn(c, "C"))
			}},
	}
}

// writeContributi writes contributi.csv: applications to the grant calls closed by the last
// month, in call order then N-REA order.
func (g *generator) writeContributi() (FileInfo, error) {
	r := rand.New(rand.NewPCG(g.opt.Seed, 4))
	asOf := g.until.last()
	var rows [][]string
	for _, b := range g.bandi() {
		if b.concTo > asOf {
			continue
		}
		var el []int
		for i := range g.pop.companies {
			if b.eligible(&g.pop.companies[i], b.at) {
				el = append(el, i)
			}
		}
		n := min(len(el), round(float64(b.n)*g.opt.Scale))
		for k := 0; k < n; k++ { // partial Fisher-Yates: n distinct applicants
			j := k + r.IntN(len(el)-k)
			el[k], el[j] = el[j], el[k]
		}
		chosen := el[:n]
		slices.Sort(chosen)
		for _, i := range chosen {
			c := &g.pop.companies[i]
			req := b.richiesti[r.IntN(len(b.richiesti))] * 100
			conc := req * (b.quota[0] + r.IntN(b.quota[1]-b.quota[0]+1)) / 100 / 5000 * 5000 // round to 50 euro
			d := b.concFrom + day(r.IntN(int(b.concTo-b.concFrom)+1))
			esito := "CONCESSO"
			switch x := r.Float64(); {
			case x < 0.13:
				esito = "NON AMMESSO"
			case x < 0.16:
				esito = "RINUNCIA"
			case x < 0.20:
				esito = "REVOCATO"
			}
			concS, dS := italianAmount(conc), dateIT(d)
			if esito == "NON AMMESSO" {
				concS, dS = "", ""
			}
			rows = append(rows, []string{b.id, b.titolo, itoa(b.anno), c.cf, c.name, italianAmount(req), concS, dS, esito})
		}
	}
	return g.writeTable(fileContributi, "contributi", contributiHeader, rows, []spoiler{
		impossibleDate("DT-CONCESSIONE", 7),
		{"bad-amount", "IMPORTO-RICHIESTO", "not an amount", func(r *rand.Rand, row []string, _ [][]string) []string {
			row[5] = pick(r, []string{"CINQUEMILA", "N/D", "5,000,00,0"})
			return row
		}},
		columnCount(),
	}, 0x4000, false)
}
