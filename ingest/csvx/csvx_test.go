package csvx

import (
	"errors"
	"io"
	"strconv"
	"strings"
	"testing"
	"unicode/utf8"

	"golang.org/x/text/encoding/charmap"
)

var cols = []Column{{"C-FISCALE", true}, {"DENOMINAZIONE", true}, {"DT-ISCR-RI", false}}

func readAll(t *testing.T, in string) (*Reader, []string, []*RowError) {
	t.Helper()
	x, err := NewReader(strings.NewReader(in), cols)
	if err != nil {
		t.Fatalf("NewReader: %v", err)
	}
	var rows []string
	var errs []*RowError
	for {
		r, err := x.Read()
		if errors.Is(err, io.EOF) {
			return x, rows, errs
		}
		var re *RowError
		if errors.As(err, &re) {
			errs = append(errs, re)
			continue
		}
		if err != nil {
			t.Fatal(err)
		}
		rows = append(rows, strings.Join([]string{strconv.Itoa(r.Line), r.Get(0), r.Get(1), r.Get(2)}, "|"))
	}
}

func TestSeparatorsHeadersAndEncodings(t *testing.T) {
	cp, _ := charmap.Windows1252.NewEncoder().String("c_fiscale,Denominazione\r\n1,CAFFÈ\r\n")
	for _, c := range []struct {
		name, in, enc string
		sep           rune
		want          string
	}{
		{"semicolon", "C-FISCALE;DENOMINAZIONE\n1;A\n", "utf-8", ';', "2|1|A|"},
		{"comma and header variants", "c_fiscale, Denominazione ,dt.iscr.ri\n1,A,2020\n", "utf-8", ',', "2|1|A|2020"},
		{"tab reordered", "denominazione\tC FISCALE\nA\t1\n", "utf-8", '\t', "2|1|A|"},
		{"bom", "\ufeffC-FISCALE;DENOMINAZIONE\r\n1;À\r\n", "utf-8-bom", ';', "2|1|À|"},
		{"windows-1252", cp, "windows-1252", ',', "2|1|CAFFÈ|"},
		{"quoted separator", "C-FISCALE;DENOMINAZIONE\n1;\"A; B\"\n", "utf-8", ';', "2|1|A; B|"},
		{"blank lines before the header", "\r\n\r\nC-FISCALE,DENOMINAZIONE\r\n1,A\r\n", "utf-8", ',', "4|1|A|"},
	} {
		x, rows, errs := readAll(t, c.in)
		if x.Encoding != c.enc || x.Separator != c.sep || len(errs) != 0 || len(rows) != 1 || rows[0] != c.want {
			t.Errorf("%s: enc %s sep %q rows %v errs %v", c.name, x.Encoding, x.Separator, rows, errs)
		}
	}
}

func TestRowErrorsAndWarnings(t *testing.T) {
	x, rows, errs := readAll(t, "C-FISCALE;DENOMINAZIONE;EXTRA\n1;A;x\n2;B\n;;\n3;C;y\n")
	if len(rows) != 2 || len(errs) != 1 || errs[0].Line != 3 || !strings.Contains(errs[0].Reason, "numero di colonne") {
		t.Errorf("rows %v errs %v", rows, errs)
	}
	if len(x.Warnings) != 1 || !strings.Contains(x.Warnings[0], "EXTRA") {
		t.Errorf("warnings %v", x.Warnings)
	}
}

func TestFileErrors(t *testing.T) {
	for _, c := range []struct{ in, want string }{
		{"DENOMINAZIONE;ALTRO\nA;B\n", "colonna obbligatoria mancante: C-FISCALE"},
		{"", "file vuoto"},
		{"PK\x03\x04\x00\x00\x08\x00binary", "non è un CSV"},
	} {
		_, err := NewReader(strings.NewReader(c.in), cols)
		var fe *FileError
		if !errors.As(err, &fe) || !strings.Contains(fe.Reason, c.want) {
			t.Errorf("%q: err = %v, want %q", c.in, err, c.want)
		}
	}
}

func TestAccentedAndApostrophedHeaderNamesMatch(t *testing.T) {
	cols := []Column{{"COD-VIA", true}, {"PARITA", false}, {"CITTA", false}}
	for _, h := range []string{"Cod Via;Parità;Città", "COD-VIA;PARITA';CITTA'", "cod_via;PARITÀ;CITTÀ"} {
		x, err := NewReader(strings.NewReader(h+"\n1;P;BOLOGNA\n"), cols)
		if err != nil {
			t.Fatalf("%s: %v", h, err)
		}
		r, err := x.Read()
		if err != nil || r.Get(1) != "P" || r.Get(2) != "BOLOGNA" || len(x.Warnings) != 0 {
			t.Errorf("%s: row %q %q, err %v, warnings %v", h, r.Get(1), r.Get(2), err, x.Warnings)
		}
	}
}

