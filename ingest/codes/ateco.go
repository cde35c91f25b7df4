package codes

import (
	"fmt"
	"strings"
)

// Sezione is an ATECO 2007 section (A–U).
type Sezione struct {
	Code        string
	Descrizione string
}

// Divisione is an ATECO 2007 division (two digits) within its section.
type Divisione struct {
	Code        string
	Sezione     string
	Descrizione string
}

// Sezioni are the 21 sections of ATECO 2007.
var Sezioni = []Sezione{
	{"A", "Agricoltura, silvicoltura e pesca"},
	{"B", "Estrazione di minerali da cave e miniere"},
	{"C", "Attività manifatturiere"},
	{"D", "Fornitura di energia elettrica, gas, vapore e aria condizionata"},
	{"E", "Fornitura di acqua; reti fognarie, attività di gestione dei rifiuti e risanamento"},
	{"F", "Costruzioni"},
	{"G", "Commercio all'ingrosso e al dettaglio; riparazione di autoveicoli e motocicli"},
	{"H", "Trasporto e magazzinaggio"},
	{"I", "Attività dei servizi di alloggio e di ristorazione"},
	{"J", "Servizi di informazione e comunicazione"},
	{"K", "Attività finanziarie e assicurative"},
	{"L", "Attività immobiliari"},
	{"M", "Attività professionali, scientifiche e tecniche"},
	{"N", "Noleggio, agenzie di viaggio, servizi di supporto alle imprese"},
	{"O", "Amministrazione pubblica e difesa; assicurazione sociale obbligatoria"},
	{"P", "Istruzione"},
	{"Q", "Sanità e assistenza sociale"},
	{"R", "Attività artistiche, sportive, di intrattenimento e divertimento"},
	{"S", "Altre attività di servizi"},
	{"T", "Attività di famiglie e convivenze come datori di lavoro per personale domestico; produzione di beni e servizi indifferenziati per uso proprio da parte di famiglie e convivenze"},
	{"U", "Organizzazioni ed organismi extraterritoriali"},
}

