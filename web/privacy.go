package web

import (
	"bytes"
	"context"
	"fmt"
	"net/http"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/comune-bologna/conoscenza/agent"
	"github.com/comune-bologna/conoscenza/agent/audit"
)

// PrivacyStore is what the privacy routes need beyond Conversations (agent.Store satisfies it).
// It is found on Services.Conversations, so that a server wired with a store gets the routes
// without another field; without it they answer 503 and the notice states no retention.
type PrivacyStore interface {
	Export(ctx context.Context, userID int64) (*agent.Export, error)
	DeleteAll(ctx context.Context, userID int64) (int, error)
	RetentionPeriod() time.Duration
}

// DeleteAllResponse is the answer to DELETE /api/v1/conversations.
type DeleteAllResponse struct {
	Deleted int `json:"deleted"`
}

func (s *Server) privacyStore() (PrivacyStore, bool) {
	p, ok := s.opt.Services.Conversations.(PrivacyStore)
	return p, ok
}

// auditPrivacy records an export or a deletion by the principal; a failure to record is
// logged, not served (as for the tool routes).
func (s *Server) auditPrivacy(c *gin.Context, action string, rows int, detail map[string]any) {
	if s.opt.Audit == nil {
		return
	}
	p := principal(c)
	detail["request_id"], detail["role"] = requestID(c), string(p.Role)
	e := audit.Entry{Actor: agent.Actor(p), Action: action, Object: fmt.Sprintf("user:%d/conversations", p.UserID),
		Rows: audit.N(rows), Detail: detail}
	ctx, cancel := context.WithTimeout(context.WithoutCancel(c.Request.Context()), 5*time.Second)
	defer cancel()
	if _, err := s.opt.Audit.Append(ctx, e); err != nil {
		s.Logger.Error("audit append failed", "request_id", requestID(c), "action", action, "err", err)
	}
}

// handleExportConversations serves every conversation of the principal, with messages, tool
// calls (SQL included) and feedback, as a JSON download (GDPR art. 15 and 20).
func (s *Server) handleExportConversations(c *gin.Context) {
	ps, ok := s.privacyStore()
	if !s.need(c, ok) {
		return
	}
	ex, err := ps.Export(c.Request.Context(), principal(c).UserID)
	if err != nil {
		s.fail(c, err)
		return
	}
	s.auditPrivacy(c, audit.Export, len(ex.Conversations), map[string]any{"what": "conversations", "format": "json",
		"messages": ex.Messages()})
	c.Header("Content-Disposition", fmt.Sprintf(`attachment; filename="conoscenza-conversazioni-%s.json"`,
		ex.ExportedAt.Format("20060102")))
	c.Header("Cache-Control", "no-store")
	c.JSON(http.StatusOK, ex)
}

// handleDeleteAllConversations deletes every conversation of the principal (GDPR art. 17).
func (s *Server) handleDeleteAllConversations(c *gin.Context) {
	ps, ok := s.privacyStore()
	if !s.need(c, ok) {
		return
	}
	n, err := ps.DeleteAll(c.Request.Context(), principal(c).UserID)
	if err != nil {
		s.fail(c, err)
		return
	}
	s.auditPrivacy(c, agent.ActionDeleteAll, n, map[string]any{})
	c.JSON(http.StatusOK, DeleteAllResponse{Deleted: n})
}

// handlePrivacy serves the privacy notice (informativa, GDPR art. 13), public, in Italian.
func (s *Server) handlePrivacy(c *gin.Context) {
	var retention time.Duration
	if ps, ok := s.privacyStore(); ok {
		retention = ps.RetentionPeriod()
	}
	var b bytes.Buffer
	if err := privacyPage.Execute(&b, privacyData{RetentionDays: int(retention.Hours() / 24), Retention: retention}); err != nil {
		s.fail(c, fmt.Errorf("privacy notice: %w", err))
		return
	}
	c.Header("Cache-Control", "no-cache")
	c.Data(http.StatusOK, "text/html; charset=utf-8", b.Bytes())
}

type privacyData struct {
	RetentionDays int
	Retention     time.Duration
}
