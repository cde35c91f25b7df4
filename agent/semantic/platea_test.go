package semantic

import (
	"context"
	"math"
	"testing"
	"time"

	"github.com/comune-bologna/conoscenza/ingest/db"
)

func TestPlateaCountsBreaksDownAndListsForAllowedRoles(t *testing.T) {
	e, f := testEngine(t)
	ctx := context.Background()
	req := PlateaRequest{Filters: []Filter{
		{Dimension: "giovanile", Value: true},
		{Dimension: "anzianita", Op: "<", Value: 60},
		{Dimension: "quartiere", Op: "in", Values: []any{"Navile", "Savena"}},
	}, List: true}
	var want []rec
	for _, r := range f.records("imprese_attive", snap2, time.Time{}, time.Time{}) {
		q := orNA(r.v.quartiere, "")
		if r.c.gio != nil && r.c.iscr.After(snap2.AddDate(0, -60, 0)) && (q == "Navile" || q == "Savena") {
			want = append(want, r)
		}
	}
	pl, err := e.Platea(ctx, req, Policy{AllowDetails: true})
	if err != nil {
		t.Fatal(err)
	}
	if pl.Count != int64(len(want)) || pl.List.RowCount != len(want) {
		t.Fatalf("platea count %d, list %d; want %d", pl.Count, pl.List.RowCount, len(want))
	}
	if len(pl.Breakdowns) != len(DefaultBreakdowns) {
		t.Fatalf("breakdowns = %d", len(pl.Breakdowns))
	}
	if dd := diff(aggregate("imprese_attive", want, "quartiere", snap2), resultMap(t, pl.Breakdowns[0], 1)); dd != "" {
		t.Errorf("breakdown by quartiere: %s", dd)
	}
	if _, err := e.Platea(ctx, req, Policy{}); db.ErrorCode(err) != db.CodeForbidden {
		t.Errorf("list without details: %v, want forbidden", err)
	}
}

func TestOutcomeOfAPastCall(t *testing.T) {
	e, f := testEngine(t)
	const bando = "B-2021-07"
	res, err := e.Outcome(context.Background(), bando, nil)
	if err != nil {
		t.Fatal(err)
	}
	ben := map[string]time.Time{}
	applied := map[string]bool{}
	for _, g := range f.grants {
		if g.bando != bando {
			continue
		}
		applied[g.cf] = true
		if g.esito == "CONCESSO" {
			ben[g.cf] = *g.conc
		}
	}
	first := time.Time{}
	for _, d := range ben {
		if first.IsZero() || d.Before(first) {
			first = d
		}
	}
	active := func(c *company) bool { return c.v2 != nil && c.v2.stato == "ATTIVA" }
	cigAfter := func(cf string, d time.Time) bool {
		for _, r := range f.cig {
			if r.cf == cf && r.dom.After(d) {
				return true
			}
		}
		return false
	}
	type acc struct{ n, a, c float64 }
	var benAcc, rejAcc acc
	strata := map[string]*acc{}
	nb := map[string]float64{}
	for _, c := range f.companies {
		v := latestVersion(c)
		key := c.sez + "|" + c.classe
		switch d, isBen := ben[c.cf]; {
		case isBen:
			benAcc.n++
			nb[key]++
			if active(c) {
				benAcc.a++
			}
			if cigAfter(c.cf, d) {
				benAcc.c++
			}
		case applied[c.cf]:
			rejAcc.n++
			if active(c) {
				rejAcc.a++
			}
			if cigAfter(c.cf, first) {
				rejAcc.c++
			}
		case !c.iscr.After(first) && (v.cess == nil || v.cess.After(first)):
			if strata[key] == nil {
				strata[key] = &acc{}
			}
			s := strata[key]
			s.n++
			if active(c) {
				s.a++
			}
			if cigAfter(c.cf, first) {
				s.c++
			}
		}
	}
	var simN, wsum, wa, wc float64
	for k, w := range nb {
		if s := strata[k]; s != nil {
			simN += s.n
			wsum += w
			wa += w * s.a / s.n
			wc += w * s.c / s.n
		}
	}
	pct := func(x, n float64) float64 { return math.Round(1000*x/n) / 10 }
	want := [][]float64{
		{benAcc.n, pct(benAcc.a, benAcc.n), pct(benAcc.c, benAcc.n)},
		{rejAcc.n, pct(rejAcc.a, rejAcc.n), pct(rejAcc.c, rejAcc.n)},
		{simN, pct(wa, wsum), pct(wc, wsum)},
	}
	for i, row := range res.Rows {
		got := []float64{float64(row[1].(int64)), row[2].(float64), row[3].(float64)}
		for j := range got {
			if math.Abs(got[j]-want[i][j]) > 0.051 {
				t.Errorf("%s: got %v want %v", row[0], got, want[i])
				break
			}
		}
	}
	if _, err := e.Outcome(context.Background(), "B-1999-01", nil); db.ErrorCode(err) != db.CodeNotFound {
		t.Errorf("unknown call: %v", err)
	}
}
