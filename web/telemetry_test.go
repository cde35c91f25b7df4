package web

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/comune-bologna/conoscenza/agent"
	"github.com/comune-bologna/conoscenza/agent/tool"
	"github.com/comune-bologna/conoscenza/web/apitypes"
)

// downLLM is a configured model whose server does not answer: the planner falls back.
type downLLM struct{}

func (downLLM) Chat(context.Context, []agent.Message, []tool.Definition, func(string)) (agent.Message, error) {
	return agent.Message{}, errors.New("down")
}
func (downLLM) Ready(context.Context) error { return errors.New("connection refused") }
func (downLLM) Name() string                { return "down" }

// scrape reads /metrics through the handler as a client at addr would.
func scrape(t *testing.T, s *Server, addr string, header ...string) (int, string) {
	t.Helper()
	req := httptest.NewRequest(http.MethodGet, "/metrics", nil)
	req.RemoteAddr = addr
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	w := httptest.NewRecorder()
	s.Handler().ServeHTTP(w, req)
	return w.Code, w.Body.String()
}

func TestMetricsMoveWithRequestsToolCallsAndAnswers(t *testing.T) {
	tel := NewTelemetry()
	svcs := services(t)
	svc := svcs.Asker.(*agent.Service)
	svc.Observer, svc.LLM = tel, downLLM{}
	ts := newTestServer(t, Options{Services: svcs, Telemetry: tel})
	ts.ask(t, apitypes.AskRequest{Question: "Quante domande di cassa integrazione?"})
	tel.ObserveToolCall(tool.QueryMetrics, agent.OutcomeOK, time.Millisecond, 3)
	tel.ObserveAnswer(agent.ModeModel, "", 2*time.Second)

	resp, data := ts.call(t, http.MethodGet, "/metrics", nil) // the test server listens on loopback
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("status %d: %s", resp.StatusCode, data)
	}
	body := string(data)
	for _, want := range []string{
		`conoscenza_http_request_duration_seconds_count{method="POST",route="/api/v1/ask",status="200"} 1`,
		`conoscenza_tool_call_duration_seconds_count{outcome="ok",tool="query_metrics"} 2`,
		`conoscenza_answers_total{mode="planner"} 1`,
		`conoscenza_answers_total{mode="model"} 1`,
		`conoscenza_planner_fallbacks_total{reason="not_ready"} 1`,
		`conoscenza_suppressed_cells_total 3`,
		`conoscenza_model_seconds_sum 2`,
		`go_goroutines`,
	} {
		if !strings.Contains(body, want) {
			t.Errorf("/metrics lacks %s", want)
		}
	}
	if strings.Contains(body, `route="/api/v1/conversations/`) {
		t.Error("raw paths as labels")
	}
}

func TestMetricsOnlyFromLoopbackUnlessPublic(t *testing.T) {
	s := New(nil, "test", nil, Options{})
	if code, _ := scrape(t, s, "127.0.0.1:5000"); code != http.StatusOK {
		t.Errorf("loopback: %d", code)
	}
	if code, _ := scrape(t, s, "[::1]:5000"); code != http.StatusOK {
		t.Errorf("loopback v6: %d", code)
	}
	if code, body := scrape(t, s, "192.0.2.7:5000"); code != http.StatusForbidden || !strings.Contains(body, `"forbidden"`) {
		t.Errorf("remote: %d %s", code, body)
	}
	if code, _ := scrape(t, s, "127.0.0.1:5000", "X-Forwarded-For", "192.0.2.7"); code != http.StatusForbidden {
		t.Errorf("through a local proxy: %d", code)
	}
	public := New(nil, "test", nil, Options{MetricsPublic: true})
	if code, _ := scrape(t, public, "192.0.2.7:5000"); code != http.StatusOK {
		t.Errorf("public: %d", code)
	}
}
