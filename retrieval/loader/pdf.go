package loader

import (
	"bytes"
	"context"
	"fmt"
	"math"
	"regexp"
	"sort"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/ledongthuc/pdf"
)

// parsePDF reads the text layer page by page (github.com/ledongthuc/pdf, the reader under
// langchaingo's PDF loader), so that every block knows its page. The text is laid out from the
// positions of the strings on the page (pdftext.go) rather than read in stream order; running
// heads and page numbers repeated on every page are left out, and pages without a text layer
// are reported.
func parsePDF(ctx context.Context, doc *Document, data []byte) (err error) {
	// The PDF reader panics on some malformed files; one bad file must not stop a batch.
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("the PDF is damaged or not a PDF: %v", r)
		}
	}()
	r, err := pdf.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		return fmt.Errorf("read PDF: %w", err)
	}
	doc.Pages = r.NumPage()
	pages := make([][]pdfLine, doc.Pages)
	var widths []float64
	var margins [][2]float64 // per page, the y under which a line is in the bottom margin, over which in the top one
	for i := range pages {
		if err := ctx.Err(); err != nil {
			return err
		}
		p := r.Page(i + 1)
		box := [4]float64{0, 0, 595, 842} // A4 when the page does not say
		if b := mediaBox(p); b.Len() == 4 {
			for j := range box {
				box[j] = b.Index(j).Float64()
			}
		}
		pages[i] = pageLines(pageRuns(p))
		widths = append(widths, box[2]-box[0])
		margins = append(margins, [2]float64{box[1] + 0.15*(box[3]-box[1]), box[3] - 0.15*(box[3]-box[1])})
	}
	// Running heads are found top to bottom, before the columns are put in reading order.
	dropRunningHeads(pages, margins)
	if share := undecodable(pages); share > 0.5 {
		return fmt.Errorf("the PDF's text cannot be decoded (%.0f%% of its characters are control or private codes: fonts without a Unicode map); OCR of the printed pages is needed", 100*share)
	} else if share > 0.1 {
		doc.Warnings = append(doc.Warnings, fmt.Sprintf("%.0f%% of the text's characters cannot be decoded (fonts without a Unicode map): some passages are unreadable", 100*share))
	}
	for i := range pages {
		pages[i] = readingOrder(pages[i], widths[i])
	}
	var empty []int
	for i, lines := range pages {
		text := pageText(lines)
		if strings.TrimSpace(text) == "" {
			empty = append(empty, i+1)
		}
		doc.Blocks = append(doc.Blocks, textBlocks(text, i+1)...)
	}
	if len(empty) > 0 && len(empty) < doc.Pages {
		doc.Warnings = append(doc.Warnings, fmt.Sprintf("%s without a text layer (scanned images need OCR first): their content is not searchable",
			pageList(empty)))
	}
	doc.infoTitle = pdfTitle(r)
	return nil
}

// pageText writes a page's lines, with a blank line where a new paragraph or a heading starts:
// where the spacing is wider than the page's usual line spacing, where the font size or weight
// changes, where a line ending a sentence stops well short of the margin, and where the text
// goes back up (the next column).
func pageText(lines []pdfLine) string {
	var gaps []float64
	for i := 1; i < len(lines); i++ {
		if d := lines[i-1].y - lines[i].y; d > 0 {
			gaps = append(gaps, d)
		}
	}
	// right is the right edge of the column a line starts in.
	right := func(l pdfLine) float64 {
		edge := l.x1
		for _, o := range lines {
			if math.Abs(o.x0-l.x0) < 20 {
				edge = math.Max(edge, o.x1)
			}
		}
		return edge
	}
	sort.Float64s(gaps)
	lead := 0.0
	if len(gaps) > 0 {
		lead = gaps[len(gaps)/4] // most gaps are between the lines of a paragraph
	}
	var b strings.Builder
	for i, l := range lines {
		if i > 0 {
			prev := lines[i-1]
			d := prev.y - l.y
			t := prev.text
			short := (strings.HasSuffix(t, ".") || strings.HasSuffix(t, ":")) && right(prev)-prev.x1 > 6*prev.size
			switch {
			case math.Abs(d) < 0.4*l.size:
				// The cells of a table row (segments apart on one baseline, not columns).
				b.WriteString(" ")
				b.WriteString(l.text)
				continue
			case d <= 0, lead > 0 && d > 1.3*lead, math.Abs(l.size-prev.size) > 0.12*prev.size, l.bold != prev.bold, short:
				b.WriteString("\n\n")
			default:
				b.WriteString("\n")
			}
		}
		b.WriteString(l.text)
	}
	return b.String()
}

