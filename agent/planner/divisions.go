package planner

import (
	"slices"
	"strings"
)

// divisionWords name ATECO divisions (two digits) and classes by the words people use for the
// trade ("metallurgia", "studi legali", "agenzie di viaggio", "farmacie"): narrower than a
// section, they are read before sectorWords, so that "costruzione di edifici" is division 41,
// not all of section F. Words that are ambiguous between manufacturing and trade ("mobili",
// "abbigliamento") appear only with the word that decides it.
var divisionWords = []valueWords{
	// manufacturing (section C)
	{"divisione_ateco", "13", []string{"industrie tessili", "industria tessile", "tessili", "tessile", "textile", "textiles"}},
	{"divisione_ateco", "14", []string{"confezione di abbigliamento", "confezioni di abbigliamento", "sartorie", "clothing manufacturing"}},
	{"divisione_ateco", "18", []string{"tipografie", "tipografia", "stamperie", "printing"}},
	{"divisione_ateco", "20", []string{"industria chimica", "industrie chimiche", "prodotti chimici", "chemical industry", "chemicals"}},
	{"divisione_ateco", "21", []string{"industria farmaceutica", "farmaceutica", "farmaceutiche", "pharmaceutical", "pharmaceuticals"}},
	{"divisione_ateco", "24", []string{"metallurgia", "metallurgiche", "metallurgica", "siderurgia", "metallurgy", "steel industry"}},
	{"divisione_ateco", "25", []string{"prodotti in metallo", "carpenteria metallica", "carpenterie metalliche", "metal products"}},
	{"divisione_ateco", "26", []string{"industria elettronica", "fabbricazione di elettronica", "produzione di elettronica", "electronics manufacturing"}},
	{"divisione_ateco", "28", []string{"fabbricazione di macchinari", "produzione di macchinari", "meccanica strumentale", "machinery"}},
	{"divisione_ateco", "29", []string{"fabbricazione di autoveicoli", "produzione di autoveicoli", "automotive"}},
	{"divisione_ateco", "31", []string{"fabbricazione di mobili", "produzione di mobili", "industria del mobile", "mobilifici", "mobilificio",
		"furniture manufacturing", "furniture makers"}},
	// energy, waste, construction
	{"divisione_ateco", "35", []string{"fornitura di energia", "produzione di energia", "energy companies", "energy sector"}},
	{"divisione_ateco", "38", []string{"gestione dei rifiuti", "raccolta dei rifiuti", "raccolta rifiuti", "smaltimento dei rifiuti",
		"smaltimento rifiuti", "waste management"}},
	{"divisione_ateco", "41", []string{"costruzione di edifici", "costruzione edifici", "building construction"}},
	{"divisione_ateco", "42", []string{"ingegneria civile", "civil engineering"}},
	{"ateco", "43.2", []string{"installazione di impianti", "impiantisti", "idraulici", "elettricisti", "plumbers", "electricians"}},
	{"ateco", "43.3", []string{"imbianchini", "pittori edili", "finiture edili", "painters and decorators"}},
	// the motor trade and its repairs
	{"ateco", "45.2", []string{"autofficine", "autofficina", "officine", "officina", "meccanici", "carrozzerie", "carrozzieri", "gommisti",
		"riparazione di autoveicoli", "riparazione auto", "car repair", "garages", "mechanics"}},
	{"ateco", "45.1", []string{"concessionari", "concessionarie", "autosaloni", "car dealers", "car dealerships"}},
	// shops by what they sell (ATECO 47 classes)
	{"ateco", "47.73", []string{"farmacie", "farmacia", "pharmacies", "pharmacy"}},
	{"ateco", "47.71", []string{"negozi di abbigliamento", "negozio di abbigliamento", "abbigliamento al dettaglio", "clothing stores",
		"clothes shops", "boutique"}},
	{"ateco", "47.11", []string{"supermercati", "supermercato", "ipermercati", "minimarket", "supermarkets"}},
	{"ateco", "47.26", []string{"tabaccherie", "tabaccheria", "tabaccai", "tobacconists"}},
	{"ateco", "47.61", []string{"librerie", "libreria", "bookshops", "bookstores"}},
	{"ateco", "47.62", []string{"edicole", "edicola", "newsagents"}},
	{"ateco", "47.52", []string{"ferramenta", "hardware stores"}},
	{"ateco", "47.76", []string{"fiorai", "fioristi", "florists"}},
	{"ateco", "47.77", []string{"gioiellerie", "orologerie", "jewellers", "jewelers"}},
	// transport, media, professions, services
	{"ateco", "49.32", []string{"tassisti", "tassista", "taxi", "taxi drivers", "taxi services"}},
	{"divisione_ateco", "49", []string{"trasporto terrestre", "trasporti terrestri", "autotrasporto", "autotrasporti", "autotrasportatori",
		"trasporto merci su strada", "road transport", "road haulage"}},
	// hotels and other lodging (division 55) are not the restaurants and bars of section I;
	// ice-cream and pastry shops are their own class of restaurants (56.10.3)
	{"divisione_ateco", "55", []string{"alberghi", "albergo", "hotel", "hotels", "bed and breakfast", "b b", "bnb", "affittacamere",
		"ostelli", "strutture alberghiere", "lodging"}},
	{"ateco", "56.10.3", []string{"gelaterie", "gelateria", "pasticcerie", "pasticceria", "ice cream shops", "ice cream parlours",
		"pastry shops"}},
	{"divisione_ateco", "53", []string{"corrieri", "servizi postali", "couriers", "postal services"}},
	{"divisione_ateco", "58", []string{"editoria", "case editrici", "casa editrice", "publishing", "publishers"}},
	{"divisione_ateco", "59", []string{"produzione cinematografica", "cinema e video", "film production"}},
	{"divisione_ateco", "61", []string{"telecomunicazioni", "telecommunications", "telecoms"}},
	{"divisione_ateco", "62", []string{"produzione di software", "produzione software", "sviluppo software", "sviluppo di software",
		"software house", "consulenza informatica", "software", "software development", "it consulting"}},
	{"ateco", "68.31", []string{"agenzie immobiliari", "agenzia immobiliare", "agenti immobiliari", "intermediazione immobiliare",
		"mediazione immobiliare", "real estate agencies", "real estate agents", "estate agents", "estate agencies"}},
	{"divisione_ateco", "69", []string{"studi legali", "studio legale", "avvocati", "commercialisti", "studi contabili", "consulenti del lavoro",
		"notai", "law firms", "lawyers", "accountants", "accounting firms"}},
	{"divisione_ateco", "70", []string{"consulenza gestionale", "consulenza aziendale", "consulenza di direzione", "management consulting"}},
	{"divisione_ateco", "71", []string{"studi di architettura", "studi di ingegneria", "architetti", "ingegneri", "architects", "engineering firms"}},
	{"divisione_ateco", "72", []string{"ricerca e sviluppo", "ricerca scientifica", "research and development"}},
	{"divisione_ateco", "73", []string{"pubblicita", "agenzie pubblicitarie", "agenzie di pubblicita", "ricerche di mercato", "advertising",
		"market research"}},
	{"divisione_ateco", "75", []string{"veterinari", "ambulatori veterinari", "veterinary", "vets"}},
	{"divisione_ateco", "78", []string{"agenzie per il lavoro", "agenzie interinali", "agenzie di lavoro", "selezione del personale",
		"staffing agencies", "employment agencies"}},
	{"divisione_ateco", "79", []string{"agenzie di viaggio", "agenzie di viaggi", "agenzia di viaggio", "agenzia viaggi", "agenzie viaggi",
		"tour operator", "travel agencies", "travel agents"}},
	{"divisione_ateco", "80", []string{"vigilanza", "istituti di vigilanza", "security firms"}},
	{"divisione_ateco", "81", []string{"imprese di pulizia", "imprese di pulizie", "pulizie", "pulizia", "giardinaggio", "cleaning companies",
		"cleaning firms", "cleaning"}},
	{"divisione_ateco", "86", []string{"studi medici", "ambulatori medici", "poliambulatori", "dentisti", "studi dentistici", "medical practices",
		"dentists"}},
	{"divisione_ateco", "87", []string{"case di riposo", "residenze per anziani", "rsa", "nursing homes"}},
	{"divisione_ateco", "91", []string{"musei", "biblioteche", "museums", "libraries"}},
	{"divisione_ateco", "92", []string{"sale giochi", "sale scommesse", "scommesse", "lotterie", "gioco d azzardo", "gambling", "betting shops"}},
	{"divisione_ateco", "93", []string{"palestre", "palestra", "centri sportivi", "impianti sportivi", "attivita sportive", "gyms", "gym",
		"sports clubs", "fitness"}},
	{"ateco", "96.01", []string{"lavanderie", "lavanderia", "tintorie", "laundries", "dry cleaners"}},
	{"ateco", "96.03", []string{"pompe funebri", "onoranze funebri", "agenzie funebri", "funeral homes"}},
}

