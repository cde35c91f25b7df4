package catalog

import (
	"slices"
	"testing"
)

func TestEmbeddedCatalogHasEveryRequiredEntry(t *testing.T) {
	c := Default()
	for _, m := range []string{"aperture", "chiusure", "saldo", "imprese_attive", "imprese_registrate",
		"tasso_crescita", "quota", "cig_domande", "cig_ore_richieste", "cig_ore_autorizzate",
		"cig_lavoratori", "suap_pratiche", "contributi_importo_concesso", "contributi_beneficiari"} {
		metric, ok := c.Metric(m)
		if !ok {
			t.Errorf("metric %s missing", m)
			continue
		}
		if metric.IT == "" || metric.EN == "" || metric.Description == "" || metric.Unit == "" || len(metric.Synonyms) == 0 {
			t.Errorf("metric %s lacks names, description, unit or synonyms", m)
		}
	}
	for _, d := range []string{"quartiere", "zona", "area_statistica", "sezione_ateco", "divisione_ateco",
		"ateco", "forma_giuridica", "classe_forma", "anno", "trimestre", "mese", "femminile", "giovanile",
		"straniera", "artigiana", "stato", "tipo_cig", "causale_cig", "esito", "comune", "classe_addetti", "anzianita"} {
		dim, ok := c.Dimension(d)
		if !ok {
			t.Errorf("dimension %s missing", d)
			continue
		}
		if dim.IT == "" || dim.EN == "" || len(dim.Synonyms) == 0 {
			t.Errorf("dimension %s lacks names or synonyms", d)
		}
	}
}

func TestDimensionSQLPerSource(t *testing.T) {
	c := Default()
	q, _ := c.Dimension("quartiere")
	if s, _ := q.SQLFor("suap"); s != "COALESCE(s.quartiere, 'non attribuito')" {
		t.Errorf("quartiere on suap = %q: permits carry their own address", s)
	}
	if s, _ := q.SQLFor("cig"); s != "COALESCE(i.quartiere, 'non attribuito')" {
		t.Errorf("quartiere on cig = %q: CIG requests take the company's quartiere", s)
	}
	tipo, _ := c.Dimension("tipo_cig")
	if tipo.AppliesTo("register") || !tipo.AppliesTo("cig") {
		t.Error("tipo_cig applies only to CIG")
	}
}

func TestCanonicalValueAndSuggest(t *testing.T) {
	c := Default()
	q, _ := c.Dimension("quartiere")
	if v, ok := q.CanonicalValue("porto saragozza"); !ok || v != "Porto-Saragozza" {
		t.Errorf("CanonicalValue = %q, %v", v, ok)
	}
	if _, ok := q.CanonicalValue("Bolognina"); ok {
		t.Error("Bolognina is a zona, not a quartiere")
	}
	if got := Suggest("aperure", c.MetricNames()); !slices.Contains(got, "aperture") {
		t.Errorf("Suggest(aperure) = %v", got)
	}
	if got := Suggest("quartier", c.DimensionNames()); len(got) == 0 || got[0] != "quartiere" {
		t.Errorf("Suggest(quartier) = %v", got)
	}
}
