// Package benchgen writes large, valid register files for the ingest benchmark: a street
// register and monthly snapshots of the business register with valid check digits, real
// ATECO divisions and the address spellings seen at the register. It is not the demo
// generator (ingest/demo): it only has to be big, valid and reproducible.
package benchgen

import (
	"bufio"
	"fmt"
	"io"
	"math/rand/v2"
	"time"

	"github.com/comune-bologna/conoscenza/ingest/codes"
)

// Streets is the number of streets in the generated street register.
const Streets = 600

var (
	types   = []string{"VIA", "VIA", "VIA", "VIALE", "PIAZZA", "VICOLO"}
	abbrev  = map[string][]string{"VIA": {"VIA", "V."}, "VIALE": {"VIALE", "V.LE"}, "PIAZZA": {"PIAZZA", "P.ZZA"}, "VICOLO": {"VICOLO"}}
	names   = []string{"ROSSI", "GARIBALDI", "MAZZINI", "DELL'INDIPENDENZA", "DEL PORTO", "SAN FELICE", "DE' CARRACCI", "DELLE BELLE ARTI", "NICOLO' DALL'ARCA", "IRNERIO", "MARCONI", "SARAGOZZA", "SANTO STEFANO", "CASTIGLIONE", "FERRARESE", "CORTICELLA", "EMILIA", "TOSCANA", "MURRI", "TIBALDI"}
	atecos  = []string{"56.10.11", "47.11.10", "62.01.00", "43.21.01", "96.02.01", "68.20.01", "70.22.09", "41.20.00", "46.90.00", "86.23.00", "10.71.10", "49.41.00", "55.10.00", "85.59.20", "93.13.00"}
	forme   = []string{"DI", "DI", "DI", "SR", "SR", "SU", "RS", "SN", "AS", "SP", "SC"}
	stati   = []string{"ATTIVA", "ATTIVA", "ATTIVA", "ATTIVA", "ATTIVA", "ATTIVA", "INATTIVA", "SOSPESA", "IN LIQUIDAZIONE"}
	gradi   = []string{"", "", "", "", "", "", "", "ESCLUSIVA", "FORTE", "MAGGIORITARIA"}
	letters = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
)

type street struct {
	typ, name, quartiere, zona, area string
}

func streetAt(i int) street {
	q := codes.Quartieri[i%len(codes.Quartieri)]
	z := q.Zone[(i/len(codes.Quartieri))%len(q.Zone)]
	return street{
		typ:       types[i%len(types)],
		name:      fmt.Sprintf("%s %s", names[i%len(names)], romanish(i/len(names))),
		quartiere: q.Nome,
		zona:      z,
		area:      fmt.Sprintf("%s-%d", z[:3], i%9+1),
	}
}

// romanish makes distinct street names from an index with letters only.
func romanish(n int) string {
	s := ""
	for {
		s = string(letters[n%26]) + s
		n /= 26
		if n == 0 {
			return s + "ONI"
		}
	}
}

// WriteStradario writes the street register: each street in two rows (odd and even sides).
func WriteStradario(w io.Writer) error {
	bw := bufio.NewWriter(w)
	fmt.Fprint(bw, "COD-VIA;DENOMINAZIONE;CIVICO-DAL;CIVICO-AL;PARITA;CAP;QUARTIERE;ZONA;AREA-STATISTICA\r\n")
	for i := 0; i < Streets; i++ {
		s := streetAt(i)
		fmt.Fprintf(bw, "%05d;%s %s;1;9999;D;401%02d;%s;%s;%s\r\n", i, s.typ, s.name, i%40, s.quartiere, s.zona, s.area)
		fmt.Fprintf(bw, "%05d;%s %s;2;9998;P;401%02d;%s;%s;%s\r\n", i, s.typ, s.name, i%40, s.quartiere, s.zona, s.area)
	}
	return bw.Flush()
}

// Snapshot says which month to write: Month 0 is the base; each later month moves, closes,
// drops and adds about 1% of the companies each.
type Snapshot struct {
	Rows  int
	Month int
	AsOf  time.Time
}

