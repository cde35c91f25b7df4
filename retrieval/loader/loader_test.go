package loader

import (
	"context"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

func assertBlocks(t *testing.T, got, want []Block) {
	t.Helper()
	if !reflect.DeepEqual(got, want) {
		for _, b := range got {
			t.Logf("got  p%d %s/%d %q", b.Page, b.Kind, b.Level, b.Text)
		}
		for _, b := range want {
			t.Logf("want p%d %s/%d %q", b.Page, b.Kind, b.Level, b.Text)
		}
		t.Fatal("blocks differ")
	}
}

const markdownDoc = `---
title: Bando Donne che fanno impresa 2026
date: 2026-02-10
type: Bando
issuer: Comune di Bologna - Area Sviluppo economico
url: https://example.org/bando
tags: [imprenditoria femminile, contributi]
autore: ignorato
---
# Bando Donne che fanno impresa

Documento fittizio a scopo dimostrativo.

## 3. Beneficiari

Possono partecipare:

- imprese femminili con sede a Bologna;
- lavoratrici autonome.

| Voce | Importo |
|---|---|
| Contributo massimo | 15.000 euro |
`

func TestParseMarkdownFrontMatterAndBlocks(t *testing.T) {
	doc, err := Parse(context.Background(), Source{Path: "/d/bando.md", Data: []byte(markdownDoc)})
	if err != nil {
		t.Fatal(err)
	}
	wantMeta := Meta{Title: "Bando Donne che fanno impresa 2026", Date: "2026-02-10", Type: "bando",
		Issuer: "Comune di Bologna - Area Sviluppo economico", URL: "https://example.org/bando",
		Tags: []string{"imprenditoria femminile", "contributi"}}
	if !reflect.DeepEqual(doc.Meta, wantMeta) {
		t.Errorf("meta = %+v", doc.Meta)
	}
	assertBlocks(t, doc.Blocks, []Block{
		{Kind: Heading, Level: 1, Text: "Bando Donne che fanno impresa"},
		{Kind: Paragraph, Text: "Documento fittizio a scopo dimostrativo."},
		{Kind: Heading, Level: 2, Text: "3. Beneficiari"},
		{Kind: Paragraph, Text: "Possono partecipare:"},
		{Kind: List, Text: "- imprese femminili con sede a Bologna;\n- lavoratrici autonome."},
		{Kind: Table, Text: "| Voce | Importo |\n|---|---|\n| Contributo massimo | 15.000 euro |"},
	})
}

func TestParseTextRecoversStructureAndSidecar(t *testing.T) {
	text := "DELIBERA DI GIUNTA N. 45/2025\n\nArt. 1 - Oggetto\nLa Giunta approva le misure\ndi sostegno al commercio.\n\nSono ammessi:\na) negozi di vicinato;\nb) pubblici esercizi\n   con meno di 10 addetti.\n\n2.1 Modalità di erogazione\nIl contributo è erogato in un'unica soluzione.\n"
	side := `{"title": "Misure per il commercio", "date": "2025-03-01", "type": "delibera", "tags": ["commercio"]}`
	doc, err := Parse(context.Background(), Source{Path: "/d/delibera.txt", Data: []byte(text), Sidecar: []byte(side)})
	if err != nil {
		t.Fatal(err)
	}
	if doc.Meta.Title != "Misure per il commercio" || doc.Meta.Type != "delibera" || doc.Meta.Tags[0] != "commercio" {
		t.Errorf("meta = %+v", doc.Meta)
	}
	assertBlocks(t, doc.Blocks, []Block{
		{Kind: Heading, Level: 1, Text: "DELIBERA DI GIUNTA N. 45/2025"},
		{Kind: Heading, Level: 2, Text: "Art. 1 - Oggetto"},
		{Kind: Paragraph, Text: "La Giunta approva le misure di sostegno al commercio."},
		{Kind: List, Text: "Sono ammessi:\na) negozi di vicinato;\nb) pubblici esercizi con meno di 10 addetti."},
		{Kind: Heading, Level: 3, Text: "2.1 Modalità di erogazione"},
		{Kind: Paragraph, Text: "Il contributo è erogato in un'unica soluzione."},
	})
}

func TestParseHTMLKeepsHeadingsListsAndTables(t *testing.T) {
	page := `<!doctype html><html><head><title>Nota gemello digitale</title><style>p{color:red}</style></head>
<body><nav><a href="/">Home</a></nav><main><h1>Gemello digitale</h1>
<p>Documento   fittizio.<script>alert("x")</script></p>
<section><h2>Fasi</h2><ol><li>Rilievo <b>3D</b></li><li>Piattaforma<ul><li>dati aperti</li></ul></li></ol>
<table><tr><th>Fase</th><th>Costo</th></tr><tr><td>Rilievo</td><td>200.000 €</td></tr></table>
<div>Testo libero in un div.</div></section></main></body></html>`
	doc, err := Parse(context.Background(), Source{Path: "/d/nota.html", Data: []byte(page)})
	if err != nil {
		t.Fatal(err)
	}
	if doc.Meta.Title != "Nota gemello digitale" {
		t.Errorf("title = %q", doc.Meta.Title)
	}
	assertBlocks(t, doc.Blocks, []Block{
		{Kind: Heading, Level: 1, Text: "Gemello digitale"},
		{Kind: Paragraph, Text: "Documento fittizio."},
		{Kind: Heading, Level: 2, Text: "Fasi"},
		{Kind: List, Text: "1. Rilievo 3D\n2. Piattaforma\n  - dati aperti"},
		{Kind: Table, Text: "| Fase | Costo |\n| --- | --- |\n| Rilievo | 200.000 € |"},
		{Kind: Paragraph, Text: "Testo libero in un div."},
	})
}

func TestParseRefusesWithAReason(t *testing.T) {
	cases := []struct {
		name string
		src  Source
		want string
	}{
		{"unsupported", Source{Path: "a.docx", Data: []byte("x")}, "unsupported format"},
		{"unclosed front matter", Source{Path: "a.md", Data: []byte("---\ntitle: x\n\ntesto")}, "closing ---"},
		{"bad yaml", Source{Path: "a.md", Data: []byte("---\n[x\n---\ntesto")}, "front matter"},
		{"blank", Source{Path: "a.txt", Data: []byte("  \n\n")}, "no text"},
		{"empty", Source{Path: "a.txt", Data: []byte{}}, "the file is empty"},
		{"a sidecar named on its own", Source{Path: "a.meta.json", Data: []byte(`{"title": "x"}`)}, "name the document"},
		{"sidecar that is not JSON", Source{Path: "a.txt", Data: []byte("testo"), Sidecar: []byte("{\"title\": \"x\",\n}")}, "sidecar .meta.json: invalid JSON at line 2, column 1"},
		{"sidecar that is not an object", Source{Path: "a.txt", Data: []byte("testo"), Sidecar: []byte(`["x"]`)}, "one JSON object"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			_, err := Parse(context.Background(), tc.src)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("err = %v, want %q", err, tc.want)
			}
		})
	}
}

