package semantic

import (
	"context"
	"fmt"
	"reflect"
	"strings"
	"testing"

	"github.com/comune-bologna/conoscenza/ingest/db"
	"github.com/comune-bologna/conoscenza/ingest/db/dbtest"
)

// eventFilterIndexes are the indexes of migration 00038 (and of 00052 on the live companies) by dimension: each is built on the
// expression the compiler writes for the dimension, and serves its filters only while the two
// are the same tree. 00066 rebuilt those of the event tables on (the expression, evento, data)
// under the same names, and added the quartiere's.
var eventFilterIndexes = map[string]string{
	"ateco":           "ateco",
	"divisione_ateco": "divisione",
	"sezione_ateco":   "sezione",
	"area_statistica": "area",
	"zona":            "zona",
	"forma_giuridica": "forma",
	"comune":          "comune",
	"causale_cig":     "causale",
	"settore_suap":    "settore",
	"quartiere":       "quartiere", // the event tables only (00066)
}

// TestEventFilterIndexesServeTheCatalogsFilters: a filter on each indexed dimension, on each
// event table, is planned on its index when sequential scans are turned off (so a change of the
// catalog's SQL that the index no longer matches fails here, not silently in the benchmark),
// and the rows read through the index are those of the detailed tables.
func TestEventFilterIndexesServeTheCatalogsFilters(t *testing.T) {
	ctx := context.Background()
	indexed, slow := forcedEngines(t, "enable_seqscan=off&enable_indexscan=off",
		"agg_eventi_imprese, agg_eventi_cig, agg_eventi_suap, agg_imprese_vive")

	shapes := []struct {
		table string
		q     Query // the filter is added below
		dims  []string
	}{
		{"agg_imprese_vive", Query{Metric: "imprese_registrate", GroupBy: []string{"area_statistica", "divisione_ateco", "forma_giuridica"}},
			[]string{"ateco", "divisione_ateco", "sezione_ateco", "area_statistica", "zona", "forma_giuridica", "comune"}},
		// Closures by age, size and a flag: no cuboid keeps the closing company's registration
		// month or class of age with both (00056 and 00058 keep them with a few dimensions).
		{"agg_eventi_imprese", Query{Metric: "chiusure", GroupBy: []string{"anzianita", "classe_addetti", "giovanile"}},
			[]string{"ateco", "divisione_ateco", "sezione_ateco", "area_statistica", "zona", "forma_giuridica", "comune", "quartiere"}},
		// A period: the index's (evento, data) after the dimension (00066).
		{"agg_eventi_imprese", Query{Metric: "aperture", From: "2024-03-10", To: "2025-09-20", GroupBy: []string{"area_statistica", "divisione_ateco", "forma_giuridica"}},
			[]string{"ateco", "sezione_ateco", "zona", "comune", "quartiere"}},
		{"agg_eventi_cig", Query{Metric: "cig_domande", GroupBy: []string{"area_statistica", "ateco", "forma_giuridica"}},
			[]string{"ateco", "divisione_ateco", "sezione_ateco", "area_statistica", "zona", "forma_giuridica", "comune", "causale_cig", "quartiere"}},
		// By age: no cuboid, monthly or month-less (00053), keeps it.
		{"agg_eventi_suap", Query{Metric: "suap_pratiche", GroupBy: []string{"area_statistica", "settore_suap", "anzianita"}},
			[]string{"ateco", "divisione_ateco", "sezione_ateco", "area_statistica", "zona", "forma_giuridica", "comune", "settore_suap", "quartiere"}},
	}
	checked := 0
	for _, s := range shapes {
		for _, dim := range s.dims {
			v, err := frequentValue(ctx, slow, s.q.Metric, dim)
			if err != nil {
				t.Fatalf("%s: values of %s: %v", s.q.Metric, dim, err)
			}
			values := []string{v}
			if dim == "ateco" && len(v) > 5 {
				values = append(values, v[:5]) // a prefix: code = $1 OR code LIKE $1 || '.%'
			}
			for _, v := range values {
				q := s.q
				q.Filters = []Filter{{Dimension: dim, Value: v}}
				name := fmt.Sprintf("%s %s = %q", q.Metric, dim, v)
				want := readThroughIndex(ctx, t, indexed, slow, name, q, s.table, s.table+"_"+eventFilterIndexes[dim])
				if len(want.Rows) == 0 && v != noRows {
					t.Errorf("%s: no rows: the check would prove nothing", name)
				}
				checked++
			}
		}
	}
	t.Logf("%d filtered queries read through the indexes", checked)
}

// noRows is a value no dimension takes in the fixture.
const noRows = "VALORE ASSENTE"

