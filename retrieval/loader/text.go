package loader

import (
	"bytes"
	"context"
	"fmt"
	"regexp"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/tmc/langchaingo/documentloaders"
)

// parseText reads plain text with langchaingo's text loader, then recovers the structure that
// plain municipal texts carry by convention: numbered or capitalised heading lines, "Art. N"
// articles, bullet and lettered lists, paragraphs separated by blank lines.
func parseText(ctx context.Context, doc *Document, data []byte) error {
	if !utf8.Valid(data) {
		return fmt.Errorf("the text is not valid UTF-8 (convert it first, e.g. iconv -f latin1 -t utf-8)")
	}
	pages, err := documentloaders.NewText(bytes.NewReader(data)).Load(ctx)
	if err != nil {
		return fmt.Errorf("read text: %w", err)
	}
	for _, p := range pages {
		trimmed := strings.TrimRight(p.PageContent, "\f\r\n ")
		if !strings.Contains(trimmed, "\f") {
			doc.Blocks = append(doc.Blocks, textBlocks(p.PageContent, 0)...)
			continue
		}
		// Text extracted from a paged document (pdftotext writes a form feed between pages):
		// the page is what a citation can name.
		for i, page := range strings.Split(trimmed, "\f") {
			doc.Blocks = append(doc.Blocks, textBlocks(page, i+1)...)
			doc.Pages = i + 1
		}
	}
	return nil
}

var (
	articleRe     = regexp.MustCompile(`^(?i)(art\.|articolo)\s*\d+`)
	bareArticleRe = regexp.MustCompile(`^(?i)(art\.|articolo)\s*\d+(\s*(bis|ter|quater))?\s*[.:]?$`)
	numberedRe    = regexp.MustCompile(`^(\d+(?:\.\d+)*)[.)]?\s+\p{Lu}`)
	listRe        = regexp.MustCompile(`^\s*([-*•–]|[a-z]\)|\d+\))\s+`)
)

// headingLevel says whether a standalone line reads as a heading, and at which level.
func headingLevel(line string) int {
	line = strings.TrimSpace(line)
	n := utf8.RuneCountInString(line)
	if n == 0 || n > 90 || strings.HasSuffix(line, ".") || strings.HasSuffix(line, ";") || strings.HasSuffix(line, ",") {
		return 0
	}
	if articleRe.MatchString(line) {
		return 2
	}
	if m := numberedRe.FindStringSubmatch(line); m != nil {
		return 1 + strings.Count(m[1], ".") + 1
	}
	letters, upper := 0, 0
	for _, r := range line {
		if unicode.IsLetter(r) {
			letters++
			if unicode.IsUpper(r) {
				upper++
			}
		}
	}
	if letters >= 4 && upper == letters {
		return 1
	}
	return 0
}

// textBlocks cuts text into blocks. page is stamped on each block (0 for unpaged formats).
func textBlocks(text string, page int) []Block {
	text = strings.ReplaceAll(strings.ReplaceAll(text, "\r\n", "\n"), "\f", "\n")
	var blocks []Block
	var para, list []string
	flush := func() {
		if len(para) > 0 {
			blocks = append(blocks, Block{Kind: Paragraph, Text: joinLines(para), Page: page})
			para = nil
		}
		if len(list) > 0 {
			blocks = append(blocks, Block{Kind: List, Text: strings.Join(list, "\n"), Page: page})
			list = nil
		}
	}
	lines := strings.Split(text, "\n")
	for i := 0; i < len(lines); i++ {
		raw := lines[i]
		line := strings.TrimSpace(raw)
		switch {
		case line == "":
			flush()
		case (len(para) == 0 || articleRe.MatchString(line) && endsSentence(para[len(para)-1])) && len(list) == 0 &&
			standalone(lines, i) && headingLevel(line) > 0:
			// An article heading may also follow a paragraph's last sentence with no blank line
			// between (a PDF's spacing is not always a blank line).
			flush()
			level := headingLevel(line)
			if sub, ok := articleSubtitle(lines, i); ok {
				// "Articolo 3" / "Durata della concessione": the article's title is on the next line.
				sep := " - "
				if strings.HasPrefix(sub, "(") {
					sep = " "
				}
				line += sep + sub
				i++
			}
			blocks = append(blocks, Block{Kind: Heading, Level: level, Text: line, Page: page})
		case listRe.MatchString(line):
			if len(para) > 0 {
				// A paragraph that introduces a list ("sono ammessi:") stays with it.
				list = append(list, joinLines(para))
				para = nil
			}
			list = append(list, line)
		case len(list) > 0 && !startsParagraph(raw):
			// A wrapped list item continues on the next line.
			list[len(list)-1] = joinLines([]string{list[len(list)-1], line})
		default:
			if len(list) > 0 {
				flush()
			}
			para = append(para, line)
		}
	}
	flush()
	return blocks
}

// standalone: a heading line is followed by a blank line, a list, or text that starts a new
// sentence; a line inside a wrapped paragraph is not a heading.
func standalone(lines []string, i int) bool {
	if i+1 >= len(lines) {
		return true
	}
	next := strings.TrimSpace(lines[i+1])
	if next == "" || listRe.MatchString(next) {
		return true
	}
	r, _ := utf8.DecodeRuneInString(next)
	return unicode.IsUpper(r) || unicode.IsDigit(r)
}

func startsParagraph(raw string) bool {
	r, _ := utf8.DecodeRuneInString(strings.TrimSpace(raw))
	return unicode.IsUpper(r) && !strings.HasPrefix(raw, " ")
}

// joinLines joins the lines of a paragraph with spaces, and a word hyphenated at the end of a
// line ("contri-" / "buti") whole again, as it was written before it was typeset.
func joinLines(lines []string) string {
	var b strings.Builder
	for i, l := range lines {
		if i > 0 {
			prev := b.String()
			if hyphenated(prev, l) {
				b.Reset()
				b.WriteString(strings.TrimSuffix(prev, "-"))
			} else {
				b.WriteByte(' ')
			}
		}
		b.WriteString(l)
	}
	return b.String()
}

// hyphenated: prev ends with a lower-case letter and a hyphen, next starts with a lower-case
// letter (a word cut at the margin, not "socio-" before "Economico" nor a dash).
func hyphenated(prev, next string) bool {
	before, ok := strings.CutSuffix(prev, "-")
	if !ok {
		return false
	}
	last, _ := utf8.DecodeLastRuneInString(before)
	first, _ := utf8.DecodeRuneInString(next)
	return unicode.IsLower(last) && unicode.IsLower(first)
}

// articleSubtitle returns the line after a bare "Articolo N" when it reads as the article's
// title: short, not a sentence, not a list item, and standing on its own.
func articleSubtitle(lines []string, i int) (string, bool) {
	if !bareArticleRe.MatchString(strings.TrimSpace(lines[i])) || i+1 >= len(lines) {
		return "", false
	}
	next := strings.TrimSpace(lines[i+1])
	r, _ := utf8.DecodeRuneInString(next)
	if next == "" || utf8.RuneCountInString(next) > 80 || endsSentence(next) || strings.HasSuffix(next, ":") ||
		listRe.MatchString(next) || articleRe.MatchString(next) || !(unicode.IsUpper(r) || r == '(') {
		return "", false
	}
	return next, standalone(lines, i+1)
}

func endsSentence(line string) bool {
	line = strings.TrimSpace(line)
	return strings.HasSuffix(line, ".") || strings.HasSuffix(line, ";") || strings.HasSuffix(line, ",")
}
