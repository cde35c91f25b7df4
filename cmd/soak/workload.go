package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"math/rand/v2"
	"net/http"
	"net/url"
	"strings"
	"time"
)

// The kinds of work, in report order.
const (
	kindAsk        = "ask"        // POST /api/v1/ask
	kindStream     = "stream"     // POST /api/v1/ask/stream, read to done
	kindMetrics    = "metrics"    // POST /api/v1/metrics/query
	kindSearch     = "search"     // GET /api/v1/search
	kindDossier    = "dossier"    // GET /api/v1/imprese/{cf}, staff and admin
	kindDenied     = "denied"     // the same as decisore or formatore: 403 expected
	kindLogin      = "login"      // login, me, logout without CSRF (403), logout, me (401)
	kindPrometheus = "prometheus" // GET /metrics
)

var order = []string{kindAsk, kindStream, kindMetrics, kindSearch, kindDossier, kindDenied, kindLogin, kindPrometheus}

func kindOrder(k string) int {
	for i, o := range order {
		if o == k {
			return i
		}
	}
	return len(order)
}

// weight is how often a client picks each kind. Questions and queries dominate, as with
// people at work; a login cycle is rarer (one argon2id check costs 64 MiB and about 0.1-0.3 s
// of both cores of the test machine), and so is a scrape.
var weight = map[string]int{
	kindAsk: 5, kindStream: 5, kindMetrics: 5, kindSearch: 3, kindDossier: 3, kindDenied: 1, kindLogin: 1, kindPrometheus: 1,
}

// kindsFor lists the kinds a user of role does: company dossiers for staff and admin, a
// refused dossier for the others.
func kindsFor(role string, haveCompanies bool) []string {
	var out []string
	for _, k := range order {
		switch k {
		case kindDossier:
			if role != "staff" && role != "admin" || !haveCompanies {
				continue
			}
		case kindDenied:
			if role == "staff" || role == "admin" || !haveCompanies {
				continue
			}
		}
		for range weight[k] {
			out = append(out, k)
		}
	}
	return out
}

// questions are asked in rotation: counts, breakdowns, comparisons and documents, so that
// both the semantic layer's statements and document search are exercised.
var questions = func() []string {
	var out []string
	metrics := []string{"aperture", "chiusure", "pratiche SUAP", "domande di cassa integrazione",
		"ore di cassa integrazione autorizzate", "beneficiari di contributi", "imprese giovanili aperte"}
	by := []string{"", " per quartiere", " per settore", " per forma giuridica"}
	for y := 2016; y <= 2025; y++ {
		for _, m := range metrics {
			for _, b := range by {
				out = append(out, fmt.Sprintf("Quante %s nel %d%s?", m, y, b))
			}
		}
	}
	for _, d := range documentTopics {
		out = append(out, "Cosa dicono i documenti su "+d+"?")
	}
	return append(out, "Quante imprese attive ci sono per quartiere?",
		"Quante chiusure di imprese femminili dal 2020 per quartiere?", "Qual è il tasso di crescita delle imprese nel 2025?")
}()

var documentTopics = []string{"dehors", "botteghe di quartiere", "ristori covid", "fondo affitti", "voucher digitale",
	"imprenditoria femminile", "commercio su aree pubbliche", "suap digitale", "contributi alle imprese", "regolamento"}

// metricQueries are typed queries of the semantic layer (POST /api/v1/metrics/query).
var metricQueries = func() []map[string]any {
	var out []map[string]any
	for _, m := range []string{"aperture", "chiusure", "cig_domande", "suap_pratiche", "contributi_beneficiari"} {
		for y := 2018; y <= 2025; y++ {
			for _, g := range [][]string{nil, {"quartiere"}, {"sezione_ateco"}} {
				q := map[string]any{"metric": m, "from": fmt.Sprintf("%d-01-01", y), "to": fmt.Sprintf("%d-12-31", y)}
				if g != nil {
					q["group_by"] = g
				}
				out = append(out, q)
			}
		}
	}
	for _, g := range []string{"quartiere", "sezione_ateco", "forma_giuridica", "classe_addetti"} {
		out = append(out, map[string]any{"metric": "imprese_attive", "group_by": []string{g}})
	}
	return append(out, map[string]any{"metric": "aperture", "group_by": []string{"anno"}, "from": "2015-01-01", "to": "2025-12-31"})
}()

