package main

import (
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/spf13/cobra"

	"github.com/comune-bologna/conoscenza/agent/ollama"
	"github.com/comune-bologna/conoscenza/retrieval"
	"github.com/comune-bologna/conoscenza/retrieval/embed"
)

// embedder picks the vector model: Ollama's CONOSCENZA_EMBED_MODEL when OLLAMA_HOST is set,
// else (or when the model is "local") the local embedder that needs no weights, fitted on the
// library itself (local-lsa-v1); "local-hash-v1" names the older hashing embedder, kept for
// comparison.
func (m *Main) embedder() (retrieval.Embedder, error) {
	model := m.Config.EmbedModel
	if model == embed.LocalModel {
		return embed.Local{}, nil
	}
	if m.Config.OllamaHost == "" || model == "local" || model == embed.LSAName {
		return retrieval.NewLocalEmbedder(), nil
	}
	c, err := ollama.New(m.Config.OllamaHost, m.Config.ChatModel, model)
	if err != nil {
		return nil, err
	}
	return c.Embedder(), nil
}

// withStore opens the database and a document store for one command.
func (m *Main) withStore(cmd *cobra.Command, fn func(*retrieval.Store) error) error {
	pool, err := m.openDB(cmd.Context())
	if err != nil {
		return err
	}
	defer pool.Close()
	e, err := m.embedder()
	if err != nil {
		return err
	}
	return fn(retrieval.NewStore(pool, e, m.Logger))
}

func writeJSON(w io.Writer, v any) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(v)
}

func (m *Main) ingestDocsCommand() *cobra.Command {
	var asJSON, prune, reembed, refit bool
	var remove []string
	cmd := &cobra.Command{
		Use:   "docs PATH...",
		Short: "Load policy documents (Markdown, text, HTML, PDF) and make them searchable",
		Long: `Load documents from files and directories: Markdown with front matter, plain text, HTML and
PDF (text layer), each with an optional NAME.meta.json sidecar (title, date, type, issuer, url,
tags). Documents are cut into passages along their headings and embedded.

An unchanged file is skipped; a changed file replaces its passages atomically. A file that
cannot be read is reported with the reason and the others still load; the exit status is
then 1. --remove deletes documents by path; --prune deletes documents under the given
directories whose file is gone. Passages embedded by another model than the active one
(CONOSCENZA_EMBED_MODEL with OLLAMA_HOST, else the local embedder) are embedded again.

The local embedder is fitted on the library itself: after a load that changed more than a
fifth of the passages since its last fit it is fitted again and every passage re-embedded,
in one transaction; --refit fits it again whatever changed.`,
		RunE: func(cmd *cobra.Command, args []string) error {
			if len(args) == 0 && len(remove) == 0 && !reembed && !refit {
				return fmt.Errorf("%w: name at least one file or directory (or --remove PATH, --reembed, --refit)", errUsage)
			}
			opt := retrieval.IngestOptions{StartedBy: "cli", Refit: refit}
			for _, r := range remove {
				abs, err := filepath.Abs(r)
				if err != nil {
					return err
				}
				opt.Remove = append(opt.Remove, abs)
			}
			if prune {
				for _, a := range args {
					if abs, err := filepath.Abs(a); err == nil && isDir(abs) {
						opt.Prune = append(opt.Prune, abs)
					}
				}
			}
			return m.withStore(cmd, func(s *retrieval.Store) error {
				rep, err := s.IngestFiles(cmd.Context(), args, opt)
				if err != nil {
					return err
				}
				if asJSON {
					err = writeJSON(m.Stdout, rep)
				} else {
					err = printReport(m.Stdout, rep)
				}
				if err == nil && rep.Failed > 0 {
					err = fmt.Errorf("%d documenti non caricati (motivi sopra)", rep.Failed)
				}
				return err
			})
		},
	}
	cmd.Flags().BoolVar(&asJSON, "json", false, "print the report as JSON")
	cmd.Flags().StringArrayVar(&remove, "remove", nil, "remove the document loaded from this path (repeatable)")
	cmd.Flags().BoolVar(&prune, "prune", false, "remove documents under the given directories whose file no longer exists")
	cmd.Flags().BoolVar(&reembed, "reembed", false, "only re-embed passages of other models (no PATH needed)")
	cmd.Flags().BoolVar(&refit, "refit", false, "fit the local embedder on the library again and re-embed every passage (no PATH needed)")
	return cmd
}

