package semantic

import (
	"context"
	"errors"
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/hashicorp/golang-lru/v2/expirable"
	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgtype"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/comune-bologna/conoscenza/agent/catalog"
	"github.com/comune-bologna/conoscenza/ingest/db"
)

// Policy is what the asking user may see of a result.
type Policy struct {
	// AllowDetails lifts small-cell suppression (roles with access to company-level data).
	AllowDetails bool
	// Threshold is the smallest count shown in breakdowns that combine territory with personal
	// attributes; 0 means the default of 3.
	Threshold int
}

// DefaultThreshold is the default small-cell threshold.
const DefaultThreshold = 3

// Engine runs typed queries as the read-only role.
type Engine struct {
	pool    *pgxpool.Pool
	catalog *catalog.Catalog
	timeout time.Duration
	// cache keeps results by statement, parameters, policy and data version: the data change
	// once a month, the dashboard asks the same questions all day.
	cache *expirable.LRU[string, *Result]
	// detailedOnly never reads an aggregate (tests compare both paths).
	detailedOnly bool
	// workers is max_parallel_workers_per_gather for catalog queries (0: none).
	workers int
}

// WithParallelWorkers lets each catalog query use up to n parallel workers per scan (the
// cluster's max_parallel_workers_per_gather; 0, the default, none). A worker is another server
// process on another core: it shortens a scan of the event tables on an idle machine and
// competes with the other queries on a busy one (docs/metrics.md, "Session 6").
func (e *Engine) WithParallelWorkers(n int) *Engine {
	e.workers = max(n, 0)
	return e
}

// NewEngine returns an engine over a pool that connects as the read-only role.
func NewEngine(readOnly *pgxpool.Pool, cat *catalog.Catalog) *Engine {
	return &Engine{pool: readOnly, catalog: cat, timeout: 5 * time.Second,
		cache: expirable.NewLRU[string, *Result](1024, nil, 15*time.Minute)}
}

// WithoutCache turns the result cache off (benchmarks measure the database).
func (e *Engine) WithoutCache() *Engine {
	e.cache = nil
	return e
}

// Catalog is the catalog the engine validates against.
func (e *Engine) Catalog() *catalog.Catalog { return e.catalog }

// Validate checks a query without running it.
func (e *Engine) Validate(q Query) error {
	_, err := validate(e.catalog, q)
	return err
}

// Run validates, compiles and executes q, returning its numbers and provenance.
func (e *Engine) Run(ctx context.Context, q Query, pol Policy) (*Result, error) {
	return e.run(ctx, q, pol, runOptions{})
}

// runOptions change how a query is executed, for the engine's own derived queries.
type runOptions struct {
	// cumulateFrom turns a balance by period into the running stock at each period's end,
	// shown from this date on (reconstruct.go).
	cumulateFrom time.Time
}

