package demo

import (
	"math/rand/v2"
	"strconv"
	"strings"

	"github.com/comune-bologna/conoscenza/ingest/codes"
)

var (
	cognomi = strings.Fields(`ROSSI RUSSO FERRARI ESPOSITO BIANCHI ROMANO COLOMBO RICCI MARINO GRECO
BRUNO GALLO CONTI COSTA GIORDANO RIZZO LOMBARDI MORETTI BARBIERI FONTANA SANTORO MARIANI
RINALDI CARUSO FERRARA GALLI MARTINI LEONE LONGO GENTILE MARTINELLI VITALE LOMBARDO SERRA
COPPOLA MARCHETTI PARISI VILLA CONTE FERRARO FERRI FABBRI BIANCO MARINI GRASSO VALENTINI
MESSINA SALA GATTI PELLEGRINI PALUMBO SANNA FARINA RIZZI MONTI CATTANEO MORELLI AMATO
SILVESTRI MAZZA TESTA GRASSI CARBONE GIULIANI BENEDETTI BARONE CAPUTO MONTANARI GUERRA
PALMIERI BERNARDI FIORE BONFIGLIOLI ZANARDI BERTOCCHI MAZZONI LAMBERTINI GUIDI CALZOLARI
BERSELLI TAROZZI GOVONI ZUCCHINI BORGHI CAVAZZA MARCHESINI MALAGUTI POGGI BALDI NANNI
VENTURI ZANOTTI SERRAZANETTI CASADEI GHEDINI SCAGLIARINI BONORA TEDESCHI ROVERSI TOMMASINI
MINGARDI LOLLI MAGLI GRANDI BRIGHETTI BADIALI CREMONINI FORNI MORANDI SABATTINI`)
	cognomiComposti = []string{"DE LUCA", "DE SANTIS", "D'ANGELO", "DE ANGELIS", "DALL'OLIO", "DE MARIA", "DI PIETRO", "LO BUE"}
	nomiDonna       = strings.Fields(`MARIA ANNA GIULIA FRANCESCA CHIARA SARA LAURA ELENA VALENTINA SILVIA PAOLA
ALESSANDRA FEDERICA MARTINA ELISA ROBERTA BARBARA CRISTINA MONICA SIMONA GIOVANNA LUCIA SOFIA
ALICE MARTA ILARIA SERENA DANIELA PATRIZIA STEFANIA BEATRICE NICOLETTA`)
	nomiUomo = strings.Fields(`MARCO LUCA GIUSEPPE ANDREA FRANCESCO ALESSANDRO MATTEO LORENZO STEFANO PAOLO
DAVIDE SIMONE GIOVANNI ROBERTO MASSIMO FABIO MAURIZIO ANTONIO MICHELE RICCARDO FEDERICO NICOLA
CLAUDIO GIORGIO ENRICO FILIPPO TOMMASO GABRIELE ALBERTO DANIELE`)
	// comuniNascita are codici catastali of birthplaces: mostly Bologna and its region,
	// then the large Italian cities.
	comuniNascita = strings.Fields(`A944 A944 A944 A944 A944 D548 F257 H223 G337 H199 C573 D704 I462 A944 F205
H501 F839 L219 G273 A662 D969 D612 L781 L736 C351 H224 F158 A944 A944 A944`)
)

// straniero is a foreign-born holder group: surnames, given names and the Z code that stands
// for the country of birth in a codice fiscale.
type straniero struct {
	paese                string
	cognomi, uomo, donna []string
}

