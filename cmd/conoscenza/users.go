package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"strconv"
	"strings"
	"text/tabwriter"

	"github.com/spf13/cobra"

	"github.com/comune-bologna/conoscenza/web/auth"
)

// cliActor is who the audit log records for a command-line change.
func (m *Main) cliActor() string {
	if u := strings.TrimSpace(m.Getenv("USER")); u != "" {
		return "cli:" + u
	}
	return "cli"
}

// withUsers opens the database and runs fn with the user store.
func (m *Main) withUsers(ctx context.Context, fn func(*auth.Store) error) error {
	pool, err := m.openDB(ctx)
	if err != nil {
		return err
	}
	defer pool.Close()
	s, err := auth.NewStore(pool, auth.DefaultArgon2)
	if err != nil {
		return err
	}
	return fn(s)
}

func (m *Main) usersCommand() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "users",
		Short: "Manage accounts and API tokens (users are disabled, never deleted)",
		Long: `Manage the accounts of Conoscenza. Roles: decisore (aggregates only), staff (company
dossiers, free SQL, uploads), formatore (replays, trainer's view, aggregates), admin (users,
settings, documents, audit). Every change is recorded in the audit log as cli:$USER.
Create the first admin here: conoscenza users create NAME --role admin.`,
	}
	cmd.AddCommand(m.usersCreateCommand(), m.usersListCommand(), m.usersSetDisabledCommand(true),
		m.usersSetDisabledCommand(false), m.usersSetRoleCommand(), m.usersPasswordCommand(),
		m.usersTokenCommand(), m.usersTokensCommand(), m.usersRevokeTokenCommand())
	return cmd
}

// readPassword takes the first line of stdin as the password.
func readPassword(r io.Reader) (string, error) {
	b, err := io.ReadAll(io.LimitReader(r, 4096))
	if err != nil {
		return "", fmt.Errorf("read password from stdin: %w", err)
	}
	p, _, _ := strings.Cut(string(b), "\n")
	return strings.TrimSuffix(p, "\r"), nil
}

func (m *Main) usersCreateCommand() *cobra.Command {
	var role, display string
	var fromStdin bool
	cmd := &cobra.Command{
		Use:   "create NAME --role ROLE [--password-stdin]",
		Short: "Create an account; without --password-stdin a strong password is generated and printed once",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			r, err := auth.ParseRole(role)
			if err != nil {
				return err
			}
			password, generated := "", false
			if fromStdin {
				if password, err = readPassword(cmd.InOrStdin()); err != nil {
					return err
				}
			} else {
				password, generated = auth.GeneratePassword(), true
			}
			return m.withUsers(cmd.Context(), func(s *auth.Store) error {
				u, err := s.Create(cmd.Context(), m.cliActor(), auth.NewUser{Username: args[0], DisplayName: display, Role: r, Password: password})
				if err != nil {
					return err
				}
				fmt.Fprintf(m.Stdout, "utente %s creato (ruolo %s)\n", u.Username, u.Role)
				if generated {
					fmt.Fprintf(m.Stdout, "password (mostrata solo ora): %s\n", password)
				}
				return nil
			})
		},
	}
	cmd.Flags().StringVar(&role, "role", "", "decisore, staff, formatore or admin (required)")
	cmd.Flags().StringVar(&display, "display-name", "", "name shown in the interface")
	cmd.Flags().BoolVar(&fromStdin, "password-stdin", false, "read the password from the first line of standard input")
	_ = cmd.MarkFlagRequired("role")
	return cmd
}

func (m *Main) usersListCommand() *cobra.Command {
	var asJSON bool
	cmd := &cobra.Command{
		Use:   "list [--json]",
		Short: "List the accounts",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return m.withUsers(cmd.Context(), func(s *auth.Store) error {
				users, err := s.List(cmd.Context())
				if err != nil {
					return err
				}
				if asJSON {
					if users == nil {
						users = []auth.User{}
					}
					return json.NewEncoder(m.Stdout).Encode(users)
				}
				w := tabwriter.NewWriter(m.Stdout, 0, 4, 2, ' ', 0)
				fmt.Fprintln(w, "UTENTE\tRUOLO\tSTATO\tACCESSO\tULTIMO LOGIN")
				for _, u := range users {
					state, via, last := "attivo", "password", "-"
					if u.Disabled {
						state = "disabilitato"
					}
					if u.OIDC {
						via = "oidc"
					}
					if u.LastLoginAt != nil {
						last = u.LastLoginAt.Local().Format("2006-01-02 15:04")
					}
					fmt.Fprintf(w, "%s\t%s\t%s\t%s\t%s\n", u.Username, u.Role, state, via, last)
				}
				return w.Flush()
			})
		},
	}
	cmd.Flags().BoolVar(&asJSON, "json", false, "print JSON")
	return cmd
}

func (m *Main) usersSetDisabledCommand(disable bool) *cobra.Command {
	use, short, done := "enable NAME", "Enable a disabled account", "riabilitato"
	if disable {
		use, short, done = "disable NAME", "Disable an account: its sessions and tokens stop working at once", "disabilitato"
	}
	return &cobra.Command{
		Use:   use,
		Short: short,
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			return m.withUsers(cmd.Context(), func(s *auth.Store) error {
				if err := s.SetDisabled(cmd.Context(), m.cliActor(), args[0], disable); err != nil {
					return err
				}
				_, err := fmt.Fprintf(m.Stdout, "utente %s %s\n", strings.ToLower(args[0]), done)
				return err
			})
		},
	}
}

