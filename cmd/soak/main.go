// Command soak drives mixed traffic against a running Conoscenza server for a fixed time and
// reports, per kind of work and overall, how many requests were made, how many failed and the
// p50/p95/p99 latency, plus the server's memory (RSS, Go heap, goroutines) from start to end.
//
// Each of -clients clients logs in with a password as one of the -users (a session cookie and
// its CSRF token, as the browser does) and then, until the time is up, picks at random among:
// a question (POST /api/v1/ask), a streamed question (POST /api/v1/ask/stream, read to its done
// event), a metrics query, a document search, a company dossier (staff and admin; decisore and
// formatore ask for one too and must get 403), a full login cycle (login, /auth/me, a logout
// without the CSRF token that must be refused, the logout, /auth/me that must be 401) and a
// Prometheus scrape. A request is an error unless it gets exactly the status its kind expects
// and a body of the expected shape. At the end every user deletes its conversations.
//
// scripts/soak.sh builds and starts the server on the demo data and runs this against it;
// figures go to docs/load.md. It exits 1 when any request failed.
package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"strings"
	"syscall"
	"time"
)

// user is one account the clients log in as.
type user struct {
	Name, Password string
}

// config is what one soak run does.
type config struct {
	Base     string        // the server, http://127.0.0.1:PORT
	Clients  int           // concurrent clients
	Duration time.Duration // the measured run
	Warmup   time.Duration // traffic before the measured run, reported apart
	Users    []user        // clients take them in turn
	PID      int           // the server's process, for its RSS (0: not read)
	Sample   time.Duration // how often memory is sampled
	Timeout  time.Duration // one request
	Mode     string        // the answers' mode ("planner"; empty lets the server choose)
	Seed     int64         // of the clients' choices
	Cleanup  bool          // delete the users' conversations at the end
	JSON     string        // also write the report here as JSON
}

// parseUsers reads "name:password,name:password".
func parseUsers(s string) ([]user, error) {
	var out []user
	for _, item := range strings.Split(s, ",") {
		item = strings.TrimSpace(item)
		if item == "" {
			continue
		}
		name, pw, ok := strings.Cut(item, ":")
		if !ok || name == "" || pw == "" {
			return nil, fmt.Errorf("user %q: want name:password", item)
		}
		out = append(out, user{Name: name, Password: pw})
	}
	if len(out) == 0 {
		return nil, errors.New("no users: set -users or SOAK_USERS to name:password,...")
	}
	return out, nil
}

func main() {
	cfg, err := parseFlags(os.Args[1:], os.Getenv)
	if err != nil {
		fmt.Fprintln(os.Stderr, "soak:", err)
		os.Exit(2)
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	rep, err := run(ctx, cfg, os.Stderr)
	if err != nil {
		fmt.Fprintln(os.Stderr, "soak:", err)
		os.Exit(1)
	}
	rep.Write(os.Stdout)
	if cfg.JSON != "" {
		if err := writeJSON(cfg.JSON, rep); err != nil {
			fmt.Fprintln(os.Stderr, "soak:", err)
			os.Exit(1)
		}
	}
	if rep.Errors() > 0 {
		fmt.Fprintf(os.Stderr, "soak: FAIL: %d errors\n", rep.Errors())
		os.Exit(1)
	}
}

func parseFlags(args []string, getenv func(string) string) (config, error) {
	fs := flag.NewFlagSet("soak", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	var cfg config
	var users string
	fs.StringVar(&cfg.Base, "base", "http://127.0.0.1:18290", "the server's base URL")
	fs.IntVar(&cfg.Clients, "clients", 16, "concurrent clients")
	fs.DurationVar(&cfg.Duration, "duration", 10*time.Minute, "length of the measured run")
	fs.DurationVar(&cfg.Warmup, "warmup", 10*time.Second, "traffic before the measured run (reported apart)")
	fs.StringVar(&users, "users", getenv("SOAK_USERS"), "name:password,... (default $SOAK_USERS)")
	fs.IntVar(&cfg.PID, "pid", 0, "the server's process id, to read its RSS (0: not read)")
	fs.DurationVar(&cfg.Sample, "sample", 15*time.Second, "how often the server's memory is sampled")
	fs.DurationVar(&cfg.Timeout, "timeout", 30*time.Second, "timeout of one request")
	fs.StringVar(&cfg.Mode, "mode", "planner", `answer mode sent with questions ("planner", "model", or "" for the server's choice)`)
	fs.Int64Var(&cfg.Seed, "seed", 1, "seed of the clients' random choices")
	fs.BoolVar(&cfg.Cleanup, "cleanup", true, "delete the users' conversations at the end")
	fs.StringVar(&cfg.JSON, "json", "", "also write the report to this file as JSON")
	if err := fs.Parse(args); err != nil {
		return cfg, err
	}
	var err error
	if cfg.Users, err = parseUsers(users); err != nil {
		return cfg, err
	}
	switch {
	case cfg.Clients < 1:
		return cfg, errors.New("-clients must be at least 1")
	case cfg.Duration <= 0:
		return cfg, errors.New("-duration must be positive")
	case cfg.Warmup < 0:
		return cfg, errors.New("-warmup must not be negative")
	}
	cfg.Base = strings.TrimRight(cfg.Base, "/")
	return cfg, nil
}

func writeJSON(path string, rep *Report) error {
	b, err := json.MarshalIndent(rep, "", "  ")
	if err != nil {
		return err
	}
	if err := os.WriteFile(path, append(b, '\n'), 0o644); err != nil {
		return fmt.Errorf("write report: %w", err)
	}
	return nil
}
