// Package fields parses the values of the city's CSV files: Italian dates and numbers and
// closed lists of codes. Errors are short Italian sentences, ready to be stored as the reason
// of a rejected row.
package fields

import (
	"errors"
	"fmt"
	"strings"
	"time"
)

// ErrEmpty is returned by the Required helpers when a value is missing.
var ErrEmpty = errors.New("valore obbligatorio mancante")

// ParseDate reads dd/mm/yyyy (also d/m/yyyy and dd-mm-yyyy), yyyymmdd or yyyy-mm-dd, with
// or without a midnight time (`31/10/2026 00:00:00`, `2026-10-31T00:00:00`).
// An empty string gives ok=false and no error. Impossible dates (31/02) are errors.
func ParseDate(raw string) (t time.Time, ok bool, err error) {
	s := strings.TrimSpace(raw)
	if s == "" {
		return time.Time{}, false, nil
	}
	var y, m, d int
	if len(s) == 10 && s[2] == '/' && s[5] == '/' && allDigits(s[0:2]) && allDigits(s[3:5]) && allDigits(s[6:10]) {
		// dd/mm/yyyy, as the register writes its dates: read in place (the general case below
		// splits and joins the string: three allocations a date)
		d, m, y = atoi(s[0:2]), atoi(s[3:5]), atoi(s[6:10])
		return checkedDate(raw, y, m, d)
	}
	for _, midnight := range midnights { // a pure date as spreadsheets and databases export it
		if len(s) > len(midnight) && strings.HasSuffix(s, midnight) {
			s = s[:len(s)-len(midnight)]
			break
		}
	}
	switch {
	case len(s) == 8 && allDigits(s):
		y, m, d = atoi(s[0:4]), atoi(s[4:6]), atoi(s[6:8])
	case len(s) == 10 && s[4] == '-' && s[7] == '-' && allDigits(s[0:4]+s[5:7]+s[8:10]):
		y, m, d = atoi(s[0:4]), atoi(s[5:7]), atoi(s[8:10])
	default:
		sep := byte('/')
		if strings.IndexByte(s, '/') < 0 {
			sep = '-'
		}
		parts := strings.Split(s, string(sep))
		if len(parts) != 3 || len(parts[0]) < 1 || len(parts[0]) > 2 || len(parts[1]) < 1 ||
			len(parts[1]) > 2 || len(parts[2]) != 4 || !allDigits(parts[0]+parts[1]+parts[2]) {
			return time.Time{}, false, fmt.Errorf("data non riconosciuta %q (usare gg/mm/aaaa, aaaammgg o aaaa-mm-gg)", raw)
		}
		d, m, y = atoi(parts[0]), atoi(parts[1]), atoi(parts[2])
	}
	return checkedDate(raw, y, m, d)
}

// checkedDate is the date y-m-d read from raw, if it exists and is within the years accepted.
func checkedDate(raw string, y, m, d int) (time.Time, bool, error) {
	if y < 1800 || y > 2999 || m < 1 || m > 12 || d < 1 || d > DaysIn(y, time.Month(m)) {
		return time.Time{}, false, fmt.Errorf("data impossibile %q", raw)
	}
	return time.Date(y, time.Month(m), d, 0, 0, 0, 0, time.UTC), true, nil
}

// midnights are the times a date may carry when it is a pure date: midnight.
var midnights = []string{" 00:00:00", " 00:00", "T00:00:00Z", "T00:00:00", "T00:00"}

// DaysIn returns the number of days of month m in year y.
func DaysIn(y int, m time.Month) int {
	return time.Date(y, m+1, 0, 0, 0, 0, 0, time.UTC).Day()
}

// EndOfMonth returns the last day of the month of t.
func EndOfMonth(y int, m time.Month) time.Time {
	return time.Date(y, m, DaysIn(y, m), 0, 0, 0, 0, time.UTC)
}

// Decimal is a number read from a file: Units × 10^-Scale.
type Decimal struct {
	Units int64
	Scale int32
}

// Float returns d as a float64 (for reports, not for storage).
func (d Decimal) Float() float64 {
	f := float64(d.Units)
	for i := int32(0); i < d.Scale; i++ {
		f /= 10
	}
	return f
}

// String renders d with a dot as decimal separator, the form PostgreSQL's numeric accepts.
func (d Decimal) String() string {
	neg := d.Units < 0
	u := d.Units
	if neg {
		u = -u
	}
	s := fmt.Sprintf("%0*d", d.Scale+1, u)
	if d.Scale > 0 {
		s = s[:len(s)-int(d.Scale)] + "." + s[len(s)-int(d.Scale):]
	}
	if neg {
		s = "-" + s
	}
	return s
}

