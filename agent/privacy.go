package agent

import (
	"context"
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/comune-bologna/conoscenza/agent/audit"
	"github.com/comune-bologna/conoscenza/agent/tool"
	"github.com/comune-bologna/conoscenza/ingest/db"
)

// Audit actions of the privacy functions (audit.Export covers the export).
const (
	ActionDeleteAll = "conversation.delete_all" // a user deleted all their conversations
	ActionPurge     = "conversation.purge"      // the retention purge deleted old conversations
)

// DefaultRetention is how long a conversation is kept after its last update when
// CONOSCENZA_RETENTION is not set.
const DefaultRetention = 365 * 24 * time.Hour

// ParseRetention reads a retention period: "180d" (days), a Go duration ("720h"), or "0" to
// keep conversations until their user deletes them. Empty means DefaultRetention.
func ParseRetention(v string) (time.Duration, error) {
	v = strings.TrimSpace(v)
	switch {
	case v == "":
		return DefaultRetention, nil
	case v == "0":
		return 0, nil
	case strings.HasSuffix(v, "d"):
		n, err := strconv.Atoi(strings.TrimSuffix(v, "d"))
		if err != nil || n < 0 || n > 100*365 {
			return 0, fmt.Errorf("retention %q: want a number of days such as 180d, or 0", v)
		}
		return time.Duration(n) * 24 * time.Hour, nil
	}
	d, err := time.ParseDuration(v)
	if err != nil || d < 0 {
		return 0, fmt.Errorf("retention %q: want days such as 180d, a duration such as 720h, or 0", v)
	}
	return d, nil
}

// Actor names a principal in the audit log as the agent does: the username, else the role.
func Actor(p tool.Principal) string { return actor(p) }

// ExportedToolCall is one stored step of an answer: a tool call with its SQL.
type ExportedToolCall struct {
	Step       int             `json:"step"`
	Tool       string          `json:"tool"`
	Arguments  json.RawMessage `json:"arguments"`
	Result     json.RawMessage `json:"result,omitempty"`
	SQL        *string         `json:"sql,omitempty"`
	Rows       *int            `json:"rows,omitempty"`
	DurationMS *int            `json:"duration_ms,omitempty"`
	Error      *string         `json:"error,omitempty"`
	CreatedAt  time.Time       `json:"created_at"`
}

// ExportedFeedback is a thumb given on an answer.
type ExportedFeedback struct {
	Rating    int       `json:"rating"`
	Comment   string    `json:"comment"`
	CreatedAt time.Time `json:"created_at"`
}

// ExportedMessage is a message with its steps and feedback.
type ExportedMessage struct {
	StoredMessage
	ToolCalls []ExportedToolCall `json:"tool_calls"`
	Feedback  []ExportedFeedback `json:"feedback"`
}

// ExportedConversation is one conversation with everything stored about it.
type ExportedConversation struct {
	ID        string            `json:"id"`
	Title     string            `json:"title"`
	CreatedAt time.Time         `json:"created_at"`
	UpdatedAt time.Time         `json:"updated_at"`
	Messages  []ExportedMessage `json:"messages"`
}

// Export is everything the store keeps about one user's conversations (GDPR art. 15 and 20).
type Export struct {
	ExportedAt    time.Time              `json:"exported_at"`
	Conversations []ExportedConversation `json:"conversations"`
}

// Messages returns how many messages the export holds.
func (e *Export) Messages() int {
	n := 0
	for _, c := range e.Conversations {
		n += len(c.Messages)
	}
	return n
}

