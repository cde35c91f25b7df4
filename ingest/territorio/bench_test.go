package territorio

import (
	"bytes"
	"compress/gzip"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/geojson"
)

// denseFile writes the approximate quartieri with every edge cut into per pieces at full
// float precision, the size of a GIS export of the official boundaries (go test -bench
// Territorio -benchtime 5x ./ingest/territorio/).
func denseFile(b *testing.B, per int) (string, int) {
	b.Helper()
	c, err := Default()
	if err != nil {
		b.Fatal(err)
	}
	var feats []string
	vertices := 0
	for _, f := range c.Features {
		g, err := geojson.UnmarshalGeometry(f.Geometry)
		if err != nil {
			b.Fatal(err)
		}
		ring := g.Geometry().(orb.Polygon)[0]
		var dense orb.Ring
		for i := 0; i+1 < len(ring); i++ {
			for k := 0; k < per; k++ {
				t := float64(k) / float64(per)
				dense = append(dense, orb.Point{ring[i][0] + t*(ring[i+1][0]-ring[i][0]) + 1e-13,
					ring[i][1] + t*(ring[i+1][1]-ring[i][1]) + 1e-13})
			}
		}
		dense = append(dense, dense[0])
		vertices += len(dense)
		geom, _ := json.Marshal(geojson.NewGeometry(orb.Polygon{dense}))
		feats = append(feats, fmt.Sprintf(`{"type":"Feature","properties":{"NOMEQUART":%q},"geometry":%s}`, strings.ToUpper(f.ID), geom))
	}
	path := filepath.Join(b.TempDir(), "dense.geojson")
	if err := os.WriteFile(path, []byte(`{"type":"FeatureCollection","features":[`+strings.Join(feats, ",")+`]}`), 0o644); err != nil {
		b.Fatal(err)
	}
	return path, vertices
}

func BenchmarkTerritorioLoadAndRead(b *testing.B) {
	d := newLoadFixtureTB(b)
	ctx := context.Background()
	path, vertices := denseFile(b, 150)
	st, _ := os.Stat(path)
	b.Logf("file: %d vertices, %d KB", vertices, st.Size()>>10)
	b.Run("load", func(b *testing.B) {
		for i := 0; i < b.N; i++ {
			// Alternate the source so that every load replaces the shapes (no unchanged shortcut).
			if _, err := d.LoadFile(ctx, path, Options{Source: fmt.Sprint("bench ", i)}); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("read", func(b *testing.B) {
		var size, zipped int
		for i := 0; i < b.N; i++ {
			c, err := d.Shapes(ctx, "quartiere")
			if err != nil {
				b.Fatal(err)
			}
			body, _ := json.Marshal(c)
			size = len(body)
			var buf bytes.Buffer
			zw, _ := gzip.NewWriterLevel(&buf, gzip.BestSpeed) // as the HTTP handler does
			_, _ = zw.Write(body)
			_ = zw.Close()
			zipped = buf.Len()
		}
		b.ReportMetric(float64(size>>10), "KB/answer")
		b.ReportMetric(float64(zipped>>10), "KB-gzip/answer")
	})
}
