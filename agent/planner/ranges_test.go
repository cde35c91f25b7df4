package planner

import (
	"encoding/json"
	"testing"

	"github.com/comune-bologna/conoscenza/agent/catalog"
)

func TestDateRangesAreReadInclusiveWithBothEnds(t *testing.T) {
	cases := []struct{ question, from, to string }{
		// month-year ranges
		{"aperture da novembre 2024 a ottobre 2026", "2024-11-01", "2026-10-31"},
		{"aperture da novembre 2024 fino a ottobre 2026", "2024-11-01", "2026-10-31"},
		{"chiusure tra gennaio e marzo 2024", "2024-01-01", "2024-03-31"},
		{"chiusure da novembre a febbraio 2025", "2024-11-01", "2025-02-28"},
		{"chiusure da novembre 2024 a febbraio", "2024-11-01", "2025-02-28"},
		{"domande cig da marzo a maggio 2020", "2020-03-01", "2020-05-31"},
		{"How many CIG requests were filed between March and May 2020?", "2020-03-01", "2020-05-31"},
		// day-month-year ranges: words, dd/mm/yyyy, ISO, mixed
		{"aperture dal 15 gennaio 2025 al 20 giugno 2025", "2025-01-15", "2025-06-20"},
		{"aperture dal 15 gennaio al 20 giugno 2025", "2025-01-15", "2025-06-20"},
		{"aperture dal 1° marzo 2024 al 31 maggio 2024", "2024-03-01", "2024-05-31"},
		{"aperture dall'1 marzo al 30 aprile 2024", "2024-03-01", "2024-04-30"},
		{"aperture dal 2 setembre 2024 al 3 ottobre 2024", "2024-09-02", "2024-10-03"},
		{"aperture dal 2026 al 2024", "2024-01-01", "2026-12-31"},
		{"chiusure tra marzo 2020 e giugno 2021 per quartiere", "2020-03-01", "2021-06-30"},
		{"chiusure entro il 30/06/2025", "", "2025-06-30"},
		{"aperture nell'ultimo trimestre 2025", "2025-10-01", "2025-12-31"},
		{"chiusure dal 01/11/2024 al 31/10/2026", "2024-11-01", "2026-10-31"},
		{"chiusure dal 1/11/2024 al 31/10/2026?", "2024-11-01", "2026-10-31"},
		{"chiusure dal 01.11.2024 al 31.10.2026", "2024-11-01", "2026-10-31"},
		{"aperture dal 2024-11-01 al 2026-10-31", "2024-11-01", "2026-10-31"},
		{"aperture tra il 2024-11-01 e il 31/10/2026", "2024-11-01", "2026-10-31"},
		{"aperture dal 01/11/2024 a ottobre 2026", "2024-11-01", "2026-10-31"},
		{"aperture 2024-11-01/2026-10-31", "2024-11-01", "2026-10-31"},
		// year ranges, quarters, semesters
		{"chiusure tra il 2019 e il 2021", "2019-01-01", "2021-12-31"},
		{"chiusure dal 2019 al 2021", "2019-01-01", "2021-12-31"},
		{"chiusure 2019-2021", "2019-01-01", "2021-12-31"},
		{"aperture dal primo trimestre 2023 al secondo trimestre 2024", "2023-01-01", "2024-06-30"},
		{"aperture nel primo trimestre 2024", "2024-01-01", "2024-03-31"},
		{"aperture nel Q3 2024", "2024-07-01", "2024-09-30"},
		{"aperture nei primi 6 mesi del 2024", "2024-01-01", "2024-06-30"},
		{"aperture nel 2023", "2023-01-01", "2023-12-31"},
		{"aperture il 15 marzo 2025", "2025-03-15", "2025-03-15"},
		// open ranges
		{"chiusure dal 2020", "2020-01-01", ""},
		{"chiusure dal 2020 in poi", "2020-01-01", ""},
		{"chiusure dal 2024 a oggi", "2024-01-01", ""},
		{"chiusure a partire da marzo 2025", "2025-03-01", ""},
		{"chiusure dal 15/03/2025", "2025-03-15", ""},
		{"aperture since 2021", "2021-01-01", ""},
		{"aperture dopo giugno 2021", "2021-07-01", ""},
		{"aperture fino a marzo 2025", "", "2025-03-31"},
		{"aperture fino al 31/03/2025", "", "2025-03-31"},
		{"aperture fino al 2015", "", "2015-12-31"},
		{"chiusure prima del 2019", "", "2018-12-31"},
		{"chiusure prima di marzo 2019", "", "2019-02-28"},
		{"chiusure prima del 15 marzo 2019", "", "2019-03-14"},
		{"aperture negli ultimi 12 mesi", "2025-11-01", "2026-10-31"},
	}
	p := New(catalog.Default())
	for _, c := range cases {
		q := queryOf(t, p.Plan(c.question, nil, now))
		if q.From != c.from || q.To != c.to {
			t.Errorf("%q: from %q to %q, want %q %q", c.question, q.From, q.To, c.from, c.to)
		}
	}
}

