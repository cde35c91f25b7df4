// Package dbtest gives tests a real, freshly migrated PostgreSQL database of their own.
//
// Each test binary (one per package) creates one database from template1 (which carries the
// vector extension, see scripts/setup.sh), migrates it, and drops it when the binary exits.
// Set TEST_DATABASE_URL (or DATABASE_URL) to point at another server; the role needs CREATEDB.
package dbtest

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"os"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/comune-bologna/conoscenza/ingest/db"
)

// DB is one test database.
type DB struct {
	Name  string
	URL   string // the owner role's URL
	ROURL string // the read-only role's URL
	Pool  *pgxpool.Pool
}

var (
	mu     sync.Mutex
	shared *DB
	admin  string
)

// BaseURL is the server the tests use.
func BaseURL() string {
	for _, k := range []string{"TEST_DATABASE_URL", "DATABASE_URL"} {
		if v := os.Getenv(k); v != "" {
			return v
		}
	}
	return db.DefaultURL
}

// Main wraps testing.M: it runs the tests and drops the package's database afterwards.
// Use it from TestMain: `func TestMain(m *testing.M) { dbtest.Main(m) }`.
func Main(m *testing.M) { MainWith(m, nil) }

// MainWith is Main with a cleanup run after the tests and before the database is dropped (to
// stop a server that uses it, say).
func MainWith(m *testing.M, cleanup func()) {
	sweep(context.Background(), time.Now().Add(-staleAfter))
	code := m.Run()
	if cleanup != nil {
		cleanup()
	}
	mu.Lock()
	if shared != nil {
		shared.Pool.Close()
		if err := drop(context.Background(), shared.Name); err != nil {
			fmt.Fprintf(os.Stderr, "dbtest: dropping %s: %v\n", shared.Name, err)
		}
	}
	mu.Unlock()
	os.Exit(code)
}

// Shared returns the package's migrated database, creating it on first use. Tests that share
// it must not assume it is empty: use Fresh for that.
func Shared(t testing.TB) *DB {
	t.Helper()
	mu.Lock()
	defer mu.Unlock()
	if shared == nil {
		d, err := create(context.Background(), true)
		if err != nil {
			t.Fatalf("test database: %v", err)
		}
		shared = d
	}
	return shared
}

// Fresh creates a new migrated database for this test alone, dropped in t.Cleanup.
func Fresh(t testing.TB) *DB { return own(t, true) }

// Empty creates a database with no migrations applied, dropped in t.Cleanup.
func Empty(t testing.TB) *DB { return own(t, false) }

// own creates a database that belongs to one test and is dropped when it ends.
func own(t testing.TB, migrate bool) *DB {
	t.Helper()
	d, err := create(context.Background(), migrate)
	if err != nil {
		t.Fatalf("test database: %v", err)
	}
	t.Cleanup(func() {
		d.Pool.Close()
		if err := drop(context.Background(), d.Name); err != nil {
			t.Logf("dropping test database %s: %v", d.Name, err)
		}
	})
	return d
}

func create(ctx context.Context, migrate bool) (*DB, error) {
	base := BaseURL()
	name := fmt.Sprintf("%s%d_%s", prefix, time.Now().Unix(), randomSuffix())
	conn, err := pgx.Connect(ctx, base)
	if err != nil {
		return nil, db.Explain(err, base)
	}
	defer conn.Close(ctx)
	if _, err := conn.Exec(ctx, "CREATE DATABASE "+name+" TEMPLATE template1"); err != nil {
		return nil, fmt.Errorf("create %s: %w", name, err)
	}
	url := WithDatabase(base, name)
	pool, err := db.Open(ctx, url)
	if err != nil {
		return nil, err
	}
	if migrate {
		if _, err := db.Migrate(ctx, pool); err != nil {
			pool.Close()
			return nil, err
		}
		// Reopen so that every connection registers the vector types the migration made sure of.
		pool.Close()
		if pool, err = db.Open(ctx, url); err != nil {
			return nil, err
		}
	}
	ro := os.Getenv("TEST_DATABASE_RO_URL")
	if ro == "" {
		ro = db.DefaultReadOnlyURL
	}
	return &DB{Name: name, URL: url, ROURL: WithDatabase(ro, name), Pool: pool}, nil
}

