package semantic

import (
	"context"
	"fmt"
	"math/rand/v2"
	"slices"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/comune-bologna/conoscenza/ingest/codes"
)

// The fixture is a small register written straight into the tables, with an oracle in Go that
// computes every metric independently of the SQL compiler.

var (
	snap1 = day("2025-12-31")
	snap2 = day("2026-06-30")
)

func day(s string) time.Time {
	t, err := time.Parse(time.DateOnly, s)
	if err != nil {
		panic(err)
	}
	return t
}

type version struct {
	stato                 string
	cess                  *time.Time
	quartiere, zona, area *string
	indirizzo             string
	addetti               *int
}

type company struct {
	cf, denominazione, forma, classe string
	iscr                             time.Time
	comune, ateco, sez, div          string
	fem, gio, str                    *string
	art                              bool
	v1, v2                           *version // state in snapshot 1 and 2 (nil: absent)
}

type cigRow struct {
	id, cf, tipo, causale, esito, comune, ateco, sez, div string
	dom                                                   time.Time
	aut                                                   *time.Time
	oreR, oreA                                            float64
	lav                                                   int
}

type suapRow struct {
	id, cf, tipo, settore, esito string
	pres                         time.Time
	quartiere, zona, area        *string
}

type grantRow struct {
	bando, cf, esito string
	anno             int
	conc             *time.Time
	importo          float64
}

type fixture struct {
	companies []*company
	cig       []cigRow
	suap      []suapRow
	grants    []grantRow
}

func ptr[T any](v T) *T { return &v }

func randomDate(r *rand.Rand, from, to time.Time) time.Time {
	days := int(to.Sub(from).Hours() / 24)
	return from.AddDate(0, 0, r.IntN(days+1))
}

