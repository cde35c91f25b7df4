// Package csvx reads the city's CSV files as a stream: it sniffs the encoding (UTF-8 with or
// without BOM, UTF-16 with BOM, else Windows-1252) and the separator (; , or TAB) on the first
// bytes, maps the header to canonical column names, and returns rows with their line numbers.
// A row with the wrong number of columns is a row error, not a file error.
package csvx

import (
	"bufio"
	"bytes"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"strings"
	"unicode/utf8"

	"golang.org/x/text/encoding/charmap"
	"golang.org/x/text/encoding/unicode"
)

// sniffSize is how much of the file is looked at to choose encoding and separator.
const sniffSize = 1 << 20

// Column is one column a kind of file knows, named as in the formats (`C-FISCALE`).
type Column struct {
	Name     string
	Required bool // the file fails when the header lacks it
}

// FileError is a file that cannot be read at all; nothing of it is loaded.
type FileError struct{ Reason string }

func (e *FileError) Error() string { return e.Reason }

// RowError is a row that cannot be read; the caller records it and goes on.
type RowError struct {
	Line   int
	Column string
	Value  string
	Reason string
}

func (e *RowError) Error() string {
	if e.Column != "" {
		return fmt.Sprintf("riga %d, colonna %s (%q): %s", e.Line, e.Column, e.Value, e.Reason)
	}
	return fmt.Sprintf("riga %d: %s", e.Line, e.Reason)
}

// Reader streams the data rows of one file.
type Reader struct {
	Encoding  string   // utf-8, utf-8-bom, utf-16, windows-1252
	Separator rune     // ';', ',' or '\t'
	Header    []string // the header as written in the file
	Warnings  []string // unknown or repeated columns, reported once

	cr      *csv.Reader
	cols    []Column
	idx     []int // for each known column, its position in the record, -1 when absent
	width   int   // fields in the header
	need    int   // fields up to the header's last non-empty name
	checkU8 bool
	mixed   bool // a Windows-1252 value was met in a UTF-8 file
	qr      *quoteRepair
	warnedQ bool
}

// Row is one data row; its fields are valid until the next call to Read.
type Row struct {
	Line   int
	fields []string
	idx    []int
}

// Get returns the value of known column i (the index in the Column list), trimmed; "" when
// the file does not have the column.
func (r Row) Get(i int) string {
	j := r.idx[i]
	if j < 0 || j >= len(r.fields) {
		return ""
	}
	return strings.TrimSpace(r.fields[j])
}

// NewRow is a row of fields already split, known column i being field i (for readers of
// other sources and for tests).
func NewRow(line int, fields []string) Row {
	idx := make([]int, len(fields))
	for i := range idx {
		idx[i] = i
	}
	return Row{Line: line, fields: fields, idx: idx}
}

// Fields are the row's values as the file wrote them, in the file's order, untrimmed (with
// any field beyond the header's): a row without quotes is exactly these joined by the
// separator.
func (r Row) Fields() []string { return r.fields }

// Detach copies the row's field list into buf, so that the row stays valid after the next
// Read (the values are immutable strings; only the list is reused by the reader). It returns
// the detached row and what is left of buf.
func (r Row) Detach(buf []string) (Row, []string) {
	if len(buf) < len(r.fields) {
		buf = make([]string, max(len(r.fields), 4096))
	}
	n := copy(buf, r.fields)
	r.fields = buf[:n:n]
	return r, buf[n:]
}

// NormalizeName is how header names are compared: upper case, without spaces, `_`, `-`, `.`,
// accents folded (`PARITÀ` = `PARITA`, as spreadsheets often write it).
func NormalizeName(s string) string {
	var b strings.Builder
	for _, r := range strings.ToUpper(strings.TrimSpace(s)) {
		switch r {
		case ' ', '_', '-', '.', '\ufeff', '"', '\'', '\u2019', '\u00a0', '\t':
			continue
		}
		if f, ok := headerAccents[r]; ok {
			r = f
		}
		b.WriteRune(r)
	}
	return b.String()
}

// headerAccents folds the accented capitals of Italian (and neighbouring) spellings.
var headerAccents = map[rune]rune{
	'À': 'A', 'Á': 'A', 'Â': 'A', 'Ä': 'A', 'È': 'E', 'É': 'E', 'Ê': 'E', 'Ë': 'E',
	'Ì': 'I', 'Í': 'I', 'Î': 'I', 'Ï': 'I', 'Ò': 'O', 'Ó': 'O', 'Ô': 'O', 'Ö': 'O',
	'Ù': 'U', 'Ú': 'U', 'Û': 'U', 'Ü': 'U',
}

