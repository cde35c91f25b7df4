package ingest_test

import (
	"context"
	"strings"
	"testing"

	"github.com/comune-bologna/conoscenza/ingest"
)

// Session 10's audit with files written apart from the examples (docs/ingest.md, "Session 10").

// The end-of-file mark of old DOS tools (Ctrl-Z) right after the last record, with no line
// break before it, is no part of the last value: it was stored in it (`VIA TOSCANA 14\x1a`),
// and after a quoted last value it made the value read as unquoted (`"VIA TOSCANA 14"\x1a`).
func TestDOSEndOfFileMarkAfterTheLastRecord(t *testing.T) {
	f := newFixture(t)
	header := "ID-PRATICA;C-FISCALE;TIPO;DT-PRESENTAZIONE;ESITO;INDIRIZZO"
	plain := f.load(ingest.KindSUAP, writeFile(t, "suap_2026-10.csv", []byte(header+"\r\n"+
		"S1;01234567897;APERTURA;01/10/2026;ACCOLTA;VIA TOSCANA 12\r\n"+
		"S2;01234567897;APERTURA;01/10/2026;ACCOLTA;VIA TOSCANA 14\x1a")), ingest.Options{})
	quoted := f.load(ingest.KindSUAP, writeFile(t, "suap_2026-11.csv", []byte(`"ID-PRATICA";"C-FISCALE";"TIPO";"DT-PRESENTAZIONE";"ESITO";"INDIRIZZO"`+"\r\n"+
		`"S3";"01234567897";"APERTURA";"01/11/2026";"ACCOLTA";"VIA TOSCANA 16"`+"\x1a")), ingest.Options{})
	if plain.Read != 2 || plain.Loaded != 2 || quoted.Read != 1 || quoted.Loaded != 1 ||
		strings.Contains(strings.Join(quoted.Warnings, " "), "virgolette") {
		t.Errorf("plain = %+v\nquoted = %+v", plain, quoted)
	}
	if s := f.str(`SELECT string_agg(indirizzo, '|' ORDER BY id_pratica) FROM suap_pratiche`); s != "VIA TOSCANA 12|VIA TOSCANA 14|VIA TOSCANA 16" {
		t.Errorf("addresses = %q", s)
	}
	// A date as the last value, the usual end of a register line, is read too.
	sum := f.load(ingest.KindCIG, writeFile(t, "cig.csv", []byte(strings.Join([]string{
		"ID-DOMANDA;C-FISCALE;TIPO;DT-DOMANDA;ESITO;ORE-AUTORIZZATE;DT-AUTORIZZAZIONE",
		"D1;01234567897;CIGO;01/02/2025;AUTORIZZATA;10;15/02/2025\x1a"}, "\n"))), ingest.Options{})
	if sum.Loaded != 1 || f.str(`SELECT dt_autorizzazione::text FROM cig_domande`) != "2025-02-15" {
		t.Errorf("cig = %+v", sum)
	}
}

// garbage is n bytes of noise without line breaks, quotes or separators (a line of binary
// garbage in a text file), with control bytes and NULs when ctl is set.
func garbage(n int, ctl bool) []byte {
	b, x := make([]byte, 0, n), uint32(2463534242)
	for len(b) < n {
		x ^= x << 13
		x ^= x >> 17
		x ^= x << 5
		c := byte(x)
		if c == '\n' || c == '\r' || c == '"' || c == ';' || !ctl && c < 0x80 {
			continue
		}
		b = append(b, c)
	}
	return b
}