// Export returns every conversation of the user, oldest first, with messages, tool calls
// (SQL included) and feedback, from one snapshot. Unlike List it has no limit: it is the
// user's copy of their data.
func (s *Store) Export(ctx context.Context, userID int64) (*Export, error) {
	tx, err := s.Pool.BeginTx(ctx, pgx.TxOptions{IsoLevel: pgx.RepeatableRead, AccessMode: pgx.ReadOnly})
	if err != nil {
		return nil, db.Translate(err, "export conversations")
	}
	defer tx.Rollback(ctx) //nolint:errcheck // read-only
	u := nullUser(userID)
	out := &Export{ExportedAt: time.Now().UTC(), Conversations: []ExportedConversation{}}
	convs := map[string]int{}
	rows, err := tx.Query(ctx, `SELECT id::text, title, created_at, updated_at FROM conversations
		WHERE user_id IS NOT DISTINCT FROM $1 ORDER BY created_at, id`, u)
	if err != nil {
		return nil, db.Translate(err, "export conversations")
	}
	for rows.Next() {
		var c ExportedConversation
		if err := rows.Scan(&c.ID, &c.Title, &c.CreatedAt, &c.UpdatedAt); err != nil {
			return nil, db.Translate(err, "export conversations")
		}
		c.Messages = []ExportedMessage{}
		convs[c.ID] = len(out.Conversations)
		out.Conversations = append(out.Conversations, c)
	}
	if err := rows.Err(); err != nil {
		return nil, db.Translate(err, "export conversations")
	}
	// where[message id] locates a message: conversation index, message index.
	where := map[int64][2]int{}
	rows, err = tx.Query(ctx, `SELECT m.conversation_id::text, m.id, m.role, m.content, COALESCE(m.mode, ''),
		COALESCE(m.prompt_version, ''), m.payload, m.created_at
		FROM messages m JOIN conversations c ON c.id = m.conversation_id
		WHERE c.user_id IS NOT DISTINCT FROM $1 ORDER BY m.id`, u)
	if err != nil {
		return nil, db.Translate(err, "export messages")
	}
	for rows.Next() {
		var conv string
		var m ExportedMessage
		if err := rows.Scan(&conv, &m.ID, &m.Role, &m.Content, &m.Mode, &m.PromptVersion, &m.Payload, &m.CreatedAt); err != nil {
			return nil, db.Translate(err, "export messages")
		}
		m.ToolCalls, m.Feedback = []ExportedToolCall{}, []ExportedFeedback{}
		ci, ok := convs[conv]
		if !ok {
			continue
		}
		where[m.ID] = [2]int{ci, len(out.Conversations[ci].Messages)}
		out.Conversations[ci].Messages = append(out.Conversations[ci].Messages, m)
	}
	if err := rows.Err(); err != nil {
		return nil, db.Translate(err, "export messages")
	}
	rows, err = tx.Query(ctx, `SELECT t.message_id, t.step, t.tool, t.arguments, t.result, t.sql_text, t.rows,
		t.duration_ms, t.error, t.created_at
		FROM tool_calls t JOIN messages m ON m.id = t.message_id JOIN conversations c ON c.id = m.conversation_id
		WHERE c.user_id IS NOT DISTINCT FROM $1 ORDER BY t.message_id, t.step, t.id`, u)
	if err != nil {
		return nil, db.Translate(err, "export tool calls")
	}
	for rows.Next() {
		var id int64
		var tc ExportedToolCall
		if err := rows.Scan(&id, &tc.Step, &tc.Tool, &tc.Arguments, &tc.Result, &tc.SQL, &tc.Rows, &tc.DurationMS, &tc.Error, &tc.CreatedAt); err != nil {
			return nil, db.Translate(err, "export tool calls")
		}
		if w, ok := where[id]; ok {
			m := &out.Conversations[w[0]].Messages[w[1]]
			m.ToolCalls = append(m.ToolCalls, tc)
		}
	}
	if err := rows.Err(); err != nil {
		return nil, db.Translate(err, "export tool calls")
	}
	rows, err = tx.Query(ctx, `SELECT f.message_id, f.rating, f.comment, f.created_at
		FROM feedback f JOIN messages m ON m.id = f.message_id JOIN conversations c ON c.id = m.conversation_id
		WHERE c.user_id IS NOT DISTINCT FROM $1 ORDER BY f.id`, u)
	if err != nil {
		return nil, db.Translate(err, "export feedback")
	}
	for rows.Next() {
		var id int64
		var f ExportedFeedback
		if err := rows.Scan(&id, &f.Rating, &f.Comment, &f.CreatedAt); err != nil {
			return nil, db.Translate(err, "export feedback")
		}
		if w, ok := where[id]; ok {
			m := &out.Conversations[w[0]].Messages[w[1]]
			m.Feedback = append(m.Feedback, f)
		}
	}
	if err := rows.Err(); err != nil {
		return nil, db.Translate(err, "export feedback")
	}
	return out, nil
}

