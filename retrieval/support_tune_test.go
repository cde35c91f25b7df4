package retrieval

import (
	"context"
	"encoding/json"
	"os"
	"testing"

	"github.com/comune-bologna/conoscenza/ingest/db/dbtest"
)

// TestTuneSupportDump writes the support signals of the questions in the files named by
// CONOSCENZA_SUPPORT_IN (comma-separated, answerability files or the evaluation set) to
// CONOSCENZA_SUPPORT_OUT, to calibrate answered (docs/retrieval.md, session 12). Only when asked:
//
//	CONOSCENZA_SUPPORT_IN=testdata/answerability/dev.json CONOSCENZA_SUPPORT_OUT=/tmp/s.json \
//	    go test -count=1 -run TestTuneSupportDump ./retrieval/
func TestTuneSupportDump(t *testing.T) {
	in, out := os.Getenv("CONOSCENZA_SUPPORT_IN"), os.Getenv("CONOSCENZA_SUPPORT_OUT")
	if in == "" || out == "" {
		t.Skip("set CONOSCENZA_SUPPORT_IN and CONOSCENZA_SUPPORT_OUT to dump the support signals")
	}
	ctx := context.Background()
	d := dbtest.Fresh(t)
	s := NewStore(d.Pool, NewLocalEmbedder(), nil)
	if _, err := s.LoadDemoCorpus(ctx); err != nil {
		t.Fatal(err)
	}
	var qs []answerabilityQuestion
	for _, f := range splitComma(in) {
		qs = append(qs, readAnswerability(t, f)...)
	}
	type row struct {
		answerabilityQuestion
		Top     string   `json:"top"`
		Docs    []string `json:"docs"`
		Section []string `json:"sec"`
		// Per result: whether it is the expected passage (evaluation questions) and off topic.
		Hits     []bool `json:"hits"`
		OffTopic []bool `json:"off_topic"`
		Support
	}
	evalQs, err := EvalSet()
	if err != nil {
		t.Fatal(err)
	}
	byID := map[string]EvalQuestion{}
	for _, q := range evalQs {
		byID[q.ID] = q
	}
	var rows []row
	for _, q := range qs {
		opt := SearchOptions{Limit: 5}
		if ty := os.Getenv("CONOSCENZA_SUPPORT_TYPE"); ty != "" {
			opt.Filter.Types = []string{ty}
		}
		resp, err := s.Search(ctx, q.Question, opt)
		if err != nil {
			t.Fatal(err)
		}
		r := row{answerabilityQuestion: q}
		for _, x := range resp.Results {
			r.Docs = append(r.Docs, x.Path)
			eq, ok := byID[q.ID]
			r.Hits = append(r.Hits, ok && eq.Hit(x))
			r.OffTopic = append(r.OffTopic, x.OffTopic)
		}
		if len(resp.Results) > 0 {
			r.Top, r.Section = resp.Results[0].Path, resp.Results[0].Section
		}
		if resp.Support != nil {
			r.Support = *resp.Support
		}
		rows = append(rows, r)
	}
	b, _ := json.MarshalIndent(rows, "", " ")
	if err := os.WriteFile(out, b, 0o644); err != nil {
		t.Fatal(err)
	}
}