var stranieri = []straniero{
	{"Z210", strings.Fields("HU CHEN ZHOU WANG LIN ZHANG XU JIN YE"), strings.Fields("WEI JIAN HAO MING"), strings.Fields("XIAOLI MEI YAN LING")},
	{"Z129", strings.Fields("POPESCU IONESCU POPA RADU STAN DUMITRU"), strings.Fields("ION ANDREI MIHAI"), strings.Fields("ELENA IOANA MIHAELA")},
	{"Z100", strings.Fields("HOXHA SHEHU KOLA DOKA LLESHI"), strings.Fields("ARBEN ERION GENTI"), strings.Fields("ELONA ANILA")},
	{"Z330", strings.Fields("BENALI TAHIRI ELIDRISSI ELAMRANI"), strings.Fields("MOHAMED YOUSSEF RACHID"), strings.Fields("FATIMA KHADIJA")},
	{"Z249", strings.Fields("HOSSAIN RAHMAN ISLAM UDDIN MIAH"), strings.Fields("MOHAMMAD RAHIM KARIM"), strings.Fields("NASRIN")},
	{"Z236", strings.Fields("KHAN ALI AHMAD IQBAL"), strings.Fields("IMRAN ASIF"), strings.Fields("AYESHA")},
	{"Z138", strings.Fields("KOVALENKO SHEVCHENKO BONDARENKO"), strings.Fields("OLEKSANDR IVAN"), strings.Fields("OLENA NATALIIA")},
	{"Z352", strings.Fields("TRABELSI BENSALAH"), strings.Fields("SAMI KARIM"), strings.Fields("AMEL")},
	{"Z216", strings.Fields("SANTOS REYES CRUZ"), strings.Fields("JOSE"), strings.Fields("MARIA ROSALIE")},
	{"Z222", strings.Fields("SINGH KAUR KUMAR"), strings.Fields("ARJUN RAJ"), strings.Fields("PRIYA")},
}

// persona is the holder of an impresa individuale.
type persona struct {
	cognome, nome string
	donna         bool
	nascita       day
	luogo         string // codice catastale or Z code
}

func pick(r *rand.Rand, xs []string) string { return xs[r.IntN(len(xs))] }

// newPersona draws a holder born in birthYear.
func newPersona(r *rand.Rand, donna, straniera bool, birthYear int) persona {
	p := persona{donna: donna}
	if straniera {
		s := stranieri[r.IntN(len(stranieri))]
		p.cognome, p.luogo = pick(r, s.cognomi), s.paese
		p.nome = pick(r, s.uomo)
		if donna {
			p.nome = pick(r, s.donna)
		}
	} else {
		p.cognome, p.luogo = pick(r, cognomi), pick(r, comuniNascita)
		if r.IntN(12) == 0 {
			p.cognome = pick(r, cognomiComposti)
		}
		p.nome = pick(r, nomiUomo)
		if donna {
			p.nome = pick(r, nomiDonna)
		}
	}
	p.nascita = mkday(birthYear, 1, 1) + day(r.IntN(365))
	return p
}

func letters(s string) (cons, vows []byte) {
	for i := 0; i < len(s); i++ {
		switch c := s[i]; {
		case c == 'A' || c == 'E' || c == 'I' || c == 'O' || c == 'U':
			vows = append(vows, c)
		case c >= 'A' && c <= 'Z':
			cons = append(cons, c)
		}
	}
	return cons, vows
}

func code3(cons, vows []byte) string {
	b := append(append(append([]byte{}, cons...), vows...), 'X', 'X', 'X')
	return string(b[:3])
}

const monthLetters = "ABCDEHLMPRST"

// codiceFiscale builds the 16-character code of p with a valid check character.
func (p persona) codiceFiscale() string {
	sc, sv := letters(p.cognome)
	nc, nv := letters(p.nome)
	if len(nc) >= 4 {
		nc = []byte{nc[0], nc[2], nc[3]}
	}
	y, m, d := p.nascita.civil()
	if p.donna {
		d += 40
	}
	s := code3(sc, sv) + code3(nc, nv) + two(y%100) + string(monthLetters[m-1]) + two(d) + p.luogo
	return s + string(codes.PersonalCheckChar(s))
}

func two(n int) string {
	return string([]byte{byte('0' + n/10), byte('0' + n%10)})
}

// partitaIVA builds an 11-digit company code: a 7-digit serial, the office code (037 is
// Bologna) and the check digit.
func partitaIVA(r *rand.Rand) string {
	office := "037"
	if r.IntN(10) == 0 {
		office = pick(r, []string{"015", "058", "036", "120"})
	}
	s := strconv.Itoa(1000000 + r.IntN(9000000))[0:7] + office
	if r.IntN(3) == 0 {
		s = "0" + s[1:] // older codes start with 0
	}
	return s + string(codes.CompanyCheckDigit(s))
}

