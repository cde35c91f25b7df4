package planner

import (
	"regexp"
	"slices"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/comune-bologna/conoscenza/agent/catalog"
)

// writeVerbs ask to change data. The assistant only reads: such requests are refused whatever
// the role. They count only at the start of a request ("Elimina ...", "puoi cancellare ...")
// so that "pratiche di modifica" stays a question.
var writeVerbs = []string{"cancella", "cancellare", "elimina", "eliminare", "rimuovi", "rimuovere", "modifica",
	"modificare", "aggiorna", "aggiornare", "inserisci", "inserire", "aggiungi", "aggiungere", "sostituisci",
	"svuota", "correggi", "cambia", "imposta", "scrivi", "delete", "remove", "drop", "update", "insert", "modify",
	"change", "truncate", "erase", "add", "alter", "overwrite", "set", "azzera", "azzerare", "reset"}

// writePhrases ask to change data with a verb that alone asks nothing of the kind ("metti a
// zero le chiusure del 2020"; "metti a confronto" is a comparison).
var writePhrases = []string{"metti a zero", "mettere a zero", "porta a zero", "portare a zero", "metti a 0", "porta a 0",
	"set to zero", "set to 0"}

var politeLead = map[string]bool{"puoi": true, "potresti": true, "vorrei": true, "voglio": true, "per": true,
	"favore": true, "please": true, "can": true, "could": true, "you": true, "ti": true, "chiedo": true, "di": true,
	"i": true, "want": true, "to": true, "devi": true}

func (t *text) isWrite() bool {
	if i, _ := t.first(writePhrases...); i >= 0 && i < 5 {
		return true
	}
	for i, w := range t.tokens {
		if !politeLead[w] && !isWriteVerb(w) {
			return false
		}
		if isWriteVerb(w) {
			return i < 5
		}
	}
	return false
}

func isWriteVerb(w string) bool {
	for _, v := range writeVerbs {
		if w == v {
			return true
		}
	}
	return false
}

func (t *text) isCatalog() bool {
	return t.has("quali dati", "che dati", "quali informazioni hai", "cosa sai fare", "cosa puoi fare", "che cosa sai",
		"quali metriche", "che metriche", "quali argomenti", "su cosa posso", "che domande posso", "quali domande posso",
		"what data", "which data", "what can you", "what metrics", "what do you know", "catalogo", "catalog",
		// how the assistant itself works ("come funziona questo strumento?")
		"come funziona questo strumento", "come funziona questo assistente", "come funzioni", "come ti uso", "come si usa questo",
		"how does this tool work", "how do you work", "how do i use you") ||
		// how far the data go: "da quando ci sono i dati della cig?", "fino a quando sono
		// aggiornati i dati del registro?", "how recent is the data?"
		t.has("dati", "data") && t.has("da quando", "fino a quando", "a quando", "ultimo aggiornamento", "copertura", "partono",
			"arrivano", "since when", "until when", "how recent", "last updated", "coverage") &&
			!t.has("quante", "quanti", "numero", "how many", "entro", "deadline", "scadenza")
}

// staffIT and staffEN say that the firms' staff is not counted (a noData subject, also read
// from "quanti dipendenti" when firms are named).
const (
	staffIT = "il numero di addetti, totale o medio (posso contare le imprese per classe di addetti)"
	staffEN = "the number of employees, total or average (I can count companies by size class)"
)

