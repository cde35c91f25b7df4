package retrieval

import (
	"regexp"
	"strings"
)

// expandedQuery is what a question is searched with. The city's documents are Italian and
// written in the administration's words; questions come in English too, and in the words a
// decision-maker speaks ("entro quando", "quanto costa", "chi può"), which a passage rarely
// uses ("termine", "tariffa", "requisiti"). Full-text search and the local embedders match
// words, so such a question met only the passages that happened to share its common words.
type expandedQuery struct {
	// text is embedded and matched: the question, or its word-by-word Italian rendering when
	// it is English, followed by the hints.
	text string
	// all is the question whose every word earns the full-text bonus (the hints are not
	// required words).
	all string
	// hints are the administrative words the question's idioms stand for; their lexemes count
	// for less than the question's own (hintWeight).
	hints string
}

// hintWeight scales the full-text weight of a lexeme that only the hints bring.
const hintWeight = 0.5

func expandQuery(q string) expandedQuery {
	e := expandedQuery{text: q, all: q}
	if isEnglish(q) {
		e.text = translateEnglish(q)
		e.all = e.text
	}
	folded := " " + foldQuestion(q) + " "
	var hints []string
	for _, h := range idiomHints {
		for _, p := range h.phrases {
			if strings.Contains(folded, " "+p+" ") {
				hints = append(hints, h.words)
				break
			}
		}
	}
	for _, w := range strings.Fields(folded) {
		if syn := plainWords[w]; syn != "" {
			hints = append(hints, syn)
		}
	}
	for _, p := range plainPhrases {
		if strings.Contains(folded, " "+p[0]+" ") {
			hints = append(hints, p[1])
		}
	}
	if len(hints) > 0 {
		e.hints = strings.Join(hints, " ")
		e.text += " " + e.hints
	}
	return e
}

var nonWordRe = regexp.MustCompile(`[^\p{L}\p{N}]+`)

// foldQuestion lowercases, folds the accents Italian writes and turns punctuation and
// apostrophes into spaces ("Qual è", "l'ISEE" → "qual e", "l isee").
func foldQuestion(q string) string {
	q = strings.ToLower(q)
	q = strings.NewReplacer("à", "a", "á", "a", "è", "e", "é", "e", "ì", "i", "í", "i", "ò", "o", "ó", "o", "ù", "u", "ú", "u").Replace(q)
	return strings.TrimSpace(nonWordRe.ReplaceAllString(q, " "))
}

// idiomHints: the ways a question asks for a deadline, a cost, an amount, who may apply or
// what is forbidden, and the words the documents use for them (Italian and English phrases,
// folded as foldQuestion folds).
var idiomHints = []struct {
	phrases []string
	words   string
}{
	{[]string{"entro quando", "fino a quando", "entro che data", "entro che giorno", "entro che ora", "entro quale data",
		"qual e il termine", "quale e il termine", "che termine", "quando scade", "la scadenza", "scadenza",
		"deadline", "by when", "until when", "how long do i have", "closing date"},
		"termine scadenza entro data gennaio febbraio marzo aprile maggio giugno luglio agosto settembre ottobre novembre dicembre"},
	{[]string{"da quando", "a partire da quando", "quando entra in vigore", "quando entrano in vigore", "decorrenza",
		"from when", "come into force", "comes into force", "take effect", "takes effect"},
		"decorrenza dal data vigore"},
	{[]string{"quanto costa", "quanto costano", "quanto si paga", "quanto pago", "quanto paga", "quanto pagano",
		"quanto paghera", "quanto pagare", "quanto costera", "quanto viene", "che prezzo", "il prezzo", "quanto spende",
		"how much does", "how much do", "how much is", "what does it cost", "cost", "costs", "price", "fee", "fees"},
		"costo tariffa euro"},
	{[]string{"quanti soldi", "quanto denaro", "quanti fondi", "quante risorse", "quanto e stato stanziato", "quanto stanzia",
		"a quanto ammonta", "quanto vale", "quanto riceve", "quanto rimborsa", "cifra massima", "quanto al massimo",
		"how much money", "how much funding", "maximum amount", "how much can"},
		"importo euro risorse massimo"},
	{[]string{"chi puo", "chi possono", "chi ha diritto", "chi ne ha diritto", "chi puo chiedere", "chi puo presentare",
		"chi e ammesso", "chi sono i destinatari", "a chi spetta", "a chi e rivolto", "who can", "who may", "who is eligible",
		"eligible", "eligibility", "who qualifies"},
		"possono requisiti destinatari ammissione beneficiari"},
	{[]string{"come si fa", "come faccio", "come si presenta", "come presentare", "come si chiede", "come chiedere",
		"come si richiede", "how do i apply", "how to apply", "how can i apply", "how do i request"},
		"domanda presentazione modalita richiesta online"},
	{[]string{"quante volte", "quanti giorni", "per quanto tempo", "quanto dura", "how long", "how many days"},
		"giorni durata mesi anni"},
	{[]string{"multa", "multe", "quanto si rischia", "fined", "penalty", "penalties"},
		"sanzione sanzioni amministrativa euro"},
}

