package semantic

import (
	"context"
	"errors"
	"fmt"
	"math"
	"reflect"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/comune-bologna/conoscenza/agent/catalog"
	"github.com/comune-bologna/conoscenza/ingest/db"
	"github.com/comune-bologna/conoscenza/ingest/db/dbtest"
)

// TestMain closes the shared engine's read-only pool before the package database is dropped:
// the drop cannot end another role's sessions.
func TestMain(m *testing.M) {
	dbtest.MainWith(m, func() {
		if roPool != nil {
			roPool.Close()
		}
	})
}

var (
	setupOnce sync.Once
	engine    *Engine
	roPool    *pgxpool.Pool
	fx        *fixture
)

// testEngine loads the fixture once into the package database and returns an engine that
// connects as the read-only role.
func testEngine(t *testing.T) (*Engine, *fixture) {
	t.Helper()
	setupOnce.Do(func() {
		ctx := context.Background()
		d := dbtest.Shared(t)
		fx = buildFixture(42, 3000)
		fx.load(ctx, t, d.Pool)
		ro, err := db.Open(ctx, d.ROURL)
		if err != nil {
			t.Fatalf("read-only pool: %v", err)
		}
		roPool = ro
		engine = NewEngine(ro, catalog.Default())
	})
	if engine == nil {
		t.Fatal("fixture setup failed")
	}
	return engine, fx
}

func resultMap(t *testing.T, res *Result, dims int) map[string]float64 {
	t.Helper()
	vi := -1
	for i, c := range res.Columns {
		if c.Name == "valore" {
			vi = i
		}
	}
	out := map[string]float64{}
	for _, row := range res.Rows {
		var key []string
		for i := 0; i < dims; i++ {
			key = append(key, fmt.Sprint(row[i]))
		}
		var v float64
		switch x := row[vi].(type) {
		case int64:
			v = float64(x)
		case float64:
			v = x
		case nil:
			t.Fatalf("value suppressed in %v", row)
		default:
			t.Fatalf("value %v of type %T", x, x)
		}
		out[strings.Join(key, "|")] = v
	}
	return out
}

func diff(want, got map[string]float64) string {
	var keys []string
	for k := range want {
		keys = append(keys, k)
	}
	for k := range got {
		if _, ok := want[k]; !ok {
			keys = append(keys, k)
		}
	}
	sort.Strings(keys)
	var out []string
	for _, k := range keys {
		if w, g := want[k], got[k]; math.Abs(w-g) > 0.011 {
			out = append(out, fmt.Sprintf("%q: want %v got %v", k, w, g))
		}
	}
	return strings.Join(out, "; ")
}

var flowMetrics = []string{"aperture", "chiusure", "saldo", "cig_domande", "cig_ore_richieste", "cig_ore_autorizzate",
	"cig_lavoratori", "suap_pratiche", "contributi_importo_concesso", "contributi_beneficiari", "cig_imprese", "contributi_importo_medio"}

// TestEveryMetricAlongEveryDimensionMatchesTheOracle is the semantic layer's main check.
func TestEveryMetricAlongEveryDimensionMatchesTheOracle(t *testing.T) {
	e, f := testEngine(t)
	ctx := context.Background()
	cat := e.Catalog()
	from, to := day("2020-01-01"), day("2026-06-30")
	for _, metric := range append(flowMetrics, "imprese_attive", "imprese_registrate") {
		m, _ := cat.Metric(metric)
		for _, snap := range []time.Time{snap2, snap1} {
			if snap.Equal(snap1) && m.Source != "register" {
				continue
			}
			for _, d := range append([]*catalog.Dimension{nil}, cat.Dimensions...) {
				if d != nil && (!d.AppliesTo(m.Source) || d.Type == catalog.TypeTime && m.Kind == catalog.KindStock) {
					continue
				}
				q := Query{Metric: metric, AsOf: snap.Format(time.DateOnly)}
				dim := ""
				if d != nil {
					dim = d.Name
					q.GroupBy = []string{dim}
				}
				var recs []rec
				if m.Kind == catalog.KindStock {
					recs = f.records(metric, snap, time.Time{}, time.Time{})
				} else {
					q.From, q.To = from.Format(time.DateOnly), to.Format(time.DateOnly)
					recs = f.records(metric, snap, from, to)
				}
				name := fmt.Sprintf("%s/%s/%s", metric, dim, snap.Format("2006-01"))
				res, err := e.Run(ctx, q, Policy{AllowDetails: true})
				if err != nil {
					t.Errorf("%s: %v", name, err)
					continue
				}
				ndims := 0
				if d != nil {
					ndims = 1
				}
				want := aggregate(metric, recs, dim, snap)
				if d == nil && len(want) == 0 {
					want = map[string]float64{"": 0}
				}
				if dd := diff(want, resultMap(t, res, ndims)); dd != "" {
					t.Errorf("%s: %s\nSQL: %s", name, dd, res.SQL)
				}
			}
		}
	}
}