// noData are the subjects the data do not cover, with what to say about them.
// noData's first entry is the weather (see noDataSubject).
var noData = []struct {
	words []string
	it    string
	en    string
}{
	{[]string{"meteo", "che tempo", "tempo fa", "tempo fara", "previsioni del tempo", "pioggia", "piovera", "temperatura", "temperature", "weather", "rain", "forecast"},
		"il meteo", "the weather"},
	{[]string{"popolazione", "abitanti", "residenti", "vivono", "abitano", "population", "inhabitants", "residents", "people live", "live in"},
		"la popolazione", "population"},
	{[]string{"fatturato", "fatturati", "fattura", "fatturano", "ricavi", "utile", "utili", "profitti", "bilancio", "bilanci", "revenue", "revenues", "turnover", "profit", "profits", "sales",
		"valore aggiunto", "pil", "export", "esportazioni", "exports", "value added", "gdp"},
		"il fatturato e i bilanci delle imprese", "company revenue and accounts"},
	{[]string{"fallite", "fallita", "fallito", "fallimento", "fallimenti", "procedure concorsuali", "procedura concorsuale",
		"bankrupt", "bankruptcy", "bankruptcies", "insolvency", "insolvencies"},
		"i fallimenti e le procedure concorsuali (posso dare le chiusure e le imprese in liquidazione)",
		"bankruptcies (I can give closures and companies in liquidation)"},
	{[]string{"unita locali", "unita locale", "local units", "local unit", "filiali", "branches", "operano altrove", "operano fuori",
		"sedi operative", "sede operativa"},
		"le unità locali (il Registro caricato ha le sedi d'impresa nel comune)",
		"local units (the register loaded has the companies' seats in the city)"},
	{[]string{"mutuo", "mutui", "credito bancario", "finanziamenti bancari", "mortgage", "bank credit"},
		"il credito bancario alle imprese", "bank lending to companies"},
	{[]string{"startup innovative", "start up innovative", "startup innovativa", "pmi innovative", "innovative startups", "innovative smes"},
		"le startup e le PMI innovative (sezione speciale del Registro; posso contare le imprese iscritte da meno di tre anni)",
		"innovative start-ups and SMEs (a special section of the register; I can count firms registered less than three years ago)"},
	{[]string{"imprese sociali", "impresa sociale", "terzo settore", "onlus", "enti del terzo settore", "social enterprises", "third sector"},
		"le imprese sociali e il terzo settore (posso contare le cooperative)", "social enterprises and the third sector (I can count cooperatives)"},
	{[]string{"paese di origine", "paesi di origine", "nazionalita", "cittadinanza", "country of origin", "nationality", "nationalities"},
		"la nazionalità dei titolari (posso distinguere le imprese straniere)", "the owners' nationality (I can tell foreign-led firms apart)"},
	{[]string{"over 65", "over 60", "over 50", "eta dei titolari", "eta del titolare", "eta media dei titolari", "titolari anziani", "owners age", "older owners"},
		"l'età dei titolari (posso distinguere le imprese giovanili)", "the owners' age (I can tell youth-led firms apart)"},
	{[]string{"tasso di sopravvivenza", "sopravvivenza delle imprese", "sopravvivenza delle nuove imprese", "survival rate"},
		"il tasso di sopravvivenza delle imprese (lo calcolo per le beneficiarie di un bando: «come sono andate le imprese del bando ...?»)",
		"the survival rate of companies (I compute it for the beneficiaries of a call: \"how did the firms of call ... do?\")"},
	{[]string{"entro un anno dall apertura", "entro un anno dall iscrizione", "entro il primo anno", "nel primo anno di vita",
		"nei primi anni di vita", "entro due anni dall apertura", "entro tre anni dall apertura", "dopo meno di un anno", "eta alla chiusura",
		"durata media delle imprese", "vita media delle imprese", "quanto vivono le imprese", "quanto durano le imprese", "quanto durano le aziende", "within a year of opening",
		"within their first year", "in their first year", "how long do firms last", "how long do companies last", "average lifespan", "age at closure"},
		"l'età delle imprese alla chiusura (posso dare le chiusure del periodo, per anzianità al momento dei dati, e le imprese attive per anno di iscrizione)",
		"companies' age at closure (I can give the period's closures, by age at the data's date, and active companies by registration year)"},
	{[]string{"piu di un contributo", "piu di un bando", "more than one grant"},
		"le imprese con più di un contributo (conto le imprese beneficiarie e l'importo concesso)",
		"companies with more than one grant (I count beneficiaries and the amount granted)"},
	{[]string{"pnrr", "fondi europei", "fondi ue", "fondi regionali", "contributi regionali", "fesr", "eu funds", "european funds"},
		"contributi diversi dai bandi del Comune (PNRR, fondi europei o regionali)",
		"grants other than the city's own calls (recovery plan, EU or regional funds)"},
	{[]string{"turisti", "turistici", "turistiche", "turismo", "pernottamenti", "arrivi", "tourists", "tourism", "tourist", "visitors", "overnight stays",
		"posti letto", "posto letto", "hotel beds", "bed places"},
		"i flussi turistici e la capacità ricettiva (posso contare gli alberghi e le altre strutture come imprese)",
		"tourism flows and accommodation capacity (I can count hotels and other accommodation as companies)"},
	{[]string{"disoccupazione", "disoccupati", "tasso di occupazione", "occupati", "unemployment", "unemployed", "employment rate", "jobless"},
		"l'occupazione e la disoccupazione", "employment and unemployment"},
	{[]string{"affitto medio", "affitti medi", "affitto commerciale", "affitti commerciali", "costa un affitto", "costo dell affitto",
		"canone di locazione", "metro quadro", "metro quadrato", "al mq", "square metre", "square meter", "in media l affitto", "costa in media", "prezzi degli affitti", "canoni", "prezzo al metro", "prezzi delle case", "average rent", "house prices", "rents",
		"sfitti", "sfitto", "sfitte", "sfitta", "vacanti", "negozi vuoti", "locali vuoti", "vacant", "empty shops"},
		"i prezzi e gli affitti degli immobili", "property prices and rents"},
	{[]string{"numero medio di addetti", "numero medio di dipendenti", "media degli addetti", "media dei dipendenti", "addetti medi",
		"dipendenti medi", "dimensione media", "average number of employees", "average employees", "average size",
		"addetti in media", "dipendenti in media", "dipendenti totali", "addetti totali", "totale dei dipendenti",
		"totale degli addetti", "numero totale di addetti", "numero totale di dipendenti", "total employees"},
		staffIT, staffEN},
	{[]string{"impresa piu grande", "azienda piu grande", "ditta piu grande", "impresa piu importante", "azienda piu importante",
		"largest company", "biggest company", "largest firm", "biggest firm", "largest employer", "maggiore datore di lavoro"},
		"la graduatoria delle singole imprese per dimensione (posso contare le imprese per classe di addetti; il fascicolo di un'impresa ne dà la classe)",
		"a ranking of single companies by size (I can count companies by size class; a company's dossier gives its class)"},
	{[]string{"reddito", "redditi", "income", "incomes", "stipendi", "stipendio", "salari", "salaries", "wages", "quanto guadagna", "quanto guadagnano",
		"earn", "earns", "piu ricco", "piu ricca",
		"piu ricchi", "piu povero", "piu povera", "ricchezza", "richest", "poorest", "wealthiest", "wealth"},
		"i redditi e le retribuzioni", "incomes and wages"},
	{[]string{"sito internet", "sito web", "siti web", "siti internet", "e commerce", "ecommerce", "vendono online", "vendite online",
		"website", "websites", "online sales", "online shop"},
		"la presenza online delle imprese (siti web, commercio elettronico)", "companies' online presence (websites, e-commerce)"},
	{[]string{"superbonus", "ecobonus", "bonus edilizi", "bonus edilizio", "credito d imposta", "crediti d imposta", "tax credit", "tax credits"},
		"gli incentivi fiscali nazionali (conosco i contributi dei bandi del Comune)",
		"national tax incentives (I know the grants of the city's own calls)"},
	{[]string{"evasione", "evadono", "evasori", "evasore", "tasse pagate", "imposte pagate", "tributi pagati", "tax evasion", "evade taxes", "taxes paid"},
		"i dati fiscali delle imprese (tasse, imposte, evasione)", "companies' tax data (taxes paid, evasion)"},
	{[]string{"brevetti", "brevetto", "marchi registrati", "patents", "patent", "trademarks"},
		"i brevetti e i marchi", "patents and trademarks"},
	{[]string{"certificazione iso", "certificazioni iso", "certificate iso", "certificazione di qualita", "certificazioni di qualita",
		"certificazione ambientale", "iso 9001", "iso 14001", "iso certified", "iso certification"},
		"le certificazioni delle imprese (qualità, ambiente)", "companies' certifications (quality, environment)"},
	{[]string{"cambiato sede", "cambiato indirizzo", "cambiato quartiere", "spostato la sede", "trasferito la sede", "trasferito la sede",
		"trasferimenti di sede", "traslocato", "traslocate", "moved their seat", "moved address", "relocated", "relocations",
		// any form of the verb: "si sono trasferite da Navile", "trasferitesi"
		"trasferite", "trasferiti", "trasferita", "trasferito", "trasferitesi", "trasferimento", "trasferimenti", "spostate", "spostati",
		"moved", "moves"},
		"i trasferimenti di sede (conto le imprese per quartiere alla data di ogni estratto del Registro)",
		"moves of a company's seat (I count companies by district at the date of each register extract)"},
	{[]string{"cambi di stato", "cambio di stato", "cambiamenti di stato", "cambiato stato", "passaggi di stato", "passate a inattive",
		"passate in liquidazione", "diventate inattive", "state changes", "changes of state", "status changes", "changed status",
		// "imprese passate da attive a inattive", "quante hanno cambiato forma giuridica"
		"passate da attive", "passate da attiva", "da attive a", "diventate sospese", "cambiato forma giuridica", "cambiato la forma giuridica",
		"cambi di forma giuridica", "cambio di forma giuridica", "trasformazioni societarie", "trasformazione societaria",
		"changed legal form", "changes of legal form"},
		"i cambi di stato delle imprese (conto le imprese per stato alla data di ogni estratto del Registro, e le chiusure del periodo)",
		"companies' changes of state (I count companies by state at the date of each register extract, and the period's closures)"},
	{[]string{"cessate ma ancora iscritte", "cessate ma ancora registrate", "chiuse ma ancora iscritte", "cessate ancora iscritte",
		"closed but still registered"},
		"le imprese cessate ancora iscritte al Registro (conto le imprese registrate per stato, le chiusure del periodo e il saldo)",
		"companies closed but still registered (I count registered companies by state, the period's closures and the balance)"},
	{[]string{"tempi medi", "tempo medi", "tempo medio di istruttoria", "tempi di istruttoria", "tempo di istruttoria", "tempi di rilascio", "tempi di risposta",
		"durata media delle pratiche", "durata delle pratiche", "processing time", "processing times", "how long does the suap"},
		"i tempi di istruttoria delle pratiche (conto le pratiche per tipo, settore ed esito, e quelle ancora in corso)",
		"the permits' processing times (I count permits by type, sector and outcome, and those still in progress)"},
	{[]string{"importo richiest*", "importi richiest*", "somme richiest*", "somma richiest*", "quanto hanno chiesto", "quanto e stato chiesto",
		"quanto e stato richiesto", "amount requested", "amounts requested", "requested amount"},
		"l'importo richiesto nelle domande di contributo (conto l'importo concesso, le imprese beneficiarie e il contributo medio)",
		"the amount requested in grant applications (I count the amount awarded, the beneficiaries and the average grant)"},
	{[]string{"reati", "criminalita", "furti", "crime", "crimes", "traffico", "traffic", "inquinamento", "smog", "pollution"},
		"la sicurezza, il traffico e l'ambiente", "crime, traffic and the environment"},
	// the other comuni of the metropolitan city, when a number is asked (a CIG request names its
	// firm's comune; "se sposto l'attività a Casalecchio ..." is for the documents): see noDataSubject
	{[]string{"casalecchio", "san lazzaro", "imola", "castel maggiore", "zola predosa", "pianoro", "granarolo", "castenaso", "budrio",
		"san giovanni in persiceto", "anzola", "calderara", "sasso marconi", "ozzano", "castel san pietro", "medicina", "molinella"},
		"altri comuni della città metropolitana: i dati riguardano il Comune di Bologna", "other comuni of the metropolitan city: the data cover the city of Bologna only"},
	{[]string{"roma", "milano", "torino", "napoli", "firenze", "modena", "parma", "venezia", "genova", "rome", "milan", "turin", "naples", "florence", "in italia", "in italy"},
		"altre città: i dati riguardano il Comune di Bologna", "other cities: the data cover the city of Bologna only"},
	{[]string{"emilia romagna", "regione", "in provincia", "provincia di", "citta metropolitana", "area metropolitana",
		"the region", "the province", "metropolitan area"},
		"altri territori (regione, provincia, città metropolitana): i dati riguardano il Comune di Bologna",
		"other areas (region, province, metropolitan city): the data cover the city of Bologna only"},
}

