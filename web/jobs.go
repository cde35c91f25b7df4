package web

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"regexp"
	"strconv"
	"sync"
	"time"

	"github.com/comune-bologna/conoscenza/ingest"
)

// IngestJob is what GET /api/v1/ingest/jobs/{id} answers: the load's phase and progress while
// it runs, then the batch report (exactly the summary `conoscenza ingest --json` prints) or
// the error.
type IngestJob struct {
	ID         string          `json:"id"`
	Kind       string          `json:"kind"`
	File       string          `json:"file"`
	Bytes      int64           `json:"bytes"`
	AsOf       string          `json:"as_of,omitempty"` // as asked in the form
	State      string          `json:"state"`           // queued, reading, merging, done, failed
	Rows       int             `json:"rows"`            // data rows read so far
	RowsPerSec float64         `json:"rows_per_s"`
	Percent    float64         `json:"percent"` // of the file's bytes read
	StartedBy  string          `json:"started_by"`
	CreatedAt  time.Time       `json:"created_at"`
	StartedAt  *time.Time      `json:"started_at,omitempty"`
	FinishedAt *time.Time      `json:"finished_at,omitempty"`
	ElapsedMS  int64           `json:"elapsed_ms"`
	Summary    *ingest.Summary `json:"summary,omitempty"`
	Territory  *TerritoryJob   `json:"territory,omitempty"` // kind territorio: what the shapes' load adds
	Error      *JobError       `json:"error,omitempty"`
}

// TerritoryJob is what a boundaries load adds to the batch summary (the fields
// `conoscenza ingest territorio --json` adds).
type TerritoryJob struct {
	Level        string   `json:"level"`
	NameProperty string   `json:"name_property"`
	Approximate  bool     `json:"approssimato"`
	Source       string   `json:"fonte"`
	Areas        []string `json:"aree"`
	Missing      []string `json:"senza_forma"`
}

// JobError is why a load failed, as an API error body would say it.
type JobError struct {
	Code    string `json:"code"`
	Message string `json:"message"`
}

// job is one load started from the browser. It is the loader's Progress writer: the loader
// prints its progress line there about twice a second.
type job struct {
	id   string
	kind ingest.Kind
	file string
	size int64

	mu   sync.Mutex
	view IngestJob
}

// progressLine matches the loader's progress line (ingest/progress.go):
// "\r<what>: <rows> righe, <rate> righe/s, <pct>%, ETA <eta>"; and its last line
// "\r<what>: <rows> righe lette in <s>s (<rate> righe/s); unione in corso...".
var (
	progressLine = regexp.MustCompile(`: (\d+) righe, (\d+) righe/s, (\d+)%`)
	progressDone = regexp.MustCompile(`: (\d+) righe lette in [0-9.]+s \((\d+) righe/s\)`)
)

// Write takes the loader's progress output.
func (j *job) Write(p []byte) (int, error) {
	j.mu.Lock()
	defer j.mu.Unlock()
	if m := progressLine.FindSubmatch(p); m != nil {
		j.view.Rows, _ = strconv.Atoi(string(m[1]))
		j.view.RowsPerSec, _ = strconv.ParseFloat(string(m[2]), 64)
		j.view.Percent, _ = strconv.ParseFloat(string(m[3]), 64)
	} else if m := progressDone.FindSubmatch(p); m != nil {
		j.view.Rows, _ = strconv.Atoi(string(m[1]))
		j.view.RowsPerSec, _ = strconv.ParseFloat(string(m[2]), 64)
		j.view.Percent, j.view.State = 100, "merging"
	}
	return len(p), nil
}

func (j *job) start() {
	j.mu.Lock()
	defer j.mu.Unlock()
	now := time.Now()
	j.view.StartedAt, j.view.State = &now, "reading"
}

// finish records the outcome; rows per second then come from the summary (a small file is
// read before the first progress line).
func (j *job) finish(sum ingest.Summary, terr *TerritoryJob, err error) {
	j.mu.Lock()
	defer j.mu.Unlock()
	now := time.Now()
	j.view.FinishedAt = &now
	if err != nil {
		_, code, msg := statusFor(err)
		j.view.State, j.view.Error = "failed", &JobError{Code: code, Message: msg}
		return
	}
	j.view.State, j.view.Summary, j.view.Rows, j.view.Percent = "done", &sum, sum.Read, 100
	j.view.Territory = terr
	if sum.DurationMS > 0 && !sum.UnchangedFile {
		j.view.RowsPerSec = float64(sum.Read) / (float64(sum.DurationMS) / 1000)
	}
}

func (j *job) snapshot() IngestJob {
	j.mu.Lock()
	defer j.mu.Unlock()
	v := j.view
	end := time.Now()
	if v.FinishedAt != nil {
		end = *v.FinishedAt
	}
	if v.StartedAt != nil {
		v.ElapsedMS = end.Sub(*v.StartedAt).Milliseconds()
	}
	return v
}

// jobs keeps the server's load jobs in memory (a finished job's batch stays in the database)
// and runs one load at a time: loads are heavy, and two register snapshots must go in order.
type jobs struct {
	mu   sync.Mutex
	byID map[string]*job
	ids  []string // oldest first
	run  chan struct{}
	// uploads holds the uploaded files until their load ends.
	uploads uploadRoot
}

// maxJobs is how many jobs are remembered; older finished ones are forgotten.
const maxJobs = 100

func newJobs() *jobs { return &jobs{byID: map[string]*job{}, run: make(chan struct{}, 1)} }

func (js *jobs) add(kind ingest.Kind, file string, size int64, asOf, user string) *job {
	b := make([]byte, 12)
	_, _ = rand.Read(b)
	j := &job{id: hex.EncodeToString(b), kind: kind, file: file, size: size}
	j.view = IngestJob{ID: j.id, Kind: string(kind), File: file, Bytes: size, AsOf: asOf, State: "queued",
		StartedBy: user, CreatedAt: time.Now()}
	js.mu.Lock()
	defer js.mu.Unlock()
	js.byID[j.id] = j
	js.ids = append(js.ids, j.id)
	for len(js.ids) > maxJobs {
		old := js.byID[js.ids[0]]
		if s := old.snapshot().State; s != "done" && s != "failed" {
			break // never forget a running job
		}
		delete(js.byID, js.ids[0])
		js.ids = js.ids[1:]
	}
	return j
}

func (js *jobs) get(id string) *job {
	js.mu.Lock()
	defer js.mu.Unlock()
	return js.byID[id]
}

// acquire waits for the previous load to end, then marks the job started; release must
// follow when it returns nil.
func (js *jobs) acquire(ctx context.Context, j *job) error {
	select {
	case js.run <- struct{}{}:
		j.start()
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

func (js *jobs) release() { <-js.run }
