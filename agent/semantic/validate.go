package semantic

import (
	"errors"
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/comune-bologna/conoscenza/agent/catalog"
	"github.com/comune-bologna/conoscenza/ingest/codes"
	"github.com/comune-bologna/conoscenza/ingest/db"
)

// plan is a validated query: names resolved against the catalog, values typed.
type plan struct {
	q        Query
	metric   *catalog.Metric
	base     *catalog.Metric // for quota: the metric the share is of
	source   string
	groupBy  []*catalog.Dimension
	filters  []typedFilter
	subset   []typedFilter
	from, to time.Time // zero when open
	grain    string
	asOf     time.Time // requested reference date (zero: latest)
	series   bool      // a stock metric over several snapshots
	// pinned: a series whose period picks only the snapshot read (see series.go), compiled
	// as a query on that snapshot with its period as a constant column.
	pinned bool
	// pair: a growth rate compared in one scan (compare.go) also computes its value over
	// this window, the comparison's.
	pair *window
}

type typedFilter struct {
	dim    *catalog.Dimension
	op     string
	values []any
}

var grains = map[string]string{
	"month": "month", "mese": "month", "monthly": "month",
	"quarter": "quarter", "trimestre": "quarter", "quarterly": "quarter",
	"year": "year", "anno": "year", "yearly": "year",
}

var compares = map[string]string{
	"previous_period": "previous_period", "periodo_precedente": "previous_period",
	"previous_year": "previous_year", "anno_precedente": "previous_year", "same_period_last_year": "previous_year",
}

