package ingest_test

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/comune-bologna/conoscenza/ingest"
	"github.com/comune-bologna/conoscenza/ingest/internal/benchgen"
)

// A first snapshot large enough for the bulk path (no indexes while writing) still rejects a
// duplicate codice fiscale, keeps the first row, and leaves every index in place.
func TestLargeFirstSnapshotUsesBulkPathAndStillRejectsDuplicates(t *testing.T) {
	f := newFixture(t)
	dir := t.TempDir()
	var st, im bytes.Buffer
	if err := benchgen.WriteStradario(&st); err != nil {
		t.Fatal(err)
	}
	if _, err := benchgen.WriteImprese(&im, benchgen.Snapshot{Rows: 12_000, AsOf: day("2026-10-31")}); err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimRight(im.String(), "\r\n"), "\r\n")
	dup := strings.Replace(lines[5], "IMPRESA", "DOPPIONE", 1)
	dup = strings.Replace(dup, "TITOLARE", "DOPPIONE", 1)
	im.WriteString(dup + "\r\n")
	_ = os.WriteFile(filepath.Join(dir, "stradario.csv"), st.Bytes(), 0o644)
	_ = os.WriteFile(filepath.Join(dir, "imprese_2026-10.csv"), im.Bytes(), 0o644)

	indexes := `SELECT count(*) FROM pg_indexes WHERE tablename IN ('imprese', 'imprese_storia')`
	before := f.count(indexes)
	f.load(ingest.KindStradario, filepath.Join(dir, "stradario.csv"), ingest.Options{})
	sum := f.load(ingest.KindImprese, filepath.Join(dir, "imprese_2026-10.csv"), ingest.Options{})
	if sum.Read != 12_001 || sum.Loaded != 12_000 || sum.Rejected != 1 || sum.Stats["caricamento_massivo"] != 1 {
		t.Fatalf("summary = read %d loaded %d rejected %d stats %v", sum.Read, sum.Loaded, sum.Rejected, sum.Stats)
	}
	if r := sum.Rejections[0]; r.Line != 12_002 || r.Column != "C-FISCALE" || !strings.Contains(r.Reason, "riga 6") {
		t.Errorf("rejection = %+v", r)
	}
	if n := f.count(`SELECT count(*) FROM imprese WHERE denominazione LIKE 'DOPPIONE%'`); n != 0 {
		t.Errorf("the duplicate replaced the first row")
	}
	if after := f.count(indexes); after != before {
		t.Errorf("indexes before %d, after %d", before, after)
	}
	if n := f.count(`SELECT count(*) FROM imprese_storia`); n != 12_000 {
		t.Errorf("%d versions", n)
	}
	if *sum.MatchRate < 0.95 {
		t.Errorf("match rate %v", *sum.MatchRate)
	}
}
