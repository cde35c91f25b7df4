package loader

import (
	"fmt"
	"strings"
	"unicode/utf8"

	"gitlab.com/golang-commonmark/markdown"
	"gopkg.in/yaml.v3"
)

// parseMarkdown reads YAML front matter, then cuts the body into top-level blocks with the
// CommonMark parser that langchaingo's Markdown splitter uses. Blocks keep their source lines,
// so a table keeps its header row and a list its markers: the passage quoted in a citation is
// the text as written.
func parseMarkdown(doc *Document, data []byte) error {
	body, meta, warns, err := splitFrontMatter(data)
	if err != nil {
		return err
	}
	doc.Meta = meta
	doc.Warnings = append(doc.Warnings, warns...)
	doc.Blocks = markdownBlocks(body)
	return nil
}

// splitFrontMatter separates a leading YAML block from the Markdown body: opened by "---",
// closed by "---" or by YAML's end-of-document marker "...".
func splitFrontMatter(data []byte) (string, Meta, []string, error) {
	text := strings.TrimPrefix(string(data), "\ufeff")
	text = strings.ReplaceAll(text, "\r\n", "\n")
	lines := strings.Split(text, "\n")
	if strings.TrimRight(lines[0], " \t") != "---" {
		return text, Meta{}, nil, nil
	}
	end := -1
	for i := 1; i < len(lines); i++ {
		if l := strings.TrimRight(lines[i], " \t"); l == "---" || l == "..." {
			end = i
			break
		}
	}
	if end < 0 {
		return "", Meta{}, nil, fmt.Errorf("front matter: opening --- has no closing --- (or ...)")
	}
	var node yaml.Node
	var values map[string]metaValue
	var lenient []string
	if err := yaml.Unmarshal([]byte(strings.Join(lines[1:end], "\n")), &node); err != nil {
		// Hand-written front matter often is not YAML ("title: Bando: dehors 2025", a tab):
		// its key: value lines are read one by one rather than the document refused.
		values = keyValueLines(lines[1:end])
		if len(values) == 0 {
			return "", Meta{}, nil, fmt.Errorf("front matter: %w", err)
		}
		lenient = append(lenient, fmt.Sprintf("front matter is not valid YAML (%v): read as key: value lines", err))
	} else if values, err = yamlFields(&node); err != nil {
		// Not a mapping: the "---" was a thematic break opening the text, not front matter.
		return text, Meta{}, nil, nil
	}
	// Extra keys are allowed in front matter (authors write their own); only ours are read.
	meta, warns := metaFrom(values, "front matter", true)
	return strings.Join(lines[end+1:], "\n"), meta, append(lenient, warns...), nil
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
	lastLevel := 0 // of the last Markdown heading
	add := func(kind Kind, m [2]int) {
		text := source(m)
		if text == "" {
			return
		}
		if kind == Paragraph {
			if h, ok := pseudoHeading(text); ok {
				// "**Art. 3 - Beneficiari**": a heading written as a paragraph, as documents
				// converted from a word processor write their articles. It sits one level
				// under the last real heading, so that articles are siblings.
				blocks = append(blocks, Block{Kind: Heading, Level: min(lastLevel+1, 6), Text: h})
				return
			}
		}
		blocks = append(blocks, Block{Kind: kind, Text: text})
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
					lastLevel = t.HLevel
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

// pseudoHeading reads a one-line paragraph as a heading when it is wholly bold and short and
// not a sentence ("**Art. 3 - Beneficiari**", "**Premesso che**"), or when it is an article
// heading ("Art. 4 - Cause di esclusione"); it returns the heading's text without the markup.
func pseudoHeading(text string) (string, bool) {
	if strings.Contains(text, "\n") {
		return "", false
	}
	inner := text
	for _, m := range []string{"**", "__"} {
		if strings.HasPrefix(inner, m) && strings.HasSuffix(inner, m) && len(inner) > 2*len(m) {
			inner = strings.TrimSpace(inner[len(m) : len(inner)-len(m)])
			if strings.Contains(inner, m) || utf8.RuneCountInString(inner) > 90 || endsSentence(inner) || strings.HasSuffix(inner, ":") {
				return "", false
			}
			return inner, true
		}
	}
	if articleRe.MatchString(text) && headingLevel(text) > 0 {
		return text, true
	}
	return "", false
}

// keyValueLines reads "key: value" lines, the value being everything after the first colon
// (quotes around it removed); a "[a, b]" value is a list.
func keyValueLines(lines []string) map[string]metaValue {
	out := map[string]metaValue{}
	for _, l := range lines {
		key, value, ok := strings.Cut(l, ":")
		key = strings.TrimSpace(key)
		if !ok || key == "" || strings.ContainsAny(key, " \t") {
			continue
		}
		value = strings.Trim(strings.TrimSpace(value), `"'`)
		if inner, ok := strings.CutPrefix(value, "["); ok && strings.HasSuffix(inner, "]") {
			out[key] = metaValue{list: splitTags(strings.TrimSuffix(inner, "]")), kind: "list"}
			continue
		}
		out[key] = metaValue{scalar: value, kind: "scalar"}
	}
	return out
}