// validate checks q against the catalog and returns every problem at once.
func validate(cat *catalog.Catalog, q Query) (*plan, error) {
	var errs []string
	bad := func(format string, args ...any) { errs = append(errs, fmt.Sprintf(format, args...)) }
	p := &plan{q: q}

	m, ok := cat.Metric(strings.TrimSpace(q.Metric))
	if !ok {
		bad("unknown metric %q%s", q.Metric, didYouMean(q.Metric, cat.MetricNames()))
		return nil, invalid(errs)
	}
	p.metric, p.source = m, m.Source
	if m.Kind == catalog.KindShare {
		baseName := q.Base
		if baseName == "" {
			baseName = "imprese_attive"
		}
		b, ok := cat.Metric(baseName)
		switch {
		case !ok:
			bad("unknown base metric %q for quota%s", baseName, didYouMean(baseName, cat.MetricNames()))
		case b.Kind != catalog.KindFlow && b.Kind != catalog.KindStock && !(b.Kind == catalog.KindBalance && q.rebuilt) ||
			// an average is no whole to take a part of (a distinct count is)
			b.NonAdditive && !strings.HasPrefix(b.Value, "count("):
			bad("quota can be computed on a count or sum metric, not on %q", baseName)
		default:
			p.base, p.source = b, b.Source
			p.q.Base = baseName
		}
		if len(q.Subset) == 0 {
			bad("quota needs a subset, e.g. \"subset\": [{\"dimension\": \"femminile\", \"op\": \"=\", \"value\": true}]")
		}
	} else if len(q.Subset) > 0 || q.Base != "" {
		bad("subset and base apply only to the metric quota")
	}

	var err error
	if p.from, err = parseDate("from", q.From); err != nil {
		bad("%v", err)
	}
	if p.to, err = parseDate("to", q.To); err != nil {
		bad("%v", err)
	}
	if p.asOf, err = parseDate("as_of", q.AsOf); err != nil {
		bad("%v", err)
	}
	if !p.from.IsZero() && !p.to.IsZero() && p.to.Before(p.from) {
		bad("to (%s) is before from (%s)", q.To, q.From)
	}
	if q.TimeGrain != "" {
		g, ok := grains[strings.ToLower(q.TimeGrain)]
		if !ok {
			bad("unknown time_grain %q: use month, quarter or year", q.TimeGrain)
		}
		p.grain = g
	}
	if q.CompareTo != "" {
		c, ok := compares[strings.ToLower(q.CompareTo)]
		if !ok {
			bad("unknown compare_to %q: use previous_period or previous_year", q.CompareTo)
		}
		p.q.CompareTo = c
	}

	kind := p.effectiveKind()
	for _, name := range q.GroupBy {
		d, ok := cat.Dimension(strings.TrimSpace(name))
		switch {
		case !ok:
			bad("unknown dimension %q in group_by%s", name, didYouMean(name, cat.DimensionNames()))
		case !d.AppliesTo(p.source):
			bad("dimension %q does not apply to %s (source %s)", name, m.Name, p.source)
		case slices.Contains(p.groupBy, d):
			bad("dimension %q appears twice in group_by", name)
		default:
			p.groupBy = append(p.groupBy, d)
			if d.Type == catalog.TypeTime && kind == catalog.KindStock {
				p.series = true
			}
		}
	}
	if p.grain != "" && kind == catalog.KindStock {
		p.series = true
	}
	if p.grain != "" && m.Kind == catalog.KindGrowth {
		bad("tasso_crescita is computed over one period: drop time_grain and ask one period at a time")
	}
	if m.Kind == catalog.KindGrowth && (p.from.IsZero() || p.to.IsZero()) {
		bad("tasso_crescita needs a period: give from and to")
	}
	if p.series && (p.from.IsZero() || p.to.IsZero()) && q.CompareTo == "" {
		// A series of snapshots without bounds is every snapshot: fine, no error.
		_ = 0
	}
	if p.series && q.CompareTo == "previous_period" {
		bad("compare_to previous_period does not apply to a series of snapshots: use previous_year")
	}
	if p.grain != "" && p.q.CompareTo == "previous_period" && !wholeMonths(p.from, p.to) {
		bad("compare_to previous_period with a time_grain needs from/to on whole months")
	}
	if p.q.CompareTo == "previous_period" && kind != catalog.KindStock && (p.from.IsZero() || p.to.IsZero()) {
		bad("compare_to previous_period needs from and to")
	}

	p.filters = typeFilters(cat, p.source, "filters", q.Filters, bad)
	p.subset = typeFilters(cat, p.source, "subset", q.Subset, bad)

	if q.Limit < 0 || q.Limit > maxRows {
		bad("limit must be between 1 and %d", maxRows)
	}
	if q.Order != nil {
		by := strings.ToLower(q.Order.By)
		okBy := by == "value" || by == "valore" || (by == "periodo" && (p.grain != "" || p.series))
		for _, d := range p.groupBy {
			okBy = okBy || by == d.Name
		}
		if !okBy {
			bad("order by %q: use value, periodo (with a time grain) or a dimension in group_by", q.Order.By)
		}
		if d := strings.ToLower(q.Order.Dir); d != "" && d != "asc" && d != "desc" {
			bad("order direction %q: use asc or desc", q.Order.Dir)
		}
	}
	if len(errs) > 0 {
		return nil, invalid(errs)
	}
	return p, nil
}

// effectiveMetric is the metric that decides the query's shape: the base's for quota.
func (p *plan) effectiveMetric() *catalog.Metric {
	if p.base != nil {
		return p.base
	}
	return p.metric
}

// effectiveKind is the kind that decides the query's shape (the base's for quota).
func (p *plan) effectiveKind() string { return p.effectiveMetric().Kind }

