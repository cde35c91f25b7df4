package web

import (
	"net/http"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/gin-gonic/gin"

	"github.com/comune-bologna/conoscenza/agent"
	"github.com/comune-bologna/conoscenza/ingest/db"
	"github.com/comune-bologna/conoscenza/web/apitypes"
)

// maxComment is the longest feedback comment, in characters.
const maxComment = 4000

// conversationID reads the :id parameter; an id that cannot be one is simply not found.
func conversationID(c *gin.Context) (string, error) {
	id := strings.ToLower(c.Param("id"))
	if !apitypes.IsConversationID(id) {
		return "", db.Errorf(db.CodeNotFound, "conversazione %q non trovata", c.Param("id"))
	}
	return id, nil
}

func (s *Server) handleListConversations(c *gin.Context) {
	if !s.need(c, s.opt.Services.Conversations != nil) {
		return
	}
	list, err := s.opt.Services.Conversations.List(c.Request.Context(), principal(c).UserID)
	if err != nil {
		s.fail(c, err)
		return
	}
	if list == nil {
		list = []agent.Conversation{}
	}
	c.JSON(http.StatusOK, apitypes.ConversationList{Conversations: list})
}

// handleGetConversation replays a conversation: questions, answers with their tables,
// citations and steps. Only the principal's own conversations are found.
func (s *Server) handleGetConversation(c *gin.Context) {
	if !s.need(c, s.opt.Services.Conversations != nil) {
		return
	}
	id, err := conversationID(c)
	if err != nil {
		s.fail(c, err)
		return
	}
	msgs, err := s.opt.Services.Conversations.Messages(c.Request.Context(), id, principal(c).UserID, false)
	if err != nil {
		s.fail(c, err)
		return
	}
	if msgs == nil {
		msgs = []agent.StoredMessage{}
	}
	c.JSON(http.StatusOK, apitypes.ConversationDetail{ID: id, Messages: msgs})
}

func (s *Server) handleDeleteConversation(c *gin.Context) {
	if !s.need(c, s.opt.Services.Conversations != nil) {
		return
	}
	id, err := conversationID(c)
	if err != nil {
		s.fail(c, err)
		return
	}
	if err := s.opt.Services.Conversations.Delete(c.Request.Context(), id, principal(c).UserID); err != nil {
		s.fail(c, err)
		return
	}
	c.Status(http.StatusNoContent)
}

// handleFeedback records a thumb up (1) or down (-1), with an optional comment, on an answer.
func (s *Server) handleFeedback(c *gin.Context) {
	if !s.need(c, s.opt.Services.Conversations != nil) {
		return
	}
	id, err := strconv.ParseInt(c.Param("id"), 10, 64)
	if err != nil || id <= 0 {
		s.fail(c, db.Errorf(db.CodeNotFound, "risposta %q non trovata", c.Param("id")))
		return
	}
	var in apitypes.FeedbackRequest
	if err := bindJSON(c, &in); err != nil {
		s.fail(c, err)
		return
	}
	switch {
	case in.Rating != 1 && in.Rating != -1:
		s.fail(c, invalid("rating deve essere 1 (utile) o -1 (non utile), non %d", in.Rating))
		return
	case utf8.RuneCountInString(in.Comment) > maxComment:
		s.fail(c, invalid("il commento supera i %d caratteri", maxComment))
		return
	}
	if err := s.opt.Services.Conversations.Feedback(c.Request.Context(), id, principal(c).UserID, in.Rating, in.Comment); err != nil {
		s.fail(c, err)
		return
	}
	c.JSON(http.StatusCreated, apitypes.FeedbackResponse{MessageID: id, Rating: in.Rating})
}
