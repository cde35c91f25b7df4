package semantic

import (
	"fmt"
	"math"
	"time"
)

// The oracle computes metrics from the fixture in plain Go, independently of the compiler.

type rec struct {
	c     *company // the company (register) or the joined company (other sources); may be nil
	v     *version
	cig   *cigRow
	suap  *suapRow
	grant *grantRow
	date  time.Time
	w     float64
}

func (f *fixture) byCF() map[string]*company {
	m := map[string]*company{}
	for _, c := range f.companies {
		m[c.cf] = c
	}
	return m
}

// latestVersion is the company's row in the current table: its most recent state.
func latestVersion(c *company) *version {
	if c.v2 != nil {
		return c.v2
	}
	return c.v1
}

func versionAt(c *company, s time.Time) *version {
	if s.Equal(snap1) {
		return c.v1
	}
	return c.v2
}

func inRange(d time.Time, from, to time.Time) bool {
	return (from.IsZero() || !d.Before(from)) && (to.IsZero() || !d.After(to))
}

func (f *fixture) records(metric string, s, from, to time.Time) []rec {
	var out []rec
	cfs := f.byCF()
	join := func(cf string) (*company, *version) {
		if c := cfs[cf]; c != nil {
			return c, latestVersion(c)
		}
		return nil, nil
	}
	switch metric {
	case "aperture", "chiusure", "saldo", "imprese_attive", "imprese_registrate":
		for _, c := range f.companies {
			v := versionAt(c, s)
			if v == nil {
				continue
			}
			switch metric {
			case "aperture", "saldo":
				if inRange(c.iscr, from, to) {
					out = append(out, rec{c: c, v: v, date: c.iscr, w: 1})
				}
				if metric == "saldo" && v.cess != nil && inRange(*v.cess, from, to) {
					out = append(out, rec{c: c, v: v, date: *v.cess, w: -1})
				}
			case "chiusure":
				if v.cess != nil && inRange(*v.cess, from, to) {
					out = append(out, rec{c: c, v: v, date: *v.cess, w: 1})
				}
			case "imprese_attive":
				if v.stato == "ATTIVA" {
					out = append(out, rec{c: c, v: v, w: 1})
				}
			case "imprese_registrate":
				if v.stato != "CESSATA" && v.cess == nil {
					out = append(out, rec{c: c, v: v, w: 1})
				}
			}
		}
	case "cig_domande", "cig_ore_richieste", "cig_ore_autorizzate", "cig_lavoratori", "cig_imprese":
		for i := range f.cig {
			r := &f.cig[i]
			c, v := join(r.cf)
			x := rec{c: c, v: v, cig: r, date: r.dom}
			switch metric {
			case "cig_domande", "cig_imprese":
				x.w = 1
			case "cig_ore_richieste":
				x.w = r.oreR
			case "cig_lavoratori":
				x.w = float64(r.lav)
			case "cig_ore_autorizzate":
				if r.aut == nil {
					continue
				}
				x.date, x.w = *r.aut, r.oreA
			}
			if inRange(x.date, from, to) {
				out = append(out, x)
			}
		}
	case "suap_pratiche":
		for i := range f.suap {
			r := &f.suap[i]
			c, v := join(r.cf)
			if inRange(r.pres, from, to) {
				out = append(out, rec{c: c, v: v, suap: r, date: r.pres, w: 1})
			}
		}
	case "contributi_importo_concesso", "contributi_beneficiari", "contributi_importo_medio":
		for i := range f.grants {
			r := &f.grants[i]
			if r.esito != "CONCESSO" || !inRange(*r.conc, from, to) {
				continue
			}
			c, v := join(r.cf)
			out = append(out, rec{c: c, v: v, grant: r, date: *r.conc, w: r.importo})
		}
	default:
		panic("oracle has no metric " + metric)
	}
	return out
}

func orNA(p *string, na string) string {
	if p == nil {
		return na
	}
	return *p
}

