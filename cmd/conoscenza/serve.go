package main

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/url"
	"runtime"
	"strconv"
	"strings"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/spf13/cobra"

	"github.com/comune-bologna/conoscenza/agent"
	"github.com/comune-bologna/conoscenza/agent/audit"
	"github.com/comune-bologna/conoscenza/agent/catalog"
	"github.com/comune-bologna/conoscenza/agent/dossier"
	"github.com/comune-bologna/conoscenza/agent/ollama"
	"github.com/comune-bologna/conoscenza/agent/planner"
	"github.com/comune-bologna/conoscenza/agent/semantic"
	"github.com/comune-bologna/conoscenza/agent/sqlguard"
	"github.com/comune-bologna/conoscenza/agent/tool"
	"github.com/comune-bologna/conoscenza/ingest"
	"github.com/comune-bologna/conoscenza/ingest/db"
	"github.com/comune-bologna/conoscenza/ingest/territorio"
	"github.com/comune-bologna/conoscenza/retrieval"
	"github.com/comune-bologna/conoscenza/web"
	"github.com/comune-bologna/conoscenza/web/auth"
	"github.com/comune-bologna/conoscenza/web/ui"
)

// servePoolConns sizes each of the two pools of the server: twice the cores, at least 4. An
// answer holds at most one connection of each pool at a time (its tool calls run one after
// the other), and PostgreSQL on the same small machine does not go faster with more busy
// backends than cores: measured on 2 cores with 16 clients, 4 connections per pool gave the
// same throughput as 16 and a p99 of ~190 ms instead of ~470 ms (docs/load.md). Beyond the
// pool, answers wait their turn in pgxpool's queue rather than in the kernel's scheduler.
// A pool_max_conns in the database URL wins.
func servePoolConns() int { return max(4, 2*runtime.GOMAXPROCS(0)) }

