// Package demo generates a fictional but realistic business register of the comune of Bologna
// and the city's other monthly files (CIG requests, SUAP permits, grants, street register) in
// the formats of ../shared/formats/README.md, with a few deliberately dirty rows listed in a
// manifest. Everything it writes is synthetic: no real company, person or amount.
package demo

import (
	"context"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"time"
)

// Options configures one generation.
type Options struct {
	OutDir    string    // created if missing
	Seed      uint64    // same seed and Until: byte-identical files
	Until     time.Time // the last month covered (any day in it); zero: the last complete month before today
	Snapshots int       // monthly register snapshots up to Until; 0 means 12
	Scale     float64   // multiplies the company population; 0 means 1
}

// Manifest describes what Generate wrote; it is also saved as manifest.json in OutDir.
type Manifest struct {
	Fictional          bool        `json:"fictional"`
	Note               string      `json:"note"`
	Seed               uint64      `json:"seed"`
	Until              string      `json:"until"` // yyyy-mm
	Scale              float64     `json:"scale"`
	Files              []FileInfo  `json:"files"`
	Dirty              []DirtyRow  `json:"dirty"`
	UnmatchedAddresses []Unmatched `json:"unmatched_addresses"`
}

// FileInfo is one written file. Rows count data rows (not the header), dirty ones included.
type FileInfo struct {
	Name      string `json:"name"`
	Kind      string `json:"kind"`  // imprese, stradario, cig, suap, contributi
	AsOf      string `json:"as_of"` // yyyy-mm-dd
	Rows      int    `json:"rows"`
	DirtyRows int    `json:"dirty_rows"`
}

// DirtyRow is a row injected on purpose that the loader must reject. Line counts the header
// as line 1; Column is empty when the row as a whole is wrong (wrong column count).
type DirtyRow struct {
	File   string `json:"file"`
	Line   int    `json:"line"`
	Column string `json:"column"`
	Value  string `json:"value"`
	Kind   string `json:"kind"`
	Reason string `json:"reason"`
}

// Unmatched is a valid register row whose address matches no row of stradario.csv: the
// loader keeps it and marks it "non attribuito".
type Unmatched struct {
	File  string `json:"file"`
	Line  int    `json:"line"`
	Value string `json:"value"`
}

// ManifestFile is the name of the manifest in the output directory.
const ManifestFile = "manifest.json"

const (
	fileStradario  = "stradario.csv"
	fileCIG        = "cig.csv"
	fileSUAP       = "suap.csv"
	fileContributi = "contributi.csv"
)

// LastCompleteMonth returns the first day of the month before now's month.
func LastCompleteMonth(now time.Time) time.Time {
	return time.Date(now.Year(), now.Month()-1, 1, 0, 0, 0, 0, time.UTC)
}

// generator carries one generation's state.
type generator struct {
	opt   Options
	until month
	terr  *territory
	pop   *population
	man   Manifest
}

// Generate writes the demo files into opt.OutDir and returns (and saves) the manifest.
func Generate(ctx context.Context, opt Options) (Manifest, error) {
	if opt.Until.IsZero() {
		opt.Until = LastCompleteMonth(time.Now())
	}
	if opt.Snapshots == 0 {
		opt.Snapshots = 12
	}
	if opt.Scale == 0 {
		opt.Scale = 1
	}
	until := mkmonth(opt.Until.Year(), int(opt.Until.Month()))
	switch {
	case opt.OutDir == "":
		return Manifest{}, fmt.Errorf("demo: no output directory")
	case opt.Scale < 0 || opt.Scale > 20:
		return Manifest{}, fmt.Errorf("demo: scale %g must be in (0, 20]", opt.Scale)
	case opt.Snapshots < 1 || opt.Snapshots > 120:
		return Manifest{}, fmt.Errorf("demo: snapshots %d must be in 1..120", opt.Snapshots)
	case until < mkmonth(2011, 1):
		return Manifest{}, fmt.Errorf("demo: until %s is before 2011-01: the data covers 2010 onwards", until)
	}
	if err := os.MkdirAll(opt.OutDir, 0o755); err != nil {
		return Manifest{}, fmt.Errorf("demo: %w", err)
	}
	terr, err := newTerritory()
	if err != nil {
		return Manifest{}, err
	}
	g := &generator{opt: opt, until: until, terr: terr}
	g.man = Manifest{Fictional: true, Seed: opt.Seed, Until: until.String(), Scale: opt.Scale,
		Note:  "Dati interamente fittizi generati da conoscenza demo generate: nessuna impresa, persona o importo reale.",
		Dirty: []DirtyRow{}, UnmatchedAddresses: []Unmatched{}}
	g.pop = simulate(rand.New(rand.NewPCG(opt.Seed, 1)), terr, until, opt.Scale)

	n, err := terr.writeStradario(opt.OutDir)
	if err != nil {
		return Manifest{}, err
	}
	g.man.Files = append(g.man.Files, FileInfo{Name: fileStradario, Kind: "stradario", AsOf: until.last().String(), Rows: n})
	for i := opt.Snapshots - 1; i >= 0; i-- {
		if err := ctx.Err(); err != nil {
			return Manifest{}, err
		}
		m := until - month(i)
		info, err := g.writeSnapshot(m, opt.Snapshots-1-i)
		if err != nil {
			return Manifest{}, err
		}
		g.man.Files = append(g.man.Files, info)
	}
	for _, w := range []func() (FileInfo, error){g.writeCIG, g.writeSUAP, g.writeContributi} {
		if err := ctx.Err(); err != nil {
			return Manifest{}, err
		}
		info, err := w()
		if err != nil {
			return Manifest{}, err
		}
		g.man.Files = append(g.man.Files, info)
	}
	b, err := json.MarshalIndent(g.man, "", "  ")
	if err != nil {
		return Manifest{}, fmt.Errorf("demo: manifest: %w", err)
	}
	if err := os.WriteFile(filepath.Join(opt.OutDir, ManifestFile), append(b, '\n'), 0o644); err != nil {
		return Manifest{}, fmt.Errorf("demo: write manifest: %w", err)
	}
	return g.man, nil
}

// ReadManifest reads manifest.json from a directory written by Generate.
func ReadManifest(dir string) (Manifest, error) {
	var m Manifest
	b, err := os.ReadFile(filepath.Join(dir, ManifestFile))
	if err != nil {
		return m, fmt.Errorf("demo: read manifest: %w", err)
	}
	if err := json.Unmarshal(b, &m); err != nil {
		return m, fmt.Errorf("demo: parse %s: %w", ManifestFile, err)
	}
	return m, nil
}
