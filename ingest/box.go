package ingest

import (
	"time"
	"unsafe"
)

// A row's values travel as `any` (rowCtx.vals), and putting a string, a date or an int64 into
// an `any` allocates a copy of it on the heap: about 20 allocations a register row, 0.5-0.6 s
// of the loader's CPU per million rows with the collector's work. rowBoxes holds those copies
// instead, in slabs reused for every row: the interfaces point into them. That is only sound
// because no value of rc.vals outlives its row: each row's values are checked, hashed, counted
// and encoded before the next row is parsed into the same slots (the held rows of firstdup.go
// keep their tuple encoded and their code as a string, not the interfaces). A row needing
// more slots than a slab has gets ordinary allocations.

// eface is the layout of an `any`: its dynamic type, and a pointer to its value.
type eface struct {
	typ, data unsafe.Pointer
}

func typeOf(v any) unsafe.Pointer { return (*eface)(unsafe.Pointer(&v)).typ }

var (
	stringType = typeOf("")
	timeType   = typeOf(time.Time{})
	int64Type  = typeOf(int64(0))
)

// rowBoxes are one validation goroutine's slabs; the zero value allocates as usual.
type rowBoxes struct {
	strs    []string
	times   []time.Time
	ints    []int64
	s, t, i int
}

func newRowBoxes(cols int) *rowBoxes {
	return &rowBoxes{strs: make([]string, cols), times: make([]time.Time, cols), ints: make([]int64, cols)}
}

// reset starts a row: the previous row's boxed values may be overwritten from now on.
func (b *rowBoxes) reset() {
	if b != nil {
		b.s, b.t, b.i = 0, 0, 0
	}
}

// str is s as an `any`.
func (b *rowBoxes) str(s string) any {
	if b == nil || s == "" || b.s == len(b.strs) {
		return s // an empty string needs no allocation
	}
	b.strs[b.s] = s
	v := eface{stringType, unsafe.Pointer(&b.strs[b.s])}
	b.s++
	return *(*any)(unsafe.Pointer(&v))
}

// strOrNil is s as an `any`, nil when empty.
func (b *rowBoxes) strOrNil(s string) any {
	if s == "" {
		return nil
	}
	return b.str(s)
}

// date is t as an `any`.
func (b *rowBoxes) date(t time.Time) any {
	if b == nil || b.t == len(b.times) {
		return t
	}
	b.times[b.t] = t
	v := eface{timeType, unsafe.Pointer(&b.times[b.t])}
	b.t++
	return *(*any)(unsafe.Pointer(&v))
}

// int64 is n as an `any`.
func (b *rowBoxes) int64(n int64) any {
	if b == nil || b.i == len(b.ints) {
		return n
	}
	b.ints[b.i] = n
	v := eface{int64Type, unsafe.Pointer(&b.ints[b.i])}
	b.i++
	return *(*any)(unsafe.Pointer(&v))
}
