package main

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/comune-bologna/conoscenza/ingest/db/dbtest"
	"github.com/comune-bologna/conoscenza/ingest/territorio"
)

// territorioFile writes the embedded shapes as the city's open data would, with one feature
// that is a point and one whose name is no quartiere.
func territorioFile(t *testing.T) string {
	t.Helper()
	def, err := territorio.Default()
	if err != nil {
		t.Fatal(err)
	}
	var feats []string
	for _, f := range def.Features {
		feats = append(feats, `{"type":"Feature","properties":{"quartiere":"`+strings.ToUpper(f.ID)+`"},"geometry":`+string(f.Geometry)+`}`)
	}
	feats = append(feats,
		`{"type":"Feature","properties":{"quartiere":"NAVILE"},"geometry":{"type":"Point","coordinates":[11.34,44.52]}}`,
		`{"type":"Feature","properties":{"quartiere":"Centro Storico"},"geometry":`+string(def.Features[1].Geometry)+`}`)
	path := filepath.Join(t.TempDir(), "quartieri.geojson")
	if err := os.WriteFile(path, []byte(`{"type":"FeatureCollection","features":[`+strings.Join(feats, ",")+`]}`), 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

func TestIngestTerritorioLoadsOfficialShapesOnceAndListsRejectedFeatures(t *testing.T) {
	d := dbtest.Fresh(t)
	env := map[string]string{"DATABASE_URL": d.URL}
	ctx := context.Background()
	file := territorioFile(t)
	out, err := run(t, ctx, env, "ingest", "territorio", file)
	if err != nil {
		t.Fatalf("ingest territorio: %v\n%s", err, out)
	}
	for _, want := range []string{"confini ufficiali", `nome da "quartiere"`, "feature 8, usate 6, scartate 2", "6 aree con forma",
		`feature 7 geometry "Point"`, `feature 8 quartiere "Centro Storico": «Centro Storico» non è tra i quartieri`} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %q:\n%s", want, out)
		}
	}
	out, err = run(t, ctx, env, "ingest", "territorio", "--json", file)
	if err != nil {
		t.Fatalf("second load: %v\n%s", err, out)
	}
	var sum struct {
		BatchID       int64    `json:"batch_id"`
		Kind          string   `json:"kind"`
		UnchangedFile bool     `json:"unchanged_file"`
		SameAsBatch   int64    `json:"same_as_batch"`
		Level         string   `json:"level"`
		NameProperty  string   `json:"name_property"`
		Approssimato  bool     `json:"approssimato"`
		Aree          []string `json:"aree"`
		Rejected      int      `json:"rejected"`
	}
	if err := json.Unmarshal([]byte(out), &sum); err != nil {
		t.Fatalf("%v: %s", err, out)
	}
	if !sum.UnchangedFile || sum.SameAsBatch == 0 || sum.Kind != "territorio" || sum.Level != "quartiere" || sum.NameProperty != "quartiere" ||
		sum.Approssimato || len(sum.Aree) != 6 || sum.Rejected != 2 {
		t.Errorf("second load = %+v", sum)
	}
	out, err = run(t, ctx, env, "ingest", "rejections", "1")
	if err != nil || !strings.Contains(out, "Centro Storico") {
		t.Errorf("rejections: %v\n%s", err, out)
	}
	if _, err := run(t, ctx, env, "ingest", "territorio", "--level", "comune", file); err == nil || !strings.Contains(err.Error(), "livello") {
		t.Errorf("bad level: %v", err)
	}
	if _, err := run(t, ctx, env, "ingest", "territorio", "--name-property", "NOME_Q", file); err == nil || !strings.Contains(err.Error(), "NOME_Q") {
		t.Errorf("missing name property: %v", err)
	}
}

// demo load puts the approximate quartieri into the database, marked as such.
func TestDemoLoadLoadsTheApproximateQuartieri(t *testing.T) {
	if testing.Short() {
		t.Skip("generates and loads a small demo data set")
	}
	d := dbtest.Fresh(t)
	env := map[string]string{"DATABASE_URL": d.URL}
	out, err := run(t, context.Background(), env, "demo", "load", "--dir", filepath.Join(t.TempDir(), "demo"),
		"--scale", "0.01", "--snapshots", "1", "--until", "2026-10", "--no-docs")
	if err != nil {
		t.Fatalf("demo load: %v\n%s", err, out)
	}
	if !strings.Contains(out, "quartieri_approssimati.geojson: lotto") || !strings.Contains(out, "confini approssimati") {
		t.Errorf("demo load output lacks the shapes:\n%s", out)
	}
	var n int
	err = d.Pool.QueryRow(context.Background(), `SELECT count(*) FROM quartieri q JOIN load_batches b ON b.id = q.batch_id
		WHERE q.geometry IS NOT NULL AND q.approximate AND q.source = $1 AND b.kind = 'territorio' AND b.started_by = 'demo'`,
		territorio.FonteApprossimata).Scan(&n)
	if err != nil || n != 6 {
		t.Errorf("%d approximate quartieri from the demo batch (%v), want 6", n, err)
	}
}