func TestAsOfAndLatestAgreeOnTheLatestSnapshot(t *testing.T) {
	e, _ := testEngine(t)
	ctx := context.Background()
	latest, err := detailedEngine(e).Run(ctx, Query{Metric: "imprese_attive", GroupBy: []string{"area_statistica"}, AsOf: "2026-07-15"}, Policy{AllowDetails: true})
	if err != nil {
		t.Fatal(err)
	}
	// The same snapshot read through the history table must give the same numbers.
	p, err := validate(e.Catalog(), Query{Metric: "imprese_attive", GroupBy: []string{"area_statistica"}})
	if err != nil {
		t.Fatal(err)
	}
	hist := snapshot{date: snap2}
	c := compile(p, hist, hist)
	rows, err := e.pool.Query(ctx, c.sql, c.params...)
	if err != nil {
		t.Fatal(err)
	}
	viaHistory := &Result{Columns: c.columns}
	if _, err := collect(rows, viaHistory, len(c.columns)); err != nil {
		t.Fatal(err)
	}
	if dd := diff(resultMap(t, latest, 1), resultMap(t, viaHistory, 1)); dd != "" {
		t.Errorf("latest table and history disagree: %s", dd)
	}
	if !strings.Contains(latest.SQL, "FROM imprese WHERE last_as_of") || !strings.Contains(c.sql, "imprese_storia") {
		t.Errorf("latest should read the current table and an as-of query the history:\n%s\n%s", latest.SQL, c.sql)
	}
	if latest.AsOf != "2026-06-30" || len(latest.Sources) == 0 || latest.Sources[0].BatchID == 0 {
		t.Errorf("provenance = %q %+v", latest.AsOf, latest.Sources)
	}
	// Before any snapshot a stock by state cannot be rebuilt from the dates (reconstruct_test.go).
	if _, err := e.Run(ctx, Query{Metric: "imprese_attive", AsOf: "2020-01-01", GroupBy: []string{"stato"}}, Policy{}); db.ErrorCode(err) != db.CodeNotFound {
		t.Errorf("as_of before any snapshot: err = %v, want not found", err)
	}
}

func TestMovesBetweenSnapshotsChangeTheQuartiereCounts(t *testing.T) {
	e, f := testEngine(t)
	moved := 0
	for _, c := range f.companies {
		if c.v1 != nil && c.v2 != nil && c.v1.quartiere != c.v2.quartiere && c.v1.indirizzo != c.v2.indirizzo {
			moved++
		}
	}
	if moved == 0 {
		t.Fatal("fixture has no moves")
	}
	ctx := context.Background()
	for _, s := range []time.Time{snap1, snap2} {
		res, err := e.Run(ctx, Query{Metric: "imprese_registrate", GroupBy: []string{"quartiere"}, AsOf: s.Format(time.DateOnly)}, Policy{AllowDetails: true})
		if err != nil {
			t.Fatal(err)
		}
		want := aggregate("imprese_registrate", f.records("imprese_registrate", s, time.Time{}, time.Time{}), "quartiere", s)
		if dd := diff(want, resultMap(t, res, 1)); dd != "" {
			t.Errorf("snapshot %s: %s", s.Format(time.DateOnly), dd)
		}
	}
}

