package planner

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/comune-bologna/conoscenza/agent/catalog"
)

// The calls are the data's, not the demo's: with another city's calls a question names them by
// their titles, and the demo's titles name nothing. (Not parallel: the calls are per process.)
func TestCallsAreTheDataGiven(t *testing.T) {
	defer SetCalls(demoCalls())
	SetCalls([]Call{
		{ID: "BO-77", Title: "Contributi per la riqualificazione energetica dei locali commerciali", Year: 2027},
		{ID: "BO-78", Title: "Sostegno alle librerie indipendenti", Year: 2027},
		{ID: "BO-79", Title: "Contributi per le imprese dell'artigianato artistico", Year: 2026},
	})
	p := New(catalog.Default())
	for q, want := range map[string]string{
		"quanto ha concesso il bando per la riqualificazione energetica?": `"value":"BO-77"`,
		"beneficiari del contributo alle librerie indipendenti":           `"value":"BO-78"`,
		"quanto è stato concesso con il bando bo-79 per quartiere?":       `"value":"BO-79"`,
		"importo concesso BO-77 per quartiere":                            `"value":"BO-77"`,
	} {
		got, _ := json.Marshal(queryOf(t, p.Plan(q, nil, now)))
		if !strings.Contains(string(got), want) {
			t.Errorf("%q: %s, want the call %s", q, got, want)
		}
	}
	// the demo's voucher is not a call of these data
	got, _ := json.Marshal(queryOf(t, p.Plan("il contributo per la digitalizzazione quanto ha erogato?", nil, now)))
	if strings.Contains(string(got), "B-2026-03") {
		t.Errorf("a demo call read from other data: %s", got)
	}
	if r := whichBando("it"); !strings.Contains(r, "BO-79") || strings.Contains(r, "B-2026") {
		t.Errorf("which call: %q", r)
	}
	SetCalls(nil) // no grants loaded: asked which call, without a list to give
	if r := whichBando("it"); !strings.Contains(r, "non ho contributi caricati") {
		t.Errorf("which call, none loaded: %q", r)
	}
}