func printReport(w io.Writer, r retrieval.Report) error {
	_, err := fmt.Fprintf(w, "documenti: %d aggiunti, %d sostituiti, %d invariati, %d rimossi, %d non caricati; %d passaggi scritti, %d ricalcolati (modello %s, lotto %d, %s)\n",
		r.Added, r.Replaced, r.Unchanged, r.Removed, r.Failed, r.Chunks, r.Reembedded, r.EmbedModel, r.BatchID, r.Status)
	if r.Fit != nil && r.Fit.Refitted {
		fmt.Fprintf(w, "modello locale %s adattato alla biblioteca (%d passaggi, %d termini): tutti i passaggi ricalcolati in %d ms\n",
			r.Fit.Model, r.Fit.Chunks, r.Fit.Terms, r.Fit.TotalMS)
	}
	for _, f := range r.Results {
		switch f.Status {
		case "failed":
			fmt.Fprintf(w, "  non caricato  %s: %s\n", f.Path, f.Error)
		case "unchanged", "skipped":
		default:
			fmt.Fprintf(w, "  %-13s %s (%d passaggi)\n", f.Status, f.Path, f.Chunks)
		}
		for _, warn := range f.Warnings {
			fmt.Fprintf(w, "  avviso        %s: %s\n", f.Path, warn)
		}
	}
	return err
}

func (m *Main) demoDocsCommand() *cobra.Command {
	var asJSON bool
	cmd := &cobra.Command{
		Use:   "docs",
		Short: "Load the fictional demo documents (bandi, delibere, piani, report) into the library",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return m.withStore(cmd, func(s *retrieval.Store) error {
				rep, err := s.LoadDemoCorpus(cmd.Context())
				if err != nil {
					return err
				}
				if asJSON {
					return writeJSON(m.Stdout, rep)
				}
				return printReport(m.Stdout, rep)
			})
		},
	}
	cmd.Flags().BoolVar(&asJSON, "json", false, "print the report as JSON")
	return cmd
}

func (m *Main) searchCommand() *cobra.Command {
	var asJSON bool
	var method, from, to string
	var opt retrieval.SearchOptions
	cmd := &cobra.Command{
		Use:   `search "domanda"`,
		Short: "Search the city's documents (hybrid: vector + Italian full text) and print citations",
		Long: `Search the loaded documents for the passages that answer a question in Italian. Each result
names the document, its section (heading path) or page, quotes the passage and gives its URL.

Filters: --type (delibera, bando, piano, report, ...; repeatable), --tag (all must match;
repeatable), --from and --to (document date, YYYY-MM-DD).`,
		Args: cobra.MinimumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			var ok bool
			if opt.Method, ok = retrieval.ParseMethod(method); !ok {
				return fmt.Errorf("%w: --method must be hybrid, vector or fulltext", errUsage)
			}
			for _, d := range []struct {
				flag, val string
				dst       *time.Time
			}{{"--from", from, &opt.Filter.From}, {"--to", to, &opt.Filter.To}} {
				if d.val == "" {
					continue
				}
				t, err := time.Parse(time.DateOnly, d.val)
				if err != nil {
					return fmt.Errorf("%w: %s %q is not a date YYYY-MM-DD", errUsage, d.flag, d.val)
				}
				*d.dst = t
			}
			return m.withStore(cmd, func(s *retrieval.Store) error {
				resp, err := s.Search(cmd.Context(), strings.Join(args, " "), opt)
				if err != nil {
					return err
				}
				if asJSON {
					return writeJSON(m.Stdout, resp)
				}
				return printResults(m.Stdout, resp)
			})
		},
	}
	cmd.Flags().BoolVar(&asJSON, "json", false, "print JSON")
	cmd.Flags().StringVar(&method, "method", "hybrid", "hybrid, vector or fulltext")
	cmd.Flags().IntVarP(&opt.Limit, "limit", "n", 5, "number of passages")
	cmd.Flags().StringArrayVar(&opt.Filter.Types, "type", nil, "only documents of this type (repeatable)")
	cmd.Flags().StringArrayVar(&opt.Filter.Tags, "tag", nil, "only documents with this tag (repeatable: all must match)")
	cmd.Flags().StringVar(&from, "from", "", "only documents dated on or after YYYY-MM-DD")
	cmd.Flags().StringVar(&to, "to", "", "only documents dated on or before YYYY-MM-DD")
	return cmd
}

