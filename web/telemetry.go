package web

import (
	"net"
	"net/http"
	"strconv"
	"time"

	"github.com/gin-gonic/gin"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"

	"github.com/comune-bologna/conoscenza/ingest/db"
)

// Telemetry holds the Prometheus metrics served at /metrics: HTTP requests here, tool calls
// and answers from the agent (it satisfies agent.Observer). Each has its own registry, so
// that tests and several servers in one process do not collide.
type Telemetry struct {
	reg        *prometheus.Registry
	httpDur    *prometheus.HistogramVec
	toolDur    *prometheus.HistogramVec
	modelDur   prometheus.Histogram
	fallbacks  *prometheus.CounterVec
	suppressed prometheus.Counter
	answers    *prometheus.CounterVec
}

// NewTelemetry registers the metrics, with the Go runtime's and the process's.
func NewTelemetry() *Telemetry {
	t := &Telemetry{
		reg: prometheus.NewRegistry(),
		httpDur: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name: "conoscenza_http_request_duration_seconds", Help: "HTTP request latency by route and status.",
			Buckets: []float64{.005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5, 10, 30, 60},
		}, []string{"method", "route", "status"}),
		toolDur: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name: "conoscenza_tool_call_duration_seconds", Help: "Tool call latency by tool and outcome (ok, refused, invalid, error).",
			Buckets: []float64{.005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5, 10, 30},
		}, []string{"tool", "outcome"}),
		modelDur: prometheus.NewHistogram(prometheus.HistogramOpts{
			Name: "conoscenza_model_seconds", Help: "Time spent in model turns per answer that used the model.",
			Buckets: []float64{.1, .25, .5, 1, 2.5, 5, 10, 20, 30, 60, 120},
		}),
		fallbacks: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "conoscenza_planner_fallbacks_total", Help: "Answers the planner gave because the model was not ready or failed.",
		}, []string{"reason"}),
		suppressed: prometheus.NewCounter(prometheus.CounterOpts{
			Name: "conoscenza_suppressed_cells_total", Help: "Table cells hidden by small-number suppression.",
		}),
		answers: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "conoscenza_answers_total", Help: "Answers given, by mode (model, planner).",
		}, []string{"mode"}),
	}
	t.reg.MustRegister(t.httpDur, t.toolDur, t.modelDur, t.fallbacks, t.suppressed, t.answers,
		collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	return t
}

// Registry is where the metrics live, for other components to add theirs.
func (t *Telemetry) Registry() *prometheus.Registry { return t.reg }

// ObserveToolCall records one tool call (agent.Observer).
func (t *Telemetry) ObserveToolCall(tool, outcome string, d time.Duration, suppressed int) {
	t.toolDur.WithLabelValues(tool, outcome).Observe(d.Seconds())
	if suppressed > 0 {
		t.suppressed.Add(float64(suppressed))
	}
}

// ObserveAnswer records one answer (agent.Observer).
func (t *Telemetry) ObserveAnswer(mode, fallback string, model time.Duration) {
	t.answers.WithLabelValues(mode).Inc()
	if fallback != "" {
		t.fallbacks.WithLabelValues(fallback).Inc()
	}
	if model > 0 {
		t.modelDur.Observe(model.Seconds())
	}
}

// observeHTTP times every request under its route pattern (never the raw path, whose ids
// would make a series per conversation).
func (s *Server) observeHTTP(c *gin.Context) {
	start := time.Now()
	c.Next()
	route := c.FullPath()
	if route == "" {
		route = "unmatched"
	}
	s.telemetry.httpDur.WithLabelValues(c.Request.Method, route, strconv.Itoa(c.Writer.Status())).
		Observe(time.Since(start).Seconds())
}

// handleMetrics serves Prometheus, to loopback clients or to anyone with MetricsPublic.
func (s *Server) handleMetrics(c *gin.Context) {
	if !s.opt.MetricsPublic && !directLoopback(c.Request) {
		s.fail(c, db.Errorf(db.CodeForbidden, "/metrics è servito solo in locale (o con CONOSCENZA_METRICS_PUBLIC=1)"))
		return
	}
	s.metricsHandler.ServeHTTP(c.Writer, c.Request)
}

// directLoopback says whether the request comes from this machine without a proxy in between:
// a reverse proxy on the same host connects from loopback too, but says whom it forwards.
func directLoopback(r *http.Request) bool {
	for _, h := range []string{"X-Forwarded-For", "X-Real-Ip", "Forwarded"} {
		if r.Header.Get(h) != "" {
			return false
		}
	}
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		return false
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}
