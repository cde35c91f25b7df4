package planner

import (
	"github.com/comune-bologna/conoscenza/ingest/codes"
)

// valueWords names one filter value by the words people use for it.
type valueWords struct {
	dim, value string
	words      []string
}

// Sectors: ATECO sections by the words people use.
var sectorWords = []valueWords{
	{"sezione_ateco", "A", []string{"agricoltura", "agricole", "agricola", "agricoli", "agricolo", "allevamento", "pesca", "agriculture", "farming", "farms"}},
	{"sezione_ateco", "C", []string{"manifattura", "manifatturiero", "manifatturiere", "manifatturiera", "manifatturiere", "industria", "industriali", "industriale", "manufacturing", "manufacturers", "industrial"}},
	{"sezione_ateco", "F", []string{"costruzioni", "costruzione", "edilizia", "edili", "edile", "construction", "builders", "building"}},
	// retail and wholesale are divisions of section G (which also has the motor trade): the
	// narrower reading first
	{"ateco", "47", []string{"commercio al dettaglio", "retail trade", "negozi", "negozio", "dettaglio", "retail", "shops", "retailers"}},
	{"ateco", "46", []string{"commercio all ingrosso", "wholesale trade", "ingrosso", "grossisti", "wholesale"}},
	{"sezione_ateco", "G", []string{"commercio", "commerciali", "commerciale", "commercianti", "trade"}},
	{"sezione_ateco", "O", []string{"settore pubblico", "pubblica amministrazione", "public sector", "public administration"}},
	{"sezione_ateco", "H", []string{"trasporti", "trasporto", "logistica", "magazzinaggio", "transport", "logistics"}},
	{"sezione_ateco", "I", []string{"ristorazione", "ristoranti", "ristorante", "ristorative", "ristorativa", "ristorativi", "bar", "pizzerie", "pizzeria", "trattorie", "osterie", "alloggio", "alberghiere", "attivita ricettive", "strutture ricettive", "ricettive", "ricettivo", "affittacamere", "pubblici esercizi", "somministrazione", "accommodation", "restaurants", "hospitality", "bars", "food service",
		// "cig nel turismo": the register's firms of tourism (visitors are no data, intent.go)
		"turismo", "settore turistico", "tourism"}},
	{"sezione_ateco", "J", []string{"informatica", "informatiche", "ict", "information technology", "servizi di informazione", "tech"}},
	{"sezione_ateco", "K", []string{"finanza", "finanziarie", "finanziario", "banche", "banca", "assicurazioni", "assicurative", "finance", "banking", "banks", "insurance"}},
	{"sezione_ateco", "L", []string{"immobiliari", "immobiliare", "real estate"}},
	{"sezione_ateco", "M", []string{"professionali", "professionisti", "consulenza", "studi professionali", "professional", "scientific", "consulting"}},
	{"sezione_ateco", "N", []string{"noleggio", "servizi di supporto", "rental"}},
	{"sezione_ateco", "P", []string{"istruzione", "scuole", "education", "schools"}},
	{"sezione_ateco", "Q", []string{"sanita", "sanitarie", "sanitario", "sanitari", "assistenza sociale", "health", "healthcare"}},
	{"sezione_ateco", "R", []string{"arte", "artistiche", "sport", "sportive", "intrattenimento", "divertimento", "entertainment", "arts",
		// "il settore cultura e spettacolo" (not "imprese culturali", the words of a call)
		"cultura e spettacolo", "spettacolo", "settore cultura", "settore della cultura"}},
	// hairdressers and beauticians are ATECO 96.02, one class of section S (which also has
	// repairs and associations): the narrower reading first
	{"ateco", "96.02", []string{"parrucchieri", "parrucchiere", "estetisti", "estetiste", "acconciatori", "barbieri",
		"hairdressers", "beauticians", "beauty salons"}},
	{"sezione_ateco", "S", []string{"servizi alla persona", "altri servizi", "personal services"}},
}

