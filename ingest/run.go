package ingest

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"sort"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"

	"github.com/comune-bologna/conoscenza/ingest/address"
	"github.com/comune-bologna/conoscenza/ingest/csvx"
)

// stagingTable is the per-transaction table the file is copied into.
const stagingTable = "ingest_stg"

// mergeFunc moves the staged rows into the data tables and returns what it did.
type mergeFunc func(ctx context.Context, tx pgx.Tx, r *batchRun) (map[string]int64, error)

// batchRun is one load in progress.
type batchRun struct {
	loader     *Loader
	schema     *schema
	sum        *Summary
	file       string
	checksum   string
	asOf       time.Time
	asOfSource string
	opts       Options
	start      time.Time
	reader     *csvx.Reader
	counter    *countingReader
	size       int64

	timings  map[string]int64 // milliseconds per step, recorded in the batch stats
	batchID  int64
	lastDate time.Time // latest checked date in the file
	rejects  []Rejection
	matched  int
	matcher  *address.Matcher

	// direct: the first register snapshot is copied straight into imprese_dati, whose
	// indexes were dropped (recreate rebuilds them); see execute.
	direct   bool
	recreate []string
	// freeze: the direct path truncated imprese_dati in its savepoint, so its COPY may
	// write frozen rows.
	freeze bool
	// dupsChecked: every key of the file is distinct (checked while streaming), so the
	// register merge needs no unique index on the staging table.
	dupsChecked bool
	// reopen starts reading the file again from its first row (for the fallback of the
	// direct path).
	reopen func() error
	// prev: a register snapshot after the first is compared with the previous one while
	// streaming, and only new or changed rows are staged (unchanged.go); noPrev turns that
	// off (Options.CompareInDatabase, or the fallback when the file repeats a known code).
	prev   *prevSnapshot
	noPrev bool
	// repeated: companies of the previous snapshot that the file repeats (staged on a second
	// reading, see execute)
	repeated int64
	// stock counts a direct first snapshot by the stock aggregate's groups while it streams;
	// pendingStock holds them, rolled up, until the aggregate is written (stockgroups.go).
	stock        *stockGroups
	pendingStock *pendingStock
	// rawStored: raw fingerprints written back for unchanged companies (storeRawHashes)
	rawStored int64
	// carry: the latest snapshot's values of the optional columns a register file lacks
	// (carry.go)
	carry *carryOver
}

