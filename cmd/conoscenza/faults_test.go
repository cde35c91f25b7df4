package main

import (
	"bufio"
	"context"
	"encoding/json"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/comune-bologna/conoscenza/agent/ollama/ollamatest"
	"github.com/comune-bologna/conoscenza/ingest/db/dbtest"
)

// These tests run the real binary as a subprocess: signals and abrupt deaths cannot be
// simulated in-process (a SIGKILL leaves no deferred rollback, no Shutdown, nothing).

// conoscenzaBinary builds the command into the test's temporary folder (removed when it
// ends); the build cache makes this a link step.
func conoscenzaBinary(t *testing.T) string {
	t.Helper()
	bin := filepath.Join(t.TempDir(), "conoscenza")
	if out, err := exec.Command("go", "build", "-o", bin, ".").CombinedOutput(); err != nil {
		t.Fatalf("build conoscenza: %v: %s", err, out)
	}
	return bin
}

// subprocessEnv is the test's environment without anything that would change the binary's
// behaviour (a model server, dev auth), pointed at the given database.
func subprocessEnv(dbURL string) []string {
	var env []string
	for _, kv := range os.Environ() {
		if strings.HasPrefix(kv, "OLLAMA_") || strings.HasPrefix(kv, "CONOSCENZA_") || strings.HasPrefix(kv, "DATABASE_URL=") {
			continue
		}
		env = append(env, kv)
	}
	return append(env, "DATABASE_URL="+dbURL)
}

func TestFaultSIGKILLMidBatchLeavesNothingPartial(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the binary and loads 300,000 rows")
	}
	bin := conoscenzaBinary(t)
	d := dbtest.Fresh(t)
	ctx := context.Background()
	dir := t.TempDir()
	// benchgen is internal to ingest: its command writes the file (valid check digits).
	const rows = 300_000
	gen := exec.Command("go", "run", "../../ingest/internal/benchgen/genimprese", "-n", strconv.Itoa(rows), "-dir", dir)
	if out, err := gen.CombinedOutput(); err != nil {
		t.Fatalf("genimprese: %v: %s", err, out)
	}
	file := filepath.Join(dir, "imprese_2026-10.csv")

	cmd := exec.Command(bin, "ingest", "imprese", file, "--as-of", "2026-10-31", "--json")
	cmd.Env = subprocessEnv(d.URL)
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	started := time.Now()
	exited := make(chan error, 1)
	go func() { exited <- cmd.Wait() }()
	t.Cleanup(func() { _ = cmd.Process.Kill() })

	// The batch row is inserted inside the load's transaction, so it is invisible from here;
	// the sequence is not transactional, and the backend gets a transaction id once it writes.
	deadline := time.Now().Add(15 * time.Second)
	for {
		var called bool
		var writing int
		if err := d.Pool.QueryRow(ctx, `SELECT (SELECT is_called FROM load_batches_id_seq),
				(SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND backend_xid IS NOT NULL AND pid <> pg_backend_pid())`).
			Scan(&called, &writing); err != nil {
			t.Fatal(err)
		}
		if called && writing > 0 {
			break
		}
		select {
		case err := <-exited:
			t.Fatalf("ingest ended before it could be killed (%v): make the file bigger", err)
		default:
		}
		if time.Now().After(deadline) {
			t.Fatal("the batch never started")
		}
		time.Sleep(20 * time.Millisecond)
	}
	time.Sleep(300 * time.Millisecond) // well into COPY
	t.Logf("killing the load %v after it started", time.Since(started).Round(time.Millisecond))
	if err := cmd.Process.Signal(syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	err := <-exited
	if ws, ok := cmd.ProcessState.Sys().(syscall.WaitStatus); !ok || !ws.Signaled() || ws.Signal() != syscall.SIGKILL {
		t.Fatalf("ingest exited with %v, want killed by SIGKILL (did it finish first?)", err)
	}

	// PostgreSQL notices the dead client and rolls its transaction back; wait for that.
	deadline = time.Now().Add(15 * time.Second)
	for {
		var open int
		if err := d.Pool.QueryRow(ctx, `SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND backend_xid IS NOT NULL AND pid <> pg_backend_pid()`).Scan(&open); err != nil {
			t.Fatal(err)
		}
		if open == 0 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("the killed load's transaction is still open")
		}
		time.Sleep(50 * time.Millisecond)
	}
	for q, want := range map[string]int{
		`SELECT count(*) FROM imprese`:            0,
		`SELECT count(*) FROM imprese_storia`:     0,
		`SELECT count(*) FROM register_snapshots`: 0,
		`SELECT count(*) FROM rejected_rows`:      0,
		`SELECT count(*) FROM load_batches`:       0,
	} {
		var n int
		if err := d.Pool.QueryRow(ctx, q).Scan(&n); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
		if n != want {
			t.Errorf("after SIGKILL: %s = %d, want %d", q, n, want)
		}
	}

	// The same file again loads cleanly: it is not taken for an already loaded one.
	rerun := exec.Command(bin, "ingest", "imprese", file, "--as-of", "2026-10-31", "--json")
	rerun.Env = subprocessEnv(d.URL)
	t0 := time.Now()
	out, err := rerun.Output()
	t.Logf("the full load took %v", time.Since(t0).Round(time.Millisecond))
	if err != nil {
		t.Fatalf("rerun: %v: %s", err, out)
	}
	var sum struct {
		BatchID       int64 `json:"batch_id"`
		Read, Loaded  int
		Rejected      int
		UnchangedFile bool `json:"unchanged_file"`
	}
	if err := json.Unmarshal(out, &sum); err != nil {
		t.Fatalf("rerun output %q: %v", out, err)
	}
	if sum.UnchangedFile || sum.Read != rows || sum.Loaded != rows || sum.Rejected != 0 {
		t.Fatalf("rerun = %+v, want %d rows read and loaded, not unchanged", sum, rows)
	}
	var status string
	var loaded, current, snap int
	if err := d.Pool.QueryRow(ctx, `SELECT status, rows_loaded,
			(SELECT count(*) FROM imprese_storia WHERE batch_id = b.id AND valid_to IS NULL),
			(SELECT count(*) FROM register_snapshots WHERE as_of = '2026-10-31')
		FROM load_batches b WHERE id = $1`, sum.BatchID).Scan(&status, &loaded, &current, &snap); err != nil {
		t.Fatal(err)
	}
	var companies int
	if err := d.Pool.QueryRow(ctx, `SELECT count(*) FROM imprese`).Scan(&companies); err != nil {
		t.Fatal(err)
	}
	if status != "committed" || loaded != rows || current != rows || companies != rows || snap != 1 {
		t.Fatalf("batch %d: status %s loaded %d history %d imprese %d snapshots %d, want committed and %d rows",
			sum.BatchID, status, loaded, current, companies, snap, rows)
	}
}

