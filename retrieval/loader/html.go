package loader

import (
	"bytes"
	"fmt"
	"regexp"
	"strings"

	"github.com/PuerkitoBio/goquery"
	"golang.org/x/net/html"
)

// parseHTML walks the DOM with goquery. langchaingo's HTML loader returns the page as one flat
// string, which loses the headings, lists and tables that citations and chunking rely on, so
// the walk is done here on the same parser. Only text nodes are read: scripts, styles and
// markup never reach the index. A page saved from a CMS carries its site around the document
// (menus, breadcrumbs, cookie banners, share buttons, footers): only the main content is read
// when the page marks it (<main>, role="main"), and the site's furniture
// (navigation, forms, asides, elements whose class or id names them) is left out in any case.
// A plain <header> without such a class may hold the issuing office: it is kept.
func parseHTML(doc *Document, data []byte) error {
	page, err := goquery.NewDocumentFromReader(bytes.NewReader(data))
	if err != nil {
		return fmt.Errorf("parse HTML: %w", err)
	}
	title := clean(page.Find("head title").First().Text())
	keepFAQQuestions(page)
	// Removed up front so that no element's text (a <p> holding a <script>) can include them.
	page.Find("script, style, noscript, template, svg, iframe, nav, form, button, select, aside, dialog, " +
		"[role=navigation], [role=banner], [role=contentinfo], [role=dialog], [role=alertdialog], [role=search], " +
		"[aria-hidden=true], [hidden]").Remove()
	page.Find("body *").Each(func(_ int, s *goquery.Selection) {
		if goquery.NodeName(s) == "main" || goquery.NodeName(s) == "article" {
			return
		}
		id, _ := s.Attr("id")
		class, _ := s.Attr("class")
		if boilerplateRe.MatchString(id) || boilerplateRe.MatchString(class) {
			s.Remove()
		}
	})
	root := page.Find("main, [role=main]").First()
	if root.Length() == 0 {
		root = page.Find("body")
	}
	if root.Length() == 0 {
		root = page.Selection
	}
	doc.Meta.Title = htmlTitle(title, root.Find("h1"))
	w := &htmlWalker{}
	root.Each(func(_ int, s *goquery.Selection) { w.walk(s.Nodes[0]) })
	w.flushLoose()
	doc.Blocks = w.blocks
	return nil
}

// boilerplateRe matches the ids and classes that CMS templates (Designers Italia's among them)
// give to a site's furniture rather than to the document.
var boilerplateRe = regexp.MustCompile(`(?i)(^|[\s_-])(cookies?|cookiebar|consent|gdpr|breadcrumbs?|share|sharing|social|skip-?links?|rating|feedback|navbar|menu|sidebar|correlati|related|footer|masthead|header-wrapper|header-slim)($|[\s_-])`)

// htmlTitle is the page's <title> without the site's name a CMS appends to it ("Bando | Comune
// di Bologna"), or the page's only <h1> when there is no <title>.
func htmlTitle(title string, h1 *goquery.Selection) string {
	if i := strings.LastIndex(title, " | "); i > 0 {
		title = strings.TrimSpace(title[:i])
	}
	for _, sep := range []string{" - ", " – ", " — "} {
		if i := strings.LastIndex(title, sep); i > 0 && siteNameRe.MatchString(title[i+len(sep):]) {
			title = strings.TrimSpace(title[:i])
		}
	}
	if title == "" && h1.Length() == 1 {
		title = clean(textOf(h1))
	}
	return title
}

var siteNameRe = regexp.MustCompile(`(?i)^\s*(comune|città|citta|regione|provincia|unione)\b`)

// questionTag marks an FAQ's question written as a toggle button (see keepFAQQuestions).
const questionTag = "cz-question"

// keepFAQQuestions keeps the questions of FAQ pages, which CMS templates (Bootstrap's and
// Designers Italia's accordions) write as buttons that open the answer: buttons are otherwise
// left out as the site's furniture, and the page kept its answers without the questions that
// name them. A button inside a heading gives the heading its text; a toggle button elsewhere
// (aria-controls, data-bs-toggle or data-toggle "collapse", an accordion class) becomes a
// heading of its own, as does a <details> element's <summary> (see walk).
func keepFAQQuestions(page *goquery.Document) {
	page.Find("h1 button, h2 button, h3 button, h4 button, h5 button, h6 button, summary button").Each(func(_ int, b *goquery.Selection) {
		b.ReplaceWithNodes(&html.Node{Type: html.TextNode, Data: " " + textOf(b) + " "})
	})
	page.Find("button").Each(func(_ int, b *goquery.Selection) {
		toggle, _ := b.Attr("data-bs-toggle")
		if toggle == "" {
			toggle, _ = b.Attr("data-toggle")
		}
		class, _ := b.Attr("class")
		_, controls := b.Attr("aria-controls")
		if toggle == "collapse" || controls || strings.Contains(strings.ToLower(class), "accordion") {
			b.Nodes[0].Data = questionTag
			b.Nodes[0].Attr = nil
		}
	})
}

type htmlWalker struct {
	blocks []Block
	loose  []string // text directly inside containers, outside any block element
	level  int      // level of the last real heading (h1-h6)
}