func buildFixture(seed uint64, n int) *fixture {
	r := rand.New(rand.NewPCG(seed, 7))
	f := &fixture{}
	forme := []string{"DI", "DI", "DI", "SR", "SU", "SN", "AS", "SC", "SP"}
	divs := []string{"47", "56", "43", "62", "68", "10", "96", "46", "86", "41"}
	stati := []string{"ATTIVA", "ATTIVA", "ATTIVA", "ATTIVA", "INATTIVA", "SOSPESA", "IN LIQUIDAZIONE"}
	place := func() (*string, *string, *string) {
		if r.IntN(20) == 0 {
			return nil, nil, nil // non attribuito
		}
		q := codes.Quartieri[r.IntN(len(codes.Quartieri))]
		z := q.Zone[r.IntN(len(q.Zone))]
		return ptr(q.Nome), ptr(z), ptr(fmt.Sprintf("%s-%d", z[:3], r.IntN(3)))
	}
	grade := func(p int) *string {
		if r.IntN(100) < p {
			return ptr(codes.Gradi[r.IntN(3)])
		}
		return nil
	}
	for i := 0; i < n; i++ {
		forma, _ := codes.LookupForma(forme[r.IntN(len(forme))])
		div, _ := codes.LookupDivisione(divs[r.IntN(len(divs))])
		c := &company{
			cf:            fmt.Sprintf("%011d", 10000000000+i),
			denominazione: fmt.Sprintf("IMPRESA %d", i),
			forma:         forma.Code, classe: forma.Classe,
			iscr:   randomDate(r, day("2012-01-01"), day("2026-06-30")),
			comune: "BOLOGNA", ateco: div.Code + ".10.00", sez: div.Sezione, div: div.Code,
			fem: grade(22), gio: grade(9), str: grade(11), art: r.IntN(4) == 0,
		}
		if r.IntN(30) == 0 {
			c.comune = "CASALECCHIO DI RENO"
		}
		q, z, a := place()
		v := &version{stato: stati[r.IntN(len(stati))], quartiere: q, zona: z, area: a, indirizzo: "VIA X 1"}
		if r.IntN(3) > 0 {
			v.addetti = ptr([]int{0, 1, 3, 8, 12, 40, 60, 300}[r.IntN(8)])
		}
		if r.IntN(4) == 0 { // closed
			cd := randomDate(r, c.iscr, day("2026-06-30"))
			v.cess, v.stato = &cd, "CESSATA"
		}
		// The register is not always consistent: a few active companies with a cessation date
		// and ceased ones without (the stock metrics' conditions tell them apart).
		switch {
		case i%53 == 7 && v.cess != nil:
			v.stato = "ATTIVA"
		case i%59 == 11 && v.cess == nil:
			v.stato = "CESSATA"
		}
		if c.iscr.After(snap1) { // registered after the first snapshot: only in the second
			c.v2 = v
		} else {
			v1 := *v
			if v.cess != nil && v.cess.After(snap1) {
				v1.cess, v1.stato = nil, "ATTIVA"
			}
			c.v1 = &v1
			c.v2 = v
			switch r.IntN(12) {
			case 0: // moved between the snapshots
				q2, z2, a2 := place()
				v2 := *v
				v2.quartiere, v2.zona, v2.area, v2.indirizzo = q2, z2, a2, "VIA Y 2"
				c.v2 = &v2
			case 1: // gone from the second snapshot
				c.v2 = nil
			}
		}
		f.companies = append(f.companies, c)
	}
	tipi := []string{"CIGO", "CIGS", "DEROGA", "FIS", "FSB"}
	causali := []string{"COVID-19", "CRISI AZIENDALE", "RIORGANIZZAZIONE"}
	esiti := []string{"AUTORIZZATA", "AUTORIZZATA", "RESPINTA", "IN ISTRUTTORIA"}
	for i := 0; i < n/2; i++ {
		c := f.companies[r.IntN(len(f.companies))]
		cf := c.cf
		if r.IntN(10) == 0 {
			cf = fmt.Sprintf("%011d", 90000000000+i) // unknown to the register
		}
		row := cigRow{id: fmt.Sprintf("ER%06d", i), cf: cf, tipo: tipi[r.IntN(5)], causale: causali[r.IntN(3)],
			esito: esiti[r.IntN(4)], comune: "BOLOGNA", ateco: c.ateco, sez: c.sez, div: c.div,
			dom: randomDate(r, day("2019-01-01"), day("2026-06-30")), oreR: float64(r.IntN(5000)) + 0.5, lav: 1 + r.IntN(40)}
		if row.esito == "AUTORIZZATA" {
			row.aut = ptr(row.dom.AddDate(0, 0, 10+r.IntN(60)))
			row.oreA = float64(int(row.oreR * 0.8))
		}
		f.cig = append(f.cig, row)
	}
	// Companies with a second request within days of the first, of another type, reason or
	// outcome: distinct companies then differ from requests along every partition of the
	// first occurrences (distinct.go), within a month, a quarter and a year.
	for i, n0 := 0, len(f.cig); i < 60 && i < n0; i++ {
		row := f.cig[i]
		row.id = fmt.Sprintf("ER9%05d", i)
		row.dom = row.dom.AddDate(0, 0, -r.IntN(3))
		switch i % 3 {
		case 0:
			row.tipo = tipi[(slices.Index(tipi, row.tipo)+1)%len(tipi)]
		case 1:
			row.causale = causali[(slices.Index(causali, row.causale)+1)%len(causali)]
		default:
			row.esito = esiti[(slices.Index(esiti, row.esito)+2)%len(esiti)]
		}
		if i%4 == 3 { // a request filed under another activity code than the company's
			o := f.companies[r.IntN(len(f.companies))]
			row.ateco, row.sez, row.div = o.ateco, o.sez, o.div
		}
		row.aut, row.oreA = nil, 0
		if row.esito == "AUTORIZZATA" {
			row.aut = ptr(row.dom.AddDate(0, 0, 10+r.IntN(60)))
			row.oreA = float64(int(row.oreR * 0.8))
		}
		f.cig = append(f.cig, row)
	}
	for i := 0; i < n/3; i++ {
		c := f.companies[r.IntN(len(f.companies))]
		q, z, a := place()
		f.suap = append(f.suap, suapRow{id: fmt.Sprintf("SUAP-%06d", i), cf: c.cf,
			tipo:    []string{"APERTURA", "SUBINGRESSO", "MODIFICA", "CESSAZIONE", "AMPLIAMENTO"}[r.IntN(5)],
			settore: []string{"COMMERCIO", "PUBBLICO ESERCIZIO"}[r.IntN(2)], esito: []string{"ACCOLTA", "RESPINTA", "IN CORSO"}[r.IntN(3)],
			pres: randomDate(r, day("2020-01-01"), day("2026-06-30")), quartiere: q, zona: z, area: a})
	}
	seen := map[string]bool{}
	for i := 0; i < n/4; i++ {
		c := f.companies[r.IntN(len(f.companies))]
		bando := []string{"B-2020-03", "B-2021-07", "B-2023-02"}[r.IntN(3)]
		if seen[bando+c.cf] {
			continue
		}
		seen[bando+c.cf] = true
		g := grantRow{bando: bando, cf: c.cf, esito: []string{"CONCESSO", "CONCESSO", "NON AMMESSO", "REVOCATO"}[r.IntN(4)], anno: 2020 + r.IntN(4)}
		if g.esito == "CONCESSO" {
			g.conc = ptr(randomDate(r, day("2020-06-01"), day("2024-12-31")))
			g.importo = float64(1000 + r.IntN(9000))
		}
		f.grants = append(f.grants, g)
	}
	return f
}

