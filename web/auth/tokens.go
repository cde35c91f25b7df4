package auth

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/comune-bologna/conoscenza/agent/audit"
	"github.com/comune-bologna/conoscenza/ingest/db"
)

// TokenPrefix starts every API token, so that a leaked one is recognisable by secret scanners.
const TokenPrefix = "czt_"

// Token is an API token as listed: never the secret, which is shown once at creation.
type Token struct {
	ID         int64      `json:"id"`
	Username   string     `json:"username"`
	Name       string     `json:"name"`
	CreatedAt  time.Time  `json:"created_at"`
	LastUsedAt *time.Time `json:"last_used_at,omitempty"`
	RevokedAt  *time.Time `json:"revoked_at,omitempty"`
}

// ErrBadToken is the answer to a missing, unknown or revoked token.
var ErrBadToken = db.Errorf(db.CodeForbidden, "token non valido o revocato")

// hashToken is what the database keeps of a token: a leak of the table gives nothing usable.
// 32 random bytes need no salt or slow hash.
func hashToken(secret string) string {
	sum := sha256.Sum256([]byte(secret))
	return hex.EncodeToString(sum[:])
}

// CreateToken makes an API token for the user called name and returns it with its secret,
// which is not stored and cannot be shown again.
func (s *Store) CreateToken(ctx context.Context, actor, name, label string) (Token, string, error) {
	n, err := NormalizeUsername(name)
	if err != nil {
		return Token{}, "", err
	}
	raw := make([]byte, 32)
	if _, err := rand.Read(raw); err != nil {
		return Token{}, "", fmt.Errorf("token: %w", err)
	}
	secret := TokenPrefix + base64.RawURLEncoding.EncodeToString(raw)
	t := Token{Username: n, Name: strings.TrimSpace(label)}
	err = s.inTx(ctx, func(tx pgx.Tx) error {
		err := tx.QueryRow(ctx, `INSERT INTO api_tokens (user_id, token_hash, name)
			SELECT id, $2, $3 FROM users WHERE username = $1 RETURNING id, created_at`,
			n, hashToken(secret), t.Name).Scan(&t.ID, &t.CreatedAt)
		if errors.Is(err, pgx.ErrNoRows) {
			return db.Errorf(db.CodeNotFound, "utente %s non trovato", n)
		}
		if err != nil {
			return fmt.Errorf("create token: %w", err)
		}
		_, err = audit.Append(ctx, tx, audit.Entry{Actor: actor, Action: audit.TokenCreate,
			Object: fmt.Sprintf("token:%d", t.ID), Detail: map[string]any{"user": n, "name": t.Name}})
		return err
	})
	if err != nil {
		return Token{}, "", err
	}
	return t, secret, nil
}

// RevokeToken revokes the token with id; revoking it again changes nothing.
func (s *Store) RevokeToken(ctx context.Context, actor string, id int64) error {
	return s.inTx(ctx, func(tx pgx.Tx) error {
		var user string
		err := tx.QueryRow(ctx, `UPDATE api_tokens t SET revoked_at = coalesce(revoked_at, now())
			FROM users u WHERE t.id = $1 AND u.id = t.user_id RETURNING u.username`, id).Scan(&user)
		if errors.Is(err, pgx.ErrNoRows) {
			return db.Errorf(db.CodeNotFound, "token %d non trovato", id)
		}
		if err != nil {
			return fmt.Errorf("revoke token %d: %w", id, err)
		}
		_, err = audit.Append(ctx, tx, audit.Entry{Actor: actor, Action: audit.TokenRevoke,
			Object: fmt.Sprintf("token:%d", id), Detail: map[string]any{"user": user}})
		return err
	})
}

// Tokens lists the tokens of the user called name, or of everyone when name is empty.
func (s *Store) Tokens(ctx context.Context, name string) ([]Token, error) {
	rows, err := s.pool.Query(ctx, `SELECT t.id, u.username, t.name, t.created_at, t.last_used_at, t.revoked_at
		FROM api_tokens t JOIN users u ON u.id = t.user_id
		WHERE $1 = '' OR u.username = $1 ORDER BY t.id`, strings.ToLower(strings.TrimSpace(name)))
	if err != nil {
		return nil, fmt.Errorf("list tokens: %w", err)
	}
	return pgx.CollectRows(rows, func(r pgx.CollectableRow) (Token, error) {
		var t Token
		err := r.Scan(&t.ID, &t.Username, &t.Name, &t.CreatedAt, &t.LastUsedAt, &t.RevokedAt)
		return t, err
	})
}

// lastUsedEvery bounds how often a busy token's last_used_at is written.
const lastUsedEvery = time.Minute

// UserForToken returns the enabled user a live token belongs to, and notes the token's use.
func (s *Store) UserForToken(ctx context.Context, secret string) (User, int64, error) {
	if !strings.HasPrefix(secret, TokenPrefix) || len(secret) > 100 {
		return User{}, 0, ErrBadToken
	}
	var tokenID int64
	var lastUsed *time.Time
	u, err := scanUser(s.pool.QueryRow(ctx, `SELECT `+prefixed("u", userColumns)+`, t.id, t.last_used_at
		FROM api_tokens t JOIN users u ON u.id = t.user_id
		WHERE t.token_hash = $1 AND t.revoked_at IS NULL`, hashToken(secret)), &tokenID, &lastUsed)
	if errors.Is(err, pgx.ErrNoRows) {
		return User{}, 0, ErrBadToken
	}
	if err != nil {
		return User{}, 0, fmt.Errorf("resolve token: %w", err)
	}
	if u.Disabled {
		return User{}, 0, ErrDisabled
	}
	if lastUsed == nil || time.Since(*lastUsed) > lastUsedEvery {
		if _, err := s.pool.Exec(ctx, `UPDATE api_tokens SET last_used_at = now() WHERE id = $1`, tokenID); err != nil {
			return User{}, 0, fmt.Errorf("note token use: %w", err)
		}
	}
	return u, tokenID, nil
}

// prefixed qualifies each column of a userColumns-like list with alias.
func prefixed(alias, cols string) string {
	parts := strings.Split(cols, ",")
	for i, p := range parts {
		parts[i] = alias + "." + strings.TrimSpace(p)
	}
	return strings.Join(parts, ", ")
}