// Only the one-word names are corrected when mistyped ("metalurgia"): the words of the longer
// phrases are common ones ("selezione", "ricerca", "produzione") that must not attract others
// ("relazione" is no "selezione").
func init() {
	for _, v := range divisionWords {
		for _, w := range v.words {
			if !strings.Contains(w, " ") {
				addVocabulary(w)
			}
		}
	}
}

// sectorNounCount says whether the question counts the firms of a trade by the trade's own
// noun ("quante palestre ci sono?", "quanti idraulici a Navile", "how many pharmacies"): the
// noun names the firms, as "imprese" would.
func (t *text) sectorNounCount() bool {
	for i, w := range t.tokens {
		k := i + 1
		switch {
		case w == "quante" || w == "quanti" || w == "numero" && (t.tok(i+1) == "di" || t.tok(i+1) == "delle" || t.tok(i+1) == "dei"):
			if w == "numero" {
				k++
			}
		case w == "how" && t.tok(i+1) == "many":
			k++
		default:
			continue
		}
		for _, l := range [][]valueWords{divisionWords, sectorWords} {
			for _, v := range l {
				if t.startsAny(k, v.words) {
					return true
				}
			}
		}
	}
	return false
}

// namesActivityCode says whether the question names an ATECO code or division ("codice ateco
// 47.11 quante", "divisione 62 per quartiere"): with a count or a breakdown asked, its firms.
func (t *text) namesActivityCode() bool {
	if atecoRE.MatchString(markDates(t.raw)) {
		return true
	}
	for i, w := range t.tokens {
		if w == "divisione" || w == "divisioni" || w == "ateco" || w == "division" {
			if _, ok := divisionCode(t.tok(i + 1)); ok {
				return true
			}
		}
	}
	return false
}

// divisionGroups are trades that span several ATECO divisions ("la metalmeccanica": metals,
// metal products, electronics, electrical equipment, machinery, vehicles and their repair, as
// the metalworkers' national contract covers them): a word, the divisions it stands for.
var divisionGroups = []struct{ words, divisions []string }{
	{[]string{"settore metalmeccanico", "industria metalmeccanica", "metalmeccanica", "metalmeccaniche", "metalmeccanico", "metalmeccanici",
		"metalworking", "engineering industry"}, []string{"24", "25", "26", "27", "28", "29", "30", "33"}},
}

// readDivisionGroups sets a trade of several divisions as one filter on them.
func (t *text) readDivisionGroups(s *filterSet) {
	for _, g := range divisionGroups {
		if i, n := t.first(g.words...); i >= 0 {
			t.consume(i, n)
			s.set(inFilter("divisione_ateco", slices.Clone(g.divisions)))
		}
	}
}

func init() {
	for _, g := range divisionGroups {
		for _, w := range g.words {
			if !strings.Contains(w, " ") {
				addVocabulary(w)
			}
		}
	}
}
