package catalog

import "sort"

// Suggest returns up to three names from candidates closest to s (by edit distance on folded
// text, synonyms included through names), for "did you mean" messages.
func Suggest(s string, candidates []string) []string {
	type scored struct {
		name string
		d    int
	}
	want := Fold(s)
	var out []scored
	for _, c := range candidates {
		d := EditDistance(want, Fold(c))
		limit := max(2, len([]rune(want))/3)
		if d <= limit {
			out = append(out, scored{c, d})
		}
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].d < out[j].d })
	names := make([]string, 0, 3)
	for i := 0; i < len(out) && i < 3; i++ {
		names = append(names, out[i].name)
	}
	return names
}

// MetricNames lists every metric name.
func (c *Catalog) MetricNames() []string {
	out := make([]string, 0, len(c.Metrics))
	for _, m := range c.Metrics {
		out = append(out, m.Name)
	}
	return out
}

// DimensionNames lists every dimension name.
func (c *Catalog) DimensionNames() []string {
	out := make([]string, 0, len(c.Dimensions))
	for _, d := range c.Dimensions {
		out = append(out, d.Name)
	}
	return out
}

// EditDistance is the Levenshtein edit distance between a and b, in runes.
func EditDistance(a, b string) int {
	ra, rb := []rune(a), []rune(b)
	prev := make([]int, len(rb)+1)
	cur := make([]int, len(rb)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(ra); i++ {
		cur[0] = i
		for j := 1; j <= len(rb); j++ {
			cost := 1
			if ra[i-1] == rb[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev, cur = cur, prev
	}
	return prev[len(rb)]
}
