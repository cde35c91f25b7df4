package web

import (
	"context"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/comune-bologna/conoscenza/agent/audit"
	"github.com/comune-bologna/conoscenza/ingest"
	"github.com/comune-bologna/conoscenza/ingest/db/dbtest"
	"github.com/comune-bologna/conoscenza/ingest/territorio"
	"github.com/comune-bologna/conoscenza/web/apitypes"
)

// boundariesGeoJSON is the embedded shapes written as the city's open data would (names in
// capitals under "NOME"), plus a feature that is a point: six areas loaded, one feature
// rejected.
func boundariesGeoJSON(t *testing.T) string {
	t.Helper()
	def, err := territorio.Default()
	if err != nil {
		t.Fatal(err)
	}
	var feats []string
	for _, f := range def.Features {
		feats = append(feats, `{"type":"Feature","properties":{"NOME":"`+strings.ToUpper(f.ID)+`","codice":1},"geometry":`+string(f.Geometry)+`}`)
	}
	feats = append(feats, `{"type":"Feature","properties":{"NOME":"NAVILE"},"geometry":{"type":"Point","coordinates":[11.34,44.52]}}`)
	return `{"type":"FeatureCollection","features":[` + strings.Join(feats, ",") + `]}`
}

// TestUploadTerritorioLoadsBoundariesAndReportsRejectedFeatures uploads a GeoJSON of the
// quartieri through the API, as the page does (level and name property as form fields): the
// batch, its rejected feature, the shapes the map then serves as official, the audit entry;
// a decisore may not upload, and an unknown level is a 400.
func TestUploadTerritorioLoadsBoundariesAndReportsRejectedFeatures(t *testing.T) {
	d := dbtest.Fresh(t)
	ctx := context.Background()
	ts := newTestServer(t, Options{
		Services: Services{Data: ingest.New(d.Pool, nil), Boundaries: &territorio.Store{Pool: d.Pool},
			Territory: &territorio.Store{Pool: d.Pool}},
		Audit:     audit.New(d.Pool),
		UploadDir: t.TempDir(),
	})
	geo := boundariesGeoJSON(t)

	job := loadThroughAPI(t, ts, "territorio", "quartieri.geojson", geo, map[string]string{"level": "quartiere", "name_property": "nome"})
	sum, terr := job.Summary, job.Territory
	if job.State != "done" || sum == nil || terr == nil {
		t.Fatalf("job = %+v (error %+v)", job, job.Error)
	}
	if sum.Kind != "territorio" || sum.Read != 7 || sum.Loaded != 6 || sum.Rejected != 1 || sum.UnchangedFile ||
		terr.Level != "quartiere" || terr.NameProperty != "NOME" || terr.Approximate || len(terr.Areas) != 6 || len(terr.Missing) != 0 {
		t.Fatalf("summary = %+v, territory = %+v", sum, terr)
	}

	// The rejected feature is read like any batch's rejected rows.
	resp, data := ts.call(t, http.MethodGet, fmt.Sprintf("/api/v1/batches/%d/rejections", sum.BatchID), nil, apitypes.HeaderDevRole, "staff")
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("rejections: %d %s", resp.StatusCode, data)
	}
	var page ingest.RejectionPage
	decode(t, data, &page)
	if page.Total != 1 || len(page.Rejections) != 1 || page.Rejections[0].Line != 7 || page.Rejections[0].Column != "geometry" ||
		page.Rejections[0].Value != "Point" {
		t.Fatalf("rejections = %+v", page)
	}
	resp, data = ts.call(t, http.MethodGet, "/api/v1/batches?kind=territorio", nil, apitypes.HeaderDevRole, "admin")
	if resp.StatusCode != http.StatusOK || !strings.Contains(string(data), `"file":"quartieri.geojson"`) {
		t.Fatalf("batches: %d %s", resp.StatusCode, data)
	}

	// The map now serves the uploaded shapes as official.
	col, err := (&territorio.Store{Pool: d.Pool}).Shapes(ctx, "quartiere")
	if err != nil || col.Approximate || len(col.Features) != 6 {
		t.Fatalf("shapes after upload: %+v, %v", col, err)
	}

	// The same file again changes nothing and says so.
	again := loadThroughAPI(t, ts, "territorio", "quartieri.geojson", geo, map[string]string{"name_property": "NOME"})
	if again.State != "done" || !again.Summary.UnchangedFile {
		t.Fatalf("re-upload = %+v %+v", again, again.Summary)
	}

	// A file whose features match nothing fails whole, with the loader's message.
	bad := loadThroughAPI(t, ts, "territorio", "zone.geojson", strings.ReplaceAll(geo, `"NOME":"`, `"NOME":"X`), map[string]string{"name_property": "NOME"})
	if bad.State != "failed" || bad.Error == nil || bad.Error.Code != "invalid" {
		t.Fatalf("unmatched file job = %+v %+v", bad, bad.Error)
	}

	// Wrong role, wrong level.
	files := map[string][2]string{"file": {"quartieri.geojson", geo}}
	if resp, data := upload(t, ts, "decisore", "/api/v1/ingest/territorio", files, nil); resp.StatusCode != http.StatusForbidden {
		t.Fatalf("decisore upload: %d %s", resp.StatusCode, data)
	}
	if resp, data := upload(t, ts, "staff", "/api/v1/ingest/territorio", files, map[string]string{"level": "regione"}); resp.StatusCode != http.StatusBadRequest ||
		!strings.Contains(string(data), "level") {
		t.Fatalf("bad level upload: %d %s", resp.StatusCode, data)
	}

	// Audited like the other uploads, with the level and the name property.
	var n int
	if err := d.Pool.QueryRow(ctx, `SELECT count(*) FROM audit.audit_log WHERE action = 'upload' AND actor = 'dev-staff'
		AND detail->>'via' = 'web' AND detail->>'kind' = 'territorio' AND object = $1
		AND detail->>'level' = 'quartiere' AND detail->>'name_property' = 'NOME' AND (detail->>'rejected')::int = 1`,
		fmt.Sprintf("batch:%d", sum.BatchID)).Scan(&n); err != nil || n != 1 {
		t.Fatalf("territorio audit entries = %d, %v", n, err)
	}
}

