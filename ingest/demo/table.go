package demo

import (
	"math/rand/v2"
	"slices"
	"strings"
)

// spoiler turns one valid row into a dirty one with a single defect in column (empty column:
// the row as a whole, e.g. a missing field).
type spoiler struct {
	kind, column, reason string
	spoil                func(r *rand.Rand, row []string, earlier [][]string) []string
}

// writeTable writes rows (already in file order) and injects max(len(spoilers), 0.1%)
// dirty rows at random places, recording them in the manifest. A dirty row starts as a copy
// of a valid one; when the first column is an id, it gets a fresh one (9000xx) so that the
// only defect is the one injected.
func (g *generator) writeTable(name, kind string, header []string, rows [][]string, spoilers []spoiler, seedStream uint64, idCol bool) (FileInfo, error) {
	r := rand.New(rand.NewPCG(g.opt.Seed, seedStream))
	type planned struct {
		after int
		row   []string
		rec   DirtyRow
	}
	var plan []planned
	if len(rows) >= 2 {
		n := max(len(spoilers), round(float64(len(rows))*0.001))
		for j := 0; j < n; j++ {
			sp := spoilers[j%len(spoilers)]
			after := 1 + r.IntN(len(rows)-1)
			donor := slices.Clone(rows[r.IntN(len(rows))])
			if idCol {
				id := donor[0]
				donor[0] = id[:len(id)-6] + itoa(1900000 + j)[1:]
			}
			row := sp.spoil(r, donor, rows[:after])
			rec := DirtyRow{File: name, Column: sp.column, Kind: sp.kind, Reason: sp.reason}
			if sp.column != "" {
				rec.Value = row[slices.Index(header, sp.column)]
			} else {
				rec.Value = strings.Join(row, ";")
			}
			plan = append(plan, planned{after, row, rec})
		}
		slices.SortStableFunc(plan, func(a, b planned) int { return a.after - b.after })
	}
	w, err := createCSV(g.opt.OutDir, name, header)
	if err != nil {
		return FileInfo{}, err
	}
	info := FileInfo{Name: name, Kind: kind, AsOf: g.until.last().String()}
	next := 0
	for k, row := range rows {
		w.fields(row...)
		for ; next < len(plan) && plan[next].after == k; next++ {
			p := plan[next]
			w.fields(p.row...)
			p.rec.Line = w.line
			g.man.Dirty = append(g.man.Dirty, p.rec)
			info.DirtyRows++
		}
	}
	info.Rows = w.nrows
	return info, w.close()
}

// Spoilers shared by the tables.
func impossibleDate(column string, idx int) spoiler {
	return spoiler{"impossible-date", column, "impossible date", func(r *rand.Rand, row []string, _ [][]string) []string {
		y := "2019"
		if v := row[idx]; len(v) >= 4 {
			y = v[len(v)-4:]
		}
		row[idx] = pick(r, []string{"31/02/", "30/02/", "31/04/", "31/06/", "31/11/"}) + y
		return row
	}}
}

// futureDate moves the date in column idx after asOf; clear lists the columns that must be
// emptied (and fixed values to set) so that later dates do not add a second defect.
func futureDate(column string, idx int, asOf day, clear map[int]string) spoiler {
	return spoiler{"future-date", column, "date after the file's as-of date", func(r *rand.Rand, row []string, _ [][]string) []string {
		// More than a year ahead: rejected whether the loader takes the as-of date from the
		// manifest (--as-of) or from the day it runs.
		row[idx] = string((asOf + day(370+r.IntN(365))).appendItalian(nil))
		for i := range row {
			if v, ok := clear[i]; ok {
				row[i] = v
			}
		}
		return row
	}}
}

func columnCount() spoiler {
	return spoiler{"column-count", "", "wrong number of columns (one missing)", func(_ *rand.Rand, row []string, _ [][]string) []string {
		return row[:len(row)-1]
	}}
}

// italianAmount formats cents as 1.234,56.
func italianAmount(cents int) string {
	euros, c := cents/100, cents%100
	s := itoa(euros)
	var b strings.Builder
	for i, ch := range s {
		if i > 0 && (len(s)-i)%3 == 0 {
			b.WriteByte('.')
		}
		b.WriteRune(ch)
	}
	b.WriteByte(',')
	b.WriteString(two(c))
	return b.String()
}

func itoa(n int) string {
	return string(appendInt(nil, n))
}

func appendInt(b []byte, n int) []byte {
	if n < 0 {
		b = append(b, '-')
		n = -n
	}
	var tmp [20]byte
	i := len(tmp)
	for {
		i--
		tmp[i] = byte('0' + n%10)
		n /= 10
		if n == 0 {
			break
		}
	}
	return append(b, tmp[i:]...)
}

func dateIT(d day) string {
	if d == 0 {
		return ""
	}
	return string(d.appendItalian(nil))
}
