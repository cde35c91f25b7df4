package ingest

import (
	"encoding/binary"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5/pgtype"
)

// PostgreSQL's binary COPY format, written directly by the validation goroutines: the values
// the row checks produce (string, int16, int32, int64, bool, date, NULL) are appended to a byte
// buffer without going through pgx's per-value encode plans (which were a fifth of the Go
// CPU of a register load); other types (numeric) fall back to pgtype.

// copyHeader starts a binary COPY stream: signature, flags, header extension length.
var copyHeader = []byte("PGCOPY\n\xff\r\n\x00\x00\x00\x00\x00\x00\x00\x00\x00")

// copyTrailer ends it: a tuple with -1 fields.
var copyTrailer = []byte{0xff, 0xff}

// sqlTypeOID maps the SQL types of the staging and register columns to their OIDs (used only
// by the fallback encoder).
var sqlTypeOID = map[string]uint32{
	"text": pgtype.TextOID, "smallint": pgtype.Int2OID, "integer": pgtype.Int4OID, "bigint": pgtype.Int8OID, "date": pgtype.DateOID,
	"boolean": pgtype.BoolOID, "numeric": pgtype.NumericOID,
}

// tupleEncoder appends rows in binary COPY format. Not safe for concurrent use.
type tupleEncoder struct {
	oids []uint32 // per column, for the fallback
	m    *pgtype.Map
}

func newTupleEncoder(types []string) (*tupleEncoder, error) {
	e := &tupleEncoder{oids: make([]uint32, len(types))}
	for i, t := range types {
		oid, ok := sqlTypeOID[t]
		if !ok {
			return nil, fmt.Errorf("binary copy: unsupported column type %q", t)
		}
		e.oids[i] = oid
	}
	return e, nil
}

// pgEpochDays is 2000-01-01, day zero of PostgreSQL dates, counted from 1970-01-01.
var pgEpochDays = daysFromCivil(2000, 1, 1)

// appendTuple appends one row made of vals followed by extra.
func (e *tupleEncoder) appendTuple(buf []byte, vals []any, extra ...any) ([]byte, error) {
	buf = binary.BigEndian.AppendUint16(buf, uint16(len(vals)+len(extra)))
	col := 0
	for _, part := range [2][]any{vals, extra} {
		for _, v := range part {
			var err error
			if buf, err = e.appendValue(buf, col, v); err != nil {
				return buf, err
			}
			col++
		}
	}
	return buf, nil
}

func (e *tupleEncoder) appendValue(buf []byte, col int, v any) ([]byte, error) {
	switch x := v.(type) {
	case nil:
		return binary.BigEndian.AppendUint32(buf, 0xffffffff), nil
	case string:
		buf = binary.BigEndian.AppendUint32(buf, uint32(len(x)))
		return append(buf, x...), nil
	case int16:
		if e.oids[col] != pgtype.Int2OID {
			break
		}
		buf = binary.BigEndian.AppendUint32(buf, 2)
		return binary.BigEndian.AppendUint16(buf, uint16(x)), nil
	case int32:
		buf = binary.BigEndian.AppendUint32(buf, 4)
		return binary.BigEndian.AppendUint32(buf, uint32(x)), nil
	case int64:
		buf = binary.BigEndian.AppendUint32(buf, 8)
		return binary.BigEndian.AppendUint64(buf, uint64(x)), nil
	case bool:
		buf = binary.BigEndian.AppendUint32(buf, 1)
		if x {
			return append(buf, 1), nil
		}
		return append(buf, 0), nil
	case time.Time:
		if e.oids[col] != pgtype.DateOID {
			break
		}
		y, m, d := x.Date()
		buf = binary.BigEndian.AppendUint32(buf, 4)
		return binary.BigEndian.AppendUint32(buf, uint32(int32(daysFromCivil(y, int(m), d)-pgEpochDays))), nil
	}
	if e.m == nil {
		e.m = pgtype.NewMap()
	}
	at := len(buf)
	buf = append(buf, 0, 0, 0, 0)
	out, err := e.m.Encode(e.oids[col], pgtype.BinaryFormatCode, v, buf)
	if err != nil {
		return buf[:at], fmt.Errorf("binary copy: column %d: %w", col+1, err)
	}
	if out == nil { // NULL
		return binary.BigEndian.AppendUint32(buf[:at], 0xffffffff), nil
	}
	binary.BigEndian.PutUint32(out[at:], uint32(len(out)-at-4))
	return out, nil
}

// daysFromCivil counts the days from 1970-01-01 to a proleptic Gregorian date (H. Hinnant's
// algorithm), for any year.
func daysFromCivil(y, m, d int) int64 {
	if m <= 2 {
		y--
	}
	era := y / 400
	if y < 0 && y%400 != 0 {
		era--
	}
	yoe := y - era*400
	mp := (m + 9) % 12
	doy := (153*mp+2)/5 + d - 1
	doe := yoe*365 + yoe/4 - yoe/100 + doy
	return int64(era)*146097 + int64(doe) - 719468
}
