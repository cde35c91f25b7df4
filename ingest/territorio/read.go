package territorio

import (
	"context"
	"encoding/json"
	"fmt"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/paulmach/orb/geojson"

	"github.com/comune-bologna/conoscenza/ingest/codes"
	"github.com/comune-bologna/conoscenza/ingest/db"
)

// Collection is a level's shapes as a GeoJSON FeatureCollection, with what the map must say
// about them (docs/api.md, "Territorio").
type Collection struct {
	Type        string     `json:"type"` // always FeatureCollection
	Level       Level      `json:"livello"`
	Approximate bool       `json:"approssimato"`
	Label       string     `json:"etichetta"` // "confini approssimati" or "confini ufficiali"
	Source      string     `json:"fonte"`
	File        string     `json:"file"`
	BatchID     *int64     `json:"batch_id"`
	AsOf        *string    `json:"as_of"`
	LoadedAt    *time.Time `json:"loaded_at"`
	Features    []Feature  `json:"features"`
}

// Feature is one area. Properties hold "name" (what ECharts joins data on: the area's name as
// the database and the semantic layer write it), the level's own key ("quartiere", "zona" or
// "area_statistica") with the same name, its parents, "nome", "livello", "approssimato" and
// "fonte".
type Feature struct {
	Type       string          `json:"type"` // always Feature
	ID         string          `json:"id"`
	Properties map[string]any  `json:"properties"`
	Geometry   json.RawMessage `json:"geometry"`
}

// Labels the map shows next to the shapes.
const (
	LabelApprossimati = "confini approssimati"
	LabelUfficiali    = "confini ufficiali"
)

// Shapes returns the shapes of a level (a level name as in the URL). With no quartiere shapes
// in the database, the embedded approximate ones are returned; a zona or area_statistica level
// with no shapes is a db.CodeNotFound error.
func (s *Store) Shapes(ctx context.Context, level string) (*Collection, error) {
	lv, err := ParseLevel(level)
	if err != nil {
		return nil, err
	}
	c, err := s.read(ctx, lv)
	if err != nil {
		return nil, err
	}
	if len(c.Features) > 0 {
		return c, nil
	}
	if lv == LevelQuartiere {
		return Default()
	}
	return nil, db.Errorf(db.CodeNotFound, "nessuna forma caricata per il livello %s: caricarle con `conoscenza ingest territorio --level %s FILE.geojson`", lv, lv)
}

// parentCols select, per level, the names of the areas an area belongs to.
var parentCols = map[Level]struct{ join, cols string }{
	LevelQuartiere: {"", ""},
	LevelZona:      {"", ", t.quartiere AS quartiere"},
	LevelArea:      {"LEFT JOIN zone z ON z.nome = t.zona", ", t.zona AS zona, z.quartiere AS quartiere"},
}

func (s *Store) read(ctx context.Context, lv Level) (*Collection, error) {
	pc := parentCols[lv]
	rows, err := s.Pool.Query(ctx, `SELECT row_to_json(x)::text FROM (
		SELECT t.nome, t.geometry, t.approximate, t.source, t.batch_id, t.loaded_at, b.file_name,
		       to_char(b.as_of, 'YYYY-MM-DD') AS as_of`+pc.cols+`
		FROM `+levels[lv].table+` t `+pc.join+` LEFT JOIN load_batches b ON b.id = t.batch_id
		WHERE t.geometry IS NOT NULL ORDER BY t.nome) x`)
	if err != nil {
		return nil, fmt.Errorf("territorio: read %s shapes: %w", lv, err)
	}
	defer rows.Close()
	c := newCollection(lv)
	sources := map[string]bool{}
	for rows.Next() {
		var doc string
		if err := rows.Scan(&doc); err != nil {
			return nil, fmt.Errorf("territorio: read %s shapes: %w", lv, err)
		}
		var r struct {
			Nome        string          `json:"nome"`
			Geometry    json.RawMessage `json:"geometry"`
			Approximate bool            `json:"approximate"`
			Source      string          `json:"source"`
			BatchID     *int64          `json:"batch_id"`
			LoadedAt    *time.Time      `json:"loaded_at"`
			File        *string         `json:"file_name"`
			AsOf        *string         `json:"as_of"`
			Quartiere   *string         `json:"quartiere"`
			Zona        *string         `json:"zona"`
		}
		if err := json.Unmarshal([]byte(doc), &r); err != nil {
			return nil, fmt.Errorf("territorio: decode %s shape: %w", lv, err)
		}
		parents := map[string]any{}
		if r.Quartiere != nil {
			parents["quartiere"] = *r.Quartiere
		}
		if r.Zona != nil {
			parents["zona"] = *r.Zona
		}
		c.add(r.Nome, r.Geometry, r.Approximate, r.Source, parents)
		sources[r.Source] = true
		if c.BatchID == nil || (r.BatchID != nil && *r.BatchID > *c.BatchID) {
			c.BatchID, c.LoadedAt, c.AsOf = r.BatchID, r.LoadedAt, r.AsOf
			if r.File != nil {
				c.File = *r.File
			}
		}
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("territorio: read %s shapes: %w", lv, err)
	}
	c.Source = joinSources(sources)
	return c, nil
}

func newCollection(lv Level) *Collection {
	return &Collection{Type: "FeatureCollection", Level: lv, Label: LabelUfficiali, Features: []Feature{}}
}

// add appends one area; the collection is approximate as soon as one of its shapes is.
func (c *Collection) add(name string, geometry json.RawMessage, approximate bool, source string, parents map[string]any) {
	props := map[string]any{"name": name, string(c.Level): name, "nome": name, "livello": string(c.Level),
		"approssimato": approximate, "fonte": source}
	for k, v := range parents {
		props[k] = v
	}
	c.Features = append(c.Features, Feature{Type: "Feature", ID: name, Properties: props, Geometry: geometry})
	if approximate {
		c.Approximate, c.Label = true, LabelApprossimati
	}
}

func joinSources(m map[string]bool) string {
	var out []string
	for s := range m {
		out = append(out, s)
	}
	sort.Strings(out)
	return strings.Join(out, "; ")
}

var (
	defaultOnce sync.Once
	defaultCol  *Collection
	defaultErr  error
)

// Default is the embedded approximate quartieri, checked against the six quartieri of
// ingest/codes through the same parser as a loaded file.
func Default() (*Collection, error) {
	defaultOnce.Do(func() {
		names := make([]string, len(codes.Quartieri))
		for i, q := range codes.Quartieri {
			names[i] = q.Nome
		}
		p, err := parse(approxQuartieri, newReference(LevelQuartiere, names), "")
		if err != nil {
			defaultErr = fmt.Errorf("territorio: embedded shapes: %w", err)
			return
		}
		if len(p.rejects) > 0 || len(p.missing) > 0 {
			defaultErr = fmt.Errorf("territorio: embedded shapes: rejected %v, missing %v", p.rejects, p.missing)
			return
		}
		c := newCollection(LevelQuartiere)
		c.File = approxFile
		for _, sh := range p.shapes {
			g, err := json.Marshal(geojson.NewGeometry(sh.Geometry))
			if err != nil {
				defaultErr = fmt.Errorf("territorio: embedded shape %s: %w", sh.Name, err)
				return
			}
			c.add(sh.Name, g, true, FonteApprossimata, nil)
		}
		c.Source = FonteApprossimata
		defaultCol = c
	})
	if defaultErr != nil {
		return nil, defaultErr
	}
	cp := *defaultCol // callers may not change the shared one
	return &cp, nil
}
