package ingest_test

import (
	"strings"
	"testing"

	"github.com/comune-bologna/conoscenza/ingest"
)

// Numbers carry no sign in the formats (digits, thousands dots, a decimal comma): a plus, or a
// minus before a zero, is a bad row naming the column, as a negative number already was (session
// 11's oracle audit: "+3" and "-0" employees, hours, workers and amounts loaded as 3 and 0).
func TestSignedNumbersAreBadRows(t *testing.T) {
	f := newFixture(t)
	reg := f.load(ingest.KindImprese, writeFile(t, "imprese_2026-10.csv", lines("\n",
		"C-FISCALE;DENOMINAZIONE;N-G;DT-ISCR-RI;DT-CESSAZ;STATO;INDIRIZZO;ATECO;ADDETTI",
		"01234567897;ALFA SRL;SR;01/01/2020;;ATTIVA;VIA TOSCANA 1;56.10.11;1.200",
		"11111111115;BETA SRL;SR;01/01/2020;;ATTIVA;VIA TOSCANA 2;56.10.11;+3",
		"00034567891;GAMMA SRL;SR;01/01/2020;;ATTIVA;VIA TOSCANA 3;56.10.11;-0",
	)), ingest.Options{})
	cig := f.load(ingest.KindCIG, writeFile(t, "cig.csv", lines("\n",
		"ID-DOMANDA;C-FISCALE;TIPO;DT-DOMANDA;DT-AUTORIZZAZIONE;ESITO;ORE-AUTORIZZATE;LAVORATORI",
		"D1;01234567897;CIGO;01/02/2025;01/03/2025;AUTORIZZATA;1.234,5;3",
		"D2;01234567897;CIGO;01/02/2025;01/03/2025;AUTORIZZATA;+100;3",
		"D3;01234567897;CIGO;01/02/2025;01/03/2025;AUTORIZZATA;100;-0",
	)), ingest.Options{})
	gr := f.load(ingest.KindContributi, writeFile(t, "contributi.csv", lines("\n",
		"ID-BANDO;ANNO;C-FISCALE;IMPORTO-RICHIESTO;IMPORTO-CONCESSO;ESITO",
		"B1;2025;01234567897;5.000,00;3.000,00;CONCESSO",
		"B2;2025;01234567897;5.000,00;€ +3.000,00;CONCESSO",
	)), ingest.Options{})
	type want struct {
		line           int
		column, reason string
	}
	for _, c := range []struct {
		name string
		sum  ingest.Summary
		want []want
	}{
		{"imprese", reg, []want{{3, "ADDETTI", "segno"}, {4, "ADDETTI", "negativo"}}},
		{"cig", cig, []want{{3, "ORE-AUTORIZZATE", "segno"}, {4, "LAVORATORI", "negativo"}}},
		{"contributi", gr, []want{{3, "IMPORTO-CONCESSO", "segno"}}},
	} {
		if c.sum.Loaded != 1 || len(c.sum.Rejections) != len(c.want) {
			t.Errorf("%s: loaded %d, rejections %+v", c.name, c.sum.Loaded, c.sum.Rejections)
			continue
		}
		for i, w := range c.want {
			r := c.sum.Rejections[i]
			if r.Line != w.line || r.Column != w.column || !strings.Contains(r.Reason, w.reason) {
				t.Errorf("%s: rejection %d = %+v, want line %d %s %q", c.name, i, r, w.line, w.column, w.reason)
			}
		}
	}
	if s := f.str(`SELECT addetti::text FROM imprese`); s != "1200" {
		t.Errorf("stored employees = %s", s)
	}
	if s := f.str(`SELECT ore_autorizzate::text FROM cig_domande`); s != "1234.50" {
		t.Errorf("stored hours = %s", s)
	}
}