// DeleteAll removes every conversation of the user, with messages, steps and feedback, and
// returns how many conversations went.
func (s *Store) DeleteAll(ctx context.Context, userID int64) (int, error) {
	tag, err := s.Pool.Exec(ctx, `DELETE FROM conversations WHERE user_id IS NOT DISTINCT FROM $1`, nullUser(userID))
	if err != nil {
		return 0, db.Translate(err, "delete conversations")
	}
	return int(tag.RowsAffected()), nil
}

// RetentionPeriod is the configured retention (0: conversations are kept until deleted).
func (s *Store) RetentionPeriod() time.Duration { return s.Retention }

// PurgeResult counts what a purge deleted (or, in a dry run, would delete).
type PurgeResult struct {
	Conversations int       `json:"conversations"`
	Messages      int       `json:"messages"`
	ToolCalls     int       `json:"tool_calls"`
	Feedback      int       `json:"feedback"`
	Cutoff        time.Time `json:"cutoff"`
	DryRun        bool      `json:"dry_run,omitempty"`
}

// PurgeOptions say who purges and how.
type PurgeOptions struct {
	Actor      string // recorded in the audit log: "system", "cli:<user>"
	DryRun     bool   // count only
	AuditEmpty bool   // record the purge even when nothing went (an explicit run); the ticker does not
}

// Purge deletes every conversation (any user's) not updated for longer than retention and
// records it in the audit log in the same transaction, so the deletion and its record commit
// together. retention 0 purges nothing.
func (s *Store) Purge(ctx context.Context, retention time.Duration, o PurgeOptions) (PurgeResult, error) {
	var r PurgeResult
	if retention <= 0 {
		return r, nil
	}
	r.DryRun = o.DryRun
	tx, err := s.Pool.Begin(ctx)
	if err != nil {
		return r, db.Translate(err, "purge")
	}
	defer tx.Rollback(ctx) //nolint:errcheck // committed below
	// now() is the transaction's start: the count and the delete use one cutoff.
	err = tx.QueryRow(ctx, `WITH old AS (
			SELECT id FROM conversations WHERE updated_at < now() - make_interval(secs => $1) FOR UPDATE),
		msg AS (SELECT m.id FROM messages m JOIN old ON old.id = m.conversation_id)
		SELECT now() - make_interval(secs => $1),
			(SELECT count(*) FROM old)::int, (SELECT count(*) FROM msg)::int,
			(SELECT count(*) FROM tool_calls t JOIN msg ON msg.id = t.message_id)::int,
			(SELECT count(*) FROM feedback f JOIN msg ON msg.id = f.message_id)::int`,
		retention.Seconds()).Scan(&r.Cutoff, &r.Conversations, &r.Messages, &r.ToolCalls, &r.Feedback)
	if err != nil {
		return r, db.Translate(err, "purge: count")
	}
	if o.DryRun {
		return r, nil
	}
	if r.Conversations > 0 {
		tag, err := tx.Exec(ctx, `DELETE FROM conversations WHERE updated_at < $1`, r.Cutoff)
		if err != nil {
			return r, db.Translate(err, "purge: delete")
		}
		r.Conversations = int(tag.RowsAffected())
	}
	if r.Conversations > 0 || o.AuditEmpty {
		actor := o.Actor
		if actor == "" {
			actor = "system"
		}
		_, err := audit.Append(ctx, tx, audit.Entry{Actor: actor, Action: ActionPurge, Object: "conversations",
			Rows: audit.N(r.Conversations), Detail: map[string]any{"retention_hours": retention.Hours(),
				"cutoff": r.Cutoff, "messages": r.Messages, "tool_calls": r.ToolCalls, "feedback": r.Feedback}})
		if err != nil {
			return r, fmt.Errorf("purge: audit: %w", err)
		}
	}
	return r, db.Translate(tx.Commit(ctx), "purge")
}
