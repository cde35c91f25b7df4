package ingest_test

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"testing"

	"github.com/comune-bologna/conoscenza/ingest"
	"github.com/comune-bologna/conoscenza/ingest/db"
)

// lines joins rows into a file's content, each row ended by eol.
func lines(eol string, rows ...string) []byte {
	return []byte(strings.Join(rows, eol) + eol)
}

// ZONA is one of the 18 zone, whatever its case: it is stored as the reference names it (as
// QUARTIERE is), so that `GALVANI` and `galvani` add no zona of their own and companies on
// those streets are counted in Galvani.
func TestStreetRegisterZoneSpellingsAreTheReferenceNames(t *testing.T) {
	f := newFixture(t)
	st := f.load(ingest.KindStradario, writeFile(t, "stradario.csv", lines("\n",
		"COD-VIA;DENOMINAZIONE;CIVICO-DAL;CIVICO-AL;PARITA;QUARTIERE;ZONA;AREA-STATISTICA",
		"1;PIAZZA MAGGIORE;1;99;T;SANTO STEFANO;GALVANI;SST-1",
		"2;VIA RIZZOLI;1;99;T;Santo Stefano;galvani;SST-1",
		"3;VIA IRNERIO;1;99;T;San Donato - San Vitale;SAN  DONATO;SDV-9",
		"4;VIA SBAGLIATA;1;99;T;Navile;Galvani;NAV-1",
	)), ingest.Options{})
	if st.Loaded != 3 || st.Rejected != 1 || st.Rejections[0].Column != "ZONA" {
		t.Fatalf("stradario = %+v", st)
	}
	if s := f.str(`SELECT string_agg(DISTINCT zona, ',' ORDER BY zona) FROM stradario`); s != "Galvani,San Donato" {
		t.Errorf("zone of the street register = %s", s)
	}
	if n := f.count(`SELECT count(*) FROM zone`); n != 18 {
		t.Errorf("%d zone after the load, want the 18 of the reference", n)
	}
	if s := f.str(`SELECT zona FROM aree_statistiche WHERE nome = 'SDV-9'`); s != "San Donato" {
		t.Errorf("area SDV-9 in zona %s", s)
	}
	f.load(ingest.KindImprese, writeFile(t, "imprese_2026-10.csv", lines("\n",
		"C-FISCALE;DENOMINAZIONE;N-G;DT-ISCR-RI;DT-CESSAZ;STATO;INDIRIZZO;ATECO",
		"01234567897;ALFA;SR;01/02/2020;;ATTIVA;VIA RIZZOLI 3;56.10.11",
		"11111111115;BETA;SR;01/02/2020;;ATTIVA;P.ZZA MAGGIORE 1;56.10.11",
	)), ingest.Options{})
	if n := f.count(`SELECT count(*) FROM imprese WHERE zona = 'Galvani'`); n != 2 {
		t.Errorf("%d companies in zona Galvani, want 2", n)
	}
}

// A month whose header maps the same line to other columns is read anew: a column the previous
// month misnamed (IMP-GIOVANLE, ignored with a warning) and now named right, or two dates
// swapped in the header, change the companies even where their lines are written as before
// (the lines the previous snapshot has unchanged were dropped unparsed, and these were lost).
func TestAMonthWithAnotherHeaderLayoutIsNotTakenAsUnchanged(t *testing.T) {
	f := newFixture(t)
	rows := []string{
		"01234567897;ALFA;SR;01/02/2020;01/03/2020;;ATTIVA;VIA ROSSINI 1;56.10.11;FORTE",
		"11111111115;BETA;SR;01/02/2020;01/02/2020;;ATTIVA;VIA ROSSINI 2;56.10.11;",
	}
	sep := f.load(ingest.KindImprese, writeFile(t, "imprese_2026-09.csv", lines("\n", append([]string{
		"C-FISCALE;DENOMINAZIONE;N-G;DT-ISCR-RI;DT-INI-AT;DT-CESSAZ;STATO;INDIRIZZO;ATECO;IMP-GIOVANLE"}, rows...)...)), ingest.Options{})
	if !strings.Contains(strings.Join(sep.Warnings, " "), "IMP-GIOVANLE") {
		t.Fatalf("september = %+v", sep)
	}
	oct := f.load(ingest.KindImprese, writeFile(t, "imprese_2026-10.csv", lines("\n", append([]string{
		"C-FISCALE;DENOMINAZIONE;N-G;DT-INI-AT;DT-ISCR-RI;DT-CESSAZ;STATO;INDIRIZZO;ATECO;IMP-GIOVANILE"}, rows...)...)), ingest.Options{})
	if oct.Loaded != 2 || oct.Stats["evento_rettifica"] != 1 || oct.Stats["invariate"] != 1 {
		t.Errorf("october = %+v", oct)
	}
	if s := f.str(`SELECT giovanile || ' ' || dt_iscrizione || ' ' || dt_inizio FROM imprese WHERE codice_fiscale = '01234567897'`); s != "FORTE 2020-03-01 2020-02-01" {
		t.Errorf("ALFA after october = %s", s)
	}
	// The same header again: the lines are the company unchanged, dropped unparsed.
	nov := f.load(ingest.KindImprese, writeFile(t, "imprese_2026-11.csv", lines("\r\n", append([]string{
		"C-FISCALE;DENOMINAZIONE;N-G;DT-INI-AT;DT-ISCR-RI;DT-CESSAZ;STATO;INDIRIZZO;ATECO;IMP-GIOVANILE"}, rows...)...)), ingest.Options{})
	if nov.Stats["invariate"] != 2 || nov.Stats["invariate_non_analizzate"] != 2 || nov.Stats["versioni_nuove"] != 0 {
		t.Errorf("november = %+v", nov.Stats)
	}
}

