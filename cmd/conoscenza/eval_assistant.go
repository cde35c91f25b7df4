package main

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/spf13/cobra"

	"github.com/comune-bologna/conoscenza/agent/eval"
)

// errBelowMin is returned when the accuracy is under --min, so the exit status is non-zero.
var errBelowMin = errors.New("accuracy below the minimum")

func (m *Main) evalAssistantCommand() *cobra.Command {
	var asJSON bool
	var minAcc float64
	cmd := &cobra.Command{
		Use:   "assistant",
		Short: "Score the assistant end to end in no-model mode on its evaluation set",
		Long: `Ask every question of the evaluation set (agent/eval/testdata: development and held-out
groups, Italian and English, follow-ups as conversations) through the assistant in no-model
mode, as each question's role, and score it: a question is correct when the planner made the
expected tool calls and the answer carries what it should (the table's number in the text, the
expected document among the citations, a refusal or "no data" without tables), with every
number grounded. Relative periods are read against ` + eval.Now.Format(time.DateOnly) + `.

Prerequisite: the demo data and documents in DATABASE_URL ('conoscenza demo load', or 'make
demo'). The conversations of the run are stored like any other.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			ctx := cmd.Context()
			entries, err := eval.Load()
			if err != nil {
				return err
			}
			a, err := m.openAssistant(ctx, 4)
			if err != nil {
				return err
			}
			defer a.Close()
			if err := checkEvalData(ctx, a.owner); err != nil {
				return err
			}
			a.Service.LLM = nil
			a.Service.Now = func() time.Time { return eval.Now }
			r, err := eval.Run(ctx, a.Service, entries)
			if err != nil {
				return err
			}
			if asJSON {
				err = printJSON(m.Stdout, r)
			} else {
				err = r.Print(m.Stdout)
			}
			if err != nil {
				return err
			}
			if r.Total.Accuracy < minAcc {
				return fmt.Errorf("%w: %.1f%% < --min %.1f%%", errBelowMin, 100*r.Total.Accuracy, 100*minAcc)
			}
			return nil
		},
	}
	cmd.Flags().BoolVar(&asJSON, "json", false, "print the report with every question's result as JSON")
	cmd.Flags().Float64Var(&minAcc, "min", 0.95, "exit non-zero when the overall accuracy (0-1) is below this")
	return cmd
}

// checkEvalData says what is missing before a run that would only measure an empty database.
func checkEvalData(ctx context.Context, pool *pgxpool.Pool) error {
	var snapshots, docs int
	if err := pool.QueryRow(ctx, `SELECT (SELECT count(*) FROM register_snapshots), (SELECT count(*) FROM documents)`).Scan(&snapshots, &docs); err != nil {
		return fmt.Errorf("check the demo data: %w", err)
	}
	switch {
	case snapshots == 0:
		return errors.New("no register snapshot in the database: load the demo data first with `conoscenza demo load` (or `make demo`)")
	case docs == 0:
		return errors.New("no documents in the database: load the demo documents with `conoscenza demo docs` (or `conoscenza demo load`)")
	}
	return nil
}
