package planner

import "slices"

// Words that name each metric, beyond the catalog's own synonyms. Order matters in
// readMetric: the specific sources (CIG, SUAP, grants) come before the register, whose words
// ("aperture", "chiusure") they reuse.
var (
	cigWords = []string{"cassa integrazione", "cig", "cigo", "cigs", "fis", "fsb", "in deroga",
		// a CIG request's reason: "la causale con più domande nel 2022"
		"causale", "causali", "furlough", "furloughed", "wage supplementation", "wage guarantee", "wage integration", "wage subsidy", "wage subsidies", "earnings supplement",
		"redundancy fund", "layoff fund", "temporary layoff", "temporary layoffs", "short time work", "short time working", "short time allowance", "cassintegrati", "cassaintegrati",
		"in cassa", "messi in cassa", "lavoratori in cassa", "nella cassa", "alla cassa", "chiesto la cassa", "chiesto cassa", "domande di cassa", "richieste di cassa", "ore di cassa"}
	hoursWords    = []string{"ore", "hours", "monte ore", "quanto tempo", "tempo di cassa", "how long", "how much time"}
	requestedWord = []string{"richieste", "richiesta", "requested", "chieste", "chiesto", "chiesta", "chiesti"}
	workerWords   = []string{"lavoratori", "lavoratrici", "dipendenti coinvolti", "workers", "employees", "persone"}
	// staffWords count staff in a CIG question ("quanti dipendenti sono finiti in cassa
	// integrazione"), not a size class ("imprese con più di 50 dipendenti")
	staffWords = []string{"quanti dipendenti", "quanti addetti", "dipendenti finiti", "dipendenti in", "addetti in",
		"dipendenti sono", "addetti coinvolti", "how many staff"}
	suapWords = []string{"suap", "pratiche", "pratica", "scia", "permessi", "permits", "permit", "sportello unico", "applications",
		// "autorizzazioni per ampliamento": an authorisation of a SUAP permit type
		"autorizzazioni per ampliamento", "autorizzazioni per apertura", "autorizzazioni per subingresso", "autorizzazioni di ampliamento",
		"autorizzazioni di apertura", "autorizzazioni all apertura",
		"subingressi", "subentri", "takeovers"}
	grantWords    = []string{"contributi", "contributo", "grant", "grants", "voucher", "vouchers", "sovvenzioni", "finanziamenti", "ristori", "fondi", "beneficiari", "beneficiarie", "beneficiato", "finanziate", "funded"}
	amountWords   = []string{"euro", "soldi", "importo", "importi", "amount", "amounts", "quanto", "how much", "money", "concessi", "erogati", "stanziati", "valore"}
	recipientWord = []string{"beneficiari", "beneficiarie", "beneficiato", "quante imprese", "quante aziende", "imprese finanziate", "hanno ricevuto",
		// "imprese che hanno preso un contributo": the firms
		"imprese che hanno preso", "aziende che hanno preso", "imprese che hanno avuto", "aziende che hanno avuto",
		// "quali bandi hanno finanziato più imprese?"
		"finanziato piu imprese", "finanziato meno imprese", "finanziato piu aziende", "funded the most", "funded more", "how many firms", "how many companies", "how many businesses", "recipients", "beneficiaries", "funded companies", "funded firms",
		// "quanti hanno partecipato al bando botteghe": the data hold the awarded grants only, so
		// a call's participants are counted as its beneficiaries
		"hanno partecipato", "ha partecipato", "partecipanti", "took part", "participants"}
	// firmCountWords count firms (in a CIG question: the distinct firms that asked)
	firmCountWords = []string{"quante imprese", "quante aziende", "quante ditte", "quante societa", "numero di imprese", "numero di aziende",
		"numero delle imprese", "imprese diverse", "imprese distinte", "aziende diverse", "imprese che hanno chiesto", "aziende che hanno chiesto",
		"imprese che hanno fatto", "imprese richiedenti", "aziende richiedenti", "how many firms", "how many companies", "how many businesses",
		"number of firms", "number of companies", "number of businesses", "firms that applied", "companies that applied", "distinct firms",
		"how many distinct", "how many different", "distinct companies", "different companies", "different firms",
		// "quali quartieri hanno più imprese in cig": the firms ranked by a dimension
		"piu imprese", "meno imprese", "piu aziende", "meno aziende", "most companies", "most firms", "fewest companies", "fewest firms"}
	// averageGrantWords name the average grant; averageWords ask for one with a word of money
	// ("quanti soldi in media", not "che età avevano in media le donne che hanno chiesto il
	// contributo")
	averageGrantWords = []string{"importo medio", "importi medi", "contributo medio", "contributi medi", "media dei contributi",
		"media degli importi", "average grant", "average amount"}
	averageWords = []string{"in media", "mediamente", "media per impresa", "ogni impresa", "ciascuna impresa", "per impresa", "per beneficiario",
		"per beneficiaria", "average", "on average", "each firm", "each company", "per firm", "per company", "per beneficiary"}
	notAwardedWords = []string{"non ammesse", "non ammessi", "escluse", "esclusi", "revocati", "revocate", "rinunce", "not admitted", "revoked", "withdrawn"}
	balanceWords    = []string{"natimortalita", "nati mortalita", "saldo", "saldo netto", "ha perso", "hanno perso", "abbiamo perso", "si sono perse", "abbiamo guadagnato", "ha guadagnato", "hanno guadagnato", "perdita netta", "lost", "gained", "net balance", "net change", "net formation", "negative balance", "positive balance", "balance of openings",
		"saldo negativo", "saldo positivo", "differenza tra aperture e chiusure", "aperture meno chiusure", "openings minus closures"}
	growthWords = []string{"tasso di crescita", "tasso crescita", "crescita", "growth rate", "growth"}
	shareWords  = []string{"quota", "quote", "percentuale", "percentuali", "incidenza", "peso", "pesano", "quanto pesa", "share", "proportion",
		"quanto incide", "quanto incidono", "incidono sul*", "incide sul*", "incidono tra", "incide tra",
		"percentage", "che parte", "what fraction",
		// "%" reads "percento": "il quartiere con più imprese artigiane in %"
		"in percento", "percentualmente", "in termini percentuali", "in percentage terms",
		// "tasso di accoglimento delle domande": the share of those granted
		"tasso di accoglimento", "tasso di approvazione", "tasso di rigetto", "tasso di respingimento", "approval rate",
		"rejection rate", "acceptance rate",
		// "tasso di successo delle domande": the share of those granted (esitoWords reads the
		// phrase as the positive outcome)
		"tasso di successo", "success rate"}
	closeWords = []string{"mortalita", "chiusure", "chiusura", "chiuse", "chiuso", "chiudono", "chiudere", "cessazioni", "cessazione", "cessate", "cancellazioni", "cancellate", "closures", "closure", "closed", "close", "shut", "cessations",
		// "hanno tirato giù la saracinesca", "hanno chiuso i battenti": idioms for closing down
		// ("abbassato la serranda", "giù le saracinesche": any form of the verb, either shutter)
		"giu la saracinesc*", "giu le saracinesc*", "abbass* la saracinesc*", "abbass* le saracinesc*", "giu la serrand*", "giu le serrand*",
		"abbass* la serrand*", "abbass* le serrand*", "chius* la serrand*", "chius* la saracinesc*", "chius* i battenti", "chiud* i battenti",
		"chiuso bottega", "gettato la spugna", "shut up shop", "closed their doors", "closed down"}
	openWords = []string{"natalita", "aperture", "apertura", "aperte", "aperto", "aprono", "aprire", "nate", "nascite", "nuove imprese", "nuove aziende",
		"imprese nuove", "aziende nuove", "nuove attivita", "attivita nuove", "nuove aperture", "si sono iscritte", "si sono iscritti",
		"sono state iscritte", "nuove iscritte", "iscrizioni", "iscritte nel", "avviate",
		"alza* la saracinesc*", "alza* le saracinesc*", "alza* la serrand*", "alza* le serrand*", "openings", "opened", "opening", "new businesses", "new companies", "new firms", "registrations", "start ups", "startups nate"}
	registeredW = []string{"registrate", "registered", "imprese registrate"}
	// regWords say a firm was registered or founded: with a period they are openings ("imprese
	// iscritte tra marzo e maggio 2020", "società costituite nel 2022"), without one the stock
	regWords = []string{"iscritte", "iscritti", "iscritta", "iscritto", "costituite", "costituiti", "costituita", "costituito",
		"fondate", "fondati", "were registered", "was registered", "registered in", "registered since", "registered between",
		"registered during", "founded", "incorporated"}
	// ageWords read "iscritte da meno di 3 anni" as an age, not as openings
	ageWords = []string{"da meno di", "da piu di", "da oltre", "for less than", "for more than"}
	// stateNames name a state other than active: the question is about registered firms
	stateNames = []string{"in liquidazione", "liquidazione", "sospese", "sospesa", "inattive", "inattiva", "in liquidation",
		"suspended", "inactive", "dormant"}
	// growthMost are ranking phrases about growth ("il quartiere che cresce di più")
	growthMost = []string{"cresce di piu", "crescono di piu", "cresciuto di piu", "cresciuta di piu", "cresciute di piu",
		"cresciuti di piu", "cresce di meno", "crescono di meno", "cresce meno", "crescono meno", "grew the most", "grown the most",
		"growing the most", "growing fastest", "grew fastest", "fastest growing"}
	activeWords = []string{"attive", "attiva", "in attivita", "operative", "active", "operating", "esistenti"}
	firmWords   = []string{"imprese", "impresa", "aziende", "azienda", "ditte", "societa", "companies", "businesses", "firms", "company", "business", "enterprises", "enterprise", "startup", "start up", "startups",
		"attivita", "esercizi", "sedi d impresa", "sedi", "partite iva", "partita iva"}
)