// streetRE finds a street or square named as a place ("in via Indipendenza", "in piazza
// Maggiore"): the data go down to the statistical area, not to streets. The name must be
// capitalised, so that "in via di definizione" is no street.
var streetRE = regexp.MustCompile(`\b(?i:in|nella|sulla|lungo|on)\s+(?i:via|viale|piazza|piazzale|vicolo|strada|largo|street|square)\s+(?:(?i:dell'|dell’|del|della|dei|degli|delle|di|de')\s*)?\p{Lu}`)

// noDataSubject returns what the question asks that the data lack, in the plan's language.
func (t *text) noDataSubject(lang string) (string, bool) {
	if streetRE.MatchString(t.raw) {
		return tr(lang, "il dettaglio per singola via o indirizzo (il più fine disponibile è l'area statistica)",
			"detail by street or address (the finest available is the statistical area)"), true
	}
	if t.has("tasso di natalita", "tasso di mortalita", "tasso natalita", "tasso mortalita", "tassi di natalita",
		"tassi di mortalita", "birth rate", "death rate", "mortality rate", "closure rate", "opening rate") {
		// a rate the catalog does not compute: its parts and the growth rate are there
		return tr(lang, "il tasso di natalità o di mortalità delle imprese (posso dare le aperture e le chiusure del periodo e il tasso di crescita, cioè il saldo sulle imprese registrate a inizio periodo)",
			"the birth or death rate of companies (I can give the period's openings and closures and the growth rate, the balance over the companies registered at the start)"), true
	}
	if (t.has(firmCountWords...) || t.has("imprese beneficiarie", "aziende beneficiarie", "beneficiarie di", "beneficiari di")) &&
		t.has(cigWords...) && t.has(grantWords...) && t.has("sia", "e", "and", "both", "anche", "poi", "dopo", "then", "after") &&
		!t.cigAfterCall() &&
		!t.has("confronta", "confronto", "rispetto", "compare", "compared", "vs", "versus") {
		// "quante imprese hanno avuto la cassa integrazione e un contributo?": firms in two
		// sources at once; each source is counted on its own
		return tr(lang, "l'incrocio tra fonti diverse, cioè le imprese che compaiono sia nelle domande di cassa integrazione sia tra le beneficiarie di contributi (posso dare le due cifre separatamente: le imprese che hanno chiesto la CIG e le beneficiarie dei contributi)",
			"crossing two sources, that is firms found both among the wage-supplementation requests and among the grant beneficiaries (I can give the two figures separately: firms that asked for CIG and grant beneficiaries)"), true
	}
	if t.has("guadagn*", "earn", "earns", "earnings") && t.has(firmWords...) {
		// "quanto guadagnano le imprese di Navile": the firms' turnover (a person's earnings
		// are the incomes below)
		return tr(lang, "il fatturato e i bilanci delle imprese", "company revenue and accounts"), true
	}
	if t.has(grantWords...) && grantThresholdRE.MatchString(catalog.Fold(t.raw)) {
		// "quante imprese hanno ricevuto più di 10000 euro di contributi?": the amounts are
		// summed, not counted per firm above a threshold
		return tr(lang, "le imprese per importo ricevuto sopra o sotto una soglia (posso dare l'importo concesso, le imprese beneficiarie e il contributo medio)",
			"companies by amount received above or below a threshold (I can give the amount awarded, the beneficiaries and the average grant)"), true
	}
	if t.firmsRanked() {
		// "le imprese che hanno usato di più la cig", "which companies received the most
		// grants?": the sources are summed by dimension, single firms are not ranked
		return tr(lang, "la classifica delle singole imprese per cassa integrazione o contributi (posso dare i totali per settore, quartiere, tipo o bando, e il fascicolo di un'impresa)",
			"a ranking of single companies by wage supplementation or grants (I can give the totals by sector, district, type or call, and a company's dossier)"), true
	}
	if t.has(cigWords...) && t.has("piu di una volta", "piu volte", "ripetutamente", "due volte", "more than once", "repeatedly", "several times") {
		// "quante imprese hanno chiesto la cig più di una volta?": distinct firms are counted,
		// not how often each asked
		return tr(lang, "quante volte ciascuna impresa ha chiesto la cassa integrazione (posso dare le domande e le imprese distinte che le hanno presentate)",
			"how many times each firm asked for wage supplementation (I can give the requests and the distinct firms that made them)"), true
	}
	if t.has("quanti addetti", "quanti dipendenti", "how many employees", "number of employees", "how many people work",
		"quante persone lavorano", "quante persone sono occupate", "quanti occupati", "quanti lavorano") &&
		(t.has(firmWords...) || len(t.fresh().readFilters("register")) > 0) && !t.has(cigWords...) && firmAfterVerb(t.raw) == "" {
		// the firms' staff, not "quanti dipendenti comunali verranno formati"
		return tr(lang, staffIT, staffEN), true
	}
	for i, n := range noData {
		if i == 0 && t.has(cigWords...) {
			continue // "cassa integrazione per eventi meteo" is a CIG reason, not the weather
		}
		if i == 0 && !t.has(weatherWords...) && t.fresh().readMetric().name != "" {
			continue // "the forecast for openings in 2027" is no weather (see forecast)
		}
		if strings.HasPrefix(n.it, "i flussi turistici") && (t.has(cigWords...) || t.has(grantWords...) || t.has("suap")) &&
			!t.has("turisti", "tourists", "visitors", "pernottamenti", "arrivi", "posti letto") {
			continue // "cig nel turismo", "contributi al turismo": the firms of tourism (ATECO I)
		}
		if n.it == staffIT && t.has(cigWords...) {
			continue // workers in CIG are counted
		}
		if strings.HasPrefix(n.it, "altri comuni") && (t.has(cigWords...) || !t.quantityCue()) {
			continue // CIG requests name their firm's comune ("domande di CIG di imprese di Imola")
		}
		if strings.HasPrefix(n.it, "il credito") && !t.quantityCue() {
			continue // "perché è difficile ottenere un prestito?" is for the documents (the microcredit protocol)
		}
		if strings.HasPrefix(n.it, "il fatturato") && balanceNotAccounts(t, n.words) {
			continue // "bilancio tra nuove imprese e chiusure" is the balance
		}
		if t.has(n.words...) {
			if lang == "en" {
				return n.en, true
			}
			return n.it, true
		}
	}
	return "", false
}

