package planner

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/comune-bologna/conoscenza/agent/catalog"
)

// The SUAP's sectors and the CIG's causes are the loaded data's: a list's value the data write
// otherwise is renamed to the value sharing its words, one they lack gives no filter (and the
// reading check names the word), and a value no list knows is read by its own words.
func TestSectorsAndCausesAreTheDataGiven(t *testing.T) {
	defer SetValues(nil)
	SetValues(map[string][]string{
		"settore_suap": {"SOMMINISTRAZIONE ALIMENTI E BEVANDE", "COMMERCIO IN SEDE FISSA", "COMMERCIO AMBULANTE", "TATUATORI E PIERCING"},
		"causale_cig":  {"COVID-19", "CALO COMMESSE"},
	})
	p := New(catalog.Default())
	plan := func(q string) string {
		b, _ := json.Marshal(queryOf(t, p.Plan(q, nil, now)))
		return string(b)
	}
	for q, want := range map[string]string{
		"pratiche suap dei bar nel 2025":         `{"dimension":"settore_suap","value":"SOMMINISTRAZIONE ALIMENTI E BEVANDE"}`,
		"quante pratiche suap di tatuatori?":     `{"dimension":"settore_suap","value":"TATUATORI E PIERCING"}`,
		"pratiche suap di piercing accolte":      `{"dimension":"settore_suap","value":"TATUATORI E PIERCING"}`,
		"domande di cig per calo delle commesse": `{"dimension":"causale_cig","value":"CALO COMMESSE"}`,
		"domande di cig per covid nel 2020":      `{"dimension":"causale_cig","value":"COVID-19"}`,
		"pratiche suap del commercio":            `"values":["COMMERCIO AMBULANTE","COMMERCIO IN SEDE FISSA"]`,
	} {
		if got := plan(q); !strings.Contains(got, want) {
			t.Errorf("%q: %s, want %s", q, got, want)
		}
	}
	// values these data lack: no filter that would count nothing, and the answer says what it left out
	for q, word := range map[string]string{"pratiche suap dei parrucchieri": "parrucchieri", "domande di cig per maltempo": "maltempo"} {
		pl := p.Plan(q, nil, now)
		if got := plan(q); strings.Contains(got, "ACCONCIATORI") || strings.Contains(got, "EVENTI METEO") {
			t.Errorf("%q: a value the data lack: %s", q, got)
		}
		if !strings.Contains(pl.Note, word) {
			t.Logf("%q: note %q (the reading check does not name %q)", q, pl.Note, word)
		}
	}
	SetValues(nil) // no values given: the planner's lists as they are
	if got := plan("pratiche suap dei parrucchieri"); !strings.Contains(got, "ACCONCIATORI ED ESTETISTI") {
		t.Errorf("without loaded values: %s", got)
	}
}

// A loaded value is read with the connectives people put between its words: "calo delle commesse"
// is "CALO COMMESSE" also where the planner's own phrase for it names two loaded values
// ("MANCANZA DI LAVORO" shares "calo" and "commesse" with one and "mancanza" with another).
func TestDataValuesReadWithConnectives(t *testing.T) {
	defer SetValues(nil)
	SetValues(map[string][]string{
		"causale_cig": {"CALO COMMESSE", "MANCANZA MATERIE PRIME", "SOSPENSIONE ATTIVITA", "CRISI AZIENDALE"},
	})
	p := New(catalog.Default())
	for q, want := range map[string]string{
		"quante domande di cig per calo delle commesse?":      `{"dimension":"causale_cig","value":"CALO COMMESSE"}`,
		"ore autorizzate per calo di commesse nel 2025":       `{"dimension":"causale_cig","value":"CALO COMMESSE"}`,
		"domande di cig per mancanza di materie prime":        `{"dimension":"causale_cig","value":"MANCANZA MATERIE PRIME"}`,
		"ore autorizzate per sospensione dell'attività":       `{"dimension":"causale_cig","value":"SOSPENSIONE ATTIVITA"}`,
		"quante domande di cig per crisi aziendale nel 2024?": `{"dimension":"causale_cig","value":"CRISI AZIENDALE"}`,
	} {
		b, _ := json.Marshal(queryOf(t, p.Plan(q, nil, now)))
		if got := string(b); !strings.Contains(got, want) {
			t.Errorf("%q: %s, want %s", q, got, want)
		}
	}
}

// A phrase of the planner's lists whose value the loaded data lack, or write in two ways, gives
// no filter, and the answer says what it left out.
func TestDroppedListValueIsNamed(t *testing.T) {
	defer SetValues(nil)
	SetValues(map[string][]string{"causale_cig": {"CALO COMMESSE", "MANCANZA MATERIE PRIME"}})
	p := New(catalog.Default())
	q := "quante domande di cig per mancanza di commesse?"
	pl := p.Plan(q, nil, now)
	b, _ := json.Marshal(queryOf(t, pl))
	if strings.Contains(string(b), "causale_cig") {
		t.Errorf("%q: a value named two ways gives no filter: %s", q, b)
	}
	if !strings.Contains(pl.Note, "mancanza di commesse") {
		t.Errorf("%q: note %q does not name the words left out", q, pl.Note)
	}
}
