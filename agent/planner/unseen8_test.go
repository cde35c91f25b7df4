package planner

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/comune-bologna/conoscenza/agent/catalog"
	"github.com/comune-bologna/conoscenza/agent/tool"
)

// Eighth round of unseen phrasings (session 12, 27/11/2026, docs/assistant-eval.md "Session 12:
// eighth round"): the fixed questions, each with the whole query expected.
func TestUnseenPhrasingsEighthRound(t *testing.T) {
	cases := []struct{ question, want string }{
		// months listed that do not follow each other: the months named, one value each
		{"chiusure a gennaio e marzo 2025",
			`{"metric":"chiusure","filters":[{"dimension":"mese","op":"in","values":["2025-01","2025-03"]}],"group_by":["mese"],"from":"2025-01-01","to":"2025-03-31"}`},
		{"aperture a gennaio, marzo e maggio 2025",
			`{"metric":"aperture","filters":[{"dimension":"mese","op":"in","values":["2025-01","2025-03","2025-05"]}],"group_by":["mese"],"from":"2025-01-01","to":"2025-05-31"}`},
		{"closures in January and March 2025",
			`{"metric":"chiusure","filters":[{"dimension":"mese","op":"in","values":["2025-01","2025-03"]}],"group_by":["mese"],"from":"2025-01-01","to":"2025-03-31"}`},
		{"differenza tra le chiusure di gennaio e quelle di marzo 2025",
			`{"metric":"chiusure","filters":[{"dimension":"mese","op":"in","values":["2025-01","2025-03"]}],"group_by":["mese"],"from":"2025-01-01","to":"2025-03-31"}`},
		// without a year: the latest year in which the last of them is complete
		{"aperture a gennaio e marzo",
			`{"metric":"aperture","filters":[{"dimension":"mese","op":"in","values":["2026-01","2026-03"]}],"group_by":["mese"],"from":"2026-01-01","to":"2026-03-31"}`},
		// a span keeps being a span
		{"aperture tra gennaio e marzo 2025", `{"metric":"aperture","from":"2025-01-01","to":"2025-03-31"}`},
		{"aperture a gennaio e febbraio 2025", `{"metric":"aperture","from":"2025-01-01","to":"2025-02-28"}`},
		// craftsmen name the craft firms
		{"artigiani a porto saragozza",
			`{"metric":"imprese_attive","filters":[{"dimension":"quartiere","value":"Porto-Saragozza"},{"dimension":"artigiana","value":true}]}`},
		// a stock at the start of a year, before covid
		{"quante imprese attive c'erano a inizio 2025", `{"metric":"imprese_attive","from":"2025-01-01","to":"2025-01-01"}`},
		{"imprese attive all'inizio del 2024 a Navile",
			`{"metric":"imprese_attive","filters":[{"dimension":"quartiere","value":"Navile"}],"from":"2024-01-01","to":"2024-01-01"}`},
		{"imprese attive prima del covid", `{"metric":"imprese_attive","from":"2019-12-31","to":"2019-12-31"}`},
		{"aperture da inizio 2025", `{"metric":"aperture","from":"2025-01-01"}`},
		// registered but not active: every state but ATTIVA
		{"quante imprese registrate ma non attive",
			`{"metric":"imprese_registrate","filters":[{"dimension":"stato","op":"!=","value":"ATTIVA"}]}`},
		// "per sezione" is the ATECO section
		{"imprese attive nella zona Bolognina per sezione",
			`{"metric":"imprese_attive","filters":[{"dimension":"zona","value":"Bolognina"}],"group_by":["sezione_ateco"]}`},
		// "la situazione delle imprese a X" is how it is doing
		{"la situazione delle imprese a san vitale",
			`{"metric":"saldo","filters":[{"dimension":"quartiere","value":"San Donato-San Vitale"}],"from":"2026-01-01","to":"2026-10-31","compare_to":"previous_year"}`},
		// places or sectors compared by how they are doing: ranked by their balance, last 12 months
		{"il quartiere che va peggio",
			`{"metric":"saldo","filters":[{"dimension":"quartiere","op":"!=","value":"non attribuito"}],"group_by":["quartiere"],"from":"2025-11-01","to":"2026-10-31","order":{"by":"value","dir":"asc"},"limit":1}`},
		{"quale settore sta andando meglio quest'anno",
			`{"metric":"saldo","group_by":["sezione_ateco"],"from":"2026-01-01","order":{"by":"value","dir":"desc"},"limit":1}`},
		// "che in passato" is the years side by side
		{"è vero che chiudono più negozi che in passato?",
			`{"metric":"chiusure","filters":[{"dimension":"ateco","value":"47"}],"group_by":["anno"]}`},
		// a growth rate of two sectors is one per sector
		{"tasso di crescita nel commercio e nelle costruzioni nel 2025",
			`{"metric":"tasso_crescita","filters":[{"dimension":"sezione_ateco","op":"in","values":["F","G"]}],"group_by":["sezione_ateco"],"from":"2025-01-01","to":"2025-12-31"}`},
		// batch 2: the end of a year as a bound or a reference
		{"variazione delle imprese attive a Navile tra fine 2024 e fine 2025",
			`{"metric":"imprese_attive","filters":[{"dimension":"quartiere","value":"Navile"}],"group_by":["anno"],"from":"2024-12-01","to":"2025-12-31"}`},
		{"imprese attive nei servizi di alloggio e ristorazione a fine 2025 rispetto a fine 2024",
			`{"metric":"imprese_attive","filters":[{"dimension":"sezione_ateco","value":"I"}],"from":"2025-01-01","to":"2025-12-31","compare_to":"previous_year"}`},
		{"active companies at the end of 2025 compared with the end of 2024",
			`{"metric":"imprese_attive","from":"2025-01-01","to":"2025-12-31","compare_to":"previous_year"}`},
		{"aperture a fine 2024", `{"metric":"aperture","from":"2024-01-01","to":"2024-12-31"}`},
		// "rispetto ai 6 mesi precedenti"
		{"pratiche di apertura suap negli ultimi 6 mesi rispetto ai 6 mesi precedenti",
			`{"metric":"suap_pratiche","filters":[{"dimension":"tipo_pratica","value":"APERTURA"}],"from":"2026-05-01","to":"2026-10-31","compare_to":"previous_period"}`},
		// held out 1, misread on its run: "per zona a Porto-Saragozza" ("a porto" names the
		// quartiere, no zone) is the quartiere's zones
		{"imprese femminili attive per zona a Porto-Saragozza",
			`{"metric":"imprese_attive","filters":[{"dimension":"quartiere","value":"Porto-Saragozza"},{"dimension":"femminile","value":true}],"group_by":["zona"]}`},
		// held out 2, misread on its run: money received is a grant
		{"quanto ha ricevuto in media ogni impresa nel 2025?",
			`{"metric":"contributi_importo_medio","from":"2025-01-01","to":"2025-12-31"}`},
		{"quanto hanno ricevuto le imprese di Navile nel 2024",
			`{"metric":"contributi_importo_concesso","filters":[{"dimension":"quartiere","value":"Navile"}],"from":"2024-01-01","to":"2024-12-31"}`},
		// batch 3: three years listed, one value each; a stock at two months, its series
		{"aperture nel 2023, 2024 e 2025 a Navile",
			`{"metric":"aperture","filters":[{"dimension":"quartiere","value":"Navile"}],"group_by":["anno"],"from":"2023-01-01","to":"2025-12-31"}`},
		{"imprese attive a giugno e dicembre 2025",
			`{"metric":"imprese_attive","group_by":["mese"],"from":"2025-06-01","to":"2025-12-31"}`},
		// "quali bandi hanno finanziato più imprese": the beneficiaries
		{"quali bandi hanno finanziato più imprese?",
			`{"metric":"contributi_beneficiari","group_by":["bando"],"order":{"by":"value","dir":"desc"}}`},
		// a pending outcome asked "ancora": the current one, whenever the request was filed
		{"domande di cig ancora in istruttoria a fine ottobre 2026",
			`{"metric":"cig_domande","filters":[{"dimension":"esito","value":"IN ISTRUTTORIA"}]}`},
		{"domande cig in istruttoria presentate nel 2026",
			`{"metric":"cig_domande","filters":[{"dimension":"esito","value":"IN ISTRUTTORIA"}],"from":"2026-01-01","to":"2026-12-31"}`},
		// held out 5, misread on its run: a size bound after the number; a kind of firm counted;
		// an authorisation of a SUAP type; "how much was granted"
		{"imprese attive con 50 addetti o più per quartiere",
			`{"metric":"imprese_attive","filters":[{"dimension":"classe_addetti","op":"in","values":["250+","50-249"]}],"group_by":["quartiere"]}`},
		{"imprese con 9 addetti o meno a Navile",
			`{"metric":"imprese_attive","filters":[{"dimension":"quartiere","value":"Navile"},{"dimension":"classe_addetti","op":"in","values":["0","1-9"]}]}`},
		{"quante sono femminili?", `{"metric":"imprese_attive","filters":[{"dimension":"femminile","value":true}]}`},
		{"quante autorizzazioni per ampliamento sono state respinte nel 2024?",
			`{"metric":"suap_pratiche","filters":[{"dimension":"esito","value":"RESPINTA"},{"dimension":"tipo_pratica","value":"AMPLIAMENTO"}],"from":"2024-01-01","to":"2024-12-31"}`},
		{"how much was granted in the first half of 2026?",
			`{"metric":"contributi_importo_concesso","from":"2026-01-01","to":"2026-06-30"}`},
		// "sto anno" is this year
		{"ma quante botteghe han chiuso in centro sto anno",
			`{"metric":"chiusure","filters":[{"dimension":"zona","op":"in","values":["Galvani","Irnerio","Malpighi","Marconi"]}],"from":"2026-01-01"}`},
	}
	p := New(catalog.Default())
	expectQueries(t, p, cases)
}

