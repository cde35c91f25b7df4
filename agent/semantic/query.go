// Package semantic compiles typed queries over the catalog into one parameterised SQL
// statement, runs it as the read-only role and returns the numbers with their provenance.
package semantic

import (
	"encoding/json"
	"fmt"
	"strings"
)

// Query is the typed question every path (planner, model, CLI, web) asks.
type Query struct {
	Metric    string   `json:"metric"`
	Filters   []Filter `json:"filters,omitempty"`
	GroupBy   []string `json:"group_by,omitempty"`
	From      string   `json:"from,omitempty"`       // inclusive, YYYY-MM-DD
	To        string   `json:"to,omitempty"`         // inclusive, YYYY-MM-DD
	TimeGrain string   `json:"time_grain,omitempty"` // month, quarter, year
	AsOf      string   `json:"as_of,omitempty"`      // register snapshot date (default: latest)
	Order     *Order   `json:"order,omitempty"`
	Limit     int      `json:"limit,omitempty"`
	CompareTo string   `json:"compare_to,omitempty"` // previous_period, previous_year
	// For the share metric (quota): the subset counted and the base metric it is a share of.
	Subset []Filter `json:"subset,omitempty"`
	Base   string   `json:"base,omitempty"`
	// rebuilt lets the engine's own reconstruction take a share of the balance (a share of
	// the registered companies at a date before the first snapshot, reconstruct.go); a
	// query from outside cannot set it.
	rebuilt bool
}

// Filter restricts a dimension: op is =, !=, in, not_in, <, <=, >, >=, between.
type Filter struct {
	Dimension string `json:"dimension"`
	Op        string `json:"op,omitempty"`
	Value     any    `json:"value,omitempty"`
	Values    []any  `json:"values,omitempty"`
}

// Order sorts the result by "value", "periodo" or a grouped dimension.
type Order struct {
	By  string `json:"by"`
	Dir string `json:"dir,omitempty"` // asc or desc
}

// UnmarshalJSON accepts {"by": "value", "dir": "desc"} or the short form "value desc".
func (o *Order) UnmarshalJSON(b []byte) error {
	var s string
	if err := json.Unmarshal(b, &s); err == nil {
		f := strings.Fields(s)
		if len(f) == 0 || len(f) > 2 {
			return fmt.Errorf("order %q: expected \"FIELD [asc|desc]\"", s)
		}
		o.By = f[0]
		if len(f) == 2 {
			o.Dir = f[1]
		}
		return nil
	}
	type plain Order
	var p plain
	if err := json.Unmarshal(b, &p); err != nil {
		return fmt.Errorf("order: expected \"FIELD [asc|desc]\" or {\"by\", \"dir\"}: %w", err)
	}
	*o = Order(p)
	return nil
}

// ParseQuery decodes a JSON query strictly: unknown fields are errors.
func ParseQuery(data []byte) (Query, error) {
	var q Query
	dec := json.NewDecoder(strings.NewReader(string(data)))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&q); err != nil {
		return q, fmt.Errorf("query JSON: %w", err)
	}
	return q, nil
}

// Column describes one result column.
type Column struct {
	Name  string `json:"name"`
	Label string `json:"label"`
	Type  string `json:"type"` // text, number, date, bool
}

// SourceInfo names a source a result rests on and how current it is.
type SourceInfo struct {
	Name        string `json:"name"`
	Description string `json:"description"`
	AsOf        string `json:"as_of,omitempty"`
	BatchID     int64  `json:"batch_id,omitempty"`
}

// Result is a query's numbers with everything needed to trace them.
type Result struct {
	Metric     string       `json:"metric"`
	Unit       string       `json:"unit"`
	Columns    []Column     `json:"columns"`
	Rows       [][]any      `json:"rows"`
	SQL        string       `json:"sql"`
	Params     []any        `json:"params"`
	Sources    []SourceInfo `json:"sources"`
	AsOf       string       `json:"as_of"`
	RowCount   int          `json:"row_count"`
	Query      Query        `json:"query"`
	Suppressed int          `json:"suppressed"`
	Notes      []string     `json:"notes,omitempty"`
	Cached     bool         `json:"cached,omitempty"` // served from the result cache (same data version)
	// Reconstructed is set when a stock at a date before the first snapshot was counted from
	// the register's registration and closure dates (reconstruct.go).
	Reconstructed *Reconstruction `json:"reconstructed,omitempty"`
}
