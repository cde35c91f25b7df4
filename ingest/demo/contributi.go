package demo

import (
	"math/rand/v2"
	"slices"
	"strings"
)

var contributiHeader = []string{"ID-BANDO", "TITOLO-BANDO", "ANNO", "C-FISCALE", "DENOMINAZIONE",
	"IMPORTO-RICHIESTO", "IMPORTO-CONCESSO", "DT-CONCESSIONE", "ESITO"}

// bando is one of the city's (fictional) grant calls. Titles, amounts and dates follow the
// fictional document corpus in retrieval/corpus/docs where a document exists.
type bando struct {
	id, titolo       string
	anno             int
	at               day // eligibility is checked on this day
	concFrom, concTo day
	n                int // applications from register companies at scale 1
	aspiranti        int // applications from people without a company yet (personal CF)
	budget           int // euro; grants stop when it runs out (0: no limit)
	eligible         func(c *company, at day) bool
	amount           func(r *rand.Rand, c *company) (richiesto, concesso int) // euro
	nonAmmessi       float64
}

func sezIn(c *company, s string) bool { return strings.Contains(s, settori[c.sez].sezione) }

func hasPrefix(c *company, ps ...string) bool {
	for _, p := range ps {
		if strings.HasPrefix(c.ateco, p) {
			return true
		}
	}
	return false
}

// negozio is a neighbourhood shop: retail in a fixed location, not street markets or online.
func negozio(c *company) bool { return hasPrefix(c, "47") && !hasPrefix(c, "478", "479") }

func pctOf(r *rand.Rand, euro, lo, hi int) int { return euro * (lo + r.IntN(hi-lo+1)) / 100 / 50 * 50 }

func oneOf(r *rand.Rand, xs ...int) int { return xs[r.IntN(len(xs))] }