// frequentValue is a known value of dim for metric (read on the detailed path): the least
// frequent of the ten most frequent, so that the filter keeps few rows but some. When the
// fixture has one known value (the CIG requests' comune), the filter keeps every row and no
// index would be worth reading: it is then a value with no rows, to check the plan alone.
func frequentValue(ctx context.Context, e *Engine, metric, dim string) (string, error) {
	res, err := e.Run(ctx, Query{Metric: metric, GroupBy: []string{dim}, Order: &Order{By: "value", Dir: "desc"}, Limit: 10}, Policy{AllowDetails: true})
	if err != nil {
		return "", err
	}
	var known []string
	for _, row := range res.Rows {
		if s, ok := row[0].(string); ok && s != "n.d." && s != "non attribuito" && s != "" {
			known = append(known, s)
		}
	}
	switch len(known) {
	case 0:
		return "", fmt.Errorf("no known value in %v", res.Rows)
	case 1:
		return noRows, nil
	}
	return known[len(known)-1], nil
}

// explain is the plan of a result's statement on the engine's pool (its session settings).
func explain(ctx context.Context, t *testing.T, e *Engine, res *Result) string {
	t.Helper()
	tx, err := e.pool.Begin(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer tx.Rollback(ctx) //nolint:errcheck // read-only
	rows, err := tx.Query(ctx, "EXPLAIN "+res.SQL, res.Params...)
	if err != nil {
		t.Fatalf("explain: %v\n%s", err, res.SQL)
	}
	var b strings.Builder
	for rows.Next() {
		var line string
		if err := rows.Scan(&line); err != nil {
			t.Fatal(err)
		}
		b.WriteString(line + "\n")
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	return b.String()
}

// TestAgeRangesOnTheLiveCompaniesReadTheRegistrationIndex: a stock count with a range of age in
// months that reads the live companies (a boundary before the monthly cube's horizon, as
// "iscritte prima del 2000" on the benchmark database, or, here, dimensions no age cuboid
// keeps) is planned through their registration-date index (00069) when sequential scans are
// off, with the detailed tables' rows.
func TestAgeRangesOnTheLiveCompaniesReadTheRegistrationIndex(t *testing.T) {
	ctx := context.Background()
	indexed, slow := forcedEngines(t, "enable_seqscan=off", "agg_imprese_vive")
	for _, q := range []Query{
		{Metric: "imprese_attive", Filters: []Filter{{Dimension: "anzianita", Op: ">=", Value: 60}}, GroupBy: []string{"area_statistica", "ateco", "giovanile"}},
		{Metric: "imprese_registrate", Filters: []Filter{{Dimension: "anzianita", Op: "between", Values: []any{24, 96}}}, GroupBy: []string{"area_statistica", "ateco"}},
		{Metric: "imprese_attive", Filters: []Filter{{Dimension: "anzianita", Op: ">", Value: 120}}, GroupBy: []string{"area_statistica", "forma_giuridica", "straniera"}},
	} {
		name := fmt.Sprintf("%+v", q)
		if want := readThroughIndex(ctx, t, indexed, slow, name, q, liveTable, "agg_imprese_vive_iscrizione"); len(want.Rows) == 0 {
			t.Errorf("%s: no rows: the check would prove nothing", name)
		}
	}
}

// forcedEngines refreshes the aggregates and analyzes tables (the refresh analyses the tables
// it rebuilds; these may have been built before the package's other loads and carry an empty
// table's statistics), then gives an engine whose connections run with settings (planner
// switches, as URL parameters) and the detailed engine to compare it with.
func forcedEngines(t *testing.T, settings, tables string) (forced, detailed *Engine) {
	t.Helper()
	e, _ := testEngine(t)
	ctx := context.Background()
	d := dbtest.Shared(t)
	if _, err := RefreshCubes(ctx, d.Pool); err != nil { // other tests commit loads
		t.Fatal(err)
	}
	if _, err := d.Pool.Exec(ctx, "ANALYZE "+tables); err != nil {
		t.Fatal(err)
	}
	sep := "?"
	if strings.Contains(d.ROURL, "?") {
		sep = "&"
	}
	pool, err := db.Open(ctx, d.ROURL+sep+settings)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(pool.Close)
	return NewEngine(pool, e.catalog).WithoutCache(), detailedEngine(e)
}

// readThroughIndex runs q on the forced engine and on the detailed one, and checks that the
// forced engine read it from table through index, with the detailed tables' rows; it returns
// the detailed result.
func readThroughIndex(ctx context.Context, t *testing.T, indexed, slow *Engine, name string, q Query, table, index string) *Result {
	t.Helper()
	want, err := slow.Run(ctx, q, Policy{AllowDetails: true})
	if err != nil {
		t.Fatalf("%s: detailed: %v", name, err)
	}
	got, err := indexed.Run(ctx, q, Policy{AllowDetails: true})
	if err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	if !strings.Contains(got.SQL, "FROM "+table+" i") {
		t.Fatalf("%s: not read from %s:\n%s", name, table, got.SQL)
	}
	if plan := explain(ctx, t, indexed, got); !strings.Contains(plan, index) {
		t.Errorf("%s: the plan does not use %s:\n%s\n%s", name, index, got.SQL, plan)
	}
	if !reflect.DeepEqual(want.Columns, got.Columns) || !reflect.DeepEqual(want.Rows, got.Rows) {
		t.Errorf("%s: index and detailed path differ\nindex:    %v\ndetailed: %v", name, got.Rows, want.Rows)
	}
	return want
}