func init() {
	for _, l := range [][]string{cigWords, hoursWords, requestedWord, workerWords, suapWords, grantWords, amountWords,
		recipientWord, balanceWords, growthWords, shareWords, closeWords, openWords, registeredW, activeWords, firmWords,
		regWords, stateNames, growthMost, staffWords, deltaWords} {
		addVocabulary(l...)
	}
	addVocabulary("quante", "quanti", "quanta", "autorizzate", "autorizzata", "authorised", "authorized", "domande",
		"requests", "hanno", "nuove", "rispetto", "precedente", "ultimi", "trimestre", "semestre", "lockdown",
		"fascicolo", "platea", "partecipare", "partecipato", "partecipanti", "potrebbero", "elenco", "codici", "fiscali", "prevede", "requisiti",
		// "codice fiscale" is one company's, not "codici fiscali", a list
		"codice", "fiscale",
		"delibera", "regolamento", "documento", "documenti", "indirizzo", "cancella", "elimina", "modifica")
}

// metricReading is what readMetric found.
type metricReading struct {
	name  string
	share bool   // the question asks for a share (quota)
	base  string // for a share: the metric it is a share of, when not imprese_attive
	named bool   // a metric word was present (not only the default)
	// generic: only the source was named (\"cassa integrazione\", \"contributi\"), not the measure
	generic bool
}

