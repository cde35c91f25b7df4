package ingest

import (
	"context"
	"errors"
	"fmt"
	"hash/maphash"
	"io"
	"runtime"
	"sync"
	"time"
	"unicode/utf8"

	"github.com/comune-bologna/conoscenza/ingest/address"
	"github.com/comune-bologna/conoscenza/ingest/csvx"
)

// pipeline streams a file into PostgreSQL's binary COPY format: one goroutine reads the CSV,
// validation workers (one per core, at most 2 in practice) check, match and encode rows, and
// the COPY reads the encoded batches through Read. Rows reach the table in no particular
// order (each carries its line number); rejections are sorted when stored.
type pipeline struct {
	ctx context.Context
	r   *batchRun

	raw     chan *rawBatch
	rawFree chan *rawBatch
	enc     chan *encBatch
	encFree chan *encBatch
	stop    chan struct{}
	wg      sync.WaitGroup // reader and workers

	// reader goroutine
	read        int
	lineMatched int // rows dropped by the line filter whose address was attributed
	readErr     error
	rowRejects  []Rejection

	workers []*worker
	codes   *codeSet // the reader's codes, on a direct copy (firstdup.go)
	cfCol   int      // the code's column, with codes
	layout  uint64   // the header's layout, mixed into the raw fingerprints (rawHash)

	// Read (COPY goroutine)
	started, ended bool
	pending        []byte
	cur            *encBatch
	rows           int64
	dups           *dupFilter // nil when the kind has no single unique key
}

// pipeBatchRows rows travel together between the goroutines.
const pipeBatchRows = 1024

type rawBatch struct {
	rows []csvx.Row
	buf  []string // backing store of the rows' fields
	// dupOf, on a first snapshot's direct copy, is for each row the line where its code was
	// first met, 0 when it was not (see firstdup.go)
	dupOf []uint32
}

type encBatch struct {
	buf    []byte   // encoded tuples for the COPY
	hashes []uint64 // of the unique key of each tuple, when dups is kept
	n      int
}

// worker validates and encodes rows; each has its own row state, matcher cache and encoder.
type worker struct {
	sc      *schema
	rc      rowCtx
	matcher *address.Matcher
	enc     *tupleEncoder
	rejects []Rejection
	matched int
	err     error
	seed    maphash.Seed
	keyPos  int // position in vals of the unique key hashed for dups, -1 when none
	// prev, when set, holds the previous register snapshot: rows it already has unchanged
	// are not sent (see unchanged.go); cfPos and hashPos locate the code and fingerprint.
	prev                   *prevSnapshot
	cfPos, hashPos, rawPos int
	carry                  *carryOver // values of the columns the file lacks (carry.go)
	// stock, when set, counts the accepted rows by the stock aggregate's groups (a first
	// snapshot on the direct path, see stockgroups.go); id is this worker's counter.
	stock *stockGroups
	id    int
	// held are the valid rows of codes met before, on a direct copy (firstdup.go)
	held    []heldRow
	tooMany bool
}

// hold keeps back the valid row in w.rc.vals, on line, whose code the reader met first on
// line first.
func (w *worker) hold(line, first int, attributed bool, main copyTarget) {
	if len(w.held) >= maxHeldRows {
		w.tooMany = true // the copy goes back to staging (see pipeline.heldRows)
		return
	}
	v := w.rc.vals
	h := heldRow{line: line, first: first, attributed: attributed}
	h.cf, _ = v[w.cfPos].(string)
	if h.tuple, w.err = w.enc.appendTuple(nil, v[main.from:main.to], main.extra...); w.err != nil {
		return
	}
	if w.stock != nil {
		h.key = w.stock.key(v)
	}
	w.held = append(w.held, h)
}

// copyTarget says what each accepted row becomes: the values from vals[from:to] followed by
// extra, in columns of the given SQL types.
type copyTarget struct {
	from, to int
	extra    []any
	types    []string
}

