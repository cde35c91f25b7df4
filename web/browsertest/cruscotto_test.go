package browsertest

import (
	"net/url"
	"strings"
	"testing"
)

// panelsSettled is true when every dashboard panel has finished loading (ready or error).
const panelsSettled = `[...document.querySelectorAll('[data-cz=panel]')].length === 4 &&
	[...document.querySelectorAll('[data-cz=panel]')].every(p => p.dataset.state === 'ready' || p.dataset.state === 'error')`

// panelStates maps each panel to its state.
func panelStates(b *browser) map[string]string {
	var out map[string]string
	b.eval(`Object.fromEntries([...document.querySelectorAll('[data-cz=panel]')].map(p => [p.dataset.panel, p.dataset.state]))`, &out)
	return out
}

// pickOption chooses value in the select sel as a user would (a change event).
func pickOption(b *browser, sel, value string) {
	b.t.Helper()
	var ok bool
	b.eval(`(() => { const s = document.querySelector(`+quoteJS(sel)+`); if (!s) return false; s.value = `+quoteJS(value)+
		`; s.dispatchEvent(new Event('change', {bubbles: true})); return s.value === `+quoteJS(value)+` })()`, &ok)
	if !ok {
		b.t.Fatalf("select %s: cannot choose %q", sel, value)
	}
}

