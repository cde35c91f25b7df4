package main

import (
	"fmt"
	"text/tabwriter"
	"time"

	"github.com/spf13/cobra"

	"github.com/comune-bologna/conoscenza/ingest"
	"github.com/comune-bologna/conoscenza/ingest/demo"
	"github.com/comune-bologna/conoscenza/ingest/territorio"
	"github.com/comune-bologna/conoscenza/retrieval"
	"github.com/comune-bologna/conoscenza/web/auth"
)

// demoLoadCommand generates the demo data set and loads it, with the demo documents.
func (m *Main) demoLoadCommand() *cobra.Command {
	var opt demo.Options
	var until string
	var noDocs bool
	cmd := &cobra.Command{
		Use:   "load",
		Short: "Generate the fictional Bologna data set and load it with the demo documents",
		Long: `Generate the fictional data set (see 'demo generate') into --dir and load it through the real
ingest: street register, monthly register snapshots in date order, CIG, SUAP, grants; the simplified quartieri
shapes of the map (marked approximate; never over official ones); then the fictional demo
documents. Running it again changes nothing (every file is recognised by its
checksum).`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			ctx := cmd.Context()
			if until != "" {
				t, err := time.Parse("2006-01", until)
				if err != nil {
					return fmt.Errorf("%w: --until %q: use YYYY-MM", errUsage, until)
				}
				opt.Until = t
			}
			start := time.Now()
			man, err := demo.Generate(ctx, opt)
			if err != nil {
				return err
			}
			pool, err := m.openDB(ctx)
			if err != nil {
				return err
			}
			defer pool.Close()
			sums, err := demo.Load(ctx, ingest.New(pool, m.Logger), opt.OutDir, man)
			if err != nil {
				return err
			}
			tw := tabwriter.NewWriter(m.Stdout, 0, 4, 2, ' ', 0)
			fmt.Fprintln(tw, "FILE\tAS-OF\tREAD\tLOADED\tREJECTED\tUNCHANGED\tMATCH")
			for _, s := range sums {
				match := "-"
				if s.MatchRate != nil {
					match = fmt.Sprintf("%.1f%%", 100**s.MatchRate)
				}
				fmt.Fprintf(tw, "%s\t%s\t%d\t%d\t%d\t%v\t%s\n", s.File, s.AsOf, s.Read, s.Loaded, s.Rejected, s.UnchangedFile, match)
			}
			if err := tw.Flush(); err != nil {
				return err
			}
			// The map's quartieri: the approximate shapes, unless official ones are loaded.
			terr, loaded, err := (&territorio.Store{Pool: pool, Logger: m.Logger}).LoadDefault(ctx, "demo")
			if err != nil {
				return err
			}
			if loaded {
				printTerritorio(m.Stdout, terr)
			} else {
				fmt.Fprintln(m.Stdout, "quartieri: confini ufficiali già caricati, forme approssimate non caricate")
			}
			users, err := auth.EnsureDemoUsers(ctx, pool)
			if err != nil {
				return err
			}
			fmt.Fprintln(m.Stdout, "demo users (public passwords, for the demo only):")
			for _, u := range users {
				fmt.Fprintf(m.Stdout, "  %-16s %-10s password %s\n", u.Username, u.Role, u.Password)
			}
			if !noDocs {
				err := m.withStore(cmd, func(s *retrieval.Store) error {
					rep, err := s.LoadDemoCorpus(ctx)
					if err != nil {
						return err
					}
					return printReport(m.Stdout, rep)
				})
				if err != nil {
					return err
				}
			}
			fmt.Fprintf(m.Stdout, "demo data loaded in %s (fictional data: see docs/demo-data.md)\n", time.Since(start).Round(time.Millisecond))
			return nil
		},
	}
	f := cmd.Flags()
	f.StringVar(&opt.OutDir, "dir", "var/demo", "where the generated files are written")
	f.Uint64Var(&opt.Seed, "seed", 1, "random seed (same seed and --until: identical files)")
	f.StringVar(&until, "until", "", "last month of the data, YYYY-MM (default: the last complete month)")
	f.IntVar(&opt.Snapshots, "snapshots", 6, "monthly register snapshots to generate and load")
	f.Float64Var(&opt.Scale, "scale", 1, "company population multiplier (0.05 for a small data set)")
	f.BoolVar(&noDocs, "no-docs", false, "do not load the demo documents")
	return cmd
}