func newPipeline(ctx context.Context, r *batchRun, main copyTarget, limit time.Time) (*pipeline, error) {
	n := pipeWorkers()
	p := &pipeline{ctx: ctx, r: r,
		raw: make(chan *rawBatch, 2*n), rawFree: make(chan *rawBatch, 4*n),
		enc: make(chan *encBatch, 2*n), encFree: make(chan *encBatch, 4*n),
		stop: make(chan struct{})}
	sc := r.schema
	keyPos := -1
	switch {
	case r.direct:
		p.codes, p.cfCol = newCodeSet(r.size), sc.pos("codice_fiscale")-1
	case sc.optimistic && len(sc.unique) == 1:
		keyPos = sc.pos(sc.unique[0])
		p.dups = newDupFilter()
	}
	seed := maphash.MakeSeed()
	p.layout = layoutHash(r.reader, len(sc.fields))
	for i := 0; i < n; i++ {
		w := &worker{sc: sc, rc: rowCtx{limit: limit, vals: make([]any, len(sc.stagingCols())), sep: byte(r.reader.Separator), layout: p.layout,
			box: newRowBoxes(len(sc.stagingCols()))}, seed: seed, keyPos: keyPos,
			stock: r.stock, id: i}
		if r.prev != nil {
			w.prev, w.hashPos, w.rawPos = r.prev, sc.pos("row_hash"), sc.pos("raw_hash")
		}
		if r.prev != nil || r.direct || r.carry != nil {
			w.cfPos = sc.pos("codice_fiscale")
		}
		w.carry = r.carry
		if r.matcher != nil {
			w.matcher = r.matcher.Clone()
		}
		var err error
		if w.enc, err = newTupleEncoder(main.types); err != nil {
			return nil, err
		}
		p.workers = append(p.workers, w)
	}
	p.wg.Add(1)
	go p.readRows()
	var ww sync.WaitGroup
	for _, w := range p.workers {
		ww.Add(1)
		go func() {
			defer ww.Done()
			p.work(w, main)
		}()
	}
	p.wg.Add(1)
	go func() {
		defer p.wg.Done()
		ww.Wait()
		close(p.enc)
	}()
	return p, nil
}

// pipeWorkers is the number of validation goroutines.
func pipeWorkers() int { return min(runtime.GOMAXPROCS(0), 4) }

// readRows is the reader goroutine.
func (p *pipeline) readRows() {
	defer p.wg.Done()
	defer close(p.raw)
	rd := p.r.reader
	prog := newProgress(p.r.opts.Progress, string(p.r.schema.kind), p.r.size, p.r.loader.now)
	defer prog.done()
	if prev := p.r.prev; prev != nil && len(p.workers) > 0 {
		// A month: the lines the previous snapshot has as written are dropped unparsed; they
		// count as rows read and accepted (prev.skipped).
		if cf := rd.Position(p.workers[0].cfPos - 1); cf >= 0 {
			sep := byte(rd.Separator)
			rd.SkipLines(func(line []byte) bool {
				skip, attributed := prev.skipLine(line, cf, sep, p.layout)
				if attributed {
					p.lineMatched++
				}
				return skip
			})
			defer func() { p.read += rd.Skipped() }()
		}
	}
	for {
		var b *rawBatch
		select {
		case b = <-p.rawFree:
			b.rows, b.dupOf = b.rows[:0], b.dupOf[:0]
		default:
			b = &rawBatch{rows: make([]csvx.Row, 0, pipeBatchRows), buf: make([]string, pipeBatchRows*24)}
		}
		buf := b.buf
		for len(b.rows) < pipeBatchRows {
			if p.read&4095 == 0 {
				if err := p.ctx.Err(); err != nil {
					p.readErr = err
					return
				}
				prog.update(p.read+rd.Skipped(), p.r.counter.n)
			}
			row, err := rd.Read()
			if errors.Is(err, io.EOF) {
				p.send(b)
				return
			}
			var re *csvx.RowError
			if errors.As(err, &re) {
				p.read++
				p.rowRejects = append(p.rowRejects, Rejection{Line: re.Line, Column: re.Column, Value: re.Value, Reason: re.Reason})
				continue
			}
			if err != nil {
				p.readErr = fmt.Errorf("read %s: %w", p.r.file, err)
				return
			}
			p.read++
			row, buf = row.Detach(buf)
			b.rows = append(b.rows, row)
			if p.codes != nil {
				b.dupOf = append(b.dupOf, p.codes.add(row.Get(p.cfCol), row.Line))
			}
		}
		if !p.send(b) {
			return
		}
	}
}

