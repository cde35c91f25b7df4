package ingest

import (
	"fmt"
	"math/big"
	"strconv"
	"strings"
	"time"

	"github.com/jackc/pgx/v5/pgtype"

	"github.com/comune-bologna/conoscenza/ingest/codes"
	"github.com/comune-bologna/conoscenza/ingest/fields"
)

// field is one column of a kind of file: the header name as in the formats, whether the header
// must have it, the staging column it fills, its SQL type and how its value is read.
type field struct {
	Col      string
	Required bool
	Dst      string
	SQLType  string
	Parse    parseFunc
}

// parseFunc reads one raw value into what goes into the staging table (nil for NULL). It may
// note facts on the row (the ATECO code, dates) for the kind's cross-field checks.
type parseFunc func(rc *rowCtx, raw string) (any, error)

// rowCtx is the state of the row being validated.
type rowCtx struct {
	limit   time.Time // dates after it are in the future of the file
	maxDate time.Time // latest checked date of the accepted rows (to infer the as-of)
	rowMax  time.Time // latest checked date of the row being validated
	ateco   codes.Ateco
	vals    []any
	sep     byte      // the file's separator (rawHash)
	layout  uint64    // the header's layout (rawHash, layoutHash)
	rawBuf  []byte    // rawHash's scratch
	box     *rowBoxes // where the row's values are boxed (box.go); nil: allocated

	atecoCache map[string]atecoResult
}

func text(rc *rowCtx, raw string) (any, error) { return rc.box.str(raw), nil }

// reaNumber reads N-REA: digits, as the formats say (stored as written, leading zeros kept);
// empty is none. Anything else is a bad row naming the column.
func reaNumber(rc *rowCtx, raw string) (any, error) {
	for i := 0; i < len(raw); i++ {
		if raw[i] < '0' || raw[i] > '9' {
			return nil, fmt.Errorf("numero REA non valido: solo cifre")
		}
	}
	return rc.box.str(raw), nil
}

func upperText(rc *rowCtx, raw string) (any, error) {
	if isCleanUpper(raw) {
		return rc.box.str(raw), nil
	}
	return rc.box.str(strings.ToUpper(strings.Join(strings.Fields(raw), " "))), nil
}

// isCleanUpper reports ASCII text without lower case letters or repeated or odd spaces: the
// usual register value, which needs no copy.
func isCleanUpper(s string) bool {
	prevSpace := false
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c >= 0x80 || (c >= 'a' && c <= 'z') || (c < ' ') || (c == ' ' && prevSpace) {
			return false
		}
		prevSpace = c == ' '
	}
	return true
}

func required(p parseFunc) parseFunc {
	return func(rc *rowCtx, raw string) (any, error) {
		if raw == "" {
			return nil, fields.ErrEmpty
		}
		return p(rc, raw)
	}
}

func codiceFiscale(rc *rowCtx, raw string) (any, error) {
	if raw == "" {
		return nil, fields.ErrEmpty
	}
	cf, _, err := codes.ValidateCF(raw)
	if err != nil {
		return nil, fmt.Errorf("codice fiscale non valido: %s", italianCF(err))
	}
	return rc.box.str(cf), nil
}

// italianCF turns ingest/codes' English reasons into the Italian ones stored with rejections.
func italianCF(err error) string {
	msg := err.Error()
	switch {
	case strings.Contains(msg, "wrong check digit"):
		return "cifra di controllo errata"
	case strings.Contains(msg, "wrong check character"):
		return "carattere di controllo errato"
	case strings.Contains(msg, "all digits"):
		return "i codici di 11 caratteri devono essere tutti cifre"
	case strings.Contains(msg, "AAAAAA00A00A000A"):
		return "forma diversa da AAAAAA00A00A000A"
	case strings.Contains(msg, "11 digits or 16"):
		return "deve avere 11 cifre o 16 caratteri"
	}
	return msg
}

