package retrieval

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/comune-bologna/conoscenza/ingest/db/dbtest"
	"github.com/comune-bologna/conoscenza/retrieval/corpus"
	"github.com/comune-bologna/conoscenza/retrieval/embed"
)

func TestMain(m *testing.M) { dbtest.Main(m) }

// testEmbedder is the local embedder under another model name, counting the texts it embeds.
type testEmbedder struct {
	embed.Local
	name  string
	dims  int
	texts atomic.Int64
}

func (e *testEmbedder) Model() string { return e.name }

func (e *testEmbedder) Embed(ctx context.Context, texts []string) ([][]float32, error) {
	e.texts.Add(int64(len(texts)))
	vs, err := e.Local.Embed(ctx, texts)
	if e.dims != 0 {
		for i := range vs {
			vs[i] = vs[i][:e.dims]
		}
	}
	return vs, err
}

// library is a directory of documents in every format, and a store over a fresh database.
type library struct {
	dir   string
	store *Store
	emb   *testEmbedder
	db    *dbtest.DB
}

func newLibrary(t *testing.T) *library {
	t.Helper()
	d := dbtest.Fresh(t)
	emb := &testEmbedder{name: embed.LocalModel}
	lib := &library{dir: t.TempDir(), store: NewStore(d.Pool, emb, nil), emb: emb, db: d}
	lib.write(t, "bando.md", `---
title: Bando Giovani Imprese 2026
date: 2026-03-01
type: bando
tags: [giovani, contributi]
url: https://example.org/bando-giovani
---
# Bando Giovani Imprese 2026

Documento fittizio a scopo dimostrativo.

## 1. Beneficiari

Possono partecipare le imprese giovanili, con titolari di età inferiore a 36 anni, con sede operativa nel quartiere Navile.

## 2. Contributo

Il contributo a fondo perduto copre il 50% delle spese ammissibili, fino a 20.000 euro per impresa.
`)
	lib.write(t, "delibera.txt", "DELIBERA DI GIUNTA 12/2025\n\nArt. 1 - Dehors\nI pubblici esercizi possono occupare il suolo pubblico con dehors stagionali senza canone fino al 31 dicembre.\n\nArt. 2 - Orari\nGli orari di apertura dei negozi di vicinato sono liberi.\n")
	lib.write(t, "delibera.meta.json", `{"title": "Misure per il commercio", "date": "2025-02-15", "type": "delibera", "tags": ["commercio", "covid"]}`)
	lib.write(t, "nota.html", `<html><head><title>Gemello digitale</title></head><body><h1>Gemello digitale</h1><h2>Obiettivi</h2><p>Il gemello digitale della città simula il traffico e le isole di calore.</p></body></html>`)
	pdf, err := corpus.PDF("Relazione", [][]string{
		{"# RELAZIONE SUL TESSUTO IMPRENDITORIALE", "# 1. Sintesi", "Nel 2025 le imprese attive a Bologna sono cresciute dello 0,8 per cento."},
		{"# 2. Imprenditoria femminile", "Le imprese femminili sono il 21 per cento del totale, concentrate nei servizi alla persona."},
		{"# 3. Digitalizzazione", "La digitalizzazione delle microimprese procede lentamente: solo un terzo vende online."},
	})
	if err != nil {
		t.Fatal(err)
	}
	lib.writeBytes(t, "relazione.pdf", pdf)
	return lib
}

func (l *library) path(name string) string { return filepath.Join(l.dir, name) }

func (l *library) write(t *testing.T, name, content string) { l.writeBytes(t, name, []byte(content)) }

func (l *library) writeBytes(t *testing.T, name string, b []byte) {
	t.Helper()
	if err := os.WriteFile(l.path(name), b, 0o644); err != nil {
		t.Fatal(err)
	}
}

func (l *library) ingest(t *testing.T, opt IngestOptions, paths ...string) Report {
	t.Helper()
	if len(paths) == 0 {
		paths = []string{l.dir}
	}
	rep, err := l.store.IngestFiles(context.Background(), paths, opt)
	if err != nil {
		t.Fatal(err)
	}
	return rep
}

