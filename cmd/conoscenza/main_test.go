package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/comune-bologna/conoscenza/ingest/db/dbtest"
)

func TestMain(m *testing.M) { dbtest.Main(m) }

// run executes the binary's command line in-process against the given environment.
func run(t *testing.T, ctx context.Context, env map[string]string, args ...string) (string, error) {
	t.Helper()
	var out bytes.Buffer
	m := &Main{Stdout: &out, Stderr: io.Discard, Getenv: func(k string) string { return env[k] },
		Logger: slog.New(slog.NewTextHandler(io.Discard, nil))}
	err := m.Run(ctx, args)
	return out.String(), err
}

func freeAddr(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().String()
}

func TestVersion(t *testing.T) {
	out, err := run(t, context.Background(), nil, "version")
	if err != nil || !strings.HasPrefix(out, "conoscenza ") {
		t.Fatalf("version = %q, %v", out, err)
	}
}

func TestMigrateTwiceSaysNothingToDo(t *testing.T) {
	d := dbtest.Empty(t)
	env := map[string]string{"DATABASE_URL": d.URL}
	out, err := run(t, context.Background(), env, "migrate")
	if err != nil || !strings.Contains(out, "migrated schema from version 0") {
		t.Fatalf("first migrate: %q, %v", out, err)
	}
	out, err = run(t, context.Background(), env, "migrate")
	if err != nil || !strings.Contains(out, "nothing to do") {
		t.Fatalf("second migrate: %q, %v", out, err)
	}
}

func TestServeRefusesSchemaBehind(t *testing.T) {
	d := dbtest.Empty(t)
	_, err := run(t, context.Background(), map[string]string{"DATABASE_URL": d.URL, "CONOSCENZA_ADDR": freeAddr(t)}, "serve")
	if err == nil || !strings.Contains(err.Error(), "conoscenza migrate") {
		t.Fatalf("serve on an unmigrated database: %v, want a hint to migrate", err)
	}
}

func TestServeRefusesUnreachableDatabase(t *testing.T) {
	_, err := run(t, context.Background(), map[string]string{"DATABASE_URL": "postgres://a:b@127.0.0.1:1/x?connect_timeout=2"}, "serve")
	if err == nil || !strings.Contains(err.Error(), "database unreachable") {
		t.Fatalf("err = %v", err)
	}
}

func TestServeAnswersHealthAndReadiness(t *testing.T) {
	d := dbtest.Shared(t)
	addr := freeAddr(t)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() {
		_, err := run(t, ctx, map[string]string{"DATABASE_URL": d.URL, "CONOSCENZA_ADDR": addr}, "serve")
		done <- err
	}()
	base := "http://" + addr
	waitFor(t, base+"/healthz")

	var ready struct {
		Ready  bool `json:"ready"`
		Checks []struct {
			Name, Status string
			OK           bool
		} `json:"checks"`
	}
	getJSON(t, base+"/readyz", http.StatusOK, &ready)
	if !ready.Ready || len(ready.Checks) != 2 {
		t.Fatalf("readyz = %+v", ready)
	}
	if !strings.Contains(ready.Checks[0].Status, "schema version") || !strings.Contains(ready.Checks[1].Status, "absent") {
		t.Errorf("readyz checks = %+v, want database with schema version and ollama absent", ready.Checks)
	}

	// A second server on the same address fails with a clear sentence.
	_, err := run(t, context.Background(), map[string]string{"DATABASE_URL": d.URL, "CONOSCENZA_ADDR": addr}, "serve")
	if err == nil || !strings.Contains(err.Error(), "already in use") {
		t.Errorf("second serve: %v, want 'already in use'", err)
	}

	cancel()
	select {
	case err := <-done:
		if err != nil {
			t.Errorf("serve returned %v after cancel", err)
		}
	case <-time.After(25 * time.Second):
		t.Fatal("serve did not stop after cancel")
	}
}

func TestReadinessReportsOllamaDown(t *testing.T) {
	d := dbtest.Shared(t)
	addr := freeAddr(t)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	go func() {
		_, _ = run(t, ctx, map[string]string{"DATABASE_URL": d.URL, "CONOSCENZA_ADDR": addr, "OLLAMA_HOST": freeAddr(t)}, "serve")
	}()
	base := "http://" + addr
	waitFor(t, base+"/healthz")
	var ready struct {
		Ready  bool `json:"ready"`
		Checks []struct {
			Name, Status string
			OK           bool
		} `json:"checks"`
	}
	// The model server is optional: the app is ready, and says the model is unreachable.
	getJSON(t, base+"/readyz", http.StatusOK, &ready)
	if !ready.Ready || ready.Checks[1].OK || !strings.Contains(ready.Checks[1].Status, "unreachable") {
		t.Fatalf("readyz = %+v", ready)
	}
}

func waitFor(t *testing.T, url string) {
	t.Helper()
	deadline := time.Now().Add(15 * time.Second)
	for time.Now().Before(deadline) {
		resp, err := http.Get(url)
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return
			}
		}
		time.Sleep(50 * time.Millisecond)
	}
	t.Fatalf("%s never answered 200", url)
}

func getJSON(t *testing.T, url string, wantStatus int, v any) {
	t.Helper()
	resp, err := http.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != wantStatus {
		t.Fatalf("GET %s = %d %s, want %d", url, resp.StatusCode, body, wantStatus)
	}
	if err := json.Unmarshal(body, v); err != nil {
		t.Fatal(fmt.Errorf("GET %s: %w: %s", url, err, body))
	}
}
