package csvx

import (
	"bufio"
	"bytes"
	"errors"
	"io"
)

// quoteRepair sits between the decoded text and encoding/csv and rewrites, line by line, a
// field that starts with a quote but is not a quoted field: register extracts are written
// without quoting, so a company called `"IL GIARDINO" SRL` arrives as
//
//	3;"IL GIARDINO" SRL;SR
//
// and encoding/csv (even with LazyQuotes) reads from that quote to the next quote that ends a
// line, swallowing the following records into one value, silently. Such a field is taken as
// unquoted up to the next separator, and written back quoted with its quotes doubled, so that
// its value is the text as typed. Properly quoted fields (`"A; B"`, `"A ""B"""`, values running
// over several lines) pass unchanged. Lines without a quote, nearly all of them, are copied
// as they are.
type quoteRepair struct {
	br      *bufio.Reader
	sep     byte
	inField bool   // inside a quoted field that continues on the next line
	long    bool   // inside a line longer than the buffer: passed through as it is
	out     []byte // repaired or pending bytes not yet returned
	err     error
	// Repaired counts the lines rewritten (for a warning).
	Repaired int
	// FirstLine is the first rewritten line (1-based physical line), 0 when none.
	FirstLine int
	line      int
	// skip, when set, drops whole unquoted records before parsing (see Reader.SkipLines).
	skip    func(line []byte) bool
	skipped int
}

// newline stands for a skipped line: encoding/csv ignores empty lines but counts them.
var newline = []byte{'\n'}

func newQuoteRepair(r io.Reader, sep rune) *quoteRepair {
	return &quoteRepair{br: bufio.NewReaderSize(r, 64<<10), sep: byte(sep)}
}

// Read fills p with whole lines where it can.
func (q *quoteRepair) Read(p []byte) (int, error) {
	n := 0
	for n < len(p) {
		if len(q.out) > 0 {
			c := copy(p[n:], q.out)
			q.out = q.out[c:]
			n += c
			continue
		}
		if q.err != nil {
			break
		}
		line, err := q.br.ReadSlice('\n')
		if err != nil {
			if errors.Is(err, bufio.ErrBufferFull) {
				// A line longer than 64 KiB: not looked at (no register line is that long).
				q.long = true
				q.out = append(q.out[:0], line...)
				continue
			}
			q.err = err
			// The end-of-file mark of old DOS tools (Ctrl-Z) written right after the last
			// record, with no line break before it, is no part of the record's last value.
			line = bytes.TrimRight(line, "\x1a")
		}
		if q.long {
			q.long = false
			q.line++
			q.out = append(q.out[:0], line...)
			continue
		}
		if len(line) == 0 {
			continue
		}
		q.line++
		if !q.inField && bytes.IndexByte(line, '"') < 0 {
			if q.skip != nil && q.skipLine(line) {
				q.skipped++
				line = newline
			}
			c := copy(p[n:], line)
			n += c
			if c < len(line) {
				q.out = append(q.out[:0], line[c:]...)
			}
			continue
		}
		q.out = q.repair(append(q.out[:0], line...))
	}
	if n == 0 && q.err != nil {
		return 0, q.err
	}
	return n, nil
}

// skipLine asks the filter about a line without quotes: its body, without the line ending
// that encoding/csv removes ("\n", "\r\n", or "\r" before the end of the file), is the
// record's fields joined by the separator.
func (q *quoteRepair) skipLine(line []byte) bool {
	body := bytes.TrimSuffix(line, []byte{'\n'})
	body = bytes.TrimSuffix(body, []byte{'\r'})
	return len(body) > 0 && q.skip(body)
}

// repair scans one line (with its line ending) and rewrites the fields that open with a quote
// that a non-separator character follows; it tracks quoted fields running over lines.
func (q *quoteRepair) repair(line []byte) []byte {
	end := len(line)
	for end > 0 && (line[end-1] == '\n' || line[end-1] == '\r') {
		end--
	}
	var out []byte // nil while nothing is rewritten
	i := 0
	if q.inField {
		j, closed := closeQuote(line, 0, end, q.sep, true)
		if !closed {
			return line // still inside the value
		}
		q.inField = false
		i = j // at the separator after the closing quote, or at the end
		if i < end {
			i++
		}
	}
	for i <= end {
		start := i
		if i < end && line[i] == '"' {
			j, closed := closeQuote(line, i+1, end, q.sep, false)
			switch {
			case closed && j >= 0:
				i = j // a proper quoted field
			case !closed && j == end:
				// Not closed on this line: a value over several lines, as csv reads it.
				q.inField = true
				if out != nil {
					return append(out, line[start:]...)
				}
				return line
			default:
				// A quote followed by text: the field is unquoted up to the next separator.
				k := bytes.IndexByte(line[i:end], q.sep)
				if k < 0 {
					k = end
				} else {
					k += i
				}
				if out == nil {
					out = append(make([]byte, 0, len(line)+8), line[:start]...)
					q.Repaired++
					if q.FirstLine == 0 {
						q.FirstLine = q.line
					}
				}
				out = append(out, '"')
				for _, c := range line[start:k] {
					if c == '"' {
						out = append(out, '"')
					}
					out = append(out, c)
				}
				out = append(out, '"')
				i = k
				if i < end {
					out = append(out, q.sep)
				}
				i++
				continue
			}
		} else {
			k := bytes.IndexByte(line[i:end], q.sep)
			if k < 0 {
				i = end
			} else {
				i += k
			}
		}
		if out != nil {
			out = append(out, line[start:i]...)
			if i < end {
				out = append(out, q.sep)
			}
		}
		i++ // past the separator (or the end)
	}
	if out == nil {
		return line
	}
	return append(out, line[end:]...)
}

// closeQuote looks for the quote closing a quoted field whose content starts at i. It returns
// (position after the closing quote, true) when a quote followed by the separator or the end
// of the line closes it; (end, false) when the line ends inside the field; (-1, false) when a
// quote is followed by anything else (the field was not quoted at all). With lazy, such a
// quote is part of the value (inside a value running over lines, as encoding/csv reads it).
func closeQuote(line []byte, i, end int, sep byte, lazy bool) (int, bool) {
	for i < end {
		k := bytes.IndexByte(line[i:end], '"')
		if k < 0 {
			return end, false
		}
		i += k + 1
		switch {
		case i == end || line[i] == sep:
			return i, true
		case line[i] == '"':
			i++ // an escaped quote
		case !lazy:
			return -1, false
		}
	}
	return end, false
}