// readMetric finds the metric a question asks about. It does not consume words.
func (t *text) readMetric() metricReading {
	// "ogni mille imprese", "per 1000 attive": a rate per thousand is the share (in percent)
	share := t.has(shareWords...) || t.has("su 100", "su cento", "out of 100", "ogni 100", "ogni cento", "ogni mille", "ogni 1000",
		"su mille", "su 1000", "per mille", "per 1000", "out of 1000", "per thousand", "per 1 000", "every 100", "every 1000", "every thousand") ||
		(t.has("quante", "quanti") && t.has("sul totale", "sul totale delle"))
	hasCIG := t.has(cigWords...)
	switch {
	case hasCIG || t.has("ore autorizzate", "ore richieste", "hours authorised", "hours authorized", "hours requested"):
		switch {
		case share && t.has(hoursWords...):
			// "what percentage of CIG hours were authorised for COVID": a share of the hours
			base := "cig_ore_autorizzate"
			if t.has(requestedWord...) {
				base = "cig_ore_richieste"
			}
			return metricReading{name: "quota", share: true, named: true, base: base}
		case share && t.has(workerWords...):
			return metricReading{name: "quota", share: true, named: true, base: "cig_lavoratori"}
		case share && !t.has(hoursWords...) && !t.has(workerWords...):
			// "percentuale di imprese con sede fuori Bologna che chiedono la CIG": a share of the
			// firms (or of the requests) that asked
			base := "cig_domande"
			if t.has(firmWords...) {
				base = "cig_imprese"
			}
			return metricReading{name: "quota", share: true, named: true, base: base}
		case t.has(firmCountWords...) && !t.has("quante domande", "numero di domande", "numero delle domande", "how many requests",
			"how many applications", "number of requests", "number of applications") ||
			// a heading naming the firms: "imprese in cassa integrazione per quartiere"
			len(t.tokens) > 0 && slices.Contains([]string{"imprese", "aziende", "ditte", "firms", "companies", "businesses"}, t.tokens[0]) &&
				!t.has("domande", "domanda", "richieste", "requests", "applications", "ore", "hours", "lavoratori", "workers"):
			// "quante imprese hanno chiesto la cassa integrazione": distinct firms, not requests
			return metricReading{name: "cig_imprese", named: true}
		case t.has(hoursWords...) && t.has(requestedWord...):
			return metricReading{name: "cig_ore_richieste", named: true}
		case t.has(hoursWords...):
			return metricReading{name: "cig_ore_autorizzate", named: true}
		case t.has(workerWords...) || t.has(staffWords...) && !t.has("domande", "domanda", "richieste", "requests", "applications"):
			return metricReading{name: "cig_lavoratori", named: true}
		case t.has("quanta", "how much"):
			// "quanta cassa integrazione è stata autorizzata": an amount is hours, not requests
			if t.has(requestedWord...) {
				return metricReading{name: "cig_ore_richieste", named: true}
			}
			return metricReading{name: "cig_ore_autorizzate", named: true}
		}
		return metricReading{name: "cig_domande", named: true, generic: !t.has("domande", "domanda", "richieste", "requests", "applications", "istanze")}
	case t.has(suapWords...) && !t.has(grantWords...):
		if share {
			// "quota di pratiche SUAP accolte": a share of the permits
			return metricReading{name: "quota", share: true, named: true, base: "suap_pratiche"}
		}
		return metricReading{name: "suap_pratiche", named: true}
	case t.has(grantWords...) || callIDIn(t.raw) != "" || t.has("concesso", "concessi", "concesse", "erogato", "erogati", "erogate") ||
		// "quanti soldi ha dato il Comune alle imprese di Navile"
		t.has("soldi", "euro", "denaro", "money") && t.has("dato", "dati", "date", "ricevuto", "ricevuti", "ricevute", "andati", "andate",
			"assegnato", "assegnati", "given", "received", "paid", "give", "gave", "spent", "spend", "pay",
			"award", "awarded", "granted", "distribuiti", "distribuito", "erogato", "erogati") ||
		t.has("bando", "bandi", "fondo", "voucher", "call", "calls") && (t.has(amountWords...) || t.has(notAwardedWords...) || t.has(recipientWord...)) ||
		t.has("granted", "awarded") && t.has("call", "calls", "grant", "grants", "amount") ||
		// "how much was granted in the first half of 2026?"
		t.has("how much was granted", "how much was awarded", "how much has been granted", "how much has been awarded",
			"how much were granted", "how much did the city grant", "how much did the city award") ||
		// "quanto ha ricevuto in media ogni impresa?": money received is a grant
		t.has("quanto ha ricevuto", "quanto hanno ricevuto", "quanto hanno avuto", "quanto ha avuto", "how much did * receive",
			"how much did * get", "how much have * received"):
		if t.has(averageGrantWords...) || t.has(averageWords...) && t.has(amountWords...) && !t.has("eta", "age", "anni", "years") {
			// "quanto hanno ricevuto in media", "l'importo medio dei contributi"
			return metricReading{name: "contributi_importo_medio", named: true}
		}
		if share {
			// "what share of grants went to women-led firms?", "percentuale di beneficiarie
			// straniere": a share of the amount (of the beneficiaries); with no part named the
			// query falls back to the base
			if t.has(recipientWord...) {
				return metricReading{name: "quota", share: true, named: true, base: "contributi_beneficiari"}
			}
			return metricReading{name: "quota", share: true, named: true, base: "contributi_importo_concesso"}
		}
		howMuch := t.has("quanto ha ricevuto", "quanto hanno ricevuto", "quanto hanno avuto", "quanto ha avuto")
		if t.has(recipientWord...) && !howMuch {
			return metricReading{name: "contributi_beneficiari", named: true}
		}
		return metricReading{name: "contributi_importo_concesso", named: true, generic: !t.has(amountWords...) && !howMuch}
	}
	if !share && t.cohort() {
		// "imprese attive nate dopo il 2020": the firms of the stock registered in that period
		return metricReading{name: "imprese_attive", named: true}
	}
	// "iscritte tra marzo e maggio": openings; "attive, iscritte da meno di 3 anni": an age;
	// "nuove partite IVA", "nuovi ristoranti": new firms of any kind
	open := t.has(openWords...) || t.has(regWords...) && t.mentionsPeriod() && !t.has(activeWords...) || t.newFirms()
	if open && t.has(ageWords...) && t.has(activeWords...) {
		open = false
	}
	flow := ""
	switch {
	case t.has(balanceWords...):
		flow = "saldo"
	case !share && t.has(closeWords...) && (open || t.has(regWords...)):
		// "più aperture o chiusure?", "aperture e chiusure nel 2025": the balance answers
		// with both
		flow = "saldo"
	case t.has(closeWords...):
		flow = "chiusure"
	case open:
		flow = "aperture"
	}
	switch {
	case share:
		r := metricReading{name: "quota", share: true, named: true}
		if flow == "aperture" || flow == "chiusure" {
			r.base = flow
		} else if t.has(registeredW...) {
			r.base = "imprese_registrate"
		}
		return r
	// "tasso di crescita" names the metric; "crescita" alone does only when no flow is named
	// ("le aperture sono in crescita?" asks about openings)
	// "le imprese attive sono in crescita?" asks about the stock
	case t.has("tasso di crescita", "tasso crescita", "growth rate") ||
		// "quanto è cresciuto il numero di imprese a Navile nel 2025?"
		flow == "" && t.has("quanto e cresciuto", "quanto e cresciuta", "di quanto e cresciuto", "di quanto e cresciuta", "how much did",
			"how much has") && t.has("cresciut*", "grow", "grown", "grew") || t.has(growthWords...) && flow == "" && !(t.has(activeWords...) && t.has("in crescita")) ||
		t.has(growthMost...):
		return metricReading{name: "tasso_crescita", named: true}
	case flow != "":
		return metricReading{name: flow, named: true}
	case t.has(registeredW...) || t.has(stateNames...):
		return metricReading{name: "imprese_registrate", named: true}
	case t.has(activeWords...):
		return metricReading{name: "imprese_attive", named: true}
	case t.has(faringWords...) && !t.docNoun() && t.fresh().namesGroupWord():
		// "il quartiere che va peggio", "quale settore sta andando meglio?": the places or
		// sectors ranked by their balance of openings and closures
		return metricReading{name: "saldo", named: true}
	case t.has(goingWords...) && !t.docNoun() && len(t.fresh().readFilters("register")) > 0:
		// "come sta andando il commercio al dettaglio in Bolognina?": how a sector or a place
		// is doing is its balance of openings and closures (against the year before, see
		// comparison)
		return metricReading{name: "saldo", named: true}
	case t.has(firmWords...) || (t.has(firmNouns...) || t.sectorNounCount() || t.namesActivityCode() || t.opensWithTrade()) && !t.docNoun() ||
		// "quante sono femminili?": a kind of firm counted, the firms left unsaid
		t.has("quante", "quanti", "how many") && t.has("femminili", "giovanili", "straniere", "artigiane", "women-led", "youth-led",
			"foreign-led") && !t.docNoun():
		// "quante attività commerciali ci sono", "quanti ristoranti ci sono a Navile" (but "che
		// tasso applicano le banche nel protocollo" asks a document)
		return metricReading{name: "imprese_attive"}
	}
	return metricReading{}
}

