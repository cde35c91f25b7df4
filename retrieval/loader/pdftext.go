package loader

import (
	"math"
	"sort"
	"strings"
	"sync"
	"unicode/utf8"

	"github.com/go-pdf/fpdf"
	"github.com/ledongthuc/pdf"
)

// pdfRun is one string shown on a page, in page space (points, y up).
type pdfRun struct {
	x, y, x1, size float64
	bold           bool
	rotated        bool // written along another direction than the page's lines (a margin stamp)
	text           string
}

// textState is the part of the PDF graphics state that places text.
type textState struct {
	ctm, tm, tlm              [6]float64
	font                      pdfFont
	size, scale, cs, ws, lead float64
	rise                      float64
}

var identity = [6]float64{1, 0, 0, 1, 0, 0}

// mul returns a·b for PDF matrices [a b c d e f].
func mul(a, b [6]float64) [6]float64 {
	return [6]float64{
		a[0]*b[0] + a[1]*b[2], a[0]*b[1] + a[1]*b[3],
		a[2]*b[0] + a[3]*b[2], a[2]*b[1] + a[3]*b[3],
		a[4]*b[0] + a[5]*b[2] + b[4], a[4]*b[1] + a[5]*b[3] + b[5],
	}
}

// pdfFont decodes a font's codes to text and knows their widths (thousandths of an em).
type pdfFont struct {
	enc      pdf.TextEncoding
	bold     bool
	std      string // the standard font ("Helvetica", ...) whose metrics stand in for missing Widths
	twoByte  bool
	first    int
	widths   []float64
	cidW     map[int]float64
	defWidth float64
}

func newPDFFont(v pdf.Value) pdfFont {
	f := pdfFont{enc: pdf.Font{V: v}.Encoder(), defWidth: 500}
	base := v.Key("BaseFont").Name()
	if i := strings.IndexByte(base, '+'); i >= 0 {
		base = base[i+1:] // a subset's tag
	}
	low := strings.ToLower(base)
	f.bold = strings.Contains(low, "bold") || strings.Contains(low, "black") || strings.Contains(low, "heavy") ||
		v.Key("FontDescriptor").Key("FontWeight").Float64() >= 600
	f.std = standardFont(low, f.bold)
	if v.Key("Subtype").Name() == "Type0" {
		f.twoByte, f.defWidth, f.cidW = true, 1000, map[int]float64{}
		desc := v.Key("DescendantFonts").Index(0)
		if dw := desc.Key("DW"); dw.Kind() != pdf.Null {
			f.defWidth = dw.Float64()
		}
		w := desc.Key("W")
		for i := 0; i+1 < w.Len(); {
			start := int(w.Index(i).Int64())
			if next := w.Index(i + 1); next.Kind() == pdf.Array {
				for j := 0; j < next.Len(); j++ {
					f.cidW[start+j] = next.Index(j).Float64()
				}
				i += 2
				continue
			}
			if i+2 >= w.Len() {
				break
			}
			end, width := int(w.Index(i+1).Int64()), w.Index(i+2).Float64()
			for c := start; c <= end && c-start < 65536; c++ {
				f.cidW[c] = width
			}
			i += 3
		}
		return f
	}
	f.first = int(v.Key("FirstChar").Int64())
	ws := v.Key("Widths")
	for i := 0; i < ws.Len(); i++ {
		f.widths = append(f.widths, ws.Index(i).Float64())
	}
	return f
}

// width returns the width of raw codes in thousandths of an em, and how many are spaces
// (code 32 of a one-byte font, to which word spacing applies).
func (f pdfFont) width(raw string) (w float64, spaces int) {
	if f.twoByte {
		for i := 0; i+1 < len(raw); i += 2 {
			cid := int(raw[i])<<8 | int(raw[i+1])
			if cw, ok := f.cidW[cid]; ok {
				w += cw
			} else {
				w += f.defWidth
			}
		}
		return w, 0
	}
	if len(f.widths) == 0 && f.std != "" {
		return standardWidth(f.std, raw), strings.Count(raw, " ")
	}
	for i := 0; i < len(raw); i++ {
		c := int(raw[i])
		if c == 32 {
			spaces++
		}
		if j := c - f.first; j >= 0 && j < len(f.widths) && f.widths[j] > 0 {
			w += f.widths[j]
		} else {
			w += f.defWidth
		}
	}
	return w, spaces
}