// A street register replaces the one in use, so a file with no valid segment (a header alone,
// every row rejected) or with less than half its segments (of at least 1,000) is refused, as a
// truncated register snapshot is: it would leave every company of the missing streets "non
// attribuito".
func TestAnEmptyOrTruncatedStreetRegisterIsRefused(t *testing.T) {
	f := newFixture(t)
	street := []string{"COD-VIA;DENOMINAZIONE;QUARTIERE", "1;VIA ROSSINI;Navile", "2;VIA VERDI;Navile", "3;VIA BELLINI;Savena"}
	for i := 4; i <= 1200; i++ {
		street = append(street, fmt.Sprintf("%d;VIA DEL VICOLO %d;Savena", i, i))
	}
	f.load(ingest.KindStradario, writeFile(t, "stradario.csv", lines("\r\n", street...)), ingest.Options{})
	f.load(ingest.KindImprese, writeFile(t, "imprese_2026-10.csv", lines("\n",
		"C-FISCALE;DENOMINAZIONE;N-G;DT-ISCR-RI;DT-CESSAZ;STATO;INDIRIZZO;ATECO",
		"01234567897;ALFA;SR;01/02/2020;;ATTIVA;VIA ROSSINI 1;56.10.11",
		"11111111115;BETA;SR;01/02/2020;;ATTIVA;VIA BELLINI 2;56.10.11",
	)), ingest.Options{})
	for name, content := range map[string][]byte{
		"header.csv":    lines("\n", "COD-VIA;DENOMINAZIONE;QUARTIERE"),
		"rejected.csv":  lines("\n", "COD-VIA;DENOMINAZIONE;QUARTIERE", "1;VIA ROSSINI;Reno"),
		"truncated.csv": lines("\n", "COD-VIA;DENOMINAZIONE;QUARTIERE", "1;VIA ROSSINI;Navile"),
	} {
		_, err := f.loader.LoadFile(context.Background(), ingest.KindStradario, writeFile(t, name, content), ingest.Options{})
		if db.ErrorCode(err) != db.CodeInvalid {
			t.Errorf("%s: err = %v, want invalid", name, err)
		}
	}
	if n := f.count(`SELECT count(*) FROM imprese WHERE quartiere IS NOT NULL`); n != 2 {
		t.Errorf("%d companies attributed after the refused files, want 2", n)
	}
	if n := f.count(`SELECT count(*) FROM load_batches WHERE kind = 'stradario' AND status = 'failed'`); n != 3 {
		t.Errorf("%d failed street register batches, want 3", n)
	}
	// Asked for, the smaller register loads.
	sum := f.load(ingest.KindStradario, writeFile(t, "stradario_ridotto.csv", lines("\n", "COD-VIA;DENOMINAZIONE;QUARTIERE", "1;VIA ROSSINI;Navile")),
		ingest.Options{AllowPartial: true})
	if sum.Loaded != 1 || f.count(`SELECT count(*) FROM imprese WHERE quartiere IS NOT NULL`) != 1 {
		t.Errorf("allowed partial register = %+v", sum)
	}
}

