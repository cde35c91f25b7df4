package planner

import (
	"os"
	"testing"

	"github.com/comune-bologna/conoscenza/ingest/demo"
)

// TestMain reads the questions against the demo data's grant calls, as the assistant reads
// them against the calls of the data it has loaded.
func TestMain(m *testing.M) {
	SetCalls(demoCalls())
	os.Exit(m.Run())
}

func demoCalls() []Call {
	var out []Call
	for _, c := range demo.Calls() {
		out = append(out, Call{ID: c.ID, Title: c.Title, Year: c.Year})
	}
	return out
}
