package planner

import (
	"testing"

	"github.com/comune-bologna/conoscenza/agent/catalog"
	"github.com/comune-bologna/conoscenza/agent/tool"
)

// Document questions routed to the documents (session 11, docs/assistant-eval.md "Session 11:
// document questions routed to the documents"): a question about a rule, an entitlement, a fee,
// a deadline or an act goes to search_documents even when it names a word the catalog knows
// (permessi, contributo, società, chiusura, bar) or a subject the data lack (reddito,
// inquinamento, meteo); a question that counts firms or their requests keeps the data.
func TestRuleQuestionsGoToTheDocuments(t *testing.T) {
	p := New(catalog.Default())
	for _, q := range []string{
		// a fee or a tariff, and who pays it
		"Quanto pagherà un residente per il secondo contrassegno auto?",
		"Quanto costa l'iscrizione al centro estivo per il secondo figlio?",
		"Quali famiglie non pagano la retta della mensa?",
		"Quanto costerà in tutto il nuovo piano per le piste ciclabili e chi lo paga?",
		"How much does it cost to rent a room in the civic centre?",
		"Quanto costa il permesso di sosta per i residenti del centro?",
		"Quanto pagherà un'impresa per il permesso di occupare il marciapiede?",
		// an obligation, a permission, a requirement
		"Quanti associati deve avere un circolo sportivo per chiedere il finanziamento?",
		"Si possono rimborsare con il contributo le spese per le divise della squadra?",
		"Per poter chiedere i fondi la società deve essere iscritta al registro comunale?",
		"Bisogna avere la residenza a Bologna per iscrivere il bambino al nido?",
		"Vale qualunque corso di formazione per avere il voucher?",
		"Must a tenant live in Bologna to get the rent support?",
		// an entitlement or a threshold, also on a subject the data lack (incomes)
		"Sotto quale ISEE si ha diritto all'esenzione dalla tariffa?",
		"Chi ha diritto al rimborso della mensa scolastica?",
		"Qual è la soglia di reddito per il contributo affitto?",
		"What income threshold applies to the school meal discount?",
		// a deadline, a start date, hours
		"Entro che data va presentata la domanda di rimborso dei campi estivi?",
		"Entro che ora il Comune avvisa della chiusura delle scuole?",
		"Da quando entra in vigore la nuova disciplina dei pass per la sosta?",
		"Quando vengono chiusi i giardini pubblici in caso di vento forte?",
		"What are the opening hours of the registry office?",
		"By when must the summer camp refund be requested?",
		// (after the held-out run) a date asked with a modal, a place open at some hours
		"Quando si potrà pagare la retta del nido online?",
		"I musei civici sono aperti il lunedì?",
		"Is the registry office open on Saturdays?",
		// a budget set aside for someone
		"Quanti soldi sono destinati ai progetti per gli anziani?",
		"Quanti soldi sono riservati alle associazioni sportive giovanili?",
		// an act or a measure named (also on the data's missing subjects: pollution, alerts)
		"Per quanti giorni sono rimasti in vigore i provvedimenti antismog?",
		"Cosa succede alle scuole con l'allerta rossa?",
		"Quali sono le regole per usare le sale di quartiere?",
		// how things stand on a subject the catalog lacks, no figure asked
		"Come va il PM10 nelle stazioni di monitoraggio?",
		// how something is obtained
		"Come si ottiene il contrassegno per i disabili?",
	} {
		pl := p.Plan(q, nil, now)
		if pl.Intent != IntentDocument || len(pl.Calls) != 1 || pl.Calls[0].Name != tool.SearchDocuments {
			t.Errorf("%q: %s %q %+v, want a document search", q, pl.Intent, pl.Reply, pl.Calls)
		}
	}
}

// The same words with the firms counted keep their reading of the data; a figure of a subject
// the data lack keeps its no-data reply.
func TestDataQuestionsKeepTheData(t *testing.T) {
	p := New(catalog.Default())
	for _, c := range []struct{ question, intent string }{
		{"Quante imprese hanno chiesto il contributo nel 2025?", IntentMetric},
		{"Quante pratiche SUAP per permessi di pubblico esercizio nel 2024?", IntentMetric},
		{"quante imprese hanno chiuso a Navile nel 2023?", IntentMetric},
		{"importo dei contributi concessi per quartiere", IntentMetric},
		{"Quanti soldi ha dato il Comune alle imprese sportive?", IntentMetric},
		{"How many companies received a grant in 2024?", IntentMetric},
		{"quanti bar sono aperti a Navile?", IntentMetric},
		{"quante imprese sono state aperte nel 2024?", IntentMetric},
		{"quante imprese femminili devono ancora ricevere il contributo per quartiere?", IntentMetric},
		// a market price and a figure of the population stay no data
		{"Quanto costa in media l'affitto di un negozio in centro?", IntentNoData},
		{"quanto costa un affitto commerciale in centro?", IntentNoData},
		{"Quanti residenti ci sono a Navile?", IntentNoData},
		{"Qual è il reddito medio delle famiglie di Savena?", IntentNoData},
		{"Quanto inquinamento c'è in via Irnerio?", IntentNoData},
		{"Che tempo farà domani?", IntentNoData},
	} {
		if pl := p.Plan(c.question, nil, now); pl.Intent != c.intent {
			t.Errorf("%q: %s %q %+v, want %s", c.question, pl.Intent, pl.Reply, pl.Calls, c.intent)
		}
	}
}
