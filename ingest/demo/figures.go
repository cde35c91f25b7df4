package demo

import (
	"bufio"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"

	"github.com/comune-bologna/conoscenza/ingest/codes"
)

// Figures are the calibration figures of a generated directory, measured from the files
// themselves (dirty rows listed in the manifest are skipped), the way the assistant would
// compute them from the loaded data.
type Figures struct {
	LatestSnapshot string  `json:"latest_snapshot"`
	Rows           int     `json:"rows"`
	Attive         int     `json:"attive"`
	Stati          []Count `json:"stati"`
	Aperture       []Count `json:"aperture"` // by year of DT-ISCR-RI
	Chiusure       []Count `json:"chiusure"` // by year of DT-CESSAZ
	Aperture2020   [12]int `json:"aperture_2020_mensili"`
	Femminili      float64 `json:"quota_femminili"` // shares among active seats
	Giovanili      float64 `json:"quota_giovanili"`
	Straniere      float64 `json:"quota_straniere"`
	Artigiane      float64 `json:"quota_artigiane"`
	Sezioni        []Share `json:"sezioni"`
	Classi         []Share `json:"classi_forma_giuridica"`
	Addetti        []Share `json:"classi_addetti"`
	CIG            []Count `json:"cig_domande"` // by year of DT-DOMANDA
	CIGCovid       []Count `json:"cig_domande_covid"`
	CIGTipi2020_21 []Count `json:"cig_tipi_2020_2021"`
}

// Count is a labelled count.
type Count struct {
	Key string `json:"key"`
	N   int    `json:"n"`
}

// Share is a labelled share in [0, 1].
type Share struct {
	Key   string  `json:"key"`
	Share float64 `json:"share"`
}

// Get returns the count for key (0 when missing).
func Get(cs []Count, key string) int {
	for _, c := range cs {
		if c.Key == key {
			return c.N
		}
	}
	return 0
}

// GetShare returns the share for key (0 when missing).
func GetShare(ss []Share, key string) float64 {
	for _, s := range ss {
		if s.Key == key {
			return s.Share
		}
	}
	return 0
}

// counter counts keys and returns them sorted.
type counter map[string]int

func (c counter) sorted() []Count {
	out := make([]Count, 0, len(c))
	for k, n := range c {
		out = append(out, Count{k, n})
	}
	slices.SortFunc(out, func(a, b Count) int { return strings.Compare(a.Key, b.Key) })
	return out
}

func (c counter) shares(total int) []Share {
	var out []Share
	for _, x := range c.sorted() {
		out = append(out, Share{x.Key, float64(x.N) / float64(max(total, 1))})
	}
	return out
}

// eachRow calls fn for every data row of dir/name that the manifest does not list as dirty.
func eachRow(dir, name string, dirty map[string]bool, fn func(col map[string]int, f []string) error) error {
	fh, err := os.Open(filepath.Join(dir, name))
	if err != nil {
		return err
	}
	defer fh.Close()
	sc := bufio.NewScanner(fh)
	sc.Buffer(make([]byte, 1<<16), 1<<20)
	col := map[string]int{}
	for line := 1; sc.Scan(); line++ {
		f := strings.Split(strings.TrimSuffix(sc.Text(), "\r"), ";")
		if line == 1 {
			for i, h := range f {
				col[h] = i
			}
			continue
		}
		if dirty[name+":"+strconv.Itoa(line)] {
			continue
		}
		if err := fn(col, f); err != nil {
			return fmt.Errorf("%s line %d: %w", name, line, err)
		}
	}
	return sc.Err()
}

// Measure computes the Figures of a directory written by Generate.
func Measure(dir string) (Figures, error) {
	var fig Figures
	man, err := ReadManifest(dir)
	if err != nil {
		return fig, err
	}
	dirty := map[string]bool{}
	for _, d := range man.Dirty {
		dirty[d.File+":"+strconv.Itoa(d.Line)] = true
	}
	for _, f := range man.Files {
		if f.Kind == "imprese" {
			fig.LatestSnapshot = f.Name
		}
	}
	stati, aperture, chiusure := counter{}, counter{}, counter{}
	sezioni, classi, addetti := counter{}, counter{}, counter{}
	var fem, giov, stra, art int
	has := func(v string) bool { return v != "" && v != "NO" }
	err = eachRow(dir, fig.LatestSnapshot, dirty, func(col map[string]int, f []string) error {
		fig.Rows++
		stati[f[col["STATO"]]]++
		reg, cess := f[col["DT-ISCR-RI"]], f[col["DT-CESSAZ"]]
		aperture[reg[:4]]++
		if reg[:4] == "2020" {
			m, _ := strconv.Atoi(reg[4:6])
			fig.Aperture2020[m-1]++
		}
		if cess != "" {
			chiusure[cess[:4]]++
		}
		if f[col["STATO"]] != statoAttiva {
			return nil
		}
		fig.Attive++
		for _, x := range []struct {
			col string
			n   *int
		}{{"IMP-FEMMINILE", &fem}, {"IMP-GIOVANILE", &giov}, {"IMP-STRANIERA", &stra}} {
			if has(f[col[x.col]]) {
				*x.n++
			}
		}
		if f[col["ARTIGIANA"]] == "S" {
			art++
		}
		a, err := codes.ParseAteco(f[col["ATECO"]])
		if err != nil {
			return err
		}
		sezioni[a.Sezione]++
		fo, _ := codes.LookupForma(f[col["N-G"]])
		classi[fo.Classe]++
		n, err := strconv.Atoi(f[col["ADDETTI"]])
		if err != nil {
			return err
		}
		switch {
		case n == 0:
			addetti["0"]++
		case n < 10:
			addetti["1-9"]++
		case n < 50:
			addetti["10-49"]++
		default:
			addetti["50+"]++
		}
		return nil
	})
	if err != nil {
		return fig, err
	}
	att := float64(max(fig.Attive, 1))
	fig.Femminili, fig.Giovanili, fig.Straniere, fig.Artigiane = float64(fem)/att, float64(giov)/att, float64(stra)/att, float64(art)/att
	fig.Stati, fig.Aperture, fig.Chiusure = stati.sorted(), aperture.sorted(), chiusure.sorted()
	fig.Sezioni, fig.Classi, fig.Addetti = sezioni.shares(fig.Attive), classi.shares(fig.Attive), addetti.shares(fig.Attive)

	cig, covid, tipi := counter{}, counter{}, counter{}
	err = eachRow(dir, fileCIG, dirty, func(col map[string]int, f []string) error {
		d := f[col["DT-DOMANDA"]]
		y := d[len(d)-4:]
		cig[y]++
		if f[col["CAUSALE"]] == "COVID-19" {
			covid[y]++
		}
		if y == "2020" || y == "2021" {
			tipi[f[col["TIPO"]]]++
		}
		return nil
	})
	fig.CIG, fig.CIGCovid, fig.CIGTipi2020_21 = cig.sorted(), covid.sorted(), tipi.sorted()
	return fig, err
}
