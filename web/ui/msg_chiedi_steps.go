package ui

// The chat's step labels by the agent's step keys (agent.Step.Key): the server sends the
// Italian label with a stable key, and the page shows the string registered here for
// "chiedi.step.<key>" in its language (an unknown key shows the server's label).
func init() {
	register(map[string]string{
		"chiedi.step.plan":                     "interpreto la domanda",
		"chiedi.step.grounding":                "verifico i numeri",
		"chiedi.step.tool.query_metrics":       "eseguo la query",
		"chiedi.step.tool.describe_catalog":    "cerco nel catalogo",
		"chiedi.step.tool.search_documents":    "cerco nei documenti",
		"chiedi.step.tool.company_dossier":     "apro il fascicolo d'impresa",
		"chiedi.step.tool.run_sql":             "eseguo la query SQL",
		"chiedi.step.tool.platea":              "calcolo la platea",
		"chiedi.step.tool.bando_outcome":       "confronto le beneficiarie del bando",
		"chiedi.step.model.prepare":            "preparo il modello",
		"chiedi.step.model.retry":              "chiamata non valida, chiedo al modello di correggerla",
		"chiedi.step.model.blocked":            "risposta del modello bloccata",
		"chiedi.step.model.reasoning":          "il modello ragiona",
		"chiedi.step.notice.model_unavailable": "modello non disponibile",
		"chiedi.step.notice.model_failed":      "modello non riuscito",
	}, map[string]string{
		"chiedi.step.plan":                     "reading the question",
		"chiedi.step.grounding":                "checking the numbers",
		"chiedi.step.tool.query_metrics":       "running the query",
		"chiedi.step.tool.describe_catalog":    "searching the catalogue",
		"chiedi.step.tool.search_documents":    "searching the documents",
		"chiedi.step.tool.company_dossier":     "opening the company file",
		"chiedi.step.tool.run_sql":             "running the SQL query",
		"chiedi.step.tool.platea":              "computing the eligible firms",
		"chiedi.step.tool.bando_outcome":       "comparing the call's beneficiaries",
		"chiedi.step.model.prepare":            "preparing the model",
		"chiedi.step.model.retry":              "invalid call, asking the model to fix it",
		"chiedi.step.model.blocked":            "model answer blocked",
		"chiedi.step.model.reasoning":          "the model is reasoning",
		"chiedi.step.notice.model_unavailable": "model unavailable",
		"chiedi.step.notice.model_failed":      "model failed",
	})
}