// Files whose lines end with a carriage return alone load line by line (they were one header
// line, the file failing on a missing column), and a month written so after one ended by CRLF
// finds its unchanged lines unchanged.
func TestCarriageReturnLineEndingsLoad(t *testing.T) {
	f := newFixture(t)
	cig := f.load(ingest.KindCIG, writeFile(t, "cig_2025-03.csv", lines("\r",
		"ID-DOMANDA;C-FISCALE;TIPO;DT-DOMANDA;DT-AUTORIZZAZIONE;ESITO;ORE-AUTORIZZATE",
		"D1;01234567897;CIGO;01/02/2025;15/02/2025;AUTORIZZATA;1.234,5",
		"D2;01234567897;CIGX;01/02/2025;;RESPINTA;0",
	)), ingest.Options{})
	if cig.Loaded != 1 || cig.Rejected != 1 || cig.Rejections[0].Line != 3 || cig.Rejections[0].Column != "TIPO" {
		t.Fatalf("cig = %+v", cig)
	}
	if s := f.str(`SELECT ore_autorizzate::text FROM cig_domande WHERE id_domanda = 'D1'`); s != "1234.50" {
		t.Errorf("hours = %s", s)
	}
	rows := []string{
		"C-FISCALE;DENOMINAZIONE;N-G;DT-ISCR-RI;DT-CESSAZ;STATO;INDIRIZZO;ATECO",
		"01234567897;ALFA;SR;01/02/2020;;ATTIVA;VIA ROSSINI 1;56.10.11",
		"11111111115;BETA;SR;01/02/2020;;ATTIVA;VIA ROSSINI 2;56.10.11",
	}
	f.load(ingest.KindImprese, writeFile(t, "imprese_2026-09.csv", lines("\r\n", rows...)), ingest.Options{})
	oct := f.load(ingest.KindImprese, writeFile(t, "imprese_2026-10.csv", lines("\r", append(rows, "22222222220;GAMMA;SR;01/10/2026;;ATTIVA;VIA ROSSINI 3;56.10.11")...)), ingest.Options{})
	if oct.Loaded != 3 || oct.Stats["invariate_non_analizzate"] != 2 || oct.Stats["evento_ingresso"] != 1 {
		t.Errorf("october = %+v", oct)
	}
}

// A later file of requests, permits or grants without an optional column says nothing about
// it: the stored values of the keys it repeats stay (they were overwritten with zero or NULL,
// ATECO's section and a permit's quartiere with them), while the columns it has update them.
func TestAnOptionalColumnMissingFromALaterFileKeepsTheStoredValues(t *testing.T) {
	f := newFixture(t)
	f.load(ingest.KindStradario, writeFile(t, "stradario.csv", lines("\n", "COD-VIA;DENOMINAZIONE;QUARTIERE", "1;VIA ROSSINI;Navile")), ingest.Options{})
	f.load(ingest.KindCIG, writeFile(t, "cig_2025-02.csv", lines("\n",
		"ID-DOMANDA;C-FISCALE;ATECO;TIPO;DT-DOMANDA;DT-AUTORIZZAZIONE;ESITO;ORE-RICHIESTE;ORE-AUTORIZZATE;LAVORATORI",
		"D1;01234567897;56.10.11;CIGO;01/02/2025;;IN ISTRUTTORIA;100;0;12",
	)), ingest.Options{})
	cig := f.load(ingest.KindCIG, writeFile(t, "cig_2025-03.csv", lines("\n",
		"ID-DOMANDA;C-FISCALE;TIPO;DT-DOMANDA;DT-AUTORIZZAZIONE;ESITO;ORE-AUTORIZZATE",
		"D1;01234567897;CIGO;01/02/2025;01/03/2025;AUTORIZZATA;80",
		"D2;01234567897;CIGO;01/02/2025;;IN ISTRUTTORIA;0",
	)), ingest.Options{})
	if cig.Stats["aggiornate"] != 1 || cig.Stats["inserite"] != 1 {
		t.Errorf("cig = %v", cig.Stats)
	}
	if s := f.str(`SELECT concat_ws(' ', ateco, sezione_ateco, ore_richieste, ore_autorizzate, lavoratori, esito, dt_autorizzazione)
		FROM cig_domande WHERE id_domanda = 'D1'`); s != "56.10.11 I 100.00 80.00 12 AUTORIZZATA 2025-03-01" {
		t.Errorf("D1 = %s", s)
	}
	f.load(ingest.KindSUAP, writeFile(t, "suap_2025-02.csv", lines("\n",
		"ID-PRATICA;C-FISCALE;TIPO;SETTORE;DT-PRESENTAZIONE;ESITO;INDIRIZZO",
		"S1;01234567897;APERTURA;COMMERCIO;01/02/2025;IN CORSO;VIA ROSSINI 3",
	)), ingest.Options{})
	suap := f.load(ingest.KindSUAP, writeFile(t, "suap_2025-03.csv", lines("\n",
		"ID-PRATICA;C-FISCALE;TIPO;DT-PRESENTAZIONE;DT-CONCLUSIONE;ESITO",
		"S1;01234567897;APERTURA;01/02/2025;01/03/2025;ACCOLTA",
	)), ingest.Options{})
	if suap.Stats["aggiornate"] != 1 {
		t.Errorf("suap = %v", suap.Stats)
	}
	if s := f.str(`SELECT concat_ws(' ', settore, indirizzo, quartiere, esito) FROM suap_pratiche WHERE id_pratica = 'S1'`); s != "COMMERCIO VIA ROSSINI 3 Navile ACCOLTA" {
		t.Errorf("S1 = %s", s)
	}
}