// faringWords compare how places or sectors are doing ("il quartiere che va peggio").
var faringWords = []string{"va peggio", "va meglio", "vanno peggio", "vanno meglio", "sta andando peggio", "sta andando meglio",
	"stanno andando peggio", "stanno andando meglio", "messo peggio", "messa peggio", "messo meglio", "messa meglio",
	"in difficolta", "soffre di piu", "soffrono di piu", "doing worst", "doing best", "doing worse", "doing better", "faring worst",
	"faring best", "struggling most"}

// namesGroupWord says whether a dimension other than time is named ("quartiere", "settori").
func (t *text) namesGroupWord() bool {
	for i := range t.tokens {
		if t.rankedDimAt(i) {
			return true
		}
	}
	return false
}

// goingWords ask how something is doing ("come sta andando il commercio in Bolognina?").
var goingWords = []string{"come sta andando", "come stanno andando", "come va", "come vanno", "come sta messo", "come sta messa",
	"come stanno messi", "come stanno messe", "la situazione", "situazione delle", "situazione del", "stato di salute", "how is * doing", "how are * doing", "how is * faring", "how are * faring"}

// birthWords say when firms were born; stillWords that they are still alive.
var (
	birthWords = []string{"nate", "nati", "nata", "iscritte", "iscritti", "registrate", "registrati", "fondate", "fondati", "costituite", "costituiti",
		"aperte", "aperti", "avviate", "founded", "registered", "started", "set up", "born", "opened"}
	stillWords = []string{"ancora attive", "ancora attivi", "ancora aperte", "ancora aperti", "ancora in attivita", "ancora in vita",
		"sopravvissute", "still active", "still open", "still operating", "survived"}
)

