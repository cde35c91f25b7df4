package demo

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"strconv"
	"strings"

	"github.com/comune-bologna/conoscenza/ingest/codes"
)

// zonaWeights is the relative density of business seats per zona: the historic centre
// (Marconi, Malpighi, Irnerio, Galvani) and Bolognina carry most of the city's shops and
// offices; the hills (Colli) very few.
var zonaWeights = map[string]float64{
	"Borgo Panigale": 4.5, "Barca": 3, "Santa Viola": 3,
	"Bolognina": 9, "Corticella": 4, "Lame": 4.5,
	"Costa Saragozza": 5, "Malpighi": 7.5, "Marconi": 9, "Saragozza": 3.5,
	"Irnerio": 9, "San Donato": 6.5, "San Vitale": 6,
	"Colli": 1.5, "Galvani": 8.5, "Murri": 4.5,
	"Mazzini": 4.5, "San Ruffillo": 2.5,
}

// stradaRow is one row of the street register.
type stradaRow struct {
	code, name string
	from, to   int
	par        byte // 'P' even, 'D' odd, 'T' all
	cap        string
	quartiere  string
	zona       string
	area       string
}

// territory is the parsed street register with what the address generator needs.
type territory struct {
	rows     []stradaRow
	zone     []string // in codes.Quartieri order
	zoneRows [][]int  // row indices per zona
	cum      []float64
}

func newTerritory() (*territory, error) {
	quartiere := map[string]string{}
	var zone []string
	for _, q := range codes.Quartieri {
		for _, z := range q.Zone {
			quartiere[z] = q.Nome
			zone = append(zone, z)
		}
	}
	t := &territory{zone: zone, zoneRows: make([][]int, len(zone))}
	codeOf := map[string]string{}
	var cur, defCAP string
	var areas, nInZona int
	for ln, line := range strings.Split(streetRegister, "\n") {
		line = strings.TrimSpace(line)
		if line == "" {
			continue
		}
		parts := strings.Split(line, ";")
		if strings.HasPrefix(line, "@") {
			cur, defCAP = strings.TrimPrefix(parts[0], "@"), parts[1]
			if quartiere[cur] == "" || len(parts) != 3 {
				return nil, fmt.Errorf("demo: street register line %d: bad zona %q", ln, line)
			}
			areas, _ = strconv.Atoi(parts[2])
			nInZona = 0
			continue
		}
		name, cap, from, to, par := parts[0], defCAP, 1, 9999, byte('T')
		if len(parts) > 1 && parts[1] != "" {
			cap = parts[1]
		}
		if len(parts) > 2 {
			spec := parts[2]
			par = spec[len(spec)-1]
			if _, err := fmt.Sscanf(spec[:len(spec)-1], "%d-%d", &from, &to); err != nil {
				return nil, fmt.Errorf("demo: street register line %d: bad range %q", ln, spec)
			}
		}
		code, ok := codeOf[name]
		if !ok {
			code = fmt.Sprintf("%05d", 1000+7*len(codeOf))
			codeOf[name] = code
		}
		area := func(k int) string { return fmt.Sprintf("%s %d", cur, 1+k%areas) }
		row := stradaRow{code: code, name: name, from: from, to: to, par: par, cap: cap,
			quartiere: quartiere[cur], zona: cur, area: area(nInZona)}
		// Real registers split long streets by civic range, often with a different
		// statistical area on each stretch.
		if par == 'T' && to < 9999 && to-from >= 100 {
			mid := from + (to-from)/2
			second := row
			row.to, second.from, second.area = mid, mid+1, area(nInZona+1)
			t.add(row)
			t.add(second)
		} else {
			t.add(row)
		}
		nInZona++
	}
	total := 0.0
	for i, z := range zone {
		if len(t.zoneRows[i]) == 0 {
			return nil, fmt.Errorf("demo: zona %s has no streets", z)
		}
		total += zonaWeights[z]
		t.cum = append(t.cum, total)
	}
	return t, nil
}

func (t *territory) add(r stradaRow) {
	i := slices.Index(t.zone, r.zona)
	t.zoneRows[i] = append(t.zoneRows[i], len(t.rows))
	t.rows = append(t.rows, r)
}