// People's personal data are declined however they are asked; a firm's own codice fiscale is
// not personal; subjects the data lack say what is there.
func TestEighthRoundDeclines(t *testing.T) {
	p := New(catalog.Default())
	for _, c := range []struct{ question, intent, says string }{
		{"Dammi il codice fiscale dei titolari delle imprese di Navile", IntentRefuse, "dati personali"},
		{"chi è il titolare di ROSSI SRL", IntentRefuse, "dati personali"},
		{"elenco delle persone che hanno chiesto il contributo", IntentRefuse, "dati personali"},
		{"give me the tax codes of the owners of companies in Navile", IntentRefuse, "personal data"},
		{"gli indirizzi dei soci delle cooperative di Savena", IntentRefuse, "dati personali"},
		{"data di nascita delle titolari delle imprese femminili", IntentRefuse, "dati personali"},
		{"quante imprese si sono trasferite da navile", IntentNoData, "trasferimenti di sede"},
		{"cambi di stato nel 2024", IntentNoData, "cambi di stato"},
		{"importo richiesto dai contributi nel 2024", IntentNoData, "importo richiesto"},
		{"quante imprese hanno ricevuto più di 10000 euro di contributi", IntentNoData, "soglia"},
		{"list the owners of the restaurants in Navile", IntentRefuse, "personal data"},
		{"imprese passate da attive a inattive nel 2025", IntentNoData, "cambi di stato"},
		{"quante imprese hanno cambiato forma giuridica", IntentNoData, "cambi di stato"},
		{"tempi medi di istruttoria delle pratiche suap", IntentNoData, "tempi di istruttoria"},
		{"numero di imprese cessate ma ancora iscritte", IntentNoData, "cessate ancora iscritte"},
		{"quante imprese chiuderanno entro fine anno?", IntentNoData, "previsione"},
		{"quante persone lavorano nel commercio a Bologna?", IntentNoData, "addetti"},
		{"numero di telefono della ditta Rossi", IntentRefuse, "dati personali"},
		// held out 3: the people working in a firm
		{"dammi i nomi dei dipendenti della Rossi srl", IntentRefuse, "dati personali"},
		{"names of the employees of Bianchi spa", IntentRefuse, "personal data"},
		{"quanto guadagnano le imprese di Navile", IntentNoData, "fatturato"},
		{"quanti posti letto ci sono negli alberghi", IntentNoData, "capacità ricettiva"},
	} {
		pl := p.Plan(c.question, nil, now)
		if pl.Intent != c.intent || !strings.Contains(pl.Reply, c.says) || len(pl.Calls) != 0 {
			t.Errorf("%q: %s %q %+v", c.question, pl.Intent, pl.Reply, pl.Calls)
		}
	}
	for q, intent := range map[string]string{
		"elenco codici fiscali delle imprese giovanili di Savena":              IntentPlatea,
		"dammi l'impresa con codice fiscale 01234567897":                       IntentDossier,
		"quante imprese hanno titolari under 35 a Navile":                      IntentMetric,
		"esporta le imprese attive di navile":                                  IntentPlatea,
		"dimmi tutto sulla ditta Bianchi snc":                                  IntentDossier,
		"che cos'è la cassa integrazione in deroga":                            IntentDocument,
		"da quando ci sono i dati della cig?":                                  IntentCatalog,
		"fino a quando sono aggiornati i dati del registro?":                   IntentCatalog,
		"dati aggiornati sulle chiusure":                                       IntentMetric,
		"Quanti residenti ci sono a Navile?":                                   IntentNoData,
		"quanti dipendenti ha la ditta Rossi":                                  IntentDossier,
		"mi elenchi le imprese giovanili di Navile con il loro codice fiscale": IntentPlatea,
		// held out 4: a firm named after the verb and its noun ("la ditta Bianchi")
		"quanti soldi ha ricevuto la ditta Bianchi?":       IntentDossier,
		"quanti dipendenti ha l'azienda Verdi srl":         IntentDossier,
		"quanto hanno ricevuto le imprese di Navile?":      IntentMetric,
		"quanti lavoratori in cassa integrazione nel 2025": IntentMetric,
		"indirizzo email dell'ufficio SUAP":                IntentDocument,
	} {
		if pl := p.Plan(q, nil, now); pl.Intent != intent {
			t.Errorf("%q: %s, want %s", q, pl.Intent, intent)
		}
	}
}