// A good document with a metadata field that cannot be used loads without that field, and the
// run says which field and why (as an unknown column or a bad row of a data file would).
func TestMetadataFieldsThatCannotBeUsedAreWarningsNotFailures(t *testing.T) {
	cases := []struct {
		name string
		src  Source
		want Meta
		warn string
	}{
		{"impossible date in front matter", Source{Path: "a.md", Data: []byte("---\ntitle: A\ndate: 31/02/2026\n---\ntesto")},
			Meta{Title: "A"}, `date "31/02/2026" is not a date`},
		{"word for a date in a sidecar", Source{Path: "a.txt", Data: []byte("testo"), Sidecar: []byte(`{"title": "A", "date": "febbraio"}`)},
			Meta{Title: "A"}, `date "febbraio" is not a date`},
		{"unknown keys in a sidecar", Source{Path: "a.txt", Data: []byte("testo"),
			Sidecar: []byte(`{"title": "A", "type": "delibera", "protocollo": "PG 1/2025", "allegati": 2}`)},
			Meta{Title: "A", Type: "delibera"}, "unknown keys ignored: allegati, protocollo"},
		{"Italian keys, a number for a date, numbers for tags", Source{Path: "a.txt", Data: []byte("testo"),
			Sidecar: []byte(`{"titolo": "A", "data": 20250415, "tipo": "Bando", "ente": "Giunta", "tags": [2025, "commercio"]}`)},
			Meta{Title: "A", Date: "2025-04-15", Type: "bando", Issuer: "Giunta", Tags: []string{"2025", "commercio"}}, ""},
		{"an object for a title", Source{Path: "a.txt", Data: []byte("testo"), Sidecar: []byte(`{"title": {"it": "A"}, "issuer": "Giunta"}`)},
			Meta{Title: "a", Issuer: "Giunta"}, `"title" must be a string, not an object`},
		{"date written out in Italian", Source{Path: "a.md", Data: []byte("---\ntitle: A\ndate: 1° marzo 2024\n---\ntesto")},
			Meta{Title: "A", Date: "2024-03-01"}, ""},
		{"front matter that is not YAML", Source{Path: "a.md", Data: []byte("---\ntitle: Bando: dehors 2025\ndate: 01/03/2025\ntags: [dehors, commercio]\n---\ntesto")},
			Meta{Title: "Bando: dehors 2025", Date: "2025-03-01", Type: "bando", Tags: []string{"dehors", "commercio"}}, "not valid YAML"},
		{"front matter closed by ...", Source{Path: "a.md", Data: []byte("---\ntitle: A\ndate: 2024-05-10T09:30:00+02:00\n...\n\ntesto")},
			Meta{Title: "A", Date: "2024-05-10"}, ""},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			doc, err := Parse(context.Background(), tc.src)
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(doc.Meta, tc.want) {
				t.Errorf("meta = %+v, want %+v", doc.Meta, tc.want)
			}
			got := strings.Join(doc.Warnings, "; ")
			if tc.warn == "" && got != "" || !strings.Contains(got, tc.warn) {
				t.Errorf("warnings = %q, want %q", got, tc.warn)
			}
		})
	}
}