func (p *pipeline) send(b *rawBatch) bool {
	if len(b.rows) == 0 {
		return true
	}
	select {
	case p.raw <- b:
		return true
	case <-p.stop:
		return false
	}
}

// work is one validation goroutine.
func (p *pipeline) work(w *worker, main copyTarget) {
	for b := range p.raw {
		var e *encBatch
		select {
		case e = <-p.encFree:
			e.buf, e.hashes, e.n = e.buf[:0], e.hashes[:0], 0
		default:
			e = &encBatch{buf: make([]byte, 0, 256*pipeBatchRows)}
		}
		for i, row := range b.rows {
			if w.err != nil {
				continue
			}
			matched := w.matched
			if send := w.validate(row); !send {
				continue
			}
			v := w.rc.vals
			if len(b.dupOf) > 0 && b.dupOf[i] != 0 {
				w.hold(row.Line, int(b.dupOf[i]), w.matched > matched, main)
				continue
			}
			if e.buf, w.err = w.enc.appendTuple(e.buf, v[main.from:main.to], main.extra...); w.err != nil {
				continue
			}
			if w.stock != nil {
				w.stock.add(w.id, v)
			}
			if w.keyPos >= 0 {
				k, _ := v[w.keyPos].(string)
				e.hashes = append(e.hashes, maphash.String(w.seed, k))
			}
			e.n++
		}
		clear(b.rows) // drop references for the collector
		select {
		case p.rawFree <- b:
		default:
		}
		select {
		case p.enc <- e:
		case <-p.stop:
			return
		}
	}
}

// Read implements io.Reader over the binary COPY stream; it is called by one goroutine (the
// COPY's), which also keeps the duplicate filter.
func (p *pipeline) Read(dst []byte) (int, error) {
	for len(p.pending) == 0 {
		if p.cur != nil {
			select {
			case p.encFree <- p.cur:
			default:
			}
			p.cur = nil
		}
		switch {
		case !p.started:
			p.started, p.pending = true, copyHeader
			continue
		case p.ended:
			return 0, io.EOF
		}
		e, ok := <-p.enc
		if !ok {
			if err := p.failure(); err != nil {
				return 0, err
			}
			p.ended, p.pending = true, copyTrailer
			continue
		}
		p.cur, p.pending = e, e.buf
		p.rows += int64(e.n)
		if p.dups != nil {
			for _, h := range e.hashes {
				p.dups.add(h)
			}
		}
	}
	n := copy(dst, p.pending)
	p.pending = p.pending[n:]
	return n, nil
}

// heldRows gathers the workers' held rows; ok is false when a worker held too many.
func (p *pipeline) heldRows() (held []heldRow, ok bool) {
	for _, w := range p.workers {
		if w.tooMany {
			return nil, false
		}
		held = append(held, w.held...)
	}
	return held, true
}

// failure is the first error of the reader or the workers; valid once p.enc is closed.
func (p *pipeline) failure() error {
	if p.readErr != nil {
		return p.readErr
	}
	for _, w := range p.workers {
		if w.err != nil {
			return w.err
		}
	}
	return nil
}

// close stops the goroutines (when COPY ended early), waits for them and hands the counters
// and rejections to the batch.
func (p *pipeline) close() {
	close(p.stop)
	for range p.enc { // unblock workers waiting to send
	}
	p.wg.Wait()
	r := p.r
	r.rejects = append(r.rejects, p.rowRejects...)
	r.matched += p.lineMatched
	for _, w := range p.workers {
		r.rejects = append(r.rejects, w.rejects...)
		r.matched += w.matched
		if w.rc.maxDate.After(r.lastDate) {
			r.lastDate = w.rc.maxDate
		}
	}
}

