package ingest

import (
	"bytes"
	"context"
	"encoding/binary"
	"encoding/hex"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/cespare/xxhash/v2"
	"github.com/jackc/pgx/v5"

	"github.com/comune-bologna/conoscenza/ingest/address"
	"github.com/comune-bologna/conoscenza/ingest/codes"
	"github.com/comune-bologna/conoscenza/ingest/csvx"
)

// Kind is a kind of input file.
type Kind string

// The kinds of file the ingest reads (formats in ../shared/formats/README.md).
const (
	KindStradario  Kind = "stradario"
	KindImprese    Kind = "imprese"
	KindCIG        Kind = "cig"
	KindSUAP       Kind = "suap"
	KindContributi Kind = "contributi"
)

// Kinds lists the kinds in the order a full load should follow.
var Kinds = []Kind{KindStradario, KindImprese, KindCIG, KindSUAP, KindContributi}

// ParseKind checks a kind name.
func ParseKind(s string) (Kind, error) {
	for _, k := range Kinds {
		if string(k) == strings.ToLower(strings.TrimSpace(s)) {
			return k, nil
		}
	}
	return "", fmt.Errorf("tipo di file sconosciuto %q (ammessi: stradario, imprese, cig, suap, contributi)", s)
}

// stgCol is a derived staging column.
type stgCol struct{ Name, SQLType string }

// schema is everything the loader needs to know about one kind: its columns, their checks,
// the derived columns and the merge into the data tables.
type schema struct {
	kind     Kind
	source   string
	fields   []field
	extra    []stgCol
	address  int      // index in fields of the address column, -1 when none
	unique   []string // staging columns unique within a file (a later duplicate is rejected)
	uniqCol  string   // header name reported for a duplicate
	needAsOf bool     // the as-of cannot be inferred from the content
	// optimistic: look for duplicates only when the merge meets one (large files)
	optimistic bool
	finish     func(rc *rowCtx, row csvx.Row) *csvx.RowError
	merge      mergeFunc

	terr int // position in vals of quartiere (zona and area follow), -1 when none
}

// columns are the csvx columns of the kind.
func (s *schema) columns() []csvx.Column {
	cols := make([]csvx.Column, len(s.fields))
	for i, f := range s.fields {
		cols[i] = csvx.Column{Name: f.Col, Required: f.Required}
	}
	return cols
}

// stagingCols are the staging table's columns in COPY order: line, fields, derived.
func (s *schema) stagingCols() []stgCol {
	cols := []stgCol{{"line", "integer"}}
	for _, f := range s.fields {
		cols = append(cols, stgCol{f.Dst, f.SQLType})
	}
	return append(cols, s.extra...)
}

// pos is the position in vals of a staging column.
func (s *schema) pos(name string) int {
	for i, c := range s.stagingCols() {
		if c.Name == name {
			return i
		}
	}
	panic("ingest: no staging column " + name)
}

func (s *schema) init() *schema {
	s.address, s.terr = -1, -1
	for i, f := range s.fields {
		if f.Dst == "indirizzo" {
			s.address = i
		}
	}
	for _, c := range s.extra {
		if c.Name == "quartiere" {
			s.terr = s.pos("quartiere")
		}
	}
	return s
}

func schemaFor(k Kind) *schema {
	switch k {
	case KindStradario:
		return stradarioSchema
	case KindImprese:
		return impreseSchema
	case KindCIG:
		return cigSchema
	case KindSUAP:
		return suapSchema
	case KindContributi:
		return contributiSchema
	}
	return nil
}

