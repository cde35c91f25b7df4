package tool

import (
	"context"
	"strings"
	"testing"

	"github.com/comune-bologna/conoscenza/ingest/db"
	"github.com/comune-bologna/conoscenza/ingest/db/dbtest"
	"github.com/comune-bologna/conoscenza/retrieval"
)

// A document search whose passages do not answer the question cites nothing: the passages come
// back as related reading, and the model is told that they do not answer.
func TestSearchDocumentsDoesNotCiteWhatDoesNotAnswer(t *testing.T) {
	d := dbtest.Fresh(t)
	ctx := context.Background()
	if _, err := retrieval.NewStore(d.Pool, retrieval.NewLocalEmbedder(), nil).LoadDemoCorpus(ctx); err != nil {
		t.Fatal(err)
	}
	ro, err := db.Open(ctx, d.ROURL)
	if err != nil {
		t.Fatal(err)
	}
	defer ro.Close()
	x := &Executor{Docs: retrieval.NewStore(ro, retrieval.NewLocalEmbedder(), nil)}
	p := Principal{Username: "u", Role: Decisore}

	res := x.Execute(ctx, p, NewCall(SearchDocuments, map[string]any{"query": "Chi può chiedere il bonus per le bollette del gas?"}))
	if res.Error != "" || len(res.Citations) != 0 || len(res.Related) == 0 {
		t.Fatalf("a question the documents do not answer: error %q, %d citations, %d related", res.Error, len(res.Citations), len(res.Related))
	}
	if !strings.HasPrefix(res.Content, notAnsweredNotice) || !strings.Contains(res.Content, "<documento") {
		t.Errorf("the model is not told that the passages do not answer: %.200s", res.Content)
	}

	res = x.Execute(ctx, p, NewCall(SearchDocuments, map[string]any{"query": "Vorrei sapere, per favore, entro quando si presenta la domanda per il voucher digitale?"}))
	if res.Error != "" || len(res.Citations) == 0 || strings.Contains(res.Content, notAnsweredNotice) {
		t.Fatalf("a question the documents answer: error %q, %d citations", res.Error, len(res.Citations))
	}
	if !strings.Contains(res.Citations[0].Document, "voucher-transizione-digitale") {
		t.Errorf("first citation %s, want the voucher call", res.Citations[0].Document)
	}
}

// A question on one call, filtered to calls, cites that call only: the other calls that come
// next in the ranking (cultural firms, women's call) lack its subject and are related reading.
func TestSearchDocumentsCitesOnlyPassagesOnTheSubject(t *testing.T) {
	d := dbtest.Fresh(t)
	ctx := context.Background()
	if _, err := retrieval.NewStore(d.Pool, retrieval.NewLocalEmbedder(), nil).LoadDemoCorpus(ctx); err != nil {
		t.Fatal(err)
	}
	x := &Executor{Docs: retrieval.NewStore(d.Pool, retrieval.NewLocalEmbedder(), nil)}
	res := x.Execute(ctx, Principal{Username: "u", Role: Decisore}, NewCall(SearchDocuments,
		map[string]any{"query": "Quali sono i requisiti del bando per le imprese giovanili?", "types": []string{"bando"}}))
	if res.Error != "" || len(res.Citations) == 0 {
		t.Fatalf("error %q, %d citations", res.Error, len(res.Citations))
	}
	for _, c := range res.Citations {
		if !strings.Contains(c.Document, "bando-giovani-imprese-2026") {
			t.Errorf("cites %s (%s) beside the young entrepreneurs' call", c.Document, c.Section)
		}
	}
	if len(res.Related) == 0 || strings.Count(res.Content, "<documento ") != len(res.Citations) {
		t.Errorf("%d related, content with %d passages for %d citations", len(res.Related), strings.Count(res.Content, "<documento "), len(res.Citations))
	}
}
