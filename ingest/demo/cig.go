package demo

import (
	"math/rand/v2"
	"slices"
)

var cigHeader = []string{"ID-DOMANDA", "C-FISCALE", "DENOMINAZIONE", "ATECO", "COMUNE", "TIPO", "CAUSALE",
	"DT-DOMANDA", "DT-AUTORIZZAZIONE", "ESITO", "PERIODO-DAL", "PERIODO-AL", "ORE-RICHIESTE",
	"ORE-AUTORIZZATE", "LAVORATORI"}

// CIG requests a year at scale 1: the 2010-2013 crisis (with cassa in deroga), a quiet
// decade, then the COVID-19 wave of 2020-2021.
var (
	cigOrdinarie = map[int]float64{2010: 1150, 2011: 980, 2012: 1040, 2013: 1080, 2014: 900,
		2015: 620, 2016: 430, 2017: 340, 2018: 290, 2019: 310, 2020: 260, 2021: 240, 2022: 430,
		2023: 380, 2024: 360, 2025: 370, 2026: 350}
	cigCovid      = map[int]float64{2020: 9600, 2021: 6100}
	stagioneCIG   = [12]float64{1.1, 1.1, 1.1, 1, 1, 1, 0.9, 0.4, 1, 1.1, 1.1, 0.8}
	covid2020     = [12]float64{0, 0, 0.6, 3, 2, 1.2, 0.8, 0.4, 0.6, 0.7, 1.3, 0.9}
	covid2021     = [12]float64{1.3, 1.0, 1.2, 1.3, 0.9, 0.7, 0.5, 0.2, 0.4, 0.4, 0.3, 0.3}
	cigPesoCovid  = map[string]float64{"I": 3, "G": 2, "N": 2, "R": 2.5, "S": 2, "C": 2, "F": 1, "H": 1.5, "M": 1, "P": 1.5, "J": 0.6}
	cigPesoNormal = map[string]float64{"C": 3, "F": 3, "G": 1, "H": 1.5, "N": 1}
)

type cigReq struct {
	d       day
	covid   bool
	company int // -1: unknown to the register
	row     []string
}

// writeCIG writes cig.csv: requests presented from 2010 to the last month.
func (g *generator) writeCIG() (FileInfo, error) {
	r := rand.New(rand.NewPCG(g.opt.Seed, 2))
	asOf := g.until.last()
	var reqs []cigReq
	for y := 2010; y <= g.until.year(); y++ {
		season := stagioneCIG
		if y == 2023 {
			season[4] *= 3 // the May 2023 flood in Emilia-Romagna: EVENTI METEO
		}
		reqs = g.cigYear(r, reqs, y, yearTarget(cigOrdinarie, y), season, false, asOf)
		switch y {
		case 2020:
			reqs = g.cigYear(r, reqs, y, cigCovid[y], covid2020, true, asOf)
		case 2021:
			reqs = g.cigYear(r, reqs, y, cigCovid[y], covid2021, true, asOf)
		}
	}
	slices.SortStableFunc(reqs, func(a, b cigReq) int { return int(a.d - b.d) })
	rows := make([][]string, len(reqs))
	for i, q := range reqs {
		q.row[0] = "ER" + itoa(q.d.year()) + itoa(1000000 + i)[1:]
		rows[i] = q.row
	}
	return g.writeTable(fileCIG, "cig", cigHeader, rows, []spoiler{
		impossibleDate("DT-DOMANDA", 7),
		futureDate("DT-DOMANDA", 7, asOf, map[int]string{8: "", 9: "IN ISTRUTTORIA", 13: "0"}),
		{"duplicate-id", "ID-DOMANDA", "request id repeated from an earlier row", func(r *rand.Rand, row []string, earlier [][]string) []string {
			row[0] = earlier[r.IntN(len(earlier))][0]
			return row
		}},
		{"bad-number", "ORE-RICHIESTE", "not a number", func(r *rand.Rand, row []string, _ [][]string) []string {
			row[12] = pick(r, []string{"N/D", "circa 300", "12,5,0"})
			return row
		}},
		columnCount(),
	}, 0x2000, true)
}

func (g *generator) cigYear(r *rand.Rand, reqs []cigReq, y int, total float64, season [12]float64, covid bool, asOf day) []cigReq {
	sum := 0.0
	for _, w := range season {
		sum += w
	}
	total *= g.opt.Scale
	before := 0.0
	for mi := 0; mi < 12; mi++ {
		m := mkmonth(y, mi+1)
		n := round(total*(before+season[mi])/sum) - round(total*before/sum)
		before += season[mi]
		for k := 0; k < n; k++ {
			first := m.first()
			if covid && y == 2020 && mi == 2 {
				first = mkday(2020, 3, 23) // the first COVID-19 causale requests
			}
			d := workday(first + day(r.IntN(int(m.last()-first)+1)))
			if d < first {
				d = first
			}
			if d > asOf {
				continue
			}
			reqs = append(reqs, g.cigRequest(r, d, covid, asOf))
		}
	}
	return reqs
}

