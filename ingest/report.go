package ingest

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/comune-bologna/conoscenza/ingest/db"
)

// BatchReport is one load_batches row with everything a reader of the batch report needs:
// who sent the file, who loaded it, when, how long it took, the warnings and the per-kind
// statistics. The web app's "Dati e documenti" page lists them.
type BatchReport struct {
	ID         int64            `json:"id"`
	Kind       string           `json:"kind"`
	Source     string           `json:"source"`
	File       string           `json:"file"`
	AsOf       *string          `json:"as_of"`
	Status     string           `json:"status"`
	Read       int              `json:"read"`
	Loaded     int              `json:"loaded"`
	Rejected   int              `json:"rejected"`
	MatchRate  *float64         `json:"match_rate"`
	Warnings   []string         `json:"warnings"`
	Stats      map[string]any   `json:"stats"`
	Error      *string          `json:"error,omitempty"`
	StartedBy  string           `json:"started_by"`
	StartedAt  time.Time        `json:"started_at"`
	FinishedAt *time.Time       `json:"finished_at"`
	DurationMS *int             `json:"duration_ms"`
	SameAs     *int64           `json:"same_as_batch,omitempty"`
	Timings    map[string]int64 `json:"timings,omitempty"` // stats.ms: milliseconds per step
}

// BatchFilter selects batches for BatchReports.
type BatchFilter struct {
	Kind   string // "" for all kinds
	Limit  int    // 1..500 (default 50)
	Offset int
}

const batchReportCols = `id, kind, source, file_name, to_char(as_of, 'YYYY-MM-DD'), status, rows_read, rows_loaded,
	rows_rejected, rows_matched, warnings, stats, error, started_by, started_at, finished_at, duration_ms`

func scanBatchReport(row pgx.Row) (BatchReport, error) {
	var b BatchReport
	var matched *int
	var warnings, stats []byte
	err := row.Scan(&b.ID, &b.Kind, &b.Source, &b.File, &b.AsOf, &b.Status, &b.Read, &b.Loaded, &b.Rejected,
		&matched, &warnings, &stats, &b.Error, &b.StartedBy, &b.StartedAt, &b.FinishedAt, &b.DurationMS)
	if err != nil {
		return b, err
	}
	b.Warnings, b.Stats = []string{}, map[string]any{}
	if len(warnings) > 0 {
		if err := json.Unmarshal(warnings, &b.Warnings); err != nil {
			return b, fmt.Errorf("batch %d warnings: %w", b.ID, err)
		}
	}
	if len(stats) > 0 {
		if err := json.Unmarshal(stats, &b.Stats); err != nil {
			return b, fmt.Errorf("batch %d stats: %w", b.ID, err)
		}
	}
	if ms, ok := b.Stats["ms"].(map[string]any); ok {
		b.Timings = map[string]int64{}
		for k, v := range ms {
			if f, ok := v.(float64); ok {
				b.Timings[k] = int64(f)
			}
		}
	}
	if v, ok := b.Stats["same_as_batch"].(float64); ok && b.Status == "unchanged" {
		id := int64(v)
		b.SameAs = &id
	}
	if k, err := ParseKind(b.Kind); err == nil {
		b.MatchRate = matchRate(schemaFor(k), matched, b.Loaded)
	}
	return b, nil
}

// BatchReports lists batches, newest first.
func (l *Loader) BatchReports(ctx context.Context, f BatchFilter) ([]BatchReport, error) {
	if f.Limit <= 0 || f.Limit > 500 {
		f.Limit = 50
	}
	rows, err := l.pool.Query(ctx, `SELECT `+batchReportCols+` FROM load_batches
		WHERE $1 = '' OR kind = $1 ORDER BY id DESC LIMIT $2 OFFSET $3`, f.Kind, f.Limit, max(f.Offset, 0))
	if err != nil {
		return nil, fmt.Errorf("list batches: %w", err)
	}
	defer rows.Close()
	out := []BatchReport{}
	for rows.Next() {
		b, err := scanBatchReport(rows)
		if err != nil {
			return nil, fmt.Errorf("list batches: %w", err)
		}
		out = append(out, b)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("list batches: %w", err)
	}
	return out, nil
}

// BatchReport returns one batch; a missing one is a db.CodeNotFound error.
func (l *Loader) BatchReport(ctx context.Context, id int64) (BatchReport, error) {
	b, err := scanBatchReport(l.pool.QueryRow(ctx, `SELECT `+batchReportCols+` FROM load_batches WHERE id = $1`, id))
	if errors.Is(err, pgx.ErrNoRows) {
		return b, db.Errorf(db.CodeNotFound, "lotto %d non trovato", id)
	}
	if err != nil {
		return b, fmt.Errorf("read batch %d: %w", id, err)
	}
	return b, nil
}

// RejectionPage is a page of a batch's rejected rows, in line order, with the total count.
type RejectionPage struct {
	BatchID    int64       `json:"batch_id"`
	Total      int         `json:"total"`
	Offset     int         `json:"offset"`
	Limit      int         `json:"limit"`
	Rejections []Rejection `json:"rejections"`
}