func TestFiltersTimeGrainAndOrder(t *testing.T) {
	e, f := testEngine(t)
	ctx := context.Background()
	q := Query{Metric: "aperture", From: "2020-01-01", To: "2020-12-31", GroupBy: []string{"quartiere"},
		Filters: []Filter{{Dimension: "femminile", Op: "=", Value: true}, {Dimension: "sezione_ateco", Op: "in", Values: []any{"G", "I"}}},
		Order:   &Order{By: "value", Dir: "desc"}, Limit: 3}
	res, err := e.Run(ctx, q, Policy{AllowDetails: true})
	if err != nil {
		t.Fatal(err)
	}
	var recs []rec
	for _, r := range f.records("aperture", snap2, day("2020-01-01"), day("2020-12-31")) {
		if r.c.fem != nil && (r.c.sez == "G" || r.c.sez == "I") {
			recs = append(recs, r)
		}
	}
	want := aggregate("aperture", recs, "quartiere", snap2)
	got := resultMap(t, res, 1)
	if len(got) != 3 {
		t.Fatalf("limit 3 returned %d rows", len(got))
	}
	prev := math.Inf(1)
	for _, row := range res.Rows {
		v := float64(row[1].(int64))
		if v > prev {
			t.Errorf("rows not ordered by value desc: %v", res.Rows)
		}
		prev = v
		if want[row[0].(string)] != v {
			t.Errorf("%v: want %v", row, want[row[0].(string)])
		}
	}

	// A monthly series of openings: each period is the first day of its month.
	res, err = e.Run(ctx, Query{Metric: "aperture", From: "2021-01-01", To: "2021-12-31", TimeGrain: "month"}, Policy{})
	if err != nil {
		t.Fatal(err)
	}
	wantM := aggregate("aperture", f.records("aperture", snap2, day("2021-01-01"), day("2021-12-31")), "mese", snap2)
	if len(res.Rows) != len(wantM) {
		t.Fatalf("monthly rows = %d, want %d", len(res.Rows), len(wantM))
	}
	for _, row := range res.Rows {
		if key := row[0].(string)[:7]; float64(row[1].(int64)) != wantM[key] {
			t.Errorf("%s: got %v want %v", key, row[1], wantM[key])
		}
	}

	// Filters on the year, on a cuboid (whole months) and on the event tables (a period cutting
	// months): the records of those years, each counted once (the compiler adds a range on the
	// date to the year's expression, and compiles != and not_in to ranges alone).
	for _, yf := range []Filter{{Dimension: "anno", Value: 2021}, {Dimension: "anno", Op: "between", Values: []any{2022, 2023}},
		{Dimension: "anno", Op: "in", Values: []any{2024, 2020}}, {Dimension: "anno", Op: "!=", Value: 2021},
		{Dimension: "anno", Op: "not_in", Values: []any{2024, 2020, 2022}}} {
		years := map[int]bool{}
		if yf.Value != nil {
			years[yf.Value.(int)] = true
		}
		for y := range yf.Values {
			years[yf.Values[y].(int)] = true
		}
		if yf.Op == "between" {
			years[2022], years[2023] = true, true
		}
		if yf.Op == "!=" || yf.Op == "not_in" {
			kept := map[int]bool{}
			for y := 2000; y <= 2030; y++ {
				kept[y] = !years[y]
			}
			years = kept
		}
		for _, metric := range []string{"aperture", "chiusure", "cig_domande", "suap_pratiche"} {
			for _, per := range [][2]string{{"2019-01-01", "2025-06-30"}, {"2019-06-15", "2024-06-20"}} {
				res, err := e.Run(ctx, Query{Metric: metric, From: per[0], To: per[1], GroupBy: []string{"quartiere"}, Filters: []Filter{yf}}, Policy{AllowDetails: true})
				if err != nil {
					t.Fatal(err)
				}
				var recs []rec
				for _, r := range f.records(metric, snap2, day(per[0]), day(per[1])) {
					if years[r.date.Year()] {
						recs = append(recs, r)
					}
				}
				if dd := diff(aggregate(metric, recs, "quartiere", snap2), resultMap(t, res, 1)); dd != "" {
					t.Errorf("%s %v %v: %s\nSQL: %s", metric, per, yf, dd, res.SQL)
				}
			}
		}
	}

	// Filters on classes of age (compiled to ranges of the registration date, ageclass.go):
	// the records whose class the oracle computes is among them, or not.
	for _, af := range []Filter{{Dimension: "anzianita", Value: "10 anni e più"}, {Dimension: "anzianita", Value: "n.d."},
		{Dimension: "anzianita", Op: "in", Values: []any{"meno di 1 anno", "3-5 anni"}}, {Dimension: "anzianita", Op: "!=", Value: "1-3 anni"},
		{Dimension: "anzianita", Op: "not_in", Values: []any{"5-10 anni", "n.d."}}} {
		keep := map[string]bool{}
		for _, v := range append([]any{af.Value}, af.Values...) {
			if v != nil {
				keep[v.(string)] = true
			}
		}
		negate := af.Op == "!=" || af.Op == "not_in"
		for _, metric := range []string{"aperture", "chiusure", "cig_domande", "imprese_attive"} {
			q := Query{Metric: metric, GroupBy: []string{"quartiere"}, Filters: []Filter{af}}
			from, to := time.Time{}, time.Time{}
			if metric != "imprese_attive" {
				q.From, q.To, from, to = "2019-06-15", "2025-06-30", day("2019-06-15"), day("2025-06-30")
			}
			res, err := e.Run(ctx, q, Policy{AllowDetails: true})
			if err != nil {
				t.Fatal(err)
			}
			var recs []rec
			for _, r := range f.records(metric, snap2, from, to) {
				if keep[dimValue("anzianita", r, snap2)] != negate {
					recs = append(recs, r)
				}
			}
			if dd := diff(aggregate(metric, recs, "quartiere", snap2), resultMap(t, res, 1)); dd != "" {
				t.Errorf("%s %v: %s\nSQL: %s", metric, af, dd, res.SQL)
			}
		}
	}

	// Anzianità as a range in months: "iscritte da meno di 36 mesi".
	res, err = e.Run(ctx, Query{Metric: "imprese_attive", Filters: []Filter{{Dimension: "anzianita", Op: "<", Value: 36}}}, Policy{})
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, r := range f.records("imprese_attive", snap2, time.Time{}, time.Time{}) {
		if r.c.iscr.After(snap2.AddDate(-3, 0, 0)) {
			n++
		}
	}
	if got := res.Rows[0][0].(int64); got != int64(n) {
		t.Errorf("attive iscritte da meno di 36 mesi = %d, want %d", got, n)
	}
}

