package dbtest

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
)

func TestMain(m *testing.M) { Main(m) }

func TestCreatedAt(t *testing.T) {
	for name, want := range map[string]int64{
		"cz_test_1764093000_ab12cd34ef56": 1764093000,
		"cz_test_ab12cd34ef56":            0, // the old names, without a time: never swept
		"cz_test_x_ab12":                  0,
		"conoscenza":                      0,
	} {
		got, ok := createdAt(name)
		if ok != (want != 0) || (ok && got.Unix() != want) {
			t.Errorf("createdAt(%q) = %v, %v; want %d", name, got, ok, want)
		}
	}
}

// TestSweepDropsOnlyStale creates a database named as if made four hours ago and one made
// now, sweeps, and checks that only the old one is gone.
func TestSweepDropsOnlyStale(t *testing.T) {
	ctx := context.Background()
	conn, err := pgx.Connect(ctx, BaseURL())
	if err != nil {
		t.Skipf("no database server: %v", err)
	}
	defer conn.Close(ctx)
	old := fmt.Sprintf("%s%d_%s", prefix, time.Now().Add(-4*time.Hour).Unix(), randomSuffix())
	if _, err := conn.Exec(ctx, "CREATE DATABASE "+old); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = drop(ctx, old) })
	current := Fresh(t)
	sweep(ctx, time.Now().Add(-staleAfter))
	exists := func(name string) bool {
		var n int
		if err := conn.QueryRow(ctx, "SELECT count(*) FROM pg_database WHERE datname = $1", name).Scan(&n); err != nil {
			t.Fatal(err)
		}
		return n == 1
	}
	if exists(old) {
		t.Errorf("stale database %s survived the sweep", old)
	}
	if !exists(current.Name) {
		t.Errorf("current database %s was dropped by the sweep", current.Name)
	}
	if _, ok := createdAt(current.Name); !ok {
		t.Errorf("a new test database's name %q carries no creation time", current.Name)
	}
}

// TestDropWaitsForReadOnlySessions keeps a read-only session open on a test database while it
// is dropped, and ends it half a second later: the owner may not end another role's session,
// so a single DROP ... WITH (FORCE) is refused and the database would be left behind; drop
// must wait for the session to go and then drop it.
func TestDropWaitsForReadOnlySessions(t *testing.T) {
	ctx := context.Background()
	d, err := create(ctx, false)
	if err != nil {
		t.Skipf("no database server: %v", err)
	}
	d.Pool.Close()
	ro, err := pgx.Connect(ctx, d.ROURL)
	if err != nil {
		_ = drop(ctx, d.Name)
		t.Fatalf("read-only session: %v", err)
	}
	go func() {
		time.Sleep(500 * time.Millisecond)
		ro.Close(ctx)
	}()
	if err := drop(ctx, d.Name); err != nil {
		t.Fatalf("drop with a read-only session open: %v", err)
	}
	conn, err := pgx.Connect(ctx, BaseURL())
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(ctx)
	var n int
	if err := conn.QueryRow(ctx, "SELECT count(*) FROM pg_database WHERE datname = $1", d.Name).Scan(&n); err != nil {
		t.Fatal(err)
	}
	if n != 0 {
		t.Fatalf("%s still exists after drop", d.Name)
	}
}
