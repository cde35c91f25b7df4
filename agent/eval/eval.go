// Package eval measures the assistant on a fixed set of questions: whether the no-model planner
// makes the expected tool calls (plan-only, no database), and whether the whole answer carries
// the expected tables, citations, refusals and grounded numbers (end to end, through
// agent.Service against a database with the demo data).
package eval

import (
	"embed"
	"encoding/json"
	"fmt"
	"path"
	"strings"
	"time"

	"gopkg.in/yaml.v3"

	"github.com/comune-bologna/conoscenza/agent/semantic"
)

//go:embed testdata/questions.yaml testdata/heldout.yaml
var files embed.FS

// Now is the date the set's relative periods ("quest'anno", "negli ultimi 12 mesi") are read
// against, so that expectations do not move with the calendar.
var Now = time.Date(2026, 11, 15, 12, 0, 0, 0, time.UTC)

// Groups of questions: dev was used while writing the planner, heldout was written first and
// only run at the end.
const (
	GroupDev      = "dev"
	GroupHeldOut  = "heldout"
	defaultRole   = "decisore"
	defaultLang   = "it"
	followUpLabel = "followup"
)

// Call is an expected tool call with the key fields of its arguments.
type Call struct {
	Tool          string            `json:"tool"`
	Query         *semantic.Query   `json:"query,omitempty"`   // query_metrics
	Filters       []semantic.Filter `json:"filters,omitempty"` // platea
	List          bool              `json:"list,omitempty"`    // platea
	Bando         string            `json:"bando,omitempty"`   // bando_outcome
	CodiceFiscale string            `json:"codice_fiscale,omitempty"`
	Name          string            `json:"name,omitempty"`     // company_dossier
	Document      string            `json:"document,omitempty"` // search_documents: a file the citations must include
}

// Turn is one question with its expected outcome.
type Turn struct {
	Q              string   `json:"q"`
	Category       string   `json:"category,omitempty"`
	Intent         string   `json:"intent"`
	Calls          []Call   `json:"calls,omitempty"`
	AnswerContains []string `json:"answer_contains,omitempty"`
}

// Entry is one question or one conversation of the set.
type Entry struct {
	ID       string `json:"id"`
	Category string `json:"category"`
	Lang     string `json:"lang,omitempty"`
	Role     string `json:"role,omitempty"`
	Turn
	Turns []Turn `json:"turns,omitempty"`
	Group string `json:"-"`
}

// Item is one scored question: a turn of an entry.
type Item struct {
	Entry    *Entry
	Index    int // turn index within the entry
	Category string
	Turn     Turn
}

// Load reads the evaluation set: the development questions, then the held-out ones.
func Load() ([]Entry, error) {
	var all []Entry
	for _, f := range []struct{ name, group string }{{"questions.yaml", GroupDev}, {"heldout.yaml", GroupHeldOut}} {
		data, err := files.ReadFile(path.Join("testdata", f.name))
		if err != nil {
			return nil, err
		}
		entries, err := Parse(data)
		if err != nil {
			return nil, fmt.Errorf("eval %s: %w", f.name, err)
		}
		for i := range entries {
			entries[i].Group = f.group
		}
		all = append(all, entries...)
	}
	return all, nil
}

// Parse reads entries from YAML, strictly (unknown fields are errors).
func Parse(data []byte) ([]Entry, error) {
	var raw any
	if err := yaml.Unmarshal(data, &raw); err != nil {
		return nil, err
	}
	b, err := json.Marshal(raw)
	if err != nil {
		return nil, err
	}
	var entries []Entry
	dec := json.NewDecoder(strings.NewReader(string(b)))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&entries); err != nil {
		return nil, err
	}
	seen := map[string]bool{}
	for i := range entries {
		e := &entries[i]
		if e.ID == "" || seen[e.ID] {
			return nil, fmt.Errorf("entry %d: missing or repeated id %q", i, e.ID)
		}
		seen[e.ID] = true
		if e.Lang == "" {
			e.Lang = defaultLang
		}
		if e.Role == "" {
			e.Role = defaultRole
		}
		if len(e.Turns) == 0 {
			if e.Q == "" {
				return nil, fmt.Errorf("entry %s: no question", e.ID)
			}
			e.Turns = []Turn{e.Turn}
		}
		for j, t := range e.Turns {
			if t.Q == "" || t.Intent == "" {
				return nil, fmt.Errorf("entry %s turn %d: question and intent are required", e.ID, j+1)
			}
		}
	}
	return entries, nil
}

// Items flattens entries into scored questions. A conversation's first turn counts in its own
// category; the turns after it count as follow-ups.
func Items(entries []Entry) []Item {
	var out []Item
	for i := range entries {
		e := &entries[i]
		for j, t := range e.Turns {
			cat := e.Category
			if t.Category != "" {
				cat = t.Category
			} else if j > 0 {
				cat = followUpLabel
			}
			out = append(out, Item{Entry: e, Index: j, Category: cat, Turn: t})
		}
	}
	return out
}
