package planner

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/comune-bologna/conoscenza/agent/catalog"
	"github.com/comune-bologna/conoscenza/agent/tool"
)

// A comparison with the month (or quarter) before is the previous period, however it is
// named ("mese scorso", "mese prima", "sul mese precedente", "last month"); a month named
// after "di" ("aperture di ottobre", "del mese di ottobre") is the question's period. Before,
// "rispetto al mese scorso" compared with a year before, or compared nothing, and "di
// ottobre" was no period at all.
func TestComparisonWithThePreviousMonthAndMonthsAfterDi(t *testing.T) {
	p := New(catalog.Default())
	for q, want := range map[string]string{
		"le imprese femminili attive sono aumentate rispetto al mese scorso?": `{"metric":"imprese_attive","filters":[{"dimension":"femminile","value":true}],"compare_to":"previous_period"}`,
		"quante imprese attive in più rispetto al mese scorso?":               `{"metric":"imprese_attive","compare_to":"previous_period"}`,
		"imprese attive: variazione sul mese precedente":                      `{"metric":"imprese_attive","compare_to":"previous_period"}`,
		"active firms compared with last month":                               `{"metric":"imprese_attive","compare_to":"previous_period"}`,
		"chiusure nel terzo trimestre rispetto al trimestre scorso":           `{"metric":"chiusure","from":"2026-07-01","to":"2026-09-30","compare_to":"previous_period"}`,
		"crescita delle aperture nel 2025 sull'anno precedente":               `{"metric":"aperture","from":"2025-01-01","to":"2025-12-31","compare_to":"previous_year"}`,
		"aperture di ottobre rispetto al mese prima":                          `{"metric":"aperture","from":"2026-10-01","to":"2026-10-31","compare_to":"previous_period"}`,
		"aperture di ottobre":                                                 `{"metric":"aperture","from":"2026-10-01","to":"2026-10-31"}`,
		"aperture del mese di ottobre":                                        `{"metric":"aperture","from":"2026-10-01","to":"2026-10-31"}`,
		"chiusure di settembre per quartiere":                                 `{"metric":"chiusure","group_by":["quartiere"],"from":"2026-09-01","to":"2026-09-30"}`,
		"openings of October":                                                 `{"metric":"aperture","from":"2026-10-01","to":"2026-10-31"}`,
		// the end of a month without its year: that month (a stock's snapshot), or up to it
		"imprese attive a fine agosto per quartiere": `{"metric":"imprese_attive","group_by":["quartiere"],"from":"2026-08-01","to":"2026-08-31"}`,
		"imprese attive alla fine di agosto":         `{"metric":"imprese_attive","from":"2026-08-01","to":"2026-08-31"}`,
		"chiusure fino a fine settembre":             `{"metric":"chiusure","to":"2026-09-30"}`,
		"aperture fino alla fine di agosto":          `{"metric":"aperture","to":"2026-08-31"}`,
		// the unit of the comparison is the period when the question names none
		"aperture rispetto al mese scorso":          `{"metric":"aperture","from":"2026-10-01","to":"2026-10-31","compare_to":"previous_period"}`,
		"chiusure rispetto al trimestre precedente": `{"metric":"chiusure","from":"2026-07-01","to":"2026-09-30","compare_to":"previous_period"}`,
		"openings compared with last month":         `{"metric":"aperture","from":"2026-10-01","to":"2026-10-31","compare_to":"previous_period"}`,
		// a day without its year: the latest such date; a span of them the latest that has ended
		"quante imprese attive c'erano il 30 giugno?": `{"metric":"imprese_attive","from":"2026-06-30","to":"2026-06-30"}`,
		"chiusure fino al 30 settembre":               `{"metric":"chiusure","to":"2026-09-30"}`,
		"aperture dal 1 luglio":                       `{"metric":"aperture","from":"2026-07-01"}`,
		"aperture dal 1 marzo al 30 giugno":           `{"metric":"aperture","from":"2026-03-01","to":"2026-06-30"}`,
		"aperture dal 1 novembre al 28 febbraio":      `{"metric":"aperture","from":"2025-11-01","to":"2026-02-28"}`,
		// a series: month by month over a year or less, also since a date
		"serie storica delle imprese attive":                        `{"metric":"imprese_attive","group_by":["mese"]}`,
		"how did the number of active companies change since June?": `{"metric":"imprese_attive","group_by":["mese"],"from":"2026-06-01"}`,
		"andamento delle aperture da giugno":                        `{"metric":"aperture","group_by":["mese"],"from":"2026-06-01"}`,
		"andamento delle aperture dal 2020":                         `{"metric":"aperture","group_by":["anno"],"from":"2020-01-01"}`,
		// months ago: the month that was current then; a stock's direction since a month
		"quante imprese attive c'erano 3 mesi fa?":       `{"metric":"imprese_attive","from":"2026-08-01","to":"2026-08-31"}`,
		"how many active firms were there 2 months ago?": `{"metric":"imprese_attive","from":"2026-09-01","to":"2026-09-30"}`,
		"aperture di sei mesi fa":                        `{"metric":"aperture","from":"2026-05-01","to":"2026-05-31"}`,
		"le imprese straniere sono cresciute da maggio?": `{"metric":"imprese_attive","filters":[{"dimension":"straniera","value":true}],"group_by":["mese"],"from":"2026-05-01"}`,
		// a bare month after the metric word
		"aperture ottobre": `{"metric":"aperture","from":"2026-10-01","to":"2026-10-31"}`,
		"saldo agosto":     `{"metric":"saldo","from":"2026-08-01","to":"2026-08-31"}`,
		// a quarter as Qn without its year: the latest complete one
		"closures in Q3 vs Q2":             `{"metric":"chiusure","from":"2026-07-01","to":"2026-09-30","compare_to":"previous_period"}`,
		"aperture Q4":                      `{"metric":"aperture","from":"2025-10-01","to":"2025-12-31"}`,
		"Saldo imprese Q1 2026 vs Q1 2025": `{"metric":"saldo","from":"2026-01-01","to":"2026-03-31","compare_to":"previous_year"}`,
		// "sul" alone is no comparison
		"dati sul 2025 delle aperture": `{"metric":"aperture","from":"2025-01-01","to":"2025-12-31"}`,
	} {
		if got, _ := json.Marshal(queryOf(t, p.Plan(q, nil, now))); string(got) != want {
			t.Errorf("%q:\n got %s\nwant %s", q, got, want)
		}
	}
}

// A date before the first register snapshot is answered with both dates and what can be asked
// instead, in the question's language, without the semantic layer's English.
func TestMissingSnapshotSentenceNamesTheEarliest(t *testing.T) {
	r := tool.Result{Code: "not_found", Error: "no register snapshot at or before 2025-10-31: the earliest is 2026-05-31",
		Call: tool.Call{Name: tool.QueryMetrics}}
	it := errorSentence("it", r)
	for _, want := range []string{"31/10/2025", "31/05/2026", "dell'ultimo anno"} {
		if !strings.Contains(it, want) {
			t.Errorf("%q lacks %q", it, want)
		}
	}
	if strings.Contains(it, "snapshot") || strings.ContainsAny(it, "0123456789") && strings.Contains(it, " 12 ") {
		t.Errorf("Italian sentence carries the error's English or an unchecked number: %q", it)
	}
	if en := errorSentence("en", r); !strings.Contains(en, "31/05/2026") || !strings.Contains(en, "past twelve months") {
		t.Errorf("English sentence: %q", en)
	}
}