func TestNumbersThatAreNotDatesStayWhatTheyWere(t *testing.T) {
	cases := []struct{ question, want string }{
		// an impossible date is not a date, and its digits are not a period
		{"aperture dal 31/02/2024", `{"metric":"aperture"}`},
		// a date's "01.11" is not an ATECO code; a real code still is
		{"imprese attive ATECO 56.10 dal 01.11.2024", `{"metric":"imprese_attive","filters":[{"dimension":"ateco","value":"56.10"}],"from":"2024-11-01"}`},
		{"i 3 quartieri con più aperture nel 2024", `{"metric":"aperture","filters":[{"dimension":"quartiere","op":"!=","value":"non attribuito"}],"group_by":["quartiere"],"from":"2024-01-01","to":"2024-12-31","order":{"by":"value","dir":"desc"},"limit":3}`},
		{"quante imprese attive iscritte da meno di 36 mesi", `{"metric":"imprese_attive","filters":[{"dimension":"anzianita","op":"\u003c","value":36}]}`},
		{"domande cig per tipo dal 2022", `{"metric":"cig_domande","group_by":["tipo_cig"],"from":"2022-01-01"}`},
	}
	p := New(catalog.Default())
	for _, c := range cases {
		q := queryOf(t, p.Plan(c.question, nil, now))
		b, _ := json.Marshal(q)
		if string(b) != c.want {
			t.Errorf("%q:\n got %s\nwant %s", c.question, b, c.want)
		}
	}
}

func TestSectionLettersAndDivisionCodesAreReadOnlyAsSuch(t *testing.T) {
	cases := []struct{ question, filters string }{
		{"imprese attive nella sezione ATECO G", `[{"dimension":"sezione_ateco","value":"G"}]`},
		{"imprese attive nella sezione G", `[{"dimension":"sezione_ateco","value":"G"}]`},
		{"aperture nel settore G nel 2024", `[{"dimension":"sezione_ateco","value":"G"}]`},
		{"imprese attive nei settori G e I", `[{"dimension":"sezione_ateco","op":"in","values":["G","I"]}]`},
		{"imprese attive nel settore I", `[{"dimension":"sezione_ateco","value":"I"}]`},
		{"active companies in section C", `[{"dimension":"sezione_ateco","value":"C"}]`},
		{"nel settore Costruzioni quante imprese attive", `[{"dimension":"sezione_ateco","value":"F"}]`},
		{"imprese attive divisione 47", `[{"dimension":"divisione_ateco","value":"47"}]`},
		{"imprese attive nella divisione ATECO 56", `[{"dimension":"divisione_ateco","value":"56"}]`},
		{"imprese attive divisioni 55 e 56", `[{"dimension":"divisione_ateco","op":"in","values":["55","56"]}]`},
		{"imprese attive ATECO 47", `[{"dimension":"divisione_ateco","value":"47"}]`},
		{"imprese attive ATECO 56.10", `[{"dimension":"ateco","value":"56.10"}]`},
		// not sections: a lone capital, a preposition before a name, a lower-case letter,
		// a division that does not exist, the ATECO edition year
		{"Quante imprese attive ci sono? A Navile", `[{"dimension":"quartiere","value":"Navile"}]`},
		{"Quante imprese ci sono nel settore A Navile?", `[{"dimension":"quartiere","value":"Navile"}]`},
		{"imprese attive G", `null`},
		{"chiusure settore e quartiere", `null`},
		{"imprese attive divisione 04", `null`},
		{"imprese attive per codice ATECO 2007", `null`},
	}
	p := New(catalog.Default())
	for _, c := range cases {
		q := queryOf(t, p.Plan(c.question, nil, now))
		b, _ := json.Marshal(q.Filters)
		if string(b) != c.filters {
			t.Errorf("%q: filters %s, want %s", c.question, b, c.filters)
		}
	}
}

func TestShareOfOneCompanyTypeAmongAnother(t *testing.T) {
	cases := []struct{ question, want string }{
		{"quota di imprese giovanili sulle imprese femminili",
			`{"metric":"quota","filters":[{"dimension":"femminile","value":true}],"subset":[{"dimension":"giovanile","value":true}]}`},
		{"percentuale di imprese straniere tra le artigiane per quartiere",
			`{"metric":"quota","filters":[{"dimension":"artigiana","value":true}],"group_by":["quartiere"],"subset":[{"dimension":"straniera","value":true}]}`},
		{"What share of youth-led firms among women-led firms?",
			`{"metric":"quota","filters":[{"dimension":"femminile","value":true}],"subset":[{"dimension":"giovanile","value":true}]}`},
		{"quota di imprese femminili sul totale delle giovanili a Navile",
			`{"metric":"quota","filters":[{"dimension":"giovanile","value":true},{"dimension":"quartiere","value":"Navile"}],"subset":[{"dimension":"femminile","value":true}]}`},
		// both types in the part counted when no base is named
		{"quota di imprese femminili e giovanili",
			`{"metric":"quota","subset":[{"dimension":"femminile","value":true},{"dimension":"giovanile","value":true}]}`},
		// a base that is a metric, not a type
		{"Qual è la quota di imprese giovanili sul totale delle attive?",
			`{"metric":"quota","subset":[{"dimension":"giovanile","value":true}]}`},
		{"Che quota delle aperture del 2025 è giovanile?",
			`{"metric":"quota","from":"2025-01-01","to":"2025-12-31","subset":[{"dimension":"giovanile","value":true}],"base":"aperture"}`},
		// the only type named after "sulle" stays the part counted
		{"quota sulle imprese attive di quelle femminili",
			`{"metric":"quota","subset":[{"dimension":"femminile","value":true}]}`},
	}
	p := New(catalog.Default())
	for _, c := range cases {
		q := queryOf(t, p.Plan(c.question, nil, now))
		b, _ := json.Marshal(q)
		if string(b) != c.want {
			t.Errorf("%q:\n got %s\nwant %s", c.question, b, c.want)
		}
	}
}