// pageNumberRe matches a line holding only a page number: "3", "- 3 -", "Pag. 3",
// "Pagina 3 di 10", "3/10".
var pageNumberRe = regexp.MustCompile(`(?i)^(pag\.?|pagina|page|p\.)?\s*[-–]?\s*\d{1,4}\s*[-–]?\s*((di|of|/)\s*\d{1,4})?$`)

// dropRunningHeads removes the header and footer lines a PDF repeats on its pages (the same
// text, numbers aside, among the first or last two lines of at least half the pages, in the
// top or bottom margin) and the lines of a margin that hold only a page number: they are not
// part of any section, and would otherwise become headings or passages of their own.
func dropRunningHeads(pages [][]pdfLine, margins [][2]float64) {
	key := func(s string) string {
		return strings.ToLower(strings.Join(strings.FieldsFunc(s, func(r rune) bool {
			return unicode.IsSpace(r) || unicode.IsDigit(r)
		}), " "))
	}
	// edge: the line i of page p is among its first or last two and in its top or bottom margin.
	edge := func(p, i int) bool {
		lines, y := pages[p], pages[p][i].y
		return (i < 2 || i >= len(lines)-2) && (y <= margins[p][0] || y >= margins[p][1])
	}
	count := map[string]int{}
	for p, lines := range pages {
		seen := map[string]bool{}
		for i, l := range lines {
			if !edge(p, i) {
				continue
			}
			if k := key(l.text); !seen[k] {
				seen[k] = true
				count[k]++
			}
		}
	}
	need := max(2, (len(pages)+1)/2)
	for p, lines := range pages {
		var kept []pdfLine
		for i, l := range lines {
			if edge(p, i) {
				repeated := len(pages) >= 2 && count[key(l.text)] >= need && !articleRe.MatchString(l.text) && !numberedRe.MatchString(l.text)
				if repeated || pageNumberRe.MatchString(strings.TrimSpace(l.text)) {
					continue
				}
			}
			kept = append(kept, l)
		}
		pages[p] = kept
	}
}

// pdfTitle is the title in the document information dictionary, unless it is the name of the
// file it was printed from or a word processor's placeholder.
func pdfTitle(r *pdf.Reader) string {
	t := clean(r.Trailer().Key("Info").Key("Title").Text())
	low := strings.ToLower(t)
	for _, junk := range []string{".doc", ".pdf", ".odt", ".rtf", "microsoft word", "untitled", "senza titolo", "documento1", "document1", "presentazione standard"} {
		if strings.Contains(low, junk) {
			return ""
		}
	}
	if utf8.RuneCountInString(t) < 4 {
		return ""
	}
	return t
}

// pageList writes page numbers as "page 3" or "pages 2-4, 7".
func pageList(pages []int) string {
	var parts []string
	for i := 0; i < len(pages); {
		j := i
		for j+1 < len(pages) && pages[j+1] == pages[j]+1 {
			j++
		}
		if j > i {
			parts = append(parts, fmt.Sprintf("%d-%d", pages[i], pages[j]))
		} else {
			parts = append(parts, fmt.Sprint(pages[i]))
		}
		i = j + 1
	}
	if len(pages) == 1 {
		return "page " + parts[0]
	}
	return "pages " + strings.Join(parts, ", ")
}

// mediaBox is the page's MediaBox, which a page may inherit from its parents.
func mediaBox(p pdf.Page) pdf.Value {
	for v := p.V; !v.IsNull(); v = v.Key("Parent") {
		if b := v.Key("MediaBox"); !b.IsNull() {
			return b
		}
	}
	return pdf.Value{}
}

// undecodable is the share of a document's characters that are control codes, private-use
// code points or replacement characters: what a font without a Unicode map (a subset numbered
// from 1, a Type 3 font) yields instead of its text.
func undecodable(pages [][]pdfLine) float64 {
	bad, all := 0, 0
	for _, lines := range pages {
		for _, l := range lines {
			for _, r := range l.text {
				if unicode.IsSpace(r) {
					continue
				}
				all++
				if unicode.IsControl(r) || unicode.Is(unicode.Co, r) || r == unicode.ReplacementChar {
					bad++
				}
			}
		}
	}
	if all == 0 {
		return 0
	}
	return float64(bad) / float64(all)
}
