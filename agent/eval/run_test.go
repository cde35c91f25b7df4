package eval

import (
	"testing"

	"github.com/comune-bologna/conoscenza/agent"
	"github.com/comune-bologna/conoscenza/agent/semantic"
	"github.com/comune-bologna/conoscenza/agent/tool"
)

// A negative cell (a balance) is written with its sign: "-5" is the cell -5, not 5.
func TestAnAnswerWritesANegativeCellWithItsSign(t *testing.T) {
	tab := tool.Table{Columns: []semantic.Column{{Name: "zona", Type: "text"}, {Name: "valore", Type: "number"}},
		Rows: [][]any{{"Mazzini", int64(-5)}}}
	for answer, want := range map[string]bool{
		"Saldo (nel 2025): il valore più basso è Mazzini (-5).": true,
		"Saldo (nel 2025): il valore più basso è Mazzini (−5).": true,
		"Saldo (nel 2025): il valore più basso è Mazzini (5).":  false,
		"Saldo (nel 2025): -7.":                                 false,
	} {
		if got := numberFromTables(&agent.Answer{Answer: answer, Tables: []tool.Table{tab}}); got != want {
			t.Errorf("%q: %v, want %v", answer, got, want)
		}
	}
}
