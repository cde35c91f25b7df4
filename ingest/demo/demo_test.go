package demo

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"
)

func TestSameSeedAndMonthGiveByteIdenticalFiles(t *testing.T) {
	gen := func(name string, seed uint64) string {
		dir := filepath.Join(t.TempDir(), name)
		if _, err := Generate(context.Background(), Options{OutDir: dir, Seed: seed, Until: testUntil, Snapshots: 3, Scale: 0.05}); err != nil {
			t.Fatal(err)
		}
		return dir
	}
	a, b, c := gen("a", 42), gen("b", 42), gen("c", 43)
	entries, err := os.ReadDir(a)
	if err != nil || len(entries) != 8 { // stradario, 3 snapshots, cig, suap, contributi, manifest
		t.Fatalf("files: %v %v", entries, err)
	}
	differs := false
	for _, e := range entries {
		x, _ := os.ReadFile(filepath.Join(a, e.Name()))
		y, err := os.ReadFile(filepath.Join(b, e.Name()))
		if err != nil || !bytes.Equal(x, y) {
			t.Errorf("%s differs between two runs with the same seed", e.Name())
		}
		z, _ := os.ReadFile(filepath.Join(c, e.Name()))
		differs = differs || !bytes.Equal(x, z)
	}
	if !differs {
		t.Error("another seed gave identical files")
	}
}

func TestOptionsAreChecked(t *testing.T) {
	for _, o := range []Options{
		{},
		{OutDir: t.TempDir(), Scale: -1},
		{OutDir: t.TempDir(), Snapshots: 500},
		{OutDir: t.TempDir(), Until: time.Date(2009, 5, 1, 0, 0, 0, 0, time.UTC)},
	} {
		if _, err := Generate(context.Background(), o); err == nil {
			t.Errorf("Generate(%+v) accepted bad options", o)
		}
	}
	if got := LastCompleteMonth(time.Date(2026, 1, 15, 10, 0, 0, 0, time.UTC)); got.Format("2006-01") != "2025-12" {
		t.Errorf("LastCompleteMonth = %v", got)
	}
}

// street is one stradario row as the tests read it.
type street struct {
	from, to  int
	par       string
	quartiere string
}

var civicRE = regexp.MustCompile(`^(.*?),?\s+(?:N\. )?(\d+)(?:/[A-Z0-9]+| BIS)?$`)

var expand = strings.NewReplacer("V. ", "VIA ", "V.LE ", "VIALE ", "P.ZZA ", "PIAZZA ", "P.LE ", "PIAZZALE ", "L.GO ", "LARGO ", "STR. ", "STRADA ")

// matcher resolves register addresses against stradario.csv the way docs/demo-data.md tells
// the loader to: expand the abbreviated street type, drop "N." and the civic's suffix, then
// find the row whose range and parity cover the civic.
func matcher(t *testing.T, dir string) func(addr string) (string, bool) {
	_, rows := readLines(t, filepath.Join(dir, fileStradario))
	byName := map[string][]street{}
	for _, r := range rows {
		from, _ := strconv.Atoi(r.f[2])
		to, _ := strconv.Atoi(r.f[3])
		byName[r.f[1]] = append(byName[r.f[1]], street{from, to, r.f[4], r.f[6]})
	}
	return func(addr string) (string, bool) {
		m := civicRE.FindStringSubmatch(addr)
		if m == nil {
			return "", false
		}
		name := m[1]
		for _, prefix := range []string{"V. ", "V.LE ", "P.ZZA ", "P.LE ", "L.GO ", "STR. "} {
			if strings.HasPrefix(name, prefix) {
				name = expand.Replace(prefix) + name[len(prefix):]
				break
			}
		}
		n, _ := strconv.Atoi(m[2])
		for _, s := range byName[name] {
			if n >= s.from && n <= s.to && (s.par == "T" || s.par == "P" && n%2 == 0 || s.par == "D" && n%2 == 1) {
				return s.quartiere, true
			}
		}
		return "", false
	}
}

