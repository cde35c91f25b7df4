package planner

import (
	"regexp"
	"strings"

	"github.com/comune-bologna/conoscenza/agent/tool"
)

// compose writes the answer: a reply the planner already has (refusal, no data), else one
// paragraph per tool result in the plan's language. Every number it writes is a cell of a
// result, a sum, difference or share of a table's cells, or part of the question.
func compose(plan Plan, results []tool.Result) string {
	if plan.Reply != "" {
		return plan.Reply
	}
	lang := plan.Lang
	var parts []string
	for _, r := range results {
		if r.Error != "" {
			parts = append(parts, errorSentence(lang, r))
			continue
		}
		var s string
		switch r.Call.Name {
		case tool.QueryMetrics, tool.RunSQL:
			for _, t := range r.Tables {
				s += describeTable(t, lang)
			}
		case tool.Platea:
			s = describePlatea(r.Tables, lang)
		case tool.BandoOutcome:
			s = describeOutcome(r, lang)
		case tool.CompanyDossier:
			s = describeDossier(r, lang)
		case tool.SearchDocuments:
			s = describeDocuments(r, lang)
		case tool.DescribeCatalog:
			s = describeCatalog(lang)
		}
		if s = strings.TrimSpace(s); s != "" {
			parts = append(parts, s)
		}
	}
	if len(parts) == 0 {
		return tr(lang, "Non ho trovato risultati per questa domanda.", "I found no results for this question.")
	}
	if plan.Note != "" {
		parts = append(parts, plan.Note)
	}
	return strings.Join(parts, "\n\n")
}

var toolNames = map[string][2]string{
	tool.QueryMetrics:    {"le statistiche", "statistics"},
	tool.DescribeCatalog: {"il catalogo dei dati", "the data catalogue"},
	tool.SearchDocuments: {"la ricerca nei documenti", "document search"},
	tool.CompanyDossier:  {"il fascicolo d'impresa", "company dossiers"},
	tool.RunSQL:          {"le interrogazioni SQL", "SQL queries"},
	tool.Platea:          {"l'elenco delle imprese della platea", "the list of firms"},
	tool.BandoOutcome:    {"gli esiti dei bandi", "call outcomes"},
}

// missingSnapshot reads the semantic layer's error for a date before the first register
// snapshot: the date asked and the earliest loaded.
var missingSnapshot = regexp.MustCompile(`no register snapshot at or before (\d{4}-\d{2}-\d{2}): the earliest is (\d{4}-\d{2}-\d{2})`)

// errorSentence turns a tool error into a sentence for people.
func errorSentence(lang string, r tool.Result) string {
	name := toolNames[r.Call.Name]
	switch r.Code {
	case "forbidden":
		return tr(lang, "Il suo ruolo non consente di consultare "+name[0]+": può chiedere a un collega dello staff o all'amministratore.",
			"Your role does not allow access to "+name[1]+": please ask a staff colleague or an administrator.")
	case "unavailable":
		if strings.Contains(r.Error, "snapshot") {
			return tr(lang, "Non ci sono ancora dati del Registro delle imprese caricati: va caricato almeno un estratto (conoscenza ingest imprese, oppure conoscenza demo load).",
				"No business register data has been loaded yet: load an extract first (conoscenza ingest imprese, or conoscenza demo load).")
		}
		return tr(lang, "Il servizio non è disponibile in questo momento ("+r.Error+").", "The service is not available right now ("+r.Error+").")
	case "not_found":
		if r.Call.Name == tool.CompanyDossier {
			return tr(lang, "Non ho trovato l'impresa richiesta nel Registro: controlli il codice fiscale o il nome.",
				"I could not find that company in the register: please check the tax code or the name.")
		}
		if m := missingSnapshot.FindStringSubmatch(r.Error); m != nil {
			return tr(lang, "Non ho un estratto del Registro al "+formatDate(m[1], lang)+": il primo caricato è del "+formatDate(m[2], lang)+
				" (gli estratti sono mensili, dal primo caricamento in poi). Può chiedere i dati di quell'estratto, o un confronto con esso, oppure le aperture e le chiusure dell'ultimo anno.",
				"I have no register extract at "+formatDate(m[1], lang)+": the earliest loaded is of "+formatDate(m[2], lang)+
					" (extracts are monthly, from the first load on). You can ask for that extract's data, or a comparison with it, or for the openings and closures over the past twelve months.")
		}
		if strings.Contains(r.Error, "snapshot") {
			return tr(lang, "Non ho un estratto del Registro per quella data: i dati caricati partono da un periodo successivo.",
				"I have no register extract for that date: the data loaded start later.")
		}
		return tr(lang, "Non ho trovato dati per questa richiesta ("+r.Error+").", "I found no data for this request ("+r.Error+").")
	case "invalid":
		return tr(lang, "Non sono riuscito a formulare correttamente la richiesta: "+r.Error+".", "I could not build a valid request: "+r.Error+".")
	}
	return tr(lang, "Non sono riuscito a completare la richiesta: "+r.Error+".", "I could not complete the request: "+r.Error+".")
}

// refusal is the reply to a request to change data.
func refusal(lang string) string {
	return tr(lang, "Non posso modificare, inserire o cancellare dati: l'assistente consulta i dati in sola lettura. Le correzioni al Registro, alle pratiche e ai contributi si fanno nei sistemi di origine, a cura degli uffici competenti.",
		"I cannot change, insert or delete data: the assistant reads the data only. Corrections are made in the source systems by the offices in charge.")
}

// dataSummary says what the assistant can answer about.
func dataSummary(lang string) string {
	return tr(lang, "Posso rispondere su: imprese del Comune di Bologna (aperture, chiusure, saldo, imprese attive e registrate, tasso di crescita, quote di imprese femminili, giovanili, straniere e artigiane) per quartiere, zona, settore ATECO, forma giuridica, dimensione e periodo; cassa integrazione (domande, ore richieste e autorizzate, lavoratori); pratiche SUAP; contributi comunali alle imprese; e sui documenti del Comune (delibere, bandi, piani, report).",
		"I can answer about: businesses in the city of Bologna (openings, closures, net balance, active and registered companies, growth rate, shares of women-, youth-, foreign-led and craft firms) by district, zone, ATECO sector, legal form, size and period; wage supplementation (CIG: requests, hours, workers); SUAP permits; city grants to businesses; and the city's documents (resolutions, calls, plans, reports).")
}

func noDataReply(lang, subject string) string {
	return tr(lang, "Non ho questi dati: "+subject+" non è tra le fonti disponibili. ", "I don't have that data: "+subject+" is not among the available sources. ") + dataSummary(lang)
}

func whichBando(lang string) string {
	var ids []string
	for _, a := range currentCalls().aliases {
		ids = append(ids, a.id)
	}
	if len(ids) == 0 {
		return tr(lang, "Di quale bando? Indichi il codice del bando (non ho contributi caricati).",
			"Which call? Please give its code (no grants are loaded).")
	}
	return tr(lang, "Di quale bando? Indichi il codice (per esempio "+ids[len(ids)-1]+"). Bandi noti: "+strings.Join(ids, ", ")+".",
		"Which call? Please give its code (for example "+ids[len(ids)-1]+"). Known calls: "+strings.Join(ids, ", ")+".")
}
