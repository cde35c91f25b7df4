package web

import "github.com/comune-bologna/conoscenza/ingest/codes"

// pageData is the server data a page needs besides the API (rendered into #cz-data): the
// dashboard and Esplora label the ATECO sections by name, which the catalog lists by code only.
var pageData = map[string]func() map[string]any{
	"cruscotto": atecoSections,
	"esplora":   atecoSections,
}

// sectionName is one ATECO section for the pages: its letter and its Italian name.
type sectionName struct {
	Code string `json:"code"`
	Name string `json:"name"`
}

func atecoSections() map[string]any {
	out := make([]sectionName, 0, len(codes.Sezioni))
	for _, s := range codes.Sezioni {
		out = append(out, sectionName{Code: s.Code, Name: s.Descrizione})
	}
	return map[string]any{"sezioni": out}
}
