package address

import (
	"fmt"
	"testing"
)

func TestParse(t *testing.T) {
	for _, c := range []struct {
		in, key string
		num     int
		suffix  string
	}{
		{"VIA DELL'INDIPENDENZA N. 138", "VIA INDIPENDENZA", 138, ""},
		{"V. DEL PORTO 122", "VIA PORTO", 122, ""},
		{"P.ZZA MAGGIORE 1", "PIAZZA MAGGIORE", 1, ""},
		{"PZA MAGGIORE, 1", "PIAZZA MAGGIORE", 1, ""},
		{"VIA DEL MELONCELLO 144/B", "VIA MELONCELLO", 144, "B"},
		{"VIA SAN VITALE 3 BIS", "VIA S VITALE", 3, "BIS"},
		{"VIA S. VITALE 3BIS", "VIA S VITALE", 3, "BIS"},
		{"via nicolò dall'arca 10", "VIA NICOLO ARCA", 10, ""},
		{"VIA NICOLO' DALL'ARCA", "VIA NICOLO ARCA", 0, ""},
		{"V.LE GIOVANNI VICINI 20", "VIALE GIOVANNI VICINI", 20, ""},
		{"VIA XX SETTEMBRE NR 3 A", "VIA XX SETTEMBRE", 3, "A"},
		{"VIA CADRIANO BIS 4", "VIA CADRIANO BIS", 4, ""},
		{"VIA DE' CARRACCI 7", "VIA CARRACCI", 7, ""},
		{"", "", 0, ""},
	} {
		p := Parse(c.in)
		if p.Key() != c.key || p.Number != c.num || p.Suffix != c.suffix {
			t.Errorf("Parse(%q) = %q %d %q, want %q %d %q", c.in, p.Key(), p.Number, p.Suffix, c.key, c.num, c.suffix)
		}
	}
}

func TestMatcherRangesParityAndFallbacks(t *testing.T) {
	m := NewMatcher()
	odd := Territory{"Santo Stefano", "Galvani", "GAL-1"}
	even := Territory{"San Donato-San Vitale", "Irnerio", "IRN-1"}
	m.Add("VIA DELL'INDIPENDENZA", Segment{1, 99, 'D', odd})
	m.Add("VIA DELL'INDIPENDENZA", Segment{2, 98, 'P', even})
	m.Add("VIA DI CORTICELLA", Segment{1, 200, 'T', Territory{"Navile", "Bolognina", "NAV-1"}})
	m.Add("VIA DI CORTICELLA", Segment{201, 9999, 'T', Territory{"Navile", "Corticella", "NAV-2"}})
	m.Add("VIALE GIOVANNI VICINI", Segment{1, 9999, 'T', Territory{"Porto-Saragozza", "Malpighi", "MAL-1"}})
	m.Add("VIA GUGLIELMO MARCONI", Segment{1, 9999, 'T', Territory{"Porto-Saragozza", "Marconi", "MAR-2"}})
	m.Add("PIAZZA GUGLIELMO MARCONI", Segment{1, 9999, 'T', Territory{"Navile", "Lame", "LAM-1"}})
	for _, c := range []struct {
		addr string
		want Territory
		ok   bool
	}{
		{"VIA DELL'INDIPENDENZA 13", odd, true},
		{"VIA INDIPENDENZA N. 12/A", even, true},
		{"VIA DELL'INDIPENDENZA 101", Territory{}, false}, // outside every range, two quartieri
		{"VIA DELL'INDIPENDENZA", Territory{}, false},     // no civic, two quartieri
		{"VIA DI CORTICELLA 250", Territory{"Navile", "Corticella", "NAV-2"}, true},
		{"VIA DI CORTICELLA", Territory{"Navile", "", ""}, true}, // one quartiere, two zone
		{"VIALE VICINI 3", Territory{"Porto-Saragozza", "Malpighi", "MAL-1"}, true},
		{"VICINI 3", Territory{"Porto-Saragozza", "Malpighi", "MAL-1"}, true},
		{"VIA MARCONI 3", Territory{"Porto-Saragozza", "Marconi", "MAR-2"}, true},
		{"MARCONI 3", Territory{}, false}, // ambiguous: via or piazza
		{"VIA INESISTENTE 4", Territory{}, false},
		// What registers write after the civic number, and SNC (senza numero civico).
		{"VIA DELL'INDIPENDENZA 12/2", even, true},
		{"VIA DELL'INDIPENDENZA N. 13-15", odd, true},
		{"VIA DELL'INDIPENDENZA 13 INT. 4", odd, true},
		{"VIA DELL'INDIPENDENZA 12 PIANO 3", even, true},
		{"VIA DI CORTICELLA SNC", Territory{"Navile", "", ""}, true},
		{"VIA DELL'INDIPENDENZA SNC", Territory{}, false}, // two quartieri
		{"VIA INESISTENTE 4/2", Territory{}, false},
		{"", Territory{}, false},
		// Initials for first names, S.N.C. and a milestone.
		{"VIA G. MARCONI 3", Territory{"Porto-Saragozza", "Marconi", "MAR-2"}, true},
		{"V.LE G. VICINI 3", Territory{"Porto-Saragozza", "Malpighi", "MAL-1"}, true},
		{"VIA F. MARCONI 3", Territory{}, false}, // another first name
		{"G. MARCONI 3", Territory{}, false},     // ambiguous: via or piazza
		{"VIA DI CORTICELLA S.N.C.", Territory{"Navile", "", ""}, true},
		{"VIA DI CORTICELLA KM 3", Territory{"Navile", "", ""}, true},
	} {
		// The street cache must not change an answer: each address is matched cold, warm (the
		// same street with another civic was seen) and through a clone with its own cache.
		for i, mm := range []*Matcher{m, m, m.Clone()} {
			got, ok := mm.Match(c.addr)
			if got != c.want || ok != c.ok {
				t.Errorf("Match(%q) pass %d = %+v %v, want %+v %v", c.addr, i, got, ok, c.want, c.ok)
			}
		}
	}
}

// FuzzParse checks that parsing never panics and that a parsed key is stable.
func FuzzParse(f *testing.F) {
	for _, s := range []string{"VIA DELL'INDIPENDENZA N. 138", "P.ZZA MAGGIORE 1", "12/A", "N. N. 3", "VIA 2 AGOSTO 1980 5", "ÀÈÌ'’ 9999999999"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		p := Parse(s)
		if p.Number < 0 {
			t.Fatalf("negative civic for %q", s)
		}
		if k := ParseStreet(p.Key()).Key(); p.Key() != "" && k == "" {
			t.Fatalf("key %q of %q normalises to nothing", p.Key(), s)
		}
	})
}

// BenchmarkMatch shows what an address costs: one whose street is found (the cache answers),
// and one of a street missing from the register, which also takes the earlierCivic fallback.
func BenchmarkMatch(b *testing.B) {
	m := NewMatcher()
	for i := 0; i < 2000; i++ {
		m.Add(fmt.Sprintf("VIA STRADA NUMERO %d", i), Segment{1, 9999, 'T', Territory{"Navile", "Lame", "LAM-1"}})
	}
	for _, c := range []struct{ name, addr string }{
		{"found", "VIA STRADA NUMERO 17 N. %d/A"},
		{"missing", "VIA INESISTENTE DEL CENTRO %d/A"},
	} {
		b.Run(c.name, func(b *testing.B) {
			for i := 0; i < b.N; i++ {
				m.Match(fmt.Sprintf(c.addr, i%500+1))
			}
		})
	}
}
