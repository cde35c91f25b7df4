package ingest

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"hash/maphash"
	"math/bits"
	"strconv"
	"sync/atomic"
	"time"

	"github.com/cespare/xxhash/v2"
	"github.com/jackc/pgx/v5"

	"github.com/comune-bologna/conoscenza/ingest/csvx"
)

// A register snapshot repeats the previous month for the great majority of companies (96 % in
// the benchmark). Instead of copying every row into staging and comparing a million rows with
// a million in SQL, the loader keeps the previous snapshot's fingerprints in memory — the
// codice fiscale, the row_hash (of the parsed values) and the raw_hash (of the fields as
// written) of each company, about 60 bytes a company — and sends to the database only the
// rows that are new or changed. A row whose raw fingerprint is the stored one is not even
// parsed: it was validated and matched when it was stored, and parses to the same values.
// The companies of the previous snapshot the file does not mention (those that left) are
// copied into a small temporary table. The merge then works on those few percent, exactly as
// it did on the diff of the full comparison: the unchanged companies are not written at all
// (migration 00012).
//
// The comparison is the one the database made: same codice fiscale, same row_hash (the
// fingerprint of every source field). A codice fiscale that the file repeats, when it is one of
// the previous snapshot's, sends the batch back to its savepoint for a second reading in which
// every row of the repeated companies is staged (sendRepeated): the merge then rejects the
// later rows one by one, as for any repeated code, and the other rows are skipped as before.

// prevSnapshot is the previous snapshot's fingerprints in an open-addressing table keyed by
// the hash of the codice fiscale (one or two cache misses a lookup, where a binary search over
// a million entries took twenty), with the codes themselves in one byte arena (for the
// companies that left).
type prevSnapshot struct {
	seed    maphash.Seed
	entries []prevEntry // in arena order
	slots   []uint32    // 1 + index into entries, 0 empty; length a power of two ≥ 2 entries
	mask    uint64
	arena   []byte
	offs    []uint32 // arena offsets, one more than the companies
	seen    bitset
	dup     atomic.Bool // a codice fiscale of the previous snapshot met twice in the file
	skipped atomic.Int64
	// rawSkipped: of those, identical as written (not even parsed)
	rawSkipped atomic.Int64
	// newRaw holds the raw fingerprint of unchanged companies whose stored one is missing
	// (rows stored before migration 00013) or differs (the same values written otherwise);
	// rawStale marks them. They are written back so that next month skips their parsing.
	newRaw   []int64
	rawStale bitset
	// repeated marks the companies the file has more than once; force, on a second reading of
	// a file that repeats some (sendRepeated), those whose every row is sent to staging.
	repeated bitset
	force    bitset
}

// bitset is a set of entry indexes that the workers update concurrently.
type bitset []atomic.Uint64

func newBitset(n int) bitset { return make(bitset, (n+63)/64) }

// add puts i in the set and says whether it was there already.
func (b bitset) add(i uint32) bool {
	bit := uint64(1) << (i % 64)
	return b[i/64].Or(bit)&bit != 0
}

func (b bitset) has(i int) bool { return b[i/64].Load()&(uint64(1)<<(i%64)) != 0 }

// code is the codice fiscale of entry i.
func (p *prevSnapshot) code(i int) string { return string(p.arena[p.offs[i]:p.offs[i+1]]) }

// companies is the number of entries.
func (p *prevSnapshot) companies() int { return len(p.offs) - 1 }

type prevEntry struct {
	key        uint64 // maphash of the codice fiscale
	hash       uint64 // row_hash, parsed; 0 when missing or not a fingerprint
	raw        int64  // raw_hash (the row as the file wrote it)
	hasRaw     bool
	attributed bool // its address has a quartiere (counts in the match rate)
}

// errPrevDuplicate sends a load back to a second reading (see execute).
var errPrevDuplicate = errors.New("codice fiscale ripetuto nel file: seconda lettura")

