// Package planner is the no-model path: it turns an Italian or English question into the same
// typed tool calls a model would make, deterministically, and composes a plain answer from the
// results. It is what answers when no model is configured, or the model is down or missing.
package planner

import (
	"time"

	"github.com/comune-bologna/conoscenza/agent/catalog"
	"github.com/comune-bologna/conoscenza/agent/semantic"
	"github.com/comune-bologna/conoscenza/agent/tool"
)

// Intents the planner recognises.
const (
	IntentMetric   = "metric"   // a number from the semantic layer
	IntentDocument = "document" // what the city's documents say
	IntentMixed    = "mixed"    // numbers and documents
	IntentPlatea   = "platea"   // the firms a call would reach
	IntentOutcome  = "outcome"  // how a past call's beneficiaries fared
	IntentDossier  = "dossier"  // one company
	IntentCatalog  = "catalog"  // what data there is
	IntentNoData   = "no_data"  // a question the data cannot answer
	IntentRefuse   = "refuse"   // a request the assistant must refuse (writes, other people's data)
)

// State is what a turn leaves for the next one, so that follow-ups ("e quelle giovanili?",
// "e nel quartiere Navile?") can reuse the previous query.
type State struct {
	Intent string          `json:"intent,omitempty"`
	Query  *semantic.Query `json:"query,omitempty"`
	Text   string          `json:"text,omitempty"` // the last document search
	// Before is the query a follow-up rewrote ("chiusure nel 2025", then "e nel 2024?"), so
	// that "la differenza?" can set the two side by side
	Before *semantic.Query `json:"before,omitempty"`
}

// Plan is the planner's reading of a question.
type Plan struct {
	Intent string      `json:"intent"`
	Lang   string      `json:"lang"` // it or en
	Calls  []tool.Call `json:"calls"`
	// Reply is the answer when no tool can help (no data, refusal).
	Reply string `json:"reply,omitempty"`
	// State is what the next turn inherits.
	State State `json:"state"`
	// Note says what the question names that the plan does not use (readcheck.go).
	Note string `json:"note,omitempty"`
}

// Planner reads questions against the catalog.
type Planner struct {
	cat *catalog.Catalog
}

// New returns a planner over the catalog.
func New(cat *catalog.Catalog) *Planner { return &Planner{cat: cat} }

// Plan reads one question; prev is the previous turn's state (nil for the first) and now the
// date relative periods ("quest'anno", "negli ultimi 12 mesi") are read against.
func (p *Planner) Plan(question string, prev *State, now time.Time) Plan {
	pl := p.plan(question, prev, now)
	pl.Note = readNote(question, prev, pl, now)
	return pl
}

// Compose writes the answer of a plan from its tool results, in the plan's language. Every
// number it writes comes from the results.
func Compose(plan Plan, results []tool.Result) string {
	return compose(plan, results)
}
