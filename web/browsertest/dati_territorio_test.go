package browsertest

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// The boundaries (kind territorio) upload from the page, in English: level and name property
// fields appear for that kind, the GeoJSON loads with the same loader as the command line, and
// the report shows the level, the areas with boundaries and the rejected feature. The zona
// level is used so that the quartieri map of the other tests keeps its shapes.
func TestDatiUploadsBoundariesWithARejectedFeature(t *testing.T) {
	b := newBrowser(t, "staff")
	b.open("/dati?lang=en")
	b.waitJS(`document.body.dataset.ready === 'true'`)

	poly := `{"type":"Polygon","coordinates":[[[11.335,44.505],[11.36,44.505],[11.36,44.52],[11.335,44.52],[11.335,44.505]]]}`
	geo := `{"type":"FeatureCollection","features":[` +
		`{"type":"Feature","properties":{"NOMEZONA":"BOLOGNINA"},"geometry":` + poly + `},` +
		`{"type":"Feature","properties":{"NOMEZONA":"BARCA"},"geometry":{"type":"Point","coordinates":[11.30,44.49]}}]}`
	path := filepath.Join(t.TempDir(), "zone_prova_browser.geojson")
	if err := os.WriteFile(path, []byte(geo), 0o644); err != nil {
		t.Fatal(err)
	}

	var st struct {
		Kind, Label, Accept  string
		TerrHidden, AsHidden bool
	}
	b.eval(`(() => { const s = document.querySelector('#cz-up-kind'); s.value = 'territorio'; s.dispatchEvent(new Event('change', {bubbles: true}));
		return {Kind: s.value, Label: document.querySelector('label[for=cz-up-file]').textContent, Accept: document.querySelector('#cz-up-file').accept,
			TerrHidden: document.querySelector('[data-cz=upload-territorio]').hidden, AsHidden: document.querySelector('#cz-up-asof').closest('.col-12').hidden} })()`, &st)
	if st.Kind != "territorio" || st.Label != "GeoJSON file" || !strings.Contains(st.Accept, ".geojson") || st.TerrHidden || !st.AsHidden {
		t.Fatalf("form for territorio = %+v", st)
	}
	b.eval(`(() => { const s = document.querySelector('#cz-up-level'); s.value = 'zona'; s.dispatchEvent(new Event('change')); return true })()`, nil)
	b.el(`#cz-up-nameprop`).MustInput("nomezona")
	if err := b.el(`#cz-up-file`).SetFiles([]string{path}); err != nil {
		b.fail("set file", err)
	}
	b.click(`[data-cz=upload-submit]`)
	b.waitVisible(`[data-cz=batch-report]`)
	b.waitVisible(`[data-cz=rejections-table]`)
	report := b.text(`[data-cz=batch-report]`)
	for _, want := range []string{"Zones", "NOMEZONA", "Bolognina"} {
		if !strings.Contains(report, want) {
			t.Errorf("report lacks %q: %s", want, report)
		}
	}
	var rej [][]string
	b.eval(`[...document.querySelectorAll('[data-cz=batch-report] [data-cz=rejections-table] tbody tr')].map(r => [...r.cells].map(c => c.textContent))`, &rej)
	if len(rej) != 1 || rej[0][0] != "2" || rej[0][1] != "geometry" || rej[0][2] != "Point" {
		t.Errorf("rejected features on the page = %v", rej)
	}
	b.checkAccessibility()
	b.noErrors()
}