var stradarioSchema = func() *schema {
	s := (&schema{
		kind: KindStradario, source: "Comune di Bologna - stradario",
		fields: []field{
			{"COD-VIA", true, "cod_via", "text", required(text)},
			{"DENOMINAZIONE", true, "denominazione", "text", required(upperText)},
			{"CIVICO-DAL", false, "civico_dal", "integer", civico(0)},
			{"CIVICO-AL", false, "civico_al", "integer", civico(99999)},
			{"PARITA", false, "parita", "text", enum(parityEnum, "valore di parità", false)},
			{"CAP", false, "cap", "text", text},
			{"QUARTIERE", true, "quartiere", "text", quartiere},
			{"ZONA", false, "zona", "text", text},
			{"AREA-STATISTICA", false, "area_statistica", "text", text},
		},
		extra: []stgCol{{"nome_norm", "text"}},
	}).init()
	iNorm, iDal, iAl, iPar, iQ, iZ := s.pos("nome_norm"), s.pos("civico_dal"), s.pos("civico_al"),
		s.pos("parita"), s.pos("quartiere"), s.pos("zona")
	s.finish = func(rc *rowCtx, row csvx.Row) *csvx.RowError {
		rc.vals[iNorm] = address.ParseStreet(rc.vals[s.pos("denominazione")].(string)).Key()
		if rc.vals[iPar] == nil {
			rc.vals[iPar] = "T"
		}
		if rc.vals[iAl].(int32) < rc.vals[iDal].(int32) {
			return &csvx.RowError{Line: row.Line, Column: "CIVICO-AL", Value: row.Get(3), Reason: "intervallo di civici rovesciato (AL minore di DAL)"}
		}
		if z := rc.vals[iZ].(string); z != "" {
			if q, ok := zonaQuartiere[foldName(z)]; !ok || q != rc.vals[iQ] {
				return &csvx.RowError{Line: row.Line, Column: "ZONA", Value: z, Reason: "zona sconosciuta o non appartenente al quartiere"}
			}
			rc.vals[iZ] = zonaNames[foldName(z)] // stored as the reference names it, as the quartiere is
		}
		return nil
	}
	s.merge = mergeStradario
	return s
}()

// formaUpper is each known legal form's description in capitals, as the register writes
// DESC-N-G (computed once: upper-casing it for every row cost 0.3 s per million rows).
var formaUpper = func() map[string]string {
	m := make(map[string]string, len(codes.Forme))
	for _, f := range codes.Forme {
		m[f.Code] = strings.ToUpper(f.Descrizione)
	}
	return m
}()

var impreseSchema = func() *schema {
	s := (&schema{
		kind: KindImprese, source: "InfoCamere - Registro Imprese", needAsOf: true,
		fields: []field{
			{"PRV", false, "provincia", "text", upperText},
			{"N-REA", false, "rea", "text", reaNumber},
			{"C-FISCALE", true, "codice_fiscale", "text", codiceFiscale},
			{"DENOMINAZIONE", true, "denominazione", "text", required(text)},
			{"N-G", true, "forma_giuridica", "text", upperText},
			{"DESC-N-G", false, "forma_desc", "text", text},
			{"DT-ISCR-RI", true, "dt_iscrizione", "date", required(date(true))},
			{"DT-INI-AT", false, "dt_inizio", "date", date(true)},
			{"DT-CESSAZ", true, "dt_cessazione", "date", date(true)},
			{"STATO", true, "stato", "text", enum(statoEnum, "stato", true)},
			{"COMUNE", false, "comune", "text", upperText},
			{"INDIRIZZO", true, "indirizzo", "text", upperText},
			{"CAP", false, "cap", "text", text},
			{"ATECO", true, "ateco", "text", ateco},
			{"ADDETTI", false, "addetti", "integer", count},
			{"IMP-FEMMINILE", false, "femminile", "text", enum(gradoEnum, "grado", false)},
			{"IMP-GIOVANILE", false, "giovanile", "text", enum(gradoEnum, "grado", false)},
			{"IMP-STRANIERA", false, "straniera", "text", enum(gradoEnum, "grado", false)},
			{"ARTIGIANA", false, "artigiana", "boolean", yesNo},
		},
		extra: []stgCol{{"classe_forma", "text"}, {"sezione_ateco", "text"}, {"divisione_ateco", "text"},
			{"quartiere", "text"}, {"zona", "text"}, {"area_statistica", "text"}, {"row_hash", "text"}, {"raw_hash", "bigint"}},
		unique: []string{"codice_fiscale"}, uniqCol: "C-FISCALE", optimistic: true,
	}).init()
	iIscr, iCess, iNG, iDesc := s.pos("dt_iscrizione"), s.pos("dt_cessazione"), s.pos("forma_giuridica"), s.pos("forma_desc")
	iClasse, iSez, iDiv, iHash := s.pos("classe_forma"), s.pos("sezione_ateco"), s.pos("divisione_ateco"), s.pos("row_hash")
	iRaw := s.pos("raw_hash")
	nFields := len(s.fields)
	s.finish = func(rc *rowCtx, row csvx.Row) *csvx.RowError {
		if c, ok := rc.vals[iCess].(time.Time); ok && c.Before(rc.vals[iIscr].(time.Time)) {
			return &csvx.RowError{Line: row.Line, Column: "DT-CESSAZ", Value: row.Get(8), Reason: "data di cessazione precedente all'iscrizione"}
		}
		f, _ := codes.LookupForma(rc.vals[iNG].(string))
		rc.vals[iClasse] = rc.box.str(f.Classe)
		if rc.vals[iDesc] == "" && f.Descrizione != "" {
			rc.vals[iDesc] = rc.box.str(formaUpper[f.Code])
		}
		rc.vals[iSez], rc.vals[iDiv] = rc.box.strOrNil(rc.ateco.Sezione), rc.box.strOrNil(rc.ateco.Divisione)
		rc.vals[iHash] = rc.box.str(rowHash(rc.vals[1 : 1+nFields]))
		rc.vals[iRaw] = rc.box.int64(rawHash(rc, row))
		return nil
	}
	s.merge = mergeImprese
	return s
}()

