package territorio

import (
	"encoding/json"
	"fmt"
	"math"
	"sort"
	"strings"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/geojson"

	"github.com/comune-bologna/conoscenza/agent/catalog"
	"github.com/comune-bologna/conoscenza/ingest"
	"github.com/comune-bologna/conoscenza/ingest/codes"
	"github.com/comune-bologna/conoscenza/ingest/db"
)

// Shape is the geometry of one area, from one or more features of a file.
type Shape struct {
	Name     string
	Geometry orb.Geometry // orb.Polygon or orb.MultiPolygon, WGS84 lon/lat
	Features []int        // 1-based positions in the file of the features it came from
}

// parsed is what a file says about the areas of one level.
type parsed struct {
	shapes   []Shape
	rejects  []ingest.Rejection
	warnings []string
	read     int
	nameProp string
	missing  []string // areas of the level with no shape in the file
}

// reference is what features are matched against: the areas of a level in the database.
type reference struct {
	level  Level
	names  []string
	byFold map[string]string
}

func newReference(level Level, names []string) *reference {
	r := &reference{level: level, names: names, byFold: map[string]string{}}
	for _, n := range names {
		r.byFold[catalog.Fold(n)] = n
	}
	return r
}

// match finds the area a name designates: the comparison ignores case, accents, hyphens,
// apostrophes and extra spaces (catalog.Fold, the folding the assistant's filters use), so
// "SAN DONATO - SAN VITALE" is San Donato-San Vitale.
func (r *reference) match(name string) (string, bool) {
	n, ok := r.byFold[catalog.Fold(name)]
	return n, ok
}

// whyNot explains a name that matches no area of the level, with a hint when it names an area
// of another level, a quartiere of before 2016 or something close to a known name.
func (r *reference) whyNot(name string) string {
	msg := fmt.Sprintf("«%s» non è tra i %s del database", name, levels[r.level].plural)
	f := catalog.Fold(name)
	switch r.level {
	case LevelQuartiere:
		for _, q := range codes.Quartieri {
			for _, z := range q.Zone {
				if catalog.Fold(z) == f {
					return msg + fmt.Sprintf(": è una zona (o un quartiere di prima del 2016) di %s; per le zone usare --level zona", q.Nome)
				}
			}
		}
		if old, ok := before2016[f]; ok {
			return msg + fmt.Sprintf(": è un quartiere di prima del 2016, oggi parte di %s", old)
		}
	case LevelZona:
		for _, q := range codes.Quartieri {
			if catalog.Fold(q.Nome) == f {
				return msg + ": è un quartiere, non una zona; per i quartieri usare --level quartiere"
			}
		}
	}
	if s := catalog.Suggest(name, r.names); len(s) > 0 {
		return msg + fmt.Sprintf(" (forse: %s?)", strings.Join(s, ", "))
	}
	if len(r.names) <= 20 {
		return msg + fmt.Sprintf(" (ammessi: %s)", strings.Join(r.names, ", "))
	}
	return msg
}

// before2016 maps the quartieri merged in 2016 that are not also the name of a zona.
var before2016 = map[string]string{
	catalog.Fold("Reno"):  "Borgo Panigale-Reno",
	catalog.Fold("Porto"): "Porto-Saragozza",
}

// collection is the part of a GeoJSON FeatureCollection read before its features, which are
// decoded one by one so that a bad feature is a rejection and not a failed file.
type collection struct {
	Type     string            `json:"type"`
	CRS      *crs              `json:"crs"`
	Features []json.RawMessage `json:"features"`
}

// crs is the 2008 GeoJSON "crs" member that some GIS exports still write.
type crs struct {
	Properties struct {
		Name string `json:"name"`
	} `json:"properties"`
}

