package planner

import (
	"fmt"
	"strings"

	"github.com/comune-bologna/conoscenza/agent/tool"
)

// describeDocuments writes the answer of a document search: the passages quoted when they
// answer, else that the loaded documents hold no answer, with the nearest documents named as
// further reading (never quoted, never cited as the answer).
func describeDocuments(r tool.Result, lang string) string {
	if len(r.Citations) > 0 || len(r.Related) == 0 {
		return describeCitations(r.Citations, lang)
	}
	var b strings.Builder
	b.WriteString(tr(lang, "Nei documenti caricati non ho trovato una risposta a questa domanda.",
		"I found no answer to this question in the loaded documents."))
	b.WriteString(tr(lang, "\nPotrebbero interessarti, ma non rispondono alla domanda:",
		"\nThese might interest you, though they do not answer it:"))
	seen := map[string]bool{}
	n := 0
	for _, c := range r.Related {
		if seen[c.Document] || n == 3 {
			continue
		}
		seen[c.Document] = true
		n++
		where := "«" + c.Title + "»"
		if sec := strings.TrimPrefix(strings.TrimPrefix(c.Section, c.Title), " › "); sec != "" {
			where += ", " + sec
		}
		fmt.Fprintf(&b, "\n- %s", where)
	}
	return b.String()
}
