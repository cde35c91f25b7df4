package main

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"math/rand/v2"
	"net/http"
	"net/url"
	"os"
	"strconv"
	"strings"
	"sync"
	"time"
)

// runner is one soak run: the shared transport, the companies to open and the recorders.
type runner struct {
	cfg       config
	transport *http.Transport
	companies []string // codici fiscali for the dossier kinds
	warm, run *recorder
	mem       []MemorySample
	memMu     sync.Mutex
	start     time.Time
}

// askBody is the body of a question in the configured mode.
func (r *runner) askBody(q string) map[string]string {
	b := map[string]string{"question": q}
	if r.cfg.Mode != "" {
		b["mode"] = r.cfg.Mode
	}
	return b
}

// run logs the clients in, runs the warm-up and the measured run back to back (the load does
// not pause between them), cleans up and reports. Errors are for a run that could not start.
func run(ctx context.Context, cfg config, logw io.Writer) (*Report, error) {
	r := &runner{cfg: cfg, warm: newRecorder(), run: newRecorder(),
		transport: &http.Transport{MaxIdleConns: 4 * cfg.Clients, MaxIdleConnsPerHost: 4 * cfg.Clients, IdleConnTimeout: time.Minute}}
	defer r.transport.CloseIdleConnections()
	rep := &Report{Base: cfg.Base, Clients: cfg.Clients, Users: len(cfg.Users), Mode: cfg.Mode, LoadStart: loadAverage()}

	// One logged-in session per client; the first staff or admin finds companies to open.
	workers := make([]*worker, cfg.Clients)
	for i := range workers {
		u := cfg.Users[i%len(cfg.Users)]
		s := newSession(cfg.Base, r.transport, cfg.Timeout)
		if err := s.login(ctx, u); err != nil {
			return nil, fmt.Errorf("client %d: %w", i, err)
		}
		workers[i] = &worker{id: i, user: u, sess: s, r: r, rng: rand.New(rand.NewPCG(uint64(cfg.Seed), uint64(i)))}
	}
	for _, w := range workers {
		if w.sess.role == "staff" || w.sess.role == "admin" {
			var err error
			if r.companies, err = findCompanies(ctx, w.sess); err != nil {
				return nil, err
			}
			break
		}
	}
	if len(r.companies) == 0 {
		rep.Notes = append(rep.Notes, "no staff or admin user, or no companies: the dossier kinds are not run")
	}
	for _, w := range workers {
		w.kinds = kindsFor(w.sess.role, len(r.companies) > 0)
	}

	r.start = time.Now()
	rep.Started = r.start
	r.sampleMemory(ctx, "start")
	warmEnd := r.start.Add(cfg.Warmup)
	end := warmEnd.Add(cfg.Duration)
	fmt.Fprintf(logw, "soak: %d clients, warm-up %s, run %s (until %s)\n", cfg.Clients, cfg.Warmup, cfg.Duration, end.Format(time.TimeOnly))

	sampleCtx, stopSampling := context.WithCancel(ctx)
	sampled := make(chan struct{})
	go func() {
		defer close(sampled)
		r.sampleEvery(sampleCtx, warmEnd, end)
	}()
	runCtx, cancel := context.WithDeadline(ctx, end)
	defer cancel()
	var wg sync.WaitGroup
	for _, w := range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				t0 := time.Now()
				if !t0.Before(end) || runCtx.Err() != nil {
					return
				}
				kind := w.kinds[w.rng.IntN(len(w.kinds))]
				// Operations cut short by the end of the run are not the server's failures:
				// each runs under the parent context and its own timeout, not the deadline.
				n, first, err := w.op(ctx, kind)
				d := time.Since(t0)
				rec := r.run
				if t0.Before(warmEnd) {
					rec = r.warm
				}
				if ctx.Err() != nil {
					return // interrupted: not recorded
				}
				rec.record(kind, d, n, err)
				if first > 0 {
					rec.recordFirst(kind, first)
				}
			}
		}()
	}
	wg.Wait()
	finished := time.Now()
	stopSampling()
	<-sampled
	r.sampleMemory(context.WithoutCancel(ctx), "end")
	rep.LoadEnd = loadAverage()
	rep.Warmup = r.warm.report(min(cfg.Warmup, finished.Sub(r.start)))
	rep.Run = r.run.report(max(0, finished.Sub(warmEnd)))
	rep.Memory = r.mem

	if cfg.Cleanup {
		n, err := r.cleanup(context.WithoutCancel(ctx), workers)
		rep.Deleted = n
		if err != nil {
			rep.Notes = append(rep.Notes, "cleanup: "+err.Error())
		}
	}
	if ctx.Err() != nil {
		rep.Notes = append(rep.Notes, "interrupted before the end of the run")
	}
	return rep, nil
}

