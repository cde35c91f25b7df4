package main

import (
	"context"
	"fmt"
	"time"

	"github.com/spf13/cobra"

	"github.com/comune-bologna/conoscenza/agent/ollama"
	"github.com/comune-bologna/conoscenza/ingest/db"
	"github.com/comune-bologna/conoscenza/web"
)

func (m *Main) serveCommand() *cobra.Command {
	var addr string
	cmd := &cobra.Command{
		Use:   "serve",
		Short: "Run the HTTP server (chat API, pages, /healthz, /readyz)",
		Long: `Run the HTTP server on CONOSCENZA_ADDR (default 127.0.0.1:8080).

It refuses to start when the database is unreachable or its schema is behind (run
'conoscenza migrate'). Without OLLAMA_HOST it answers in no-model mode.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if addr != "" {
				m.Config.Addr = addr
			}
			return m.serve(cmd.Context())
		},
	}
	cmd.Flags().StringVar(&addr, "addr", "", "listen address host:port (default CONOSCENZA_ADDR or 127.0.0.1:8080)")
	return cmd
}

func (m *Main) serve(ctx context.Context) error {
	m.Logger.Info("starting conoscenza", "version", Version, "config", m.Config)
	pool, err := m.openDB(ctx)
	if err != nil {
		return err
	}
	defer pool.Close()

	checks := []web.Check{{
		Name: "database",
		Run: func(ctx context.Context) (string, error) {
			if err := pool.Ping(ctx); err != nil {
				return "", db.Explain(err, m.Config.DatabaseURL)
			}
			if err := db.CheckSchema(ctx, pool); err != nil {
				return "", err
			}
			cur, _, _ := db.SchemaStatus(ctx, pool)
			return fmt.Sprintf("reachable, schema version %d", cur), nil
		},
	}}
	checks = append(checks, m.ollamaCheck())

	ln, err := web.Listen(m.Config.Addr)
	if err != nil {
		return err
	}
	srv := web.NewServer(m.Logger, Version, checks)
	return srv.Serve(ctx, ln, 20*time.Second)
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
