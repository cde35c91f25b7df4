package agent

import (
	"strings"
	"testing"

	"github.com/comune-bologna/conoscenza/agent/tool"
	"github.com/comune-bologna/conoscenza/retrieval"
)

// A quotation must be the text of a passage the turn's searches returned: spacing, case,
// typographic quotes and an ellipsis that leaves words out do not matter; a paraphrase inside
// quotation marks is marked.
func TestQuotationsAreCheckedAgainstThePassages(t *testing.T) {
	passage := "Art. 5 - Termini\n\nLe domande devono pervenire entro il 30 giugno 2025\nesclusivamente tramite la piattaforma telematica del Comune. L'amministrazione verifica a campione."
	results := []tool.Result{{
		Content:   retrieval.RenderForModel([]retrieval.Result{{Citation: retrieval.Citation{Title: "Delibera", Passage: passage}}}),
		Citations: []tool.Citation{{ID: "D1", Title: "Delibera", Quote: "Le domande devono pervenire entro il 30 giugno 2025"}},
	}}
	cases := []struct {
		answer     string
		quotes     int
		unverified int
	}{
		{"Secondo la delibera «le domande devono pervenire entro il 30 giugno 2025 esclusivamente tramite la piattaforma telematica» [D1].", 1, 0},
		{"«Le domande devono pervenire … tramite la piattaforma telematica del Comune.» [D1]", 1, 0},
		{"La delibera dice: “L’amministrazione verifica a campione.” [D1]", 1, 0},
		{"«Le domande vanno inviate entro fine giugno 2025 tramite il portale» [D1]", 1, 1},
		{"Il bando si chiama «Botteghe» e scade il 30 giugno 2025.", 0, 0}, // a name, not a passage
	}
	for _, tc := range cases {
		text, g := Ground(tc.answer, "entro quando?", results)
		if g.Quotes != tc.quotes || len(g.UnverifiedQuotes) != tc.unverified {
			t.Errorf("%q: %d quotes, unverified %q", tc.answer, g.Quotes, g.UnverifiedQuotes)
		}
		if marked := strings.Contains(text, QuoteMarker); marked != (tc.unverified > 0) {
			t.Errorf("%q: marked %q", tc.answer, text)
		}
		if !g.OK {
			t.Errorf("%q: numbers %v", tc.answer, g.Ungrounded)
		}
	}
}
