package demo

import (
	"context"
	"path/filepath"
	"strconv"
	"testing"
	"time"
)

// TestDefaultScaleIsCalibrated generates the default population (one snapshot only: the
// figures come from the latest one) and checks it against the public orders of magnitude
// for the comune of Bologna stated in docs/demo-data.md. It takes about a second.
func TestDefaultScaleIsCalibrated(t *testing.T) {
	if testing.Short() {
		t.Skip("default scale: skipped with -short")
	}
	dir := filepath.Join(t.TempDir(), "full")
	start := time.Now()
	if _, err := Generate(context.Background(), Options{OutDir: dir, Seed: calSeed, Until: testUntil, Snapshots: 1}); err != nil {
		t.Fatal(err)
	}
	fig, err := Measure(dir)
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("generated and measured in %s: %d rows, %d active", time.Since(start), fig.Rows, fig.Attive)

	between := func(what string, got, lo, hi float64) {
		t.Helper()
		if got < lo || got > hi {
			t.Errorf("%s = %.3f, want in [%g, %g]", what, got, lo, hi)
		}
	}
	between("active seats", float64(fig.Attive), 38000, 42000)
	for y := 2010; y <= 2025; y++ {
		k := strconv.Itoa(y)
		if y != 2020 {
			between("openings "+k, float64(Get(fig.Aperture, k)), 2500, 3100)
		}
		between("closures "+k, float64(Get(fig.Chiusure, k)), 2500, 3000)
	}
	between("openings 2020 vs 2019", float64(Get(fig.Aperture, "2020"))/float64(Get(fig.Aperture, "2019"))-1, -0.25, -0.20)
	lockdown := fig.Aperture2020[2] + fig.Aperture2020[3] + fig.Aperture2020[4]
	between("openings March-May 2020 as a share of Jan-Feb 2020", float64(lockdown)/float64(fig.Aperture2020[0]+fig.Aperture2020[1]), 0, 0.15)

	between("women-led share", fig.Femminili, 0.205, 0.225)
	between("youth-led share", fig.Giovanili, 0.07, 0.09)
	between("foreign-led share", fig.Straniere, 0.10, 0.12)
	between("craft share", fig.Artigiane, 0.20, 0.25)

	between("section G", GetShare(fig.Sezioni, "G"), 0.22, 0.25)
	between("section F", GetShare(fig.Sezioni, "F"), 0.11, 0.135)
	between("section I", GetShare(fig.Sezioni, "I"), 0.07, 0.09)
	between("section C", GetShare(fig.Sezioni, "C"), 0.06, 0.085)
	for _, s := range []string{"M", "N", "J", "L", "S", "K", "Q", "P", "R", "A"} {
		between("section "+s, GetShare(fig.Sezioni, s), 0.003, 0.12)
	}
	between("imprese individuali", GetShare(fig.Classi, "imprese individuali"), 0.45, 0.50)
	between("società di capitale", GetShare(fig.Classi, "società di capitale"), 0.30, 0.35)
	between("società di persone", GetShare(fig.Classi, "società di persone"), 0.13, 0.17)
	between("altre forme", GetShare(fig.Classi, "altre forme"), 0.02, 0.045)
	between("seats with 0-9 employees", GetShare(fig.Addetti, "0")+GetShare(fig.Addetti, "1-9"), 0.9, 0.96)
	between("seats with 50+ employees", GetShare(fig.Addetti, "50+"), 0.002, 0.015)

	maxOther := 0
	for _, c := range fig.CIG {
		if c.Key != "2020" && c.Key != "2021" {
			maxOther = max(maxOther, c.N)
		}
	}
	for _, y := range []string{"2020", "2021"} {
		n := Get(fig.CIG, y)
		between("CIG requests "+y+" over the largest other year", float64(n)/float64(maxOther), 5, 20)
		between("COVID-19 share of CIG requests "+y, float64(Get(fig.CIGCovid, y))/float64(n), 0.9, 1)
	}
	fis, cigo := Get(fig.CIGTipi2020_21, "FIS"), Get(fig.CIGTipi2020_21, "CIGO")
	if fis < cigo || cigo < 1000 {
		t.Errorf("2020-21 CIG types: FIS %d, CIGO %d: want FIS first, CIGO second-tier", fis, cigo)
	}
}

// calSeed is the seed of the calibration test; the ranges hold for other seeds too (checked
// for seeds 1-5 when the ranges were set).
var calSeed uint64 = 1
