package planner

import (
	"encoding/json"
	"testing"
	"time"

	"github.com/comune-bologna/conoscenza/agent/catalog"
	"github.com/comune-bologna/conoscenza/agent/semantic"
	"github.com/comune-bologna/conoscenza/agent/tool"
)

var now = time.Date(2026, 11, 15, 10, 0, 0, 0, time.UTC)

func queryOf(t *testing.T, p Plan) semantic.Query {
	t.Helper()
	for _, c := range p.Calls {
		if c.Name == tool.QueryMetrics {
			var q semantic.Query
			if err := json.Unmarshal(c.Arguments, &q); err != nil {
				t.Fatal(err)
			}
			return q
		}
	}
	t.Fatalf("no query_metrics call in %+v", p)
	return semantic.Query{}
}

// expectQueries checks the typed query each question, asked alone, is read as.
func expectQueries(t *testing.T, p *Planner, cases []struct{ question, want string }) {
	t.Helper()
	for _, c := range cases {
		got, _ := json.Marshal(queryOf(t, p.Plan(c.question, nil, now)))
		if string(got) != c.want {
			t.Errorf("%q:\n got %s\nwant %s", c.question, got, c.want)
		}
	}
}

// converse reads the turns as one conversation and returns the last turn's plan.
func converse(p *Planner, turns []string) Plan {
	var prev *State
	var pl Plan
	for _, q := range turns {
		pl = p.Plan(q, prev, now)
		prev = &pl.State
	}
	return pl
}

// callArguments are the arguments of a plan's calls named name (every call when name is "").
func callArguments(pl Plan, name string) []string {
	var out []string
	for _, c := range pl.Calls {
		if name == "" || c.Name == name {
			out = append(out, string(c.Arguments))
		}
	}
	return out
}

func TestPeriodsAreReadRelativeToNowAndLeftOpenWhenTheDataDecide(t *testing.T) {
	cases := []struct{ question, from, to, compare string }{
		{"aperture nel 2020", "2020-01-01", "2020-12-31", ""},
		{"aperture in 2021", "2021-01-01", "2021-12-31", ""},
		{"chiusure dal 2020", "2020-01-01", "", ""},
		{"chiusure tra il 2019 e il 2021", "2019-01-01", "2021-12-31", ""},
		{"chiusure 2019-2021", "2019-01-01", "2021-12-31", ""},
		{"chiusure nel primo semestre 2020", "2020-01-01", "2020-06-30", ""},
		{"chiusure nel secondo trimestre 2021", "2021-04-01", "2021-06-30", ""},
		{"domande cig a marzo 2020", "2020-03-01", "2020-03-31", ""},
		{"aperture negli ultimi 12 mesi", "2025-11-01", "2026-10-31", ""},
		{"aperture quest'anno", "2026-01-01", "", ""},
		{"aperture l'anno scorso", "2025-01-01", "2025-12-31", ""},
		{"domande cig durante il lockdown", "2020-03-09", "2020-05-18", ""},
		{"chiusure nel 2020 rispetto al 2019", "2020-01-01", "2020-12-31", "previous_year"},
		{"chiusure quest'anno rispetto all'anno scorso", "2026-01-01", "2026-10-31", "previous_year"},
		{"chiusure fino al 2015", "", "2015-12-31", ""},
		{"tasso di crescita", "2025-01-01", "2025-12-31", ""},
		{"Confronta le chiusure del 2023 con quelle del 2022", "2023-01-01", "2023-12-31", "previous_year"},
		{"le imprese straniere sono aumentate rispetto all'anno scorso?", "", "", "previous_year"},
	}
	p := New(catalog.Default())
	for _, c := range cases {
		q := queryOf(t, p.Plan(c.question, nil, now))
		if q.From != c.from || q.To != c.to || q.CompareTo != c.compare {
			t.Errorf("%q: from %q to %q compare %q, want %q %q %q", c.question, q.From, q.To, q.CompareTo, c.from, c.to, c.compare)
		}
	}
}

func TestIntentsFollowPrecedence(t *testing.T) {
	cases := []struct{ question, intent, tool string }{
		{"Cancella le imprese cessate", IntentRefuse, ""},
		{"Quali dati hai?", IntentCatalog, tool.DescribeCatalog},
		{"Che tempo fa a Bologna?", IntentNoData, ""},
		{"Qual è il fatturato del commercio?", IntentNoData, ""},
		{"fascicolo dell'impresa 01234567897", IntentDossier, tool.CompanyDossier},
		{"Come sono andate le beneficiarie del bando B-2021-07?", IntentOutcome, tool.BandoOutcome},
		{"Come sono andate le beneficiarie del bando?", IntentOutcome, ""},
		{"Quante imprese potrebbero partecipare a un bando per imprese artigiane?", IntentPlatea, tool.Platea},
		{"Cosa prevede il bando per le imprese femminili?", IntentDocument, tool.SearchDocuments},
		{"Quante imprese femminili ci sono e cosa prevede il bando donne?", IntentMixed, tool.QueryMetrics},
		{"Quante pratiche SUAP di modifica nel 2024?", IntentMetric, tool.QueryMetrics},
		{"Quante imprese hanno chiusso nel 2022?", IntentMetric, tool.QueryMetrics},
	}
	p := New(catalog.Default())
	for _, c := range cases {
		pl := p.Plan(c.question, nil, now)
		got := ""
		if len(pl.Calls) > 0 {
			got = pl.Calls[0].Name
		}
		if pl.Intent != c.intent || got != c.tool {
			t.Errorf("%q: intent %s call %q, want %s %q", c.question, pl.Intent, got, c.intent, c.tool)
		}
		if len(pl.Calls) == 0 && pl.Reply == "" {
			t.Errorf("%q: neither calls nor reply", c.question)
		}
	}
}

