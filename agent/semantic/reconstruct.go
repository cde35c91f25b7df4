package semantic

import (
	"context"
	"errors"
	"fmt"
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
	Date string `json:"date"` // the stock's date (YYYY-MM-DD)
	// ComparedWith is the date a year before, when the stock is compared with it: both sides
	// are rebuilt, so that they are counted alike.
	ComparedWith  string `json:"compared_with,omitempty"`
	Missing       string `json:"missing"`        // the date that has no snapshot
	FirstSnapshot string `json:"first_snapshot"` // the earliest snapshot loaded
	Extract       string `json:"extract"`        // the snapshot whose dates were read (the latest)
	AskedMetric   string `json:"asked_metric"`   // imprese_attive is answered as registered
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
	if p.effectiveKind() != catalog.KindStock || p.series || (p.q.CompareTo != "" && p.q.CompareTo != "previous_year") ||
		(p.metric.Name != "imprese_registrate" && p.metric.Name != "imprese_attive") {
		return false
	}
	unknownAtDate := func(d *catalog.Dimension) bool {
		return d.Name == "stato" || d.Name == "anzianita" || d.Type == "time"
	}
	for _, d := range p.groupBy {
		if unknownAtDate(d) {
			return false
		}
	}
	for _, f := range p.filters {
		if unknownAtDate(f.dim) {
			return false
		}
	}
	return true
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
	q := Query{Metric: "saldo", Filters: p.q.Filters, GroupBy: p.q.GroupBy, To: own.Format(time.DateOnly),
		CompareTo: p.q.CompareTo, Order: p.q.Order, Limit: p.q.Limit}
	inner, err := e.Run(ctx, q, pol)
	if err != nil {
		return nil, fmt.Errorf("reconstruct %s at %s from the register's dates: %w", p.metric.Name, own.Format(time.DateOnly), err)
	}
	var oldest *time.Time
	if err := e.pool.QueryRow(ctx, `SELECT min(dt_cessazione) FROM imprese
		WHERE dt_cessazione IS NOT NULL AND last_as_of = (SELECT max(as_of) FROM register_snapshots)`).Scan(&oldest); err != nil && !errors.Is(err, pgx.ErrNoRows) {
		return nil, db.Translate(err, "read the register's oldest closure")
	}
	rec := &Reconstruction{Date: own.Format(time.DateOnly), Missing: bf.want.Format(time.DateOnly),
		FirstSnapshot: bf.first.Format(time.DateOnly), Extract: inner.AsOf, AskedMetric: p.metric.Name}
	if !before.IsZero() {
		rec.ComparedWith = before.Format(time.DateOnly)
	}
	if oldest != nil {
		rec.ClosuresFrom = oldest.Format(time.DateOnly)
		rec.LowerBound = earliest.Before(*oldest)
	}
	registrate, _ := e.catalog.Metric("imprese_registrate")
	out := *inner // the inner result may sit in the cache: copy what changes
	out.Metric, out.Unit, out.Query, out.Cached = registrate.Name, registrate.Unit, p.q, false
	out.Reconstructed = rec
	ownDay, beforeDay := own.Format("02/01/2006"), before.Format("02/01/2006")
	whole := map[string]bool{"valore": true, "valore_confronto": true, "variazione": true}
	out.Columns = make([]Column, len(inner.Columns))
	for i, c := range inner.Columns {
		switch c.Name {
		case "valore":
			c.Label = registrate.IT + " al " + ownDay + " (ricostruite)"
		case "valore_confronto":
			c.Label = registrate.IT + " al " + beforeDay + " (ricostruite)"
		case "aperture":
			c.Label = "Iscritte entro il " + ownDay
		case "chiusure":
			c.Label = "Cessate entro il " + ownDay
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
	return &out, nil
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
