package planner

import (
	"strings"
	"testing"

	"github.com/comune-bologna/conoscenza/agent/catalog"
	"github.com/comune-bologna/conoscenza/agent/tool"
)

// Tenth round of unseen phrasings (session 12, 27/11/2026, docs/assistant-eval.md "Session 12:
// tenth round"): short questions over every source, as decision-makers type them.
func TestUnseenPhrasingsTenthRound(t *testing.T) {
	cases := []struct{ question, want string }{
		// "tasso di successo" is the share of the positive outcome
		{"tasso di successo domande cig 2026",
			`{"metric":"quota","from":"2026-01-01","to":"2026-12-31","subset":[{"dimension":"esito","value":"AUTORIZZATA"}],"base":"cig_domande"}`},
		{"success rate of SUAP permits in 2025",
			`{"metric":"quota","from":"2025-01-01","to":"2025-12-31","subset":[{"dimension":"esito","value":"ACCOLTA"}],"base":"suap_pratiche"}`},
		// a call's participants are its beneficiaries (only awarded grants are in the data)
		{"quanti hanno partecipato al bando botteghe",
			`{"metric":"contributi_beneficiari","filters":[{"dimension":"bando","value":"B-2025-02"}]}`},
		{"quante imprese hanno partecipato al voucher digitale nel 2026",
			`{"metric":"contributi_beneficiari","filters":[{"dimension":"bando","value":"B-2026-03"}],"from":"2026-01-01","to":"2026-12-31"}`},
		// "2025 su 2024": a year against the one after "su"
		{"variazione percentuale aperture 2025 su 2024",
			`{"metric":"aperture","from":"2025-01-01","to":"2025-12-31","compare_to":"previous_year"}`},
		{"openings 2025 over 2024", `{"metric":"aperture","from":"2025-01-01","to":"2025-12-31","compare_to":"previous_year"}`},
		// "dal 2020 al 2025" stays a span
		{"aperture dal 2020 al 2025", `{"metric":"aperture","from":"2020-01-01","to":"2025-12-31"}`},
	}
	p := New(catalog.Default())
	expectQueries(t, p, cases)
	// "cf" is the codice fiscale: a person's is personal data
	for _, q := range []string{"dammi il cf del titolare della pizzeria da mario", "il c.f. dei soci della rossi srl"} {
		if pl := p.Plan(q, nil, now); pl.Intent != IntentRefuse {
			t.Errorf("%q: %s", q, pl.Intent)
		}
	}
	// a call that could be joined stays the platea; dehors stay with the documents
	if pl := p.Plan("chi potrebbe partecipare al bando botteghe", nil, now); pl.Intent != IntentPlatea {
		t.Errorf("platea: %s", pl.Intent)
	}
}