// date reads an optional date; checked dates must not be in the future of the file.
func date(checked bool) parseFunc {
	return func(rc *rowCtx, raw string) (any, error) {
		t, ok, err := fields.ParseDate(raw)
		if err != nil || !ok {
			return nil, err
		}
		if checked {
			if !rc.limit.IsZero() && t.After(rc.limit) {
				return nil, fmt.Errorf("data futura rispetto alla data di riferimento del file (%s)", rc.limit.Format("02/01/2006"))
			}
			if t.After(rc.rowMax) {
				rc.rowMax = t
			}
		}
		return rc.box.date(t), nil
	}
}

func enum(e fields.Enum, what string, req bool) parseFunc {
	return func(rc *rowCtx, raw string) (any, error) {
		v, ok, err := e.Parse(raw, what)
		if err != nil {
			return nil, err
		}
		if !ok {
			if req {
				return nil, fields.ErrEmpty
			}
			return nil, nil
		}
		return rc.box.str(v), nil
	}
}

func count(_ *rowCtx, raw string) (any, error) {
	n, ok, err := fields.ParseCount(raw)
	if err != nil || !ok {
		return nil, err
	}
	if n > 1<<31-1 {
		return nil, fmt.Errorf("numero troppo grande")
	}
	return int32(n), nil
}

func countOrZero(rc *rowCtx, raw string) (any, error) {
	v, err := count(rc, raw)
	if v == nil && err == nil {
		return int32(0), nil
	}
	return v, err
}

// decimal reads a non-negative amount with up to two decimals and no sign, below 10^12: the columns are
// numeric(14,2), and a larger value failed the whole load (numeric field overflow).
func decimal(_ *rowCtx, raw string) (any, error) {
	d, ok, err := fields.ParseUnsigned(raw, 2)
	if err != nil || !ok {
		return nil, err
	}
	limit := int64(1_000_000_000_000)
	for i := int32(0); i < d.Scale; i++ {
		limit *= 10
	}
	if d.Units >= limit {
		return nil, fmt.Errorf("numero %q troppo grande (al massimo 999.999.999.999,99)", raw)
	}
	return pgtype.Numeric{Int: big.NewInt(d.Units), Exp: -d.Scale, Valid: true}, nil
}

// amount reads an amount in euro: a decimal, optionally with the currency written before or
// after it (`€ 5.000,00`, `5.000,00 EUR`, `5.000,00 euro`), as spreadsheets format it.
func amount(rc *rowCtx, raw string) (any, error) {
	s := raw
	for _, c := range []string{"€", "EURO", "EUR"} {
		if len(s) >= len(c) && strings.EqualFold(s[:len(c)], c) {
			s = strings.TrimSpace(s[len(c):])
		} else if len(s) >= len(c) && strings.EqualFold(s[len(s)-len(c):], c) {
			s = strings.TrimSpace(s[:len(s)-len(c)])
		}
	}
	if s == "" && raw != "" {
		return nil, fmt.Errorf("importo senza cifre %q", raw)
	}
	if strings.HasPrefix(s, "-") {
		return nil, fmt.Errorf("importo negativo %q non ammesso", raw)
	}
	return decimal(rc, s)
}

func decimalOrZero(rc *rowCtx, raw string) (any, error) {
	v, err := decimal(rc, raw)
	if v == nil && err == nil {
		return pgtype.Numeric{Int: big.NewInt(0), Valid: true}, nil
	}
	return v, err
}

// ateco reads an optional ATECO 2007 code and notes its section and division. Results are
// cached per batch: a file has a few thousand distinct codes at most.
func ateco(rc *rowCtx, raw string) (any, error) {
	rc.ateco = codes.Ateco{}
	if raw == "" {
		return "", nil
	}
	c, ok := rc.atecoCache[raw]
	if !ok {
		c.a, c.err = codes.ParseAteco(raw)
		if c.err != nil {
			c.err = fmt.Errorf("codice ATECO non valido: %s", italianAteco(c.err))
		}
		if rc.atecoCache == nil {
			rc.atecoCache = map[string]atecoResult{}
		}
		if len(rc.atecoCache) < 100_000 {
			rc.atecoCache[strings.Clone(raw)] = c
		}
	}
	if c.err != nil {
		return nil, c.err
	}
	rc.ateco = c.a
	return rc.box.str(c.a.Code), nil
}

