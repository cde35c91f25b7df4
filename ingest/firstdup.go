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
const maxHeldRows = 50_000

// codeSet is the reader's set of code hashes, with the line each was first met on: open
// addressing over two arrays (12 bytes a slot), grown at three quarters full.
type codeSet struct {
	seed   maphash.Seed
	hashes []uint64 // 0 is an empty slot
	lines  []uint32
	n      int
}

func newCodeSet() *codeSet {
	return &codeSet{seed: maphash.MakeSeed(), hashes: make([]uint64, 1<<16), lines: make([]uint32, 1<<16)}
}

// add records code cf (as the codice fiscale check normalises it) met on line, and returns
// the line of its first occurrence when a code with the same hash came before (0 otherwise).
// Values that cannot be a valid code are not recorded: their rows are rejected anyway.
func (s *codeSet) add(cf string, line int) uint32 {
	if n := len(cf); n != 11 && n != 16 {
		return 0
	}
	var buf [16]byte
	for i := 0; i < len(cf); i++ {
		c := cf[i]
		if c >= 0x80 { // a letter strings.ToUpper might map to ASCII (ı → I): its slow path
			return s.add(strings.ToUpper(cf), line)
		}
		if 'a' <= c && c <= 'z' {
			c -= 'a' - 'A'
		}
		buf[i] = c
	}
	h := maphash.Bytes(s.seed, buf[:len(cf)]) | 1
	mask := uint64(len(s.hashes) - 1)
	j := h & mask
	for ; s.hashes[j] != 0; j = (j + 1) & mask {
		if s.hashes[j] == h {
			return s.lines[j]
		}
	}
	s.hashes[j], s.lines[j] = h, uint32(line)
	if s.n++; 4*s.n > 3*len(s.hashes) {
		s.grow()
	}
	return 0
}

func (s *codeSet) grow() {
	hashes, lines := make([]uint64, 2*len(s.hashes)), make([]uint32, 2*len(s.hashes))
	mask := uint64(len(hashes) - 1)
	for i, h := range s.hashes {
		if h == 0 {
			continue
		}
		j := h & mask
		for hashes[j] != 0 {
			j = (j + 1) & mask
		}
		hashes[j], lines[j] = h, s.lines[i]
	}
	s.hashes, s.lines = hashes, lines
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
