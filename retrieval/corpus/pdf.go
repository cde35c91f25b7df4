package corpus

import (
	"bytes"
	"fmt"
	"strings"
	"time"

	"github.com/go-pdf/fpdf"
)

// PDF typesets pages of text as a real PDF with a text layer: a line starting with "# " is a
// bold heading, any other line a paragraph. The demo corpus keeps its PDF as text in the
// repository and renders it at load time, so no binary file is committed.
func PDF(title string, pages [][]string) ([]byte, error) {
	pdf := fpdf.New("P", "mm", "A4", "")
	pdf.SetTitle(title, true)
	pdf.SetAuthor("Comune di Bologna (documento fittizio)", true)
	// Same text, same bytes: the PDF's checksum decides whether the demo document is reloaded.
	fixed := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	pdf.SetCreationDate(fixed)
	pdf.SetModificationDate(fixed)
	pdf.SetCatalogSort(true)
	tr := pdf.UnicodeTranslatorFromDescriptor("") // core fonts are cp1252, which has Italian accents
	for _, lines := range pages {
		pdf.AddPage()
		for _, l := range lines {
			if h, ok := strings.CutPrefix(l, "# "); ok {
				pdf.SetFont("Helvetica", "B", 13)
				pdf.MultiCell(0, 7, tr(h), "", "L", false)
				pdf.Ln(2)
				continue
			}
			pdf.SetFont("Helvetica", "", 11)
			pdf.MultiCell(0, 5.5, tr(l), "", "L", false)
			pdf.Ln(3)
		}
	}
	var buf bytes.Buffer
	if err := pdf.Output(&buf); err != nil {
		return nil, fmt.Errorf("render PDF %q: %w", title, err)
	}
	return buf.Bytes(), nil
}

// SplitPages reads the page-source format of PDF: pages separated by a line holding only
// "\f" (form feed) or "---page---", blank lines ignored.
func SplitPages(src string) [][]string {
	var pages [][]string
	var cur []string
	for _, l := range strings.Split(strings.ReplaceAll(src, "\r\n", "\n"), "\n") {
		t := strings.TrimSpace(l)
		if t == "\f" || t == "---page---" {
			pages = append(pages, cur)
			cur = nil
			continue
		}
		if t != "" {
			cur = append(cur, t)
		}
	}
	if len(cur) > 0 {
		pages = append(pages, cur)
	}
	return pages
}
