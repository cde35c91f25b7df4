package ingest

import (
	"fmt"
	"io"
	"time"
)

// progress prints one line, rewritten in place, with rows, rows/s and ETA. The CLI gives it
// a writer only when stderr is a terminal, so scripts and logs stay clean.
type progress struct {
	w     io.Writer
	what  string
	size  int64
	now   func() time.Time
	start time.Time
	last  time.Time
	rows  int
	shown bool
}

func newProgress(w io.Writer, what string, size int64, now func() time.Time) *progress {
	t := now()
	return &progress{w: w, what: what, size: size, now: now, start: t, last: t}
}

func (p *progress) update(rows int, bytes int64) {
	if p == nil || p.w == nil {
		return
	}
	p.rows = rows
	t := p.now()
	if t.Sub(p.last) < 500*time.Millisecond {
		return
	}
	p.last = t
	el := t.Sub(p.start).Seconds()
	rate := float64(rows) / el
	eta := "?"
	if bytes > 0 && p.size > 0 {
		left := el * float64(p.size-bytes) / float64(bytes)
		eta = (time.Duration(left) * time.Second).Round(time.Second).String()
	}
	pct := 0.0
	if p.size > 0 {
		pct = 100 * float64(bytes) / float64(p.size)
	}
	fmt.Fprintf(p.w, "\r%s: %d righe, %.0f righe/s, %.0f%%, ETA %s   ", p.what, rows, rate, pct, eta)
	p.shown = true
}

func (p *progress) done() {
	if p == nil || p.w == nil || !p.shown {
		return
	}
	el := p.now().Sub(p.start).Seconds()
	fmt.Fprintf(p.w, "\r%s: %d righe lette in %.1fs (%.0f righe/s); unione in corso...\n", p.what, p.rows, el, float64(p.rows)/el)
}
