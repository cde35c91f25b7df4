package planner

import (
	"regexp"
	"strings"
	"time"

	"github.com/comune-bologna/conoscenza/agent/semantic"
)

// Requests the assistant declines whatever the role (session 11): hand-written SQL, people's
// personal data, and forecasts.

// sqlRE finds a SELECT statement typed into the question.
var sqlRE = regexp.MustCompile(`(?is)\bselect\b.+\bfrom\b`)

// freeSQL says whether the question asks to run a query the user wrote ("esegui questa query:
// SELECT ...", "run this SQL"): the assistant reads the data only through the catalog's metrics.
func (t *text) freeSQL() bool {
	return sqlRE.MatchString(t.raw) || t.has("sql", "esegui la query", "esegui questa query", "esegui la seguente query",
		"lancia la query", "lancia questa query", "run this query", "run the query", "run the following query", "execute this query",
		"execute the query")
}

func sqlRefusal(lang string) string {
	return tr(lang, "Non posso eseguire query SQL scritte a mano: l'assistente legge i dati solo attraverso le metriche del catalogo. Mi chieda il dato a parole (per esempio «quante imprese attive ci sono a Navile?»); «quali dati hai?» dà l'elenco delle metriche.",
		"I cannot run hand-written SQL queries: the assistant reads the data only through the catalog's metrics. Ask for the figure in words (for example \"how many active firms are there in Navile?\"); \"what data do you have?\" lists the metrics.")
}

// contactWords are people's contact details; nameWords ask who the people behind a firm are.
var (
	contactWords = []string{"numero di telefono", "numeri di telefono", "telefono", "telefoni", "cellulare", "cellulari", "recapito",
		"recapiti", "email", "e mail", "mail", "pec", "indirizzo di casa", "indirizzi di casa", "dove abita", "dove abitano",
		"phone number", "phone numbers", "telephone", "mobile number", "email address", "email addresses", "home address",
		"contact details"}
	nameWords = []string{"nome e cognome", "nomi e cognomi", "nomi dei titolari", "nome del titolare", "nomi delle titolari",
		"nome della titolare", "chi e il titolare", "chi e la titolare", "chi sono i titolari", "chi sono le titolari", "nomi dei soci",
		"nome dei soci", "nomi degli imprenditori", "nomi delle imprenditrici", "names of the owners", "name of the owner",
		"owners names", "owner s name", "who owns", "who is the owner", "who are the owners",
		"chi e il proprietario", "chi e la proprietaria", "chi sono i proprietari", "chi sono i soci", "chi e il socio",
		"chi e l amministratore", "chi sono gli amministratori", "chi e il legale rappresentante",
		"elenco delle persone", "lista delle persone", "elenco dei titolari", "lista dei titolari", "elenco delle titolari",
		"elenco dei soci", "lista dei soci", "list of the people", "list of people", "list of the owners",
		"elenca i titolari", "elencami i titolari", "elenco titolari", "lista titolari", "elenca le titolari", "elenca i soci",
		"list the owners", "list owners", "list the partners", "list the shareholders"}
	// personalAttrs are what identifies a person; asked of the people behind firms ("il codice
	// fiscale dei titolari", "gli indirizzi dei soci", "the tax codes of the owners") they are
	// personal data. A firm's own codice fiscale, as the register publishes it, is not: "elenco
	// codici fiscali delle imprese giovanili" names no person.
	personalAttrs = []string{"codice fiscale", "codici fiscali", "cf", "c f", "nome", "nomi", "cognome", "cognomi", "nominativo", "nominativi",
		"indirizzo", "indirizzi", "residenza", "domicilio", "data di nascit*", "date di nascit*", "luogo di nascit*",
		"tax code", "tax codes", "fiscal code", "fiscal codes", "name", "names", "surname", "surnames", "address", "addresses",
		"date of birth", "dates of birth"}
	personWords = []string{"titolare", "titolari", "socio", "soci", "imprenditore", "imprenditori", "imprenditrice", "imprenditrici",
		"proprietario", "proprietari", "proprietaria", "amministratore", "amministratori", "legale rappresentante",
		"rappresentante legale", "owner", "owners", "founder", "founders", "entrepreneur", "entrepreneurs", "business owners",
		"persona", "persone", "persons", "people", "partner", "partners", "shareholders", "soci lavoratori",
		// the people working in a firm ("i nomi dei dipendenti della Rossi srl")
		"dipendenti", "dipendente", "lavoratori", "lavoratrici", "collaboratori", "employees", "employee", "workers", "staff members"}
)

// personalData says whether the question asks for people's personal data: the names behind
// firms, or the contact details of owners or firms ("il numero di telefono del titolare di
// ROSSI SRL", "nome e cognome delle titolari"). An office's contacts ("l'email del SUAP") are
// for the documents.
func (t *text) personalData() bool {
	return t.has(nameWords...) || t.has(contactWords...) && (t.has(personWords...) || t.has(firmWords...) || t.has(firmNouns...) ||
		t.has("ditta", "esercizio", "negozio", "locale")) ||
		t.has(personalAttrs...) && t.has(personWords...)
}

