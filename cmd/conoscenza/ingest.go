package main

import (
	"encoding/json"
	"fmt"
	"io"
	"os"
	"sort"
	"strconv"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/spf13/cobra"
	"golang.org/x/term"

	"github.com/comune-bologna/conoscenza/ingest"
)

func (m *Main) ingestCommand() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "ingest",
		Short: "Load monthly data files and documents into the database",
		Long: `Load the city's monthly files (formats in docs/ingest.md and ../shared/formats/README.md).

Every load is one batch: atomic, idempotent (the same file twice changes nothing) and recorded
with its counts and rejected rows. Load the street register first, then the register
snapshots in date order, then cig, suap and contributi (a later stradario re-attributes the
addresses already loaded).`,
	}
	for _, k := range ingest.Kinds {
		cmd.AddCommand(m.ingestKindCommand(k))
	}
	cmd.AddCommand(m.ingestRejectionsCommand(), m.ingestBatchesCommand())
	cmd.AddCommand(m.ingestDocsCommand())
	cmd.AddCommand(m.ingestTerritorioCommand())
	return cmd
}

var kindHelp = map[ingest.Kind]string{
	ingest.KindStradario:  "Load the street register (replaces the previous one, re-attributes loaded addresses)",
	ingest.KindImprese:    "Load business register snapshots (one per month, in date order)",
	ingest.KindCIG:        "Load cassa integrazione requests (upsert by ID-DOMANDA)",
	ingest.KindSUAP:       "Load SUAP permits (upsert by ID-PRATICA)",
	ingest.KindContributi: "Load city grants (upsert by ID-BANDO + C-FISCALE)",
}

func (m *Main) ingestKindCommand(kind ingest.Kind) *cobra.Command {
	var asOf string
	var asJSON, allowPartial bool
	cmd := &cobra.Command{
		Use:   string(kind) + " FILE...",
		Short: kindHelp[kind],
		Long: kindHelp[kind] + `.

Each FILE is one batch. With --json, one JSON object per file is printed, one per line:
{"batch_id", "kind", "file", "as_of", "read", "loaded", "rejected", "unchanged_file",
 "warnings", "rejections": [{"line", "column", "value", "reason"}], "match_rate", "stats", ...}.
The command fails (exit 1) when a file cannot be read at all; rejected rows do not fail it.`,
		Args: cobra.MinimumNArgs(1),
		RunE: func(cmd *cobra.Command, files []string) error {
			var opts ingest.Options
			if asOf != "" {
				t, err := time.Parse(time.DateOnly, asOf)
				if err != nil {
					return fmt.Errorf("%w: --as-of %q: usare AAAA-MM-GG", errUsage, asOf)
				}
				opts.AsOf = t
			}
			if f, ok := m.Stderr.(*os.File); ok && term.IsTerminal(int(f.Fd())) {
				opts.Progress = m.Stderr
			}
			opts.StartedBy = os.Getenv("USER")
			opts.AllowPartial = allowPartial
			ctx := cmd.Context()
			pool, err := m.openDB(ctx)
			if err != nil {
				return err
			}
			defer pool.Close()
			loader := ingest.New(pool, m.Logger)
			for _, file := range files {
				sum, err := loader.LoadFile(ctx, kind, file, opts)
				if err != nil {
					return err
				}
				if asJSON {
					if err := json.NewEncoder(m.Stdout).Encode(sum); err != nil {
						return err
					}
					continue
				}
				printSummary(m.Stdout, sum)
			}
			return nil
		},
	}
	cmd.Flags().StringVar(&asOf, "as-of", "", "date the file describes, YYYY-MM-DD (default: from the file name, e.g. imprese_2026-10.csv)")
	cmd.Flags().BoolVar(&asJSON, "json", false, "print one JSON summary per file, one per line")
	switch kind {
	case ingest.KindImprese:
		cmd.Flags().BoolVar(&allowPartial, "allow-partial", false, "load a snapshot with less than half the companies of the previous one (refused when that one had 1,000 or more)")
	case ingest.KindStradario:
		cmd.Flags().BoolVar(&allowPartial, "allow-partial", false, "load a street register with less than half the segments of the one in use (refused when it has 1,000 or more)")
	}
	return cmd
}

