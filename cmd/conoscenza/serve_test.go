package main

import (
	"context"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/comune-bologna/conoscenza/web/apitypes"
)

// TestServeWiresTheAPIAndTheDevRoleHeader runs the real command: the assistant answers over
// HTTP to a user's API token, and the role header counts only with --insecure-dev-auth.
func TestServeWiresTheAPIAndTheDevRoleHeader(t *testing.T) {
	env := askEnv(t)
	if _, err := run(t, context.Background(), env, "users", "create", "serve.test", "--role", "decisore"); err != nil {
		t.Fatal(err)
	}
	token, err := run(t, context.Background(), env, "users", "token", "serve.test")
	if err != nil {
		t.Fatal(err)
	}
	token = strings.TrimSpace(token)
	for _, tc := range []struct {
		name      string
		args      []string
		env       map[string]string
		staffCode int // GET /api/v1/imprese/{cf} with the staff header
	}{
		{"users and tokens by default", []string{"serve"}, nil, http.StatusForbidden},
		{"the header counts with --insecure-dev-auth", []string{"serve", "--insecure-dev-auth"}, nil, http.StatusNotFound},
		{"or with CONOSCENZA_DEV_AUTH=1", []string{"serve"}, map[string]string{"CONOSCENZA_DEV_AUTH": "1"}, http.StatusNotFound},
	} {
		t.Run(tc.name, func(t *testing.T) {
			e := map[string]string{"CONOSCENZA_ADDR": freeAddr(t)}
			for k, v := range env {
				e[k] = v
			}
			for k, v := range tc.env {
				e[k] = v
			}
			ctx, cancel := context.WithCancel(context.Background())
			done := make(chan error, 1)
			go func() { _, err := run(t, ctx, e, tc.args...); done <- err }()
			defer func() {
				cancel()
				select {
				case <-done:
				case <-time.After(25 * time.Second):
					t.Error("serve did not stop")
				}
			}()
			base := "http://" + e["CONOSCENZA_ADDR"]
			waitFor(t, base+"/healthz")

			ask := func(bearer string) *http.Response {
				req, _ := http.NewRequest(http.MethodPost, base+"/api/v1/ask", strings.NewReader(`{"question": "Quante domande di cassa integrazione?"}`))
				req.Header.Set("Content-Type", "application/json")
				if bearer != "" {
					req.Header.Set("Authorization", "Bearer "+bearer)
				}
				resp, err := http.DefaultClient.Do(req)
				if err != nil {
					t.Fatal(err)
				}
				return resp
			}
			bearer := ""
			if len(tc.env) == 0 && len(tc.args) == 1 {
				resp := ask("")
				resp.Body.Close()
				if resp.StatusCode != http.StatusUnauthorized {
					t.Fatalf("anonymous ask: %d, want 401", resp.StatusCode)
				}
				bearer = token
			}
			resp := ask(bearer)
			body, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			if resp.StatusCode != http.StatusOK || !strings.Contains(string(body), `"mode":"planner"`) {
				t.Fatalf("ask: %d %.300s", resp.StatusCode, body)
			}

			req, _ := http.NewRequest(http.MethodGet, base+"/api/v1/imprese/01234567890", nil)
			req.Header.Set(apitypes.HeaderDevRole, "staff")
			if bearer != "" {
				req.Header.Set("Authorization", "Bearer "+bearer)
			}
			resp, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			resp.Body.Close()
			if resp.StatusCode != tc.staffCode {
				t.Errorf("dossier with the staff header: %d, want %d", resp.StatusCode, tc.staffCode)
			}
		})
	}
}