var cigSchema = func() *schema {
	s := (&schema{
		kind: KindCIG, source: "Agenzia regionale per il lavoro - cassa integrazione",
		fields: []field{
			{"ID-DOMANDA", true, "id_domanda", "text", required(text)},
			{"C-FISCALE", true, "codice_fiscale", "text", codiceFiscale},
			{"DENOMINAZIONE", false, "denominazione", "text", text},
			{"ATECO", false, "ateco", "text", ateco},
			{"COMUNE", false, "comune", "text", upperText},
			{"TIPO", true, "tipo", "text", enum(cigTipoEnum, "tipo", true)},
			{"CAUSALE", false, "causale", "text", upperText},
			{"DT-DOMANDA", true, "dt_domanda", "date", required(date(true))},
			{"DT-AUTORIZZAZIONE", true, "dt_autorizzazione", "date", date(true)},
			{"ESITO", true, "esito", "text", enum(cigEsitoEnum, "esito", true)},
			{"PERIODO-DAL", false, "periodo_dal", "date", date(false)},
			{"PERIODO-AL", false, "periodo_al", "date", date(false)},
			{"ORE-RICHIESTE", false, "ore_richieste", "numeric", decimalOrZero},
			{"ORE-AUTORIZZATE", true, "ore_autorizzate", "numeric", decimalOrZero},
			{"LAVORATORI", false, "lavoratori", "integer", countOrZero},
		},
		extra:  []stgCol{{"sezione_ateco", "text"}, {"divisione_ateco", "text"}},
		unique: []string{"id_domanda"}, uniqCol: "ID-DOMANDA",
	}).init()
	iDom, iAut, iDal, iAl, iSez, iDiv := s.pos("dt_domanda"), s.pos("dt_autorizzazione"), s.pos("periodo_dal"),
		s.pos("periodo_al"), s.pos("sezione_ateco"), s.pos("divisione_ateco")
	s.finish = func(rc *rowCtx, row csvx.Row) *csvx.RowError {
		if a, ok := rc.vals[iAut].(time.Time); ok && a.Before(rc.vals[iDom].(time.Time)) {
			return &csvx.RowError{Line: row.Line, Column: "DT-AUTORIZZAZIONE", Value: row.Get(8), Reason: "autorizzazione precedente alla domanda"}
		}
		if d, ok := rc.vals[iDal].(time.Time); ok {
			if a, ok := rc.vals[iAl].(time.Time); ok && a.Before(d) {
				return &csvx.RowError{Line: row.Line, Column: "PERIODO-AL", Value: row.Get(11), Reason: "fine del periodo precedente all'inizio"}
			}
		}
		rc.vals[iSez], rc.vals[iDiv] = nullIfEmpty(rc.ateco.Sezione), nullIfEmpty(rc.ateco.Divisione)
		return nil
	}
	merge := upsertMerge("cig_domande", []string{"id_domanda"})
	s.merge = func(ctx context.Context, tx pgx.Tx, r *batchRun) (map[string]int64, error) {
		stats, err := merge(ctx, tx, r)
		if err != nil {
			return nil, err
		}
		// Authorised with no date of authorisation: loaded as the file says, but its hours
		// authorised fall in no period (they count by DT-AUTORIZZAZIONE): said once.
		var undated int64
		if err := tx.QueryRow(ctx, `SELECT count(*) FROM ingest_stg WHERE esito = 'AUTORIZZATA' AND dt_autorizzazione IS NULL`).Scan(&undated); err != nil {
			return nil, fmt.Errorf("count authorised requests without a date: %w", err)
		}
		if undated > 0 {
			stats["autorizzate_senza_data"] = undated
			r.sum.Warnings = append(r.sum.Warnings, fmt.Sprintf("%d domande AUTORIZZATA senza DT-AUTORIZZAZIONE: caricate, ma le loro ore autorizzate non cadono in nessun periodo", undated))
		}
		return stats, nil
	}
	return s
}()