// worker is one client: a logged-in session and its own random choices.
type worker struct {
	id    int
	user  user
	sess  *session
	kinds []string
	rng   *rand.Rand
	n     int
	r     *runner
}

// op runs one operation of kind and says how many requests it made; first is a stream's
// time to its first event.
func (w *worker) op(ctx context.Context, kind string) (requests int, first time.Duration, err error) {
	w.n++
	switch kind {
	case kindAsk:
		q := questions[(w.id*97+w.n)%len(questions)]
		_, data, err := w.sess.do(ctx, http.MethodPost, "/api/v1/ask", w.r.askBody(q), http.StatusOK, false)
		if err == nil {
			err = checkAnswer(data)
		}
		return 1, 0, err
	case kindStream:
		q := questions[(w.id*89+w.n*7)%len(questions)]
		first, err := w.sess.stream(ctx, w.r.askBody(q))
		return 1, first, err
	case kindMetrics:
		q := metricQueries[w.rng.IntN(len(metricQueries))]
		_, data, err := w.sess.do(ctx, http.MethodPost, "/api/v1/metrics/query", q, http.StatusOK, false)
		if err == nil {
			var res struct {
				Tables []json.RawMessage `json:"tables"`
				SQL    []string          `json:"sql"`
			}
			if err = json.Unmarshal(data, &res); err == nil && (len(res.Tables) != 1 || len(res.SQL) == 0) {
				err = fmt.Errorf("metrics query %v: %d tables, %d statements", q["metric"], len(res.Tables), len(res.SQL))
			}
		}
		return 1, 0, err
	case kindSearch:
		topic := documentTopics[w.rng.IntN(len(documentTopics))]
		path := fmt.Sprintf("/api/v1/search?q=%s&limit=%d", url.QueryEscape(topic), 3+w.rng.IntN(8))
		_, data, err := w.sess.do(ctx, http.MethodGet, path, nil, http.StatusOK, false)
		if err == nil {
			var res struct {
				Citations []json.RawMessage `json:"citations"`
			}
			if err = json.Unmarshal(data, &res); err == nil && res.Citations == nil {
				err = fmt.Errorf("search %q: no citations array", topic)
			}
		}
		return 1, 0, err
	case kindDossier, kindDenied:
		cf := w.r.companies[w.rng.IntN(len(w.r.companies))]
		want := http.StatusOK
		if kind == kindDenied {
			want = http.StatusForbidden
		}
		_, data, err := w.sess.do(ctx, http.MethodGet, "/api/v1/imprese/"+cf, nil, want, false)
		if err == nil && kind == kindDossier && !strings.Contains(string(data), cf) {
			err = fmt.Errorf("dossier %s: the answer does not name it", cf)
		}
		return 1, 0, err
	case kindLogin:
		return w.loginCycle(ctx)
	case kindPrometheus:
		_, data, err := w.sess.do(ctx, http.MethodGet, "/metrics", nil, http.StatusOK, false)
		if err == nil && !strings.Contains(string(data), "conoscenza_http_request_duration_seconds") {
			err = errors.New("/metrics lacks the request histogram")
		}
		return 1, 0, err
	}
	return 0, 0, fmt.Errorf("unknown kind %q", kind)
}

// loginCycle is a person arriving and leaving through the real auth endpoints: a password
// login (a new session and its CSRF token), /auth/me, a logout without the token (refused:
// CSRF), the logout, and /auth/me again (no longer logged in).
func (w *worker) loginCycle(ctx context.Context) (int, time.Duration, error) {
	s := newSession(w.r.cfg.Base, w.r.transport, w.r.cfg.Timeout)
	if err := s.login(ctx, w.user); err != nil {
		return 1, 0, err
	}
	if err := s.whoami(ctx); err != nil {
		return 2, 0, err
	}
	if _, _, err := s.do(ctx, http.MethodPost, "/api/v1/auth/logout", nil, http.StatusForbidden, true); err != nil {
		return 3, 0, fmt.Errorf("logout without the CSRF token: %w", err)
	}
	if _, _, err := s.do(ctx, http.MethodPost, "/api/v1/auth/logout", nil, http.StatusNoContent, false); err != nil {
		return 4, 0, err
	}
	if _, _, err := s.do(ctx, http.MethodGet, "/api/v1/auth/me", nil, http.StatusUnauthorized, false); err != nil {
		return 5, 0, fmt.Errorf("after logout: %w", err)
	}
	return 5, 0, nil
}
