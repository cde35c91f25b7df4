package web

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"mime/multipart"
	"net/http"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/comune-bologna/conoscenza/agent/audit"
	"github.com/comune-bologna/conoscenza/ingest"
	"github.com/comune-bologna/conoscenza/ingest/db/dbtest"
	"github.com/comune-bologna/conoscenza/retrieval"
	"github.com/comune-bologna/conoscenza/retrieval/embed"
	"github.com/comune-bologna/conoscenza/web/apitypes"
)

// datiServer is a server over a database of its own (uploads write data) with the loader and
// the document library over the owner pool, as serve wires them, and the audit log.
func datiServer(t *testing.T) (*testServer, *dbtest.DB) {
	t.Helper()
	d := dbtest.Fresh(t)
	ts := newTestServer(t, Options{
		Services: Services{Data: ingest.New(d.Pool, nil), Library: retrieval.NewStore(d.Pool, embed.Local{}, nil)},
		Audit:    audit.New(d.Pool),
	})
	return ts, d
}

// ingestTestdata is the ingest package's test files (the same the loader's own tests read).
func ingestTestdata(name string) string {
	_, file, _, _ := runtime.Caller(0)
	return filepath.Join(filepath.Dir(file), "..", "ingest", "testdata", name)
}

// upload posts a multipart form: files maps a form field to {name, content}, fields are plain.
func upload(t *testing.T, ts *testServer, role, path string, files map[string][2]string, fields map[string]string) (*http.Response, []byte) {
	t.Helper()
	var body bytes.Buffer
	w := multipart.NewWriter(&body)
	for k, v := range fields {
		if err := w.WriteField(k, v); err != nil {
			t.Fatal(err)
		}
	}
	for field, f := range files {
		fw, err := w.CreateFormFile(field, f[0])
		if err != nil {
			t.Fatal(err)
		}
		io.WriteString(fw, f[1])
	}
	w.Close()
	req, err := http.NewRequest(http.MethodPost, ts.URL+path, &body)
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", w.FormDataContentType())
	req.Header.Set(apitypes.HeaderDevRole, role)
	resp, err := ts.Client().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return resp, data
}

