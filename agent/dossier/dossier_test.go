package dossier

import (
	"context"
	"strings"
	"sync"
	"testing"

	"github.com/comune-bologna/conoscenza/ingest/codes"
	"github.com/comune-bologna/conoscenza/ingest/db"
	"github.com/comune-bologna/conoscenza/ingest/db/dbtest"
)

func TestMain(m *testing.M) { dbtest.Main(m) }

const person = "RSSMRA85T10A562S"

var once sync.Once

func service(t *testing.T) *Service {
	t.Helper()
	ctx := context.Background()
	d := dbtest.Shared(t)
	company := "0123456789" + string(codes.CompanyCheckDigit("0123456789"))
	stmts := strings.Split(`
		INSERT INTO imprese (codice_fiscale, denominazione, forma_giuridica, classe_forma, dt_iscrizione, stato, comune,
			indirizzo, ateco, sezione_ateco, divisione_ateco, quartiere, first_as_of, last_as_of, femminile)
		VALUES ($1, 'ROSSI MARIO', 'DI', 'imprese individuali', '2019-03-01', 'ATTIVA', 'BOLOGNA', 'VIA ZAMBONI 3', '56.10.11', 'I', '56', 'Santo Stefano', '2026-06-30', '2026-06-30', 'ESCLUSIVA'),
		       ($2, 'OSTERIA DEL PRATELLO SRL', 'SR', 'società di capitale', '2015-05-01', 'ATTIVA', 'BOLOGNA', 'VIA DEL PRATELLO 41', '56.10.11', 'I', '56', 'Porto-Saragozza', '2026-06-30', '2026-06-30', NULL);
		INSERT INTO ateco_sezioni VALUES ('I', 'Attività dei servizi di alloggio e di ristorazione') ON CONFLICT DO NOTHING;
		INSERT INTO imprese_eventi (codice_fiscale, as_of, tipo, valore_prima, valore_dopo) VALUES ($1, '2026-05-31', 'trasferimento', 'VIA IRNERIO 1', 'VIA ZAMBONI 3');
		INSERT INTO cig_domande (id_domanda, codice_fiscale, tipo, causale, dt_domanda, esito, ore_richieste, lavoratori) VALUES ('ER1', $1, 'FIS', 'COVID-19', '2020-04-01', 'AUTORIZZATA', 120.5, 2);
		INSERT INTO suap_pratiche (id_pratica, codice_fiscale, tipo, dt_presentazione, esito, indirizzo) VALUES ('S1', $1, 'APERTURA', '2019-02-15', 'ACCOLTA', 'VIA ZAMBONI 3');
		INSERT INTO contributi (id_bando, anno, codice_fiscale, esito, importo_concesso, dt_concessione) VALUES ('B-2021-07', 2021, $1, 'CONCESSO', 3500, '2021-06-15')`, ";")
	once.Do(func() {
		for _, st := range stmts {
			var args []any
			if strings.Contains(st, "$2") {
				args = []any{person, company}
			} else if strings.Contains(st, "$1") {
				args = []any{person}
			}
			if _, err := d.Pool.Exec(ctx, st, args...); err != nil {
				t.Fatalf("%s: %v", st, err)
			}
		}
	})
	ro, err := db.Open(ctx, d.ROURL)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(ro.Close)
	return &Service{Pool: ro}
}

func TestDossierGathersEverySource(t *testing.T) {
	s := service(t)
	d, err := s.Get(context.Background(), strings.ToLower(person), Viewer{Personal: true})
	if err != nil {
		t.Fatal(err)
	}
	if d.Impresa.Denominazione != "ROSSI MARIO" || d.Impresa.Quartiere != "Santo Stefano" || d.Impresa.Settore == "" {
		t.Errorf("impresa = %+v", d.Impresa)
	}
	if len(d.Eventi) != 1 || len(d.CIG) != 1 || len(d.SUAP) != 1 || len(d.Contributi) != 1 {
		t.Fatalf("dossier parts: %d events, %d cig, %d suap, %d grants", len(d.Eventi), len(d.CIG), len(d.SUAP), len(d.Contributi))
	}
	if d.CIG[0]["ore_richieste"] != 120.5 || d.CIG[0]["dt_domanda"] != "2020-04-01" || d.Contributi[0]["importo_concesso"] != 3500.0 {
		t.Errorf("cig %v, contributi %v", d.CIG[0], d.Contributi[0])
	}
	if len(d.SQL) != 5 {
		t.Errorf("every part must carry its SQL: %d", len(d.SQL))
	}
}

func TestDossierMasksIndividualFirmsWithoutPersonalAccess(t *testing.T) {
	s := service(t)
	d, err := s.Get(context.Background(), person, Viewer{})
	if err != nil {
		t.Fatal(err)
	}
	if !d.Impresa.Masked || d.Impresa.Denominazione == "ROSSI MARIO" || d.Impresa.CodiceFiscale != "RSS************S" || d.Impresa.Indirizzo != "" {
		t.Errorf("personal data shown: %+v", d.Impresa)
	}
	if d.Eventi[0].Prima != nil || d.SUAP[0]["indirizzo"] != "" {
		t.Errorf("addresses shown: %+v %v", d.Eventi[0], d.SUAP[0])
	}
	cands, err := s.Search(context.Background(), "rossi", 10, Viewer{})
	if err != nil || len(cands) != 1 || strings.Contains(cands[0].Denominazione, "ROSSI") {
		t.Errorf("search = %+v, %v", cands, err)
	}
	// A company (11-digit code) is not a person: nothing is masked.
	cands, err = s.Search(context.Background(), "pratello", 10, Viewer{})
	if err != nil || len(cands) != 1 || cands[0].Denominazione != "OSTERIA DEL PRATELLO SRL" {
		t.Errorf("search = %+v, %v", cands, err)
	}
}

func TestDossierErrors(t *testing.T) {
	s := service(t)
	if _, err := s.Get(context.Background(), "00000000000", Viewer{}); db.ErrorCode(err) != db.CodeNotFound {
		t.Errorf("unknown company: %v", err)
	}
	if _, err := s.Search(context.Background(), "ab", 10, Viewer{}); db.ErrorCode(err) != db.CodeInvalid {
		t.Errorf("short search: %v", err)
	}
}