// findCompanies collects codici fiscali to open, from the company name search.
func findCompanies(ctx context.Context, s *session) ([]string, error) {
	seen := map[string]bool{}
	var out []string
	for _, q := range []string{"srl", "snc", "sas", "s.r.l", "bar", "ristorante", "impresa"} {
		_, data, err := s.do(ctx, http.MethodGet, "/api/v1/imprese?limit=50&q="+url.QueryEscape(q), nil, http.StatusOK, false)
		if err != nil {
			return nil, fmt.Errorf("find companies: %w", err)
		}
		var list struct {
			Candidates []struct {
				CF string `json:"codice_fiscale"`
			} `json:"candidates"`
		}
		if err := json.Unmarshal(data, &list); err != nil {
			return nil, fmt.Errorf("find companies: %w", err)
		}
		for _, c := range list.Candidates {
			if !seen[c.CF] {
				seen[c.CF] = true
				out = append(out, c.CF)
			}
		}
	}
	return out, nil
}

// cleanup deletes the conversations of every user the clients logged in as (the privacy
// endpoint DELETE /api/v1/conversations, the caller's own only).
func (r *runner) cleanup(ctx context.Context, workers []*worker) (int, error) {
	done := map[string]bool{}
	total := 0
	var errs []error
	for _, w := range workers {
		if done[w.sess.user] {
			continue
		}
		done[w.sess.user] = true
		_, data, err := w.sess.do(ctx, http.MethodDelete, "/api/v1/conversations", nil, http.StatusOK, false)
		if err != nil {
			errs = append(errs, err)
			continue
		}
		var res struct {
			Deleted int `json:"deleted"`
		}
		if err := json.Unmarshal(data, &res); err != nil {
			errs = append(errs, err)
		}
		total += res.Deleted
	}
	return total, errors.Join(errs...)
}

// sampleEvery samples the server's memory every cfg.Sample, naming the phase.
func (r *runner) sampleEvery(ctx context.Context, warmEnd, end time.Time) {
	t := time.NewTicker(r.cfg.Sample)
	defer t.Stop()
	warmSampled := r.cfg.Warmup == 0
	for {
		next := warmEnd
		if warmSampled {
			next = end.Add(time.Hour) // the end is sampled by run
		}
		select {
		case <-ctx.Done():
			return
		case <-time.After(time.Until(next)):
			r.sampleMemory(ctx, "warmup")
			warmSampled = true
		case now := <-t.C:
			if now.Before(warmEnd) {
				continue
			}
			r.sampleMemory(ctx, "run")
		}
	}
}

// sampleMemory notes the server's RSS (from /proc, when the pid is known), and its Go heap in
// use and goroutines (from its /metrics, the loopback scrape).
func (r *runner) sampleMemory(ctx context.Context, phase string) {
	m := MemorySample{AtSeconds: math.Round(time.Since(r.start).Seconds()), Phase: phase}
	if r.cfg.PID > 0 {
		m.RSSMiB = rssMiB(r.cfg.PID)
	}
	ctx, cancel := context.WithTimeout(ctx, 5*time.Second)
	defer cancel()
	if req, err := http.NewRequestWithContext(ctx, http.MethodGet, r.cfg.Base+"/metrics", nil); err == nil {
		if resp, err := (&http.Client{Transport: r.transport}).Do(req); err == nil {
			sc := bufio.NewScanner(resp.Body)
			sc.Buffer(make([]byte, 64<<10), 1<<20)
			for sc.Scan() {
				name, value, ok := strings.Cut(sc.Text(), " ")
				if !ok {
					continue
				}
				v, err := strconv.ParseFloat(value, 64)
				if err != nil {
					continue
				}
				switch name {
				case "go_memstats_heap_inuse_bytes":
					m.HeapMiB = math.Round(v/(1<<20)*10) / 10
				case "go_goroutines":
					m.Goroutines = int(v)
				}
			}
			resp.Body.Close()
		}
	}
	r.memMu.Lock()
	r.mem = append(r.mem, m)
	r.memMu.Unlock()
}

// rssMiB reads a process's resident set size (0 when it cannot).
func rssMiB(pid int) float64 {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		return 0
	}
	for _, line := range strings.Split(string(b), "\n") {
		if f := strings.Fields(line); len(f) >= 2 && f[0] == "VmRSS:" {
			kb, _ := strconv.ParseFloat(f[1], 64)
			return math.Round(kb/1024*10) / 10
		}
	}
	return 0
}

// loadAverage is the machine's 1, 5 and 15 minute load averages ("" off Linux).
func loadAverage() string {
	b, err := os.ReadFile("/proc/loadavg")
	if err != nil {
		return ""
	}
	f := strings.Fields(string(b))
	if len(f) < 3 {
		return ""
	}
	return strings.Join(f[:3], " ")
}
