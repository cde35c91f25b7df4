// Package db holds what every room shares about the database: opening the pool with clear
// errors, the embedded schema migrations, the schema-version check and the domain errors.
package db

import (
	"context"
	"errors"
	"fmt"
	"net"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgxpool"
	pgxvec "github.com/pgvector/pgvector-go/pgx"
)

// DefaultURL is the local cluster created by scripts/setup.sh.
const DefaultURL = "postgres://conoscenza:conoscenza@127.0.0.1:5432/conoscenza?sslmode=disable"

// DefaultReadOnlyURL is the read-only role created by scripts/setup.sh.
const DefaultReadOnlyURL = "postgres://conoscenza_ro:conoscenza_ro@127.0.0.1:5432/conoscenza?sslmode=disable"

// Open connects a pool to url, registers the pgvector types on each connection and pings the
// server, turning the usual failures into one line that says what to do.
func Open(ctx context.Context, url string) (*pgxpool.Pool, error) {
	cfg, err := pgxpool.ParseConfig(url)
	if err != nil {
		return nil, fmt.Errorf("database URL is not valid (%s): %w", Redact(url), err)
	}
	cfg.AfterConnect = func(ctx context.Context, c *pgx.Conn) error {
		// The vector type exists only once the extension is installed; a database without it
		// still opens, and Check reports the missing extension.
		var ok bool
		if err := c.QueryRow(ctx, "SELECT EXISTS (SELECT 1 FROM pg_type WHERE typname = 'vector')").Scan(&ok); err != nil {
			return err
		}
		if ok {
			return pgxvec.RegisterTypes(ctx, c)
		}
		return nil
	}
	pool, err := pgxpool.NewWithConfig(ctx, cfg)
	if err != nil {
		return nil, fmt.Errorf("open database pool: %w", err)
	}
	pingCtx, cancel := context.WithTimeout(ctx, 5*time.Second)
	defer cancel()
	if err := pool.Ping(pingCtx); err != nil {
		pool.Close()
		return nil, Explain(err, url)
	}
	return pool, nil
}

// Explain turns a connection error into a sentence that names the database and the fix.
func Explain(err error, url string) error {
	where := Redact(url)
	var pgErr *pgconn.PgError
	var netErr *net.OpError
	switch {
	case errors.As(err, &pgErr) && pgErr.Code == "3D000":
		return fmt.Errorf("database does not exist at %s: run `make setup` (scripts/setup.sh) or create it: %w", where, err)
	case errors.As(err, &pgErr) && pgErr.Code == "28P01":
		return fmt.Errorf("database refused the password at %s: check DATABASE_URL: %w", where, err)
	case errors.As(err, &netErr), strings.Contains(err.Error(), "connect: connection refused"):
		return fmt.Errorf("database unreachable at %s: start PostgreSQL (`make setup` or `pg_ctlcluster 15 main start`) or fix DATABASE_URL: %w", where, err)
	default:
		return fmt.Errorf("database not available at %s: %w", where, err)
	}
}

// Redact removes the password from a database URL so that it can be logged.
func Redact(url string) string {
	cfg, err := pgconn.ParseConfig(url)
	if err != nil {
		return "(unparseable URL)"
	}
	return fmt.Sprintf("postgres://%s@%s:%d/%s", cfg.User, cfg.Host, cfg.Port, cfg.Database)
}
