package retrieval

import (
	"bytes"
	"context"
	"fmt"
	"image"
	"image/color"
	"image/png"
	"strings"
	"testing"

	"github.com/go-pdf/fpdf"
)

// The documents of this file come as the city's offices produce them (session 8's audit): PDFs
// with running heads, words hyphenated at the margin, lines placed by Td and words spaced by TJ
// offsets, two columns, a scanned annex; a CMS page; Markdown converted from a word processor;
// a Windows-1252 text; sidecars with keys of their own. Each check names what went wrong before.

// auditPDF typesets pages of lines with a header and a footer on every page; a line starting
// with "# " is a bold heading. Lines are placed one by one, so hyphenation is the test's.
func auditPDF(t *testing.T, header string, pages [][]string) []byte {
	t.Helper()
	pdf := fpdf.New("P", "mm", "A4", "")
	tr := pdf.UnicodeTranslatorFromDescriptor("")
	pdf.SetHeaderFuncMode(func() {
		pdf.SetFont("Helvetica", "", 8)
		pdf.SetY(8)
		pdf.CellFormat(0, 5, tr(header), "", 1, "C", false, 0, "")
	}, true)
	pdf.SetFooterFunc(func() {
		pdf.SetY(-15)
		pdf.SetFont("Helvetica", "", 8)
		pdf.CellFormat(0, 5, fmt.Sprintf("Pagina %d di {nb}", pdf.PageNo()), "", 0, "C", false, 0, "")
	})
	pdf.AliasNbPages("{nb}")
	for _, lines := range pages {
		pdf.AddPage()
		// The digital signature's stamp up the left margin of every page.
		pdf.SetFont("Helvetica", "", 7)
		pdf.TransformBegin()
		pdf.TransformRotate(90, 10, 200)
		pdf.Text(10, 200, "Documento firmato digitalmente da Mario Rossi il 15/04/2025")
		pdf.TransformEnd()
		pdf.SetY(25)
		for _, l := range lines {
			if h, ok := strings.CutPrefix(l, "# "); ok {
				pdf.SetFont("Helvetica", "B", 12)
				pdf.Ln(3)
				pdf.CellFormat(0, 7, tr(h), "", 1, "L", false, 0, "")
				continue
			}
			pdf.SetFont("Helvetica", "", 11)
			pdf.CellFormat(0, 5.5, tr(l), "", 1, "L", false, 0, "")
		}
	}
	var b bytes.Buffer
	if err := pdf.Output(&b); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// twoColumnPDF writes one page whose text runs in two columns, each string placed on its own.
func twoColumnPDF(t *testing.T, left, right []string) []byte {
	t.Helper()
	pdf := fpdf.New("P", "mm", "A4", "")
	tr := pdf.UnicodeTranslatorFromDescriptor("")
	pdf.AddPage()
	for c, col := range [][]string{left, right} {
		y := 30.0
		for _, l := range col {
			style := ""
			if h, ok := strings.CutPrefix(l, "# "); ok {
				style, l = "B", h
			}
			pdf.SetFont("Helvetica", style, 10)
			pdf.Text(20+float64(c)*90, y, tr(l))
			y += 6
		}
	}
	var b bytes.Buffer
	if err := pdf.Output(&b); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// scannedAnnexPDF has one page of text and one page that is only an image, as a scanned annex.
func scannedAnnexPDF(t *testing.T) []byte {
	t.Helper()
	img := image.NewGray(image.Rect(0, 0, 100, 140))
	for i := range img.Pix {
		img.Pix[i] = 200
	}
	img.SetGray(10, 10, color.Gray{})
	var scan bytes.Buffer
	if err := png.Encode(&scan, img); err != nil {
		t.Fatal(err)
	}
	pdf := fpdf.New("P", "mm", "A4", "")
	pdf.AddPage()
	pdf.SetFont("Helvetica", "", 11)
	pdf.Text(20, 30, "Con l'ordinanza e' vietata la vendita per asporto di bevande in vetro dopo le ore 22.")
	opt := fpdf.ImageOptions{ImageType: "PNG"}
	pdf.RegisterImageOptionsReader("scan", opt, &scan)
	pdf.AddPage()
	pdf.ImageOptions("scan", 10, 10, 190, 266, false, opt, 0, "")
	var b bytes.Buffer
	if err := pdf.Output(&b); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// rawPDF writes a PDF by hand, one content stream per page over Helvetica (a standard font,
// without Widths), to use text operators fpdf never writes.
func rawPDF(contents ...string) []byte {
	var b bytes.Buffer
	var offs []int
	obj := func(s string) {
		offs = append(offs, b.Len())
		fmt.Fprintf(&b, "%d 0 obj\n%s\nendobj\n", len(offs), s)
	}
	b.WriteString("%PDF-1.4\n")
	var kids []string
	for i := range contents {
		kids = append(kids, fmt.Sprintf("%d 0 R", 4+2*i))
	}
	obj("<< /Type /Catalog /Pages 2 0 R >>")
	obj(fmt.Sprintf("<< /Type /Pages /Kids [%s] /Count %d >>", strings.Join(kids, " "), len(contents)))
	obj("<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>")
	for i, c := range contents {
		obj(fmt.Sprintf("<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << /Font << /F1 3 0 R >> >> /Contents %d 0 R >>", 5+2*i))
		obj(fmt.Sprintf("<< /Length %d >>\nstream\n%s\nendstream", len(c), c))
	}
	xref := b.Len()
	fmt.Fprintf(&b, "xref\n0 %d\n0000000000 65535 f \n", len(offs)+1)
	for _, o := range offs {
		fmt.Fprintf(&b, "%010d 00000 n \n", o)
	}
	fmt.Fprintf(&b, "trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n", len(offs)+1, xref)
	return b.Bytes()
}

const cmsPage = `<!DOCTYPE html><html lang="it"><head><meta charset="utf-8"><title>Bando dehors 2025 | Comune di Bologna</title>
<script>window.dataLayer=[];</script></head><body>
<a class="skip-link" href="#main">Vai al contenuto principale</a>
<div id="cookie-banner"><p>Questo sito utilizza cookie tecnici e cookie analitici di terze parti.</p><button>Accetta tutti</button></div>
<header class="it-header-wrapper"><div class="it-brand-title">Comune di Bologna</div>
<ul class="navbar-nav"><li><a href="/servizi">Servizi</a></li><li><a href="/novita">Novità</a></li></ul></header>
<div class="breadcrumb-container"><ol class="breadcrumb"><li>Home</li><li>Bando dehors 2025</li></ol></div>
<main id="main"><h1>Bando per l&#39;installazione di dehors nel centro storico</h1>
<h2>Chi pu&ograve; partecipare</h2>
<p>Possono partecipare i pubblici esercizi di somministrazione con sede nel centro storico, in regola con il canone unico patrimoniale.</p>
<h2>Importi</h2>
<table><tr><th>Tipologia</th><th>Contributo massimo</th></tr><tr><td>Dehors chiuso stagionale</td><td>&euro;&nbsp;6.500</td></tr></table>
<div class="share"><span>Condividi</span> <a href="#">Facebook</a></div>
<section class="rating"><h3>Quanto sono chiare le informazioni su questa pagina?</h3><p>Valuta da 1 a 5 stelle</p></section>
</main>
<footer class="it-footer"><h4>Contatti</h4><p>Piazza Maggiore 6, 40124 Bologna - P.IVA 01232710374</p></footer>
</body></html>`

func TestDocumentsAsTheyComeFromTheCity(t *testing.T) {
	lib := &library{dir: t.TempDir()}
	full := newLibrary(t) // a fresh database; its own files are not loaded
	lib.store, lib.db, lib.emb = full.store, full.db, full.emb

	lib.writeBytes(t, "delibera.pdf", auditPDF(t, "COMUNE DI BOLOGNA - Deliberazione della Giunta PG n. 118/2025", [][]string{
		{"# Art. 1 - Oggetto", "La presente deliberazione disciplina la concessione di contri-",
			"buti a fondo perduto alle botteghe storiche del centro."},
		{"# Art. 3 - Beneficiari", "Possono presentare domanda le micro imprese commer-",
			"ciali iscritte all'albo comunale delle botteghe storiche."},
		{"# Art. 5 - Termini", "Le domande devono pervenire entro il 30 giugno 2025 esclusi-",
			"vamente tramite la piattaforma telematica del Comune."},
	}))
	lib.write(t, "delibera.meta.json", `{"title": "Delibera GC 118/2025", "date": "15/04/2025", "type": "Delibera",
		"issuer": "Giunta comunale", "protocollo": "PG 123456/2025", "allegati": 2}`)
	lib.writeBytes(t, "piano.pdf", rawPDF(
		"BT /F1 14 Tf 72 770 Td (PIANO DEGLI INTERVENTI) Tj ET\n"+
			"BT /F1 11 Tf 72 740 Td (Il piano prevede la riqualificazione di piazza Aldrovandi) Tj 0 -14 Td (con nuove sedute e alberature.) Tj ET",
		"BT /F1 11 Tf 72 770 Td [(Il)-333(cantiere)-333(di)-333(via)-333(Irnerio)-333(parte)-333(a)-333(marzo.)] TJ ET"))
	lib.writeBytes(t, "rapporto.pdf", twoColumnPDF(t,
		[]string{"# 1. Sintesi", "Nel 2024 il numero di esercizi di vicinato", "attivi in citta' e' cresciuto dell'1,8 per cento,", "trainato dalle aperture in Bolognina."},
		[]string{"# 2. Affitti", "Il canone medio dei locali commerciali in via", "Indipendenza ha raggiunto 42 euro al metro", "quadro al mese, il valore piu' alto."}))
	lib.writeBytes(t, "ordinanza.pdf", scannedAnnexPDF(t))
	lib.write(t, "dehors.html", cmsPage)
	lib.write(t, "botteghe.md", "---\ntitle: Bando botteghe di quartiere\ndate: 1 marzo 2024\ntype: bando\n...\n\n# Bando botteghe di quartiere\n\n"+
		"**Art. 2 - Beneficiari**\n\nSono beneficiarie le imprese individuali con meno di dieci addetti.\n\n"+
		"**Art. 3 - Contributo**\n\nIl contributo copre fino al 60% delle spese di allestimento.\n")
	lib.write(t, "botteghe-copia.md", "---\ntitle: Bando botteghe di quartiere\ndate: 1 marzo 2024\ntype: bando\n...\n\n# Bando botteghe di quartiere\n\n"+
		"**Art. 2 - Beneficiari**\n\nSono beneficiarie le imprese individuali con meno di dieci addetti.\n\n"+
		"**Art. 3 - Contributo**\n\nIl contributo copre fino al 60% delle spese di allestimento.\n")
	lib.writeBytes(t, "regolamento.txt", []byte("REGOLAMENTO DEL SUOLO PUBBLICO\r\n\r\nArticolo 3\r\nDurata della concessione\r\n\r\n"+
		"La concessione ha durata massima di cinque anni ed \xe8 rinnovabile su richiesta del titolare.\r\n"))
	lib.write(t, "atto.txt", "ATTO DI INDIRIZZO\n\nArt. 1 - Oggetto\n\nIl Comune sostiene i mercati rionali.\n\f"+
		"Art. 2 - Contributo\n\nAi mercati rionali coperti spetta un contributo di 5.000 euro l'anno.\n\f")
	lib.write(t, "orfano.meta.json", `{"title": "Documento che non c'è"}`)

	rep := lib.ingest(t, IngestOptions{})
	if rep.Failed != 0 || rep.Added != 9 {
		t.Fatalf("every document must load (a sidecar's own keys lost the delibera): %+v", rep)
	}
	warned := map[string]string{}
	for _, r := range rep.Results {
		warned[r.Path[len(lib.dir)+1:]] = strings.Join(r.Warnings, "; ")
	}
	for name, want := range map[string]string{
		"delibera.pdf":     "unknown keys ignored: allegati, protocollo",
		"ordinanza.pdf":    "page 2 without a text layer",
		"orfano.meta.json": "sidecar without its document",
		"botteghe.md":      "same content as " + lib.path("botteghe-copia.md"),
	} {
		if !strings.Contains(warned[name], want) {
			t.Errorf("%s: warnings %q, want %q", name, warned[name], want)
		}
	}
	if rep.Skipped != 1 || rep.Warnings != 3 {
		t.Errorf("skipped %d, warned %d; want 1 and 3", rep.Skipped, rep.Warnings)
	}

	cases := []struct {
		query, doc, section string
		page                int
		quote               string // exact text the quote must hold
	}{
		{"contributi a fondo perduto alle botteghe storiche", "Delibera GC 118/2025", "Art. 1 - Oggetto", 1,
			"concessione di contributi a fondo perduto alle botteghe storiche del centro."},
		{"chi sono i beneficiari commerciali iscritti all'albo", "Delibera GC 118/2025", "Art. 3 - Beneficiari", 2,
			"micro imprese commerciali iscritte all'albo"},
		{"entro quando vanno presentate le domande", "Delibera GC 118/2025", "Art. 5 - Termini", 3,
			"entro il 30 giugno 2025 esclusivamente tramite la piattaforma"},
		{"riqualificazione piazza Aldrovandi sedute", "PIANO DEGLI INTERVENTI", "PIANO DEGLI INTERVENTI", 1,
			"piazza Aldrovandi con nuove sedute"},
		{"cantiere via Irnerio", "PIANO DEGLI INTERVENTI", "PIANO DEGLI INTERVENTI", 2, "Il cantiere di via Irnerio parte a marzo."},
		{"canone medio locali commerciali Indipendenza", "rapporto", "2. Affitti", 1,
			"Il canone medio dei locali commerciali in via Indipendenza ha raggiunto 42 euro al metro quadro al mese"},
		{"esercizi di vicinato Bolognina", "rapporto", "1. Sintesi", 1,
			"esercizi di vicinato attivi in citta' e' cresciuto dell'1,8 per cento, trainato dalle aperture in Bolognina."},
		{"chi può partecipare al bando dehors", "Bando dehors 2025", "Chi può partecipare", 0,
			"Possono partecipare i pubblici esercizi di somministrazione"},
		{"beneficiarie imprese individuali addetti", "Bando botteghe di quartiere", "Art. 2 - Beneficiari", 0,
			"Sono beneficiarie le imprese individuali con meno di dieci addetti."},
		{"contributo ai mercati rionali coperti", "ATTO DI INDIRIZZO", "Art. 2 - Contributo", 2,
			"Ai mercati rionali coperti spetta un contributo di 5.000 euro"},
		{"durata massima concessione suolo", "REGOLAMENTO DEL SUOLO PUBBLICO", "Articolo 3 - Durata della concessione", 0,
			"La concessione ha durata massima di cinque anni ed è rinnovabile"},
	}
	ctx := context.Background()
	for _, tc := range cases {
		resp, err := lib.store.Search(ctx, tc.query, SearchOptions{Method: FullText, Limit: 3})
		if err != nil {
			t.Fatal(err)
		}
		if len(resp.Results) == 0 {
			t.Errorf("%q: nothing found", tc.query)
			continue
		}
		c := resp.Results[0].Citation
		section := ""
		if len(c.Section) > 0 {
			section = c.Section[len(c.Section)-1]
		}
		if c.Title != tc.doc || section != tc.section || c.Page != tc.page {
			t.Errorf("%q: cited %q › %q p. %d, want %q › %q p. %d", tc.query, c.Title, c.SectionLabel(), c.Page, tc.doc, tc.section, tc.page)
		}
		if !strings.Contains(c.Passage, tc.quote) || !strings.Contains(c.Passage, c.Quote) {
			t.Errorf("%q: passage %q, want it to hold %q and the quote %q", tc.query, c.Passage, tc.quote, c.Quote)
		}
	}

	// A document without metadata is still found when the search is filtered by the kind of
	// document its title names (as the assistant filters by the kind a question names).
	for _, f := range []struct{ query, typ, title string }{
		{"piazza Aldrovandi", "piano", "PIANO DEGLI INTERVENTI"},
		{"dehors chiuso stagionale", "bando", "Bando dehors 2025"},
	} {
		resp, err := lib.store.Search(ctx, f.query, SearchOptions{Limit: 1, Filter: Filter{Types: []string{f.typ}}})
		if err != nil {
			t.Fatal(err)
		}
		if len(resp.Results) == 0 || resp.Results[0].Title != f.title || resp.Results[0].DocType != f.typ {
			t.Errorf("%q with type %s: %+v, want %q", f.query, f.typ, resp.Results, f.title)
		}
	}

	// Metadata as the contract writes it, and nothing of the page's or the site's furniture.
	var title, typ, date, issuer string
	if err := lib.db.Pool.QueryRow(ctx, `SELECT title, doc_type, coalesce(doc_date::text, ''), issuer FROM documents WHERE path LIKE '%/botteghe.md'`).
		Scan(&title, &typ, &date, &issuer); err != nil || date != "2024-03-01" || typ != "bando" {
		t.Errorf("botteghe.md: %q %q %q %q, %v", title, typ, date, issuer, err)
	}
	if err := lib.db.Pool.QueryRow(ctx, `SELECT title, doc_type, coalesce(doc_date::text, ''), issuer FROM documents WHERE path LIKE '%/delibera.pdf'`).
		Scan(&title, &typ, &date, &issuer); err != nil || date != "2025-04-15" || typ != "delibera" || issuer != "Giunta comunale" {
		t.Errorf("delibera.pdf: %q %q %q %q, %v", title, typ, date, issuer, err)
	}
	for _, junk := range []string{"firmato digitalmente", "Pagina 1 di", "Deliberazione della Giunta PG", "cookie", "Vai al contenuto", "Servizi", "Condividi",
		"Quanto sono chiare", "P.IVA", "contri- buti", "Aldrovandicon", "Ilcantiere"} {
		if n := lib.scalar(t, `SELECT count(*) FROM chunks WHERE content || ' ' || array_to_string(heading_path, ' ') LIKE '%' || $1 || '%'`, junk); n != 0 {
			t.Errorf("%d passages hold %q", n, junk)
		}
	}
}
