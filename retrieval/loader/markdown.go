package loader

import (
	"bytes"
	"fmt"
	"strings"

	"gitlab.com/golang-commonmark/markdown"
	"gopkg.in/yaml.v3"
)

// parseMarkdown reads YAML front matter, then cuts the body into top-level blocks with the
// CommonMark parser that langchaingo's Markdown splitter uses. Blocks keep their source lines,
// so a table keeps its header row and a list its markers: the passage quoted in a citation is
// the text as written.
func parseMarkdown(doc *Document, data []byte) error {
	body, meta, err := splitFrontMatter(data)
	if err != nil {
		return err
	}
	doc.Meta = meta
	doc.Blocks = markdownBlocks(body)
	return nil
}

// splitFrontMatter separates a leading "---" YAML block from the Markdown body.
func splitFrontMatter(data []byte) (string, Meta, error) {
	text := strings.TrimPrefix(string(data), "\ufeff")
	text = strings.ReplaceAll(text, "\r\n", "\n")
	if !strings.HasPrefix(text, "---\n") {
		return text, Meta{}, nil
	}
	rest := text[len("---\n"):]
	end := strings.Index(rest, "\n---")
	if end < 0 {
		return "", Meta{}, fmt.Errorf("front matter: opening --- has no closing ---")
	}
	var fm struct {
		metaIn `yaml:",inline"`
		// Extra keys are allowed in front matter (authors write their own); only ours are read.
		Other map[string]any `yaml:",inline"`
	}
	dec := yaml.NewDecoder(bytes.NewReader([]byte(rest[:end])))
	if err := dec.Decode(&fm); err != nil && err.Error() != "EOF" {
		return "", Meta{}, fmt.Errorf("front matter: %w", err)
	}
	body := rest[end+len("\n---"):]
	if i := strings.IndexByte(body, '\n'); i >= 0 {
		body = body[i+1:]
	} else {
		body = ""
	}
	return body, fm.meta(), nil
}

func markdownBlocks(body string) []Block {
	lines := strings.Split(body, "\n")
	source := func(m [2]int) string {
		if m[0] < 0 || m[1] > len(lines) || m[0] >= m[1] {
			return ""
		}
		return strings.TrimSpace(strings.Join(lines[m[0]:m[1]], "\n"))
	}
	md := markdown.New(markdown.Typographer(false), markdown.Linkify(false), markdown.Tables(true), markdown.HTML(false))
	tokens := md.Parse([]byte(body))
	var blocks []Block
	add := func(kind Kind, m [2]int) {
		if text := source(m); text != "" {
			blocks = append(blocks, Block{Kind: kind, Text: text})
		}
	}
	for i, tok := range tokens {
		if tok.Level() != 0 {
			continue // nested tokens are covered by their top-level block's source lines
		}
		switch t := tok.(type) {
		case *markdown.HeadingOpen:
			if i+1 < len(tokens) {
				if in, ok := tokens[i+1].(*markdown.Inline); ok && strings.TrimSpace(in.Content) != "" {
					blocks = append(blocks, Block{Kind: Heading, Level: t.HLevel, Text: strings.TrimSpace(in.Content)})
				}
			}
		case *markdown.ParagraphOpen:
			add(Paragraph, t.Map)
		case *markdown.BlockquoteOpen:
			add(Paragraph, t.Map)
		case *markdown.BulletListOpen:
			add(List, t.Map)
		case *markdown.OrderedListOpen:
			add(List, t.Map)
		case *markdown.TableOpen:
			add(Table, t.Map)
		case *markdown.Fence:
			add(Code, t.Map)
		case *markdown.CodeBlock:
			add(Code, t.Map)
		}
	}
	return blocks
}