// balanceNotAccounts says whether "bilancio" means the balance of openings and closures
// ("bilancio tra nuove imprese e chiusure"), not a company's accounts.
func balanceNotAccounts(t *text, revenueWords []string) bool {
	others := slices.DeleteFunc(slices.Clone(revenueWords), func(w string) bool { return w == "bilancio" || w == "bilanci" })
	return t.has("bilancio", "bilanci") && !t.has(others...) &&
		(t.has("bilancio tra", "bilancio fra", "bilancio demografico", "bilancio netto") || t.has(openWords...) || t.has(closeWords...))
}

// Document cues: a question about what a text says rather than about a number.
var (
	docVerbs = []string{"cosa prevede", "cosa prevedeva", "cosa prevedono", "che cosa prevede", "cosa dice", "cosa dicono",
		"cosa diceva", "cosa stabilisce", "cosa stabiliscono", "cosa stabiliva", "cosa succede", "requisiti", "requisito",
		"ammissibili", "ammissibile", "chi puo", "chi possono", "come funziona", "come funzionano", "come si presenta",
		"come partecipare", "come si partecipa", "entro quando", "scadenza", "scadenze", "secondo il", "secondo la",
		"secondo le",
		// which measures exist for someone: the calls and plans say
		"quali aiuti", "che aiuti", "quali agevolazioni", "che agevolazioni", "quali incentivi", "quali misure", "che misure",
		"what support", "which support", "what help", "according to", "what does", "what do the", "rules", "requirements", "eligible costs", "deadline",
		"how does", "cosa contiene", "cosa riporta", "cosa emerge", "riguardo", "obiettivi del", "quali regole", "che regole",
		// why and how something is counted: the documents explain, the data do not
		"perche", "why", "come si conta", "come si contano", "come si calcola", "come si misura", "come vengono contat*",
		"come viene calcolat*", "how is it counted", "how are they counted", "how is it calculated", "how do you count",
		// what is typical is in the reports ("quanti dipendenti hanno di solito le aziende delle imprenditrici")
		"di solito", "solitamente", "in genere", "tipicamente", "usually", "typically",
		// aims and targets are in the plans (see also aims)
		"obiettivo", "obiettivi", "target",
		// people's age: the calls' results describe their applicants, the register has no owners' age
		"che eta", "eta media", "quanti anni avevano", "how old",
		// a call's budget and who may have it are in the call ("quanti soldi ha stanziato il Comune
		// per ...", "poteva avere i ristori se ...")
		"ha stanziato", "hanno stanziato", "stanziati per", "dotazione", "mette a disposizione", "messo a disposizione",
		"puo avere", "poteva avere", "possono avere", "potevano avere", "puo ottenere", "poteva ottenere",
		// a call's ceiling is in the call ("quanto è il contributo massimo del bando ...")
		"contributo massimo", "importo massimo", "massimale", "tetto massimo", "maximum grant", "maximum amount"}
	docNouns = []string{"delibera", "delibere", "regolamento", "regolamenti", "linee guida", "faq", "protocollo", "rapporto",
		"relazione", "documento", "documenti", "piano", "avviso", "incubatore", "regulation", "guidelines", "report", "plan",
		"resolution", "document", "documents", "voucher", "dehors", "tari", "microcredito", "mercatini", "gemello digitale",
		"osservatorio"}
)

