package semantic

import (
	"context"
	"strings"
	"testing"
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
