package main

import (
	"fmt"
	"log/slog"
	"net"
	"net/url"
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/comune-bologna/conoscenza/ingest/db"
)

// Config is everything the binary reads from its environment, validated once at start.
type Config struct {
	DatabaseURL         string        // DATABASE_URL: owner role, used by migrations and ingest
	ReadOnlyDatabaseURL string        // CONOSCENZA_RO_DATABASE_URL: the role every assistant query runs as
	OllamaHost          string        // OLLAMA_HOST: empty means no model
	ChatModel           string        // CONOSCENZA_CHAT_MODEL
	EmbedModel          string        // CONOSCENZA_EMBED_MODEL
	Addr                string        // CONOSCENZA_ADDR
	LogFormat           string        // --log-format / CONOSCENZA_LOG_FORMAT: text or json
	LogLevel            slog.Level    // CONOSCENZA_LOG_LEVEL
	RequestTimeout      time.Duration // CONOSCENZA_REQUEST_TIMEOUT
	QueryWorkers        int           // CONOSCENZA_QUERY_WORKERS: parallel workers per catalog query (default 0)
}

// LoadConfig reads the environment through getenv (os.Getenv in production).
func LoadConfig(getenv func(string) string) (Config, error) {
	get := func(key, def string) string {
		if v := strings.TrimSpace(getenv(key)); v != "" {
			return v
		}
		return def
	}
	c := Config{
		DatabaseURL: get("DATABASE_URL", db.DefaultURL),
		OllamaHost:  get("OLLAMA_HOST", ""),
		ChatModel:   get("CONOSCENZA_CHAT_MODEL", "qwen2.5:7b-instruct"),
		EmbedModel:  get("CONOSCENZA_EMBED_MODEL", "bge-m3"),
		Addr:        get("CONOSCENZA_ADDR", "127.0.0.1:8080"),
		LogFormat:   get("CONOSCENZA_LOG_FORMAT", "text"),
	}
	c.ReadOnlyDatabaseURL = get("CONOSCENZA_RO_DATABASE_URL", deriveReadOnlyURL(c.DatabaseURL))
	if err := c.LogLevel.UnmarshalText([]byte(get("CONOSCENZA_LOG_LEVEL", "info"))); err != nil {
		return c, fmt.Errorf("CONOSCENZA_LOG_LEVEL: %w", err)
	}
	timeout, err := time.ParseDuration(get("CONOSCENZA_REQUEST_TIMEOUT", "60s"))
	if err != nil || timeout <= 0 {
		return c, fmt.Errorf("CONOSCENZA_REQUEST_TIMEOUT %q is not a positive duration such as 30s", getenv("CONOSCENZA_REQUEST_TIMEOUT"))
	}
	c.RequestTimeout = timeout
	workers, err := strconv.Atoi(get("CONOSCENZA_QUERY_WORKERS", "0"))
	if err != nil || workers < 0 {
		return c, fmt.Errorf("CONOSCENZA_QUERY_WORKERS %q is not a number of workers such as 0 or 2", getenv("CONOSCENZA_QUERY_WORKERS"))
	}
	c.QueryWorkers = workers
	return c, c.Validate()
}

// Validate checks every field and names the variable that is wrong.
func (c Config) Validate() error {
	for name, u := range map[string]string{"DATABASE_URL": c.DatabaseURL, "CONOSCENZA_RO_DATABASE_URL": c.ReadOnlyDatabaseURL} {
		p, err := url.Parse(u)
		if err != nil || (p.Scheme != "postgres" && p.Scheme != "postgresql") {
			return fmt.Errorf("%s must be a postgres:// URL, got %q", name, db.Redact(u))
		}
	}
	if c.OllamaHost != "" {
		host := c.OllamaHost
		if !strings.Contains(host, "://") {
			host = "http://" + host
		}
		if p, err := url.Parse(host); err != nil || p.Host == "" {
			return fmt.Errorf("OLLAMA_HOST %q is not a host[:port] or URL", c.OllamaHost)
		}
	}
	if _, _, err := net.SplitHostPort(c.Addr); err != nil {
		return fmt.Errorf("CONOSCENZA_ADDR %q must be host:port: %w", c.Addr, err)
	}
	if c.LogFormat != "text" && c.LogFormat != "json" {
		return fmt.Errorf("log format %q must be text or json", c.LogFormat)
	}
	return nil
}

// LogValue logs the configuration without secrets.
func (c Config) LogValue() slog.Value {
	ollama := c.OllamaHost
	if ollama == "" {
		ollama = "(none: no-model mode)"
	}
	return slog.GroupValue(
		slog.String("database", db.Redact(c.DatabaseURL)),
		slog.String("readonly_database", db.Redact(c.ReadOnlyDatabaseURL)),
		slog.String("ollama", ollama),
		slog.String("chat_model", c.ChatModel),
		slog.String("embed_model", c.EmbedModel),
		slog.String("addr", c.Addr),
	)
}

// deriveReadOnlyURL points the read-only role of scripts/setup.sh at the same database.
func deriveReadOnlyURL(owner string) string {
	u, err := url.Parse(owner)
	if err != nil {
		return db.DefaultReadOnlyURL
	}
	u.User = url.UserPassword("conoscenza_ro", "conoscenza_ro")
	return u.String()
}

func newLogger(format string, level slog.Level) *slog.Logger {
	opts := &slog.HandlerOptions{Level: level}
	if format == "json" {
		return slog.New(slog.NewJSONHandler(os.Stderr, opts))
	}
	return slog.New(slog.NewTextHandler(os.Stderr, opts))
}
