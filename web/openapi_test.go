package web

import (
	"encoding/json"
	"net/http"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/comune-bologna/conoscenza/ingest/db/dbtest"
	"github.com/comune-bologna/conoscenza/web/auth"
)

// ginParam matches a Gin path parameter (:id), which OpenAPI writes {id}.
var ginParam = regexp.MustCompile(`:([A-Za-z_]+)`)

func TestOpenAPIDescribesEveryRoute(t *testing.T) {
	var doc struct {
		OpenAPI string                                `json:"openapi"`
		Paths   map[string]map[string]json.RawMessage `json:"paths"`
	}
	if err := json.Unmarshal(OpenAPI(), &doc); err != nil {
		t.Fatalf("openapi.json is not JSON: %v", err)
	}
	if !strings.HasPrefix(doc.OpenAPI, "3.") {
		t.Fatalf("openapi version %q", doc.OpenAPI)
	}
	var documented []string
	for path, ops := range doc.Paths {
		for method := range ops {
			if method != "parameters" {
				documented = append(documented, strings.ToUpper(method)+" "+path)
			}
		}
	}
	a, err := auth.New(dbtest.Shared(t).Pool, auth.Config{})
	if err != nil {
		t.Fatal(err)
	}
	defer a.Close()
	var served []string
	for _, r := range New(nil, "test", nil, Options{Identity: a}).engine.Routes() {
		if isPageRoute(r.Path) {
			continue // the browser app's pages: not part of the API
		}
		served = append(served, r.Method+" "+ginParam.ReplaceAllString(r.Path, "{$1}"))
	}
	for _, r := range served {
		if !slices.Contains(documented, r) {
			t.Errorf("route %s is not in openapi.json", r)
		}
	}
	for _, d := range documented {
		if !slices.Contains(served, d) {
			t.Errorf("openapi.json describes %s, which is not served", d)
		}
	}
	if len(served) < 17 {
		t.Errorf("only %d routes: %v", len(served), served)
	}
}

func TestOpenAPIDocumentIsServed(t *testing.T) {
	ts := newTestServer(t, Options{})
	resp, data := ts.call(t, http.MethodGet, "/api/v1/openapi.json", nil)
	if resp.StatusCode != http.StatusOK || !json.Valid(data) || !strings.Contains(string(data), `"/api/v1/ask/stream"`) {
		t.Fatalf("status %d: %.200s", resp.StatusCode, data)
	}
}
