package sqlguard

import (
	"context"
	"encoding/json"
	"fmt"
	"math"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgtype"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/comune-bologna/conoscenza/ingest/db"
)

// Limits bound what one free-SQL statement may cost.
type Limits struct {
	MaxRows int           // rows returned at most (default 1000)
	Timeout time.Duration // statement timeout (default 5s)
	MaxCost float64       // planner's estimated total cost above which the statement is refused (default 2e6)
}

func (l Limits) withDefaults() Limits {
	if l.MaxRows <= 0 {
		l.MaxRows = 1000
	}
	if l.Timeout <= 0 {
		l.Timeout = 5 * time.Second
	}
	if l.MaxCost <= 0 {
		l.MaxCost = 2e6
	}
	return l
}

// Column describes a result column.
type Column struct {
	Name string `json:"name"`
	Type string `json:"type"` // text, number, date, bool
}

// Result is what a free-SQL statement returned.
type Result struct {
	SQL       string   `json:"sql"`
	Columns   []Column `json:"columns"`
	Rows      [][]any  `json:"rows"`
	RowCount  int      `json:"row_count"`
	Truncated bool     `json:"truncated"`
	Cost      float64  `json:"estimated_cost"`
}

// Runner runs checked statements on a pool that connects as the read-only role.
type Runner struct {
	Pool   *pgxpool.Pool
	Limits Limits
}

// Run checks sql, refuses it if the planner expects it to be too expensive, and runs it in a
// READ ONLY transaction with search_path api and a statement timeout.
func (r *Runner) Run(ctx context.Context, sql string) (*Result, error) {
	if err := Check(sql); err != nil {
		return nil, &db.Error{Code: db.CodeInvalid, Message: err.Error(), Err: err}
	}
	lim := r.Limits.withDefaults()
	tx, err := r.Pool.BeginTx(ctx, pgx.TxOptions{AccessMode: pgx.ReadOnly})
	if err != nil {
		return nil, db.Translate(err, "begin read-only transaction")
	}
	defer tx.Rollback(ctx) //nolint:errcheck // read-only
	if _, err := tx.Exec(ctx, fmt.Sprintf("SET LOCAL statement_timeout = %d", lim.Timeout.Milliseconds())); err != nil {
		return nil, db.Translate(err, "set statement timeout")
	}
	if _, err := tx.Exec(ctx, "SET LOCAL search_path = api"); err != nil {
		return nil, db.Translate(err, "set search path")
	}
	cost, err := estimate(ctx, tx, sql)
	if err != nil {
		return nil, &db.Error{Code: db.CodeInvalid, Message: "query refused: " + err.Error(), Err: err}
	}
	if cost > lim.MaxCost {
		return nil, db.Errorf(db.CodeInvalid, "query refused: too expensive (estimated cost %.0f, limit %.0f): add filters or aggregate", cost, lim.MaxCost)
	}
	rows, err := tx.Query(ctx, sql, pgx.QueryExecModeSimpleProtocol)
	if err != nil {
		return nil, db.Translate(err, "run free SQL")
	}
	defer rows.Close()
	res := &Result{SQL: sql, Cost: cost}
	for _, fd := range rows.FieldDescriptions() {
		res.Columns = append(res.Columns, Column{Name: fd.Name, Type: typeName(fd.DataTypeOID)})
	}
	for rows.Next() {
		if len(res.Rows) == lim.MaxRows {
			res.Truncated = true
			break
		}
		vals, err := rows.Values()
		if err != nil {
			return nil, db.Translate(err, "read free SQL result")
		}
		for i, v := range vals {
			vals[i] = normalise(v)
		}
		res.Rows = append(res.Rows, vals)
	}
	if err := rows.Err(); err != nil {
		return nil, db.Translate(err, "run free SQL")
	}
	res.RowCount = len(res.Rows)
	return res, nil
}

// estimate asks the planner for the statement's total cost without running it.
func estimate(ctx context.Context, tx pgx.Tx, sql string) (float64, error) {
	var plan []byte
	if err := tx.QueryRow(ctx, "EXPLAIN (FORMAT JSON) "+sql, pgx.QueryExecModeSimpleProtocol).Scan(&plan); err != nil {
		return 0, err
	}
	var out []struct {
		Plan struct {
			TotalCost float64 `json:"Total Cost"`
		} `json:"Plan"`
	}
	if err := json.Unmarshal(plan, &out); err != nil || len(out) == 0 {
		return 0, fmt.Errorf("read plan: %v", err)
	}
	return out[0].Plan.TotalCost, nil
}

func typeName(oid uint32) string {
	switch oid {
	case pgtype.Int2OID, pgtype.Int4OID, pgtype.Int8OID, pgtype.Float4OID, pgtype.Float8OID, pgtype.NumericOID:
		return "number"
	case pgtype.DateOID, pgtype.TimestampOID, pgtype.TimestamptzOID:
		return "date"
	case pgtype.BoolOID:
		return "bool"
	}
	return "text"
}

func normalise(v any) any {
	switch x := v.(type) {
	case time.Time:
		if x.Hour() == 0 && x.Minute() == 0 && x.Second() == 0 {
			return x.Format(time.DateOnly)
		}
		return x.Format(time.RFC3339)
	case pgtype.Numeric:
		f, err := x.Float64Value()
		if err != nil || !f.Valid {
			return nil
		}
		return math.Round(f.Float64*100) / 100
	case int32:
		return int64(x)
	case int16:
		return int64(x)
	case pgtype.Interval:
		return fmt.Sprintf("%d mesi %d giorni", x.Months, x.Days)
	}
	return v
}
