package ui

import (
	"os"
	"os/exec"
	"path/filepath"
	"testing"
)

// The front end's own unit tests (pure modules such as Esplora's URL state), run with Node's
// test runner: node is required wherever the app is built (scripts/setup.sh).
func TestFrontendUnitTests(t *testing.T) {
	node, err := exec.LookPath("node")
	if err != nil {
		if os.Getenv("CONOSCENZA_REQUIRE_BROWSER") == "1" {
			t.Fatalf("node not found: scripts/setup.sh installs it")
		}
		t.Skip("node not found: run scripts/setup.sh")
	}
	tests, err := filepath.Glob(filepath.Join("frontend", "test", "*.test.mjs"))
	if err != nil || len(tests) == 0 {
		t.Fatalf("no front-end tests found (%v)", err)
	}
	cmd := exec.Command(node, append([]string{"--test"}, tests...)...)
	cmd.Dir = "."
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("node --test: %v\n%s", err, out)
	}
}
