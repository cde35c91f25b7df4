package ingest

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/comune-bologna/conoscenza/ingest/db"
	"github.com/comune-bologna/conoscenza/ingest/fields"
)

// fileDate finds a date in a file name: imprese_2026-10-31.csv, imprese_2026-10.csv (end of
// month), cig_20261031.csv, cig_202610.csv.
var fileDate = regexp.MustCompile(`(?:^|[^0-9])((?:19|20)[0-9]{2})[-_]?(0[1-9]|1[0-2])(?:[-_]?(0[1-9]|[12][0-9]|3[01]))?(?:[^0-9]|$)`)

// Dates in the Italian order, tried when fileDate finds none: imprese_31-10-2026.csv,
// imprese_31102026.csv, imprese_10-2026.csv (end of month), imprese_ottobre_2026.csv.
var (
	fileDateDMY = regexp.MustCompile(`(?:^|[^0-9])(0[1-9]|[12][0-9]|3[01])([-_.]?)(0[1-9]|1[0-2])([-_.]?)((?:19|20)[0-9]{2})(?:[^0-9]|$)`)
	fileDateMY  = regexp.MustCompile(`(?:^|[^0-9])(0[1-9]|1[0-2])[-_.]((?:19|20)[0-9]{2})(?:[^0-9]|$)`)
	fileDateIt  = regexp.MustCompile(`(?i)(?:^|[^a-z])(gen(?:naio)?|feb(?:braio)?|mar(?:zo)?|apr(?:ile)?|mag(?:gio)?|giu(?:gno)?|lug(?:lio)?|ago(?:sto)?|set(?:tembre)?|ott(?:obre)?|nov(?:embre)?|dic(?:embre)?)[-_ .]?((?:19|20)[0-9]{2})(?:[^0-9]|$)`)
)

// mesi are the Italian months' first three letters.
var mesi = []string{"gen", "feb", "mar", "apr", "mag", "giu", "lug", "ago", "set", "ott", "nov", "dic"}

// resolveAsOf picks the as-of date: the flag, else the file name; zero when neither says.
func resolveAsOf(flag time.Time, name string) (time.Time, string) {
	if !flag.IsZero() {
		return flag, "flag"
	}
	var y, mo, d int
	if m := fileDate.FindStringSubmatch(name); m != nil {
		y, mo, d = atoi(m[1]), atoi(m[2]), atoi(m[3])
	} else if m := fileDateDMY.FindStringSubmatch(name); m != nil && m[2] == m[4] {
		d, mo, y = atoi(m[1]), atoi(m[3]), atoi(m[5])
	} else if m := fileDateMY.FindStringSubmatch(name); m != nil {
		mo, y = atoi(m[1]), atoi(m[2])
	} else if m := fileDateIt.FindStringSubmatch(name); m != nil {
		mo, y = 1+slices.Index(mesi, strings.ToLower(m[1][:3])), atoi(m[2])
	} else {
		return time.Time{}, ""
	}
	if d == 0 {
		return fields.EndOfMonth(y, time.Month(mo)), "file_name"
	}
	if d > fields.DaysIn(y, time.Month(mo)) {
		return time.Time{}, ""
	}
	return time.Date(y, time.Month(mo), d, 0, 0, 0, 0, time.UTC), "file_name"
}

// atoi reads the digits a regexp matched ("" is 0).
func atoi(s string) int {
	n, _ := strconv.Atoi(s)
	return n
}

// committedBatch finds the committed batch that loaded the same content.
func (l *Loader) committedBatch(ctx context.Context, q dbtx, kind Kind, checksum string) (int64, bool, error) {
	var id int64
	sql := `SELECT id FROM load_batches WHERE kind = $1 AND checksum = $2 AND status = 'committed'`
	if kind == KindStradario {
		// The street register in use is the latest file's: an earlier file loaded again after
		// another (A, B, A) replaces it again (migration 00059).
		sql = `SELECT id FROM (SELECT id, checksum FROM load_batches WHERE kind = $1 AND status = 'committed'
			ORDER BY id DESC LIMIT 1) latest WHERE checksum = $2`
	}
	err := q.QueryRow(ctx, sql, string(kind), checksum).Scan(&id)
	if errors.Is(err, pgx.ErrNoRows) {
		return 0, false, nil
	}
	if err != nil {
		return 0, false, fmt.Errorf("look up earlier batches: %w", err)
	}
	return id, true, nil
}

