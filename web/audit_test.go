package web

import (
	"context"
	"encoding/json"
	"net/http"
	"testing"

	"github.com/comune-bologna/conoscenza/agent/audit"
	"github.com/comune-bologna/conoscenza/ingest/db/dbtest"
	"github.com/comune-bologna/conoscenza/web/apitypes"
)

func TestDirectToolRoutesAreAudited(t *testing.T) {
	pool := dbtest.Shared(t).Pool
	ts := newTestServer(t, Options{Services: services(t), Audit: audit.New(pool)})
	read := func(reqID string) (actor, object string, rows *int, detail map[string]any) {
		t.Helper()
		var raw []byte
		err := pool.QueryRow(context.Background(), `SELECT actor, object, rows, detail FROM audit.audit_log
			WHERE action = $1 AND detail->>'request_id' = $2`, audit.ToolCall, reqID).Scan(&actor, &object, &rows, &raw)
		if err != nil {
			t.Fatalf("audit entry of %s: %v", reqID, err)
		}
		if err := json.Unmarshal(raw, &detail); err != nil {
			t.Fatal(err)
		}
		return actor, object, rows, detail
	}

	staffID, decisoreID := "audit-sql-staff-"+newRequestID(), "audit-sql-decisore-"+newRequestID()
	resp, data := ts.call(t, http.MethodPost, "/api/v1/sql", apitypes.SQLRequest{SQL: "SELECT 1 AS uno"},
		apitypes.HeaderDevRole, "staff", apitypes.HeaderRequestID, staffID)
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("staff sql: %d %s", resp.StatusCode, data)
	}
	actor, object, rows, d := read(staffID)
	if actor != "dev-staff" || object != "tool:run_sql" || rows == nil || *rows != 1 || d["via"] != "api" || d["outcome"] != "ok" {
		t.Errorf("staff entry: %s %s %v %v", actor, object, rows, d)
	}
	if sql, _ := d["sql"].([]any); len(sql) != 1 {
		t.Errorf("staff entry without its SQL: %v", d)
	}

	resp, data = ts.call(t, http.MethodPost, "/api/v1/sql", apitypes.SQLRequest{SQL: "SELECT 1 AS uno"},
		apitypes.HeaderDevRole, "decisore", apitypes.HeaderRequestID, decisoreID)
	wantError(t, resp, data, http.StatusForbidden, "forbidden")
	actor, _, rows, d = read(decisoreID)
	if actor != "dev-decisore" || rows != nil || d["outcome"] != "refused" || d["code"] != "forbidden" {
		t.Errorf("refused entry: %s %v %v", actor, rows, d)
	}
}