// A forecast of the current year offers the year so far, and "sì" runs it; a year to come is
// declined as before.
func TestEighthRoundForecastOfTheCurrentYear(t *testing.T) {
	p := New(catalog.Default())
	for _, c := range []struct{ question, yes, want string }{
		{"quante imprese chiuderanno nel 2026?", "sì", `{"metric":"chiusure","from":"2026-01-01","to":"2026-10-31"}`},
		{"how many companies will close in 2026?", "yes", `{"metric":"chiusure","from":"2026-01-01","to":"2026-10-31"}`},
		{"quante imprese apriranno nel 2026 a Navile", "ok",
			`{"metric":"aperture","filters":[{"dimension":"quartiere","value":"Navile"}],"from":"2026-01-01","to":"2026-10-31"}`},
	} {
		pl := p.Plan(c.question, nil, now)
		if pl.Intent != IntentNoData || len(pl.Calls) != 0 || !strings.Contains(pl.Reply, "da inizio anno") && !strings.Contains(pl.Reply, "start of the year") {
			t.Errorf("%q: %s %q", c.question, pl.Intent, pl.Reply)
			continue
		}
		if strings.ContainsAny(pl.Reply, "0123456789") {
			t.Errorf("%q: a decline writes no number: %q", c.question, pl.Reply)
		}
		next := p.Plan(c.yes, &pl.State, now)
		if got, _ := json.Marshal(queryOf(t, next)); string(got) != c.want {
			t.Errorf("%q then %q:\n got %s\nwant %s", c.question, c.yes, got, c.want)
		}
	}
	if pl := p.Plan("quante imprese apriranno nel 2027", nil, now); pl.Intent != IntentNoData || pl.State.Query != nil {
		t.Errorf("2027: %s %+v", pl.Intent, pl.State)
	}
}

