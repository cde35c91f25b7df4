package semantic

import (
	"context"
	"fmt"
	"math"
	"strings"
	"testing"
	"time"

	"github.com/comune-bologna/conoscenza/ingest/db"
)

// registeredAt counts, from the fixture itself, the companies of the latest snapshot registered
// on or before d and not closed on or before it, by their quartiere there: what a stock before
// the first snapshot is rebuilt as (the flows count the latest snapshot's companies).
func registeredAt(f *fixture, d time.Time, keep func(*company) bool) map[string]float64 {
	return registeredAtBy(f, d, keep, func(v *version) *string { return v.quartiere })
}

func registeredAtBy(f *fixture, d time.Time, keep func(*company) bool, place func(*version) *string) map[string]float64 {
	out := map[string]float64{}
	for _, c := range f.companies {
		v := c.v2
		if v == nil || c.iscr.After(d) || v.cess != nil && !v.cess.After(d) || !keep(c) {
			continue
		}
		q := "non attribuito"
		if p := place(v); p != nil {
			q = *p
		}
		out[q]++
	}
	return out
}

func oldestClosure(f *fixture) time.Time {
	var oldest time.Time
	for _, c := range f.companies {
		if v := c.v2; v != nil && v.cess != nil && (oldest.IsZero() || v.cess.Before(oldest)) {
			oldest = *v.cess
		}
	}
	return oldest
}

func TestAStockBeforeTheFirstSnapshotIsRebuiltFromTheRegistersDates(t *testing.T) {
	e, f := testEngine(t)
	ctx := context.Background()
	women := func(c *company) bool { return c.fem != nil }
	oldest := oldestClosure(f)
	for _, tc := range []struct {
		name, metric string
		date         time.Time
		lowerBound   bool
	}{
		{"registered, mid-2018", "imprese_registrate", day("2018-06-30"), false},
		{"active asked, end of 2021", "imprese_attive", day("2021-12-31"), false},
		{"before the extract's oldest closure", "imprese_registrate", oldest.AddDate(0, 0, -1), true},
	} {
		want := registeredAt(f, tc.date, women)
		for name, eng := range map[string]*Engine{"cubes": e, "detailed": detailedEngine(e)} {
			t.Run(tc.name+"/"+name, func(t *testing.T) {
				q := Query{Metric: tc.metric, GroupBy: []string{"quartiere"}, AsOf: tc.date.Format(time.DateOnly),
					Filters: []Filter{{Dimension: "femminile", Value: true}}}
				res, err := eng.Run(ctx, q, Policy{AllowDetails: true})
				if err != nil {
					t.Fatalf("run: %v", err)
				}
				if dd := diff(want, resultMap(t, res, 1)); dd != "" {
					t.Errorf("rebuilt stock differs from the fixture: %s", dd)
				}
				r := res.Reconstructed
				if r == nil {
					t.Fatalf("no reconstruction recorded: %+v", res)
				}
				if r.Date != tc.date.Format(time.DateOnly) || r.Missing != r.Date || r.ComparedWith != "" || r.FirstSnapshot != "2025-12-31" || r.Extract != "2026-06-30" ||
					r.AskedMetric != tc.metric || r.LowerBound != tc.lowerBound || r.ClosuresFrom != oldest.Format(time.DateOnly) {
					t.Errorf("reconstruction = %+v", r)
				}
				if res.Metric != "imprese_registrate" || res.Query.Metric != tc.metric || res.Query.AsOf != q.AsOf {
					t.Errorf("result names %q for query %+v", res.Metric, res.Query)
				}
				if len(res.Notes) == 0 || !strings.Contains(res.Notes[0], "ricostruite") ||
					strings.Contains(res.Notes[0], "un minimo") != tc.lowerBound ||
					strings.Contains(res.Notes[0], "inattive") != (tc.metric == "imprese_attive") {
					t.Errorf("notes = %q", res.Notes)
				}
				for _, row := range res.Rows {
					if _, ok := row[1].(int64); !ok && row[1] != nil {
						t.Errorf("a count of companies should be whole: %T %v", row[1], row[1])
					}
				}
			})
		}
	}
}

func TestTheRebuiltStockLeavesTheCachedBalanceAsItWas(t *testing.T) {
	e, _ := testEngine(t)
	ctx := context.Background()
	if _, err := e.Run(ctx, Query{Metric: "imprese_registrate", AsOf: "2019-03-31", GroupBy: []string{"zona"}}, Policy{}); err != nil {
		t.Fatal(err)
	}
	// The same balance asked directly is served from the cache: it must not carry the
	// relabelled columns, the note or the whole numbers of the reconstruction.
	res, err := e.Run(ctx, Query{Metric: "saldo", To: "2019-03-31", GroupBy: []string{"zona"}}, Policy{})
	if err != nil {
		t.Fatal(err)
	}
	if !res.Cached {
		t.Fatalf("expected the balance from the cache")
	}
	if res.Reconstructed != nil || res.Metric != "saldo" || len(res.Notes) > 0 && strings.Contains(res.Notes[0], "ricostruite") {
		t.Errorf("the cached balance was changed: %+v", res)
	}
	for _, c := range res.Columns {
		if strings.Contains(c.Label, "ricostruite") || strings.HasPrefix(c.Label, "Iscritte entro") {
			t.Errorf("the cached balance's column was relabelled: %+v", c)
		}
	}
}

