// Package auth is who may use Conoscenza and how they prove it: local accounts with argon2id
// passwords, sessions in PostgreSQL (scs), CSRF protection, login throttling, OpenID Connect
// login, API tokens for scripts, and the Gin middleware and handlers the API server mounts.
// Every change of a user or a token, and every login, is written to the audit log in the same
// transaction. Log lines carry user ids, never usernames or other personal data.
package auth

import (
	"context"
	"errors"
	"fmt"
	"regexp"
	"strings"
	"time"

	"github.com/alexedwards/argon2id"
	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/comune-bologna/conoscenza/agent/audit"
	"github.com/comune-bologna/conoscenza/agent/tool"
	"github.com/comune-bologna/conoscenza/ingest/db"
)

// User is an account. Users are disabled, never deleted, so that the audit log keeps meaning.
type User struct {
	ID          int64      `json:"id"`
	Username    string     `json:"username"`
	DisplayName string     `json:"display_name"`
	Role        tool.Role  `json:"role"`
	Disabled    bool       `json:"disabled"`
	HasPassword bool       `json:"has_password"` // a local password is set
	OIDC        bool       `json:"oidc"`         // the account is linked to the identity provider
	CreatedAt   time.Time  `json:"created_at"`
	LastLoginAt *time.Time `json:"last_login_at,omitempty"`
}

// Principal is who the user acts as in the agent.
func (u User) Principal() tool.Principal {
	return tool.Principal{UserID: u.ID, Username: u.Username, Role: u.Role}
}

// NewUser is what creating an account needs. An empty Password makes an account that can only
// log in through the identity provider (or after a password is set).
type NewUser struct {
	Username    string
	DisplayName string
	Role        tool.Role
	Password    string
}

// Errors a login can end with; both map to the same answer for the client.
var (
	ErrBadCredentials = db.Errorf(db.CodeForbidden, "nome utente o password non validi")
	ErrDisabled       = db.Errorf(db.CodeForbidden, "utente disabilitato: rivolgiti a un amministratore")
)

var usernameRE = regexp.MustCompile(`^[a-z0-9][a-z0-9._@-]{0,63}$`)

// NormalizeUsername lower-cases and trims a username and checks its shape.
func NormalizeUsername(name string) (string, error) {
	n := strings.ToLower(strings.TrimSpace(name))
	if !usernameRE.MatchString(n) {
		return "", db.Errorf(db.CodeInvalid, "nome utente %q non valido: lettere minuscole, cifre, . _ @ -, al massimo 64 caratteri", name)
	}
	return n, nil
}

// ParseRole checks that r is one of the four roles.
func ParseRole(r string) (tool.Role, error) {
	role := tool.Role(strings.ToLower(strings.TrimSpace(r)))
	if !tool.ValidRole(role) {
		return "", db.Errorf(db.CodeInvalid, "ruolo %q sconosciuto: usa decisore, staff, formatore o admin", r)
	}
	return role, nil
}

// Store keeps users and API tokens.
type Store struct {
	pool *pgxpool.Pool
	hash *hasher
}

// NewStore returns the store over pool, hashing new passwords with params (DefaultArgon2).
func NewStore(pool *pgxpool.Pool, params argon2id.Params) (*Store, error) {
	h, err := newHasher(params)
	if err != nil {
		return nil, err
	}
	return &Store{pool: pool, hash: h}, nil
}

const userColumns = `id, username, display_name, role, disabled, password_hash IS NOT NULL,
	oidc_subject IS NOT NULL, created_at, last_login_at`

// inTx runs fn in a transaction and commits it.
func (s *Store) inTx(ctx context.Context, fn func(tx pgx.Tx) error) error {
	tx, err := s.pool.Begin(ctx)
	if err != nil {
		return fmt.Errorf("begin: %w", err)
	}
	defer tx.Rollback(ctx) //nolint:errcheck // after Commit it is a no-op
	if err := fn(tx); err != nil {
		return err
	}
	return tx.Commit(ctx)
}

