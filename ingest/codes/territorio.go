package codes

// Quartiere is one of Bologna's six quartieri with its zone.
type Quartiere struct {
	Nome string
	Zone []string
}

// Quartieri of Bologna (since 2016) and their 18 zone.
var Quartieri = []Quartiere{
	{"Borgo Panigale-Reno", []string{"Borgo Panigale", "Barca", "Santa Viola"}},
	{"Navile", []string{"Bolognina", "Corticella", "Lame"}},
	{"Porto-Saragozza", []string{"Costa Saragozza", "Malpighi", "Marconi", "Saragozza"}},
	{"San Donato-San Vitale", []string{"Irnerio", "San Donato", "San Vitale"}},
	{"Santo Stefano", []string{"Colli", "Galvani", "Murri"}},
	{"Savena", []string{"Mazzini", "San Ruffillo"}},
}

// NonAttribuito labels an address that matched no street of the register.
const NonAttribuito = "non attribuito"

// Comune is the comune the demo and the street register describe.
const Comune = "BOLOGNA"

// Gradi are the grades of women-, youth- and foreign-led companies.
var Gradi = []string{"ESCLUSIVA", "FORTE", "MAGGIORITARIA"}

// Stati are the register states with their one-letter codes.
var Stati = map[string]string{
	"ATTIVA": "ATTIVA", "A": "ATTIVA",
	"INATTIVA": "INATTIVA", "I": "INATTIVA",
	"SOSPESA": "SOSPESA", "S": "SOSPESA",
	"IN LIQUIDAZIONE": "IN LIQUIDAZIONE", "L": "IN LIQUIDAZIONE",
	"CESSATA": "CESSATA", "C": "CESSATA",
}
