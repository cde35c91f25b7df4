package semantic

import (
	"context"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/comune-bologna/conoscenza/agent/catalog"
	"github.com/comune-bologna/conoscenza/ingest/db"
)

// A stock metric with a time grain (or grouped by a time dimension) is a series over the
// loaded snapshots: for each period, the last snapshot in it. Read from the detailed tables,
// every point joins the register's history (0.7-1.9 s over a million companies). When the
// period picks only the snapshot the query reads anyway (the latest: e.g. "imprese attive per
// anno" with one snapshot loaded, or a yearly series whose other snapshots all fall in the
// latest snapshot's year), the series is that snapshot's stock with its period as a constant
// column, and every aggregate of the latest snapshot can answer it: the same rows, exactly.
// A series over several snapshots still reads the detailed tables (no aggregate keeps earlier
// snapshots; see docs/metrics.md).

// loadSnapshotDates reads every loaded snapshot's date, ascending.
func loadSnapshotDates(ctx context.Context, tx pgx.Tx) ([]time.Time, error) {
	rows, err := tx.Query(ctx, "SELECT as_of FROM register_snapshots ORDER BY as_of")
	if err != nil {
		return nil, db.Translate(err, "read register snapshots")
	}
	dates, err := pgx.CollectRows(rows, pgx.RowTo[time.Time])
	if err != nil {
		return nil, db.Translate(err, "read register snapshots")
	}
	return dates, nil
}

// pinnedTo says whether the series over the window w picks exactly one snapshot, the latest
// one s: s is in the window and every other snapshot in the window falls in s's period (so
// that the series' "last snapshot of each period" is s alone). The pick the series' SQL makes
// is max(as_of) per date_trunc(grain, as_of) among the snapshots in the window.
func (p *plan) pinnedTo(w window, s snapshot) bool {
	if !s.latest || len(s.snaps) == 0 {
		return false
	}
	if !w.from.IsZero() && s.date.Before(w.from) || !w.to.IsZero() && s.date.After(w.to) {
		return false
	}
	start := truncDate(p.seriesGrain(), s.date)
	found := false
	for _, d := range s.snaps {
		if d.After(s.date) {
			return false // not the latest after all
		}
		found = found || d.Equal(s.date)
		if d.Before(start) && (w.from.IsZero() || !d.Before(w.from)) {
			return false // another period of the series has a snapshot
		}
	}
	return found
}

// constantDim says whether a dimension is a constant of the query: a time dimension of a
// pinned series (the snapshot's year, quarter or month).
func (p *plan) constantDim(d *catalog.Dimension) bool {
	return p.pinned && d.Type == catalog.TypeTime
}

// truncDate is PostgreSQL's date_trunc(grain, d)::date for month, quarter and year.
func truncDate(grain string, d time.Time) time.Time {
	m := d.Month()
	switch grain {
	case "year":
		m = time.January
	case "quarter":
		m = time.Month((int(m)-1)/3*3 + 1)
	}
	return time.Date(d.Year(), m, 1, 0, 0, 0, 0, time.UTC)
}
