package main

import (
	"encoding/json"
	"fmt"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/spf13/cobra"

	"github.com/comune-bologna/conoscenza/agent/audit"
)

// parseDay reads 2006-01-02 (local midnight) or an RFC 3339 time.
func parseDay(flag, v string) (time.Time, error) {
	if v == "" {
		return time.Time{}, nil
	}
	if t, err := time.ParseInLocation("2006-01-02", v, time.Local); err == nil {
		return t, nil
	}
	t, err := time.Parse(time.RFC3339, v)
	if err != nil {
		return time.Time{}, fmt.Errorf("%w: --%s %q must be YYYY-MM-DD or an RFC 3339 time", errUsage, flag, v)
	}
	return t, nil
}

func (m *Main) auditCommand() *cobra.Command {
	var since, until, user, action string
	var limit int
	var asJSON bool
	cmd := &cobra.Command{
		Use:   "audit [--since DATE] [--until DATE] [--user NAME] [--action A] [--json]",
		Short: "Show the audit log (newest entries, oldest first); audit verify checks its hash chain",
		Long: `Show the audit log: logins, questions, tool calls, SQL run, exports, uploads and changes of
users and documents, with who, when, what and how many rows. --action takes an exact action
(login.failure) or a prefix ending in "." or "*" (login.). The detail may hold personal data:
the log is for admins only.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			f := audit.Filter{Actor: user, Action: action, Limit: limit}
			var err error
			if f.Since, err = parseDay("since", since); err != nil {
				return err
			}
			if f.Until, err = parseDay("until", until); err != nil {
				return err
			}
			pool, err := m.openDB(cmd.Context())
			if err != nil {
				return err
			}
			defer pool.Close()
			recs, err := audit.New(pool).List(cmd.Context(), f)
			if err != nil {
				return err
			}
			if asJSON {
				if recs == nil {
					recs = []audit.Record{}
				}
				return json.NewEncoder(m.Stdout).Encode(recs)
			}
			w := tabwriter.NewWriter(m.Stdout, 0, 4, 2, ' ', 0)
			fmt.Fprintln(w, "ID\tQUANDO\tCHI\tAZIONE\tOGGETTO\tRIGHE\tDETTAGLIO")
			for _, r := range recs {
				rows := "-"
				if r.Rows != nil {
					rows = fmt.Sprint(*r.Rows)
				}
				detail := string(r.Detail)
				if detail == "{}" {
					detail = ""
				}
				fmt.Fprintf(w, "%d\t%s\t%s\t%s\t%s\t%s\t%s\n", r.ID, r.At.Local().Format("2006-01-02 15:04:05"),
					r.Actor, r.Action, r.Object, rows, strings.ReplaceAll(detail, "\t", " "))
			}
			return w.Flush()
		},
	}
	cmd.Flags().StringVar(&since, "since", "", "entries from this day (YYYY-MM-DD) or time (RFC 3339)")
	cmd.Flags().StringVar(&until, "until", "", "entries before this day or time")
	cmd.Flags().StringVar(&user, "user", "", "entries by this actor (a username, cli:USER, oidc, system:demo)")
	cmd.Flags().StringVar(&action, "action", "", "exact action, or a prefix ending in . or *")
	cmd.Flags().IntVar(&limit, "limit", 100, "at most this many entries, the newest (max 10000)")
	cmd.Flags().BoolVar(&asJSON, "json", false, "print JSON")
	cmd.AddCommand(m.auditVerifyCommand())
	return cmd
}

func (m *Main) auditVerifyCommand() *cobra.Command {
	var asJSON bool
	cmd := &cobra.Command{
		Use:   "verify [--json]",
		Short: "Recompute the audit log's hash chain; exit 1 and name the first broken row if it does not hold",
		Long: `Recompute every row's SHA-256 from its content and the previous row's hash, in order, and
compare the end with the chain head. Exit status 1 when the chain is broken, naming the first
row that does not hold. The last hash printed can be written down elsewhere (a ticket, a
signed mail): a later verify that does not reach it shows that rows were rewritten.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			pool, err := m.openDB(cmd.Context())
			if err != nil {
				return err
			}
			defer pool.Close()
			rep, err := audit.New(pool).Verify(cmd.Context())
			if err != nil {
				return err
			}
			if asJSON {
				if err := json.NewEncoder(m.Stdout).Encode(struct {
					OK bool `json:"ok"`
					audit.Report
				}{rep.OK(), rep}); err != nil {
					return err
				}
			} else {
				fmt.Fprintf(m.Stdout, "righe verificate: %d, ultima %d, hash %s\n", rep.Rows, rep.LastID, rep.LastHash)
				if rep.Unsealed {
					fmt.Fprintln(m.Stdout, "ATTENZIONE: il registro appartiene al ruolo dell'applicazione (non sigillato): esegui scripts/setup.sh come root")
				}
			}
			switch {
			case rep.Broken != nil:
				return fmt.Errorf("catena del registro di audit interrotta alla riga %d: %s", rep.Broken.ID, rep.Broken.Reason)
			case rep.Head != "":
				return fmt.Errorf("catena del registro di audit interrotta: %s", rep.Head)
			}
			if !asJSON {
				fmt.Fprintln(m.Stdout, "catena integra")
			}
			return nil
		},
	}
	cmd.Flags().BoolVar(&asJSON, "json", false, "print the report as JSON")
	return cmd
}
