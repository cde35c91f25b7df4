// Package catalog is the semantic layer's declaration: the metrics and dimensions users may
// ask about, with their Italian and English names, synonyms, units, sources and the SQL
// fragments the compiler assembles. It is embedded from catalog.yaml and checked at load.
package catalog

import (
	_ "embed"
	"fmt"
	"slices"
	"sort"
	"strings"
	"sync"

	"gopkg.in/yaml.v3"

	"github.com/comune-bologna/conoscenza/ingest/codes"
)

//go:embed catalog.yaml
var catalogYAML []byte

// Metric kinds.
const (
	KindFlow    = "flow"    // events counted by a date in the period
	KindStock   = "stock"   // companies in a state at the reference date
	KindBalance = "balance" // openings minus closures
	KindGrowth  = "growth"  // balance over registered companies at the start of the period
	KindShare   = "share"   // a subset over a base metric
)

// Dimension types.
const (
	TypeText   = "text"
	TypePrefix = "prefix" // text matched by prefix (ATECO codes)
	TypeBool   = "bool"
	TypeTime   = "time"
	TypeMonths = "months"
)

// Source is a fact table family.
type Source struct {
	Name      string `yaml:"-" json:"name"`
	IT        string `yaml:"it" json:"it"`
	EN        string `yaml:"en" json:"en"`
	BatchKind string `yaml:"batch_kind" json:"batch_kind"`
}

// Metric is a measure users can ask for.
type Metric struct {
	Name        string   `yaml:"name" json:"name"`
	IT          string   `yaml:"it" json:"it"`
	EN          string   `yaml:"en" json:"en"`
	Synonyms    []string `yaml:"synonyms" json:"synonyms"`
	Description string   `yaml:"description" json:"description"`
	Unit        string   `yaml:"unit" json:"unit"`
	Source      string   `yaml:"source" json:"source"`
	Kind        string   `yaml:"kind" json:"kind"`
	Date        string   `yaml:"date" json:"-"`
	Where       string   `yaml:"where" json:"-"`
	Value       string   `yaml:"value" json:"-"`
	// NonAdditive says the values of a breakdown's rows do not add up to the whole: distinct
	// companies (one with requests in two months counts in both) and averages. The event cubes
	// hold sums of events, so they cannot answer such a metric (see cubeMeasures in semantic),
	// and an answer writes no total of its rows.
	NonAdditive bool `yaml:"non_additive" json:"non_additive,omitempty"`
}

// Dimension is an attribute results can be filtered and grouped by.
type Dimension struct {
	Name           string   `yaml:"name" json:"name"`
	IT             string   `yaml:"it" json:"it"`
	EN             string   `yaml:"en" json:"en"`
	Synonyms       []string `yaml:"synonyms" json:"synonyms"`
	Type           string   `yaml:"type" json:"type"`
	Territorial    bool     `yaml:"territorial" json:"territorial,omitempty"`
	Personal       bool     `yaml:"personal" json:"personal,omitempty"`
	PersonalValues []string `yaml:"personal_values" json:"-"`
	ValuesFrom     string   `yaml:"values_from" json:"-"`
	Values         []string `yaml:"-" json:"values,omitempty"`
	Sources        []string `yaml:"sources" json:"sources"`
	Column         string   `yaml:"column" json:"-"` // the date column a months range compares

	SQL map[string]string `yaml:"sql" json:"-"`
}

// Catalog is the whole semantic layer.
type Catalog struct {
	Sources    map[string]*Source
	Metrics    []*Metric
	Dimensions []*Dimension

	metrics    map[string]*Metric
	dimensions map[string]*Dimension
}

type file struct {
	Sources    map[string]*Source  `yaml:"sources"`
	Metrics    []*Metric           `yaml:"metrics"`
	Dimensions []*Dimension        `yaml:"dimensions"`
	Values     map[string][]string `yaml:"values"`
}

var (
	once    sync.Once
	loaded  *Catalog
	loadErr error
)

// Default returns the embedded catalog. It panics if the embedded file is inconsistent, which
// a test guarantees never ships.
func Default() *Catalog {
	once.Do(func() { loaded, loadErr = Parse(catalogYAML) })
	if loadErr != nil {
		panic(loadErr)
	}
	return loaded
}