// loadPrevSnapshot reads the fingerprints of the companies in the latest snapshot. It returns
// nil (use the full comparison) when two codes hash alike (never seen in practice; the
// shortcut needs every key distinct).
func loadPrevSnapshot(ctx context.Context, tx pgx.Tx) (*prevSnapshot, error) {
	var n int
	if err := tx.QueryRow(ctx, `SELECT companies FROM register_snapshots ORDER BY as_of DESC LIMIT 1`).Scan(&n); err != nil {
		return nil, fmt.Errorf("read snapshots: %w", err)
	}
	// Every value as text, so that the raw bytes read below have one format.
	rows, err := tx.Query(ctx, `SELECT codice_fiscale, row_hash, (quartiere IS NOT NULL)::text, raw_hash::text
		FROM imprese_dati WHERE `+inLatest)
	if err != nil {
		return nil, fmt.Errorf("read previous snapshot: %w", err)
	}
	defer rows.Close()
	// Sized for the previous snapshot's count, so that the arrays are not copied as they grow.
	p := &prevSnapshot{seed: maphash.MakeSeed(), entries: make([]prevEntry, 0, n),
		arena: make([]byte, 0, 16*n), offs: append(make([]uint32, 0, n+1), 0)}
	for rows.Next() {
		raw := rows.RawValues()
		cf := raw[0]
		var h uint64
		if raw[1] != nil {
			h, _ = strconv.ParseUint(string(raw[1]), 16, 64)
		}
		attributed := string(raw[2]) == "true"
		e := prevEntry{key: maphash.Bytes(p.seed, cf), hash: h, attributed: attributed}
		if raw[3] != nil {
			e.raw, err = strconv.ParseInt(string(raw[3]), 10, 64)
			e.hasRaw = err == nil
		}
		p.entries = append(p.entries, e)
		p.arena = append(p.arena, cf...)
		p.offs = append(p.offs, uint32(len(p.arena)))
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("read previous snapshot: %w", err)
	}
	size := 1
	for size < 2*len(p.entries) {
		size *= 2
	}
	p.slots, p.mask = make([]uint32, size), uint64(size-1)
	for i, e := range p.entries {
		j := e.key & p.mask
		for ; p.slots[j] != 0; j = (j + 1) & p.mask {
			if p.entries[p.slots[j]-1].key == e.key {
				return nil, nil
			}
		}
		p.slots[j] = uint32(i + 1)
	}
	p.seen, p.rawStale, p.repeated = newBitset(len(p.entries)), newBitset(len(p.entries)), newBitset(len(p.entries))
	p.newRaw = make([]int64, len(p.entries))
	return p, nil
}

// sendRepeated prepares a second reading of a file that repeats companies of the previous
// snapshot: every row of those companies is then sent to staging whatever its fingerprint, so
// that the merge rejects the later rows as it does for any repeated code, while the other
// companies are skipped as before. It returns how many companies are repeated.
func (p *prevSnapshot) sendRepeated() int64 {
	var n int64
	for j := range p.repeated {
		n += int64(bits.OnesCount64(p.repeated[j].Load()))
	}
	p.force = p.repeated
	p.seen, p.rawStale, p.repeated = newBitset(len(p.entries)), newBitset(len(p.entries)), newBitset(len(p.entries))
	clear(p.newRaw)
	p.dup.Store(false)
	p.skipped.Store(0)
	p.rawSkipped.Store(0)
	return n
}

// forced says whether every row of company idx is sent (see sendRepeated).
func (p *prevSnapshot) forced(idx uint32) bool { return p.force != nil && p.force.has(int(idx)) }

// find is the previous snapshot's entry for cf, if it has the company.
func (p *prevSnapshot) find(cf string) (uint32, bool) {
	idx, ok := p.probe(maphash.String(p.seed, cf))
	if !ok || p.code(int(idx)) != cf {
		return 0, false // a different code with the same hash: not this company
	}
	return idx, true
}

// findBytes is find for a code read from a line.
func (p *prevSnapshot) findBytes(cf []byte) (uint32, bool) {
	idx, ok := p.probe(maphash.Bytes(p.seed, cf))
	if !ok || !bytes.Equal(p.arena[p.offs[idx]:p.offs[idx+1]], cf) {
		return 0, false
	}
	return idx, true
}

// probe is the entry whose code hashes to key, if any.
func (p *prevSnapshot) probe(key uint64) (uint32, bool) {
	j := key & p.mask
	for ; p.slots[j] != 0 && p.entries[p.slots[j]-1].key != key; j = (j + 1) & p.mask {
	}
	if p.slots[j] == 0 {
		return 0, false
	}
	return p.slots[j] - 1, true
}

// mark records that the file has the company idx (a second time: a repeated code).
func (p *prevSnapshot) mark(idx uint32) {
	if p.seen.add(idx) {
		p.repeated.add(idx)
		if !p.forced(idx) {
			p.dup.Store(true)
		}
	}
}

// sameRaw says, before any parsing, whether the row is byte for byte the one the previous
// snapshot stored for the company in column cfCol; if so the company is marked as present and
// the row need not be parsed nor sent.
func (p *prevSnapshot) sameRaw(rc *rowCtx, row csvx.Row, cfCol int) (same, attributed bool) {
	idx, ok := p.find(row.Get(cfCol))
	if !ok || p.forced(idx) || !p.entries[idx].hasRaw || p.entries[idx].raw != rawHash(rc, row) {
		return false, false
	}
	return true, p.present(idx)
}

// present marks company idx as met unchanged as written, and says whether its address was
// attributed.
func (p *prevSnapshot) present(idx uint32) bool {
	p.mark(idx)
	p.skipped.Add(1)
	p.rawSkipped.Add(1)
	return p.entries[idx].attributed
}