var suapSchema = func() *schema {
	s := (&schema{
		kind: KindSUAP, source: "SUAP - Comune di Bologna",
		fields: []field{
			{"ID-PRATICA", true, "id_pratica", "text", required(text)},
			{"C-FISCALE", true, "codice_fiscale", "text", codiceFiscale},
			{"TIPO", true, "tipo", "text", enum(suapTipoEnum, "tipo", true)},
			{"SETTORE", false, "settore", "text", upperText},
			{"DT-PRESENTAZIONE", true, "dt_presentazione", "date", required(date(true))},
			{"DT-CONCLUSIONE", false, "dt_conclusione", "date", date(true)},
			{"ESITO", true, "esito", "text", enum(suapEsitoEnum, "esito", true)},
			{"INDIRIZZO", false, "indirizzo", "text", upperText},
			{"CAP", false, "cap", "text", text},
		},
		extra:  []stgCol{{"quartiere", "text"}, {"zona", "text"}, {"area_statistica", "text"}},
		unique: []string{"id_pratica"}, uniqCol: "ID-PRATICA",
	}).init()
	iPres, iConc := s.pos("dt_presentazione"), s.pos("dt_conclusione")
	s.finish = func(rc *rowCtx, row csvx.Row) *csvx.RowError {
		if c, ok := rc.vals[iConc].(time.Time); ok && c.Before(rc.vals[iPres].(time.Time)) {
			return &csvx.RowError{Line: row.Line, Column: "DT-CONCLUSIONE", Value: row.Get(5), Reason: "conclusione precedente alla presentazione"}
		}
		return nil
	}
	s.merge = upsertMerge("suap_pratiche", []string{"id_pratica"})
	return s
}()

var contributiSchema = func() *schema {
	s := (&schema{
		kind: KindContributi, source: "Comune di Bologna - contributi alle imprese",
		fields: []field{
			{"ID-BANDO", true, "id_bando", "text", required(text)},
			{"TITOLO-BANDO", false, "titolo_bando", "text", text},
			{"ANNO", true, "anno", "integer", required(year)},
			{"C-FISCALE", true, "codice_fiscale", "text", codiceFiscale},
			{"DENOMINAZIONE", false, "denominazione", "text", text},
			{"IMPORTO-RICHIESTO", false, "importo_richiesto", "numeric", amount},
			{"IMPORTO-CONCESSO", false, "importo_concesso", "numeric", amount},
			{"DT-CONCESSIONE", false, "dt_concessione", "date", date(true)},
			{"ESITO", true, "esito", "text", enum(contrEsito, "esito", true)},
		},
		unique: []string{"id_bando", "codice_fiscale"}, uniqCol: "C-FISCALE",
	}).init()
	s.finish = func(*rowCtx, csvx.Row) *csvx.RowError { return nil }
	s.merge = upsertMerge("contributi", []string{"id_bando", "codice_fiscale"})
	return s
}()

func nullIfEmpty(s string) any {
	if s == "" {
		return nil
	}
	return s
}

