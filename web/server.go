// Package web is the HTTP face of Conoscenza: Gin routes, JSON and SSE, pages and assets.
package web

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"syscall"
	"time"

	"github.com/gin-gonic/gin"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	"github.com/comune-bologna/conoscenza/agent"
	"github.com/comune-bologna/conoscenza/web/ui"
)

// Check is one readiness probe: Name is shown in /readyz; Run returns a short status, or an
// error when the component is not ready. Optional checks report but do not fail readiness.
type Check struct {
	Name     string
	Optional bool
	Run      func(ctx context.Context) (status string, err error)
}

// Server holds the HTTP routes and the services behind them.
type Server struct {
	Logger  *slog.Logger
	Checks  []Check
	Version string

	engine   *gin.Engine
	opt      Options
	inFlight chan struct{}

	telemetry      *Telemetry
	metricsHandler http.Handler
	byUser         *limiter // nil: no limit
	byAddress      *limiter
}

// Options configure the API beyond health and readiness. Zero values mean the defaults.
type Options struct {
	Services Services
	// RequestTimeout bounds every /api/v1 request, streams included (default 60s).
	RequestTimeout time.Duration
	// Principal resolves who makes a request (default AnonymousPrincipal) when there is no
	// Identity.
	Principal PrincipalFunc
	// Identity, when set, serves login, logout and OIDC under /api/v1/auth and requires a
	// user (session or API token) on every other /api/v1 route; Principal is then unused.
	Identity Identity
	// MaxInFlight is how many answers and tool requests run at once before 503 (default 64).
	MaxInFlight int
	// Heartbeat is the interval of the comment lines that keep a stream open (default 15s).
	Heartbeat time.Duration
	// Telemetry holds the metrics served at /metrics (default: a new one); pass the one the
	// agent reports to.
	Telemetry *Telemetry
	// UserRateLimit and AddressRateLimit bound /api/v1 requests per user and per client
	// address (token buckets; zero: the defaults; a negative Rate: off). Over them: 429.
	UserRateLimit, AddressRateLimit RateLimit
	// Audit, when set, records every call of the direct tool routes (/metrics/query, /sql,
	// /platea, /search, /imprese/{cf}); the agent records its own (agent.Service.Audit).
	Audit agent.Auditor
	// MetricsPublic serves /metrics to any client, not only to loopback ones
	// (CONOSCENZA_METRICS_PUBLIC=1).
	MetricsPublic bool
	// UI, when set, serves the browser app: its pages and /assets (web/ui).
	UI *ui.UI
	// ModelName is the chat model in use, shown on every page; "" means no-model mode.
	ModelName string
	// OIDC shows the single sign-on button on the login page.
	OIDC bool
	// UploadDir is the root of the uploads' temporary folders (default
	// $TMPDIR/conoscenza-uploads); leftovers of dead processes are removed at startup.
	UploadDir string
}

func (o Options) withDefaults() Options {
	if o.RequestTimeout <= 0 {
		o.RequestTimeout = 60 * time.Second
	}
	if o.Principal == nil {
		o.Principal = AnonymousPrincipal
	}
	if o.MaxInFlight <= 0 {
		o.MaxInFlight = 64
	}
	if o.Heartbeat <= 0 {
		o.Heartbeat = 15 * time.Second
	}
	o.UserRateLimit = o.UserRateLimit.or(defaultUserLimit)
	o.AddressRateLimit = o.AddressRateLimit.or(defaultAddressLimit)
	if o.Telemetry == nil {
		o.Telemetry = NewTelemetry()
	}
	return o
}

// NewServer builds the routes with no services behind the API (every /api/v1 route but the
// OpenAPI document answers 503): health and readiness only.
func NewServer(logger *slog.Logger, version string, checks []Check) *Server {
	return New(logger, version, checks, Options{})
}

// New builds the routes over the given services.
func New(logger *slog.Logger, version string, checks []Check, opt Options) *Server {
	gin.SetMode(gin.ReleaseMode)
	if logger == nil {
		logger = slog.New(slog.DiscardHandler)
	}
	opt = opt.withDefaults()
	s := &Server{Logger: logger, Checks: checks, Version: version, engine: gin.New(), opt: opt,
		inFlight: make(chan struct{}, opt.MaxInFlight), telemetry: opt.Telemetry,
		byUser: newLimiter(opt.UserRateLimit), byAddress: newLimiter(opt.AddressRateLimit)}
	s.metricsHandler = promhttp.HandlerFor(opt.Telemetry.reg, promhttp.HandlerOpts{})
	s.routes()
	return s
}

// Handler is the server's http.Handler, for tests and for http.Server.
func (s *Server) Handler() http.Handler { return s.engine }

func (s *Server) handleHealthz(c *gin.Context) {
	c.JSON(http.StatusOK, gin.H{"status": "ok", "version": s.Version})
}

// CheckResult is one line of /readyz.
type CheckResult struct {
	Name     string `json:"name"`
	OK       bool   `json:"ok"`
	Optional bool   `json:"optional,omitempty"`
	Status   string `json:"status"`
}

func (s *Server) handleReadyz(c *gin.Context) {
	ctx, cancel := context.WithTimeout(c.Request.Context(), 5*time.Second)
	defer cancel()
	ready := true
	results := make([]CheckResult, 0, len(s.Checks))
	for _, ch := range s.Checks {
		status, err := ch.Run(ctx)
		r := CheckResult{Name: ch.Name, OK: err == nil, Optional: ch.Optional, Status: status}
		if err != nil {
			r.Status = err.Error()
			if !ch.Optional {
				ready = false
			}
		}
		results = append(results, r)
	}
	code := http.StatusOK
	if !ready {
		code = http.StatusServiceUnavailable
	}
	c.JSON(code, gin.H{"ready": ready, "checks": results})
}

// Listen binds addr, turning "address in use" into a sentence that says what to do.
func Listen(addr string) (net.Listener, error) {
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		if errors.Is(err, syscall.EADDRINUSE) {
			return nil, fmt.Errorf("address %s is already in use: stop the other process or set CONOSCENZA_ADDR to a free host:port", addr)
		}
		return nil, fmt.Errorf("listen on %s: %w", addr, err)
	}
	return ln, nil
}

// Serve runs the HTTP server on ln until ctx is cancelled, then drains open requests
// (streams included) for up to drain before returning.
func (s *Server) Serve(ctx context.Context, ln net.Listener, drain time.Duration) error {
	srv := &http.Server{
		Handler:           s.engine,
		ReadHeaderTimeout: 10 * time.Second,
		IdleTimeout:       120 * time.Second,
		BaseContext:       func(net.Listener) context.Context { return context.WithoutCancel(ctx) },
	}
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	s.Logger.Info("serving", "addr", ln.Addr().String())
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	s.Logger.Info("shutting down: draining open requests", "timeout", drain)
	sctx, cancel := context.WithTimeout(context.Background(), drain)
	defer cancel()
	if err := srv.Shutdown(sctx); err != nil {
		return fmt.Errorf("shutdown: %w", err)
	}
	return nil
}
