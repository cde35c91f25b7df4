package web

import (
	"bytes"
	"compress/gzip"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"net/http"
	"strings"

	"github.com/gin-gonic/gin"

	"github.com/comune-bologna/conoscenza/ingest/territorio"
)

// Territory serves the shapes of the map (territorio.Store satisfies it).
type Territory interface {
	Shapes(ctx context.Context, level string) (*territorio.Collection, error)
}

// handleTerritorio answers the shapes of a level as a GeoJSON FeatureCollection that ECharts'
// registerMap takes as it is (docs/api.md, "Territorio"). Every role may read it. The ETag
// follows the content, so a page that cached the shapes revalidates for a 304; official
// boundaries weigh hundreds of KB, so the body is gzipped for clients that accept it.
func (s *Server) handleTerritorio(c *gin.Context) {
	if !s.need(c, s.opt.Services.Territory != nil) {
		return
	}
	col, err := s.opt.Services.Territory.Shapes(c.Request.Context(), c.Param("level"))
	if err != nil {
		s.fail(c, err)
		return
	}
	body, err := json.Marshal(col)
	if err != nil {
		s.fail(c, fmt.Errorf("encode territorio %s: %w", col.Level, err))
		return
	}
	sum := sha256.Sum256(body)
	etag := `"` + hex.EncodeToString(sum[:12]) + `"`
	c.Header("ETag", etag)
	c.Header("Cache-Control", "private, no-cache")
	c.Header("Vary", "Accept-Encoding")
	if c.GetHeader("If-None-Match") == etag {
		c.Status(http.StatusNotModified)
		return
	}
	const contentType = "application/geo+json; charset=utf-8"
	if len(body) < 1024 || !strings.Contains(c.GetHeader("Accept-Encoding"), "gzip") {
		c.Data(http.StatusOK, contentType, body)
		return
	}
	var buf bytes.Buffer
	zw, _ := gzip.NewWriterLevel(&buf, gzip.BestSpeed) // a valid level never fails
	if _, err := zw.Write(body); err != nil {
		s.fail(c, fmt.Errorf("gzip territorio: %w", err))
		return
	}
	if err := zw.Close(); err != nil {
		s.fail(c, fmt.Errorf("gzip territorio: %w", err))
		return
	}
	c.Header("Content-Encoding", "gzip")
	c.Data(http.StatusOK, contentType, buf.Bytes())
}
