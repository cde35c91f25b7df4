package loader

import (
	"bytes"
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/go-pdf/fpdf"

	"github.com/comune-bologna/conoscenza/retrieval/corpus"
)

func makePDF(t testing.TB, pages [][]string) []byte {
	t.Helper()
	b, err := corpus.PDF("prova", pages)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func TestParsePDFKeepsPagesAndHeadings(t *testing.T) {
	data := makePDF(t, [][]string{
		{"# PIANO DIGITALE", "# 1. Premessa", "Il Comune promuove la città digitale con una frase abbastanza lunga da andare a capo nella pagina, perché supera la larghezza della riga."},
		{"# 2. Obiettivi", "- primo obiettivo", "- secondo obiettivo"},
		{"Testo della terza pagina, senza titolo proprio."},
	})
	doc, err := Parse(context.Background(), Source{Path: "/d/piano.pdf", Data: data})
	if err != nil {
		t.Fatal(err)
	}
	if doc.Format != "pdf" || doc.Pages != 3 || doc.Meta.Title != "PIANO DIGITALE" {
		t.Fatalf("doc = %s pages %d title %q", doc.Format, doc.Pages, doc.Meta.Title)
	}
	want := []Block{
		{Kind: Heading, Level: 1, Text: "PIANO DIGITALE", Page: 1},
		{Kind: Heading, Level: 2, Text: "1. Premessa", Page: 1},
		{Kind: Paragraph, Text: "Il Comune promuove la città digitale con una frase abbastanza lunga da andare a capo nella pagina, perché supera la larghezza della riga.", Page: 1},
		{Kind: Heading, Level: 2, Text: "2. Obiettivi", Page: 2},
		{Kind: List, Text: "- primo obiettivo\n- secondo obiettivo", Page: 2}, // one list, as in Markdown
		{Kind: Paragraph, Text: "Testo della terza pagina, senza titolo proprio.", Page: 3},
	}
	assertBlocks(t, doc.Blocks, want)
}

// Without a top-level heading, a PDF is named by the title of its information dictionary (unless
// that names the file it was printed from), else by its file name: not by its first section.
func TestPDFTitleWithoutATopHeading(t *testing.T) {
	for info, want := range map[string]string{"Rapporto sul commercio": "Rapporto sul commercio", "Microsoft Word - rapporto.docx": "rapporto"} {
		data, err := corpus.PDF(info, [][]string{{"# 1. Sintesi", "Il commercio cresce."}})
		if err != nil {
			t.Fatal(err)
		}
		doc, err := Parse(context.Background(), Source{Path: "/d/rapporto.pdf", Data: data})
		if err != nil || doc.Meta.Title != want {
			t.Errorf("info title %q: title %q, want %q (%v)", info, doc.Meta.Title, want, err)
		}
	}
}

func TestParsePDFRefusesDamagedAndImageOnlyFiles(t *testing.T) {
	for name, data := range map[string][]byte{
		"not a pdf": []byte("%PDF-1.4 this is not really a PDF"),
		"truncated": makePDF(t, [][]string{{"Testo."}})[:400],
		"no text":   makePDF(t, [][]string{{}}),
	} {
		t.Run(name, func(t *testing.T) {
			if _, err := Parse(context.Background(), Source{Path: "x.pdf", Data: data}); err == nil {
				t.Fatal("want an error")
			} else {
				t.Log(err)
			}
		})
	}
}

// Ligature glyphs are spelled out and a soft hyphen at the end of a line joins the word, so a
// passage typeset with "ﬁ" or hyphenated by the typesetter is found by the words as written.
func TestPDFLinesSpellOutLigaturesAndSoftHyphens(t *testing.T) {
	lines := pageLines([]pdfRun{
		{x: 72, y: 700, x1: 300, size: 11, text: "Il ﬁnanziamento è concesso alle attivi\u00ad"},
		{x: 72, y: 686, x1: 300, size: 11, text: "tà in ﬂessione."},
	})
	var texts []string
	for _, l := range lines {
		texts = append(texts, l.text)
	}
	if got := joinLines(texts); got != "Il finanziamento è concesso alle attività in flessione." {
		t.Errorf("joined = %q", got)
	}
}

// Plain text extracted from a paged document keeps its pages: pdftotext writes a form feed
// between them.
func TestTextWithFormFeedsHasPages(t *testing.T) {
	doc, err := Parse(context.Background(), Source{Path: "/d/atto.txt", Data: []byte("Art. 1 - Oggetto\n\nPrima pagina.\n\fArt. 2 - Termini\n\nSeconda pagina.\n\f")})
	if err != nil {
		t.Fatal(err)
	}
	if doc.Pages != 2 {
		t.Errorf("pages = %d", doc.Pages)
	}
	assertBlocks(t, doc.Blocks, []Block{
		{Kind: Heading, Level: 2, Text: "Art. 1 - Oggetto", Page: 1},
		{Kind: Paragraph, Text: "Prima pagina.", Page: 1},
		{Kind: Heading, Level: 2, Text: "Art. 2 - Termini", Page: 2},
		{Kind: Paragraph, Text: "Seconda pagina.", Page: 2},
	})
}

// The cells of a table row stay on one line, in order, rows one after the other.
func TestPDFTableRowsStayTogether(t *testing.T) {
	pdf := fpdf.New("P", "mm", "A4", "")
	pdf.AddPage()
	pdf.SetFont("Helvetica", "B", 11)
	pdf.Text(20, 20, "IMPORTI DEL CONTRIBUTO")
	pdf.SetFont("Helvetica", "", 10)
	for i, row := range [][]string{{"Tipologia", "Contributo massimo", "Quota"}, {"Dehors aperto", "3.000 euro", "50%"}, {"Dehors chiuso", "6.500 euro", "40%"}} {
		for j, cell := range row {
			pdf.Text(20+float64(j)*60, 35+float64(i)*7, cell)
		}
	}
	var b bytes.Buffer
	if err := pdf.Output(&b); err != nil {
		t.Fatal(err)
	}
	doc, err := Parse(context.Background(), Source{Path: "/d/importi.pdf", Data: b.Bytes()})
	if err != nil {
		t.Fatal(err)
	}
	assertBlocks(t, doc.Blocks, []Block{
		{Kind: Heading, Level: 1, Text: "IMPORTI DEL CONTRIBUTO", Page: 1},
		{Kind: Paragraph, Text: "Tipologia Contributo massimo Quota Dehors aperto 3.000 euro 50% Dehors chiuso 6.500 euro 40%", Page: 1},
	})
}

// Text written up the margin (the digital signature's stamp) is not read as letters scattered
// among the lines: it is one line after the page's text.
func TestPDFRotatedMarginStampStaysOutOfTheLines(t *testing.T) {
	pdf := fpdf.New("P", "mm", "A4", "")
	pdf.AddPage()
	pdf.SetFont("Helvetica", "", 11)
	pdf.Text(20, 40, "Il contributo copre il 50 per cento delle spese ammissibili.")
	pdf.Text(20, 46, "La domanda si presenta entro il 30 giugno.")
	pdf.SetFont("Helvetica", "", 7)
	pdf.TransformBegin()
	pdf.TransformRotate(90, 10, 43) // it starts between the two lines
	pdf.Text(10, 43, "Documento firmato digitalmente ai sensi del D.Lgs. 82/2005")
	pdf.TransformEnd()
	var b bytes.Buffer
	if err := pdf.Output(&b); err != nil {
		t.Fatal(err)
	}
	doc, err := Parse(context.Background(), Source{Path: "/d/atto.pdf", Data: b.Bytes()})
	if err != nil {
		t.Fatal(err)
	}
	assertBlocks(t, doc.Blocks, []Block{
		{Kind: Paragraph, Text: "Il contributo copre il 50 per cento delle spese ammissibili. La domanda si presenta entro il 30 giugno.", Page: 1},
		{Kind: Paragraph, Text: "Documento firmato digitalmente ai sensi del D.Lgs. 82/2005", Page: 1},
	})
}

// A text layer in a font without a Unicode map (codes from 1, as subset fonts number their
// glyphs) is not text: the document is refused with the reason, not loaded as noise.
func TestPDFWithUndecodableTextIsRefused(t *testing.T) {
	content := "BT /F1 11 Tf 72 770 Td (\\001\\002\\003\\004\\005 \\006\\007\\010\\011\\013 \\014\\016\\017) Tj ET"
	_, err := Parse(context.Background(), Source{Path: "/d/x.pdf", Data: rawTestPDF(content)})
	if err == nil || !strings.Contains(err.Error(), "cannot be decoded") {
		t.Fatalf("err = %v", err)
	}
}

// rawTestPDF writes a one-page PDF around a content stream, with Helvetica as /F1.
func rawTestPDF(content string) []byte {
	var b bytes.Buffer
	var offs []int
	obj := func(s string) {
		offs = append(offs, b.Len())
		fmt.Fprintf(&b, "%d 0 obj\n%s\nendobj\n", len(offs), s)
	}
	b.WriteString("%PDF-1.4\n")
	obj("<< /Type /Catalog /Pages 2 0 R >>")
	obj("<< /Type /Pages /Kids [4 0 R] /Count 1 >>")
	obj("<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>")
	obj("<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << /Font << /F1 3 0 R >> >> /Contents 5 0 R >>")
	obj(fmt.Sprintf("<< /Length %d >>\nstream\n%s\nendstream", len(content), content))
	xref := b.Len()
	fmt.Fprintf(&b, "xref\n0 %d\n0000000000 65535 f \n", len(offs)+1)
	for _, o := range offs {
		fmt.Fprintf(&b, "%010d 00000 n \n", o)
	}
	fmt.Fprintf(&b, "trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n", len(offs)+1, xref)
	return b.Bytes()
}
