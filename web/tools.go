package web

import (
	"context"
	"net/http"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/gin-gonic/gin"

	"github.com/comune-bologna/conoscenza/agent"
	"github.com/comune-bologna/conoscenza/agent/dossier"
	"github.com/comune-bologna/conoscenza/agent/semantic"
	"github.com/comune-bologna/conoscenza/agent/tool"
	"github.com/comune-bologna/conoscenza/ingest/db"
	"github.com/comune-bologna/conoscenza/web/apitypes"
)

// maxSearchText bounds a search or company query string, in characters.
const maxSearchText = 500

// runTool runs one call through the executor, so that the role rules are the assistant's own;
// on failure it writes the error and returns false.
func (s *Server) runTool(c *gin.Context, name string, args any) (tool.Result, bool) {
	if !s.need(c, s.opt.Services.Tools != nil) {
		return tool.Result{}, false
	}
	start := time.Now()
	r := s.opt.Services.Tools.Execute(c.Request.Context(), principal(c), tool.NewCall(name, args))
	s.auditToolCall(c, r, time.Since(start))
	if r.Error != "" {
		code := db.Code(r.Code)
		if code == "" {
			code = db.CodeInternal
		}
		s.fail(c, &db.Error{Code: code, Message: r.Error, Err: r.Cause})
		return r, false
	}
	return r, true
}

// auditToolCall records a call of the API's direct tool routes as the agent records its own
// (agent.ToolCallEntry), marked "via": "api"; a failure to record is logged, not served.
func (s *Server) auditToolCall(c *gin.Context, r tool.Result, d time.Duration) {
	if s.opt.Audit == nil {
		return
	}
	e := agent.ToolCallEntry(principal(c), r, d)
	detail := e.Detail.(map[string]any)
	detail["via"], detail["request_id"] = "api", requestID(c)
	ctx, cancel := context.WithTimeout(context.WithoutCancel(c.Request.Context()), 5*time.Second)
	defer cancel()
	if _, err := s.opt.Audit.Append(ctx, e); err != nil {
		s.Logger.Error("audit append failed", "request_id", requestID(c), "action", e.Action, "object", e.Object, "err", err)
	}
}

// authorize applies the executor's role table to a route that reads without a tool call.
func (s *Server) authorize(c *gin.Context, name string) bool {
	if p := principal(c); !tool.Allowed(p.Role, name) {
		s.fail(c, db.Errorf(db.CodeForbidden, "questa funzione (%s) non è consentita al ruolo %s", name, p.Role))
		return false
	}
	return true
}

func toolResponse(r tool.Result) apitypes.ToolResponse {
	out := apitypes.ToolResponse{Tables: r.Tables, SQL: r.SQL, Rows: r.Rows}
	if out.Tables == nil {
		out.Tables = []tool.Table{}
	}
	if out.SQL == nil {
		out.SQL = []string{}
	}
	return out
}

// handleMetricsCatalog lists the metrics, dimensions and sources a query may use.
func (s *Server) handleMetricsCatalog(c *gin.Context) {
	if !s.need(c, s.opt.Services.Catalog != nil) || !s.authorize(c, tool.DescribeCatalog) {
		return
	}
	cat := s.opt.Services.Catalog
	c.JSON(http.StatusOK, apitypes.MetricsCatalog{Metrics: cat.Metrics, Dimensions: cat.Dimensions, Sources: cat.Sources})
}

// handleMetricsQuery runs a typed query of the semantic layer.
func (s *Server) handleMetricsQuery(c *gin.Context) {
	var q semantic.Query
	if err := bindJSON(c, &q); err != nil {
		s.fail(c, err)
		return
	}
	if strings.TrimSpace(q.Metric) == "" {
		s.fail(c, invalid("il campo metric è obbligatorio: vedi GET /api/v1/metrics"))
		return
	}
	if r, ok := s.runTool(c, tool.QueryMetrics, q); ok {
		c.JSON(http.StatusOK, toolResponse(r))
	}
}

// handlePlatea counts the firms a call would reach, with breakdowns.
func (s *Server) handlePlatea(c *gin.Context) {
	var req semantic.PlateaRequest
	if err := bindJSON(c, &req); err != nil {
		s.fail(c, err)
		return
	}
	if r, ok := s.runTool(c, tool.Platea, req); ok {
		c.JSON(http.StatusOK, toolResponse(r))
	}
}