func (t *text) docCue() bool { return t.has(docVerbs...) || t.aims() || t.docAsked() }

// docAsked says whether the question asks whether documents of a kind exist ("ci sono delibere
// sulla TARI per le nuove attività?", "esiste un regolamento per i dehors?", "are there any
// guidelines ..."): the documents answer, whatever numbers their subject names.
func (t *text) docAsked() bool {
	kinds := []string{"delibera", "delibere", "regolamento", "regolamenti", "piano", "piani", "bando", "bandi", "avviso", "avvisi",
		"protocollo", "protocolli", "linee guida", "documento", "documenti", "atto", "atti", "norme", "regole",
		"resolution", "resolutions", "regulation", "regulations", "guidelines", "plan", "plans", "document", "documents", "rules"}
	for _, lead := range []string{"ci sono", "c e", "ce", "esiste", "esistono", "avete", "abbiamo", "is there", "are there"} {
		for i := t.find(lead, 0); i >= 0; i = t.find(lead, i+1) {
			k := i + len(strings.Fields(lead))
			for n := 0; n < 2; n++ {
				switch t.tok(k) {
				case "un", "una", "uno", "dei", "delle", "degli", "gli", "le", "il", "la", "any", "a", "some", "the", "gia":
					k++
				}
			}
			if t.startsAny(k, kinds) {
				return true
			}
		}
	}
	return false
}

// aims says whether the question asks what the city means to do ("quante vetrine sfitte
// vogliamo riaprire entro il 2027?"), which the plans say; "vogliamo sapere quante imprese" asks
// for a number.
func (t *text) aims() bool {
	for i, w := range t.tokens {
		if w != "vogliamo" && w != "vuole" && w != "intende" && w != "intendiamo" && w != "vuol" {
			continue
		}
		switch t.tok(i + 1) {
		case "sapere", "conoscere", "vedere", "capire", "avere", "dire", "il", "la", "i", "le", "un", "una":
		default:
			return true
		}
	}
	return false
}
func (t *text) docNoun() bool {
	if !t.has(docNouns...) {
		return false
	}
	if others := slices.DeleteFunc(slices.Clone(docNouns), func(w string) bool { return w == "voucher" || w == "avviso" }); !t.has(others...) &&
		(t.has(recipientWord...) || t.has(averageGrantWords...) || t.has("importo", "importi", "concesso", "concessi", "erogato", "erogati")) {
		// "beneficiari del voucher digitale": a call's recipients and amounts are in the grants'
		// data (what the call provides stays with the documents: "cosa prevede il voucher")
		return false
	}
	// "rapporto tra chiusure e aperture", "in rapporto alle imprese attive", "in relazione al
	// numero di imprese": a ratio or a reference, not a report, when no other document is named
	for _, ph := range []string{"rapporto tra", "rapporto fra", "in rapporto a", "in rapporto al", "in rapporto alle", "in rapporto ai",
		"in rapporto agli", "in rapporto all", "in relazione a", "in relazione al", "in relazione alle", "in relazione ai", "in relazione all"} {
		if i := t.find(ph, 0); i >= 0 {
			rest := slices.Clone(t.tokens)
			rest[i] = ""
			if i+1 < len(rest) && rest[i+1] == "relazione" {
				rest[i+1] = ""
			}
			return (&text{tokens: rest}).has(docNouns...)
		}
	}
	return true
}

// quantityCue says the question asks for a number.
func (t *text) quantityCue() bool {
	return t.has("quante", "quanti", "quanta", "numero", "number", "how many", "how much", "quota", "percentuale", "tasso",
		"andamento", "trend", "totale", "conta quante", "conta quanti", "contami", "count", "saldo", "share", "ci sono", "esistono", "aumentat*", "diminuit*",
		"cresciut*", "calat*", "increased", "decreased", "grown", "fell", "rose", "more", "fewer",
		"in aumento", "in calo", "in diminuzione", "in crescita", "aumentano", "diminuiscono", "calano", "crescono", "stanno calando",
		"stanno aumentando", "increasing", "decreasing", "declining", "rising", "falling", "ce ne sono", "ce n e",
		"importo medio", "contributo medio", "importo totale", "importo complessivo", "average grant", "total amount",
		// "chi ha più imprese giovanili tra Navile e Savena?": which of the places has more
		"chi ha piu", "chi ha meno", "chi ne ha piu", "chi ne ha meno", "who has more", "who has fewer", "who has the most", "who has the least") ||
		t.moneyAsked()
}

