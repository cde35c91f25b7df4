package ui

import (
	"io/fs"
	"mime"
	"net/http"
	"path"
	"strconv"
	"strings"
)

// ServeAsset serves /assets/<name> from the build: hashed names only (the manifest is not an
// asset), cached for a year as immutable, from the gzip copy when the browser accepts gzip.
func (u *UI) ServeAsset(w http.ResponseWriter, r *http.Request, name string) {
	name = strings.TrimPrefix(path.Clean("/"+name), "/")
	if name == "" || name == "manifest.json" || strings.HasPrefix(name, ".") || strings.HasSuffix(name, ".gz") {
		http.NotFound(w, r)
		return
	}
	body, err := fs.ReadFile(u.dist, name)
	if err != nil {
		http.NotFound(w, r)
		return
	}
	h := w.Header()
	ctype := mime.TypeByExtension(path.Ext(name))
	if ctype == "" {
		ctype = "application/octet-stream"
	}
	h.Set("Content-Type", ctype)
	h.Set("Cache-Control", "public, max-age=31536000, immutable")
	h.Set("Vary", "Accept-Encoding")
	if acceptsGzip(r) {
		if gz, err := fs.ReadFile(u.dist, name+".gz"); err == nil {
			body = gz
			h.Set("Content-Encoding", "gzip")
		}
	}
	h.Set("Content-Length", strconv.Itoa(len(body)))
	w.WriteHeader(http.StatusOK)
	if r.Method != http.MethodHead {
		_, _ = w.Write(body)
	}
}

func acceptsGzip(r *http.Request) bool {
	for _, part := range strings.Split(r.Header.Get("Accept-Encoding"), ",") {
		enc, q, _ := strings.Cut(strings.TrimSpace(part), ";")
		if strings.EqualFold(strings.TrimSpace(enc), "gzip") && !strings.Contains(strings.ReplaceAll(q, " ", ""), "q=0") {
			return true
		}
	}
	return false
}

// PageBytes is what a page downloads: JS and CSS files and their sizes as sent (gzip when
// available) and raw.
type PageBytes struct {
	Page            string
	JSGzip, JSRaw   int
	CSSGzip, CSSRaw int
	Files           []string
}

// Bytes measures the JS and CSS each page downloads (the browser benchmark reports them).
func (u *UI) Bytes() []PageBytes {
	var out []PageBytes
	for page, p := range u.manifest.Pages {
		pb := PageBytes{Page: page}
		add := func(f string, raw, gz *int) {
			pb.Files = append(pb.Files, f)
			b, err := fs.ReadFile(u.dist, f)
			if err != nil {
				return
			}
			*raw += len(b)
			if g, err := fs.ReadFile(u.dist, f+".gz"); err == nil {
				*gz += len(g)
			} else {
				*gz += len(b)
			}
		}
		for _, f := range p.JS {
			add(f, &pb.JSRaw, &pb.JSGzip)
		}
		for _, f := range p.CSS {
			add(f, &pb.CSSRaw, &pb.CSSGzip)
		}
		out = append(out, pb)
	}
	return out
}
