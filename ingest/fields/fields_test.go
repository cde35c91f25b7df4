package fields

import (
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
