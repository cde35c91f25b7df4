package demo

import (
	"fmt"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/comune-bologna/conoscenza/ingest/codes"
)

// The rules below restate ../shared/formats/README.md independently of the generator: every
// valid row must pass them, and every dirty row in the manifest must fail them in the column
// the manifest names (and no other row may fail).

type rowErr struct{ column, reason string }

func (e *rowErr) Error() string { return e.column + ": " + e.reason }

func bad(col, format string, a ...any) *rowErr { return &rowErr{col, fmt.Sprintf(format, a...)} }

// parseDate accepts the formats of the contract and rejects impossible dates and dates after
// asOf.
func parseDate(col, v string, asOf time.Time) (time.Time, *rowErr) {
	var d time.Time
	var err error
	switch {
	case len(v) == 8:
		d, err = time.Parse("20060102", v)
	case len(v) == 10 && v[2] == '/':
		d, err = time.Parse("02/01/2006", v)
	default:
		d, err = time.Parse("2006-01-02", v)
	}
	if err != nil {
		return d, bad(col, "bad date %q", v)
	}
	if d.After(asOf) {
		return d, bad(col, "date %s after as-of %s", v, asOf.Format("2006-01-02"))
	}
	return d, nil
}

func optDate(col, v string, asOf time.Time) (time.Time, *rowErr) {
	if v == "" {
		return time.Time{}, nil
	}
	return parseDate(col, v, asOf)
}

var digits = regexp.MustCompile(`^[0-9]+$`)

// impreseChecker validates register rows; it remembers codes fiscali and REA numbers seen
// earlier in the file.
type impreseChecker struct {
	asOf time.Time
	cfs  map[string]bool
	reas map[string]bool
}

func (c *impreseChecker) check(h []string, f []string) *rowErr {
	if len(f) != len(h) {
		return bad("", "%d columns, header has %d", len(f), len(h))
	}
	v := func(name string) string { return f[slices.Index(h, name)] }
	if v("PRV") != "BO" {
		return bad("PRV", "not BO")
	}
	if !digits.MatchString(v("N-REA")) || c.reas[v("N-REA")] {
		return bad("N-REA", "bad or repeated")
	}
	cf, kind, err := codes.ValidateCF(v("C-FISCALE"))
	if err != nil {
		return bad("C-FISCALE", "%v", err)
	}
	if c.cfs[cf] {
		return bad("C-FISCALE", "repeated")
	}
	forma, ok := codes.LookupForma(v("N-G"))
	if !ok || (forma.Code == "DI") != (kind == codes.CFPersonal) {
		return bad("N-G", "unknown form or form/CF kind mismatch")
	}
	if v("DENOMINAZIONE") == "" || v("DESC-N-G") == "" {
		return bad("DENOMINAZIONE", "empty")
	}
	reg, e := parseDate("DT-ISCR-RI", v("DT-ISCR-RI"), c.asOf)
	if e != nil {
		return e
	}
	if ini, e := optDate("DT-INI-AT", v("DT-INI-AT"), c.asOf); e != nil {
		return e
	} else if !ini.IsZero() && ini.Before(reg) {
		return bad("DT-INI-AT", "before registration")
	}
	cess, e := optDate("DT-CESSAZ", v("DT-CESSAZ"), c.asOf)
	if e != nil {
		return e
	}
	if !cess.IsZero() && cess.Before(reg) {
		return bad("DT-CESSAZ", "closure before registration")
	}
	stato, ok := codes.Stati[v("STATO")]
	if !ok {
		return bad("STATO", "unknown state %q", v("STATO"))
	}
	if (stato == "CESSATA") != !cess.IsZero() {
		return bad("STATO", "CESSATA without closure date or closure date while open")
	}
	if v("COMUNE") != codes.Comune || v("INDIRIZZO") == "" || !strings.HasPrefix(v("CAP"), "401") {
		return bad("COMUNE", "comune, address or CAP")
	}
	a, err := codes.ParseAteco(v("ATECO"))
	if err != nil || len(v("ATECO")) != 6 {
		return bad("ATECO", "%v", err)
	}
	_ = a
	if n := v("ADDETTI"); n != "" && !digits.MatchString(n) {
		return bad("ADDETTI", "not a non-negative integer: %q", n)
	}
	for _, g := range []string{"IMP-FEMMINILE", "IMP-GIOVANILE", "IMP-STRANIERA"} {
		if x := v(g); x != "" && x != "NO" && !slices.Contains(codes.Gradi, x) {
			return bad(g, "unknown grade %q", x)
		}
	}
	if x := v("ARTIGIANA"); x != "S" && x != "N" {
		return bad("ARTIGIANA", "not S/N")
	}
	c.cfs[cf], c.reas[v("N-REA")] = true, true
	return nil
}

