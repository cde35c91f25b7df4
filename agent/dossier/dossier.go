// Package dossier assembles the "fascicolo d'impresa": everything the city knows about one
// company — register data and its history, CIG requests, SUAP permits and grants.
package dossier

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/comune-bologna/conoscenza/ingest/codes"
	"github.com/comune-bologna/conoscenza/ingest/db"
)

// Viewer says what the asking user may see. Without Personal, the data of individual firms
// (a codice fiscale of 16 characters is a person's) is masked.
type Viewer struct {
	Personal bool
}

// Impresa is the company's state in the latest snapshot it appears in.
type Impresa struct {
	CodiceFiscale  string  `json:"codice_fiscale"`
	Denominazione  string  `json:"denominazione"`
	FormaGiuridica string  `json:"forma_giuridica"`
	ClasseForma    string  `json:"classe_forma"`
	Iscrizione     string  `json:"dt_iscrizione"`
	Cessazione     *string `json:"dt_cessazione"`
	Stato          string  `json:"stato"`
	Comune         string  `json:"comune"`
	Indirizzo      string  `json:"indirizzo"`
	Quartiere      string  `json:"quartiere"`
	Zona           string  `json:"zona"`
	Ateco          string  `json:"ateco"`
	Settore        string  `json:"settore"`
	Addetti        *int32  `json:"addetti"`
	Femminile      *string `json:"femminile"`
	Giovanile      *string `json:"giovanile"`
	Straniera      *string `json:"straniera"`
	Artigiana      bool    `json:"artigiana"`
	UltimoSnapshot string  `json:"ultimo_snapshot"`
	Masked         bool    `json:"masked,omitempty"`
}

// Evento is a change seen between two snapshots.
type Evento struct {
	AsOf  string  `json:"as_of"`
	Tipo  string  `json:"tipo"`
	Prima *string `json:"prima"`
	Dopo  *string `json:"dopo"`
}

// Dossier is the whole fascicolo.
type Dossier struct {
	Impresa    Impresa          `json:"impresa"`
	Eventi     []Evento         `json:"eventi"`
	CIG        []map[string]any `json:"cig"`
	SUAP       []map[string]any `json:"suap"`
	Contributi []map[string]any `json:"contributi"`
	Sources    []string         `json:"sources"`
	SQL        []string         `json:"sql"`
}

// Candidate is a company matching a name search.
type Candidate struct {
	CodiceFiscale string `json:"codice_fiscale"`
	Denominazione string `json:"denominazione"`
	Stato         string `json:"stato"`
	Comune        string `json:"comune"`
}

// Service reads dossiers as the read-only role.
type Service struct {
	Pool *pgxpool.Pool
}

const impresaSQL = `SELECT i.codice_fiscale, i.denominazione, i.forma_giuridica, i.classe_forma,
	to_char(i.dt_iscrizione, 'YYYY-MM-DD'), to_char(i.dt_cessazione, 'YYYY-MM-DD'), i.stato, i.comune,
	i.indirizzo, COALESCE(i.quartiere, 'non attribuito'), COALESCE(i.zona, ''), i.ateco,
	COALESCE(s.descrizione, ''), i.addetti, i.femminile, i.giovanile, i.straniera, i.artigiana,
	to_char(i.last_as_of, 'YYYY-MM-DD')
FROM imprese i LEFT JOIN ateco_sezioni s ON s.sezione = i.sezione_ateco
WHERE i.codice_fiscale = $1`

// Search finds companies by codice fiscale or by words of the name (at most limit).
func (s *Service) Search(ctx context.Context, text string, limit int, v Viewer) ([]Candidate, error) {
	text = strings.TrimSpace(text)
	if len([]rune(text)) < 3 {
		return nil, db.Errorf(db.CodeInvalid, "write at least 3 characters of the name or the codice fiscale")
	}
	if limit <= 0 || limit > 50 {
		limit = 20
	}
	pattern := "%" + strings.ToLower(strings.NewReplacer("%", "", "_", "").Replace(text)) + "%"
	rows, err := s.Pool.Query(ctx, `SELECT codice_fiscale, denominazione, stato, comune FROM imprese
		WHERE codice_fiscale = upper($1) OR lower(denominazione) LIKE $2
		ORDER BY (codice_fiscale = upper($1)) DESC, stato = 'ATTIVA' DESC, denominazione LIMIT $3`, text, pattern, limit)
	if err != nil {
		return nil, db.Translate(err, "search companies")
	}
	out, err := pgx.CollectRows(rows, pgx.RowToStructByPos[Candidate])
	if err != nil {
		return nil, db.Translate(err, "search companies")
	}
	for i := range out {
		if !v.Personal && isPerson(out[i].CodiceFiscale) {
			out[i].CodiceFiscale = MaskCF(out[i].CodiceFiscale)
			out[i].Denominazione = maskedName
		}
	}
	return out, nil
}

