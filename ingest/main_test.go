package ingest_test

import (
	"context"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/comune-bologna/conoscenza/ingest"
	"github.com/comune-bologna/conoscenza/ingest/db/dbtest"
)

func TestMain(m *testing.M) { dbtest.Main(m) }

// fixture is a fresh database with a loader over it.
type fixture struct {
	t      *testing.T
	db     *dbtest.DB
	loader *ingest.Loader
}

func newFixture(t *testing.T) *fixture {
	t.Helper()
	d := dbtest.Fresh(t)
	return &fixture{t: t, db: d, loader: ingest.New(d.Pool, nil)}
}

func testdata(name string) string { return filepath.Join("testdata", name) }

// benchFixture is the fixture for benchmarks.
type benchFixture struct{ loader *ingest.Loader }

func newFixtureTB(b *testing.B) *benchFixture {
	b.Helper()
	return &benchFixture{loader: ingest.New(dbtest.Fresh(b).Pool, nil)}
}

func (f *benchFixture) mustLoad(b *testing.B, kind ingest.Kind, path string) ingest.Summary {
	b.Helper()
	sum, err := f.loader.LoadFile(context.Background(), kind, path, ingest.Options{})
	if err != nil {
		b.Fatalf("load %s: %v", path, err)
	}
	return sum
}

// load loads a file and fails the test on error.
func (f *fixture) load(kind ingest.Kind, path string, opts ingest.Options) ingest.Summary {
	f.t.Helper()
	sum, err := f.loader.LoadFile(context.Background(), kind, path, opts)
	if err != nil {
		f.t.Fatalf("load %s %s: %v", kind, path, err)
	}
	return sum
}

// count runs a count query.
func (f *fixture) count(sql string, args ...any) int {
	f.t.Helper()
	var n int
	if err := f.db.Pool.QueryRow(context.Background(), sql, args...).Scan(&n); err != nil {
		f.t.Fatalf("%s: %v", sql, err)
	}
	return n
}

func (f *fixture) str(sql string, args ...any) string {
	f.t.Helper()
	var s *string
	if err := f.db.Pool.QueryRow(context.Background(), sql, args...).Scan(&s); err != nil {
		f.t.Fatalf("%s: %v", sql, err)
	}
	if s == nil {
		return "<NULL>"
	}
	return *s
}

// examplesDir is ../shared/formats/examples beside the repository, where CI puts shared/.
func examplesDir(t *testing.T) string {
	t.Helper()
	dir, _ := os.Getwd()
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			break
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			t.Skip("repository root not found")
		}
		dir = parent
	}
	ex := filepath.Join(dir, "..", "shared", "formats", "examples")
	if _, err := os.Stat(ex); err != nil {
		t.Skipf("shared examples not found at %s (CI puts shared/ beside the clone): %v", ex, err)
	}
	return ex
}

func day(s string) time.Time {
	t, err := time.Parse(time.DateOnly, s)
	if err != nil {
		panic(err)
	}
	return t
}
