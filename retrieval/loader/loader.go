// Package loader reads policy documents (Markdown with front matter, plain text, HTML, PDF) and
// their .meta.json sidecars into a format-neutral list of blocks: headings, paragraphs, lists
// and tables, each with the page it sits on. Chunking works on blocks, so it never needs to
// know the source format.
package loader

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"time"
	"unicode/utf8"
)

// Version is mixed into every checksum: a change in how documents are parsed or chunked must
// re-ingest files whose bytes did not change.
const Version = "loader-v8"

// Kind is the structural role of a block.
type Kind int

// The block kinds chunking knows about.
const (
	Paragraph Kind = iota
	Heading
	List
	Table
	Code
)

func (k Kind) String() string {
	return [...]string{"paragraph", "heading", "list", "table", "code"}[k]
}

// Block is one structural unit of a document.
type Block struct {
	Kind  Kind
	Level int    // heading level, 1 = top; 0 for other kinds
	Text  string // the block's text; tables and lists keep their Markdown rows
	Page  int    // 1-based page for paged formats (PDF), 0 when the format has no pages
}

// Meta is what a citation shows about a document besides the passage.
type Meta struct {
	Title  string   `json:"title" yaml:"title"`
	Date   string   `json:"date" yaml:"date"` // YYYY-MM-DD
	Type   string   `json:"type" yaml:"type"` // delibera, bando, piano, report, ...
	Issuer string   `json:"issuer" yaml:"issuer"`
	URL    string   `json:"url" yaml:"url"`
	Tags   []string `json:"tags" yaml:"tags"`
}

// Document is a parsed file.
type Document struct {
	Path     string // the stable key stored in documents.path
	Format   string // markdown, text, html, pdf
	Meta     Meta
	Blocks   []Block
	Pages    int    // number of pages for PDF and paged text (form feeds), 0 otherwise
	Checksum string // sha256 of the content, the sidecar and Version
	// Warnings say what was left out of a document that still loads: a metadata field that
	// could not be used, pages without a text layer.
	Warnings []string

	infoTitle string // a PDF's own title, when it has no top-level heading
}

// ParsedDate parses Meta.Date; ok is false when it is empty.
func (m Meta) ParsedDate() (t time.Time, ok bool, err error) {
	if m.Date == "" {
		return time.Time{}, false, nil
	}
	t, err = time.Parse("2006-01-02", m.Date)
	if err != nil {
		return time.Time{}, false, fmt.Errorf("date %q is not YYYY-MM-DD", m.Date)
	}
	return t, true, nil
}

// ErrUnsupported is returned for a file whose extension names no known format.
var ErrUnsupported = errors.New("unsupported format (use .md, .markdown, .txt, .html, .htm or .pdf)")

// FormatOf names the format of a file from its extension, or "" when unsupported.
func FormatOf(name string) string {
	switch strings.ToLower(filepath.Ext(name)) {
	case ".md", ".markdown":
		return "markdown"
	case ".txt", ".text":
		return "text"
	case ".html", ".htm":
		return "html"
	case ".pdf":
		return "pdf"
	}
	return ""
}

// IsSidecar reports whether name is a metadata sidecar rather than a document.
func IsSidecar(name string) bool { return strings.HasSuffix(strings.ToLower(name), ".meta.json") }

// Source is one document to parse: its key, content and optional sidecar content.
type Source struct {
	Path    string
	Data    []byte
	Sidecar []byte // nil when there is none
}

// ReadFile reads a document and its sidecar (NAME.meta.json next to NAME.ext, or
// NAME.ext.meta.json) from disk; Path becomes the absolute, cleaned file name.
func ReadFile(name string) (Source, error) {
	abs, err := filepath.Abs(name)
	if err != nil {
		return Source{}, err
	}
	data, err := os.ReadFile(abs)
	if err != nil {
		return Source{}, err
	}
	src := Source{Path: abs, Data: data}
	for _, side := range sidecarNames(abs) {
		b, err := os.ReadFile(side)
		if err == nil {
			src.Sidecar = b
			break
		}
		if !errors.Is(err, fs.ErrNotExist) {
			return Source{}, fmt.Errorf("read sidecar %s: %w", side, err)
		}
	}
	return src, nil
}