// Company types: women-, youth-, foreign-led and craft firms.
var typeWords = []valueWords{
	{"femminile", "true", []string{"imprese rosa", "aziende rosa", "ditte rosa", "imprenditoria rosa", "quote rosa", "quota rosa", "femminili", "femminile", "donne", "donna", "imprenditrici", "imprenditrice", "titolari donne", "women led", "women", "female led", "female", "women owned"}},
	{"giovanile", "true", []string{"giovanili", "giovanile", "giovani", "under 35", "youth led", "youth", "young"}},
	{"straniera", "true", []string{"straniere", "straniera", "stranieri", "straniero", "immigrati", "extracomunitari", "extracomunitarie",
		"extracomunitaria", "extracomunitario", "extra ue", "migranti", "foreign owned", "foreign led", "foreign", "immigrant led", "immigrant"}},
	{"artigiana", "true", []string{"artigiane", "artigiana", "artigiani", "artigianato", "artigianali", "craft", "crafts", "artisan", "artisans"}},
}

var formWords = []valueWords{
	// the kinds of srl before "srl" itself, which is the whole class
	{"forma_giuridica", "SU", []string{"srl unipersonali", "srl unipersonale", "srl con unico socio", "unipersonali", "unipersonale"}},
	{"forma_giuridica", "RS", []string{"srl semplificate", "srl semplificata", "srls", "s r l s"}},
	// spa, snc, sas and società semplici are legal forms of their own: the class would add
	// the others ("snc e sas" are not the società semplici)
	{"forma_giuridica", "SP", []string{"spa", "s p a", "societa per azioni", "joint stock companies"}},
	{"forma_giuridica", "SN", []string{"snc", "s n c", "societa in nome collettivo", "general partnerships"}},
	{"forma_giuridica", "AS", []string{"sas", "s a s", "societa in accomandita semplice", "limited partnerships"}},
	{"forma_giuridica", "SS", []string{"societa semplici", "societa semplice", "simple partnerships"}},
	{"classe_forma", codes.ClasseCapitale, []string{"societa di capitale", "societa di capitali", "srl", "s r l", "limited companies", "corporations"}},
	{"classe_forma", codes.ClassePersone, []string{"societa di persone", "partnerships"}},
	{"classe_forma", codes.ClasseIndividuali, []string{"imprese individuali", "impresa individuale", "ditte individuali", "ditta individuale",
		"partite iva individuali", "individuali", "sole proprietorships", "sole proprietors", "sole traders"}},
	{"forma_giuridica", "SC", []string{"cooperative", "cooperativa", "cooperatives", "coop"}},
	{"forma_giuridica", "CO", []string{"consorzi", "consorzio", "consortia"}},
}

var cigTypeWords = []valueWords{
	{"tipo_cig", "DEROGA", []string{"in deroga", "deroga", "in derogation", "derogation"}},
	{"tipo_cig", "CIGO", []string{"cigo", "ordinaria", "ordinary"}},
	{"tipo_cig", "CIGS", []string{"cigs", "straordinaria", "extraordinary"}},
	{"tipo_cig", "FIS", []string{"fis", "fondo di integrazione salariale"}},
	{"tipo_cig", "FSB", []string{"fsb", "fondi di solidarieta", "fondi bilaterali"}},
	{"causale_cig", "COVID-19", []string{"covid 19", "covid", "pandemia", "coronavirus"}},
	{"causale_cig", "CRISI AZIENDALE", []string{"crisi aziendale", "crisi"}},
	{"causale_cig", "RIORGANIZZAZIONE", []string{"riorganizzazione", "ristrutturazione"}},
	{"causale_cig", "MANCANZA DI LAVORO", []string{"mancanza di lavoro", "mancanza lavoro", "carenza di lavoro", "calo di lavoro",
		"calo del lavoro", "mancanza di commesse", "calo delle commesse", "calo degli ordini", "lack of work"}},
	{"causale_cig", "EVENTI METEO", []string{"eventi meteo", "maltempo", "meteo", "alluvione", "weather events", "bad weather", "weather", "flood", "floods"}},
}