func TestAStockBeforeTheFirstSnapshotThatNeedsItsStateThenIsRefused(t *testing.T) {
	e, _ := testEngine(t)
	ctx := context.Background()
	for _, q := range []Query{
		{Metric: "imprese_registrate", AsOf: "2020-01-01", GroupBy: []string{"stato"}},
		{Metric: "imprese_attive", AsOf: "2020-01-01", Filters: []Filter{{Dimension: "stato", Value: "ATTIVA"}}},
		{Metric: "imprese_attive", AsOf: "2020-01-01", GroupBy: []string{"anzianita"}},
		{Metric: "imprese_attive", AsOf: "2020-01-01", CompareTo: "previous_period"},
	} {
		res, err := e.Run(ctx, q, Policy{})
		if db.ErrorCode(err) != db.CodeNotFound || !strings.Contains(err.Error(), "the earliest is 2025-12-31") {
			t.Errorf("%+v: err = %v, res = %+v; want the earliest snapshot named", q, err, res)
		}
	}
}

func TestAStockComparedWithAYearBeforeTheFirstSnapshotRebuildsBothSides(t *testing.T) {
	e, f := testEngine(t)
	ctx := context.Background()
	all := func(*company) bool { return true }
	for _, tc := range []struct {
		name, asOf, date, before, missing string
	}{
		// The latest snapshot is 2026-06-30, the first 2025-12-31: a year before has none.
		{"latest against a year before", "", "2026-06-30", "2025-06-30", "2025-06-30"},
		{"both before the first", "2020-03-31", "2020-03-31", "2019-03-31", "2020-03-31"},
	} {
		now, before := registeredAt(f, day(tc.date), all), registeredAt(f, day(tc.before), all)
		for name, eng := range map[string]*Engine{"cubes": e, "detailed": detailedEngine(e)} {
			q := Query{Metric: "imprese_attive", AsOf: tc.asOf, GroupBy: []string{"quartiere"}, CompareTo: "previous_year"}
			res, err := eng.Run(ctx, q, Policy{AllowDetails: true})
			if err != nil {
				t.Fatalf("%s/%s: %v", tc.name, name, err)
			}
			col := map[string]int{}
			for i, c := range res.Columns {
				col[c.Name] = i
			}
			gotNow, gotBefore := map[string]float64{}, map[string]float64{}
			for _, row := range res.Rows {
				q := row[0].(string)
				for _, x := range []struct {
					m   map[string]float64
					col string
				}{{gotNow, "valore"}, {gotBefore, "valore_confronto"}} {
					n, ok := row[col[x.col]].(int64)
					if !ok {
						t.Fatalf("%s/%s: %s is %T, want a whole count", tc.name, name, x.col, row[col[x.col]])
					}
					if n != 0 {
						x.m[q] = float64(n)
					}
				}
				if v := row[col["variazione"]].(int64); float64(v) != gotNow[q]-gotBefore[q] {
					t.Errorf("%s/%s %s: change %d, want %v", tc.name, name, q, v, gotNow[q]-gotBefore[q])
				}
			}
			if dd := diff(now, gotNow); dd != "" {
				t.Errorf("%s/%s: the stock at %s differs: %s", tc.name, name, tc.date, dd)
			}
			if dd := diff(before, gotBefore); dd != "" {
				t.Errorf("%s/%s: the stock a year before differs: %s", tc.name, name, dd)
			}
			r := res.Reconstructed
			if r == nil || r.Date != tc.date || r.ComparedWith != tc.before || r.Missing != tc.missing || r.AskedMetric != "imprese_attive" {
				t.Errorf("%s/%s: reconstruction = %+v", tc.name, name, r)
			}
			if res.Columns[col["valore_confronto"]].Label != "Imprese registrate al "+italianDay(tc.before)+" (ricostruite)" {
				t.Errorf("%s/%s: columns = %+v", tc.name, name, res.Columns)
			}
		}
	}
}