func sidecarNames(path string) []string {
	stem := strings.TrimSuffix(path, filepath.Ext(path))
	return []string{stem + ".meta.json", path + ".meta.json"}
}

// SidecarFor returns the sidecar file name in fsys for a document, or "" when there is none.
func SidecarFor(fsys fs.FS, name string) string {
	for _, side := range sidecarNames(name) {
		if _, err := fs.Stat(fsys, side); err == nil {
			return side
		}
	}
	return ""
}

// Expand turns files and directories into the sorted list of document files under them.
// Sidecars and files of unknown formats inside directories are skipped; a file named
// explicitly is kept whatever its extension, so that Parse can report why it is refused.
func Expand(paths []string) ([]string, error) {
	var out []string
	for _, p := range paths {
		info, err := os.Stat(p)
		if err != nil {
			// Keep it: the caller reports it as unreadable and goes on with the rest.
			out = append(out, p)
			continue
		}
		if !info.IsDir() {
			out = append(out, p)
			continue
		}
		err = filepath.WalkDir(p, func(path string, d fs.DirEntry, err error) error {
			if err != nil {
				return err
			}
			if d.IsDir() && strings.HasPrefix(d.Name(), ".") && path != p {
				return filepath.SkipDir
			}
			if !d.IsDir() && !IsSidecar(path) && FormatOf(path) != "" {
				out = append(out, path)
			}
			return nil
		})
		if err != nil {
			return nil, fmt.Errorf("walk %s: %w", p, err)
		}
	}
	sort.Strings(out)
	return out, nil
}

// OrphanSidecars lists the .meta.json files under the directories in paths that belong to no
// document (NAME.meta.json with no NAME.ext of a known format beside it, nor NAME.ext.meta.json
// with no NAME.ext): metadata that a typo in a name would otherwise lose in silence.
func OrphanSidecars(paths []string) []string {
	var out []string
	for _, p := range paths {
		if info, err := os.Stat(p); err != nil || !info.IsDir() {
			continue
		}
		_ = filepath.WalkDir(p, func(path string, d fs.DirEntry, err error) error {
			if err != nil {
				return nil //nolint:nilerr // Expand reports unreadable directories
			}
			if d.IsDir() && strings.HasPrefix(d.Name(), ".") && path != p {
				return filepath.SkipDir
			}
			if !d.IsDir() && IsSidecar(path) && !hasDocument(path) {
				out = append(out, path)
			}
			return nil
		})
	}
	sort.Strings(out)
	return out
}

func hasDocument(sidecar string) bool {
	base := sidecar[:len(sidecar)-len(".meta.json")]
	exists := func(name string) bool {
		info, err := os.Stat(name)
		return err == nil && !info.IsDir()
	}
	if FormatOf(base) != "" && exists(base) {
		return true
	}
	dir, stem := filepath.Dir(base), filepath.Base(base)
	entries, err := os.ReadDir(dir)
	if err != nil {
		return false
	}
	for _, e := range entries {
		name := e.Name()
		if !e.IsDir() && !IsSidecar(name) && FormatOf(name) != "" && strings.TrimSuffix(name, filepath.Ext(name)) == stem {
			return true
		}
	}
	return false
}

// maxKey is the longest type or tag, in characters: both are keys (delibera, bando; dehors,
// commercio), and PostgreSQL's indexes on them take at most 2,704 bytes a value: a type of
// thousands of characters failed the document.
const maxKey = 100

// dropOverlongKeys leaves out a type or a tag longer than maxKey, with a warning, as any
// metadata field that cannot be used: the document still loads.
func dropOverlongKeys(doc *Document) {
	if n := utf8.RuneCountInString(doc.Meta.Type); n > maxKey {
		doc.Warnings = append(doc.Warnings, fmt.Sprintf("type of %d characters is not a type (delibera, bando, piano, report, ...): ignored", n))
		doc.Meta.Type = ""
	}
	tags := doc.Meta.Tags[:0]
	for _, t := range doc.Meta.Tags {
		if n := utf8.RuneCountInString(t); n > maxKey {
			doc.Warnings = append(doc.Warnings, fmt.Sprintf("tag of %d characters (at most %d): ignored", n, maxKey))
			continue
		}
		tags = append(tags, t)
	}
	doc.Meta.Tags = tags
}

