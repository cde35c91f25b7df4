package web

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"github.com/comune-bologna/conoscenza/agent"
	"github.com/comune-bologna/conoscenza/agent/audit"
	"github.com/comune-bologna/conoscenza/agent/catalog"
	"github.com/comune-bologna/conoscenza/agent/dossier"
	"github.com/comune-bologna/conoscenza/agent/planner"
	"github.com/comune-bologna/conoscenza/agent/semantic"
	"github.com/comune-bologna/conoscenza/agent/sqlguard"
	"github.com/comune-bologna/conoscenza/agent/tool"
	"github.com/comune-bologna/conoscenza/ingest/db"
	"github.com/comune-bologna/conoscenza/ingest/db/dbtest"
	"github.com/comune-bologna/conoscenza/retrieval"
	"github.com/comune-bologna/conoscenza/retrieval/embed"
	"github.com/comune-bologna/conoscenza/web/apitypes"
)

// askTable asks a question the planner answers with a table and returns the first table, as
// raw JSON exactly as the chat received it.
func askTable(t *testing.T, ts *testServer, question string) json.RawMessage {
	t.Helper()
	resp, data := ts.call(t, http.MethodPost, "/api/v1/ask", agent.Request{Question: question})
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("ask: %d %s", resp.StatusCode, data)
	}
	var a struct {
		Tables []json.RawMessage `json:"tables"`
	}
	decode(t, data, &a)
	if len(a.Tables) == 0 {
		t.Fatalf("no table in the answer to %q: %s", question, data)
	}
	return a.Tables[0]
}

// openWorkbook reads an answered workbook back.
func openWorkbook(t *testing.T, data []byte) *excelize.File {
	t.Helper()
	f, err := excelize.OpenReader(bytes.NewReader(data))
	if err != nil {
		t.Fatalf("open the exported workbook: %v", err)
	}
	t.Cleanup(func() { f.Close() })
	return f
}

// provenance reads the Provenienza sheet as label → value (first occurrence).
func provenance(t *testing.T, f *excelize.File) (map[string]string, [][]string) {
	t.Helper()
	rows, err := f.GetRows("Provenienza")
	if err != nil {
		t.Fatal(err)
	}
	m := map[string]string{}
	for _, r := range rows {
		if len(r) >= 2 {
			if _, seen := m[r[0]]; !seen {
				m[r[0]] = r[1]
			}
		}
	}
	return m, rows
}

// cigServices wires the assistant, as serve does, over a new database holding 40 CIG
// requests a year for 2023-2025, so that answers have tables with rows.
func cigServices(t *testing.T) (*dbtest.DB, Services) {
	t.Helper()
	d := dbtest.Fresh(t)
	ctx := context.Background()
	_, err := d.Pool.Exec(ctx, `INSERT INTO cig_domande (id_domanda, codice_fiscale, tipo, dt_domanda, esito, ore_richieste)
		SELECT 'D' || y || '-' || i, lpad((i % 7)::text, 11, '0'), 'ordinaria', make_date(y, 1 + i % 12, 1), 'autorizzata', 100 * i
		FROM generate_series(2023, 2025) y, generate_series(1, 40 + y - 2023) i`)
	if err != nil {
		t.Fatal(err)
	}
	ro, err := db.Open(ctx, d.ROURL)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(ro.Close)
	cat := catalog.Default()
	tools := &tool.Executor{Engine: semantic.NewEngine(ro, cat), Docs: retrieval.NewStore(ro, embed.Local{}, nil),
		Dossier: &dossier.Service{Pool: ro}, SQL: &sqlguard.Runner{Pool: ro}}
	svc := &agent.Service{Tools: tools, Planner: planner.New(cat), Store: &agent.Store{Pool: d.Pool}}
	return d, Services{Asker: svc, Conversations: svc.Store, Tools: tools, Catalog: cat}
}

