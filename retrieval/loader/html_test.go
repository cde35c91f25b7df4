package loader

import (
	"context"
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
