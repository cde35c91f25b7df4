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