// standardFont names the standard font whose metrics a font without Widths has: a PDF may
// use the 14 standard fonts (and their usual aliases) without describing them.
func standardFont(low string, bold bool) string {
	family := ""
	switch {
	case strings.Contains(low, "courier"):
		family = "courier"
	case strings.Contains(low, "times"):
		family = "times"
	case strings.Contains(low, "helvetica"), strings.Contains(low, "arial"):
		family = "helvetica"
	default:
		return ""
	}
	style := ""
	if bold {
		style = "B"
	}
	if strings.Contains(low, "italic") || strings.Contains(low, "oblique") {
		style += "I"
	}
	return family + ":" + style
}

// stdMetrics measures strings in the standard fonts with the metrics fpdf carries for them
// (the Adobe font metrics of the 14 standard fonts, WinAnsi codes).
var stdMetrics struct {
	sync.Mutex
	pdf *fpdf.Fpdf
}

func standardWidth(font, raw string) float64 {
	stdMetrics.Lock()
	defer stdMetrics.Unlock()
	if stdMetrics.pdf == nil {
		stdMetrics.pdf = fpdf.New("P", "pt", "A4", "")
	}
	family, style, _ := strings.Cut(font, ":")
	stdMetrics.pdf.SetFont(family, style, 10)
	if stdMetrics.pdf.Err() {
		stdMetrics.pdf = nil
		return 500 * float64(len(raw))
	}
	return float64(stdMetrics.pdf.GetStringSymbolWidth(raw))
}

func (f pdfFont) decode(raw string) string {
	if f.enc == nil {
		return raw
	}
	return f.enc.Decode(raw)
}

// pageRuns interprets a page's content stream (and the form XObjects it draws) and returns
// every string shown, where it starts and ends. It reads the positions the text operators set
// (Td, TD, Tm, T*, TJ offsets), which the text-only reading of the PDF library ignores: lines
// moved with Td inside one text object, and words separated only by TJ offsets, as TeX and
// office suites write them, would otherwise run together.
func pageRuns(p pdf.Page) []pdfRun {
	var runs []pdfRun
	interpretRuns(p.V.Key("Contents"), p.Resources(), identity, &runs, 0)
	return runs
}

