package loader

import (
	"context"
	"os"
	"testing"
)

// A line break (<br>) and a block inside a list item or a table cell separate words, as a
// browser lays them out; inline markup does not, and punctuation after it keeps its place
// (`Primo paragrafo<br>seconda riga` was `paragrafoseconda`, and `<b>Navile</b>, Savena` was
// `Navile , Savena`).
func TestParseHTMLLineBreaksSeparateWords(t *testing.T) {
	page := `<html><body><h2>Relazione<br>SUAP 2026</h2>
<p>Primo paragrafo<br>seconda riga, <b>Bo</b>logna.</p>
<ul><li><p>Navile</p><p>Savena</p></li><li>Porto<br/>Saragozza</li></ul>
<table><tr><th>Quartiere</th><th>Ore</th></tr><tr><td>Borgo Panigale<br>Reno</td><td><div>20.000</div><div>ore</div></td></tr></table>
<div>Quartieri: <b>Navile</b>, Savena<br>e Santo Stefano.</div></body></html>`
	doc, err := Parse(context.Background(), Source{Path: "/d/relazione.html", Data: []byte(page)})
	if err != nil {
		t.Fatal(err)
	}
	assertBlocks(t, doc.Blocks, []Block{
		{Kind: Heading, Level: 2, Text: "Relazione SUAP 2026"},
		{Kind: Paragraph, Text: "Primo paragrafo seconda riga, Bologna."},
		{Kind: List, Text: "- Navile Savena\n- Porto Saragozza"},
		{Kind: Table, Text: "| Quartiere | Ore |\n| --- | --- |\n| Borgo Panigale Reno | 20.000 ore |"},
		{Kind: Paragraph, Text: "Quartieri: Navile, Savena e Santo Stefano."},
	})
}

// FAQ pages write their questions as accordion toggle buttons (inside a heading or on their
// own) or as a <details> element's <summary>. Buttons are left out as the site's furniture,
// so the answers lost their questions and were cited under the page's title; the questions are
// headings now, one per answer, and other buttons are still left out.
func TestParseHTMLFAQQuestionsAreHeadings(t *testing.T) {
	for _, tc := range []struct {
		file string
		want []Block
	}{
		{"testdata/faq-accordion.html", []Block{
			{Kind: Heading, Level: 1, Text: "Iscrizioni ai nidi d'infanzia: domande frequenti"},
			{Kind: Paragraph, Text: "Documento di prova. Le risposte alle domande più frequenti sull'iscrizione ai nidi."},
			{Kind: Heading, Level: 2, Text: "Quanto costa il nido?"},
			{Kind: Paragraph, Text: "La retta è azzerata con ISEE fino a 26.000 euro; oltre, va da 150 a 520 euro al mese."},
			{Kind: Heading, Level: 2, Text: "Posso rinunciare al posto assegnato?"},
			{Kind: Paragraph, Text: "Sì, entro 10 giorni dalla pubblicazione della graduatoria, senza costi."},
		}},
		{"testdata/faq-toggle.html", []Block{
			{Kind: Heading, Level: 1, Text: "Orti urbani: domande frequenti"},
			{Kind: Heading, Level: 2, Text: "Quanto dura l'assegnazione di un orto?"},
			{Kind: Paragraph, Text: "Documento di prova. L'assegnazione dura quattro anni."},
			{Kind: Heading, Level: 2, Text: "Si possono vendere i prodotti?"},
			{Kind: Paragraph, Text: "No, i prodotti dell'orto non possono essere venduti."},
		}},
		{"testdata/faq-details.html", []Block{
			{Kind: Heading, Level: 1, Text: "Anagrafe online: domande frequenti"},
			{Kind: Heading, Level: 2, Text: "Quanto tempo ci vuole per la carta d'identità elettronica?"},
			{Kind: Paragraph, Text: "Documento di prova. La carta arriva entro 6 giorni lavorativi e costa 22,21 euro."},
			{Kind: Heading, Level: 2, Text: "Posso cambiare residenza online?"},
			{Kind: Paragraph, Text: "Sì, su ANPR con SPID o CIE; la Polizia Locale verifica la dimora entro 45 giorni."},
		}},
	} {
		data, err := os.ReadFile(tc.file)
		if err != nil {
			t.Fatal(err)
		}
		doc, err := Parse(context.Background(), Source{Path: tc.file, Data: data})
		if err != nil {
			t.Fatal(err)
		}
		assertBlocks(t, doc.Blocks, tc.want)
	}
}