func (m *Main) serveCommand() *cobra.Command {
	var addr string
	var devAuth bool
	cmd := &cobra.Command{
		Use:   "serve",
		Short: "Run the HTTP server (chat API, pages, /healthz, /readyz)",
		Long: `Run the HTTP server on CONOSCENZA_ADDR (default 127.0.0.1:8080).

It refuses to start when the database is unreachable or its schema is behind (run
'conoscenza migrate'). Without OLLAMA_HOST it answers in no-model mode. The API is described
at /api/v1/openapi.json (and docs/api.md).

Every /api/v1 route but login needs a user: a session (POST /api/v1/auth/login, or OpenID
Connect when CONOSCENZA_OIDC_* is set) or an API token (Authorization: Bearer, from
'conoscenza users token NAME'). The session cookie is Secure unless CONOSCENZA_COOKIE_SECURE=false
or the server listens on a loopback address. See docs/security.md.

--insecure-dev-auth (or CONOSCENZA_DEV_AUTH=1) turns users off and trusts the X-Conoscenza-Role
header instead (decisore, staff, formatore, admin): for development only, never in production.

Prometheus metrics are at /metrics, without login, for loopback clients only (not through a
proxy) unless CONOSCENZA_METRICS_PUBLIC=1.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if addr != "" {
				m.Config.Addr = addr
			}
			if !cmd.Flags().Changed("insecure-dev-auth") {
				devAuth = m.Getenv("CONOSCENZA_DEV_AUTH") == "1"
			}
			return m.serve(cmd.Context(), devAuth)
		},
	}
	cmd.Flags().StringVar(&addr, "addr", "", "listen address host:port (default CONOSCENZA_ADDR or 127.0.0.1:8080)")
	cmd.Flags().BoolVar(&devAuth, "insecure-dev-auth", false, "development only: no users; take the role from the X-Conoscenza-Role header (also CONOSCENZA_DEV_AUTH=1)")
	return cmd
}

func (m *Main) serve(ctx context.Context, devAuth bool) error {
	m.Logger.Info("starting conoscenza", "version", Version, "config", m.Config)
	retention, err := m.retention()
	if err != nil {
		return err
	}
	a, err := m.openAssistant(ctx, servePoolConns())
	if err != nil {
		return err
	}
	defer a.Close()
	a.Service.Store.Retention = retention          // stated by /privacy
	purgeCtx, stopPurge := context.WithCancel(ctx) // stopped before the pools close
	defer stopPurge()
	go m.purgeEvery(purgeCtx, a.Service.Store, retention, purgeInterval)
	// Loads do not wait for the metrics' event cubes: the server rebuilds them after each one.
	go semantic.KeepCubesFresh(purgeCtx, a.owner, 30*time.Second, m.Logger)

	checks := []web.Check{m.databaseCheck(a), m.ollamaCheck()}

	// Uploads from the browser load with the owner pool, as `conoscenza ingest` does.
	libEmbedder, err := m.embedder()
	if err != nil {
		return err
	}
	library := retrieval.NewStore(a.owner, libEmbedder, m.Logger)

	tel := web.NewTelemetry() // /metrics: loopback only unless CONOSCENZA_METRICS_PUBLIC=1
	a.Service.Observer = tel
	opt := web.Options{
		Services: web.Services{Asker: a.Service, Conversations: a.Service.Store, Tools: a.Service.Tools,
			Catalog: a.Catalog, Companies: a.Service.Tools.Dossier, Trainer: a.Service,
			Territory: &territorio.Store{Pool: a.ro, Logger: m.Logger}, // the map's shapes, read-only role
			Data:      ingest.New(a.owner, m.Logger), Library: library,
			Boundaries: &territorio.Store{Pool: a.owner, Logger: m.Logger}}, // uploads load as `ingest territorio`
		RequestTimeout: m.Config.RequestTimeout,
		Telemetry:      tel,
		Audit:          a.Service.Audit,
		MetricsPublic:  m.Getenv("CONOSCENZA_METRICS_PUBLIC") == "1",
	}
	if a.Service.LLM != nil {
		opt.ModelName = m.Config.ChatModel
	}
	switch app, err := ui.New(); {
	case errors.Is(err, ui.ErrNotBuilt):
		m.Logger.Warn("serving the API without the browser app", "reason", err.Error())
	case err != nil:
		return err
	default:
		opt.UI = app
	}
	if opt.UserRateLimit, err = rateLimitFromEnv(m.Getenv, "CONOSCENZA_RATE_USER"); err != nil {
		return err
	}
	if opt.AddressRateLimit, err = rateLimitFromEnv(m.Getenv, "CONOSCENZA_RATE_ADDRESS"); err != nil {
		return err
	}
	if devAuth {
		opt.Principal = web.DevHeaderPrincipal
		m.Logger.Warn("INSECURE development authentication: the role of each request comes from the X-Conoscenza-Role header; never expose this server")
	} else {
		id, err := m.authenticator(a.owner)
		if err != nil {
			return err
		}
		defer id.Close()
		opt.Identity = id
		opt.OIDC = id.OIDCEnabled()
	}
	ln, err := web.Listen(m.Config.Addr)
	if err != nil {
		return err
	}
	return web.New(m.Logger, Version, checks, opt).Serve(ctx, ln, 20*time.Second)
}

// rateLimitFromEnv reads "RATE/BURST" (requests per second and burst, e.g. 5/30) or "off";
// unset keeps the server's default.
func rateLimitFromEnv(getenv func(string) string, key string) (web.RateLimit, error) {
	v := strings.TrimSpace(getenv(key))
	switch v {
	case "":
		return web.RateLimit{}, nil
	case "off":
		return web.RateLimit{Rate: -1}, nil
	}
	rate, burst, ok := strings.Cut(v, "/")
	r, err1 := strconv.ParseFloat(rate, 64)
	b, err2 := strconv.Atoi(burst)
	if !ok || err1 != nil || err2 != nil || r <= 0 || b <= 0 {
		return web.RateLimit{}, fmt.Errorf("%s %q must be RATE/BURST (e.g. 5/30) or off", key, v)
	}
	return web.RateLimit{Rate: r, Burst: b}, nil
}

// authenticator builds users, sessions, tokens and OIDC from the environment. On a loopback
// address the session cookie need not be Secure (no one can read loopback traffic, and the demo
// serves plain http there) unless CONOSCENZA_COOKIE_SECURE says otherwise.
func (m *Main) authenticator(pool *pgxpool.Pool) (*auth.Authenticator, error) {
	cfg, err := auth.ConfigFromEnv(m.Getenv)
	if err != nil {
		return nil, err
	}
	if m.Getenv("CONOSCENZA_COOKIE_SECURE") == "" && loopback(m.Config.Addr) {
		cfg.CookieSecure = false
	}
	cfg.Logger = m.Logger
	return auth.New(pool, cfg)
}

func loopback(addr string) bool {
	host, _, err := net.SplitHostPort(addr)
	if err != nil {
		return false
	}
	if host == "localhost" {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

// databaseCheck reports both pools: the owner's with the schema version, and the read-only
// role's that every assistant query runs as.
func (m *Main) databaseCheck(a *assistant) web.Check {
	return web.Check{
		Name: "database",
		Run: func(ctx context.Context) (string, error) {
			if err := a.owner.Ping(ctx); err != nil {
				return "", db.Explain(err, m.Config.DatabaseURL)
			}
			if err := db.CheckSchema(ctx, a.owner); err != nil {
				return "", err
			}
			if err := a.ro.Ping(ctx); err != nil {
				return "", fmt.Errorf("read-only role: %w", db.Explain(err, m.Config.ReadOnlyDatabaseURL))
			}
			cur, _, _ := db.SchemaStatus(ctx, a.owner)
			return fmt.Sprintf("reachable, schema version %d (read-only role reachable)", cur), nil
		},
	}
}

// assistant is everything that answers questions, built once per process: nothing in it is
// rebuilt per request (catalog, planner, prompts, pools).
type assistant struct {
	owner, ro *pgxpool.Pool
	Service   *agent.Service
	Catalog   *catalog.Catalog
}

// Close closes both pools.
func (a *assistant) Close() {
	a.ro.Close()
	a.owner.Close()
}

// openAssistant opens the owner pool (conversations) and the read-only pool (every query the
// assistant runs), each with at most conns connections, and wires the services over them.
func (m *Main) openAssistant(ctx context.Context, conns int) (*assistant, error) {
	ownerURL, err := withPoolSize(m.Config.DatabaseURL, conns)
	if err != nil {
		return nil, fmt.Errorf("DATABASE_URL: %w", err)
	}
	roURL, err := withPoolSize(m.Config.ReadOnlyDatabaseURL, conns)
	if err != nil {
		return nil, fmt.Errorf("CONOSCENZA_RO_DATABASE_URL: %w", err)
	}
	owner, err := db.Open(ctx, ownerURL)
	if err != nil {
		return nil, err
	}
	if err := db.CheckSchema(ctx, owner); err != nil {
		owner.Close()
		return nil, err
	}
	ro, err := db.Open(ctx, roURL)
	if err != nil {
		owner.Close()
		return nil, fmt.Errorf("read-only role: %w", err)
	}
	a := &assistant{owner: owner, ro: ro, Catalog: catalog.Default()}
	embedder, err := m.embedder()
	if err != nil {
		a.Close()
		return nil, err
	}
	llm, err := m.newLLM() // nil without OLLAMA_HOST: the planner answers
	if err != nil {
		a.Close()
		return nil, err
	}
	tools := &tool.Executor{
		Engine:  semantic.NewEngine(ro, a.Catalog).WithParallelWorkers(m.Config.QueryWorkers),
		Docs:    retrieval.NewStore(ro, embedder, m.Logger),
		Dossier: &dossier.Service{Pool: ro},
		SQL:     &sqlguard.Runner{Pool: ro},
	}
	a.Service = &agent.Service{
		Tools:   tools,
		Planner: planner.New(a.Catalog),
		LLM:     llm,
		Store:   &agent.Store{Pool: owner},
		Logger:  m.Logger,
		Limits:  agent.Limits{Total: m.Config.RequestTimeout},
		Audit:   audit.New(owner), // every question and tool call (docs/security.md)
	}
	return a, nil
}

// withPoolSize sets pool_max_conns on a database URL unless the URL sets it already.
func withPoolSize(raw string, conns int) (string, error) {
	u, err := url.Parse(raw)
	if err != nil {
		return "", err
	}
	q := u.Query()
	if q.Get("pool_max_conns") == "" {
		q.Set("pool_max_conns", strconv.Itoa(conns))
		u.RawQuery = q.Encode()
	}
	return u.String(), nil
}

// ollamaCheck reports the model server; it is optional because the product works without it.
func (m *Main) ollamaCheck() web.Check {
	if m.Config.OllamaHost == "" {
		return web.Check{Name: "ollama", Optional: true, Run: func(context.Context) (string, error) {
			return "absent: OLLAMA_HOST not set, answering in no-model mode", nil
		}}
	}
	client, err := ollama.New(m.Config.OllamaHost, m.Config.ChatModel, m.Config.EmbedModel)
	return web.Check{Name: "ollama", Optional: true, Run: func(ctx context.Context) (string, error) {
		if err != nil {
			return "", err
		}
		h, err := client.Health(ctx)
		if err != nil {
			return "", err
		}
		if len(h.MissingModels) > 0 {
			return "", fmt.Errorf("ollama %s reachable but models missing: %v (run `ollama pull`)", h.Version, h.MissingModels)
		}
		return "reachable, version " + h.Version, nil
	}}
}