// englishWords are function words that Italian does not use ("i" and "me" are Italian too):
// two of them (and a quarter of the words) make a question English; so do two words of these
// and of the glossary together, when they are half of the question's words ("Grant amounts
// awarded per year", written without function words).
var englishWords = map[string]bool{
	"the": true, "what": true, "which": true, "who": true, "how": true, "when": true, "where": true, "why": true,
	"is": true, "are": true, "was": true, "were": true, "does": true, "do": true, "did": true, "can": true, "could": true,
	"will": true, "would": true, "should": true, "for": true, "of": true, "to": true, "my": true, "our": true, "your": true,
	"with": true, "from": true, "by": true, "there": true, "much": true, "many": true, "this": true, "that": true,
	"it": true, "be": true, "have": true, "has": true, "any": true, "get": true, "and": true, "or": true, "an": true,
	"at": true, "if": true, "we": true, "you": true, "they": true, "their": true, "its": true, "than": true,
	"into": true, "about": true, "without": true, "us": true, "them": true,
}

func isEnglish(q string) bool {
	words := strings.Fields(foldQuestion(q))
	fn, gn := 0, 0
	for _, w := range words {
		switch {
		case englishWords[w]:
			fn++
		case italianToo[w]:
		case glossaryWord(w) != "":
			gn++
		}
	}
	return fn >= 2 && fn*4 >= len(words) || fn+gn >= 2 && (fn+gn)*2 >= len(words)
}

// glossaryWord is the glossary's rendering of w or of its singular.
func glossaryWord(w string) string {
	if g := englishGlossary[w]; g != "" {
		return g
	}
	if s, ok := strings.CutSuffix(w, "ies"); ok && englishGlossary[s+"y"] != "" {
		return englishGlossary[s+"y"]
	}
	if s, ok := strings.CutSuffix(w, "es"); ok && englishGlossary[s] != "" {
		return englishGlossary[s]
	}
	if s, ok := strings.CutSuffix(w, "s"); ok && englishGlossary[s] != "" {
		return englishGlossary[s]
	}
	return ""
}

// italianToo are glossary words that Italian questions use as they are (Italian words or
// loanwords): they do not make a question English.
var italianToo = map[string]bool{
	"fine": true, "false": true, "date": true, "rate": true, "cap": true, "online": true, "km": true, "isee": true,
	"sport": true, "smog": true, "bus": true, "report": true, "budget": true, "staff": true, "business": true,
	"target": true, "meeting": true, "park": true, "camp": true, "party": true, "ticket": true, "pass": true,
	"box": true, "flat": true, "club": true, "ebook": true, "weekend": true, "pool": true, "hall": true, "ban": true,
}

// translateEnglish renders an English question word by word in the documents' Italian
// (glossary below, phrases first): function words go, words the glossary does not know (names,
// numbers, acronyms such as ISEE or SPID) stay as they are.
func translateEnglish(q string) string {
	text := " " + foldQuestion(q) + " "
	for _, p := range englishPhrases {
		text = strings.ReplaceAll(text, " "+p[0]+" ", " "+p[1]+" ")
	}
	var out []string
	for _, w := range strings.Fields(text) {
		switch g := glossaryWord(w); {
		case englishWords[w] || englishStop[w]:
		case g != "":
			out = append(out, g)
		default:
			out = append(out, w)
		}
	}
	return strings.Join(out, " ")
}