// maxValue is the longest value a field may hold, in characters. No name, address or code of
// the formats comes near it; a longer one (a line of garbage with the right number of
// separators) does not fit PostgreSQL's index rows (2,704 bytes: the identifiers, the company
// name) and failed the whole load instead of being one bad row.
const maxValue = 1000

// validate checks and maps one row into w.rc.vals and says whether to send it: a rejected row
// is recorded, a row the previous register snapshot has unchanged is counted (and its address
// not matched again: its attribution is the stored one, see unchanged.go).
func (w *worker) validate(row csvx.Row) bool {
	sc, rc := w.sc, &w.rc
	if w.prev != nil {
		if same, attributed := w.prev.sameRaw(rc, row, w.cfPos-1); same {
			if attributed {
				w.matched++
			}
			return false
		}
	}
	rc.box.reset() // the previous row's values are encoded: their slots are free
	rc.vals[0] = int32(row.Line)
	rc.rowMax = time.Time{}
	for i := range sc.fields {
		f := &sc.fields[i]
		raw := row.Get(i)
		if len(raw) > maxValue && utf8.RuneCountInString(raw) > maxValue {
			w.rejects = append(w.rejects, Rejection{Line: row.Line, Column: f.Col, Value: string([]rune(raw)[:200]) + "…",
				Reason: fmt.Sprintf("valore troppo lungo: %d caratteri (al massimo %d)", utf8.RuneCountInString(raw), maxValue)})
			return false
		}
		v, err := f.Parse(rc, raw)
		if err != nil {
			w.rejects = append(w.rejects, Rejection{Line: row.Line, Column: f.Col, Value: raw, Reason: err.Error()})
			return false
		}
		rc.vals[1+i] = v
	}
	if w.carry != nil {
		w.carry.apply(rc, w.cfPos)
	}
	if re := sc.finish(rc, row); re != nil {
		w.rejects = append(w.rejects, Rejection{Line: re.Line, Column: re.Column, Value: re.Value, Reason: re.Reason})
		return false
	}
	if rc.rowMax.After(rc.maxDate) { // a rejected row's dates say nothing of the file's as-of
		rc.maxDate = rc.rowMax
	}
	if w.prev != nil {
		cf, _ := rc.vals[w.cfPos].(string)
		h, _ := rc.vals[w.hashPos].(string)
		raw, _ := rc.vals[w.rawPos].(int64)
		if same, attributed := w.prev.unchanged(cf, h, raw); same {
			if attributed {
				w.matched++
			}
			return false
		}
	}
	if sc.terr >= 0 {
		addr, _ := rc.vals[1+sc.address].(string)
		t, ok := w.matcher.Match(addr)
		rc.vals[sc.terr], rc.vals[sc.terr+1], rc.vals[sc.terr+2] = rc.box.strOrNil(t.Quartiere), rc.box.strOrNil(t.Zona), rc.box.strOrNil(t.Area)
		if ok {
			w.matched++
		}
	}
	return true
}

// dupFilter is a Bloom filter of the file's unique keys (16 MiB whatever the file's size):
// when no key can have been seen twice, the register merge skips building a unique index on
// the staging table. A false positive only brings that index back.
type dupFilter struct {
	bits  []uint64
	maybe bool
}

const dupFilterBits = 1 << 27

func newDupFilter() *dupFilter { return &dupFilter{bits: make([]uint64, dupFilterBits/64)} }

func (f *dupFilter) add(h uint64) {
	h1, h2 := uint32(h), uint32(h>>32)|1
	seen := true
	for i := uint32(0); i < 6; i++ {
		pos := (h1 + i*h2) & (dupFilterBits - 1)
		w, b := pos>>6, uint64(1)<<(pos&63)
		if f.bits[w]&b == 0 {
			seen = false
			f.bits[w] |= b
		}
	}
	if seen {
		f.maybe = true
	}
}
