package semantic

import (
	"fmt"
	"strings"
	"testing"

	"github.com/comune-bologna/conoscenza/agent/catalog"
)

// TestFlowsByAgeClassGiveTheDetailedRows: flows by the company's age read from the cuboids
// that keep its class of age at the snapshot (00058) give the detailed tables' rows, when
// every boundary is one of the classes' (12, 36, 60, 120 months); a range between them must
// not read them.
func TestFlowsByAgeClassGiveTheDetailedRows(t *testing.T) {
	e, _ := testEngine(t)
	fast, slow := NewEngine(e.pool, e.catalog).WithoutCache(), detailedEngine(e)
	ages := []Filter{{Dimension: "anzianita", Op: "<", Value: 36}, {Dimension: "anzianita", Op: ">=", Value: 120},
		{Dimension: "anzianita", Op: "between", Values: []any{12, 59}}, {Dimension: "anzianita", Value: "1-3 anni"},
		{Dimension: "anzianita", Op: "<=", Value: 13}, {Dimension: "anzianita", Op: ">", Value: 35}}
	groups := map[string][][]string{
		"register": {{"zona"}, {"forma_giuridica"}, {"divisione_ateco"}, {"giovanile"}, {"area_statistica"}, {"classe_addetti"}, {"comune"}, {"mese"}},
		"cig":      {{"tipo_cig"}, {"causale_cig"}, {"quartiere"}, {"sezione_ateco"}, {"esito"}},
		"suap":     {{"tipo_pratica"}, {"quartiere"}, {"femminile"}, {"sezione_ateco"}},
	}
	periods := [][2]string{{"", ""}, {"2025-07-01", "2026-06-30"}, {"2026-02-15", "2026-05-14"}, {"2020-01-01", ""}}
	onClasses, total := 0, 0
	for _, m := range e.Catalog().Metrics {
		gs, ok := groups[m.Source]
		if !ok || m.Kind == catalog.KindStock || m.Kind == catalog.KindShare {
			continue
		}
		for i, g := range gs {
			for j, per := range periods {
				if m.Kind == catalog.KindGrowth && (per[0] == "" || per[1] == "") {
					continue
				}
				k := (i + j) % (len(ages) + 1)
				q := Query{Metric: m.Name, From: per[0], To: per[1], GroupBy: g}
				if k == len(ages) {
					q.GroupBy = append([]string{"anzianita"}, g...)
				} else {
					q.Filters = []Filter{ages[k]}
				}
				name := fmt.Sprintf("%+v", q)
				got, _ := againstDetailed(t, fast, slow, q)
				total++
				if strings.Contains(got.SQL, "i."+classColumn) {
					onClasses++
					if k == 4 {
						t.Errorf("%s: a boundary between the classes read them:\n%s", name, got.SQL)
					}
				}
			}
		}
	}
	if onClasses < 60 {
		t.Errorf("only %d of %d flows by age read the classes of age", onClasses, total)
	}
	t.Logf("%d flows by age, %d from the classes of age", total, onClasses)
}