// moneyAsked says whether "quanto" asks for an amount given or spent ("quanto ha erogato il
// Comune con il voucher digitale", "quanto abbiamo speso in contributi"), not "quanto tempo".
func (t *text) moneyAsked() bool {
	for i, w := range t.tokens {
		if w != "quanto" {
			continue
		}
		for k := i + 1; k <= i+3; k++ {
			switch tk := t.tok(k); {
			case strings.HasPrefix(tk, "erogat"), strings.HasPrefix(tk, "spes"), strings.HasPrefix(tk, "concess"), tk == "dato", tk == "dati",
				strings.HasPrefix(tk, "distribuit"), tk == "erogato", tk == "speso", strings.HasPrefix(tk, "pagat"):
				return true
			}
		}
	}
	return false
}

var platCues = []string{"platea", "potrebbero partecipare", "potrebbe partecipare", "potenziali beneficiari", "potenziali beneficiarie",
	"rientrerebbero", "rientrano nei requisiti", "raggiungerebbe", "potremmo raggiungere", "possiamo raggiungere",
	"a quante imprese arriva", "a quante imprese arriverebbe", "quante imprese raggiunge", "eligible", "could apply",
	"would qualify", "potential beneficiaries", "potrebbero candidarsi", "potrebbero accedere", "avrebbero diritto",
	"se facessimo", "se facciamo", "se facesse", "se il comune facesse", "if we launched", "if we ran",
	"potenzialmente interessat*", "potrebbero essere interessat*", "interessate da un bando", "interessate a un bando",
	"destinatarie di un bando", "destinatari di un bando", "could be interested", "potentially eligible"}

var listCues = []string{"elenco", "elenca", "lista", "codici fiscali", "nomi delle", "nominativi", "list of", "names of", "tax codes",
	// "esporta le imprese attive di Navile": a list to download, not the firms' exports
	"esporta", "esportami", "scarica", "scaricami", "export the", "download the", "elenchi", "elencami", "elencate",
	"chi sono le", "chi sono gli", "who are the",
	// "list the youth-led companies in Savena"
	"list the", "list all"}

func (t *text) isPlatea() bool { return t.has(platCues...) }

func (t *text) wantsList() bool {
	if i, n := t.first(listCues...); i >= 0 {
		// "list the zones of Savena by active firms": the zones are listed, a breakdown
		k := i + n
		for articles[t.tok(k)] || t.tok(k) == "le" || t.tok(k) == "gli" || t.tok(k) == "dei" || t.tok(k) == "delle" || t.tok(k) == "degli" || t.tok(k) == "the" {
			k++
		}
		if t.rankedDimAt(k) && !t.startsAny(k, firmWords) {
			return false
		}
	}
	return t.has(listCues...) && (t.has(firmWords...) || t.has(firmNouns...) || t.has("titolari", "titolare", "owners"))
}

var outcomeCues = []string{"come sono andate", "come sono andati", "come e andata", "come e andato", "che fine hanno fatto",
	"ancora attive", "ancora attivi", "ancora aperte", "ancora aperti", "sopravvissute", "sopravvivenza", "impatto", "effetto",
	"effetti", "risultati hanno", "che risultati", "how did", "fared", "afterwards", "impact", "still active", "still open",
	"survived", "outcome of", "esito del bando per le imprese", "che esito ha avuto", "che esiti ha avuto",
	// "com'è andato il bando giovani imprese 2023?", "i ristori del 2021 hanno funzionato?", "esito del bando B-2024-01"
	"com e andato", "com e andata", "com sono andate", "com sono andati", "hanno funzionato", "ha funzionato", "e servito", "sono serviti",
	"did it work", "did they work", "esito del bando", "esiti del bando", "l esito del",
	"hanno resistito", "hanno retto", "sono rimaste aperte", "sono rimaste attive", "are still around", "held up"}

// helpedCues ask whether a call helped its firms ("il bando fondo affitti ha aiutato le imprese
// a sopravvivere?"): its outcome, but only when a known call is named ("quali bandi hanno
// aiutato le imprese giovanili?" asks which calls exist).
var helpedCues = []string{"ha aiutato", "hanno aiutato", "ha salvato", "hanno salvato", "a sopravvivere", "did it help", "helped", "help"}

// firmsRanked says whether single firms are ranked by a CIG or grant measure ("quali imprese
// hanno ricevuto più contributi", "le 10 aziende con più ore di cig"), with no dimension to rank.
func (t *text) firmsRanked() bool {
	if !(t.has(cigWords...) || t.has(grantWords...)) || t.has("quante", "quanti", "how many", "how much") ||
		!t.has("piu", "most", "maggior", "maggiori") || firmBoundRE.MatchString(t.String()) {
		return false
	}
	if !t.has("quali imprese", "quali aziende", "quali ditte", "quali sono le imprese", "quali sono le aziende", "which companies",
		"which firms", "which businesses", "le imprese che hanno", "le aziende che hanno", "imprese con piu", "aziende con piu",
		"companies with the most", "firms with the most") && !firmTopRE.MatchString(t.String()) {
		return false
	}
	return len(t.fresh().readGroups("cig")) == 0 && len(t.fresh().readGroups("contributi")) == 0
}

var (
	// firmBoundRE is a size bound ("imprese con più di 10 addetti"), not a ranking
	firmBoundRE = regexp.MustCompile(`(piu|more) (di|than) \d`)
	// firmTopRE is "le 10 imprese con più ...", "top 5 companies"
	firmTopRE = regexp.MustCompile(`(le|prime|top|the) \d+ (imprese|aziende|ditte|companies|firms)`)
)

// cigAfterCall says whether a named call's beneficiaries are asked about the CIG after it
// ("le beneficiarie del bando botteghe hanno chiesto la cig dopo il contributo?"): the call's
// outcome gives the share that did.
func (t *text) cigAfterCall() bool {
	return t.has(cigWords...) && t.has("dopo il contributo", "dopo aver ricevuto", "dopo il bando", "dopo averlo ricevuto", "after the grant",
		"after receiving") && (callIDIn(t.raw) != "" || t.has("bando", "fondo", "voucher", "call") && t.bando() != "")
}

func (t *text) isOutcome() bool {
	return t.has(outcomeCues...) || t.cigAfterCall() || t.has(helpedCues...) && !t.has("quali", "quale", "which", "what") && t.bando() != ""
}

