package web

import (
	"net/http"
	"strings"
	"testing"

	"github.com/comune-bologna/conoscenza/web/apitypes"
)

func TestRolesDecideWhoReadsDossiersAndRunsSQL(t *testing.T) {
	ts := newTestServer(t, Options{Services: services(t)})
	anon := newTestServer(t, Options{Services: services(t), Principal: AnonymousPrincipal})
	const role = apitypes.HeaderDevRole
	for _, tc := range []struct {
		name         string
		ts           *testServer
		method, path string
		body         any
		header       []string
		status       int
		code         string
	}{
		{"decisore may not open a dossier", ts, "GET", "/api/v1/imprese/01234567890", nil, nil, 403, "forbidden"},
		{"the default role is decisore", ts, "GET", "/api/v1/imprese/01234567890", nil, []string{role, ""}, 403, "forbidden"},
		{"decisore may not search companies", ts, "GET", "/api/v1/imprese?q=rossi", nil, []string{role, "decisore"}, 403, "forbidden"},
		{"decisore may not run SQL", ts, "POST", "/api/v1/sql", apitypes.SQLRequest{SQL: "SELECT 1"}, []string{role, "decisore"}, 403, "forbidden"},
		{"formatore may not run SQL", ts, "POST", "/api/v1/sql", apitypes.SQLRequest{SQL: "SELECT 1"}, []string{role, "formatore"}, 403, "forbidden"},
		{"without dev auth the role header is ignored", anon, "POST", "/api/v1/sql", apitypes.SQLRequest{SQL: "SELECT 1"}, []string{role, "admin"}, 403, "forbidden"},
		{"an unknown role is a bad request", ts, "GET", "/api/v1/metrics", nil, []string{role, "sindaco"}, 400, "invalid"},
		{"staff opens a dossier that does not exist", ts, "GET", "/api/v1/imprese/01234567890", nil, []string{role, "staff"}, 404, "not_found"},
		{"staff gets a bad codice fiscale refused", ts, "GET", "/api/v1/imprese/123", nil, []string{role, "staff"}, 400, "invalid"},
		{"staff searches companies", ts, "GET", "/api/v1/imprese?q=rossi", nil, []string{role, "staff"}, 200, ""},
		{"staff runs a SELECT over the api views", ts, "POST", "/api/v1/sql", apitypes.SQLRequest{SQL: "SELECT count(*) AS n FROM imprese"}, []string{role, "staff"}, 200, ""},
		{"admin gets a write refused by the guard", ts, "POST", "/api/v1/sql", apitypes.SQLRequest{SQL: "DELETE FROM imprese"}, []string{role, "admin"}, 400, "invalid"},
		{"admin gets an empty statement refused", ts, "POST", "/api/v1/sql", apitypes.SQLRequest{SQL: "  "}, []string{role, "admin"}, 400, "invalid"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			resp, data := tc.ts.call(t, tc.method, tc.path, tc.body, tc.header...)
			if tc.code != "" {
				wantError(t, resp, data, tc.status, tc.code)
			} else if resp.StatusCode != tc.status {
				t.Fatalf("status %d, want %d: %s", resp.StatusCode, tc.status, data)
			}
		})
	}
}

func TestDataEndpointsAnswerWithTablesAndCitations(t *testing.T) {
	ts := newTestServer(t, Options{Services: services(t)})
	resp, data := ts.call(t, http.MethodGet, "/api/v1/metrics", nil)
	var cat apitypes.MetricsCatalog
	decode(t, data, &cat)
	if resp.StatusCode != 200 || len(cat.Metrics) == 0 || len(cat.Dimensions) == 0 || len(cat.Sources) == 0 {
		t.Fatalf("catalog (%d): %.300s", resp.StatusCode, data)
	}

	resp, data = ts.call(t, http.MethodPost, "/api/v1/metrics/query", `{"metric": "cig_domande", "group_by": ["anno"]}`)
	var tr apitypes.ToolResponse
	decode(t, data, &tr)
	if resp.StatusCode != 200 || len(tr.Tables) != 1 || tr.Tables[0].SQL == "" || len(tr.SQL) != 1 {
		t.Fatalf("query (%d): %s", resp.StatusCode, data)
	}

	// The package database has no register snapshot: the domain's "unavailable" is a 503
	// that says what to load.
	resp, data = ts.call(t, http.MethodPost, "/api/v1/platea", `{"filters": [{"dimension": "femminile", "value": true}]}`)
	if e := wantError(t, resp, data, http.StatusServiceUnavailable, "unavailable"); !strings.Contains(e.Message, "snapshot") {
		t.Errorf("platea without a register: %s", e.Message)
	}

	resp, data = ts.call(t, http.MethodGet, "/api/v1/search?q=dehors&limit=3", nil)
	var sr apitypes.SearchResponse
	decode(t, data, &sr)
	if resp.StatusCode != 200 || len(sr.Citations) == 0 || len(sr.Citations) > 3 || sr.Citations[0].Quote == "" {
		t.Fatalf("search (%d): %.500s", resp.StatusCode, data)
	}

	for _, tc := range []struct{ name, method, path, body, code string }{
		{"query without a metric", "POST", "/api/v1/metrics/query", `{"group_by": ["anno"]}`, "invalid"},
		{"query of an unknown metric", "POST", "/api/v1/metrics/query", `{"metric": "felicita"}`, "invalid"},
		{"query with an unknown field", "POST", "/api/v1/metrics/query", `{"metric": "cig_domande", "colour": 1}`, "invalid"},
		{"platea on an unknown dimension", "POST", "/api/v1/platea", `{"filters": [{"dimension": "oroscopo", "value": "leone"}]}`, "invalid"},
		{"search without q", "GET", "/api/v1/search", "", "invalid"},
		{"search with a bad limit", "GET", "/api/v1/search?q=dehors&limit=0", "", "invalid"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var body any
			if tc.body != "" {
				body = tc.body
			}
			resp, data := ts.call(t, tc.method, tc.path, body)
			wantError(t, resp, data, http.StatusBadRequest, tc.code)
		})
	}
}
