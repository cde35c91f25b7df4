package main

import (
	"fmt"
	"io"
	"strconv"
	"strings"
	"text/tabwriter"

	"github.com/spf13/cobra"

	"github.com/comune-bologna/conoscenza/agent"
	"github.com/comune-bologna/conoscenza/agent/tool"
	"github.com/comune-bologna/conoscenza/web/apitypes"
)

// askPoolConns is enough for one answer at a time.
const askPoolConns = 2

// maxRowsShown bounds the rows of a table printed as text; --json has them all.
const maxRowsShown = 30

func (m *Main) askCommand() *cobra.Command {
	var asJSON bool
	var in apitypes.AskRequest
	var role string
	cmd := &cobra.Command{
		Use:   `ask "QUESTION"`,
		Short: "Ask the assistant a question, in-process (no server needed)",
		Long: `Answer one question as the HTTP API would (POST /api/v1/ask), without a server: numbers come
from SQL with the query, sources and as-of date; passages of the city's documents come as
citations. Without OLLAMA_HOST, or with --mode planner, the deterministic planner answers.

--json prints exactly the API's JSON answer. --conversation continues a conversation (the
follow-up reuses the previous query); its id is printed with every answer.`,
		Example: `  conoscenza ask "Quante imprese femminili hanno chiuso dal 2020 per quartiere?"
  conoscenza ask "e quelle giovanili?" --conversation 0b6f...`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			in.Question = args[0]
			p := tool.Principal{Username: "cli", Role: tool.Role(role)}
			if !tool.ValidRole(p.Role) {
				return fmt.Errorf("%w: --role %q: use decisore, staff, formatore or admin", errUsage, role)
			}
			req, err := in.Request(p)
			if err != nil {
				return err
			}
			a, err := m.openAssistant(cmd.Context(), askPoolConns)
			if err != nil {
				return err
			}
			defer a.Close()
			ans, err := a.Service.Ask(cmd.Context(), req, nil)
			if err != nil {
				return err
			}
			if asJSON {
				return printJSON(m.Stdout, ans)
			}
			return printAnswer(m.Stdout, ans)
		},
	}
	f := cmd.Flags()
	f.BoolVar(&asJSON, "json", false, "print the answer as the API's JSON")
	f.StringVar(&in.ConversationID, "conversation", "", "continue this conversation (its id)")
	f.StringVar(&in.Mode, "mode", "", "force planner (no model) or model")
	f.StringVar(&role, "role", string(tool.Decisore), "the role to answer for: decisore, staff, formatore, admin")
	return cmd
}

// printAnswer renders an answer for a terminal: the text, each table with its SQL, sources and
// as-of date, the citations, then mode, notice and grounding.
func printAnswer(w io.Writer, a *agent.Answer) error {
	fmt.Fprintf(w, "%s\n", strings.TrimSpace(a.Answer))
	for _, t := range a.Tables {
		fmt.Fprintf(w, "\n[%s] %s\n", t.ID, t.Title)
		if err := printTable(w, t); err != nil {
			return err
		}
		var sources []string
		for _, s := range t.Sources {
			sources = append(sources, s.Name)
		}
		fmt.Fprintf(w, "dati al %s; fonti: %s\n", t.AsOf, strings.Join(sources, ", "))
		for _, n := range t.Notes {
			fmt.Fprintf(w, "nota: %s\n", n)
		}
		fmt.Fprintf(w, "SQL: %s\n", oneLine(t.SQL))
		if len(t.Params) > 0 {
			fmt.Fprintf(w, "parametri: %v\n", t.Params)
		}
	}
	if len(a.Citations) > 0 {
		fmt.Fprintln(w, "\nFonti documentali:")
	}
	for _, c := range a.Citations {
		where := c.Title
		if c.Section != "" {
			where += " — " + c.Section
		}
		if c.Page > 0 {
			where += fmt.Sprintf(", p. %d", c.Page)
		}
		fmt.Fprintf(w, "[%s] %s\n     «%s»\n", c.ID, where, oneLine(c.Quote))
		if c.URL != "" {
			fmt.Fprintf(w, "     %s\n", c.URL)
		} else {
			fmt.Fprintf(w, "     %s\n", c.Document)
		}
	}
	mode := a.Mode
	if a.Model != "" {
		mode += " (" + a.Model + ")"
	}
	fmt.Fprintf(w, "\nmodalità: %s; prompt %s; %d ms\n", mode, a.PromptVersion, a.DurationMS)
	if a.Notice != "" {
		fmt.Fprintf(w, "avviso: %s\n", a.Notice)
	}
	if !a.Grounding.OK {
		fmt.Fprintf(w, "verifica dei numeri: %d di %d non trovati nei dati: %s\n",
			len(a.Grounding.Ungrounded), a.Grounding.Checked, strings.Join(a.Grounding.Ungrounded, ", "))
	}
	if n := len(a.Grounding.UnverifiedQuotes); n > 0 {
		fmt.Fprintf(w, "verifica delle citazioni: %d di %d non sono il testo di un passaggio trovato\n", n, a.Grounding.Quotes)
	}
	_, err := fmt.Fprintf(w, "conversazione: %s (risposta %d)\n", a.ConversationID, a.MessageID)
	return err
}

func printTable(w io.Writer, t tool.Table) error {
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', tabwriter.AlignRight)
	head := make([]string, len(t.Columns))
	for i, c := range t.Columns {
		head[i] = c.Label
		if head[i] == "" {
			head[i] = c.Name
		}
	}
	fmt.Fprintln(tw, strings.Join(head, "\t")+"\t")
	for i, row := range t.Rows {
		if i == maxRowsShown {
			break
		}
		cells := make([]string, len(row))
		for j, v := range row {
			cells[j] = cell(v)
		}
		fmt.Fprintln(tw, strings.Join(cells, "\t")+"\t")
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	if len(t.Rows) > maxRowsShown {
		fmt.Fprintf(w, "… altre %d righe (--json le mostra tutte)\n", len(t.Rows)-maxRowsShown)
	}
	return nil
}

// cell writes one value of a result table: "—" for NULL, numbers in full (30745789, not
// 3.0745789e+07), the rest as Go prints it.
func cell(v any) string {
	switch x := v.(type) {
	case nil:
		return "—"
	case float64:
		return strconv.FormatFloat(x, 'f', -1, 64)
	case float32:
		return strconv.FormatFloat(float64(x), 'f', -1, 32)
	}
	return fmt.Sprint(v)
}

func oneLine(s string) string { return strings.Join(strings.Fields(s), " ") }
