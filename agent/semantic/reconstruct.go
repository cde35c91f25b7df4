package semantic

import (
	"context"
	"errors"
	"fmt"
	"math"
	"slices"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/comune-bologna/conoscenza/agent/catalog"
	"github.com/comune-bologna/conoscenza/ingest/db"
)

// A stock asked at a date before the first register snapshot has no snapshot to read: the
// city starts loading monthly extracts on some day, and "quante imprese c'erano a fine 2019?"
// comes the day after. Every extract lists the companies closed in recent years with their
// registration and closure dates, so the companies registered at a date D are those registered
// on or before D minus those closed on or before D: the balance (saldo) of every month up to D,
// which the event cuboids hold. At the latest snapshot's date the two counts are equal; at an
// earlier snapshot's date the reconstruction also counts the closures registered later with an
// earlier date (the better figure). What it cannot know: a company's state at D (so active
// companies are answered as registered, and said so), its address and attributes at D (those
// of the latest extract are used), and the companies closed before the extract's oldest
// closure (they are not in it: before that date the count is a lower bound).

// Reconstruction describes a stock answered from the register's dates instead of a snapshot.
type Reconstruction struct {
	Date string `json:"date,omitempty"` // the stock's date (YYYY-MM-DD)
	// From is the start of a rebuilt series (each period's stock at its end).
	From string `json:"from,omitempty"`
	// ComparedWith is the date a year before, when the stock is compared with it: both sides
	// are rebuilt, so that they are counted alike.
	ComparedWith  string `json:"compared_with,omitempty"`
	Missing       string `json:"missing"`        // the date that has no snapshot
	FirstSnapshot string `json:"first_snapshot"` // the earliest snapshot loaded
	Extract       string `json:"extract"`        // the snapshot whose dates were read (the latest)
	AskedMetric   string `json:"asked_metric"`   // the stock asked (a share's base): imprese_attive is answered as registered
	// ClosuresFrom is the oldest closure date in the register: for a date before it, companies
	// closed in between are missing from the extract and the count is a lower bound.
	ClosuresFrom string `json:"closures_from,omitempty"`
	LowerBound   bool   `json:"lower_bound,omitempty"`
}

// beforeFirstSnapshot is the error of a date before the first register snapshot.
type beforeFirstSnapshot struct {
	want, first time.Time
	// compared is the date of the stock whose comparison (a year before) has no snapshot;
	// zero when the stock's own date has none.
	compared time.Time
	err      *db.Error
}

func (e *beforeFirstSnapshot) Error() string { return e.err.Error() }
func (e *beforeFirstSnapshot) Unwrap() error { return e.err }

// reconstructible reports whether a stock query can be answered from the register's dates:
// one date (or one compared with a year before), registered or active companies, and no
// column whose value at that date the extract does not hold (the state, a period, the age).
func reconstructible(p *plan) bool {
	return !p.series && (p.q.CompareTo == "" || p.q.CompareTo == "previous_year") && stockWithoutStateThen(p, false)
}

// stockWithoutStateThen: registered or active companies, by and filtered on columns whose
// value at an earlier date the extract holds (the latest one's), or may stand for (the
// period's columns, for a series).
func stockWithoutStateThen(p *plan, series bool) bool {
	if stock := p.effectiveMetric(); p.effectiveKind() != catalog.KindStock || (stock.Name != "imprese_registrate" && stock.Name != "imprese_attive") {
		return false
	}
	if series && p.q.CompareTo != "" {
		return false
	}
	unknownAtDate := func(d *catalog.Dimension) bool {
		return d.Name == "stato" || d.Name == "anzianita" || d.Type == catalog.TypeTime && !series
	}
	for _, d := range p.groupBy {
		if unknownAtDate(d) {
			return false
		}
	}
	for _, f := range append(slices.Clone(p.filters), p.subset...) {
		if unknownAtDate(f.dim) || f.dim.Type == catalog.TypeTime {
			return false
		}
	}
	return true
}

// balanceQuery is the query that rebuilds p: the balance (saldo) up to a date, or for a share
// of the registered companies the share of that balance.
func balanceQuery(p *plan) Query {
	q := Query{Metric: "saldo", Filters: p.q.Filters, GroupBy: p.q.GroupBy}
	if p.metric.Kind == catalog.KindShare {
		q.Metric, q.Base, q.Subset, q.rebuilt = p.metric.Name, "saldo", p.q.Subset, true
	}
	return q
}

