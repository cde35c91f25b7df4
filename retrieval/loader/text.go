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
		doc.Blocks = append(doc.Blocks, textBlocks(p.PageContent, 0)...)
	}
	return nil
}

var (
	articleRe  = regexp.MustCompile(`^(?i)(art\.|articolo)\s*\d+`)
	numberedRe = regexp.MustCompile(`^(\d+(?:\.\d+)*)[.)]?\s+\p{Lu}`)
	listRe     = regexp.MustCompile(`^\s*([-*•–]|[a-z]\)|\d+\))\s+`)
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
			blocks = append(blocks, Block{Kind: Paragraph, Text: strings.Join(para, " "), Page: page})
			para = nil
		}
		if len(list) > 0 {
			blocks = append(blocks, Block{Kind: List, Text: strings.Join(list, "\n"), Page: page})
			list = nil
		}
	}
	lines := strings.Split(text, "\n")
	for i, raw := range lines {
		line := strings.TrimSpace(raw)
		switch {
		case line == "":
			flush()
		case len(para) == 0 && len(list) == 0 && standalone(lines, i) && headingLevel(line) > 0:
			blocks = append(blocks, Block{Kind: Heading, Level: headingLevel(line), Text: line, Page: page})
		case listRe.MatchString(line):
			if len(para) > 0 {
				// A paragraph that introduces a list ("sono ammessi:") stays with it.
				list = append(list, strings.Join(para, " "))
				para = nil
			}
			list = append(list, line)
		case len(list) > 0 && !startsParagraph(raw):
			// A wrapped list item continues on the next line.
			list[len(list)-1] += " " + line
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