// WriteImprese writes a register snapshot of s.Rows companies (plus the month's newcomers).
func WriteImprese(w io.Writer, s Snapshot) (int, error) {
	bw := bufio.NewWriterSize(w, 1<<20)
	fmt.Fprint(bw, "PRV;N-REA;C-FISCALE;DENOMINAZIONE;N-G;DESC-N-G;DT-ISCR-RI;DT-INI-AT;DT-CESSAZ;STATO;COMUNE;INDIRIZZO;CAP;ATECO;ADDETTI;IMP-FEMMINILE;IMP-GIOVANILE;IMP-STRANIERA;ARTIGIANA\r\n")
	n := s.Rows + s.Rows*s.Month/100
	written := 0
	for i := 0; i < n; i++ {
		r := rand.New(rand.NewPCG(uint64(i), 42))
		change := rand.New(rand.NewPCG(uint64(i), uint64(1000+s.Month))).IntN(100)
		if s.Month > 0 && change == 0 && i < s.Rows {
			continue // dropped from this month's extract
		}
		writeCompany(bw, r, i, s, change)
		written++
	}
	return written, bw.Flush()
}

func writeCompany(bw *bufio.Writer, r *rand.Rand, i int, s Snapshot, change int) {
	forma := forme[r.IntN(len(forme))]
	cf, den := companyCF(i), fmt.Sprintf("IMPRESA %d SRL", i)
	if forma == "DI" {
		cf, den = personalCF(i), fmt.Sprintf("TITOLARE %d", i)
	}
	// Dates depend on the company only, not on the month, so that unchanged companies are
	// byte-for-byte the same in every snapshot.
	base := time.Date(2026, 10, 31, 0, 0, 0, 0, time.UTC)
	span := int(base.Sub(time.Date(1990, 1, 1, 0, 0, 0, 0, time.UTC)).Hours() / 24)
	iscr := time.Date(1990, 1, 1, 0, 0, 0, 0, time.UTC).AddDate(0, 0, r.IntN(span-60))
	stato, cess := stati[r.IntN(len(stati))], ""
	if r.IntN(5) == 0 || (s.Month > 0 && change == 1) {
		stato = "CESSATA"
		cess = iscr.AddDate(0, 0, 1+r.IntN(int(base.Sub(iscr).Hours()/24))).Format("02/01/2006")
	}
	st := r.IntN(Streets)
	if s.Month > 0 && change == 2 {
		st = (st + 7) % Streets // moved
	}
	street := streetAt(st)
	spell := abbrev[street.typ][r.IntN(len(abbrev[street.typ]))]
	civ := 1 + r.IntN(300)
	addr := fmt.Sprintf("%s %s %d", spell, street.name, civ)
	switch r.IntN(4) {
	case 0:
		addr = fmt.Sprintf("%s %s N. %d", spell, street.name, civ)
	case 1:
		addr = fmt.Sprintf("%s %s %d/%c", spell, street.name, civ, 'A'+r.IntN(3))
	}
	if r.IntN(50) == 0 {
		addr = fmt.Sprintf("VIA INESISTENTE %d", civ)
	}
	addetti := r.IntN(20)
	if s.Month > 0 && change == 3 {
		addetti++
	}
	art := "N"
	if r.IntN(4) == 0 {
		art = "S"
	}
	fmt.Fprintf(bw, "BO;%d;%s;%s;%s;;%s;%s;%s;%s;BOLOGNA;%s;401%02d;%s;%d;%s;%s;%s;%s\r\n",
		300000+i, cf, den, forma, iscr.Format("02/01/2006"), iscr.Format("20060102"), cess, stato, addr,
		st%40, atecos[r.IntN(len(atecos))], addetti, gradi[r.IntN(len(gradi))], gradi[r.IntN(len(gradi))],
		gradi[r.IntN(len(gradi))], art)
}

func companyCF(i int) string {
	base := fmt.Sprintf("%010d", 1_000_000+i*13)
	return base + string(codes.CompanyCheckDigit(base))
}

func personalCF(i int) string {
	b := []byte("AAAAAA80A01A944")
	for k := 5; k >= 0; k-- {
		b[k] = letters[i%26]
		i /= 26
	}
	return string(b) + string(codes.PersonalCheckChar(string(b)))
}