// load writes the fixture into the tables the ingest fills.
func (f *fixture) load(ctx context.Context, t *testing.T, pool *pgxpool.Pool) {
	t.Helper()
	tx, err := pool.Begin(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer tx.Rollback(ctx)
	var b1, b2 int64
	for _, b := range []struct {
		as  time.Time
		out *int64
	}{{snap1, &b1}, {snap2, &b2}} {
		if err := tx.QueryRow(ctx, `INSERT INTO load_batches (kind, file_name, checksum, as_of, status)
			VALUES ('imprese', 'fixture', $1, $2, 'committed') RETURNING id`, b.as.String(), b.as).Scan(b.out); err != nil {
			t.Fatal(err)
		}
	}
	for _, k := range []string{"cig", "suap", "contributi"} {
		if _, err := tx.Exec(ctx, `INSERT INTO load_batches (kind, file_name, checksum, as_of, status)
			VALUES ($1, 'fixture', 'x', $2, 'committed')`, k, snap2); err != nil {
			t.Fatal(err)
		}
	}
	var n1, n2 int
	var current, history [][]any
	row := func(c *company, v *version, extra ...any) []any {
		base := []any{c.cf, c.denominazione, c.forma, c.classe, c.iscr, v.cess, v.stato, c.comune, v.indirizzo,
			c.ateco, c.sez, c.div, v.addetti, c.fem, c.gio, c.str, c.art, v.quartiere, v.zona, v.area}
		return append(base, extra...)
	}
	for _, c := range f.companies {
		if c.v1 != nil {
			n1++
		}
		if c.v2 != nil {
			n2++
		}
		switch {
		case c.v1 != nil && c.v2 != nil && *c.v1 == *c.v2:
			history = append(history, row(c, c.v2, snap1, nil))
		case c.v1 != nil && c.v2 != nil:
			history = append(history, row(c, c.v1, snap1, snap2), row(c, c.v2, snap2, nil))
		case c.v1 != nil:
			history = append(history, row(c, c.v1, snap1, snap2))
		default:
			history = append(history, row(c, c.v2, snap2, nil))
		}
		last, v, first := snap2, c.v2, snap1
		if c.v2 == nil {
			last, v = snap1, c.v1
		}
		if c.v1 == nil {
			first = snap2
		}
		current = append(current, row(c, v, first, last))
	}
	cols := []string{"codice_fiscale", "denominazione", "forma_giuridica", "classe_forma", "dt_iscrizione", "dt_cessazione",
		"stato", "comune", "indirizzo", "ateco", "sezione_ateco", "divisione_ateco", "addetti", "femminile", "giovanile",
		"straniera", "artigiana", "quartiere", "zona", "area_statistica"}
	if _, err := tx.CopyFrom(ctx, pgx.Identifier{"imprese"}, append(cols, "first_as_of", "last_as_of"), pgx.CopyFromRows(current)); err != nil {
		t.Fatal(err)
	}
	for i := range history {
		history[i] = append(history[i], "h")
	}
	if _, err := tx.CopyFrom(ctx, pgx.Identifier{"imprese_storia"}, append(cols, "valid_from", "valid_to", "row_hash"), pgx.CopyFromRows(history)); err != nil {
		t.Fatal(err)
	}
	if _, err := tx.Exec(ctx, `INSERT INTO register_snapshots (as_of, batch_id, companies) VALUES ($1, $2, $3), ($4, $5, $6)`,
		snap1, b1, n1, snap2, b2, n2); err != nil {
		t.Fatal(err)
	}
	var rows [][]any
	for _, c := range f.cig {
		rows = append(rows, []any{c.id, c.cf, c.ateco, c.sez, c.div, c.comune, c.tipo, c.causale, c.dom, c.aut, c.esito, c.oreR, c.oreA, c.lav})
	}
	if _, err := tx.CopyFrom(ctx, pgx.Identifier{"cig_domande"}, []string{"id_domanda", "codice_fiscale", "ateco", "sezione_ateco",
		"divisione_ateco", "comune", "tipo", "causale", "dt_domanda", "dt_autorizzazione", "esito", "ore_richieste", "ore_autorizzate", "lavoratori"},
		pgx.CopyFromRows(rows)); err != nil {
		t.Fatal(err)
	}
	rows = nil
	for _, s := range f.suap {
		rows = append(rows, []any{s.id, s.cf, s.tipo, s.settore, s.pres, s.esito, s.quartiere, s.zona, s.area})
	}
	if _, err := tx.CopyFrom(ctx, pgx.Identifier{"suap_pratiche"}, []string{"id_pratica", "codice_fiscale", "tipo", "settore",
		"dt_presentazione", "esito", "quartiere", "zona", "area_statistica"}, pgx.CopyFromRows(rows)); err != nil {
		t.Fatal(err)
	}
	rows = nil
	for _, g := range f.grants {
		var imp any
		if g.conc != nil {
			imp = g.importo
		}
		rows = append(rows, []any{g.bando, g.anno, g.cf, g.esito, g.conc, imp})
	}
	if _, err := tx.CopyFrom(ctx, pgx.Identifier{"contributi"}, []string{"id_bando", "anno", "codice_fiscale", "esito",
		"dt_concessione", "importo_concesso"}, pgx.CopyFromRows(rows)); err != nil {
		t.Fatal(err)
	}
	if _, err := tx.Exec(ctx, "SELECT refresh_aggregates(), refresh_event_cubes()"); err != nil {
		t.Fatal(err)
	}
	// The stock roll-ups of both snapshots, as the loads record them (migration 00063): the
	// earlier one counted from the history, so that as-of queries on it read them.
	if _, err := tx.Exec(ctx, "SELECT agg_stock_storia_salva(false), agg_stock_storia_ricostruisci($1)", snap1); err != nil {
		t.Fatal(err)
	}
	if err := tx.Commit(ctx); err != nil {
		t.Fatal(err)
	}
}
