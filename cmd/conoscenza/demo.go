package main

import (
	"fmt"
	"io"
	"strconv"
	"text/tabwriter"
	"time"

	"github.com/spf13/cobra"

	"github.com/comune-bologna/conoscenza/ingest/demo"
)

// demoGenerateCommand writes the synthetic Bologna files (docs/demo-data.md).
func (m *Main) demoGenerateCommand() *cobra.Command {
	var (
		opt   demo.Options
		until string
		quiet bool
	)
	cmd := &cobra.Command{
		Use:   "generate OUTDIR",
		Short: "Genera i file dimostrativi (fittizi) di Bologna / write the synthetic demo files",
		Long: `Scrive in OUTDIR i file di una Bologna fittizia nei formati di ../shared/formats/README.md:
stradario.csv, imprese_AAAA-MM.csv (uno per mese, gli ultimi --snapshots mesi fino a --until),
cig.csv, suap.csv, contributi.csv e manifest.json (file, date di riferimento, righe, righe
sporche iniettate apposta con file/riga/colonna/motivo, indirizzi non attribuibili).

Tutti i dati sono inventati. Stesso --seed e stesso --until: file identici byte per byte.
--until vale di default l'ultimo mese concluso; --scale moltiplica la popolazione di imprese
(0.05 per dati di prova piccoli).`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			opt.OutDir = args[0]
			if until != "" {
				t, err := time.Parse("2006-01", until)
				if err != nil {
					return fmt.Errorf("%w: --until %q: usare AAAA-MM", errUsage, until)
				}
				opt.Until = t
			}
			if opt.Scale <= 0 || opt.Snapshots < 1 {
				return fmt.Errorf("%w: --scale must be > 0 and --snapshots >= 1", errUsage)
			}
			start := time.Now()
			man, err := demo.Generate(cmd.Context(), opt)
			if err != nil {
				return err
			}
			m.Logger.Info("demo data generated", "dir", opt.OutDir, "until", man.Until, "seed", man.Seed,
				"scale", man.Scale, "files", len(man.Files), "dirty_rows", len(man.Dirty), "elapsed", time.Since(start).Round(time.Millisecond))
			if quiet {
				return nil
			}
			fig, err := demo.Measure(opt.OutDir)
			if err != nil {
				return err
			}
			return printDemoSummary(m.Stdout, man, fig, time.Since(start))
		},
	}
	cmd.Flags().Uint64Var(&opt.Seed, "seed", 1, "seme del generatore / random seed")
	cmd.Flags().StringVar(&until, "until", "", "ultimo mese coperto AAAA-MM (default: l'ultimo mese concluso)")
	cmd.Flags().IntVar(&opt.Snapshots, "snapshots", 12, "quanti estratti mensili del registro imprese")
	cmd.Flags().Float64Var(&opt.Scale, "scale", 1, "moltiplicatore della popolazione di imprese")
	cmd.Flags().BoolVar(&quiet, "quiet", false, "non stampare il riepilogo")
	return cmd
}

func printDemoSummary(w io.Writer, man demo.Manifest, fig demo.Figures, elapsed time.Duration) error {
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	fmt.Fprintf(tw, "Dati fittizi generati fino a %s (seed %d, scala %g) in %s\n\n", man.Until, man.Seed, man.Scale, elapsed.Round(time.Millisecond))
	fmt.Fprintln(tw, "FILE\tDATA RIF.\tRIGHE\tSPORCHE")
	for _, f := range man.Files {
		fmt.Fprintf(tw, "%s\t%s\t%d\t%d\n", f.Name, f.AsOf, f.Rows, f.DirtyRows)
	}
	fmt.Fprintf(tw, "\nIndirizzi non attribuibili (tutti gli estratti): %d\n", len(man.UnmatchedAddresses))
	fmt.Fprintf(tw, "\nUltimo estratto %s: %d righe, %d imprese attive\n", fig.LatestSnapshot, fig.Rows, fig.Attive)
	fmt.Fprintf(tw, "Quote sulle attive: femminili %.1f%%, giovanili %.1f%%, straniere %.1f%%, artigiane %.1f%%\n",
		100*fig.Femminili, 100*fig.Giovanili, 100*fig.Straniere, 100*fig.Artigiane)
	fmt.Fprintln(tw, "\nANNO\tISCRIZIONI\tCESSAZIONI\tDOMANDE CIG\tdi cui COVID-19")
	for _, c := range fig.Aperture {
		if y, _ := strconv.Atoi(c.Key); y < 2010 {
			continue
		}
		fmt.Fprintf(tw, "%s\t%d\t%d\t%d\t%d\n", c.Key, c.N, demo.Get(fig.Chiusure, c.Key), demo.Get(fig.CIG, c.Key), demo.Get(fig.CIGCovid, c.Key))
	}
	return tw.Flush()
}
