package main

import (
	"fmt"
	"io"
	"math"
	"slices"
	"sort"
	"sync"
	"text/tabwriter"
	"time"
)

// maxErrorSamples is how many error messages of each kind the report keeps.
const maxErrorSamples = 5

// recorder collects the outcome of every operation of one phase; safe for concurrent use.
// Every latency is kept (a 10-minute run at a few hundred operations a second is a few MB), so
// that the percentiles are exact.
type recorder struct {
	mu    sync.Mutex
	kinds map[string]*kindStats
}

type kindStats struct {
	latencies []time.Duration
	first     []time.Duration // streams: time to the first event
	requests  int
	errors    int
	samples   []string
}

func newRecorder() *recorder { return &recorder{kinds: map[string]*kindStats{}} }

// record notes one operation of kind: how long it took, how many HTTP requests it made and
// whether it failed.
func (r *recorder) record(kind string, d time.Duration, requests int, err error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	k := r.kind(kind)
	k.latencies = append(k.latencies, d)
	k.requests += requests
	if err != nil {
		k.errors++
		if len(k.samples) < maxErrorSamples {
			k.samples = append(k.samples, err.Error())
		}
	}
}

// recordFirst notes when a stream's first event arrived.
func (r *recorder) recordFirst(kind string, d time.Duration) {
	r.mu.Lock()
	defer r.mu.Unlock()
	k := r.kind(kind)
	k.first = append(k.first, d)
}

func (r *recorder) kind(name string) *kindStats {
	k := r.kinds[name]
	if k == nil {
		k = &kindStats{}
		r.kinds[name] = k
	}
	return k
}

// percentile is the nearest-rank percentile p (0 < p <= 100) of sorted values.
func percentile(sorted []time.Duration, p float64) time.Duration {
	if len(sorted) == 0 {
		return 0
	}
	rank := int(math.Ceil(p / 100 * float64(len(sorted))))
	return sorted[min(max(rank, 1), len(sorted))-1]
}

// Latency is a summary of latencies, in milliseconds.
type Latency struct {
	P50 float64 `json:"p50_ms"`
	P95 float64 `json:"p95_ms"`
	P99 float64 `json:"p99_ms"`
	Max float64 `json:"max_ms"`
}

func summarize(values []time.Duration) Latency {
	s := slices.Clone(values)
	slices.Sort(s)
	ms := func(d time.Duration) float64 { return math.Round(float64(d)/1e4) / 100 }
	if len(s) == 0 {
		return Latency{}
	}
	return Latency{P50: ms(percentile(s, 50)), P95: ms(percentile(s, 95)), P99: ms(percentile(s, 99)), Max: ms(s[len(s)-1])}
}

// KindReport is one kind's line of the report.
type KindReport struct {
	Kind       string   `json:"kind"`
	Operations int      `json:"operations"`
	Requests   int      `json:"requests"`
	Errors     int      `json:"errors"`
	Latency    Latency  `json:"latency"`
	FirstEvent *Latency `json:"first_event,omitempty"` // streams
	Samples    []string `json:"error_samples,omitempty"`
}

// PhaseReport is the outcome of one phase (warm-up or run).
type PhaseReport struct {
	Seconds  float64      `json:"seconds"`
	Kinds    []KindReport `json:"kinds"`
	All      KindReport   `json:"all"`
	RPS      float64      `json:"requests_per_second"`
	Requests int          `json:"requests"`
	Errors   int          `json:"errors"`
}

// report summarises what r collected over elapsed.
func (r *recorder) report(elapsed time.Duration) PhaseReport {
	r.mu.Lock()
	defer r.mu.Unlock()
	names := make([]string, 0, len(r.kinds))
	for n := range r.kinds {
		names = append(names, n)
	}
	sort.Slice(names, func(i, j int) bool { return kindOrder(names[i]) < kindOrder(names[j]) })
	out := PhaseReport{Seconds: math.Round(elapsed.Seconds()*10) / 10}
	var all []time.Duration
	for _, n := range names {
		k := r.kinds[n]
		kr := KindReport{Kind: n, Operations: len(k.latencies), Requests: k.requests, Errors: k.errors,
			Latency: summarize(k.latencies), Samples: k.samples}
		if len(k.first) > 0 {
			f := summarize(k.first)
			kr.FirstEvent = &f
		}
		out.Kinds = append(out.Kinds, kr)
		all = append(all, k.latencies...)
		out.Requests += k.requests
		out.Errors += k.errors
	}
	out.All = KindReport{Kind: "all", Operations: len(all), Requests: out.Requests, Errors: out.Errors, Latency: summarize(all)}
	if elapsed > 0 {
		out.RPS = math.Round(float64(out.Requests)/elapsed.Seconds()*10) / 10
	}
	return out
}

