package territorio

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/geojson"

	"github.com/comune-bologna/conoscenza/ingest"
	"github.com/comune-bologna/conoscenza/ingest/db"
	"github.com/comune-bologna/conoscenza/ingest/db/dbtest"
)

// feat is one feature of a test file: properties and a geometry given as raw GeoJSON.
type feat struct {
	props    map[string]any
	geometry string
}

// polygonOf is the embedded approximate shape of a quartiere, shifted by d degrees, as GeoJSON:
// real polygons inside Bologna, different from the defaults.
func polygonOf(t *testing.T, quartiere string, d float64) string {
	t.Helper()
	p := defaultShapes(t)[quartiere].Clone()
	for _, r := range p {
		for i := range r {
			r[i][0] += d
			r[i][1] += d
		}
	}
	b, err := json.Marshal(geojson.NewGeometry(p))
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// writeCollection writes a FeatureCollection file into the test's directory.
func writeCollection(t *testing.T, name string, feats []feat, extra string) string {
	t.Helper()
	var parts []string
	for _, f := range feats {
		props, _ := json.Marshal(f.props)
		parts = append(parts, `{"type":"Feature","properties":`+string(props)+`,"geometry":`+f.geometry+`}`)
	}
	doc := `{"type":"FeatureCollection",` + extra + `"features":[` + strings.Join(parts, ",\n") + `]}`
	path := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(path, []byte(doc), 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

// officialFeatures are the six quartieri spelled as open-data files do, in the "nomequart"
// property, shifted by d.
func officialFeatures(t *testing.T, d float64) []feat {
	spellings := map[string]string{
		"Borgo Panigale-Reno": "BORGO PANIGALE - RENO", "Navile": "NAVILE", "Porto-Saragozza": "Porto - Saragozza",
		"San Donato-San Vitale": "san donato-san vitale", "Santo Stefano": "Santo Stéfano", "Savena": "SAVENA",
	}
	var out []feat
	for q, s := range spellings {
		out = append(out, feat{map[string]any{"nomequart": s, "numquart": 1}, polygonOf(t, q, d)})
	}
	return out
}

type loadFixture struct {
	t     *testing.T
	db    *dbtest.DB
	store *Store
}

func newLoadFixture(t *testing.T) *loadFixture {
	d := dbtest.Fresh(t)
	return &loadFixture{t: t, db: d, store: &Store{Pool: d.Pool}}
}

func (f *loadFixture) load(path string, opts Options) Summary {
	f.t.Helper()
	sum, err := f.store.LoadFile(context.Background(), path, opts)
	if err != nil {
		f.t.Fatalf("load %s: %v", filepath.Base(path), err)
	}
	return sum
}

func (f *loadFixture) shapes(level string) *Collection {
	f.t.Helper()
	c, err := f.store.Shapes(context.Background(), level)
	if err != nil {
		f.t.Fatalf("shapes %s: %v", level, err)
	}
	return c
}

func (f *loadFixture) count(sql string, args ...any) int {
	f.t.Helper()
	var n int
	if err := f.db.Pool.QueryRow(context.Background(), sql, args...).Scan(&n); err != nil {
		f.t.Fatalf("%s: %v", sql, err)
	}
	return n
}

func TestLoadOfficialQuartieriReplacesTheApproximateOnesAndRejectsWhatDoesNotFit(t *testing.T) {
	f := newLoadFixture(t)
	ctx := context.Background()
	// An empty database serves the embedded approximate shapes.
	if c := f.shapes("quartiere"); !c.Approximate || len(c.Features) != 6 || c.BatchID != nil {
		t.Fatalf("empty database: %+v", c)
	}
	def, loaded, err := f.store.LoadDefault(ctx, "demo")
	if err != nil || !loaded || def.UnchangedFile || len(def.Areas) != 6 {
		t.Fatalf("LoadDefault = %+v, %v, %v", def, loaded, err)
	}
	if c := f.shapes("quartiere"); !c.Approximate || c.Label != LabelApprossimati || c.BatchID == nil || *c.BatchID != def.BatchID {
		t.Fatalf("after LoadDefault: %+v", c)
	}

	feats := append(officialFeatures(t, 0.001),
		feat{map[string]any{"nomequart": "Navile"}, `{"type":"Point","coordinates":[11.34,44.52]}`},
		feat{map[string]any{"nomequart": "Quartiere Inventato"}, polygonOf(t, "Savena", 0)},
		feat{map[string]any{"nomequart": "Reno"}, polygonOf(t, "Borgo Panigale-Reno", 0)},
		feat{map[string]any{"altro": "x"}, polygonOf(t, "Savena", 0)},
	)
	path := writeCollection(t, "quartieri.geojson", feats, "")
	sum := f.load(path, Options{StartedBy: "test"})
	if sum.UnchangedFile || sum.NameProperty != "nomequart" || sum.Read != 10 || sum.Loaded != 6 || sum.Rejected != 4 ||
		len(sum.Areas) != 6 || len(sum.Missing) != 0 || sum.Approximate || sum.Source != FonteUfficiale {
		t.Fatalf("summary = %+v", sum)
	}
	want := map[int][2]string{ // feature → column, words of the reason
		7:  {"geometry", "non è un poligono"},
		8:  {"nomequart", "«Quartiere Inventato» non è tra i quartieri"},
		9:  {"nomequart", "prima del 2016, oggi parte di Borgo Panigale-Reno"},
		10: {"nomequart", "assente o vuota"},
	}
	for _, r := range sum.Rejections {
		w, ok := want[r.Line]
		if !ok || r.Column != w[0] || !strings.Contains(r.Reason, w[1]) {
			t.Errorf("rejection %+v, want %v", r, w)
		}
	}
	stored, err := ingest.New(f.db.Pool, nil).Rejections(ctx, sum.BatchID, 0)
	if err != nil || len(stored) != 4 {
		t.Errorf("stored rejections = %v, %v", stored, err)
	}
	c := f.shapes("quartiere")
	if c.Approximate || c.Label != LabelUfficiali || c.Source != FonteUfficiale || c.File != "quartieri.geojson" ||
		c.BatchID == nil || *c.BatchID != sum.BatchID || c.LoadedAt == nil || c.AsOf == nil || len(c.Features) != 6 {
		t.Fatalf("official collection = %+v", c)
	}
	for _, ft := range c.Features {
		g, err := geojson.UnmarshalGeometry(ft.Geometry)
		if err != nil || ft.Properties["approssimato"] != false || ft.Properties["name"] != ft.ID {
			t.Errorf("feature %s: %v %v", ft.ID, ft.Properties, err)
			continue
		}
		// Stored as in the file, rounded to 7 decimals (about 1 cm).
		file, err := geojson.UnmarshalGeometry([]byte(polygonOf(t, ft.ID, 0.001)))
		if err != nil {
			t.Fatal(err)
		}
		want, _ := json.Marshal(geojson.NewGeometry(orb.Round(file.Geometry(), 1e7)))
		got, _ := json.Marshal(g)
		if string(got) != string(want) || strings.Contains(string(got), "99999") {
			t.Errorf("%s: stored geometry %s, want %s", ft.ID, got, want)
		}
	}
	// Demo shapes never replace official ones.
	if _, loaded, err := f.store.LoadDefault(ctx, "demo"); err != nil || loaded {
		t.Errorf("LoadDefault over official shapes: loaded=%v err=%v", loaded, err)
	}
	if n := f.count(`SELECT count(*) FROM load_batches WHERE kind = 'territorio' AND status = 'committed'`); n != 2 {
		t.Errorf("%d committed territory batches, want 2", n)
	}
}

func TestLoadingTheSameFileTwiceChangesNothingButAnOlderFileLoadsAgain(t *testing.T) {
	f := newLoadFixture(t)
	a := writeCollection(t, "a.geojson", officialFeatures(t, 0.001), "")
	b := writeCollection(t, "b.geojson", officialFeatures(t, -0.001), "")
	first := f.load(a, Options{})
	again := f.load(a, Options{})
	if !again.UnchangedFile || again.SameAsBatch != first.BatchID || again.BatchID == first.BatchID ||
		!strings.Contains(strings.Join(again.Warnings, " "), "nessuna modifica") {
		t.Fatalf("second load = %+v", again)
	}
	if n := f.count(`SELECT count(*) FROM quartieri WHERE batch_id = $1`, first.BatchID); n != 6 {
		t.Errorf("%d quartieri from the first batch after the unchanged load, want 6", n)
	}
	if n := f.count(`SELECT count(*) FROM load_batches WHERE id = $1 AND status = 'unchanged'`, again.BatchID); n != 1 {
		t.Errorf("the unchanged load is not recorded as such")
	}
	second := f.load(b, Options{})
	third := f.load(a, Options{}) // A, B, A: the map must show A again
	if second.UnchangedFile || third.UnchangedFile {
		t.Fatalf("B then A again: %+v / %+v", second, third)
	}
	if n := f.count(`SELECT count(*) FROM quartieri WHERE batch_id = $1`, third.BatchID); n != 6 {
		t.Errorf("%d quartieri from the reloaded A, want 6", n)
	}
}

func TestAFileThatFitsNothingFailsWholeAndWritesNothing(t *testing.T) {
	f := newLoadFixture(t)
	ctx := context.Background()
	cases := map[string]struct {
		feats []feat
		extra string
		opts  Options
		want  string
	}{
		"no known name": {[]feat{{map[string]any{"nome": "Atlantide"}, polygonOf(t, "Navile", 0)}}, "", Options{}, "nessuna feature corrisponde"},
		"only points":   {[]feat{{map[string]any{"nome": "Navile"}, `{"type":"Point","coordinates":[11.34,44.52]}`}}, "", Options{}, "non è un poligono"},
		"no name property": {[]feat{{map[string]any{"codice": 3}, polygonOf(t, "Navile", 0)}}, "", Options{},
			"nessuna proprietà con il nome dell'area"},
		"missing --name-property": {officialFeatures(t, 0), "", Options{NameProperty: "NOME_Q"}, "nessuna feature ha la proprietà \"NOME_Q\""},
		"projected crs": {officialFeatures(t, 0), `"crs":{"type":"name","properties":{"name":"urn:ogc:def:crs:EPSG::3003"}},`, Options{},
			"EPSG::3003"},
		"projected coordinates": {[]feat{{map[string]any{"nome": "Navile"},
			`{"type":"Polygon","coordinates":[[[1686000,4930000],[1687000,4930000],[1687000,4931000],[1686000,4930000]]]}`}}, "", Options{},
			"sistema proiettato"},
		"swapped coordinates": {[]feat{{map[string]any{"nome": "Navile"},
			`{"type":"Polygon","coordinates":[[[44.51,11.34],[44.52,11.34],[44.52,11.35],[44.51,11.34]]]}`}}, "", Options{},
			"coordinate invertite"},
		"open ring": {[]feat{{map[string]any{"nome": "Navile"},
			`{"type":"Polygon","coordinates":[[[11.34,44.51],[11.34,44.52],[11.35,44.52],[11.35,44.51]]]}`}}, "", Options{},
			"non chiuso"},
		"zone at the quartiere level": {[]feat{{map[string]any{"nomezona": "Bolognina"}, polygonOf(t, "Navile", 0)}}, "", Options{NameProperty: "nomezona"},
			"è una zona"},
	}
	for name, c := range cases {
		path := writeCollection(t, "x.geojson", c.feats, c.extra)
		_, err := f.store.LoadFile(ctx, path, c.opts)
		if db.ErrorCode(err) != db.CodeInvalid || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: err = %v, want invalid with %q", name, err, c.want)
		}
	}
	for _, bad := range []string{`{"type":"Feature","geometry":null}`, `not json`, `{"type":"FeatureCollection","features":[]}`} {
		path := filepath.Join(t.TempDir(), "bad.geojson")
		_ = os.WriteFile(path, []byte(bad), 0o644)
		if _, err := f.store.LoadFile(ctx, path, Options{}); db.ErrorCode(err) != db.CodeInvalid {
			t.Errorf("%s: err = %v, want invalid", bad, err)
		}
	}
	if n := f.count(`SELECT count(*) FROM load_batches WHERE kind = 'territorio'`); n != 0 {
		t.Errorf("%d territory batches written by failed loads", n)
	}
	if n := f.count(`SELECT count(*) FROM quartieri WHERE geometry IS NOT NULL`); n != 0 {
		t.Errorf("%d shapes written by failed loads", n)
	}
}

func TestZoneShapesCarryTheirQuartiereAndPartsBecomeOneMultiPolygon(t *testing.T) {
	f := newLoadFixture(t)
	ctx := context.Background()
	if _, err := f.store.Shapes(ctx, "zona"); db.ErrorCode(err) != db.CodeNotFound {
		t.Fatalf("zona before any load: %v, want not found", err)
	}
	if _, err := f.store.Shapes(ctx, "comune"); db.ErrorCode(err) != db.CodeInvalid {
		t.Fatalf("unknown level: %v, want invalid", err)
	}
	path := writeCollection(t, "zone.geojson", []feat{
		{map[string]any{"NOMEZONA": "BOLOGNINA", "NOMEQUART": "NAVILE"}, polygonOf(t, "Navile", 0)},
		{map[string]any{"NOMEZONA": "Bolognina", "NOMEQUART": "NAVILE"}, polygonOf(t, "Navile", 0.002)},
		{map[string]any{"NOMEZONA": "San Ruffillo", "NOMEQUART": "SAVENA"}, polygonOf(t, "Savena", 0)},
	}, "")
	sum := f.load(path, Options{Level: LevelZona})
	if sum.NameProperty != "NOMEZONA" || len(sum.Areas) != 2 || sum.Loaded != 3 || len(sum.Missing) != 16 {
		t.Fatalf("summary = %+v", sum)
	}
	c := f.shapes("zone")
	if c.Level != LevelZona || len(c.Features) != 2 || c.Approximate {
		t.Fatalf("zone = %+v", c)
	}
	bolognina := c.Features[0]
	if bolognina.ID != "Bolognina" || bolognina.Properties["zona"] != "Bolognina" || bolognina.Properties["quartiere"] != "Navile" {
		t.Errorf("zona feature = %s %v", bolognina.ID, bolognina.Properties)
	}
	g, err := geojson.UnmarshalGeometry(bolognina.Geometry)
	if mp, ok := g.Geometry().(orb.MultiPolygon); err != nil || !ok || len(mp) != 2 {
		t.Errorf("Bolognina geometry = %s, want a MultiPolygon of 2 parts", bolognina.Geometry)
	}
	// The quartieri are untouched by a zone load.
	if q := f.shapes("quartiere"); !q.Approximate || q.BatchID != nil {
		t.Errorf("quartieri after a zone load: %+v", q)
	}
}

// newLoadFixtureTB is a store over a fresh database, for benchmarks.
func newLoadFixtureTB(tb testing.TB) *Store {
	return &Store{Pool: dbtest.Fresh(tb).Pool}
}

// Aree statistiche come from the street register; their shapes carry their zona and quartiere.
func TestAreeStatisticheShapesNeedTheStreetRegister(t *testing.T) {
	f := newLoadFixture(t)
	ctx := context.Background()
	path := writeCollection(t, "aree.geojson", []feat{
		{map[string]any{"area_statistica": "nav-1", "codice": "0701"}, polygonOf(t, "Navile", 0)},
	}, "")
	if _, err := f.store.LoadFile(ctx, path, Options{Level: LevelArea}); db.ErrorCode(err) != db.CodeInvalid || !strings.Contains(err.Error(), "stradario") {
		t.Fatalf("aree before the stradario: %v, want invalid naming the stradario", err)
	}
	if _, err := ingest.New(f.db.Pool, nil).LoadFile(ctx, ingest.KindStradario, "../testdata/stradario.csv", ingest.Options{}); err != nil {
		t.Fatal(err)
	}
	sum := f.load(path, Options{Level: LevelArea})
	if sum.NameProperty != "area_statistica" || len(sum.Areas) != 1 || sum.Areas[0] != "NAV-1" {
		t.Fatalf("summary = %+v", sum)
	}
	c := f.shapes("area_statistica")
	if len(c.Features) != 1 {
		t.Fatalf("aree = %+v", c)
	}
	p := c.Features[0].Properties
	if p["name"] != "NAV-1" || p["area_statistica"] != "NAV-1" || p["zona"] != "Bolognina" || p["quartiere"] != "Navile" || p["livello"] != "area_statistica" {
		t.Errorf("area properties = %v", p)
	}
}
