package ui

// The strings of the boundaries' upload on the "Dati e documenti" page (kind territorio: a
// GeoJSON loaded as `conoscenza ingest territorio`).
func init() {
	register(map[string]string{
		"dati.up.file.territorio":      "File GeoJSON",
		"dati.up.file.help.territorio": "FeatureCollection di poligoni in longitudine/latitudine WGS84 (gli open data del Comune). Sostituisce i confini del livello scelto.",
		"dati.up.level":                "Livello",
		"dati.up.nameprop":             "Proprietà con il nome dell'area (facoltativa)",
		"dati.up.nameprop.help":        "Per esempio NOMEQUART; se vuota, quella i cui valori corrispondono a più aree.",
		"dati.level.quartiere":         "Quartieri",
		"dati.level.zona":              "Zone",
		"dati.level.area_statistica":   "Aree statistiche",
		"dati.rep.level":               "Livello",
		"dati.rep.nameprop":            "Nome dalla proprietà",
		"dati.rep.areas":               "Aree con confini",
		"dati.rep.missing":             "Aree senza confini",
	}, map[string]string{
		"dati.up.file.territorio":      "GeoJSON file",
		"dati.up.file.help.territorio": "FeatureCollection of polygons in WGS84 longitude/latitude (the city's open data). Replaces the boundaries of the chosen level.",
		"dati.up.level":                "Level",
		"dati.up.nameprop":             "Property with the area's name (optional)",
		"dati.up.nameprop.help":        "For example NOMEQUART; if empty, the one whose values match the most areas.",
		"dati.level.quartiere":         "Quartieri",
		"dati.level.zona":              "Zones",
		"dati.level.area_statistica":   "Statistical areas",
		"dati.rep.level":               "Level",
		"dati.rep.nameprop":            "Name from property",
		"dati.rep.areas":               "Areas with boundaries",
		"dati.rep.missing":             "Areas without boundaries",
	})
}
