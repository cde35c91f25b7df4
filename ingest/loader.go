// Package ingest loads the city's monthly files (street register, business register
// snapshots, cassa integrazione, SUAP permits, grants) into PostgreSQL. Every load is one
// batch: streamed, validated row by row in Go, copied into a staging table with COPY and
// merged with a handful of set-based statements inside one transaction, so that it is atomic
// (all good rows or nothing), idempotent (same content twice changes nothing) and recorded
// (load_batches, rejected_rows).
package ingest

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/comune-bologna/conoscenza/ingest/csvx"
	"github.com/comune-bologna/conoscenza/ingest/db"
)

// Loader loads files into the database.
type Loader struct {
	pool *pgxpool.Pool
	log  *slog.Logger
	now  func() time.Time
}

// New returns a Loader over pool. A nil logger discards logs.
func New(pool *pgxpool.Pool, logger *slog.Logger) *Loader {
	if logger == nil {
		logger = slog.New(slog.NewTextHandler(io.Discard, nil))
	}
	return &Loader{pool: pool, log: logger, now: time.Now}
}

// Options tune one load.
type Options struct {
	// AsOf is the date the file describes. Zero: from the file name (imprese_2026-10.csv →
	// 2026-10-31), else (cig, suap, contributi, stradario) the latest date in the file or the
	// load date. Register snapshots need one.
	AsOf time.Time
	// Progress, when set, receives a progress line (rows/s, ETA) about twice a second.
	Progress io.Writer
	// StartedBy is recorded on the batch (a user name or "demo").
	StartedBy string
	// AllowPartial loads a register snapshot with less than half the companies of the
	// previous one (refused by default when that one had at least 1,000: the missing ones
	// would be recorded as having left), or a street register with less than half the
	// segments of the one in use (likewise).
	AllowPartial bool
	// CompareInDatabase compares a register snapshot with the previous one in SQL, every row
	// staged, instead of skipping in the loader the rows the previous snapshot has unchanged;
	// a first snapshot is staged too instead of copied straight into the register (same
	// result, slower; used by the tests that check the two ways agree).
	CompareInDatabase bool
}

// Rejection is one rejected row.
type Rejection struct {
	Line   int    `json:"line"`
	Column string `json:"column"`
	Value  string `json:"value"`
	Reason string `json:"reason"`
}

// Summary is the outcome of one load, in the shape `conoscenza ingest --json` prints.
type Summary struct {
	BatchID       int64            `json:"batch_id"`
	Kind          Kind             `json:"kind"`
	File          string           `json:"file"`
	AsOf          string           `json:"as_of"`
	AsOfSource    string           `json:"as_of_source"` // flag, file_name, content, load_date, none, batch
	Read          int              `json:"read"`
	Loaded        int              `json:"loaded"`
	Rejected      int              `json:"rejected"`
	UnchangedFile bool             `json:"unchanged_file"`
	SameAsBatch   int64            `json:"same_as_batch,omitempty"`
	Warnings      []string         `json:"warnings"`
	Rejections    []Rejection      `json:"rejections"`
	MatchRate     *float64         `json:"match_rate"`
	Encoding      string           `json:"encoding"`
	Separator     string           `json:"separator"`
	Stats         map[string]int64 `json:"stats"`
	DurationMS    int64            `json:"duration_ms"`
}

// maxListedRejections bounds the rejections carried in a Summary; all are stored.
const maxListedRejections = 10_000

