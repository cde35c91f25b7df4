package ui

import (
	"compress/gzip"
	"io"
	"net/http/httptest"
	"strings"
	"testing"
)

func TestEveryStringHasBothLanguages(t *testing.T) {
	it, en := Messages(Italian), Messages(English)
	if len(it) < 50 {
		t.Fatalf("only %d Italian strings", len(it))
	}
	for k := range it {
		if en[k] == "" {
			t.Errorf("string %q has no English text", k)
		}
	}
	for k := range en {
		if it[k] == "" {
			t.Errorf("string %q has no Italian text", k)
		}
	}
}

func TestLangPrefersQueryThenCookieThenItalian(t *testing.T) {
	r := httptest.NewRequest("GET", "/chiedi", nil)
	if l, chosen := Lang(r); l != Italian || chosen {
		t.Errorf("default: %s %v", l, chosen)
	}
	r.Header.Set("Cookie", LangCookie+"=en")
	if l, _ := Lang(r); l != English {
		t.Errorf("cookie: %s", l)
	}
	r = httptest.NewRequest("GET", "/chiedi?lang=it", nil)
	r.Header.Set("Cookie", LangCookie+"=en")
	if l, chosen := Lang(r); l != Italian || !chosen {
		t.Errorf("query over cookie: %s %v", l, chosen)
	}
}

// The built app (make setup): every page has a template and a bundle, assets are served with a
// long immutable cache and gzip, and a page renders its strings and data as JSON, not script.
func TestBuiltAppRendersPagesAndServesHashedAssets(t *testing.T) {
	u, err := New()
	if err != nil {
		t.Fatalf("%v", err)
	}
	for _, p := range []string{"accedi", "chiedi", "cruscotto", "esplora", "fascicolo", "dati", "formazione", "errore"} {
		if u.pages[p] == nil || u.assetURL(p+".js") == "" {
			t.Errorf("page %s: template %v, bundle %q", p, u.pages[p] != nil, u.assetURL(p+".js"))
		}
	}
	css := u.assetURL("app.css")
	req := httptest.NewRequest("GET", css, nil)
	req.Header.Set("Accept-Encoding", "gzip, br")
	w := httptest.NewRecorder()
	u.ServeAsset(w, req, strings.TrimPrefix(css, "/assets/"))
	if w.Code != 200 || w.Header().Get("Content-Encoding") != "gzip" ||
		!strings.Contains(w.Header().Get("Cache-Control"), "immutable") || !strings.HasPrefix(w.Header().Get("Content-Type"), "text/css") {
		t.Errorf("css: %d %v", w.Code, w.Header())
	}
	for _, bad := range []string{"manifest.json", "../ui.go", ".gitkeep", strings.TrimPrefix(css, "/assets/") + ".gz", "nope.js"} {
		w := httptest.NewRecorder()
		u.ServeAsset(w, httptest.NewRequest("GET", "/assets/"+bad, nil), bad)
		if w.Code != 404 {
			t.Errorf("asset %q: %d, want 404", bad, w.Code)
		}
	}
	w = httptest.NewRecorder()
	pg := &Page{Lang: English, Title: "nav.chiedi", User: "<b>x</b>", Role: "staff", Data: map[string]any{"q": "</script><script>alert(1)</script>"}}
	if err := u.Render(w, nil, 200, "chiedi", pg); err != nil {
		t.Fatal(err)
	}
	body := w.Body.String()
	// The same page for a browser that accepts gzip: compressed, and the same HTML inside.
	gzReq := httptest.NewRequest("GET", "/chiedi", nil)
	gzReq.Header.Set("Accept-Encoding", "gzip, deflate, br")
	gw := httptest.NewRecorder()
	if err := u.Render(gw, gzReq, 200, "chiedi", pg); err != nil {
		t.Fatal(err)
	}
	compressed := gw.Body.Len()
	zr, err := gzip.NewReader(gw.Body)
	if err != nil || gw.Header().Get("Content-Encoding") != "gzip" {
		t.Fatalf("gzipped page: %v %v", err, gw.Header())
	}
	unzipped, _ := io.ReadAll(zr)
	if string(unzipped) != body || compressed >= len(body) {
		t.Errorf("gzipped page differs from the plain one or is not smaller")
	}
	if !strings.Contains(body, `lang="en"`) || !strings.Contains(body, "Ask · Conoscenza") || strings.Contains(body, "<b>x</b>") ||
		strings.Contains(body, "</script><script>alert(1)") {
		t.Errorf("rendered page: %.2000s", body)
	}
	for _, pb := range u.Bytes() {
		if pb.JSGzip <= 0 || pb.CSSGzip <= 0 || pb.CSSGzip >= pb.CSSRaw {
			t.Errorf("page %s bytes: %+v", pb.Page, pb)
		}
	}
}