// binaryText reports content given as Markdown, text or HTML that is not text: the signature
// of a binary format, or control bytes (NUL among them) over a twentieth of its first 64 KiB.
// Random bytes or a PDF saved as .txt loaded as passages of noise; a stray NUL in a text is
// dropped instead (dropNUL).
func binaryText(b []byte) bool {
	for _, magic := range [][]byte{[]byte("%PDF-"), []byte("PK\x03\x04"), {0xD0, 0xCF, 0x11, 0xE0}, []byte("\x89PNG"), {0xFF, 0xD8, 0xFF}, []byte("GIF8")} {
		if bytes.HasPrefix(b, magic) {
			return true
		}
	}
	b = b[:min(len(b), 64<<10)]
	ctl := 0
	for _, c := range b {
		if c < 0x20 && c != '\t' && c != '\n' && c != '\r' && c != '\f' {
			ctl++
		}
	}
	return ctl*20 > len(b)
}

// dropNUL removes NUL bytes from a document's text, metadata and warnings: they are no text (a
// byte of garbage in a text file, a PDF string or a sidecar value holding one), and PostgreSQL
// refuses them: the document failed ("invalid byte sequence for encoding UTF8: 0x00"), and a
// title or warning holding one failed the record of the whole run.
func dropNUL(doc *Document) {
	clean := func(s *string) {
		if strings.IndexByte(*s, 0) >= 0 {
			*s = strings.ReplaceAll(*s, "\x00", "")
		}
	}
	for i := range doc.Blocks {
		clean(&doc.Blocks[i].Text)
	}
	for _, s := range []*string{&doc.Meta.Title, &doc.Meta.Date, &doc.Meta.Type, &doc.Meta.Issuer, &doc.Meta.URL} {
		clean(s)
	}
	for i := range doc.Meta.Tags {
		clean(&doc.Meta.Tags[i])
	}
	for i := range doc.Warnings {
		clean(&doc.Warnings[i])
	}
}

// Parse turns a source into a document. ctx bounds the PDF reader, the slowest format.
func Parse(ctx context.Context, src Source) (*Document, error) {
	format := FormatOf(src.Path)
	if IsSidecar(src.Path) {
		return nil, errors.New("a .meta.json holds a document's metadata and is read with it: name the document (NAME.md, .txt, .html or .pdf) or its directory")
	}
	if format == "" {
		return nil, ErrUnsupported
	}
	if len(src.Data) == 0 {
		return nil, errors.New("the file is empty (0 bytes)")
	}
	doc := &Document{Path: src.Path, Format: format, Checksum: checksum(src)}
	var text []byte
	if format != "pdf" {
		if text = decodeText(src.Data); binaryText(text) {
			return nil, errors.New("the file is not text but binary content (a PDF, an Office file or an image under a text name?)")
		}
	}
	var err error
	switch format {
	case "markdown":
		err = parseMarkdown(doc, text)
	case "text":
		err = parseText(ctx, doc, text)
	case "html":
		err = parseHTML(doc, text)
	case "pdf":
		err = parsePDF(ctx, doc, src.Data)
	}
	if err != nil {
		return nil, err
	}
	if src.Sidecar != nil {
		side, warns, err := readSidecar(src.Sidecar)
		if err != nil {
			return nil, err
		}
		doc.Warnings = append(doc.Warnings, warns...)
		doc.Meta = merge(doc.Meta, side)
	}
	if doc.Meta.Title == "" {
		doc.Meta.Title = firstHeading(doc.Blocks)
	}
	if doc.Meta.Title == "" {
		doc.Meta.Title = doc.infoTitle
	}
	base := filepath.Base(src.Path)
	stem := strings.TrimSuffix(base, filepath.Ext(base)) // the file's name without its extension
	if doc.Meta.Title == "" {
		doc.Meta.Title = stem
	}
	if doc.Meta.Date, err = normalizeDate(doc.Meta.Date); err != nil {
		// The document is good; only its date is not: it loads undated, and the run says why.
		doc.Warnings = append(doc.Warnings, err.Error()+": loaded without a date")
	}
	doc.Meta.Type = strings.ToLower(strings.TrimSpace(doc.Meta.Type))
	dropOverlongKeys(doc)
	if doc.Meta.Type == "" {
		doc.Meta.Type = inferType(doc.Meta.Title, firstHeading(doc.Blocks), stem)
	}
	dropNUL(doc)
	if !hasText(doc.Blocks) {
		if format == "pdf" {
			return nil, errors.New("the PDF has no text layer (scanned images need OCR first)")
		}
		return nil, errors.New("the document has no text")
	}
	return doc, nil
}