func quoteJS(s string) string {
	return "'" + strings.NewReplacer(`\`, `\\`, `'`, `\'`, "\n", `\n`).Replace(s) + "'"
}

func locationQuery(b *browser) url.Values {
	var search string
	b.eval(`location.search`, &search)
	v, err := url.ParseQuery(strings.TrimPrefix(search, "?"))
	if err != nil {
		b.t.Fatalf("location.search %q: %v", search, err)
	}
	return v
}

// The dashboard: four panels load with data, each with its SQL, as-of date and a "chiedi di
// più" question; the map renders the quartieri with the approximate-boundaries note and a table
// alternative; the filters go into the URL and reach every panel's query; the map's measure
// switches; back restores the previous filters; a shared URL restores them.
func TestCruscottoPanelsMapFiltersAndURL(t *testing.T) {
	b := newBrowser(t, "decisore")
	b.open("/cruscotto")
	b.waitJS(panelsSettled)
	for k, st := range panelStates(b) {
		if st != "ready" {
			t.Errorf("panel %s: %s (%s)", k, st, b.text(`[data-panel="`+k+`"] [data-cz=panel-status]`))
		}
	}
	var info struct {
		Months    int      `json:"months"`
		MapRows   []string `json:"mapRows"`
		MapPaths  int      `json:"mapPaths"`
		Note      string   `json:"note"`
		SQL       []string `json:"sql"`
		AsOf      []string `json:"asof"`
		Questions []string `json:"questions"`
		Lines     int      `json:"lines"`
	}
	b.eval(`({
		months: document.querySelectorAll('[data-panel=movimento] [data-cz=result-table] tbody tr').length,
		mapRows: [...document.querySelectorAll('[data-panel=mappa] [data-cz=result-table] tbody tr td:first-child')].map(td => td.textContent),
		mapPaths: document.querySelectorAll('[data-panel=mappa] [data-cz=chart] svg path').length,
		note: document.querySelector('[data-panel=mappa] [data-cz=map-note]').textContent,
		sql: [...document.querySelectorAll('[data-cz=panel] [data-cz=sql]')].map(e => e.textContent),
		asof: [...document.querySelectorAll('[data-cz=panel-asof]')].map(e => e.textContent),
		questions: [...document.querySelectorAll('[data-cz=ask-more]')].map(a => decodeURIComponent(a.getAttribute('href'))),
		lines: document.querySelectorAll('[data-panel=movimento] [data-cz=chart] svg path').length,
	})`, &info)
	if info.Months != 24 {
		t.Errorf("movement panel: %d months, want the last 24", info.Months)
	}
	if len(info.MapRows) < 6 || !strings.Contains(strings.Join(info.MapRows, ","), "Navile") {
		t.Errorf("map table rows: %v", info.MapRows)
	}
	if info.MapPaths < 6 || info.Lines < 3 {
		t.Errorf("charts not drawn: %d map paths, %d line paths", info.MapPaths, info.Lines)
	}
	if !strings.Contains(info.Note, "approssimati") {
		t.Errorf("map note %q does not say the boundaries are approximate", info.Note)
	}
	if len(info.SQL) != 4 || len(info.AsOf) != 4 || len(info.Questions) != 4 {
		t.Fatalf("panels: %d SQL, %d as-of, %d questions", len(info.SQL), len(info.AsOf), len(info.Questions))
	}
	for i := range 4 {
		if !strings.Contains(info.SQL[i], "SELECT") || !strings.Contains(info.AsOf[i], "31/10/2026") || !strings.HasPrefix(info.Questions[i], "/chiedi?q=") {
			t.Errorf("panel %d: sql %.60q, as-of %q, question %q", i, info.SQL[i], info.AsOf[i], info.Questions[i])
		}
	}
	if !strings.Contains(info.Questions[0], "per mese da novembre 2024 a ottobre 2026") {
		t.Errorf("movement question without the period: %q", info.Questions[0])
	}

	// Filters: quartiere and company type, applied to every panel and written into the URL.
	pickOption(b, `#cz-f-quartiere`, "Navile")
	pickOption(b, `#cz-f-tipo`, "femminile")
	b.click(`[data-cz=dash-apply]`)
	b.waitJS(`location.search.includes('quartiere=Navile')`)
	b.waitJS(panelsSettled + ` && document.querySelectorAll('[data-panel=mappa] [data-cz=result-table] tbody tr').length === 1`)
	if q := locationQuery(b); q.Get("quartiere") != "Navile" || q.Get("tipo") != "femminile" || q.Has("from") {
		t.Errorf("URL after filtering: %v", q)
	}
	var params []string
	b.eval(`[...document.querySelectorAll('[data-cz=panel] [data-cz=provenance] code')].map(c => c.textContent).filter(s => s.startsWith('['))`, &params)
	for i, p := range params {
		if !strings.Contains(p, "Navile") {
			t.Errorf("panel %d params without the quartiere: %s", i, p)
		}
	}
	var ask string
	b.eval(`decodeURIComponent(document.querySelector('[data-panel=movimento] [data-cz=ask-more]').getAttribute('href'))`, &ask)
	if !strings.Contains(ask, "imprese femminili") || !strings.Contains(ask, "nel quartiere Navile") {
		t.Errorf("chiedi di più question: %q", ask)
	}

	// The map's measure: the share of youth-led companies; only the map reloads.
	pickOption(b, `#cz-f-misura`, "giovanile")
	b.waitJS(`location.search.includes('misura=giovanile')`)
	b.waitJS(panelsSettled + ` && document.querySelector('[data-panel=mappa] [data-cz=result-table] thead').textContent.includes('Quota')`)

	// Back: the measure returns to active firms, the filters stay.
	b.eval(`history.back()`, nil)
	b.waitJS(`!location.search.includes('misura')`)
	b.waitJS(panelsSettled + ` && document.querySelector('#cz-f-misura').value === 'attive'`)
	var sel string
	b.eval(`document.querySelector('#cz-f-quartiere').value`, &sel)
	if sel != "Navile" {
		t.Errorf("after back the quartiere filter is %q", sel)
	}

	// A shared link restores the filters.
	b.open("/cruscotto?sezione_ateco=G&from=2025-01-01&to=2025-12-31")
	b.waitJS(panelsSettled)
	var restored struct{ Sez, Label, From, Months, Ask string }
	b.eval(`({sez: document.querySelector('#cz-f-sezione').value, label: document.querySelector('#cz-f-sezione').selectedOptions[0].text,
		from: document.querySelector('#cz-f-from').value,
		months: String(document.querySelectorAll('[data-panel=movimento] [data-cz=result-table] tbody tr').length),
		ask: decodeURIComponent(document.querySelector('[data-panel=cig-ore] [data-cz=ask-more]').getAttribute('href'))})`, &restored)
	if restored.Sez != "G" || !strings.HasPrefix(restored.Label, "G — Commercio") || restored.From != "2025-01-01" || restored.Months != "12" ||
		!strings.Contains(restored.Ask, "da gennaio 2025 a dicembre 2025 nel settore Commercio all'ingrosso") {
		t.Errorf("restored from the URL: %+v", restored)
	}
	// A period that ends before it starts is refused by the form, not sent.
	b.eval(`(() => { document.querySelector('#cz-f-from').value = '2025-06-01'; document.querySelector('#cz-f-to').value = '2025-01-31'; return true })()`, nil)
	b.click(`[data-cz=dash-apply]`)
	if msg := b.text(`[data-cz=dash-filter-error] [role=alert]`); !strings.Contains(msg, "Dal") || locationQuery(b).Get("to") == "2025-01-31" {
		t.Errorf("inverted period: message %q, URL %v", msg, locationQuery(b))
	}

	b.open("/cruscotto")
	b.waitJS(panelsSettled)
	b.checkAccessibility()
	b.screenshot("cruscotto")
	b.noErrors()
}