// skipLine is a month's line filter (csvx.Reader.SkipLines), run by the reader before any
// parsing: a line written without quotes whose hash is the raw fingerprint the previous
// snapshot stored for the company in field cfField is that company unchanged, as sameRaw would
// find after parsing it (rawHash of such a line's fields is the hash of the line xor the
// header's layout). It says whether to drop the line and, if so, whether the company's
// address was attributed.
func (p *prevSnapshot) skipLine(line []byte, cfField int, sep byte, layout uint64) (skip, attributed bool) {
	cf := line
	for i := 0; i < cfField; i++ {
		k := bytes.IndexByte(cf, sep)
		if k < 0 {
			return false, false
		}
		cf = cf[k+1:]
	}
	if k := bytes.IndexByte(cf, sep); k >= 0 {
		cf = cf[:k]
	}
	idx, ok := p.findBytes(bytes.TrimSpace(cf))
	if !ok || p.forced(idx) || !p.entries[idx].hasRaw || p.entries[idx].raw != int64(xxhash.Sum64(line)^layout) {
		return false, false
	}
	return true, p.present(idx)
}

// unchanged records that the file has cf with fingerprint rowHash (of the parsed values) and
// raw fingerprint raw, and says whether the previous snapshot had the company exactly so (the
// row need not be sent), and if so whether its address was attributed.
func (p *prevSnapshot) unchanged(cf, rowHash string, raw int64) (same, attributed bool) {
	idx, ok := p.find(cf)
	if !ok {
		return false, false
	}
	p.mark(idx)
	if p.forced(idx) {
		return false, false
	}
	e := &p.entries[idx]
	h, err := strconv.ParseUint(rowHash, 16, 64)
	if err != nil || e.hash == 0 || h != e.hash {
		return false, false
	}
	if !e.hasRaw || e.raw != raw {
		p.newRaw[idx] = raw // each idx is written by one worker (a second one is a duplicate)
		p.rawStale.add(idx)
	}
	p.skipped.Add(1)
	return true, e.attributed
}

// storeRawHashes writes back the raw fingerprints unchanged() found missing or different, for
// the companies of the previous snapshot the file repeats unchanged (a few after a change of
// spelling; all of them in the first month after migration 00013, once).
func storeRawHashes(ctx context.Context, tx pgx.Tx, r *batchRun) error {
	p := r.prev
	var n int64
	for j := range p.rawStale {
		n += int64(bits.OnesCount64(p.rawStale[j].Load()))
	}
	r.rawStored = n
	if n == 0 {
		return nil
	}
	t0 := time.Now()
	if _, err := tx.Exec(ctx, `CREATE TEMP TABLE ingest_raw (codice_fiscale text PRIMARY KEY, raw_hash bigint NOT NULL) ON COMMIT DROP`); err != nil {
		return fmt.Errorf("create ingest_raw: %w", err)
	}
	i, row := 0, make([]any, 2)
	next := func() ([]any, error) { // streams the marked companies: no list in memory
		for ; i < p.companies(); i++ {
			if p.rawStale.has(i) {
				row[0], row[1] = p.code(i), p.newRaw[i]
				i++
				return row, nil
			}
		}
		return nil, nil
	}
	if _, err := tx.CopyFrom(ctx, pgx.Identifier{"ingest_raw"}, []string{"codice_fiscale", "raw_hash"}, pgx.CopyFromFunc(next)); err != nil {
		return fmt.Errorf("copy ingest_raw: %w", err)
	}
	if _, err := tx.Exec(ctx, `UPDATE imprese_dati d SET raw_hash = t.raw_hash FROM ingest_raw t WHERE d.codice_fiscale = t.codice_fiscale`); err != nil {
		return fmt.Errorf("store raw fingerprints: %w", err)
	}
	r.took("impronte", t0)
	return nil
}

// gone lists the previous snapshot's companies the file did not mention.
func (p *prevSnapshot) gone() [][]any {
	var out [][]any
	for i := 0; i < p.companies(); i++ {
		if !p.seen.has(i) {
			out = append(out, []any{p.code(i)})
		}
	}
	return out
}

// stageGone copies the companies that left into ingest_gone, for the merge.
func stageGone(ctx context.Context, tx pgx.Tx, r *batchRun) error {
	t0 := time.Now()
	if _, err := tx.Exec(ctx, `CREATE TEMP TABLE ingest_gone (codice_fiscale text PRIMARY KEY) ON COMMIT DROP`); err != nil {
		return fmt.Errorf("create ingest_gone: %w", err)
	}
	if _, err := tx.CopyFrom(ctx, pgx.Identifier{"ingest_gone"}, []string{"codice_fiscale"}, pgx.CopyFromRows(r.prev.gone())); err != nil {
		return fmt.Errorf("copy ingest_gone: %w", err)
	}
	if _, err := tx.Exec(ctx, `ANALYZE ingest_gone`); err != nil {
		return fmt.Errorf("analyze ingest_gone: %w", err)
	}
	r.took("uscite", t0)
	return nil
}