// unchanged records that a file was loaded again with the same content and returns the
// counts and rejections of the batch that loaded it.
func (l *Loader) unchanged(ctx context.Context, sum Summary, prev int64, checksum string, start time.Time, opts Options) (Summary, error) {
	var asOf *time.Time
	var matched *int
	err := l.pool.QueryRow(ctx, `SELECT as_of, rows_read, rows_loaded, rows_rejected, rows_matched,
			coalesce(stats->>'encoding', ''), coalesce(stats->>'separator', '') FROM load_batches WHERE id = $1`, prev).
		Scan(&asOf, &sum.Read, &sum.Loaded, &sum.Rejected, &matched, &sum.Encoding, &sum.Separator)
	if err != nil {
		return sum, fmt.Errorf("read batch %d: %w", prev, err)
	}
	if asOf != nil {
		sum.AsOf = asOf.Format(time.DateOnly)
	}
	sum.AsOfSource = "batch"
	sum.MatchRate = matchRate(schemaFor(sum.Kind), matched, sum.Loaded)
	sum.UnchangedFile, sum.SameAsBatch = true, prev
	sum.Warnings = append(sum.Warnings, fmt.Sprintf("file già caricato nel lotto %d: nessuna modifica", prev))
	if sum.Rejections, err = l.Rejections(ctx, prev, maxListedRejections); err != nil {
		return sum, err
	}
	sum.DurationMS = l.now().Sub(start).Milliseconds()
	stats, _ := json.Marshal(map[string]int64{"same_as_batch": prev})
	warnings, _ := json.Marshal(sum.Warnings)
	err = l.pool.QueryRow(ctx, `INSERT INTO load_batches (kind, source, file_name, checksum, as_of, status,
			rows_read, rows_loaded, rows_rejected, rows_matched, warnings, stats, started_by, started_at, finished_at, duration_ms)
		VALUES ($1, $2, $3, $4, $5, 'unchanged', $6, $7, $8, $9, $10, $11, $12, $13, now(), $14) RETURNING id`,
		string(sum.Kind), schemaFor(sum.Kind).source, sum.File, checksum, asOf, sum.Read, sum.Loaded, sum.Rejected,
		matched, warnings, stats, opts.StartedBy, start, sum.DurationMS).Scan(&sum.BatchID)
	if err != nil {
		return sum, fmt.Errorf("record unchanged batch: %w", err)
	}
	return sum, nil
}

func matchRate(s *schema, matched *int, loaded int) *float64 {
	if s == nil || s.address < 0 || matched == nil {
		return nil
	}
	r := 1.0
	if loaded > 0 {
		r = float64(*matched) / float64(loaded)
	}
	return &r
}

// recordFailure keeps a trace of a batch that failed after it started writing (the
// transaction rolled back, so nothing else of it remains).
func (l *Loader) recordFailure(ctx context.Context, run *batchRun, cause error) {
	ctx = context.WithoutCancel(ctx)
	var asOf *time.Time
	if !run.asOf.IsZero() {
		asOf = &run.asOf
	}
	_, err := l.pool.Exec(ctx, `INSERT INTO load_batches (kind, source, file_name, checksum, as_of, status, rows_read,
			error, started_by, started_at, finished_at, duration_ms)
		VALUES ($1, $2, $3, $4, $5, 'failed', $6, $7, $8, $9, now(), $10)`,
		string(run.schema.kind), run.schema.source, run.file, run.checksum, asOf, run.sum.Read, cause.Error(),
		run.opts.StartedBy, run.start, l.now().Sub(run.start).Milliseconds())
	if err != nil {
		l.log.Error("record failed batch", "err", err)
	}
}

