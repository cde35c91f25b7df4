package agent

import (
	"context"
	"strings"
	"testing"

	"github.com/comune-bologna/conoscenza/agent/catalog"
	"github.com/comune-bologna/conoscenza/agent/dossier"
	"github.com/comune-bologna/conoscenza/agent/planner"
	"github.com/comune-bologna/conoscenza/agent/semantic"
	"github.com/comune-bologna/conoscenza/agent/sqlguard"
	"github.com/comune-bologna/conoscenza/agent/tool"
	"github.com/comune-bologna/conoscenza/ingest/db"
	"github.com/comune-bologna/conoscenza/ingest/db/dbtest"
)

func TestMain(m *testing.M) { dbtest.Main(m) }

// newService wires a service over the package database with no model.
func newService(t *testing.T) *Service {
	t.Helper()
	d := dbtest.Shared(t)
	ro, err := db.Open(context.Background(), d.ROURL)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(ro.Close)
	cat := catalog.Default()
	return &Service{
		Tools:   &tool.Executor{Engine: semantic.NewEngine(ro, cat), Dossier: &dossier.Service{Pool: ro}, SQL: &sqlguard.Runner{Pool: ro}},
		Planner: planner.New(cat),
		Store:   &Store{Pool: d.Pool},
	}
}

func TestAskWithoutAModelUsesThePlannerAndStoresEveryStep(t *testing.T) {
	s := newService(t)
	ctx := context.Background()
	var events []string
	a, err := s.Ask(ctx, Request{Question: "Quante domande di cassa integrazione?", Principal: tool.Principal{Role: tool.Decisore}},
		func(e Event) { events = append(events, e.Type) })
	if err != nil {
		t.Fatal(err)
	}
	if a.Mode != ModePlanner || len(a.Tables) != 1 || a.Tables[0].SQL == "" || a.Tables[0].ID != "T1" || a.PromptVersion == "" {
		t.Fatalf("answer = %+v", a)
	}
	if !a.Grounding.OK {
		t.Errorf("planner answer not grounded: %+v in %q", a.Grounding, a.Answer)
	}
	joined := strings.Join(events, ",")
	for _, want := range []string{"start", "step", "table", "delta", "done"} {
		if !strings.Contains(joined, want) {
			t.Errorf("events %s lack %s", joined, want)
		}
	}
	msgs, err := s.Store.Messages(ctx, a.ConversationID, 0, false)
	if err != nil || len(msgs) != 2 || msgs[1].Mode != ModePlanner {
		t.Fatalf("stored messages = %+v, %v", msgs, err)
	}
	var calls int
	if err := s.Store.Pool.QueryRow(ctx, "SELECT count(*) FROM tool_calls WHERE message_id = $1", a.MessageID).Scan(&calls); err != nil || calls != 1 {
		t.Errorf("stored tool calls = %d, %v", calls, err)
	}
	// The conversation goes on; another user's id does not find it.
	if _, err := s.Ask(ctx, Request{Question: "e le ore autorizzate?", ConversationID: a.ConversationID}, nil); err != nil {
		t.Errorf("follow-up: %v", err)
	}
	if _, err := s.Ask(ctx, Request{Question: "x", ConversationID: a.ConversationID, Principal: tool.Principal{UserID: 99}}, nil); db.ErrorCode(err) != db.CodeNotFound {
		t.Errorf("someone else's conversation: %v", err)
	}
}

func TestAskRejectsBadInput(t *testing.T) {
	s := newService(t)
	for _, q := range []string{"", "   ", strings.Repeat("a", MaxQuestion+1)} {
		if _, err := s.Ask(context.Background(), Request{Question: q}, nil); db.ErrorCode(err) != db.CodeInvalid {
			t.Errorf("%.20q: %v", q, err)
		}
	}
}

func TestGroundingMarksNumbersNotInTheResults(t *testing.T) {
	results := []tool.Result{{Tables: []tool.Table{{Columns: nil, Rows: [][]any{{"Navile", int64(1234)}, {"Savena", int64(766)}}, AsOf: "2026-10-31"}}}}
	text, g := Ground("A Navile 1.234 imprese, a Savena 766 (totale 2.000, il 61,7%); dati al 31/10/2026. Stima: 5.555.", "quante nel 2020?", results)
	if g.OK || len(g.Ungrounded) != 1 || g.Ungrounded[0] != "5.555" {
		t.Fatalf("grounding = %+v", g)
	}
	if !strings.Contains(text, "5.555"+Marker) || strings.Contains(text, "1.234"+Marker) {
		t.Errorf("marked text = %q", text)
	}
}

func TestGroundingReadsSpaceSeparatedNumbersApart(t *testing.T) {
	results := []tool.Result{{Tables: []tool.Table{{Rows: [][]any{{"50-249", int64(249)}, {"250+", int64(250)}}}}}}
	if _, g := Ground("classi 249 250 imprese", "", results); !g.OK {
		t.Errorf("grounding = %+v", g)
	}
}
