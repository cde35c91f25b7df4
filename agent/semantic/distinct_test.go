package semantic

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/comune-bologna/conoscenza/agent/catalog"
)

// TestFirstOccurrencePartitionsAreTheCatalogsGroups: a prec_<column> partition of migration
// 00062 must split a company's rows exactly as the catalog's dimension groups them (a NULL and
// an empty comune are one group, 'n.d.'), else a company would count once where the detailed
// tables count it in two groups, or twice in one. The cube test compares the numbers on the
// fixture; this checks the expressions themselves, for values the fixture does not have.
func TestFirstOccurrencePartitionsAreTheCatalogsGroups(t *testing.T) {
	e, _ := testEngine(t)
	ctx := context.Background()
	for table, c := range map[string]struct{ source, function, alias string }{
		"agg_eventi_cig": {"cig", "refresh_agg_eventi_cig", "c"},
		"agg_contributi": {"contributi", "refresh_agg_contributi", "g"},
	} {
		var def string
		if err := e.pool.QueryRow(ctx, "SELECT pg_get_functiondef($1::regproc)", c.function).Scan(&def); err != nil {
			t.Fatal(err)
		}
		p := &plan{source: c.source}
		checked := 0
		for _, d := range e.Catalog().Dimensions {
			if !d.AppliesTo(c.source) {
				continue
			}
			for _, col := range p.columnsOf(d) {
				if !rowColumns[table].own[col] {
					continue
				}
				sql, _ := d.SQLFor(c.source)
				want := "PARTITION BY " + c.alias + ".codice_fiscale, " + sql + " ORDER BY"
				if !strings.Contains(def, want) {
					t.Errorf("%s: %s groups by %s, but %s has no %q", table, d.Name, sql, c.function, want)
				}
				checked++
			}
		}
		if checked < len(rowColumns[table].own) {
			t.Errorf("%s: %d of its %d own columns checked", table, checked, len(rowColumns[table].own))
		}
	}
}

