package ingest

import (
	"testing"
	"time"
)

func TestAsOfFromFileNames(t *testing.T) {
	for _, c := range []struct{ name, want string }{
		{"imprese_2026-10.csv", "2026-10-31"},
		{"imprese_202610.csv", "2026-10-31"},
		{"IMPRESE_BO_2026_02.csv", "2026-02-28"},
		{"cig_2026-10-15.csv", "2026-10-15"},
		{"cig_20261015.csv", "2026-10-15"},
		// The Italian order and month names.
		{"imprese_31-10-2026.csv", "2026-10-31"},
		{"imprese_15.10.2026.csv", "2026-10-15"},
		{"imprese_31102026.csv", "2026-10-31"},
		{"imprese_10-2026.csv", "2026-10-31"},
		{"imprese_02_2024.csv", "2024-02-29"},
		{"Imprese Ottobre 2026.csv", "2026-10-31"},
		{"imprese_dic2025.csv", "2025-12-31"},
		{"estrazione_ri_settembre-2026.csv", "2026-09-30"},
		// No date, or an impossible one: none (the register then needs --as-of).
		{"imprese.csv", ""},
		{"imprese_31-02-2026.csv", ""},
		{"imprese_31-10_2026.csv", "2026-10-31"}, // mixed separators: only the month is read
		{"imprese_v2.csv", ""},
		{"contributi_2025.csv", ""},
		{"immagini_2026.csv", ""},
	} {
		got, src := resolveAsOf(time.Time{}, c.name)
		s := ""
		if !got.IsZero() {
			s = got.Format(time.DateOnly)
			if src != "file_name" {
				t.Errorf("%s: source %q", c.name, src)
			}
		}
		if s != c.want {
			t.Errorf("%s: as-of %q, want %q", c.name, s, c.want)
		}
	}
	if got, src := resolveAsOf(time.Date(2026, 9, 30, 0, 0, 0, 0, time.UTC), "imprese_2026-10.csv"); src != "flag" || got.Month() != 9 {
		t.Errorf("the flag wins over the name: %v %s", got, src)
	}
}