// A line of binary garbage in a small UTF-8 file is one bad row: the good rows load, with their
// accents. The whole file was refused as "not text" (control bytes over 1% of it), or, with
// only high bytes in the garbage, decoded as Windows-1252: every accent mojibake (`CAFFÃˆ`).
func TestALineOfGarbageIsOneBadRow(t *testing.T) {
	for _, ctl := range []bool{true, false} {
		f := newFixture(t)
		head := "ID-DOMANDA;C-FISCALE;DENOMINAZIONE;TIPO;DT-DOMANDA;DT-AUTORIZZAZIONE;ESITO;ORE-AUTORIZZATE\n"
		var rows []string
		for _, id := range []string{"G1", "G2", "G3", "G4", "G5", "G6"} {
			rows = append(rows, id+";01234567897;CAFFÈ CITTÀ "+id+";CIGO;01/09/2026;;IN ISTRUTTORIA;0\n")
		}
		content := []byte(head + strings.Join(rows[:3], ""))
		content = append(append(content, garbage(300, ctl)...), '\n')
		content = append(content, strings.Join(rows[3:], "")...)
		sum := f.load(ingest.KindCIG, writeFile(t, "cig_2026-10.csv", content), ingest.Options{})
		if sum.Encoding != "utf-8" || sum.Loaded != 6 || sum.Rejected != 1 || sum.Rejections[0].Line != 5 {
			t.Errorf("control bytes %v: %+v", ctl, sum)
		}
		if s := f.str(`SELECT string_agg(DISTINCT left(denominazione, 11), ',') FROM cig_domande`); s != "CAFFÈ CITTÀ" {
			t.Errorf("control bytes %v: names %q", ctl, s)
		}
	}
	// Vertical tabs, line breaks inside a cell in some exports, on every line are text.
	f := newFixture(t)
	vt := f.load(ingest.KindCIG, writeFile(t, "cig_2026-09.csv", lines("\n",
		"ID-DOMANDA;C-FISCALE;TIPO;DT-DOMANDA;DT-AUTORIZZAZIONE;ESITO;ORE-AUTORIZZATE;CAUSALE",
		"V1;01234567897;CIGO;01/09/2026;;RESPINTA;0;CRISI\vAZIENDALE",
		"V2;01234567897;CIGO;01/09/2026;;RESPINTA;0;EVENTI\vMETEO",
	)), ingest.Options{})
	if vt.Loaded != 2 || f.str(`SELECT string_agg(causale, ',' ORDER BY id_domanda) FROM cig_domande`) != "CRISI AZIENDALE,EVENTI METEO" {
		t.Errorf("vertical tabs: %+v", vt)
	}
	// A binary file is still refused whole, and so is a text file with garbage on its header
	// line or on a quarter of its lines.
	for name, content := range map[string][]byte{
		"png":    append([]byte("\x89PNG\r\n\x1a\n"), garbage(200, true)...),
		"header": append(garbage(100, true), "\nD1;01234567897;CIGO;01/09/2026;;RESPINTA;0\n"...),
		"half": append(append([]byte("ID-DOMANDA;C-FISCALE;TIPO;DT-DOMANDA;DT-AUTORIZZAZIONE;ESITO;ORE-AUTORIZZATE\n"+
			"D1;01234567897;CIGO;01/09/2026;;RESPINTA;0\n"), garbage(100, true)...), '\n'),
	} {
		_, err := f.loader.LoadFile(context.Background(), ingest.KindCIG, writeFile(t, "cig.csv", content), ingest.Options{})
		if err == nil || !strings.Contains(err.Error(), "non è un CSV di testo") {
			t.Errorf("%s: err = %v", name, err)
		}
	}
}

// A UTF-8 file with a BOM whose header has a name typed in Windows-1252 (`PARITÀ` as one byte)
// and a value so typed under it: the row is rejected as not UTF-8, under the header name read
// as Windows-1252. The name went to PostgreSQL as it was and failed the whole load.
func TestABOMFileWithAWindows1252HeaderNameLoads(t *testing.T) {
	f := newFixture(t)
	sum := f.load(ingest.KindCIG, writeFile(t, "cig_2026-10.csv", []byte("\xef\xbb\xbf"+
		"ID-DOMANDA;C-FISCALE;TIPO;DT-DOMANDA;DT-AUTORIZZAZIONE;ESITO;ORE-AUTORIZZATE;NOTE PARIT\xc0\n"+
		"B1;01234567897;CIGO;01/09/2026;;RESPINTA;0;ok\n"+
		"B2;01234567897;CIGO;01/09/2026;;RESPINTA;0;citt\xe0\n")), ingest.Options{})
	if sum.Loaded != 1 || sum.Rejected != 1 || sum.Rejections[0].Column != "NOTE PARITÀ" ||
		!strings.Contains(strings.Join(sum.Warnings, " "), "NOTE PARITÀ") {
		t.Errorf("cig = %+v", sum)
	}
}

