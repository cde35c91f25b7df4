package auth

import (
	"context"
	"fmt"

	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/comune-bologna/conoscenza/agent/tool"
	"github.com/comune-bologna/conoscenza/ingest/db"
)

// DemoUser is one account of the demo, with its password in clear: the demo's passwords are
// public (README, docs/security.md), never use them on a real installation.
type DemoUser struct {
	Username string    `json:"username"`
	Password string    `json:"password"`
	Role     tool.Role `json:"role"`
}

// DemoUsers are the demo's accounts, one per role.
var DemoUsers = []DemoUser{
	{Username: "demo.decisore", Password: "demo-decisore-2025", Role: tool.Decisore},
	{Username: "demo.staff", Password: "demo-staff-2025", Role: tool.Staff},
	{Username: "demo.formatore", Password: "demo-formatore-2025", Role: tool.Formatore},
	{Username: "demo.admin", Password: "demo-admin-2025", Role: tool.Admin},
}

// EnsureDemoUsers makes sure every demo account exists, is enabled, has its role and its
// documented password; running it again changes nothing. The demo loader calls it.
func EnsureDemoUsers(ctx context.Context, pool *pgxpool.Pool) ([]DemoUser, error) {
	s, err := NewStore(pool, DefaultArgon2)
	if err != nil {
		return nil, err
	}
	const actor = "system:demo"
	for _, d := range DemoUsers {
		u, err := s.Get(ctx, d.Username)
		if db.ErrorCode(err) == db.CodeNotFound {
			if _, err := s.Create(ctx, actor, NewUser{Username: d.Username, DisplayName: "Demo " + string(d.Role),
				Role: d.Role, Password: d.Password}); err != nil {
				return nil, fmt.Errorf("demo user %s: %w", d.Username, err)
			}
			continue
		}
		if err != nil {
			return nil, fmt.Errorf("demo user %s: %w", d.Username, err)
		}
		if u.Disabled {
			if err := s.SetDisabled(ctx, actor, d.Username, false); err != nil {
				return nil, fmt.Errorf("demo user %s: %w", d.Username, err)
			}
		}
		if u.Role != d.Role {
			if err := s.SetRole(ctx, actor, d.Username, d.Role); err != nil {
				return nil, fmt.Errorf("demo user %s: %w", d.Username, err)
			}
		}
		if _, err := s.CheckPassword(ctx, d.Username, d.Password); err != nil {
			if err := s.SetPassword(ctx, actor, d.Username, d.Password); err != nil {
				return nil, fmt.Errorf("demo user %s: %w", d.Username, err)
			}
		}
	}
	return append([]DemoUser(nil), DemoUsers...), nil
}
