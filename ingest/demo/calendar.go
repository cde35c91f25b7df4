package demo

// Yearly targets at scale 1, calibrated on the order of magnitude of the comune of Bologna
// (InfoCamere Movimprese): 2,500-3,000 registrations and closures a year, the 2020 lockdown
// dip, the closures freeze of 2020 (moratoria), the 2010-2013 crisis in closures.
var (
	apertureAnno = map[int]float64{
		2010: 3050, 2011: 2980, 2012: 2920, 2013: 2860, 2014: 2810, 2015: 2780, 2016: 2830,
		2017: 2860, 2018: 2880, 2019: 2910, 2020: 2230, 2021: 2760, 2022: 2700, 2023: 2680,
		2024: 2650, 2025: 2700, 2026: 2660,
	}
	chiusureAnno = map[int]float64{
		2010: 2880, 2011: 2930, 2012: 2980, 2013: 2960, 2014: 2900, 2015: 2820, 2016: 2760,
		2017: 2720, 2018: 2760, 2019: 2800, 2020: 2540, 2021: 2640, 2022: 2760, 2023: 2800,
		2024: 2830, 2025: 2760, 2026: 2720,
	}
	// Monthly seasonality: January peaks for registrations; closures cluster in December
	// (dated 31/12) and January.
	stagioneAperture = [12]float64{1.35, 1.1, 1.1, 0.95, 1.0, 0.95, 0.95, 0.5, 1.0, 1.1, 1.0, 0.9}
	stagioneChiusure = [12]float64{1.3, 0.85, 0.85, 0.8, 0.8, 0.8, 0.8, 0.45, 0.8, 0.85, 0.9, 2.4}
	// 2020: the March-May lockdown stopped almost every registration, then a partial catch-up.
	aperture2020 = [12]float64{1.35, 1.1, 0.15, 0.03, 0.08, 1.2, 1.15, 0.6, 1.15, 1.15, 0.95, 0.9}
	chiusure2020 = [12]float64{1.3, 0.85, 0.3, 0.15, 0.3, 0.9, 0.9, 0.5, 0.9, 0.95, 1.0, 2.4}
)

// yearTarget returns the target for year y, holding the last known value after the table.
func yearTarget(t map[int]float64, y int) float64 {
	for ; y > 2010; y-- {
		if v, ok := t[y]; ok {
			return v
		}
	}
	return t[2010]
}

// monthlyCounts spreads yearly targets over months (scaled), rounding on the cumulative sum
// so that every year's total is exact.
func monthlyCounts(t map[int]float64, season, s2020 [12]float64, from, to month, scale float64) []int {
	out := make([]int, 0, int(to-from)+1)
	for m := from; m <= to; m++ {
		y := m.year()
		w := season
		if y == 2020 {
			w = s2020
		}
		sum := 0.0
		for _, v := range w {
			sum += v
		}
		total := yearTarget(t, y) * scale
		before := 0.0
		for i := 0; i < m.number()-1; i++ {
			before += w[i]
		}
		lo := round(total * before / sum)
		hi := round(total * (before + w[m.number()-1]) / sum)
		out = append(out, hi-lo)
	}
	return out
}

func round(x float64) int { return int(x + 0.5) }
