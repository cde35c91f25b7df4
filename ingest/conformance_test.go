package ingest_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"golang.org/x/text/encoding/charmap"

	"github.com/comune-bologna/conoscenza/ingest"
)

// writeFile writes content into a file of the test's temporary directory.
func writeFile(t *testing.T, name string, content []byte) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(p, content, 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

// The contract's header rules as spreadsheets write them: a Windows-1252, TAB-separated street
// register whose header says `Parità` and `C.A.P.` keeps each segment's parity, and a register
// extract whose data rows end with a separator the header lacks loads every row.
func TestAccentedHeadersAndTrailingSeparatorsLoad(t *testing.T) {
	f := newFixture(t)
	stradario, _ := charmap.Windows1252.NewEncoder().String(strings.Join([]string{
		"Cod Via\tDenominazione\tCivico Dal\tCivico Al\tParità\tC.A.P.\tQuartiere\tZona\tArea Statistica",
		"104\tVIA ROSSINI\t1\t99\tD\t40126\tSan Donato - San Vitale\tIrnerio\tSDV-1",
		"104\tVIA ROSSINI\t2\t98\tP\t40126\tSanto Stefano\tGalvani\tSST-2",
		"101\tVIA NICOLÒ DALL'ARCA\t1\t9999\tT\t40129\tNAVILE\tLame\tNAV-9",
	}, "\r\n") + "\r\n")
	st := f.load(ingest.KindStradario, writeFile(t, "stradario.csv", []byte(stradario)), ingest.Options{})
	if st.Encoding != "windows-1252" || st.Separator != "\t" || st.Loaded != 3 || len(st.Warnings) != 0 {
		t.Fatalf("stradario = %+v", st)
	}
	if n := f.count(`SELECT count(*) FROM stradario WHERE parita IN ('P', 'D')`); n != 2 {
		t.Errorf("%d segments kept their parity, want 2", n)
	}

	imprese := strings.Join([]string{
		"C-FISCALE;DENOMINAZIONE;N-G;DT-ISCR-RI;DT-CESSAZ;STATO;INDIRIZZO;ATECO",
		"01234567897;PARI;SR;01/02/2020;;ATTIVA;VIA ROSSINI 12/A;56.10.11;",
		"09876543217;DISPARI;SR;01/02/2020;;ATTIVA;VIA ROSSINI 13 BIS;56.10.11;;",
		"12345678903;SUBALTERNO;SR;01/02/2020;;ATTIVA;VIA ROSSINI 12/2;56.10.11;",
		"05555555555;SENZA CIVICO;SR;01/02/2020;;ATTIVA;VIA NICOLO' DALL'ARCA SNC;56.10.11;",
		"RSSMRA80A01A944I;COLONNA IN PIÙ;DI;01/02/2020;;ATTIVA;VIA ROSSINI 3;56.10.11;x",
		"03333333338;FUORI STRADARIO;SR;01/02/2020;;ATTIVA;VIA INESISTENTE 1;56.10.11",
	}, "\n") + "\n"
	path := writeFile(t, "imprese_2026-10.csv", []byte(imprese))
	im := f.load(ingest.KindImprese, path, ingest.Options{})
	if im.Loaded != 5 || im.Rejected != 1 || im.Rejections[0].Line != 6 || !strings.Contains(im.Rejections[0].Reason, "numero di colonne") {
		t.Fatalf("imprese = %+v", im)
	}
	// The unattributed address is counted in the report, not only as a share.
	if n, ok := im.Stats["non_attribuiti"]; !ok || n != 1 || *im.MatchRate != 0.8 {
		t.Errorf("non_attribuiti = %d (%v), match_rate %v", n, ok, *im.MatchRate)
	}
	// The same file again: nothing changes, and the report still says how it was read.
	again := f.load(ingest.KindImprese, path, ingest.Options{})
	if !again.UnchangedFile || again.Encoding != "utf-8" || again.Separator != ";" || again.Loaded != 5 {
		t.Errorf("unchanged = %+v", again)
	}
	for cf, want := range map[string]string{
		"01234567897": "Santo Stefano",         // 12/A: even
		"09876543217": "San Donato-San Vitale", // 13 BIS: odd
		"12345678903": "Santo Stefano",         // 12/2: civic 12
		"05555555555": "Navile",                // SNC: the street lies in one quartiere
	} {
		if q := f.str(`SELECT quartiere FROM imprese WHERE codice_fiscale = $1`, cf); q != want {
			t.Errorf("%s: quartiere %s, want %s", cf, q, want)
		}
	}
}

// Grants: amounts written with the currency load; a repeated ID-BANDO + C-FISCALE is rejected
// naming the columns as the formats do.
func TestGrantAmountsInEuroAndDuplicateKeyReason(t *testing.T) {
	f := newFixture(t)
	grants := strings.Join([]string{
		"ID-BANDO;TITOLO-BANDO;ANNO;C-FISCALE;DENOMINAZIONE;IMPORTO-RICHIESTO;IMPORTO-CONCESSO;DT-CONCESSIONE;ESITO",
		"B-1;Botteghe;2025;01234567897;ROSSI;€ 5.000,00;3.500,50 EUR;15/06/2025;CONCESSO",
		"B-1;Botteghe;2025;01234567897;ROSSI;5.000,00;;;NON AMMESSO",
		"B-2;Botteghe;2025;01234567897;ROSSI;€;;;NON AMMESSO",
	}, "\n") + "\n"
	sum := f.load(ingest.KindContributi, writeFile(t, "contributi_2025.csv", []byte(grants)), ingest.Options{})
	if sum.Loaded != 1 || sum.Rejected != 2 {
		t.Fatalf("contributi = %+v", sum)
	}
	if r := sum.Rejections[0]; r.Line != 3 || r.Column != "C-FISCALE" || !strings.Contains(r.Reason, "chiave (ID-BANDO, C-FISCALE) duplicat") {
		t.Errorf("duplicate = %+v", r)
	}
	if r := sum.Rejections[1]; r.Line != 4 || r.Column != "IMPORTO-RICHIESTO" {
		t.Errorf("amount without digits = %+v", r)
	}
	if s := f.str(`SELECT importo_richiesto || ' ' || importo_concesso FROM contributi`); s != "5000.00 3500.50" {
		t.Errorf("amounts = %s", s)
	}
}
