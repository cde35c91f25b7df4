package demo

import (
	"math"
	"math/rand/v2"
	"strings"
)

// settore is an ATECO section with its weight among active seats and the typical codes
// found in a large Italian service city; art is the share of craft firms in that code.
type settore struct {
	sezione string
	weight  float64
	codes   []atecoCode
	// multipliers for the probability that a holder is a woman / foreign-born, and for the
	// weight of imprese individuali, relative to the city average.
	donna, straniero, individuale float64
}

type atecoCode struct {
	code   string // 6 digits
	weight float64
	art    float64
}

func ac(spec string) []atecoCode {
	var out []atecoCode
	for _, f := range strings.Fields(spec) {
		var c atecoCode
		parts := strings.Split(f, ":")
		c.code = parts[0]
		c.weight, c.art = 1, 0
		if len(parts) > 1 {
			c.weight = atof(parts[1])
		}
		if len(parts) > 2 {
			c.art = atof(parts[2])
		}
		out = append(out, c)
	}
	return out
}

func atof(s string) float64 {
	var v float64
	var frac float64
	for _, ch := range s {
		switch {
		case ch == '.':
			frac = 1
		case frac > 0:
			frac /= 10
			v += float64(ch-'0') * frac
		default:
			v = v*10 + float64(ch-'0')
		}
	}
	return v
}

// settori: weights calibrated on the sector mix of a large Italian service city (commerce
// about a quarter, construction an eighth, then services).
var settori = []settore{
	{"A", 0.6, ac("011110:2 011310:2:0.1 016100:2:0.2 013000:1"), 1, 0.5, 1.5},
	{"C", 7.2, ac("107110:3:0.95 107120:3:0.9 107300:1:0.7 181200:2:0.6 251100:1:0.7 256200:2:0.8 284100:1:0.2 321210:2:0.9 141310:1:0.7 310910:1:0.8 325020:2:0.95"), 0.8, 1, 0.7},
	{"D", 0.1, ac("351100"), 0.5, 0.2, 0.1},
	{"E", 0.2, ac("381100 390000"), 0.5, 0.5, 0.2},
	{"F", 12.3, ac("412000:4:0.4 432101:3:0.85 432201:3:0.85 433100:1:0.9 433202:1:0.9 433300:1:0.9 433400:2:0.95 433901:2:0.8 439909:1:0.7 421100:0.3"), 0.12, 2.4, 1.5},
	{"G", 25.5, ac("471140:3 471990:2 472101:2 472200:1 472410:1 472500:1 472600:1 474100:1 475910:1 476100:1 477110:5 477210:2 477310:1.5 477510:1.5 477700:1 478101:1.5 478201:1.5 478909:1 479110:1.5 469000:2 464610:1 464500:1 451101:1 452010:2:0.9 452020:1:0.9"), 1.15, 1.3, 1.0},
	{"H", 3.4, ac("493210:2:0.3 494100:3:0.6 532000:1:0.2 522922:1"), 0.3, 1.4, 1.6},
	{"I", 8.2, ac("561011:5 561020:2:0.3 561030:1.5:0.7 563000:4 551000:1 552051:1.5"), 1.2, 1.3, 0.8},
	{"J", 4.0, ac("620100:3 620200:3 631130:1 581100:1 591100:1"), 0.6, 0.4, 0.6},
	{"K", 3.0, ac("642000:1 662201:1 662202:2 661921:1"), 0.9, 0.2, 1.3},
	{"L", 7.8, ac("681000:2 682001:4 683100:2 683200:1"), 1.0, 0.2, 0.25},
	{"M", 10.0, ac("691010:1 692011:1 702209:4 711100:1 711210:1 731101:1 741021:1:0.3 749099:2 750000:0.5 721909:0.5"), 1.0, 0.3, 0.9},
	{"N", 5.5, ac("812100:3:0.3 829999:2 791100:1 771100:1 801000:0.5 813000:1:0.4"), 1.0, 1.2, 1.0},
	{"P", 1.2, ac("855920:2 855201:1 855300:1"), 1.5, 0.5, 0.6},
	{"Q", 2.3, ac("862300:2 869029:2 881000:1"), 1.6, 0.3, 0.4},
	{"R", 1.6, ac("931300:2 900109:2 920002:1"), 1.0, 0.6, 0.6},
	{"S", 6.5, ac("960201:4:0.95 960202:2.5:0.95 960110:1:0.8 951100:1:0.6 952300:0.5:0.95 960909:1:0.3"), 2.3, 1.1, 1.5},
}

