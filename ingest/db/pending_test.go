package db_test

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/comune-bologna/conoscenza/ingest/db"
	"github.com/comune-bologna/conoscenza/ingest/db/dbtest"
)

// TestPendingBelowCurrentVersion: a migration numbered below the database's version that
// has not been applied (a block landing late, docs/TEAM.md) is listed as pending and fails
// the schema check, although the database's version already equals the binary's.
func TestPendingBelowCurrentVersion(t *testing.T) {
	ctx := context.Background()
	d := dbtest.Fresh(t)
	if p, err := db.PendingMigrations(ctx, d.Pool); err != nil || len(p) != 0 {
		t.Fatalf("fresh database: pending %v, %v; want none", p, err)
	}
	// Forget the record (not the effect) of the lowest migration after the foundation.
	var v int64
	if err := d.Pool.QueryRow(ctx, "SELECT min(version_id) FROM goose_db_version WHERE version_id > 1 AND is_applied").Scan(&v); err != nil {
		t.Fatal(err)
	}
	if _, err := d.Pool.Exec(ctx, "DELETE FROM goose_db_version WHERE version_id = $1", v); err != nil {
		t.Fatal(err)
	}
	cur, target, err := db.SchemaStatus(ctx, d.Pool)
	if err != nil || cur != target {
		t.Fatalf("status %d/%d, %v: the version alone should not show the gap", cur, target, err)
	}
	p, err := db.PendingMigrations(ctx, d.Pool)
	if err != nil || !slices.Equal(p, []int64{v}) {
		t.Fatalf("pending %v, %v; want [%d]", p, err, v)
	}
	err = db.CheckSchema(ctx, d.Pool)
	if !errors.Is(err, db.ErrSchemaBehind) {
		t.Fatalf("CheckSchema = %v; want ErrSchemaBehind", err)
	}
	if want := fmt.Sprintf("migrations not applied: %05d", v); !strings.Contains(err.Error(), want) {
		t.Errorf("CheckSchema = %q; want it to name the missing migration (%s)", err, want)
	}
}