func TestAddressesMatchTheStreetRegisterExceptTheListedOnes(t *testing.T) {
	dir, man := smallDemo(t)
	match := matcher(t, dir)
	unmatched := map[string]bool{}
	for _, u := range man.UnmatchedAddresses {
		unmatched[u.File+":"+strconv.Itoa(u.Line)] = true
	}
	last := man.Files[len(man.Files)-4].Name // the latest snapshot precedes cig, suap, contributi
	dirty := dirtyLines(man, last)
	_, rows := readLines(t, filepath.Join(dir, last))
	misses := 0
	for _, r := range rows {
		if dirty[r.n] {
			continue
		}
		_, ok := match(r.f[11])
		if listed := unmatched[last+":"+strconv.Itoa(r.n)]; ok == listed {
			t.Errorf("line %d: address %q matched=%v but listed as unmatched=%v", r.n, r.f[11], ok, listed)
		}
		if !ok {
			misses++
		}
	}
	if misses == 0 || misses > len(rows)/500 {
		t.Errorf("%d unmatched addresses out of %d: want a handful", misses, len(rows))
	}
}

func dirtyLines(man Manifest, file string) map[int]bool {
	out := map[int]bool{}
	for _, d := range man.Dirty {
		if d.File == file {
			out[d.Line] = true
		}
	}
	return out
}

func TestSnapshotsTellAConsistentHistory(t *testing.T) {
	dir, man := smallDemo(t)
	match := matcher(t, dir)
	type seen struct {
		cf, reg, state, cess, addr, quartiere string
	}
	prev := map[string]seen{}
	var prevAsOf string
	var moves, quartiereMoves, liquidations, closedAfterLiq, late, births int
	for _, f := range man.Files {
		if f.Kind != "imprese" {
			continue
		}
		dirty := dirtyLines(man, f.Name)
		_, rows := readLines(t, filepath.Join(dir, f.Name))
		cur := map[string]seen{}
		for _, r := range rows {
			if dirty[r.n] {
				continue
			}
			q, _ := match(r.f[11])
			s := seen{r.f[2], r.f[6], r.f[9], r.f[8], r.f[11], q}
			cur[r.f[1]] = s
			p, ok := prev[r.f[1]]
			if !ok {
				if prevAsOf != "" {
					births++
				}
				continue
			}
			switch {
			case p.cf != s.cf || p.reg != s.reg:
				t.Errorf("%s REA %s: codice fiscale or registration changed", f.Name, r.f[1])
			case p.state == "CESSATA" && s.state != "CESSATA":
				t.Errorf("%s REA %s: reopened after closure", f.Name, r.f[1])
			}
			if p.addr != s.addr {
				moves++
				if p.quartiere != s.quartiere {
					quartiereMoves++
				}
			}
			if p.state == "ATTIVA" && s.state == "IN LIQUIDAZIONE" {
				liquidations++
			}
			if p.state == "IN LIQUIDAZIONE" && s.state == "CESSATA" {
				closedAfterLiq++
			}
			if p.state != "CESSATA" && s.cess != "" && strings.ReplaceAll(prevAsOf, "-", "") >= s.cess {
				late++ // closed before the previous as-of date, but it only shows now
			}
		}
		for rea := range prev {
			if _, ok := cur[rea]; !ok {
				t.Errorf("%s: REA %s disappeared", f.Name, rea)
			}
		}
		prev, prevAsOf = cur, f.AsOf
	}
	t.Logf("births %d, moves %d (quartiere changed %d), ATTIVA→IN LIQUIDAZIONE %d, IN LIQUIDAZIONE→CESSATA %d, late closures %d",
		births, moves, quartiereMoves, liquidations, closedAfterLiq, late)
	if births == 0 || moves == 0 || quartiereMoves == 0 || liquidations == 0 || closedAfterLiq == 0 || late == 0 {
		t.Error("the snapshots should show openings, moves, quartiere changes, liquidations and late closures")
	}
}