// NewReader sniffs r and reads its header. It fails with a *FileError when the content is not
// text, is empty, or lacks a required column.
func NewReader(r io.Reader, cols []Column) (*Reader, error) {
	br := bufio.NewReaderSize(r, sniffSize)
	sample, err := br.Peek(sniffSize)
	if err != nil && !errors.Is(err, io.EOF) && !errors.Is(err, bufio.ErrBufferFull) {
		return nil, fmt.Errorf("read file: %w", err)
	}
	if len(bytes.TrimSpace(sample)) == 0 {
		return nil, &FileError{"file vuoto: nessuna intestazione"}
	}
	x := &Reader{cols: cols}
	var src io.Reader = br
	switch {
	case bytes.HasPrefix(sample, []byte{0xEF, 0xBB, 0xBF}):
		x.Encoding = "utf-8-bom"
		_, _ = br.Discard(3)
		sample = sample[3:]
		x.checkU8 = true
	case bytes.HasPrefix(sample, []byte{0xFF, 0xFE}), bytes.HasPrefix(sample, []byte{0xFE, 0xFF}):
		x.Encoding = "utf-16"
		src = unicode.UTF16(unicode.LittleEndian, unicode.ExpectBOM).NewDecoder().Reader(br)
		dec, _ := unicode.UTF16(unicode.LittleEndian, unicode.ExpectBOM).NewDecoder().Bytes(sample[:len(sample)&^1])
		sample = dec
	default:
		if binary(sample) {
			return nil, &FileError{"il file non è un CSV di testo (contiene byte binari o di controllo)"}
		}
		if t := trimPartialRune(sample); utf8.Valid(t) || mostlyUTF8(t) {
			// A UTF-8 file with a few Windows-1252 bytes (a name typed elsewhere) stays UTF-8:
			// those values are decoded one by one (Read), not the whole file as Windows-1252,
			// which would turn every UTF-8 accent into mojibake (`CAFFÃˆ`).
			x.Encoding = "utf-8"
			x.checkU8 = true
		} else {
			x.Encoding = "windows-1252"
			src = charmap.Windows1252.NewDecoder().Reader(br)
			sample, _ = charmap.Windows1252.NewDecoder().Bytes(sample)
		}
	}
	if x.Encoding == "utf-16" && binary(sample) {
		return nil, &FileError{"il file non è un CSV di testo (contiene byte binari o di controllo)"}
	}
	if bytes.IndexByte(sample, '\n') < 0 && bytes.IndexByte(sample, '\r') >= 0 {
		// Lines ended by a carriage return alone (spreadsheets' "CSV for Macintosh"):
		// encoding/csv ends lines only at a newline.
		src, sample = crLines{src}, bytes.ReplaceAll(sample, []byte{'\r'}, []byte{'\n'})
	}
	sep, hinted := separatorHint(sample)
	if !hinted {
		sep = sniffSeparator(sample)
	}
	x.Separator = sep
	x.qr = newQuoteRepair(src, x.Separator)
	x.cr = csv.NewReader(x.qr)
	x.cr.Comma = x.Separator
	x.cr.FieldsPerRecord = -1
	x.cr.LazyQuotes = true
	x.cr.ReuseRecord = true
	// Lines of spaces or separators before the header are skipped, and the `sep=;` line a
	// spreadsheet may write first.
	header, err := x.cr.Read()
	for hint := hinted; err == nil && (hint || blankHeader(header)); {
		if !blankHeader(header) {
			hint = false
		}
		header, err = x.cr.Read()
	}
	if err != nil {
		if errors.Is(err, io.EOF) {
			return nil, &FileError{"file vuoto: nessuna intestazione"}
		}
		return nil, &FileError{fmt.Sprintf("intestazione illeggibile: %v", err)}
	}
	x.Header = append([]string(nil), header...)
	if x.checkU8 { // UTF-8, with or without BOM: a name typed in Windows-1252 is read as such
		for i, h := range x.Header {
			if !utf8.ValidString(h) {
				x.Header[i] = mixedToUTF8(h)
			}
		}
	}
	x.width = len(header)
	x.need = len(header)
	for x.need > 0 && strings.TrimSpace(header[x.need-1]) == "" {
		x.need--
	}
	if err := x.mapHeader(); err != nil {
		return nil, err
	}
	return x, nil
}