var englishStop = map[string]bool{
	"a": true, "in": true, "on": true, "as": true, "so": true, "up": true, "out": true, "all": true, "some": true,
	"more": true, "most": true, "also": true, "still": true, "just": true, "only": true, "not": true, "no": true,
	"yes": true, "been": true, "being": true, "am": true, "let": true, "may": true, "might": true, "must": true,
	"these": true, "those": true, "such": true, "per": true, "via": true, "else": true, "other": true, "own": true,
	"them": true, "his": true, "her": true, "he": true, "she": true, "one": true, "ones": true, "there's": true,
	"what's": true, "s": true, "t": true, "d": true, "ll": true, "re": true, "ve": true, "m": true,
}

// englishPhrases are rendered before single words (folded, as foldQuestion folds).
var englishPhrases = [][2]string{
	{"city council", "consiglio comunale"}, {"city hall", "comune"}, {"town hall", "comune"},
	{"municipal council", "consiglio comunale"}, {"executive board", "giunta"}, {"city government", "giunta"},
	{"public housing", "edilizia residenziale pubblica alloggio"}, {"social housing", "edilizia residenziale pubblica alloggio"},
	{"summer camp", "centri estivi"}, {"summer camps", "centri estivi"}, {"day care", "nido"}, {"daycare", "nido"},
	{"nursery school", "nido infanzia"}, {"school meals", "refezione scolastica mensa pasto"}, {"school canteen", "refezione scolastica mensa"},
	{"bike lane", "pista ciclabile"}, {"bike lanes", "piste ciclabili"}, {"cycle lane", "pista ciclabile"}, {"cycle lanes", "piste ciclabili"},
	{"cycle path", "pista ciclabile"}, {"cycling", "ciclabile biciclette"}, {"public transport", "trasporto pubblico"},
	{"air quality", "qualita aria"}, {"fine dust", "polveri sottili pm10"}, {"particulate matter", "polveri sottili pm10"},
	{"bulky waste", "rifiuti ingombranti"}, {"bulky items", "ingombranti"}, {"recycling centre", "stazione ecologica"},
	{"recycling center", "stazione ecologica"}, {"waste tax", "tassa rifiuti"}, {"identity card", "carta identita"},
	{"id card", "carta identita"}, {"change of address", "cambio residenza"}, {"remote working", "lavoro agile"},
	{"remote work", "lavoro agile"}, {"smart working", "lavoro agile"}, {"work from home", "lavoro agile"},
	{"working from home", "lavoro agile"}, {"meal voucher", "buono pasto"}, {"meal vouchers", "buono pasto"},
	{"weather alert", "allerta meteo"}, {"red alert", "allerta rossa"}, {"civil protection", "protezione civile"},
	{"meeting room", "sala"}, {"meeting rooms", "sale"}, {"community garden", "orto urbano"}, {"community gardens", "orti urbani"},
	{"allotment", "orto"}, {"allotments", "orti"}, {"parking permit", "contrassegno sosta"}, {"parking permits", "contrassegni sosta"},
	{"residents permit", "contrassegno sosta residenti"}, {"disabled people", "persone disabilita"}, {"people with disabilities", "persone disabilita"},
	{"architectural barriers", "barriere architettoniche"}, {"sports club", "associazione sportiva"}, {"sports clubs", "associazioni sportive"},
	{"sports association", "associazione sportiva"}, {"sports associations", "associazioni sportive"},
	{"how much", "quanto"}, {"how many", "quanti numero"}, {"at least", "almeno"}, {"at most", "massimo"},
	{"up to", "fino"}, {"apply for", "domanda"}, {"sign up", "iscrizione"}, {"enrol", "iscrizione"}, {"enroll", "iscrizione"},
	{"in the street", "strada"}, {"per hour", "ora"}, {"per year", "anno"}, {"per month", "mese"}, {"per week", "settimana"},
	{"old age", "anziani"}, {"elderly people", "anziani"}, {"young people", "giovani"}, {"low income", "isee basso"},
	{"tax return", "dichiarazione"}, {"ev charging", "ricarica veicoli elettrici"}, {"solar panels", "pannelli solari fotovoltaico"},
}