// parse reads a FeatureCollection and matches its features to the level's areas. A file that
// is not a readable FeatureCollection, declares projected coordinates or has no property with
// the areas' names fails whole (db.CodeInvalid); a bad feature is a rejection.
func parse(data []byte, ref *reference, nameProp string) (*parsed, error) {
	var c collection
	if err := json.Unmarshal(data, &c); err != nil {
		return nil, db.Errorf(db.CodeInvalid, "il file non è un GeoJSON leggibile: %v", err)
	}
	if c.Type != "FeatureCollection" {
		return nil, db.Errorf(db.CodeInvalid, "il file deve essere una FeatureCollection GeoJSON (trovato type %q)", c.Type)
	}
	if c.CRS != nil && !isWGS84(c.CRS.Properties.Name) {
		return nil, db.Errorf(db.CodeInvalid, "il file dichiara il sistema di coordinate %q: servono longitudine e latitudine WGS84 (EPSG:4326); riesportarlo in WGS84", c.CRS.Properties.Name)
	}
	if len(c.Features) == 0 {
		return nil, db.Errorf(db.CodeInvalid, "la FeatureCollection non ha feature")
	}
	p := &parsed{read: len(c.Features)}
	feats := make([]*geojson.Feature, len(c.Features))
	for i, raw := range c.Features {
		f, err := geojson.UnmarshalFeature(raw)
		if err != nil {
			p.reject(i+1, "feature", "", fmt.Sprintf("feature non leggibile: %v", err))
			continue
		}
		feats[i] = f
	}
	prop, err := chooseNameProp(feats, ref, nameProp)
	if err != nil {
		return nil, err
	}
	p.nameProp = prop
	byName := map[string]*Shape{}
	var order []string
	for i, f := range feats {
		if f == nil {
			continue
		}
		n := i + 1
		raw, _ := property(f.Properties, prop)
		label := ""
		if raw != nil {
			label = strings.TrimSpace(fmt.Sprint(raw))
		}
		if why := checkGeometry(f.Geometry); why != "" {
			p.reject(n, "geometry", geometryType(f.Geometry), featureName(label)+why)
			continue
		}
		if label == "" {
			p.reject(n, prop, "", fmt.Sprintf("proprietà %q assente o vuota: non si sa quale area sia", prop))
			continue
		}
		name, ok := ref.match(label)
		if !ok {
			p.reject(n, prop, label, ref.whyNot(label))
			continue
		}
		s := byName[name]
		if s == nil {
			s = &Shape{Name: name}
			byName[name] = s
			order = append(order, name)
		}
		s.Features = append(s.Features, n)
		s.Geometry = union(s.Geometry, f.Geometry)
	}
	for _, name := range order {
		s := byName[name]
		if len(s.Features) > 1 {
			p.warnings = append(p.warnings, fmt.Sprintf("%s in %d feature (%s): unite in un MultiPolygon", name, len(s.Features), joinInts(s.Features)))
		}
		p.shapes = append(p.shapes, *s)
	}
	sort.Slice(p.shapes, func(i, j int) bool { return p.shapes[i].Name < p.shapes[j].Name })
	for _, n := range ref.names {
		if byName[n] == nil {
			p.missing = append(p.missing, n)
		}
	}
	if len(p.missing) > 0 && len(p.shapes) > 0 {
		p.warnings = append(p.warnings, fmt.Sprintf("%d %s senza forma nel file: %s", len(p.missing), levels[ref.level].plural, strings.Join(p.missing, ", ")))
	}
	return p, nil
}

func (p *parsed) reject(feature int, column, value, reason string) {
	p.rejects = append(p.rejects, ingest.Rejection{Line: feature, Column: column, Value: value, Reason: reason})
}

func isWGS84(name string) bool {
	n := strings.ToUpper(name)
	return n == "" || strings.HasSuffix(n, "CRS84") || strings.HasSuffix(n, ":4326") || strings.HasSuffix(n, "::4326")
}