// LoadFile loads one file of the given kind as one batch. A file that cannot be read at all
// (not text, missing required column) fails before anything is written, with a *db.Error of
// code invalid. A file already loaded (same kind and checksum) changes nothing and comes back
// with UnchangedFile set.
func (l *Loader) LoadFile(ctx context.Context, kind Kind, path string, opts Options) (Summary, error) {
	start := l.now()
	s := schemaFor(kind)
	if s == nil {
		return Summary{}, db.Errorf(db.CodeInvalid, "tipo di file sconosciuto %q", kind)
	}
	name := filepath.Base(path)
	sum := Summary{Kind: kind, File: name, Warnings: []string{}, Rejections: []Rejection{}, Stats: map[string]int64{}}
	checksum, size, err := fileChecksum(path)
	if err != nil {
		return sum, fmt.Errorf("ingest %s %s: %w", kind, name, err)
	}
	asOf, asOfSource := resolveAsOf(opts.AsOf, name)
	if asOf.IsZero() && s.needAsOf {
		return sum, db.Errorf(db.CodeInvalid, "%s: data di riferimento sconosciuta: usare --as-of AAAA-MM-GG o un nome come imprese_2026-10.csv", name)
	}
	if prev, ok, err := l.committedBatch(ctx, l.pool, kind, checksum); err != nil {
		return sum, err
	} else if ok {
		return l.unchanged(ctx, sum, prev, checksum, start, opts)
	}

	f, err := os.Open(path)
	if err != nil {
		return sum, fmt.Errorf("ingest %s: %w", name, err)
	}
	defer f.Close()
	var reopened []*os.File // by the fallback of the direct path (batchRun.reopen)
	defer func() {
		for _, f := range reopened {
			f.Close()
		}
	}()
	counter := &countingReader{r: f}
	rd, err := csvx.NewReader(counter, s.columns())
	if err != nil {
		var fe *csvx.FileError
		if errors.As(err, &fe) {
			return sum, &db.Error{Code: db.CodeInvalid, Message: name + ": " + fe.Reason} // the reason once, not twice
		}
		return sum, fmt.Errorf("ingest %s: %w", name, err)
	}
	sum.Encoding, sum.Separator = rd.Encoding, string(rd.Separator)

	run := &batchRun{
		loader: l, schema: s, sum: &sum, file: name, checksum: checksum, asOf: asOf,
		asOfSource: asOfSource, opts: opts, start: start, reader: rd, counter: counter, size: size,
	}
	run.reopen = func() error {
		f, err := os.Open(path)
		if err != nil {
			return fmt.Errorf("reopen %s: %w", name, err)
		}
		reopened = append(reopened, f)
		run.counter = &countingReader{r: f}
		if run.reader, err = csvx.NewReader(run.counter, s.columns()); err != nil {
			return fmt.Errorf("reopen %s: %w", name, err)
		}
		return nil
	}
	err = run.execute(ctx)
	sum.DurationMS = l.now().Sub(start).Milliseconds()
	if err != nil {
		var ue *unchangedErr
		if errors.As(err, &ue) {
			return l.unchanged(ctx, sum, ue.prev, checksum, start, opts)
		}
		l.recordFailure(ctx, run, err)
		return sum, fmt.Errorf("ingest %s %s: %w", kind, name, err)
	}
	l.log.Info("ingest batch committed", "kind", kind, "file", name, "batch", sum.BatchID,
		"read", sum.Read, "loaded", sum.Loaded, "rejected", sum.Rejected, "ms", sum.DurationMS)
	return sum, nil
}

// fileChecksum hashes the whole file first: an unchanged file is recognised before any work.
func fileChecksum(path string) (string, int64, error) {
	f, err := os.Open(path)
	if err != nil {
		return "", 0, err
	}
	defer f.Close()
	h := sha256.New()
	n, err := io.Copy(h, f)
	if err != nil {
		return "", 0, err
	}
	return hex.EncodeToString(h.Sum(nil)), n, nil
}

type countingReader struct {
	r io.Reader
	n int64
}

func (c *countingReader) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	c.n += int64(n)
	return n, err
}

// unchangedErr reports, from inside the transaction, that the file was committed meanwhile.
type unchangedErr struct{ prev int64 }

func (e *unchangedErr) Error() string { return fmt.Sprintf("file già caricato nel lotto %d", e.prev) }

// dbtx is what the batch helpers need: the pool or a transaction.
type dbtx interface {
	Exec(ctx context.Context, sql string, args ...any) (pgconn.CommandTag, error)
	Query(ctx context.Context, sql string, args ...any) (pgx.Rows, error)
	QueryRow(ctx context.Context, sql string, args ...any) pgx.Row
}