func TestExportXLSXWritesTheTableAndItsProvenance(t *testing.T) {
	d, svc := cigServices(t)
	pool := d.Pool
	ts := newTestServer(t, Options{Services: svc, Audit: audit.New(pool)})
	raw := askTable(t, ts, "Quante domande di cassa integrazione per anno?")
	var tb tool.Table
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.UseNumber()
	if err := dec.Decode(&tb); err != nil {
		t.Fatal(err)
	}
	if len(tb.Rows) == 0 || tb.SQL == "" || len(tb.Sources) == 0 {
		t.Fatalf("the answer's table is not a real one: %s", raw)
	}

	reqID := "export-xlsx-" + newRequestID()
	resp, data := ts.call(t, http.MethodPost, "/api/v1/export/xlsx", string(raw),
		apitypes.HeaderDevRole, "decisore", apitypes.HeaderRequestID, reqID)
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("export: %d %s", resp.StatusCode, data)
	}
	if ct := resp.Header.Get("Content-Type"); ct != xlsxContentType {
		t.Errorf("Content-Type %q", ct)
	}
	if cd := resp.Header.Get("Content-Disposition"); !strings.HasPrefix(cd, `attachment; filename="`) || !strings.Contains(cd, ".xlsx") {
		t.Errorf("Content-Disposition %q", cd)
	}
	f := openWorkbook(t, data)
	if got := f.GetSheetList(); len(got) != 2 || got[0] != "Dati" || got[1] != "Provenienza" {
		t.Fatalf("sheets %v, want [Dati Provenienza]", got)
	}

	// Dati: the header is the labels; every cell holds the table's value, numbers as numbers.
	for i, col := range tb.Columns {
		name, _ := excelize.CoordinatesToCellName(i+1, 1)
		if v, _ := f.GetCellValue("Dati", name); v != col.Label {
			t.Errorf("header %s = %q, want %q", name, v, col.Label)
		}
	}
	numbers := 0
	for r, row := range tb.Rows {
		for i, v := range row {
			name, _ := excelize.CoordinatesToCellName(i+1, r+2)
			typ, err := f.GetCellType("Dati", name)
			if err != nil {
				t.Fatal(err)
			}
			raw, _ := f.GetCellValue("Dati", name, excelize.Options{RawCellValue: true})
			switch x := v.(type) {
			case json.Number:
				numbers++
				if typ != excelize.CellTypeUnset && typ != excelize.CellTypeNumber {
					t.Errorf("%s holds %v as type %v, want a number", name, x, typ)
				}
				want, _ := x.Float64()
				got, err := strconv.ParseFloat(raw, 64)
				if err != nil || got != want {
					t.Errorf("%s = %q, want %v", name, raw, want)
				}
			case string:
				if raw != x {
					t.Errorf("%s = %q, want %q", name, raw, x)
				}
			}
		}
	}
	if numbers == 0 {
		t.Fatalf("no number in the exported table: %s", raw)
	}
	if shown, _ := f.GetCellValue("Dati", "A2"); tb.Columns[0].Name == "anno" && strings.ContainsAny(shown, ".,") {
		t.Errorf("a year shown with a thousands separator: %q", shown)
	}
	if rows, _ := f.GetRows("Dati"); len(rows) != len(tb.Rows)+1 {
		t.Errorf("Dati has %d rows, want %d", len(rows), len(tb.Rows)+1)
	}

	// Provenienza: title, SQL, parameters, sources with as-of, when and by whom.
	m, all := provenance(t, f)
	if m["Titolo"] != tb.Title || m["Query SQL"] != tb.SQL || m["Dati aggiornati al"] != orUnknown(tb.AsOf) {
		t.Errorf("provenance %v does not match the table %s", m, raw)
	}
	if m["Esportato da"] != "dev-decisore (decisore)" || !strings.HasSuffix(m["Esportato il"], " UTC") {
		t.Errorf("provenance without who and when: %v", m)
	}
	_, one := m["Parametro $1"]
	_, none := m["Parametri"]
	if one == none || one != (len(tb.Params) > 0) {
		t.Errorf("provenance without the parameters %v: %v", tb.Params, m)
	}
	for _, src := range tb.Sources {
		found := false
		for _, r := range all {
			if len(r) >= 3 && r[0] == src.Name && r[1] == src.Description && r[2] == orUnknown(src.AsOf) {
				found = true
			}
		}
		if !found {
			t.Errorf("source %s (as of %s) missing from %v", src.Name, src.AsOf, all)
		}
	}

	// The export is audited with what left the system.
	var object string
	var rows *int
	var detail []byte
	err := pool.QueryRow(context.Background(), `SELECT object, rows, detail FROM audit.audit_log
		WHERE action = $1 AND detail->>'request_id' = $2`, audit.Export, reqID).Scan(&object, &rows, &detail)
	if err != nil {
		t.Fatalf("audit entry of the export: %v", err)
	}
	if rows == nil || *rows != len(tb.Rows) || !strings.Contains(string(detail), `"format": "xlsx"`) && !strings.Contains(string(detail), `"format":"xlsx"`) {
		t.Errorf("audit entry %s %v %s", object, rows, detail)
	}
}