func readFile(t *testing.T, path string) string {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// loadThroughAPI uploads a file and follows its job to the end, as the page does.
func loadThroughAPI(t *testing.T, ts *testServer, kind, name, content string, fields map[string]string) IngestJob {
	t.Helper()
	resp, data := upload(t, ts, "staff", "/api/v1/ingest/"+kind, map[string][2]string{"file": {name, content}}, fields)
	if resp.StatusCode != http.StatusAccepted {
		t.Fatalf("upload %s: %d %s", name, resp.StatusCode, data)
	}
	var job IngestJob
	decode(t, data, &job)
	if job.ID == "" || job.File != name || job.Kind != kind {
		t.Fatalf("job = %+v", job)
	}
	deadline := time.Now().Add(time.Minute)
	for job.State != "done" && job.State != "failed" {
		if time.Now().After(deadline) {
			t.Fatalf("job %s still %s", job.ID, job.State)
		}
		time.Sleep(50 * time.Millisecond)
		resp, data := ts.call(t, http.MethodGet, "/api/v1/ingest/jobs/"+job.ID, nil, apitypes.HeaderDevRole, "admin")
		if resp.StatusCode != http.StatusOK {
			t.Fatalf("job %s: %d %s", job.ID, resp.StatusCode, data)
		}
		job = IngestJob{}
		decode(t, data, &job)
	}
	return job
}

// TestUploadWithBadRowsReportsEveryRejection uploads the loader's own test files through the
// API and checks that the batch report and every rejected row come back exactly as the loader
// stored them, page by page; an unchanged re-upload says so; and the audit log has the loads.
func TestUploadWithBadRowsReportsEveryRejection(t *testing.T) {
	ts, d := datiServer(t)
	ctx := context.Background()

	str := loadThroughAPI(t, ts, "stradario", "stradario.csv", readFile(t, ingestTestdata("stradario.csv")), map[string]string{"as_of": "2026-09-01"})
	if str.State != "done" || str.Summary.Read != 13 || str.Summary.Rejected != 1 || str.Summary.AsOf != "2026-09-01" || str.Summary.AsOfSource != "flag" {
		t.Fatalf("stradario job = %+v %+v", str, str.Summary)
	}

	oct := loadThroughAPI(t, ts, "imprese", "imprese_2026-10.csv", readFile(t, ingestTestdata("imprese_2026-10.csv")), nil)
	sum := oct.Summary
	if oct.State != "done" || sum == nil || sum.Read != 18 || sum.Loaded != 8 || sum.Rejected != 10 || sum.UnchangedFile ||
		sum.AsOf != "2026-10-31" || sum.MatchRate == nil || oct.Rows != 18 || oct.Percent != 100 || oct.StartedBy != "dev-staff" {
		t.Fatalf("october job = %+v, summary %+v", oct, sum)
	}
	if got := sum.Rejections[0]; got != (ingest.Rejection{Line: 10, Column: "C-FISCALE", Value: "01234567060",
		Reason: "codice fiscale non valido: cifra di controllo errata"}) {
		t.Errorf("first rejection = %+v", got)
	}

	// Every rejected row, three per page, equals what the loader reported and stored.
	stored, err := ingest.New(d.Pool, nil).Rejections(ctx, sum.BatchID, 0)
	if err != nil {
		t.Fatal(err)
	}
	var paged []ingest.Rejection
	for off := 0; ; off += 3 {
		resp, data := ts.call(t, http.MethodGet, fmt.Sprintf("/api/v1/batches/%d/rejections?offset=%d&limit=3", sum.BatchID, off), nil,
			apitypes.HeaderDevRole, "staff")
		if resp.StatusCode != http.StatusOK {
			t.Fatalf("rejections: %d %s", resp.StatusCode, data)
		}
		var page ingest.RejectionPage
		decode(t, data, &page)
		if page.Total != 10 || page.Limit != 3 || page.Offset != off {
			t.Fatalf("page = %+v", page)
		}
		if len(page.Rejections) == 0 {
			break
		}
		paged = append(paged, page.Rejections...)
	}
	if !equalRejections(paged, sum.Rejections) || !equalRejections(paged, stored) {
		t.Fatalf("rejections through the API\n%+v\nloader summary\n%+v\nstored\n%+v", paged, sum.Rejections, stored)
	}

	// The batch report.
	resp, data := ts.call(t, http.MethodGet, fmt.Sprintf("/api/v1/batches/%d", sum.BatchID), nil, apitypes.HeaderDevRole, "admin")
	var b ingest.BatchReport
	decode(t, data, &b)
	if resp.StatusCode != http.StatusOK || b.Status != "committed" || b.Read != 18 || b.Loaded != 8 || b.Rejected != 10 ||
		b.StartedBy != "dev-staff" || b.AsOf == nil || *b.AsOf != "2026-10-31" || b.File != "imprese_2026-10.csv" ||
		b.Source == "" || b.MatchRate == nil || *b.MatchRate != *sum.MatchRate || b.FinishedAt == nil {
		t.Fatalf("batch = %d %s", resp.StatusCode, data)
	}

	// The same file again: unchanged, with the first batch's counts and rejections.
	again := loadThroughAPI(t, ts, "imprese", "imprese_2026-10.csv", readFile(t, ingestTestdata("imprese_2026-10.csv")), nil)
	if again.State != "done" || !again.Summary.UnchangedFile || again.Summary.SameAsBatch != sum.BatchID ||
		again.Summary.Rejected != 10 || !equalRejections(again.Summary.Rejections, stored) {
		t.Fatalf("re-upload = %+v %+v", again, again.Summary)
	}
	resp, data = ts.call(t, http.MethodGet, fmt.Sprintf("/api/v1/batches/%d/rejections?limit=1000", again.Summary.BatchID), nil,
		apitypes.HeaderDevRole, "staff")
	var page ingest.RejectionPage
	decode(t, data, &page)
	if resp.StatusCode != http.StatusOK || page.Total != 10 || !equalRejections(page.Rejections, stored) {
		t.Fatalf("rejections of the unchanged batch: %d %s", resp.StatusCode, data)
	}

	// The list of batches, newest first, and the sources' as-of dates.
	resp, data = ts.call(t, http.MethodGet, "/api/v1/batches?kind=imprese", nil, apitypes.HeaderDevRole, "staff")
	var list struct{ Batches []ingest.BatchReport }
	decode(t, data, &list)
	if resp.StatusCode != http.StatusOK || len(list.Batches) != 2 || list.Batches[0].Status != "unchanged" ||
		list.Batches[0].SameAs == nil || *list.Batches[0].SameAs != sum.BatchID || list.Batches[1].ID != sum.BatchID {
		t.Fatalf("batches: %d %s", resp.StatusCode, data)
	}
	resp, data = ts.call(t, http.MethodGet, "/api/v1/sources", nil, apitypes.HeaderDevRole, "decisore")
	var src struct{ Sources []ingest.SourceStatus }
	decode(t, data, &src)
	asOf := map[string]string{}
	for _, s := range src.Sources {
		if s.AsOf != nil {
			asOf[s.Kind] = *s.AsOf
		}
	}
	if resp.StatusCode != http.StatusOK || len(src.Sources) != len(ingest.SourceKinds) || asOf["imprese"] != "2026-10-31" ||
		asOf["stradario"] != "2026-09-01" || asOf["cig"] != "" {
		t.Fatalf("sources: %d %s", resp.StatusCode, data)
	}

	// A file that cannot be read at all fails its job with the reason, and writes nothing.
	bad := loadThroughAPI(t, ts, "cig", "cig_2026-11.csv", "A;B\n1;2\n", nil)
	if bad.State != "failed" || bad.Error == nil || bad.Error.Code != "invalid" || !strings.Contains(bad.Error.Message, "cig_2026-11.csv") {
		t.Fatalf("unreadable file job = %+v %+v", bad, bad.Error)
	}

	// Every load is in the audit log under the user who uploaded it.
	var n int
	if err := d.Pool.QueryRow(ctx, `SELECT count(*) FROM audit.audit_log WHERE action = 'upload' AND actor = 'dev-staff'
		AND detail->>'via' = 'web'`).Scan(&n); err != nil || n != 4 {
		t.Fatalf("upload audit entries = %d, %v", n, err)
	}
}

func equalRejections(a, b []ingest.Rejection) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

// TestUploadRefusals: wrong role, unknown kind, no multipart form, no file, bad date, bad name.
func TestUploadRefusals(t *testing.T) {
	ts, d := datiServer(t)
	file := map[string][2]string{"file": {"cig_2026-10.csv", readFile(t, ingestTestdata("cig_2026-10.csv"))}}
	for _, role := range []string{"decisore", "formatore"} {
		resp, data := upload(t, ts, role, "/api/v1/ingest/cig", file, nil)
		wantError(t, resp, data, http.StatusForbidden, "forbidden")
		resp, data = upload(t, ts, role, "/api/v1/documents", map[string][2]string{"file": {"nota.md", "# Nota\n\nTesto."}}, nil)
		wantError(t, resp, data, http.StatusForbidden, "forbidden")
		for _, path := range []string{"/api/v1/batches", "/api/v1/batches/1", "/api/v1/batches/1/rejections", "/api/v1/ingest/jobs/x"} {
			resp, data = ts.call(t, http.MethodGet, path, nil, apitypes.HeaderDevRole, role)
			wantError(t, resp, data, http.StatusForbidden, "forbidden")
		}
		resp, data = ts.call(t, http.MethodDelete, "/api/v1/documents/1", nil, apitypes.HeaderDevRole, role)
		wantError(t, resp, data, http.StatusForbidden, "forbidden")
	}
	resp, data := upload(t, ts, "staff", "/api/v1/ingest/anagrafe", file, nil)
	wantError(t, resp, data, http.StatusBadRequest, "invalid")
	resp, data = ts.call(t, http.MethodPost, "/api/v1/ingest/cig", `{"file":"x"}`, apitypes.HeaderDevRole, "staff")
	wantError(t, resp, data, http.StatusBadRequest, "invalid")
	resp, data = upload(t, ts, "staff", "/api/v1/ingest/cig", nil, map[string]string{"as_of": "2026-10-31"})
	wantError(t, resp, data, http.StatusBadRequest, "invalid")
	resp, data = upload(t, ts, "staff", "/api/v1/ingest/cig", file, map[string]string{"as_of": "31/10/2026"})
	wantError(t, resp, data, http.StatusBadRequest, "invalid")
	resp, data = upload(t, ts, "admin", "/api/v1/ingest/cig", map[string][2]string{"file": {"..", "x"}}, nil)
	wantError(t, resp, data, http.StatusBadRequest, "invalid")
	resp, data = ts.call(t, http.MethodGet, "/api/v1/batches/999999/rejections", nil, apitypes.HeaderDevRole, "staff")
	wantError(t, resp, data, http.StatusNotFound, "not_found")
	// Over the size bound: 413, and nothing is loaded.
	big := strings.Repeat("# Titolo\n\nTesto del documento.\n", MaxDocumentUpload/30+1)
	resp, data = upload(t, ts, "staff", "/api/v1/documents", map[string][2]string{"file": {"enorme.md", big}}, nil)
	wantError(t, resp, data, http.StatusRequestEntityTooLarge, "too_large")
	var n int
	if err := d.Pool.QueryRow(context.Background(), `SELECT (SELECT count(*) FROM load_batches) + (SELECT count(*) FROM documents)`).Scan(&n); err != nil || n != 0 {
		t.Fatalf("refused uploads wrote %d batches (%v)", n, err)
	}
}

// TestDocumentUploadAndRemoval loads a Markdown document with its sidecar through the API,
// finds it in the list, uploads it again (unchanged), removes it, and checks the audit log.
func TestDocumentUploadAndRemoval(t *testing.T) {
	ts, d := datiServer(t)
	doc := "# Regolamento dei dehors sperimentali\n\n## Art. 1 - Oggetto\n\nIl regolamento disciplina i dehors " +
		"sperimentali nelle piazze del centro storico.\n\n## Art. 2 - Durata\n\nLa concessione dura dodici mesi.\n"
	meta := `{"title": "Regolamento dehors sperimentali", "date": "2026-11-02", "type": "regolamento", "tags": ["dehors"]}`
	files := map[string][2]string{"file": {"regolamento-dehors.md", doc}, "meta": {"regolamento-dehors.meta.json", meta}}
	resp, data := upload(t, ts, "staff", "/api/v1/documents", files, nil)
	var added DocumentChange
	decode(t, data, &added)
	if resp.StatusCode != http.StatusCreated || added.Status != "added" || added.Document == nil ||
		added.Document.Title != "Regolamento dehors sperimentali" || added.Document.Chunks < 2 ||
		added.Document.Path != UploadedPrefix+"regolamento-dehors.md" || added.Document.Date == nil || *added.Document.Date != "2026-11-02" ||
		added.Document.DocType != "regolamento" || added.Report.BatchID == 0 {
		t.Fatalf("upload: %d %s", resp.StatusCode, data)
	}
	id := added.Document.ID

	resp, data = ts.call(t, http.MethodGet, "/api/v1/documents?q=dehors", nil, apitypes.HeaderDevRole, "decisore")
	var list DocumentList
	decode(t, data, &list)
	if resp.StatusCode != http.StatusOK || list.Total != 1 || list.Documents[0].ID != id || list.Documents[0].Chunks != added.Document.Chunks {
		t.Fatalf("list: %d %s", resp.StatusCode, data)
	}

	resp, data = upload(t, ts, "admin", "/api/v1/documents", files, nil)
	var same DocumentChange
	decode(t, data, &same)
	if resp.StatusCode != http.StatusOK || same.Status != "unchanged" || same.Document == nil || same.Document.ID != id {
		t.Fatalf("re-upload: %d %s", resp.StatusCode, data)
	}

	// An unsupported format and an unreadable sidecar are refused with the reason.
	resp, data = upload(t, ts, "staff", "/api/v1/documents", map[string][2]string{"file": {"foto.jpg", "\xff\xd8"}}, nil)
	wantError(t, resp, data, http.StatusBadRequest, "invalid")
	resp, data = upload(t, ts, "staff", "/api/v1/documents", map[string][2]string{"file": {"nota.md", "# Nota\n\nTesto."},
		"meta": {"nota.meta.json", "{non json"}}, nil)
	wantError(t, resp, data, http.StatusBadRequest, "invalid")

	resp, data = ts.call(t, http.MethodDelete, fmt.Sprintf("/api/v1/documents/%d", id), nil, apitypes.HeaderDevRole, "admin")
	var removed DocumentChange
	decode(t, data, &removed)
	if resp.StatusCode != http.StatusOK || removed.Status != "removed" || removed.Report.Removed != 1 {
		t.Fatalf("delete: %d %s", resp.StatusCode, data)
	}
	resp, data = ts.call(t, http.MethodGet, "/api/v1/documents?q=dehors", nil, apitypes.HeaderDevRole, "staff")
	list = DocumentList{}
	decode(t, data, &list)
	if list.Total != 0 {
		t.Fatalf("after delete: %s", data)
	}
	resp, data = ts.call(t, http.MethodDelete, fmt.Sprintf("/api/v1/documents/%d", id), nil, apitypes.HeaderDevRole, "admin")
	wantError(t, resp, data, http.StatusNotFound, "not_found")

	var actions []string
	rows, err := d.Pool.Query(context.Background(), `SELECT action || ' ' || actor FROM audit.audit_log WHERE detail->>'via' = 'web' ORDER BY id`)
	if err != nil {
		t.Fatal(err)
	}
	for rows.Next() {
		var a string
		rows.Scan(&a)
		actions = append(actions, a)
	}
	got, _ := json.Marshal(actions)
	want := `["document.add dev-staff","upload dev-admin","upload dev-staff","document.remove dev-admin"]`
	if string(got) != want {
		t.Fatalf("audit = %s, want %s", got, want)
	}
}

// TestJobProgressParsesTheLoaderLine pins the loader's progress line format (ingest/progress.go)
// that the job reads.
func TestJobProgressParsesTheLoaderLine(t *testing.T) {
	j := &job{}
	fmt.Fprintf(j, "\r%s: %d righe, %.0f righe/s, %.0f%%, ETA %s   ", "imprese_2026-10.csv", 120000, 45210.4, 37.2, "4s")
	if v := j.snapshot(); v.Rows != 120000 || v.RowsPerSec != 45210 || v.Percent != 37 {
		t.Fatalf("progress = %+v", v)
	}
	fmt.Fprintf(j, "\r%s: %d righe lette in %.1fs (%.0f righe/s); unione in corso...\n", "imprese_2026-10.csv", 300000, 6.5, 46153.8)
	if v := j.snapshot(); v.Rows != 300000 || v.RowsPerSec != 46154 || v.State != "merging" {
		t.Fatalf("progress = %+v", v)
	}
}