// The formats' common rules for text files and dates apply to documents too: Windows-1252
// text is decoded (not refused, not stored as mojibake), dates may be written dd/mm/yyyy or
// yyyymmdd, and tags may be one string as well as a list.
func TestMetadataAndEncodingsAsTheFormatsWriteThem(t *testing.T) {
	cases := []struct {
		name      string
		src       Source
		date      string
		tags      []string
		paragraph string
	}{
		{"windows-1252 text, Italian date in the sidecar", Source{Path: "piano.txt",
			Data:    []byte("Il Comune sostiene le attivit\xe0 della citt\xe0 con 5.000 \x80.\n"),
			Sidecar: []byte(`{"title": "Piano", "date": "15/06/2025", "tags": "botteghe, centro storico"}`)},
			"2025-06-15", []string{"botteghe", "centro storico"}, "Il Comune sostiene le attività della città con 5.000 €."},
		{"front matter with BOM and CRLF, scalar tags, compact date", Source{Path: "delibera.md",
			Data: []byte("\ufeff---\r\ntitle: Delibera\r\ndate: 20260315\r\ntags: dehors\r\n---\r\n# Delibera\r\n\r\nTesto della delibera.\r\n")},
			"2026-03-15", []string{"dehors"}, "Testo della delibera."},
		{"YAML timestamp and list", Source{Path: "bando.md",
			Data: []byte("---\ndate: 2026-02-01\ntags: [affitti, imprese]\n---\nTesto del bando.\n")},
			"2026-02-01", []string{"affitti", "imprese"}, "Testo del bando."},
		{"windows-1252 HTML", Source{Path: "bando.html",
			Data:    []byte("<html><body><h1>Bando</h1><p>Requisiti per l'attivit\xe0.</p></body></html>"),
			Sidecar: []byte(`{"date": "2026-02-01"}`)},
			"2026-02-01", nil, "Requisiti per l'attività."},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			doc, err := Parse(context.Background(), tc.src)
			if err != nil {
				t.Fatal(err)
			}
			if doc.Meta.Date != tc.date || !reflect.DeepEqual(doc.Meta.Tags, tc.tags) {
				t.Errorf("date %q tags %q, want %q %q", doc.Meta.Date, doc.Meta.Tags, tc.date, tc.tags)
			}
			found := false
			for _, b := range doc.Blocks {
				found = found || b.Text == tc.paragraph
			}
			if !found {
				t.Errorf("no block %q in %+v", tc.paragraph, doc.Blocks)
			}
		})
	}
}

