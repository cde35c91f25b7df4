package ingest

import (
	"testing"
	"time"
)

// Values boxed in a row's slabs are the values given, of their own types, each in its own
// slot, until the row ends (reset); a full slab falls back to ordinary boxing.
func TestRowBoxesKeepEachValueUntilTheRowEnds(t *testing.T) {
	b := newRowBoxes(2)
	d := time.Date(2026, 10, 31, 0, 0, 0, 0, time.UTC)
	vals := []any{b.str("ALFA"), b.str("BETA"), b.str("GAMMA"), b.strOrNil(""), b.str(""), b.date(d), b.int64(-7), b.int64(1 << 40)}
	want := []any{"ALFA", "BETA", "GAMMA", nil, "", d, int64(-7), int64(1 << 40)}
	for i := range want {
		if vals[i] != want[i] {
			t.Errorf("value %d = %#v, want %#v", i, vals[i], want[i])
		}
	}
	if s, ok := vals[1].(string); !ok || s != "BETA" {
		t.Errorf("type switch on a boxed string: %#v %v", vals[1], ok)
	}
	if b.s != 2 || b.t != 1 || b.i != 2 {
		t.Errorf("slots used %d %d %d", b.s, b.t, b.i)
	}
	b.reset()
	if v := b.str("DELTA"); v != "DELTA" || vals[0] != "DELTA" {
		t.Errorf("after reset the first slot is reused: %#v, earlier value now %#v", v, vals[0])
	}
	var none *rowBoxes // a rowCtx without slabs (tests, fuzzing) allocates
	if v := none.str("X"); v != "X" {
		t.Errorf("nil boxes: %#v", v)
	}
	none.reset()
}
