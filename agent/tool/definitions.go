package tool

import (
	"encoding/json"
	"fmt"
	"strings"

	"github.com/comune-bologna/conoscenza/agent/catalog"
)

// Definition describes a tool to a model: name, description and JSON Schema of its arguments.
type Definition struct {
	Name        string          `json:"name"`
	Description string          `json:"description"`
	Parameters  json.RawMessage `json:"parameters"`
}

const filterSchema = `{"type":"object","properties":{
	"dimension":{"type":"string","description":"nome della dimensione"},
	"op":{"type":"string","enum":["=","!=","in","not_in","<","<=",">",">=","between"]},
	"value":{"description":"valore (stringa, numero o booleano)"},
	"values":{"type":"array","description":"valori per in, not_in, between"}},"required":["dimension"]}`

// Definitions returns the tools a role may use, described in Italian for the model, with the
// catalog's metric and dimension names in the schemas.
func Definitions(role Role, cat *catalog.Catalog) []Definition {
	metrics := quoteAll(cat.MetricNames())
	dims := quoteAll(cat.DimensionNames())
	all := []Definition{
		{QueryMetrics, "Calcola una metrica del catalogo (numeri veri dal database, con la query SQL usata). " +
			"Usalo per ogni numero: aperture, chiusure, imprese attive, cassa integrazione, pratiche SUAP, contributi.",
			raw(`{"type":"object","properties":{
				"metric":{"type":"string","enum":[` + metrics + `]},
				"filters":{"type":"array","items":` + filterSchema + `},
				"group_by":{"type":"array","items":{"type":"string","enum":[` + dims + `]}},
				"from":{"type":"string","description":"inizio periodo YYYY-MM-DD, incluso"},
				"to":{"type":"string","description":"fine periodo YYYY-MM-DD, incluso"},
				"time_grain":{"type":"string","enum":["month","quarter","year"]},
				"as_of":{"type":"string","description":"data dello snapshot del registro (default: l'ultimo)"},
				"order":{"type":"object","properties":{"by":{"type":"string"},"dir":{"type":"string","enum":["asc","desc"]}}},
				"limit":{"type":"integer"},
				"compare_to":{"type":"string","enum":["previous_period","previous_year"]},
				"subset":{"type":"array","items":` + filterSchema + `,"description":"solo per quota: il sottoinsieme"},
				"base":{"type":"string","description":"solo per quota: la metrica di base (default imprese_attive)"}},
				"required":["metric"]}`)},
		{DescribeCatalog, "Elenca metriche e dimensioni disponibili, con descrizioni, fonti e data di aggiornamento.",
			raw(`{"type":"object","properties":{}}`)},
		{SearchDocuments, "Cerca nei documenti del Comune (delibere, bandi, piani, report) e restituisce passaggi da citare.",
			raw(`{"type":"object","properties":{
				"query":{"type":"string","description":"la domanda o le parole da cercare"},
				"types":{"type":"array","items":{"type":"string"},"description":"tipi di documento: delibera, bando, piano, report"},
				"limit":{"type":"integer"}},"required":["query"]}`)},
		{Platea, "Conta le imprese che un bando raggiungerebbe dati i criteri (tipo, settore, territorio, anzianità, dimensione, stato), con le ripartizioni.",
			raw(`{"type":"object","properties":{"filters":{"type":"array","items":` + filterSchema + `},
				"list":{"type":"boolean","description":"elenca le imprese (solo ruoli autorizzati)"}},"required":["filters"]}`)},
		{BandoOutcome, "Confronta come sono andate le imprese beneficiarie di un bando passato con le non ammesse e con imprese simili.",
			raw(`{"type":"object","properties":{"bando":{"type":"string","description":"codice del bando, es. B-2021-07"},
				"filters":{"type":"array","items":` + filterSchema + `}},"required":["bando"]}`)},
		{CompanyDossier, "Fascicolo di un'impresa per codice fiscale o nome: registro e storia, cassa integrazione, pratiche SUAP, contributi.",
			raw(`{"type":"object","properties":{"codice_fiscale":{"type":"string"},"name":{"type":"string"}}}`)},
		{RunSQL, "Esegue una sola SELECT in sola lettura sulle viste api.* (" + strings.Join(viewsForDoc, ", ") + "), per domande che il catalogo non copre.",
			raw(`{"type":"object","properties":{"sql":{"type":"string"}},"required":["sql"]}`)},
	}
	var out []Definition
	for _, d := range all {
		if Allowed(role, d.Name) {
			out = append(out, d)
		}
	}
	return out
}

var viewsForDoc = []string{"imprese", "imprese_storia", "imprese_eventi", "cig_domande", "suap_pratiche", "contributi", "stradario", "ateco_sezioni", "ateco_divisioni"}

func raw(s string) json.RawMessage {
	var v any
	if err := json.Unmarshal([]byte(s), &v); err != nil {
		panic(fmt.Sprintf("tool schema: %v", err))
	}
	b, _ := json.Marshal(v)
	return b
}

func quoteAll(names []string) string {
	q := make([]string, len(names))
	for i, n := range names {
		q[i] = `"` + n + `"`
	}
	return strings.Join(q, ",")
}