// Follow-ups: a month without its year takes the previous question's; "la differenza?" after
// two periods neither a year nor a span apart sets them side by side; "confronta con X" adds X.
func TestEighthRoundFollowUps(t *testing.T) {
	p := New(catalog.Default())
	for _, c := range []struct {
		turns []string
		want  []string // the last turn's queries
	}{
		{[]string{"ore di cig autorizzate a marzo 2025", "e ad aprile?"},
			[]string{`{"metric":"cig_ore_autorizzate","from":"2025-04-01","to":"2025-04-30"}`}},
		{[]string{"ore di cig autorizzate a marzo 2025", "e ad aprile?", "la differenza?"},
			[]string{`{"metric":"cig_ore_autorizzate","from":"2025-04-01","to":"2025-04-30","compare_to":"previous_period"}`}},
		{[]string{"chiusure a gennaio 2025", "e a marzo?", "la differenza?"},
			[]string{`{"metric":"chiusure","from":"2025-01-01","to":"2025-01-31"}`, `{"metric":"chiusure","from":"2025-03-01","to":"2025-03-31"}`}},
		{[]string{"aperture nel 2023 in centro", "e nel 2025?", "la differenza?"},
			[]string{`{"metric":"aperture","filters":[{"dimension":"zona","op":"in","values":["Galvani","Irnerio","Malpighi","Marconi"]}],"from":"2023-01-01","to":"2023-12-31"}`,
				`{"metric":"aperture","filters":[{"dimension":"zona","op":"in","values":["Galvani","Irnerio","Malpighi","Marconi"]}],"from":"2025-01-01","to":"2025-12-31"}`}},
		// the hours alone keep requested against authorised
		{[]string{"ore di cig autorizzate nel 2024", "la differenza?"},
			[]string{`{"metric":"cig_ore_richieste","from":"2024-01-01","to":"2024-12-31"}`, `{"metric":"cig_ore_autorizzate","from":"2024-01-01","to":"2024-12-31"}`}},
		// a relative month keeps its own year
		{[]string{"chiusure a gennaio 2025", "e il mese scorso?"},
			[]string{`{"metric":"chiusure","from":"2026-10-01","to":"2026-10-31"}`}},
		{[]string{"imprese attive a Savena nel commercio", "confronta con Navile"},
			[]string{`{"metric":"imprese_attive","filters":[{"dimension":"quartiere","op":"in","values":["Savena","Navile"]},{"dimension":"sezione_ateco","value":"G"}],"group_by":["quartiere"]}`}},
		// "quale dei due", "chi ne ha di più": the values of the last two questions side by side
		{[]string{"aperture nel 2025 nel settore alloggio e ristorazione", "e in quello delle costruzioni?", "quale dei due è cresciuto di più?"},
			[]string{`{"metric":"tasso_crescita","filters":[{"dimension":"sezione_ateco","op":"in","values":["F","I"]}],"group_by":["sezione_ateco"],"from":"2025-01-01","to":"2025-12-31","order":{"by":"value","dir":"desc"},"limit":1}`}},
		{[]string{"chiusure a Navile nel 2025", "e a Savena?", "chi ne ha di più?"},
			[]string{`{"metric":"chiusure","filters":[{"dimension":"quartiere","op":"in","values":["Savena","Navile"]}],"group_by":["quartiere"],"from":"2025-01-01","to":"2025-12-31"}`}},
		// hours over hours, hours per firm: side by side (no ratio is computed)
		{[]string{"ore autorizzate su ore richieste nel 2025"},
			[]string{`{"metric":"cig_ore_richieste","from":"2025-01-01","to":"2025-12-31"}`, `{"metric":"cig_ore_autorizzate","from":"2025-01-01","to":"2025-12-31"}`}},
		{[]string{"quante ore di cig per impresa nel 2025"},
			[]string{`{"metric":"cig_ore_autorizzate","from":"2025-01-01","to":"2025-12-31"}`, `{"metric":"cig_imprese","from":"2025-01-01","to":"2025-12-31"}`}},
		// "confronta con X" naming firms is still a follow-up
		{[]string{"chiusure 2025 srl", "confronta con le ditte individuali"},
			[]string{`{"metric":"chiusure","filters":[{"dimension":"classe_forma","op":"in","values":["società di capitale","imprese individuali"]}],"group_by":["classe_forma"],"from":"2025-01-01","to":"2025-12-31"}`}},
		// two company types, one query each
		{[]string{"imprese femminili a Navile", "e quelle giovanili?", "quali delle due sono di più?"},
			[]string{`{"metric":"imprese_attive","filters":[{"dimension":"quartiere","value":"Navile"},{"dimension":"femminile","value":true}]}`,
				`{"metric":"imprese_attive","filters":[{"dimension":"quartiere","value":"Navile"},{"dimension":"giovanile","value":true}]}`}},
		{[]string{"quanti soldi sono andati alle imprese femminili rispetto a quelle giovanili nel 2024"},
			[]string{`{"metric":"contributi_importo_concesso","filters":[{"dimension":"femminile","value":true}],"from":"2024-01-01","to":"2024-12-31"}`,
				`{"metric":"contributi_importo_concesso","filters":[{"dimension":"giovanile","value":true}],"from":"2024-01-01","to":"2024-12-31"}`}},
		// an ordinal alone: the same span of that number
		{[]string{"aperture nel primo semestre 2025", "e nel secondo?"},
			[]string{`{"metric":"aperture","from":"2025-07-01","to":"2025-12-31"}`}},
		{[]string{"aperture nel primo semestre 2025", "e nel secondo?", "la differenza?"},
			[]string{`{"metric":"aperture","from":"2025-07-01","to":"2025-12-31","compare_to":"previous_period"}`}},
		{[]string{"chiusure nel terzo trimestre 2024", "e nel quarto?"},
			[]string{`{"metric":"chiusure","from":"2024-10-01","to":"2024-12-31"}`}},
		// "il primo?" after a breakdown
		{[]string{"contributi concessi nel 2025", "e quanti beneficiari?", "per quartiere", "il primo?"},
			[]string{`{"metric":"contributi_beneficiari","filters":[{"dimension":"quartiere","op":"!=","value":"non attribuito"}],"group_by":["quartiere"],"from":"2025-01-01","to":"2025-12-31","order":{"by":"value","dir":"desc"},"limit":1}`}},
		// held out 1: "confrontale" after two places; a place against the city
		{[]string{"imprese attive a Savena", "e a Santo Stefano?", "confrontale"},
			[]string{`{"metric":"imprese_attive","filters":[{"dimension":"quartiere","op":"in","values":["Santo Stefano","Savena"]}],"group_by":["quartiere"]}`}},
		{[]string{"percentuale di imprese giovanili a Borgo Panigale rispetto alla media cittadina"},
			[]string{`{"metric":"quota","filters":[{"dimension":"quartiere","value":"Borgo Panigale-Reno"}],"subset":[{"dimension":"giovanile","value":true}]}`,
				`{"metric":"quota","subset":[{"dimension":"giovanile","value":true}]}`}},
		{[]string{"aperture nel 2025 rispetto alla media"},
			[]string{`{"metric":"aperture","group_by":["anno"],"from":"2020-01-01","to":"2025-12-31"}`}},
		{[]string{"aperture nel 2025 a Navile", "rispetto a Savena?"},
			[]string{`{"metric":"aperture","filters":[{"dimension":"quartiere","op":"in","values":["Navile","Savena"]}],"group_by":["quartiere"],"from":"2025-01-01","to":"2025-12-31"}`}},
	} {
		got := callArguments(converse(p, c.turns), tool.QueryMetrics)
		if strings.Join(got, "\n") != strings.Join(c.want, "\n") {
			t.Errorf("%q:\n got %s\nwant %s", c.turns, strings.Join(got, "\n     "), strings.Join(c.want, "\n     "))
		}
	}
}