func (e *Engine) run(ctx context.Context, q Query, pol Policy, opt runOptions) (*Result, error) {
	p, err := validate(e.catalog, q)
	if err != nil {
		return nil, err
	}
	ctx, cancel := context.WithTimeout(ctx, e.timeout)
	defer cancel()
	tx, err := e.pool.BeginTx(ctx, pgx.TxOptions{AccessMode: pgx.ReadOnly, IsoLevel: pgx.RepeatableRead})
	if err != nil {
		return nil, db.Translate(err, "begin read-only transaction")
	}
	defer tx.Rollback(ctx) //nolint:errcheck // read-only
	// No parallel workers unless configured (WithParallelWorkers): without huge pages each
	// worker, a new server process, mapped page by page every shared buffer it read, which on
	// the event tables cost more than the second core gave back (docs/metrics.md, session 4);
	// with them, what they give depends on how busy the machine is (session 6).
	if _, err := tx.Exec(ctx, "SELECT set_config('statement_timeout', $1, true), set_config('max_parallel_workers_per_gather', $2, true)",
		strconv.FormatInt(e.timeout.Milliseconds(), 10), strconv.Itoa(e.workers)); err != nil {
		return nil, db.Translate(err, "set statement timeout")
	}

	if from, ok, err := seriesBeforeFirstSnapshot(ctx, tx, p); err != nil {
		return nil, err
	} else if ok {
		_ = tx.Rollback(ctx)
		return e.reconstructSeries(ctx, p, from, pol)
	}
	cur, prev, snapBatch, err := e.snapshots(ctx, tx, p)
	if bf := (*beforeFirstSnapshot)(nil); errors.As(err, &bf) && reconstructible(p) {
		_ = tx.Rollback(ctx)
		return e.reconstruct(ctx, p, bf, pol)
	}
	if err != nil {
		return nil, err
	}
	c := compile(p, cur, prev)
	if !opt.cumulateFrom.IsZero() {
		c = cumulate(c, opt.cumulateFrom)
	}
	key, err := e.cacheKey(ctx, tx, c, pol)
	if err != nil {
		return nil, err
	}
	if e.cache != nil {
		if hit, ok := e.cache.Get(key); ok {
			out := *hit
			out.Cached = true
			return &out, nil
		}
	}
	rows, err := tx.Query(ctx, c.sql, c.params...)
	if err != nil {
		return nil, db.Translate(err, "run query")
	}
	res := &Result{Metric: p.metric.Name, Unit: p.metric.Unit, Columns: c.columns, SQL: c.sql, Params: c.params, Query: p.q}
	counts, err := collect(rows, res, len(c.columns))
	if err != nil {
		return nil, db.Translate(err, "read query result")
	}
	if len(res.Rows) > maxRows {
		res.Rows, counts = res.Rows[:maxRows], counts[:maxRows]
		res.Notes = append(res.Notes, fmt.Sprintf("risultato troncato a %d righe", maxRows))
	}
	res.RowCount = len(res.Rows)
	if p.needsSuppression(pol) {
		threshold := pol.Threshold
		if threshold <= 0 {
			threshold = DefaultThreshold
		}
		res.Suppressed = suppress(res, c.values, counts, threshold)
		if res.Suppressed > 0 {
			res.Notes = append(res.Notes, fmt.Sprintf("%d celle con meno di %d imprese oscurate per il segreto statistico", res.Suppressed, threshold))
		}
	}
	if err := e.describeSources(ctx, tx, p, cur, snapBatch, res); err != nil {
		return nil, err
	}
	if e.cache != nil {
		e.cache.Add(key, res)
	}
	return res, nil
}

// cacheKey identifies a result: the statement, its parameters, the policy and the data
// version (the latest committed load), so that any new load invalidates every entry.
func (e *Engine) cacheKey(ctx context.Context, tx pgx.Tx, c compiled, pol Policy) (string, error) {
	if e.cache == nil {
		return "", nil
	}
	var version int64
	if err := tx.QueryRow(ctx, "SELECT COALESCE(max(id), 0) FROM load_batches WHERE status = 'committed'").Scan(&version); err != nil {
		return "", db.Translate(err, "read data version")
	}
	return fmt.Sprintf("%d|%v|%d|%s|%v", version, pol.AllowDetails, pol.Threshold, c.sql, c.params), nil
}

