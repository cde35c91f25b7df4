package semantic

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/comune-bologna/conoscenza/agent/catalog"
	"github.com/comune-bologna/conoscenza/ingest/db"
)

// PlateaRequest describes the firms a call (bando) would address: the same filters as a query
// (type, sector, territory, anzianita, size, state) over the latest register snapshot.
type PlateaRequest struct {
	Filters    []Filter `json:"filters"`
	Breakdowns []string `json:"breakdowns,omitempty"` // default quartiere, sezione_ateco, classe_forma, classe_addetti
	AsOf       string   `json:"as_of,omitempty"`
	// List asks for the firms themselves (only for roles that may see company-level rows).
	List      bool `json:"list,omitempty"`
	ListLimit int  `json:"list_limit,omitempty"`
}

// Platea is the population a call would reach.
type Platea struct {
	Count      int64     `json:"count"`
	Total      *Result   `json:"total"`
	Breakdowns []*Result `json:"breakdowns"`
	List       *Result   `json:"list,omitempty"`
}

// DefaultBreakdowns are the breakdowns of a platea when none are asked.
var DefaultBreakdowns = []string{"quartiere", "sezione_ateco", "classe_forma", "classe_addetti"}

// plateaMetric counts active firms unless the criteria name a state themselves.
func plateaMetric(filters []Filter) string {
	for _, f := range filters {
		if f.Dimension == "stato" {
			return "imprese_registrate"
		}
	}
	return "imprese_attive"
}

