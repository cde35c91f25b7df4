package semantic

import (
	"context"
	"log/slog"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/comune-bologna/conoscenza/ingest/db"
)

// RefreshCubes rebuilds the aggregates built outside the loads (the event tables of 00034,
// then the event cubes of 00032-00033) that a committed load has made stale, each in a
// transaction of its own that sees one state of the data, so that each answers again as soon
// as it is rebuilt; it reports whether it rebuilt any. owner must connect as the schema owner.
// Until then, queries read the detailed tables: the numbers are the same, only slower.
func RefreshCubes(ctx context.Context, owner *pgxpool.Pool) (bool, error) {
	rows, err := owner.Query(ctx, "SELECT t FROM agg_stale() t")
	if err != nil {
		return false, db.Translate(err, "list stale aggregates")
	}
	stale, err := pgx.CollectRows(rows, pgx.RowTo[string])
	if err != nil {
		return false, db.Translate(err, "list stale aggregates")
	}
	rebuilt := false
	for _, table := range stale {
		done, err := refreshOne(ctx, owner, table)
		if err != nil {
			return rebuilt, err
		}
		if done {
			rebuilt = true
			// The rebuild deleted every row: reclaim them and refresh the planner's statistics
			// now, not when autovacuum comes by.
			if _, err := owner.Exec(ctx, "VACUUM (ANALYZE) "+pgx.Identifier{table}.Sanitize()); err != nil {
				return rebuilt, db.Translate(err, "vacuum "+table)
			}
		}
	}
	return rebuilt, nil
}

func refreshOne(ctx context.Context, owner *pgxpool.Pool, table string) (bool, error) {
	tx, err := owner.BeginTx(ctx, pgx.TxOptions{IsoLevel: pgx.RepeatableRead})
	if err != nil {
		return false, db.Translate(err, "begin aggregates refresh")
	}
	defer tx.Rollback(ctx) //nolint:errcheck // committed below
	if _, err := tx.Exec(ctx, "SET LOCAL jit = off"); err != nil {
		return false, db.Translate(err, "refresh aggregates")
	}
	var done bool
	if err := tx.QueryRow(ctx, "SELECT refresh_agg($1)", table).Scan(&done); err != nil {
		return false, db.Translate(err, "refresh "+table)
	}
	if err := tx.Commit(ctx); err != nil {
		return false, db.Translate(err, "commit aggregates refresh")
	}
	return done, nil
}

// KeepCubesFresh checks every interval whether a load was committed since the event cubes
// were built and rebuilds them, until ctx ends. The server runs it: loads do not wait for the
// cubes (building them costs several times the stock aggregate the load refreshes itself).
func KeepCubesFresh(ctx context.Context, owner *pgxpool.Pool, interval time.Duration, log *slog.Logger) {
	t := time.NewTicker(interval)
	defer t.Stop()
	for {
		t0 := time.Now()
		done, err := RefreshCubes(ctx, owner)
		switch {
		case ctx.Err() != nil:
			return
		case err != nil:
			log.Warn("event cubes not refreshed", "err", err)
		case done:
			log.Info("event cubes refreshed", "ms", time.Since(t0).Milliseconds())
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}