// chooseNameProp takes the property the caller named, or the usual property whose values
// match the most areas of the level.
func chooseNameProp(feats []*geojson.Feature, ref *reference, want string) (string, error) {
	present := map[string]string{} // lower-case key → key as written
	for _, f := range feats {
		if f == nil {
			continue
		}
		for k := range f.Properties {
			present[strings.ToLower(k)] = k
		}
	}
	keys := make([]string, 0, len(present))
	for _, k := range present {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	if want != "" {
		if k, ok := present[strings.ToLower(want)]; ok {
			return k, nil
		}
		return "", db.Errorf(db.CodeInvalid, "nessuna feature ha la proprietà %q (presenti: %s)", want, strings.Join(keys, ", "))
	}
	best, bestN := "", 0
	for _, cand := range levels[ref.level].nameProps {
		k, ok := present[cand]
		if !ok {
			continue
		}
		if best == "" {
			best = k // the most specific one present, if none matches
		}
		n := 0
		for _, f := range feats {
			if f == nil {
				continue
			}
			if v, ok := f.Properties[k]; ok && v != nil {
				if _, ok := ref.match(fmt.Sprint(v)); ok {
					n++
				}
			}
		}
		if n > bestN {
			best, bestN = k, n
		}
	}
	if best == "" {
		return "", db.Errorf(db.CodeInvalid, "nessuna proprietà con il nome dell'area (cercate: %s; presenti: %s): indicarla con --name-property",
			strings.Join(levels[ref.level].nameProps, ", "), strings.Join(keys, ", "))
	}
	return best, nil
}

// property reads a property by its exact key, else ignoring case.
func property(props geojson.Properties, key string) (any, bool) {
	if v, ok := props[key]; ok {
		return v, true
	}
	for k, v := range props {
		if strings.EqualFold(k, key) {
			return v, true
		}
	}
	return nil, false
}

// bologna is a generous box around the comune (which spans about 11.23–11.44 E, 44.42–44.56 N):
// a shape outside it is in another place, another coordinate system or has lat and lon swapped.
var bologna = orb.Bound{Min: orb.Point{11.0, 44.3}, Max: orb.Point{11.7, 44.7}}

// checkGeometry says what is wrong with a feature's geometry, or "".
func checkGeometry(g orb.Geometry) string {
	var polys orb.MultiPolygon
	switch x := g.(type) {
	case nil:
		return "geometria assente (null): servono Polygon o MultiPolygon"
	case orb.Polygon:
		polys = orb.MultiPolygon{x}
	case orb.MultiPolygon:
		polys = x
	default:
		return fmt.Sprintf("geometria %s: non è un poligono (servono Polygon o MultiPolygon)", g.GeoJSONType())
	}
	if len(polys) == 0 {
		return "poligono senza coordinate"
	}
	for i, poly := range polys {
		if len(poly) == 0 {
			return fmt.Sprintf("poligono %d senza anelli", i+1)
		}
		for j, ring := range poly {
			if len(ring) < 4 {
				return fmt.Sprintf("poligono %d, anello %d: %d vertici, ne servono almeno 4 (il primo ripetuto in fondo)", i+1, j+1, len(ring))
			}
			if ring[0] != ring[len(ring)-1] {
				return fmt.Sprintf("poligono %d, anello %d: non chiuso (l'ultimo vertice deve ripetere il primo)", i+1, j+1)
			}
		}
	}
	b := polys.Bound()
	switch {
	case math.Abs(b.Min[0]) > 180 || math.Abs(b.Max[0]) > 180 || math.Abs(b.Min[1]) > 90 || math.Abs(b.Max[1]) > 90:
		return fmt.Sprintf("coordinate non in gradi (es. %.0f, %.0f): il file sembra in un sistema proiettato (EPSG:3003, 25832, 32632...); riesportarlo in WGS84 lon/lat", b.Min[0], b.Min[1])
	case bologna.Contains(orb.Point{b.Min[1], b.Min[0]}) && bologna.Contains(orb.Point{b.Max[1], b.Max[0]}):
		return "coordinate invertite: GeoJSON vuole longitudine, latitudine (qui sono latitudine, longitudine)"
	case !bologna.Contains(b.Min) || !bologna.Contains(b.Max):
		return fmt.Sprintf("forma fuori da Bologna (lon %.3f…%.3f, lat %.3f…%.3f)", b.Min[0], b.Max[0], b.Min[1], b.Max[1])
	}
	return ""
}

func geometryType(g orb.Geometry) string {
	if g == nil {
		return "null"
	}
	return g.GeoJSONType()
}

func featureName(label string) string {
	if label == "" {
		return ""
	}
	return fmt.Sprintf("«%s»: ", label)
}

// union puts the parts of an area given as several features into one MultiPolygon.
func union(a, b orb.Geometry) orb.Geometry {
	if a == nil {
		return b
	}
	var out orb.MultiPolygon
	for _, g := range []orb.Geometry{a, b} {
		switch x := g.(type) {
		case orb.Polygon:
			out = append(out, x)
		case orb.MultiPolygon:
			out = append(out, x...)
		}
	}
	return out
}

func joinInts(ns []int) string {
	s := make([]string, len(ns))
	for i, n := range ns {
		s[i] = fmt.Sprint(n)
	}
	return strings.Join(s, ", ")
}