// drop drops a test database. WITH (FORCE) ends the sessions still connected, but only those
// of roles the base URL's user may signal: a read-only or audit session whose pool was just
// closed can linger for a moment while its backend exits (a busy machine), and the drop is
// refused (42501). It is retried until those sessions are gone, for up to 20 seconds.
func drop(ctx context.Context, name string) error {
	ctx, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	conn, err := pgx.Connect(ctx, BaseURL())
	if err != nil {
		return err
	}
	defer conn.Close(ctx)
	deadline := time.Now().Add(20 * time.Second)
	for {
		_, err = conn.Exec(ctx, "DROP DATABASE IF EXISTS "+name+" WITH (FORCE)")
		var pgErr *pgconn.PgError
		if err == nil || !errors.As(err, &pgErr) || pgErr.Code != "42501" || time.Now().After(deadline) {
			return err
		}
		select {
		case <-ctx.Done():
			return err
		case <-time.After(200 * time.Millisecond):
		}
	}
}

const (
	// prefix starts every test database's name; the creation time (Unix seconds) follows.
	prefix = "cz_test_"
	// staleAfter is how old a test database must be for sweep to drop it: far beyond the
	// longest test binary (make test's timeout is 25 minutes), so none still in use is touched.
	staleAfter = 3 * time.Hour
)

// sweep drops the test databases created before the cutoff: those of test binaries killed
// before they could drop their own (a timeout, an interrupted run), which would otherwise
// pile up on a long-lived machine. Names without a creation time are left alone. Best
// effort: a failure is reported on stderr and the tests run anyway.
func sweep(ctx context.Context, cutoff time.Time) {
	ctx, cancel := context.WithTimeout(ctx, time.Minute)
	defer cancel()
	conn, err := pgx.Connect(ctx, BaseURL())
	if err != nil {
		return // the tests will say why the server is unreachable
	}
	defer conn.Close(ctx)
	rows, err := conn.Query(ctx, "SELECT datname FROM pg_database WHERE starts_with(datname, $1)", prefix)
	if err != nil {
		fmt.Fprintf(os.Stderr, "dbtest: listing old test databases: %v\n", err)
		return
	}
	names, err := pgx.CollectRows(rows, pgx.RowTo[string])
	if err != nil {
		fmt.Fprintf(os.Stderr, "dbtest: listing old test databases: %v\n", err)
		return
	}
	for _, name := range names {
		if created, ok := createdAt(name); ok && created.Before(cutoff) {
			if err := drop(ctx, name); err != nil {
				fmt.Fprintf(os.Stderr, "dbtest: dropping stale %s: %v\n", name, err)
			}
		}
	}
}

// createdAt reads the creation time from a test database's name (prefix, Unix seconds, _).
func createdAt(name string) (time.Time, bool) {
	rest, ok := strings.CutPrefix(name, prefix)
	if !ok {
		return time.Time{}, false
	}
	secs, _, ok := strings.Cut(rest, "_")
	if !ok {
		return time.Time{}, false
	}
	n, err := strconv.ParseInt(secs, 10, 64)
	if err != nil || n <= 0 {
		return time.Time{}, false
	}
	return time.Unix(n, 0), true
}

// WithDatabase replaces the database name in a postgres:// URL.
func WithDatabase(url, name string) string {
	q := ""
	if i := strings.IndexByte(url, '?'); i >= 0 {
		url, q = url[:i], url[i:]
	}
	if i := strings.LastIndexByte(url, '/'); i > len("postgres://") {
		url = url[:i]
	}
	return url + "/" + name + q
}

func randomSuffix() string {
	b := make([]byte, 6)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}
