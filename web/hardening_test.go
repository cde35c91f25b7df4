package web

import (
	"bufio"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"

	"github.com/comune-bologna/conoscenza/agent"
	"github.com/comune-bologna/conoscenza/agent/tool"
	"github.com/comune-bologna/conoscenza/web/apitypes"
)

func TestEveryResponseCarriesTheSecurityHeaders(t *testing.T) {
	ts := newTestServer(t, Options{})
	want := map[string]string{
		"Content-Security-Policy":    contentSecurityPolicy,
		"X-Content-Type-Options":     "nosniff",
		"Referrer-Policy":            "same-origin",
		"X-Frame-Options":            "DENY",
		"Cross-Origin-Opener-Policy": "same-origin",
	}
	for _, path := range []string{"/healthz", "/nowhere", "/api/v1/ask", "/metrics"} {
		resp, _ := ts.call(t, http.MethodGet, path, nil)
		for h, v := range want {
			if got := resp.Header.Get(h); got != v {
				t.Errorf("%s (%d): %s = %q, want %q", path, resp.StatusCode, h, got, v)
			}
		}
		if !strings.Contains(resp.Header.Get("Permissions-Policy"), "camera=()") {
			t.Errorf("%s: Permissions-Policy = %q", path, resp.Header.Get("Permissions-Policy"))
		}
		if resp.Header.Get("Strict-Transport-Security") != "" {
			t.Errorf("%s: HSTS over plain http", path)
		}
	}
	tls := httptest.NewTLSServer(ts.srv.Handler())
	defer tls.Close()
	resp, err := tls.Client().Get(tls.URL + "/healthz")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if !strings.HasPrefix(resp.Header.Get("Strict-Transport-Security"), "max-age=") {
		t.Errorf("HSTS over TLS = %q", resp.Header.Get("Strict-Transport-Security"))
	}
}

// wantRateLimited checks a 429 with Retry-After and the JSON error.
func wantRateLimited(t *testing.T, resp *http.Response, data []byte) {
	t.Helper()
	wantError(t, resp, data, http.StatusTooManyRequests, codeRateLimited)
	if n, err := strconv.Atoi(resp.Header.Get("Retry-After")); err != nil || n < 1 {
		t.Errorf("Retry-After = %q", resp.Header.Get("Retry-After"))
	}
}

func TestAPIRateLimitPerAddress(t *testing.T) {
	ts := newTestServer(t, Options{AddressRateLimit: RateLimit{Rate: 0.01, Burst: 2}})
	for i := range 2 {
		if resp, data := ts.call(t, http.MethodGet, "/api/v1/openapi.json", nil); resp.StatusCode != http.StatusOK {
			t.Fatalf("request %d: %d %s", i, resp.StatusCode, data)
		}
	}
	resp, data := ts.call(t, http.MethodGet, "/api/v1/openapi.json", nil)
	wantRateLimited(t, resp, data)
	// Health and metrics are outside the API's limits.
	if resp, _ := ts.call(t, http.MethodGet, "/healthz", nil); resp.StatusCode != http.StatusOK {
		t.Errorf("healthz: %d", resp.StatusCode)
	}
}

func TestAPIRateLimitPerUser(t *testing.T) {
	byHeader := func(r *http.Request) (tool.Principal, error) {
		id, _ := strconv.ParseInt(r.Header.Get("X-Test-User"), 10, 64)
		return tool.Principal{UserID: id, Username: "u" + r.Header.Get("X-Test-User"), Role: tool.Staff}, nil
	}
	ts := newTestServer(t, Options{Principal: byHeader, AddressRateLimit: RateLimit{Rate: -1},
		UserRateLimit: RateLimit{Rate: 0.01, Burst: 1}})
	if resp, data := ts.call(t, http.MethodGet, "/api/v1/conversations", nil, "X-Test-User", "7"); resp.StatusCode == http.StatusTooManyRequests {
		t.Fatalf("first request: %d %s", resp.StatusCode, data)
	}
	resp, data := ts.call(t, http.MethodGet, "/api/v1/conversations", nil, "X-Test-User", "7")
	wantRateLimited(t, resp, data)
	if resp, data := ts.call(t, http.MethodGet, "/api/v1/conversations", nil, "X-Test-User", "8"); resp.StatusCode == http.StatusTooManyRequests {
		t.Errorf("another user is limited too: %s", data)
	}
}

func TestAgentLogLinesCarryTheRequestID(t *testing.T) {
	svcs := services(t)
	svcs.Asker.(*agent.Service).LLM = downLLM{}
	ts := newTestServer(t, Options{Services: svcs})
	resp, data := ts.call(t, http.MethodPost, "/api/v1/ask", apitypes.AskRequest{Question: "Quante domande di cassa integrazione?"},
		apitypes.HeaderRequestID, "req-agent-log-1")
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("%d %s", resp.StatusCode, data)
	}
	found := false
	sc := bufio.NewScanner(strings.NewReader(ts.log.String()))
	for sc.Scan() {
		var line map[string]any
		if json.Unmarshal(sc.Bytes(), &line) != nil {
			continue
		}
		if strings.HasPrefix(line["msg"].(string), "model not ready") {
			found = true
			if line["request_id"] != "req-agent-log-1" {
				t.Errorf("agent line without the request id: %s", sc.Text())
			}
		}
	}
	if !found {
		t.Fatalf("no agent log line in %s", ts.log.String())
	}
}
