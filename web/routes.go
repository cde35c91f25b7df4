package web

import (
	"context"
	"net/http"

	"github.com/gin-gonic/gin"

	"github.com/comune-bologna/conoscenza/agent"
	"github.com/comune-bologna/conoscenza/agent/catalog"
	"github.com/comune-bologna/conoscenza/agent/dossier"
	"github.com/comune-bologna/conoscenza/agent/tool"
	"github.com/comune-bologna/conoscenza/web/apitypes"
)

// Asker answers questions (agent.Service satisfies it).
type Asker interface {
	Ask(ctx context.Context, req agent.Request, sink agent.Sink) (*agent.Answer, error)
}

// Conversations keeps conversations and feedback (agent.Store satisfies it).
type Conversations interface {
	List(ctx context.Context, userID int64) ([]agent.Conversation, error)
	Messages(ctx context.Context, id string, userID int64, all bool) ([]agent.StoredMessage, error)
	Delete(ctx context.Context, id string, userID int64) error
	Feedback(ctx context.Context, messageID, userID int64, rating int, comment string) error
}

// ToolRunner runs one tool call under the principal's role rules (tool.Executor satisfies it).
type ToolRunner interface {
	Execute(ctx context.Context, p tool.Principal, c tool.Call) tool.Result
}

// CompanySearcher finds companies by name (dossier.Service satisfies it).
type CompanySearcher interface {
	Search(ctx context.Context, text string, limit int, v dossier.Viewer) ([]dossier.Candidate, error)
}

// Services are what the API serves; a nil one makes its routes answer 503.
type Services struct {
	Asker         Asker
	Conversations Conversations
	Tools         ToolRunner
	Catalog       *catalog.Catalog
	Companies     CompanySearcher
	Trainer       Trainer // the model's briefing for the trainers' page
	Territory     Territory
	Data          DataLoader      // monthly files and their batches (owner pool)
	Boundaries    BoundaryLoader  // the map's boundaries, uploaded as kind territorio (owner pool)
	Library       DocumentLibrary // the documents: upload, list, remove (owner pool)
}

// routes registers every route. The OpenAPI document (openapi.json) must list exactly these:
// TestOpenAPIDescribesEveryRoute checks both directions.
func (s *Server) routes() {
	e := s.engine
	e.HandleMethodNotAllowed = true
	e.ContextWithFallback = true // c.Done/c.Err follow the request's context
	e.Use(securityHeaders, s.recoverJSON, withRequestID, s.withRequestLogger, s.accessLog, s.observeHTTP)
	e.NoRoute(func(c *gin.Context) {
		s.writeError(c, http.StatusNotFound, "not_found", "risorsa non trovata: vedi /api/v1/openapi.json")
	})
	e.NoMethod(func(c *gin.Context) {
		s.writeError(c, http.StatusMethodNotAllowed, apitypes.CodeBadMethod, "metodo non consentito su questa risorsa")
	})
	e.GET("/healthz", s.handleHealthz)
	e.GET("/readyz", s.handleReadyz)
	e.GET("/metrics", s.handleMetrics)
	e.GET("/privacy", s.handlePrivacy)
	s.uiRoutes()

	v1 := e.Group("/api/v1", s.limitAddress, limitBody, s.withTimeout)
	v1.GET("/openapi.json", s.handleOpenAPI)

	api := v1.Group("", s.withPrincipal)
	if s.opt.Identity != nil {
		s.opt.Identity.Mount(v1)
		api = v1.Group("", s.opt.Identity.Authenticate)
	}
	api.Use(s.limitUser)
	busy := api.Group("", s.limitInFlight)
	busy.POST("/ask", s.handleAsk)
	busy.POST("/ask/stream", s.handleAskStream)
	busy.GET("/ask/stream", s.handleAskStream)

	api.GET("/conversations", s.handleListConversations)
	api.DELETE("/conversations", s.handleDeleteAllConversations)
	api.GET("/conversations/export", s.handleExportConversations)
	api.GET("/conversations/:id", s.handleGetConversation)
	api.DELETE("/conversations/:id", s.handleDeleteConversation)
	api.POST("/messages/:id/feedback", s.handleFeedback)
	api.GET("/formazione/briefing", s.handleBriefing)
	api.POST("/export/xlsx", s.handleExportXLSX)

	api.GET("/metrics", s.handleMetricsCatalog)
	api.GET("/territorio/:level", s.handleTerritorio)
	busy.POST("/metrics/query", s.handleMetricsQuery)
	busy.GET("/search", s.handleSearch)
	busy.GET("/imprese", s.handleSearchCompanies)
	busy.GET("/imprese/:cf", s.handleDossier)
	busy.POST("/sql", s.handleSQL)
	busy.POST("/platea", s.handlePlatea)
	s.datiRoutes(api)
}

// need answers 503 when a service is not configured; it returns whether to go on.
func (s *Server) need(c *gin.Context, ok bool) bool {
	if !ok {
		s.writeError(c, http.StatusServiceUnavailable, apitypes.CodeNoService, "servizio non configurato su questo server")
	}
	return ok
}
