package semantic

import (
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/comune-bologna/conoscenza/agent/catalog"
)

// placeholder matches the bind parameters of a compiled statement.
var placeholder = regexp.MustCompile(`\$([0-9]+)`)

// FuzzQueryValidator feeds arbitrary JSON to ParseQuery and the validator: neither may panic,
// and a query they accept compiles to one parameterised statement in which no user-supplied
// text appears (every value is a bind parameter). Seeds: testdata/fuzz/FuzzQueryValidator.
func FuzzQueryValidator(f *testing.F) {
	for _, s := range []string{
		`{"metric":"cig_domande","group_by":["anno"]}`,
		`{"metric":"imprese_attive","filters":[{"dimension":"quartiere","op":"=","value":"x' OR 1=1 --"}]}`,
		`{"metric":"imprese_attive","filters":[{"dimension":"femminile","value":true}],"group_by":["quartiere"],"limit":5}`,
		`{"metric":"cig_domande","from":"2025-01-01","to":"2025-12-31","time_grain":"month","compare_to":"previous_year"}`,
		`{"metric":"quota","subset":[{"dimension":"giovanile","value":true}],"base":"imprese_attive"}`,
		`{"metric":"imprese_attive","order":{"by":"valore","desc":true},"as_of":"2026-09-30"}`,
	} {
		f.Add([]byte(s))
	}
	cat := catalog.Default()
	asOf := time.Date(2026, 9, 30, 0, 0, 0, 0, time.UTC)
	f.Fuzz(func(t *testing.T, data []byte) {
		q, err := ParseQuery(data)
		if err != nil {
			return
		}
		p, err := validate(cat, q)
		if err != nil {
			if err.Error() == "" {
				t.Fatalf("empty validation error for %s", data)
			}
			return
		}
		c := compile(p, snapshot{date: asOf, latest: true}, snapshot{date: asOf.AddDate(-1, 0, 0)})
		if strings.TrimSpace(c.sql) == "" || strings.Contains(c.sql, ";") {
			t.Fatalf("query %s compiled to %q", data, c.sql)
		}
		for _, m := range placeholder.FindAllStringSubmatch(c.sql, -1) {
			if n, _ := strconv.Atoi(m[1]); n < 1 || n > len(c.params) {
				t.Fatalf("query %s: placeholder $%d with %d params in %q", data, n, len(c.params), c.sql)
			}
		}
		for _, fl := range append(append([]Filter{}, q.Filters...), q.Subset...) {
			for _, v := range append([]any{fl.Value}, fl.Values...) {
				if s, ok := v.(string); ok && strings.ContainsAny(s, `'"\;`) && strings.Contains(c.sql, s) {
					t.Fatalf("query %s: value %q is in the SQL text %q", data, s, c.sql)
				}
			}
		}
	})
}
