package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/spf13/cobra"

	"github.com/comune-bologna/conoscenza/agent/catalog"
	"github.com/comune-bologna/conoscenza/agent/dossier"
	"github.com/comune-bologna/conoscenza/agent/semantic"
	"github.com/comune-bologna/conoscenza/agent/sqlguard"
	"github.com/comune-bologna/conoscenza/ingest/db"
)

// openReadOnly opens the pool of the read-only role every assistant query runs as.
func (m *Main) openReadOnly(ctx context.Context) (*pgxpool.Pool, error) {
	pool, err := db.Open(ctx, m.Config.ReadOnlyDatabaseURL)
	if err != nil {
		return nil, fmt.Errorf("read-only role: %w", err)
	}
	return pool, nil
}

func printJSON(w io.Writer, v any) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(v)
}

func (m *Main) metricsCommand() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "metrics",
		Short: "The semantic layer: list metrics and dimensions, run typed queries, platea and call outcomes",
	}
	var listJSON bool
	list := &cobra.Command{
		Use:   "list",
		Short: "List the catalog's metrics and dimensions",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			cat := catalog.Default()
			if listJSON {
				return printJSON(m.Stdout, map[string]any{"metrics": cat.Metrics, "dimensions": cat.Dimensions, "sources": cat.Sources})
			}
			tw := tabwriter.NewWriter(m.Stdout, 0, 4, 2, ' ', 0)
			fmt.Fprintln(tw, "METRICA\tUNITÀ\tFONTE\tDESCRIZIONE")
			for _, x := range cat.Metrics {
				fmt.Fprintf(tw, "%s\t%s\t%s\t%s\n", x.Name, x.Unit, x.Source, x.Description)
			}
			fmt.Fprintln(tw, "\nDIMENSIONE\tTIPO\tFONTI\tNOME")
			for _, d := range cat.Dimensions {
				fmt.Fprintf(tw, "%s\t%s\t%s\t%s\n", d.Name, d.Type, strings.Join(d.Sources, ","), d.IT)
			}
			return tw.Flush()
		},
	}
	list.Flags().BoolVar(&listJSON, "json", false, "print JSON")

	var queryJSON, details bool
	query := &cobra.Command{
		Use:   "query 'JSON'",
		Short: "Run a typed query: {metric, filters, group_by, from, to, time_grain, as_of, order, limit, compare_to}",
		Long: `Run a typed query and print columns, rows, the SQL, its parameters, sources and as-of date.

Example:
  conoscenza metrics query '{"metric":"chiusure","filters":[{"dimension":"femminile","value":true}],
    "group_by":["quartiere"],"from":"2020-01-01"}' --json

Breakdowns that combine territory with personal attributes hide cells below 3 unless
--details is given (a staff view).`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			q, err := semantic.ParseQuery([]byte(args[0]))
			if err != nil {
				return err
			}
			return m.withEngine(cmd.Context(), func(e *semantic.Engine) error {
				res, err := e.Run(cmd.Context(), q, semantic.Policy{AllowDetails: details})
				return m.printQueryResult(res, err, queryJSON)
			})
		},
	}
	query.Flags().BoolVar(&queryJSON, "json", false, "print JSON")
	query.Flags().BoolVar(&details, "details", false, "show small cells (roles with access to details)")

	var plateaJSON, plateaList bool
	platea := &cobra.Command{
		Use:     "platea 'FILTERS-JSON'",
		Short:   "How many firms a call would reach, with breakdowns (and the list with --list)",
		Example: `  conoscenza metrics platea '[{"dimension":"femminile","value":true},{"dimension":"anzianita","op":"<","value":36}]'`,
		Args:    cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			var req semantic.PlateaRequest
			if err := json.Unmarshal([]byte(args[0]), &req.Filters); err != nil {
				return fmt.Errorf("filters JSON: %w", err)
			}
			req.List = plateaList
			return m.withEngine(cmd.Context(), func(e *semantic.Engine) error {
				p, err := e.Platea(cmd.Context(), req, semantic.Policy{AllowDetails: plateaList})
				if err != nil {
					return err
				}
				if plateaJSON {
					return printJSON(m.Stdout, p)
				}
				fmt.Fprintf(m.Stdout, "Imprese nella platea: %d (dati al %s)\n\n", p.Count, p.Total.AsOf)
				for _, b := range append(p.Breakdowns, p.List) {
					if b != nil {
						if err := printResult(m.Stdout, b); err != nil {
							return err
						}
					}
				}
				return nil
			})
		},
	}
	platea.Flags().BoolVar(&plateaJSON, "json", false, "print JSON")
	platea.Flags().BoolVar(&plateaList, "list", false, "also list the firms (company-level data)")

	var outcomeJSON bool
	outcome := &cobra.Command{
		Use:   "outcome BANDO ['FILTERS-JSON']",
		Short: "How a past call's beneficiaries fared against non-admitted applicants and similar firms",
		Args:  cobra.RangeArgs(1, 2),
		RunE: func(cmd *cobra.Command, args []string) error {
			var filters []semantic.Filter
			if len(args) == 2 {
				if err := json.Unmarshal([]byte(args[1]), &filters); err != nil {
					return fmt.Errorf("filters JSON: %w", err)
				}
			}
			return m.withEngine(cmd.Context(), func(e *semantic.Engine) error {
				res, err := e.Outcome(cmd.Context(), args[0], filters)
				return m.printQueryResult(res, err, outcomeJSON)
			})
		},
	}
	outcome.Flags().BoolVar(&outcomeJSON, "json", false, "print JSON")

	refresh := &cobra.Command{
		Use:   "refresh",
		Short: "Rebuild the event cubes of the flow metrics if a load was committed since (serve does it by itself)",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			pool, err := m.openDB(cmd.Context())
			if err != nil {
				return err
			}
			defer pool.Close()
			start := time.Now()
			done, err := semantic.RefreshCubes(cmd.Context(), pool)
			if err != nil {
				return err
			}
			if !done {
				_, err = fmt.Fprintln(m.Stdout, "aggregati già aggiornati")
				return err
			}
			_, err = fmt.Fprintf(m.Stdout, "aggregati ricostruiti in %s\n", time.Since(start).Round(time.Millisecond))
			return err
		},
	}
	cmd.AddCommand(list, query, platea, outcome, refresh)
	return cmd
}

