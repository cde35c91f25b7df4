// Command conoscenza is the composition root: it reads configuration, opens the database and
// the optional model server, and runs one subcommand. Nothing else lives here.
package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/signal"
	"strconv"
	"strings"
	"syscall"

	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/spf13/cobra"

	"github.com/comune-bologna/conoscenza/ingest/db"
)

// Version is set at build time with -ldflags "-X main.Version=...".
var Version = "dev"

// Main is the program: its fields are the configuration and the streams, so that tests can run
// any command end to end in-process.
type Main struct {
	Config Config
	Logger *slog.Logger
	Stdout io.Writer
	Stderr io.Writer
	Getenv func(string) string

	logFormat string

	cpuProfile string   // --cpuprofile
	profile    *os.File // open while profiling
}

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	m := &Main{Stdout: os.Stdout, Stderr: os.Stderr, Getenv: os.Getenv}
	if err := m.Run(ctx, os.Args[1:]); err != nil {
		fmt.Fprintln(os.Stderr, "conoscenza:", err)
		os.Exit(1)
	}
}

// Run parses args and executes the chosen command.
func (m *Main) Run(ctx context.Context, args []string) error {
	root := m.rootCommand()
	root.SetArgs(args)
	root.SetOut(m.Stdout)
	root.SetErr(m.Stderr)
	return root.ExecuteContext(ctx)
}

func (m *Main) rootCommand() *cobra.Command {
	root := &cobra.Command{
		Use:   "conoscenza",
		Short: "Conoscenza: decision support on the city's business fabric (imprese, CIG, SUAP, contributi, documenti)",
		Long: `Conoscenza answers questions in Italian about the city's businesses with numbers that come
from SQL and citations from the city's own documents.

Configuration comes from the environment: DATABASE_URL, CONOSCENZA_RO_DATABASE_URL,
OLLAMA_HOST (unset: no-model mode), CONOSCENZA_CHAT_MODEL, CONOSCENZA_EMBED_MODEL,
CONOSCENZA_ADDR, CONOSCENZA_LOG_FORMAT, CONOSCENZA_LOG_LEVEL, CONOSCENZA_REQUEST_TIMEOUT,
CONOSCENZA_RETENTION (conversations, default 365d), CONOSCENZA_COOKIE_SECURE and
CONOSCENZA_OIDC_* (users and sessions: docs/security.md), CONOSCENZA_METRICS_PUBLIC.`,
		SilenceUsage:  true,
		SilenceErrors: true,
		PersistentPreRunE: func(cmd *cobra.Command, _ []string) error {
			cfg, err := LoadConfig(m.Getenv)
			if err != nil && m.logFormat == "" {
				return err
			}
			if m.logFormat != "" {
				cfg.LogFormat = m.logFormat
				if err = cfg.Validate(); err != nil {
					return err
				}
			}
			m.Config = cfg
			if m.Logger == nil {
				m.Logger = newLogger(cfg.LogFormat, cfg.LogLevel)
			}
			return m.startCPUProfile()
		},
		PersistentPostRunE: func(*cobra.Command, []string) error { return m.stopCPUProfile() },
	}
	root.PersistentFlags().StringVar(&m.logFormat, "log-format", "", "log format: text or json (default from CONOSCENZA_LOG_FORMAT, else text)")
	root.PersistentFlags().StringVar(&m.cpuProfile, "cpuprofile", "", "write a Go CPU profile of the command to this file (go tool pprof)")
	root.AddCommand(
		m.versionCommand(),
		m.migrateCommand(),
		m.serveCommand(),
		m.ingestCommand(),
		m.demoCommand(),
		m.searchCommand(), m.evalCommand(),
		m.metricsCommand(),
		m.sqlCommand(),
		m.dossierCommand(),
		m.askCommand(),
		m.usersCommand(),
		m.auditCommand(),
		m.purgeCommand(),
	)
	return root
}

func (m *Main) versionCommand() *cobra.Command {
	return &cobra.Command{
		Use:   "version",
		Short: "Print the version",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			_, err := fmt.Fprintf(m.Stdout, "conoscenza %s\n", Version)
			return err
		},
	}
}

// versionList prints migration versions for people: "11, 12" or "none".
func versionList(vs []int64) string {
	if len(vs) == 0 {
		return "none"
	}
	parts := make([]string, len(vs))
	for i, v := range vs {
		parts[i] = strconv.FormatInt(v, 10)
	}
	return strings.Join(parts, ", ")
}

// openDB opens the owner pool and refuses to go on when the schema is behind.
func (m *Main) openDB(ctx context.Context) (*pgxpool.Pool, error) {
	pool, err := db.Open(ctx, m.Config.DatabaseURL)
	if err != nil {
		return nil, err
	}
	if err := db.CheckSchema(ctx, pool); err != nil {
		pool.Close()
		return nil, err
	}
	return pool, nil
}

func (m *Main) migrateCommand() *cobra.Command {
	var status bool
	cmd := &cobra.Command{
		Use:   "migrate",
		Short: "Apply pending schema migrations (idempotent)",
		Long:  "Apply every pending schema migration to DATABASE_URL. Running it again changes nothing.",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			ctx := cmd.Context()
			pool, err := db.Open(ctx, m.Config.DatabaseURL)
			if err != nil {
				return err
			}
			defer pool.Close()
			if status {
				cur, target, err := db.SchemaStatus(ctx, pool)
				if err != nil {
					return err
				}
				pending, err := db.PendingMigrations(ctx, pool)
				if err != nil {
					return err
				}
				_, err = fmt.Fprintf(m.Stdout, "schema version %d, binary needs %d; pending migrations: %s\n", cur, target, versionList(pending))
				return err
			}
			res, err := db.Migrate(ctx, pool)
			if err != nil {
				return err
			}
			if len(res.Applied) == 0 {
				_, err = fmt.Fprintf(m.Stdout, "schema is current (version %d): nothing to do\n", res.From)
				return err
			}
			_, err = fmt.Fprintf(m.Stdout, "migrated schema from version %d to %d (%d migrations: %s)\n", res.From, res.To, len(res.Applied), versionList(res.Applied))
			return err
		},
	}
	cmd.Flags().BoolVar(&status, "status", false, "only print the current and required schema version")
	return cmd
}

// errUsage marks a command line that is wrong rather than a failure.
var errUsage = errors.New("usage")