// Names of companies: a Bologna-flavoured word, a word of the trade, the legal form.
var (
	nomiLuogo = strings.Fields(`FELSINA PETRONIO NETTUNO GARISENDA ASINELLI RENO SAVENA NAVILE APPENNINO
GALLIERA MONTAGNOLA EMILIA PORTICI SANLUCA BOLOGNINA IRNERIO ARCHIGINNASIO BENTIVOGLIO
CASALECCHIO DELTA OMEGA ALFA TORRE STELLA AURORA NUOVA GIARDINI PORTA`)
	mestieri = map[string][]string{
		"A": {"AGRICOLA", "VIVAI", "ORTOFRUTTA"},
		"C": {"MECCANICA", "ALIMENTARE", "TIPOGRAFIA", "OFFICINE", "PASTIFICIO", "LABORATORIO"},
		"F": {"COSTRUZIONI", "EDILE", "IMPIANTI", "RISTRUTTURAZIONI", "TERMOIDRAULICA"},
		"G": {"COMMERCIO", "DISTRIBUZIONE", "MODA", "FORNITURE", "MARKET", "AUTO"},
		"H": {"TRASPORTI", "LOGISTICA", "SPEDIZIONI"},
		"I": {"RISTORAZIONE", "OSTERIA", "TRATTORIA", "CAFFE'", "HOTEL", "PIZZERIA"},
		"J": {"SOFTWARE", "DIGITALE", "INFORMATICA", "COMUNICAZIONE", "MEDIA"},
		"K": {"FINANZIARIA", "ASSICURAZIONI", "BROKER"},
		"L": {"IMMOBILIARE", "GESTIONI IMMOBILIARI", "CASA"},
		"M": {"CONSULTING", "STUDIO ASSOCIATO", "PROGETTI", "ENGINEERING", "RICERCHE"},
		"N": {"SERVIZI", "PULIZIE", "VIAGGI", "NOLEGGI", "SERVIZI INTEGRATI"},
		"P": {"FORMAZIONE", "ACADEMY", "SCUOLA DI LINGUE"},
		"Q": {"POLIAMBULATORIO", "CENTRO MEDICO", "ASSISTENZA"},
		"R": {"EVENTI", "SPORT", "SPETTACOLI", "PALESTRA"},
		"S": {"SERVIZI ALLA PERSONA", "ESTETICA", "LAVANDERIA", "RIPARAZIONI"},
	}
	formaSuffix = map[string][]string{
		"SR": {"SRL", "S.R.L."}, "SU": {"SRL", "S.R.L."}, "RS": {"SRLS", "S.R.L.S."},
		"SP": {"SPA", "S.P.A."}, "SC": {"SOCIETA' COOPERATIVA", "SOC. COOP."},
		"CO": {"CONSORZIO"}, "SS": {"S.S.", "SOCIETA' SEMPLICE"},
	}
)

// companyName draws a plausible DENOMINAZIONE for a company of the given section and form.
func companyName(r *rand.Rand, sezione, forma string) string {
	trade := mestieri[sezione]
	if trade == nil {
		trade = []string{"SERVIZI"}
	}
	t := pick(r, trade)
	var core string
	switch x := r.IntN(10); {
	case x < 4:
		core = pick(r, nomiLuogo) + " " + t
	case x < 6:
		core = t + " " + pick(r, cognomi)
	case x < 8 && (sezione == "I" || sezione == "G"):
		core = t + " " + pick(r, []string{"DEL PRATELLO", "DELLE DUE TORRI", "SAN FELICE", "DEL PORTICO", "DI STRADA MAGGIORE", "DELLA BOLOGNINA", "DEL NETTUNO", "DI SAN VITALE"})
	default:
		core = pick(r, cognomi) + " & " + pick(r, cognomi)
	}
	switch forma {
	case "SN":
		if r.IntN(2) == 0 {
			return core + " DI " + pick(r, cognomi) + " " + pick(r, nomiUomo) + " & C. SNC"
		}
		return core + " S.N.C."
	case "AS":
		return core + " DI " + pick(r, cognomi) + " " + pick(r, nomiDonna) + " & C. SAS"
	case "CO":
		return "CONSORZIO " + core
	}
	if s := formaSuffix[forma]; s != nil {
		return core + " " + pick(r, s)
	}
	return core
}