func TestEmptyTrailingFieldsAreNotAWrongColumnCount(t *testing.T) {
	for _, c := range []struct{ name, in, rows, errLines string }{
		// 4;D;x has a value beyond the header: a wrong column count.
		{"separator at the end of the data rows", "C-FISCALE;DENOMINAZIONE\n1;A;\n2;B;;\n3;C\n4;D;x\n5\n",
			"2|1|A|,3|2|B|,4|3|C|", "5,6"},
		// Here the header has an unnamed third column, so 4;D;x fits it (as before).
		{"separator at the end of the header", "C-FISCALE;DENOMINAZIONE;\n1;A\n2;B;;\n3;C;\n4;D;x\n5\n",
			"2|1|A|,3|2|B|,4|3|C|,5|4|D|", "6"},
	} {
		_, rows, errs := readAll(t, c.in)
		var lines []string
		for _, e := range errs {
			lines = append(lines, strconv.Itoa(e.Line))
			if !strings.Contains(e.Reason, "invece di 2") {
				t.Errorf("%s: reason %q", c.name, e.Reason)
			}
		}
		if strings.Join(rows, ",") != c.rows || strings.Join(lines, ",") != c.errLines {
			t.Errorf("%s: rows %v errs %v", c.name, rows, errs)
		}
	}
}

// FuzzReader checks that no input makes the reader panic or loop, and that every row it
// returns has the header's width and valid UTF-8.
func FuzzReader(f *testing.F) {
	for _, s := range []string{
		"C-FISCALE;DENOMINAZIONE\n1;A\n",
		"c_fiscale,denominazione\r\n\"1\",\"A, B\"\r\n",
		"C-FISCALE\tDENOMINAZIONE\n1\t\"unterminated\n",
		"\ufeffC-FISCALE;DENOMINAZIONE\n1;\xe8\n",
		"C-FISCALE;DENOMINAZIONE\n1;A;B\n\n;;\n",
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		x, err := NewReader(strings.NewReader(string(b)), cols)
		if err != nil {
			return
		}
		for i := 0; i < 10000; i++ {
			r, err := x.Read()
			if errors.Is(err, io.EOF) {
				return
			}
			var re *RowError
			if errors.As(err, &re) {
				continue
			}
			if err != nil {
				return
			}
			if len(r.fields) != len(x.Header) && !x.fits(r.fields) {
				t.Fatalf("row of %d fields for a header of %d", len(r.fields), len(x.Header))
			}
			for j := range cols {
				if v := r.Get(j); !utf8.ValidString(v) {
					t.Fatalf("invalid UTF-8 value %q", v)
				}
			}
		}
	})
}

func TestWindows1252AfterTheSniffedMegabyteIsDecodedNotLost(t *testing.T) {
	var b strings.Builder
	b.WriteString("C-FISCALE;DENOMINAZIONE\n")
	for b.Len() < sniffSize+10 {
		b.WriteString("1;ASCII SOLTANTO\n")
	}
	late, _ := charmap.Windows1252.NewEncoder().String("2;CAFFÈ\n")
	x, rows, errs := readAll(t, b.String()+late)
	last := rows[len(rows)-1]
	if x.Encoding != "utf-8" || len(errs) != 0 || !strings.HasSuffix(last, "|2|CAFFÈ|") || len(x.Warnings) != 1 {
		t.Errorf("last row %q, errs %v, warnings %v", last, errs, x.Warnings)
	}
}