func TestQuotaTassoCrescitaAndCompare(t *testing.T) {
	e, f := testEngine(t)
	ctx := context.Background()
	res, err := e.Run(ctx, Query{Metric: "quota", GroupBy: []string{"quartiere"},
		Subset: []Filter{{Dimension: "femminile", Value: true}}}, Policy{AllowDetails: true})
	if err != nil {
		t.Fatal(err)
	}
	all := f.records("imprese_attive", snap2, time.Time{}, time.Time{})
	var fem []rec
	for _, r := range all {
		if r.c.fem != nil {
			fem = append(fem, r)
		}
	}
	num, den := aggregate("imprese_attive", fem, "quartiere", snap2), aggregate("imprese_attive", all, "quartiere", snap2)
	want := map[string]float64{}
	for k, d := range den {
		want[k] = math.Round(10000*num[k]/d) / 100
	}
	if dd := diff(want, resultMap(t, res, 1)); dd != "" {
		t.Errorf("quota femminile per quartiere: %s", dd)
	}

	res, err = e.Run(ctx, Query{Metric: "tasso_crescita", From: "2024-01-01", To: "2024-12-31"}, Policy{})
	if err != nil {
		t.Fatal(err)
	}
	a := aggregate("aperture", f.records("aperture", snap2, day("2024-01-01"), day("2024-12-31")), "", snap2)[""]
	c := aggregate("chiusure", f.records("chiusure", snap2, day("2024-01-01"), day("2024-12-31")), "", snap2)[""]
	start := 0.0
	for _, co := range f.companies {
		if v := co.v2; v != nil && co.iscr.Before(day("2024-01-01")) && (v.cess == nil || !v.cess.Before(day("2024-01-01"))) {
			start++
		}
	}
	if got, want := res.Rows[0][0].(float64), math.Round(10000*(a-c)/start)/100; math.Abs(got-want) > 0.01 {
		t.Errorf("tasso_crescita 2024 = %v, want %v", got, want)
	}

	res, err = e.Run(ctx, Query{Metric: "aperture", From: "2020-03-01", To: "2020-05-31", CompareTo: "previous_year"}, Policy{})
	if err != nil {
		t.Fatal(err)
	}
	cur := aggregate("aperture", f.records("aperture", snap2, day("2020-03-01"), day("2020-05-31")), "", snap2)[""]
	prev := aggregate("aperture", f.records("aperture", snap2, day("2019-03-01"), day("2019-05-31")), "", snap2)[""]
	row := res.Rows[0]
	if float64(row[0].(int64)) != cur || float64(row[1].(int64)) != prev || float64(row[2].(int64)) != cur-prev {
		t.Errorf("lockdown vs 2019 = %v, want %v vs %v", row, cur, prev)
	}

	res, err = e.Run(ctx, Query{Metric: "aperture", From: "2020-01-01", To: "2020-12-31", TimeGrain: "quarter", CompareTo: "previous_year"}, Policy{})
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Rows) != 4 {
		t.Fatalf("quarterly comparison rows = %v", res.Rows)
	}
	q2 := aggregate("aperture", f.records("aperture", snap2, day("2019-04-01"), day("2019-06-30")), "", snap2)[""]
	if res.Rows[1][0] != "2020-04-01" || float64(res.Rows[1][2].(int64)) != q2 {
		t.Errorf("Q2 2020 row = %v, want comparison %v", res.Rows[1], q2)
	}

	res, err = e.Run(ctx, Query{Metric: "imprese_attive", CompareTo: "previous_period"}, Policy{})
	if err != nil {
		t.Fatal(err)
	}
	wantCur := aggregate("imprese_attive", f.records("imprese_attive", snap2, time.Time{}, time.Time{}), "", snap2)[""]
	wantPrev := aggregate("imprese_attive", f.records("imprese_attive", snap1, time.Time{}, time.Time{}), "", snap1)[""]
	if float64(res.Rows[0][0].(int64)) != wantCur || float64(res.Rows[0][1].(int64)) != wantPrev {
		t.Errorf("attive vs previous snapshot = %v, want %v vs %v", res.Rows[0], wantCur, wantPrev)
	}
}

