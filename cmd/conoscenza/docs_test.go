package main

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/comune-bologna/conoscenza/ingest/db/dbtest"
	"github.com/comune-bologna/conoscenza/retrieval"
)

func TestIngestDocsSearchAndEvalFromTheCommandLine(t *testing.T) {
	d := dbtest.Fresh(t)
	env := map[string]string{"DATABASE_URL": d.URL}
	ctx := context.Background()
	dir := t.TempDir()
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	must(os.WriteFile(filepath.Join(dir, "bando.md"), []byte("---\ntitle: Bando prova\ntype: bando\ndate: 2026-01-10\n---\n# Bando prova\n\n## Requisiti\n\nPossono partecipare le cooperative sociali con sede a Bologna.\n"), 0o644))
	must(os.WriteFile(filepath.Join(dir, "rotto.pdf"), []byte("non un pdf"), 0o644))

	out, err := run(t, ctx, env, "ingest", "docs", dir)
	if err == nil || !strings.Contains(err.Error(), "1 documenti non caricati") {
		t.Fatalf("err = %v", err)
	}
	if !strings.Contains(out, "1 aggiunti") || !strings.Contains(out, "non caricato") || !strings.Contains(out, "rotto.pdf") {
		t.Errorf("ingest output:\n%s", out)
	}
	must(os.Remove(filepath.Join(dir, "rotto.pdf")))
	out, err = run(t, ctx, env, "ingest", "docs", "--json", dir)
	must(err)
	var rep retrieval.Report
	must(json.Unmarshal([]byte(out), &rep))
	if rep.Unchanged != 1 || rep.Status != "unchanged" {
		t.Errorf("second ingest = %+v", rep)
	}

	out, err = run(t, ctx, env, "search", "--json", "--type", "bando", "chi può partecipare? cooperative")
	must(err)
	var resp retrieval.SearchResponse
	must(json.Unmarshal([]byte(out), &resp))
	if len(resp.Results) != 1 || resp.Results[0].SectionLabel() != "Bando prova › Requisiti" || resp.Results[0].Date != "2026-01-10" {
		t.Fatalf("search = %s", out)
	}
	out, err = run(t, ctx, env, "search", "cooperative sociali")
	if err != nil || !strings.Contains(out, "1. Bando prova [bando 2026-01-10]") || !strings.Contains(out, "«Possono partecipare") {
		t.Fatalf("search text = %q, %v", out, err)
	}
	if _, err := run(t, ctx, env, "search", "--from", "10/01/2026", "x"); err == nil || !strings.Contains(err.Error(), "YYYY-MM-DD") {
		t.Errorf("bad date: %v", err)
	}

	out, err = run(t, ctx, env, "ingest", "docs", "--remove", filepath.Join(dir, "bando.md"))
	if err != nil || !strings.Contains(out, "1 rimossi") {
		t.Fatalf("remove = %q, %v", out, err)
	}

	out, err = run(t, ctx, env, "eval", "retrieval", "--json")
	must(err)
	var ev retrieval.Evaluation
	must(json.Unmarshal([]byte(out), &ev))
	if len(ev.Scores) != 3 || len(ev.Questions) < 40 || !strings.HasPrefix(ev.EmbedModel, "local-lsa-v1@") {
		t.Fatalf("eval = %+v", ev.Scores)
	}
	out, err = run(t, ctx, env, "demo", "docs")
	if err != nil || !strings.Contains(out, "0 aggiunti") {
		t.Fatalf("demo docs after eval loaded it = %q, %v", out, err)
	}
}

func TestEmbedderChoice(t *testing.T) {
	m := &Main{Config: Config{EmbedModel: "bge-m3"}}
	e, _ := m.embedder()
	if _, ok := e.(*retrieval.LocalEmbedder); !ok || e.Model() != "local-lsa-v1@0" {
		t.Errorf("without OLLAMA_HOST: %T %s", e, e.Model())
	}
	m.Config.OllamaHost = "127.0.0.1:11434"
	if e, _ = m.embedder(); e.Model() != "bge-m3" {
		t.Errorf("with OLLAMA_HOST: %s", e.Model())
	}
	m.Config.EmbedModel = "local"
	if e, _ = m.embedder(); e.Model() != "local-lsa-v1@0" {
		t.Errorf("CONOSCENZA_EMBED_MODEL=local: %s", e.Model())
	}
	m.Config.EmbedModel = "local-hash-v1"
	if e, _ = m.embedder(); e.Model() != "local-hash-v1" {
		t.Errorf("CONOSCENZA_EMBED_MODEL=local-hash-v1: %s", e.Model())
	}
}
