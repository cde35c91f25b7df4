package planner

import (
	"slices"

	"github.com/comune-bologna/conoscenza/agent/semantic"
)

// typeDims are the company types a share is usually of ("quota di imprese femminili").
var typeDims = []string{"femminile", "giovanile", "straniera", "artigiana"}

// splitSubset takes the subset of a share out of the filters: the company types, else the
// first filter that is not a place.
func splitSubset(fs []semantic.Filter) (subset, rest []semantic.Filter) {
	for _, f := range fs {
		if slices.Contains(typeDims, f.Dimension) {
			subset = append(subset, f)
		} else {
			rest = append(rest, f)
		}
	}
	if len(subset) > 0 {
		return subset, rest
	}
	for i, f := range rest {
		if f.Dimension != "quartiere" && f.Dimension != "zona" && f.Dimension != "area_statistica" {
			return []semantic.Filter{f}, append(slices.Clone(rest[:i]), rest[i+1:]...)
		}
	}
	if len(rest) == 1 && rest[0].Op == "" {
		// "quota dei contributi andata a Porto-Saragozza": a place alone is the part, the
		// whole city the base
		return rest, nil
	}
	return nil, rest
}

// byMention orders filters by where the question names them, so that the first named after
// "percentuale di" is a share's part ("percentuale di società di capitali nelle costruzioni").
// Filters whose words are not found keep their order, after the others.
func byMention(f *text, fs []semantic.Filter) []semantic.Filter {
	at := func(flt semantic.Filter) int {
		for _, list := range [][]valueWords{sectorWords, formWords, stateWords, withDataValues(cigTypeWords), withDataValues(suapSectorWords)} {
			for _, v := range list {
				if v.dim == flt.Dimension && (flt.Value == v.value || slices.Contains(flt.Values, any(v.value))) {
					if i, _ := f.first(v.words...); i >= 0 {
						return i
					}
				}
			}
		}
		return 1 << 20
	}
	out := slices.Clone(fs)
	slices.SortStableFunc(out, func(a, b semantic.Filter) int { return at(a) - at(b) })
	return out
}

// baseTypes returns the company types named after "sulle", "tra le", "among": in a share
// they restrict the population the share is of, not the part counted ("quota di imprese
// giovanili sulle imprese femminili" is the youth-led share among women-led firms).
func (t *text) baseTypes() map[string]bool {
	b, n := t.first("sulle", "sugli", "sui", "sul", "tra le", "fra le", "tra gli", "fra gli", "among", "out of",
		"rispetto alle", "nell ambito delle", "all interno delle", "within")
	if b < 0 {
		return nil
	}
	out := map[string]bool{}
	for _, v := range typeWords {
		for _, w := range v.words {
			if t.find(w, b+n) >= 0 {
				out[v.dim] = true
			}
		}
	}
	return out
}

// moveToBase moves the subset's company types named as the base into the filters (which
// restrict both the part and the whole), as long as the subset keeps at least one condition.
func moveToBase(subset, rest []semantic.Filter, inBase map[string]bool) ([]semantic.Filter, []semantic.Filter) {
	if len(inBase) == 0 {
		return subset, rest
	}
	var keep, moved []semantic.Filter
	for _, f := range subset {
		if inBase[f.Dimension] {
			moved = append(moved, f)
		} else {
			keep = append(keep, f)
		}
	}
	if len(moved) == 0 {
		return subset, rest
	}
	if len(keep) == 0 {
		// "imprese individuali tra le imprese straniere": the types are the whole, the other
		// condition is the part
		i := slices.IndexFunc(rest, func(f semantic.Filter) bool { return family(f.Dimension) != "luogo" })
		if i < 0 {
			return subset, rest
		}
		part := rest[i]
		return []semantic.Filter{part}, append(moved, slices.Delete(slices.Clone(rest), i, i+1)...)
	}
	return keep, append(moved, rest...)
}
