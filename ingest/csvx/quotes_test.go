package csvx

import (
	"bytes"
	"encoding/csv"
	"io"
	"reflect"
	"strings"
	"testing"
)

func TestAQuoteOpeningAnUnquotedValueDoesNotSwallowTheNextRows(t *testing.T) {
	in := "C-FISCALE;DENOMINAZIONE\r\n" +
		"1;\"IL GIARDINO\" SRL\r\n" + // the register writes names as typed, without quoting
		"2;\"A; B\"\r\n" + // a quoted field
		"3;\"OSTERIA \"\"DA MARIO\"\"\"\r\n" + // escaped quotes
		"4;\"RIGA\r\nDOPPIA\"\r\n" + // a value over two lines
		"6;\"X\" \"Y\" SNC\r\n" +
		"7;BAR \"SPORT\"\r\n" +
		"8;\"Z\" Z;\r\n" // trailing separator
	x, rows, errs := readAll(t, in)
	want := []string{"2|1|\"IL GIARDINO\" SRL|", "3|2|A; B|", "4|3|OSTERIA \"DA MARIO\"|", "5|4|RIGA\nDOPPIA|",
		"7|6|\"X\" \"Y\" SNC|", "8|7|BAR \"SPORT\"|", "9|8|\"Z\" Z|"}
	if !reflect.DeepEqual(rows, want) || len(errs) != 0 {
		t.Errorf("rows %q\nwant %q\nerrs %v", rows, want, errs)
	}
	if len(x.Warnings) != 1 || !strings.Contains(x.Warnings[0], "SRL): 3, la prima alla riga 2;") {
		t.Errorf("warnings %v", x.Warnings)
	}
}

func TestQuoteRepairOverTabsAndLongFiles(t *testing.T) {
	var b strings.Builder
	b.WriteString("DENOMINAZIONE\tC-FISCALE\n")
	for i := 0; i < 20000; i++ { // more than the repair's and csv's buffers
		b.WriteString("\"LA BOTTEGA\" DI ROSSI\t1\nPLAIN\t2\n")
	}
	_, rows, errs := readAll(t, b.String())
	if len(rows) != 40000 || len(errs) != 0 || rows[0] != "2|1|\"LA BOTTEGA\" DI ROSSI|" || rows[39999] != "40001|2|PLAIN|" {
		t.Errorf("%d rows (first %q), %d errs", len(rows), append(rows, "")[0], len(errs))
	}
}

// FuzzQuoteRepairKeepsValidCSV checks that valid CSV, as encoding/csv writes it, reads back
// the same through the repair.
func FuzzQuoteRepairKeepsValidCSV(f *testing.F) {
	f.Add("A", "\"B\" C", "D\nE", ';')
	f.Add("", "x;y", "\"", ',')
	f.Add("\"\"", " \"a\"", "b\r\nc", '\t')
	f.Fuzz(func(t *testing.T, a, b, c string, sep rune) {
		if sep != ';' && sep != ',' && sep != '\t' {
			sep = ';'
		}
		for _, s := range []string{a, b, c} {
			if strings.ContainsAny(s, "\r\x00") || !utf8Valid(s) {
				return // encoding/csv itself does not round-trip CR
			}
		}
		var buf bytes.Buffer
		w := csv.NewWriter(&buf)
		w.Comma = sep
		recs := [][]string{{a, b, c}, {c, a, b}}
		if err := w.WriteAll(recs); err != nil {
			return
		}
		r := csv.NewReader(newQuoteRepair(bytes.NewReader(buf.Bytes()), sep))
		r.Comma = sep
		r.FieldsPerRecord = -1
		var got [][]string
		for {
			rec, err := r.Read()
			if err == io.EOF {
				break
			}
			if err != nil {
				t.Fatalf("%q: %v", buf.String(), err)
			}
			got = append(got, rec)
		}
		direct, _ := csv.NewReader(bytes.NewReader(buf.Bytes())).ReadAll()
		if sep == ';' || sep == '\t' {
			rd := csv.NewReader(bytes.NewReader(buf.Bytes()))
			rd.Comma = sep
			direct, _ = rd.ReadAll()
		}
		if !reflect.DeepEqual(got, direct) {
			t.Fatalf("%q: through the repair %q, directly %q", buf.String(), got, direct)
		}
	})
}

func utf8Valid(s string) bool { return strings.ToValidUTF8(s, "") == s }

// BenchmarkQuoteRepair reads a register-like file (19 columns, 50,000 lines) through
// encoding/csv, directly and through the repair, to show what the repair costs the reading
// goroutine: "plain" has no quote at all (the usual extract; directly and through the repair
// the rows are the same), "quoted" has a name opening with a quote in one line of 50 (read
// directly, it swallows the lines up to the next quote ending a line).
func BenchmarkQuoteRepair(b *testing.B) {
	for _, every := range []int{0, 50} {
		var buf bytes.Buffer
		for i := 0; i < 50000; i++ {
			name := "ROSSI MARIO"
			if every > 0 && i%every == 0 {
				name = "\"IL GIARDINO\" SRL"
			}
			buf.WriteString("BO;300000;FCNLBV76B29M742V;" + name + ";DI;IMPRESA INDIVIDUALE;20260130;20260307;;ATTIVA;BOLOGNA;VIA DELL'INDIPENDENZA N. 138;40127;477110;1;;;ESCLUSIVA;N\r\n")
		}
		data := buf.Bytes()
		kind := map[int]string{0: "plain", 50: "quoted"}[every]
		for _, c := range []struct {
			name string
			src  func() io.Reader
		}{
			{"direct", func() io.Reader { return bytes.NewReader(data) }},
			{"repair", func() io.Reader { return newQuoteRepair(bytes.NewReader(data), ';') }},
		} {
			b.Run(kind+"/"+c.name, func(b *testing.B) {
				b.SetBytes(int64(len(data)))
				for i := 0; i < b.N; i++ {
					r := csv.NewReader(c.src())
					r.Comma, r.LazyQuotes, r.ReuseRecord, r.FieldsPerRecord = ';', true, true, -1
					for {
						if _, err := r.Read(); err != nil {
							break
						}
					}
				}
			})
		}
	}
}