func TestStockSeriesOverSnapshots(t *testing.T) {
	e, f := testEngine(t)
	res, err := e.Run(context.Background(), Query{Metric: "imprese_attive", TimeGrain: "month"}, Policy{})
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Rows) != 2 || res.Rows[0][0] != "2025-12-01" || res.Rows[1][0] != "2026-06-01" {
		t.Fatalf("series = %v", res.Rows)
	}
	for i, s := range []time.Time{snap1, snap2} {
		want := aggregate("imprese_attive", f.records("imprese_attive", s, time.Time{}, time.Time{}), "", s)[""]
		if float64(res.Rows[i][1].(int64)) != want {
			t.Errorf("%s: got %v want %v", s.Format(time.DateOnly), res.Rows[i][1], want)
		}
	}
}

// TestStockSeriesAlongDimensionsMatchTheOracle: a stock series over both snapshots along a
// dimension the recorded roll-ups do not keep (so it reads the register's history, its
// versions grouped before they are joined to the snapshots: versionGroups), with a filter,
// against the oracle's count at each snapshot; the company's age is each snapshot's own.
func TestStockSeriesAlongDimensionsMatchTheOracle(t *testing.T) {
	e, f := testEngine(t)
	ctx := context.Background()
	for _, metric := range []string{"imprese_attive", "imprese_registrate"} {
		for _, dim := range []string{"forma_giuridica", "area_statistica", "anzianita", "ateco"} {
			q := Query{Metric: metric, GroupBy: []string{"mese", dim}, Filters: []Filter{{Dimension: "femminile", Value: true}}}
			res, err := e.Run(ctx, q, Policy{AllowDetails: true})
			if err != nil {
				t.Fatal(err)
			}
			if !strings.Contains(res.SQL, "imprese_storia") {
				t.Fatalf("%s by %s: not read from the history:\n%s", metric, dim, res.SQL)
			}
			for _, s := range []time.Time{snap1, snap2} {
				var recs []rec
				for _, r := range f.records(metric, s, time.Time{}, time.Time{}) {
					if r.c.fem != nil {
						recs = append(recs, r)
					}
				}
				want := aggregate(metric, recs, dim, s)
				got := map[string]float64{}
				for k, v := range resultMap(t, res, 2) {
					if month, value, _ := strings.Cut(k, "|"); month == s.Format("2006-01") {
						got[value] = v
					}
				}
				if len(want) == 0 {
					t.Fatalf("%s by %s at %s: no records: the check would prove nothing", metric, dim, s.Format(time.DateOnly))
				}
				if dd := diff(want, got); dd != "" {
					t.Errorf("%s by %s at %s: %s\nSQL: %s", metric, dim, s.Format(time.DateOnly), dd, res.SQL)
				}
			}
		}
	}
}

