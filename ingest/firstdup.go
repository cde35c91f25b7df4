package ingest

import (
	"bytes"
	"context"
	"fmt"
	"hash/maphash"
	"slices"
	"strings"

	"github.com/jackc/pgx/v5"
)

// A first register snapshot on the direct path (no staging table, no primary key while the file
// streams) finds its repeated codici fiscali itself, exactly, in file order: the reader records
// the hash of every code with the line it first appears on (codeSet), and marks each later row
// whose code hashes alike. Those rows are validated as any other but held back (heldRow)
// instead of being copied. After the copy each held code is settled as the merge through
// staging settles it (rejectDuplicates): the first valid row stands, the later ones are
// rejected naming its line. The row that stands is the one copied when the table has the code
// (the reader's first occurrence, valid), otherwise the first held one (the first occurrence
// was rejected for another reason, or its code only shared the hash), which is then copied.
// Before session 6 any repetition sent the whole file back through staging (2.5x slower).

// maxHeldRows bounds the rows held back (a file repeating more codes goes through staging).
var maxHeldRows = 50_000

// codeSet is the reader's set of code hashes, with the line each was first met on, in one
// array of uint64 (one cache miss a row): the upper half of a slot is a 32-bit tag of the
// code's hash (odd: 0 is an empty slot), the lower half the line; the tag alone places the
// slot, so that a growth can move it. Codes whose tags are equal (about a hundred pairs per
// million codes) look alike: the later one is held back and settled like a repetition, which
// keeps the result exact. Grown at three quarters full.
type codeSet struct {
	seed  maphash.Seed
	slots []uint64
	bits  uint
	n     int
}

// newCodeSet sizes the set for a file of size bytes (a register line is well over 100 bytes).
func newCodeSet(size int64) *codeSet {
	bits := uint(16)
	for int64(3<<bits/4) < size/100 && bits < 26 {
		bits++
	}
	return &codeSet{seed: maphash.MakeSeed(), slots: make([]uint64, 1<<bits), bits: bits}
}

// home is the first slot a tag probes (Fibonacci hashing of the tag).
func (s *codeSet) home(tag uint64) uint64 { return (tag >> 32) * 0x9E3779B97F4A7C15 >> (64 - s.bits) }

// add records code cf (as the codice fiscale check normalises it) met on line, and returns
// the line of its first occurrence when a code that looks alike came before (0 otherwise).
// Values that cannot be a valid code are not recorded: their rows are rejected anyway.
func (s *codeSet) add(cf string, line int) uint32 {
	for i := 0; i < len(cf); i++ {
		if cf[i] >= 0x80 { // a letter strings.ToUpper may map to ASCII (ı → I), as ValidateCF does
			cf = strings.ToUpper(cf)
			break
		}
	}
	if n := len(cf); n != 11 && n != 16 {
		return 0
	}
	var buf [16]byte
	for i := 0; i < len(cf); i++ {
		c := cf[i]
		if c >= 0x80 {
			return 0 // not a valid code
		}
		if 'a' <= c && c <= 'z' {
			c -= 'a' - 'A'
		}
		buf[i] = c
	}
	tag := (maphash.Bytes(s.seed, buf[:len(cf)]) | 1<<32) &^ 0xffffffff
	mask := uint64(len(s.slots) - 1)
	j := s.home(tag)
	for ; s.slots[j] != 0; j = (j + 1) & mask {
		if s.slots[j]&^0xffffffff == tag {
			return uint32(s.slots[j])
		}
	}
	s.slots[j] = tag | uint64(uint32(line))
	if s.n++; 4*s.n > 3*len(s.slots) {
		s.grow()
	}
	return 0
}

func (s *codeSet) grow() {
	old := s.slots
	s.bits++
	s.slots = make([]uint64, 1<<s.bits)
	mask := uint64(len(s.slots) - 1)
	for _, v := range old {
		if v == 0 {
			continue
		}
		j := s.home(v)
		for s.slots[j] != 0 {
			j = (j + 1) & mask
		}
		s.slots[j] = v
	}
}

// heldRow is a valid row whose code the reader had met before.
type heldRow struct {
	line, first int    // its line, and the line where its code (or its hash) first appeared
	cf          string // the code as stored
	tuple       []byte // the row encoded for the COPY
	key         uint64 // its stock group key
	attributed  bool   // its address was matched (counted in the match rate)
}

// settleHeld decides the held rows of a direct copy (see above): it copies the rows that
// stand, records the rejections, and returns how many rows it copied.
func (r *batchRun) settleHeld(ctx context.Context, tx pgx.Tx, held []heldRow, table string, names []string) (int, error) {
	if len(held) == 0 {
		return 0, nil
	}
	slices.SortFunc(held, func(a, b heldRow) int { return a.line - b.line })
	var codes []string
	seen := map[string]bool{}
	for _, h := range held {
		if !seen[h.cf] {
			seen[h.cf] = true
			codes = append(codes, h.cf)
		}
	}
	copied := map[string]bool{}
	rows, err := tx.Query(ctx, `SELECT codice_fiscale FROM `+table+` WHERE codice_fiscale = ANY($1)`, codes)
	if err != nil {
		return 0, fmt.Errorf("read repeated codes: %w", err)
	}
	for rows.Next() {
		var cf string
		if err := rows.Scan(&cf); err != nil {
			rows.Close()
			return 0, fmt.Errorf("read repeated codes: %w", err)
		}
		copied[cf] = true
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return 0, fmt.Errorf("read repeated codes: %w", err)
	}
	standing := map[string]int{} // code → line of the row that stands
	var stream bytes.Buffer
	stream.Write(copyHeader)
	n := 0
	for _, h := range held {
		first, ok := standing[h.cf]
		switch {
		case ok:
		case copied[h.cf]:
			first = h.first // the reader's first occurrence is the row in the table
			standing[h.cf] = first
		default:
			standing[h.cf] = h.line
			stream.Write(h.tuple)
			if r.stock != nil {
				r.stock.addKey(0, h.key)
			}
			n++
			continue
		}
		r.rejects = append(r.rejects, Rejection{Line: h.line, Column: r.schema.uniqCol, Value: h.cf,
			Reason: fmt.Sprintf("%s duplicato nel file: vale la prima occorrenza, alla riga %d", r.schema.uniqCol, first)})
		if h.attributed {
			r.matched--
		}
	}
	if n == 0 {
		return 0, nil
	}
	stream.Write(copyTrailer)
	if _, err := tx.Conn().PgConn().CopyFrom(ctx, &stream, copySQL(table, names, false)); err != nil {
		return 0, fmt.Errorf("copy the first of repeated codes into %s: %w", table, err)
	}
	return n, nil
}
