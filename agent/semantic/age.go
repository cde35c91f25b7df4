package semantic

import (
	"time"

	"github.com/comune-bologna/conoscenza/agent/catalog"
)

// An opening's date is its company's registration date, so the company's age (anzianita, by
// class or by a range in months, against the snapshot) is a function of the month an opening
// falls in whenever every age boundary the query compares with is the last day of a month (a
// snapshot at a month's end): a monthly cuboid then answers openings by age exactly, reading
// its month as the registration date (ageColumn "mese"), as ageCuboid does for stock counts.

// ageOnMonths says whether the query uses the company's age and every age boundary it compares
// the registration date with is the last day of a month after the horizon: then the first day
// of the registration month (a cuboid's month for openings, or its registration month,
// dt_iscrizione, bucketed at the horizon as the months are: migration 00056) compares with
// every boundary as the exact date does.
func (p *plan) ageOnMonths(s snapshot, horizon time.Time) bool {
	if p.series {
		return false
	}
	var cutoffs []time.Time
	uses := false
	for _, f := range append(append([]typedFilter{}, p.filters...), p.subset...) {
		if f.dim.Type != catalog.TypeMonths {
			continue
		}
		uses = true
		if len(f.values) > 0 {
			if _, ranged := f.values[0].(int); ranged {
				for _, n := range ageBoundaries(f) {
					cutoffs = append(cutoffs, pgMinusMonths(s.date, n))
				}
				continue
			}
		}
		cutoffs = append(cutoffs, ageClassCutoffs(s.date)...)
	}
	for _, d := range p.groupBy {
		if d.Type == catalog.TypeMonths {
			uses = true
			cutoffs = append(cutoffs, ageClassCutoffs(s.date)...)
		}
	}
	if !uses {
		return false
	}
	for _, c := range cutoffs {
		if c.AddDate(0, 0, 1).Day() != 1 || c.Before(horizon.AddDate(0, 0, -1)) {
			return false
		}
	}
	return true
}

// ageClassCutoffs are the boundaries of the catalog's anzianita classes (1, 3, 5, 10 years
// before the reference date).
func ageClassCutoffs(ref time.Time) []time.Time {
	var out []time.Time
	for _, years := range []int{1, 3, 5, 10} {
		out = append(out, pgMinusMonths(ref, 12*years))
	}
	return out
}

// classColumn is the cuboids' column with the class of age of the company at the snapshot
// (migration 00058): a date in the class's range, the same for every company of the class
// (agg_classe_eta), so that it compares with each class boundary as the registration date does.
const classColumn = "iscrizione_classe"

// ageOnClasses says whether the query uses the company's age and compares the registration
// date only with the boundaries of the catalog's classes (1, 3, 5 and 10 years before the
// reference date): classes, or ranges of 12, 36, 60 or 120 months.
func (p *plan) ageOnClasses() bool {
	if p.series {
		return false
	}
	uses := false
	for _, f := range append(append([]typedFilter{}, p.filters...), p.subset...) {
		if f.dim.Type != catalog.TypeMonths {
			continue
		}
		uses = true
		if len(f.values) > 0 {
			if _, ranged := f.values[0].(int); ranged {
				for _, n := range ageBoundaries(f) {
					if n != 12 && n != 36 && n != 60 && n != 120 {
						return false
					}
				}
			}
		}
	}
	for _, d := range p.groupBy {
		if d.Type == catalog.TypeMonths {
			uses = true
		}
	}
	return uses
}
