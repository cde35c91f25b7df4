package demo

import (
	"bufio"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
)

// csvWriter streams one output file: `;`-separated, UTF-8 without BOM, CRLF line ends, like
// the examples in ../shared/formats/examples. It counts lines so that the manifest can name
// the exact line of every injected dirty row (the header is line 1).
type csvWriter struct {
	f     *os.File
	w     *bufio.Writer
	name  string
	line  int
	buf   []byte
	col   int
	nrows int
}

func createCSV(dir, name string, header []string) (*csvWriter, error) {
	f, err := os.Create(filepath.Join(dir, name))
	if err != nil {
		return nil, fmt.Errorf("demo: create %s: %w", name, err)
	}
	c := &csvWriter{f: f, w: bufio.NewWriterSize(f, 1<<20), name: name}
	c.fields(header...)
	c.nrows = 0
	return c, nil
}

// field appends one field to the current row, quoting it only when it must be.
func (c *csvWriter) field(s string) {
	c.sep()
	if strings.ContainsAny(s, ";\"\r\n") {
		c.buf = append(c.buf, '"')
		c.buf = append(c.buf, strings.ReplaceAll(s, `"`, `""`)...)
		c.buf = append(c.buf, '"')
		return
	}
	c.buf = append(c.buf, s...)
}

// sep starts a new field.
func (c *csvWriter) sep() {
	if c.col > 0 {
		c.buf = append(c.buf, ';')
	}
	c.col++
}

// compact appends a date as yyyymmdd; the zero day is an empty field.
func (c *csvWriter) compact(d day) {
	c.sep()
	if d != 0 {
		c.buf = d.appendCompact(c.buf)
	}
}

// italian appends a date as dd/mm/yyyy; the zero day is an empty field.
func (c *csvWriter) italian(d day) {
	c.sep()
	if d != 0 {
		c.buf = d.appendItalian(c.buf)
	}
}

// int appends a plain integer.
func (c *csvWriter) int(n int) {
	c.sep()
	c.buf = strconv.AppendInt(c.buf, int64(n), 10)
}

// fields writes a whole row of plain fields.
func (c *csvWriter) fields(fs ...string) {
	for _, f := range fs {
		c.field(f)
	}
	c.end()
}

// end terminates the current row and returns its line number.
func (c *csvWriter) end() int {
	c.buf = append(c.buf, '\r', '\n')
	c.w.Write(c.buf) // bufio.Writer keeps the first error; Close reports it
	c.buf = c.buf[:0]
	c.col = 0
	c.line++
	c.nrows++
	return c.line
}

// close flushes and closes the file.
func (c *csvWriter) close() error {
	if err := c.w.Flush(); err != nil {
		c.f.Close()
		return fmt.Errorf("demo: write %s: %w", c.name, err)
	}
	if err := c.f.Close(); err != nil {
		return fmt.Errorf("demo: close %s: %w", c.name, err)
	}
	return nil
}
