package chunk

import (
	"fmt"
	"reflect"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/comune-bologna/conoscenza/retrieval/loader"
)

func h(level int, text string) loader.Block {
	return loader.Block{Kind: loader.Heading, Level: level, Text: text}
}
func p(text string) loader.Block { return loader.Block{Kind: loader.Paragraph, Text: text} }

func sentences(prefix string, n int) string {
	var s []string
	for i := 1; i <= n; i++ {
		s = append(s, fmt.Sprintf("%s frase numero %d del paragrafo di prova.", prefix, i))
	}
	return strings.Join(s, " ")
}

func TestSplitNeverCrossesHeadingsAndKnowsThePath(t *testing.T) {
	blocks := []loader.Block{
		p("Premessa senza titolo."),
		h(1, "Bando"), p("Introduzione."),
		h(2, "1. Finalità"), p("Sostegno alle imprese."),
		h(2, "2. Beneficiari"), h(3, "2.1 Requisiti"), p("Sede a Bologna."),
		h(2, "3. Contributo"), p("Fino a 15.000 euro."),
	}
	got := Split(blocks, DefaultOptions())
	want := []Chunk{
		{Ord: 0, HeadingPath: []string{}, Content: "Premessa senza titolo."},
		{Ord: 1, HeadingPath: []string{"Bando"}, Content: "Introduzione."},
		{Ord: 2, HeadingPath: []string{"Bando", "1. Finalità"}, Content: "Sostegno alle imprese."},
		{Ord: 3, HeadingPath: []string{"Bando", "2. Beneficiari", "2.1 Requisiti"}, Content: "Sede a Bologna."},
		{Ord: 4, HeadingPath: []string{"Bando", "3. Contributo"}, Content: "Fino a 15.000 euro."},
	}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("chunks =\n%#v\nwant\n%#v", got, want)
	}
}

func TestSplitPacksSmallBlocksAndOverlapsProse(t *testing.T) {
	opt := Options{MaxRunes: 200, OverlapRunes: 80}
	blocks := []loader.Block{h(1, "Sezione"), p(sentences("Alfa", 3)), p(sentences("Beta", 3)), p(sentences("Gamma", 3)), p("Breve."), p("Brevissimo.")}
	got := Split(blocks, opt)
	if len(got) != 3 {
		t.Fatalf("got %d chunks: %#v", len(got), got)
	}
	for i, c := range got {
		if n := utf8.RuneCountInString(c.Content); n > opt.MaxRunes+opt.OverlapRunes {
			t.Errorf("chunk %d has %d runes", i, n)
		}
	}
	// The second chunk starts with the last sentence of the first, then the new paragraph whole.
	if !strings.HasPrefix(got[1].Content, "Alfa frase numero 3") || !strings.Contains(got[1].Content, "Beta frase numero 1") {
		t.Errorf("chunk 1 = %q, want the overlap then Beta", got[1].Content)
	}
	// Small paragraphs are packed together with the one before them.
	if !strings.HasSuffix(got[2].Content, "Breve.\n\nBrevissimo.") {
		t.Errorf("chunk 2 = %q, want the short paragraphs packed in", got[2].Content)
	}
}

func TestSplitKeepsTablesWholeOrRepeatsTheHeader(t *testing.T) {
	small := "| Voce | Euro |\n|---|---|\n| Contributo | 15.000 |"
	got := Split([]loader.Block{h(1, "Importi"), p("Tabella:"), {Kind: loader.Table, Text: small}}, DefaultOptions())
	if len(got) != 1 || !strings.Contains(got[0].Content, small) {
		t.Fatalf("small table: %#v", got)
	}
	var rows []string
	for i := 0; i < 40; i++ {
		rows = append(rows, fmt.Sprintf("| Quartiere %02d | %d.000 euro di contributi concessi |", i, i))
	}
	big := "| Quartiere | Importo |\n|---|---|\n" + strings.Join(rows, "\n")
	got = Split([]loader.Block{{Kind: loader.Table, Text: big}}, Options{MaxRunes: 400, OverlapRunes: 50})
	if len(got) < 4 {
		t.Fatalf("big table in %d chunks", len(got))
	}
	seen := 0
	for _, c := range got {
		if !strings.HasPrefix(c.Content, "| Quartiere | Importo |\n|---|---|\n") {
			t.Errorf("chunk without the table header: %q", c.Content)
		}
		seen += strings.Count(c.Content, "| Quartiere ") - 1
	}
	if seen != 40 {
		t.Errorf("rows seen %d, want each of 40 exactly once", seen)
	}
}

func TestSplitCutsLongParagraphsAndLongLists(t *testing.T) {
	opt := Options{MaxRunes: 200, OverlapRunes: 40}
	long := sentences("Lungo", 12)
	got := Split([]loader.Block{p(long)}, opt)
	if len(got) < 4 {
		t.Fatalf("long paragraph in %d chunks", len(got))
	}
	for _, c := range got {
		if utf8.RuneCountInString(c.Content) > opt.MaxRunes+opt.OverlapRunes {
			t.Errorf("chunk too long: %d", utf8.RuneCountInString(c.Content))
		}
	}
	var items []string
	for i := 0; i < 12; i++ {
		items = append(items, fmt.Sprintf("- requisito numero %d per accedere al contributo", i))
	}
	got = Split([]loader.Block{{Kind: loader.List, Text: strings.Join(items, "\n")}}, opt)
	for _, c := range got {
		for _, line := range strings.Split(c.Content, "\n") {
			if !strings.HasPrefix(line, "- requisito numero ") {
				t.Errorf("a list item was cut: %q", line)
			}
		}
	}
}

func TestSplitNeverCrossesPages(t *testing.T) {
	blocks := []loader.Block{
		{Kind: loader.Heading, Level: 1, Text: "Piano", Page: 1},
		{Kind: loader.Paragraph, Text: "Pagina uno.", Page: 1},
		{Kind: loader.Paragraph, Text: "Pagina due.", Page: 2},
		{Kind: loader.Paragraph, Text: "Ancora due.", Page: 2},
	}
	got := Split(blocks, DefaultOptions())
	if len(got) != 2 || got[0].Page != 1 || got[1].Page != 2 || got[1].Content != "Pagina due.\n\nAncora due." {
		t.Fatalf("chunks = %#v", got)
	}
	if !reflect.DeepEqual(got[1].HeadingPath, []string{"Piano"}) {
		t.Errorf("the heading of page 1 still applies on page 2: %v", got[1].HeadingPath)
	}
}