// Create adds a user; actor is who does it, for the audit log.
func (s *Store) Create(ctx context.Context, actor string, nu NewUser) (User, error) {
	name, err := NormalizeUsername(nu.Username)
	if err != nil {
		return User{}, err
	}
	role, err := ParseRole(string(nu.Role))
	if err != nil {
		return User{}, err
	}
	var hash *string
	if nu.Password != "" {
		if err := checkPassword(nu.Password); err != nil {
			return User{}, err
		}
		h, err := s.hash.hash(nu.Password)
		if err != nil {
			return User{}, err
		}
		hash = &h
	}
	var u User
	err = s.inTx(ctx, func(tx pgx.Tx) error {
		u, err = scanUser(tx.QueryRow(ctx, `INSERT INTO users (username, display_name, role, password_hash)
			VALUES ($1, $2, $3, $4) RETURNING `+userColumns, name, strings.TrimSpace(nu.DisplayName), role, hash))
		if err != nil {
			return db.Translate(err, "utente "+name)
		}
		_, err = audit.Append(ctx, tx, audit.Entry{Actor: actor, Action: audit.UserCreate, Object: "user:" + name,
			Detail: map[string]any{"role": role, "password": hash != nil}})
		return err
	})
	return u, err
}

func checkPassword(p string) error {
	if len([]rune(p)) < MinPasswordLength {
		return db.Errorf(db.CodeInvalid, "la password deve avere almeno %d caratteri", MinPasswordLength)
	}
	return nil
}

// Get returns the user called name.
func (s *Store) Get(ctx context.Context, name string) (User, error) {
	n, err := NormalizeUsername(name)
	if err != nil {
		return User{}, err
	}
	u, err := scanUser(s.pool.QueryRow(ctx, `SELECT `+userColumns+` FROM users WHERE username = $1`, n))
	return u, db.Translate(err, "utente "+n)
}

// ByID returns the user with id.
func (s *Store) ByID(ctx context.Context, id int64) (User, error) {
	u, err := scanUser(s.pool.QueryRow(ctx, `SELECT `+userColumns+` FROM users WHERE id = $1`, id))
	return u, db.Translate(err, "utente")
}

// List returns every user, by username.
func (s *Store) List(ctx context.Context) ([]User, error) {
	rows, err := s.pool.Query(ctx, `SELECT `+userColumns+` FROM users ORDER BY username`)
	if err != nil {
		return nil, fmt.Errorf("list users: %w", err)
	}
	defer rows.Close()
	var out []User
	for rows.Next() {
		u, err := scanUser(rows)
		if err != nil {
			return nil, fmt.Errorf("list users: %w", err)
		}
		out = append(out, u)
	}
	return out, rows.Err()
}

// update changes one user with set (an SQL assignment list using $2...) and records action.
func (s *Store) update(ctx context.Context, actor, name, action string, detail map[string]any, set string, args ...any) error {
	n, err := NormalizeUsername(name)
	if err != nil {
		return err
	}
	return s.inTx(ctx, func(tx pgx.Tx) error {
		tag, err := tx.Exec(ctx, `UPDATE users SET `+set+`, updated_at = now() WHERE username = $1`, append([]any{n}, args...)...)
		if err != nil {
			return db.Translate(err, "utente "+n)
		}
		if tag.RowsAffected() == 0 {
			return db.Errorf(db.CodeNotFound, "utente %s non trovato", n)
		}
		_, err = audit.Append(ctx, tx, audit.Entry{Actor: actor, Action: action, Object: "user:" + n, Detail: detail})
		return err
	})
}

// SetDisabled disables or enables a user. A disabled user's sessions and tokens stop working
// at their next request, because every request reads the user again.
func (s *Store) SetDisabled(ctx context.Context, actor, name string, disabled bool) error {
	action := audit.UserEnable
	if disabled {
		action = audit.UserDisable
	}
	return s.update(ctx, actor, name, action, nil, `disabled = $2`, disabled)
}

// SetRole changes a user's role; it applies from the user's next request.
func (s *Store) SetRole(ctx context.Context, actor, name string, role tool.Role) error {
	r, err := ParseRole(string(role))
	if err != nil {
		return err
	}
	return s.update(ctx, actor, name, audit.UserRole, map[string]any{"role": r}, `role = $2`, r)
}

// SetPassword replaces a user's local password.
func (s *Store) SetPassword(ctx context.Context, actor, name, password string) error {
	if err := checkPassword(password); err != nil {
		return err
	}
	h, err := s.hash.hash(password)
	if err != nil {
		return err
	}
	return s.update(ctx, actor, name, audit.UserPassword, nil, `password_hash = $2`, h)
}

