package apitypes

import (
	"regexp"
	"strings"
	"unicode/utf8"

	"github.com/comune-bologna/conoscenza/agent"
	"github.com/comune-bologna/conoscenza/agent/tool"
	"github.com/comune-bologna/conoscenza/ingest/db"
)

// uuidRE is the shape of a conversation id.
var uuidRE = regexp.MustCompile(`^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$`)

// IsConversationID says whether s has the shape of a conversation id (a UUID).
func IsConversationID(s string) bool { return uuidRE.MatchString(s) }

// Request checks the question before anything runs, with one sentence per mistake (an
// invalid domain error), and returns the agent's request for principal p. The server and the
// command line both use it, so that they refuse the same input the same way.
func (r AskRequest) Request(p tool.Principal) (agent.Request, error) {
	q := strings.TrimSpace(r.Question)
	switch {
	case q == "":
		return agent.Request{}, db.Errorf(db.CodeInvalid, "il campo question è vuoto: scrivi una domanda")
	case utf8.RuneCountInString(q) > agent.MaxQuestion:
		return agent.Request{}, db.Errorf(db.CodeInvalid, "la domanda supera i %d caratteri", agent.MaxQuestion)
	case r.Mode != "" && r.Mode != agent.ModePlanner && r.Mode != agent.ModeModel:
		return agent.Request{}, db.Errorf(db.CodeInvalid, "mode %q non valido: usa %q o %q", r.Mode, agent.ModePlanner, agent.ModeModel)
	case r.ConversationID != "" && !IsConversationID(r.ConversationID):
		return agent.Request{}, db.Errorf(db.CodeInvalid, "conversation_id %q non è un identificativo di conversazione", r.ConversationID)
	}
	return agent.Request{Question: q, ConversationID: strings.ToLower(r.ConversationID), ForceMode: r.Mode, Principal: p}, nil
}