// A value longer than any of the formats' (1,000 characters) is one bad row: an identifier or a
// company name that long did not fit PostgreSQL's index rows and failed the whole load.
func TestAnOverlongValueIsOneBadRow(t *testing.T) {
	f := newFixture(t)
	var b []byte // letters in no repeating pattern: PostgreSQL compresses a repeated one under the limit
	for _, c := range garbage(6000, true) {
		b = append(b, 'A'+c%26)
	}
	long := string(b)
	reg := f.load(ingest.KindImprese, writeFile(t, "imprese_2026-10.csv", lines("\n",
		"C-FISCALE;DENOMINAZIONE;N-G;DT-ISCR-RI;DT-CESSAZ;STATO;INDIRIZZO;ATECO",
		"01234567897;"+long+";SR;01/01/2020;;ATTIVA;VIA TOSCANA 1;56.10.11",
		"11111111115;BETA SRL;SR;01/01/2020;;ATTIVA;VIA TOSCANA "+long+" 3;56.10.11",
		"00034567891;GAMMA SRL;SR;01/01/2020;;ATTIVA;VIA TOSCANA 3;56.10.11",
	)), ingest.Options{})
	cig := f.load(ingest.KindCIG, writeFile(t, "cig_2026-10.csv", lines("\n",
		"ID-DOMANDA;C-FISCALE;TIPO;DT-DOMANDA;DT-AUTORIZZAZIONE;ESITO;ORE-AUTORIZZATE",
		long+";01234567897;CIGO;01/09/2026;;RESPINTA;0",
		"D2;01234567897;CIGO;01/09/2026;;RESPINTA;0",
	)), ingest.Options{})
	if reg.Loaded != 1 || reg.Rejected != 2 || reg.Rejections[0].Column != "DENOMINAZIONE" || reg.Rejections[1].Column != "INDIRIZZO" ||
		!strings.Contains(reg.Rejections[0].Reason, "troppo lungo: 6000 caratteri") || len([]rune(reg.Rejections[0].Value)) != 201 {
		t.Errorf("imprese = %+v", reg.Rejections)
	}
	if cig.Loaded != 1 || cig.Rejected != 1 || cig.Rejections[0].Column != "ID-DOMANDA" {
		t.Errorf("cig = %+v", cig)
	}
}

// Hours and amounts of 10^12 or more are a bad row (the columns are numeric(14,2): such a value
// failed the whole load with a numeric field overflow).
func TestAnAmountTooLargeIsOneBadRow(t *testing.T) {
	f := newFixture(t)
	cig := f.load(ingest.KindCIG, writeFile(t, "cig_2026-10.csv", lines("\n",
		"ID-DOMANDA;C-FISCALE;TIPO;DT-DOMANDA;DT-AUTORIZZAZIONE;ESITO;ORE-AUTORIZZATE;ORE-RICHIESTE",
		"N1;01234567897;CIGO;01/09/2026;;RESPINTA;0;1.000.000.000.000,00",
		"N2;01234567897;CIGO;01/09/2026;;RESPINTA;0;999.999.999.999,99",
	)), ingest.Options{})
	grants := f.load(ingest.KindContributi, writeFile(t, "contributi_2026-10.csv", lines("\n",
		"ID-BANDO;ANNO;C-FISCALE;ESITO;IMPORTO-CONCESSO",
		"B1;2026;01234567897;CONCESSO;€ 99.999.999.999.999,99",
		"B1;2026;11111111115;CONCESSO;10",
	)), ingest.Options{})
	if cig.Loaded != 1 || cig.Rejected != 1 || cig.Rejections[0].Column != "ORE-RICHIESTE" || !strings.Contains(cig.Rejections[0].Reason, "troppo grande") {
		t.Errorf("cig = %+v", cig)
	}
	if grants.Loaded != 1 || grants.Rejected != 1 || grants.Rejections[0].Column != "IMPORTO-CONCESSO" {
		t.Errorf("contributi = %+v", grants)
	}
	if s := f.str(`SELECT ore_richieste::text FROM cig_domande`); s != "999999999999.99" {
		t.Errorf("hours = %s", s)
	}
}