func TestReadFileFindsSidecarAndExpandSkipsIt(t *testing.T) {
	dir := t.TempDir()
	write := func(name, content string) {
		if err := os.MkdirAll(filepath.Dir(filepath.Join(dir, name)), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dir, name), []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	write("a.txt", "testo")
	write("a.meta.json", `{"title":"A"}`)
	write("sub/b.md", "# B\n\ntesto")
	write("sub/c.csv", "x")
	write(".git/d.md", "x")
	files, err := Expand([]string{dir, filepath.Join(dir, "missing.md")})
	if err != nil {
		t.Fatal(err)
	}
	want := []string{filepath.Join(dir, "a.txt"), filepath.Join(dir, "missing.md"), filepath.Join(dir, "sub/b.md")}
	if !reflect.DeepEqual(files, want) {
		t.Fatalf("files = %v", files)
	}
	src, err := ReadFile(files[0])
	if err != nil || string(src.Sidecar) != `{"title":"A"}` {
		t.Fatalf("sidecar = %q, %v", src.Sidecar, err)
	}
	// The checksum covers the sidecar: editing only the metadata is a change.
	d1, _ := Parse(context.Background(), src)
	src.Sidecar = []byte(`{"title":"B"}`)
	d2, _ := Parse(context.Background(), src)
	if d1.Checksum == d2.Checksum {
		t.Error("a sidecar change must change the checksum")
	}
}

// A document that declares no type takes the kind its title, first heading or file name names,
// so that a search filtered by type finds it; a declared type is never replaced.
func TestTypeInferredWhenNotDeclared(t *testing.T) {
	cases := []struct {
		src  Source
		want string
	}{
		{Source{Path: "/d/x.html", Data: []byte("<title>Avviso per i mercatini di Natale</title><p>Testo.</p>")}, "avviso"},
		{Source{Path: "/d/x.txt", Data: []byte("PIANO DEGLI INTERVENTI 2025\n\nIl piano riqualifica piazza Aldrovandi.")}, "piano"},
		{Source{Path: "/d/relazione_commercio_2024.pdf.txt", Data: []byte("Nel 2024 il commercio cresce.")}, "report"},
		{Source{Path: "/d/x.md", Data: []byte("# Linee guida per i dehors\n\nTesto.")}, "linee guida"},
		{Source{Path: "/d/x.md", Data: []byte("---\ntype: Circolare\n---\n# Bando dehors\n\nTesto.")}, "circolare"},
		{Source{Path: "/d/x.md", Data: []byte("# Nota sul gemello digitale\n\nTesto.")}, ""},
	}
	for _, tc := range cases {
		doc, err := Parse(context.Background(), tc.src)
		if err != nil {
			t.Fatal(err)
		}
		if doc.Meta.Type != tc.want {
			t.Errorf("%s: type %q, want %q", tc.src.Data, doc.Meta.Type, tc.want)
		}
	}
}

// A Markdown text that opens with a thematic break has no front matter: it loads whole.
func TestMarkdownOpeningWithARuleHasNoFrontMatter(t *testing.T) {
	doc, err := Parse(context.Background(), Source{Path: "/d/nota.md", Data: []byte("---\nTesto della nota.\n\n---\n\nAltro testo.\n")})
	if err != nil {
		t.Fatal(err)
	}
	assertBlocks(t, doc.Blocks, []Block{{Kind: Paragraph, Text: "Testo della nota."}, {Kind: Paragraph, Text: "Altro testo."}})
}

// A circular typed as plain text opens with its letterhead ("COMUNE DI BOLOGNA", the office)
// over its own title line: the document was titled "COMUNE DI BOLOGNA" and typed as nothing,
// so every citation named the city, not the circular. The letterhead is passed over when a
// heading naming a kind of document follows it; a title that only starts like an office
// ("SERVIZIO DI REFEZIONE ...") over a section heading stays the title.
func TestLetterheadIsNotTheTitle(t *testing.T) {
	for _, tc := range []struct{ file, title, typ string }{
		{"testdata/circolare-carta-intestata.txt", "CIRCOLARE N. 7/2026 - PROCEDURE IN CASO DI ALLERTA METEO ROSSA", "circolare"},
		{"testdata/titolo-servizio.txt", "SERVIZIO DI REFEZIONE SCOLASTICA", ""},
	} {
		src, err := ReadFile(tc.file)
		if err != nil {
			t.Fatal(err)
		}
		doc, err := Parse(context.Background(), src)
		if err != nil {
			t.Fatal(err)
		}
		if doc.Meta.Title != tc.title || doc.Meta.Type != tc.typ {
			t.Errorf("%s: title %q, type %q; want %q, %q", tc.file, doc.Meta.Title, doc.Meta.Type, tc.title, tc.typ)
		}
	}
}