func printSummary(w io.Writer, s ingest.Summary) {
	if s.UnchangedFile {
		fmt.Fprintf(w, "%s: file già caricato (lotto %d): nessuna modifica. Lette %d, caricate %d, scartate %d.\n",
			s.File, s.SameAsBatch, s.Read, s.Loaded, s.Rejected)
		return
	}
	fmt.Fprintf(w, "%s: lotto %d (%s, al %s): lette %d righe, caricate %d, scartate %d",
		s.File, s.BatchID, s.Kind, s.AsOf, s.Read, s.Loaded, s.Rejected)
	if s.MatchRate != nil {
		fmt.Fprintf(w, ", indirizzi attribuiti %.1f%%", *s.MatchRate*100)
	}
	fmt.Fprintf(w, " in %.1fs.\n", float64(s.DurationMS)/1000)
	for _, warn := range s.Warnings {
		fmt.Fprintf(w, "  attenzione: %s\n", warn)
	}
	var keys []string
	for k, v := range s.Stats {
		keys = append(keys, fmt.Sprintf("%s=%d", k, v))
	}
	if len(keys) > 0 {
		sort.Strings(keys)
		fmt.Fprintf(w, "  %s\n", strings.Join(keys, " "))
	}
	for i, r := range s.Rejections {
		if i == 20 {
			fmt.Fprintf(w, "  ... altre %d righe scartate: conoscenza ingest rejections %d\n", len(s.Rejections)-20, s.BatchID)
			break
		}
		fmt.Fprintf(w, "  riga %d %s %q: %s\n", r.Line, r.Column, r.Value, r.Reason)
	}
}

func (m *Main) ingestRejectionsCommand() *cobra.Command {
	var asJSON bool
	cmd := &cobra.Command{
		Use:   "rejections BATCH",
		Short: "List the rejected rows of a batch (line, column, value, reason)",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			id, err := strconv.ParseInt(args[0], 10, 64)
			if err != nil {
				return fmt.Errorf("%w: BATCH must be a batch number, got %q", errUsage, args[0])
			}
			ctx := cmd.Context()
			pool, err := m.openDB(ctx)
			if err != nil {
				return err
			}
			defer pool.Close()
			loader := ingest.New(pool, m.Logger)
			b, err := loader.GetBatch(ctx, id)
			if err != nil {
				return err
			}
			rej, err := loader.Rejections(ctx, id, 0)
			if err != nil {
				return err
			}
			if asJSON {
				return json.NewEncoder(m.Stdout).Encode(map[string]any{"batch": b, "rejections": rej})
			}
			fmt.Fprintf(m.Stdout, "lotto %d (%s, %s, %s): %d righe scartate\n", b.ID, b.Kind, b.File, b.Status, len(rej))
			tw := tabwriter.NewWriter(m.Stdout, 0, 4, 2, ' ', 0)
			fmt.Fprintln(tw, "RIGA\tCOLONNA\tVALORE\tMOTIVO")
			for _, r := range rej {
				fmt.Fprintf(tw, "%d\t%s\t%s\t%s\n", r.Line, r.Column, r.Value, r.Reason)
			}
			return tw.Flush()
		},
	}
	cmd.Flags().BoolVar(&asJSON, "json", false, "print JSON")
	return cmd
}

func (m *Main) ingestBatchesCommand() *cobra.Command {
	var limit int
	var asJSON bool
	cmd := &cobra.Command{
		Use:   "batches",
		Short: "List the latest load batches",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			ctx := cmd.Context()
			pool, err := m.openDB(ctx)
			if err != nil {
				return err
			}
			defer pool.Close()
			bs, err := ingest.New(pool, m.Logger).Batches(ctx, limit)
			if err != nil {
				return err
			}
			if asJSON {
				return json.NewEncoder(m.Stdout).Encode(bs)
			}
			tw := tabwriter.NewWriter(m.Stdout, 0, 4, 2, ' ', 0)
			fmt.Fprintln(tw, "LOTTO\tTIPO\tFILE\tAL\tSTATO\tLETTE\tCARICATE\tSCARTATE")
			for _, b := range bs {
				asOf := ""
				if b.AsOf != nil {
					asOf = b.AsOf.Format(time.DateOnly)
				}
				fmt.Fprintf(tw, "%d\t%s\t%s\t%s\t%s\t%d\t%d\t%d\n", b.ID, b.Kind, b.File, asOf, b.Status, b.Read, b.Loaded, b.Rejected)
			}
			return tw.Flush()
		},
	}
	cmd.Flags().IntVar(&limit, "limit", 50, "how many batches")
	cmd.Flags().BoolVar(&asJSON, "json", false, "print JSON")
	return cmd
}

func (m *Main) demoCommand() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "demo",
		Short: "Generate and load the synthetic Bologna demo data",
	}
	cmd.AddCommand(m.demoGenerateCommand())
	cmd.AddCommand(m.demoLoadCommand())
	cmd.AddCommand(m.demoDocsCommand())
	return cmd
}
