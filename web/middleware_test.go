package web

import (
	"context"
	"encoding/json"
	"net/http"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/comune-bologna/conoscenza/web/apitypes"
)

func TestRequestIDIsEchoedAndLogged(t *testing.T) {
	ts := newTestServer(t, Options{Services: services(t)})
	generated := regexp.MustCompile(`^[0-9a-f]{24}$`)
	for _, tc := range []struct {
		name, sent string
		echoed     func(string) bool
	}{
		{"a well-formed id is kept", "req-42.a:b", func(id string) bool { return id == "req-42.a:b" }},
		{"a missing id is generated", "", generated.MatchString},
		{"a malformed id is replaced", "bad id\twith spaces", generated.MatchString},
		{"an overlong id is replaced", strings.Repeat("x", 65), generated.MatchString},
	} {
		t.Run(tc.name, func(t *testing.T) {
			resp, data := ts.call(t, http.MethodPost, "/api/v1/ask", `{"question": ""}`, apitypes.HeaderRequestID, tc.sent)
			id := resp.Header.Get(apitypes.HeaderRequestID)
			if !tc.echoed(id) {
				t.Fatalf("echoed id %q for %q", id, tc.sent)
			}
			if e := wantError(t, resp, data, 400, "invalid"); e.RequestID != id {
				t.Errorf("body request id %q, header %q", e.RequestID, id)
			}
			if !logHas(ts.log.String(), id, 400) {
				t.Errorf("no access log line with request_id %q and status 400 in:\n%s", id, ts.log.String())
			}
		})
	}
}

// logHas says whether a JSON log has a request line with the id and status.
func logHas(log, id string, status int) bool {
	for _, line := range strings.Split(log, "\n") {
		var rec struct {
			Msg       string `json:"msg"`
			RequestID string `json:"request_id"`
			Status    int    `json:"status"`
		}
		if json.Unmarshal([]byte(line), &rec) == nil && rec.Msg == "request" && rec.RequestID == id && rec.Status == status {
			return true
		}
	}
	return false
}

func TestFailuresAreJSONWithTheirOwnStatus(t *testing.T) {
	blocked := newBlockingAsker()
	busy := newTestServer(t, Options{Services: Services{Asker: blocked}, MaxInFlight: 1})
	slow := newTestServer(t, Options{Services: Services{Asker: newBlockingAsker()}, RequestTimeout: 50 * time.Millisecond})
	bare := newTestServer(t, Options{})
	panicky := newTestServer(t, Options{})
	panicky.srv.engine.GET("/boom", func(*gin.Context) { panic("secret internal detail") })

	// Occupy the only slot of busy until the test ends (cleanups run last first: before Close).
	ctx, cancel := context.WithCancel(context.Background())
	t.Cleanup(cancel)
	go func() {
		req, _ := http.NewRequestWithContext(ctx, http.MethodPost, busy.URL+"/api/v1/ask", strings.NewReader(`{"question": "attendi"}`))
		if resp, err := busy.Client().Do(req); err == nil {
			resp.Body.Close()
		}
	}()
	<-blocked.started

	for _, tc := range []struct {
		name         string
		ts           *testServer
		method, path string
		body         any
		status       int
		code         string
	}{
		{"too many answers at once is overload", busy, "POST", "/api/v1/ask", `{"question": "e io?"}`, 503, "overloaded"},
		{"an answer past the deadline is a timeout", slow, "POST", "/api/v1/ask", `{"question": "attendi"}`, 504, "timeout"},
		{"a service not configured is unavailable", bare, "POST", "/api/v1/ask", `{"question": "quante?"}`, 503, "unavailable"},
		{"conversations not configured are unavailable", bare, "GET", "/api/v1/conversations", nil, 503, "unavailable"},
		{"an unknown route is not found", bare, "GET", "/api/v1/nothing", nil, 404, "not_found"},
		{"a wrong method is refused", bare, "PUT", "/api/v1/ask", nil, 405, "bad_method"},
		{"a panic is an internal error", panicky, "GET", "/boom", nil, 500, "internal"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			resp, data := tc.ts.call(t, tc.method, tc.path, tc.body)
			wantError(t, resp, data, tc.status, tc.code)
			if strings.Contains(string(data), "secret") {
				t.Errorf("internal detail sent to the client: %s", data)
			}
			if tc.code == "overloaded" && resp.Header.Get("Retry-After") == "" {
				t.Error("overload without Retry-After")
			}
		})
	}
	if !strings.Contains(panicky.log.String(), "secret internal detail") {
		t.Error("the panic was not logged")
	}
}