func TestSmallCellsAreSuppressedUnlessTheRoleAllowsDetails(t *testing.T) {
	e, _ := testEngine(t)
	ctx := context.Background()
	q := Query{Metric: "aperture", From: "2026-01-01", To: "2026-06-30", GroupBy: []string{"area_statistica"},
		Filters: []Filter{{Dimension: "straniera", Value: true}}}
	open, err := e.Run(ctx, q, Policy{AllowDetails: true})
	if err != nil {
		t.Fatal(err)
	}
	small := 0
	for _, r := range open.Rows {
		if v := r[1].(int64); v > 0 && v < 3 {
			small++
		}
	}
	if small == 0 {
		t.Fatal("fixture has no small cells to suppress")
	}
	closed, err := e.Run(ctx, q, Policy{})
	if err != nil {
		t.Fatal(err)
	}
	if closed.Suppressed != small || len(closed.Notes) == 0 {
		t.Errorf("suppressed %d cells, want %d (notes %v)", closed.Suppressed, small, closed.Notes)
	}
	for _, r := range closed.Rows {
		if v, ok := r[1].(int64); ok && v < 3 {
			t.Errorf("small cell shown: %v", r)
		}
	}
	// Territory alone is not personal: nothing is suppressed.
	plain, err := e.Run(ctx, Query{Metric: "aperture", From: "2026-01-01", To: "2026-06-30", GroupBy: []string{"area_statistica"}}, Policy{})
	if err != nil || plain.Suppressed != 0 {
		t.Errorf("territory-only breakdown suppressed %d (%v)", plain.Suppressed, err)
	}
}

func TestValidationErrorsArePreciseWithSuggestions(t *testing.T) {
	e, _ := testEngine(t)
	cases := []struct {
		q    Query
		want string
	}{
		{Query{Metric: "apertura"}, `unknown metric "apertura" (did you mean aperture`},
		{Query{Metric: "aperture", GroupBy: []string{"quartire"}}, `unknown dimension "quartire" in group_by (did you mean quartiere`},
		{Query{Metric: "aperture", GroupBy: []string{"tipo_cig"}}, `dimension "tipo_cig" does not apply`},
		{Query{Metric: "aperture", Filters: []Filter{{Dimension: "quartiere", Value: "Navle"}}}, `quartiere has no value "Navle" (did you mean Navile`},
		{Query{Metric: "aperture", From: "2020-13-01"}, `from "2020-13-01" is not a date`},
		{Query{Metric: "aperture", From: "2021-01-01", To: "2020-01-01"}, "is before from"},
		{Query{Metric: "aperture", TimeGrain: "week"}, "unknown time_grain"},
		{Query{Metric: "aperture", CompareTo: "yesterday"}, "unknown compare_to"},
		{Query{Metric: "quota"}, "quota needs a subset"},
		{Query{Metric: "tasso_crescita"}, "needs a period"},
		{Query{Metric: "aperture", Filters: []Filter{{Dimension: "quartiere", Op: "<", Value: "Navile"}}}, "op < applies only"},
		{Query{Metric: "aperture", Filters: []Filter{{Dimension: "ateco", Value: "04.10"}}}, "division 04 does not exist"},
		{Query{Metric: "aperture", Order: &Order{By: "zona"}}, "order by"},
	}
	for _, tc := range cases {
		_, err := e.Run(context.Background(), tc.q, Policy{})
		var de *db.Error
		if err == nil || !errors.As(err, &de) || de.Code != db.CodeInvalid || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%+v: err = %v, want invalid with %q", tc.q, err, tc.want)
		}
	}
}

