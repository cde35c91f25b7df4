package planner

// Words that name each metric, beyond the catalog's own synonyms. Order matters in
// readMetric: the specific sources (CIG, SUAP, grants) come before the register, whose words
// ("aperture", "chiusure") they reuse.
var (
	cigWords        = []string{"cassa integrazione", "cig", "cigo", "cigs", "fis", "fsb", "in deroga", "furlough", "wage supplementation", "cassintegrati", "cassaintegrati"}
	hoursWords      = []string{"ore", "hours", "monte ore"}
	requestedWord   = []string{"richieste", "richiesta", "requested", "chieste"}
	workerWords     = []string{"lavoratori", "lavoratrici", "dipendenti coinvolti", "workers", "employees", "persone"}
	suapWords       = []string{"suap", "pratiche", "pratica", "scia", "permessi", "permits", "permit", "sportello unico", "applications"}
	grantWords      = []string{"contributi", "contributo", "grant", "grants", "sovvenzioni", "finanziamenti", "ristori", "fondi", "beneficiari", "beneficiarie", "beneficiato", "finanziate", "funded"}
	amountWords     = []string{"euro", "soldi", "importo", "importi", "amount", "amounts", "quanto", "how much", "money", "concessi", "erogati", "stanziati", "valore"}
	recipientWord   = []string{"beneficiari", "beneficiarie", "beneficiato", "quante imprese", "quante aziende", "imprese finanziate", "hanno ricevuto", "how many firms", "how many companies", "how many businesses", "recipients", "beneficiaries", "funded companies", "funded firms"}
	notAwardedWords = []string{"non ammesse", "non ammessi", "escluse", "esclusi", "revocati", "revocate", "rinunce", "not admitted"}
	balanceWords    = []string{"saldo", "saldo netto", "ha perso", "hanno perso", "ha guadagnato", "hanno guadagnato", "perdita netta", "lost", "gained", "net balance", "net change", "net formation", "differenza tra aperture e chiusure", "aperture meno chiusure", "openings minus closures"}
	growthWords     = []string{"tasso di crescita", "tasso crescita", "crescita", "growth rate", "growth"}
	shareWords      = []string{"quota", "quote", "percentuale", "percentuali", "incidenza", "peso", "share", "proportion", "percentage", "che parte", "what fraction"}
	closeWords      = []string{"chiusure", "chiusura", "chiuse", "chiuso", "chiudono", "chiudere", "cessazioni", "cessazione", "cessate", "cancellazioni", "cancellate", "closures", "closure", "closed", "close", "shut", "cessations"}
	openWords       = []string{"aperture", "apertura", "aperte", "aperto", "aprono", "aprire", "nate", "nascite", "nuove imprese", "nuove aziende",
		"imprese nuove", "aziende nuove", "nuove attivita", "attivita nuove", "nuove aperture", "si sono iscritte", "si sono iscritti",
		"sono state iscritte", "nuove iscritte", "iscrizioni", "iscritte nel", "avviate", "openings", "opened", "opening", "new businesses", "new companies", "new firms", "registrations", "start ups", "startups nate"}
	registeredW = []string{"registrate", "registered", "imprese registrate"}
	activeWords = []string{"attive", "attiva", "in attivita", "operative", "active", "operating", "esistenti"}
	firmWords   = []string{"imprese", "impresa", "aziende", "azienda", "ditte", "societa", "companies", "businesses", "firms", "company", "business", "startup", "start up", "startups"}
)

func init() {
	for _, l := range [][]string{cigWords, hoursWords, requestedWord, workerWords, suapWords, grantWords, amountWords,
		recipientWord, balanceWords, growthWords, shareWords, closeWords, openWords, registeredW, activeWords, firmWords} {
		addVocabulary(l...)
	}
	addVocabulary("quante", "quanti", "quanta", "autorizzate", "autorizzata", "authorised", "authorized", "domande",
		"requests", "hanno", "nuove", "rispetto", "precedente", "ultimi", "trimestre", "semestre", "lockdown",
		"fascicolo", "platea", "partecipare", "potrebbero", "elenco", "codici", "fiscali", "prevede", "requisiti",
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
	share := t.has(shareWords...) || t.has("su 100", "su cento", "out of 100") ||
		(t.has("quante", "quanti") && t.has("sul totale", "sul totale delle"))
	hasCIG := t.has(cigWords...)
	switch {
	case hasCIG || t.has("ore autorizzate", "ore richieste", "hours authorised", "hours authorized", "hours requested"):
		switch {
		case t.has(hoursWords...) && t.has(requestedWord...):
			return metricReading{name: "cig_ore_richieste", named: true}
		case t.has(hoursWords...):
			return metricReading{name: "cig_ore_autorizzate", named: true}
		case t.has(workerWords...):
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
		return metricReading{name: "suap_pratiche", named: true}
	case t.has(grantWords...) || bandoRE.MatchString(t.raw) || t.has("concesso", "concessi", "concesse", "erogato", "erogati", "erogate") ||
		t.has("bando", "bandi", "fondo", "voucher") && (t.has(amountWords...) || t.has(notAwardedWords...) || t.has(recipientWord...)):
		if t.has(recipientWord...) {
			return metricReading{name: "contributi_beneficiari", named: true}
		}
		return metricReading{name: "contributi_importo_concesso", named: true, generic: !t.has(amountWords...)}
	}
	flow := ""
	switch {
	case t.has(balanceWords...):
		flow = "saldo"
	case !share && t.has(closeWords...) && t.has(openWords...):
		// "più aperture o chiusure?", "aperture e chiusure nel 2025": the balance answers
		// with both
		flow = "saldo"
	case t.has(closeWords...):
		flow = "chiusure"
	case t.has(openWords...):
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
	case t.has("tasso di crescita", "tasso crescita", "growth rate") || t.has(growthWords...) && flow == "":
		return metricReading{name: "tasso_crescita", named: true}
	case flow != "":
		return metricReading{name: flow, named: true}
	case t.has(registeredW...):
		return metricReading{name: "imprese_registrate", named: true}
	case t.has(activeWords...):
		return metricReading{name: "imprese_attive", named: true}
	case t.has(firmWords...):
		return metricReading{name: "imprese_attive"}
	}
	return metricReading{}
}

// sourceOf is the fact table a metric counts.
func sourceOf(metric string) string {
	switch metric {
	case "cig_domande", "cig_ore_richieste", "cig_ore_autorizzate", "cig_lavoratori":
		return "cig"
	case "suap_pratiche":
		return "suap"
	case "contributi_importo_concesso", "contributi_beneficiari":
		return "contributi"
	}
	return "register"
}

func isStock(metric string) bool {
	return metric == "imprese_attive" || metric == "imprese_registrate" || metric == "quota"
}