// Follow-ups of the tenth round: the difference after the year so far, "che mese", the
// previous source's outcome named alone.
func TestTenthRoundFollowUps(t *testing.T) {
	p := New(catalog.Default())
	for _, c := range []struct {
		turns []string
		want  string
	}{
		// the year so far against the same months of the year before, as "rispetto al" reads
		{[]string{"quante aperture in bolognina sto anno", "e l'anno scorso?", "la differenza?"},
			`{"metric":"aperture","filters":[{"dimension":"zona","value":"Bolognina"}],"from":"2026-01-01","to":"2026-10-31","compare_to":"previous_year"}`},
		{[]string{"chiusure nel 2025", "e quest'anno?", "la differenza?"},
			`{"metric":"chiusure","from":"2026-01-01","to":"2026-10-31","compare_to":"previous_year"}`},
		{[]string{"aperture nel 2023", "e nel 2025?", "la differenza?"},
			`{"metric":"aperture","from":"2023-01-01","to":"2023-12-31"}` + "\n" + `{"metric":"aperture","from":"2025-01-01","to":"2025-12-31"}`},
		// "che mese" as "quale mese"
		{[]string{"chiusure mese per mese nel 2026", "che mese e andato peggio?"},
			`{"metric":"chiusure","group_by":["mese"],"from":"2026-01-01","to":"2026-12-31","order":{"by":"value","dir":"desc"},"limit":1}`},
		// an outcome with no source is the previous source's, as a share of it too
		{[]string{"quante pratiche suap respinte nel 2026", "e per settore?", "quale settore ha la quota piu alta di respinte?"},
			`{"metric":"quota","group_by":["settore_suap"],"from":"2026-01-01","to":"2026-12-31","order":{"by":"value","dir":"desc"},"limit":1,"subset":[{"dimension":"esito","value":"RESPINTA"}],"base":"suap_pratiche"}`},
		{[]string{"quante domande di cig nel 2025", "quale quartiere ha la quota piu alta di respinte?"},
			`{"metric":"quota","filters":[{"dimension":"quartiere","op":"!=","value":"non attribuito"}],"group_by":["quartiere"],"from":"2025-01-01","to":"2025-12-31","order":{"by":"value","dir":"desc"},"limit":1,"subset":[{"dimension":"esito","value":"RESPINTA"}],"base":"cig_domande"}`},
		{[]string{"quante pratiche suap nel 2026", "quante sono state respinte?"},
			`{"metric":"suap_pratiche","filters":[{"dimension":"esito","value":"RESPINTA"}],"from":"2026-01-01","to":"2026-12-31"}`},
		// held out, misread on its run: "l'anno prima" is the previous question's period a year
		// before; a share of an outcome after a breakdown by outcome; "what share is that?"
		{[]string{"cig autorizzate sto anno x tipo", "e l'anno prima?"},
			`{"metric":"cig_domande","filters":[{"dimension":"esito","value":"AUTORIZZATA"}],"group_by":["tipo_cig"],"from":"2025-01-01","to":"2025-12-31"}`},
		{[]string{"cig autorizzate sto anno x tipo", "e l'anno prima?", "la differenza?"},
			`{"metric":"cig_domande","filters":[{"dimension":"esito","value":"AUTORIZZATA"}],"group_by":["tipo_cig"],"from":"2026-01-01","to":"2026-10-31","compare_to":"previous_year"}`},
		{[]string{"chiusure nel primo semestre 2025", "e l'anno prima?"}, `{"metric":"chiusure","from":"2024-01-01","to":"2024-06-30"}`},
		{[]string{"aperture nel 2025", "and the year before?"}, `{"metric":"aperture","from":"2024-01-01","to":"2024-12-31"}`},
		{[]string{"pratiche suap 2025 per esito", "quale quartiere ha la percentuale piu alta di accolte?"},
			`{"metric":"quota","filters":[{"dimension":"quartiere","op":"!=","value":"non attribuito"}],"group_by":["quartiere"],"from":"2025-01-01","to":"2025-12-31","order":{"by":"value","dir":"desc"},"limit":1,"subset":[{"dimension":"esito","value":"ACCOLTA"}],"base":"suap_pratiche"}`},
		{[]string{"imprese attive a savena", "and women-led ones?", "what share is that?"},
			`{"metric":"quota","filters":[{"dimension":"quartiere","value":"Savena"}],"subset":[{"dimension":"femminile","value":true}]}`},
		// a share of the register's own types after a register question is unchanged
		{[]string{"quante imprese attive a navile", "quale quartiere ha la quota piu alta di imprese femminili?"},
			`{"metric":"quota","filters":[{"dimension":"quartiere","op":"!=","value":"non attribuito"}],"group_by":["quartiere"],"order":{"by":"value","dir":"desc"},"limit":1,"subset":[{"dimension":"femminile","value":true}]}`},
	} {
		got := callArguments(converse(p, c.turns), tool.QueryMetrics)
		if strings.Join(got, "\n") != c.want {
			t.Errorf("%q:\n got %s\nwant %s", c.turns, strings.Join(got, "\n     "), c.want)
		}
	}
	// dehors are no SUAP value: after a SUAP question they stay with the documents
	var prev *State
	for _, q := range []string{"pratiche scia nel 2025", "quanti dehors autorizzati nel 2026"} {
		pl := p.Plan(q, prev, now)
		prev = &pl.State
		if q != "pratiche scia nel 2025" && pl.Intent != IntentDocument {
			t.Errorf("dehors: %s", pl.Intent)
		}
	}
}