// RejectionsPage reads limit rejected rows of a batch from offset (like Rejections, those of
// the batch that loaded the file when this one found it unchanged). A missing batch is a
// db.CodeNotFound error.
func (l *Loader) RejectionsPage(ctx context.Context, batchID int64, offset, limit int) (RejectionPage, error) {
	p := RejectionPage{BatchID: batchID, Offset: max(offset, 0), Limit: limit, Rejections: []Rejection{}}
	if p.Limit <= 0 || p.Limit > 1000 {
		p.Limit = 100
	}
	tx, err := l.pool.BeginTx(ctx, pgx.TxOptions{AccessMode: pgx.ReadOnly, IsoLevel: pgx.RepeatableRead})
	if err != nil {
		return p, fmt.Errorf("rejections of batch %d: %w", batchID, err)
	}
	defer tx.Rollback(ctx) //nolint:errcheck // read-only
	var source int64
	err = tx.QueryRow(ctx, `SELECT CASE WHEN status = 'unchanged' THEN coalesce((stats->>'same_as_batch')::bigint, id) ELSE id END
		FROM load_batches WHERE id = $1`, batchID).Scan(&source)
	if errors.Is(err, pgx.ErrNoRows) {
		return p, db.Errorf(db.CodeNotFound, "lotto %d non trovato", batchID)
	}
	if err != nil {
		return p, fmt.Errorf("rejections of batch %d: %w", batchID, err)
	}
	if err := tx.QueryRow(ctx, `SELECT count(*) FROM rejected_rows WHERE batch_id = $1`, source).Scan(&p.Total); err != nil {
		return p, fmt.Errorf("count rejections of batch %d: %w", batchID, err)
	}
	rows, err := tx.Query(ctx, `SELECT line, column_name, value, reason FROM rejected_rows WHERE batch_id = $1
		ORDER BY line, id LIMIT $2 OFFSET $3`, source, p.Limit, p.Offset)
	if err != nil {
		return p, fmt.Errorf("rejections of batch %d: %w", batchID, err)
	}
	list, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (Rejection, error) {
		var x Rejection
		return x, r.Scan(&x.Line, &x.Column, &x.Value, &x.Reason)
	})
	if err != nil {
		return p, fmt.Errorf("rejections of batch %d: %w", batchID, err)
	}
	if list != nil {
		p.Rejections = list
	}
	return p, nil
}

// SourceStatus says how current one source of data is: the as-of date of its latest committed
// batch (for documents and territory, which have no as-of date, the day of that load).
type SourceStatus struct {
	Kind     string     `json:"kind"`
	Source   string     `json:"source"`
	AsOf     *string    `json:"as_of"`
	BatchID  *int64     `json:"batch_id"`
	File     string     `json:"file"`
	LoadedAt *time.Time `json:"loaded_at"`
	Batches  int        `json:"batches"` // committed batches of this kind
}

// SourceKinds lists the kinds SourcesStatus reports, in display order: the monthly files,
// then the documents and the quartieri shapes.
var SourceKinds = []string{"imprese", "cig", "suap", "contributi", "stradario", "docs", "territorio"}

// SourcesStatus reports every kind of SourceKinds, loaded or not (a kind never loaded has
// null dates).
func (l *Loader) SourcesStatus(ctx context.Context) ([]SourceStatus, error) {
	rows, err := l.pool.Query(ctx, `
		WITH k AS (SELECT kind, ord FROM unnest($1::text[]) WITH ORDINALITY AS u(kind, ord)),
		latest AS (
			SELECT DISTINCT ON (kind) kind, id, source, file_name, as_of, finished_at
			FROM load_batches WHERE status = 'committed'
			ORDER BY kind, as_of DESC NULLS LAST, id DESC),
		n AS (SELECT kind, count(*) AS n FROM load_batches WHERE status = 'committed' GROUP BY kind)
		SELECT k.kind, coalesce(latest.source, ''), to_char(coalesce(latest.as_of, latest.finished_at::date), 'YYYY-MM-DD'),
			latest.id, coalesce(latest.file_name, ''), latest.finished_at, coalesce(n.n, 0)::int
		FROM k LEFT JOIN latest USING (kind) LEFT JOIN n USING (kind) ORDER BY k.ord`, SourceKinds)
	if err != nil {
		return nil, fmt.Errorf("sources status: %w", err)
	}
	out, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (SourceStatus, error) {
		var s SourceStatus
		return s, r.Scan(&s.Kind, &s.Source, &s.AsOf, &s.BatchID, &s.File, &s.LoadedAt, &s.Batches)
	})
	if err != nil {
		return nil, fmt.Errorf("sources status: %w", err)
	}
	for i := range out {
		if out[i].Source == "" {
			if k, err := ParseKind(out[i].Kind); err == nil {
				out[i].Source = schemaFor(k).source
			}
		}
	}
	return out, nil
}
