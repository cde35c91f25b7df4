package loader

import (
	"context"
	"strings"
	"testing"
)

// A NUL byte in a document's text or metadata (garbage in a text file, a PDF string, a sidecar
// value "\u0000") is dropped: PostgreSQL refuses it, and the document failed to load, or with it
// in a title or a warning, the record of the whole run.
func TestNULBytesAreDroppedFromTextAndMetadata(t *testing.T) {
	for _, src := range []Source{
		{Path: "/d/nota.txt", Data: []byte("NOTA\n\nTesto con un byte \x00nullo.\n"), Sidecar: []byte(`{"title": "No\u0000ta", "tags": ["a\u0000b"], "date": "2026\u0000"}`)},
		{Path: "/d/nota.md", Data: []byte("---\ntitle: \"No\\0ta\"\n---\n\n# NOTA\n\nTesto con un byte \x00nullo.\n")},
	} {
		doc, err := Parse(context.Background(), src)
		if err != nil {
			t.Fatalf("%s: %v", src.Path, err)
		}
		var all []string
		for _, b := range doc.Blocks {
			all = append(all, b.Text)
		}
		all = append(append(all, doc.Meta.Title, doc.Meta.Date), append(doc.Meta.Tags, doc.Warnings...)...)
		if s := strings.Join(all, "|"); strings.IndexByte(s, 0) >= 0 || !strings.Contains(s, "Testo con un byte nullo.") || doc.Meta.Title != "Nota" {
			t.Errorf("%s: %q", src.Path, s)
		}
	}
}