func personalRefusal(lang string) string {
	return tr(lang, "Non posso fornire dati personali (nomi delle persone, recapiti, indirizzi): l'assistente conta le imprese e le loro caratteristiche. Il fascicolo di un'impresa, per il personale abilitato, riporta i dati del Registro, dei contributi e delle pratiche.",
		"I cannot give personal data (people's names, contact details, addresses): the assistant counts companies and their characteristics. A company's dossier, for authorised staff, gives its register, grant and permit data.")
}

// forecastWords ask for a forecast; futureWords are verbs in the future tense and periods to
// come.
var (
	forecastWords = []string{"previsione", "previsioni", "prevedi", "prevedere", "prevedete", "proiezione", "proiezioni", "stima per",
		"stime per", "forecast", "forecasts", "predict", "prediction", "predictions", "projection", "projections"}
	futureWords = []string{"apriranno", "chiuderanno", "cesseranno", "nasceranno", "cresceranno", "aumenteranno", "diminuiranno",
		"caleranno", "saliranno", "scenderanno", "chiederanno", "richiederanno",
		"anno prossimo", "prossimo anno", "prossimi anni", "prossimi mesi", "mese prossimo", "prossimo mese", "prossimo trimestre",
		"prossimo semestre", "next year", "next month", "next quarter", "coming years", "coming months",
		"will open", "will close", "will grow", "will rise", "will fall", "will increase", "will decrease", "will decline",
		"will go up", "will go down", "will * open", "will * close", "will * grow", "will * rise", "will * fall", "will * increase",
		"will * decrease", "will * decline", "will * go up", "will * go down", "will there be"}
	// weatherWords keep "previsioni del tempo" for the weather's no-data reply
	weatherWords = []string{"meteo", "tempo", "pioggia", "piovera", "temperatura", "temperature", "weather", "rain"}
)

// forecast says whether a number is asked about the future ("quante imprese apriranno l'anno
// prossimo?", "fammi una previsione delle chiusure nel 2027", "will closures go up next year?"):
// the data describe the past, to the last complete month.
func (t *text) forecast(now time.Time) bool {
	// "quando saranno erogati i contributi?" asks a date the documents give
	// "entro quando", "entro che data" ask a date; "entro fine anno" is a period to come
	dateAsked := t.has("quando", "when", "entro quando", "entro che", "entro quale", "entro il giorno", "by when")
	if t.has(weatherWords...) || dateAsked || t.fresh().readMetric().name == "" && !t.has(firmWords...) {
		return false
	}
	if t.has(forecastWords...) || t.has(futureWords...) {
		return true
	}
	per := t.fresh().period(now)
	return per.found && !per.from.IsZero() && per.from.Year() > now.Year()
}

func forecastSubject(lang string) string {
	return tr(lang, "una previsione sul futuro (i dati arrivano all'ultimo mese completo; posso dare l'andamento degli anni passati, per esempio «andamento delle chiusure anno per anno»)",
		"a forecast (the data reach the last complete month; I can give the trend of past years, for example \"closures year by year\")")
}

// The one-word forecasts and verbs are corrected when mistyped ("prevedi" is not "prevede").
func init() {
	// "posti letto" is no "saldo netto"
	addVocabulary("letto")
	for _, l := range [][]string{forecastWords, futureWords, personWords, nameWords} {
		for _, w := range l {
			if !strings.Contains(w, " ") {
				addVocabulary(w)
			}
		}
	}
}

// yearToDate is the query of a forecast asked of the current year ("quante imprese chiuderanno
// nel 2026?" in November 2026): the same measure from the year's start to the last complete
// month. ok is false when the period asked is not the current year or the measure is a stock.
func (p *Planner) yearToDate(t *text, now time.Time) (semantic.Query, bool) {
	f := t.fresh()
	per := f.period(now)
	end := lastCompleteMonthEnd(now)
	if !per.found || per.from.IsZero() || per.from.Year() != now.Year() || !per.to.IsZero() && per.to.Year() != now.Year() ||
		end.Year() != now.Year() {
		return semantic.Query{}, false
	}
	q := p.query(t.fresh(), now)
	switch {
	case f.has("chiuderanno", "cesseranno", "will close", "will * close"):
		q.Metric = "chiusure" // the flows' verbs in the future are no measure of the catalog
	case f.has("apriranno", "nasceranno", "will open", "will * open"):
		q.Metric = "aperture"
	}
	if q.Metric == "" || isStock(q.Metric) || q.Metric == "quota" || q.Metric == "tasso_crescita" {
		return semantic.Query{}, false
	}
	q.From, q.To, q.CompareTo = dateString(day(now.Year(), 1, 1)), dateString(end), ""
	return q, true
}

func yearToDateReply(lang string) string {
	return tr(lang, "Non ho questi dati: non faccio previsioni, i dati arrivano all'ultimo mese completo. Per l'anno in corso posso darle il dato da inizio anno fino all'ultimo mese completo: risponda «sì» o chieda per esempio «chiusure da inizio anno».",
		"I don't have that data: I make no forecasts, the data reach the last complete month. For the current year I can give the figure from the start of the year to the last complete month: answer \"yes\" or ask, for example, \"closures so far this year\".")
}