var esitoWords = map[string][]valueWords{
	"cig": {
		{"esito", "RESPINTA", []string{"respinte", "respinta", "rifiutate", "rejected", "refused", "respinto", "rifiutato", "reject",
			"rejects", "refuse", "refuses", "deny", "denied", "rigetto", "respingimento", "rejection"}},
		// "domande accolte": a CIG request granted is authorised
		{"esito", "AUTORIZZATA", []string{"autorizzate", "autorizzata", "approvate", "approved", "accolte", "accolta", "accettate",
			"accepted", "granted", "authorised", "authorized", "accoglimento", "approvazione", "approval", "acceptance",
			"tasso di successo", "success rate"}},
		{"esito", "IN ISTRUTTORIA", []string{"in istruttoria", "in attesa", "pending"}},
	},
	"suap": {
		{"esito", "RESPINTA", []string{"respinte", "respinta", "rejected", "respinto", "rifiutato", "rifiutate", "refused", "reject",
			"rejects", "refuse", "refuses", "deny", "denied", "rigetto", "respingimento", "rejection"}},
		{"esito", "ACCOLTA", []string{"accolte", "accolta", "approvate", "approved", "accepted", "granted", "accolto", "approvato",
			"approve", "approves", "accept", "accepts", "accoglimento", "approvazione", "approval", "acceptance",
			"tasso di successo", "success rate"}},
		// "pratiche ancora in istruttoria": the SUAP calls a permit not yet decided "in corso"
		{"esito", "IN CORSO", []string{"in corso", "pending", "in istruttoria", "in attesa", "in lavorazione", "in valutazione"}},
		{"tipo_pratica", "APERTURA", []string{"di apertura", "apertura", "aperture", "opening", "openings", "per aprire", "per avviare",
			"avvio", "avvii", "to open", "to start"}},
		{"tipo_pratica", "SUBINGRESSO", []string{"subingresso", "subingressi", "subentri", "takeovers", "takeover"}},
		{"tipo_pratica", "MODIFICA", []string{"di modifica", "modifica", "modifiche", "changes", "modifications"}},
		{"tipo_pratica", "CESSAZIONE", []string{"di cessazione", "cessazione", "cessazioni", "chiusura", "chiusure"}},
		{"tipo_pratica", "AMPLIAMENTO", []string{"ampliamento", "ampliamenti", "extensions", "extension", "expansions", "expansion"}},
	},
	"contributi": {
		{"esito", "NON AMMESSO", []string{"non ammesse", "non ammessi", "non ammessa", "escluse", "esclusi", "escluse dal", "respinte", "bocciate", "not admitted", "rejected"}},
		{"esito", "REVOCATO", []string{"revocati", "revocate", "revocato", "revoked", "withdrawn by the city"}},
		{"esito", "RINUNCIA", []string{"rinunce", "rinuncia", "renounced", "withdrawn"}},
	},
}

// suapSectorWords are the SUAP's own sectors (SETTORE of the permits), which are not ATECO
// sections: "pubblici esercizi" are bars and restaurants, "commercio" is split in two (see
// readSuapSectors).
var suapSectorWords = []valueWords{
	{"settore_suap", "COMMERCIO SU AREE PUBBLICHE", []string{"commercio su aree pubbliche", "aree pubbliche", "area pubblica", "ambulanti", "ambulante", "mercati", "mercato", "street vendors", "market stalls",
		"street trading", "street traders", "street markets", "itinerant trade"}},
	{"settore_suap", "COMMERCIO AL DETTAGLIO", []string{"commercio al dettaglio", "esercizi di vicinato", "esercizio di vicinato", "dettaglio", "negozi", "negozio", "retail", "shops"}},
	{"settore_suap", "PUBBLICO ESERCIZIO", []string{"pubblici esercizi", "pubblico esercizio", "somministrazione", "ristorazione", "ristoranti", "ristorante", "bar", "pizzerie", "pizzeria", "locali", "bars", "restaurants", "public premises", "public establishments"}},
	{"settore_suap", "STRUTTURE RICETTIVE", []string{"strutture ricettive", "struttura ricettiva", "ricettive", "alberghi", "albergo", "hotel", "affittacamere", "accommodation"}},
	{"settore_suap", "AUTORIPARAZIONE", []string{"autoriparazione", "autoriparazioni", "autoriparatori", "officine", "officina", "meccanici", "carrozzerie", "car repair"}},
	{"settore_suap", "ARTIGIANATO ALIMENTARE", []string{"artigianato alimentare", "alimentare", "alimentari", "panifici", "forni", "gelaterie", "pasticcerie", "food craft"}},
	{"settore_suap", "ACCONCIATORI ED ESTETISTI", []string{"acconciatori", "acconciatore", "estetisti", "estetiste", "estetica", "parrucchieri", "parrucchiere", "hairdressers", "beauticians"}},
}