// bandoAlias is a call known by the telling words of its title (calls.go); an explicit id
// always wins.
type bandoAlias struct {
	id    string
	year  int
	words [][]string // every group must match one of its words
}

var yearRE = regexp.MustCompile(`\b(19|20)\d{2}\b`)

// sameCalls returns, for a call found by its words without a year, the calls with the very
// same words (the covid relief of 2020 and of 2021): a total over "i ristori covid" is over both.
func (t *text) sameCalls(id string) []string {
	years := map[int]bool{}
	for _, y := range yearRE.FindAllString(t.raw, -1) {
		n, _ := strconv.Atoi(y)
		years[n] = true
	}
	if callIDIn(t.raw) != "" || len(years) == 1 {
		return []string{id}
	}
	var words [][]string
	for _, a := range currentCalls().aliases {
		if a.id == id {
			words = a.words
		}
	}
	var out []string
	for _, a := range currentCalls().aliases {
		// "i ristori covid del 2020 e del 2021": the calls of the same words in the years named
		if slices.EqualFunc(a.words, words, slices.Equal) && (len(years) == 0 || years[a.year]) {
			out = append(out, a.id)
		}
	}
	if len(out) == 0 {
		return []string{id}
	}
	return out
}

// bando finds the call a question names: an explicit id, else the alias whose words match and
// whose year is the one asked (without a year, the most recent matching call).
func (t *text) bando() string {
	if m := callIDIn(t.raw); m != "" {
		return m
	}
	asked := 0
	if m := yearRE.FindString(t.raw); m != "" {
		asked, _ = strconv.Atoi(m)
	}
	best, bestScore := "", 0
	for _, a := range currentCalls().aliases {
		ok, score := true, 0
		for _, g := range a.words {
			ok = ok && t.has(g...)
			for _, w := range g {
				if t.has(w) {
					score++
				}
				// "le beneficiarie del fondo affitti erano femminili?": the words naming the call
				// follow its noun, the nearer the likelier; the others describe firms
				score += t.afterCallNoun(w)
			}
		}
		// the call's title, word by word: "il bando giovani imprese" is the 2023 call's title,
		// "il contributo per la digitalizzazione" the voucher's
		// (by words a filter reads, "imprese giovanili hanno vinto un bando", only with its
		// known words)
		ts, free := t.titleScore(a.id)
		if !ok && free == 0 {
			ts = 0
		}
		score += ts
		if !ok && ts == 0 || asked != 0 && asked != a.year {
			continue
		}
		if asked != 0 {
			return a.id
		}
		// the call more of whose words occur ("botteghe storiche" is the 2024 call, not the
		// 2025 "botteghe di quartiere"); on a tie the later entry, which is more recent
		if score >= bestScore {
			best, bestScore = a.id, score
		}
	}
	if best == "" && asked != 0 && t.callOfYear() {
		// "il bando del 2023 come è andato?": the one call of that year
		var ids []string
		for _, a := range currentCalls().aliases {
			if a.year == asked {
				ids = append(ids, a.id)
			}
		}
		if len(ids) == 1 {
			return ids[0]
		}
	}
	return best
}

// callOfYear says whether a call is named by its year alone ("il bando del 2023", "the 2023
// call"), not a period of the question ("contributi 2023 per bando").
func (t *text) callOfYear() bool {
	for i, w := range t.tokens {
		if w != "bando" && w != "avviso" && w != "call" {
			continue
		}
		k := i + 1
		if t.tok(k) == "del" || t.tok(k) == "of" {
			k++
		}
		if _, ok := year(t.tok(k)); ok {
			return true
		}
		if _, ok := year(t.tok(i - 1)); ok && (t.tok(i-2) == "the" || t.tok(i-2) == "il") {
			return true
		}
	}
	return false
}

// afterCallNoun scores how closely the phrase follows a call's noun: 2 right after it ("fondo
// affitti"), 1 a word later, else 0.
func (t *text) afterCallNoun(phrase string) int {
	best := 0
	for i := t.find(phrase, 0); i >= 0; i = t.find(phrase, i+1) {
		for d := 1; d <= 2; d++ {
			switch t.tok(i - d) {
			case "bando", "bandi", "fondo", "voucher", "avviso", "call", "misura":
				best = max(best, 3-d)
			}
		}
	}
	return best
}

// grantThresholdRE is an amount bound in euro ("più di 10000 euro", "oltre 5.000 €", "over
// 10,000 euros").
var grantThresholdRE = regexp.MustCompile(`(?:piu di|oltre|sopra i?|almeno|meno di|sotto i?|more than|over|at least|less than|under)\s+(?:€\s*)?\d[\d.,]*\s*(?:mila\s*)?(?:euro|€|eur)`)

var dossierCues = []string{"ha la ditta", "ha l impresa", "ha l azienda", "ha la societa", "fascicolo", "scheda dell impresa", "scheda impresa", "scheda della ditta", "scheda dell azienda",
	"mostrami l impresa", "mostrami la ditta", "mostrami l azienda", "fammi vedere l impresa", "dimmi tutto su",
	"dimmi tutto sull impresa", "company profile", "profile of company", "mostrami la scheda", "fammi la scheda", "visura camerale", "visura", "company record", "profile of the company", "profilo dell impresa", "dossier", "informazioni sull impresa", "tell me about the company",
	"show me the company", "chi e l impresa", "dati dell impresa"}

// sheetOfFirm reads a company's sheet with words between ("la scheda completa della ditta
// Rossi", "l'anagrafica aggiornata dell'impresa X", "the full profile of the company X").
func (t *text) sheetOfFirm() bool {
	for i, w := range t.tokens {
		told := w == "tutto" && (t.tok(i-1) == "dimmi" || t.tok(i-1) == "sapere" || t.tok(i-1) == "raccontami") ||
			w == "everything" && t.tok(i-1) == "me"
		if w != "scheda" && w != "anagrafica" && w != "profilo" && w != "profile" && w != "record" && w != "informazioni" &&
			w != "dettagli" && w != "details" && !told {
			// "dimmi tutto sulla ditta Bianchi snc", "informazioni sull'azienda X"
			continue
		}
		for k := i + 1; k <= i+4; k++ {
			switch t.tok(k) {
			case "ditta", "impresa", "azienda", "societa", "company", "firm", "business":
				return true
			}
		}
	}
	return false
}

