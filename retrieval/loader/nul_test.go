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

// Binary content under a text name (random bytes as .txt, a PDF saved as .md, an image as
// .html) is refused with a reason, as a CSV of binary bytes is: it loaded as passages of noise.
// UTF-16 text with its byte-order mark, as Notepad saves "Unicode", is text.
func TestBinaryContentUnderATextNameIsRefused(t *testing.T) {
	noise, x := make([]byte, 4000), uint32(2463534242)
	for i := range noise {
		x ^= x << 13
		x ^= x >> 17
		x ^= x << 5
		noise[i] = byte(x)
	}
	for _, src := range []Source{
		{Path: "/d/rumore.txt", Data: noise},
		{Path: "/d/bando.md", Data: []byte("%PDF-1.4\n1 0 obj\n<< /Type /Catalog >>\nendobj\n")},
		{Path: "/d/foto.html", Data: append([]byte("\x89PNG\r\n\x1a\n"), noise[:100]...)},
	} {
		if _, err := Parse(context.Background(), src); err == nil || !strings.Contains(err.Error(), "not text") {
			t.Errorf("%s: err = %v", src.Path, err)
		}
	}
	utf16 := []byte{0xFF, 0xFE}
	for _, r := range "NOTA\r\n\r\nL'attività è ripresa.\r\n" {
		utf16 = append(utf16, byte(r), byte(r>>8))
	}
	doc, err := Parse(context.Background(), Source{Path: "/d/nota.txt", Data: utf16})
	if err != nil || len(doc.Blocks) != 2 || doc.Blocks[1].Text != "L'attività è ripresa." {
		t.Errorf("UTF-16: %+v, %v", doc, err)
	}
}

// A type or a tag of thousands of characters (trimmed: 3,599) is left out with a warning, as any metadata field
// that cannot be used, and the document loads: such a type failed it in PostgreSQL's index.
func TestOverlongTypeAndTagsAreLeftOut(t *testing.T) {
	long := strings.Repeat("delibera ", 400)
	doc, err := Parse(context.Background(), Source{Path: "/d/nota.txt", Data: []byte("Testo.\n"),
		Sidecar: []byte(`{"type": "` + long + `", "tags": ["` + long + `", "dehors"]}`)})
	if err != nil {
		t.Fatal(err)
	}
	w := strings.Join(doc.Warnings, "; ")
	if doc.Meta.Type == long || len(doc.Meta.Tags) != 1 || doc.Meta.Tags[0] != "dehors" ||
		!strings.Contains(w, "type of 3599 characters") || !strings.Contains(w, "tag of 3599 characters") {
		t.Errorf("meta = %+v, warnings %q", doc.Meta, w)
	}
}