func (x *Reader) mapHeader() error {
	x.idx = make([]int, len(x.cols))
	byName := make(map[string]int, len(x.cols))
	for i, c := range x.cols {
		x.idx[i] = -1
		byName[NormalizeName(c.Name)] = i
	}
	var unknown, repeated []string
	for j, h := range x.Header {
		n := NormalizeName(h)
		i, ok := byName[n]
		switch {
		case n == "":
			continue
		case !ok:
			unknown = append(unknown, strings.TrimSpace(h))
		case x.idx[i] >= 0:
			repeated = append(repeated, strings.TrimSpace(h))
		default:
			x.idx[i] = j
		}
	}
	var missing []string
	for i, c := range x.cols {
		if c.Required && x.idx[i] < 0 {
			missing = append(missing, c.Name)
		}
	}
	if len(missing) > 0 {
		return &FileError{fmt.Sprintf("colonna obbligatoria mancante: %s (separatore %q, intestazione: %s)",
			strings.Join(missing, ", "), x.Separator, strings.Join(x.Header, string(x.Separator)))}
	}
	if len(unknown) > 0 {
		x.Warnings = append(x.Warnings, "colonne sconosciute ignorate: "+strings.Join(unknown, ", "))
	}
	if len(repeated) > 0 {
		x.Warnings = append(x.Warnings, "colonne ripetute (vale la prima): "+strings.Join(repeated, ", "))
	}
	return nil
}

// Read returns the next data row, io.EOF at the end, or a *RowError for a row that cannot be
// read (wrong column count, bad quoting, invalid encoding); reading can go on after it.
// Rows whose fields are all empty are skipped.
func (x *Reader) Read() (Row, error) {
	for {
		rec, err := x.cr.Read()
		if err != nil {
			var pe *csv.ParseError
			if errors.As(err, &pe) {
				return Row{}, &RowError{Line: pe.StartLine, Reason: "riga CSV illeggibile: " + pe.Err.Error()}
			}
			if errors.Is(err, io.EOF) && x.qr.Repaired > 0 && !x.warnedQ {
				x.warnedQ = true
				x.Warnings = append(x.Warnings, fmt.Sprintf("righe con un valore che inizia con virgolette senza esserne racchiuso (come \"IL GIARDINO\" SRL): %d, la prima alla riga %d; valori letti come scritti",
					x.qr.Repaired, x.qr.FirstLine))
			}
			return Row{}, err
		}
		line, _ := x.cr.FieldPos(0)
		if len(rec) != x.width && !x.fits(rec) {
			if blank(rec) || len(rec) == 1 && strings.Trim(rec[0], " \t\x1a") == "" {
				continue // a blank line, or the end-of-file mark (Ctrl-Z) of old DOS tools
			}
			return Row{}, &RowError{Line: line, Value: rowText(rec, x.Separator),
				Reason: fmt.Sprintf("numero di colonne errato: %d invece di %d", len(rec), x.need)}
		}
		for j, f := range rec {
			if strings.IndexByte(f, 0) >= 0 {
				return Row{}, &RowError{Line: line, Column: x.colName(j),
					Value: strings.ReplaceAll(f, "\x00", ""), Reason: "byte nullo nel valore: contenuto binario"}
			}
		}
		if x.checkU8 {
			for j, f := range rec {
				if utf8.ValidString(f) {
					continue
				}
				// The file is UTF-8 but this value is not: a file that mixes in Windows-1252.
				// Decode its invalid bytes as such rather than lose the row.
				if x.Encoding == "utf-8-bom" {
					return Row{}, &RowError{Line: line, Column: x.colName(j),
						Value: strings.ToValidUTF8(f, "?"), Reason: "codifica non valida: il file è UTF-8 ma questo valore no"}
				}
				rec[j] = mixedToUTF8(f)
				if !x.mixed {
					x.mixed = true
					x.Warnings = append(x.Warnings, fmt.Sprintf("codifica mista: dalla riga %d alcuni valori non sono UTF-8 e sono stati letti come Windows-1252", line))
				}
			}
		}
		if blank(rec) {
			continue
		}
		return Row{Line: line, fields: rec, idx: x.idx}, nil
	}
}