func (m *Main) usersSetRoleCommand() *cobra.Command {
	return &cobra.Command{
		Use:   "set-role NAME ROLE",
		Short: "Change an account's role (an OIDC account takes its role from the provider at each login)",
		Args:  cobra.ExactArgs(2),
		RunE: func(cmd *cobra.Command, args []string) error {
			r, err := auth.ParseRole(args[1])
			if err != nil {
				return err
			}
			return m.withUsers(cmd.Context(), func(s *auth.Store) error {
				if err := s.SetRole(cmd.Context(), m.cliActor(), args[0], r); err != nil {
					return err
				}
				_, err := fmt.Fprintf(m.Stdout, "utente %s: ruolo %s\n", strings.ToLower(args[0]), r)
				return err
			})
		},
	}
}

func (m *Main) usersPasswordCommand() *cobra.Command {
	var fromStdin bool
	cmd := &cobra.Command{
		Use:   "set-password NAME [--password-stdin]",
		Short: "Set an account's password; without --password-stdin a strong one is generated and printed once",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			password, err := auth.GeneratePassword(), error(nil)
			if fromStdin {
				if password, err = readPassword(cmd.InOrStdin()); err != nil {
					return err
				}
			}
			return m.withUsers(cmd.Context(), func(s *auth.Store) error {
				if err := s.SetPassword(cmd.Context(), m.cliActor(), args[0], password); err != nil {
					return err
				}
				if !fromStdin {
					fmt.Fprintf(m.Stdout, "password (mostrata solo ora): %s\n", password)
				}
				return nil
			})
		},
	}
	cmd.Flags().BoolVar(&fromStdin, "password-stdin", false, "read the password from the first line of standard input")
	return cmd
}

func (m *Main) usersTokenCommand() *cobra.Command {
	var label string
	cmd := &cobra.Command{
		Use:   "token NAME [--name LABEL]",
		Short: "Create an API token for NAME and print it, alone, on standard output (shown only now)",
		Long: `Create an API token for scripts. The token is printed alone on standard output, so that
TOKEN=$(conoscenza users token mario --name export) works; it is stored only as a hash and
cannot be shown again. Send it as "Authorization: Bearer TOKEN". Revoke it with
"conoscenza users revoke-token ID" (the id is printed on standard error and by "users tokens").`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			return m.withUsers(cmd.Context(), func(s *auth.Store) error {
				t, secret, err := s.CreateToken(cmd.Context(), m.cliActor(), args[0], label)
				if err != nil {
					return err
				}
				fmt.Fprintf(m.Stderr, "token %d creato per %s\n", t.ID, t.Username)
				_, err = fmt.Fprintln(m.Stdout, secret)
				return err
			})
		},
	}
	cmd.Flags().StringVar(&label, "name", "", "what the token is for")
	return cmd
}

func (m *Main) usersTokensCommand() *cobra.Command {
	var asJSON bool
	cmd := &cobra.Command{
		Use:   "tokens [NAME] [--json]",
		Short: "List API tokens (never their secret), of one user or of everyone",
		Args:  cobra.MaximumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			name := ""
			if len(args) == 1 {
				name = args[0]
			}
			return m.withUsers(cmd.Context(), func(s *auth.Store) error {
				toks, err := s.Tokens(cmd.Context(), name)
				if err != nil {
					return err
				}
				if asJSON {
					if toks == nil {
						toks = []auth.Token{}
					}
					return json.NewEncoder(m.Stdout).Encode(toks)
				}
				w := tabwriter.NewWriter(m.Stdout, 0, 4, 2, ' ', 0)
				fmt.Fprintln(w, "ID\tUTENTE\tNOME\tCREATO\tULTIMO USO\tSTATO")
				for _, t := range toks {
					used, state := "-", "attivo"
					if t.LastUsedAt != nil {
						used = t.LastUsedAt.Local().Format("2006-01-02 15:04")
					}
					if t.RevokedAt != nil {
						state = "revocato"
					}
					fmt.Fprintf(w, "%d\t%s\t%s\t%s\t%s\t%s\n", t.ID, t.Username, t.Name, t.CreatedAt.Local().Format("2006-01-02 15:04"), used, state)
				}
				return w.Flush()
			})
		},
	}
	cmd.Flags().BoolVar(&asJSON, "json", false, "print JSON")
	return cmd
}

func (m *Main) usersRevokeTokenCommand() *cobra.Command {
	return &cobra.Command{
		Use:   "revoke-token ID",
		Short: "Revoke an API token; it stops working at once",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			id, err := strconv.ParseInt(args[0], 10, 64)
			if err != nil || id <= 0 {
				return fmt.Errorf("%w: token id %q must be a positive number (see conoscenza users tokens)", errUsage, args[0])
			}
			return m.withUsers(cmd.Context(), func(s *auth.Store) error {
				if err := s.RevokeToken(cmd.Context(), m.cliActor(), id); err != nil {
					return err
				}
				_, err := fmt.Fprintf(m.Stdout, "token %d revocato\n", id)
				return err
			})
		},
	}
}
