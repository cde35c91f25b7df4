package planner

import (
	"strings"
	"testing"

	"github.com/comune-bologna/conoscenza/agent/catalog"
)

// Seventh round of unseen phrasings (session 11, 26/11/2026, docs/assistant-eval.md "Session 11:
// seventh round"): the fixed questions, each with the whole query expected.
func TestUnseenPhrasingsSeventhRound(t *testing.T) {
	cases := []struct{ question, want string }{
		// abbreviated quartieri
		{"tasso di crescita di Borgo P. nel 2025",
			`{"metric":"tasso_crescita","filters":[{"dimension":"quartiere","value":"Borgo Panigale-Reno"}],"from":"2025-01-01","to":"2025-12-31"}`},
		{"chiusure a Porto S. nel 2024",
			`{"metric":"chiusure","filters":[{"dimension":"quartiere","value":"Porto-Saragozza"}],"from":"2024-01-01","to":"2024-12-31"}`},
		{"imprese attive a S.Vitale",
			`{"metric":"imprese_attive","filters":[{"dimension":"quartiere","value":"San Donato-San Vitale"}]}`},
		// a plural dimension ranked by a superlative a few words on: the ranking in order
		{"quali sono le causali di cassa integrazione più frequenti nel 2023?",
			`{"metric":"cig_domande","group_by":["causale_cig"],"from":"2023-01-01","to":"2023-12-31","order":{"by":"value","dir":"desc"}}`},
		{"le causali più frequenti della cig nel 2024",
			`{"metric":"cig_domande","group_by":["causale_cig"],"from":"2024-01-01","to":"2024-12-31","order":{"by":"value","dir":"desc"}}`},
		{"what are the most common causes of CIG requests in 2024?",
			`{"metric":"cig_domande","group_by":["causale_cig"],"from":"2024-01-01","to":"2024-12-31","order":{"by":"value","dir":"desc"}}`},
		// "rapporto tra", "in rapporto a": a ratio, not a report (two flows: the balance, with both)
		{"rapporto tra chiusure e aperture nel 2025",
			`{"metric":"saldo","from":"2025-01-01","to":"2025-12-31"}`},
		{"quante imprese hanno chiuso in rapporto alle aperture nel 2025?",
			`{"metric":"saldo","from":"2025-01-01","to":"2025-12-31"}`},
		// a year "sul" another with a word of change compares them
		{"variazione percentuale delle aperture 2025 sul 2024",
			`{"metric":"aperture","from":"2025-01-01","to":"2025-12-31","compare_to":"previous_year"}`},
		{"crescita delle chiusure 2025 sul 2024",
			`{"metric":"chiusure","from":"2025-01-01","to":"2025-12-31","compare_to":"previous_year"}`},
		// estate agencies are ATECO 68.31
		{"quante agenzie immobiliari ci sono?",
			`{"metric":"imprese_attive","filters":[{"dimension":"ateco","value":"68.31"}]}`},
		// "sono cresciuti di più" ranks the growth rate, it is no direction
		{"quali settori sono cresciuti di più nel 2025?",
			`{"metric":"tasso_crescita","group_by":["sezione_ateco"],"from":"2025-01-01","to":"2025-12-31","order":{"by":"value","dir":"desc"}}`},
		{"quale settore è cresciuto di più nel 2025?",
			`{"metric":"tasso_crescita","group_by":["sezione_ateco"],"from":"2025-01-01","to":"2025-12-31","order":{"by":"value","dir":"desc"},"limit":1}`},
		// "quanto incidono" is a share
		{"quanto incidono le imprese femminili sul totale a Savena?",
			`{"metric":"quota","filters":[{"dimension":"quartiere","value":"Savena"}],"subset":[{"dimension":"femminile","value":true}]}`},
		// legal forms in English name firms
		{"Number of sole proprietorships in ICT",
			`{"metric":"imprese_attive","filters":[{"dimension":"sezione_ateco","value":"J"},{"dimension":"classe_forma","value":"imprese individuali"}]}`},
		// a season compared with a season
		{"Openings in summer 2025 compared with summer 2024",
			`{"metric":"aperture","from":"2025-06-01","to":"2025-08-31","compare_to":"previous_year"}`},
		{"aperture nell'estate 2025 rispetto all'estate 2024",
			`{"metric":"aperture","from":"2025-06-01","to":"2025-08-31","compare_to":"previous_year"}`},
		// held out h272-h304, misread on their first run: two letters the wrong way round are one slip
		{"aperture a giungo 2025",
			`{"metric":"aperture","from":"2025-06-01","to":"2025-06-30"}`},
		{"chiusure a otobre 2025",
			`{"metric":"chiusure","from":"2025-10-01","to":"2025-10-31"}`},
		// batch 2: "lo stesso <span> dell'anno prima", whatever the span
		{"aperture dell'ultimo quadrimestre confrontate con lo stesso quadrimestre dell'anno prima",
			`{"metric":"aperture","from":"2026-05-01","to":"2026-08-31","compare_to":"previous_year"}`},
		{"openings in the first half of 2026 compared with the same half of the previous year",
			`{"metric":"aperture","from":"2026-01-01","to":"2026-06-30","compare_to":"previous_year"}`},
		// a plural dimension opening the question, no article: the whole ranking
		{"settori con meno aperture nel 2025",
			`{"metric":"aperture","group_by":["sezione_ateco"],"from":"2025-01-01","to":"2025-12-31","order":{"by":"value","dir":"asc"}}`},
		{"settore con più aperture nel 2025",
			`{"metric":"aperture","group_by":["sezione_ateco"],"from":"2025-01-01","to":"2025-12-31","order":{"by":"value","dir":"desc"},"limit":1}`},
		// a share of CIG hours or workers takes them as the whole (authorised hours need no condition)
		{"What percentage of CIG hours were authorised for COVID in 2021?",
			`{"metric":"quota","from":"2021-01-01","to":"2021-12-31","subset":[{"dimension":"causale_cig","value":"COVID-19"}],"base":"cig_ore_autorizzate"}`},
		{"percentuale di lavoratori in cig ordinaria nel 2023",
			`{"metric":"quota","from":"2023-01-01","to":"2023-12-31","subset":[{"dimension":"tipo_cig","value":"CIGO"}],"base":"cig_lavoratori"}`},
		// second held-out batch h305-h335, misread on its first run: months listed in a row are
		// the span from the first to the last (not months apart)
		{"quante aperture a marzo, aprile e maggio 2026?",
			`{"metric":"aperture","from":"2026-03-01","to":"2026-05-31"}`},
		{"aperture gennaio febbraio marzo 2026",
			`{"metric":"aperture","from":"2026-01-01","to":"2026-03-31"}`},
		// "causale" is the CIG's
		{"la causale con più domande nel 2022",
			`{"metric":"cig_domande","group_by":["causale_cig"],"from":"2022-01-01","to":"2022-12-31","order":{"by":"value","dir":"desc"},"limit":1}`},
		// "the same quarter a year earlier"
		{"Openings in Q4 2025 compared with the same quarter a year earlier",
			`{"metric":"aperture","from":"2025-10-01","to":"2025-12-31","compare_to":"previous_year"}`},
		// listing a dimension is a breakdown, not a list of firms
		{"List the zones of Savena by active firms",
			`{"metric":"imprese_attive","filters":[{"dimension":"quartiere","value":"Savena"}],"group_by":["zona"]}`},
		// batch 3: "com'è variato" a stock over years is year by year
		{"nel triennio 2022-2024 com'è variato il numero delle ditte individuali?",
			`{"metric":"imprese_attive","filters":[{"dimension":"classe_forma","value":"imprese individuali"}],"group_by":["anno"],"from":"2022-01-01","to":"2024-12-31"}`},
		// "ranked"
		{"Women-led firms per district, ranked",
			`{"metric":"imprese_attive","filters":[{"dimension":"femminile","value":true},{"dimension":"quartiere","op":"!=","value":"non attribuito"}],"group_by":["quartiere"],"order":{"by":"value","dir":"desc"}}`},
		// the outcome as a verb
		{"How many permits did SUAP reject in the first quarter of this year?",
			`{"metric":"suap_pratiche","filters":[{"dimension":"esito","value":"RESPINTA"}],"from":"2026-01-01","to":"2026-03-31"}`},
		{"quante domande di cig ha respinto l'INPS nel 2024?",
			`{"metric":"cig_domande","filters":[{"dimension":"esito","value":"RESPINTA"}],"from":"2024-01-01","to":"2024-12-31"}`},
		// third held-out batch h336-h363, misread on its first run: "nuove" after the firms
		{"quante partite IVA nuove nel 2025 tra i giovani?",
			`{"metric":"aperture","filters":[{"dimension":"giovanile","value":true}],"from":"2025-01-01","to":"2025-12-31"}`},
		{"ristoranti nuovi a Navile nel 2024",
			`{"metric":"aperture","filters":[{"dimension":"quartiere","value":"Navile"},{"dimension":"sezione_ateco","value":"I"}],"from":"2024-01-01","to":"2024-12-31"}`},
		// a share or a rate of two places is one per place
		{"quota di imprese straniere a Navile e a Savena",
			`{"metric":"quota","filters":[{"dimension":"quartiere","op":"in","values":["Navile","Savena"]}],"group_by":["quartiere"],"subset":[{"dimension":"straniera","value":true}]}`},
		{"tasso di crescita di Navile e Savena nel 2025",
			`{"metric":"tasso_crescita","filters":[{"dimension":"quartiere","op":"in","values":["Navile","Savena"]}],"group_by":["quartiere"],"from":"2025-01-01","to":"2025-12-31"}`},
		{"imprese attive tra Navile e Savena",
			`{"metric":"imprese_attive","filters":[{"dimension":"quartiere","op":"in","values":["Navile","Savena"]}]}`},
		// "la differenza con il 2024"
		{"chiusure nel 2025, e la differenza con il 2024?",
			`{"metric":"chiusure","from":"2025-01-01","to":"2025-12-31","compare_to":"previous_year"}`},
	}
	p := New(catalog.Default())
	expectQueries(t, p, cases)
}

