// Package ui is the browser app: page templates rendered on the server (Italian first, English
// on request) around bundles built from frontend/ by esbuild into dist/ and embedded in the
// binary. Asset names carry a content hash, so they are served with a one-year immutable cache
// and, when the browser accepts it, from their precompressed gzip copy.
package ui

import (
	"bytes"
	"compress/gzip"
	"embed"
	"encoding/json"
	"errors"
	"fmt"
	"html/template"
	"io/fs"
	"net/http"
	"path"
	"strings"
)

//go:embed all:dist
var distFS embed.FS

//go:embed templates/*.html
var templateFS embed.FS

// ErrNotBuilt means the front-end bundles are missing: scripts/setup.sh (make setup) builds them.
var ErrNotBuilt = errors.New("interfaccia web non compilata: esegui make setup (npm ci e node build.mjs in web/ui/frontend)")

// Manifest maps logical asset names ("chiedi.js", "app.css", "sprites.svg") to hashed file
// names, and lists for each page the JS and CSS files it downloads.
type Manifest struct {
	Files map[string]string `json:"files"`
	Pages map[string]struct {
		JS  []string `json:"js"`
		CSS []string `json:"css"`
	} `json:"pages"`
}

// UI renders pages and serves assets.
type UI struct {
	dist     fs.FS
	manifest Manifest
	pages    map[string]*template.Template
}

// New reads the embedded manifest and parses the templates; ErrNotBuilt when there is no build.
func New() (*UI, error) {
	return NewFS(distFS)
}

// NewFS is New over another file system holding dist/ (tests).
func NewFS(root fs.FS) (*UI, error) {
	dist, err := fs.Sub(root, "dist")
	if err != nil {
		return nil, fmt.Errorf("ui: open dist: %w", err)
	}
	b, err := fs.ReadFile(dist, "manifest.json")
	if errors.Is(err, fs.ErrNotExist) {
		return nil, ErrNotBuilt
	}
	if err != nil {
		return nil, fmt.Errorf("ui: read manifest: %w", err)
	}
	u := &UI{dist: dist, pages: map[string]*template.Template{}}
	if err := json.Unmarshal(b, &u.manifest); err != nil {
		return nil, fmt.Errorf("ui: decode manifest.json: %w", err)
	}
	if err := u.parse(); err != nil {
		return nil, err
	}
	return u, nil
}

// Manifest is the build's manifest (the browser benchmark reads the bytes each page downloads).
func (u *UI) Manifest() Manifest { return u.manifest }

func (u *UI) parse() error {
	funcs := template.FuncMap{
		"asset":  u.assetURL,
		"icon":   func(name string) string { return u.assetURL("sprites.svg") + "#" + name },
		"format": Format,
	}
	layout, err := template.New("layout.html").Funcs(funcs).ParseFS(templateFS, "templates/layout.html")
	if err != nil {
		return fmt.Errorf("ui: parse layout: %w", err)
	}
	entries, err := fs.Glob(templateFS, "templates/*.html")
	if err != nil {
		return fmt.Errorf("ui: list templates: %w", err)
	}
	for _, e := range entries {
		name := strings.TrimSuffix(path.Base(e), ".html")
		if name == "layout" {
			continue
		}
		t, err := template.Must(layout.Clone()).ParseFS(templateFS, e)
		if err != nil {
			return fmt.Errorf("ui: parse %s: %w", e, err)
		}
		u.pages[name] = t
	}
	return nil
}

// assetURL is the URL of a logical asset, or "" (so that a missing bundle shows in tests).
func (u *UI) assetURL(logical string) string {
	if f, ok := u.manifest.Files[logical]; ok {
		return "/assets/" + f
	}
	return ""
}

// Render writes page name (templates/<name>.html inside layout.html) with data, gzipped when
// the request accepts it.
func (u *UI) Render(w http.ResponseWriter, r *http.Request, status int, name string, data *Page) error {
	t, ok := u.pages[name]
	if !ok {
		return fmt.Errorf("ui: no page template %q", name)
	}
	data.Name = name
	data.T = Messages(data.Lang)
	data.Script = u.assetURL(name + ".js")
	data.Style = u.assetURL("app.css")
	var buf bytes.Buffer
	if err := t.ExecuteTemplate(&buf, "layout.html", data); err != nil {
		return fmt.Errorf("ui: render %s: %w", name, err)
	}
	h := w.Header()
	h.Set("Content-Type", "text/html; charset=utf-8")
	h.Set("Cache-Control", "no-store") // pages carry the CSRF token and the user's name
	h.Set("Content-Language", data.Lang)
	h.Add("Vary", "Accept-Encoding")
	body := buf.Bytes()
	if r != nil && acceptsGzip(r) {
		var gz bytes.Buffer
		zw := gzip.NewWriter(&gz)
		if _, err := zw.Write(body); err != nil {
			return fmt.Errorf("ui: gzip %s: %w", name, err)
		}
		if err := zw.Close(); err != nil {
			return fmt.Errorf("ui: gzip %s: %w", name, err)
		}
		body = gz.Bytes()
		h.Set("Content-Encoding", "gzip")
	}
	w.WriteHeader(status)
	_, err := w.Write(body)
	return err
}