// fits reports a row whose column count differs from the header's only by empty trailing
// fields: a separator at the end of the data rows but not of the header, or the reverse
// (spreadsheet exports do both). Anything else is a wrong column count.
func (x *Reader) fits(rec []string) bool {
	if len(rec) < x.need {
		return false
	}
	return blank(rec[x.need:])
}

// colName is the header name of field j ("" beyond the header).
func (x *Reader) colName(j int) string {
	if j >= len(x.Header) {
		return ""
	}
	return strings.TrimSpace(x.Header[j])
}

// Has reports whether the file has known column i.
func (x *Reader) Has(i int) bool { return x.idx[i] >= 0 }

// Position is the place of known column i in the file's records, -1 when the file lacks it.
func (x *Reader) Position(i int) int { return x.idx[i] }

// SkipLines installs a filter on the lines read from now on: f receives each physical line
// that holds a whole record written without any quote (its line ending removed; lines
// already buffered by the parser are not offered). A line f accepts is dropped before
// parsing, as if the file had an empty line there, so that the line numbers of the rows that
// follow stay the file's; Skipped counts them. f runs on the goroutine that calls Read.
func (x *Reader) SkipLines(f func(line []byte) bool) { x.qr.skip = f }

// Skipped is the number of lines SkipLines' filter dropped so far.
func (x *Reader) Skipped() int { return x.qr.skipped }

func blank(rec []string) bool {
	for _, f := range rec {
		if strings.TrimSpace(f) != "" {
			return false
		}
	}
	return true
}

// blankChars make a line before the header blank: spaces, quotes and any candidate separator.
const blankChars = " \t\r;,\""

// blankHeader reports a line before the header made of spaces and separators only (any of
// them: the separator was chosen on the header line, see sniffSeparator).
func blankHeader(rec []string) bool {
	for _, f := range rec {
		if strings.Trim(f, blankChars) != "" {
			return false
		}
	}
	return true
}

// rowText is a row that cannot be split into the header's columns, as its value in the
// rejection: its fields joined by the separator, cut at 200 characters, valid UTF-8 without
// NUL bytes (PostgreSQL's text refuses them: a line of garbage failed the whole load).
func rowText(rec []string, sep rune) string {
	s := strings.ReplaceAll(strings.ToValidUTF8(strings.Join(rec, string(sep)), "?"), "\x00", "")
	if r := []rune(s); len(r) > 200 {
		s = string(r[:200]) + "…"
	}
	return s
}

// mostlyUTF8 reports text that is not valid UTF-8 but reads as UTF-8 with a few foreign bytes:
// more valid multi-byte UTF-8 sequences than invalid bytes (a Windows-1252 value typed into a
// UTF-8 file), or more lines with multi-byte UTF-8 and no invalid byte than lines with invalid
// bytes (a line of garbage, hundreds of invalid bytes on one line, in a UTF-8 file: read as
// Windows-1252, every accent of the file was mojibake, `CAFFÃˆ`). Italian text in Windows-1252
// is almost never valid UTF-8: an accented letter is followed by a letter or a space, not by a
// continuation byte.
func mostlyUTF8(b []byte) bool {
	valid, invalid := 0, 0    // multi-byte sequences, invalid bytes
	u8Lines, badLines := 0, 0 // lines with multi-byte sequences only, lines with an invalid byte
	lineValid, lineBad := false, false
	endLine := func() {
		switch {
		case lineBad:
			badLines++
		case lineValid:
			u8Lines++
		}
		lineValid, lineBad = false, false
	}
	for len(b) > 0 {
		r, n := utf8.DecodeRune(b)
		switch {
		case r == utf8.RuneError && n == 1:
			invalid++
			lineBad = true
		case n > 1:
			valid++
			lineValid = true
		case b[0] == '\n':
			endLine()
		}
		b = b[n:]
	}
	endLine()
	return valid > invalid || u8Lines > badLines
}

// mixedToUTF8 keeps the valid UTF-8 of s and reads each invalid byte as Windows-1252.
func mixedToUTF8(s string) string {
	var b strings.Builder
	for len(s) > 0 {
		r, n := utf8.DecodeRuneInString(s)
		if r == utf8.RuneError && n == 1 {
			r = charmap.Windows1252.DecodeByte(s[0])
		}
		b.WriteRune(r)
		s = s[n:]
	}
	return b.String()
}