// englishGlossary renders the municipal vocabulary of English questions in the documents'
// Italian (singular forms; the plural is found by stripping -s, -es, -ies).
var englishGlossary = map[string]string{
	"city": "comune città", "municipality": "comune", "municipal": "comunale", "council": "consiglio", "mayor": "sindaco",
	"district": "quartiere", "districts": "quartieri", "neighbourhood": "quartiere", "neighborhood": "quartiere", "resident": "residenti",
	"residence": "residenza", "citizen": "cittadini", "citizenship": "cittadinanza", "foreign": "stranieri straniero", "foreigner": "stranieri",
	"family": "famiglie nucleo familiare", "household": "nucleo familiare", "child": "figli bambini", "children": "figli bambini minori",
	"kid": "bambini ragazzi", "parent": "genitori", "student": "studenti", "pupil": "alunni", "school": "scuole scuola",
	"employee": "dipendenti personale", "staff": "personale dipendenti", "worker": "lavoratori", "volunteer": "volontari volontariato",
	"volunteering": "volontariato", "association": "associazioni", "club": "associazioni società", "company": "imprese", "business": "imprese",
	"grant": "contributo contributi", "grants": "contributi", "subsidy": "contributo", "funding": "finanziamento fondi risorse",
	"fund": "fondi fondo risorse", "money": "euro risorse fondi", "budget": "bilancio risorse dotazione", "amount": "importo",
	"maximum": "massimo", "minimum": "minimo", "cap": "massimo", "limit": "limite soglia", "threshold": "soglia",
	"income": "isee reddito", "isee": "isee", "rent": "affitto canone locazione", "tenant": "inquilino locazione", "landlord": "proprietario",
	"housing": "alloggio abitazione", "home": "domicilio casa abitazione", "house": "casa abitazione", "flat": "alloggio",
	"apartment": "alloggio", "cost": "costo", "price": "prezzo tariffa", "fee": "tariffa canone", "rate": "tariffa",
	"tariff": "tariffa", "pay": "pagamento paga", "paid": "pagamento", "payment": "pagamento", "free": "gratuito gratuitamente",
	"discount": "riduzione sconto", "reduction": "riduzione", "exemption": "esenzione esente", "exempt": "esenzione esente",
	"fine": "sanzione", "penalty": "sanzione", "ban": "divieto vietato", "forbidden": "vietato", "allowed": "consentito ammesso",
	"rule": "regole", "regulation": "regolamento", "resolution": "delibera", "decision": "delibera", "plan": "piano",
	"report": "rapporto", "call": "bando", "notice": "avviso", "circular": "circolare", "requirement": "requisiti",
	"requirements": "requisiti", "eligible": "requisiti possono", "criteria": "criteri", "score": "punteggio punti", "point": "punti",
	"ranking": "graduatoria", "list": "elenco graduatoria", "priority": "precedenza priorità", "application": "domanda",
	"apply": "domanda presentare", "request": "richiesta", "submit": "presentare", "deadline": "termine scadenza entro",
	"date": "data", "day": "giorni", "days": "giorni", "week": "settimana", "weekly": "settimana", "month": "mese mesi",
	"monthly": "mensile", "year": "anno anni", "annual": "annuale annuo", "yearly": "annuale", "hour": "ore", "hours": "ore orari",
	"time": "tempo", "duration": "durata", "open": "aperte apertura", "opening": "apertura",
	"close": "chiusura chiuse", "closed": "chiuse chiusura", "closure": "chiusura",
	"online": "online", "website": "sito", "phone": "numero telefono", "number": "numero", "emergency": "emergenza",
	"flood": "alluvione allagamento", "storm": "maltempo", "weather": "meteo", "alert": "allerta", "wind": "vento",
	"park": "parchi giardini", "garden": "orto giardini", "green": "verde", "tree": "alberi alberature", "waste": "rifiuti",
	"rubbish": "rifiuti", "garbage": "rifiuti", "trash": "rifiuti", "collection": "ritiro raccolta", "collect": "ritiro ritira",
	"pick": "ritiro", "pickup": "ritiro", "item": "pezzi", "piece": "pezzi", "furniture": "mobili", "sofa": "divano divani",
	"mattress": "materassi", "appliance": "elettrodomestici", "dump": "abbandono abbandonare", "dumping": "abbandono",
	"recycling": "raccolta differenziata", "pollution": "inquinamento smog", "smog": "smog", "air": "aria", "ozone": "ozono",
	"station": "stazioni stazione", "bike": "biciclette bicicletta bici", "bicycle": "biciclette bicicletta", "cyclist": "ciclisti",
	"car": "auto veicoli", "vehicle": "veicoli", "parking": "sosta parcheggio", "permit": "contrassegno permesso", "traffic": "traffico",
	"accident": "incidenti", "crash": "incidenti", "crossing": "incroci attraversamenti", "junction": "incroci", "intersection": "incroci",
	"road": "strada", "street": "strada", "sidewalk": "marciapiedi", "pavement": "marciapiedi", "ramp": "rampe",
	"barrier": "barriere", "accessibility": "accessibilità accessibile", "accessible": "accessibile", "disability": "disabilità",
	"disabled": "disabilità", "elderly": "anziani", "senior": "anziani", "young": "giovani", "youth": "giovani",
	"library": "biblioteche biblioteca", "book": "libri prestiti", "loan": "prestiti prestito", "borrow": "prestiti prestito",
	"borrowed": "prestiti", "ebook": "e-book prestito digitale", "user": "utenti", "visitor": "presenze", "sport": "sportive sport",
	"sports": "sportive sport", "athlete": "atleti", "gym": "palestra impianti", "equipment": "attrezzature", "coach": "istruttori",
	"trainer": "istruttori", "expense": "spese", "expenses": "spese", "cover": "copre spese",
	"camp": "centri estivi", "summer": "estivi estate", "nursery": "nido", "kindergarten": "scuola infanzia", "meal": "pasto pasti",
	"lunch": "pasto mensa", "canteen": "mensa refezione", "diet": "diete", "sibling": "fratelli figlio", "brother": "fratelli",
	"certificate": "certificati certificato", "identity": "identità", "document": "documento", "passport": "passaporto",
	"appointment": "appuntamento", "office": "ufficio sportello", "counter": "sportello", "room": "sala sale", "hall": "sala",
	"booking": "richiesta prenotazione", "reserve": "prenotare richiesta", "hire": "concessione",
	"rental": "concessione affitto", "damage": "danni", "alcohol": "alcolici", "party": "feste", "meeting": "riunioni assemblee",
	"remote": "lavoro agile", "telework": "lavoro agile", "laptop": "computer portatile", "contact": "contattabile",
	"reachable": "contattabile", "available": "disponibili", "agreement": "accordo", "excluded": "escluse esclusi", "exclude": "escluse",
	"job": "attività", "task": "attività", "activity": "attività", "train": "formazione corso", "training": "formazione corso",
	"course": "corso", "insurance": "assicurazione", "reimburse": "rimborsa rimborso", "refund": "rimborso rimborsa",
	"revoke": "revoca", "revoked": "revoca", "lose": "revoca perde", "withdraw": "rinuncia rinunciare", "cancel": "rinuncia revoca",
	"renew": "rinnovo rinnovabile", "renewal": "rinnovo", "check": "controlli verifica", "control": "controlli", "inspection": "controlli",
	"false": "false", "goal": "obiettivi", "target": "obiettivi", "objective": "obiettivi", "invest": "investimenti", "investment": "investimenti",
	"spend": "spesa", "spending": "spesa", "spent": "spesa", "total": "complessivo totale", "overall": "complessivo",
	"increase": "aumento", "decrease": "calo riduzione", "reduce": "ridurre riduzione", "share": "quota percentuale",
	"percentage": "percentuale quota", "trip": "spostamenti", "journey": "spostamenti", "network": "rete", "km": "km",
	"kilometre": "km", "kilometer": "km", "new": "nuovi nuove", "build": "realizzati realizzare", "built": "realizzati",
	"tax": "tassa imposta", "stamp": "bollo", "survey": "indagine censimento", "count": "censimento conteggi",
	"solar": "solari fotovoltaico", "panel": "pannelli", "bus": "autobus trasporto pubblico", "pool": "piscine", "swimming": "piscine nuoto",
	"animal": "animali", "dog": "cani", "pet": "animali", "noise": "rumore", "night": "notte serali", "evening": "serali sera",
	"sunday": "domenica", "weekend": "domenica sabato", "vote": "voto elezioni", "election": "elezioni",
}

