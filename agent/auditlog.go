package agent

import (
	"context"
	"encoding/json"
	"time"

	"github.com/comune-bologna/conoscenza/agent/audit"
	"github.com/comune-bologna/conoscenza/agent/tool"
	"github.com/comune-bologna/conoscenza/ingest/db"
)

// Auditor records who asked what and which tools ran (audit.Log satisfies it).
type Auditor interface {
	Append(ctx context.Context, e audit.Entry) (audit.Record, error)
}

// actor names the principal in the audit log: the username, else the role (the anonymous and
// development principals of a server without users).
func actor(p tool.Principal) string {
	if p.Username != "" {
		return p.Username
	}
	if p.Role != "" {
		return "anonimo:" + string(p.Role)
	}
	return "anonimo"
}

// audit appends e, logging (never failing the answer) when the log refuses it. It runs with
// the request's values but not its cancellation: a client that goes away is still recorded.
func (s *Service) audit(ctx context.Context, e audit.Entry) {
	if s.Audit == nil {
		return
	}
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 5*time.Second)
	defer cancel()
	if _, err := s.Audit.Append(ctx, e); err != nil {
		s.logger(ctx).Error("audit append failed", "action", e.Action, "object", e.Object, "err", err)
	}
}

// auditQuestion records one question: who, in which conversation, how it was answered. The
// question's text is not recorded (it may name people); it is in the conversation.
func (s *Service) auditQuestion(ctx context.Context, p tool.Principal, t *turn, err error) {
	detail := map[string]any{
		"conversation_id": t.answer.ConversationID,
		"mode":            t.answer.Mode,
		"role":            string(p.Role),
		"tool_calls":      len(t.results),
		"duration_ms":     time.Since(t.started).Milliseconds(),
	}
	if t.answer.Model != "" {
		detail["model"] = t.answer.Model
	}
	if t.answer.MessageID != 0 {
		detail["message_id"] = t.answer.MessageID
	}
	if t.fallback != "" {
		detail["fallback"] = t.fallback
	}
	if err != nil {
		detail["outcome"] = "error"
		detail["code"] = string(db.ErrorCode(err))
	} else {
		detail["outcome"] = "answered"
	}
	s.audit(ctx, audit.Entry{Actor: actor(p), Action: audit.Question,
		Object: "conversation:" + t.answer.ConversationID, Detail: detail})
}

// auditBlocked records a model turn the screen stopped: what was found (masked) and the text
// with its personal data masked, so that an admin can see the attempt without the log
// keeping the data.
func (s *Service) auditBlocked(ctx context.Context, p tool.Principal, t *turn, b *BlockedError) {
	s.audit(ctx, audit.Entry{Actor: actor(p), Action: audit.AnswerBlocked,
		Object: "conversation:" + t.answer.ConversationID, Detail: map[string]any{
			"conversation_id": t.answer.ConversationID,
			"role":            string(p.Role),
			"model":           t.answer.Model,
			"findings":        b.Findings,
			"excerpt":         b.Excerpt,
		}})
}

// Outcomes of a tool call, in the audit log and the metrics.
const (
	OutcomeOK      = "ok"
	OutcomeRefused = "refused" // the role may not use the tool
	OutcomeInvalid = "invalid" // bad arguments, unknown tool
	OutcomeError   = "error"
)

// outcome classifies a tool result.
func outcome(r tool.Result) string {
	switch {
	case r.Error == "":
		return OutcomeOK
	case r.Code == string(db.CodeForbidden):
		return OutcomeRefused
	case r.Code == string(db.CodeInvalid):
		return OutcomeInvalid
	default:
		return OutcomeError
	}
}

// auditToolCall records one tool call of an answer.
func (s *Service) auditToolCall(ctx context.Context, p tool.Principal, t *turn, r tool.Result, d time.Duration) {
	e := ToolCallEntry(p, r, d)
	e.Detail.(map[string]any)["conversation_id"] = t.answer.ConversationID
	s.audit(ctx, e)
}

// ToolCallEntry is the audit entry of one tool call: its arguments, the SQL it ran and its
// rows; a refused call is recorded with its refusal and no rows. Callers may add to Detail,
// a map[string]any. The API's direct tool routes record their calls with it too.
func ToolCallEntry(p tool.Principal, r tool.Result, d time.Duration) audit.Entry {
	detail := map[string]any{
		"role":        string(p.Role),
		"outcome":     outcome(r),
		"duration_ms": d.Milliseconds(),
	}
	switch args := r.Call.Arguments; {
	case len(args) == 0:
	case json.Valid(args):
		detail["arguments"] = args
	default: // a model's broken JSON, kept as text
		detail["arguments"] = string(args)
	}
	if len(r.SQL) > 0 {
		detail["sql"] = r.SQL
	}
	if r.Error != "" {
		detail["error"], detail["code"] = r.Error, r.Code
	}
	suppressed := 0
	for _, tb := range r.Tables {
		suppressed += tb.Suppressed
	}
	if suppressed > 0 {
		detail["suppressed"] = suppressed
	}
	e := audit.Entry{Actor: actor(p), Action: audit.ToolCall, Object: "tool:" + r.Call.Name, Detail: detail}
	if r.Error == "" {
		e.Rows = audit.N(r.Rows)
	}
	return e
}
