package codes

import "strings"

// The classes of legal form used in every breakdown (InfoCamere Movimprese classes).
const (
	ClasseCapitale    = "società di capitale"
	ClassePersone     = "società di persone"
	ClasseIndividuali = "imprese individuali"
	ClasseAltre       = "altre forme"
)

// Forma is a legal-form code of the register (N-G column).
type Forma struct {
	Code        string
	Descrizione string
	Classe      string
}

// Forme are the legal-form codes known to the project; an unknown code is classed as
// "altre forme".
var Forme = []Forma{
	{"DI", "impresa individuale", ClasseIndividuali},
	{"SR", "società a responsabilità limitata", ClasseCapitale},
	{"SU", "società a responsabilità limitata con unico socio", ClasseCapitale},
	{"RS", "società a responsabilità limitata semplificata", ClasseCapitale},
	{"RR", "società a responsabilità limitata a capitale ridotto", ClasseCapitale},
	{"SP", "società per azioni", ClasseCapitale},
	{"SA", "società in accomandita per azioni", ClasseCapitale},
	{"SE", "società europea", ClasseCapitale},
	{"SN", "società in nome collettivo", ClassePersone},
	{"AS", "società in accomandita semplice", ClassePersone},
	{"SS", "società semplice", ClassePersone},
	{"SF", "società di fatto", ClassePersone},
	{"SC", "società cooperativa", ClasseAltre},
	{"CO", "consorzio", ClasseAltre},
	{"CS", "società consortile", ClasseAltre},
	{"AC", "associazione", ClasseAltre},
	{"FO", "fondazione", ClasseAltre},
	{"EN", "ente", ClasseAltre},
}

var formaIndex = func() map[string]Forma {
	m := make(map[string]Forma, len(Forme))
	for _, f := range Forme {
		m[f.Code] = f
	}
	return m
}()

// LookupForma returns the legal form for a code and whether the code is known. Unknown codes
// come back with class "altre forme".
func LookupForma(code string) (Forma, bool) {
	code = strings.ToUpper(strings.TrimSpace(code))
	if f, ok := formaIndex[code]; ok {
		return f, true
	}
	return Forma{Code: code, Classe: ClasseAltre}, false
}

// Classi lists the legal-form classes in display order.
var Classi = []string{ClasseCapitale, ClassePersone, ClasseIndividuali, ClasseAltre}