func typeFilters(cat *catalog.Catalog, source, field string, in []Filter, bad func(string, ...any)) []typedFilter {
	var out []typedFilter
	for i, f := range in {
		where := fmt.Sprintf("%s[%d]", field, i)
		d, ok := cat.Dimension(strings.TrimSpace(f.Dimension))
		if !ok {
			bad("%s: unknown dimension %q%s", where, f.Dimension, didYouMean(f.Dimension, cat.DimensionNames()))
			continue
		}
		if !d.AppliesTo(source) {
			bad("%s: dimension %q does not apply to source %s", where, d.Name, source)
			continue
		}
		op := strings.ToLower(strings.TrimSpace(f.Op))
		if op == "" {
			op = "="
			if len(f.Values) > 0 {
				op = "in"
			}
		}
		raw := f.Values
		if f.Value != nil {
			raw = append([]any{f.Value}, raw...)
		}
		tf := typedFilter{dim: d, op: op}
		switch op {
		case "=", "!=", "<", "<=", ">", ">=":
			if len(raw) != 1 {
				bad("%s: op %s takes one value", where, op)
				continue
			}
		case "in", "not_in":
			if len(raw) == 0 {
				bad("%s: op %s needs values", where, op)
				continue
			}
		case "between":
			if len(raw) != 2 {
				bad("%s: between takes two values [low, high]", where)
				continue
			}
		default:
			bad("%s: unknown op %q: use =, !=, in, not_in, <, <=, >, >=, between", where, f.Op)
			continue
		}
		ordered := op == "<" || op == "<=" || op == ">" || op == ">=" || op == "between"
		if ordered && d.Type != catalog.TypeMonths && d.Type != catalog.TypeTime {
			bad("%s: op %s applies only to anzianita (months) and time dimensions", where, op)
			continue
		}
		for _, v := range raw {
			tv, err := typeValue(d, v, ordered)
			if err != nil {
				bad("%s: %v", where, err)
				continue
			}
			if (op == "in" || op == "not_in") && slices.Contains(tf.values, tv) {
				continue // a repeated value: the same rows
			}
			tf.values = append(tf.values, tv)
		}
		if len(tf.values) == 1 && (op == "in" || op == "not_in") {
			// One value is an equality: the aggregates and the first occurrences (distinct.go)
			// serve it as such.
			tf.op = map[string]string{"in": "=", "not_in": "!="}[op]
		}
		out = append(out, tf)
	}
	return out
}

func typeValue(d *catalog.Dimension, v any, ordered bool) (any, error) {
	switch d.Type {
	case catalog.TypeBool:
		switch x := v.(type) {
		case bool:
			return x, nil
		case string:
			switch catalog.Fold(x) {
			case "true", "si", "sì", "yes", "s", "1":
				return true, nil
			case "false", "no", "n", "0":
				return false, nil
			}
		}
		return nil, fmt.Errorf("dimension %s takes true or false, got %v", d.Name, v)
	case catalog.TypeMonths:
		if ordered {
			n, err := toInt(v)
			if err != nil || n < 0 {
				return nil, fmt.Errorf("anzianita ranges are in months (a whole number ≥ 0), got %v", v)
			}
			return n, nil
		}
		return fmt.Sprint(v), nil
	case catalog.TypeTime:
		if d.Name == "anno" {
			n, err := toInt(v)
			if err != nil || n < 1900 || n > 2200 {
				return nil, fmt.Errorf("anno takes a year such as 2020, got %v", v)
			}
			return n, nil
		}
		return fmt.Sprint(v), nil
	case catalog.TypePrefix:
		a, err := codes.ParseAteco(fmt.Sprint(v))
		if err != nil {
			return nil, err
		}
		return a.Code, nil
	default:
		s, ok := v.(string)
		if !ok {
			s = fmt.Sprint(v)
		}
		if d.Name == "sezione_ateco" {
			s = strings.ToUpper(strings.TrimSpace(s))
		}
		canon, ok := d.CanonicalValue(s)
		if !ok {
			return nil, fmt.Errorf("%s has no value %q%s", d.Name, s, didYouMean(s, d.Values))
		}
		return canon, nil
	}
}

func toInt(v any) (int, error) {
	switch x := v.(type) {
	case float64:
		if x != math.Trunc(x) {
			return 0, errors.New("not a whole number")
		}
		return int(x), nil
	case int:
		return x, nil
	case string:
		return strconv.Atoi(strings.TrimSpace(x))
	}
	return 0, fmt.Errorf("not a number: %v", v)
}

func parseDate(field, s string) (time.Time, error) {
	if s == "" {
		return time.Time{}, nil
	}
	t, err := time.Parse(time.DateOnly, s)
	if err != nil {
		return time.Time{}, fmt.Errorf("%s %q is not a date YYYY-MM-DD", field, s)
	}
	return t, nil
}

func wholeMonths(from, to time.Time) bool {
	return !from.IsZero() && !to.IsZero() && from.Day() == 1 && to.AddDate(0, 0, 1).Day() == 1
}

func didYouMean(s string, candidates []string) string {
	if sug := catalog.Suggest(s, candidates); len(sug) > 0 {
		return " (did you mean " + strings.Join(sug, ", ") + "?)"
	}
	return ""
}

func invalid(errs []string) error {
	return db.Errorf(db.CodeInvalid, "invalid query: %s", strings.Join(errs, "; "))
}
