package ui

import (
	"os"
	"path/filepath"
	"regexp"
	"testing"
)

// TestPageScriptsUseRegisteredStrings checks that every literal key passed to t() in the
// Fascicolo and Dati pages is registered (a missing one shows the key itself on the page).
func TestPageScriptsUseRegisteredStrings(t *testing.T) {
	key := regexp.MustCompile(`\bt\('([a-z0-9_.]+)'[,)]`)
	for _, page := range []string{"fascicolo.js", "dati.js"} {
		src, err := os.ReadFile(filepath.Join("frontend", "src", "pages", page))
		if err != nil {
			t.Fatal(err)
		}
		ms := key.FindAllSubmatch(src, -1)
		if len(ms) < 20 {
			t.Fatalf("%s: only %d strings found: is the pattern still right?", page, len(ms))
		}
		for _, m := range ms {
			for _, lang := range []string{Italian, English} {
				if _, ok := Messages(lang)[string(m[1])]; !ok {
					t.Errorf("%s uses %q, not registered in %s", page, m[1], lang)
				}
			}
		}
	}
}