func (r *batchRun) execute(ctx context.Context) error {
	conn, err := r.loader.pool.Acquire(ctx)
	if err != nil {
		return fmt.Errorf("acquire connection: %w", err)
	}
	defer conn.Release()
	// Staging lives in temp buffers; this only takes effect before the session's first
	// temporary table, so a failure here is expected on a reused connection.
	_, _ = conn.Exec(ctx, "SET temp_buffers = '256MB'")
	tx, err := conn.Begin(ctx)
	if err != nil {
		return fmt.Errorf("begin: %w", err)
	}
	defer func() { _ = tx.Rollback(context.WithoutCancel(ctx)) }()
	for _, q := range []string{
		"SET LOCAL work_mem = '256MB'",
		"SET LOCAL maintenance_work_mem = '256MB'",
		// The merge statements run once each; compiling them costs more than it saves.
		"SET LOCAL jit = off",
		// Parallel workers build the indexes of a first snapshot (4.7 → 2.8 s with huge pages,
		// see scripts/setup.sh) but not the merge's scans and aggregates, which they slowed
		// down on 2 cores (docs/ingest.md).
		"SET LOCAL max_parallel_workers_per_gather = 0",
		"SET LOCAL max_parallel_maintenance_workers = 2",
		// One load at a time: snapshots and the street register depend on each other.
		"SELECT pg_advisory_xact_lock(hashtext('conoscenza.ingest'))",
	} {
		if _, err := tx.Exec(ctx, q); err != nil {
			return fmt.Errorf("prepare transaction: %w", err)
		}
	}
	if prev, ok, err := r.loader.committedBatch(ctx, tx, r.schema.kind, r.checksum); err != nil {
		return err
	} else if ok {
		return &unchangedErr{prev}
	}
	if r.schema.kind == KindImprese {
		if err := checkSnapshotOrder(ctx, tx, r.asOf); err != nil {
			return err
		}
	}
	if err := tx.QueryRow(ctx, `INSERT INTO load_batches (kind, source, file_name, checksum, as_of, started_by, started_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id`, string(r.schema.kind), r.schema.source, r.file,
		r.checksum, nullDate(r.asOf), r.opts.StartedBy, r.start).Scan(&r.batchID); err != nil {
		return fmt.Errorf("create batch: %w", err)
	}
	r.sum.BatchID = r.batchID
	if r.schema.address >= 0 {
		if r.matcher, err = loadMatcher(ctx, tx); err != nil {
			return err
		}
		if r.matcher.Len() == 0 {
			r.sum.Warnings = append(r.sum.Warnings, "stradario vuoto: indirizzi non attribuiti (caricare prima lo stradario)")
		}
	}
	// The first large register snapshot goes straight into imprese_dati (each company written
	// once, as its current version), without a staging table and with only the primary key,
	// the other indexes built after the copy. Repeated codes are found by the reader and
	// settled after the copy (firstdup.go); should one still reach the primary key (or a
	// file repeat too many), everything since the savepoint is undone and the file is read
	// again through staging, where duplicates are rejected one by one.
	direct, err := directFirstSnapshot(ctx, tx, r)
	if err != nil {
		return err
	}
	nWarnings := len(r.sum.Warnings)
	if direct {
		if _, err := tx.Exec(ctx, "SAVEPOINT ingest_direct"); err != nil {
			return fmt.Errorf("savepoint: %w", err)
		}
		if r.recreate, err = dropIndexes(ctx, tx, registerTables, true); err != nil {
			return err
		}
		if r.freeze, err = truncateForFreeze(ctx, tx, registerTables); err != nil {
			return err
		}
		r.direct = true
	}
	if !direct && r.schema.kind == KindImprese {
		if _, err := tx.Exec(ctx, "SAVEPOINT ingest_delta"); err != nil {
			return fmt.Errorf("savepoint: %w", err)
		}
	}
	stats, err := r.stageAndMerge(ctx, tx)
	if errors.Is(err, errPrevDuplicate) {
		// The file repeats companies of the previous snapshot: read it again staging every
		// row of those companies, so that the merge rejects the later rows one by one; the
		// others are skipped as before (until session 5: the full comparison in SQL, 3.5x
		// slower for a million companies).
		r.repeated = r.prev.sendRepeated()
		stats, err = r.again(ctx, tx, "ingest_delta", nWarnings)
		if errors.Is(err, errPrevDuplicate) { // cannot happen: every repeated code is staged
			r.prev, r.noPrev, r.repeated = nil, true, 0
			stats, err = r.again(ctx, tx, "ingest_delta", nWarnings)
		}
	}
	if r.direct && (isDuplicateKey(err) || errors.Is(err, errMaybeDuplicate)) {
		r.direct, r.recreate, r.freeze = false, nil, false
		stats, err = r.again(ctx, tx, "ingest_direct", nWarnings)
	}
	if err != nil {
		return err
	}
	r.sum.Stats = stats
	if err := r.storeRejections(ctx, tx); err != nil {
		return err
	}
	if err := r.finishBatch(ctx, tx); err != nil {
		return err
	}
	if err := tx.Commit(ctx); err != nil {
		return fmt.Errorf("commit: %w", err)
	}
	return nil
}

// again undoes the batch's work since savepoint and reads the file once more from its first
// row (the caller has changed the path to take); the warnings before nWarnings stay.
func (r *batchRun) again(ctx context.Context, tx pgx.Tx, savepoint string, nWarnings int) (map[string]int64, error) {
	if _, err := tx.Exec(ctx, "ROLLBACK TO SAVEPOINT "+savepoint); err != nil {
		return nil, fmt.Errorf("rollback to savepoint: %w", err)
	}
	r.rejects, r.matched, r.lastDate = nil, 0, time.Time{}
	r.stock, r.pendingStock = nil, nil
	r.sum.Read, r.sum.Loaded, r.sum.Warnings = 0, 0, r.sum.Warnings[:nWarnings]
	if err := r.reopen(); err != nil {
		return nil, err
	}
	return r.stageAndMerge(ctx, tx)
}

func (r *batchRun) stageAndMerge(ctx context.Context, tx pgx.Tx) (map[string]int64, error) {
	if err := r.stage(ctx, tx); err != nil {
		return nil, err
	}
	if r.asOf.IsZero() {
		r.asOf, r.asOfSource = r.inferredAsOf()
	}
	r.sum.AsOf, r.sum.AsOfSource = "", r.asOfSource
	if !r.asOf.IsZero() {
		r.sum.AsOf = r.asOf.Format(time.DateOnly)
	}
	return r.merge(ctx, tx)
}

// errMaybeDuplicate sends a first snapshot's direct copy back to staging (see execute): the
// file repeats more codes than the reader holds back (maxHeldRows, firstdup.go).
var errMaybeDuplicate = errors.New("codice fiscale forse ripetuto nel file")