// reconstruct answers p, whose date is before the first snapshot, with the balance of every
// month up to that date, as the asked metric, with a note that says how it was obtained.
func (e *Engine) reconstruct(ctx context.Context, p *plan, bf *beforeFirstSnapshot, pol Policy) (*Result, error) {
	own := bf.want // the stock's date
	if !bf.compared.IsZero() {
		own = bf.compared // the stock has a snapshot, the year before has none
	}
	earliest, before := own, time.Time{}
	if p.q.CompareTo == "previous_year" {
		before = own.AddDate(-1, 0, 0) // as the engine's comparison and the balance's window
		earliest = before
	}
	// The balance up to a date compared with a year before is the balance up to that date a
	// year earlier: both stocks, from one extract.
	q := balanceQuery(p)
	q.To, q.CompareTo, q.Order, q.Limit = own.Format(time.DateOnly), p.q.CompareTo, p.q.Order, p.q.Limit
	inner, err := e.Run(ctx, q, pol)
	if err != nil {
		return nil, fmt.Errorf("reconstruct %s at %s from the register's dates: %w", p.metric.Name, own.Format(time.DateOnly), err)
	}
	rec := &Reconstruction{Date: own.Format(time.DateOnly), Missing: bf.want.Format(time.DateOnly),
		FirstSnapshot: bf.first.Format(time.DateOnly), Extract: inner.AsOf, AskedMetric: p.effectiveMetric().Name}
	if !before.IsZero() {
		rec.ComparedWith = before.Format(time.DateOnly)
	}
	if err := e.oldestClosure(ctx, rec, earliest); err != nil {
		return nil, err
	}
	ownDay, beforeDay := own.Format("02/01/2006"), before.Format("02/01/2006")
	return e.asRebuiltStock(inner, p, rec, map[string]string{
		"valore":           " al " + ownDay + " (ricostruite)",
		"valore_confronto": " al " + beforeDay + " (ricostruite)",
		"aperture":         "Iscritte entro il " + ownDay,
		"chiusure":         "Cessate entro il " + ownDay,
		"numeratore":       "Sottoinsieme al " + ownDay,
		"denominatore":     "Imprese registrate al " + ownDay,
	}), nil
}

// asRebuiltStock returns a copy of a balance result as the stock p asked for: the registered
// companies' metric, the query asked, the reconstruction, relabelled columns (a label starting
// with a space follows the metric's name), whole counts and the note first.
func (e *Engine) asRebuiltStock(inner *Result, p *plan, rec *Reconstruction, labels map[string]string) *Result {
	shown, _ := e.catalog.Metric("imprese_registrate")
	whole := map[string]bool{"valore": true, "valore_confronto": true, "variazione": true, "aperture": true, "chiusure": true}
	if p.metric.Kind == catalog.KindShare { // a share of the registered companies: a percentage
		shown, whole = p.metric, map[string]bool{"numeratore": true, "denominatore": true}
	}
	out := *inner // the inner result may sit in the cache: copy what changes
	out.Metric, out.Unit, out.Query, out.Cached = shown.Name, shown.Unit, p.q, false
	out.Reconstructed = rec
	out.Columns = make([]Column, len(inner.Columns))
	for i, c := range inner.Columns {
		if l, ok := labels[c.Name]; ok {
			if strings.HasPrefix(l, " ") {
				l = shown.IT + l
				if p.metric.Kind == catalog.KindShare {
					l = strings.ReplaceAll(l, "(ricostruite)", "(ricostruita)")
				}
			}
			c.Label = l
		}
		out.Columns[i] = c
	}
	// The balance is a float (it may be a rate elsewhere); a count of companies is whole.
	out.Rows = make([][]any, len(inner.Rows))
	for i, row := range inner.Rows {
		r := append([]any(nil), row...)
		for j, c := range inner.Columns {
			if f, ok := r[j].(float64); ok && whole[c.Name] {
				r[j] = int64(f)
			}
		}
		out.Rows[i] = r
	}
	out.Notes = append([]string{rec.note()}, inner.Notes...)
	return &out
}