// handleSQL runs one guarded SELECT (staff and admin only, by the executor's rules).
func (s *Server) handleSQL(c *gin.Context) {
	var in apitypes.SQLRequest
	if err := bindJSON(c, &in); err != nil {
		s.fail(c, err)
		return
	}
	if strings.TrimSpace(in.SQL) == "" {
		s.fail(c, invalid("il campo sql è vuoto: scrivi una SELECT sulle viste api"))
		return
	}
	if r, ok := s.runTool(c, tool.RunSQL, in); ok {
		c.JSON(http.StatusOK, toolResponse(r))
	}
}

// searchText reads a required, bounded query parameter.
func searchText(c *gin.Context, name string) (string, error) {
	q := strings.TrimSpace(c.Query(name))
	switch {
	case q == "":
		return "", invalid("il parametro %s è obbligatorio", name)
	case utf8.RuneCountInString(q) > maxSearchText:
		return "", invalid("il parametro %s supera i %d caratteri", name, maxSearchText)
	}
	return q, nil
}

// limitParam reads an optional integer parameter within [1, max].
func limitParam(c *gin.Context, def, max int) (int, error) {
	v := c.Query("limit")
	if v == "" {
		return def, nil
	}
	n, err := strconv.Atoi(v)
	if err != nil || n < 1 || n > max {
		return 0, invalid("limit deve essere un intero tra 1 e %d", max)
	}
	return n, nil
}

// handleSearch finds passages of the city's documents, ready to cite.
func (s *Server) handleSearch(c *gin.Context) {
	q, err := searchText(c, "q")
	if err != nil {
		s.fail(c, err)
		return
	}
	limit, err := limitParam(c, 5, 10)
	if err != nil {
		s.fail(c, err)
		return
	}
	args := map[string]any{"query": q, "limit": limit}
	if types := c.QueryArray("type"); len(types) > 0 {
		args["types"] = types
	}
	r, ok := s.runTool(c, tool.SearchDocuments, args)
	if !ok {
		return
	}
	cites := r.Citations
	if cites == nil {
		cites = []tool.Citation{}
	}
	c.JSON(http.StatusOK, apitypes.SearchResponse{Query: q, Citations: cites})
}

// handleDossier returns the fascicolo of one company (staff and admin only).
func (s *Server) handleDossier(c *gin.Context) {
	cf := strings.ToUpper(strings.TrimSpace(c.Param("cf")))
	if !s.authorize(c, tool.CompanyDossier) {
		return
	}
	if n := len(cf); n != 11 && n != 16 {
		s.fail(c, invalid("codice fiscale %q non valido: 11 cifre (imprese) o 16 caratteri (persone)", c.Param("cf")))
		return
	}
	r, ok := s.runTool(c, tool.CompanyDossier, map[string]string{"codice_fiscale": cf})
	if !ok {
		return
	}
	d, _ := r.Dossier.(*dossier.Dossier)
	if d == nil {
		s.fail(c, db.Errorf(db.CodeNotFound, "impresa %s non trovata", cf))
		return
	}
	c.JSON(http.StatusOK, d)
}

// handleSearchCompanies finds companies by name or codice fiscale (staff and admin only).
func (s *Server) handleSearchCompanies(c *gin.Context) {
	if !s.authorize(c, tool.CompanyDossier) || !s.need(c, s.opt.Services.Companies != nil) {
		return
	}
	q, err := searchText(c, "q")
	if err != nil {
		s.fail(c, err)
		return
	}
	limit, err := limitParam(c, 20, 50)
	if err != nil {
		s.fail(c, err)
		return
	}
	v := dossier.Viewer{Personal: tool.SeesDetails(principal(c).Role)}
	cands, err := s.opt.Services.Companies.Search(c.Request.Context(), q, limit, v)
	if err != nil {
		s.fail(c, err)
		return
	}
	if cands == nil {
		cands = []dossier.Candidate{}
	}
	c.JSON(http.StatusOK, apitypes.CompanyList{Query: q, Candidates: cands})
}