func interpretRuns(strm, res pdf.Value, ctm [6]float64, runs *[]pdfRun, depth int) {
	if depth > 8 || strm.Kind() == pdf.Null {
		return
	}
	fonts := map[string]pdfFont{}
	g := textState{ctm: ctm, tm: identity, tlm: identity, scale: 1}
	var stack []textState
	show := func(raw string) {
		text := g.font.decode(raw)
		w, spaces := g.font.width(raw)
		adv := (w/1000*g.size + g.cs*float64(len(raw)) + g.ws*float64(spaces)) * g.scale
		start := mul(mul([6]float64{g.size * g.scale, 0, 0, g.size, 0, g.rise}, g.tm), g.ctm)
		g.tm = mul([6]float64{1, 0, 0, 1, adv, 0}, g.tm)
		end := mul(mul([6]float64{1, 0, 0, 1, 0, g.rise}, g.tm), g.ctm)
		size := math.Hypot(start[2], start[3])
		if size == 0 {
			size = g.size
		}
		if strings.TrimSpace(text) == "" && text != " " {
			return
		}
		rotated := start[0] <= 0 || math.Abs(start[1]) > 0.2*math.Abs(start[0])
		*runs = append(*runs, pdfRun{x: start[4], y: start[5], x1: end[4], size: size, bold: g.font.bold, rotated: rotated, text: text})
	}
	nextLine := func(tx, ty float64) {
		g.tlm = mul([6]float64{1, 0, 0, 1, tx, ty}, g.tlm)
		g.tm = g.tlm
	}
	pdf.Interpret(strm, func(stk *pdf.Stack, op string) {
		n := stk.Len()
		args := make([]pdf.Value, n)
		for i := n - 1; i >= 0; i-- {
			args[i] = stk.Pop()
		}
		num := func(i int) float64 {
			if i < len(args) {
				return args[i].Float64()
			}
			return 0
		}
		matrix := func() [6]float64 {
			var m [6]float64
			for i := range m {
				m[i] = num(i)
			}
			return m
		}
		switch op {
		case "q":
			stack = append(stack, g)
		case "Q":
			if len(stack) > 0 {
				g, stack = stack[len(stack)-1], stack[:len(stack)-1]
			}
		case "cm":
			g.ctm = mul(matrix(), g.ctm)
		case "BT":
			g.tm, g.tlm = identity, identity
		case "Tf":
			if len(args) == 2 {
				name := args[0].Name()
				f, ok := fonts[name]
				if !ok {
					f = newPDFFont(res.Key("Font").Key(name))
					fonts[name] = f
				}
				g.font, g.size = f, num(1)
			}
		case "Tc":
			g.cs = num(0)
		case "Tw":
			g.ws = num(0)
		case "Tz":
			g.scale = num(0) / 100
		case "TL":
			g.lead = num(0)
		case "Ts":
			g.rise = num(0)
		case "Td":
			nextLine(num(0), num(1))
		case "TD":
			g.lead = -num(1)
			nextLine(num(0), num(1))
		case "Tm":
			g.tm = matrix()
			g.tlm = g.tm
		case "T*":
			nextLine(0, -g.lead)
		case "Tj":
			if len(args) == 1 {
				show(args[0].RawString())
			}
		case "'":
			nextLine(0, -g.lead)
			if len(args) == 1 {
				show(args[0].RawString())
			}
		case "\"":
			if len(args) == 3 {
				g.ws, g.cs = num(0), num(1)
				nextLine(0, -g.lead)
				show(args[2].RawString())
			}
		case "TJ":
			if len(args) != 1 {
				return
			}
			a := args[0]
			for i := 0; i < a.Len(); i++ {
				v := a.Index(i)
				if v.Kind() == pdf.String {
					show(v.RawString())
					continue
				}
				// A displacement wider than a quarter of an em is a word space written as a
				// position (TeX does this), not kerning.
				if d := v.Float64(); d < -250 {
					*runs = append(*runs, pdfRun{x: -1, text: " "})
				}
				g.tm = mul([6]float64{1, 0, 0, 1, -v.Float64() / 1000 * g.size * g.scale, 0}, g.tm)
			}
		case "Do":
			if len(args) != 1 {
				return
			}
			x := res.Key("XObject").Key(args[0].Name())
			if x.Key("Subtype").Name() != "Form" {
				return
			}
			m := identity
			if fm := x.Key("Matrix"); fm.Len() == 6 {
				for i := range m {
					m[i] = fm.Index(i).Float64()
				}
			}
			xres := x.Key("Resources")
			if xres.Kind() == pdf.Null {
				xres = res
			}
			interpretRuns(x, xres, mul(m, g.ctm), runs, depth+1)
		}
	})
}

// pdfLine is a run of text on one baseline; a line of a two-column page is two segments.
type pdfLine struct {
	x0, x1, y, size float64
	bold            bool // every run of the line is bold
	text            string
}

