package agent

import (
	"context"
	"crypto/rand"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/comune-bologna/conoscenza/agent/planner"
	"github.com/comune-bologna/conoscenza/ingest/db"
)

// Store keeps conversations, answers and every step in PostgreSQL (owner role: the read-only
// role cannot read them).
type Store struct {
	Pool *pgxpool.Pool
	// Retention is how long a conversation is kept after its last update (CONOSCENZA_RETENTION;
	// 0: until its user deletes it). Purge takes its own argument; this is what the privacy
	// notice states.
	Retention time.Duration
}

// Conversation is a list entry.
type Conversation struct {
	ID        string    `json:"id"`
	Title     string    `json:"title"`
	CreatedAt time.Time `json:"created_at"`
	UpdatedAt time.Time `json:"updated_at"`
	Messages  int       `json:"messages"`
}

// StoredMessage is one message of a conversation as replayed.
type StoredMessage struct {
	ID            int64           `json:"id"`
	Role          string          `json:"role"`
	Content       string          `json:"content"`
	Mode          string          `json:"mode,omitempty"`
	PromptVersion string          `json:"prompt_version,omitempty"`
	Payload       json.RawMessage `json:"payload,omitempty"`
	CreatedAt     time.Time       `json:"created_at"`
}

func newUUID() string {
	b := make([]byte, 16)
	_, _ = rand.Read(b)
	b[6] = b[6]&0x0f | 0x40
	b[8] = b[8]&0x3f | 0x80
	return fmt.Sprintf("%x-%x-%x-%x-%x", b[0:4], b[4:6], b[6:8], b[8:10], b[10:])
}

func nullUser(id int64) any {
	if id == 0 {
		return nil
	}
	return id
}

// open returns the conversation id to use and the previous planner state: a new conversation
// when id is empty, else the user's own one (not found otherwise).
func (s *Store) open(ctx context.Context, id string, userID int64, question string) (string, *planner.State, error) {
	if id == "" {
		id = newUUID()
		title := []rune(question)
		if len(title) > 80 {
			title = append(title[:77], '…')
		}
		_, err := s.Pool.Exec(ctx, `INSERT INTO conversations (id, user_id, title) VALUES ($1, $2, $3)`, id, nullUser(userID), string(title))
		return id, nil, db.Translate(err, "conversation")
	}
	var owner *int64
	err := s.Pool.QueryRow(ctx, `SELECT user_id FROM conversations WHERE id = $1`, id).Scan(&owner)
	if errors.Is(err, pgx.ErrNoRows) || err == nil && !sameUser(owner, userID) {
		return "", nil, db.Errorf(db.CodeNotFound, "conversation %s not found", id)
	}
	if err != nil {
		return "", nil, db.Translate(err, "conversation")
	}
	var raw []byte
	err = s.Pool.QueryRow(ctx, `SELECT query FROM messages WHERE conversation_id = $1 AND role = 'assistant' AND query IS NOT NULL
		ORDER BY id DESC LIMIT 1`, id).Scan(&raw)
	if errors.Is(err, pgx.ErrNoRows) {
		return id, nil, nil
	}
	if err != nil {
		return "", nil, db.Translate(err, "conversation state")
	}
	var st planner.State
	if err := json.Unmarshal(raw, &st); err != nil {
		return id, nil, nil
	}
	return id, &st, nil
}

func sameUser(owner *int64, user int64) bool {
	if owner == nil {
		return user == 0
	}
	return *owner == user
}

// save stores the question, the answer with its payload, and every step, in one transaction.
func (s *Store) save(ctx context.Context, a *Answer, state *planner.State) error {
	tx, err := s.Pool.Begin(ctx)
	if err != nil {
		return db.Translate(err, "save answer")
	}
	defer tx.Rollback(ctx) //nolint:errcheck // committed below
	if _, err := tx.Exec(ctx, `INSERT INTO messages (conversation_id, role, content) VALUES ($1, 'user', $2)`, a.ConversationID, a.Question); err != nil {
		return db.Translate(err, "save question")
	}
	payload, err := json.Marshal(map[string]any{"tables": a.Tables, "citations": a.Citations, "grounding": a.Grounding,
		"notice": a.Notice, "model": a.Model, "steps": a.Steps})
	if err != nil {
		return fmt.Errorf("encode answer: %w", err)
	}
	var st []byte
	if state != nil {
		st, _ = json.Marshal(state)
	}
	err = tx.QueryRow(ctx, `INSERT INTO messages (conversation_id, role, content, mode, prompt_version, query, payload, duration_ms)
		VALUES ($1, 'assistant', $2, $3, $4, $5, $6, $7) RETURNING id`,
		a.ConversationID, a.Answer, a.Mode, a.PromptVersion, st, payload, a.DurationMS).Scan(&a.MessageID)
	if err != nil {
		return db.Translate(err, "save answer")
	}
	rows := make([][]any, 0, len(a.Steps))
	for _, st := range a.Steps {
		if st.Kind != "tool_call" {
			continue
		}
		var sqlText *string
		if len(st.SQL) > 0 {
			joined := fmt.Sprint(st.SQL)
			sqlText = &joined
		}
		args := st.Arguments
		if len(args) == 0 {
			args = json.RawMessage("{}")
		}
		detail, _ := json.Marshal(st.Detail)
		var errText *string
		if st.Error != "" {
			errText = &st.Error
		}
		rows = append(rows, []any{a.MessageID, st.N, st.Tool, string(args), string(detail), sqlText, st.Rows, st.DurationMS, errText})
	}
	if len(rows) > 0 {
		if _, err := tx.CopyFrom(ctx, pgx.Identifier{"tool_calls"},
			[]string{"message_id", "step", "tool", "arguments", "result", "sql_text", "rows", "duration_ms", "error"}, pgx.CopyFromRows(rows)); err != nil {
			return db.Translate(err, "save tool calls")
		}
	}
	if _, err := tx.Exec(ctx, `UPDATE conversations SET updated_at = now() WHERE id = $1`, a.ConversationID); err != nil {
		return db.Translate(err, "save conversation")
	}
	return db.Translate(tx.Commit(ctx), "save answer")
}