// rawHash fingerprints a row as the file wrote it: xxHash64 of its fields, untrimmed, in the
// file's order, joined by the file's separator, mixed with the header's layout (rc.layout).
// For a line written without quotes that is the hash of the line itself (xor the layout), so
// that a month's reader drops the lines the previous snapshot has unchanged before parsing
// them (prevSnapshot.skipLine). A row with a field that holds the separator, a quote or a line
// break (it was written quoted) is hashed instead as a quote followed by each field's length
// and bytes: no line without quotes hashes that way, so its fingerprint cannot match a line
// whose fields would split differently. Two rows with the same raw fingerprint parse to the
// same values (ingest/unchanged.go relies on it): the layout is part of it because the same
// line under another header (a column renamed into a known one, two columns swapped) means
// other values.
func rawHash(rc *rowCtx, row csvx.Row) int64 {
	f := row.Fields()
	b := rc.rawBuf[:0]
	for i, v := range f {
		if i > 0 {
			b = append(b, rc.sep)
		}
		b = append(b, v...)
	}
	if bytes.Count(b, []byte{rc.sep}) == len(f)-1 && bytes.IndexByte(b, '"') < 0 &&
		bytes.IndexByte(b, '\n') < 0 && bytes.IndexByte(b, '\r') < 0 {
		rc.rawBuf = b
		return int64(xxhash.Sum64(b) ^ rc.layout)
	}
	b = append(b[:0], '"')
	for _, v := range f {
		b = binary.AppendUvarint(b, uint64(len(v)))
		b = append(b, v...)
	}
	rc.rawBuf = b
	return int64(xxhash.Sum64(b) ^ rc.layout)
}

// layoutHash fingerprints how a file's fields map to the kind's columns: the position of
// each known column (-1 when the file lacks it), as the reader mapped the header.
func layoutHash(rd *csvx.Reader, columns int) uint64 {
	b := make([]byte, 0, 2*columns)
	for i := 0; i < columns; i++ {
		b = binary.AppendVarint(b, int64(rd.Position(i)))
	}
	return xxhash.Sum64(b)
}

// rowHash fingerprints a company's source values so that two snapshots can be compared
// without comparing every column; the territory is left out on purpose (it follows the
// street register, not the company).
func rowHash(vals []any) string {
	h := fnvHash(fnvOffset)
	var buf [32]byte
	for _, v := range vals {
		switch x := v.(type) {
		case nil:
			h = h.byte(0)
		case string:
			h = h.string(x)
		case time.Time:
			h = h.bytes(appendYYYYMMDD(buf[:0], x))
		case int32:
			h = h.bytes(strconv.AppendInt(buf[:0], int64(x), 10))
		case bool:
			h = h.string(strconv.FormatBool(x))
		default:
			h = h.string(fmt.Sprint(x))
		}
		h = h.byte(0x1f)
	}
	return hex.EncodeToString(binary.BigEndian.AppendUint64(buf[:0], uint64(h)))
}

// fnvHash is FNV-1a (64 bit) written out: hash/fnv takes byte slices through an interface, so
// every string fed to it was copied (0.3-0.4 s of CPU per million register rows in rowHash).
type fnvHash uint64

const fnvOffset, fnvPrime = 14695981039346656037, 1099511628211

func (h fnvHash) byte(b byte) fnvHash { return (h ^ fnvHash(b)) * fnvPrime }

func (h fnvHash) string(s string) fnvHash {
	for i := 0; i < len(s); i++ {
		h = (h ^ fnvHash(s[i])) * fnvPrime
	}
	return h
}

func (h fnvHash) bytes(b []byte) fnvHash {
	for _, c := range b {
		h = (h ^ fnvHash(c)) * fnvPrime
	}
	return h
}

// appendYYYYMMDD is t.AppendFormat(dst, "20060102"), without the layout's interpretation.
func appendYYYYMMDD(dst []byte, t time.Time) []byte {
	y, m, d := t.Date()
	if y < 0 || y > 9999 {
		return t.AppendFormat(dst, "20060102")
	}
	return append(dst, byte('0'+y/1000), byte('0'+y/100%10), byte('0'+y/10%10), byte('0'+y%10),
		byte('0'+int(m)/10), byte('0'+int(m)%10), byte('0'+d/10), byte('0'+d%10))
}
