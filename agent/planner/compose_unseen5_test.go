package planner_test

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/comune-bologna/conoscenza/agent"
	"github.com/comune-bologna/conoscenza/agent/dossier"
	"github.com/comune-bologna/conoscenza/agent/planner"
	"github.com/comune-bologna/conoscenza/agent/semantic"
	"github.com/comune-bologna/conoscenza/agent/tool"
)

// A dossier whose lists are empty (a firm with no events, CIG requests, permits or grants, as
// h198 of the held-out set): the empty lists are written in words, so that the answer has no
// "0" the grounding check cannot find in the dossier (session 9).
func TestDossierWithEmptyListsIsGrounded(t *testing.T) {
	d := &dossier.Dossier{
		Impresa: dossier.Impresa{CodiceFiscale: "07732590372", Denominazione: "COSTRUZIONI GRASSO S.N.C.", ClasseForma: "società di persone",
			Iscrizione: "1977-02-05", Stato: "ATTIVA", Indirizzo: "VIA PIETRO ALBERTONI 114", Quartiere: "San Donato-San Vitale",
			Ateco: "43.22.01", Settore: "Costruzioni"},
		CIG: []map[string]any{{"id_domanda": "CIG-1"}},
	}
	content, _ := json.Marshal(d)
	results := []tool.Result{{Call: tool.NewCall(tool.CompanyDossier, map[string]string{"codice_fiscale": "07732590372"}),
		Content: string(content), Dossier: d}}
	for lang, want := range map[string]string{"it": "Eventi: nessuno; domande CIG: 1; pratiche SUAP: nessuna; contributi: nessuno.",
		"en": "Events: none; CIG requests: 1; SUAP permits: none; grants: none."} {
		text := planner.Compose(planner.Plan{Intent: planner.IntentDossier, Lang: lang}, results)
		if !strings.Contains(text, want) {
			t.Errorf("%s: answer lacks %q: %q", lang, want, text)
		}
		if _, g := agent.Ground(text, "scheda dell'impresa 07732590372", results); !g.OK {
			t.Errorf("%s: not grounded %v in %q", lang, g.Ungrounded, text)
		}
	}
}

// A balance compared with a year whose balance was zero or negative has no percent change:
// "+9, contro -9 (+18, -200%)" read as nonsense (session 9, "come sta andando il commercio al
// dettaglio in Bolognina?").
func TestComparisonFromANegativeBalanceHasNoPercent(t *testing.T) {
	q := semantic.Query{Metric: "saldo", From: "2026-01-01", To: "2026-10-31", CompareTo: "previous_year"}
	for _, c := range []struct {
		prev, diff, pct float64
		want, not       string
	}{
		{-9, 18, -200, "contro -9 nello stesso periodo dell'anno precedente (+18)", "%"},
		{5, 4, 80, "(+4, +80%)", ""},
	} {
		r := metricResult(table("saldo", "imprese", q, col("valore", "valore_confronto", "variazione", "variazione_pct"),
			[]any{int64(c.prev + c.diff), int64(c.prev), int64(c.diff), c.pct}))
		text := planner.Compose(planner.Plan{Intent: planner.IntentMetric, Lang: "it"}, []tool.Result{r})
		if !strings.Contains(text, c.want) || c.not != "" && strings.Contains(text, c.not) {
			t.Errorf("prev %v: %q", c.prev, text)
		}
		if _, g := agent.Ground(text, "come sta andando il commercio?", []tool.Result{r}); !g.OK {
			t.Errorf("prev %v: not grounded %v in %q", c.prev, g.Ungrounded, text)
		}
	}
}
