package browsertest

import (
	"bufio"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// demoLines returns the header and the first n data lines of a file the demo load generated.
func demoLines(t *testing.T, name string, n int) []string {
	t.Helper()
	f, err := os.Open(filepath.Join(env.dataDir, "demo", name))
	if err != nil {
		t.Fatalf("demo file: %v", err)
	}
	defer f.Close()
	var out []string
	sc := bufio.NewScanner(f)
	for sc.Scan() && len(out) <= n {
		out = append(out, sc.Text())
	}
	if len(out) <= n {
		t.Fatalf("demo file %s has %d lines", name, len(out))
	}
	return out
}

// demoAll returns every line of a file the demo load generated.
func demoAll(t *testing.T, name string) []string {
	t.Helper()
	data, err := os.ReadFile(filepath.Join(env.dataDir, "demo", name))
	if err != nil {
		t.Fatalf("demo file: %v", err)
	}
	return strings.Split(strings.TrimRight(string(data), "\n"), "\n")
}

// The Dati e documenti page: the sources' as-of dates show; a CIG file with three bad rows
// (and two rows identical to the loaded ones, so that the demo data do not change) is uploaded
// from the browser, the load is followed to its report, and every rejected row is listed with
// its line, column, value and reason; the batch then appears among the past batches, whose
// rejections open too. A document is uploaded, found in the list, and removed after the
// confirmation. Keyboard and axe-core checks on the way; a decisore gets the 403 page.
func TestDatiUploadShowsRejectionsAndDocumentsRoundTrip(t *testing.T) {
	b := newBrowser(t, "staff")
	b.open("/dati")
	b.waitJS(`document.body.dataset.ready === 'true'`)
	if asOf := b.text(`[data-cz=sources-table] tr[data-kind=imprese] [data-cz=source-asof]`); asOf != "31/10/2026" {
		t.Errorf("register as-of on the page = %q", asOf)
	}

	lines := demoLines(t, "cig.csv", 2)
	header := strings.Split(lines[0], ";")
	idx := map[string]int{}
	for i, h := range header {
		idx[h] = i
	}
	bad := func(col, value string) string {
		f := strings.Split(lines[1], ";")
		f[idx["ID-DOMANDA"]] = "BROWSER-" + col
		f[idx[col]] = value
		return strings.Join(f, ";")
	}
	content := strings.Join([]string{lines[0], lines[1], lines[2],
		bad("C-FISCALE", "12345"), bad("DT-DOMANDA", "31/02/2026"), "solo;tre;colonne"}, "\n") + "\n"
	path := filepath.Join(t.TempDir(), "cig_prova_browser.csv")
	if err := os.WriteFile(path, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}

	// The partial-snapshot box is offered for the two snapshots a truncated file would empty
	// (the register and the street register), each with its own wording, and for nothing else.
	for _, c := range []struct{ kind, want string }{
		{"imprese", "Accetta un'istantanea parziale del registro"},
		{"stradario", "Accetta uno stradario parziale"},
		{"cig", "hidden"},
	} {
		var got string
		b.eval(`(() => { const s = document.querySelector('#cz-up-kind'); s.value = '`+c.kind+`'; s.dispatchEvent(new Event('change', {bubbles: true}));
			const box = document.querySelector('[data-cz=upload-partial]'); return box.hidden ? 'hidden' : box.textContent })()`, &got)
		if !strings.HasPrefix(got, c.want) {
			t.Errorf("partial box for %s = %q, want %q", c.kind, got, c.want)
		}
	}

	var kind string
	b.eval(`(() => { const s = document.querySelector('#cz-up-kind'); s.value = 'cig'; s.dispatchEvent(new Event('change', {bubbles: true})); return s.value })()`, &kind)
	if kind != "cig" {
		t.Fatalf("kind select = %q", kind)
	}
	if err := b.el(`#cz-up-file`).SetFiles([]string{path}); err != nil {
		b.fail("set file", err)
	}
	// A date input's typing order depends on the locale: set it as the date picker would.
	var asOfValue string
	b.eval(`(() => { const i = document.querySelector('#cz-up-asof'); i.value = '2026-10-31'; i.dispatchEvent(new Event('change')); return i.value })()`, &asOfValue)
	if asOfValue != "2026-10-31" {
		t.Fatalf("as-of field = %q", asOfValue)
	}
	b.click(`[data-cz=upload-submit]`)
	b.waitVisible(`[data-cz=batch-report]`)
	b.waitVisible(`[data-cz=rejections-table]`)
	state := b.text(`[data-cz=job-state]`)
	if !strings.Contains(state, "lette 5 righe, caricate 2, scartate 3") {
		t.Errorf("job state = %q", state)
	}
	var rej [][]string
	b.eval(`[...document.querySelectorAll('[data-cz=batch-report] [data-cz=rejections-table] tbody tr')].map(r => [...r.cells].map(c => c.textContent))`, &rej)
	if len(rej) != 3 {
		t.Fatalf("rejected rows on the page = %v", rej)
	}
	wantLines := []string{"4", "5", "6"}
	wantCols := []string{"C-FISCALE", "DT-DOMANDA", "—"}
	wantValues := []string{"12345", "31/02/2026", ""}
	for i, r := range rej {
		if r[0] != wantLines[i] || r[1] != wantCols[i] || (wantValues[i] != "" && r[2] != wantValues[i]) || r[3] == "" {
			t.Errorf("rejected row %d = %v, want line %s column %s value %q and a reason", i, r, wantLines[i], wantCols[i], wantValues[i])
		}
	}
	b.checkAccessibility()
	b.screenshot("dati")

	// The past batches list it; its rejections open from there too.
	b.waitJS(`document.querySelector('[data-cz=batches-table] [data-cz=batch-rejections]')`)
	b.click(`[data-cz=batches-table] [data-cz=batch-rejections]`)
	b.waitVisible(`[data-cz=batch-detail] [data-cz=rejections-table]`)
	if n := b.count(`[data-cz=batch-detail] [data-cz=rejections-table] tbody tr`); n != 3 {
		t.Errorf("rejections from the batch list: %d rows", n)
	}

	// A document: upload, list, remove with confirmation (keyboard: Enter on the buttons).
	doc := filepath.Join(t.TempDir(), "nota-prova-browser.md")
	if err := os.WriteFile(doc, []byte("---\ntitle: Nota di prova del browser\ntype: nota\ndate: 2026-11-20\n---\n\n# Nota di prova del browser\n\n## Art. 1 - Oggetto\n\nUna nota per provare il caricamento dal browser.\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := b.el(`#cz-doc-file`).SetFiles([]string{doc}); err != nil {
		b.fail("set document", err)
	}
	b.click(`[data-cz=doc-submit]`)
	b.waitVisible(`[data-cz=doc-result]`)
	if got := b.text(`[data-cz=doc-result]`); !strings.Contains(got, "Nota di prova del browser") {
		t.Errorf("document upload said %q", got)
	}
	b.waitJS(`[...document.querySelectorAll('[data-cz=documents-table] tbody tr')].some(r => r.textContent.includes('Nota di prova del browser'))`)
	var docID string
	b.eval(`[...document.querySelectorAll('[data-cz=documents-table] tbody tr')].find(r => r.textContent.includes('Nota di prova del browser')).dataset.doc`, &docID)
	b.click(`tr[data-doc="` + docID + `"] [data-cz=doc-remove]`)
	b.waitVisible(`tr[data-doc="` + docID + `"] [data-cz=doc-remove-confirm]`)
	var focused string
	b.eval(`document.activeElement.dataset.cz || ''`, &focused)
	if focused != "doc-remove-confirm" {
		t.Errorf("focus after asking to remove: %q", focused)
	}
	b.click(`tr[data-doc="` + docID + `"] [data-cz=doc-remove-confirm]`)
	b.waitJS(`!document.querySelector('tr[data-doc="` + docID + `"]')`)
	b.noErrors()

	d := newBrowser(t, "decisore")
	if st := d.status("/dati"); st != http.StatusForbidden {
		t.Errorf("decisore opening /dati: %d, want 403", st)
	}
	d.allow("403")
}