// Divisioni are the 88 divisions of ATECO 2007.
var Divisioni = []Divisione{
	{"01", "A", "Coltivazioni agricole e produzione di prodotti animali, caccia e servizi connessi"},
	{"02", "A", "Silvicoltura ed utilizzo di aree forestali"},
	{"03", "A", "Pesca e acquacoltura"},
	{"05", "B", "Estrazione di carbone (esclusa torba)"},
	{"06", "B", "Estrazione di petrolio greggio e di gas naturale"},
	{"07", "B", "Estrazione di minerali metalliferi"},
	{"08", "B", "Altre attività di estrazione di minerali da cave e miniere"},
	{"09", "B", "Attività dei servizi di supporto all'estrazione"},
	{"10", "C", "Industrie alimentari"},
	{"11", "C", "Industria delle bevande"},
	{"12", "C", "Industria del tabacco"},
	{"13", "C", "Industrie tessili"},
	{"14", "C", "Confezione di articoli di abbigliamento; confezione di articoli in pelle e pelliccia"},
	{"15", "C", "Fabbricazione di articoli in pelle e simili"},
	{"16", "C", "Industria del legno e dei prodotti in legno e sughero (esclusi i mobili); fabbricazione di articoli in paglia e materiali da intreccio"},
	{"17", "C", "Fabbricazione di carta e di prodotti di carta"},
	{"18", "C", "Stampa e riproduzione di supporti registrati"},
	{"19", "C", "Fabbricazione di coke e prodotti derivanti dalla raffinazione del petrolio"},
	{"20", "C", "Fabbricazione di prodotti chimici"},
	{"21", "C", "Fabbricazione di prodotti farmaceutici di base e di preparati farmaceutici"},
	{"22", "C", "Fabbricazione di articoli in gomma e materie plastiche"},
	{"23", "C", "Fabbricazione di altri prodotti della lavorazione di minerali non metalliferi"},
	{"24", "C", "Metallurgia"},
	{"25", "C", "Fabbricazione di prodotti in metallo (esclusi macchinari e attrezzature)"},
	{"26", "C", "Fabbricazione di computer e prodotti di elettronica e ottica; apparecchi elettromedicali, apparecchi di misurazione e di orologi"},
	{"27", "C", "Fabbricazione di apparecchiature elettriche ed apparecchiature per uso domestico non elettriche"},
	{"28", "C", "Fabbricazione di macchinari ed apparecchiature nca"},
	{"29", "C", "Fabbricazione di autoveicoli, rimorchi e semirimorchi"},
	{"30", "C", "Fabbricazione di altri mezzi di trasporto"},
	{"31", "C", "Fabbricazione di mobili"},
	{"32", "C", "Altre industrie manifatturiere"},
	{"33", "C", "Riparazione, manutenzione ed installazione di macchine ed apparecchiature"},
	{"35", "D", "Fornitura di energia elettrica, gas, vapore e aria condizionata"},
	{"36", "E", "Raccolta, trattamento e fornitura di acqua"},
	{"37", "E", "Gestione delle reti fognarie"},
	{"38", "E", "Attività di raccolta, trattamento e smaltimento dei rifiuti; recupero dei materiali"},
	{"39", "E", "Attività di risanamento e altri servizi di gestione dei rifiuti"},
	{"41", "F", "Costruzione di edifici"},
	{"42", "F", "Ingegneria civile"},
	{"43", "F", "Lavori di costruzione specializzati"},
	{"45", "G", "Commercio all'ingrosso e al dettaglio e riparazione di autoveicoli e motocicli"},
	{"46", "G", "Commercio all'ingrosso (escluso quello di autoveicoli e di motocicli)"},
	{"47", "G", "Commercio al dettaglio (escluso quello di autoveicoli e di motocicli)"},
	{"49", "H", "Trasporto terrestre e trasporto mediante condotte"},
	{"50", "H", "Trasporto marittimo e per vie d'acqua"},
	{"51", "H", "Trasporto aereo"},
	{"52", "H", "Magazzinaggio e attività di supporto ai trasporti"},
	{"53", "H", "Servizi postali e attività di corriere"},
	{"55", "I", "Alloggio"},
	{"56", "I", "Attività dei servizi di ristorazione"},
	{"58", "J", "Attività editoriali"},
	{"59", "J", "Attività di produzione cinematografica, di video e di programmi televisivi, di registrazioni musicali e sonore"},
	{"60", "J", "Attività di programmazione e trasmissione"},
	{"61", "J", "Telecomunicazioni"},
	{"62", "J", "Produzione di software, consulenza informatica e attività connesse"},
	{"63", "J", "Attività dei servizi d'informazione e altri servizi informatici"},
	{"64", "K", "Attività di servizi finanziari (escluse le assicurazioni e i fondi pensione)"},
	{"65", "K", "Assicurazioni, riassicurazioni e fondi pensione (escluse le assicurazioni sociali obbligatorie)"},
	{"66", "K", "Attività ausiliarie dei servizi finanziari e delle attività assicurative"},
	{"68", "L", "Attività immobiliari"},
	{"69", "M", "Attività legali e contabilità"},
	{"70", "M", "Attività di direzione aziendale e di consulenza gestionale"},
	{"71", "M", "Attività degli studi di architettura e d'ingegneria; collaudi ed analisi tecniche"},
	{"72", "M", "Ricerca scientifica e sviluppo"},
	{"73", "M", "Pubblicità e ricerche di mercato"},
	{"74", "M", "Altre attività professionali, scientifiche e tecniche"},
	{"75", "M", "Servizi veterinari"},
	{"77", "N", "Attività di noleggio e leasing operativo"},
	{"78", "N", "Attività di ricerca, selezione, fornitura di personale"},
	{"79", "N", "Attività dei servizi delle agenzie di viaggio, dei tour operator e servizi di prenotazione e attività connesse"},
	{"80", "N", "Servizi di vigilanza e investigazione"},
	{"81", "N", "Attività di servizi per edifici e paesaggio"},
	{"82", "N", "Attività di supporto per le funzioni d'ufficio e altri servizi di supporto alle imprese"},
	{"84", "O", "Amministrazione pubblica e difesa; assicurazione sociale obbligatoria"},
	{"85", "P", "Istruzione"},
	{"86", "Q", "Assistenza sanitaria"},
	{"87", "Q", "Servizi di assistenza sociale residenziale"},
	{"88", "Q", "Assistenza sociale non residenziale"},
	{"90", "R", "Attività creative, artistiche e di intrattenimento"},
	{"91", "R", "Attività di biblioteche, archivi, musei ed altre attività culturali"},
	{"92", "R", "Attività riguardanti le lotterie, le scommesse, le case da gioco"},
	{"93", "R", "Attività sportive, di intrattenimento e di divertimento"},
	{"94", "S", "Attività di organizzazioni associative"},
	{"95", "S", "Riparazione di computer e di beni per uso personale e per la casa"},
	{"96", "S", "Altre attività di servizi per la persona"},
	{"97", "T", "Attività di famiglie e convivenze come datori di lavoro per personale domestico"},
	{"98", "T", "Produzione di beni e servizi indifferenziati per uso proprio da parte di famiglie e convivenze"},
	{"99", "U", "Organizzazioni ed organismi extraterritoriali"},
}

