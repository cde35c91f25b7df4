package planner

import (
	"encoding/json"
	"testing"

	"github.com/comune-bologna/conoscenza/agent/catalog"
	"github.com/comune-bologna/conoscenza/agent/tool"
)

// Phrasings probed on 26/11/2026 that the planner misread before (docs/assistant-eval.md, "Weak
// spots"): each case is the whole query expected, so that a misread metric, filter, breakdown,
// period, comparison or ranking fails it.
func TestUnseenPhrasingsProbedOn26November(t *testing.T) {
	cases := []struct{ question, want string }{
		// "l'area statistica": an elided article still asks for the first of a ranking
		{"Qual è l'area statistica con più aperture nel 2025?",
			`{"metric":"aperture","filters":[{"dimension":"area_statistica","op":"!=","value":"non attribuito"}],"group_by":["area_statistica"],"from":"2025-01-01","to":"2025-12-31","order":{"by":"value","dir":"desc"},"limit":1}`},
		// a ranking of places leaves out the addresses the street register does not place
		{"Qual è la zona con meno imprese attive?",
			`{"metric":"imprese_attive","filters":[{"dimension":"zona","op":"!=","value":"non attribuito"}],"group_by":["zona"],"order":{"by":"value","dir":"asc"},"limit":1}`},
		// "trimestrale" is a breakdown by quarter, not the default monthly trend
		{"Andamento trimestrale delle aperture nel 2025",
			`{"metric":"aperture","group_by":["trimestre"],"from":"2025-01-01","to":"2025-12-31"}`},
		{"aperture mensili nel 2025",
			`{"metric":"aperture","group_by":["mese"],"from":"2025-01-01","to":"2025-12-31"}`},
		// the SUAP's own sectors were dropped without a word
		{"Quante pratiche SUAP di apertura nel settore commercio nel 2024?",
			`{"metric":"suap_pratiche","filters":[{"dimension":"settore_suap","op":"in","values":["COMMERCIO AL DETTAGLIO","COMMERCIO SU AREE PUBBLICHE"]},{"dimension":"tipo_pratica","value":"APERTURA"}],"from":"2024-01-01","to":"2024-12-31"}`},
		{"Pratiche SUAP dei pubblici esercizi nel 2025",
			`{"metric":"suap_pratiche","filters":[{"dimension":"settore_suap","value":"PUBBLICO ESERCIZIO"}],"from":"2025-01-01","to":"2025-12-31"}`},
		{"pratiche suap per parrucchieri ed estetisti dal 2024",
			`{"metric":"suap_pratiche","filters":[{"dimension":"settore_suap","value":"ACCONCIATORI ED ESTETISTI"}],"from":"2024-01-01"}`},
		// "cresciute" was corrected to "crescita" and read as the growth rate
		{"Le aperture del primo semestre 2026 sono cresciute rispetto allo stesso periodo dell'anno scorso?",
			`{"metric":"aperture","from":"2026-01-01","to":"2026-06-30","compare_to":"previous_year"}`},
		{"Le chiusure sono in crescita nel 2025 rispetto al 2024?",
			`{"metric":"chiusure","from":"2025-01-01","to":"2025-12-31","compare_to":"previous_year"}`},
		{"Qual è stato il tasso di crescita delle imprese nel 2025?",
			`{"metric":"tasso_crescita","from":"2025-01-01","to":"2025-12-31"}`},
		// "con l'anno precedente": the elided article lost the comparison
		{"Confronta le chiusure del 2025 con l'anno precedente",
			`{"metric":"chiusure","from":"2025-01-01","to":"2025-12-31","compare_to":"previous_year"}`},
	}
	p := New(catalog.Default())
	for _, c := range cases {
		got, _ := json.Marshal(queryOf(t, p.Plan(c.question, nil, now)))
		if string(got) != c.want {
			t.Errorf("%q:\n got %s\nwant %s", c.question, got, c.want)
		}
	}
}

func TestDossierNameAfterAnElidedArticleAndCallsByTheirMostSpecificWords(t *testing.T) {
	p := New(catalog.Default())
	cases := []struct{ question, tool, want string }{
		{"Mostrami il fascicolo dell'impresa Rossi", tool.CompanyDossier, `{"name":"Rossi"}`},
		{"Mostrami il fascicolo dell’azienda Bianchi Costruzioni", tool.CompanyDossier, `{"name":"Bianchi Costruzioni"}`},
		// both the 2024 and the 2025 call are about "botteghe": the more specific words decide
		{"Come sono andate le imprese finanziate dal bando botteghe storiche?", tool.BandoOutcome, `{"bando":"B-2024-01"}`},
		{"Come sono andate le imprese del bando negozi di vicinato?", tool.BandoOutcome, `{"bando":"B-2024-01"}`},
		{"Come sono andate le imprese del bando botteghe di quartiere?", tool.BandoOutcome, `{"bando":"B-2025-02"}`},
		{"Come sono andate le imprese del bando donne che fanno impresa?", tool.BandoOutcome, `{"bando":"B-2025-04"}`},
		{"Come sono andate le imprese del bando covid?", tool.BandoOutcome, `{"bando":"B-2021-07"}`},
	}
	for _, c := range cases {
		pl := p.Plan(c.question, nil, now)
		if len(pl.Calls) != 1 || pl.Calls[0].Name != c.tool || string(pl.Calls[0].Arguments) != c.want {
			got := ""
			for _, call := range pl.Calls {
				got += call.Name + " " + string(call.Arguments) + "; "
			}
			t.Errorf("%q: %s want %s %s", c.question, got, c.tool, c.want)
		}
	}
}
