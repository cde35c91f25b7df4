package demo

import (
	"strconv"
	"time"
)

// day is a civil date counted in days since 1970-01-01. The generator works on whole days
// only, and integer days are both faster and easier to reason about than time.Time.
type day int32

// mkday returns the day for a civil date; out-of-range months and days normalise as in
// time.Date.
func mkday(y, m, d int) day {
	return day(time.Date(y, time.Month(m), d, 0, 0, 0, 0, time.UTC).Unix() / 86400)
}

// civil converts a day back to year, month, day (Howard Hinnant's algorithm).
func (d day) civil() (y, m, dd int) {
	z := int(d) + 719468
	era := z / 146097
	if z < 0 && z%146097 != 0 {
		era--
	}
	doe := z - era*146097
	yoe := (doe - doe/1460 + doe/36524 - doe/146096) / 365
	y = yoe + era*400
	doy := doe - (365*yoe + yoe/4 - yoe/100)
	mp := (5*doy + 2) / 153
	dd = doy - (153*mp+2)/5 + 1
	if mp < 10 {
		m = mp + 3
	} else {
		m = mp - 9
	}
	if m <= 2 {
		y++
	}
	return y, m, dd
}

// year returns the calendar year of d.
func (d day) year() int { y, _, _ := d.civil(); return y }

// weekday returns 0 for Sunday through 6 for Saturday.
func (d day) weekday() int { return ((int(d) % 7) + 7 + 4) % 7 }

// appendCompact appends d as yyyymmdd (the register's format).
func (d day) appendCompact(b []byte) []byte {
	y, m, dd := d.civil()
	b = strconv.AppendInt(b, int64(y), 10)
	b = append(b, byte('0'+m/10), byte('0'+m%10), byte('0'+dd/10), byte('0'+dd%10))
	return b
}

// appendItalian appends d as dd/mm/yyyy (the other sources' format).
func (d day) appendItalian(b []byte) []byte {
	y, m, dd := d.civil()
	b = append(b, byte('0'+dd/10), byte('0'+dd%10), '/', byte('0'+m/10), byte('0'+m%10), '/')
	return strconv.AppendInt(b, int64(y), 10)
}

// String formats d as ISO yyyy-mm-dd.
func (d day) String() string {
	y, m, dd := d.civil()
	return time.Date(y, time.Month(m), dd, 0, 0, 0, 0, time.UTC).Format("2006-01-02")
}

// month is a calendar month counted from January of year 0 (y*12 + m-1).
type month int

func mkmonth(y, m int) month { return month(y*12 + m - 1) }

func (m month) year() int   { return int(m) / 12 }
func (m month) number() int { return int(m)%12 + 1 }

// first returns the first day of the month.
func (m month) first() day { return mkday(m.year(), m.number(), 1) }

// last returns the last day of the month (the as-of date of a monthly file).
func (m month) last() day { return (m + 1).first() - 1 }

// String formats the month as yyyy-mm.
func (m month) String() string {
	return strconv.Itoa(m.year()) + "-" + string([]byte{byte('0' + m.number()/10), byte('0' + m.number()%10)})
}

// parseMonth reads yyyy-mm.
func parseMonth(s string) (month, error) {
	t, err := time.Parse("2006-01", s)
	if err != nil {
		return 0, err
	}
	return mkmonth(t.Year(), int(t.Month())), nil
}