// SkipLines drops whole unquoted records before parsing, keeps the file's line numbers for
// the rows that follow, and never offers a quoted line or a line inside a quoted field.
func TestSkipLinesKeepsLineNumbersAndQuotedRecords(t *testing.T) {
	var b strings.Builder
	b.WriteString("C-FISCALE;DENOMINAZIONE;DT-ISCR-RI\r\n")
	line := 1
	want := map[string]int{} // code → physical line
	for i := 1; i <= 3000; i++ {
		line++
		cf := "CF" + strconv.Itoa(i)
		want[cf] = line
		switch i % 500 {
		case 7: // quoted, with the separator inside: never offered
			b.WriteString(cf + ";\"A;B\";x\r\n")
		case 9: // a quoted value running over three lines, the middle one without quotes
			b.WriteString(cf + ";\"FIRST\r\nCF0;MIDDLE;z\r\nLAST\";y\r\n")
			line += 2
		default:
			b.WriteString(cf + ";NAME" + strconv.Itoa(i) + ";2020-01-01\r\n")
		}
	}
	x, err := NewReader(strings.NewReader(b.String()), cols)
	if err != nil {
		t.Fatal(err)
	}
	var offered int
	x.SkipLines(func(l []byte) bool {
		offered++
		s := string(l)
		if strings.ContainsAny(s, "\"\r\n") || strings.HasPrefix(s, "CF0;") {
			t.Errorf("offered %q", s)
		}
		n, _ := strconv.Atoi(strings.TrimPrefix(strings.Split(s, ";")[0], "CF"))
		return n%2 == 0
	})
	got := 0
	for {
		r, err := x.Read()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		got++
		if r.Line != want[r.Get(0)] {
			t.Errorf("%s at line %d, want %d", r.Get(0), r.Line, want[r.Get(0)])
		}
		if n, _ := strconv.Atoi(strings.TrimPrefix(r.Get(0), "CF")); n%2 == 0 && n > 200 {
			t.Errorf("%s was not skipped", r.Get(0)) // the first lines were buffered before the filter
		}
	}
	if got+x.Skipped() != 3000 || x.Skipped() < 1400 || offered < 2800 {
		t.Errorf("%d rows read, %d skipped of %d offered", got, x.Skipped(), offered)
	}
}

// FuzzSkipLines checks SkipLines against reading without it: with a filter that drops some of
// the lines it is offered, every row read is a row (same line, same fields) of the plain
// reading, and every row of the plain reading that is missing is a dropped line (its fields
// joined by the separator are that line). The fuzzed text follows 5 KB of plain rows, so that
// the filter is installed before the parser has buffered it.
func FuzzSkipLines(f *testing.F) {
	for _, s := range []string{
		"1;A;x\n2;B;y\n",
		"1;\"A\nB\";x\r\n2;B;y\r\n3;C\r\n",
		"1;\"A;B\";x\n2;\"IL \"\"G\"\"\" SRL;y\n3;C;z",
		"\n\n;;\n4;D;\n5;E;w\r",
		"6;\"unterminated\n7;G;v\n",
	} {
		f.Add([]byte(s), byte(3))
	}
	f.Fuzz(func(t *testing.T, body []byte, mod byte) {
		var b strings.Builder
		b.WriteString("C-FISCALE;DENOMINAZIONE;DT-ISCR-RI\n")
		for b.Len() < 5000 {
			b.WriteString("0;RIEMPITIVO;20200101\n")
		}
		in := b.String() + string(body)
		type row struct {
			line   int
			fields string
		}
		read := func(filter func([]byte) bool) (rows []row, errs []string) {
			x, err := NewReader(strings.NewReader(in), cols)
			if err != nil {
				t.Skip(err) // not text: refused before any row, with or without a filter
			}
			if filter != nil {
				x.SkipLines(filter)
			}
			for i := 0; i < 100000; i++ {
				r, err := x.Read()
				if errors.Is(err, io.EOF) {
					break
				}
				var re *RowError
				if errors.As(err, &re) {
					errs = append(errs, re.Error())
					continue
				}
				if err != nil {
					t.Fatal(err)
				}
				rows = append(rows, row{r.Line, strings.Join(r.Fields(), ";")})
			}
			return rows, errs
		}
		all, allErrs := read(nil)
		dropped := map[string]int{}
		m := int(mod%5) + 2
		n := 0
		some, someErrs := read(func(line []byte) bool {
			if strings.ContainsAny(string(line), "\"\n") {
				t.Fatalf("offered %q", line)
			}
			// A value that is not UTF-8 is read as Windows-1252 by the parser: such a line is
			// never the stored one as written (the loader compares hashes), so it is kept here.
			if n++; n%m != 0 || !utf8.Valid(line) {
				return false
			}
			dropped[string(line)]++
			return true
		})
		inAll := map[row]int{}
		for _, r := range all {
			inAll[r]++
		}
		for _, r := range some {
			if inAll[r] == 0 {
				t.Fatalf("row %+v read with the filter is not a row of the plain reading", r)
			}
			inAll[r]--
		}
		for r, k := range inAll {
			for ; k > 0; k-- {
				if dropped[r.fields] == 0 {
					t.Fatalf("row %+v of the plain reading is missing and was not dropped", r)
				}
				dropped[r.fields]--
			}
		}
		errSet := map[string]bool{}
		for _, e := range allErrs {
			errSet[e] = true
		}
		for _, e := range someErrs {
			if !errSet[e] {
				t.Fatalf("error %q with the filter, not in the plain reading", e)
			}
		}
	})
}

