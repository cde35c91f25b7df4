package main

import (
	"context"
	"testing"

	"github.com/compose-spec/compose-go/v2/cli"
)

// TestComposeFileIsValid loads compose.yaml with compose-go, the loader `docker compose config`
// uses, so a broken file fails here even on machines without the compose plugin.
func TestComposeFileIsValid(t *testing.T) {
	opts, err := cli.NewProjectOptions([]string{"../../compose.yaml"}, cli.WithOsEnv, cli.WithWorkingDirectory("../.."))
	if err != nil {
		t.Fatal(err)
	}
	p, err := opts.LoadProject(context.Background())
	if err != nil {
		t.Fatalf("compose.yaml does not validate: %v", err)
	}
	for _, name := range []string{"db", "ollama", "ollama-pull", "app"} {
		if _, err := p.GetService(name); err != nil {
			t.Errorf("compose.yaml lacks service %q: %v", name, err)
		}
	}
	app, _ := p.GetService("app")
	if app.Build == nil {
		t.Error("the app service must be built from the Dockerfile")
	}
	if app.Environment["DATABASE_URL"] == nil || app.Environment["OLLAMA_HOST"] == nil {
		t.Errorf("app environment = %v", app.Environment)
	}
}
