package web

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"net/http"

	"github.com/gin-gonic/gin"

	"github.com/comune-bologna/conoscenza/ingest/territorio"
)

// Territory serves the shapes of the map (territorio.Store satisfies it).
type Territory interface {
	Shapes(ctx context.Context, level string) (*territorio.Collection, error)
}

// handleTerritorio answers the shapes of a level as a GeoJSON FeatureCollection that ECharts'
// registerMap takes as it is (docs/api.md, "Territorio"). Every role may read it. The ETag
// follows the content, so a page that cached the shapes revalidates for a 304.
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
	if c.GetHeader("If-None-Match") == etag {
		c.Status(http.StatusNotModified)
		return
	}
	c.Data(http.StatusOK, "application/geo+json; charset=utf-8", body)
}