func (g *generator) bandi() []bando {
	quartiere := func(c *company, at day, qs ...string) bool {
		a := c.addressAt(at)
		return a.zona >= 0 && slices.Contains(qs, g.terr.quartiereOf(int(a.zona)))
	}
	inZone := func(c *company, at day, zs ...string) bool {
		a := c.addressAt(at)
		return a.zona >= 0 && slices.Contains(zs, g.terr.zone[a.zona])
	}
	same := func(f func(r *rand.Rand) int) func(*rand.Rand, *company) (int, int) {
		return func(r *rand.Rand, _ *company) (int, int) { v := f(r); return v, v }
	}
	return []bando{
		// Delibera di Giunta 212/2020: flat grants to activities suspended in autumn 2020.
		{id: "B-2020-03", titolo: "Contributi a fondo perduto emergenza COVID-19 2020", anno: 2020,
			at: mkday(2020, 10, 25), concFrom: mkday(2021, 2, 1), concTo: mkday(2021, 3, 31), n: 2400, nonAmmessi: 0.07,
			eligible: func(c *company, at day) bool {
				return c.openOn(at) && c.addetti < 50 && (hasPrefix(c, "56", "93", "90") || negozio(c) && !hasPrefix(c, "4711", "472"))
			},
			amount: func(r *rand.Rand, c *company) (int, int) {
				v := 1500
				switch {
				case hasPrefix(c, "56", "90"):
					v = 2000
				case hasPrefix(c, "93"):
					v = 2500
				}
				if r.Float64() < 0.6 { // kept every employee
					v += 500
				}
				return v, v
			}},
		{id: "B-2021-07", titolo: "Contributi a fondo perduto emergenza COVID-19 2021", anno: 2021,
			at: mkday(2021, 4, 1), concFrom: mkday(2021, 6, 10), concTo: mkday(2021, 10, 29), n: 1900, nonAmmessi: 0.12,
			eligible: func(c *company, at day) bool {
				return c.openOn(at) && c.addetti <= 20 && (sezIn(c, "IRS") || hasPrefix(c, "47", "791"))
			},
			amount: func(r *rand.Rand, _ *company) (int, int) {
				v := oneOf(r, 2000, 3000, 5000)
				return v, pctOf(r, v, 60, 100)
			}},
		// Avviso Fondo affitti 2021: three months of rent up to 3,000 euro, 4,500 with a
		// landlord's discount.
		{id: "B-2021-05", titolo: "Fondo affitti per le attività commerciali 2021", anno: 2021,
			at: mkday(2021, 5, 10), concFrom: mkday(2021, 7, 15), concTo: mkday(2021, 9, 30), n: 900, nonAmmessi: 0.15,
			eligible: func(c *company, at day) bool {
				return c.openOn(at) && c.reg < mkday(2020, 3, 1) && (negozio(c) || hasPrefix(c, "56", "9602", "93"))
			},
			amount: same(func(r *rand.Rand) int {
				if r.Float64() < 0.3 {
					return 4500
				}
				return 3000
			})},
		{id: "B-2022-01", titolo: "Bando imprese femminili 2022", anno: 2022,
			at: mkday(2022, 6, 30), concFrom: mkday(2022, 11, 7), concTo: mkday(2022, 12, 16), n: 360, nonAmmessi: 0.2,
			eligible: func(c *company, at day) bool { return c.openOn(at) && c.fem > 0 && c.reg >= mkday(2020, 1, 1) },
			amount: func(r *rand.Rand, _ *company) (int, int) {
				v := oneOf(r, 5000, 10000, 15000, 20000)
				return v, pctOf(r, v, 50, 100)
			}},
		{id: "B-2023-02", titolo: "Bando giovani imprese 2023", anno: 2023,
			at: mkday(2023, 6, 30), concFrom: mkday(2023, 11, 6), concTo: mkday(2023, 12, 15), n: 300, nonAmmessi: 0.2,
			eligible: func(c *company, at day) bool { return c.openOn(at) && c.giovUntil > at && c.reg >= mkday(2020, 7, 1) },
			amount: func(r *rand.Rand, _ *company) (int, int) {
				v := oneOf(r, 5000, 10000, 15000)
				return v, pctOf(r, v, 50, 100)
			}},
		{id: "B-2024-01", titolo: "Bando botteghe storiche e negozi di vicinato 2024", anno: 2024,
			at: mkday(2024, 5, 31), concFrom: mkday(2024, 10, 1), concTo: mkday(2024, 11, 29), n: 260, nonAmmessi: 0.15,
			eligible: func(c *company, at day) bool {
				return c.openOn(at) && c.addetti <= 9 && inZone(c, at, "Marconi", "Malpighi", "Irnerio", "Galvani") &&
					(negozio(c) || sezIn(c, "S") || c.artigiana && sezIn(c, "C"))
			},
			amount: func(r *rand.Rand, _ *company) (int, int) {
				v := oneOf(r, 3000, 5000, 8000, 10000)
				return v, pctOf(r, v, 50, 100)
			}},
		// Bando per le imprese culturali e creative 2025: 70% of the project, 10,000-40,000 euro.
		{id: "B-2025-01", titolo: "Bando per le imprese culturali e creative 2025", anno: 2025,
			at: mkday(2025, 2, 28), concFrom: mkday(2025, 5, 5), concTo: mkday(2025, 5, 30), n: 60, budget: 600000, nonAmmessi: 0.25,
			eligible: func(c *company, at day) bool { return c.openOn(at) && hasPrefix(c, "90", "91", "58", "59", "7410") },
			amount: func(r *rand.Rand, _ *company) (int, int) {
				v := 10000 + 1000*r.IntN(31)
				return v, v
			}},
		// Bando «Botteghe di quartiere» 2025: outside the centre, fewer than 10 employees, 80% up
		// to 8,000 euro (12,000 to reopen an empty shop), first come first served.
		{id: "B-2025-02", titolo: "Bando «Botteghe di quartiere» 2025", anno: 2025,
			at: mkday(2025, 6, 30), concFrom: mkday(2025, 7, 21), concTo: mkday(2025, 9, 30), n: 130, budget: 500000, nonAmmessi: 0.1,
			eligible: func(c *company, at day) bool {
				return c.openOn(at) && c.addetti < 10 && (negozio(c) || hasPrefix(c, "56") || c.artigiana && sezIn(c, "CS")) &&
					quartiere(c, at, "Navile", "San Donato-San Vitale", "Savena", "Borgo Panigale-Reno")
			},
			amount: func(r *rand.Rand, _ *company) (int, int) {
				if r.Float64() < 0.15 {
					v := 9000 + 500*r.IntN(7)
					return v, min(v*80/100, 12000)
				}
				spesa := 3000 + 250*r.IntN(29)
				return spesa * 80 / 100, spesa * 80 / 100
			}},
		// Esiti del bando «Donne che fanno impresa» 2025: 412 applications (58% from women not yet
		// in business), 96 funded for 1,080,000 euro.
		{id: "B-2025-04", titolo: "Bando «Donne che fanno impresa» 2025", anno: 2025,
			at: mkday(2025, 5, 31), concFrom: mkday(2025, 9, 22), concTo: mkday(2025, 9, 26), n: 173, aspiranti: 239, budget: 1080000, nonAmmessi: 0.35,
			eligible: func(c *company, at day) bool { return c.openOn(at) && c.fem > 0 && c.reg >= mkday(2023, 6, 1) },
			amount:   same(func(r *rand.Rand) int { return 7500 + 250*r.IntN(31) })},
		// Bando «Giovani al lavoro in proprio» 2026: ranking by 15 May 2026, 50% up to 20,000.
		{id: "B-2026-01", titolo: "Bando «Giovani al lavoro in proprio» 2026", anno: 2026,
			at: mkday(2026, 3, 31), concFrom: mkday(2026, 5, 14), concTo: mkday(2026, 5, 14), n: 180, budget: 800000, nonAmmessi: 0.2,
			eligible: func(c *company, at day) bool {
				return c.openOn(at) && c.giovUntil > at && c.reg >= mkday(2024, 4, 1) && !sezIn(c, "AK")
			},
			amount: func(r *rand.Rand, _ *company) (int, int) {
				v := 8000 + 1000*r.IntN(33)
				return v, max(4000, min(20000, v/2))
			}},
		// Voucher per la transizione digitale 2026: 70% up to 5,000 euro, window open April to
		// October 2026 (first come first served).
		{id: "B-2026-03", titolo: "Voucher per la transizione digitale delle micro e piccole imprese 2026", anno: 2026,
			at: mkday(2026, 4, 1), concFrom: mkday(2026, 4, 20), concTo: mkday(2026, 10, 30), n: 150, budget: 400000, nonAmmessi: 0.08,
			eligible: func(c *company, at day) bool { return c.openOn(at) && c.addetti < 50 },
			amount: func(r *rand.Rand, _ *company) (int, int) {
				spesa := 2000 + 250*r.IntN(29)
				v := min(spesa*70/100/50*50, 5000)
				return v, v
			}},
	}
}

