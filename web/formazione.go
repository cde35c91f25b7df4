package web

import (
	"net/http"

	"github.com/gin-gonic/gin"

	"github.com/comune-bologna/conoscenza/agent"
	"github.com/comune-bologna/conoscenza/agent/tool"
)

// Trainer tells what the model is told for a role (agent.Service satisfies it).
type Trainer interface {
	Briefing(role tool.Role) (agent.Briefing, error)
}

// trainerRoles may read the model's briefing: trainers, who teach how the assistant works, and
// admins. It names the tools of the caller's own role only.
var trainerRoles = []tool.Role{tool.Formatore, tool.Admin}

// handleBriefing answers GET /api/v1/formazione/briefing: the prompt version, the system
// prompt and the tool definitions the model gets for the caller's role.
func (s *Server) handleBriefing(c *gin.Context) {
	p := principal(c)
	if !roleIn(p.Role, trainerRoles) {
		s.writeError(c, http.StatusForbidden, "forbidden", "il tuo ruolo non consente questa operazione")
		return
	}
	if !s.need(c, s.opt.Services.Trainer != nil) {
		return
	}
	b, err := s.opt.Services.Trainer.Briefing(p.Role)
	if err != nil {
		s.fail(c, err)
		return
	}
	c.JSON(http.StatusOK, b)
}

func roleIn(r tool.Role, roles []tool.Role) bool {
	for _, x := range roles {
		if x == r {
			return true
		}
	}
	return false
}