// ParseDecimal reads a number in Italian style: digits, optional thousands dots and a decimal
// comma (1.234,5). Without a comma, dots followed by groups of three digits are thousands
// separators (1.234 = 1234) and a single other dot is a decimal point (12.5). At most
// maxScale decimals are accepted, so that nothing is silently rounded. Empty gives ok=false.
func ParseDecimal(raw string, maxScale int) (d Decimal, ok bool, err error) {
	s := strings.TrimSpace(raw)
	if s == "" {
		return Decimal{}, false, nil
	}
	bad := func() (Decimal, bool, error) {
		return Decimal{}, false, fmt.Errorf("numero non valido %q", raw)
	}
	neg := false
	if s[0] == '-' || s[0] == '+' {
		neg = s[0] == '-'
		s = s[1:]
	}
	intPart, frac := s, ""
	if i := strings.IndexByte(s, ','); i >= 0 {
		intPart, frac = s[:i], s[i+1:]
		if !allDigits(frac) || frac == "" {
			return bad()
		}
		if intPart, ok = stripThousands(intPart); !ok {
			return bad()
		}
	} else if strings.IndexByte(s, '.') >= 0 {
		if stripped, ok := stripThousands(s); ok {
			intPart = stripped
		} else if i := strings.IndexByte(s, '.'); strings.Count(s, ".") == 1 && i > 0 {
			intPart, frac = s[:i], s[i+1:]
			if !allDigits(frac) || frac == "" {
				return bad()
			}
		} else {
			return bad()
		}
	}
	if intPart == "" || !allDigits(intPart) {
		return bad()
	}
	frac = strings.TrimRight(frac, "0")
	if len(frac) > maxScale {
		if maxScale == 0 {
			return Decimal{}, false, fmt.Errorf("numero %q non intero: serve un numero intero", raw)
		}
		return Decimal{}, false, fmt.Errorf("numero %q con troppi decimali (al massimo %d)", raw, maxScale)
	}
	digits := strings.TrimLeft(intPart+frac, "0")
	if len(digits) > 17 {
		return Decimal{}, false, fmt.Errorf("numero %q troppo grande", raw)
	}
	var u int64
	for i := 0; i < len(digits); i++ {
		u = u*10 + int64(digits[i]-'0')
	}
	if neg {
		u = -u
	}
	return Decimal{Units: u, Scale: int32(len(frac))}, true, nil
}

// stripThousands removes thousands dots from s when every group after the first has exactly
// three digits; s without dots is returned unchanged.
func stripThousands(s string) (string, bool) {
	if strings.IndexByte(s, '.') < 0 {
		return s, true
	}
	groups := strings.Split(s, ".")
	if len(groups[0]) < 1 || len(groups[0]) > 3 {
		return "", false
	}
	for _, g := range groups[1:] {
		if len(g) != 3 {
			return "", false
		}
	}
	return strings.Join(groups, ""), true
}

// ParseUnsigned reads a number as the formats write it: digits, optional thousands dots and
// a decimal comma, with no sign. A minus is refused as a negative number even when the value
// is zero ("-0"), a plus as not a number of the formats ("+3"): ParseDecimal alone let both
// through as non-negative values. Empty gives ok=false.
func ParseUnsigned(raw string, maxScale int) (d Decimal, ok bool, err error) {
	s := strings.TrimSpace(raw)
	if strings.HasPrefix(s, "-") {
		return Decimal{}, false, fmt.Errorf("numero negativo %q non ammesso", raw)
	}
	if strings.HasPrefix(s, "+") {
		return Decimal{}, false, fmt.Errorf("numero non valido %q: il segno non è ammesso", raw)
	}
	return ParseDecimal(raw, maxScale)
}

// ParseCount reads a non-negative integer (thousands dots allowed, no sign). Empty gives
// ok=false.
func ParseCount(raw string) (n int64, ok bool, err error) {
	d, ok, err := ParseUnsigned(raw, 0)
	if err != nil || !ok {
		return 0, ok, err
	}
	return d.Units, true, nil
}

// Enum is a closed list of codes: each accepted spelling (upper case) maps to its canonical
// value.
type Enum map[string]string

// Parse returns the canonical value of raw (case-insensitive, spaces trimmed), ok=false for
// an empty value, or an error naming the accepted values.
func (e Enum) Parse(raw, what string) (string, bool, error) {
	if v, ok := e[raw]; ok { // the usual, exact spelling: no copy
		return v, v != "", nil
	}
	s := strings.ToUpper(strings.Join(strings.Fields(raw), " "))
	if s == "" {
		return "", false, nil
	}
	if v, ok := e[s]; ok {
		return v, v != "", nil
	}
	return "", false, fmt.Errorf("%s sconosciuto %q", what, raw)
}

// NewEnum builds an Enum whose values are their own spellings.
func NewEnum(values ...string) Enum {
	e := make(Enum, len(values))
	for _, v := range values {
		e[v] = v
	}
	return e
}

func allDigits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

func atoi(s string) int {
	n := 0
	for i := 0; i < len(s); i++ {
		n = n*10 + int(s[i]-'0')
	}
	return n
}