// CheckPassword returns the user when name and password match an enabled account. An unknown
// user, an account without a password and a wrong password all give ErrBadCredentials and take
// the same time; ErrDisabled is told only to someone who knows the password.
func (s *Store) CheckPassword(ctx context.Context, name, password string) (User, error) {
	n, err := NormalizeUsername(name)
	if err != nil {
		s.hash.check(password, "")
		return User{}, ErrBadCredentials
	}
	var hash *string
	u, err := scanUser(s.pool.QueryRow(ctx, `SELECT `+userColumns+`, password_hash FROM users WHERE username = $1`, n), &hash)
	if errors.Is(err, pgx.ErrNoRows) {
		s.hash.check(password, "")
		return User{}, ErrBadCredentials
	}
	if err != nil {
		return User{}, fmt.Errorf("read user: %w", err)
	}
	stored := ""
	if hash != nil {
		stored = *hash
	}
	if !s.hash.check(password, stored) {
		return User{}, ErrBadCredentials
	}
	if u.Disabled {
		return User{}, ErrDisabled
	}
	return u, nil
}

// scanUser reads userColumns, then extra destinations.
func scanUser(row pgx.Row, extra ...any) (User, error) {
	var u User
	var role string
	dest := append([]any{&u.ID, &u.Username, &u.DisplayName, &role, &u.Disabled, &u.HasPassword, &u.OIDC,
		&u.CreatedAt, &u.LastLoginAt}, extra...)
	err := row.Scan(dest...)
	u.Role = tool.Role(role)
	return u, err
}

// touchLogin records a successful login's time.
func (s *Store) touchLogin(ctx context.Context, id int64) error {
	_, err := s.pool.Exec(ctx, `UPDATE users SET last_login_at = now() WHERE id = $1`, id)
	return err
}

// UpsertOIDC returns the account linked to the provider's subject, creating it on first login
// (under username, or username plus a tag of the subject when a local account has that name:
// accounts are never merged by name) and updating its role and display name from the
// provider afterwards. A disabled account gives ErrDisabled.
func (s *Store) UpsertOIDC(ctx context.Context, subject, username, displayName string, role tool.Role) (User, error) {
	var u User
	err := s.inTx(ctx, func(tx pgx.Tx) error {
		var oldRole tool.Role
		var err error
		u, err = scanUser(tx.QueryRow(ctx, `SELECT `+userColumns+` FROM users WHERE oidc_subject = $1 FOR UPDATE`, subject))
		switch {
		case errors.Is(err, pgx.ErrNoRows):
			return s.createOIDC(ctx, tx, &u, subject, username, displayName, role)
		case err != nil:
			return fmt.Errorf("find oidc user: %w", err)
		case u.Disabled:
			return ErrDisabled
		}
		oldRole = u.Role
		if _, err := tx.Exec(ctx, `UPDATE users SET role = $2, display_name = coalesce(nullif($3, ''), display_name),
			updated_at = now() WHERE id = $1`, u.ID, role, displayName); err != nil {
			return fmt.Errorf("update oidc user: %w", err)
		}
		u.Role = role
		if oldRole != role {
			_, err = audit.Append(ctx, tx, audit.Entry{Actor: "oidc", Action: audit.UserRole, Object: "user:" + u.Username,
				Detail: map[string]any{"role": role, "was": oldRole, "source": "oidc"}})
		}
		return err
	})
	return u, err
}

func (s *Store) createOIDC(ctx context.Context, tx pgx.Tx, u *User, subject, username, displayName string, role tool.Role) error {
	name, err := NormalizeUsername(username)
	if err != nil {
		name = "oidc-" + subjectTag(subject)
	}
	var taken bool
	if err := tx.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM users WHERE username = $1)`, name).Scan(&taken); err != nil {
		return fmt.Errorf("check username: %w", err)
	}
	if taken {
		name = name + "-" + subjectTag(subject)
	}
	*u, err = scanUser(tx.QueryRow(ctx, `INSERT INTO users (username, display_name, role, oidc_subject)
		VALUES ($1, $2, $3, $4) RETURNING `+userColumns, name, displayName, role, subject))
	if err != nil {
		return db.Translate(err, "utente "+name)
	}
	_, err = audit.Append(ctx, tx, audit.Entry{Actor: "oidc", Action: audit.UserCreate, Object: "user:" + name,
		Detail: map[string]any{"role": role, "source": "oidc"}})
	return err
}