// crLines reads a file whose lines end with a carriage return alone with newlines instead.
type crLines struct{ r io.Reader }

func (c crLines) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	for b := p[:n]; ; {
		i := bytes.IndexByte(b, '\r')
		if i < 0 {
			break
		}
		b[i] = '\n'
		b = b[i+1:]
	}
	return n, err
}

// binary reports content that is not text: the signature of a binary format, a header line
// (the first that is not blank) with NUL bytes or control characters, or such lines making a
// quarter or more of the lines. A text file with a line of garbage in it is text: that row is
// rejected (Read) and the good rows load, as the formats want of any bad row (the whole file
// was refused when its control bytes passed 1% of it, which one line does in a small file).
func binary(b []byte) bool {
	for _, magic := range binaryMagic {
		if bytes.HasPrefix(b, magic) {
			return true
		}
	}
	lines, bad := 0, 0
	for len(b) > 0 {
		var line []byte
		line, b, _ = bytes.Cut(b, []byte{'\n'})
		if len(bytes.TrimSpace(line)) == 0 {
			continue
		}
		if binaryLine(line) {
			if lines == 0 {
				return true
			}
			bad++
		}
		lines++
	}
	return bad > 0 && 4*bad >= lines
}

// binaryMagic are the first bytes of binary files that may be uploaded in place of a CSV: PDF,
// ZIP (XLSX, ODS), OLE2 (XLS), PNG, JPEG, GIF.
var binaryMagic = [][]byte{[]byte("%PDF-"), []byte("PK\x03\x04"), {0xD0, 0xCF, 0x11, 0xE0}, []byte("\x89PNG"), {0xFF, 0xD8, 0xFF}, []byte("GIF8")}

// binaryLine reports a line with a NUL byte or a control character other than TAB, carriage
// return, vertical tab (a line break inside a cell in some exports), form feed and the DOS
// end-of-file mark.
func binaryLine(l []byte) bool {
	for _, c := range l {
		if c < 0x20 && c != '\t' && c != '\r' && c != '\v' && c != '\f' && c != 0x1a {
			return true
		}
	}
	return false
}

// trimPartialRune drops an incomplete UTF-8 sequence cut by the end of the sample.
func trimPartialRune(b []byte) []byte {
	for i := 1; i <= 3 && i <= len(b); i++ {
		c := b[len(b)-i]
		if c < 0x80 {
			return b
		}
		if c >= 0xC0 { // start byte: keep it only if its sequence is complete
			if utf8.FullRune(b[len(b)-i:]) {
				return b
			}
			return b[:len(b)-i]
		}
	}
	return b
}

// separatorHint reads the line `sep=;` (or `sep=,`, `sep=<TAB>`) that spreadsheets write
// before the header to name the separator, when it is the first line that is not blank.
func separatorHint(sample []byte) (rune, bool) {
	for len(sample) > 0 {
		var line []byte
		line, sample, _ = bytes.Cut(sample, []byte{'\n'})
		line = bytes.TrimRight(line, "\r")
		if len(bytes.TrimSpace(line)) == 0 {
			continue
		}
		line = bytes.Trim(line, " \"")
		if len(line) == 5 && bytes.EqualFold(line[:4], []byte("sep=")) && bytes.IndexByte([]byte(";,\t"), line[4]) >= 0 {
			return rune(line[4]), true
		}
		return 0, false
	}
	return 0, false
}

// sniffSeparator counts the candidate separators outside quotes on the header line (the first
// line that is not blank, nor only spaces and separators: NewReader skips such lines before
// the header too).
func sniffSeparator(sample []byte) rune {
	line := sample
	for len(sample) > 0 {
		line, sample, _ = bytes.Cut(sample, []byte{'\n'})
		if len(bytes.Trim(line, blankChars)) > 0 {
			break
		}
	}
	counts := map[byte]int{}
	inQuotes := false
	for _, c := range line {
		switch {
		case c == '"':
			inQuotes = !inQuotes
		case !inQuotes && (c == ';' || c == ',' || c == '\t'):
			counts[c]++
		}
	}
	best, n := byte(';'), 0
	for _, c := range []byte{';', '\t', ','} {
		if counts[c] > n {
			best, n = c, counts[c]
		}
	}
	return rune(best)
}
