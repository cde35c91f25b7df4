package browsertest

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/go-rod/rod/lib/input"
)

// companyWithCIG finds, in the demo files, a company of the latest register snapshot that has
// CIG requests: its codice fiscale and name.
func companyWithCIG(t *testing.T) (cf, name string) {
	t.Helper()
	all := demoAll(t, "imprese_2026-10.csv")
	cols := strings.Split(all[0], ";")
	names := map[string]string{}
	for _, l := range all[1:] {
		f := strings.Split(l, ";")
		if len(f) == len(cols) && len(f[2]) == 11 {
			names[f[2]] = f[3]
		}
	}
	for _, l := range demoAll(t, "cig.csv")[1:] {
		f := strings.Split(l, ";")
		if n, ok := names[f[1]]; ok && len(strings.Fields(n)) > 0 && len(strings.Fields(n)[0]) >= 4 {
			return f[1], n
		}
	}
	t.Fatal("no company of the register with CIG requests in the demo files")
	return "", ""
}

// pageQuery is the page's URL query.
func pageQuery(b *browser) url.Values {
	b.t.Helper()
	var search string
	b.eval(`location.search`, &search)
	v, err := url.ParseQuery(strings.TrimPrefix(search, "?"))
	if err != nil {
		b.t.Fatalf("location.search %q: %v", search, err)
	}
	return v
}

// The dossier: search a company by a word of its name, open it from the result list, see the
// register data, its history and its CIG requests, each section with its SQL and as-of date;
// the deep link /fascicolo?cf= opens the same dossier; back returns to the results; a decisore
// gets the 403 page without the dossier.
func TestFascicoloSearchOpenDossierDeepLink(t *testing.T) {
	b := newBrowser(t, "staff") // starts the server, which writes the demo files
	cf, name := companyWithCIG(t)
	b.open("/fascicolo")
	b.waitJS(`document.body.dataset.ready === 'true'`)
	b.input(`#cz-fa-q`, cf)
	b.click(`[data-cz=company-search-submit]`)
	b.waitVisible(`[data-cz=company-link]`)
	if got := b.text(`[data-cz=company-link]`); got != name {
		t.Errorf("search by codice fiscale found %q, want %q", got, name)
	}

	// By name: the company is among the results; open it with the keyboard.
	b.eval(`(() => { const i = document.querySelector('#cz-fa-q'); i.value = ''; return true })()`, nil)
	b.input(`#cz-fa-q`, strings.ToLower(name))
	b.click(`[data-cz=company-search-submit]`)
	b.waitJS(`[...document.querySelectorAll('[data-cz=company-link]')].some(a => a.href.includes('cf=` + cf + `'))`)
	if q := pageQuery(b); q.Get("q") != strings.ToLower(name) {
		t.Errorf("the search is not in the URL: %v", q)
	}
	b.eval(`[...document.querySelectorAll('[data-cz=company-link]')].find(a => a.href.includes('cf=`+cf+`')).focus()`, nil)
	b.keys(input.Enter)
	b.waitVisible(`[data-cz=dossier-title]`)
	if got := b.text(`[data-cz=dossier-title]`); got != name {
		t.Errorf("dossier title %q, want %q", got, name)
	}
	if q := pageQuery(b); q.Get("cf") != cf {
		t.Errorf("the dossier is not in the URL: %v", q)
	}
	for _, sec := range []string{"anagrafica", "storia", "trasferimenti", "cig", "suap", "contributi"} {
		sel := `[data-cz=dossier-` + sec + `]`
		b.waitVisible(sel)
		var sql string
		b.eval(`document.querySelector('`+sel+` [data-cz=sql]').textContent`, &sql)
		if !strings.Contains(sql, "SELECT") {
			t.Errorf("section %s without its SQL: %q", sec, sql)
		}
	}
	if n := b.count(`[data-cz=dossier-cig] [data-cz=result-table] tbody tr`); n == 0 {
		t.Errorf("no CIG request in the dossier of %s", cf)
	}
	if asOf := b.text(`[data-cz=dossier-asof]`); !strings.Contains(asOf, "31/10/2026") {
		t.Errorf("as-of line %q", asOf)
	}
	var cfRow string
	b.eval(`[...document.querySelectorAll('[data-cz=dossier-anagrafica] tbody tr')].map(r => r.textContent).join('|')`, &cfRow)
	if !strings.Contains(cfRow, cf) {
		t.Errorf("register data without the codice fiscale: %s", cfRow)
	}
	b.checkAccessibility()
	b.screenshot("fascicolo")

	// Back: the results again, without the dossier.
	b.eval(`history.back()`, nil)
	b.waitJS(`!document.querySelector('[data-cz=dossier-title]') && document.querySelector('[data-cz=company-link]')`)

	// The deep link.
	c := newBrowser(t, "admin")
	c.open("/fascicolo?cf=" + cf)
	c.waitVisible(`[data-cz=dossier-title]`)
	if got := c.text(`[data-cz=dossier-title]`); got != name {
		t.Errorf("deep link opened %q, want %q", got, name)
	}
	c.noErrors()
	b.noErrors()

	d := newBrowser(t, "decisore")
	if st := d.status("/fascicolo?cf=" + cf); st != http.StatusForbidden {
		t.Errorf("decisore opening a dossier: %d, want 403", st)
	}
	if d.count(`[data-cz=dossier]`) != 0 || d.count(`[data-cz=page-root]`) != 0 {
		t.Errorf("the 403 page carries the dossier")
	}
	d.allow("403")
}