func TestExportXLSXKeepsIntegersDecimalsAndTextApart(t *testing.T) {
	ts := newTestServer(t, Options{})
	body := `{"id":"T1","title":"Prova: città & attività","columns":[{"name":"quartiere","label":"Quartiere","type":"text"},
		{"name":"n","label":"Imprese","type":"number"},{"name":"quota","label":"Quota %","type":"number"},{"name":"ok","label":"Attiva","type":"bool"}],
		"rows":[["Navile",1234,12.5,true],["=SUM(A1:A9)",null,0.1,false]],"sql":"SELECT 1","params":[2020,"Navile"],
		"sources":[{"name":"registro_imprese","description":"Registro","as_of":"2026-10-31"}],"as_of":"2026-10-31","suppressed":2}`
	resp, data := ts.call(t, http.MethodPost, "/api/v1/export/xlsx", body)
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("export: %d %s", resp.StatusCode, data)
	}
	if cd := resp.Header.Get("Content-Disposition"); !strings.Contains(cd, `filename="prova-citta-attivita-`) {
		t.Errorf("file name from the title: %q", cd)
	}
	f := openWorkbook(t, data)
	want := map[string]string{"A2": "Navile", "B2": "1234", "C2": "12.5", "D2": "1", "A3": "=SUM(A1:A9)", "B3": "", "C3": "0.1", "D3": "0"}
	for cell, w := range want {
		if got, _ := f.GetCellValue("Dati", cell, excelize.Options{RawCellValue: true}); got != w {
			t.Errorf("%s = %q, want %q", cell, got, w)
		}
	}
	if formula, _ := f.GetCellFormula("Dati", "A3"); formula != "" {
		t.Errorf("text became a formula: %q", formula)
	}
	if typ, _ := f.GetCellType("Dati", "D2"); typ != excelize.CellTypeBool {
		t.Errorf("boolean cell type %v", typ)
	}
	if shown, _ := f.GetCellValue("Dati", "B2"); shown != "1,234" {
		t.Errorf("integers shown with a thousands separator: %q", shown)
	}
	m, _ := provenance(t, f)
	if m["Parametro $1"] != "2020" || m["Parametro $2"] != "Navile" || m["Celle nascoste (numeri troppo piccoli)"] != "2" {
		t.Errorf("provenance %v", m)
	}
	if m["Esportato da"] != "dev-decisore (decisore)" {
		t.Errorf("exported by %q", m["Esportato da"])
	}
}

func TestExportXLSXRefusesWhatIsNotABoundedTable(t *testing.T) {
	ts := newTestServer(t, Options{})
	row := `["Navile",1]`
	rows := strings.TrimSuffix(strings.Repeat(row+",", maxExportRows+1), ",")
	cols := `[{"name":"q","label":"Q","type":"text"},{"name":"n","label":"N","type":"number"}]`
	huge := `{"title":"x","columns":` + cols + `,"rows":[["` + strings.Repeat("a", maxExportBody) + `",1]]}`
	for _, tc := range []struct {
		name, body string
		status     int
		code, msg  string
	}{
		{"empty body", "", 400, "invalid", "vuoto"},
		{"not a table", `{"question":"x"}`, 400, "invalid", "question"},
		{"no columns", `{"title":"x","columns":[],"rows":[]}`, 400, "invalid", "colonne"},
		{"a row wider than the columns", `{"title":"x","columns":` + cols + `,"rows":[["a",1,2]]}`, 400, "invalid", "riga 1"},
		{"too many rows", `{"title":"x","columns":` + cols + `,"rows":[` + rows + `]}`, 400, "invalid", fmt.Sprint(maxExportRows)},
		{"body over the export cap", huge, 413, "too_large", "4096 KiB"},
		{"two values", `{"title":"x","columns":` + cols + `,"rows":[]} {}`, 400, "invalid", "dopo"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			resp, data := ts.call(t, http.MethodPost, "/api/v1/export/xlsx", tc.body)
			wantError(t, resp, data, tc.status, tc.code)
			if !strings.Contains(string(data), tc.msg) {
				t.Errorf("message %s does not mention %q", data, tc.msg)
			}
		})
	}
	// Other routes keep the 64 KiB cap.
	resp, data := ts.call(t, http.MethodPost, "/api/v1/metrics/query", `{"metric": "`+strings.Repeat("a", apitypes.MaxBodyBytes)+`"}`)
	wantError(t, resp, data, http.StatusRequestEntityTooLarge, "too_large")
}

func TestExportNameIsASCII(t *testing.T) {
	at := time.Date(2026, 11, 25, 10, 0, 0, 0, time.UTC)
	for title, want := range map[string]string{
		"Imprese attive per quartiere": "imprese-attive-per-quartiere-20261125.xlsx",
		"Città: perché è così?":        "citta-perche-e-cosi-20261125.xlsx",
		"":                             "tabella-20261125.xlsx",
		"«»":                           "tabella-20261125.xlsx",
	} {
		if got := exportName(title, at); got != want {
			t.Errorf("exportName(%q) = %q, want %q", title, got, want)
		}
	}
}
