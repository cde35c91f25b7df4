package main

import (
	"encoding/json"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/spf13/cobra"

	"github.com/comune-bologna/conoscenza/ingest/territorio"
)

// ingestTerritorioCommand loads the city's official boundaries (GeoJSON) for the map.
func (m *Main) ingestTerritorioCommand() *cobra.Command {
	var level, nameProp, source string
	var asJSON bool
	cmd := &cobra.Command{
		Use:   "territorio FILE.geojson",
		Short: "Load the official boundaries of the quartieri (or zone, aree statistiche) for the map",
		Long: `Load a GeoJSON FeatureCollection of Polygon/MultiPolygon features in WGS84 longitude/latitude
(the city's open data) as the shapes of one level of the territory, replacing the previous ones
of that level in one batch. Until then the map uses simplified shapes written for the project
and marked "confini approssimati".

Each feature's area is named in a property: --name-property, or the first of the usual ones
(nomequart, quartiere, nome, name, ...; nomezona, zona, ...; area_statistica, ...) whose values
match the most areas in the database. Names match ignoring case, accents and hyphens ("SAN
DONATO - SAN VITALE"). A feature whose name matches no area, or whose geometry is not a polygon
inside Bologna, is rejected with its number, property and reason; several features of one area
become one MultiPolygon. A file that matches nothing fails and writes nothing. Loading the
file whose shapes are already in place changes nothing and says so.

With --json, the summary is printed as one JSON object: the fields of 'ingest' --json plus
"level", "name_property", "approssimato", "fonte", "aree", "senza_forma".`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			lv, err := territorio.ParseLevel(level)
			if err != nil {
				return fmt.Errorf("%w: --level: %v", errUsage, err)
			}
			ctx := cmd.Context()
			pool, err := m.openDB(ctx)
			if err != nil {
				return err
			}
			defer pool.Close()
			store := &territorio.Store{Pool: pool, Logger: m.Logger}
			sum, err := store.LoadFile(ctx, args[0], territorio.Options{Level: lv, NameProperty: nameProp,
				Source: source, StartedBy: os.Getenv("USER")})
			if err != nil {
				return err
			}
			if asJSON {
				return json.NewEncoder(m.Stdout).Encode(sum)
			}
			printTerritorio(m.Stdout, sum)
			return nil
		},
	}
	f := cmd.Flags()
	f.StringVar(&level, "level", "quartiere", "level of the areas: quartiere, zona or area_statistica")
	f.StringVar(&nameProp, "name-property", "", "feature property with the area's name (default: detected)")
	f.StringVar(&source, "source", territorio.FonteUfficiale, "source shown with the shapes on the map")
	f.BoolVar(&asJSON, "json", false, "print the summary as JSON")
	return cmd
}

func printTerritorio(w io.Writer, s territorio.Summary) {
	if s.UnchangedFile {
		fmt.Fprintf(w, "%s: forme già in uso (lotto %d): nessuna modifica. Feature %d, usate %d, scartate %d.\n",
			s.File, s.SameAsBatch, s.Read, s.Loaded, s.Rejected)
	} else {
		kind := "confini ufficiali"
		if s.Approximate {
			kind = "confini approssimati"
		}
		fmt.Fprintf(w, "%s: lotto %d (%s, livello %s, nome da %q): feature %d, usate %d, scartate %d; %d aree con forma.\n",
			s.File, s.BatchID, kind, s.Level, s.NameProperty, s.Read, s.Loaded, s.Rejected, len(s.Areas))
	}
	for _, warn := range s.Warnings {
		if !s.UnchangedFile {
			fmt.Fprintf(w, "  attenzione: %s\n", warn)
		}
	}
	for _, r := range s.Rejections {
		what := r.Column
		if r.Value != "" {
			what += " " + fmt.Sprintf("%q", r.Value)
		}
		fmt.Fprintf(w, "  feature %d %s: %s\n", r.Line, strings.TrimSpace(what), r.Reason)
	}
}
