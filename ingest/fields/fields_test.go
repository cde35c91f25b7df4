package fields

import (
	"fmt"
	"strings"
	"testing"
	"time"
)

func TestParseDate(t *testing.T) {
	for _, c := range []struct{ in, want, err string }{
		{"15/03/2010", "2010-03-15", ""},
		{"5/3/2010", "2010-03-05", ""},
		{"20100315", "2010-03-15", ""},
		{"2010-03-15", "2010-03-15", ""},
		{"15-03-2010", "2010-03-15", ""},
		{"29/02/2024", "2024-02-29", ""},
		{"", "", ""},
		{"31/02/2020", "", "impossibile"},
		{"29/02/2023", "", "impossibile"},
		{"20201301", "", "impossibile"},
		{"2020-1-5", "", "non riconosciuta"},
		{"ieri", "", "non riconosciuta"},
	} {
		got, ok, err := ParseDate(c.in)
		switch {
		case c.err != "":
			if err == nil || !strings.Contains(err.Error(), c.err) {
				t.Errorf("ParseDate(%q) err = %v, want %q", c.in, err, c.err)
			}
		case err != nil:
			t.Errorf("ParseDate(%q): %v", c.in, err)
		case c.want == "" && ok:
			t.Errorf("ParseDate(%q) = %v, want none", c.in, got)
		case c.want != "" && got.Format(time.DateOnly) != c.want:
			t.Errorf("ParseDate(%q) = %v, want %s", c.in, got, c.want)
		}
	}
}

// dd/mm/yyyy, the register's form, is read in place; every day of every month of years at
// the edges (leap or not, 1800 and 2999 the limits), and the days and months that do not
// exist, read as the general forms read them (d/m/yyyy, yyyymmdd).
func TestParseDateDayMonthYearAsTheOtherForms(t *testing.T) {
	for _, y := range []int{1799, 1800, 1900, 2000, 2023, 2024, 2100, 2999, 3000} {
		for m := 0; m <= 13; m++ {
			for d := 0; d <= 32; d++ {
				raw := fmt.Sprintf("%02d/%02d/%04d", d, m, y)
				got, ok, err := ParseDate(raw)
				want := time.Date(y, time.Month(m), d, 0, 0, 0, 0, time.UTC)
				exists := y >= 1800 && y <= 2999 && m >= 1 && m <= 12 && d >= 1 && want.Day() == d
				if ok != exists || (err == nil) != exists || exists && !got.Equal(want) {
					t.Fatalf("ParseDate(%q) = %v %v %v, want %v (exists %v)", raw, got, ok, err, want, exists)
				}
				other, ok2, err2 := ParseDate(fmt.Sprintf("%d/%d/%04d", d, m, y))
				if d > 9 || m > 9 { // the same date through the general path
					other, ok2, err2 = ParseDate(fmt.Sprintf("%04d%02d%02d", y, m, d))
				}
				if ok2 != ok || !other.Equal(got) || (err2 == nil) != (err == nil) {
					t.Fatalf("ParseDate(%q) = %v %v %v, the general path %v %v %v", raw, got, ok, err, other, ok2, err2)
				}
			}
		}
	}
	for _, raw := range []string{"1a/02/2020", "01/0b/2020", "01/02/20x0", "01-02-2020 ", " 01/02/2020"} {
		got, ok, err := ParseDate(raw)
		t.Logf("%q -> %v %v %v", raw, got, ok, err)
		if raw[0] == '1' || raw[0] == '0' && raw[2] == '/' {
			if ok || err == nil {
				t.Errorf("ParseDate(%q) = %v, want an error", raw, got)
			}
		} else if !ok || got.Day() != 1 || got.Month() != 2 {
			t.Errorf("ParseDate(%q) = %v %v %v, want 1 February 2020", raw, got, ok, err)
		}
	}
}

func TestParseDecimal(t *testing.T) {
	for _, c := range []struct{ in, want, err string }{
		{"1.234,5", "1234.5", ""},
		{"1.234", "1234", ""},
		{"1.234.567,89", "1234567.89", ""},
		{"12,50", "12.5", ""},
		{"12.5", "12.5", ""},
		{"0", "0", ""},
		{"-3", "-3", ""},
		{"5.000,00", "5000", ""},
		{"1,234,5", "", "non valido"},
		{"12.34.5", "", "non valido"},
		{"1,2345", "", "troppi decimali"},
		{"abc", "", "non valido"},
		{",5", "", "non valido"},
	} {
		d, ok, err := ParseDecimal(c.in, 2)
		if c.err != "" {
			if err == nil || !strings.Contains(err.Error(), c.err) {
				t.Errorf("ParseDecimal(%q) err = %v, want %q", c.in, err, c.err)
			}
			continue
		}
		if err != nil || !ok || d.String() != c.want {
			t.Errorf("ParseDecimal(%q) = %s %v %v, want %s", c.in, d, ok, err, c.want)
		}
	}
}

func TestEnum(t *testing.T) {
	e := Enum{"ATTIVA": "ATTIVA", "A": "ATTIVA", "NO": ""}
	if v, ok, err := e.Parse(" attiva ", "stato"); v != "ATTIVA" || !ok || err != nil {
		t.Errorf("attiva = %q %v %v", v, ok, err)
	}
	if _, ok, err := e.Parse("NO", "grado"); ok || err != nil {
		t.Errorf("NO must mean none")
	}
	if _, _, err := e.Parse("CHIUSA", "stato"); err == nil || !strings.Contains(err.Error(), "stato sconosciuto") {
		t.Errorf("unknown value err = %v", err)
	}
}

// FuzzParseDate checks that any accepted date is a real calendar date that round-trips.
func FuzzParseDate(f *testing.F) {
	for _, s := range []string{"15/03/2010", "20100315", "2010-03-15", "31/02/2020", "", "1/1/2000", "99/99/9999"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		d, ok, err := ParseDate(s)
		if err != nil || !ok {
			return
		}
		again, ok2, err2 := ParseDate(d.Format("02/01/2006"))
		if err2 != nil || !ok2 || !again.Equal(d) {
			t.Fatalf("%q parsed as %v, which does not round-trip", s, d)
		}
	})
}

// FuzzParseDecimal checks that accepted numbers render back to the same value.
func FuzzParseDecimal(f *testing.F) {
	for _, s := range []string{"1.234,5", "1.234", "12.5", "-3", "0,01", "1.2.3", "", "99999999999999999"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		d, ok, err := ParseDecimal(s, 2)
		if err != nil || !ok {
			return
		}
		if d.Scale < 0 || d.Scale > 2 {
			t.Fatalf("%q: scale %d", s, d.Scale)
		}
		back, ok2, err2 := ParseDecimal(strings.Replace(d.String(), ".", ",", 1), 2)
		if err2 != nil || !ok2 || back != d {
			t.Fatalf("%q = %+v renders as %q which reads back as %+v (%v)", s, d, d.String(), back, err2)
		}
	})
}