var stateWords = []valueWords{
	{"stato", "IN LIQUIDAZIONE", []string{"in liquidazione", "liquidazione", "in liquidation"}},
	{"stato", "SOSPESA", []string{"sospese", "sospesa", "suspended"}},
	{"stato", "INATTIVA", []string{"inattive", "inattiva", "inactive", "dormant"}},
}

// centro is what "il centro storico" means in the data: the four zones inside the old walls.
var centro = []string{"Galvani", "Irnerio", "Malpighi", "Marconi"}

// place is a quartiere or zona by its words; shared names (San Donato, Borgo Panigale,
// Saragozza) read as the quartiere unless "zona" precedes them.
type place struct {
	dim, value string
	words      []string
}

var places = []place{
	// a zone whose name holds a quartiere's word comes first ("zona Costa Saragozza")
	{"zona", "Costa Saragozza", []string{"costa saragozza"}},
	{"quartiere", "Borgo Panigale-Reno", []string{"borgo panigale reno", "borgo panigale", "panigale", "quartiere reno",
		// abbreviated: "Borgo P.", "B.go Panigale"
		"borgo p", "b go panigale", "b panigale"}},
	{"quartiere", "Navile", []string{"navile"}},
	{"quartiere", "Porto-Saragozza", []string{"porto saragozza", "saragozza", "quartiere porto", "a porto", "al porto", "porto s"}},
	{"quartiere", "San Donato-San Vitale", []string{"san donato san vitale", "san donato", "san vitale", "s donato", "s vitale"}},
	{"quartiere", "Santo Stefano", []string{"santo stefano", "s stefano"}},
	{"quartiere", "Savena", []string{"savena"}},
	{"zona", "Bolognina", []string{"bolognina"}},
	{"zona", "Corticella", []string{"corticella"}},
	{"zona", "Lame", []string{"zona lame", "lame"}},
	{"zona", "Malpighi", []string{"malpighi"}},
	{"zona", "Marconi", []string{"marconi"}},
	{"zona", "Irnerio", []string{"irnerio", "zona universitaria", "zona universita", "university area", "university district"}},
	{"zona", "Colli", []string{"zona colli", "colli"}},
	{"zona", "Galvani", []string{"galvani"}},
	{"zona", "Murri", []string{"murri"}},
	{"zona", "Mazzini", []string{"mazzini"}},
	{"zona", "San Ruffillo", []string{"san ruffillo"}},
	{"zona", "Barca", []string{"barca"}},
	{"zona", "Santa Viola", []string{"santa viola"}},
	// a rione inside one zone: the Pilastro is in the zone San Donato
	{"zona", "San Donato", []string{"pilastro", "al pilastro"}},
}

// groupWords are the words naming a dimension to break results down by.
var groupWords = []struct {
	dim   string
	words []string
}{
	{"area_statistica", []string{"area statistica", "aree statistiche", "statistical area", "statistical areas"}},
	{"quartiere", []string{"quartiere", "quartieri", "district", "districts", "neighbourhood", "neighbourhoods", "neighborhood"}},
	{"zona", []string{"zona", "zone", "zones", "area", "aree"}},
	{"divisione_ateco", []string{"divisione ateco", "divisioni ateco", "comparto ateco", "comparti ateco", "divisione", "divisioni", "comparto", "comparti", "ateco division"}},
	{"settore_suap", []string{"settore suap", "settori suap", "suap sector", "suap sectors"}},
	{"sezione_ateco", []string{"sezione ateco", "sezioni ateco", "settore", "settori", "macrosettore", "macrosettori", "sezione", "sezioni",
		"sector", "sectors", "section", "sections", "industry", "industries", "ateco"}},
	{"classe_forma", []string{"classe di forma giuridica", "classi di forma giuridica", "forma giuridica", "forme giuridiche", "natura giuridica", "tipo di societa", "legal form", "legal forms"}},
	{"classe_addetti", []string{"classe di addetti", "classi di addetti", "classe dimensionale", "classi dimensionali", "numero di addetti",
		"dimensione", "dimensioni", "addetti", "size", "size class", "company size"}},
	{"anzianita", []string{"anzianita di iscrizione", "classe di eta", "classi di eta", "eta dell impresa", "eta delle imprese", "anzianita", "eta",
		"age", "company age"}},
	{"stato", []string{"stato di attivita", "stato", "status", "state"}},
	{"tipo_cig", []string{"tipo di cig", "tipo di cassa integrazione", "tipologia di cig", "tipologia", "cig type"}},
	{"causale_cig", []string{"causale", "causali", "motivo", "motivi", "motivazione", "reason", "reasons", "cause", "causes", "ragione", "ragioni"}},
	{"esito", []string{"esito", "esiti", "outcome", "outcomes"}},
	{"comune", []string{"comune", "comuni", "municipality", "municipalities"}},
	{"bando", []string{"bando", "bandi", "grant call", "call"}},
	{"tipo_pratica", []string{"tipo di pratica", "tipi di pratica"}},
	{"anno", []string{"anno", "anni", "year", "years", "annuale", "annuali", "annue", "annui", "yearly", "annual"}},
	{"trimestre", []string{"trimestre", "trimestri", "quarter", "quarters", "quarterly", "trimestrale", "trimestrali"}},
	{"mese", []string{"mese", "mesi", "month", "months", "monthly", "mensile", "mensili"}},
}

