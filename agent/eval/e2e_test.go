package eval

import (
	"context"
	"log/slog"
	"os"
	"testing"
	"time"

	"github.com/comune-bologna/conoscenza/agent"
	"github.com/comune-bologna/conoscenza/agent/catalog"
	"github.com/comune-bologna/conoscenza/agent/dossier"
	"github.com/comune-bologna/conoscenza/agent/planner"
	"github.com/comune-bologna/conoscenza/agent/semantic"
	"github.com/comune-bologna/conoscenza/agent/sqlguard"
	"github.com/comune-bologna/conoscenza/agent/tool"
	"github.com/comune-bologna/conoscenza/ingest"
	"github.com/comune-bologna/conoscenza/ingest/db"
	"github.com/comune-bologna/conoscenza/ingest/db/dbtest"
	"github.com/comune-bologna/conoscenza/ingest/demo"
	"github.com/comune-bologna/conoscenza/retrieval"
	"github.com/comune-bologna/conoscenza/retrieval/embed"
)

// TestMain reads the plan-only questions against the demo data's grant calls (the end-to-end
// service reads those of its database).
func TestMain(m *testing.M) {
	var calls []planner.Call
	for _, c := range demo.Calls() {
		calls = append(calls, planner.Call{ID: c.ID, Title: c.Title, Year: c.Year})
	}
	planner.SetCalls(calls)
	dbtest.Main(m)
}

// demoService loads a small demo data set (and the demo documents) into a fresh database and
// returns the assistant over it, with the evaluation's clock.
func demoService(t *testing.T) *agent.Service {
	t.Helper()
	ctx := context.Background()
	d := dbtest.Fresh(t)
	dir := t.TempDir()
	logger := slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelWarn}))
	man, err := demo.Generate(ctx, demo.Options{OutDir: dir, Seed: 1, Until: time.Date(2026, 10, 1, 0, 0, 0, 0, time.UTC), Snapshots: 13, Scale: 0.04})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := demo.Load(ctx, ingest.New(d.Pool, logger), dir, man); err != nil {
		t.Fatal(err)
	}
	docs := retrieval.NewStore(d.Pool, embed.Local{}, logger)
	if _, err := docs.LoadDemoCorpus(ctx); err != nil {
		t.Fatal(err)
	}
	ro, err := db.Open(ctx, d.ROURL)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(ro.Close)
	cat := catalog.Default()
	return &agent.Service{
		Tools: &tool.Executor{Engine: semantic.NewEngine(ro, cat), Docs: retrieval.NewStore(ro, embed.Local{}, logger),
			Dossier: &dossier.Service{Pool: ro}, SQL: &sqlguard.Runner{Pool: ro}},
		Planner: planner.New(cat),
		Store:   &agent.Store{Pool: d.Pool},
		Logger:  logger,
		Now:     func() time.Time { return Now },
	}
}

func TestEveryQuestionEndToEndOnTheDemoData(t *testing.T) {
	if testing.Short() {
		t.Skip("loads the demo data set")
	}
	start := time.Now()
	svc := demoService(t)
	loaded := time.Since(start)
	entries, err := Load()
	if err != nil {
		t.Fatal(err)
	}
	r, err := Run(context.Background(), svc, entries)
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("demo data loaded in %s; %d questions answered in %s", loaded.Round(time.Millisecond), r.Total.N, (time.Since(start) - loaded).Round(time.Millisecond))
	if testing.Verbose() {
		_ = r.Print(os.Stdout)
	}
	min := map[string]float64{GroupDev: 0.95, GroupHeldOut: 0.75}
	for _, g := range r.Groups {
		if g.Accuracy < min[g.Name] {
			t.Errorf("%s: end-to-end accuracy %.1f%% below %.0f%%", g.Name, 100*g.Accuracy, 100*min[g.Name])
		}
	}
}