// Legal forms with their weight among openings before 2010 (the surviving stock) and in
// 2010 onwards, and the relative hazard of closing.
type formaSpec struct {
	code, desc     string
	stock, nuove   float64
	hazard         float64
	mu, sigma      float64 // employees ~ exp(N(mu, sigma)) for companies
	neverStart     float64 // share that stays INATTIVA (registered, never started)
	liquidazione   float64 // share of closures that go through liquidation
	artigianaAllow bool
}

var forme = []formaSpec{
	{"DI", "IMPRESA INDIVIDUALE", 48, 53, 1.25, 0, 0, 0.03, 0, true},
	{"SR", "SOCIETA' A RESPONSABILITA' LIMITATA", 17, 21, 0.8, 1.1, 1.2, 0.12, 0.65, true},
	{"SU", "SOCIETA' A RESPONSABILITA' LIMITATA CON UNICO SOCIO", 3, 5, 0.85, 0.9, 1.1, 0.12, 0.6, true},
	{"RS", "SOCIETA' A RESPONSABILITA' LIMITATA SEMPLIFICATA", 0, 7, 1.0, 0.6, 0.9, 0.08, 0.5, true},
	{"SP", "SOCIETA' PER AZIONI", 1.2, 0.2, 0.4, 3.2, 1.5, 0.10, 0.8, false},
	{"SN", "SOCIETA' IN NOME COLLETTIVO", 10, 4, 1.0, 0.9, 0.8, 0.05, 0.35, true},
	{"AS", "SOCIETA' IN ACCOMANDITA SEMPLICE", 7.5, 4, 1.0, 0.9, 0.8, 0.05, 0.35, true},
	{"SS", "SOCIETA' SEMPLICE", 1.5, 0.8, 0.7, 0, 0.6, 0.2, 0.2, false},
	{"SC", "SOCIETA' COOPERATIVA", 2.3, 2.5, 0.9, 2.1, 1.4, 0.10, 0.6, false},
	{"CO", "CONSORZIO", 0.8, 0.5, 0.8, 0.7, 1.0, 0.25, 0.5, false},
}

const formaDI = 0

// weighted draws an index from cumulative weights built on the fly (slices are tiny).
func weighted(r *rand.Rand, n int, w func(int) float64) int {
	total := 0.0
	for i := 0; i < n; i++ {
		total += w(i)
	}
	x := r.Float64() * total
	for i := 0; i < n; i++ {
		x -= w(i)
		if x < 0 {
			return i
		}
	}
	return n - 1
}

// drawEmployees draws ADDETTI: most seats have 0-9 employees, a few dozen have 50 or more.
func drawEmployees(r *rand.Rand, f formaSpec, sez string) int {
	if f.code == "DI" {
		x := r.Float64()
		switch {
		case x < 0.32:
			return 0
		case x < 0.74:
			return 1
		case x < 0.87:
			return 2
		case x < 0.93:
			return 3
		case x < 0.97:
			return 4 + r.IntN(2)
		case x < 0.995:
			return 6 + r.IntN(4)
		}
		return 10 + r.IntN(10)
	}
	mu := f.mu
	switch sez {
	case "Q", "N":
		mu += 0.4
	case "L":
		mu -= 1.2
	case "K":
		mu -= 0.5
	}
	n := int(math.Exp(mu + f.sigma*r.NormFloat64()))
	return min(n, 4000)
}
