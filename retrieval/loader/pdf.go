package loader

import (
	"bytes"
	"context"
	"fmt"

	"github.com/tmc/langchaingo/documentloaders"
)

// parsePDF reads the text layer page by page with langchaingo's PDF loader (over
// github.com/ledongthuc/pdf), so that every block knows its page.
func parsePDF(ctx context.Context, doc *Document, data []byte) (err error) {
	// The PDF reader panics on some malformed files; one bad file must not stop a batch.
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("the PDF is damaged or not a PDF: %v", r)
		}
	}()
	pages, err := documentloaders.NewPDF(bytes.NewReader(data), int64(len(data))).Load(ctx)
	if err != nil {
		return fmt.Errorf("read PDF: %w", err)
	}
	doc.Pages = len(pages)
	for i, p := range pages {
		page := i + 1
		if n, ok := p.Metadata["page"].(int); ok {
			page = n
		}
		doc.Blocks = append(doc.Blocks, textBlocks(p.PageContent, page)...)
	}
	return nil
}
