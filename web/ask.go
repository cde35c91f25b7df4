package web

import (
	"net/http"

	"github.com/gin-gonic/gin"

	"github.com/comune-bologna/conoscenza/web/apitypes"
)

// handleAsk answers one question as JSON: exactly the agent's answer.
func (s *Server) handleAsk(c *gin.Context) {
	if !s.need(c, s.opt.Services.Asker != nil) {
		return
	}
	var in apitypes.AskRequest
	if err := bindJSON(c, &in); err != nil {
		s.fail(c, err)
		return
	}
	req, err := in.Request(principal(c))
	if err != nil {
		s.fail(c, err)
		return
	}
	ans, err := s.opt.Services.Asker.Ask(c.Request.Context(), req, nil)
	if err != nil {
		s.fail(c, err)
		return
	}
	c.JSON(http.StatusOK, ans)
}

// askInput reads the question of a stream: the JSON body for POST, the query string for GET
// (EventSource can only GET).
func askInput(c *gin.Context) (apitypes.AskRequest, error) {
	var in apitypes.AskRequest
	if c.Request.Method == http.MethodGet {
		in.Question = c.Query("question")
		in.ConversationID = c.Query("conversation_id")
		in.Mode = c.Query("mode")
		return in, nil
	}
	return in, bindJSON(c, &in)
}
