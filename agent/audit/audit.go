// Package audit appends to and reads the audit log: who did what, when, to what, and how many
// rows it touched. The log lives in schema `audit`; the database chains every row to the
// previous one with SHA-256 and refuses UPDATE, DELETE and TRUNCATE, and the application's role
// may only read and append there (migration 00040, scripts/setup.sh, docs/security.md).
//
// The detail of an entry may hold personal data (a codice fiscale looked up, a username that
// failed to log in): the log is readable by admins only, and this package never logs anything.
package audit

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"regexp"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"

	"github.com/comune-bologna/conoscenza/ingest/db"
)

// DBTX is what the log needs from a pool or a transaction (pgxpool.Pool and pgx.Tx satisfy it).
type DBTX interface {
	Exec(ctx context.Context, sql string, args ...any) (pgconn.CommandTag, error)
	Query(ctx context.Context, sql string, args ...any) (pgx.Rows, error)
	QueryRow(ctx context.Context, sql string, args ...any) pgx.Row
}

// Entry is one event to record.
type Entry struct {
	Actor  string // who: a username, "system", "cli:<os user>"; required
	Action string // what: one of the Action constants, or another dotted lower-case name
	Object string // on what: "user:mario", "conversation:<uuid>", "document:12"; may be empty
	Detail any    // anything else, marshalled to a JSON object; nil means {}
	Rows   *int   // how many rows the action read or wrote, when that means something
}

// Record is an entry as stored, with its place in the chain.
type Record struct {
	ID       int64           `json:"id"`
	At       time.Time       `json:"at"`
	Actor    string          `json:"actor"`
	Action   string          `json:"action"`
	Object   string          `json:"object"`
	Detail   json.RawMessage `json:"detail"`
	Rows     *int            `json:"rows,omitempty"`
	PrevHash string          `json:"prev_hash"`
	Hash     string          `json:"hash"`
}

// N is a convenience for Entry.Rows.
func N(rows int) *int { return &rows }

var actionRE = regexp.MustCompile(`^[a-z][a-z0-9_]*(\.[a-z0-9_]+)*$`)

// Log is the audit log over a pool.
type Log struct{ db DBTX }

// New returns the audit log stored in db.
func New(db DBTX) *Log { return &Log{db: db} }

// Append records e and returns it as stored.
func (l *Log) Append(ctx context.Context, e Entry) (Record, error) { return Append(ctx, l.db, e) }

// Append records e through db, which may be a transaction: the entry then commits or rolls
// back with the change it describes. The chain trigger holds the chain head until the
// transaction ends, so keep such transactions short.
func Append(ctx context.Context, q DBTX, e Entry) (Record, error) {
	e.Actor = strings.TrimSpace(e.Actor)
	if e.Actor == "" {
		return Record{}, db.Errorf(db.CodeInvalid, "audit: actor is required")
	}
	if !actionRE.MatchString(e.Action) {
		return Record{}, db.Errorf(db.CodeInvalid, "audit: action %q is not a dotted lower-case name", e.Action)
	}
	detail, err := detailJSON(e.Detail)
	if err != nil {
		return Record{}, err
	}
	// id, at, prev_hash and hash are the chain trigger's to set.
	row := q.QueryRow(ctx, `
		INSERT INTO audit.audit_log (actor, action, object, detail, rows)
		VALUES ($1, $2, $3, $4, $5)
		RETURNING id, at, actor, action, object, detail, rows, prev_hash, hash`,
		e.Actor, e.Action, e.Object, detail, e.Rows)
	r, err := scanRecord(row)
	if err != nil {
		return Record{}, fmt.Errorf("audit append %s: %w", e.Action, err)
	}
	return r, nil
}

func detailJSON(d any) ([]byte, error) {
	switch v := d.(type) {
	case nil:
		return []byte("{}"), nil
	case json.RawMessage:
		if len(v) == 0 {
			return []byte("{}"), nil
		}
	}
	b, err := json.Marshal(d)
	if err != nil {
		return nil, fmt.Errorf("audit detail: %w", err)
	}
	if string(b) == "null" { // a nil map or pointer
		return []byte("{}"), nil
	}
	if len(b) == 0 || b[0] != '{' {
		return nil, db.Errorf(db.CodeInvalid, "audit: detail must be a JSON object")
	}
	return b, nil
}

const recordColumns = `id, at, actor, action, object, detail, rows, prev_hash, hash`

func scanRecord(row pgx.Row) (Record, error) {
	var r Record
	var detail []byte
	var rows *int32
	if err := row.Scan(&r.ID, &r.At, &r.Actor, &r.Action, &r.Object, &detail, &rows, &r.PrevHash, &r.Hash); err != nil {
		return Record{}, err
	}
	r.Detail = json.RawMessage(detail)
	if rows != nil {
		n := int(*rows)
		r.Rows = &n
	}
	return r, nil
}

// Filter selects entries for List. Zero fields do not filter.
type Filter struct {
	Since, Until time.Time // at >= Since, at < Until
	Actor        string    // exact actor
	Action       string    // exact action, or a prefix when it ends with "." or "*" ("login.")
	Limit        int       // the newest Limit entries (default 100, at most 10000)
}

// List returns the newest entries that match f, oldest first.
func (l *Log) List(ctx context.Context, f Filter) ([]Record, error) {
	if f.Limit <= 0 {
		f.Limit = 100
	}
	if f.Limit > 10000 {
		f.Limit = 10000
	}
	var conds []string
	var args []any
	add := func(cond string, v any) {
		args = append(args, v)
		conds = append(conds, fmt.Sprintf(cond, len(args)))
	}
	if !f.Since.IsZero() {
		add("at >= $%d", f.Since)
	}
	if !f.Until.IsZero() {
		add("at < $%d", f.Until)
	}
	if f.Actor != "" {
		add("actor = $%d", f.Actor)
	}
	if a := f.Action; a != "" {
		if p, ok := strings.CutSuffix(a, "*"); ok || strings.HasSuffix(a, ".") {
			add("starts_with(action, $%d)", p)
		} else {
			add("action = $%d", a)
		}
	}
	where := ""
	if len(conds) > 0 {
		where = "WHERE " + strings.Join(conds, " AND ")
	}
	args = append(args, f.Limit)
	q := fmt.Sprintf(`SELECT * FROM (SELECT %s FROM audit.audit_log %s ORDER BY id DESC LIMIT $%d) t ORDER BY id`,
		recordColumns, where, len(args))
	rows, err := l.db.Query(ctx, q, args...)
	if err != nil {
		return nil, fmt.Errorf("audit list: %w", explain(err))
	}
	defer rows.Close()
	var out []Record
	for rows.Next() {
		r, err := scanRecord(rows)
		if err != nil {
			return nil, fmt.Errorf("audit list: %w", err)
		}
		out = append(out, r)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("audit list: %w", explain(err))
	}
	return out, nil
}

// explain adds the fix to the error a database without migration 00040 gives.
func explain(err error) error {
	var pgErr *pgconn.PgError
	if errors.As(err, &pgErr) && (pgErr.Code == "42P01" || pgErr.Code == "3F000") {
		return fmt.Errorf("%w (the audit schema is missing: run `conoscenza migrate`)", err)
	}
	return err
}