// snapshots resolves the register snapshot the query reads and, for stock comparisons, the one
// it is compared with.
func (e *Engine) snapshots(ctx context.Context, tx pgx.Tx, p *plan) (cur, prev snapshot, batch int64, err error) {
	var latest *time.Time
	if err = tx.QueryRow(ctx, "SELECT max(as_of) FROM register_snapshots").Scan(&latest); err != nil {
		return cur, prev, 0, db.Translate(err, "read register snapshots")
	}
	usesRegister := p.source == "register" || len(p.groupBy)+len(p.filters) > 0
	if latest == nil {
		if p.source == "register" {
			return cur, prev, 0, db.Errorf(db.CodeUnavailable, "no register snapshot is loaded yet: load one with `conoscenza ingest imprese FILE`")
		}
		// Other sources still answer; company attributes are then unknown.
		return snapshot{date: time.Now(), latest: true}, snapshot{latest: true}, 0, nil
	}
	_ = usesRegister
	want := p.asOf
	if want.IsZero() && p.effectiveKind() == catalog.KindStock && !p.series && !p.to.IsZero() {
		want = p.to // "imprese attive a fine 2023": the snapshot at the end of the period
	}
	cur, batch, err = resolveSnapshot(ctx, tx, want, *latest)
	if err != nil {
		return cur, prev, 0, err
	}
	if cur.latest && !e.detailedOnly {
		if cur.metas, err = readCubes(ctx, tx, cur); err != nil {
			return cur, prev, 0, err
		}
	}
	if !cur.latest && p.effectiveKind() == catalog.KindStock && !p.series && !e.detailedOnly {
		if cur, err = withStockHistory(ctx, tx, cur); err != nil {
			return cur, prev, 0, err
		}
	}
	if cur.latest && p.effectiveKind() == catalog.KindStock && !e.detailedOnly {
		if err = tx.QueryRow(ctx, "SELECT EXISTS (SELECT 1 FROM agg_imprese_stock WHERE as_of = $1)", cur.date).Scan(&cur.cube); err != nil {
			return cur, prev, 0, db.Translate(err, "read stock aggregate")
		}
		if cur.stock, err = loadStockCuboids(ctx, tx, cur); err != nil {
			return cur, prev, 0, err
		}
		if cur.detail, err = loadStockDetail(ctx, tx, cur); err != nil {
			return cur, prev, 0, err
		}
		if cur.events, err = loadEvents(ctx, tx, p.source, cur); err != nil {
			return cur, prev, 0, err
		}
		if cur.live, err = loadLive(ctx, tx, p.source, cur); err != nil {
			return cur, prev, 0, err
		}
	}
	if k := p.effectiveKind(); !e.detailedOnly && (k == catalog.KindFlow || k == catalog.KindBalance || k == catalog.KindGrowth || p.usesAge()) {
		if cur.cubes, err = loadCube(ctx, tx, p.source, cur); err != nil {
			return cur, prev, 0, err
		}
		if cur.facts, err = loadFacts(ctx, tx, p.source, cur); err != nil {
			return cur, prev, 0, err
		}
		if p.source == "register" {
			if cur.history, err = readCube(ctx, tx, historyTable, cur); err != nil {
				return cur, prev, 0, err
			}
		}
		if p.from.IsZero() && p.to.IsZero() || k == catalog.KindGrowth {
			if cur.totals, err = loadTotals(ctx, tx, p.source, cur); err != nil {
				return cur, prev, 0, err
			}
		}
		if cur.events == nil {
			if cur.events, err = loadEvents(ctx, tx, p.source, cur); err != nil {
				return cur, prev, 0, err
			}
		}
	}
	if p.series && cur.latest && !e.detailedOnly {
		if cur.snaps, err = loadSnapshotDates(ctx, tx); err != nil {
			return cur, prev, 0, err
		}
		if p.effectiveKind() == catalog.KindStock {
			if cur.histFrom, err = loadStockHistoryFrom(ctx, tx); err != nil {
				return cur, prev, 0, err
			}
		}
	}
	prev = cur
	if p.q.CompareTo != "" && p.effectiveKind() == catalog.KindStock && !p.series {
		target := cur.date.AddDate(-1, 0, 0)
		if p.q.CompareTo == "previous_period" {
			target = cur.date.AddDate(0, 0, -1)
		}
		prev, _, err = resolveSnapshot(ctx, tx, target, *latest)
		if err != nil {
			if bf := (*beforeFirstSnapshot)(nil); errors.As(err, &bf) {
				bf.compared = cur.date // the stock itself has its snapshot: only the comparison lacks one
			}
			return cur, prev, 0, fmt.Errorf("comparison: %w", err)
		}
		if !e.detailedOnly {
			if prev, err = withStockHistory(ctx, tx, prev); err != nil {
				return cur, prev, 0, err
			}
		}
	}
	return cur, prev, batch, nil
}

func resolveSnapshot(ctx context.Context, tx pgx.Tx, want, latest time.Time) (snapshot, int64, error) {
	if want.IsZero() || !want.Before(latest) {
		var batch int64
		err := tx.QueryRow(ctx, "SELECT batch_id FROM register_snapshots WHERE as_of = $1", latest).Scan(&batch)
		return snapshot{date: latest, latest: true}, batch, db.Translate(err, "register snapshot")
	}
	var d *time.Time
	var batch *int64
	err := tx.QueryRow(ctx, `SELECT as_of, batch_id FROM register_snapshots WHERE as_of <= $1 ORDER BY as_of DESC LIMIT 1`, want).Scan(&d, &batch)
	if errors.Is(err, pgx.ErrNoRows) {
		var first *time.Time // NULL only if the snapshots went in between: the caller read the latest
		if err := tx.QueryRow(ctx, `SELECT min(as_of) FROM register_snapshots`).Scan(&first); err != nil {
			return snapshot{}, 0, db.Translate(err, "register snapshot")
		}
		if first == nil {
			return snapshot{}, 0, db.Errorf(db.CodeNotFound, "no register snapshot at or before %s", want.Format(time.DateOnly))
		}
		return snapshot{}, 0, &beforeFirstSnapshot{want: want, first: *first, err: db.Errorf(db.CodeNotFound,
			"no register snapshot at or before %s: the earliest is %s", want.Format(time.DateOnly), first.Format(time.DateOnly))}
	}
	if err != nil {
		return snapshot{}, 0, db.Translate(err, "register snapshot")
	}
	return snapshot{date: *d, latest: d.Equal(latest)}, *batch, nil
}