// Lines ended by a carriage return alone (classic Mac exports) are lines, and lines of spaces
// or separators before the header are skipped as blank lines are.
func TestCarriageReturnLinesAndBlankLinesBeforeTheHeader(t *testing.T) {
	x, rows, errs := readAll(t, "C-FISCALE;DENOMINAZIONE;DT-ISCR-RI\r01234567897;\"ALFA\rSRL\";01/02/2020\r\r11111111115;BETA;x;y\r22222222220;GAMMA;\r")
	if x.Separator != ';' || strings.Join(rows, " ") != "2|01234567897|ALFA\nSRL|01/02/2020 6|22222222220|GAMMA|" ||
		len(errs) != 1 || errs[0].Line != 5 {
		t.Errorf("separator %q, rows %q, errors %+v", x.Separator, rows, errs)
	}
	x, rows, _ = readAll(t, "\n   \n;;;\nC-FISCALE,DENOMINAZIONE\n01234567897,ALFA\n")
	if x.Separator != ',' || strings.Join(rows, " ") != "5|01234567897|ALFA|" {
		t.Errorf("separator %q, rows %q", x.Separator, rows)
	}
}

// The `sep=;` line spreadsheets write before the header names the separator and is no header.
func TestSeparatorLineBeforeTheHeader(t *testing.T) {
	for in, sep := range map[string]rune{
		"sep=;\r\nC-FISCALE;DENOMINAZIONE\r\n01234567897;ALFA, SRL\r\n":   ';',
		"\"sep=,\"\nC-FISCALE,DENOMINAZIONE\n01234567897,\"ALFA; SRL\"\n": ',',
		"SEP=\t\n\nC-FISCALE\tDENOMINAZIONE\n01234567897\tALFA SRL\n":     '\t',
	} {
		x, err := NewReader(strings.NewReader(in), cols)
		if err != nil {
			t.Errorf("%q: %v", in, err)
			continue
		}
		if r, err := x.Read(); err != nil || x.Separator != sep || r.Get(0) != "01234567897" || !strings.HasPrefix(r.Get(1), "ALFA") {
			t.Errorf("%q: separator %q, row %v %v", in, x.Separator, r.Fields(), err)
		}
	}
}

// A UTF-8 file with a Windows-1252 byte in its first MiB stays UTF-8: only the invalid bytes
// are read as Windows-1252, in the header too, and nothing becomes mojibake.
func TestAWindows1252ByteInAUTF8FileIsNoMojibake(t *testing.T) {
	x, rows, errs := readAll(t, "C-FISCALE;DENOMINAZIONE;DT-ISCR-RI\n01234567897;CAFFÈ NICOLÒ;\n11111111115;PERCH\xc9 NO CAFFÈ;\n")
	if x.Encoding != "utf-8" || len(errs) != 0 || strings.Join(rows, " ") != "2|01234567897|CAFFÈ NICOLÒ| 3|11111111115|PERCHÉ NO CAFFÈ|" ||
		!strings.Contains(strings.Join(x.Warnings, " "), "codifica mista") {
		t.Errorf("encoding %s, rows %q, errors %v, warnings %v", x.Encoding, rows, errs, x.Warnings)
	}
	x, err := NewReader(strings.NewReader("C-FISCALE;DENOMINAZIONE;PARIT\xc0\n01234567897;CAFFÈ NICOLÒ;P\n"), append(cols, Column{"PARITA", true}))
	if err != nil || x.Encoding != "utf-8" || x.Header[2] != "PARITÀ" {
		t.Fatalf("header: %v %+v", err, x)
	}
	// Windows-1252 text stays Windows-1252.
	x, rows, _ = readAll(t, "C-FISCALE;DENOMINAZIONE;DT-ISCR-RI\n01234567897;CAFF\xc8 NICOL\xd2;\n")
	if x.Encoding != "windows-1252" || rows[0] != "2|01234567897|CAFFÈ NICOLÒ|" {
		t.Errorf("encoding %s, rows %q", x.Encoding, rows)
	}
}