// listVerbs ask to list a dimension's values ("list the districts by closures").
var listVerbs = map[string]bool{"elenca": true, "elencami": true, "ordina": true, "mostra": true, "mostrami": true, "list": true,
	"rank": true, "sort": true, "show": true}

// groupTriggers are the words before a dimension that make it a breakdown.
var groupTriggers = map[string]bool{"per": true, "by": true, "ogni": true, "each": true, "every": true,
	"quale": true, "quali": true, "which": true, "nei": true, "tra": true, "fra": true, "suddivise": true,
	"suddivisi": true, "ripartite": true, "ripartiti": true, "distribuite": true, "across": true, "per each": true,
	"diversi": true, "vari": true, "various": true, "ciascun": true, "ciascuna": true, "ciascuno": true,
	"singolo": true, "singola": true, "x": true}

func init() {
	for _, l := range [][]valueWords{sectorWords, suapSectorWords, typeWords, formWords, cigTypeWords, stateWords, esitoWords["cig"], esitoWords["suap"], esitoWords["contributi"]} {
		for _, v := range l {
			addVocabulary(v.words...)
		}
	}
	for _, p := range places {
		addVocabulary(p.words...)
	}
	for _, g := range groupWords {
		addVocabulary(g.words...)
	}
	addVocabulary("ultradecennali", "ultraventennali")
}

// comuni are the other comuni of the metropolitan city by the words people use, with the name
// the regional lists write (upper case, as BOLOGNA): a CIG request names its firm's comune
// ("domande di CIG di imprese di Imola"); the register holds the seats in the city only.
var comuni = []valueWords{
	{"comune", "CASALECCHIO DI RENO", []string{"casalecchio di reno", "casalecchio"}},
	{"comune", "SAN LAZZARO DI SAVENA", []string{"san lazzaro di savena", "san lazzaro"}},
	{"comune", "IMOLA", []string{"imola"}},
	{"comune", "CASTEL MAGGIORE", []string{"castel maggiore"}},
	{"comune", "ZOLA PREDOSA", []string{"zola predosa"}},
	{"comune", "PIANORO", []string{"pianoro"}},
	{"comune", "GRANAROLO DELL'EMILIA", []string{"granarolo dell emilia", "granarolo"}},
	{"comune", "CASTENASO", []string{"castenaso"}},
	{"comune", "BUDRIO", []string{"budrio"}},
	{"comune", "SAN GIOVANNI IN PERSICETO", []string{"san giovanni in persiceto", "persiceto"}},
	{"comune", "ANZOLA DELL'EMILIA", []string{"anzola dell emilia", "anzola"}},
	{"comune", "CALDERARA DI RENO", []string{"calderara di reno", "calderara"}},
	{"comune", "SASSO MARCONI", []string{"sasso marconi"}},
	{"comune", "OZZANO DELL'EMILIA", []string{"ozzano dell emilia", "ozzano"}},
	{"comune", "CASTEL SAN PIETRO TERME", []string{"castel san pietro terme", "castel san pietro"}},
	{"comune", "MEDICINA", []string{"medicina"}},
	{"comune", "MOLINELLA", []string{"molinella"}},
}