type atecoResult struct {
	a   codes.Ateco
	err error
}

func italianAteco(err error) string {
	msg := err.Error()
	switch {
	case strings.Contains(msg, "does not exist"):
		return "divisione inesistente in ATECO 2007"
	case strings.Contains(msg, "only digits"):
		return "ammesse solo cifre e punti"
	case strings.Contains(msg, "2 to 6 digits"):
		return "servono da 2 a 6 cifre, come 56.10.11"
	case strings.Contains(msg, "dots must"):
		return "i punti separano coppie di cifre, come 56.10.11"
	}
	return msg
}

func year(_ *rowCtx, raw string) (any, error) {
	n, err := strconv.Atoi(raw)
	if err != nil || n < 1900 || n > 2100 {
		return nil, fmt.Errorf("anno non valido")
	}
	return int32(n), nil
}

func yesNo(_ *rowCtx, raw string) (any, error) {
	switch strings.ToUpper(raw) {
	case "S", "SI", "SÌ", "Y", "1":
		return true, nil
	case "", "N", "NO", "0":
		return false, nil
	}
	return nil, fmt.Errorf("valore non ammesso (S o N)")
}

func civico(def int32) parseFunc {
	return func(rc *rowCtx, raw string) (any, error) {
		v, err := count(rc, raw)
		if v == nil && err == nil {
			return def, nil
		}
		return v, err
	}
}

// Enumerations of the formats.
var (
	statoEnum = fields.Enum(codes.Stati)
	gradoEnum = fields.Enum{"ESCLUSIVA": "ESCLUSIVA", "FORTE": "FORTE", "MAGGIORITARIA": "MAGGIORITARIA",
		"NO": "", "N": ""}
	parityEnum    = fields.Enum{"P": "P", "D": "D", "T": "T", "PARI": "P", "DISPARI": "D", "TUTTI": "T"}
	cigTipoEnum   = fields.NewEnum("CIGO", "CIGS", "DEROGA", "FIS", "FSB")
	cigEsitoEnum  = fields.NewEnum("AUTORIZZATA", "RESPINTA", "IN ISTRUTTORIA")
	suapTipoEnum  = fields.NewEnum("APERTURA", "SUBINGRESSO", "MODIFICA", "CESSAZIONE", "AMPLIAMENTO")
	suapEsitoEnum = fields.NewEnum("ACCOLTA", "RESPINTA", "IN CORSO")
	contrEsito    = fields.NewEnum("CONCESSO", "NON AMMESSO", "RINUNCIA", "REVOCATO")
)

// quartiereNames maps the spellings of the six quartieri to their names in the reference;
// zonaQuartiere and zonaNames map the spellings of the 18 zone to their quartiere and to their
// names in the reference (a street register writing `GALVANI` or `galvani` means Galvani).
var quartiereNames, zonaQuartiere, zonaNames = func() (map[string]string, map[string]string, map[string]string) {
	q, z, n := map[string]string{}, map[string]string{}, map[string]string{}
	for _, qq := range codes.Quartieri {
		q[foldName(qq.Nome)] = qq.Nome
		for _, zz := range qq.Zone {
			z[foldName(zz)] = qq.Nome
			n[foldName(zz)] = zz
		}
	}
	return q, z, n
}()

// foldName compares names of quartieri and zone ignoring case, spaces, hyphens and dashes
// (`Borgo Panigale – Reno`, as a word processor writes it) and apostrophes.
func foldName(s string) string {
	return nameFolder.Replace(strings.ToUpper(s))
}

var nameFolder = strings.NewReplacer(" ", "", "-", "", "'", "", "\u2013", "", "\u2014", "", "\u2019", "", "\u00a0", "")

func quartiere(_ *rowCtx, raw string) (any, error) {
	if raw == "" {
		return nil, fields.ErrEmpty
	}
	if q, ok := quartiereNames[foldName(raw)]; ok {
		return q, nil
	}
	return nil, fmt.Errorf("quartiere sconosciuto (non è uno dei 6 quartieri di Bologna)")
}
