package agent

import (
	"context"
	"strings"
	"testing"

	"github.com/comune-bologna/conoscenza/agent/tool"
)

// A planner answer's tables are shown in the question's language, titled as a phrase, from the
// first streamed event on (session 12: the English page kept the Italian titles, labels and
// unit, and titles read "Chiusure per quartiere — impresa femminile: sì").
func TestPlannerTablesSpeakTheQuestionsLanguage(t *testing.T) {
	s := newService(t)
	cases := []struct {
		question, title, label, unit, text string
	}{
		{"Domande di cassa integrazione per quartiere nel 2020", "Domande di cassa integrazione per quartiere, nel 2020", "Quartiere", "domande", "Domande di cassa integrazione (nel 2020)"},
		{"CIG requests by district in 2020", "CIG requests by district, in 2020", "District (quartiere)", "requests", "CIG requests (in 2020)"},
	}
	for _, c := range cases {
		var streamed []tool.Table
		a, err := s.Ask(context.Background(), Request{Question: c.question, Principal: tool.Principal{Role: tool.Decisore}}, func(e Event) {
			if tb, ok := e.Data.(tool.Table); ok && e.Type == "table" {
				streamed = append(streamed, tb)
			}
		})
		if err != nil {
			t.Fatal(err)
		}
		if len(streamed) != 1 || len(a.Tables) != 1 {
			t.Fatalf("%q: %d tables streamed, %d in the answer: %q", c.question, len(streamed), len(a.Tables), a.Answer)
		}
		for _, tb := range []tool.Table{streamed[0], a.Tables[0]} {
			if tb.Title != c.title || tb.Columns[0].Label != c.label || tb.Unit != c.unit {
				t.Errorf("%q: table %q, first column %q, unit %q; want %q, %q, %q", c.question, tb.Title, tb.Columns[0].Label, tb.Unit, c.title, c.label, c.unit)
			}
		}
		if !strings.Contains(a.Answer, c.text) || !a.Grounding.OK {
			t.Errorf("%q: answer %q (grounded %v)", c.question, a.Answer, a.Grounding.OK)
		}
	}
}
