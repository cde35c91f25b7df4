package main

import (
	"context"
	"encoding/json"
	"errors"
	"strings"
	"testing"

	"github.com/comune-bologna/conoscenza/agent"
	"github.com/comune-bologna/conoscenza/ingest/db"
	"github.com/comune-bologna/conoscenza/ingest/db/dbtest"
	"github.com/comune-bologna/conoscenza/web/apitypes"
)

func askEnv(t *testing.T) map[string]string {
	d := dbtest.Shared(t)
	return map[string]string{"DATABASE_URL": d.URL, "CONOSCENZA_RO_DATABASE_URL": d.ROURL}
}

func TestAskPrintsTheAPIsJSONAndGoesOnInAConversation(t *testing.T) {
	env := askEnv(t)
	out, err := run(t, context.Background(), env, "ask", "Quante domande di cassa integrazione?", "--json")
	if err != nil {
		t.Fatal(err)
	}
	var a apitypes.AskResponse
	if err := json.Unmarshal([]byte(out), &a); err != nil {
		t.Fatalf("not the API's JSON: %v\n%s", err, out)
	}
	if a.Mode != agent.ModePlanner || a.MessageID <= 0 || len(a.Tables) != 1 || a.Tables[0].SQL == "" {
		t.Fatalf("answer = %+v", a)
	}
	out, err = run(t, context.Background(), env, "ask", "e le ore autorizzate?", "--conversation", a.ConversationID, "--mode", "planner")
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"[T1]", "dati al ", "SQL: SELECT", "modalità: planner", "conversazione: " + a.ConversationID} {
		if !strings.Contains(out, want) {
			t.Errorf("text answer lacks %q:\n%s", want, out)
		}
	}
}

func TestAskRefusesBadInputBeforeOpeningTheDatabase(t *testing.T) {
	env := map[string]string{"DATABASE_URL": "postgres://a:b@127.0.0.1:1/x?connect_timeout=1"}
	for _, tc := range []struct {
		name string
		args []string
		code db.Code
	}{
		{"empty question", []string{"ask", "  "}, db.CodeInvalid},
		{"unknown mode", []string{"ask", "quante imprese?", "--mode", "oracolo"}, db.CodeInvalid},
		{"conversation id not a UUID", []string{"ask", "quante imprese?", "--conversation", "7"}, db.CodeInvalid},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := run(t, context.Background(), env, tc.args...)
			if db.ErrorCode(err) != tc.code {
				t.Fatalf("err = %v, want %s", err, tc.code)
			}
		})
	}
	if _, err := run(t, context.Background(), env, "ask", "quante?", "--role", "sindaco"); !errors.Is(err, errUsage) {
		t.Errorf("unknown role: %v", err)
	}
}

// Table cells print numbers in full: hours of CIG are tens of millions, and the default
// formatting of a float wrote them as 3.0745789e+07.
func TestTableCellsPrintNumbersInFull(t *testing.T) {
	for v, want := range map[any]string{
		float64(30745789): "30745789",
		12.5:              "12.5",
		float32(0.25):     "0.25",
		int64(4124):       "4124",
		"Navile":          "Navile",
		nil:               "—",
	} {
		if got := cell(v); got != want {
			t.Errorf("cell(%#v) = %q, want %q", v, got, want)
		}
	}
}