// cohort says whether the question asks for the firms of the stock born in a period ("quante
// imprese attive sono nate dopo il 2020?", "le ditte nate nel 2024 sono ancora attive?",
// "active firms founded after 2018"): active (or still alive) and born, with a period, and no
// age of their own ("iscritte da meno di 3 anni") nor the register named ("iscritte al
// registro").
func (t *text) cohort() bool {
	return (t.has(activeWords...) || t.has(stillWords...)) && t.has(birthWords...) && !t.has(ageWords...) &&
		!t.has("al registro", "alla camera", "nel registro", "in the register") && t.mentionsPeriod()
}

// newFirms says whether "nuove", "nuovi" or "new" qualifies firms, right after or one word
// later, in a question asking a number or naming a period ("quante nuove partite IVA nel
// 2025", "nuovi ristoranti dal 2024"; not "perché il Comune mette limiti ai nuovi negozi").
func (t *text) newFirms() bool {
	if !t.has("quante", "quanti", "numero", "number", "how many") && !t.mentionsPeriod() {
		return false
	}
	for i, w := range t.tokens {
		if w != "nuove" && w != "nuovi" && w != "new" {
			continue
		}
		for k := i + 1; k <= i+2; k++ {
			if t.startsAny(k, firmWords) || t.startsAny(k, firmNouns) {
				return true
			}
		}
		// "partite IVA nuove", "ristoranti nuovi": the adjective after the firms
		for k := max(i-2, 0); k < i; k++ {
			if (t.startsAny(k, firmWords) || t.startsAny(k, firmNouns)) && w != "new" {
				return true
			}
		}
	}
	return false
}

