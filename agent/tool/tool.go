// Package tool is what both answer paths share: the tools offered to a model and used by the
// no-model planner, their calls and results, the tables and citations they produce, and the
// executor that checks the asking user's role on every call.
package tool

import (
	"encoding/json"

	"github.com/comune-bologna/conoscenza/agent/semantic"
)

// Tool names.
const (
	QueryMetrics    = "query_metrics"    // a typed query of the semantic layer
	DescribeCatalog = "describe_catalog" // the metrics and dimensions available
	SearchDocuments = "search_documents" // hybrid search of the city's documents
	CompanyDossier  = "company_dossier"  // everything about one company
	RunSQL          = "run_sql"          // one guarded SELECT over the api views
	Platea          = "platea"           // the firms a call would reach
	BandoOutcome    = "bando_outcome"    // how a past call's beneficiaries fared
)

// Role is what a user may do. The rules live in roles.go.
type Role string

// The roles.
const (
	Decisore  Role = "decisore"
	Staff     Role = "staff"
	Formatore Role = "formatore"
	Admin     Role = "admin"
)

// Principal is the user a call runs for.
type Principal struct {
	UserID   int64  `json:"user_id"`
	Username string `json:"username"`
	Role     Role   `json:"role"`
}

// Call is one tool call, from a model or from the planner.
type Call struct {
	ID        string          `json:"id,omitempty"`
	Name      string          `json:"name"`
	Arguments json.RawMessage `json:"arguments"`
}

// NewCall marshals args into a call.
func NewCall(name string, args any) Call {
	b, err := json.Marshal(args)
	if err != nil {
		panic(err) // arguments are our own types
	}
	return Call{Name: name, Arguments: b}
}

// Table is a result table with everything needed to trace its numbers.
type Table struct {
	ID         string                `json:"id"`
	Title      string                `json:"title"`
	Metric     string                `json:"metric,omitempty"`
	Unit       string                `json:"unit,omitempty"`
	Columns    []semantic.Column     `json:"columns"`
	Rows       [][]any               `json:"rows"`
	Query      any                   `json:"query,omitempty"` // the typed query (or the SQL text for free SQL)
	SQL        string                `json:"sql"`
	Params     []any                 `json:"params,omitempty"`
	Sources    []semantic.SourceInfo `json:"sources"`
	AsOf       string                `json:"as_of"`
	Notes      []string              `json:"notes,omitempty"`
	Suppressed int                   `json:"suppressed,omitempty"`
	// Reconstructed: a stock before the first snapshot, counted from the register's dates.
	Reconstructed *semantic.Reconstruction `json:"reconstructed,omitempty"`
}

// Citation points at the passage of a document a statement rests on.
type Citation struct {
	ID       string `json:"id"`
	Document string `json:"document"` // the document's path (stable key)
	Title    string `json:"title"`
	Section  string `json:"section"`
	Page     int    `json:"page,omitempty"`
	Quote    string `json:"quote"`
	URL      string `json:"url,omitempty"`
	DocType  string `json:"doc_type,omitempty"`
	Date     string `json:"date,omitempty"`
}

// Result is what one call returned: Content is what a model reads (JSON or delimited document
// text), Tables and Citations are what the user sees.
type Result struct {
	Call      Call       `json:"call"`
	Content   string     `json:"content"`
	Tables    []Table    `json:"tables,omitempty"`
	Citations []Citation `json:"citations,omitempty"`
	Dossier   any        `json:"dossier,omitempty"`
	Error     string     `json:"error,omitempty"`
	Code      string     `json:"code,omitempty"` // the domain error code, when Error is set
	SQL       []string   `json:"sql,omitempty"`
	Rows      int        `json:"rows"`
	Cause     error      `json:"-"` // the underlying error, logged and never shown

	// Related are the passages a document search found when they do not answer the question
	// (retrieval.Support): offered as further reading, never cited as the answer.
	Related []Citation `json:"related,omitempty"`
}

// Number reads a table cell as a number: the integer and float types results carry, and
// json.Number for results read back from JSON.
func Number(v any) (float64, bool) {
	switch x := v.(type) {
	case int64:
		return float64(x), true
	case int:
		return float64(x), true
	case int32:
		return float64(x), true
	case float64:
		return x, true
	case float32:
		return float64(x), true
	case json.Number:
		f, err := x.Float64()
		return f, err == nil
	}
	return 0, false
}
