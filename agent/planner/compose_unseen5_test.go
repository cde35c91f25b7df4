package planner_test

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/comune-bologna/conoscenza/agent"
	"github.com/comune-bologna/conoscenza/agent/dossier"
	"github.com/comune-bologna/conoscenza/agent/planner"
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
