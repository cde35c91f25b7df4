package tool

import (
	"strings"
	"testing"

	"github.com/comune-bologna/conoscenza/agent/catalog"
	"github.com/comune-bologna/conoscenza/agent/semantic"
)

// A range filter reads as words in a table's title ("anzianita between [58 69]"), not glued to
// its dimension ("anzianitabetween").
func TestTitleSpacesWordOperators(t *testing.T) {
	q := semantic.Query{Metric: "chiusure", From: "2023-01-01", To: "2023-12-31",
		Filters: []semantic.Filter{{Dimension: "anzianita", Op: "between", Values: []any{58, 69}}, {Dimension: "quartiere", Op: "not_in", Values: []any{"Navile"}}}}
	got := Title(catalog.Default(), q, "chiusure")
	for _, want := range []string{"anzianita between [58 69]", "quartiere not in [Navile]"} {
		if !strings.Contains(got, want) {
			t.Errorf("title %q lacks %q", got, want)
		}
	}
}
