package demo

import (
	"math/rand/v2"
	"slices"
)

// company is one seat of the synthetic register with its whole life: every snapshot is a pure
// function of these fields and the snapshot's as-of date, which keeps the snapshots
// consistent with each other.
type company struct {
	rea        int32
	cf, name   string
	forma      uint8
	sez        uint8 // index in settori
	ateco      string
	reg, start day // start 0: never started
	close      day // 0: open
	closeReg   day // when the closure reached the register (late registrations)
	liq        day // liquidation start, 0: none
	susFrom    day
	susTo      day // 0 with susFrom set: suspended until closure
	addetti    int32
	fem, stra  uint8 // grade 1..3 (ESCLUSIVA, FORTE, MAGGIORITARIA), 0 none
	giov       uint8
	giovUntil  day
	artigiana  bool
	addrs      []addrChange
}

type addrChange struct {
	from day
	address
}

// addressAt returns the address valid on day t.
func (c *company) addressAt(t day) address {
	a := c.addrs[0].address
	for _, ch := range c.addrs[1:] {
		if ch.from <= t {
			a = ch.address
		}
	}
	return a
}

// openOn says whether the company is registered, started and not closed on day t.
func (c *company) openOn(t day) bool {
	return c.reg <= t && c.start != 0 && c.start <= t && (c.close == 0 || c.close > t)
}

// population is the simulated register of the comune from 2010 to the last month.
type population struct {
	r         *rand.Rand
	terr      *territory
	companies []company
	cfs       map[string]struct{} // used only for uniqueness, never iterated
	nextREA   int32
	open      []int32 // indices of open companies (not yet closed)
	unmatched int     // companies given an address outside the street register
}

// simulate builds the population: a stock of seats registered before 2010 still open on
// 1 January 2010, then month by month registrations, closures, suspensions and moves.
func simulate(r *rand.Rand, terr *territory, until month, scale float64) *population {
	p := &population{r: r, terr: terr, cfs: map[string]struct{}{}, nextREA: 150000}
	start := mkmonth(2010, 1)
	// Stock: registration years skewed to the recent past (older seats have had more time
	// to close).
	stock := round(stockAt2010 * scale)
	regs := make([]day, stock)
	for i := range regs {
		back := int(r.ExpFloat64() * 9)
		y := 2009 - back
		if y < 1975 {
			y = 1975 + r.IntN(15) // the oldest survivors, spread rather than piled on one year
		}
		regs[i] = mkday(y, 1, 1) + day(r.IntN(365))
	}
	slices.Sort(regs)
	for _, d := range regs {
		p.add(d, false, 4)
	}
	opens := monthlyCounts(apertureAnno, stagioneAperture, aperture2020, start, until, scale)
	closes := monthlyCounts(chiusureAnno, stagioneChiusure, chiusure2020, start, until, scale)
	for i, m := start, 0; i <= until; i, m = i+1, m+1 {
		p.openings(i, opens[m])
		p.closures(i, closes[m])
		p.suspensions(i)
		p.moves(i)
	}
	p.liquidations(until.last())
	return p
}

// stockAt2010 is the number of open seats on 1 January 2010 at scale 1, chosen so that the
// latest snapshot has about 40,000 active seats.
const stockAt2010 = 45400

func (p *population) openings(m month, n int) {
	days := make([]day, n)
	for i := range days {
		days[i] = workday(m.first() + day(p.r.IntN(int(m.last()-m.first())+1)))
	}
	slices.Sort(days)
	for _, d := range days {
		p.add(d, true, 2)
	}
}

// workday moves a Saturday or Sunday to the previous Friday, keeping it in the same month
// when possible (the register does not record on week-ends).
func workday(d day) day {
	switch d.weekday() {
	case 6:
		d--
	case 0:
		d -= 2
	}
	return d
}