// note is the Italian sentence the result carries (tables, exports, the model's tool result).
func (r *Reconstruction) note() string {
	first, extract := italianDay(r.FirstSnapshot), italianDay(r.Extract)
	rebuilt := "imprese registrate al " + italianDay(r.Date) + " ricostruite"
	if r.ComparedWith != "" {
		rebuilt = "imprese registrate al " + italianDay(r.Date) + " e al " + italianDay(r.ComparedWith) + " ricostruite allo stesso modo"
	}
	s := fmt.Sprintf("Nessun estratto del Registro al %s (il primo caricato è del %s): %s dall'estratto del %s, "+
		"come iscritte entro la data meno cessate entro la data; quartiere e caratteristiche sono quelli dell'estratto del %s.",
		italianDay(r.Missing), first, rebuilt, extract, extract)
	if r.From != "" {
		s = fmt.Sprintf("Nessun estratto del Registro prima del %s: la serie delle imprese registrate dal %s è ricostruita dall'estratto del %s, "+
			"a fine di ogni periodo (l'ultimo alla data dell'estratto), come iscritte entro la fine del periodo meno cessate entro quella data; "+
			"quartiere e caratteristiche sono quelli dell'estratto del %s.", first, italianDay(r.From), extract, extract)
	}
	if r.AskedMetric == "imprese_attive" {
		s += " Lo stato delle imprese a quella data non è nel Registro: il numero comprende anche le inattive, sospese e in liquidazione."
	}
	if r.LowerBound {
		s += fmt.Sprintf(" L'estratto contiene le cessazioni dal %s: le imprese cessate prima non ci sono, quindi il numero è un minimo.", italianDay(r.ClosuresFrom))
	}
	return s
}

func italianDay(iso string) string {
	if t, err := time.Parse(time.DateOnly, iso); err == nil {
		return t.Format("02/01/2006")
	}
	return iso
}

// oldestClosure records the oldest closure date the flows count (the latest snapshot's companies), and whether earliest, the
// earliest date rebuilt, comes before it (then the count is a lower bound).
func (e *Engine) oldestClosure(ctx context.Context, rec *Reconstruction, earliest time.Time) error {
	var oldest *time.Time
	// The closures the flows count, on the event table's key: a few milliseconds, where the
	// register view took a second on a million companies.
	if err := e.pool.QueryRow(ctx, `SELECT min(data) FROM agg_eventi_imprese WHERE evento = 'C'`).Scan(&oldest); err != nil && !errors.Is(err, pgx.ErrNoRows) {
		return db.Translate(err, "read the register's oldest closure")
	}
	if oldest != nil {
		rec.ClosuresFrom = oldest.Format(time.DateOnly)
		rec.LowerBound = earliest.Before(*oldest)
	}
	return nil
}

// seriesBeforeFirstSnapshot reports whether p is a stock series that starts before the first
// register snapshot and can be rebuilt from the register's dates, with that snapshot's date.
func seriesBeforeFirstSnapshot(ctx context.Context, tx pgx.Tx, p *plan) (time.Time, bool, error) {
	if !p.series || p.from.IsZero() || !stockWithoutStateThen(p, true) {
		return time.Time{}, false, nil
	}
	var first *time.Time
	if err := tx.QueryRow(ctx, "SELECT min(as_of) FROM register_snapshots").Scan(&first); err != nil {
		return time.Time{}, false, db.Translate(err, "read register snapshots")
	}
	if first == nil || !p.from.Before(*first) {
		return time.Time{}, false, nil
	}
	return *first, true, nil
}

// reconstructSeries answers a stock series that starts before the first snapshot with the
// running balance of every period up to each period's end, shown from the series' start: the
// registered companies at the end of each period (at the latest snapshot for the period in
// course), counted alike for every period from the one extract.
func (e *Engine) reconstructSeries(ctx context.Context, p *plan, first time.Time, pol Policy) (*Result, error) {
	q := balanceQuery(p)
	q.TimeGrain, q.To = p.seriesGrain(), p.q.To
	inner, err := e.run(ctx, q, pol, runOptions{cumulateFrom: periodStart(p.from, p.seriesGrain())})
	if err != nil {
		return nil, fmt.Errorf("reconstruct the series of %s from %s from the register's dates: %w", p.metric.Name, p.from.Format(time.DateOnly), err)
	}
	rec := &Reconstruction{From: p.from.Format(time.DateOnly), Missing: p.from.Format(time.DateOnly),
		FirstSnapshot: first.Format(time.DateOnly), Extract: inner.AsOf, AskedMetric: p.effectiveMetric().Name}
	if err := e.oldestClosure(ctx, rec, p.from); err != nil {
		return nil, err
	}
	return e.asRebuiltStock(inner, p, rec, map[string]string{
		"valore":       " a fine periodo (ricostruite)",
		"aperture":     "Iscritte entro la fine del periodo",
		"chiusure":     "Cessate entro la fine del periodo",
		"numeratore":   "Sottoinsieme a fine periodo",
		"denominatore": "Imprese registrate a fine periodo",
	}), nil
}

