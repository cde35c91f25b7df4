package eval

import (
	"encoding/json"
	"fmt"
	"slices"
	"sort"
	"strings"

	"github.com/comune-bologna/conoscenza/agent/planner"
	"github.com/comune-bologna/conoscenza/agent/semantic"
	"github.com/comune-bologna/conoscenza/agent/tool"
)

// MatchPlan compares a plan with the expected outcome of a turn and returns what differs
// (nothing: the plan is right).
func MatchPlan(want Turn, got planner.Plan) []string {
	var diff []string
	if got.Intent != want.Intent {
		diff = append(diff, fmt.Sprintf("intent %s, want %s", got.Intent, want.Intent))
	}
	if len(got.Calls) != len(want.Calls) {
		var names []string
		for _, c := range got.Calls {
			names = append(names, c.Name+string(c.Arguments))
		}
		return append(diff, fmt.Sprintf("%d calls %v, want %d", len(got.Calls), names, len(want.Calls)))
	}
	for i, w := range want.Calls {
		diff = append(diff, matchCall(w, got.Calls[i])...)
	}
	return diff
}

func matchCall(w Call, c tool.Call) []string {
	if c.Name != w.Tool {
		return []string{fmt.Sprintf("call %s, want %s", c.Name, w.Tool)}
	}
	var diff []string
	check := func(field string, got, want any) {
		if fmt.Sprint(got) != fmt.Sprint(want) {
			diff = append(diff, fmt.Sprintf("%s %s = %v, want %v", w.Tool, field, got, want))
		}
	}
	switch w.Tool {
	case tool.QueryMetrics:
		var q semantic.Query
		if err := json.Unmarshal(c.Arguments, &q); err != nil {
			return []string{"query arguments: " + err.Error()}
		}
		e := semantic.Query{}
		if w.Query != nil {
			e = *w.Query
		}
		check("metric", q.Metric, e.Metric)
		check("group_by", sortedSet(q.GroupBy), sortedSet(e.GroupBy))
		check("filters", filterKeys(q.Filters), filterKeys(e.Filters))
		check("subset", filterKeys(q.Subset), filterKeys(e.Subset))
		check("from", q.From, e.From)
		check("to", q.To, e.To)
		check("compare_to", q.CompareTo, e.CompareTo)
		check("limit", q.Limit, e.Limit)
		if e.Base != "" {
			check("base", q.Base, e.Base)
		}
		if e.TimeGrain != "" {
			check("time_grain", q.TimeGrain, e.TimeGrain)
		}
		if e.Order != nil {
			if q.Order == nil {
				diff = append(diff, "order missing")
			} else {
				check("order", q.Order.By+" "+dirOf(q.Order), e.Order.By+" "+dirOf(e.Order))
			}
		}
	case tool.Platea:
		var r semantic.PlateaRequest
		if err := json.Unmarshal(c.Arguments, &r); err != nil {
			return []string{"platea arguments: " + err.Error()}
		}
		check("filters", filterKeys(r.Filters), filterKeys(w.Filters))
		check("list", r.List, w.List)
	case tool.BandoOutcome, tool.CompanyDossier:
		var a struct {
			Bando string `json:"bando"`
			CF    string `json:"codice_fiscale"`
			Name  string `json:"name"`
		}
		if err := json.Unmarshal(c.Arguments, &a); err != nil {
			return []string{w.Tool + " arguments: " + err.Error()}
		}
		check("bando", a.Bando, w.Bando)
		check("codice_fiscale", a.CF, w.CodiceFiscale)
		check("name", strings.ToUpper(a.Name), strings.ToUpper(w.Name))
	}
	return diff
}

func dirOf(o *semantic.Order) string {
	if o.Dir == "" {
		return "desc"
	}
	return strings.ToLower(o.Dir)
}

func sortedSet(xs []string) []string {
	out := slices.Clone(xs)
	sort.Strings(out)
	return out
}

// filterKeys writes filters as sorted "dimension op values" keys: = and a one-value in are
// the same filter, and the order of values does not matter.
func filterKeys(fs []semantic.Filter) []string {
	var out []string
	for _, f := range fs {
		vals := f.Values
		if f.Value != nil {
			vals = append([]any{f.Value}, vals...)
		}
		var vs []string
		for _, v := range vals {
			vs = append(vs, fmt.Sprint(v))
		}
		sort.Strings(vs)
		op := f.Op
		if op == "" || op == "in" && len(vs) == 1 {
			op = "="
		}
		if op == "" && len(vs) > 1 {
			op = "in"
		}
		out = append(out, f.Dimension+" "+op+" "+strings.Join(vs, ","))
	}
	sort.Strings(out)
	return out
}
