// Package prompts holds the versioned prompt templates, embedded in the binary. The version
// used is recorded with every answer, so a trainer can see exactly what the model was told.
package prompts

import (
	"bytes"
	"embed"
	"fmt"
	"text/template"
)

//go:embed templates/*.tmpl
var files embed.FS

// Version names the prompt set in use; change it whenever a template changes.
const Version = "system.it.v1"

var system = template.Must(template.ParseFS(files, "templates/system.it.v1.tmpl"))

// SystemData fills the system prompt.
type SystemData struct {
	Comune string
	Lang   string // it or en
	Today  string
	Role   string
	AsOf   string
}

// System renders the system prompt.
func System(d SystemData) (string, error) {
	if d.Comune == "" {
		d.Comune = "Bologna"
	}
	if d.AsOf == "" {
		d.AsOf = "(nessuno snapshot caricato)"
	}
	var b bytes.Buffer
	if err := system.Execute(&b, d); err != nil {
		return "", fmt.Errorf("render system prompt: %w", err)
	}
	return b.String(), nil
}