// An address written otherwise between two snapshots (`VIA` → `V.`, `N. 6` → `6`) is the
// same place: a correction (rettifica), not a move (trasferimento); another civic number or
// street still is a move.
func TestAnAddressRewrittenIsNoMove(t *testing.T) {
	f := newFixture(t)
	f.load(ingest.KindStradario, writeFile(t, "stradario.csv", lines("\n", "COD-VIA;DENOMINAZIONE;QUARTIERE",
		"1;VIA DELL'INDIPENDENZA;Navile", "2;PIAZZA MAGGIORE;Santo Stefano")), ingest.Options{})
	head := "C-FISCALE;DENOMINAZIONE;N-G;DT-ISCR-RI;DT-CESSAZ;STATO;INDIRIZZO;ATECO"
	f.load(ingest.KindImprese, writeFile(t, "imprese_2026-09.csv", lines("\n", head,
		"01234567897;ALFA;SR;01/02/2020;;ATTIVA;VIA DELL'INDIPENDENZA N. 6;56.10.11",
		"11111111115;BETA;SR;01/02/2020;;ATTIVA;PIAZZA MAGGIORE 1;56.10.11",
		"22222222220;GAMMA;SR;01/02/2020;;ATTIVA;VIA DELL'INDIPENDENZA 8;56.10.11",
		"33333333335;DELTA;SR;01/02/2020;;ATTIVA;VIA DELL'INDIPENDENZA 9;56.10.11",
	)), ingest.Options{})
	oct := f.load(ingest.KindImprese, writeFile(t, "imprese_2026-10.csv", lines("\n", head,
		"01234567897;ALFA;SR;01/02/2020;;ATTIVA;V. DELL'INDIPENDENZA 6;56.10.11",
		"11111111115;BETA;SR;01/02/2020;;ATTIVA;P.ZZA MAGGIORE N. 1;56.10.11",
		"22222222220;GAMMA;SR;01/02/2020;;ATTIVA;VIA DELL'INDIPENDENZA 10;56.10.11",
		"33333333335;DELTA;SR;01/02/2020;;ATTIVA;PIAZZA MAGGIORE 9;56.10.11",
	)), ingest.Options{})
	if oct.Stats["evento_trasferimento"] != 2 || oct.Stats["evento_rettifica"] != 2 {
		t.Errorf("october = %v", oct.Stats)
	}
	if s := f.str(`SELECT string_agg(codice_fiscale || ' ' || tipo, ', ' ORDER BY codice_fiscale) FROM imprese_eventi`); s != "01234567897 rettifica, 11111111115 rettifica, 22222222220 trasferimento, 33333333335 trasferimento" {
		t.Errorf("events = %s", s)
	}
	// The company's address is the snapshot's, as written.
	if s := f.str(`SELECT indirizzo FROM imprese WHERE codice_fiscale = '01234567897'`); s != "V. DELL'INDIPENDENZA 6" {
		t.Errorf("address = %s", s)
	}
}

