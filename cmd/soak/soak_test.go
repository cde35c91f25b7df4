package main

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"slices"
	"testing"
	"time"
)

func TestPercentileIsNearestRank(t *testing.T) {
	var v []time.Duration
	for i := 1; i <= 100; i++ {
		v = append(v, time.Duration(i)*time.Millisecond)
	}
	for p, want := range map[float64]time.Duration{50: 50 * time.Millisecond, 95: 95 * time.Millisecond, 99: 99 * time.Millisecond, 100: 100 * time.Millisecond} {
		if got := percentile(v, p); got != want {
			t.Errorf("p%v = %v, want %v", p, got, want)
		}
	}
	if got := percentile([]time.Duration{7}, 99); got != 7 {
		t.Errorf("one value: %v", got)
	}
	if got := percentile(nil, 50); got != 0 {
		t.Errorf("no values: %v", got)
	}
}

func TestRecorderReportsEveryKindAndTheOverallLine(t *testing.T) {
	r := newRecorder()
	for i := 1; i <= 10; i++ {
		r.record(kindAsk, time.Duration(i)*time.Millisecond, 1, nil)
	}
	r.record(kindLogin, 100*time.Millisecond, 5, nil)
	r.record(kindLogin, 200*time.Millisecond, 2, fmt.Errorf("boom"))
	rep := r.report(10 * time.Second)
	if len(rep.Kinds) != 2 || rep.Kinds[0].Kind != kindAsk || rep.Kinds[1].Kind != kindLogin {
		t.Fatalf("kinds %+v", rep.Kinds)
	}
	if rep.Requests != 17 || rep.Errors != 1 || rep.All.Operations != 12 || rep.RPS != 1.7 {
		t.Errorf("requests %d errors %d operations %d rps %v", rep.Requests, rep.Errors, rep.All.Operations, rep.RPS)
	}
	if rep.Kinds[0].Latency.P50 != 5 || rep.All.Latency.Max != 200 || !slices.Equal(rep.Kinds[1].Samples, []string{"boom"}) {
		t.Errorf("latency %+v all %+v samples %v", rep.Kinds[0].Latency, rep.All.Latency, rep.Kinds[1].Samples)
	}
}

func TestParseUsers(t *testing.T) {
	u, err := parseUsers("a:pw1, b:p:w2,")
	if err != nil || len(u) != 2 || u[1] != (user{"b", "p:w2"}) {
		t.Errorf("users %+v, %v", u, err)
	}
	for _, bad := range []string{"", "a", "a:", ":pw"} {
		if _, err := parseUsers(bad); err == nil {
			t.Errorf("%q accepted", bad)
		}
	}
}

func TestKindsFollowTheRole(t *testing.T) {
	staff, decisore := kindsFor("staff", true), kindsFor("decisore", true)
	if !slices.Contains(staff, kindDossier) || slices.Contains(staff, kindDenied) {
		t.Errorf("staff kinds %v", staff)
	}
	if slices.Contains(decisore, kindDossier) || !slices.Contains(decisore, kindDenied) {
		t.Errorf("decisore kinds %v", decisore)
	}
	if k := kindsFor("admin", false); slices.Contains(k, kindDossier) || slices.Contains(k, kindDenied) {
		t.Errorf("no companies, kinds %v", k)
	}
}

// TestStreamsCountAsErrorsUnlessTheyEndWithDone: the soak must notice a stream that fails or
// stops early even though its status was 200.
func TestStreamsCountAsErrorsUnlessTheyEndWithDone(t *testing.T) {
	bodies := map[string]string{
		"ok":     "event: start\ndata: {}\n\n: ping\n\nevent: done\ndata: {\"conversation_id\":\"c\",\"answer\":\"Sono 3.\",\"mode\":\"planner\"}\n\n",
		"error":  "event: start\ndata: {}\n\nevent: error\ndata: {\"error\":{\"code\":\"internal\"}}\n\n",
		"cut":    "event: start\ndata: {}\n\nevent: delta\ndata: \"Sono\"\n\n",
		"empty":  "event: start\ndata: {}\n\nevent: done\ndata: {\"conversation_id\":\"c\",\"answer\":\"\",\"mode\":\"planner\"}\n\n",
		"status": "",
	}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Header.Get("X-CSRF-Token") != "tok" {
			http.Error(w, "csrf", http.StatusForbidden)
			return
		}
		body := bodies[r.URL.Query().Get("case")]
		if body == "" {
			http.Error(w, `{"error":{"code":"unavailable"}}`, http.StatusServiceUnavailable)
			return
		}
		w.Header().Set("Content-Type", "text/event-stream")
		fmt.Fprint(w, body)
	}))
	defer srv.Close()
	for name := range bodies {
		s := newSession(srv.URL, http.DefaultTransport, 5*time.Second)
		s.csrf = "tok"
		_, err := s.streamAt(context.Background(), "/api/v1/ask/stream?case="+name, map[string]string{"question": "q"})
		if (err == nil) != (name == "ok") {
			t.Errorf("%s: err = %v", name, err)
		}
	}
}