// dossierKey returns the codice fiscale or the name a dossier request names.
func (t *text) dossierKey() (cf, name string, ok bool) {
	cue := t.has(dossierCues...) || t.sheetOfFirm()
	// a codice fiscale alone is a request for that company ("93453560158")
	alone := len(t.read) == 1 && t.read[0] == "codicefiscale"
	if m := cfRE.FindString(t.raw); m != "" && (cue || alone || t.has("codice fiscale", "partita iva", "tax code")) {
		return strings.ToUpper(m), "", true
	}
	if !cue {
		// "che contributi ha ricevuto Trabelsi Amel?": one firm, named after its verb
		if name := firmAfterVerb(t.raw); name != "" {
			return "", name, true
		}
		return "", "", false
	}
	// the name: the upper-case words (or the words after the cue) of the question as asked
	words := strings.Fields(punct.Replace(t.raw))
	var parts []string
	for _, w := range words {
		if isUpperWord(w) {
			parts = append(parts, strings.Trim(w, "'’.\""))
		} else if len(parts) > 0 {
			break
		}
	}
	if len(parts) == 0 {
		for i, w := range words {
			lw := strings.ToLower(w)
			if k := strings.LastIndexAny(lw, "'’"); k >= 0 { // "dell'impresa"
				_, size := utf8.DecodeRuneInString(lw[k:])
				lw = lw[k+size:]
			}
			if lw == "impresa" || lw == "l'impresa" || lw == "ditta" || lw == "azienda" || lw == "l'azienda" || lw == "company" || lw == "su" || lw == "about" {
				parts = words[i+1:]
			}
		}
		// "fascicolo d'impresa di Rossi Costruzioni": the preposition is not the name
		for len(parts) > 1 && namePrepositions[strings.ToLower(parts[0])] {
			parts = parts[1:]
		}
	}
	if len(parts) == 0 {
		// "dossier Bianchi Srl": the capitalised words after the first
		for i, w := range words {
			if r, _ := utf8.DecodeRuneInString(w); i > 0 && unicode.IsUpper(r) {
				parts = append(parts, strings.Trim(w, "'’.\""))
			} else if len(parts) > 0 {
				break
			}
		}
	}
	return "", strings.TrimSpace(strings.Join(parts, " ")), true
}

// namePrepositions may stand between a dossier cue and the company's name.
var namePrepositions = map[string]bool{"di": true, "del": true, "della": true, "dello": true, "of": true, "denominata": true,
	"chiamata": true, "named": true, "called": true}

func isUpperWord(w string) bool {
	letters := 0
	for _, r := range w {
		if r >= 'a' && r <= 'z' {
			return false
		}
		if r >= 'A' && r <= 'Z' {
			letters++
		}
	}
	return letters >= 2 || (letters == 1 && len(w) == 1)
}

// receiveVerbs have one firm as their subject ("ha ricevuto", "ha ottenuto"): the capitalised
// words after them name it.
var receiveVerbs = map[string]bool{"ricevuto": true, "ottenuto": true, "avuto": true, "preso": true, "incassato": true}

// notFirmNames are capitalised words that name no firm ("lavorano per il Comune").
var notFirmNames = map[string]bool{"comune": true, "bologna": true, "regione": true, "stato": true, "camera": true, "inps": true}

// firmAfterVerb returns the name of a firm written with capitals after a verb whose subject or
// object is one firm: "quanto ha ricevuto la Pizzeria del Portico?", "quanti dipendenti ha X"
// (the dossier has the size class), "what grants did X receive?", "how many people work for
// X?"; unless the words are a place, a call or a period the planner knows; else "".
// firmNounBeforeName are the nouns that may stand between a verb and a firm's name.
var firmNounBeforeName = map[string]bool{"ditta": true, "impresa": true, "azienda": true, "societa": true, "società": true,
	"company": true, "firm": true}

func firmAfterVerb(raw string) string {
	words := strings.Fields(punct.Replace(raw))
	lower := func(k int) string {
		if k < 0 || k >= len(words) {
			return ""
		}
		return strings.ToLower(words[k])
	}
	for i := 1; i+1 < len(words); i++ {
		prev, w := lower(i-1), lower(i)
		switch {
		case prev == "ha" && receiveVerbs[w],
			(prev == "dipendenti" || prev == "addetti" || prev == "employees") && (w == "ha" || w == "has"),
			(prev == "work" || prev == "works" || prev == "lavorano" || prev == "lavora") && (w == "for" || w == "at" || w == "per" || w == "presso"),
			w == "did" || w == "does":
		default:
			continue
		}
		k := i + 1
		// "ha ricevuto la ditta Bianchi", "l'impresa Rossi": the article and the firm's noun
		// before its name
		for k < len(words) && (articles[lower(k)] || firmNounBeforeName[strings.TrimLeft(strings.TrimPrefix(strings.TrimPrefix(lower(k), "l'"), "l’"), "'’")]) {
			k++
		}
		var parts []string
		for ; k < len(words); k++ {
			wd := strings.Trim(words[k], "'’.\"")
			r, _ := utf8.DecodeRuneInString(wd)
			lw := strings.ToLower(wd)
			if unicode.IsUpper(r) || len(parts) > 0 && (namePrepositions[lw] || lw == "srl" || lw == "spa" || lw == "snc" || lw == "sas") {
				parts = append(parts, wd)
				continue
			}
			break
		}
		for len(parts) > 0 && namePrepositions[strings.ToLower(parts[len(parts)-1])] {
			parts = parts[:len(parts)-1]
		}
		if (w == "did" || w == "does") && !slices.Contains([]string{"receive", "get", "obtain", "have", "employ"}, lower(k)) {
			continue // "what grants did X receive?": the verb after the name says it is the subject
		}
		if len(parts) == 0 || notFirmNames[strings.ToLower(parts[0])] {
			continue
		}
		name := strings.Join(parts, " ")
		probe := newText(name)
		var fs filterSet
		probe.readPlaces(&fs)
		if len(fs.list) > 0 || callIDIn(name) != "" || probe.bando() != "" || probe.mentionsPeriod() {
			return ""
		}
		return name
	}
	return ""
}