func printResults(w io.Writer, resp retrieval.SearchResponse) error {
	if len(resp.Results) == 0 {
		_, err := fmt.Fprintf(w, "Nessun passaggio trovato per %q.\n", resp.Query)
		return err
	}
	for i, r := range resp.Results {
		where := r.SectionLabel()
		if r.Page > 0 {
			where += fmt.Sprintf(" (p. %d)", r.Page)
		}
		meta := strings.TrimSpace(strings.Join([]string{r.DocType, r.Date}, " "))
		fmt.Fprintf(w, "%d. %s [%s] punteggio %.4f\n   %s\n   «%s»\n   %s\n", i+1, r.Title, meta, r.Score, where,
			strings.ReplaceAll(r.Quote, "\n", "\n    "), firstNonEmpty(r.URL, r.Path))
	}
	if resp.StaleChunks > 0 {
		fmt.Fprintf(w, "\nAttenzione: %d passaggi sono stati calcolati con un altro modello e la ricerca vettoriale non li vede: esegui `conoscenza ingest docs --reembed`.\n", resp.StaleChunks)
	}
	return nil
}

func (m *Main) evalCommand() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "eval",
		Short: "Measure the quality of the assistant's components",
	}
	cmd.AddCommand(m.evalRetrievalCommand())
	cmd.AddCommand(m.evalAssistantCommand())
	return cmd
}

func (m *Main) evalRetrievalCommand() *cobra.Command {
	var asJSON bool
	cmd := &cobra.Command{
		Use:   "retrieval",
		Short: "Score document search on the evaluation set: recall@5, recall@10 and MRR per method",
		Long: `Load the demo documents (if not already loaded), ask every question of the evaluation set
(retrieval/corpus/eval.json) with vector, full-text and hybrid search, and count a hit when a
result comes from the expected document and section.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return m.withStore(cmd, func(s *retrieval.Store) error {
				if _, err := s.LoadDemoCorpus(cmd.Context()); err != nil {
					return err
				}
				qs, err := retrieval.EvalSet()
				if err != nil {
					return err
				}
				ev, err := s.Evaluate(cmd.Context(), qs)
				if err != nil {
					return err
				}
				if asJSON {
					return writeJSON(m.Stdout, ev)
				}
				tw := tabwriter.NewWriter(m.Stdout, 0, 0, 2, ' ', tabwriter.AlignRight)
				fmt.Fprintf(m.Stdout, "%d domande, modello %s\n", len(qs), ev.EmbedModel)
				fmt.Fprintln(tw, "metodo\trecall@5\trecall@10\tMRR\t")
				for _, sc := range ev.Scores {
					fmt.Fprintf(tw, "%s\t%.3f\t%.3f\t%.3f\t\n", sc.Method, sc.RecallAt5, sc.RecallAt10, sc.MRR)
				}
				return tw.Flush()
			})
		},
	}
	cmd.Flags().BoolVar(&asJSON, "json", false, "print scores and per-question ranks as JSON")
	return cmd
}

func isDir(p string) bool {
	info, err := os.Stat(p)
	return err == nil && info.IsDir()
}

func firstNonEmpty(s ...string) string {
	for _, x := range s {
		if x != "" {
			return x
		}
	}
	return ""
}