// collect reads rows into res and returns the hidden small-cell counts per row.
func collect(rows pgx.Rows, res *Result, visible int) ([]int64, error) {
	defer rows.Close()
	var counts []int64
	for rows.Next() {
		vals, err := rows.Values()
		if err != nil {
			return nil, err
		}
		row := make([]any, visible)
		for i := 0; i < visible; i++ {
			row[i] = normalise(vals[i])
		}
		var n int64 = math.MaxInt64
		if last, ok := normalise(vals[len(vals)-1]).(int64); ok {
			n = last
		}
		res.Rows = append(res.Rows, row)
		counts = append(counts, n)
	}
	return counts, rows.Err()
}

func normalise(v any) any {
	switch x := v.(type) {
	case time.Time:
		return x.Format(time.DateOnly)
	case int32:
		return int64(x)
	case int16:
		return int64(x)
	case float64:
		return math.Round(x*100) / 100
	case float32:
		return math.Round(float64(x)*100) / 100
	case pgtype.Numeric:
		f, err := x.Float64Value()
		if err != nil || !f.Valid {
			return nil
		}
		return math.Round(f.Float64*100) / 100
	}
	return v
}

// needsSuppression says whether the breakdown combines territory with personal attributes.
func (p *plan) needsSuppression(pol Policy) bool {
	if pol.AllowDetails {
		return false
	}
	territorial, personal := false, false
	for _, d := range p.groupBy {
		territorial = territorial || d.Territorial
		personal = personal || d.Personal || d.Name == "classe_forma" || d.Name == "forma_giuridica"
	}
	for _, f := range append(slices.Clone(p.filters), p.subset...) {
		personal = personal || f.dim.Personal || f.dim.Name == "forma_giuridica" && slices.Contains(f.values, any("DI"))
		if f.dim.Name == "classe_forma" {
			for _, v := range f.values {
				personal = personal || slices.Contains(f.dim.PersonalValues, fmt.Sprint(v))
			}
		}
	}
	return territorial && personal
}

// suppress blanks the numbers of rows resting on fewer than threshold (but more than zero)
// companies and returns how many rows it blanked.
func suppress(res *Result, valueCols []string, counts []int64, threshold int) int {
	idx := map[string]int{}
	for i, c := range res.Columns {
		idx[c.Name] = i
	}
	n := 0
	for r, cnt := range counts {
		if cnt > 0 && cnt < int64(threshold) {
			for _, name := range valueCols {
				if i, ok := idx[name]; ok {
					res.Rows[r][i] = nil
				}
			}
			n++
		}
	}
	return n
}

func (e *Engine) describeSources(ctx context.Context, tx pgx.Tx, p *plan, cur snapshot, snapBatch int64, res *Result) error {
	reg := e.catalog.Sources["register"]
	add := func(name string) error {
		s := e.catalog.Sources[name]
		info := SourceInfo{Name: name, Description: s.IT}
		if name == "register" {
			if snapBatch != 0 {
				info.AsOf, info.BatchID = cur.date.Format(time.DateOnly), snapBatch
			}
		} else {
			var asOf *time.Time
			var batch *int64
			err := tx.QueryRow(ctx, `SELECT as_of, id FROM load_batches WHERE kind = $1 AND status = 'committed'
				ORDER BY as_of DESC NULLS LAST, id DESC LIMIT 1`, s.BatchKind).Scan(&asOf, &batch)
			if err != nil && !errors.Is(err, pgx.ErrNoRows) {
				return db.Translate(err, "read source as-of")
			}
			if asOf != nil {
				info.AsOf = asOf.Format(time.DateOnly)
			}
			if batch != nil {
				info.BatchID = *batch
			}
		}
		res.Sources = append(res.Sources, info)
		return nil
	}
	if err := add(p.source); err != nil {
		return err
	}
	res.AsOf = res.Sources[0].AsOf
	if p.source != "register" && reg != nil && p.usesCompanyAttributes() && snapBatch != 0 {
		return add("register")
	}
	return nil
}

func (p *plan) usesCompanyAttributes() bool {
	uses := func(d *catalog.Dimension) bool {
		s, _ := d.SQLFor(p.source)
		return strings.Contains(s, "i.")
	}
	for _, d := range p.groupBy {
		if uses(d) {
			return true
		}
	}
	for _, f := range p.filters {
		if uses(f.dim) {
			return true
		}
	}
	return false
}

// usesAge says whether the query uses the company's age (anzianita).
func (p *plan) usesAge() bool {
	for _, d := range p.groupBy {
		if d.Type == catalog.TypeMonths {
			return true
		}
	}
	for _, f := range append(slices.Clone(p.filters), p.subset...) {
		if f.dim.Type == catalog.TypeMonths {
			return true
		}
	}
	return false
}
