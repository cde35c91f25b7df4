package main

import (
	"context"
	"strings"
	"testing"

	"github.com/comune-bologna/conoscenza/ingest/db/dbtest"
)

func TestEvalAssistantSaysWhatIsMissingOnAnEmptyDatabase(t *testing.T) {
	d := dbtest.Fresh(t)
	env := map[string]string{"DATABASE_URL": d.URL, "CONOSCENZA_RO_DATABASE_URL": d.ROURL}
	_, err := run(t, context.Background(), env, "eval", "assistant")
	if err == nil || !strings.Contains(err.Error(), "conoscenza demo load") {
		t.Fatalf("eval assistant on an empty database: %v, want a hint to load the demo data", err)
	}
}
