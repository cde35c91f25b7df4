// Package sqlguard is the free-SQL tool's first wall: it parses a statement with PostgreSQL's
// own parser (libpg_query) and accepts one plain SELECT over the allow-listed views of schema
// api, calling only allow-listed functions. The second, real wall is the database role the
// statement then runs as: read-only, with a statement timeout and no access to the
// application's tables.
package sqlguard

import (
	"encoding/json"
	"fmt"
	"slices"
	"strings"

	pgquery "github.com/pganalyze/pg_query_go/v6"
)

// Views are the relations free SQL may read (schema api; see migration 00030).
var Views = []string{
	"imprese", "imprese_storia", "imprese_eventi", "register_snapshots", "cig_domande",
	"suap_pratiche", "contributi", "stradario", "ateco_sezioni", "ateco_divisioni", "quartieri",
}

// Functions are the functions free SQL may call: aggregates, window functions and pure scalar
// functions. Anything else (pg_sleep, set_config, nextval, dblink, lo_import, pg_read_file,
// advisory locks...) is refused by omission.
var Functions = []string{
	"count", "sum", "avg", "min", "max", "round", "trunc", "floor", "ceil", "ceiling", "abs", "sign",
	"mod", "power", "sqrt", "ln", "log", "exp", "div",
	"date_trunc", "date_part", "extract", "to_char", "to_date", "to_number", "make_date", "make_interval",
	"age", "now", "date", "justify_interval",
	"lower", "upper", "initcap", "trim", "btrim", "ltrim", "rtrim", "length", "char_length", "substr",
	"substring", "left", "right", "replace", "concat", "concat_ws", "split_part", "position", "strpos",
	"lpad", "rpad", "starts_with", "format",
	"string_agg", "array_agg", "percentile_cont", "percentile_disc", "mode", "stddev", "stddev_samp",
	"stddev_pop", "variance", "var_samp", "var_pop", "corr", "bool_and", "bool_or", "every",
	"rank", "dense_rank", "row_number", "ntile", "lag", "lead", "first_value", "last_value",
	"percent_rank", "cume_dist", "nth_value", "generate_series", "unnest", "array_length", "cardinality",
	"json_agg", "jsonb_agg", "json_build_object", "jsonb_build_object",
}

// Error is a refusal with a reason a user can act on.
type Error struct{ Reason string }

func (e *Error) Error() string { return "query refused: " + e.Reason }

func refuse(format string, args ...any) error { return &Error{Reason: fmt.Sprintf(format, args...)} }

// Check parses sql and returns nil only for a single plain SELECT over allowed views and
// functions.
func Check(sql string) error {
	if strings.TrimSpace(sql) == "" {
		return refuse("empty statement")
	}
	if len(sql) > 20000 {
		return refuse("statement longer than 20000 characters")
	}
	tree, err := pgquery.ParseToJSON(sql)
	if err != nil {
		return refuse("not valid SQL: %v", err)
	}
	var root struct {
		Stmts []struct {
			Stmt map[string]any `json:"stmt"`
		} `json:"stmts"`
	}
	if err := json.Unmarshal([]byte(tree), &root); err != nil {
		return fmt.Errorf("read parse tree: %w", err)
	}
	if len(root.Stmts) != 1 {
		return refuse("exactly one statement is allowed, found %d", len(root.Stmts))
	}
	stmt := root.Stmts[0].Stmt
	if _, ok := stmt["SelectStmt"]; !ok {
		for k := range stmt {
			return refuse("only SELECT is allowed, not %s", strings.TrimSuffix(k, "Stmt"))
		}
	}
	w := &walker{ctes: map[string]bool{}}
	w.collectCTEs(stmt)
	return w.walk(stmt)
}

type walker struct {
	ctes map[string]bool
}

func (w *walker) collectCTEs(n any) {
	switch x := n.(type) {
	case map[string]any:
		if cte, ok := x["CommonTableExpr"].(map[string]any); ok {
			if name, ok := cte["ctename"].(string); ok {
				w.ctes[name] = true
			}
		}
		for _, v := range x {
			w.collectCTEs(v)
		}
	case []any:
		for _, v := range x {
			w.collectCTEs(v)
		}
	}
}

func (w *walker) walk(n any) error {
	switch x := n.(type) {
	case map[string]any:
		for k, v := range x {
			if err := w.node(k, v); err != nil {
				return err
			}
			if err := w.walk(v); err != nil {
				return err
			}
		}
	case []any:
		for _, v := range x {
			if err := w.walk(v); err != nil {
				return err
			}
		}
	}
	return nil
}

func (w *walker) node(kind string, v any) error {
	m, _ := v.(map[string]any)
	switch {
	case kind == "SelectStmt":
		return nil
	case strings.HasSuffix(kind, "Stmt"):
		return refuse("%s is not allowed inside a query (only SELECT)", strings.TrimSuffix(kind, "Stmt"))
	case kind == "lockingClause":
		return refuse("SELECT ... FOR UPDATE/SHARE is not allowed: locking needs write access")
	case kind == "intoClause":
		return refuse("SELECT INTO is not allowed: it creates a table")
	case kind == "RangeVar":
		return w.relation(m)
	case kind == "FuncCall":
		return function(m)
	case kind == "TypeCast":
		return typeCast(m)
	case kind == "ParamRef":
		return refuse("parameters ($1) are not allowed in free SQL")
	}
	return nil
}

func (w *walker) relation(m map[string]any) error {
	schema, _ := m["schemaname"].(string)
	name, _ := m["relname"].(string)
	if catalog, _ := m["catalogname"].(string); catalog != "" {
		return refuse("relation %s.%s.%s: database-qualified names are not allowed", catalog, schema, name)
	}
	if schema == "" && w.ctes[name] {
		return nil
	}
	if (schema == "" || schema == "api") && slices.Contains(Views, name) {
		return nil
	}
	full := name
	if schema != "" {
		full = schema + "." + name
	}
	return refuse("relation %s is not allowed: use the views %s", full, strings.Join(Views, ", "))
}

func names(list any) []string {
	var out []string
	items, _ := list.([]any)
	for _, it := range items {
		if s, ok := it.(map[string]any)["String"].(map[string]any); ok {
			out = append(out, fmt.Sprint(s["sval"]))
		}
	}
	return out
}

func function(m map[string]any) error {
	parts := names(m["funcname"])
	if len(parts) == 0 {
		return refuse("unnamed function call")
	}
	name := parts[len(parts)-1]
	if len(parts) > 2 || len(parts) == 2 && parts[0] != "pg_catalog" {
		return refuse("function %s is not allowed", strings.Join(parts, "."))
	}
	if !slices.Contains(Functions, strings.ToLower(name)) {
		return refuse("function %s is not allowed in free SQL", name)
	}
	return nil
}

func typeCast(m map[string]any) error {
	tn, _ := m["typeName"].(map[string]any)
	parts := names(tn["names"])
	if len(parts) == 0 {
		return nil
	}
	t := strings.ToLower(parts[len(parts)-1])
	if strings.HasPrefix(t, "reg") || t == "oid" || t == "xid" || t == "tid" || t == "lo" {
		return refuse("casting to %s is not allowed: it reads the system catalog", t)
	}
	return nil
}