func (l *library) scalar(t *testing.T, sql string, args ...any) int {
	t.Helper()
	var n int
	if err := l.db.Pool.QueryRow(context.Background(), sql, args...).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

func TestIngestLoadsEveryFormatWithSectionsAndPages(t *testing.T) {
	lib := newLibrary(t)
	rep := lib.ingest(t, IngestOptions{})
	if rep.Added != 4 || rep.Failed != 0 || rep.Status != "committed" || rep.Chunks == 0 {
		t.Fatalf("report = %+v", rep)
	}
	ctx := context.Background()
	rows, err := lib.db.Pool.Query(ctx, `SELECT d.format, d.title, array_to_string(c.heading_path, ' / '), coalesce(c.page, 0), c.embed_model
		FROM chunks c JOIN documents d ON d.id = c.document_id ORDER BY d.path, c.ord`)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for rows.Next() {
		var format, title, path, model string
		var page int
		if err := rows.Scan(&format, &title, &path, &page, &model); err != nil {
			t.Fatal(err)
		}
		if model != embed.LocalModel {
			t.Errorf("embed_model = %q", model)
		}
		got = append(got, fmt.Sprintf("%s|%s|%s|%d", format, title, path, page))
	}
	want := []string{
		"markdown|Bando Giovani Imprese 2026|Bando Giovani Imprese 2026|0",
		"markdown|Bando Giovani Imprese 2026|Bando Giovani Imprese 2026 / 1. Beneficiari|0",
		"markdown|Bando Giovani Imprese 2026|Bando Giovani Imprese 2026 / 2. Contributo|0",
		"text|Misure per il commercio|DELIBERA DI GIUNTA 12/2025 / Art. 1 - Dehors|0",
		"text|Misure per il commercio|DELIBERA DI GIUNTA 12/2025 / Art. 2 - Orari|0",
		"html|Gemello digitale|Gemello digitale / Obiettivi|0",
		"pdf|RELAZIONE SUL TESSUTO IMPRENDITORIALE|RELAZIONE SUL TESSUTO IMPRENDITORIALE / 1. Sintesi|1",
		"pdf|RELAZIONE SUL TESSUTO IMPRENDITORIALE|RELAZIONE SUL TESSUTO IMPRENDITORIALE / 2. Imprenditoria femminile|2",
		"pdf|RELAZIONE SUL TESSUTO IMPRENDITORIALE|RELAZIONE SUL TESSUTO IMPRENDITORIALE / 3. Digitalizzazione|3",
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Fatalf("chunks:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	if n := lib.scalar(t, `SELECT pages FROM documents WHERE format = 'pdf'`); n != 3 {
		t.Errorf("pdf pages = %d", n)
	}
	if n := lib.scalar(t, `SELECT count(*) FROM load_batches WHERE kind = 'docs' AND status = 'committed' AND rows_loaded = 4 AND rows_read = 4`); n != 1 {
		t.Errorf("committed docs batches = %d", n)
	}
}

func TestReingestingUnchangedFilesDoesNothing(t *testing.T) {
	lib := newLibrary(t)
	lib.ingest(t, IngestOptions{})
	before := lib.scalar(t, `SELECT sum(id)::int FROM chunks`)
	embedded := lib.emb.texts.Load()
	rep := lib.ingest(t, IngestOptions{})
	if rep.Unchanged != 4 || rep.Added+rep.Replaced+rep.Chunks != 0 || rep.Status != "unchanged" {
		t.Fatalf("second run = %+v", rep)
	}
	if after := lib.scalar(t, `SELECT sum(id)::int FROM chunks`); after != before {
		t.Error("chunks were rewritten")
	}
	if lib.emb.texts.Load() != embedded {
		t.Error("unchanged documents were embedded again")
	}
	if n := lib.scalar(t, `SELECT count(*) FROM load_batches WHERE kind = 'docs' AND status = 'unchanged'`); n != 1 {
		t.Errorf("unchanged batches = %d", n)
	}
}

func TestChangedFileReplacesItsChunksAndReusesUnchangedVectors(t *testing.T) {
	lib := newLibrary(t)
	lib.ingest(t, IngestOptions{})
	old := lib.scalar(t, `SELECT count(*) FROM chunks c JOIN documents d ON d.id = c.document_id WHERE d.format = 'markdown'`)
	src, _ := os.ReadFile(lib.path("bando.md"))
	changed := strings.Replace(string(src), "fino a 20.000 euro", "fino a 25.000 euro", 1)
	lib.write(t, "bando.md", changed+"\n## 3. Scadenza\n\nLe domande si presentano entro il 30 giugno 2026.\n")
	embedded := lib.emb.texts.Load()
	rep := lib.ingest(t, IngestOptions{}, lib.path("bando.md"))
	if rep.Replaced != 1 || rep.Chunks != old+1 {
		t.Fatalf("report = %+v", rep)
	}
	// Two sections changed (2. Contributo, new 3. Scadenza); the others keep their vectors.
	if n := lib.emb.texts.Load() - embedded; n != 2 {
		t.Errorf("embedded %d passages, want only the 2 that changed", n)
	}
	if n := lib.scalar(t, `SELECT count(*) FROM chunks WHERE content LIKE '%20.000 euro%'`); n != 0 {
		t.Error("the old version's passage is still there")
	}
	if n := lib.scalar(t, `SELECT count(*) FROM chunks WHERE content LIKE '%25.000 euro%'`); n != 1 {
		t.Error("the new passage is missing")
	}
	if n := lib.scalar(t, `SELECT count(*) FROM documents`); n != 4 {
		t.Errorf("documents = %d", n)
	}
}

func TestUnreadableFilesAreReportedAndTheRestLoads(t *testing.T) {
	lib := newLibrary(t)
	lib.write(t, "rotto.pdf", "%PDF-1.7 non è un pdf")
	lib.write(t, "data.md", "---\ndate: 31/02/2026\n---\ncittà di Bologna") // loads, undated, with a warning
	lib.write(t, "vuoto.md", "---\ntitle: Vuoto\n---\n")
	rep := lib.ingest(t, IngestOptions{}, lib.dir, lib.path("manca.md"))
	if rep.Added != 5 || rep.Failed != 3 || rep.Warnings != 1 {
		t.Fatalf("report = %+v", rep)
	}
	reasons := map[string]string{}
	for _, r := range rep.Results {
		if r.Status == "failed" {
			reasons[filepath.Base(r.Path)] = r.Error
		} else if len(r.Warnings) > 0 {
			reasons[filepath.Base(r.Path)] = strings.Join(r.Warnings, "; ")
		}
	}
	for file, want := range map[string]string{"rotto.pdf": "PDF", "data.md": "not a date", "vuoto.md": "no text", "manca.md": "no such file"} {
		if !strings.Contains(reasons[file], want) {
			t.Errorf("%s: reason %q, want it to mention %q", file, reasons[file], want)
		}
	}
	if n := lib.scalar(t, `SELECT rows_rejected FROM load_batches WHERE id = $1`, rep.BatchID); n != 3 {
		t.Errorf("rows_rejected = %d", n)
	}
	// The batch keeps the failures and the warnings.
	if n := lib.scalar(t, `SELECT jsonb_array_length(warnings) FROM load_batches WHERE id = $1`, rep.BatchID); n != 4 {
		t.Errorf("warnings = %d", n)
	}
}

func TestRemoveAndPruneDeleteDocumentsWithTheirChunks(t *testing.T) {
	lib := newLibrary(t)
	lib.ingest(t, IngestOptions{})
	rep := lib.ingest(t, IngestOptions{Remove: []string{lib.path("nota.html"), lib.path("mai-caricato.md")}}, lib.path("bando.md"))
	if rep.Removed != 1 || rep.Failed != 1 || rep.Unchanged != 1 {
		t.Fatalf("remove report = %+v", rep)
	}
	if err := os.Remove(lib.path("relazione.pdf")); err != nil {
		t.Fatal(err)
	}
	rep = lib.ingest(t, IngestOptions{Prune: []string{lib.dir}})
	if rep.Removed != 1 || rep.Results[len(rep.Results)-1].Path != lib.path("relazione.pdf") {
		t.Fatalf("prune report = %+v", rep)
	}
	if n := lib.scalar(t, `SELECT count(*) FROM documents`); n != 3 {
		t.Errorf("documents = %d, want 3 after removing 2 of 4 and reloading the html", n)
	}
	if n := lib.scalar(t, `SELECT count(*) FROM chunks c LEFT JOIN documents d ON d.id = c.document_id WHERE d.id IS NULL`); n != 0 {
		t.Errorf("orphan chunks = %d", n)
	}
}

func TestModelChangeReembedsAndSearchNeverMixesModels(t *testing.T) {
	lib := newLibrary(t)
	lib.ingest(t, IngestOptions{})
	total := lib.scalar(t, `SELECT count(*) FROM chunks`)
	other := &testEmbedder{name: "altro-modello"}
	s2 := NewStore(lib.db.Pool, other, nil)
	ctx := context.Background()
	resp, err := s2.Search(ctx, "contributo imprese giovanili", SearchOptions{Method: Vector})
	if err != nil {
		t.Fatal(err)
	}
	if len(resp.Results) != 0 || resp.StaleChunks != total {
		t.Fatalf("vector search across models: %d results, %d stale; want 0 and %d", len(resp.Results), resp.StaleChunks, total)
	}
	if resp, _ := s2.Search(ctx, "contributo imprese giovanili", SearchOptions{}); len(resp.Results) == 0 {
		t.Error("hybrid search must still find stale chunks through full text")
	}
	rep, err := s2.IngestFiles(ctx, []string{lib.dir}, IngestOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if rep.Reembedded != total || rep.Status != "committed" {
		t.Fatalf("report = %+v, want %d re-embedded", rep, total)
	}
	if n := lib.scalar(t, `SELECT count(*) FROM chunks WHERE embed_model = 'altro-modello'`); n != total {
		t.Errorf("re-embedded %d of %d", n, total)
	}
	resp, err = s2.Search(ctx, "contributo imprese giovanili", SearchOptions{Method: Vector})
	if err != nil || len(resp.Results) == 0 || resp.StaleChunks != 0 {
		t.Fatalf("after re-embedding: %+v, %v", resp, err)
	}
}

func TestEmbedderOfAnotherSizeFailsClearly(t *testing.T) {
	lib := newLibrary(t)
	lib.store = NewStore(lib.db.Pool, &testEmbedder{name: "piccolo", dims: 384}, nil)
	rep := lib.ingest(t, IngestOptions{}, lib.path("bando.md"))
	if rep.Failed != 1 || !strings.Contains(rep.Results[0].Error, `"piccolo" returns vectors of 384 dimensions`) {
		t.Fatalf("report = %+v", rep)
	}
}