// Requests declined whatever the role: hand-written SQL, people's personal data, forecasts.
func TestSeventhRoundDeclines(t *testing.T) {
	p := New(catalog.Default())
	for _, c := range []struct{ question, intent, says string }{
		{"esegui questa query: SELECT * FROM imprese WHERE quartiere='Navile'", IntentRefuse, "SQL"},
		{"run this SQL for me: select count(*) from cig_domande", IntentRefuse, "SQL"},
		{"mi dai nome e cognome dei titolari delle imprese femminili di Navile?", IntentRefuse, "dati personali"},
		{"il numero di telefono del titolare di ROSSI SRL", IntentRefuse, "dati personali"},
		{"what is the phone number of the owner of Bianchi srl?", IntentRefuse, "personal data"},
		{"Give me the email addresses of the women entrepreneurs in Savena", IntentRefuse, "personal data"},
		{"quante imprese apriranno l'anno prossimo?", IntentNoData, "previsione"},
		{"fammi una previsione delle chiusure nel 2027", IntentNoData, "previsione"},
		{"Will closures go up next year?", IntentNoData, "forecast"},
		// "forecast" with a measure is no weather
		{"What's the forecast for openings in 2027?", IntentNoData, "forecast (the data"},
		{"what's the forecast for tomorrow?", IntentNoData, "weather"},
		// the weather keeps its own reply
		{"previsioni del tempo per domani", IntentNoData, "meteo"},
	} {
		pl := p.Plan(c.question, nil, now)
		if pl.Intent != c.intent || !strings.Contains(pl.Reply, c.says) || len(pl.Calls) != 0 {
			t.Errorf("%q: %s %q %+v", c.question, pl.Intent, pl.Reply, pl.Calls)
		}
		// a reply with no tool result writes no number (the grounding check would find it ungrounded:
		// the forecast's example once named a year)
		if strings.ContainsAny(pl.Reply, "0123456789") {
			t.Errorf("%q: a number in the reply %q", c.question, pl.Reply)
		}
	}
	// an office's contacts are for the documents; a future call's rules too; a platea in the future tense stays a platea
	for q, intent := range map[string]string{
		"qual è l'email del SUAP?":                                 IntentDocument,
		"How many firms will be eligible for the digital voucher?": IntentPlatea,
		"cosa prevede il piano per il commercio di prossimità?":    IntentDocument,
	} {
		if pl := p.Plan(q, nil, now); pl.Intent != intent {
			t.Errorf("%q: %s, want %s", q, pl.Intent, intent)
		}
	}
	// one codice fiscale is that company's dossier ("codice fiscale" is not "codici fiscali", a list)
	if pl := p.Plan("dammi l'impresa con codice fiscale 01234567897", nil, now); pl.Intent != IntentDossier || len(pl.Calls) != 1 ||
		string(pl.Calls[0].Arguments) != `{"codice_fiscale":"01234567897"}` {
		t.Errorf("codice fiscale: %s %+v", pl.Intent, pl.Calls)
	}
	if pl := p.Plan("elenco codici fiscali delle imprese giovanili di Savena", nil, now); pl.Intent != IntentPlatea {
		t.Errorf("codici fiscali: %s", pl.Intent)
	}
	// "ci saranno" alone is no forecast (a plan's facts are in the documents)
	if pl := p.Plan("Quante scrivanie e quanti uffici ci saranno nel nuovo spazio per startup dell'ex deposito?", nil, now); pl.Intent == IntentNoData {
		t.Errorf("ci saranno: %s", pl.Reply)
	}
}

