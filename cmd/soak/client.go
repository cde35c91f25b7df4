package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/cookiejar"
	"strings"
	"time"

	"github.com/comune-bologna/conoscenza/web/apitypes"
)

// session is one logged-in browser: a cookie jar holding the session cookie, and the CSRF
// token that must go with every unsafe request made with it.
type session struct {
	base string
	hc   *http.Client
	csrf string
	user string
	role string
}

// me is the part of the login and /auth/me answers the soak reads.
type me struct {
	User struct {
		Username string `json:"username"`
		Role     string `json:"role"`
	} `json:"user"`
	CSRFToken string `json:"csrf_token"`
	Via       string `json:"via"`
}

// newSession is a client with an empty cookie jar over the shared transport.
func newSession(base string, transport http.RoundTripper, timeout time.Duration) *session {
	jar, _ := cookiejar.New(nil) // never fails without options
	return &session{base: base, hc: &http.Client{Transport: transport, Jar: jar, Timeout: timeout,
		// The API never redirects; a redirect would be a finding, not something to follow.
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}}
}

// statusError is a response whose status was not the one expected.
type statusError struct {
	method, path string
	got, want    int
	body         string
}

func (e *statusError) Error() string {
	return fmt.Sprintf("%s %s: status %d, want %d: %s", e.method, e.path, e.got, e.want, e.body)
}

// do sends one request and reads the whole answer; it fails unless the status is want. An
// unsafe request carries the session's CSRF token unless noCSRF.
func (s *session) do(ctx context.Context, method, path string, body any, want int, noCSRF bool) (*http.Response, []byte, error) {
	var r io.Reader
	if body != nil {
		b, err := json.Marshal(body)
		if err != nil {
			return nil, nil, err
		}
		r = bytes.NewReader(b)
	}
	req, err := http.NewRequestWithContext(ctx, method, s.base+path, r)
	if err != nil {
		return nil, nil, err
	}
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	if method != http.MethodGet && s.csrf != "" && !noCSRF {
		req.Header.Set("X-CSRF-Token", s.csrf)
	}
	resp, err := s.hc.Do(req)
	if err != nil {
		return nil, nil, fmt.Errorf("%s %s: %w", method, path, err)
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(resp.Body)
	if err != nil {
		return resp, nil, fmt.Errorf("%s %s: read body: %w", method, path, err)
	}
	if resp.StatusCode != want {
		return resp, data, &statusError{method: method, path: path, got: resp.StatusCode, want: want, body: clip(string(data), 200)}
	}
	return resp, data, nil
}

// login logs s in with a password and keeps the CSRF token of the new session.
func (s *session) login(ctx context.Context, u user) error {
	_, data, err := s.do(ctx, http.MethodPost, "/api/v1/auth/login", map[string]string{"username": u.Name, "password": u.Password}, http.StatusOK, true)
	if err != nil {
		return err
	}
	var m me
	if err := json.Unmarshal(data, &m); err != nil {
		return fmt.Errorf("login answer: %w", err)
	}
	if m.CSRFToken == "" || m.Via != "session" || m.User.Username != strings.ToLower(u.Name) {
		return fmt.Errorf("login as %s: answer %s", u.Name, clip(string(data), 200))
	}
	s.csrf, s.user, s.role = m.CSRFToken, m.User.Username, m.User.Role
	return nil
}

// whoami checks /auth/me: the session's user, and the same CSRF token.
func (s *session) whoami(ctx context.Context) error {
	_, data, err := s.do(ctx, http.MethodGet, "/api/v1/auth/me", nil, http.StatusOK, false)
	if err != nil {
		return err
	}
	var m me
	if err := json.Unmarshal(data, &m); err != nil {
		return fmt.Errorf("/auth/me answer: %w", err)
	}
	if m.User.Username != s.user || m.CSRFToken != s.csrf {
		return fmt.Errorf("/auth/me: user %q token changed %v, want %q", m.User.Username, m.CSRFToken != s.csrf, s.user)
	}
	return nil
}

// stream asks a question on the streaming endpoint and reads the events to the end: it fails
// on an error event or a stream that does not end with done. first is when the first event
// came.
func (s *session) stream(ctx context.Context, body any) (first time.Duration, err error) {
	return s.streamAt(ctx, "/api/v1/ask/stream", body)
}

func (s *session) streamAt(ctx context.Context, path string, body any) (first time.Duration, err error) {
	b, err := json.Marshal(body)
	if err != nil {
		return 0, err
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, s.base+path, bytes.NewReader(b))
	if err != nil {
		return 0, err
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Accept", "text/event-stream")
	req.Header.Set("X-CSRF-Token", s.csrf)
	start := time.Now()
	resp, err := s.hc.Do(req)
	if err != nil {
		return 0, fmt.Errorf("POST %s: %w", path, err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK || !strings.HasPrefix(resp.Header.Get("Content-Type"), "text/event-stream") {
		data, _ := io.ReadAll(resp.Body)
		return 0, &statusError{method: "POST", path: path, got: resp.StatusCode, want: http.StatusOK, body: clip(string(data), 200)}
	}
	var events []string
	var done []byte
	err = apitypes.ReadSSE(resp.Body, func(ev apitypes.SSEEvent) error {
		if len(events) == 0 {
			first = time.Since(start)
		}
		events = append(events, ev.Event)
		switch ev.Event {
		case apitypes.EventError:
			return fmt.Errorf("POST %s: error event: %s", path, clip(ev.Data, 200))
		case "done":
			done = []byte(ev.Data)
		}
		return nil
	})
	if err != nil {
		return first, err
	}
	if len(events) == 0 || events[len(events)-1] != "done" {
		return first, fmt.Errorf("POST %s: the stream ended without done (events %v)", path, tail(events, 5))
	}
	if err := checkAnswer(done); err != nil {
		return first, fmt.Errorf("POST %s: done event: %w", path, err)
	}
	return first, nil
}

// checkAnswer checks an answer's shape: a conversation, a non-empty text.
func checkAnswer(data []byte) error {
	var a struct {
		ConversationID string `json:"conversation_id"`
		Answer         string `json:"answer"`
		Mode           string `json:"mode"`
	}
	if err := json.Unmarshal(data, &a); err != nil {
		return fmt.Errorf("answer: %w", err)
	}
	if a.ConversationID == "" || strings.TrimSpace(a.Answer) == "" || a.Mode == "" {
		return fmt.Errorf("incomplete answer: %s", clip(string(data), 200))
	}
	return nil
}

func clip(s string, n int) string {
	s = strings.TrimSpace(s)
	if len(s) <= n {
		return s
	}
	return s[:n] + "…"
}

func tail(s []string, n int) []string { return s[max(0, len(s)-n):] }
