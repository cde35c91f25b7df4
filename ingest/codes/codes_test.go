package codes

import (
	"strings"
	"testing"
)

func TestValidateCF(t *testing.T) {
	cases := []struct {
		in      string
		kind    CFKind
		wantErr string
	}{
		{"00514490010", CFCompany, ""}, // a real partita IVA shape with valid check digit
		{"01234567897", CFCompany, ""}, // check digit computed by hand: 7
		{"01234567890", 0, "wrong check digit"},
		{"0123456789A", 0, "all digits"},
		{"RSSMRA85T10A562S", CFPersonal, ""}, // the textbook example
		{"rssmra85t10a562s", CFPersonal, ""}, // lower case is normalised
		{"RSSMRA85T10A562T", 0, "wrong check character"},
		{"RSSMRA85T10A5620", 0, "AAAAAA00A00A000A"},
		{"RSSMRAURTMLARSNL", 0, ""}, // omocodia: placeholder, check below
		{"123", 0, "11 digits or 16 characters"},
		{"", 0, "empty"},
	}
	for _, tc := range cases {
		if tc.in == "RSSMRAURTMLARSNL" {
			// Build a valid omocode from the textbook one: digits replaced by LMNPQRSTUV letters.
			tc.in = "RSSMRAURTMLARSN"
			tc.in += string(PersonalCheckChar(tc.in))
			tc.kind = CFPersonal
		}
		got, kind, err := ValidateCF(tc.in)
		if tc.wantErr != "" {
			if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
				t.Errorf("ValidateCF(%q) err = %v, want %q", tc.in, err, tc.wantErr)
			}
			continue
		}
		if err != nil || kind != tc.kind || got != strings.ToUpper(tc.in) {
			t.Errorf("ValidateCF(%q) = %q, %v, %v", tc.in, got, kind, err)
		}
	}
}

func TestAtecoReferenceIsComplete(t *testing.T) {
	if len(Sezioni) != 21 || len(Divisioni) != 88 {
		t.Fatalf("ATECO 2007 has 21 sections and 88 divisions; got %d and %d", len(Sezioni), len(Divisioni))
	}
	sections := map[string]bool{}
	for _, s := range Sezioni {
		sections[s.Code] = true
	}
	seen := map[string]bool{}
	for _, d := range Divisioni {
		if !sections[d.Sezione] || seen[d.Code] || d.Descrizione == "" {
			t.Errorf("bad division %+v", d)
		}
		seen[d.Code] = true
	}
}

func TestParseAteco(t *testing.T) {
	cases := []struct{ in, code, div, sez, wantErr string }{
		{"56.10.11", "56.10.11", "56", "I", ""},
		{"561011", "56.10.11", "56", "I", ""},
		{" 47.11 ", "47.11", "47", "G", ""},
		{"62", "62", "62", "J", ""},
		{"01.11.0", "01.11.0", "01", "A", ""},
		{"47.2", "47.2", "47", "G", ""}, // a group
		{"472", "47.2", "47", "G", ""},
		{"5610111", "", "", "", "2 to 6 digits"},
		{"04.10.00", "", "", "", "division 04 does not exist"},
		{"99.00.00", "99.00.00", "99", "U", ""},
		{"5", "", "", "", "2 to 6 digits"},
		{"56.1x", "", "", "", "only digits"},
		{"5.610", "", "", "", "dots must separate"},
		{"", "", "", "", "empty"},
	}
	for _, tc := range cases {
		a, err := ParseAteco(tc.in)
		if tc.wantErr != "" {
			if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
				t.Errorf("ParseAteco(%q) err = %v, want %q", tc.in, err, tc.wantErr)
			}
			continue
		}
		if err != nil || a.Code != tc.code || a.Divisione != tc.div || a.Sezione != tc.sez {
			t.Errorf("ParseAteco(%q) = %+v, %v", tc.in, a, err)
		}
	}
}

func TestLookupForma(t *testing.T) {
	if f, ok := LookupForma("sr"); !ok || f.Classe != ClasseCapitale {
		t.Errorf("SR = %+v %v", f, ok)
	}
	if f, ok := LookupForma("DI"); !ok || f.Classe != ClasseIndividuali {
		t.Errorf("DI = %+v %v", f, ok)
	}
	if f, ok := LookupForma("ZZ"); ok || f.Classe != ClasseAltre {
		t.Errorf("unknown code = %+v %v, want altre forme", f, ok)
	}
}

func TestTerritoryHasSixQuartieriAndEighteenZone(t *testing.T) {
	n := 0
	for _, q := range Quartieri {
		n += len(q.Zone)
	}
	if len(Quartieri) != 6 || n != 18 {
		t.Fatalf("got %d quartieri and %d zone", len(Quartieri), n)
	}
}
