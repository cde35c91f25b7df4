package browsertest

import (
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/go-rod/rod/lib/proto"
)

// benchQuestions rotate so that one answer is not simply repeated from the cache.
var benchQuestions = []string{
	"Quante imprese femminili hanno chiuso per quartiere dal 2020?",
	"Quante domande di cassa integrazione per anno?",
	"Aperture e chiusure per anno dal 2018",
	"Quante imprese attive per sezione ATECO?",
}

type chatTiming struct {
	First    float64 `json:"first"`
	Complete float64 `json:"complete"`
	State    string  `json:"state"`
}

// BenchmarkChatAnswer measures, in the browser, the time from pressing "Invia" to the first
// streamed text of the answer and to the complete answer (tables, chart), in no-model mode.
// Targets (issue #9): first text ≤ 300 ms, complete ≤ 1 s.
func BenchmarkChatAnswer(b *testing.B) {
	br := newBrowser(b, "decisore")
	br.open("/chiedi")
	br.waitVisible(`[data-cz="send"]`)
	var firsts, completes []float64
	for i := 0; b.Loop(); i++ {
		q := benchQuestions[i%len(benchQuestions)]
		var tm chatTiming
		br.eval(fmt.Sprintf(`new Promise((resolve) => {
			const thread = document.querySelector('[data-cz="thread"]');
			const before = document.querySelectorAll('[data-cz="turn"]').length;
			const t0 = performance.now();
			let first = -1;
			const lastTurn = () => { const ts = document.querySelectorAll('[data-cz="turn"]'); return ts.length > before ? ts[ts.length - 1] : null; };
			const check = () => {
				const turn = lastTurn();
				if (!turn) return;
				const a = turn.querySelector('[data-cz="answer"]');
				if (first < 0 && a && a.textContent.trim()) first = performance.now() - t0;
				if (turn.dataset.state !== 'streaming') {
					obs.disconnect();
					resolve({first, complete: performance.now() - t0, state: turn.dataset.state});
				}
			};
			const obs = new MutationObserver(check);
			obs.observe(thread, {subtree: true, childList: true, characterData: true, attributes: true, attributeFilter: ['data-state']});
			document.querySelector('[data-cz="question"]').value = %q;
			document.querySelector('[data-cz="send"]').click();
		})`, q), &tm)
		if tm.State != "done" {
			b.Fatalf("question %q ended in state %q", q, tm.State)
		}
		firsts = append(firsts, tm.First)
		completes = append(completes, tm.Complete)
	}
	report(b, "first_text", firsts)
	report(b, "complete", completes)
}

type pageTiming struct {
	DCL      float64 `json:"dcl"`
	Load     float64 `json:"load"`
	Ready    float64 `json:"ready"`
	JSBytes  float64 `json:"js"`
	CSSBytes float64 `json:"css"`
	Requests int     `json:"requests"`
}

// BenchmarkPageLoad measures the chat's and the dashboard's load with an empty cache (a new
// browser profile each time): DOMContentLoaded, load, the page's first data on screen
// (markReady), and the JS and CSS bytes transferred (compressed).
func BenchmarkPageLoad(b *testing.B) {
	for _, page := range []string{"chiedi", "cruscotto"} {
		b.Run(page, func(b *testing.B) {
			var dcl, load, ready []float64
			var last pageTiming
			for b.Loop() {
				b.StopTimer()
				br := newBrowser(b, "decisore")
				if err := (proto.NetworkSetCacheDisabled{CacheDisabled: true}).Call(br.page); err != nil {
					b.Fatal(err)
				}
				b.StartTimer()
				br.open("/" + page)
				br.waitVisible(`body[data-ready="true"]`)
				b.StopTimer()
				time.Sleep(200 * time.Millisecond) // let the resource timing entries settle
				br.eval(`(() => {
					const nav = performance.getEntriesByType('navigation')[0];
					const res = performance.getEntriesByType('resource');
					const sum = (f) => res.filter(f).reduce((s, r) => s + (r.transferSize || r.encodedBodySize || 0), 0);
					return {dcl: nav.domContentLoadedEventEnd, load: nav.loadEventEnd, ready: Number(document.body.dataset.readyAt || 0),
						js: sum((r) => r.name.endsWith('.js')), css: sum((r) => r.name.endsWith('.css')), requests: res.length};
				})()`, &last)
				dcl, load, ready = append(dcl, last.DCL), append(load, last.Load), append(ready, last.Ready)
				b.StartTimer()
			}
			report(b, "dom_ready", dcl)
			report(b, "load", load)
			report(b, "data_ready", ready)
			b.ReportMetric(last.JSBytes/1024, "js_KiB")
			b.ReportMetric(last.CSSBytes/1024, "css_KiB")
		})
	}
}

// report adds the p50 and p95 of xs (milliseconds) to the benchmark's output.
func report(b *testing.B, name string, xs []float64) {
	if len(xs) == 0 {
		return
	}
	s := slices.Clone(xs)
	slices.Sort(s)
	q := func(p float64) float64 { return s[min(len(s)-1, int(p*float64(len(s))))] }
	b.ReportMetric(q(0.50), name+"_p50_ms")
	b.ReportMetric(q(0.95), name+"_p95_ms")
}
