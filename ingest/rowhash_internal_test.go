package ingest

import (
	"encoding/hex"
	"fmt"
	"hash/fnv"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/cespare/xxhash/v2"

	"github.com/comune-bologna/conoscenza/ingest/csvx"
	"github.com/comune-bologna/conoscenza/ingest/fields"
)

// referenceRowHash is rowHash as first written, over hash/fnv. Stored fingerprints were made
// by it: a different value for the same row would make every company look changed in the
// first month after an upgrade.
func referenceRowHash(vals []any) string {
	h := fnv.New64a()
	var buf [32]byte
	for _, v := range vals {
		switch x := v.(type) {
		case nil:
			h.Write([]byte{0})
		case string:
			h.Write([]byte(x))
		case time.Time:
			h.Write(x.AppendFormat(buf[:0], "20060102"))
		case int32:
			h.Write(strconv.AppendInt(buf[:0], int64(x), 10))
		case bool:
			h.Write(strconv.AppendBool(buf[:0], x))
		default:
			fmt.Fprint(h, x)
		}
		h.Write([]byte{0x1f})
	}
	return hex.EncodeToString(h.Sum(buf[:0]))
}

func TestRowHashIsTheStoredFingerprint(t *testing.T) {
	day := func(y, m, d int) time.Time { return time.Date(y, time.Month(m), d, 0, 0, 0, 0, time.UTC) }
	rows := [][]any{
		{},
		{nil},
		{"", nil, ""},
		{"AAAAAA80A01A944F", "TITOLARE 0", "DI", "", day(2016, 2, 5), day(2016, 2, 5), nil, "ATTIVA", "BOLOGNA",
			"VIA SAN FELICE 27", "40125", "70.22.09", int32(13), "ESCLUSIVA", nil, nil, false},
		{day(1, 1, 1), day(999, 12, 31), day(1899, 7, 4), day(9999, 12, 31), day(10000, 1, 1), day(-5, 3, 3)},
		{int32(0), int32(-7), int32(2147483647), true, false, "ÀÈÌÒÙ 'QUOTE' \\ \x1f"},
		{fields.Decimal{Units: 12345, Scale: 2}, int64(42)},
	}
	for i, r := range rows {
		if got, want := rowHash(r), referenceRowHash(r); got != want {
			t.Errorf("row %d: rowHash = %s, the stored fingerprint is %s", i, got, want)
		}
	}
	if rowHash([]any{"a", "b"}) == rowHash([]any{"ab"}) {
		t.Error("fields run together")
	}
}

// The raw fingerprint of a row written without quotes is the hash of its line, which lets a
// month's reader skip the line unparsed; a row whose fields hold the separator, a quote or a
// line break (written quoted) must never share the fingerprint of a line that splits
// otherwise.
func TestRawHashIsTheLineHashOnlyForUnquotedRows(t *testing.T) {
	rc := &rowCtx{sep: ';'}
	hash := func(fields ...string) int64 { return rawHash(rc, csvx.NewRow(1, fields)) }
	line := func(s string) int64 { return int64(xxhash.Sum64String(s)) }
	if hash("X", "A", "B", "") != line("X;A;B;") {
		t.Error("an unquoted row's fingerprint is not its line's hash")
	}
	for _, c := range [][]string{{"X", "A;B", ""}, {"X", "A", "B;"}, {"X", "\"A\"", "B", ""}, {"X", "A\nB", "", ""}} {
		joined := strings.Join(c, ";")
		if hash(c...) == line(joined) {
			t.Errorf("%q has the fingerprint of the line %q", c, joined)
		}
	}
	if hash("X", "A;B", "C") == hash("X", "A", "B;C") {
		t.Error("two quoted rows that join alike share a fingerprint")
	}
}