// checkFile runs check on every row and compares the failures with the manifest.
func checkFile(t *testing.T, dir string, man Manifest, name string, check func(h, f []string) *rowErr) (header []string, valid []line) {
	t.Helper()
	want := map[int]DirtyRow{}
	for _, d := range man.Dirty {
		if d.File == name {
			want[d.Line] = d
		}
	}
	header, rows := readLines(t, filepath.Join(dir, name))
	got := 0
	for _, r := range rows {
		err := check(header, r.f)
		d, dirty := want[r.n]
		switch {
		case dirty && err == nil:
			t.Errorf("%s line %d: manifest says dirty (%s) but the row passes", name, r.n, d.Kind)
		case dirty && err.column != d.Column:
			t.Errorf("%s line %d: dirty in %q per manifest, failed in %q: %v", name, r.n, d.Column, err.column, err)
		case !dirty && err != nil:
			t.Errorf("%s line %d: valid row fails: %v", name, r.n, err)
		case !dirty:
			valid = append(valid, r)
		default:
			got++
		}
	}
	if got != len(want) {
		t.Errorf("%s: %d dirty rows found, manifest lists %d", name, got, len(want))
	}
	return header, valid
}

func asOfOf(t *testing.T, man Manifest, name string) time.Time {
	for _, f := range man.Files {
		if f.Name == name {
			d, err := time.Parse("2006-01-02", f.AsOf)
			if err != nil {
				t.Fatal(err)
			}
			return d
		}
	}
	t.Fatalf("%s not in manifest", name)
	return time.Time{}
}

