package planner

import "strings"

// Questions about the rules of a service rather than about the catalog's figures (session 11,
// "document questions routed to the documents"). The catalog counts companies and their
// requests, permits and grants; what a family pays for a permit, who is entitled to a summer
// camp's refund, by when a request is made, whether an expense is covered or when an act takes
// effect are written in the city's acts, calls, circulars and FAQ pages. Such a question often
// names a word the catalog knows ("permessi", "contributo", "chiusura", "società sportiva") or
// a subject it lacks ("reddito", "residenti", "meteo"); the reading below sends it to the
// documents unless it plainly counts firms or their requests.

// ruleCues ask what a rule says: an obligation or a permission, an entitlement, a threshold,
// a fee or a tariff, a deadline or a start date, how to obtain something, opening hours.
var ruleCues = []string{
	// obligations and permissions
	"deve avere", "devono avere", "deve essere", "devono essere", "deve presentare", "devono presentare", "bisogna", "occorre",
	"si deve", "si devono", "e obbligatorio", "e obbligatoria", "sono obbligatori", "per poter", "si puo", "si possono",
	"e possibile", "e consentito", "e consentita", "sono consentiti", "e vietato", "e vietata", "sono vietati", "e ammesso",
	"e ammessa", "sono ammessi", "sono ammesse", "vale qualunque", "vale qualsiasi", "valgono",
	// entitlements and thresholds
	"sono destinati", "sono destinate", "destinati all*", "destinate all*", "riservati a*", "riservate a*", "earmarked", "set aside",
	"ha diritto", "hanno diritto", "avere diritto", "aver diritto", "ne ha diritto", "soglia", "limite di reddito", "tetto di",
	"per avere il", "per avere la", "per avere un", "per ottenere", "per accedere", "per chiedere il", "per chiedere la",
	// deadlines, start dates, durations, hours
	"entro che", "entro quale", "entro quanto", "da quando", "fino a quando", "a che ora", "in vigore", "quanto dura", "quanto durano",
	"orari di apertura", "orario di apertura", "quando vengono", "quando viene", "quando si puo", "quando si possono",
	"quando si potra", "quando si potranno", "quando si deve", "quando si devono", "quando bisogna", "quando posso",
	// how something is obtained
	"come si ottiene", "come si ottengono", "come si richiede", "come si richiedono", "come si chiede", "come si chiedono",
	"come ottenere", "come richiedere", "come fare per", "cosa serve per", "cosa bisogna",
	// what a term means ("che cos'è la cassa integrazione in deroga?", "what is a SCIA?")
	"che cos e", "cos e il", "cos e la", "cos e lo", "cos e l", "cos e un", "cos e una", "cosa sono i", "cosa sono le", "cosa sono gli",
	"cosa si intende", "cosa significa", "che significa", "cosa vuol dire", "che vuol dire", "definizione di", "what is a", "what is an",
	"what is the definition", "what does * mean", "what is meant by",
	// English
	"income limit", "income threshold", "threshold", "cap for", "cap on", "contribution cap", "grant cap", "entitled", "must",
	"have to", "has to", "is it possible", "are allowed", "is allowed", "can i", "can we", "can a", "can an",
	"by when", "until when", "in force", "take effect", "takes effect",
	"opening hours", "how do i", "how can i", "how to apply", "how to get"}

// feeCues ask what a service costs or who pays it. A price the market sets ("quanto costa un
// affitto commerciale in centro?") is a subject the data lack (noData's prices and rents), so
// these do not count when it is named.
var feeCues = []string{"quanto costa", "quanto costano", "quanto costera", "quanto costeranno", "quanto si paga", "quanto paga",
	"quanto pagano", "quanto paghera", "quanto pagheranno", "quanto devo pagare", "quanto bisogna pagare", "non pagano", "non paga",
	"chi paga", "chi lo paga", "chi la paga", "chi li paga", "tariffa", "tariffe", "retta", "rette", "esenzione", "esenzioni",
	"esente", "esenti", "how much does", "how much do", "who pays", "fee", "fees", "tariff", "tariffs"}

// actNouns name acts and measures besides the document types of docNouns: a question about them
// is about what they say.
var actNouns = []string{"provvedimento", "provvedimenti", "ordinanza", "ordinanze", "circolare", "circolari", "disciplinare",
	"contrassegno", "contrassegni", "allerta", "allerte", "regole", "norme", "alert", "alerts", "ordinance"}

// countedCues plainly count firms or their requests, permits and grants: such a question keeps
// its reading of the data whatever rule word it has ("quante imprese hanno diritto ...?" asks for
// a number).
var countedCues = []string{"quante imprese", "quante aziende", "quante societa", "quante ditte", "quanti negozi", "quante attivita",
	"numero di imprese", "numero delle imprese", "quante domande", "quante pratiche", "quanti beneficiari", "quante beneficiarie",
	"quante chiusure", "quante aperture", "quante nuove", "quanti contributi", "quante ore", "quanti lavoratori",
	"how many companies", "how many firms", "how many businesses", "how many requests", "how many permits", "how many grants",
	"per quartiere", "per settore", "per zona", "by district", "by sector"}

// openCues say that a place is open (its hours), not that firms opened: "le biblioteche sono
// aperte la sera?", "is the office open on Saturdays?". They count only when no number is asked
// ("quanti bar sono aperti?" counts firms).
var openCues = []string{"sono aperte", "sono aperti", "e aperto", "e aperta", "restano aperti", "restano aperte", "rimangono aperti",
	"rimangono aperte", "stanno aperti", "stanno aperte", "resta aperto", "resta aperta", "rimane aperto", "rimane aperta",
	"is it open", "is open on", "open on", "open at night", "open in the evening", "open at weekends", "open on weekends"}

// ruleAsked says whether the question asks what a rule or an act says, not a figure of the data;
// marketPrice says the question names prices or rents of property (a statistic the data lack).
func (t *text) ruleAsked(marketPrice bool) bool {
	// "quanto costa in media l'affitto di un negozio": an average is a statistic, not a tariff
	if t.has(countedCues...) || t.explicitBreakdown() || t.has("in media", "mediamente", "medio", "media", "average", "on average") {
		return false
	}
	return t.has(ruleCues...) || t.has(actNouns...) || !marketPrice && t.has(feeCues...) || !t.quantityCue() && t.has(openCues...)
}

// reportSubject says whether a question on a subject the catalog lacks asks how things stand
// rather than for a figure: no quantity asked, no firms named, not the weather, a street or a
// forecast. The city's reports and acts describe such subjects (air quality, alerts, services),
// so the documents are searched; "quanti abitanti ha Roma?", "il fatturato delle imprese",
// "che tempo farà domani?" keep their no-data reply.
func (t *text) reportSubject() bool {
	if t.quantityCue() || t.has(firmWords...) || t.has(noData[0].words...) || t.has(weatherWords...) || streetRE.MatchString(t.raw) {
		return false
	}
	return t.has("come va", "come vanno", "com e", "come sta", "come stanno", "situazione", "stato del", "stato della",
		"livelli", "livello", "valori", "how is", "how are", "what is the state", "status")
}

// marketPrice says whether the subject the data lack, as noDataSubject names it, is the price or
// the rent of property.
func marketPrice(subject string) bool {
	return strings.HasPrefix(subject, "i prezzi e gli affitti") || strings.HasPrefix(subject, "property prices")
}