// periodStart is the first day of the period of the grain that holds d.
func periodStart(d time.Time, grain string) time.Time {
	switch grain {
	case "month":
		return time.Date(d.Year(), d.Month(), 1, 0, 0, 0, 0, time.UTC)
	case "quarter":
		return time.Date(d.Year(), d.Month()-(d.Month()-1)%3, 1, 0, 0, 0, 0, time.UTC)
	}
	return time.Date(d.Year(), 1, 1, 0, 0, 0, 0, time.UTC)
}

// cumulate turns a compiled balance by period into the running balance of each group up to
// each period, from the first period on and shown from the period starting at from. Every
// group gets every period (a period without events carries the stock before it), so that no
// stock is missing where nothing happened. The count behind each cell, for the small-cell
// rule, is the stock itself.
func cumulate(c compiled, from time.Time) compiled {
	measures := map[string]bool{"valore": true, "aperture": true, "chiusure": true, "numeratore": true, "denominatore": true}
	timeCols := map[string]bool{"anno": true, "trimestre": true, "mese": true, "periodo": true}
	running := func(col string) string { return fmt.Sprintf("(sum(COALESCE(s.%s, 0)) OVER w)::bigint", col) }
	share, count := slices.ContainsFunc(c.columns, func(c Column) bool { return c.Name == "denominatore" }), running("valore")
	if share {
		count = running("numeratore")
	}
	var keys, times, sel []string
	for _, col := range c.columns {
		id := quote(col.Name)
		switch {
		case share && col.Name == "valore": // the share of the running counts, not a running share
			sel = append(sel, fmt.Sprintf("round(100.0 * %s / NULLIF(%s, 0), 2)::float8 AS valore", running("numeratore"), running("denominatore")))
			continue
		case measures[col.Name]:
			sel = append(sel, running(id)+" AS "+id)
			continue
		case timeCols[col.Name]:
			times = append(times, id)
		default:
			keys = append(keys, id)
		}
		sel = append(sel, "g."+id)
	}
	sel = append(sel, count+" AS _n")
	prefixed := func(alias string, ids []string) string {
		out := make([]string, len(ids))
		for i, id := range ids {
			out[i] = alias + "." + id
		}
		return strings.Join(out, ", ")
	}
	grid := "SELECT " + prefixed("t", times) + " FROM (SELECT DISTINCT " + strings.Join(times, ", ") + " FROM s) t"
	on := []string{"g.periodo = s.periodo"}
	window := "ORDER BY g.periodo"
	order := "r.periodo"
	if len(keys) > 0 {
		grid = "SELECT " + prefixed("k", keys) + ", " + prefixed("t", times) + " FROM (SELECT DISTINCT " + strings.Join(keys, ", ") +
			" FROM s) k CROSS JOIN (SELECT DISTINCT " + strings.Join(times, ", ") + " FROM s) t"
		for _, k := range keys {
			on = append(on, "g."+k+" IS NOT DISTINCT FROM s."+k)
		}
		window = "PARTITION BY " + prefixed("g", keys) + " " + window
		order += ", " + prefixed("r", keys)
	}
	out := c
	// The balance's own limit (its last parameter, see orderAndLimit) would cut the early
	// periods every stock rests on: the running stock is limited instead.
	out.params = append(append([]any(nil), c.params...), from.Format(time.DateOnly), maxRows+1)
	out.params[len(c.params)-1] = math.MaxInt32
	out.sql = "WITH s AS (" + c.sql + "), g AS (" + grid + ") SELECT * FROM (SELECT " + strings.Join(sel, ", ") +
		" FROM g LEFT JOIN s ON " + strings.Join(on, " AND ") + " WINDOW w AS (" + window + ")) r" +
		fmt.Sprintf(" WHERE r.periodo >= $%d::date ORDER BY %s LIMIT $%d", len(out.params)-1, order, len(out.params))
	return out
}