// PersonNames returns those of names (lower case) that are the name of a sole trader of the
// register, a natural person (a 16-character codice fiscale): the assistant's output screen
// keeps them from users who may not see personal data.
func (s *Service) PersonNames(ctx context.Context, names []string) ([]string, error) {
	if len(names) == 0 {
		return nil, nil
	}
	rows, err := s.Pool.Query(ctx, `SELECT DISTINCT lower(denominazione) FROM imprese
		WHERE lower(denominazione) = ANY($1) AND length(codice_fiscale) = 16`, names)
	if err != nil {
		return nil, db.Translate(err, "look up person names")
	}
	out, err := pgx.CollectRows(rows, pgx.RowTo[string])
	if err != nil {
		return nil, db.Translate(err, "look up person names")
	}
	return out, nil
}

// Get returns the dossier of the company with codice fiscale cf.
func (s *Service) Get(ctx context.Context, cf string, v Viewer) (*Dossier, error) {
	cf = strings.ToUpper(strings.TrimSpace(cf))
	tx, err := s.Pool.BeginTx(ctx, pgx.TxOptions{AccessMode: pgx.ReadOnly, IsoLevel: pgx.RepeatableRead})
	if err != nil {
		return nil, db.Translate(err, "begin read-only transaction")
	}
	defer tx.Rollback(ctx) //nolint:errcheck // read-only
	d := &Dossier{Sources: []string{"imprese", "imprese_eventi", "cig_domande", "suap_pratiche", "contributi"}}
	i := &d.Impresa
	err = tx.QueryRow(ctx, impresaSQL, cf).Scan(&i.CodiceFiscale, &i.Denominazione, &i.FormaGiuridica, &i.ClasseForma,
		&i.Iscrizione, &i.Cessazione, &i.Stato, &i.Comune, &i.Indirizzo, &i.Quartiere, &i.Zona, &i.Ateco, &i.Settore,
		&i.Addetti, &i.Femminile, &i.Giovanile, &i.Straniera, &i.Artigiana, &i.UltimoSnapshot)
	if err != nil {
		return nil, db.Translate(err, fmt.Sprintf("company %s", MaskCF(cf)))
	}
	d.SQL = append(d.SQL, impresaSQL)

	const eventiSQL = `SELECT to_char(as_of, 'YYYY-MM-DD'), tipo, valore_prima, valore_dopo FROM imprese_eventi WHERE codice_fiscale = $1 ORDER BY as_of, id`
	rows, err := tx.Query(ctx, eventiSQL, cf)
	if err != nil {
		return nil, db.Translate(err, "company events")
	}
	if d.Eventi, err = pgx.CollectRows(rows, pgx.RowToStructByPos[Evento]); err != nil {
		return nil, db.Translate(err, "company events")
	}
	d.SQL = append(d.SQL, eventiSQL)

	for _, part := range []struct {
		out *[]map[string]any
		sql string
	}{
		{&d.CIG, `SELECT id_domanda, tipo, causale, dt_domanda, dt_autorizzazione, esito, ore_richieste::float8 AS ore_richieste,
			ore_autorizzate::float8 AS ore_autorizzate, lavoratori FROM cig_domande WHERE codice_fiscale = $1 ORDER BY dt_domanda`},
		{&d.SUAP, `SELECT id_pratica, tipo, settore, dt_presentazione, dt_conclusione, esito, indirizzo FROM suap_pratiche
			WHERE codice_fiscale = $1 ORDER BY dt_presentazione`},
		{&d.Contributi, `SELECT id_bando, titolo_bando, anno, importo_richiesto::float8 AS importo_richiesto,
			importo_concesso::float8 AS importo_concesso, dt_concessione, esito FROM contributi WHERE codice_fiscale = $1 ORDER BY anno, id_bando`},
	} {
		rows, err := tx.Query(ctx, part.sql, cf)
		if err != nil {
			return nil, db.Translate(err, "company records")
		}
		maps, err := pgx.CollectRows(rows, pgx.RowToMap)
		if err != nil {
			return nil, db.Translate(err, "company records")
		}
		for _, m := range maps {
			for k, val := range m {
				if t, ok := val.(time.Time); ok {
					m[k] = t.Format(time.DateOnly)
				}
			}
		}
		*part.out = maps
		d.SQL = append(d.SQL, part.sql)
	}
	if !v.Personal && isPerson(cf) {
		mask(d)
	}
	return d, nil
}

const maskedName = "impresa individuale (dati personali riservati)"

func mask(d *Dossier) {
	i := &d.Impresa
	i.CodiceFiscale = MaskCF(i.CodiceFiscale)
	i.Denominazione = maskedName
	i.Indirizzo = ""
	i.Masked = true
	for k := range d.Eventi {
		if d.Eventi[k].Tipo == "trasferimento" {
			d.Eventi[k].Prima, d.Eventi[k].Dopo = nil, nil
		}
	}
	for _, rows := range [][]map[string]any{d.SUAP} {
		for _, r := range rows {
			r["indirizzo"] = ""
		}
	}
}

// isPerson says whether a codice fiscale is a person's (16 characters: individual firms).
func isPerson(cf string) bool {
	_, kind, err := codes.ValidateCF(cf)
	return err == nil && kind == codes.CFPersonal || len(cf) == 16
}

// MaskCF keeps the first three and the last character of a personal codice fiscale.
func MaskCF(cf string) string {
	if len(cf) != 16 {
		return cf
	}
	return cf[:3] + strings.Repeat("*", 12) + cf[15:]
}
