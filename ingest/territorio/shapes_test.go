package territorio

import (
	"encoding/json"
	"math"
	"testing"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/geojson"
	"github.com/paulmach/orb/planar"

	"github.com/comune-bologna/conoscenza/ingest/codes"
)

// defaultShapes decodes the embedded approximate quartieri.
func defaultShapes(t *testing.T) map[string]orb.Polygon {
	t.Helper()
	c, err := Default()
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]orb.Polygon{}
	for _, f := range c.Features {
		g, err := geojson.UnmarshalGeometry(f.Geometry)
		if err != nil {
			t.Fatalf("%s: %v", f.ID, err)
		}
		p, ok := g.Geometry().(orb.Polygon)
		if !ok {
			t.Fatalf("%s: %T, want a Polygon", f.ID, g.Geometry())
		}
		out[f.ID] = p
	}
	return out
}

func TestDefaultShapesAreTheSixQuartieriMarkedApproximate(t *testing.T) {
	c, err := Default()
	if err != nil {
		t.Fatal(err)
	}
	if !c.Approximate || c.Label != LabelApprossimati || c.Source != FonteApprossimata || c.BatchID != nil || c.LoadedAt != nil {
		t.Errorf("collection header = %+v", c)
	}
	if len(c.Features) != len(codes.Quartieri) {
		t.Fatalf("%d features, want %d", len(c.Features), len(codes.Quartieri))
	}
	for i, q := range codes.Quartieri { // both sorted by name
		f := c.Features[i]
		p := f.Properties
		if f.ID != q.Nome || p["name"] != q.Nome || p["quartiere"] != q.Nome || p["nome"] != q.Nome ||
			p["approssimato"] != true || p["fonte"] != FonteApprossimata {
			t.Errorf("feature %d = %s %v, want %s", i, f.ID, p, q.Nome)
		}
	}
	// The embedded file itself carries the properties the brief of the map asks for.
	var raw struct {
		Features []struct {
			Properties map[string]any `json:"properties"`
		} `json:"features"`
	}
	if err := json.Unmarshal(approxQuartieri, &raw); err != nil {
		t.Fatal(err)
	}
	for _, f := range raw.Features {
		if f.Properties["approssimato"] != true || f.Properties["fonte"] != FonteApprossimata || f.Properties["quartiere"] != f.Properties["nome"] {
			t.Errorf("embedded properties %v", f.Properties)
		}
	}
}

func TestDefaultShapesAreCoarsePolygonsAroundBologna(t *testing.T) {
	for name, p := range defaultShapes(t) {
		if len(p) != 1 {
			t.Errorf("%s: %d rings, want 1", name, len(p))
		}
		if n := len(p[0]) - 1; n < 12 || n > 30 {
			t.Errorf("%s: %d vertices, want a dozen or two", name, n)
		}
		if planar.Area(p) <= 0 || p[0].Orientation() != orb.CCW {
			t.Errorf("%s: exterior ring must be counterclockwise (RFC 7946)", name)
		}
		// km² at Bologna's latitude: the real quartieri are 11 to 31 km².
		km2 := planar.Area(p) * 111.32 * 111.32 * math.Cos(44.49*math.Pi/180)
		if km2 < 8 || km2 > 45 {
			t.Errorf("%s: %.1f km², implausible", name, km2)
		}
	}
}

// Places whose quartiere is not in doubt fall in the right shape, and a place outside the
// comune in none.
func TestDefaultShapesPutLandmarksInTheirQuartiere(t *testing.T) {
	shapes := defaultShapes(t)
	landmarks := []struct {
		place, want string
		lon, lat    float64
	}{
		{"Aeroporto G. Marconi", "Borgo Panigale-Reno", 11.2887, 44.5354},
		{"Borgo Panigale, via Marco Emilio Lepido", "Borgo Panigale-Reno", 11.2870, 44.5100},
		{"Bolognina, piazza dell'Unità", "Navile", 11.3450, 44.5150},
		{"Corticella", "Navile", 11.3510, 44.5450},
		{"Santuario di San Luca", "Porto-Saragozza", 11.2980, 44.4790},
		{"Stadio Dall'Ara", "Porto-Saragozza", 11.3095, 44.4925},
		{"Fiera di Bologna", "San Donato-San Vitale", 11.3650, 44.5160},
		{"Pilastro", "San Donato-San Vitale", 11.4000, 44.5170},
		{"Policlinico Sant'Orsola", "San Donato-San Vitale", 11.3620, 44.4935},
		{"Giardini Margherita", "Santo Stefano", 11.3530, 44.4830},
		{"San Ruffillo", "Savena", 11.3760, 44.4540},
		{"San Lazzaro di Savena (another comune)", "", 11.4080, 44.4710},
		{"Casalecchio di Reno (another comune)", "", 11.2600, 44.4700},
	}
	for _, l := range landmarks {
		var in []string
		for name, p := range shapes {
			if planar.PolygonContains(p, orb.Point{l.lon, l.lat}) {
				in = append(in, name)
			}
		}
		if (l.want == "" && len(in) != 0) || (l.want != "" && (len(in) != 1 || in[0] != l.want)) {
			t.Errorf("%s is in %v, want %q", l.place, in, l.want)
		}
	}
}

// The shapes do not overlap and leave no hole between them: on a grid of ~150 m, no point is
// in two shapes, and no point outside every shape is enclosed by shapes in all eight
// directions.
func TestDefaultShapesTileTheComune(t *testing.T) {
	shapes := defaultShapes(t)
	var all orb.MultiPolygon
	for _, p := range shapes {
		all = append(all, p)
	}
	b := all.Bound()
	const step = 0.0015
	inside := func(pt orb.Point) int {
		n := 0
		for _, p := range shapes {
			if planar.PolygonContains(p, pt) {
				n++
			}
		}
		return n
	}
	dirs := [][2]float64{{1, 0}, {-1, 0}, {0, 1}, {0, -1}, {1, 1}, {1, -1}, {-1, 1}, {-1, -1}}
	overlaps, holes, covered := 0, 0, 0
	for x := b.Min[0] + step/2; x < b.Max[0]; x += step {
		for y := b.Min[1] + step/2; y < b.Max[1]; y += step {
			pt := orb.Point{x, y}
			switch inside(pt) {
			case 0:
				enclosed := true
				for _, d := range dirs {
					hit := false
					for k := 1.0; ; k++ {
						q := orb.Point{x + d[0]*k*step, y + d[1]*k*step}
						if !b.Contains(q) {
							break
						}
						if inside(q) > 0 {
							hit = true
							break
						}
					}
					if !hit {
						enclosed = false
						break
					}
				}
				if enclosed {
					holes++
					if holes < 5 {
						t.Errorf("hole between the shapes at %.4f, %.4f", x, y)
					}
				}
			case 1:
				covered++
			default:
				overlaps++
				if overlaps < 5 {
					t.Errorf("shapes overlap at %.4f, %.4f", x, y)
				}
			}
		}
	}
	// The comune is about 141 km²: a cell of the grid is about 0.02 km².
	km2 := float64(covered) * step * step * 111.32 * 111.32 * math.Cos(44.49*math.Pi/180)
	if km2 < 120 || km2 > 170 {
		t.Errorf("the shapes cover %.0f km², the comune is about 141", km2)
	}
	t.Logf("grid: %d points covered (%.0f km²), %d overlaps, %d holes", covered, km2, overlaps, holes)
}
