package demo

import (
	"math/rand/v2"
	"slices"
	"strconv"
	"strings"

	"github.com/comune-bologna/conoscenza/ingest/codes"
)

var impreseHeader = []string{"PRV", "N-REA", "C-FISCALE", "DENOMINAZIONE", "N-G", "DESC-N-G", "DT-ISCR-RI",
	"DT-INI-AT", "DT-CESSAZ", "STATO", "COMUNE", "INDIRIZZO", "CAP", "ATECO", "ADDETTI",
	"IMP-FEMMINILE", "IMP-GIOVANILE", "IMP-STRANIERA", "ARTIGIANA"}

// State names of the register.
const (
	statoAttiva       = "ATTIVA"
	statoInattiva     = "INATTIVA"
	statoSospesa      = "SOSPESA"
	statoLiquidazione = "IN LIQUIDAZIONE"
	statoCessata      = "CESSATA"
)

// stateAt is the register state of c on day t.
func (c *company) stateAt(t day) string {
	switch {
	case c.close != 0 && c.closeReg <= t:
		return statoCessata
	case c.liq != 0 && c.liq <= t:
		return statoLiquidazione
	case c.susFrom != 0 && c.susFrom <= t && (c.susTo == 0 || t < c.susTo):
		return statoSospesa
	case c.start == 0 || c.start > t:
		return statoInattiva
	}
	return statoAttiva
}

func grade(g uint8) string {
	if g == 0 {
		return ""
	}
	return codes.Gradi[g-1]
}

// impresaRow is one register row as text, before it is written: dirty rows start as a valid
// row and get exactly one field spoiled.
type impresaRow [19]string

// rowAt renders c as of day t.
func (c *company) rowAt(t day) impresaRow {
	f := forme[c.forma]
	a := c.addressAt(t)
	state := c.stateAt(t)
	var row impresaRow
	row[0], row[1], row[2], row[3] = "BO", strconv.Itoa(int(c.rea)), c.cf, c.name
	row[4], row[5] = f.code, f.desc
	row[6] = string(c.reg.appendCompact(nil))
	if c.start != 0 && c.start <= t {
		row[7] = string(c.start.appendCompact(nil))
	}
	if state == statoCessata {
		row[8] = string(c.close.appendCompact(nil))
	}
	row[9], row[10], row[11], row[12], row[13] = state, codes.Comune, a.text, a.cap, c.ateco
	if state != statoInattiva {
		row[14] = strconv.Itoa(int(c.addetti))
	}
	row[15] = grade(c.fem)
	if c.giovUntil > t {
		row[16] = grade(c.giov)
	}
	row[17] = grade(c.stra)
	row[18] = "N"
	if c.artigiana {
		row[18] = "S"
	}
	return row
}

// writeSnapshot writes imprese_YYYY-MM.csv for month m: every company registered by the end
// of the month (including those closed since 2010), in N-REA order, with a few dirty rows
// inserted at random lines.
func (g *generator) writeSnapshot(m month, idx int) (FileInfo, error) {
	asOf := m.last()
	name := "imprese_" + m.String() + ".csv"
	var rows []int32
	for i := range g.pop.companies {
		if g.pop.companies[i].reg <= asOf {
			rows = append(rows, int32(i))
		}
	}
	r := rand.New(rand.NewPCG(g.opt.Seed, 0x1000+uint64(idx)))
	dirt := g.planDirt(r, name, asOf, rows, idx)
	w, err := createCSV(g.opt.OutDir, name, impreseHeader)
	if err != nil {
		return FileInfo{}, err
	}
	info := FileInfo{Name: name, Kind: "imprese", AsOf: asOf.String()}
	next := 0
	for k, i := range rows {
		c := &g.pop.companies[i]
		row := c.rowAt(asOf)
		for _, f := range row {
			w.field(f)
		}
		line := w.end()
		if c.addressAt(asOf).zona < 0 {
			g.man.UnmatchedAddresses = append(g.man.UnmatchedAddresses, Unmatched{File: name, Line: line, Value: row[11]})
		}
		for ; next < len(dirt) && dirt[next].after == k; next++ {
			d := dirt[next]
			for j, f := range d.row[:d.ncols] {
				_ = j
				w.field(f)
			}
			d.rec.Line = w.end()
			d.rec.File = name
			g.man.Dirty = append(g.man.Dirty, d.rec)
			info.DirtyRows++
		}
	}
	info.Rows = w.nrows
	return info, w.close()
}

// dirtyRow is a row to inject after valid row number after (0-based).
type dirtyRow struct {
	after int
	row   impresaRow
	ncols int
	rec   DirtyRow
}

// dirtKinds are the defects injected in register snapshots, one per dirty row.
var dirtKinds = []string{"check-digit", "impossible-date", "closure-before-registration",
	"unknown-ateco-division", "unknown-state", "negative-employees", "unknown-grade",
	"duplicate-cf", "column-count", "future-date"}

