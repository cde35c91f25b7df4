package main

import (
	"context"
	"fmt"
	"time"

	"github.com/spf13/cobra"

	"github.com/comune-bologna/conoscenza/agent"
)

// purgeInterval is how often serve applies the retention period.
const purgeInterval = time.Hour

// retention reads CONOSCENZA_RETENTION (180d, 720h, 0 to disable; default 365 days).
func (m *Main) retention() (time.Duration, error) {
	d, err := agent.ParseRetention(m.Getenv("CONOSCENZA_RETENTION"))
	if err != nil {
		return 0, fmt.Errorf("CONOSCENZA_RETENTION: %w", err)
	}
	return d, nil
}

func (m *Main) purgeCommand() *cobra.Command {
	var dryRun bool
	cmd := &cobra.Command{
		Use:   "purge [--dry-run]",
		Short: "Delete conversations not updated for longer than CONOSCENZA_RETENTION",
		Long: `Delete every conversation (with its messages, tool calls and feedback) not updated for longer
than CONOSCENZA_RETENTION: days such as 180d, a duration such as 720h, or 0 to keep
conversations until their users delete them; default 365d. 'conoscenza serve' does the same
every hour. Each purge is recorded in the audit log (conversation.purge). --dry-run only counts.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			retention, err := m.retention()
			if err != nil {
				return err
			}
			if retention == 0 {
				_, err := fmt.Fprintln(m.Stdout, "retention disabled (CONOSCENZA_RETENTION=0): nothing purged")
				return err
			}
			pool, err := m.openDB(cmd.Context())
			if err != nil {
				return err
			}
			defer pool.Close()
			store := &agent.Store{Pool: pool, Retention: retention}
			r, err := store.Purge(cmd.Context(), retention, agent.PurgeOptions{Actor: m.cliActor(), DryRun: dryRun, AuditEmpty: true})
			if err != nil {
				return err
			}
			verb := "deleted"
			if dryRun {
				verb = "would delete"
			}
			_, err = fmt.Fprintf(m.Stdout, "%s %d conversations (%d messages, %d tool calls, %d feedback) not updated since %s (retention %s)\n",
				verb, r.Conversations, r.Messages, r.ToolCalls, r.Feedback, r.Cutoff.Local().Format("2006-01-02 15:04"), retentionText(retention))
			return err
		},
	}
	cmd.Flags().BoolVar(&dryRun, "dry-run", false, "only count what would be deleted")
	return cmd
}

func retentionText(d time.Duration) string {
	if d%(24*time.Hour) == 0 {
		return fmt.Sprintf("%dd", d/(24*time.Hour))
	}
	return d.String()
}

// purgeEvery applies the retention period now and then every interval until ctx ends. A
// failure is logged and retried at the next tick: the server keeps serving.
func (m *Main) purgeEvery(ctx context.Context, store *agent.Store, retention, interval time.Duration) {
	if retention <= 0 {
		m.Logger.Info("conversation retention disabled (CONOSCENZA_RETENTION=0)")
		return
	}
	t := time.NewTicker(interval)
	defer t.Stop()
	for {
		r, err := store.Purge(ctx, retention, agent.PurgeOptions{Actor: "system"})
		switch {
		case ctx.Err() != nil:
			return
		case err != nil:
			m.Logger.Error("purge old conversations", "err", err)
		case r.Conversations > 0:
			m.Logger.Info("purged old conversations", "conversations", r.Conversations, "messages", r.Messages,
				"retention", retentionText(retention))
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}