// Platea counts the firms matching the criteria, with breakdowns and, if asked and allowed,
// the list.
func (e *Engine) Platea(ctx context.Context, req PlateaRequest, pol Policy) (*Platea, error) {
	metric := plateaMetric(req.Filters)
	base := Query{Metric: metric, Filters: req.Filters, AsOf: req.AsOf}
	total, err := e.Run(ctx, base, pol)
	if err != nil {
		return nil, err
	}
	out := &Platea{Total: total}
	if len(total.Rows) == 1 {
		if n, ok := total.Rows[0][0].(int64); ok {
			out.Count = n
		}
	}
	breakdowns := req.Breakdowns
	if len(breakdowns) == 0 {
		breakdowns = DefaultBreakdowns
	}
	for _, dim := range breakdowns {
		q := base
		q.GroupBy = []string{dim}
		r, err := e.Run(ctx, q, pol)
		if err != nil {
			return nil, err
		}
		out.Breakdowns = append(out.Breakdowns, r)
	}
	if req.List {
		if !pol.AllowDetails {
			return nil, db.Errorf(db.CodeForbidden, "the list of firms is available only to roles with access to company-level data")
		}
		if out.List, err = e.list(ctx, base, req.ListLimit); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// list returns the firms a register query counts.
func (e *Engine) list(ctx context.Context, q Query, limit int) (*Result, error) {
	p, err := validate(e.catalog, q)
	if err != nil {
		return nil, err
	}
	if limit <= 0 || limit > maxRows {
		limit = 500
	}
	tx, err := e.pool.BeginTx(ctx, pgx.TxOptions{AccessMode: pgx.ReadOnly, IsoLevel: pgx.RepeatableRead})
	if err != nil {
		return nil, db.Translate(err, "begin read-only transaction")
	}
	defer tx.Rollback(ctx) //nolint:errcheck // read-only
	cur, _, batch, err := e.snapshots(ctx, tx, p)
	if err != nil {
		return nil, err
	}
	b := &builder{}
	ref := b.lazyDate(cur.date)
	where := []string{p.metric.Where}
	for _, f := range p.filters {
		where = append(where, b.filterSQL(f, "register", "", ref))
	}
	sql := fmt.Sprintf(`SELECT i.codice_fiscale, i.denominazione, COALESCE(i.quartiere, 'non attribuito') AS quartiere,
		i.ateco, i.classe_forma, i.dt_iscrizione, i.addetti, i.stato FROM %s i WHERE %s ORDER BY i.denominazione LIMIT %s`,
		registerRel(b, cur, false), strings.Join(where, " AND "), b.arg(limit))
	rows, err := tx.Query(ctx, sql, b.params...)
	if err != nil {
		return nil, db.Translate(err, "list firms")
	}
	res := &Result{Metric: "elenco", Unit: "imprese", SQL: sql, Params: b.params, Query: p.q}
	for _, c := range []struct{ n, l, t string }{{"codice_fiscale", "Codice fiscale", "text"}, {"denominazione", "Denominazione", "text"},
		{"quartiere", "Quartiere", "text"}, {"ateco", "ATECO", "text"}, {"classe_forma", "Forma", "text"},
		{"dt_iscrizione", "Iscrizione", "date"}, {"addetti", "Addetti", "number"}, {"stato", "Stato", "text"}} {
		res.Columns = append(res.Columns, Column{Name: c.n, Label: c.l, Type: c.t})
	}
	for rows.Next() {
		vals, err := rows.Values()
		if err != nil {
			return nil, db.Translate(err, "list firms")
		}
		for i := range vals {
			vals[i] = normalise(vals[i])
		}
		res.Rows = append(res.Rows, vals)
	}
	if err := rows.Err(); err != nil {
		return nil, db.Translate(err, "list firms")
	}
	res.RowCount = len(res.Rows)
	res.AsOf = cur.date.Format("2006-01-02")
	res.Sources = []SourceInfo{{Name: "register", Description: e.catalog.Sources["register"].IT, AsOf: res.AsOf, BatchID: batch}}
	return res, nil
}

// Outcome compares, for a past call, how its beneficiaries fared afterwards (still active in
// the latest snapshot, CIG requests after the grant) with the applicants it did not fund and
// with similar firms that did not receive it (active at the first grant date, matching the
// filters, standardised on the beneficiaries' mix of sector and legal-form class).
func (e *Engine) Outcome(ctx context.Context, bando string, filters []Filter) (*Result, error) {
	if strings.TrimSpace(bando) == "" {
		return nil, db.Errorf(db.CodeInvalid, "name the call (bando), e.g. B-2021-07")
	}
	p, err := validate(e.catalog, Query{Metric: "imprese_registrate", Filters: filters})
	if err != nil {
		return nil, err
	}
	for _, f := range p.filters {
		if f.dim.Type == catalog.TypeTime {
			return nil, db.Errorf(db.CodeInvalid, "time dimensions do not apply to a call's outcome")
		}
	}
	b := &builder{}
	id := b.arg(bando)
	ref := func() string { return "(SELECT dt FROM ref)" }
	cond := []string{"true"}
	for _, f := range p.filters {
		cond = append(cond, b.filterSQL(f, "register", "", ref))
	}
	sql := fmt.Sprintf(`WITH ben AS (SELECT codice_fiscale, min(dt_concessione) AS dt FROM contributi
		WHERE id_bando = %[1]s AND esito = 'CONCESSO' GROUP BY 1),
	app AS (SELECT DISTINCT codice_fiscale FROM contributi WHERE id_bando = %[1]s),
	ref AS (SELECT min(dt) AS dt FROM ben),
	latest AS (SELECT max(as_of) AS d FROM register_snapshots),
	cigd AS (SELECT codice_fiscale, max(dt_domanda) AS last FROM cig_domande GROUP BY 1),
	firm AS (
		SELECT i.sezione_ateco, i.classe_forma,
			(i.stato = 'ATTIVA' AND i.last_as_of = (SELECT d FROM latest)) AS attiva,
			COALESCE(cg.last > COALESCE(b.dt, (SELECT dt FROM ref)), false) AS cig,
			CASE WHEN b.codice_fiscale IS NOT NULL THEN 'beneficiarie'
			     WHEN a.codice_fiscale IS NOT NULL THEN 'non ammesse'
			     ELSE 'altre' END AS gruppo
		FROM imprese i
		LEFT JOIN ben b ON b.codice_fiscale = i.codice_fiscale
		LEFT JOIN app a ON a.codice_fiscale = i.codice_fiscale
		LEFT JOIN cigd cg ON cg.codice_fiscale = i.codice_fiscale
		WHERE a.codice_fiscale IS NOT NULL
		   OR (i.dt_iscrizione <= (SELECT dt FROM ref) AND (i.dt_cessazione IS NULL OR i.dt_cessazione > (SELECT dt FROM ref))
		       AND %[2]s)),
	w AS (SELECT sezione_ateco, classe_forma, count(*) AS nb FROM firm WHERE gruppo = 'beneficiarie' GROUP BY 1, 2),
	ctrl AS (SELECT sezione_ateco, classe_forma, avg(attiva::int) AS a, avg(cig::int) AS c, count(*) AS n
		FROM firm WHERE gruppo = 'altre' GROUP BY 1, 2)
	SELECT 'beneficiarie' AS gruppo, count(*) AS imprese, round(100.0 * avg(attiva::int), 1)::float8 AS quota_ancora_attive,
		round(100.0 * avg(cig::int), 1)::float8 AS quota_con_cig_dopo FROM firm WHERE gruppo = 'beneficiarie'
	UNION ALL
	SELECT 'non ammesse', count(*), round(100.0 * avg(attiva::int), 1)::float8, round(100.0 * avg(cig::int), 1)::float8
		FROM firm WHERE gruppo = 'non ammesse'
	UNION ALL
	SELECT 'simili non beneficiarie', COALESCE(sum(ctrl.n), 0)::bigint,
		round(100.0 * sum(w.nb * ctrl.a) / NULLIF(sum(w.nb), 0), 1)::float8,
		round(100.0 * sum(w.nb * ctrl.c) / NULLIF(sum(w.nb), 0), 1)::float8
		FROM w JOIN ctrl USING (sezione_ateco, classe_forma)`, id, strings.Join(cond, " AND "))

	tx, err := e.pool.BeginTx(ctx, pgx.TxOptions{AccessMode: pgx.ReadOnly, IsoLevel: pgx.RepeatableRead})
	if err != nil {
		return nil, db.Translate(err, "begin read-only transaction")
	}
	defer tx.Rollback(ctx) //nolint:errcheck // read-only
	var n int
	if err := tx.QueryRow(ctx, "SELECT count(*) FROM contributi WHERE id_bando = $1", bando).Scan(&n); err != nil {
		return nil, db.Translate(err, "read call")
	}
	if n == 0 {
		return nil, db.Errorf(db.CodeNotFound, "no applications loaded for call %q", bando)
	}
	rows, err := tx.Query(ctx, sql, b.params...)
	if err != nil {
		return nil, db.Translate(err, "call outcome")
	}
	res := &Result{Metric: "esito_bando", Unit: "%", SQL: sql, Params: b.params,
		Columns: []Column{{"gruppo", "Gruppo", "text"}, {"imprese", "Imprese", "number"},
			{"quota_ancora_attive", "Ancora attive (%)", "number"}, {"quota_con_cig_dopo", "Con CIG dopo il contributo (%)", "number"}}}
	for rows.Next() {
		vals, err := rows.Values()
		if err != nil {
			return nil, db.Translate(err, "call outcome")
		}
		for i := range vals {
			vals[i] = normalise(vals[i])
		}
		res.Rows = append(res.Rows, vals)
	}
	if err := rows.Err(); err != nil {
		return nil, db.Translate(err, "call outcome")
	}
	res.RowCount = len(res.Rows)
	for _, s := range []string{"register", "contributi", "cig"} {
		info := SourceInfo{Name: s, Description: e.catalog.Sources[s].IT}
		var asOf *time.Time
		if err := tx.QueryRow(ctx, `SELECT max(as_of) FROM load_batches WHERE kind = $1 AND status = 'committed'`,
			e.catalog.Sources[s].BatchKind).Scan(&asOf); err != nil {
			return nil, db.Translate(err, "read source as-of")
		}
		if asOf != nil {
			info.AsOf = asOf.Format(time.DateOnly)
		}
		res.Sources = append(res.Sources, info)
	}
	res.AsOf = res.Sources[0].AsOf
	return res, nil
}