// planDirt draws about 0.1% dirty rows (at least one of each kind) for one snapshot. Each is a
// plausible company that belongs to no valid row, spoiled in exactly one column.
func (g *generator) planDirt(r *rand.Rand, file string, asOf day, rows []int32, idx int) []dirtyRow {
	n := max(len(dirtKinds), round(float64(len(rows))*0.001))
	if len(rows) < 2 {
		return nil
	}
	out := make([]dirtyRow, 0, n)
	for j := 0; j < n; j++ {
		kind := dirtKinds[j%len(dirtKinds)]
		after := 1 + r.IntN(len(rows)-1)
		// A donor is a real row whose attributes we copy; the dirty row has its own REA and CF.
		donor := g.pop.companies[rows[r.IntN(len(rows))]]
		donor.rea = int32(900000 + idx*1000 + j)
		donor.cf = g.freshCF(r, donor.forma == formaDI)
		row := donor.rowAt(asOf)
		d := dirtyRow{after: after, ncols: len(row), rec: DirtyRow{Kind: kind}}
		switch kind {
		case "check-digit":
			cf := []byte(row[2])
			last := len(cf) - 1
			if len(cf) == 11 {
				cf[last] = '0' + (cf[last]-'0'+1+byte(r.IntN(8)))%10
			} else {
				cf[last] = 'A' + (cf[last]-'A'+1+byte(r.IntN(24)))%26
			}
			row[2] = string(cf)
			d.rec.Column, d.rec.Reason = "C-FISCALE", "wrong check character of the codice fiscale"
		case "impossible-date":
			row[6] = strconv.Itoa(2011+r.IntN(12)) + pick(r, []string{"0231", "0230", "0431", "0931", "1131"})
			row[7], row[8], row[9] = "", "", statoInattiva
			d.rec.Column, d.rec.Reason = "DT-ISCR-RI", "impossible date"
		case "closure-before-registration":
			reg := asOf - day(400+r.IntN(3000))
			row[6], row[7] = string(reg.appendCompact(nil)), string(reg.appendCompact(nil))
			row[8], row[9] = string((reg - day(30+r.IntN(700))).appendCompact(nil)), statoCessata
			d.rec.Column, d.rec.Reason = "DT-CESSAZ", "closure date before registration date"
		case "unknown-ateco-division":
			row[13] = pick(r, []string{"04", "34", "40", "48", "54", "57", "67", "76", "83", "89"}) + row[13][2:]
			d.rec.Column, d.rec.Reason = "ATECO", "ATECO division does not exist in ATECO 2007"
		case "unknown-state":
			row[9] = pick(r, []string{"FALLITA", "X", "ATTIVO", "CHIUSA"})
			d.rec.Column, d.rec.Reason = "STATO", "unknown state"
		case "negative-employees":
			row[14] = "-" + strconv.Itoa(1+r.IntN(5))
			d.rec.Column, d.rec.Reason = "ADDETTI", "negative number of employees"
		case "unknown-grade":
			row[15] = pick(r, []string{"PREVALENTE", "SI", "TOTALE", "PARZIALE"})
			d.rec.Column, d.rec.Reason = "IMP-FEMMINILE", "unknown grade"
		case "duplicate-cf":
			row[2] = g.pop.companies[rows[r.IntN(after)]].cf
			d.rec.Column, d.rec.Reason = "C-FISCALE", "codice fiscale repeated from an earlier row"
		case "column-count":
			d.ncols = len(row) - 1
			d.rec.Reason = "wrong number of columns (18 instead of 19)"
		case "future-date":
			reg := asOf + day(3+r.IntN(60))
			row[6], row[7], row[8], row[9] = string(reg.appendCompact(nil)), "", "", statoInattiva
			d.rec.Column, d.rec.Reason = "DT-ISCR-RI", "date after the file's as-of date"
		}
		if d.rec.Column != "" {
			d.rec.Value = row[slices.Index(impreseHeader, d.rec.Column)]
		} else {
			d.rec.Value = strings.Join(row[:d.ncols], ";")
		}
		d.row = row
		out = append(out, d)
	}
	slices.SortStableFunc(out, func(a, b dirtyRow) int { return a.after - b.after })
	return out
}

// freshCF returns a valid codice fiscale used by no company.
func (g *generator) freshCF(r *rand.Rand, personal bool) string {
	for {
		var cf string
		if personal {
			cf = newPersona(r, r.IntN(2) == 0, false, 1950+r.IntN(50)).codiceFiscale()
		} else {
			cf = partitaIVA(r)
		}
		if _, dup := g.pop.cfs[cf]; !dup {
			g.pop.cfs[cf] = struct{}{}
			return cf
		}
	}
}
