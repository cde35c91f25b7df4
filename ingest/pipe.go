package ingest

import (
	"sync"
	"time"
)

// pipeSource runs the row source (CSV reading, validation, address matching) in its own
// goroutine and hands rows to COPY in batches, so that validating the next rows overlaps
// with pgx encoding and sending the previous ones.
type pipeSource struct {
	src   *rowSource
	width int
	full  chan *rowBatch
	free  chan *rowBatch
	stop  chan struct{}
	wg    sync.WaitGroup
	cur   *rowBatch
	i     int
}

type rowBatch struct {
	vals []any
	n    int
}

const pipeBatchRows = 512

func newPipeSource(src *rowSource) *pipeSource {
	p := &pipeSource{src: src, width: len(src.rc.vals), full: make(chan *rowBatch, 4),
		free: make(chan *rowBatch, 6), stop: make(chan struct{})}
	for i := 0; i < 6; i++ {
		p.free <- &rowBatch{vals: make([]any, pipeBatchRows*p.width)}
	}
	p.wg.Add(1)
	go p.produce()
	return p
}

func (p *pipeSource) produce() {
	defer p.wg.Done()
	defer close(p.full)
	for {
		var b *rowBatch
		select {
		case b = <-p.free:
		case <-p.stop:
			return
		}
		b.n = 0
		more := true
		for b.n < pipeBatchRows {
			if more = p.src.Next(); !more {
				break
			}
			copy(b.vals[b.n*p.width:], p.src.rc.vals)
			b.n++
		}
		if b.n > 0 {
			select {
			case p.full <- b:
			case <-p.stop:
				return
			}
		}
		if !more {
			return
		}
	}
}

// Next implements pgx.CopyFromSource.
func (p *pipeSource) Next() bool {
	if p.cur != nil && p.i+1 < p.cur.n {
		p.i++
		return true
	}
	if p.cur != nil {
		clear(p.cur.vals[:p.cur.n*p.width]) // drop references for the collector
		p.free <- p.cur
		p.cur = nil
	}
	b, ok := <-p.full
	if !ok {
		return false
	}
	p.cur, p.i = b, 0
	return true
}

// Values implements pgx.CopyFromSource.
func (p *pipeSource) Values() ([]any, error) {
	return p.cur.vals[p.i*p.width : (p.i+1)*p.width], nil
}

// Err implements pgx.CopyFromSource; it is read after the producer has stopped.
func (p *pipeSource) Err() error { return p.src.err }

// close stops the producer (when COPY ended early) and waits for it, so that the row source's
// counters and rejections can be read safely.
func (p *pipeSource) close() {
	close(p.stop)
	p.wg.Wait()
}

// historySource feeds the direct COPY into imprese_storia: each staged row without its line
// number, then the snapshot date (valid_from) and the batch.
type historySource struct {
	pipe  *pipeSource
	row   []any
	asOf  time.Time
	batch int64
}

// Next implements pgx.CopyFromSource.
func (h *historySource) Next() bool { return h.pipe.Next() }

// Values implements pgx.CopyFromSource; pgx encodes the row before asking for the next one,
// so one buffer serves every row.
func (h *historySource) Values() ([]any, error) {
	v, _ := h.pipe.Values()
	n := copy(h.row, v[1:])
	h.row[n], h.row[n+1] = h.asOf, h.batch
	return h.row, nil
}

// Err implements pgx.CopyFromSource.
func (h *historySource) Err() error { return h.pipe.Err() }
