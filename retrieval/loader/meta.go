package loader

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strings"
	"time"
	"unicode/utf8"

	"golang.org/x/text/encoding/charmap"
	"gopkg.in/yaml.v3"

	"github.com/comune-bologna/conoscenza/ingest/fields"
)

// metaIn is Meta as front matter and sidecars write it: tags may be a list or one string
// ("commercio, covid"); the date is read by normalizeDate.
type metaIn struct {
	Title  string  `json:"title" yaml:"title"`
	Date   string  `json:"date" yaml:"date"`
	Type   string  `json:"type" yaml:"type"`
	Issuer string  `json:"issuer" yaml:"issuer"`
	URL    string  `json:"url" yaml:"url"`
	Tags   tagList `json:"tags" yaml:"tags"`
}

func (m metaIn) meta() Meta {
	return Meta{Title: m.Title, Date: m.Date, Type: m.Type, Issuer: m.Issuer, URL: m.URL, Tags: []string(m.Tags)}
}

// tagList is a list of tags, also written as one string separated by commas or semicolons.
type tagList []string

// UnmarshalJSON accepts ["a", "b"] or "a, b".
func (t *tagList) UnmarshalJSON(b []byte) error {
	var s string
	if err := json.Unmarshal(b, &s); err == nil {
		*t = splitTags(s)
		return nil
	}
	var l []string
	if err := json.Unmarshal(b, &l); err != nil {
		return fmt.Errorf("tags: a list of strings or one string: %w", err)
	}
	*t = l
	return nil
}

// UnmarshalYAML accepts a sequence or a scalar.
func (t *tagList) UnmarshalYAML(n *yaml.Node) error {
	if n.Kind == yaml.ScalarNode {
		*t = splitTags(n.Value)
		return nil
	}
	var l []string
	if err := n.Decode(&l); err != nil {
		return fmt.Errorf("tags: a list of strings or one string: %w", err)
	}
	*t = l
	return nil
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

// normalizeDate writes a metadata date in any form of the formats' common rules (dd/mm/yyyy,
// yyyymmdd, yyyy-mm-dd, as for the data files) as YYYY-MM-DD.
func normalizeDate(raw string) (string, error) {
	s := strings.TrimSpace(raw)
	if t, err := time.Parse(time.RFC3339, s); err == nil { // a YAML timestamp
		s = t.Format(time.DateOnly)
	}
	t, ok, err := fields.ParseDate(s)
	if err != nil {
		return "", fmt.Errorf("date %q is not a date (YYYY-MM-DD, dd/mm/yyyy or yyyymmdd)", raw)
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