// isDuplicateKey: a key met twice, by a unique index (23505) or by one INSERT ... ON CONFLICT
// (21000).
func isDuplicateKey(err error) bool {
	var pgErr *pgconn.PgError
	return errors.As(err, &pgErr) && (pgErr.Code == "21000" || pgErr.Code == "23505")
}

// stage creates the staging table, streams the file into it with COPY and rejects the later
// duplicates of the kind's key.
func (r *batchRun) stage(ctx context.Context, tx pgx.Tx) error {
	cols := r.schema.stagingCols()
	defs := make([]string, len(cols))
	names := make([]string, len(cols))
	for i, c := range cols {
		defs[i] = c.Name + " " + c.SQLType
		names[i] = c.Name
	}
	limit := r.asOf
	if limit.IsZero() {
		now := r.loader.now()
		limit = time.Date(now.Year(), now.Month(), now.Day(), 0, 0, 0, 0, time.UTC)
	}
	types := make([]string, len(cols))
	for i, c := range cols {
		types[i] = c.SQLType
	}
	table := stagingTable
	main := copyTarget{from: 0, to: len(cols), types: types}
	if r.direct {
		// Straight into the current state: the staging columns but the line (row_hash included),
		// plus the version's start, the first snapshot and the batch (last_as_of NULL: in the
		// latest snapshot).
		table, names = "imprese_dati", append(names[1:len(names):len(names)], "valid_from", "first_as_of", "batch_id")
		main = copyTarget{from: 1, to: len(cols), extra: []any{r.asOf, r.asOf, r.batchID},
			types: append(types[1:len(types):len(types)], "date", "date", "bigint")}
	} else if _, err := tx.Exec(ctx, fmt.Sprintf("CREATE TEMP TABLE %s (%s) ON COMMIT DROP", stagingTable, strings.Join(defs, ", "))); err != nil {
		return fmt.Errorf("create staging table: %w", err)
	}
	if r.schema.kind == KindImprese && !r.direct && !r.noPrev && !r.opts.CompareInDatabase && r.prev == nil {
		var previous bool
		if err := tx.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM register_snapshots)`).Scan(&previous); err != nil {
			return fmt.Errorf("read snapshots: %w", err)
		}
		if previous {
			t0 := time.Now()
			var err error
			if r.prev, err = loadPrevSnapshot(ctx, tx); err != nil {
				return err
			}
			r.took("istantanea_precedente", t0)
		}
	}
	if r.schema.kind == KindImprese && !r.direct && r.carry == nil {
		var err error
		if r.carry, err = loadCarryOver(ctx, tx, r); err != nil {
			return err
		}
	}
	if r.direct {
		r.stock = newStockGroups(r.schema, pipeWorkers(), int(r.size/128)) // ~140 bytes a register row
	}
	pipe, err := newPipeline(ctx, r, main, limit)
	if err != nil {
		return err
	}
	t0 := time.Now()
	tag, err := tx.Conn().PgConn().CopyFrom(ctx, pipe, copySQL(table, names, r.freeze))
	pipe.close()
	r.took("copia", t0)
	r.dupsChecked = pipe.dups != nil && !pipe.dups.maybe || r.direct
	if ferr := pipe.failure(); ferr != nil {
		return ferr
	}
	if err != nil {
		return fmt.Errorf("copy into %s: %w", table, err)
	}
	n := tag.RowsAffected()
	if r.direct {
		held, ok := pipe.heldRows()
		if !ok {
			return errMaybeDuplicate // so many repeated codes that staging is the better way
		}
		t0 := time.Now()
		k, err := r.settleHeld(ctx, tx, held, table, names)
		if err != nil {
			return err
		}
		if len(held) > 0 {
			r.took("doppioni", t0)
		}
		n += int64(k)
	}
	if r.prev != nil {
		if r.prev.dup.Load() {
			return errPrevDuplicate
		}
		n += r.prev.skipped.Load() // accepted, identical to the previous snapshot
		if err := stageGone(ctx, tx, r); err != nil {
			return err
		}
		if err := storeRawHashes(ctx, tx, r); err != nil {
			return err
		}
	}
	r.sum.Read = pipe.read
	r.sum.Warnings = append(r.sum.Warnings, r.reader.Warnings...) // header warnings and any met while reading
	if r.direct {
		r.sum.Loaded = int(n)
		// Rolled up while the server builds the register's indexes.
		r.pendingStock, err = startRollUp(ctx, tx, r.stock)
		r.stock = nil
		return err
	}
	if _, err := tx.Exec(ctx, "ANALYZE "+stagingTable+" ("+strings.Join(append([]string{"line"}, r.schema.unique...), ", ")+")"); err != nil {
		return fmt.Errorf("analyze staging: %w", err)
	}
	r.sum.Loaded = int(n)
	if r.schema.optimistic {
		return nil // duplicates are looked for only if the merge meets one, see merge
	}
	t0 = time.Now()
	dropped, err := r.rejectDuplicates(ctx, tx)
	r.took("doppioni", t0)
	if err != nil {
		return err
	}
	r.sum.Loaded -= dropped
	return nil
}

// merge runs the kind's merge. For the register, whose files are large and almost never
// repeat a codice fiscale, the search for duplicates (a full aggregate over the staging
// table) runs only when the merge hits one: the merge fails on a duplicate key, the
// savepoint undoes it, the duplicates are rejected and the merge runs again.
func (r *batchRun) merge(ctx context.Context, tx pgx.Tx) (map[string]int64, error) {
	if !r.schema.optimistic || r.direct {
		return r.schema.merge(ctx, tx, r) // the direct path has its own fallback, see execute
	}
	if _, err := tx.Exec(ctx, "SAVEPOINT ingest_merge"); err != nil {
		return nil, fmt.Errorf("savepoint: %w", err)
	}
	stats, err := r.schema.merge(ctx, tx, r)
	var pgErr *pgconn.PgError
	if err == nil || !errors.As(err, &pgErr) || (pgErr.Code != "21000" && pgErr.Code != "23505") {
		return stats, err
	}
	if _, err := tx.Exec(ctx, "ROLLBACK TO SAVEPOINT ingest_merge"); err != nil {
		return nil, fmt.Errorf("rollback to savepoint: %w", err)
	}
	t0 := time.Now()
	dropped, err := r.rejectDuplicates(ctx, tx)
	r.took("doppioni", t0)
	if err != nil {
		return nil, err
	}
	r.sum.Loaded -= dropped
	return r.schema.merge(ctx, tx, r)
}

// rejectDuplicates deletes from staging the rows repeating a key already seen earlier in the
// file; the first occurrence stands. Done in SQL so that memory stays flat in file size.
func (r *batchRun) rejectDuplicates(ctx context.Context, tx pgx.Tx) (int, error) {
	if len(r.schema.unique) == 0 {
		return 0, nil
	}
	keys := strings.Join(r.schema.unique, ", ")
	report := "codice_fiscale"
	if len(r.schema.unique) == 1 {
		report = r.schema.unique[0]
	}
	matched := "false"
	if r.schema.terr >= 0 {
		matched = "stg.quartiere IS NOT NULL"
	}
	rows, err := tx.Query(ctx, fmt.Sprintf(`
		WITH dup AS (SELECT %[1]s FROM %[2]s GROUP BY %[1]s HAVING count(*) > 1),
		     d AS (SELECT s.line, min(s.line) OVER (PARTITION BY %[3]s) AS first
		           FROM %[2]s s JOIN dup USING (%[1]s))
		DELETE FROM %[2]s stg USING d WHERE stg.line = d.line AND d.line > d.first
		RETURNING stg.line, stg.%[4]s, d.first, %[5]s`, keys, stagingTable, prefixed("s.", r.schema.unique), report, matched))
	if err != nil {
		return 0, fmt.Errorf("reject duplicates: %w", err)
	}
	n := 0
	for rows.Next() {
		var line, first int
		var val string
		var wasMatched bool
		if err := rows.Scan(&line, &val, &first, &wasMatched); err != nil {
			rows.Close()
			return 0, fmt.Errorf("reject duplicates: %w", err)
		}
		what := r.schema.uniqCol
		if len(r.schema.unique) > 1 {
			what = "chiave (" + strings.Join(upperCols(r.schema, r.schema.unique), ", ") + ")"
		}
		r.rejects = append(r.rejects, Rejection{Line: line, Column: r.schema.uniqCol, Value: val,
			Reason: fmt.Sprintf("%s duplicato nel file: vale la prima occorrenza, alla riga %d", what, first)})
		if wasMatched {
			r.matched--
		}
		n++
	}
	rows.Close()
	return n, rows.Err()
}

func prefixed(p string, cols []string) string {
	out := make([]string, len(cols))
	for i, c := range cols {
		out[i] = p + c
	}
	return strings.Join(out, ", ")
}

// upperCols names staging columns as the formats' headers do (codice_fiscale → C-FISCALE).
func upperCols(s *schema, cols []string) []string {
	out := make([]string, len(cols))
	for i, c := range cols {
		out[i] = strings.ToUpper(strings.ReplaceAll(c, "_", "-"))
		for _, f := range s.fields {
			if f.Dst == c {
				out[i] = f.Col
			}
		}
	}
	return out
}

// inferredAsOf is the latest checked date of the file, else the load date; none for a file
// that loaded no row (a header alone, every row rejected): it says nothing of when the
// source's data stand, and the source's as-of (the latest batch's) must not move to today.
func (r *batchRun) inferredAsOf() (time.Time, string) {
	if !r.lastDate.IsZero() {
		return r.lastDate, "content"
	}
	if r.sum.Loaded == 0 {
		return time.Time{}, "none"
	}
	now := r.loader.now()
	return time.Date(now.Year(), now.Month(), now.Day(), 0, 0, 0, 0, time.UTC), "load_date"
}

func (r *batchRun) storeRejections(ctx context.Context, tx pgx.Tx) error {
	sort.SliceStable(r.rejects, func(i, j int) bool { return r.rejects[i].Line < r.rejects[j].Line })
	r.sum.Rejected = len(r.rejects)
	if len(r.rejects) > maxListedRejections {
		r.sum.Rejections = r.rejects[:maxListedRejections]
		r.sum.Warnings = append(r.sum.Warnings, fmt.Sprintf("%d righe scartate: qui le prime %d, tutte con `conoscenza ingest rejections %d`",
			len(r.rejects), maxListedRejections, r.batchID))
	} else {
		r.sum.Rejections = r.rejects
	}
	if r.sum.Rejections == nil {
		r.sum.Rejections = []Rejection{}
	}
	_, err := tx.CopyFrom(ctx, pgx.Identifier{"rejected_rows"}, []string{"batch_id", "line", "column_name", "value", "reason"},
		pgx.CopyFromSlice(len(r.rejects), func(i int) ([]any, error) {
			x := r.rejects[i]
			return []any{r.batchID, int32(x.Line), x.Column, x.Value, x.Reason}, nil
		}))
	if err != nil {
		return fmt.Errorf("store rejections: %w", err)
	}
	return nil
}

func (r *batchRun) finishBatch(ctx context.Context, tx pgx.Tx) error {
	var matched *int
	if r.schema.address >= 0 {
		m := r.matched
		matched = &m
		r.sum.MatchRate = matchRate(r.schema, matched, r.sum.Loaded)
		r.sum.Stats["non_attribuiti"] = int64(r.sum.Loaded - m) // the formats: counted in the load report
	}
	if r.sum.Read > 0 && r.sum.Loaded == 0 {
		r.sum.Warnings = append(r.sum.Warnings, "nessuna riga valida nel file")
	}
	warnings, _ := json.Marshal(r.sum.Warnings)
	statsDoc := map[string]any{"encoding": r.sum.Encoding, "separator": r.sum.Separator, "as_of_source": r.asOfSource}
	for k, v := range r.sum.Stats {
		statsDoc[k] = v
	}
	statsDoc["ms"] = r.timings
	stats, _ := json.Marshal(statsDoc)
	r.sum.DurationMS = r.loader.now().Sub(r.start).Milliseconds()
	_, err := tx.Exec(ctx, `UPDATE load_batches SET status = 'committed', as_of = $2, rows_read = $3, rows_loaded = $4,
			rows_rejected = $5, rows_matched = $6, warnings = $7, stats = $8, finished_at = now(), duration_ms = $9
		WHERE id = $1`, r.batchID, nullDate(r.asOf), r.sum.Read, r.sum.Loaded, r.sum.Rejected, matched,
		warnings, stats, r.sum.DurationMS)
	if err != nil {
		return fmt.Errorf("record batch: %w", err)
	}
	return nil
}

// took records how long a step lasted.
func (r *batchRun) took(step string, since time.Time) {
	if r.timings == nil {
		r.timings = map[string]int64{}
	}
	r.timings[step] = time.Since(since).Milliseconds()
}

func nullDate(t time.Time) *time.Time {
	if t.IsZero() {
		return nil
	}
	return &t
}

// copySQL is the binary COPY statement into table; freeze when the table was truncated in
// this subtransaction (the rows are written already frozen: nobody else can see the table
// before the commit, and no later vacuum or first reader has to rewrite every page).
func copySQL(table string, cols []string, freeze bool) string {
	q := make([]string, len(cols))
	for i, c := range cols {
		q[i] = pgx.Identifier{c}.Sanitize()
	}
	opts := "FORMAT binary"
	if freeze {
		opts += ", FREEZE"
	}
	return fmt.Sprintf("COPY %s (%s) FROM STDIN (%s)", pgx.Identifier{table}.Sanitize(), strings.Join(q, ", "), opts)
}