func (w *htmlWalker) add(kind Kind, level int, text string) {
	w.flushLoose()
	if text = strings.TrimSpace(text); text != "" {
		w.blocks = append(w.blocks, Block{Kind: kind, Level: level, Text: text})
	}
}

func (w *htmlWalker) flushLoose() {
	if text := clean(strings.Join(w.loose, "")); text != "" { // text nodes carry their own spaces
		w.blocks = append(w.blocks, Block{Kind: Paragraph, Text: text})
	}
	w.loose = nil
}

func (w *htmlWalker) walk(n *html.Node) {
	for c := n.FirstChild; c != nil; c = c.NextSibling {
		switch c.Type {
		case html.TextNode:
			w.loose = append(w.loose, c.Data)
			continue
		case html.ElementNode:
		default:
			continue
		}
		s := goquery.NewDocumentFromNode(c).Selection
		switch c.Data {
		case "h1", "h2", "h3", "h4", "h5", "h6":
			w.level = int(c.Data[1] - '0')
			w.add(Heading, w.level, clean(textOf(s)))
		case "summary", questionTag:
			// an FAQ's question: a heading one level under the page's last heading
			w.add(Heading, min(w.level+1, 6), clean(textOf(s)))
		case "p", "blockquote", "dd", "dt", "figcaption", "address":
			w.add(Paragraph, 0, clean(textOf(s)))
		case "pre":
			w.add(Code, 0, s.Text())
		case "ul", "ol":
			w.add(List, 0, htmlList(s, c.Data == "ol"))
		case "table":
			w.add(Table, 0, htmlTable(s))
		case "br":
			w.loose = append(w.loose, " ")
		case "span", "a", "strong", "em", "b", "i", "abbr", "small", "sup", "sub", "time", "code", "mark":
			w.loose = append(w.loose, textOf(s))
		default: // div, section, article, main, header, footer, ...: containers
			w.flushLoose()
			w.walk(c)
			w.flushLoose()
		}
	}
}

// htmlList renders a list as Markdown items, one per line; nested lists are indented.
func htmlList(list *goquery.Selection, ordered bool) string {
	var b strings.Builder
	var items func(l *goquery.Selection, ordered bool, depth int)
	items = func(l *goquery.Selection, ordered bool, depth int) {
		l.ChildrenFiltered("li").Each(func(i int, li *goquery.Selection) {
			nested := li.ChildrenFiltered("ul, ol")
			own := li.Clone()
			own.ChildrenFiltered("ul, ol").Remove()
			marker := "-"
			if ordered {
				marker = fmt.Sprintf("%d.", i+1)
			}
			fmt.Fprintf(&b, "%s%s %s\n", strings.Repeat("  ", depth), marker, clean(textOf(own)))
			nested.Each(func(_ int, n *goquery.Selection) { items(n, goquery.NodeName(n) == "ol", depth+1) })
		})
	}
	items(list, ordered, 0)
	return b.String()
}

// htmlTable renders a table as a Markdown table so that its header travels with its rows.
func htmlTable(t *goquery.Selection) string {
	var b strings.Builder
	t.Find("tr").Each(func(i int, tr *goquery.Selection) {
		var cells []string
		tr.Find("th, td").Each(func(_ int, c *goquery.Selection) {
			cells = append(cells, strings.ReplaceAll(clean(textOf(c)), "|", "/"))
		})
		if len(cells) == 0 {
			return
		}
		b.WriteString("| " + strings.Join(cells, " | ") + " |\n")
		if i == 0 {
			b.WriteString("|" + strings.Repeat(" --- |", len(cells)) + "\n")
		}
	})
	return b.String()
}

// textOf is the text of the selection as a browser lays it out: a line break (<br>) and the
// edges of a block inside it (the paragraphs of a list item or of a table cell) separate
// words. goquery's Text joins the text nodes as they are: `Primo paragrafo<br>seconda riga`
// was the word `paragrafoseconda` in the passage, its quote and the search index.
func textOf(s *goquery.Selection) string {
	var b strings.Builder
	var walk func(n *html.Node)
	walk = func(n *html.Node) {
		switch n.Type {
		case html.TextNode:
			b.WriteString(n.Data)
			return
		case html.ElementNode:
			if !inlineElements[n.Data] {
				b.WriteByte(' ')
				defer b.WriteByte(' ')
			}
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			walk(c)
		}
	}
	for _, n := range s.Nodes {
		walk(n)
	}
	return b.String()
}

// inlineElements lay their text out within the line of the text around them (`<b>Bo</b>logna`
// is one word); every other element, <br> among them, separates words.
var inlineElements = map[string]bool{
	"a": true, "abbr": true, "b": true, "bdi": true, "bdo": true, "cite": true, "code": true, "data": true,
	"del": true, "dfn": true, "em": true, "font": true, "i": true, "ins": true, "kbd": true, "mark": true,
	"q": true, "s": true, "samp": true, "small": true, "span": true, "strong": true, "sub": true,
	"sup": true, "time": true, "u": true, "var": true, "wbr": true,
}

// clean collapses runs of whitespace, as a browser would when it renders text.
func clean(s string) string { return strings.Join(strings.Fields(s), " ") }