// plainWords are the everyday words of questions (Italian, folded) with the administration's
// words for the same thing, which the documents use.
var plainWords = map[string]string{
	"soldi": "euro risorse fondi", "denaro": "euro risorse", "sconto": "riduzione agevolazione", "sconti": "riduzione agevolazioni",
	"gratis": "gratuito esenzione azzerata", "gratuito": "esenzione", "rimborso": "contributo", "aiuto": "contributo sostegno",
	"aiuti": "contributi sostegno", "bonus": "contributo", "multa": "sanzione", "multe": "sanzioni", "permesso": "contrassegno autorizzazione",
	"pass": "contrassegno", "tagliando": "contrassegno", "mensa": "refezione pasto", "mense": "refezione", "asilo": "nido infanzia",
	"bici": "bicicletta biciclette ciclabile", "ciclisti": "biciclette", "macchina": "auto veicolo", "macchine": "auto veicoli",
	"parcheggio": "sosta", "parcheggiare": "sosta", "posteggio": "sosta", "trasloco": "residenza", "affitto": "locazione canone",
	"inquilino": "locazione", "inquilini": "locazione", "disabili": "disabilita", "handicap": "disabilita", "vecchi": "anziani",
	"ragazzi": "minori giovani", "bambini": "minori", "figlio": "figli minori", "fratelli": "figlio figli",
	"stipendio": "reddito", "reddito": "isee", "poveri": "isee", "lavoratori": "dipendenti", "impiegati": "dipendenti personale",
	"impiegato": "dipendente personale", "smog": "inquinamento pm10", "inquinamento": "pm10 smog", "spazzatura": "rifiuti",
	"immondizia": "rifiuti", "ecocentro": "stazione ecologica",
	"scadenza": "termine", "iscriversi": "domanda iscrizione", "iscrivere": "domanda iscrizione", "chiedere": "domanda richiesta",
	"richiedere": "domanda richiesta", "mandare": "presentare inviare", "inviare": "presentare", "compilare": "domanda modulo",
	"documenti": "documentazione", "controlli": "verifiche", "controllo": "verifica", "chiusi": "chiusura", "chiude": "chiusura",
	"aperto": "apertura", "orari": "apertura ore", "orario": "apertura ore", "telefono": "numero", "sito": "online portale",
	"internet": "online", "chilometri": "km", "soglia": "limite", "tetto": "massimo", "massimale": "massimo", "minimo": "almeno",
	"obbligatorio": "obbligo", "vietato": "divieto", "proibito": "divieto vietato", "perdere": "revoca", "perde": "revoca",
	"ritirato": "revoca", "tolto": "revoca", "rinunciare": "rinuncia", "annullare": "revoca annullata", "punteggio": "punti",
	"classifica": "graduatoria", "precedenza": "priorita graduatoria", "priorita": "precedenza", "stanziato": "stanziati risorse",
	"stanziati": "risorse", "finanziamento": "contributo", "finanziamenti": "contributi", "sostegno": "contributo",
	"azienda": "impresa", "aziende": "imprese", "aziendale": "impresa", "ditta": "impresa", "ditte": "imprese",
	"ambulante": "commercio itinerante aree pubbliche", "ambulanti": "commercio itinerante aree pubbliche",
	"negozio": "esercizio commerciale attivita", "negozi": "esercizi commerciali attivita",
	"buono": "voucher", "buoni": "voucher",
}

// plainPhrases are everyday phrases (folded) with the administration's words.
var plainPhrases = [][2]string{
	{"case popolari", "edilizia residenziale pubblica erp"}, {"casa popolare", "edilizia residenziale pubblica erp"},
	{"da casa", "lavoro agile"}, {"da remoto", "lavoro agile"}, {"smart working", "lavoro agile"}, {"due ruote", "biciclette"},
	{"centri estivi", "centro estivo"}, {"campo estivo", "centri estivi"}, {"campi estivi", "centri estivi"},
	{"carta d identita", "carta identita"}, {"polveri sottili", "pm10"}, {"posti auto", "stalli sosta"},
	{"fondo perduto", "contributo"}, {"buoni pasto", "buono pasto"}, {"ticket", "buono pasto"},
}
