package ingest_test

import (
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