// merge lets the sidecar override the file's own metadata field by field.
func merge(base, over Meta) Meta {
	pick := func(a, b string) string {
		if strings.TrimSpace(b) != "" {
			return strings.TrimSpace(b)
		}
		return a
	}
	base.Title = pick(base.Title, over.Title)
	base.Date = pick(base.Date, over.Date)
	base.Type = pick(base.Type, over.Type)
	base.Issuer = pick(base.Issuer, over.Issuer)
	base.URL = pick(base.URL, over.URL)
	if len(over.Tags) > 0 {
		base.Tags = over.Tags
	}
	return base
}

func checksum(src Source) string {
	h := sha256.New()
	h.Write([]byte(Version))
	h.Write([]byte{0})
	h.Write(src.Data)
	h.Write([]byte{0})
	h.Write(src.Sidecar)
	return hex.EncodeToString(h.Sum(nil))
}

// firstHeading is the first top-level heading: a document's first "1. Premessa" or
// "Art. 1" names a section, not the document. The lines of a letterhead ("COMUNE DI BOLOGNA",
// "SETTORE PROTEZIONE CIVILE") over the act's own title line ("CIRCOLARE N. 7/2026 - ...")
// name the issuer, not the document: when headings that name offices are followed, with no
// text between, by a heading that names a kind of document, that heading is the title.
func firstHeading(blocks []Block) string {
	for i, b := range blocks {
		if b.Kind != Heading || b.Level != 1 {
			continue
		}
		if letterheadRe.MatchString(b.Text) {
			for _, next := range blocks[i+1:] {
				if next.Kind != Heading {
					break
				}
				if !letterheadRe.MatchString(next.Text) {
					if inferType(next.Text) != "" {
						return next.Text
					}
					break
				}
			}
		}
		return b.Text
	}
	return ""
}

// letterheadRe matches the lines of an Italian administration's letterhead.
var letterheadRe = regexp.MustCompile(`(?i)^\s*(comune|citt[àa]|regione|provincia|repubblica|settore|area|dipartimento|direzione|ufficio|servizio|quartiere|unione|u\.?\s?o\.?|unit[àa] operativa)\b`)

func hasText(blocks []Block) bool {
	for _, b := range blocks {
		if b.Kind != Heading && strings.TrimSpace(b.Text) != "" {
			return true
		}
	}
	return false
}

// typeWords name the kinds of document by the words their titles use.
var typeWords = []struct{ word, typ string }{
	{"bando", "bando"}, {"avviso", "avviso"}, {"delibera", "delibera"}, {"deliberazione", "delibera"},
	{"determina", "determina"}, {"determinazione", "determina"}, {"regolamento", "regolamento"},
	{"piano", "piano"}, {"protocollo", "protocollo"}, {"linee guida", "linee guida"}, {"ordinanza", "ordinanza"},
	{"circolare", "circolare"}, {"disciplinare", "disciplinare"}, {"domande frequenti", "faq"}, {"faq", "faq"},
	{"rapporto", "report"}, {"relazione", "report"}, {"report", "report"}, {"osservatorio", "report"},
}

var wordRe = regexp.MustCompile(`\p{L}+`)

// inferType gives a document without a declared type the kind its title names ("Avviso per i
// mercatini", "PIANO DEGLI INTERVENTI"), else its first heading or file name: the first such
// word wins. A search filtered by type (the assistant filters by the kind a question names)
// would otherwise never see a document that came without metadata.
func inferType(names ...string) string {
	for _, name := range names {
		words := wordRe.FindAllString(strings.ToLower(name), -1)
		for i, w := range words {
			for _, tw := range typeWords {
				first, rest, _ := strings.Cut(tw.word, " ")
				if w == first && (rest == "" || i+1 < len(words) && words[i+1] == rest) {
					return tw.typ
				}
			}
		}
	}
	return ""
}