// applicant is one application: a register company or a person without a company yet.
type applicant struct {
	cf, name string
	c        *company
}

// writeContributi writes contributi.csv: applications to the calls decided by the last month,
// in call order then N-REA order (people without a company last).
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
		var apps []applicant
		for _, i := range chosen {
			c := &g.pop.companies[i]
			apps = append(apps, applicant{c.cf, c.name, c})
		}
		for k := round(float64(b.aspiranti) * g.opt.Scale); k > 0; k-- {
			p := newPersona(r, true, r.Float64() < 0.15, b.anno-25-r.IntN(30))
			cf := p.codiceFiscale()
			if _, dup := g.pop.cfs[cf]; dup {
				continue
			}
			g.pop.cfs[cf] = struct{}{}
			apps = append(apps, applicant{cf, p.cognome + " " + p.nome, nil})
		}
		budget := int(float64(b.budget) * g.opt.Scale)
		// Grants go in a random order (ranking or arrival) until the budget runs out.
		order := r.Perm(len(apps))
		results := make([][2]string, len(apps))
		for _, k := range order {
			a := apps[k]
			c := a.c
			if c == nil {
				c = &company{}
			}
			req, conc := b.amount(r, c)
			esito, d := "CONCESSO", b.concFrom+day(r.IntN(int(b.concTo-b.concFrom)+1))
			switch x := r.Float64(); {
			case x < b.nonAmmessi || b.budget > 0 && conc > budget:
				esito = "NON AMMESSO"
			case x < b.nonAmmessi+0.03:
				esito = "RINUNCIA"
			case a.c != nil && a.c.close != 0 && a.c.close < d+180:
				esito = "REVOCATO" // closed within six months of the grant
			}
			concS, dS := italianAmount(conc*100), dateIT(d)
			if esito == "NON AMMESSO" {
				concS, dS = "", ""
			} else if b.budget > 0 {
				budget -= conc
			}
			results[k] = [2]string{italianAmount(req * 100), concS + ";" + dS + ";" + esito}
		}
		for k, a := range apps {
			rest := strings.Split(results[k][1], ";")
			rows = append(rows, []string{b.id, b.titolo, itoa(b.anno), a.cf, a.name, results[k][0], rest[0], rest[1], rest[2]})
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