// TestUploadFoldersOfDeadProcessesAreRemovedAtStartup leaves behind the folders a process
// killed mid-load would (one with no lock holder, one never locked and old), starts a server
// over the same root, and checks that they are gone while a live server's folder stays; an
// upload's own folder is removed when its load ends.
func TestUploadFoldersOfDeadProcessesAreRemovedAtStartup(t *testing.T) {
	root := t.TempDir()
	dead := filepath.Join(root, "srv-dead")
	if err := os.MkdirAll(filepath.Join(dead, "upload-1"), 0o700); err != nil {
		t.Fatal(err)
	}
	os.WriteFile(filepath.Join(dead, ".lock"), nil, 0o600)
	os.WriteFile(filepath.Join(dead, "upload-1", "imprese_2026-10.csv"), []byte("half a file"), 0o600)
	unlocked := filepath.Join(root, "srv-unlocked")
	os.MkdirAll(unlocked, 0o700)
	old := timeAgo(2 * staleGrace)
	os.Chtimes(unlocked, old, old)
	young := filepath.Join(root, "srv-young") // its server may be about to lock it
	os.MkdirAll(young, 0o700)
	other := filepath.Join(root, "unrelated")
	os.MkdirAll(other, 0o700)

	// A live server's folder: its lock is held (an open file description of its own).
	live := filepath.Join(root, "srv-live")
	os.MkdirAll(live, 0o700)
	f, err := os.OpenFile(filepath.Join(live, ".lock"), os.O_CREATE|os.O_RDWR, 0o600)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if err := syscall.Flock(int(f.Fd()), syscall.LOCK_EX|syscall.LOCK_NB); err != nil {
		t.Fatal(err)
	}

	d := dbtest.Fresh(t)
	ts := newTestServer(t, Options{Services: Services{Data: ingest.New(d.Pool, nil)}, UploadDir: root})
	for _, gone := range []string{dead, unlocked} {
		if _, err := os.Stat(gone); !os.IsNotExist(err) {
			t.Errorf("%s still there after startup (%v)", gone, err)
		}
	}
	for _, kept := range []string{live, young, other} {
		if _, err := os.Stat(kept); err != nil {
			t.Errorf("%s removed: %v", kept, err)
		}
	}

	// A load's folder goes when the load ends; the server's own folder (made at its first
	// upload) stays, locked: a second server over the root keeps it.
	job := loadThroughAPI(t, ts, "stradario", "stradario.csv", readFile(t, ingestTestdata("stradario.csv")), nil)
	if job.State != "done" {
		t.Fatalf("job = %+v %+v", job, job.Error)
	}
	left, _ := filepath.Glob(filepath.Join(root, "srv-*", "upload-*"))
	if len(left) != 0 {
		t.Fatalf("upload folders left after the load: %v", left)
	}
	own, _ := filepath.Glob(filepath.Join(root, "srv-*"))
	if len(own) != 3 {
		t.Fatalf("srv folders = %v", own)
	}
	newTestServer(t, Options{Services: Services{Data: ingest.New(d.Pool, nil)}, UploadDir: root})
	if after, _ := filepath.Glob(filepath.Join(root, "srv-*")); len(after) != 3 {
		t.Fatalf("after a second server: %v", after)
	}
}

func timeAgo(d time.Duration) time.Time { return time.Now().Add(-d) }