// List returns the user's conversations, newest first.
func (s *Store) List(ctx context.Context, userID int64) ([]Conversation, error) {
	rows, err := s.Pool.Query(ctx, `SELECT c.id::text, c.title, c.created_at, c.updated_at,
		(SELECT count(*) FROM messages m WHERE m.conversation_id = c.id)::int
		FROM conversations c WHERE c.user_id IS NOT DISTINCT FROM $1 ORDER BY c.updated_at DESC LIMIT 200`, nullUser(userID))
	if err != nil {
		return nil, db.Translate(err, "list conversations")
	}
	out, err := pgx.CollectRows(rows, pgx.RowToStructByPos[Conversation])
	if out == nil {
		out = []Conversation{}
	}
	return out, db.Translate(err, "list conversations")
}

// Messages returns a conversation's messages, if it is the user's (any user's when all).
func (s *Store) Messages(ctx context.Context, id string, userID int64, all bool) ([]StoredMessage, error) {
	var owner *int64
	err := s.Pool.QueryRow(ctx, `SELECT user_id FROM conversations WHERE id::text = $1`, id).Scan(&owner)
	if errors.Is(err, pgx.ErrNoRows) || err == nil && !all && !sameUser(owner, userID) {
		return nil, db.Errorf(db.CodeNotFound, "conversation %s not found", id)
	}
	if err != nil {
		return nil, db.Translate(err, "conversation")
	}
	rows, err := s.Pool.Query(ctx, `SELECT id, role, content, COALESCE(mode, ''), COALESCE(prompt_version, ''), payload, created_at
		FROM messages WHERE conversation_id::text = $1 ORDER BY id`, id)
	if err != nil {
		return nil, db.Translate(err, "conversation messages")
	}
	out, err := pgx.CollectRows(rows, pgx.RowToStructByPos[StoredMessage])
	return out, db.Translate(err, "conversation messages")
}

// Delete removes the user's conversation and everything in it.
func (s *Store) Delete(ctx context.Context, id string, userID int64) error {
	tag, err := s.Pool.Exec(ctx, `DELETE FROM conversations WHERE id::text = $1 AND user_id IS NOT DISTINCT FROM $2`, id, nullUser(userID))
	if err != nil {
		return db.Translate(err, "delete conversation")
	}
	if tag.RowsAffected() == 0 {
		return db.Errorf(db.CodeNotFound, "conversation %s not found", id)
	}
	return nil
}

// Feedback records a thumb (+1/-1) and a comment on an answer of the user's conversation.
func (s *Store) Feedback(ctx context.Context, messageID, userID int64, rating int, comment string) error {
	if rating != 1 && rating != -1 {
		return db.Errorf(db.CodeInvalid, "rating must be 1 or -1")
	}
	if len(comment) > 4000 {
		return db.Errorf(db.CodeInvalid, "comment longer than 4000 characters")
	}
	tag, err := s.Pool.Exec(ctx, `INSERT INTO feedback (message_id, user_id, rating, comment)
		SELECT m.id, $2, $3, $4 FROM messages m JOIN conversations c ON c.id = m.conversation_id
		WHERE m.id = $1 AND m.role = 'assistant' AND c.user_id IS NOT DISTINCT FROM $2`, messageID, nullUser(userID), rating, comment)
	if err != nil {
		return db.Translate(err, "feedback")
	}
	if tag.RowsAffected() == 0 {
		return db.Errorf(db.CodeNotFound, "answer %d not found", messageID)
	}
	return nil
}
