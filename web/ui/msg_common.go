package ui

// Strings of the shared components (tables, charts, exports) used by several pages.
func init() {
	register(map[string]string{
		"common.yes":        "sì",
		"common.no":         "no",
		"common.params":     "Parametri",
		"common.provenance": "Da dove vengono questi numeri (query SQL, fonti, aggiornamento)",
		"common.table":      "Tabella dei risultati",
		"period.quarter":    "{0}° trim. {1}",
		"chart.label":       "Grafico",
		"chart.kind":        "Tipo di grafico",
		"chart.line":        "Linee",
		"chart.bar":         "Barre",
		"chart.map":         "Mappa dei quartieri",
		"map.approx":        "Confini dei quartieri approssimati (forme semplificate, non ufficiali).",
		"map.official":      "Confini ufficiali dei quartieri ({0}).",
		"export.label":      "Esporta",
		"export.csv":        "Tabella CSV",
		"export.xlsx":       "Tabella Excel (XLSX)",
		"export.png":        "Grafico PNG",
		"export.svg":        "Grafico SVG",
	}, map[string]string{
		"common.yes":        "yes",
		"common.no":         "no",
		"common.params":     "Parameters",
		"common.provenance": "Where these numbers come from (SQL query, sources, as-of date)",
		"common.table":      "Result table",
		"period.quarter":    "Q{0} {1}",
		"chart.label":       "Chart",
		"chart.kind":        "Chart type",
		"chart.line":        "Lines",
		"chart.bar":         "Bars",
		"chart.map":         "Map of the quartieri",
		"map.approx":        "Approximate quartiere boundaries (simplified shapes, not official).",
		"map.official":      "Official quartiere boundaries ({0}).",
		"export.label":      "Export",
		"export.csv":        "Table as CSV",
		"export.xlsx":       "Table as Excel (XLSX)",
		"export.png":        "Chart as PNG",
		"export.svg":        "Chart as SVG",
	})
}