func TestFiltersAndBreakdownsComeFromTheWordsPeopleUse(t *testing.T) {
	cases := []struct {
		question string
		metric   string
		filters  string
		groups   string
		limit    int
	}{
		{"i 3 quartieri con più chiusure", "chiusure", `[{"dimension":"quartiere","op":"!=","value":"non attribuito"}]`, `["quartiere"]`, 3},
		{"top cinque settori per aperture", "aperture", "null", `["sezione_ateco"]`, 5},
		{"imprese attive in navle", "imprese_attive", `[{"dimension":"quartiere","value":"Navile"}]`, "null", 0},
		{"imprese attive in zona San Donato", "imprese_attive", `[{"dimension":"zona","value":"San Donato"}]`, "null", 0},
		{"imprese attive con più di 50 addetti", "imprese_attive", `[{"dimension":"classe_addetti","op":"in","values":["250+","50-249"]}]`, "null", 0},
		{"imprese attive iscritte da meno di 36 mesi", "imprese_attive", `[{"dimension":"anzianita","op":"\u003c","value":36}]`, "null", 0},
		{"domande cig in deroga per covid", "cig_domande", `[{"dimension":"tipo_cig","value":"DEROGA"},{"dimension":"causale_cig","value":"COVID-19"}]`, "null", 0},
		{"aperture di bar e ristoranti mese per mese", "aperture", `[{"dimension":"sezione_ateco","value":"I"}]`, `["mese"]`, 0},
		{"closures by district", "chiusure", "null", `["quartiere"]`, 0},
		{"quante startup ci sono a Bologna", "imprese_attive", `[{"dimension":"anzianita","op":"\u003c","value":36}]`, "null", 0},
		{"Qual è il settore con il saldo peggiore nel 2024?", "saldo", "null", `["sezione_ateco"]`, 1},
		{"Ci sono più imprese femminili a Navile o a Savena?", "imprese_attive", `[{"dimension":"quartiere","op":"in","values":["Navile","Savena"]},{"dimension":"femminile","value":true}]`, `["quartiere"]`, 0},
	}
	p := New(catalog.Default())
	for _, c := range cases {
		q := queryOf(t, p.Plan(c.question, nil, now))
		f, _ := json.Marshal(q.Filters)
		g, _ := json.Marshal(q.GroupBy)
		if q.Metric != c.metric || string(f) != c.filters || string(g) != c.groups || q.Limit != c.limit {
			t.Errorf("%q: %s %s %s %d, want %s %s %s %d", c.question, q.Metric, f, g, q.Limit, c.metric, c.filters, c.groups, c.limit)
		}
	}
}

func TestFollowUpsRewriteOnlyWhatChanges(t *testing.T) {
	p := New(catalog.Default())
	first := p.Plan("Dal 2020 quante imprese femminili hanno chiuso?", nil, now)
	steps := []struct{ question, want string }{
		{"e quelle giovanili?", `{"metric":"chiusure","filters":[{"dimension":"giovanile","value":true}],"from":"2020-01-01"}`},
		{"e nel quartiere Navile?", `{"metric":"chiusure","filters":[{"dimension":"giovanile","value":true},{"dimension":"quartiere","value":"Navile"}],"from":"2020-01-01"}`},
		{"e nel 2021?", `{"metric":"chiusure","filters":[{"dimension":"giovanile","value":true},{"dimension":"quartiere","value":"Navile"}],"from":"2021-01-01","to":"2021-12-31"}`},
		{"e per settore?", `{"metric":"chiusure","filters":[{"dimension":"giovanile","value":true},{"dimension":"quartiere","value":"Navile"}],"group_by":["sezione_ateco"],"from":"2021-01-01","to":"2021-12-31"}`},
		{"and in Savena?", `{"metric":"chiusure","filters":[{"dimension":"giovanile","value":true},{"dimension":"quartiere","value":"Savena"}],"group_by":["sezione_ateco"],"from":"2021-01-01","to":"2021-12-31"}`},
	}
	prev := &first.State
	for _, s := range steps {
		pl := p.Plan(s.question, prev, now)
		got, _ := json.Marshal(queryOf(t, pl))
		if string(got) != s.want {
			t.Errorf("%q:\n got %s\nwant %s", s.question, got, s.want)
		}
		prev = &pl.State
	}
}

func TestLanguageIsTheQuestionsLanguage(t *testing.T) {
	p := New(catalog.Default())
	for q, want := range map[string]string{"How many businesses closed in 2021?": "en", "Quante imprese hanno chiuso?": "it",
		"closures by district": "en", "chiusure per quartiere": "it"} {
		if got := p.Plan(q, nil, now).Lang; got != want {
			t.Errorf("%q: %s, want %s", q, got, want)
		}
	}
}
