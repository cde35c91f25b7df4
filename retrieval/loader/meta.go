package loader

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"golang.org/x/text/encoding/charmap"
	"golang.org/x/text/encoding/unicode"
	"gopkg.in/yaml.v3"

	"github.com/comune-bologna/conoscenza/ingest/fields"
)

// metaValue is one metadata field as written: a scalar (string, number, date), a list of
// scalars, or something else (an object, a nested list), kept only to say what it was.
type metaValue struct {
	scalar string
	list   []string
	kind   string // "scalar", "list", "null" or what it was instead (an object, ...)
}

// metaKeys maps the keys front matter and sidecars may use to Meta's fields. Besides the
// contract's English keys, the Italian ones a municipal author writes by hand are read too.
var metaKeys = map[string]string{
	"title": "title", "titolo": "title",
	"date": "date", "data": "date",
	"type": "type", "tipo": "type", "tipologia": "type",
	"issuer": "issuer", "ente": "issuer", "emittente": "issuer",
	"url": "url", "link": "url",
	"tags": "tags", "tag": "tags", "etichette": "tags", "parole_chiave": "tags",
}

// metaFrom reads Meta from the fields of a front matter or a sidecar. As the formats' common
// rules say of unknown columns and bad rows, a field it cannot use is left out and reported
// (an unknown key, unless extraKeys allows them, a value of the wrong shape), and the document
// still loads: one bad field does not lose a good document. where names the origin in the
// warnings.
func metaFrom(values map[string]metaValue, where string, extraKeys bool) (Meta, []string) {
	var m Meta
	var warns, unknown []string
	keys := make([]string, 0, len(values))
	for k := range values {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, key := range keys {
		v := values[key]
		field, ok := metaKeys[strings.ToLower(strings.TrimSpace(key))]
		if !ok {
			unknown = append(unknown, key)
			continue
		}
		if v.kind == "null" {
			continue
		}
		if field == "tags" {
			switch v.kind {
			case "scalar":
				m.Tags = splitTags(v.scalar)
			case "list":
				m.Tags = v.list
			default:
				warns = append(warns, fmt.Sprintf("%s: %q must be a list of strings or one string, not %s: ignored", where, key, v.kind))
			}
			continue
		}
		if v.kind != "scalar" {
			warns = append(warns, fmt.Sprintf("%s: %q must be a string, not %s: ignored", where, key, v.kind))
			continue
		}
		switch field {
		case "title":
			m.Title = strings.TrimSpace(v.scalar)
		case "date":
			m.Date = strings.TrimSpace(v.scalar)
		case "type":
			m.Type = strings.TrimSpace(v.scalar)
		case "issuer":
			m.Issuer = strings.TrimSpace(v.scalar)
		case "url":
			m.URL = strings.TrimSpace(v.scalar)
		}
	}
	if len(unknown) > 0 && !extraKeys {
		warns = append(warns, fmt.Sprintf("%s: unknown keys ignored: %s (known: title, date, type, issuer, url, tags)", where, strings.Join(unknown, ", ")))
	}
	return m, warns
}

// readSidecar reads a NAME.meta.json. JSON that cannot be read at all is an error naming the
// line and column; fields it cannot use are warnings (metaFrom).
func readSidecar(data []byte) (Meta, []string, error) {
	text := decodeText(data)
	var raw map[string]json.RawMessage
	if err := json.Unmarshal(text, &raw); err != nil {
		var syn *json.SyntaxError
		if errors.As(err, &syn) {
			line, col := lineCol(text, int(syn.Offset))
			return Meta{}, nil, fmt.Errorf("sidecar .meta.json: invalid JSON at line %d, column %d: %v", line, col, err)
		}
		return Meta{}, nil, fmt.Errorf("sidecar .meta.json: must be one JSON object {\"title\": ..., \"date\": ...}: %w", err)
	}
	values := make(map[string]metaValue, len(raw))
	for k, r := range raw {
		values[k] = jsonValue(r)
	}
	m, warns := metaFrom(values, "sidecar .meta.json", false)
	return m, warns, nil
}

func jsonValue(r json.RawMessage) metaValue {
	var val interface{}
	d := json.NewDecoder(bytes.NewReader(r))
	d.UseNumber()
	if err := d.Decode(&val); err != nil {
		return metaValue{kind: "unreadable"}
	}
	if s, ok := jsonScalar(val); ok {
		return metaValue{scalar: s, kind: "scalar"}
	}
	switch x := val.(type) {
	case nil:
		return metaValue{kind: "null"}
	case []interface{}:
		var list []string
		for _, e := range x {
			s, ok := jsonScalar(e)
			if !ok {
				return metaValue{kind: "a list holding an object or a list"}
			}
			if s = strings.TrimSpace(s); s != "" {
				list = append(list, s)
			}
		}
		return metaValue{list: list, kind: "list"}
	case map[string]interface{}:
		return metaValue{kind: "an object"}
	}
	return metaValue{kind: fmt.Sprintf("%T", val)}
}

// jsonScalar renders strings, numbers (20240301 is a date yyyymmdd) and booleans as text.
func jsonScalar(v interface{}) (string, bool) {
	switch x := v.(type) {
	case string:
		return x, true
	case json.Number:
		return x.String(), true
	case bool:
		return strconv.FormatBool(x), true
	}
	return "", false
}

// yamlFields reads the top-level mapping of a front matter.
func yamlFields(n *yaml.Node) (map[string]metaValue, error) {
	if n.Kind == yaml.DocumentNode && len(n.Content) > 0 {
		n = n.Content[0]
	}
	if n.Kind == 0 {
		return nil, nil // empty front matter
	}
	if n.Kind != yaml.MappingNode {
		return nil, errors.New("front matter: must be key: value lines")
	}
	out := map[string]metaValue{}
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, v := n.Content[i], n.Content[i+1]
		out[k.Value] = yamlValue(v)
	}
	return out, nil
}