var divisionIndex = func() map[string]Divisione {
	m := make(map[string]Divisione, len(Divisioni))
	for _, d := range Divisioni {
		m[d.Code] = d
	}
	return m
}()

// LookupDivisione returns the division with the given two-digit code.
func LookupDivisione(code string) (Divisione, bool) {
	d, ok := divisionIndex[code]
	return d, ok
}

// Ateco is a parsed ATECO 2007 code.
type Ateco struct {
	Code      string // normalised dotted form: "56.10.11", "56.10", "56"
	Divisione string
	Sezione   string
}

// ParseAteco accepts a code of any level of ATECO 2007 — division "56", group "56.1", class
// "56.10", category "56.10.1", subcategory "56.10.11" — dotted or not ("561011"; spaces
// ignored), and checks that the division exists.
func ParseAteco(raw string) (Ateco, error) {
	s := strings.TrimSpace(raw)
	digits := strings.NewReplacer(".", "", " ", "").Replace(s)
	if digits == "" {
		return Ateco{}, fmt.Errorf("ATECO code is empty")
	}
	for i := 0; i < len(digits); i++ {
		if digits[i] < '0' || digits[i] > '9' {
			return Ateco{}, fmt.Errorf("ATECO code %q: only digits and dots are allowed", raw)
		}
	}
	if len(digits) < 2 || len(digits) > 6 {
		return Ateco{}, fmt.Errorf("ATECO code %q: expected 2 to 6 digits such as 56.10.11", raw)
	}
	if strings.Contains(s, ".") && !dottedShape(s) {
		return Ateco{}, fmt.Errorf("ATECO code %q: dots must separate pairs of digits, as in 56.10.11", raw)
	}
	div, ok := divisionIndex[digits[:2]]
	if !ok {
		return Ateco{}, fmt.Errorf("ATECO code %q: division %s does not exist in ATECO 2007", raw, digits[:2])
	}
	var parts []string
	for i := 0; i < len(digits); i += 2 {
		end := min(i+2, len(digits))
		parts = append(parts, digits[i:end])
	}
	return Ateco{Code: strings.Join(parts, "."), Divisione: div.Code, Sezione: div.Sezione}, nil
}

func dottedShape(s string) bool {
	for i, part := range strings.Split(s, ".") {
		if len(part) == 0 || len(part) > 2 || (i == 0 && len(part) != 2) {
			return false
		}
	}
	return true
}