// MemorySample is the server's memory at one moment of the run.
type MemorySample struct {
	AtSeconds  float64 `json:"at_s"`
	Phase      string  `json:"phase"` // start, warmup, run, end
	RSSMiB     float64 `json:"rss_mib,omitempty"`
	HeapMiB    float64 `json:"heap_inuse_mib,omitempty"`
	Goroutines int     `json:"goroutines,omitempty"`
}

// Report is everything a soak run measured.
type Report struct {
	Base      string         `json:"base"`
	Clients   int            `json:"clients"`
	Users     int            `json:"users"`
	Mode      string         `json:"mode"`
	Started   time.Time      `json:"started"`
	Warmup    PhaseReport    `json:"warmup"`
	Run       PhaseReport    `json:"run"`
	Memory    []MemorySample `json:"memory"`
	LoadStart string         `json:"load_average_start,omitempty"`
	LoadEnd   string         `json:"load_average_end,omitempty"`
	Deleted   int            `json:"conversations_deleted"`
	Notes     []string       `json:"notes,omitempty"`
}

// Errors counts the failed operations of both phases.
func (r *Report) Errors() int { return r.Warmup.Errors + r.Run.Errors }

// Write prints the report for people.
func (r *Report) Write(w io.Writer) {
	fmt.Fprintf(w, "soak: %d clients as %d users against %s, mode %q, started %s\n",
		r.Clients, r.Users, r.Base, r.Mode, r.Started.UTC().Format(time.RFC3339))
	fmt.Fprintf(w, "warm-up: %d requests in %.1f s, %d errors\n", r.Warmup.Requests, r.Warmup.Seconds, r.Warmup.Errors)
	fmt.Fprintf(w, "run: %d requests in %.1f s (%.1f/s), %d errors\n", r.Run.Requests, r.Run.Seconds, r.Run.RPS, r.Run.Errors)
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "kind\toperations\trequests\terrors\tp50 ms\tp95 ms\tp99 ms\tmax ms\t")
	line := func(k KindReport) {
		fmt.Fprintf(tw, "%s\t%d\t%d\t%d\t%.1f\t%.1f\t%.1f\t%.1f\t\n", k.Kind, k.Operations, k.Requests, k.Errors,
			k.Latency.P50, k.Latency.P95, k.Latency.P99, k.Latency.Max)
		if k.FirstEvent != nil {
			f := k.FirstEvent
			fmt.Fprintf(tw, "  first event\t\t\t\t%.1f\t%.1f\t%.1f\t%.1f\t\n", f.P50, f.P95, f.P99, f.Max)
		}
	}
	for _, k := range r.Run.Kinds {
		line(k)
	}
	line(r.Run.All)
	_ = tw.Flush()
	for _, ph := range []PhaseReport{r.Warmup, r.Run} {
		for _, k := range ph.Kinds {
			for _, s := range k.Samples {
				fmt.Fprintf(w, "error (%s): %s\n", k.Kind, s)
			}
		}
	}
	if len(r.Memory) > 0 {
		fmt.Fprintln(w, "server memory (RSS MiB / Go heap in use MiB / goroutines):")
		for _, m := range r.Memory {
			fmt.Fprintf(w, "  %6.0f s  %-7s %6.1f  %6.1f  %4d\n", m.AtSeconds, m.Phase, m.RSSMiB, m.HeapMiB, m.Goroutines)
		}
	}
	if r.LoadStart != "" {
		fmt.Fprintf(w, "load average: start %s, end %s\n", r.LoadStart, r.LoadEnd)
	}
	fmt.Fprintf(w, "conversations deleted at the end: %d\n", r.Deleted)
	for _, n := range r.Notes {
		fmt.Fprintln(w, "note:", n)
	}
}
