// Package chunk cuts a parsed document into passages for retrieval. It is structure-aware:
// a chunk never crosses a heading or a page, so each one knows its heading path and page
// exactly; paragraphs, lists and tables are kept whole when they fit; a block too long for
// one chunk is split with langchaingo's recursive character splitter (tables by rows, with
// their header repeated); consecutive chunks of one section overlap so that a sentence cut at
// a boundary is still found whole.
package chunk

import (
	"strings"
	"unicode/utf8"

	"github.com/tmc/langchaingo/textsplitter"

	"github.com/comune-bologna/conoscenza/retrieval/loader"
)

// Options bound the size of chunks, in runes (characters), which is what a reader sees.
type Options struct {
	MaxRunes     int // a chunk is at most this long, overlap excluded
	OverlapRunes int // the tail of the previous chunk of the same section repeated at the start
}

// DefaultOptions fits a passage a reader can check at a glance and an embedding model's window
// (about 250-350 tokens of Italian).
func DefaultOptions() Options { return Options{MaxRunes: 1000, OverlapRunes: 150} }

// Chunk is one passage.
type Chunk struct {
	Ord         int      // position in the document, from 0
	HeadingPath []string // the headings above the passage, outermost first
	Page        int      // 1-based page, 0 when the format has no pages
	Content     string
}

type heading struct {
	level int
	text  string
}

type builder struct {
	opt     Options
	stack   []heading
	chunks  []Chunk
	parts   []string
	page    int
	overlap bool // whether the current chunk starts with overlap only
}

// Split turns blocks into chunks.
func Split(blocks []loader.Block, opt Options) []Chunk {
	if opt.MaxRunes <= 0 {
		opt = DefaultOptions()
	}
	b := &builder{opt: opt}
	for _, blk := range blocks {
		if blk.Kind == loader.Heading {
			b.flush(false)
			for len(b.stack) > 0 && b.stack[len(b.stack)-1].level >= blk.Level {
				b.stack = b.stack[:len(b.stack)-1]
			}
			b.stack = append(b.stack, heading{blk.Level, blk.Text})
			continue
		}
		if blk.Page != b.page {
			b.flush(false)
			b.page = blk.Page
		}
		for i, piece := range b.pieces(blk) {
			b.add(piece, blk.Kind, i > 0)
		}
	}
	b.flush(false)
	return b.chunks
}

func runes(s string) int { return utf8.RuneCountInString(s) }

func (b *builder) size() int {
	n := 0
	for _, p := range b.parts {
		n += runes(p) + 2
	}
	return n
}

// add appends a piece; cont marks the second and later pieces of a block the splitter cut,
// which already overlap one another.
func (b *builder) add(piece string, kind loader.Kind, cont bool) {
	n := runes(piece)
	if !b.overlap && len(b.parts) > 0 && b.size()+n > b.opt.MaxRunes {
		// Prose continues the previous chunk's thought, so it gets the overlap; a table or a
		// list is self-contained and starts clean.
		b.flush(kind == loader.Paragraph && !cont)
	}
	if b.overlap && b.size()+n > b.opt.MaxRunes+b.opt.OverlapRunes {
		b.parts = nil
	}
	b.parts = append(b.parts, piece)
	b.overlap = false
}

// flush closes the current chunk; withOverlap starts the next one with its tail.
func (b *builder) flush(withOverlap bool) {
	if len(b.parts) == 0 || b.overlap {
		b.parts, b.overlap = nil, false
		return
	}
	content := strings.Join(b.parts, "\n\n")
	path := make([]string, len(b.stack))
	for i, h := range b.stack {
		path[i] = h.text
	}
	b.chunks = append(b.chunks, Chunk{Ord: len(b.chunks), HeadingPath: path, Page: b.page, Content: content})
	b.parts, b.overlap = nil, false
	if withOverlap && b.opt.OverlapRunes > 0 {
		if t := tail(content, b.opt.OverlapRunes); t != "" {
			b.parts, b.overlap = []string{t}, true
		}
	}
}

// tail returns the last whole sentences of s within max runes, or its last words when the
// final sentence alone is longer.
func tail(s string, max int) string {
	r := []rune(s)
	if len(r) <= max {
		return ""
	}
	cut := string(r[len(r)-max:])
	for _, sep := range []string{". ", ".\n", "; ", "\n"} {
		if i := strings.Index(cut, sep); i >= 0 && i+len(sep) < len(cut) {
			return strings.TrimSpace(cut[i+len(sep):])
		}
	}
	if i := strings.IndexByte(cut, ' '); i >= 0 {
		return "…" + strings.TrimSpace(cut[i:])
	}
	return ""
}

// pieces returns the block whole when it fits, else cut along its own structure.
func (b *builder) pieces(blk loader.Block) []string {
	text := strings.TrimSpace(blk.Text)
	if runes(text) <= b.opt.MaxRunes {
		return []string{text}
	}
	switch blk.Kind {
	case loader.Table:
		lines := strings.Split(text, "\n")
		if len(lines) > 2 {
			return b.group(lines[2:], strings.Join(lines[:2], "\n"))
		}
	case loader.List:
		return b.group(listItems(text), "")
	}
	return b.split(text)
}

// group packs lines (table rows, list items) into pieces, each preceded by header.
func (b *builder) group(lines []string, header string) []string {
	var out []string
	cur := header
	for _, l := range lines {
		if runes(l)+runes(header) > b.opt.MaxRunes {
			if cur != header {
				out = append(out, cur)
			}
			out = append(out, b.split(l)...)
			cur = header
			continue
		}
		if cur != header && runes(cur)+1+runes(l) > b.opt.MaxRunes {
			out = append(out, cur)
			cur = header
		}
		if cur == "" {
			cur = l
		} else {
			cur += "\n" + l
		}
	}
	if cur != header {
		out = append(out, cur)
	}
	return out
}

// listItems splits Markdown list text into items, keeping continuation lines with their item.
func listItems(text string) []string {
	var items []string
	for _, l := range strings.Split(text, "\n") {
		t := strings.TrimSpace(l)
		if len(items) > 0 && (t == "" || strings.HasPrefix(l, " ") && !isItem(t)) {
			items[len(items)-1] += "\n" + l
			continue
		}
		items = append(items, l)
	}
	return items
}

func isItem(t string) bool {
	if strings.HasPrefix(t, "- ") || strings.HasPrefix(t, "* ") || strings.HasPrefix(t, "+ ") {
		return true
	}
	i := strings.IndexAny(t, ".)")
	return i > 0 && i < 4 && strings.Trim(t[:i], "0123456789abcdefghij") == ""
}

func (b *builder) split(text string) []string {
	sp := textsplitter.NewRecursiveCharacter(
		textsplitter.WithChunkSize(b.opt.MaxRunes),
		textsplitter.WithChunkOverlap(b.opt.OverlapRunes),
		textsplitter.WithSeparators([]string{"\n\n", "\n", " "}),
		textsplitter.WithLenFunc(utf8.RuneCountInString),
	)
	parts, err := sp.SplitText(text)
	if err != nil || len(parts) == 0 {
		return []string{text}
	}
	return parts
}
