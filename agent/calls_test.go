package agent

import (
	"context"
	"encoding/json"
	"strings"
	"testing"

	"github.com/comune-bologna/conoscenza/agent/tool"
	"github.com/comune-bologna/conoscenza/ingest/db/dbtest"
)

// The planner reads a question against the grant calls of the service's own database: a call
// of these data, named by its title, is the filter of the query asked.
func TestThePlannerReadsTheCallsOfTheLoadedData(t *testing.T) {
	s := newService(t)
	d := dbtest.Fresh(t) // a database of its own: the calls are this test's
	s.Store = &Store{Pool: d.Pool}
	ctx := context.Background()
	if _, err := d.Pool.Exec(ctx, `INSERT INTO contributi (id_bando, titolo_bando, anno, codice_fiscale, esito)
		VALUES ('BO-2027-09', 'Sostegno alle librerie indipendenti 2027', 2027, '01234567890', 'CONCESSO')`); err != nil {
		t.Fatal(err)
	}
	if _, err := d.Pool.Exec(ctx, `INSERT INTO suap_pratiche (id_pratica, codice_fiscale, tipo, settore, dt_presentazione, esito)
		VALUES ('S-1', '01234567890', 'APERTURA', 'TATUATORI E PIERCING', '2026-03-02', 'ACCOLTA')`); err != nil {
		t.Fatal(err)
	}
	a, err := s.Ask(ctx, Request{Question: "quanti contributi ha concesso il bando per le librerie indipendenti?",
		Principal: tool.Principal{Role: tool.Decisore}}, nil)
	if err != nil {
		t.Fatal(err)
	}
	var called []string
	for _, st := range a.Steps {
		if st.Kind == "tool_call" {
			b, _ := json.Marshal(st.Arguments)
			called = append(called, string(b))
		}
	}
	if len(called) == 0 || !strings.Contains(called[0], "BO-2027-09") {
		t.Errorf("the call of the loaded data was not read: %v (%q)", called, a.Answer)
	}
	// and a SUAP sector the planner's lists do not know, by its own words
	a, err = s.Ask(ctx, Request{Question: "quante pratiche suap di tatuatori?", Principal: tool.Principal{Role: tool.Decisore}}, nil)
	if err != nil {
		t.Fatal(err)
	}
	found := false
	for _, st := range a.Steps {
		b, _ := json.Marshal(st.Arguments)
		found = found || st.Kind == "tool_call" && strings.Contains(string(b), "TATUATORI E PIERCING")
	}
	if !found {
		t.Errorf("the SUAP sector of the loaded data was not read: %q", a.Answer)
	}
}