func TestFaultSIGTERMDrainsOpenStreams(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the binary")
	}
	bin := conoscenzaBinary(t)
	d := dbtest.Shared(t)
	addr := freeAddr(t)
	// A scripted model that writes slowly, so that SIGTERM lands while the answers are being
	// streamed (with no model they are over in a few milliseconds).
	model := ollamatest.New(t)
	for i := 0; i < 12; i++ {
		model.Script(ollamatest.Reply{Content: "Secondo i dati del registro le imprese attive sono distribuite nei sei quartieri.",
			ChunkDelay: 150 * time.Millisecond})
	}
	cmd := exec.Command(bin, "serve", "--insecure-dev-auth", "--addr", addr)
	cmd.Env = append(subprocessEnv(d.URL), "OLLAMA_HOST="+model.URL)
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	exited := make(chan error, 1)
	go func() { exited <- cmd.Wait() }()
	t.Cleanup(func() { _ = cmd.Process.Kill() })
	base := "http://" + addr
	waitFor(t, base+"/healthz")

	const streams = 3
	type result struct {
		events []string
		last   time.Time // when the last event arrived
		err    error
	}
	first := make(chan struct{}, streams)
	results := make(chan result, streams)
	// Each stream on its own connection, so that shutting down cannot close an idle one that
	// another stream was about to reuse.
	client := &http.Client{Transport: &http.Transport{DisableKeepAlives: true}}
	for i := 0; i < streams; i++ {
		go func() {
			req, _ := http.NewRequest(http.MethodPost, base+"/api/v1/ask/stream",
				strings.NewReader(`{"question": "Quante imprese attive ci sono per quartiere?"}`))
			req.Header.Set("Content-Type", "application/json")
			req.Header.Set("X-Conoscenza-Role", "staff")
			resp, err := client.Do(req)
			if err != nil {
				results <- result{err: err}
				return
			}
			defer resp.Body.Close()
			var r result
			sc := bufio.NewScanner(resp.Body)
			sc.Buffer(make([]byte, 1<<20), 1<<20)
			for sc.Scan() {
				if ev, ok := strings.CutPrefix(sc.Text(), "event: "); ok {
					if len(r.events) == 0 {
						first <- struct{}{}
					}
					r.events = append(r.events, ev)
					r.last = time.Now()
				}
			}
			r.err = sc.Err()
			if resp.StatusCode != http.StatusOK {
				r.events = append(r.events, "status "+resp.Status)
			}
			results <- r
		}()
	}
	// SIGTERM once every stream has its first event: all are open, none refused.
	for i := 0; i < streams; i++ {
		select {
		case <-first:
		case <-time.After(15 * time.Second):
			t.Fatalf("only %d of %d streams sent an event", i, streams)
		}
	}
	if err := cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	termAt := time.Now()

	// Shutdown closes the listener first: new connections are refused while the open
	// streams are still being answered.
	refused := false
	for time.Since(termAt) < 10*time.Second {
		c, err := net.DialTimeout("tcp", addr, time.Second)
		if err != nil {
			refused = true
			break
		}
		c.Close()
		time.Sleep(10 * time.Millisecond)
	}
	if !refused {
		t.Error("new connections still accepted 10 s after SIGTERM")
	}

	for i := 0; i < streams; i++ {
		select {
		case r := <-results:
			if r.err != nil {
				t.Errorf("stream %d: %v (events %v)", i, r.err, r.events)
				continue
			}
			t.Logf("stream %d: events %v", i, r.events)
			if len(r.events) == 0 || r.events[len(r.events)-1] != "done" {
				t.Errorf("stream %d ended without done: events %v", i, r.events)
			}
			if !r.last.After(termAt) {
				t.Errorf("stream %d was over before SIGTERM: nothing was drained", i)
			}
		case <-time.After(25 * time.Second):
			t.Fatalf("stream %d never ended", i)
		}
	}
	select {
	case err := <-exited:
		if err != nil {
			t.Fatalf("serve exited with %v after SIGTERM, want 0", err)
		}
		if waited := time.Since(termAt); waited > 20*time.Second {
			t.Errorf("serve took %v to exit, beyond the 20 s drain window", waited)
		}
	case <-time.After(25 * time.Second):
		t.Fatal("serve did not exit within the drain window")
	}
}
