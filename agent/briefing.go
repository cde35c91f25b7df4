package agent

import (
	"time"

	"github.com/comune-bologna/conoscenza/agent/tool"
	"github.com/comune-bologna/conoscenza/prompts"
)

// Briefing is what the model is told before a question from a user of one role: the prompt
// version, the rendered system prompt and the tools offered. Trainers show it next to a
// replayed conversation, in no-model mode too (where no model saw it).
type Briefing struct {
	PromptVersion string            `json:"prompt_version"`
	Role          tool.Role         `json:"role"`
	System        string            `json:"system"`
	Tools         []tool.Definition `json:"tools"`
	ModelEnabled  bool              `json:"model_enabled"`
}

// Briefing renders the system prompt and the tool definitions for role, as runModel does.
func (s *Service) Briefing(role tool.Role) (Briefing, error) {
	sys, err := prompts.System(prompts.SystemData{Lang: "it", Today: s.now().Format(time.DateOnly), Role: string(role)})
	if err != nil {
		return Briefing{}, err
	}
	return Briefing{PromptVersion: prompts.Version, Role: role, System: sys,
		Tools: tool.Definitions(role, s.Tools.Engine.Catalog()), ModelEnabled: s.LLM != nil}, nil
}