// quartiereOf returns the quartiere of zona index z.
func (t *territory) quartiereOf(z int) string { return t.rows[t.zoneRows[z][0]].quartiere }

// pickZona draws a zona index by business density.
func (t *territory) pickZona(r *rand.Rand) int {
	x := r.Float64() * t.cum[len(t.cum)-1]
	i, _ := slices.BinarySearch(t.cum, x)
	return min(i, len(t.cum)-1)
}

// address is one typed address of a company.
type address struct {
	text string // INDIRIZZO as typed at the register
	cap  string
	zona int16 // index in territory.zone; -1 when the street is not in the register
}

// newAddress draws a street row in zona z and a civic number it covers, typed the way
// addresses are typed at the register.
func (t *territory) newAddress(r *rand.Rand, z int) address {
	rows := t.zoneRows[z]
	row := t.rows[rows[r.IntN(len(rows))]]
	hi := row.to
	if hi-row.from > 160 {
		hi = row.from + 160 // open-ended rows: civics rarely run that high
	}
	civic := row.from + r.IntN(hi-row.from+1)
	if row.par == 'P' && civic%2 == 1 || row.par == 'D' && civic%2 == 0 {
		civic++
		if civic > row.to {
			civic -= 2
		}
	}
	return address{text: typeAddress(r, row.name, civic), cap: row.cap, zona: int16(z)}
}

// unmatchedAddress is an address that no register row covers.
func unmatchedAddress(r *rand.Rand) address {
	name := unmatchedStreets[r.IntN(len(unmatchedStreets))]
	return address{text: name + " " + strconv.Itoa(1+r.IntN(80)), cap: "40100", zona: -1}
}

var abbreviations = []struct {
	full, short string
	p           float64
}{
	{"VIA ", "V. ", 0.15},
	{"VIALE ", "V.LE ", 0.5},
	{"PIAZZA ", "P.ZZA ", 0.5},
	{"PIAZZALE ", "P.LE ", 0.5},
	{"LARGO ", "L.GO ", 0.3},
	{"STRADA ", "STR. ", 0.3},
}

// typeAddress writes street and civic as clerks type them: abbreviated street types,
// "N. 12", "12/A", "12 BIS", sometimes a comma. Numeric barrati such as "12/2", common in
// Bologna, are left out until the loader's address parser reads them (it takes the 2 as the
// civic number).
func typeAddress(r *rand.Rand, street string, civic int) string {
	for _, a := range abbreviations {
		if strings.HasPrefix(street, a.full) {
			if r.Float64() < a.p {
				street = a.short + street[len(a.full):]
			}
			break
		}
	}
	var b strings.Builder
	b.WriteString(street)
	if r.Float64() < 0.05 {
		b.WriteString(",")
	}
	b.WriteString(" ")
	if r.Float64() < 0.15 {
		b.WriteString("N. ")
	}
	b.WriteString(strconv.Itoa(civic))
	switch x := r.Float64(); {
	case x < 0.06:
		b.WriteString("/" + string(rune('A'+r.IntN(4))))
	case x < 0.08:
		b.WriteString(" BIS")
	}
	return b.String()
}

// writeStradario writes stradario.csv sorted by street name and civic range.
func (t *territory) writeStradario(dir string) (int, error) {
	rows := slices.Clone(t.rows)
	slices.SortStableFunc(rows, func(a, b stradaRow) int {
		if c := strings.Compare(a.name, b.name); c != 0 {
			return c
		}
		return a.from - b.from
	})
	w, err := createCSV(dir, fileStradario, []string{"COD-VIA", "DENOMINAZIONE", "CIVICO-DAL", "CIVICO-AL", "PARITA", "CAP", "QUARTIERE", "ZONA", "AREA-STATISTICA"})
	if err != nil {
		return 0, err
	}
	for _, r := range rows {
		w.field(r.code)
		w.field(r.name)
		w.int(r.from)
		w.int(r.to)
		w.field(string(r.par))
		w.field(r.cap)
		w.field(r.quartiere)
		w.field(r.zona)
		w.field(r.area)
		w.end()
	}
	return len(rows), w.close()
}
