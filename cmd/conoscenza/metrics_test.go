package main

import (
	"context"
	"encoding/json"
	"strings"
	"testing"

	"github.com/comune-bologna/conoscenza/ingest/db/dbtest"
)

func TestMetricsCommands(t *testing.T) {
	d := dbtest.Shared(t)
	env := map[string]string{"DATABASE_URL": d.URL}
	ctx := context.Background()

	out, err := run(t, ctx, env, "metrics", "list", "--json")
	if err != nil {
		t.Fatal(err)
	}
	var list struct {
		Metrics    []struct{ Name string } `json:"metrics"`
		Dimensions []struct{ Name string } `json:"dimensions"`
	}
	if err := json.Unmarshal([]byte(out), &list); err != nil || len(list.Metrics) < 14 || len(list.Dimensions) < 22 {
		t.Fatalf("metrics list: %d metrics, %d dimensions, %v", len(list.Metrics), len(list.Dimensions), err)
	}

	out, err = run(t, ctx, env, "metrics", "query", `{"metric":"cig_domande","group_by":["tipo_cig"]}`, "--json")
	if err != nil {
		t.Fatal(err)
	}
	var res struct {
		Columns  []map[string]string `json:"columns"`
		Rows     [][]any             `json:"rows"`
		SQL      string              `json:"sql"`
		Params   []any               `json:"params"`
		Sources  []map[string]any    `json:"sources"`
		RowCount *int                `json:"row_count"`
	}
	if err := json.Unmarshal([]byte(out), &res); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(res.SQL, "FROM cig_domande c") || res.RowCount == nil || len(res.Sources) == 0 || len(res.Columns) != 2 {
		t.Errorf("query output = %s", out)
	}

	out, err = run(t, ctx, env, "metrics", "refresh")
	if err != nil || !strings.Contains(out, "aggregati") {
		t.Errorf("metrics refresh: %q, %v", out, err)
	}

	_, err = run(t, ctx, env, "metrics", "query", `{"metric":"chiusur"}`)
	if err == nil || !strings.Contains(err.Error(), "did you mean chiusure") {
		t.Errorf("bad metric: %v", err)
	}
	_, err = run(t, ctx, env, "metrics", "query", `{"metric":"aperture"}`)
	if err == nil || !strings.Contains(err.Error(), "no register snapshot") {
		t.Errorf("empty register: %v", err)
	}
	_, err = run(t, ctx, env, "sql", "DELETE FROM imprese")
	if err == nil || !strings.Contains(err.Error(), "only SELECT") {
		t.Errorf("sql DELETE: %v", err)
	}
	out, err = run(t, ctx, env, "sql", "SELECT count(*) AS n FROM api.imprese", "--json")
	if err != nil || !strings.Contains(out, `"row_count": 1`) {
		t.Errorf("sql count: %s %v", out, err)
	}
}
