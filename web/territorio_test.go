package web

import (
	"context"
	"encoding/json"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/comune-bologna/conoscenza/ingest/db"
	"github.com/comune-bologna/conoscenza/ingest/db/dbtest"
	"github.com/comune-bologna/conoscenza/ingest/territorio"
	"github.com/comune-bologna/conoscenza/web/apitypes"
)

// territorioBody is the answer of GET /api/v1/territorio/{level} as a client reads it.
type territorioBody struct {
	Type         string  `json:"type"`
	Livello      string  `json:"livello"`
	Approssimato bool    `json:"approssimato"`
	Etichetta    string  `json:"etichetta"`
	Fonte        string  `json:"fonte"`
	File         string  `json:"file"`
	BatchID      *int64  `json:"batch_id"`
	AsOf         *string `json:"as_of"`
	LoadedAt     *string `json:"loaded_at"`
	Features     []struct {
		Type       string         `json:"type"`
		ID         string         `json:"id"`
		Properties map[string]any `json:"properties"`
		Geometry   struct {
			Type        string          `json:"type"`
			Coordinates json.RawMessage `json:"coordinates"`
		} `json:"geometry"`
	} `json:"features"`
}

func getTerritorio(t *testing.T, ts *testServer, level string, header ...string) (*http.Response, territorioBody) {
	t.Helper()
	resp, data := ts.call(t, http.MethodGet, "/api/v1/territorio/"+level, nil, header...)
	var b territorioBody
	if resp.StatusCode == http.StatusOK {
		decode(t, data, &b)
	}
	return resp, b
}

// officialFile writes the embedded shapes as an open-data file would: upper-case names in a
// "NOMEQUART" property.
func officialFile(t *testing.T) string {
	t.Helper()
	def, err := territorio.Default()
	if err != nil {
		t.Fatal(err)
	}
	var feats []string
	for _, f := range def.Features {
		props, _ := json.Marshal(map[string]any{"NOMEQUART": strings.ToUpper(f.ID)})
		feats = append(feats, `{"type":"Feature","properties":`+string(props)+`,"geometry":`+string(f.Geometry)+`}`)
	}
	path := filepath.Join(t.TempDir(), "quartieri-di-bologna.geojson")
	doc := `{"type":"FeatureCollection","features":[` + strings.Join(feats, ",") + `]}`
	if err := os.WriteFile(path, []byte(doc), 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

func TestTerritorioServesApproximateShapesThenTheOfficialOnes(t *testing.T) {
	d := dbtest.Fresh(t)
	ctx := context.Background()
	ro, err := db.Open(ctx, d.ROURL)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(ro.Close)
	ts := newTestServer(t, Options{Services: Services{Territory: &territorio.Store{Pool: ro}}})

	// An empty database: the embedded approximate quartieri, for every role.
	var etag string
	for _, role := range []string{"decisore", "staff", "formatore", "admin"} {
		resp, b := getTerritorio(t, ts, "quartiere", apitypes.HeaderDevRole, role)
		// Go's client asks for gzip and undoes it: Uncompressed says the server compressed.
		if resp.StatusCode != http.StatusOK || !strings.HasPrefix(resp.Header.Get("Content-Type"), "application/geo+json") || !resp.Uncompressed {
			t.Fatalf("as %s: status %d, type %s, gzipped %v", role, resp.StatusCode, resp.Header.Get("Content-Type"), resp.Uncompressed)
		}
		if b.Type != "FeatureCollection" || b.Livello != "quartiere" || !b.Approssimato || b.Etichetta != "confini approssimati" ||
			b.Fonte != territorio.FonteApprossimata || b.BatchID != nil || b.LoadedAt != nil || len(b.Features) != 6 {
			t.Fatalf("as %s: %+v", role, b)
		}
		etag = resp.Header.Get("ETag")
	}
	// What ECharts' registerMap needs: Features with properties.name and polygon geometries;
	// the names are those the data use for the quartiere dimension.
	_, b := getTerritorio(t, ts, "quartiere")
	for _, f := range b.Features {
		if f.Type != "Feature" || f.Properties["name"] != f.ID || f.Properties["quartiere"] != f.ID || f.Properties["approssimato"] != true ||
			(f.Geometry.Type != "Polygon" && f.Geometry.Type != "MultiPolygon") || len(f.Geometry.Coordinates) < 10 {
			t.Errorf("feature %s: %+v", f.ID, f)
		}
	}
	if b.Features[0].ID != "Borgo Panigale-Reno" || b.Features[5].ID != "Savena" {
		t.Errorf("features not in name order: %s … %s", b.Features[0].ID, b.Features[5].ID)
	}
	if resp, _ := ts.call(t, http.MethodGet, "/api/v1/territorio/quartiere", nil, "If-None-Match", etag); resp.StatusCode != http.StatusNotModified {
		t.Errorf("If-None-Match with the current ETag: %d, want 304", resp.StatusCode)
	}

	// The city's boundaries loaded: the map says "confini ufficiali".
	sum, err := (&territorio.Store{Pool: d.Pool}).LoadFile(ctx, officialFile(t), territorio.Options{})
	if err != nil || sum.Rejected != 0 || len(sum.Areas) != 6 {
		t.Fatalf("load official: %+v, %v", sum, err)
	}
	resp, b := getTerritorio(t, ts, "quartiere", "If-None-Match", etag)
	if resp.StatusCode != http.StatusOK || resp.Header.Get("ETag") == etag {
		t.Fatalf("after the official load: status %d, ETag %s (was %s)", resp.StatusCode, resp.Header.Get("ETag"), etag)
	}
	if b.Approssimato || b.Etichetta != "confini ufficiali" || b.Fonte != territorio.FonteUfficiale || b.File != "quartieri-di-bologna.geojson" ||
		b.BatchID == nil || *b.BatchID != sum.BatchID || b.LoadedAt == nil || b.AsOf == nil || len(b.Features) != 6 {
		t.Fatalf("official: %+v", b)
	}
	for _, f := range b.Features {
		if f.Properties["approssimato"] != false || f.Properties["name"] != f.ID {
			t.Errorf("official feature %s: %v", f.ID, f.Properties)
		}
	}

	// A level with no shapes, an unknown level, and no service.
	resp, data := ts.call(t, http.MethodGet, "/api/v1/territorio/zona", nil)
	wantError(t, resp, data, http.StatusNotFound, "not_found")
	resp, data = ts.call(t, http.MethodGet, "/api/v1/territorio/comune", nil)
	wantError(t, resp, data, http.StatusBadRequest, "invalid")
	bare := newTestServer(t, Options{})
	resp, data = bare.call(t, http.MethodGet, "/api/v1/territorio/quartiere", nil)
	wantError(t, resp, data, http.StatusServiceUnavailable, apitypes.CodeNoService)
}