// Parse reads and checks a catalog.
func Parse(data []byte) (*Catalog, error) {
	var f file
	if err := yaml.Unmarshal(data, &f); err != nil {
		return nil, fmt.Errorf("catalog: %w", err)
	}
	c := &Catalog{Sources: f.Sources, Metrics: f.Metrics, Dimensions: f.Dimensions,
		metrics: map[string]*Metric{}, dimensions: map[string]*Dimension{}}
	for name, s := range c.Sources {
		s.Name = name
	}
	builtin := map[string][]string{
		"quartieri": quartieri(), "zone": zone(), "sezioni": sezioni(), "divisioni": divisioni(),
	}
	for _, m := range c.Metrics {
		if _, dup := c.metrics[m.Name]; dup {
			return nil, fmt.Errorf("catalog: metric %q declared twice", m.Name)
		}
		if c.Sources[m.Source] == nil {
			return nil, fmt.Errorf("catalog: metric %q has unknown source %q", m.Name, m.Source)
		}
		if m.Kind == KindFlow && (m.Date == "" || m.Value == "") || m.Kind == KindStock && m.Value == "" {
			return nil, fmt.Errorf("catalog: metric %q lacks its date or value SQL", m.Name)
		}
		c.metrics[m.Name] = m
	}
	for _, d := range c.Dimensions {
		if _, dup := c.dimensions[d.Name]; dup {
			return nil, fmt.Errorf("catalog: dimension %q declared twice", d.Name)
		}
		if d.ValuesFrom != "" {
			vals, ok := builtin[d.ValuesFrom]
			if !ok {
				vals, ok = f.Values[d.ValuesFrom]
			}
			if !ok {
				return nil, fmt.Errorf("catalog: dimension %q takes values from unknown list %q", d.Name, d.ValuesFrom)
			}
			d.Values = vals
		}
		if len(d.SQL) == 0 {
			return nil, fmt.Errorf("catalog: dimension %q has no SQL", d.Name)
		}
		if len(d.Sources) == 0 {
			for s := range c.Sources {
				d.Sources = append(d.Sources, s)
			}
			sort.Strings(d.Sources)
		}
		c.dimensions[d.Name] = d
	}
	return c, nil
}

// Metric returns the metric named name.
func (c *Catalog) Metric(name string) (*Metric, bool) {
	m, ok := c.metrics[name]
	return m, ok
}

// Dimension returns the dimension named name.
func (c *Catalog) Dimension(name string) (*Dimension, bool) {
	d, ok := c.dimensions[name]
	return d, ok
}

// SQLFor returns the dimension's SQL for a source, or false if it does not apply there.
func (d *Dimension) SQLFor(source string) (string, bool) {
	if !slices.Contains(d.Sources, source) {
		return "", false
	}
	if s, ok := d.SQL[source]; ok {
		return s, true
	}
	s, ok := d.SQL["default"]
	return s, ok
}

// AppliesTo says whether the dimension can be used with a source.
func (d *Dimension) AppliesTo(source string) bool {
	_, ok := d.SQLFor(source)
	return ok
}

// CanonicalValue returns the catalog's spelling of v (case- and accent-insensitive), if the
// dimension has a closed list of values.
func (d *Dimension) CanonicalValue(v string) (string, bool) {
	if len(d.Values) == 0 {
		return v, true
	}
	want := Fold(v)
	for _, x := range d.Values {
		if Fold(x) == want {
			return x, true
		}
	}
	if d.Territorial && want == Fold(codes.NonAttribuito) {
		return codes.NonAttribuito, true
	}
	return "", false
}

// Fold lowercases and strips accents and punctuation so that "Porto Saragozza" and
// "porto-saragozza" compare equal.
func Fold(s string) string {
	var b strings.Builder
	for _, r := range strings.ToLower(strings.TrimSpace(s)) {
		switch r {
		case 'à', 'á':
			r = 'a'
		case 'è', 'é':
			r = 'e'
		case 'ì', 'í':
			r = 'i'
		case 'ò', 'ó':
			r = 'o'
		case 'ù', 'ú':
			r = 'u'
		case '-', '_', '.', '\'', '’':
			r = ' '
		}
		b.WriteRune(r)
	}
	return strings.Join(strings.Fields(b.String()), " ")
}

func quartieri() []string {
	out := make([]string, 0, len(codes.Quartieri))
	for _, q := range codes.Quartieri {
		out = append(out, q.Nome)
	}
	return out
}

func zone() []string {
	var out []string
	for _, q := range codes.Quartieri {
		out = append(out, q.Zone...)
	}
	return out
}

func sezioni() []string {
	out := make([]string, 0, len(codes.Sezioni))
	for _, s := range codes.Sezioni {
		out = append(out, s.Code)
	}
	return out
}

func divisioni() []string {
	out := make([]string, 0, len(codes.Divisioni))
	for _, d := range codes.Divisioni {
		out = append(out, d.Code)
	}
	return out
}
