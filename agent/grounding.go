package agent

import (
	"fmt"
	"math"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/comune-bologna/conoscenza/agent/tool"
)

// Grounding reports whether the numbers of an answer come from this turn's tool results, and
// whether what it quotes from documents is their text.
type Grounding struct {
	Checked    int      `json:"checked"`
	Grounded   int      `json:"grounded"`
	Ungrounded []string `json:"ungrounded"`
	OK         bool     `json:"ok"` // every number is grounded
	// Quotes counts the quotations of the answer («...», “...”) checked against the passages the
	// turn's document searches returned; UnverifiedQuotes are those found in none of them.
	Quotes           int      `json:"quotes,omitempty"`
	UnverifiedQuotes []string `json:"unverified_quotes,omitempty"`
}

// QuoteMarker follows a quotation that is the text of no passage of this turn.
const QuoteMarker = " [citazione non verificata]"

// Marker follows a number the check could not ground, so that people see it.
const Marker = " [non verificato]"

// numberRE finds numbers as Italian and English texts write them: 1.234, 1.234,5, 12,5%,
// 1,234.5, 2020, 3.5 (a plain space separates two numbers; a no-break space groups thousands).
var numberRE = regexp.MustCompile(`\d+(?:[.,\x{00a0}\x{202f}]\d{3})*(?:[.,]\d+)?`)

// Ground checks every number of text against the numbers of results (and of the question):
// values, their roundings, differences and sums within a table's column, percentages. It
// returns the text with ungrounded numbers marked, and the report.
func Ground(text, question string, results []tool.Result) (string, Grounding) {
	known := knownNumbers(question, results)
	g := Grounding{Ungrounded: []string{}}
	var out strings.Builder
	last := 0
	for _, loc := range numberRE.FindAllStringIndex(text, -1) {
		s := text[loc[0]:loc[1]]
		if isPartOfIdentifier(text, loc) {
			continue
		}
		g.Checked++
		if matches(s, known) {
			g.Grounded++
			continue
		}
		g.Ungrounded = append(g.Ungrounded, s)
		out.WriteString(text[last:loc[1]])
		out.WriteString(Marker)
		last = loc[1]
	}
	out.WriteString(text[last:])
	g.OK = len(g.Ungrounded) == 0
	marked := checkQuotes(out.String(), results, &g)
	return marked, g
}

// quoteRE finds the quotations of an answer: «...» or “...”, long enough to be a passage's words
// rather than a name or a term.
var quoteRE = regexp.MustCompile(`«([^«»]{20,})»|“([^“”]{20,})”`)

// ellipsisRE cuts a quotation where it leaves words out ("…", "...", "[...]").
var ellipsisRE = regexp.MustCompile(`\[?(…|\.\.\.)\]?`)

// checkQuotes marks each quotation of text that is in none of the passages the results carry
// (compared without case, spacing, typographic quotes and Markdown emphasis; each part of a
// quotation cut by an ellipsis on its own): a model must quote the documents, not paraphrase
// them inside quotation marks.
func checkQuotes(text string, results []tool.Result, g *Grounding) string {
	var sources []string
	for _, r := range results {
		if len(r.Citations) == 0 {
			continue
		}
		sources = append(sources, normQuote(r.Content))
		for _, c := range r.Citations {
			sources = append(sources, normQuote(c.Quote))
		}
	}
	if len(sources) == 0 {
		return text
	}
	var out strings.Builder
	last := 0
	for _, loc := range quoteRE.FindAllStringSubmatchIndex(text, -1) {
		var inner string
		if loc[2] >= 0 {
			inner = text[loc[2]:loc[3]]
		} else {
			inner = text[loc[4]:loc[5]]
		}
		checked, found := false, true
		for _, part := range ellipsisRE.Split(inner, -1) {
			part = normQuote(part)
			if utf8.RuneCountInString(part) < 12 {
				continue
			}
			checked = true
			found = found && slices.ContainsFunc(sources, func(src string) bool { return strings.Contains(src, part) })
		}
		if !checked {
			continue
		}
		g.Quotes++
		if found {
			continue
		}
		g.UnverifiedQuotes = append(g.UnverifiedQuotes, inner)
		out.WriteString(text[last:loc[1]])
		out.WriteString(QuoteMarker)
		last = loc[1]
	}
	out.WriteString(text[last:])
	return out.String()
}

var quoteFold = strings.NewReplacer("‹", "<", "›", ">", "’", "'", "‘", "'", "“", "\"", "”", "\"", "«", "\"", "»", "\"",
	"**", "", "__", "", "\u00a0", " ")

