package main

import (
	"context"
	"path/filepath"
	"strings"
	"testing"

	"github.com/comune-bologna/conoscenza/ingest/demo"
)

func TestDemoGenerateWritesFilesAndManifest(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "demo")
	out, err := run(t, context.Background(), nil, "demo", "generate", dir, "--until", "2026-10", "--snapshots", "2", "--scale", "0.02", "--seed", "3")
	if err != nil {
		t.Fatalf("demo generate: %v\n%s", err, out)
	}
	man, err := demo.ReadManifest(dir)
	if err != nil {
		t.Fatal(err)
	}
	if !man.Fictional || man.Until != "2026-10" || man.Seed != 3 || len(man.Files) != 6 || len(man.Dirty) == 0 {
		t.Errorf("manifest: %+v", man)
	}
	for _, want := range []string{"imprese_2026-09.csv", "imprese_2026-10.csv", "cig.csv", "imprese attive", "Dati fittizi"} {
		if !strings.Contains(out, want) {
			t.Errorf("summary lacks %q:\n%s", want, out)
		}
	}
}

func TestDemoGenerateRejectsABadMonth(t *testing.T) {
	_, err := run(t, context.Background(), nil, "demo", "generate", t.TempDir(), "--until", "ottobre")
	if err == nil || !strings.Contains(err.Error(), "AAAA-MM") {
		t.Fatalf("err = %v", err)
	}
}
