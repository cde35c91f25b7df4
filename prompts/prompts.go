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

// Version names the prompt set in use; change it whenever a template changes (a new file:
// the earlier ones stay, for the answers that recorded them).
const Version = "system.it.v2"

var system = template.Must(template.ParseFS(files, "templates/"+Version+".tmpl"))

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