func TestParseQueryIsStrict(t *testing.T) {
	q, err := ParseQuery([]byte(`{"metric":"aperture","order":"value desc","limit":5}`))
	if err != nil || q.Order.By != "value" || q.Order.Dir != "desc" {
		t.Fatalf("ParseQuery = %+v, %v", q, err)
	}
	if _, err := ParseQuery([]byte(`{"metric":"aperture","grup_by":["quartiere"]}`)); err == nil || !strings.Contains(err.Error(), "grup_by") {
		t.Errorf("unknown field: err = %v", err)
	}
}

func TestQueriesRunAsTheReadOnlyRole(t *testing.T) {
	e, _ := testEngine(t)
	var user string
	var ro string
	if err := e.pool.QueryRow(context.Background(), "SELECT current_user, current_setting('default_transaction_read_only')").Scan(&user, &ro); err != nil {
		t.Fatal(err)
	}
	if user != "conoscenza_ro" || ro != "on" {
		t.Errorf("engine connects as %s (read only %s), want conoscenza_ro", user, ro)
	}
	_, err := e.pool.Exec(context.Background(), "SELECT count(*) FROM users")
	if err == nil {
		t.Error("the read-only role can read the users table")
	}
}

var _ = (*pgxpool.Pool)(nil)

func TestResultCacheServesRepeatsUntilTheDataChange(t *testing.T) {
	e, _ := testEngine(t)
	ctx := context.Background()
	q := Query{Metric: "suap_pratiche", GroupBy: []string{"esito"}}
	first, err := e.Run(ctx, q, Policy{})
	if err != nil {
		t.Fatal(err)
	}
	second, err := e.Run(ctx, q, Policy{})
	if err != nil || first.Cached || !second.Cached || diff(resultMap(t, first, 1), resultMap(t, second, 1)) != "" {
		t.Fatalf("first cached=%v, second cached=%v, err %v", first.Cached, second.Cached, err)
	}
	// Another policy is another entry.
	if r, _ := e.Run(ctx, q, Policy{AllowDetails: true}); r.Cached {
		t.Error("a different policy was served from the cache")
	}
	// A new committed load changes the data version.
	d := dbtest.Shared(t)
	if _, err := d.Pool.Exec(ctx, `INSERT INTO load_batches (kind, file_name, checksum, status) VALUES ('suap', 'x', 'cache-test', 'committed')`); err != nil {
		t.Fatal(err)
	}
	if r, _ := e.Run(ctx, q, Policy{}); r.Cached {
		t.Error("a result was served from the cache after a new load")
	}
}

func TestStockQueriesReadTheAggregateWhenTheyCan(t *testing.T) {
	e, _ := testEngine(t)
	ctx := context.Background()
	r, err := e.Run(ctx, Query{Metric: "imprese_attive", GroupBy: []string{"quartiere"}, Filters: []Filter{{Dimension: "femminile", Value: true}}}, Policy{})
	if err != nil || !strings.Contains(r.SQL, "agg_stock_cuboidi") {
		t.Errorf("eligible stock query did not read the aggregate: %v\n%s", err, r.SQL)
	}
	if _, err := RefreshCubes(ctx, dbtest.Shared(t).Pool); err != nil { // other tests commit loads
		t.Fatal(err)
	}
	r, err = e.Run(ctx, Query{Metric: "imprese_attive", GroupBy: []string{"divisione_ateco"}}, Policy{})
	if err != nil || !strings.Contains(r.SQL, "agg_stock_dettaglio") {
		t.Errorf("divisione_ateco is in the detailed stock cube: %v\n%s", err, r.SQL)
	}
	r, err = e.Run(ctx, Query{Metric: "imprese_attive", GroupBy: []string{"divisione_ateco"}, Filters: []Filter{{Dimension: "femminile", Value: true}}}, Policy{})
	if err != nil || !strings.Contains(r.SQL, "agg_stock_dettaglio") {
		t.Errorf("divisione_ateco with femminile is in the detailed stock cube: %v\n%s", err, r.SQL)
	}
	// No cuboid keeps area, division and legal form together: the live companies (00052).
	r, err = e.Run(ctx, Query{Metric: "imprese_attive", GroupBy: []string{"area_statistica", "divisione_ateco", "forma_giuridica"}}, Policy{})
	if err != nil || !strings.Contains(r.SQL, "agg_imprese_vive") {
		t.Errorf("a breakdown no cuboid keeps did not read the live companies: %v\n%s", err, r.SQL)
	}
	// An earlier snapshot: its roll-ups as its load recorded them (00063), never the latest's.
	r, err = e.Run(ctx, Query{Metric: "imprese_attive", AsOf: "2025-12-31", GroupBy: []string{"quartiere"}}, Policy{})
	if err != nil || !strings.Contains(r.SQL, "agg_stock_storia") || strings.Contains(r.SQL, "agg_stock_cuboidi") {
		t.Errorf("an earlier snapshot does not read its recorded roll-ups: %v\n%s", err, r.SQL)
	}
}