// normQuote folds what a quotation may change without changing the words.
func normQuote(s string) string {
	s = strings.ToLower(quoteFold.Replace(s))
	return strings.Join(strings.Fields(strings.Trim(strings.TrimSpace(s), ".,;: ")), " ")
}

// isPartOfIdentifier skips digits inside codes (ATECO 56.10.11 is matched whole, but B-2021-07,
// ER2020000001, D1, C-FISCALE digits are identifiers, not quantities).
func isPartOfIdentifier(text string, loc []int) bool {
	if loc[0] > 0 {
		prev := text[loc[0]-1]
		if prev == '-' || prev == '_' || prev == '/' || (prev >= 'A' && prev <= 'Z') || (prev >= 'a' && prev <= 'z') {
			return true
		}
	}
	if loc[1] < len(text) {
		next := text[loc[1]]
		if next == '-' || next == '_' || next == '/' || (next >= 'A' && next <= 'Z') || (next >= 'a' && next <= 'z') {
			return true
		}
	}
	return false
}

// ParseNumber reads s as Italian first (1.234,5) and returns every plausible value.
func ParseNumber(s string) []float64 {
	s = strings.NewReplacer("\u00a0", "", "\u202f", "").Replace(s)
	var out []float64
	it := strings.ReplaceAll(strings.ReplaceAll(s, ".", ""), ",", ".")
	if f, err := strconv.ParseFloat(it, 64); err == nil {
		out = append(out, f)
	}
	en := strings.ReplaceAll(s, ",", "")
	if f, err := strconv.ParseFloat(en, 64); err == nil {
		out = append(out, f)
	}
	return out
}

func matches(s string, known []float64) bool {
	for _, v := range ParseNumber(s) {
		for _, k := range known {
			if closeTo(v, k) {
				return true
			}
		}
	}
	return false
}

func closeTo(v, k float64) bool {
	if v == k {
		return true
	}
	for _, digits := range []float64{0, 1, 2} {
		p := math.Pow(10, digits)
		if math.Round(k*p)/p == v {
			return true
		}
	}
	return math.Abs(k) >= 1000 && math.Abs(v-k)/math.Abs(k) < 0.0005 // "12,3 mila"
}

// knownNumbers collects what an answer may cite: every number of the question, of each
// table (cells, column sums, differences within a row, shares of a column's total), of the
// dates and parameters of queries, of citations' quotes and of the other content the tools
// returned.
func knownNumbers(question string, results []tool.Result) []float64 {
	var known []float64
	addText := func(s string) {
		for _, m := range numberRE.FindAllString(s, -1) {
			known = append(known, ParseNumber(m)...)
		}
	}
	addText(question)
	for _, r := range results {
		addText(r.Content)
		for _, c := range r.Citations {
			addText(c.Quote)
		}
		for _, t := range r.Tables {
			known = append(known, float64(len(t.Rows)))
			addText(t.AsOf)
			for _, p := range t.Params {
				addText(fmt.Sprint(p))
			}
			width := len(t.Columns)
			for _, row := range t.Rows {
				width = max(width, len(row))
			}
			cols := make([]float64, width)
			for _, row := range t.Rows {
				var nums []float64
				for i, cell := range row {
					f, ok := tool.Number(cell)
					if !ok {
						addText(fmt.Sprint(cell))
						continue
					}
					known = append(known, f, math.Abs(f))
					nums = append(nums, f)
					if i < len(cols) {
						cols[i] += f
					}
				}
				for i := range nums {
					for j := range nums {
						if i != j {
							known = append(known, math.Abs(nums[i]-nums[j]))
							if nums[j] != 0 {
								known = append(known, 100*nums[i]/nums[j], 100*(nums[i]-nums[j])/nums[j])
							}
						}
					}
				}
			}
			for _, total := range cols {
				known = append(known, total)
			}
			// a series read from its first row to its last ("2026-05 (40.733) → 2026-10
			// (40.889), +156"): the change between a column's first and last values
			if n := len(t.Rows); n > 1 {
				for i := range t.Rows[0] {
					if i >= len(t.Rows[n-1]) {
						break
					}
					a, ok1 := tool.Number(t.Rows[0][i])
					b, ok2 := tool.Number(t.Rows[n-1][i])
					if ok1 && ok2 {
						known = append(known, math.Abs(b-a))
						if a != 0 {
							known = append(known, 100*(b-a)/a)
						}
					}
				}
			}
			for _, row := range t.Rows {
				for i, cell := range row {
					if f, ok := tool.Number(cell); ok && i < len(cols) && cols[i] != 0 {
						known = append(known, 100*f/cols[i])
					}
				}
			}
		}
	}
	return known
}
