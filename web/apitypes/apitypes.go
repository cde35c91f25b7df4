// Package apitypes holds the request and response types of Conoscenza's HTTP API, shared by
// the server (web), the command line (cmd/conoscenza) and the tests, so that the three cannot
// drift apart. It also reads Server-Sent Events, for clients of the streaming endpoint.
package apitypes

import (
	"github.com/comune-bologna/conoscenza/agent"
	"github.com/comune-bologna/conoscenza/agent/catalog"
	"github.com/comune-bologna/conoscenza/agent/dossier"
	"github.com/comune-bologna/conoscenza/agent/tool"
)

// Headers the API reads or writes.
const (
	// HeaderRequestID carries the request id: taken from the client when well formed, else
	// generated; always echoed and written in every log line of the request.
	HeaderRequestID = "X-Request-Id"
	// HeaderDevRole names the role of a request. TEMPORARY: read only when the server runs
	// with --insecure-dev-auth (or CONOSCENZA_DEV_AUTH=1), until users and sessions land.
	HeaderDevRole = "X-Conoscenza-Role"
)

// MaxBodyBytes is the largest JSON request body accepted (413 above it).
const MaxBodyBytes = 64 << 10

// Error codes of ErrorBody beyond the domain codes of ingest/db (invalid, not_found,
// forbidden, conflict, unavailable, internal).
const (
	CodeTooLarge   = "too_large"   // 413: the body is larger than MaxBodyBytes
	CodeCanceled   = "canceled"    // 499: the client went away
	CodeTimeout    = "timeout"     // 504: the request took longer than the server's limit
	CodeOverloaded = "overloaded"  // 503: too many requests in flight, retry later
	CodeBadMethod  = "bad_method"  // 405
	CodeNoService  = "unavailable" // 503: the service behind the route is not configured
)

// ErrorResponse is the body of every error: {"error": {"code", "message", "request_id"}}.
type ErrorResponse struct {
	Error ErrorBody `json:"error"`
}

// ErrorBody says what went wrong in words safe to show; internal details are only logged.
type ErrorBody struct {
	Code      string `json:"code"`
	Message   string `json:"message"`
	RequestID string `json:"request_id"`
}

// AskRequest is the body of POST /api/v1/ask and /api/v1/ask/stream.
type AskRequest struct {
	Question       string `json:"question"`
	ConversationID string `json:"conversation_id,omitempty"`
	// Mode forces "planner" (no model) or "model"; empty lets the server choose.
	Mode string `json:"mode,omitempty"`
}

// AskResponse is exactly the agent's answer: tables with SQL and as-of, citations, steps,
// mode, prompt version, grounding report and notice.
type AskResponse = agent.Answer

// Table and Citation are the tool results an answer carries.
type (
	Table    = tool.Table
	Citation = tool.Citation
)

// ConversationList is the body of GET /api/v1/conversations.
type ConversationList struct {
	Conversations []agent.Conversation `json:"conversations"`
}

// ConversationDetail is the body of GET /api/v1/conversations/{id}.
type ConversationDetail struct {
	ID       string                `json:"id"`
	Messages []agent.StoredMessage `json:"messages"`
}

// FeedbackRequest is the body of POST /api/v1/messages/{id}/feedback.
type FeedbackRequest struct {
	Rating  int    `json:"rating"` // 1 or -1
	Comment string `json:"comment,omitempty"`
}

// FeedbackResponse acknowledges a feedback.
type FeedbackResponse struct {
	MessageID int64 `json:"message_id"`
	Rating    int   `json:"rating"`
}

// MetricsCatalog is the body of GET /api/v1/metrics: what can be asked of the semantic layer.
type MetricsCatalog struct {
	Metrics    []*catalog.Metric          `json:"metrics"`
	Dimensions []*catalog.Dimension       `json:"dimensions"`
	Sources    map[string]*catalog.Source `json:"sources"`
}

// ToolResponse is the body of the endpoints that run one tool (metrics query, platea, free
// SQL): the tables with their SQL, sources and as-of.
type ToolResponse struct {
	Tables []tool.Table `json:"tables"`
	SQL    []string     `json:"sql"`
	Rows   int          `json:"rows"`
}

// SQLRequest is the body of POST /api/v1/sql.
type SQLRequest struct {
	SQL string `json:"sql"`
}

// SearchResponse is the body of GET /api/v1/search: passages ready to cite.
type SearchResponse struct {
	Query     string          `json:"query"`
	Citations []tool.Citation `json:"citations"`
}

// DossierResponse is the body of GET /api/v1/imprese/{cf}.
type DossierResponse = dossier.Dossier

// CompanyList is the body of GET /api/v1/imprese?q=.
type CompanyList struct {
	Query      string              `json:"query"`
	Candidates []dossier.Candidate `json:"candidates"`
}

// Event names of the stream (POST /api/v1/ask/stream): the agent's events, plus error.
const (
	EventStart    = "start"    // {"conversation_id"}
	EventStep     = "step"     // agent.Step
	EventDelta    = "delta"    // a JSON string: the next piece of the answer's text
	EventTable    = "table"    // tool.Table
	EventCitation = "citation" // tool.Citation
	EventNotice   = "notice"   // a JSON string
	// EventReset {"reason"} voids what was streamed: with reason "fallback" everything (text,
	// tables, citations: the planner starts over), with "retry" or "tool_calls" only the text
	// streamed so far (a model's preamble or malformed turn).
	EventReset = "reset"
	EventDone  = "done"  // AskResponse, the whole answer; the last event
	EventError = "error" // ErrorResponse; the last event
)
