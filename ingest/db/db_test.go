package db_test

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/comune-bologna/conoscenza/ingest/db"
	"github.com/comune-bologna/conoscenza/ingest/db/dbtest"
)

func TestMain(m *testing.M) { dbtest.Main(m) }

func TestMigrateIsIdempotentAndCheckSchemaFollowsIt(t *testing.T) {
	ctx := context.Background()
	d := dbtest.Empty(t)

	err := db.CheckSchema(ctx, d.Pool)
	if !errors.Is(err, db.ErrSchemaBehind) {
		t.Fatalf("CheckSchema on an empty database = %v, want ErrSchemaBehind", err)
	}
	if !strings.Contains(err.Error(), "conoscenza migrate") {
		t.Errorf("error should say how to fix it, got %q", err)
	}

	first, err := db.Migrate(ctx, d.Pool)
	if err != nil {
		t.Fatalf("first migrate: %v", err)
	}
	if len(first.Applied) == 0 || first.From != 0 {
		t.Fatalf("first migrate applied %v from %d, want all from 0", first.Applied, first.From)
	}
	second, err := db.Migrate(ctx, d.Pool)
	if err != nil {
		t.Fatalf("second migrate: %v", err)
	}
	if len(second.Applied) != 0 || second.From != first.To {
		t.Fatalf("second migrate applied %v (from %d), want nothing from %d", second.Applied, second.From, first.To)
	}
	if err := db.CheckSchema(ctx, d.Pool); err != nil {
		t.Fatalf("CheckSchema after migrate: %v", err)
	}
}

func TestSchemaHasVectorIndexAndItalianFullText(t *testing.T) {
	ctx := context.Background()
	d := dbtest.Shared(t)
	var idx string
	err := d.Pool.QueryRow(ctx, `SELECT indexdef FROM pg_indexes WHERE indexname = 'chunks_embedding'`).Scan(&idx)
	if err != nil {
		t.Fatalf("read chunks_embedding: %v", err)
	}
	if !strings.Contains(idx, "hnsw") {
		t.Errorf("chunks_embedding is %q, want an HNSW index", idx)
	}
	var tsv string
	if err := d.Pool.QueryRow(ctx, `SELECT to_tsvector('italian', 'imprese femminili')::text`).Scan(&tsv); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(tsv, "impres") || !strings.Contains(tsv, "femminil") {
		t.Errorf("italian stemming = %q", tsv)
	}
}

// The audit log moved to schema audit in migration 00040; agent/audit tests the protection in
// depth. Sealed, the owner role is refused by privileges; unsealed, by the append-only trigger.
func TestAuditLogRefusesUpdateAndDelete(t *testing.T) {
	ctx := context.Background()
	d := dbtest.Shared(t)
	if _, err := d.Pool.Exec(ctx, `INSERT INTO audit.audit_log (actor, action) VALUES ('t', 'x')`); err != nil {
		t.Fatal(err)
	}
	for _, stmt := range []string{`UPDATE audit.audit_log SET actor = 'y'`, `DELETE FROM audit.audit_log`, `TRUNCATE audit.audit_log`} {
		if _, err := d.Pool.Exec(ctx, stmt); err == nil ||
			!(strings.Contains(err.Error(), "append-only") || strings.Contains(err.Error(), "permission denied")) {
			t.Errorf("%s: err = %v, want a refusal", stmt, err)
		}
	}
}

func TestOpenExplainsUnreachableDatabase(t *testing.T) {
	_, err := db.Open(context.Background(), "postgres://x:y@127.0.0.1:1/nothing?sslmode=disable&connect_timeout=2")
	if err == nil || !strings.Contains(err.Error(), "database unreachable") || strings.Contains(err.Error(), "x:y") {
		t.Fatalf("err = %v, want a one-line 'database unreachable' without the password", err)
	}
}

func TestOpenExplainsMissingDatabase(t *testing.T) {
	url := strings.Replace(dbtest.Shared(t).URL, "cz_test_", "cz_missing_", 1)
	_, err := db.Open(context.Background(), url)
	if err == nil || !strings.Contains(err.Error(), "does not exist") {
		t.Fatalf("err = %v, want 'does not exist'", err)
	}
}