func TestSmallCellsAreSuppressedOnTheAggregateToo(t *testing.T) {
	e, _ := testEngine(t)
	q := Query{Metric: "imprese_attive", GroupBy: []string{"zona", "stato"}, Filters: []Filter{{Dimension: "straniera", Value: true}}}
	open, err := e.Run(context.Background(), q, Policy{AllowDetails: true})
	if err != nil || !strings.Contains(open.SQL, "agg_stock_cuboidi") {
		t.Fatalf("%v %s", err, open.SQL)
	}
	small := 0
	for _, r := range open.Rows {
		if v := r[2].(int64); v > 0 && v < 3 {
			small++
		}
	}
	closed, err := e.Run(context.Background(), q, Policy{})
	if err != nil || small == 0 || closed.Suppressed != small {
		t.Errorf("small cells %d, suppressed %d, err %v", small, closed.Suppressed, err)
	}
}

func TestAnEmptyCountOnTheAggregateIsZero(t *testing.T) {
	e, _ := testEngine(t)
	r, err := e.Run(context.Background(), Query{Metric: "imprese_attive", Filters: []Filter{{Dimension: "comune", Value: "IMOLA"}}}, Policy{})
	if err != nil || !strings.Contains(r.SQL, "agg_stock_cuboidi") || len(r.Rows) != 1 || r.Rows[0][0] != int64(0) {
		t.Fatalf("rows %v, err %v\n%s", r.Rows, err, r.SQL)
	}
}

// An ATECO filter at any level of the classification takes the codes under it: a group
// ("47.2") and a category ("56.10.1") end in one digit that their members continue, a division
// or a class ends in a pair. Each is compared with a count over the fixture's companies.
func TestAtecoFilterAtEveryLevel(t *testing.T) {
	e, f := testEngine(t)
	ctx := context.Background()
	recs := f.records("imprese_attive", snap2, time.Time{}, time.Time{})
	var sample string
	for _, r := range recs {
		if len(r.c.ateco) == 8 {
			sample = r.c.ateco // "56.10.11"
			break
		}
	}
	if sample == "" {
		t.Fatal("no six-digit ATECO code in the fixture")
	}
	for _, prefix := range []string{sample[:2], sample[:4], sample[:5], sample[:7], sample} {
		res, err := e.Run(ctx, Query{Metric: "imprese_attive", Filters: []Filter{{Dimension: "ateco", Value: prefix}}}, Policy{AllowDetails: true})
		if err != nil {
			t.Fatalf("ateco %s: %v", prefix, err)
		}
		n := 0
		for _, r := range recs {
			if strings.HasPrefix(r.c.ateco, prefix) {
				n++
			}
		}
		if got := res.Rows[0][0].(int64); got != int64(n) || n == 0 {
			t.Errorf("imprese attive with ATECO %s = %d, want %d\n%s", prefix, got, n, res.SQL)
		}
	}
}

// againstDetailed runs q on fast and on the detailed tables (slow) and reports any difference
// in columns, rows or types; it returns both results.
func againstDetailed(t *testing.T, fast, slow *Engine, q Query) (got, want *Result) {
	t.Helper()
	ctx := context.Background()
	name := fmt.Sprintf("%+v", q)
	want, err := slow.Run(ctx, q, Policy{AllowDetails: true})
	if err != nil {
		t.Fatalf("%s: detailed: %v", name, err)
	}
	got, err = fast.Run(ctx, q, Policy{AllowDetails: true})
	if err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	if !reflect.DeepEqual(want.Columns, got.Columns) || !reflect.DeepEqual(want.Rows, got.Rows) {
		t.Errorf("%s: aggregates and detailed path differ\naggregates: %v\ndetailed:   %v\nSQL: %s", name, got.Rows, want.Rows, got.SQL)
	}
	return got, want
}
