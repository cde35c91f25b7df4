package planner

import (
	"strings"
	"testing"

	"github.com/comune-bologna/conoscenza/agent/tool"
)

func TestDescribeDocumentsDeclinesWithoutQuotingRelatedPassages(t *testing.T) {
	related := []tool.Citation{
		{ID: "D1", Document: "demo:a.md", Title: "Bando «Botteghe di quartiere» 2025", Section: "Bando «Botteghe di quartiere» 2025 › Contributo", Quote: "Il contributo copre il 50%"},
		{ID: "D2", Document: "demo:a.md", Title: "Bando «Botteghe di quartiere» 2025", Section: "Bando «Botteghe di quartiere» 2025 › Destinatari", Quote: "Possono partecipare"},
		{ID: "D3", Document: "demo:b.md", Title: "Regolamento dehors", Section: "Regolamento dehors › Art. 7 - Sanzioni", Quote: "La sanzione è di 500 euro"},
	}
	got := describeDocuments(tool.Result{Call: tool.NewCall(tool.SearchDocuments, nil), Related: related}, "it")
	for _, want := range []string{"Nei documenti caricati non ho trovato una risposta", "Potrebbero interessarti", "«Bando «Botteghe di quartiere» 2025», Contributo", "«Regolamento dehors», Art. 7 - Sanzioni"} {
		if !strings.Contains(got, want) {
			t.Errorf("missing %q in:\n%s", want, got)
		}
	}
	for _, not := range []string{"Il contributo copre", "500 euro", "[D", "Destinatari"} {
		if strings.Contains(got, not) {
			t.Errorf("%q should not be in a declined answer (quotes, references, a document twice):\n%s", not, got)
		}
	}
	if en := describeDocuments(tool.Result{Related: related}, "en"); !strings.HasPrefix(en, "I found no answer") {
		t.Errorf("English: %s", en)
	}
	cited := describeDocuments(tool.Result{Citations: related}, "it")
	if !strings.Contains(cited, "Il contributo copre") || strings.Contains(cited, "non ho trovato") {
		t.Errorf("passages that answer are quoted:\n%s", cited)
	}
}