func TestAStockSeriesFromBeforeTheFirstSnapshotIsTheRunningBalance(t *testing.T) {
	e, f := testEngine(t)
	ctx := context.Background()
	youth := func(c *company) bool { return c.gio != nil }
	// Youth-led companies by statistical area: sparse, so that many areas have years without
	// an event, whose stock must still be there (an inner join instead of the grid fails).
	want := map[string]float64{}
	for y := 2014; y <= 2026; y++ {
		end := day(fmt.Sprintf("%d-12-31", y))
		if end.After(snap2) {
			end = snap2 // the period in course: the stock at the extract's date
		}
		for area, n := range registeredAtBy(f, end, youth, func(v *version) *string { return v.area }) {
			want[fmt.Sprintf("%s|%d-01-01", area, y)] = n
		}
	}
	for name, eng := range map[string]*Engine{"cubes": e, "detailed": detailedEngine(e)} {
		q := Query{Metric: "imprese_attive", GroupBy: []string{"area_statistica"}, TimeGrain: "year", From: "2014-03-01",
			Filters: []Filter{{Dimension: "giovanile", Value: true}}}
		res, err := eng.Run(ctx, q, Policy{AllowDetails: true})
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		got := map[string]float64{}
		for k, v := range resultMap(t, res, 2) {
			if v != 0 {
				got[k] = v
			}
		}
		if dd := diff(want, got); dd != "" {
			t.Errorf("%s: the rebuilt series differs from the fixture: %s", name, dd)
		}
		col := map[string]int{}
		for i, c := range res.Columns {
			col[c.Name] = i
		}
		for _, row := range res.Rows {
			if row[col["periodo"]].(string) < "2014-01-01" {
				t.Fatalf("%s: a period before the series' start: %v", name, row)
			}
			if row[col["aperture"]].(int64)-row[col["chiusure"]].(int64) != row[col["valore"]].(int64) {
				t.Errorf("%s: stock is not registered minus closed: %v", name, row)
			}
		}
		if r := res.Reconstructed; r == nil || r.From != "2014-03-01" || r.Date != "" || r.FirstSnapshot != "2025-12-31" {
			t.Errorf("%s: reconstruction = %+v", name, res.Reconstructed)
		}
	}
}

func TestAShareBeforeTheFirstSnapshotIsOfTheRebuiltCounts(t *testing.T) {
	e, f := testEngine(t)
	ctx := context.Background()
	women := func(c *company) bool { return c.fem != nil }
	all := func(*company) bool { return true }
	share := func(d time.Time) map[string]float64 {
		num, den := registeredAt(f, d, women), registeredAt(f, d, all)
		out := map[string]float64{}
		for q, n := range den {
			out[q] = math.Round(10000*num[q]/n) / 100
		}
		return out
	}
	subset := []Filter{{Dimension: "femminile", Value: true}}
	// Only the reconstruction may take a share of the balance; a query from outside may not.
	if _, err := e.Run(ctx, Query{Metric: "quota", Base: "saldo", Subset: subset, To: "2019-06-30"}, Policy{}); db.ErrorCode(err) != db.CodeInvalid {
		t.Errorf("a share of the balance from outside: err = %v, want invalid", err)
	}
	for name, eng := range map[string]*Engine{"cubes": e, "detailed": detailedEngine(e)} {
		res, err := eng.Run(ctx, Query{Metric: "quota", Subset: subset, GroupBy: []string{"quartiere"}, AsOf: "2019-06-30"}, Policy{AllowDetails: true})
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if dd := diff(share(day("2019-06-30")), resultMap(t, res, 1)); dd != "" {
			t.Errorf("%s: the rebuilt share differs from the fixture: %s", name, dd)
		}
		if res.Metric != "quota" || res.Unit != "%" || res.Reconstructed == nil || res.Reconstructed.AskedMetric != "imprese_attive" || res.Columns[1].Label != "Quota al 30/06/2019 (ricostruita)" {
			t.Errorf("%s: %s %s %+v %+v", name, res.Metric, res.Unit, res.Reconstructed, res.Columns)
		}
		// A series of the share: the share of the running counts at each year's end.
		res, err = eng.Run(ctx, Query{Metric: "quota", Subset: subset, TimeGrain: "year", From: "2016-01-01"}, Policy{AllowDetails: true})
		if err != nil {
			t.Fatalf("%s series: %v", name, err)
		}
		if len(res.Rows) != 11 {
			t.Fatalf("%s series: %d rows, want 2016-2026", name, len(res.Rows))
		}
		for _, row := range res.Rows {
			y := row[0].(string)[:4]
			end := day(y + "-12-31")
			if end.After(snap2) {
				end = snap2
			}
			{
				num, den := registeredAt(f, end, women), registeredAt(f, end, all)
				var n, d float64
				for q := range den {
					n, d = n+num[q], d+den[q]
				}
				if got := row[1].(float64); got != math.Round(10000*n/d)/100 {
					t.Errorf("%s series %s: %v, want %v (%v of %v)", name, y, got, math.Round(10000*n/d)/100, n, d)
				}
			}
		}
	}
}
