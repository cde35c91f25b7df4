package main

import (
	"context"
	"encoding/json"
	"strings"
	"testing"

	"github.com/comune-bologna/conoscenza/ingest/db/dbtest"
)

func TestIngestJSONOnePerFileAndRejectionsListing(t *testing.T) {
	d := dbtest.Fresh(t)
	env := map[string]string{"DATABASE_URL": d.URL}
	ctx := context.Background()
	out, err := run(t, ctx, env, "ingest", "cig", "--json", "../../ingest/testdata/cig_2026-09.csv", "../../ingest/testdata/cig_2026-10.csv")
	if err != nil {
		t.Fatalf("ingest cig: %v\n%s", err, out)
	}
	lines := strings.Split(strings.TrimSpace(out), "\n")
	if len(lines) != 2 {
		t.Fatalf("want one JSON object per file, got:\n%s", out)
	}
	var first struct {
		BatchID       int64    `json:"batch_id"`
		Read          int      `json:"read"`
		Loaded        int      `json:"loaded"`
		Rejected      int      `json:"rejected"`
		UnchangedFile bool     `json:"unchanged_file"`
		MatchRate     *float64 `json:"match_rate"`
		Rejections    []struct {
			Line   int    `json:"line"`
			Column string `json:"column"`
		} `json:"rejections"`
	}
	if err := json.Unmarshal([]byte(lines[0]), &first); err != nil {
		t.Fatal(err)
	}
	if first.Read != 4 || first.Loaded != 2 || first.Rejected != 2 || first.UnchangedFile || first.Rejections[0].Column != "TIPO" {
		t.Errorf("first summary = %+v", first)
	}
	out, err = run(t, ctx, env, "ingest", "rejections", "1")
	if err != nil || !strings.Contains(out, "TIPO") || !strings.Contains(out, "ID-DOMANDA") {
		t.Errorf("rejections: %v\n%s", err, out)
	}
	out, err = run(t, ctx, env, "ingest", "cig", "../../ingest/testdata/cig_2026-09.csv")
	if err != nil || !strings.Contains(out, "già caricato") {
		t.Errorf("second load: %v\n%s", err, out)
	}
	_, err = run(t, ctx, env, "ingest", "imprese", "--as-of", "2026-10-31", "../../ingest/testdata/imprese_senza_stato.csv")
	if err == nil || !strings.Contains(err.Error(), "STATO") {
		t.Errorf("missing column: %v", err)
	}
}