// startsAny says whether one of the phrases starts at token k.
func (t *text) startsAny(k int, phrases []string) bool {
	for _, p := range phrases {
		if t.find(p, k) == k {
			return true
		}
	}
	return false
}

// firmNouns are sector words that name the firms themselves ("quanti ristoranti ci sono"),
// unlike those that name an activity ("sport", "scuole", "banca").
var firmNouns = []string{"ristoranti", "bar", "negozi", "alberghi", "hotel", "pizzerie", "parrucchieri", "estetisti",
	"officine", "botteghe", "attivita commerciali", "esercizi commerciali", "restaurants", "bars", "shops", "hotels", "retailers",
	// the craftsmen name the craft firms ("artigiani a Porto-Saragozza")
	"artigiani", "artigiane", "craftsmen", "artisans",
	// legal forms name firms too ("le srl semplificate sono in aumento?")
	"srl", "spa", "snc", "sas", "srls", "cooperative", "cooperatives", "consorzi", "ditte individuali", "imprese individuali", "partite iva",
	"sole proprietorships", "sole proprietors", "sole traders", "limited companies", "corporations", "partnerships", "consortia",
	// and sizes ("quante microimprese straniere?")
	"microimprese", "micro imprese", "microimpresa", "pmi", "microenterprises", "smes"}

// periodProbe is any date: mentionsPeriod only asks whether a period is named.
var periodProbe = day(2026, 1, 15)

// mentionsPeriod says whether the question names a period; it reads the question afresh, as
// the query may already have consumed the period's words.
func (t *text) mentionsPeriod() bool {
	return t.fresh().period(periodProbe).found
}

// sourceOf is the fact table a metric counts.
func sourceOf(metric string) string {
	switch metric {
	case "cig_domande", "cig_ore_richieste", "cig_ore_autorizzate", "cig_lavoratori", "cig_imprese":
		return "cig"
	case "suap_pratiche":
		return "suap"
	case "contributi_importo_concesso", "contributi_beneficiari", "contributi_importo_medio":
		return "contributi"
	}
	return "register"
}

func isStock(metric string) bool {
	return metric == "imprese_attive" || metric == "imprese_registrate" || metric == "quota"
}
