package ingest

import (
	"context"
	"errors"
	"fmt"
	"hash/maphash"
	"slices"
	"strconv"
	"sync/atomic"
	"time"

	"github.com/jackc/pgx/v5"
)

// A register snapshot repeats the previous month for the great majority of companies (96 % in
// the benchmark). Instead of copying every row into staging and comparing a million rows with
// a million in SQL, the loader keeps the previous snapshot's fingerprints in memory — the
// codice fiscale and the row_hash of each company, about 40 bytes a company — and sends to the
// database only the rows that are new or changed. The companies of the previous snapshot the
// file does not mention (those that left) are copied into a small temporary table. The merge
// then works on those few percent, exactly as it did on the diff of the full comparison: the
// unchanged companies are not written at all (migration 00012).
//
// The comparison is the one the database made: same codice fiscale, same row_hash (the
// fingerprint of every source field). A codice fiscale that the file repeats, when it is one of
// the previous snapshot's, stops the shortcut: the batch goes back to its savepoint and runs
// the full comparison in SQL, which rejects the later rows one by one (see execute).

// prevSnapshot is the previous snapshot's fingerprints, sorted by the hash of the codice
// fiscale, with the codes themselves in one byte arena (for the companies that left).
type prevSnapshot struct {
	seed    maphash.Seed
	entries []prevEntry
	arena   []byte
	offs    []uint32 // arena offsets, one more than the companies
	seen    []atomic.Uint64
	dup     atomic.Bool // a codice fiscale of the previous snapshot met twice in the file
	skipped atomic.Int64
}

type prevEntry struct {
	key        uint64 // maphash of the codice fiscale
	hash       uint64 // row_hash, parsed; 0 when missing or not a fingerprint
	idx        uint32 // position in arena order
	attributed bool   // its address has a quartiere (counts in the match rate)
}

// errPrevDuplicate sends a load back to the full comparison (see execute).
var errPrevDuplicate = errors.New("codice fiscale ripetuto nel file: confronto completo")

// loadPrevSnapshot reads the fingerprints of the companies in the latest snapshot. It returns
// nil (use the full comparison) when two codes hash alike (never seen in practice; the
// shortcut needs every key distinct).
func loadPrevSnapshot(ctx context.Context, tx pgx.Tx) (*prevSnapshot, error) {
	rows, err := tx.Query(ctx, `SELECT codice_fiscale, row_hash, quartiere IS NOT NULL FROM imprese_dati WHERE `+inLatest)
	if err != nil {
		return nil, fmt.Errorf("read previous snapshot: %w", err)
	}
	defer rows.Close()
	p := &prevSnapshot{seed: maphash.MakeSeed(), offs: []uint32{0}}
	for rows.Next() {
		raw := rows.RawValues()
		cf := raw[0]
		var h uint64
		if raw[1] != nil {
			h, _ = strconv.ParseUint(string(raw[1]), 16, 64)
		}
		attributed := len(raw[2]) == 1 && (raw[2][0] == 1 || raw[2][0] == 't') // binary or text format
		p.entries = append(p.entries, prevEntry{key: maphash.Bytes(p.seed, cf), hash: h, idx: uint32(len(p.offs) - 1), attributed: attributed})
		p.arena = append(p.arena, cf...)
		p.offs = append(p.offs, uint32(len(p.arena)))
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("read previous snapshot: %w", err)
	}
	slices.SortFunc(p.entries, func(a, b prevEntry) int {
		switch {
		case a.key < b.key:
			return -1
		case a.key > b.key:
			return 1
		}
		return 0
	})
	for i := 1; i < len(p.entries); i++ {
		if p.entries[i].key == p.entries[i-1].key {
			return nil, nil
		}
	}
	p.seen = make([]atomic.Uint64, (len(p.entries)+63)/64)
	return p, nil
}

// unchanged records that the file has cf with fingerprint rowHash and says whether the
// previous snapshot had the company exactly so (the row need not be sent), and if so whether
// its address was attributed.
func (p *prevSnapshot) unchanged(cf, rowHash string) (same, attributed bool) {
	key := maphash.String(p.seed, cf)
	i, ok := slices.BinarySearchFunc(p.entries, key, func(e prevEntry, k uint64) int {
		switch {
		case e.key < k:
			return -1
		case e.key > k:
			return 1
		}
		return 0
	})
	if !ok {
		return false, false
	}
	e := &p.entries[i]
	if string(p.arena[p.offs[e.idx]:p.offs[e.idx+1]]) != cf {
		return false, false // a different code with the same hash: not this company
	}
	w, bit := &p.seen[e.idx/64], uint64(1)<<(e.idx%64)
	if w.Or(bit)&bit != 0 {
		p.dup.Store(true)
	}
	h, err := strconv.ParseUint(rowHash, 16, 64)
	if err != nil || e.hash == 0 || h != e.hash {
		return false, false
	}
	p.skipped.Add(1)
	return true, e.attributed
}

// gone lists the previous snapshot's companies the file did not mention.
func (p *prevSnapshot) gone() [][]any {
	var out [][]any
	for i := 0; i+1 < len(p.offs); i++ {
		if p.seen[i/64].Load()&(uint64(1)<<(i%64)) == 0 {
			out = append(out, []any{string(p.arena[p.offs[i]:p.offs[i+1]])})
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
