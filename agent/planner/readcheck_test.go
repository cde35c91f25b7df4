package planner

import (
	"strings"
	"testing"

	"github.com/comune-bologna/conoscenza/agent/catalog"
	"github.com/comune-bologna/conoscenza/agent/semantic"
	"github.com/comune-bologna/conoscenza/agent/tool"
)

// metricPlan is a plan of one query, as the planner would make it: the reading check is tested
// on the plan itself, so that a planner that reads more of a question later does not change
// what the check must say about a plan that leaves a part out.
func metricPlan(lang string, q semantic.Query) Plan {
	return Plan{Intent: IntentMetric, Lang: lang, Calls: []tool.Call{tool.NewCall(tool.QueryMetrics, q)}}
}

func TestTheReadingCheckNamesWhatThePlanLeavesOut(t *testing.T) {
	cases := []struct {
		question string
		lang     string
		q        semantic.Query
		note     string
	}{
		// the second half of the question dropped: the firms that asked, not those that closed
		{"imprese che hanno chiesto la cig e poi hanno chiuso", "it", semantic.Query{Metric: "cig_imprese"},
			"Nota: la domanda nomina anche le chiusure, che questa risposta non considera."},
		{"how many companies asked for CIG and then closed?", "en", semantic.Query{Metric: "cig_imprese"},
			"Note: the question also names closures, which this answer does not take into account."},
		// a call not recognised: every call's beneficiaries
		{"quante imprese hanno ottenuto il contributo per la digitalizzazione?", "it", semantic.Query{Metric: "contributi_beneficiari"},
			"Nota: la domanda nomina anche «digitalizzazione», che non ho collegato a un bando: la risposta riguarda tutti i bandi."},
		{"how many firms received the grant for digitalisation?", "en", semantic.Query{Metric: "contributi_beneficiari"},
			"Note: the question also names «digitalisation», which I did not link to a call: the answer covers all calls."},
		// a sector and a place the query does not filter on
		{"quante domande di cig nel commercio a Navile?", "it", semantic.Query{Metric: "cig_domande"},
			"Nota: la domanda nomina anche «commercio» e «navile», che questa risposta non considera."},
		// a company type and another source together
		{"quante imprese femminili hanno chiesto contributi?", "it", semantic.Query{Metric: "imprese_attive"},
			"Nota: la domanda nomina anche «femminili» e i contributi, che questa risposta non considera."},
		{"how many SUAP permits did cooperatives file?", "en", semantic.Query{Metric: "suap_pratiche"},
			"Note: the question also names «cooperatives», which this answer does not take into account."},
	}
	for _, c := range cases {
		got := readNote(c.question, nil, metricPlan(c.lang, c.q), now)
		if got != c.note {
			t.Errorf("%q:\n got %q\nwant %q", c.question, got, c.note)
		}
		if strings.ContainsAny(got, "0123456789") {
			t.Errorf("%q: the note writes a digit: %q", c.question, got)
		}
	}
}

func TestTheReadingCheckIsSilentWhenThePlanUsesWhatTheQuestionNames(t *testing.T) {
	p := New(catalog.Default())
	for _, q := range []string{
		// synonyms of the metric planned
		"quante cessazioni nel 2024?",
		"how many shutdowns of restaurants in 2025?",
		"nuove iscrizioni di imprese giovanili nel 2025",
		"quanti lavoratori sono finiti in cassa integrazione nel 2024?",
		// words the period reads
		"quante chiusure di imprese giovanili durante il covid?",
		"chiusure dal 2020",
		"le aperture sono salite o scese rispetto a prima del covid?",
		// a place filtered on, a place as a breakdown
		"imprese attive a Navile per zona",
		"chiusure per quartiere nel 2025",
		// the register named, not the trade sector
		"quante imprese iscritte alla Camera di Commercio ci sono a Bologna?",
		// the firms' age read from the year they opened
		"quante imprese attive sono nate nel 2023?",
		// a call recognised owns the words of its name
		"quante imprese hanno ricevuto il contributo per l'imprenditoria femminile nel 2022?",
		// an adjective of the grant, not a call's subject
		"contributo medio per le imprese femminili",
		"quante imprese hanno beneficiato di contributi comunali nel 2025?",
	} {
		pl := p.Plan(q, nil, now)
		if pl.Note != "" {
			t.Errorf("%q (%s %s): unexpected note %q", q, pl.Intent, callArgs(pl), pl.Note)
		}
	}
	// follow-ups inherit what they do not name
	prev := p.Plan("quante domande di cig nel 2024?", nil, now)
	for _, q := range []string{"e nel quartiere Navile?", "e nel commercio?", "e le chiusure?"} {
		if pl := p.Plan(q, &prev.State, now); pl.Note != "" {
			t.Errorf("follow-up %q (%s): unexpected note %q", q, callArgs(pl), pl.Note)
		}
	}
}

func TestTheNoteClosesTheComposedAnswer(t *testing.T) {
	pl := metricPlan("it", semantic.Query{Metric: "cig_imprese"})
	pl.Note = readNote("imprese che hanno chiesto la cig e poi hanno chiuso", nil, pl, now)
	if pl.Note == "" {
		t.Fatal("no note")
	}
	q := semantic.Query{Metric: "cig_imprese"}
	res := tool.Result{Call: tool.NewCall(tool.QueryMetrics, q), Tables: []tool.Table{{Metric: "cig_imprese", Unit: "imprese", Query: q,
		Columns: []semantic.Column{{Name: "value", Label: "Imprese", Type: "number"}}, Rows: [][]any{{int64(17089)}}, AsOf: "2026-10-31"}}}
	got := Compose(pl, []tool.Result{res})
	if !strings.HasSuffix(got, "\n\n"+pl.Note) {
		t.Errorf("the answer does not end with the note:\n%s", got)
	}
	// a plan with a reply (no data, refusal) carries no note
	if n := readNote("imprese che hanno chiesto la cig e poi hanno chiuso", nil, Plan{Intent: IntentNoData, Lang: "it", Reply: "x"}, now); n != "" {
		t.Errorf("note on a reply: %q", n)
	}
}

func callArgs(pl Plan) string {
	if len(pl.Calls) == 0 {
		return ""
	}
	return string(pl.Calls[0].Arguments)
}