// add creates one company registered on reg; recent says whether it is a 2010+ opening.
func (p *population) add(reg day, recent bool, reaStep int) {
	r := p.r
	c := company{reg: reg}
	p.nextREA += int32(1 + r.IntN(reaStep*2))
	c.rea = p.nextREA
	si := weighted(r, len(settori), func(i int) float64 { return settori[i].weight })
	s := settori[si]
	c.sez = uint8(si)
	code := s.codes[weighted(r, len(s.codes), func(i int) float64 { return s.codes[i].weight })]
	c.ateco = code.code
	fi := weighted(r, len(forme), func(i int) float64 {
		f := forme[i]
		w := f.stock
		if recent {
			w = f.nuove
			if f.code == "RS" && reg.year() < 2013 {
				w = 0
			}
		}
		if i == formaDI {
			w *= s.individuale
		}
		return w
	})
	f := forme[fi]
	c.forma = uint8(fi)
	c.addetti = int32(drawEmployees(r, f, s.sezione))
	c.artigiana = f.artigianaAllow && r.Float64() < code.art*0.9
	// Activity start: individual firms usually start the day they register, companies
	// later; some never start (INATTIVA).
	if r.Float64() >= f.neverStart {
		delay := 0
		if fi != formaDI || r.IntN(2) == 0 {
			delay = r.IntN(90)
		}
		c.start = reg + day(delay)
	}
	straBase, youngBase := 0.195, 0.36
	if !recent {
		straBase, youngBase = 0.09, 0.28
	}
	if fi == formaDI {
		donna := r.Float64() < 0.28*s.donna
		stra := r.Float64() < straBase*s.straniero
		age := 35 + r.IntN(30)
		if r.Float64() < youngBase {
			age = 19 + r.IntN(16)
		}
		var per persona
		for {
			per = newPersona(r, donna, stra, reg.year()-age)
			c.cf = per.codiceFiscale()
			if _, dup := p.cfs[c.cf]; !dup {
				break
			}
		}
		c.name = per.cognome + " " + per.nome
		if donna {
			c.fem = 1
		}
		if stra {
			c.stra = 1
		}
		y, m, d := per.nascita.civil()
		c.giov, c.giovUntil = 1, mkday(y+35, m, d)
	} else {
		for {
			c.cf = partitaIVA(r)
			if _, dup := p.cfs[c.cf]; !dup {
				break
			}
		}
		c.name = companyName(r, s.sezione, f.code)
		if r.Float64() < 0.165*(1+s.donna)/2 {
			c.fem = uint8(1 + r.IntN(3))
		}
		if r.Float64() < 0.055*(1+s.straniero)/2*straBase/0.15 {
			c.stra = uint8(1 + r.IntN(3))
		}
		if recent && r.Float64() < 0.16 {
			c.giov, c.giovUntil = uint8(1+r.IntN(3)), reg+day(365*(2+r.IntN(8)))
		}
	}
	p.cfs[c.cf] = struct{}{}
	var a address
	if len(p.companies)%2500 == 1000 { // a handful, evenly spread over the years
		a = unmatchedAddress(r)
		p.unmatched++
	} else {
		a = p.terr.newAddress(r, p.terr.pickZona(r))
	}
	c.addrs = []addrChange{{from: reg, address: a}}
	p.open = append(p.open, int32(len(p.companies)))
	p.companies = append(p.companies, c)
}

// closures closes n open companies in month m, young firms and individual firms first.
func (p *population) closures(m month, n int) {
	r := p.r
	first, last := m.first(), m.last()
	for k := 0; k < n && len(p.open) > 0; {
		i := r.IntN(len(p.open))
		c := &p.companies[p.open[i]]
		d := first + day(r.IntN(int(last-first)+1))
		if m.number() == 12 && r.Float64() < 0.45 {
			d = last // closures dated 31 December
		}
		age := float64(d-c.reg) / 365
		w := forme[c.forma].hazard
		switch {
		case d <= c.reg:
			continue
		case age < 1:
			w *= 0.7
		case age < 4:
			w *= 1.2
		case age > 12:
			w *= 0.55
		}
		if settori[c.sez].sezione == "G" || settori[c.sez].sezione == "I" {
			w *= 1.2
		}
		if r.Float64()*1.8 > w {
			continue
		}
		c.close, c.closeReg = d, d
		if r.Float64() < 0.04 {
			c.closeReg = d + day(20+r.IntN(220)) // registered late, backdated
		}
		if c.start > d {
			c.start = 0
		}
		if c.susFrom >= d {
			c.susFrom, c.susTo = 0, 0
		}
		if f := forme[c.forma]; r.Float64() < f.liquidazione {
			if liq := d - day(60+r.IntN(840)); liq > c.reg+30 && liq >= c.start {
				c.liq = liq
			}
		}
		p.open[i] = p.open[len(p.open)-1]
		p.open = p.open[:len(p.open)-1]
		k++
	}
}

// eachDrawn calls fn for share × open companies drawn at random (with repetition), each with a
// random day in the first 28 of month m.
func (p *population) eachDrawn(m month, share float64, fn func(c *company, d day)) {
	n := round(float64(len(p.open)) * share)
	for k := 0; k < n; k++ {
		fn(&p.companies[p.open[p.r.IntN(len(p.open))]], m.first()+day(p.r.IntN(28)))
	}
}

// suspensions suspends a few started companies in month m, most for months, some for good.
func (p *population) suspensions(m month) {
	r := p.r
	p.eachDrawn(m, 0.0002, func(c *company, d day) {
		if c.start == 0 || c.start >= d || c.susFrom != 0 {
			return
		}
		c.susFrom = d
		if r.Float64() < 0.6 {
			c.susTo = d + day(60+r.IntN(660))
		}
	})
}

// moves relocates about 2% of open seats a year; most stay in the same zona.
func (p *population) moves(m month) {
	r := p.r
	p.eachDrawn(m, 0.0017, func(c *company, d day) {
		cur := c.addrs[len(c.addrs)-1]
		if d <= cur.from+30 {
			return
		}
		z := int(cur.zona)
		if z < 0 || r.Float64() < 0.4 {
			z = p.terr.pickZona(r)
		}
		c.addrs = append(c.addrs, addrChange{from: d, address: p.terr.newAddress(r, z)})
	})
}

// liquidations puts a few open companies into liquidation that has not ended by asOf.
func (p *population) liquidations(asOf day) {
	r := p.r
	for _, i := range p.open {
		c := &p.companies[i]
		f := forme[c.forma]
		if f.liquidazione < 0.4 || r.Float64() >= 0.05 {
			continue
		}
		if liq := asOf - day(r.IntN(900)); liq > c.reg+60 && liq > c.start {
			c.liq = liq
		}
	}
}
