package loader

import (
	"bytes"
	"context"
	"testing"

	"github.com/go-pdf/fpdf"
)

// makePDF writes a real PDF with a text layer: one page per element of pages, each page a
// list of lines (a line starting with "# " is set in bold as a heading).
func makePDF(t testing.TB, pages [][]string) []byte {
	t.Helper()
	pdf := fpdf.New("P", "mm", "A4", "")
	tr := pdf.UnicodeTranslatorFromDescriptor("") // core fonts are cp1252: Italian accents fit
	for _, lines := range pages {
		pdf.AddPage()
		for _, l := range lines {
			if len(l) > 2 && l[:2] == "# " {
				pdf.SetFont("Helvetica", "B", 14)
				pdf.MultiCell(0, 8, tr(l[2:]), "", "L", false)
				continue
			}
			pdf.SetFont("Helvetica", "", 11)
			pdf.MultiCell(0, 6, tr(l), "", "L", false)
			pdf.Ln(3)
		}
	}
	var buf bytes.Buffer
	if err := pdf.Output(&buf); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
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
		{Kind: List, Text: "- primo obiettivo", Page: 2},
		{Kind: List, Text: "- secondo obiettivo", Page: 2},
		{Kind: Paragraph, Text: "Testo della terza pagina, senza titolo proprio.", Page: 3},
	}
	assertBlocks(t, doc.Blocks, want)
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