// dimValue is the value of a dimension for a record, spelled as the engine returns it.
func dimValue(dim string, r rec, ref time.Time) string {
	const na = "n.d."
	territory := func(sel func(*version) *string, suapSel func(*suapRow) *string) string {
		if r.suap != nil {
			return orNA(suapSel(r.suap), "non attribuito")
		}
		if r.v == nil {
			return "non attribuito"
		}
		return orNA(sel(r.v), "non attribuito")
	}
	fromCompany := func(get func(*company) string) string {
		if r.c == nil {
			return na
		}
		return get(r.c)
	}
	flag := func(p func(*company) *string) string {
		return fmt.Sprint(r.c != nil && p(r.c) != nil)
	}
	switch dim {
	case "quartiere":
		return territory(func(v *version) *string { return v.quartiere }, func(s *suapRow) *string { return s.quartiere })
	case "zona":
		return territory(func(v *version) *string { return v.zona }, func(s *suapRow) *string { return s.zona })
	case "area_statistica":
		return territory(func(v *version) *string { return v.area }, func(s *suapRow) *string { return s.area })
	case "sezione_ateco":
		if r.cig != nil {
			return r.cig.sez
		}
		return fromCompany(func(c *company) string { return c.sez })
	case "divisione_ateco":
		if r.cig != nil {
			return r.cig.div
		}
		return fromCompany(func(c *company) string { return c.div })
	case "ateco":
		if r.cig != nil {
			return r.cig.ateco
		}
		return fromCompany(func(c *company) string { return c.ateco })
	case "forma_giuridica":
		return fromCompany(func(c *company) string { return c.forma })
	case "classe_forma":
		return fromCompany(func(c *company) string { return c.classe })
	case "anno":
		return fmt.Sprint(r.date.Year())
	case "trimestre":
		return fmt.Sprintf("%d-T%d", r.date.Year(), (int(r.date.Month())-1)/3+1)
	case "mese":
		return r.date.Format("2006-01")
	case "femminile":
		return flag(func(c *company) *string { return c.fem })
	case "giovanile":
		return flag(func(c *company) *string { return c.gio })
	case "straniera":
		return flag(func(c *company) *string { return c.str })
	case "artigiana":
		return fmt.Sprint(r.c != nil && r.c.art)
	case "stato":
		if r.v == nil {
			return na
		}
		return r.v.stato
	case "comune":
		if r.cig != nil {
			return r.cig.comune
		}
		return fromCompany(func(c *company) string { return c.comune })
	case "classe_addetti":
		if r.v == nil || r.v.addetti == nil {
			return na
		}
		switch a := *r.v.addetti; {
		case a == 0:
			return "0"
		case a < 10:
			return "1-9"
		case a < 50:
			return "10-49"
		case a < 250:
			return "50-249"
		default:
			return "250+"
		}
	case "anzianita":
		if r.c == nil {
			return na
		}
		switch d := r.c.iscr; {
		case d.After(ref.AddDate(-1, 0, 0)):
			return "meno di 1 anno"
		case d.After(ref.AddDate(-3, 0, 0)):
			return "1-3 anni"
		case d.After(ref.AddDate(-5, 0, 0)):
			return "3-5 anni"
		case d.After(ref.AddDate(-10, 0, 0)):
			return "5-10 anni"
		default:
			return "10 anni e più"
		}
	case "tipo_cig":
		return r.cig.tipo
	case "causale_cig":
		return r.cig.causale
	case "esito":
		switch {
		case r.cig != nil:
			return r.cig.esito
		case r.suap != nil:
			return r.suap.esito
		default:
			return r.grant.esito
		}
	case "bando":
		return r.grant.bando
	case "tipo_pratica":
		return r.suap.tipo
	case "settore_suap":
		return r.suap.settore
	}
	panic("oracle has no dimension " + dim)
}

// aggregate sums the records by the value of dim ("" for no grouping).
func aggregate(metric string, recs []rec, dim string, ref time.Time) map[string]float64 {
	out := map[string]float64{}
	distinct, sums := map[string]map[string]bool{}, map[string]float64{}
	for _, r := range recs {
		key := ""
		if dim != "" {
			key = dimValue(dim, r, ref)
		}
		switch metric {
		case "contributi_beneficiari", "cig_imprese", "contributi_importo_medio":
			// distinct companies (the average: the amount over them)
			if distinct[key] == nil {
				distinct[key] = map[string]bool{}
			}
			if r.grant != nil {
				distinct[key][r.grant.cf] = true
			} else {
				distinct[key][r.cig.cf] = true
			}
			if metric == "contributi_importo_medio" {
				sums[key] += r.w
				out[key] = sums[key] / float64(len(distinct[key]))
				continue
			}
			out[key] = float64(len(distinct[key]))
			continue
		}
		out[key] += r.w
	}
	for k, v := range out {
		out[k] = math.Round(v*100) / 100
	}
	return out
}