// An authorised request with no date of authorisation loads as the file says, with one
// warning that counts such requests (their hours authorised fall in no period).
func TestAuthorisedRequestWithoutDateIsLoadedWithAWarning(t *testing.T) {
	f := newFixture(t)
	sum := f.load(ingest.KindCIG, writeFile(t, "cig_2026-10.csv", lines("\n",
		"ID-DOMANDA;C-FISCALE;TIPO;DT-DOMANDA;DT-AUTORIZZAZIONE;ESITO;ORE-AUTORIZZATE",
		"A1;01234567897;CIGO;01/09/2026;;AUTORIZZATA;120",
		"A2;01234567897;CIGO;01/09/2026;15/09/2026;AUTORIZZATA;80",
		"A3;11111111115;FIS;02/09/2026;;IN ISTRUTTORIA;0",
		"A4;11111111115;FIS;03/09/2026;;AUTORIZZATA;10",
	)), ingest.Options{})
	if sum.Loaded != 4 || sum.Stats["autorizzate_senza_data"] != 2 {
		t.Fatalf("summary = %+v", sum)
	}
	if w := strings.Join(sum.Warnings, " | "); !strings.Contains(w, "2 domande AUTORIZZATA senza DT-AUTORIZZAZIONE") {
		t.Errorf("warnings = %s", w)
	}
}

// N-REA is digits (the formats' rule): a number with letters or signs is one bad row naming the
// column; an empty one is none, and leading zeros are kept as written.
func TestAnREANumberWithOtherThanDigitsIsOneBadRow(t *testing.T) {
	f := newFixture(t)
	reg := f.load(ingest.KindImprese, writeFile(t, "imprese_2026-10.csv", lines("\n",
		"PRV;N-REA;C-FISCALE;DENOMINAZIONE;N-G;DT-ISCR-RI;DT-CESSAZ;STATO;INDIRIZZO;ATECO",
		"BO;0123456;01234567897;ALFA SRL;SR;01/01/2020;;ATTIVA;VIA TOSCANA 1;56.10.11",
		"BO;12A456;11111111115;BETA SRL;SR;01/01/2020;;ATTIVA;VIA TOSCANA 2;56.10.11",
		"BO;;00034567891;GAMMA SRL;SR;01/01/2020;;ATTIVA;VIA TOSCANA 3;56.10.11",
		"BO;-45;12345678903;DELTA SRL;SR;01/01/2020;;ATTIVA;VIA TOSCANA 4;56.10.11",
	)), ingest.Options{})
	if reg.Loaded != 2 || reg.Rejected != 2 {
		t.Fatalf("loaded %d rejected %d: %+v", reg.Loaded, reg.Rejected, reg.Rejections)
	}
	for i, want := range []struct {
		line  int
		value string
	}{{3, "12A456"}, {5, "-45"}} {
		r := reg.Rejections[i]
		if r.Line != want.line || r.Column != "N-REA" || r.Value != want.value || !strings.Contains(r.Reason, "solo cifre") {
			t.Errorf("rejection %d = %+v, want line %d N-REA %q", i, r, want.line, want.value)
		}
	}
	if s := f.str(`SELECT string_agg(rea, ',' ORDER BY codice_fiscale) FROM imprese`); s != ",0123456" {
		t.Errorf("stored REA numbers = %q", s)
	}
}
