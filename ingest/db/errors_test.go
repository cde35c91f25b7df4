package db_test

import (
	"context"
	"fmt"
	"net"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"

	"github.com/comune-bologna/conoscenza/ingest/db"
	"github.com/comune-bologna/conoscenza/ingest/db/dbtest"
)

// TestUnreachableDatabaseIsUnavailableNotInternal: a database that refuses connections or
// drops them (a restart) is a 503 that a retry may cure, with a message safe to show.
func TestUnreachableDatabaseIsUnavailableNotInternal(t *testing.T) {
	ctx := context.Background()
	// A port nobody listens on.
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	l.Close()
	_, err = pgx.Connect(ctx, fmt.Sprintf("postgres://x:y@%s/z?sslmode=disable&connect_timeout=2", addr))
	if err == nil {
		t.Fatal("connected to a closed port")
	}
	wrapped := fmt.Errorf("open conversation: %w", err)
	if db.ErrorCode(wrapped) != db.CodeUnavailable || db.ErrorMessage(wrapped) == "internal error" {
		t.Errorf("refused connection: code %s message %q (%v)", db.ErrorCode(wrapped), db.ErrorMessage(wrapped), err)
	}

	// A backend terminated under a session, as a restart does (SQLSTATE 57P01).
	d := dbtest.Shared(t)
	conn, err := pgx.Connect(ctx, d.URL)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(ctx)
	var pid int
	if err := conn.QueryRow(ctx, "SELECT pg_backend_pid()").Scan(&pid); err != nil {
		t.Fatal(err)
	}
	if _, err := d.Pool.Exec(ctx, "SELECT pg_terminate_backend($1)", pid); err != nil {
		t.Fatal(err)
	}
	time.Sleep(100 * time.Millisecond)
	_, err = conn.Exec(ctx, "SELECT 1")
	if err == nil {
		t.Fatal("a terminated backend answered")
	}
	if db.ErrorCode(err) != db.CodeUnavailable {
		t.Errorf("terminated backend: code %s (%v)", db.ErrorCode(err), err)
	}

	// Not the database's absence: a constraint, a caller that gave up, a domain error.
	for _, e := range []error{
		&pgconn.PgError{Code: "23505"},
		fmt.Errorf("query: %w", context.Canceled),
		fmt.Errorf("query: %w", context.DeadlineExceeded),
	} {
		if db.Unreachable(e) || db.ErrorCode(e) != db.CodeInternal {
			t.Errorf("%v: unreachable %v code %s", e, db.Unreachable(e), db.ErrorCode(e))
		}
	}
	if c := db.ErrorCode(&db.Error{Code: db.CodeNotFound, Err: &pgconn.ConnectError{}}); c != db.CodeNotFound {
		t.Errorf("a domain error's own code wins: %s", c)
	}
}

// TestMissingRelationSaysMigrate: a binary newer than its database (a pending migration)
// reading a relation that migration creates gets an error that says what to do.
func TestMissingRelationSaysMigrate(t *testing.T) {
	d := dbtest.Empty(t)
	_, err := d.Pool.Exec(context.Background(), "SELECT * FROM agg_stato")
	got := db.Translate(err, "read aggregates")
	if db.ErrorCode(got) != db.CodeUnavailable || !strings.Contains(got.Error(), "conoscenza migrate") ||
		!strings.Contains(got.Error(), "agg_stato") {
		t.Fatalf("Translate(missing relation) = %v (code %s); want unavailable, naming the relation and `conoscenza migrate`", got, db.ErrorCode(got))
	}
}
