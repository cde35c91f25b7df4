package db

import (
	"context"
	"database/sql"
	"embed"
	"errors"
	"fmt"
	"io/fs"
	"strings"

	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/jackc/pgx/v5/stdlib"
	"github.com/pressly/goose/v3"
)

//go:embed migrations/*.sql
var migrations embed.FS

// ErrSchemaBehind means the database has not been migrated to the version this binary needs.
var ErrSchemaBehind = errors.New("database schema is behind this binary: run `conoscenza migrate`")

// ErrNoPgvector means the vector extension is not available in the server.
var ErrNoPgvector = errors.New("the pgvector extension is not installed in PostgreSQL: run `make setup` (scripts/setup.sh builds it from Debian's source package)")

func provider(pool *pgxpool.Pool) (*goose.Provider, *sql.DB, error) {
	sqlDB := stdlib.OpenDBFromPool(pool)
	sub, err := fs.Sub(migrations, "migrations")
	if err != nil {
		return nil, nil, err
	}
	// Teams number migrations in blocks (docs/TEAM.md), so a lower number may land after a
	// higher one has been applied: apply it rather than refuse.
	p, err := goose.NewProvider(goose.DialectPostgres, sqlDB, sub, goose.WithAllowOutofOrder(true))
	if err != nil {
		sqlDB.Close()
		return nil, nil, fmt.Errorf("load migrations: %w", err)
	}
	return p, sqlDB, nil
}

// MigrationResult says which versions a Migrate call applied.
type MigrationResult struct {
	From, To int64
	Applied  []int64
}

// Migrate applies every pending migration. It is idempotent: with nothing pending it
// changes nothing.
func Migrate(ctx context.Context, pool *pgxpool.Pool) (MigrationResult, error) {
	if err := checkPgvector(ctx, pool); err != nil {
		return MigrationResult{}, err
	}
	p, sqlDB, err := provider(pool)
	if err != nil {
		return MigrationResult{}, err
	}
	defer sqlDB.Close()
	from, _, err := p.GetVersions(ctx)
	if err != nil {
		return MigrationResult{}, fmt.Errorf("read schema version: %w", err)
	}
	res, err := p.Up(ctx)
	if err != nil {
		return MigrationResult{}, fmt.Errorf("migrate: %w", err)
	}
	// Out-of-order migrations may apply below the current version: To is the highest.
	out := MigrationResult{From: from, To: from}
	for _, r := range res {
		out.Applied = append(out.Applied, r.Source.Version)
		out.To = max(out.To, r.Source.Version)
	}
	return out, nil
}

// SchemaStatus reports the database's schema version and the version this binary expects.
func SchemaStatus(ctx context.Context, pool *pgxpool.Pool) (current, target int64, err error) {
	p, sqlDB, err := provider(pool)
	if err != nil {
		return 0, 0, err
	}
	defer sqlDB.Close()
	current, target, err = p.GetVersions(ctx)
	if err != nil {
		return 0, 0, fmt.Errorf("read schema version: %w", err)
	}
	return current, target, nil
}

// PendingMigrations lists the versions this binary knows that the database has not applied,
// in order. With out-of-order migrations (a lower number landing after a higher one) the
// database's version can equal the binary's while some are still pending.
func PendingMigrations(ctx context.Context, pool *pgxpool.Pool) ([]int64, error) {
	p, sqlDB, err := provider(pool)
	if err != nil {
		return nil, err
	}
	defer sqlDB.Close()
	all, err := p.Status(ctx)
	if err != nil {
		return nil, fmt.Errorf("read migration status: %w", err)
	}
	var pending []int64
	for _, m := range all {
		if m.State == goose.StatePending {
			pending = append(pending, m.Source.Version)
		}
	}
	return pending, nil
}

// CheckSchema returns ErrSchemaBehind (wrapped with both versions) unless every migration this
// binary knows has been applied, and ErrNoPgvector when the extension is missing.
func CheckSchema(ctx context.Context, pool *pgxpool.Pool) error {
	if err := checkPgvector(ctx, pool); err != nil {
		return err
	}
	p, sqlDB, err := provider(pool)
	if err != nil {
		return err
	}
	defer sqlDB.Close()
	current, target, err := p.GetVersions(ctx)
	if err != nil {
		return fmt.Errorf("read schema version: %w", err)
	}
	if current > target {
		return fmt.Errorf("database schema version %d is newer than this binary knows (%d): upgrade conoscenza", current, target)
	}
	pending, err := p.HasPending(ctx)
	if err != nil {
		return fmt.Errorf("read schema version: %w", err)
	}
	if pending {
		if current == target { // an out-of-order migration: name what is missing
			if list, err := PendingMigrations(ctx, pool); err == nil && len(list) > 0 {
				return fmt.Errorf("%w (database at version %d, migrations not applied: %s)", ErrSchemaBehind, current, versionList(list))
			}
		}
		return fmt.Errorf("%w (database at version %d, binary needs %d)", ErrSchemaBehind, current, target)
	}
	return nil
}

// versionList writes migration versions as their files are numbered (00014, 00038).
func versionList(vs []int64) string {
	out := make([]string, len(vs))
	for i, v := range vs {
		out[i] = fmt.Sprintf("%05d", v)
	}
	return strings.Join(out, ", ")
}

func checkPgvector(ctx context.Context, pool *pgxpool.Pool) error {
	var available bool
	err := pool.QueryRow(ctx, "SELECT EXISTS (SELECT 1 FROM pg_available_extensions WHERE name = 'vector')").Scan(&available)
	if err != nil {
		return fmt.Errorf("check pgvector: %w", err)
	}
	if !available {
		return ErrNoPgvector
	}
	return nil
}