// pageLines assembles runs into lines, top to bottom, and each line into segments: runs on the
// same baseline are joined, with a space where the gap between them is wider than a narrow
// space, and a gap of several ems separates two segments (two columns, two table cells).
func pageLines(runs []pdfRun) []pdfLine {
	// A TJ word space has no position: it belongs to the run before it. Text written along
	// another direction (the "documento firmato digitalmente" stamp up a margin) cannot be
	// placed among the lines: it is kept, in the order written, as one line under the page.
	var rs []pdfRun
	var rotated []string
	singles := true
	for _, r := range runs {
		if r.rotated {
			rotated = append(rotated, r.text)
			singles = singles && utf8.RuneCountInString(strings.TrimSpace(r.text)) <= 1
			continue
		}
		if r.x == -1 {
			if len(rs) > 0 && !strings.HasSuffix(rs[len(rs)-1].text, " ") {
				rs[len(rs)-1].text += " "
			}
			continue
		}
		rs = append(rs, r)
	}
	sort.SliceStable(rs, func(i, j int) bool {
		if math.Abs(rs[i].y-rs[j].y) > 0.4*math.Max(math.Min(rs[i].size, rs[j].size), 1) {
			return rs[i].y > rs[j].y
		}
		return rs[i].x < rs[j].x
	})
	var lines []pdfLine
	var cur *pdfLine
	for _, r := range rs {
		size := math.Max(r.size, 1)
		if cur != nil && math.Abs(r.y-cur.y) <= 0.4*size {
			gap := r.x - cur.x1
			if gap < 3*size {
				if gap > 0.15*size && !strings.HasSuffix(cur.text, " ") && !strings.HasPrefix(r.text, " ") {
					cur.text += " "
				}
				cur.text += r.text
				cur.x1 = math.Max(cur.x1, r.x1)
				cur.bold = cur.bold && (r.bold || strings.TrimSpace(r.text) == "")
				continue
			}
		}
		lines = append(lines, pdfLine{x0: r.x, x1: r.x1, y: r.y, size: size, bold: r.bold, text: r.text})
		cur = &lines[len(lines)-1]
	}
	if len(rotated) > 0 {
		sep := " "
		if singles {
			sep = "" // written glyph by glyph
		}
		lines = append(lines, pdfLine{x0: 0, x1: 0, y: -1e6, size: 1, text: strings.Join(rotated, sep)})
	}
	for i := range lines {
		t := strings.Join(strings.Fields(ligatures.Replace(lines[i].text)), " ")
		if cut, ok := strings.CutSuffix(t, "\u00ad"); ok {
			t = cut + "-" // a soft hyphen where the line breaks is a hyphen the paragraph's joining removes
		}
		lines[i].text = strings.ReplaceAll(t, "\u00ad", "")
	}
	return lines
}

// readingOrder puts the segments of a two-column page in reading order: the left column, then
// the right one, band by band (a full-width line, such as a heading across both columns, ends
// a band). A gutter is a vertical strip in the middle of the page that no segment crosses,
// with at least three segments of real text on each side, the right ones aligned on it.
func readingOrder(lines []pdfLine, width float64) []pdfLine {
	gutter, ok := findGutter(lines, width)
	if !ok {
		return lines
	}
	var out, left, right []pdfLine
	flush := func() {
		out = append(append(out, left...), right...)
		left, right = nil, nil
	}
	for _, l := range lines {
		switch {
		case l.x1 <= gutter+1:
			left = append(left, l)
		case l.x0 >= gutter-1:
			right = append(right, l)
		default:
			flush()
			out = append(out, l)
		}
	}
	flush()
	return out
}

func findGutter(lines []pdfLine, width float64) (float64, bool) {
	if width <= 0 {
		width = 595
	}
	best, bestRight := 0.0, 0
	for _, c := range lines {
		g := c.x0
		if g < 0.3*width || g > 0.7*width {
			continue
		}
		left, right, aligned, cross := 0, 0, 0, 0
		var leftW, rightW float64
		for _, l := range lines {
			switch {
			case l.x1 <= g+1:
				left++
				leftW += l.x1 - l.x0
			case l.x0 >= g-1:
				right++
				rightW += l.x1 - l.x0
				if math.Abs(l.x0-g) < 2 {
					aligned++
				}
			default:
				cross++
			}
		}
		// Columns of prose, not the cells of a table: long segments on both sides.
		if left >= 3 && right >= 3 && aligned*10 >= right*6 && cross*4 <= left+right &&
			leftW/float64(left) > 0.2*width && rightW/float64(right) > 0.2*width && right > bestRight {
			best, bestRight = g, right
		}
	}
	return best, bestRight > 0
}

// ligatures spells out the typographic ligatures fonts map their glyphs to: a word typeset with
// "ﬁ" must be found by "fi".
var ligatures = strings.NewReplacer("\ufb00", "ff", "\ufb01", "fi", "\ufb02", "fl", "\ufb03", "ffi", "\ufb04", "ffl",
	"\ufb05", "st", "\ufb06", "st")