func (g *generator) cigRequest(r *rand.Rand, d day, covid bool, asOf day) cigReq {
	q := cigReq{d: d, covid: covid, company: -1}
	weights := cigPesoNormal
	if covid {
		weights = cigPesoCovid
	}
	if r.Float64() >= 0.08 {
		for try := 0; try < 300; try++ {
			i := r.IntN(len(g.pop.companies))
			c := &g.pop.companies[i]
			w, ok := weights[settori[c.sez].sezione]
			if !ok {
				w = 0.4
			}
			// Larger firms use cassa integrazione far more often, outside the pandemic
			// above all (the metalworking industry).
			size := min(1, float64(1+c.addetti)/8)
			if !covid {
				size = min(1, float64(1+c.addetti)/30)
			}
			if c.openOn(d) && c.addetti >= 1 && r.Float64()*3 < w*size {
				q.company = i
				break
			}
		}
	}
	var cf, name, ateco string
	var sez string
	var addetti int
	var artigiana bool
	if q.company >= 0 {
		c := &g.pop.companies[q.company]
		cf, name, ateco, sez, addetti, artigiana = c.cf, c.name, c.ateco, settori[c.sez].sezione, int(c.addetti), c.artigiana
	} else {
		// A company with its seat elsewhere and a local unit in Bologna.
		s := settori[weighted(r, len(settori), func(i int) float64 { return settori[i].weight })]
		cf = g.freshCF(r, false)
		name = companyName(r, s.sezione, "SR")
		ateco = s.codes[r.IntN(len(s.codes))].code
		sez, addetti = s.sezione, 3+r.IntN(60)
	}
	tipo, causale := cigType(r, d.year(), sez, addetti, artigiana, covid, d)
	if tipo == "CIGS" && addetti <= 15 {
		tipo = "CIGO" // CIGS is for firms with more than 15 employees
	}
	workers := 1 + r.IntN(addetti)
	if covid && r.Float64() < 0.6 {
		workers = addetti
	}
	workers = min(workers, 400)
	weeks, hours := 4+r.IntN(22), 16+r.IntN(25)
	if covid {
		weeks, hours = 6+r.IntN(20), 24+r.IntN(17)
	}
	if tipo == "CIGS" {
		weeks = 26 + r.IntN(27)
	}
	dal := d - day(r.IntN(16))
	if covid {
		dal = max(d-day(r.IntN(40)), mkday(2020, 2, 23))
	}
	al := min(dal+day(weeks*7-1), asOf)
	ore := workers * weeks * hours
	esito, aut, oreAut := "AUTORIZZATA", d+day(10+r.IntN(60)), ore*(70+r.IntN(31))/100
	if covid && d.year() == 2020 {
		aut += day(r.IntN(30))
	}
	switch {
	case r.Float64() < 0.04:
		esito, aut, oreAut = "RESPINTA", 0, 0
	case aut > asOf:
		esito, aut, oreAut = "IN ISTRUTTORIA", 0, 0
	}
	q.row = []string{"", cf, name, dotted(ateco), "BOLOGNA", tipo, causale, dateIT(d), dateIT(aut), esito,
		dateIT(dal), dateIT(al), itoa(ore), itoa(oreAut), itoa(workers)}
	return q
}

// cigType picks the instrument and the reason the way the rules of each period allowed.
func cigType(r *rand.Rand, y int, sez string, addetti int, artigiana, covid bool, d day) (string, string) {
	industry := sez == "C" || sez == "F"
	if covid {
		switch {
		case artigiana && r.Float64() < 0.6:
			return "FSB", "COVID-19"
		case industry:
			return "CIGO", "COVID-19"
		case y == 2020 && addetti <= 5 && r.Float64() < 0.4:
			return "DEROGA", "COVID-19"
		}
		return "FIS", "COVID-19"
	}
	crisi := func() string {
		if r.Float64() < 0.6 {
			return "CRISI AZIENDALE"
		}
		return "RIORGANIZZAZIONE"
	}
	lavoro := func() string {
		if sez == "F" && r.Float64() < 0.45 || y == 2023 && d.year() == 2023 && (d-mkday(2023, 5, 1)) < 60 && d >= mkday(2023, 5, 1) && r.Float64() < 0.7 {
			return "EVENTI METEO"
		}
		return "MANCANZA DI LAVORO"
	}
	x := r.Float64()
	switch {
	case y <= 2015 && x < 0.4:
		if r.Float64() < 0.6 {
			return "DEROGA", "CRISI AZIENDALE"
		}
		return "DEROGA", "MANCANZA DI LAVORO"
	case x < 0.62 || industry && x < 0.85:
		return "CIGO", lavoro()
	case x < 0.8 || y < 2016:
		return "CIGS", crisi()
	}
	if r.Float64() < 0.7 {
		return "FIS", "MANCANZA DI LAVORO"
	}
	return "FIS", "CRISI AZIENDALE"
}

// dotted writes a 6-digit ATECO code as 56.10.11.
func dotted(code string) string {
	return code[0:2] + "." + code[2:4] + "." + code[4:6]
}
