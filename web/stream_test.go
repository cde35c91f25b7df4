package web

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/comune-bologna/conoscenza/agent"
	"github.com/comune-bologna/conoscenza/web/apitypes"
)

// readStream opens a stream and collects its events.
func readStream(t *testing.T, ts *testServer, req *http.Request) []apitypes.SSEEvent {
	t.Helper()
	resp, err := ts.Client().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK || resp.Header.Get("Content-Type") != "text/event-stream; charset=utf-8" {
		t.Fatalf("stream: status %d, type %q", resp.StatusCode, resp.Header.Get("Content-Type"))
	}
	var events []apitypes.SSEEvent
	err = apitypes.ReadSSE(resp.Body, func(e apitypes.SSEEvent) error {
		events = append(events, e)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return events
}

func TestStreamSendsStepsTablesDeltasThenTheWholeAnswer(t *testing.T) {
	ts := newTestServer(t, Options{Services: services(t)})
	post, _ := http.NewRequest(http.MethodPost, ts.URL+"/api/v1/ask/stream", strings.NewReader(`{"question": "Quante domande di cassa integrazione?"}`))
	get, _ := http.NewRequest(http.MethodGet, ts.URL+"/api/v1/ask/stream?question="+url.QueryEscape("Quante domande di cassa integrazione?"), nil)
	for name, req := range map[string]*http.Request{"POST": post, "GET for EventSource": get} {
		t.Run(name, func(t *testing.T) {
			events := readStream(t, ts, req)
			if len(events) < 4 {
				t.Fatalf("events = %+v", events)
			}
			var kinds []string
			var text strings.Builder
			for i, e := range events {
				kinds = append(kinds, e.Event)
				if id, _ := strconv.Atoi(e.ID); id != i+1 {
					t.Errorf("event %d has id %q", i, e.ID)
				}
				if e.Event == apitypes.EventDelta {
					var d string
					if err := json.Unmarshal([]byte(e.Data), &d); err != nil {
						t.Fatalf("delta %s: %v", e.Data, err)
					}
					text.WriteString(d)
				}
			}
			seq := strings.Join(kinds, ",")
			if kinds[0] != apitypes.EventStart || kinds[len(kinds)-1] != apitypes.EventDone ||
				!strings.Contains(seq, "step,") || !strings.Contains(seq, "table") || !strings.Contains(seq, "delta") {
				t.Fatalf("sequence = %s", seq)
			}
			var a apitypes.AskResponse
			if err := json.Unmarshal([]byte(events[len(events)-1].Data), &a); err != nil {
				t.Fatal(err)
			}
			if a.MessageID <= 0 || len(a.Tables) != 1 || a.Tables[0].SQL == "" || a.Mode != agent.ModePlanner {
				t.Errorf("done = %+v", a)
			}
			// The deltas spell the answer before the grounding check marks anything.
			streamed := strings.TrimSpace(text.String())
			if streamed == "" || !strings.HasPrefix(a.Answer, streamed[:min(len(streamed), 10)]) {
				t.Errorf("deltas %q do not spell answer %q", text.String(), a.Answer)
			}
		})
	}
}

func TestStreamRefusesBadInputBeforeStreaming(t *testing.T) {
	ts := newTestServer(t, Options{Services: services(t)})
	resp, data := ts.call(t, http.MethodGet, "/api/v1/ask/stream?question=", nil)
	wantError(t, resp, data, http.StatusBadRequest, "invalid")
	resp, data = ts.call(t, http.MethodPost, "/api/v1/ask/stream", `{"question": "quante?", "mode": "x"}`)
	wantError(t, resp, data, http.StatusBadRequest, "invalid")
}

func TestStreamEndsWithAnErrorEventWhenTheAnswerFails(t *testing.T) {
	ts := newTestServer(t, Options{Services: services(t)})
	req, _ := http.NewRequest(http.MethodPost, ts.URL+"/api/v1/ask/stream",
		strings.NewReader(`{"question": "e poi?", "conversation_id": "00000000-0000-4000-8000-000000000000"}`))
	events := readStream(t, ts, req)
	last := events[len(events)-1]
	var e apitypes.ErrorResponse
	if err := json.Unmarshal([]byte(last.Data), &e); err != nil || last.Event != apitypes.EventError || e.Error.Code != "not_found" || e.Error.RequestID == "" {
		t.Fatalf("last event = %+v (%v)", last, err)
	}
}

func TestStreamSendsHeartbeatsAndStopsTheWorkWhenTheClientLeaves(t *testing.T) {
	asker := newBlockingAsker()
	ts := newTestServer(t, Options{Services: Services{Asker: asker}, Heartbeat: 20 * time.Millisecond})
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	req, _ := http.NewRequestWithContext(ctx, http.MethodGet, ts.URL+"/api/v1/ask/stream?question=attendi", nil)
	resp, err := ts.Client().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	<-asker.started
	sc := bufio.NewScanner(resp.Body)
	pings, sawStep := 0, false
	for pings < 3 && sc.Scan() {
		pings += map[bool]int{true: 1}[sc.Text() == ": ping"]
		sawStep = sawStep || sc.Text() == "event: step"
	}
	if pings < 3 || !sawStep {
		t.Fatalf("pings = %d, step seen = %v (%v)", pings, sawStep, sc.Err())
	}
	cancel() // the client goes away
	select {
	case err := <-asker.ended:
		if !errors.Is(err, context.Canceled) {
			t.Errorf("work ended with %v, want context.Canceled", err)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("the work went on after the client left")
	}
}
