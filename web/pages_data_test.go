package web

import (
	"encoding/json"
	"html"
	"regexp"
	"testing"
)

var pageDataRE = regexp.MustCompile(`(?s)<script type="application/json" id="cz-data">(.*?)</script>`)

// The dashboard and Esplora receive the ATECO sections by name (the catalog has only their
// letters); other pages do not.
func TestDashboardAndEsploraReceiveSectionNames(t *testing.T) {
	ts := newTestServer(t, Options{UI: testUI(t)})
	for _, path := range []string{"/cruscotto", "/esplora", "/chiedi"} {
		resp, body := ts.call(t, "GET", path, nil, "X-Conoscenza-Role", "decisore")
		if resp.StatusCode != 200 {
			t.Fatalf("%s: %d", path, resp.StatusCode)
		}
		m := pageDataRE.FindSubmatch(body)
		if m == nil {
			t.Fatalf("%s: no #cz-data", path)
		}
		var data struct {
			Sezioni []sectionName `json:"sezioni"`
		}
		if err := json.Unmarshal([]byte(html.UnescapeString(string(m[1]))), &data); err != nil {
			t.Fatalf("%s: #cz-data %q: %v", path, m[1], err)
		}
		if path == "/chiedi" {
			if len(data.Sezioni) != 0 {
				t.Errorf("/chiedi got the sections too")
			}
			continue
		}
		if len(data.Sezioni) != 21 || data.Sezioni[6].Code != "G" || data.Sezioni[6].Name[:9] != "Commercio" {
			t.Errorf("%s: sezioni %v", path, data.Sezioni)
		}
	}
}