func yamlValue(v *yaml.Node) metaValue {
	if v.Kind == yaml.AliasNode && v.Alias != nil {
		v = v.Alias
	}
	switch v.Kind {
	case yaml.ScalarNode:
		if v.Tag == "!!null" {
			return metaValue{kind: "null"}
		}
		return metaValue{scalar: v.Value, kind: "scalar"}
	case yaml.SequenceNode:
		var list []string
		for _, e := range v.Content {
			if e.Kind != yaml.ScalarNode {
				return metaValue{kind: "a list holding a mapping or a list"}
			}
			if s := strings.TrimSpace(e.Value); s != "" {
				list = append(list, s)
			}
		}
		return metaValue{list: list, kind: "list"}
	case yaml.MappingNode:
		return metaValue{kind: "a mapping"}
	}
	return metaValue{kind: "an unreadable value"}
}

func lineCol(data []byte, offset int) (int, int) {
	offset = min(max(offset, 0), len(data))
	before := data[:offset]
	line := bytes.Count(before, []byte("\n")) + 1
	col := utf8.RuneCount(before[bytes.LastIndexByte(before, '\n')+1:])
	return line, max(col, 1)
}

func splitTags(s string) []string {
	var out []string
	for _, f := range strings.FieldsFunc(s, func(r rune) bool { return r == ',' || r == ';' }) {
		if f = strings.TrimSpace(f); f != "" {
			out = append(out, f)
		}
	}
	return out
}

var (
	// "1 marzo 2024", "1° marzo 2024", "01 mar. 2024": the long form Italian documents use.
	italianDateRe = regexp.MustCompile(`(?i)^(\d{1,2})\s*[°º]?\s+([a-zà]+)\.?\s+(\d{4})$`)
	// A date followed by a time ("2024-03-01 10:30", "2024-03-01T10:30:00"): the date is kept.
	dateTimeRe = regexp.MustCompile(`^(\d{4}-\d{2}-\d{2})[ T]\d{1,2}:\d{2}`)
)

var italianMonths = map[string]int{
	"gennaio": 1, "febbraio": 2, "marzo": 3, "aprile": 4, "maggio": 5, "giugno": 6, "luglio": 7,
	"agosto": 8, "settembre": 9, "ottobre": 10, "novembre": 11, "dicembre": 12,
	"gen": 1, "feb": 2, "mar": 3, "apr": 4, "mag": 5, "giu": 6, "lug": 7, "ago": 8, "set": 9,
	"ott": 10, "nov": 11, "dic": 12,
}

// normalizeDate writes a metadata date in any form of the formats' common rules (dd/mm/yyyy,
// yyyymmdd, yyyy-mm-dd, as for the data files), or written out in Italian ("1 marzo 2024"), as
// YYYY-MM-DD.
func normalizeDate(raw string) (string, error) {
	s := strings.TrimSpace(raw)
	if t, err := time.Parse(time.RFC3339, s); err == nil { // a YAML timestamp
		s = t.Format(time.DateOnly)
	} else if m := dateTimeRe.FindStringSubmatch(s); m != nil {
		s = m[1]
	}
	if m := italianDateRe.FindStringSubmatch(s); m != nil {
		if month, ok := italianMonths[strings.ToLower(m[2])]; ok {
			s = fmt.Sprintf("%s/%d/%s", m[1], month, m[3])
		}
	}
	t, ok, err := fields.ParseDate(s)
	if err != nil {
		return "", fmt.Errorf("date %q is not a date (YYYY-MM-DD, dd/mm/yyyy, yyyymmdd or \"1 marzo 2024\")", raw)
	}
	if !ok {
		return "", nil
	}
	return t.Format(time.DateOnly), nil
}

// decodeText returns text content as UTF-8 without a BOM: content that is not valid UTF-8 is
// read as Windows-1252 (a superset of ISO-8859-1's printable characters), as the formats'
// common rules ask of every text file, rather than refused or stored as mojibake.
func decodeText(data []byte) []byte {
	if bytes.HasPrefix(data, []byte{0xFF, 0xFE}) || bytes.HasPrefix(data, []byte{0xFE, 0xFF}) {
		// UTF-16 with its byte-order mark, as Windows Notepad saves "Unicode" text.
		if dec, err := unicode.UTF16(unicode.LittleEndian, unicode.ExpectBOM).NewDecoder().Bytes(data); err == nil {
			return dec
		}
	}
	data = bytes.TrimPrefix(data, []byte("\ufeff"))
	if utf8.Valid(data) {
		return data
	}
	dec, err := charmap.Windows1252.NewDecoder().Bytes(data)
	if err != nil {
		return data
	}
	return dec
}