// TestCuboidFirstsAreTheDistinctCompaniesOfEachPeriod checks migration 00065's counts against
// the event table, independently of the compiler: in every cuboid of agg_cig whose groups keep
// at most one of the request's own columns (once a sector is reduced to its finest code), the
// first occurrences of a month, quarter or year summed over the period's months, and those
// ever, are the distinct companies of each group in that period, and the last rows (00067)
// summed from a month on are those since that month; the other cuboids hold none.
func TestCuboidFirstsAreTheDistinctCompaniesOfEachPeriod(t *testing.T) {
	e, _ := testEngine(t)
	ctx := context.Background()
	var repeated int
	if err := e.pool.QueryRow(ctx, `SELECT count(*) FROM (SELECT codice_fiscale FROM agg_eventi_cig WHERE evento = 'D'
		GROUP BY codice_fiscale, date_trunc('month', data) HAVING count(DISTINCT (tipo, causale, esito)) > 1) r`).Scan(&repeated); err != nil || repeated < 20 {
		t.Fatalf("the fixture has %d companies with requests of two kinds in a month (%v)", repeated, err)
	}
	rows, err := e.pool.Query(ctx, `SELECT cuboide, dims FROM agg_cuboidi WHERE tabella = 'agg_cig' ORDER BY cuboide`)
	if err != nil {
		t.Fatal(err)
	}
	type cub struct {
		id   int
		dims []string
	}
	var cubs []cub
	for rows.Next() {
		var c cub
		if err := rows.Scan(&c.id, &c.dims); err != nil {
			t.Fatal(err)
		}
		cubs = append(cubs, c)
	}
	if rows.Err() != nil {
		t.Fatal(rows.Err())
	}
	own := rowColumns["agg_eventi_cig"].own
	checked, empty := 0, 0
	for _, c := range cubs {
		kept := map[string]bool{}
		for _, d := range c.dims {
			if own[d] {
				kept[d] = true
			}
		}
		var filled int
		if err := e.pool.QueryRow(ctx, `SELECT count(prime_mese) + count(prime_trimestre) + count(prime_anno) + count(prime_sempre)
			FROM agg_cig WHERE cuboide = $1 AND evento = 'D'`, c.id).Scan(&filled); err != nil {
			t.Fatal(err)
		}
		if len(partitioning(kept)) > 1 {
			if filled != 0 {
				t.Errorf("cuboid %d %v keeps several own columns but holds %d first counts", c.id, c.dims, filled)
			}
			empty++
			continue
		}
		if slices.Contains(c.dims, classColumn) {
			continue // the class of age at the snapshot: not a column of the event table
		}
		keys := strings.Join(append([]string{"evento"}, c.dims...), ", ")
		for unit, col := range map[string]string{"month": "prime_mese", "quarter": "prime_trimestre", "year": "prime_anno", "": "prime_sempre"} {
			period, eperiod := "NULL::date", "NULL::date"
			if unit != "" {
				period = fmt.Sprintf("date_trunc('%s', mese)::date", unit)
				eperiod = fmt.Sprintf("date_trunc('%s', data)::date", unit)
			}
			var diff, groups int
			q := fmt.Sprintf(`WITH cub AS (SELECT %[1]s, %[2]s AS p, sum(%[3]s) AS n FROM agg_cig WHERE cuboide = %[4]d AND evento = 'D'
					GROUP BY %[1]s, p HAVING sum(%[3]s) > 0),
				ev AS (SELECT %[1]s, %[5]s AS p, count(DISTINCT codice_fiscale) AS n FROM agg_eventi_cig
					WHERE evento = 'D' AND codice_fiscale IS NOT NULL GROUP BY %[1]s, p)
				SELECT (SELECT count(*) FROM ((SELECT * FROM cub EXCEPT SELECT * FROM ev) UNION ALL (SELECT * FROM ev EXCEPT SELECT * FROM cub)) d),
				       (SELECT count(*) FROM ev)`, keys, period, col, c.id, eperiod)
			if err := e.pool.QueryRow(ctx, q).Scan(&diff, &groups); err != nil {
				t.Fatalf("cuboid %d %s: %v", c.id, col, err)
			}
			if diff != 0 || groups == 0 {
				t.Errorf("cuboid %d %v: %s differs from the distinct companies in %d of %d groups", c.id, c.dims, col, diff, groups)
			}
			checked++
		}
		// The last rows (00067): since a month's first day, the companies of each group.
		for _, since := range []string{"2019-01-01", "2020-03-01", "2023-07-01"} {
			var diff, groups int
			q := fmt.Sprintf(`WITH cub AS (SELECT %[1]s, sum(ultime) AS n FROM agg_cig WHERE cuboide = %[2]d AND evento = 'D'
					AND mese >= '%[3]s' GROUP BY %[1]s HAVING sum(ultime) > 0),
				ev AS (SELECT %[1]s, count(DISTINCT codice_fiscale) AS n FROM agg_eventi_cig
					WHERE evento = 'D' AND codice_fiscale IS NOT NULL AND data >= '%[3]s' GROUP BY %[1]s)
				SELECT (SELECT count(*) FROM ((SELECT * FROM cub EXCEPT SELECT * FROM ev) UNION ALL (SELECT * FROM ev EXCEPT SELECT * FROM cub)) d),
				       (SELECT count(*) FROM ev)`, keys, c.id, since)
			if err := e.pool.QueryRow(ctx, q).Scan(&diff, &groups); err != nil {
				t.Fatalf("cuboid %d ultime: %v", c.id, err)
			}
			if diff != 0 || groups == 0 {
				t.Errorf("cuboid %d %v: the last rows since %s differ from the distinct companies in %d of %d groups", c.id, c.dims, since, diff, groups)
			}
			checked++
		}
	}
	if checked < 40 || empty < 3 {
		t.Errorf("checked %d counts, %d cuboids without", checked, empty)
	}
}

// TestRepeatedValuesOfAnInFilterAreOneFilter: "in" with one value repeated is an equality (the
// cuboids' first occurrences serve it), with several values each is kept once, in order.
func TestRepeatedValuesOfAnInFilterAreOneFilter(t *testing.T) {
	cat := catalog.Default()
	p, err := validate(cat, Query{Metric: "cig_imprese", Filters: []Filter{
		{Dimension: "tipo_cig", Op: "in", Values: []any{"CIGO", "CIGO", "CIGO"}},
		{Dimension: "esito", Op: "not_in", Values: []any{"RESPINTA", "RESPINTA"}},
		{Dimension: "causale_cig", Op: "in", Values: []any{"COVID-19", "CRISI AZIENDALE", "COVID-19"}},
	}})
	if err != nil {
		t.Fatal(err)
	}
	got := fmt.Sprintln(p.filters[0].op, p.filters[0].values, p.filters[1].op, p.filters[1].values, p.filters[2].op, p.filters[2].values)
	if want := "= [CIGO] != [RESPINTA] in [COVID-19 CRISI AZIENDALE]\n"; got != want {
		t.Errorf("filters %s, want %s", got, want)
	}
}