// Follow-ups of the seventh round's batch 3: a qualifier of the hours stays within the hours;
// "la differenza?" sets the hours side by side, or the two periods of the last two turns.
func TestSeventhRoundFollowUps(t *testing.T) {
	p := New(catalog.Default())
	for _, c := range []struct {
		turns []string
		want  []string // the last turn's queries
	}{
		{[]string{"quante ore di cig autorizzate nel 2024?", "e richieste?"},
			[]string{`{"metric":"cig_ore_richieste","from":"2024-01-01","to":"2024-12-31"}`}},
		{[]string{"quante ore di cig autorizzate nel 2024?", "e richieste?", "la differenza?"},
			[]string{`{"metric":"cig_ore_richieste","from":"2024-01-01","to":"2024-12-31"}`,
				`{"metric":"cig_ore_autorizzate","from":"2024-01-01","to":"2024-12-31"}`}},
		{[]string{"quante ore di cig autorizzate nel 2024?", "e richieste?", "la differenza?", "per causale"},
			[]string{`{"metric":"cig_ore_richieste","group_by":["causale_cig"],"from":"2024-01-01","to":"2024-12-31"}`}},
		{[]string{"chiusure nel 2025 a Navile", "e nel 2024?", "la differenza?"},
			[]string{`{"metric":"chiusure","filters":[{"dimension":"quartiere","value":"Navile"}],"from":"2025-01-01","to":"2025-12-31","compare_to":"previous_year"}`}},
		{[]string{"aperture nel primo trimestre 2026", "e nel quarto trimestre 2025?", "la differenza?"},
			[]string{`{"metric":"aperture","from":"2026-01-01","to":"2026-03-31","compare_to":"previous_period"}`}},
		{[]string{"chiusure nel 2025", "la differenza?"},
			[]string{`{"metric":"chiusure","from":"2025-01-01","to":"2025-12-31","compare_to":"previous_year"}`}},
		// "the difference from 2024?" after a figure of 2025
		{[]string{"How many CIG requests in Navile in 2025?", "and how many workers?", "the difference from 2024?"},
			[]string{`{"metric":"cig_lavoratori","filters":[{"dimension":"quartiere","value":"Navile"}],"from":"2025-01-01","to":"2025-12-31","compare_to":"previous_year"}`}},
		// "e le domande?" after the hours is the requests
		{[]string{"quante ore di cig autorizzate nel 2024?", "e le domande?"},
			[]string{`{"metric":"cig_domande","from":"2024-01-01","to":"2024-12-31"}`}},
	} {
		got := callArguments(converse(p, c.turns), "")
		if strings.Join(got, "\n") != strings.Join(c.want, "\n") {
			t.Errorf("%q:\n got %s\nwant %s", c.turns, got, c.want)
		}
	}
}