// A file with no date in its name that loads no row (a header alone, every row rejected)
// records no as-of: the source's data are still those of the latest batch with a date, not
// of the day the empty file was loaded.
func TestAFileThatLoadsNothingDoesNotMoveTheSourceAsOf(t *testing.T) {
	f := newFixture(t)
	head := "ID-DOMANDA;C-FISCALE;TIPO;DT-DOMANDA;DT-AUTORIZZAZIONE;ESITO;ORE-AUTORIZZATE"
	first := f.load(ingest.KindCIG, writeFile(t, "cig.csv", lines("\n", head, "D1;01234567897;CIGO;01/02/2025;15/02/2025;AUTORIZZATA;10")), ingest.Options{})
	if first.AsOf != "2025-02-15" || first.AsOfSource != "content" {
		t.Fatalf("first = %+v", first)
	}
	for name, content := range map[string][]byte{
		"cig_vuoto.csv":    lines("\n", head),
		"cig_scartato.csv": lines("\n", head, "D2;01234567890;CIGO;01/02/2025;;RESPINTA;0"),
	} {
		sum := f.load(ingest.KindCIG, writeFile(t, name, content), ingest.Options{})
		if sum.AsOf != "" || sum.AsOfSource != "none" || sum.Loaded != 0 {
			t.Errorf("%s = %+v", name, sum)
		}
	}
	st, err := f.loader.SourcesStatus(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range st {
		if s.Kind == "cig" && (s.AsOf == nil || *s.AsOf != "2025-02-15" || s.Batches != 3) {
			t.Errorf("cig source = %+v (as of %v)", s, s.AsOf)
		}
	}
}

// The as-of inferred from the content is the latest date of the rows loaded: a rejected row's
// dates (here a request presented later but of an unknown TIPO) do not move it.
func TestContentAsOfComesFromTheLoadedRows(t *testing.T) {
	f := newFixture(t)
	sum := f.load(ingest.KindCIG, writeFile(t, "cig.csv", lines("\n",
		"ID-DOMANDA;C-FISCALE;TIPO;DT-DOMANDA;DT-AUTORIZZAZIONE;ESITO;ORE-AUTORIZZATE",
		"D1;01234567897;CIGO;01/02/2025;15/02/2025;AUTORIZZATA;10",
		"D2;01234567897;CIGX;01/09/2025;;RESPINTA;0",
		"D3;01234567897;CIGO;01/03/2025;01/10/2025;RESPINTA;0,001",
	)), ingest.Options{})
	if sum.Loaded != 1 || sum.AsOf != "2025-02-15" || sum.AsOfSource != "content" {
		t.Errorf("cig = %+v", sum)
	}
}

// The street register in use is the latest file's: an earlier register loaded again after
// another one (A, B, A) is in force again (it was reported unchanged and B stayed), while the
// same file twice in a row changes nothing.
func TestAnEarlierStreetRegisterLoadedAgainReplacesTheLaterOne(t *testing.T) {
	f := newFixture(t)
	a := writeFile(t, "stradario_a.csv", lines("\n", "COD-VIA;DENOMINAZIONE;QUARTIERE", "1;VIA ROSSINI;Navile", "2;VIA VERDI;Navile"))
	b := writeFile(t, "stradario_b.csv", lines("\n", "COD-VIA;DENOMINAZIONE;QUARTIERE", "1;VIA ROSSINI;Savena", "2;VIA VERDI;Savena"))
	f.load(ingest.KindStradario, a, ingest.Options{})
	f.load(ingest.KindImprese, writeFile(t, "imprese_2026-10.csv", lines("\n",
		"C-FISCALE;DENOMINAZIONE;N-G;DT-ISCR-RI;DT-CESSAZ;STATO;INDIRIZZO;ATECO",
		"01234567897;ALFA;SR;01/02/2020;;ATTIVA;VIA ROSSINI 1;56.10.11",
	)), ingest.Options{})
	if again := f.load(ingest.KindStradario, a, ingest.Options{}); !again.UnchangedFile {
		t.Errorf("the same register twice = %+v", again)
	}
	f.load(ingest.KindStradario, b, ingest.Options{})
	if q := f.str(`SELECT quartiere FROM imprese`); q != "Savena" {
		t.Fatalf("after B: %s", q)
	}
	back := f.load(ingest.KindStradario, a, ingest.Options{})
	if back.UnchangedFile || back.Loaded != 2 {
		t.Errorf("A again after B = %+v", back)
	}
	if q := f.str(`SELECT quartiere FROM imprese`); q != "Navile" {
		t.Errorf("after A again: %s", q)
	}
	if again := f.load(ingest.KindStradario, a, ingest.Options{}); !again.UnchangedFile || again.SameAsBatch != back.BatchID {
		t.Errorf("A a third time = %+v", again)
	}
}

// A spreadsheet's `sep=;` line before the header names the separator: the file loads (it
// failed on missing columns), and lines keep their numbers in the file.
func TestSpreadsheetSeparatorLineLoads(t *testing.T) {
	f := newFixture(t)
	sum := f.load(ingest.KindSUAP, writeFile(t, "suap_2025-03.csv", lines("\r\n",
		"sep=;",
		"ID-PRATICA;C-FISCALE;TIPO;SETTORE;DT-PRESENTAZIONE;DT-CONCLUSIONE;ESITO;INDIRIZZO;CAP",
		"S1;01234567897;APERTURA;BAR, RISTORANTE;01/02/2025;;IN CORSO;VIA ROSSINI 1;40121",
		"S2;01234567897;VOLTURA;BAR;01/02/2025;;IN CORSO;VIA ROSSINI 1;40121",
	)), ingest.Options{})
	if sum.Separator != ";" || sum.Loaded != 1 || sum.Rejected != 1 || sum.Rejections[0].Line != 4 {
		t.Errorf("suap = %+v", sum)
	}
	if s := f.str(`SELECT settore FROM suap_pratiche WHERE id_pratica = 'S1'`); s != "BAR, RISTORANTE" {
		t.Errorf("settore = %s", s)
	}
}

// Reasons name what is wrong in the words of the column: hours are numbers, not amounts, and
// parity is feminine; the currency of an amount may be written in any case.
func TestReasonsAndCurrencySpellings(t *testing.T) {
	f := newFixture(t)
	cig := f.load(ingest.KindCIG, writeFile(t, "cig.csv", lines("\n",
		"ID-DOMANDA;C-FISCALE;TIPO;DT-DOMANDA;DT-AUTORIZZAZIONE;ESITO;ORE-AUTORIZZATE",
		"D1;01234567897;CIGO;01/02/2025;;RESPINTA;-5",
	)), ingest.Options{})
	if cig.Rejected != 1 || cig.Rejections[0].Reason != `numero negativo "-5" non ammesso` {
		t.Errorf("cig = %+v", cig.Rejections)
	}
	st := f.load(ingest.KindStradario, writeFile(t, "stradario.csv", lines("\n",
		"COD-VIA;DENOMINAZIONE;PARITA;CIVICO-AL;QUARTIERE", "1;VIA ROSSINI;T;99;Navile", "2;VIA VERDI;X;99;Navile",
		"3;VIA BELLINI;T;9,5;Navile")), ingest.Options{})
	if st.Rejected != 2 || st.Rejections[0].Reason != `valore di parità sconosciuto "X"` ||
		st.Rejections[1].Reason != `numero "9,5" non intero: serve un numero intero` {
		t.Errorf("stradario = %+v", st.Rejections)
	}
	gr := f.load(ingest.KindContributi, writeFile(t, "contributi.csv", lines("\n",
		"ID-BANDO;ANNO;C-FISCALE;IMPORTO-RICHIESTO;IMPORTO-CONCESSO;ESITO",
		"B1;2025;01234567897;5.000,00 euro;Euro 3.500,5;CONCESSO",
		"B2;2025;01234567897;€ -5,00;;NON AMMESSO",
	)), ingest.Options{})
	if gr.Loaded != 1 || gr.Rejected != 1 || gr.Rejections[0].Reason != `importo negativo "€ -5,00" non ammesso` {
		t.Errorf("contributi = %+v", gr)
	}
	if s := f.str(`SELECT importo_richiesto || ' ' || importo_concesso FROM contributi`); s != "5000.00 3500.50" {
		t.Errorf("amounts = %s", s)
	}
}

// A register snapshot without some optional columns says nothing about them: the companies it
// repeats keep the latest snapshot's values (they became NULL, a new version and a rettifica
// for every company that had one), a change of another column still makes its event, and a
// new company has none.
func TestASnapshotWithoutOptionalColumnsKeepsTheirValues(t *testing.T) {
	for _, inDB := range []bool{false, true} { // skipping unchanged rows in the loader, or not
		t.Run(map[bool]string{false: "loader", true: "database"}[inDB], func(t *testing.T) {
			snapshotWithoutOptionalColumns(t, ingest.Options{CompareInDatabase: inDB})
		})
	}
}

func snapshotWithoutOptionalColumns(t *testing.T, opts ingest.Options) {
	f := newFixture(t)
	f.load(ingest.KindImprese, writeFile(t, "imprese_2026-09.csv", lines("\n",
		"PRV;N-REA;C-FISCALE;DENOMINAZIONE;N-G;DESC-N-G;DT-ISCR-RI;DT-CESSAZ;STATO;INDIRIZZO;ATECO;ADDETTI;IMP-GIOVANILE;ARTIGIANA",
		"BO;1;01234567897;ALFA;SR;SOCIETA' A R.L.;01/02/2020;;ATTIVA;VIA ROSSINI 1;56.10.11;12;FORTE;S",
		"BO;2;11111111115;BETA;SR;SOCIETA' A R.L.;01/02/2020;;ATTIVA;VIA ROSSINI 2;56.10.11;3;;N",
		"BO;3;22222222220;GAMMA;SR;;01/02/2020;;ATTIVA;VIA ROSSINI 3;56.10.11;;;",
	)), opts)
	head := "C-FISCALE;DENOMINAZIONE;N-G;DT-ISCR-RI;DT-CESSAZ;STATO;INDIRIZZO;ATECO"
	oct := f.load(ingest.KindImprese, writeFile(t, "imprese_2026-10.csv", lines("\n", head,
		"01234567897;ALFA;SR;01/02/2020;;ATTIVA;VIA ROSSINI 1;56.10.11",
		"11111111115;BETA;SR;01/02/2020;;INATTIVA;VIA ROSSINI 2;56.10.11",
		"22222222220;GAMMA;SR;01/02/2020;;ATTIVA;VIA ROSSINI 3;56.10.11",
		"33333333335;DELTA;SR;01/10/2026;;ATTIVA;VIA ROSSINI 4;56.10.11",
	)), opts)
	if oct.Stats["invariate"] != 2 || oct.Stats["evento_rettifica"] != 0 || oct.Stats["evento_cambio_stato"] != 1 || oct.Stats["evento_ingresso"] != 1 {
		t.Errorf("october = %v", oct.Stats)
	}
	for cf, want := range map[string]string{
		"01234567897": "BO 1 SOCIETA' A R.L. 12 FORTE t",
		"11111111115": "BO 2 SOCIETA' A R.L. 3 <> f INATTIVA",
		"33333333335": "  SOCIETÀ A RESPONSABILITÀ LIMITATA <> <> f",
	} {
		got := f.str(`SELECT concat_ws(' ', provincia, rea, forma_desc, coalesce(addetti::text, '<>'), coalesce(giovanile, '<>'), artigiana,
			nullif(stato, 'ATTIVA')) FROM imprese WHERE codice_fiscale = $1`, cf)
		if got != want {
			t.Errorf("%s: %q, want %q", cf, got, want)
		}
	}
	// Another month written the same way: every line is its company unchanged.
	nov := f.load(ingest.KindImprese, writeFile(t, "imprese_2026-11.csv", lines("\r\n", head,
		"01234567897;ALFA;SR;01/02/2020;;ATTIVA;VIA ROSSINI 1;56.10.11",
		"11111111115;BETA;SR;01/02/2020;;INATTIVA;VIA ROSSINI 2;56.10.11",
		"22222222220;GAMMA;SR;01/02/2020;;ATTIVA;VIA ROSSINI 3;56.10.11",
		"33333333335;DELTA;SR;01/10/2026;;ATTIVA;VIA ROSSINI 4;56.10.11",
	)), opts)
	if nov.Stats["invariate"] != 4 || !opts.CompareInDatabase && nov.Stats["invariate_non_analizzate"] != 4 {
		t.Errorf("november = %v", nov.Stats)
	}
	if n := f.count(`SELECT count(*) FROM imprese_eventi`); n != 2 {
		t.Errorf("%d events, want 2", n)
	}
}

// A UTF-8 file with one value typed in Windows-1252 is stored without mojibake: the file was
// read as Windows-1252 whole, and every UTF-8 accent became two characters (CAFFÃˆ).
func TestAUTF8FileWithAWindows1252ValueIsNoMojibake(t *testing.T) {
	f := newFixture(t)
	sum := f.load(ingest.KindSUAP, writeFile(t, "suap_2025-03.csv", []byte(
		"ID-PRATICA;C-FISCALE;TIPO;SETTORE;DT-PRESENTAZIONE;ESITO;INDIRIZZO\n"+
			"S1;01234567897;APERTURA;CAFFÈ;01/02/2025;IN CORSO;VIA NICOLÒ 1\n"+
			"S2;01234567897;APERTURA;PERCH\xc9 NO;01/02/2025;IN CORSO;VIA X 1\n"+
			"S3;01234567897;APERTURA;ATTIVITÀ;01/02/2025;IN CORSO;VIA X 1\n")), ingest.Options{})
	if sum.Loaded != 3 || sum.Encoding != "utf-8" {
		t.Errorf("suap = %+v", sum)
	}
	if s := f.str(`SELECT string_agg(settore || ' ' || indirizzo, ', ' ORDER BY id_pratica) FROM suap_pratiche`); s != "CAFFÈ VIA NICOLÒ 1, PERCHÉ NO VIA X 1, ATTIVITÀ VIA X 1" {
		t.Errorf("stored %s", s)
	}
}

// Quartieri written with a dash as word processors type it (`Borgo Panigale – Reno`) are the
// quartiere.
func TestQuartiereWithTypographicDash(t *testing.T) {
	f := newFixture(t)
	st := f.load(ingest.KindStradario, writeFile(t, "stradario.csv", lines("\n", "COD-VIA;DENOMINAZIONE;QUARTIERE;ZONA",
		"1;VIA EMILIA PONENTE;Borgo Panigale – Reno;Santa Viola", "2;VIA SAN DONATO;SAN DONATO—SAN VITALE;San Donato")), ingest.Options{})
	if st.Loaded != 2 {
		t.Fatalf("stradario = %+v", st)
	}
	if s := f.str(`SELECT string_agg(quartiere, ',' ORDER BY cod_via) FROM stradario`); s != "Borgo Panigale-Reno,San Donato-San Vitale" {
		t.Errorf("quartieri = %s", s)
	}
}

// Addresses with a first name's initial (`VIA G. MARCONI`), `S.N.C.` or a milestone (`KM 3`)
// are attributed as their street's (they were "non attribuito").
func TestAddressesWithInitialsAndWithoutCivicAreAttributed(t *testing.T) {
	f := newFixture(t)
	f.load(ingest.KindStradario, writeFile(t, "stradario.csv", lines("\n", "COD-VIA;DENOMINAZIONE;CIVICO-DAL;CIVICO-AL;PARITA;QUARTIERE",
		"1;VIA GUGLIELMO MARCONI;1;9999;T;Porto-Saragozza", "2;VIA EMILIA PONENTE;1;9999;T;Borgo Panigale-Reno")), ingest.Options{})
	sum := f.load(ingest.KindImprese, writeFile(t, "imprese_2026-10.csv", lines("\n",
		"C-FISCALE;DENOMINAZIONE;N-G;DT-ISCR-RI;DT-CESSAZ;STATO;INDIRIZZO;ATECO",
		"01234567897;ALFA;SR;01/02/2020;;ATTIVA;VIA G. MARCONI 3;56.10.11",
		"11111111115;BETA;SR;01/02/2020;;ATTIVA;VIA EMILIA PONENTE S.N.C.;56.10.11",
		"22222222220;GAMMA;SR;01/02/2020;;ATTIVA;VIA EMILIA PONENTE KM 3;56.10.11",
		"33333333335;DELTA;SR;01/02/2020;;ATTIVA;VIA F. MARCONI 3;56.10.11",
	)), ingest.Options{})
	if *sum.MatchRate != 0.75 || sum.Stats["non_attribuiti"] != 1 {
		t.Errorf("imprese = %v %v", *sum.MatchRate, sum.Stats)
	}
	if s := f.str(`SELECT string_agg(coalesce(quartiere, '-'), ',' ORDER BY codice_fiscale) FROM imprese`); s != "Porto-Saragozza,Borgo Panigale-Reno,Borgo Panigale-Reno,-" {
		t.Errorf("quartieri = %s", s)
	}
}

// A row that cannot be split into the header's columns is rejected with the row itself as
// its value (the value was empty), cut when long.
func TestAWrongColumnCountRowCarriesItsText(t *testing.T) {
	f := newFixture(t)
	sum := f.load(ingest.KindCIG, writeFile(t, "cig.csv", lines("\n",
		"ID-DOMANDA;C-FISCALE;TIPO;DT-DOMANDA;DT-AUTORIZZAZIONE;ESITO;ORE-AUTORIZZATE",
		"D1;01234567897;CIGO;01/02/2025;;RESPINTA;1.234,5;x",
		"D2;01234567897;CIGO;01/02/2025;;RESPINTA;"+strings.Repeat("9", 300)+";x",
	)), ingest.Options{})
	if sum.Rejected != 2 || sum.Rejections[0].Column != "" || sum.Rejections[0].Value != "D1;01234567897;CIGO;01/02/2025;;RESPINTA;1.234,5;x" ||
		len([]rune(sum.Rejections[1].Value)) != 201 {
		t.Errorf("cig = %+v", sum.Rejections)
	}
	if n := f.count(`SELECT count(*) FROM rejected_rows WHERE value LIKE 'D1;%'`); n != 1 {
		t.Errorf("%d stored rejections with the row's text", n)
	}
}

// A date exported with a midnight time (`31/10/2026 00:00:00`, `2026-10-31T00:00:00`) is the
// date; another time is no date of the formats.
func TestDatesWithAMidnightTime(t *testing.T) {
	f := newFixture(t)
	sum := f.load(ingest.KindSUAP, writeFile(t, "suap_2025-03.csv", lines("\n",
		"ID-PRATICA;C-FISCALE;TIPO;DT-PRESENTAZIONE;DT-CONCLUSIONE;ESITO",
		"S1;01234567897;APERTURA;01/02/2025 00:00:00;2025-02-15T00:00:00;ACCOLTA",
		"S2;01234567897;APERTURA;01/02/2025 00:00;20250215;ACCOLTA",
		"S3;01234567897;APERTURA;01/02/2025 12:30;;IN CORSO",
	)), ingest.Options{})
	if sum.Loaded != 2 || sum.Rejected != 1 || sum.Rejections[0].Line != 4 || sum.Rejections[0].Column != "DT-PRESENTAZIONE" {
		t.Errorf("suap = %+v", sum)
	}
	if s := f.str(`SELECT string_agg(dt_presentazione || ' ' || dt_conclusione, ',' ORDER BY id_pratica) FROM suap_pratiche`); s != "2025-02-01 2025-02-15,2025-02-01 2025-02-15" {
		t.Errorf("dates = %s", s)
	}
}

// The end-of-file mark of old DOS tools (Ctrl-Z on a line of its own) is no row.
func TestDOSEndOfFileMarkIsNoRow(t *testing.T) {
	f := newFixture(t)
	sum := f.load(ingest.KindCIG, writeFile(t, "cig.csv", append(lines("\r\n",
		"ID-DOMANDA;C-FISCALE;TIPO;DT-DOMANDA;DT-AUTORIZZAZIONE;ESITO;ORE-AUTORIZZATE",
		"D1;01234567897;CIGO;01/02/2025;;RESPINTA;0"), 0x1a)), ingest.Options{})
	if sum.Read != 1 || sum.Loaded != 1 || sum.Rejected != 0 {
		t.Errorf("cig = %+v", sum)
	}
}

// A batch in JSON (`conoscenza ingest batches --json`, `rejections --json`) has its as-of as a
// date, as the load summary does (it was a timestamp, 2026-10-31T00:00:00Z).
func TestBatchJSONAsOfIsADate(t *testing.T) {
	f := newFixture(t)
	sum := f.load(ingest.KindCIG, writeFile(t, "cig_2025-03-31.csv", lines("\n",
		"ID-DOMANDA;C-FISCALE;TIPO;DT-DOMANDA;DT-AUTORIZZAZIONE;ESITO;ORE-AUTORIZZATE",
		"D1;01234567897;CIGO;01/02/2025;;RESPINTA;0")), ingest.Options{})
	b, err := f.loader.GetBatch(context.Background(), sum.BatchID)
	if err != nil {
		t.Fatal(err)
	}
	js, _ := json.Marshal(b)
	if !strings.Contains(string(js), `"as_of":"2025-03-31"`) || !strings.Contains(string(js), `"kind":"cig"`) {
		t.Errorf("batch = %s", js)
	}
}

// An unknown batch is named in Italian, as every other message of `conoscenza ingest` is (it
// was "lotto 999 not found").
func TestUnknownBatchIsNotFoundInItalian(t *testing.T) {
	f := newFixture(t)
	_, err := f.loader.GetBatch(context.Background(), 999_999)
	if db.ErrorCode(err) != db.CodeNotFound || db.ErrorMessage(err) != "lotto 999999 non trovato" {
		t.Errorf("GetBatch(999999) = %v (code %v), want CodeNotFound, \"lotto 999999 non trovato\"", err, db.ErrorCode(err))
	}
}