func (m *Main) withEngine(ctx context.Context, fn func(*semantic.Engine) error) error {
	pool, err := m.openReadOnly(ctx)
	if err != nil {
		return err
	}
	defer pool.Close()
	return fn(semantic.NewEngine(pool, catalog.Default()).WithParallelWorkers(m.Config.QueryWorkers))
}

// printQueryResult prints a result as JSON or as a table, or returns the error.
func (m *Main) printQueryResult(res *semantic.Result, err error, asJSON bool) error {
	if err != nil {
		return err
	}
	if asJSON {
		return printJSON(m.Stdout, res)
	}
	return printResult(m.Stdout, res)
}

func printResult(w io.Writer, res *semantic.Result) error {
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', tabwriter.AlignRight)
	var head []string
	for _, c := range res.Columns {
		head = append(head, c.Label)
	}
	fmt.Fprintln(tw, strings.Join(head, "\t")+"\t")
	for _, row := range res.Rows {
		var cells []string
		for _, v := range row {
			if v == nil {
				cells = append(cells, "—")
			} else {
				cells = append(cells, fmt.Sprint(v))
			}
		}
		fmt.Fprintln(tw, strings.Join(cells, "\t")+"\t")
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	fmt.Fprintf(w, "\n%d righe; dati al %s", res.RowCount, res.AsOf)
	for _, n := range res.Notes {
		fmt.Fprintf(w, "; %s", n)
	}
	fmt.Fprintf(w, "\nSQL: %s\nparametri: %v\n\n", res.SQL, res.Params)
	return nil
}

func (m *Main) sqlCommand() *cobra.Command {
	var asJSON bool
	cmd := &cobra.Command{
		Use:   "sql 'SELECT ...'",
		Short: "Run one guarded read-only SELECT over the api views (the free-SQL tool)",
		Long: "Run one SELECT over the views of schema api (" + strings.Join(sqlguard.Views, ", ") + `).
The statement is parsed with PostgreSQL's parser and refused with a reason if it is anything
else; it runs as the read-only role with a timeout, a cost limit and a row cap.`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			pool, err := m.openReadOnly(cmd.Context())
			if err != nil {
				return err
			}
			defer pool.Close()
			res, err := (&sqlguard.Runner{Pool: pool}).Run(cmd.Context(), args[0])
			if err != nil {
				return err
			}
			if asJSON {
				return printJSON(m.Stdout, res)
			}
			tw := tabwriter.NewWriter(m.Stdout, 0, 4, 2, ' ', 0)
			var head []string
			for _, c := range res.Columns {
				head = append(head, c.Name)
			}
			fmt.Fprintln(tw, strings.Join(head, "\t"))
			for _, row := range res.Rows {
				var cells []string
				for _, v := range row {
					cells = append(cells, fmt.Sprint(v))
				}
				fmt.Fprintln(tw, strings.Join(cells, "\t"))
			}
			return tw.Flush()
		},
	}
	cmd.Flags().BoolVar(&asJSON, "json", false, "print JSON")
	return cmd
}

func (m *Main) dossierCommand() *cobra.Command {
	var asJSON, personal bool
	cmd := &cobra.Command{
		Use:   "dossier CODICE-FISCALE|NAME",
		Short: "Show the fascicolo d'impresa: register data and history, CIG, SUAP, grants",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			pool, err := m.openReadOnly(cmd.Context())
			if err != nil {
				return err
			}
			defer pool.Close()
			s := &dossier.Service{Pool: pool}
			v := dossier.Viewer{Personal: personal}
			d, err := s.Get(cmd.Context(), args[0], v)
			if db.ErrorCode(err) == db.CodeNotFound {
				cands, serr := s.Search(cmd.Context(), args[0], 20, v)
				if serr != nil {
					return err
				}
				if len(cands) == 1 {
					d, err = s.Get(cmd.Context(), cands[0].CodiceFiscale, v)
				} else {
					return printJSON(m.Stdout, map[string]any{"candidates": cands})
				}
			}
			if err != nil {
				return err
			}
			if asJSON {
				return printJSON(m.Stdout, d)
			}
			i := d.Impresa
			fmt.Fprintf(m.Stdout, "%s — %s\n%s, %s (%s)\nIscritta il %s, stato %s; ATECO %s (%s)\nQuartiere %s; ultimo snapshot %s\n",
				i.Denominazione, i.CodiceFiscale, i.Indirizzo, i.Comune, i.FormaGiuridica, i.Iscrizione, i.Stato, i.Ateco, i.Settore, i.Quartiere, i.UltimoSnapshot)
			fmt.Fprintf(m.Stdout, "Eventi: %d; domande CIG: %d; pratiche SUAP: %d; contributi: %d\n", len(d.Eventi), len(d.CIG), len(d.SUAP), len(d.Contributi))
			return nil
		},
	}
	cmd.Flags().BoolVar(&asJSON, "json", false, "print JSON")
	cmd.Flags().BoolVar(&personal, "personal", false, "show the personal data of individual firms (staff)")
	return cmd
}