// Batch is one row of load_batches, for listings.
type Batch struct {
	ID         int64      `json:"id"`
	Kind       string     `json:"kind"`
	File       string     `json:"file"`
	Checksum   string     `json:"checksum"`
	AsOf       *time.Time `json:"as_of"`
	Status     string     `json:"status"`
	Read       int        `json:"read"`
	Loaded     int        `json:"loaded"`
	Rejected   int        `json:"rejected"`
	Matched    *int       `json:"matched"`
	Error      *string    `json:"error,omitempty"`
	StartedAt  time.Time  `json:"started_at"`
	DurationMS *int       `json:"duration_ms"`
}

// MarshalJSON writes as_of as a date (`2026-10-31`), as the load summary does, not as a
// timestamp at midnight UTC.
func (b Batch) MarshalJSON() ([]byte, error) {
	type plain Batch
	var asOf *string
	if b.AsOf != nil {
		d := b.AsOf.Format(time.DateOnly)
		asOf = &d
	}
	return json.Marshal(struct {
		plain
		AsOf *string `json:"as_of"`
	}{plain(b), asOf})
}

// GetBatch returns one batch; a missing one is a db.CodeNotFound error.
func (l *Loader) GetBatch(ctx context.Context, id int64) (Batch, error) {
	var b Batch
	err := l.pool.QueryRow(ctx, `SELECT id, kind, file_name, checksum, as_of, status, rows_read, rows_loaded,
			rows_rejected, rows_matched, error, started_at, duration_ms FROM load_batches WHERE id = $1`, id).
		Scan(&b.ID, &b.Kind, &b.File, &b.Checksum, &b.AsOf, &b.Status, &b.Read, &b.Loaded, &b.Rejected,
			&b.Matched, &b.Error, &b.StartedAt, &b.DurationMS)
	if errors.Is(err, pgx.ErrNoRows) {
		return b, db.Errorf(db.CodeNotFound, "lotto %d non trovato", id)
	}
	return b, db.Translate(err, fmt.Sprintf("lotto %d", id))
}

// Batches lists the latest batches, newest first.
func (l *Loader) Batches(ctx context.Context, limit int) ([]Batch, error) {
	rows, err := l.pool.Query(ctx, `SELECT id, kind, file_name, checksum, as_of, status, rows_read, rows_loaded,
			rows_rejected, rows_matched, error, started_at, duration_ms FROM load_batches ORDER BY id DESC LIMIT $1`, limit)
	if err != nil {
		return nil, fmt.Errorf("list batches: %w", err)
	}
	defer rows.Close()
	var out []Batch
	for rows.Next() {
		var b Batch
		if err := rows.Scan(&b.ID, &b.Kind, &b.File, &b.Checksum, &b.AsOf, &b.Status, &b.Read, &b.Loaded,
			&b.Rejected, &b.Matched, &b.Error, &b.StartedAt, &b.DurationMS); err != nil {
			return nil, err
		}
		out = append(out, b)
	}
	return out, rows.Err()
}

// Rejections lists the rejected rows of a batch in line order (at most limit; 0 = all).
// For a batch that found its file unchanged, they are those of the batch that loaded it.
func (l *Loader) Rejections(ctx context.Context, batchID int64, limit int) ([]Rejection, error) {
	if limit <= 0 {
		limit = 1 << 30
	}
	rows, err := l.pool.Query(ctx, `SELECT line, column_name, value, reason FROM rejected_rows
		WHERE batch_id = coalesce((SELECT (stats->>'same_as_batch')::bigint FROM load_batches
		                           WHERE id = $1 AND status = 'unchanged'), $1)
		ORDER BY line, id LIMIT $2`, batchID, limit)
	if err != nil {
		return nil, fmt.Errorf("list rejections of batch %d: %w", batchID, err)
	}
	out, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (Rejection, error) {
		var x Rejection
		return x, r.Scan(&x.Line, &x.Column, &x.Value, &x.Reason)
	})
	if err != nil {
		return nil, fmt.Errorf("list rejections of batch %d: %w", batchID, err)
	}
	if out == nil {
		out = []Rejection{}
	}
	return out, nil
}