func TestEveryValidRowFollowsTheContract(t *testing.T) {
	dir, man := smallDemo(t)
	kinds := map[string]int{}
	for _, d := range man.Dirty {
		kinds[d.Kind]++
	}
	for _, k := range append(slices.Clone(dirtKinds), "duplicate-id", "bad-number", "bad-amount") {
		if kinds[k] == 0 {
			t.Errorf("no dirty row of kind %s", k)
		}
	}
	for _, f := range man.Files {
		if f.Kind != "imprese" {
			continue
		}
		c := &impreseChecker{asOf: asOfOf(t, man, f.Name), cfs: map[string]bool{}, reas: map[string]bool{}}
		_, valid := checkFile(t, dir, man, f.Name, c.check)
		if len(valid)+f.DirtyRows != f.Rows || f.DirtyRows < 10 {
			t.Errorf("%s: %d valid + %d dirty != %d rows", f.Name, len(valid), f.DirtyRows, f.Rows)
		}
	}
	asOf := asOfOf(t, man, fileCIG)
	ids := map[string]bool{}
	checkFile(t, dir, man, fileCIG, func(h, f []string) *rowErr {
		if len(f) != len(h) {
			return bad("", "columns")
		}
		if ids[f[0]] || !regexp.MustCompile(`^ER\d{10}$`).MatchString(f[0]) {
			return bad("ID-DOMANDA", "bad or repeated id")
		}
		if _, _, err := codes.ValidateCF(f[1]); err != nil {
			return bad("C-FISCALE", "%v", err)
		}
		if _, err := codes.ParseAteco(f[3]); err != nil || f[2] == "" || f[4] != "BOLOGNA" {
			return bad("ATECO", "%v", err)
		}
		if !slices.Contains([]string{"CIGO", "CIGS", "DEROGA", "FIS", "FSB"}, f[5]) || f[6] == "" {
			return bad("TIPO", "tipo or causale")
		}
		dom, e := parseDate("DT-DOMANDA", f[7], asOf)
		if e != nil {
			return e
		}
		aut, e := optDate("DT-AUTORIZZAZIONE", f[8], asOf)
		if e != nil {
			return e
		}
		if (f[9] == "AUTORIZZATA") != !aut.IsZero() || !slices.Contains([]string{"AUTORIZZATA", "RESPINTA", "IN ISTRUTTORIA"}, f[9]) || !aut.IsZero() && aut.Before(dom) {
			return bad("ESITO", "esito and authorisation date")
		}
		dal, e := parseDate("PERIODO-DAL", f[10], asOf)
		if e != nil {
			return e
		}
		al, e := parseDate("PERIODO-AL", f[11], asOf)
		if e != nil || al.Before(dal) {
			return bad("PERIODO-AL", "bad period")
		}
		for i, col := range []string{"ORE-RICHIESTE", "ORE-AUTORIZZATE", "LAVORATORI"} {
			if !digits.MatchString(f[12+i]) {
				return bad(col, "not a number")
			}
		}
		ids[f[0]] = true
		return nil
	})
	ids = map[string]bool{}
	checkFile(t, dir, man, fileSUAP, func(h, f []string) *rowErr {
		if len(f) != len(h) {
			return bad("", "columns")
		}
		if ids[f[0]] || !regexp.MustCompile(`^SUAP-\d{4}-\d{6}$`).MatchString(f[0]) {
			return bad("ID-PRATICA", "bad or repeated id")
		}
		if _, _, err := codes.ValidateCF(f[1]); err != nil {
			return bad("C-FISCALE", "%v", err)
		}
		if !slices.Contains([]string{"APERTURA", "SUBINGRESSO", "MODIFICA", "CESSAZIONE", "AMPLIAMENTO"}, f[2]) || f[3] == "" {
			return bad("TIPO", "tipo or settore")
		}
		pres, e := parseDate("DT-PRESENTAZIONE", f[4], asOf)
		if e != nil {
			return e
		}
		concl, e := optDate("DT-CONCLUSIONE", f[5], asOf)
		if e != nil || !concl.IsZero() && concl.Before(pres) {
			return bad("DT-CONCLUSIONE", "bad conclusion")
		}
		if (f[6] == "IN CORSO") != concl.IsZero() || !slices.Contains([]string{"ACCOLTA", "RESPINTA", "IN CORSO"}, f[6]) {
			return bad("ESITO", "esito")
		}
		if f[7] == "" || !strings.HasPrefix(f[8], "401") {
			return bad("INDIRIZZO", "address")
		}
		ids[f[0]] = true
		return nil
	})
	amount := regexp.MustCompile(`^\d{1,3}(\.\d{3})*,\d{2}$`)
	cents := func(s string) int { n, _ := strconv.Atoi(strings.NewReplacer(".", "", ",", "").Replace(s)); return n }
	checkFile(t, dir, man, fileContributi, func(h, f []string) *rowErr {
		if len(f) != len(h) {
			return bad("", "columns")
		}
		if !regexp.MustCompile(`^B-\d{4}-\d{2}$`).MatchString(f[0]) || f[1] == "" || !digits.MatchString(f[2]) || f[4] == "" {
			return bad("ID-BANDO", "call")
		}
		if _, _, err := codes.ValidateCF(f[3]); err != nil {
			return bad("C-FISCALE", "%v", err)
		}
		if !amount.MatchString(f[5]) {
			return bad("IMPORTO-RICHIESTO", "not an amount: %q", f[5])
		}
		if f[6] != "" && (!amount.MatchString(f[6]) || cents(f[6]) > cents(f[5])) {
			return bad("IMPORTO-CONCESSO", "not an amount or above the request")
		}
		if _, e := optDate("DT-CONCESSIONE", f[7], asOf); e != nil {
			return e
		}
		if !slices.Contains([]string{"CONCESSO", "NON AMMESSO", "RINUNCIA", "REVOCATO"}, f[8]) || (f[8] == "NON AMMESSO") != (f[6] == "") {
			return bad("ESITO", "esito")
		}
		return nil
	})
}
