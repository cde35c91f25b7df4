// Package territorio keeps the shapes of Bologna's quartieri (and of its zone and aree
// statistiche) for the map: the simplified shapes written for the project, embedded in the
// binary and marked approximate, until the city's official open-data boundaries are loaded
// with `conoscenza ingest territorio`. Shapes are GeoJSON geometries (WGS84 lon/lat) stored
// as jsonb in the level's own table, and served as a GeoJSON FeatureCollection that ECharts'
// registerMap takes as it is.
package territorio

import (
	"strings"

	"github.com/comune-bologna/conoscenza/ingest/db"
)

// Level is a level of the city's territory.
type Level string

// The levels, from the largest areas to the smallest.
const (
	LevelQuartiere Level = "quartiere"
	LevelZona      Level = "zona"
	LevelArea      Level = "area_statistica"
)

// Levels lists the levels a file may describe.
var Levels = []Level{LevelQuartiere, LevelZona, LevelArea}

// Kind is the load_batches kind of every territory load.
const Kind = "territorio"

// levelInfo says where a level's areas and shapes live and how files usually name them.
type levelInfo struct {
	table  string // the reference table: its nome column lists the areas, its rows hold the shapes
	parent Level  // the level its areas belong to ("" for quartieri)
	plural string // Italian, for messages
	// nameProps are the properties that carry an area's name in the usual files, most
	// specific first (the city's open data: nomequart, nomezona, area_statistica).
	nameProps []string
}

var levels = map[Level]levelInfo{
	LevelQuartiere: {table: "quartieri", plural: "quartieri",
		nameProps: []string{"nomequart", "nome_quartiere", "quartiere", "nome_quart", "quart", "nome", "name", "denominazione", "label"}},
	LevelZona: {table: "zone", parent: LevelQuartiere, plural: "zone",
		nameProps: []string{"nomezona", "nome_zona", "zona", "nome", "name", "denominazione", "label"}},
	LevelArea: {table: "aree_statistiche", parent: LevelZona, plural: "aree statistiche",
		nameProps: []string{"area_statistica", "nome_area_statistica", "nomearea", "nome_area", "area", "nome", "name", "denominazione", "label"}},
}

// ParseLevel checks a level name (case and "-"/" " for "_" do not matter).
func ParseLevel(s string) (Level, error) {
	norm := strings.NewReplacer("-", "_", " ", "_").Replace(strings.ToLower(strings.TrimSpace(s)))
	switch norm {
	case "quartiere", "quartieri":
		return LevelQuartiere, nil
	case "zona", "zone":
		return LevelZona, nil
	case "area_statistica", "aree_statistiche", "area":
		return LevelArea, nil
	}
	return "", db.Errorf(db.CodeInvalid, "livello territoriale sconosciuto %q (ammessi: quartiere, zona, area_statistica)", s)
}
