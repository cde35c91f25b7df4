package web

import (
	"bytes"
	"context"
	"encoding/json"
	"github.com/comune-bologna/conoscenza/web/ui"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"

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
	"github.com/comune-bologna/conoscenza/ingest/territorio"
	"github.com/comune-bologna/conoscenza/retrieval"
	"github.com/comune-bologna/conoscenza/retrieval/embed"
	"github.com/comune-bologna/conoscenza/web/apitypes"
)

func TestMain(m *testing.M) { dbtest.Main(m) }

var (
	corpusOnce sync.Once
	corpusErr  error
)

// services wires the real assistant over the package's database, as serve does, with no
// model; the demo documents are loaded once so that searches have passages to cite.
func services(t *testing.T) Services {
	t.Helper()
	d := dbtest.Shared(t)
	ctx := context.Background()
	corpusOnce.Do(func() {
		_, corpusErr = retrieval.NewStore(d.Pool, embed.Local{}, nil).LoadDemoCorpus(ctx)
	})
	if corpusErr != nil {
		t.Fatalf("load demo corpus: %v", corpusErr)
	}
	ro, err := db.Open(ctx, d.ROURL)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(ro.Close)
	cat := catalog.Default()
	tools := &tool.Executor{Engine: semantic.NewEngine(ro, cat), Docs: retrieval.NewStore(ro, embed.Local{}, nil),
		Dossier: &dossier.Service{Pool: ro}, SQL: &sqlguard.Runner{Pool: ro}}
	svc := &agent.Service{Tools: tools, Planner: planner.New(cat), Store: &agent.Store{Pool: d.Pool}}
	return Services{Asker: svc, Conversations: svc.Store, Tools: tools, Catalog: cat, Companies: tools.Dossier,
		Territory: &territorio.Store{Pool: ro}, Trainer: svc,
		// Uploads and the library write with the owner pool, as serve wires them.
		Data: ingest.New(d.Pool, nil), Library: retrieval.NewStore(d.Pool, embed.Local{}, nil)}
}

// syncBuffer collects log output written from the server's goroutines.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// testServer is a real HTTP server over a Server.
type testServer struct {
	*httptest.Server
	srv *Server
	log *syncBuffer
}

// newTestServer starts a server with opt; dev authentication (the role header) unless opt
// names another principal function.
func newTestServer(t *testing.T, opt Options) *testServer {
	t.Helper()
	if opt.Principal == nil {
		opt.Principal = DevHeaderPrincipal
	}
	buf := &syncBuffer{}
	logger := slog.New(slog.NewJSONHandler(buf, &slog.HandlerOptions{Level: slog.LevelDebug}))
	s := New(logger, "test", nil, opt)
	ts := httptest.NewServer(s.Handler())
	t.Cleanup(ts.Close)
	// Redirects are answers to check (a page sends an anonymous caller to /accedi), not to follow.
	ts.Client().CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	return &testServer{Server: ts, srv: s, log: buf}
}

// call sends one request; body may be a string (sent as is) or a value (sent as JSON).
func (ts *testServer) call(t *testing.T, method, path string, body any, header ...string) (*http.Response, []byte) {
	t.Helper()
	var r io.Reader
	switch b := body.(type) {
	case nil:
	case string:
		r = strings.NewReader(b)
	default:
		data, err := json.Marshal(b)
		if err != nil {
			t.Fatal(err)
		}
		r = bytes.NewReader(data)
	}
	req, err := http.NewRequest(method, ts.URL+path, r)
	if err != nil {
		t.Fatal(err)
	}
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	resp, err := ts.Client().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return resp, data
}

// decode unmarshals a response body into v or fails with the body.
func decode(t *testing.T, data []byte, v any) {
	t.Helper()
	if err := json.Unmarshal(data, v); err != nil {
		t.Fatalf("decode %T from %s: %v", v, data, err)
	}
}

// wantError checks an error response: status, code, a message and the echoed request id.
func wantError(t *testing.T, resp *http.Response, data []byte, status int, code string) apitypes.ErrorBody {
	t.Helper()
	if resp.StatusCode != status {
		t.Fatalf("status = %d, want %d; body %s", resp.StatusCode, status, data)
	}
	var e apitypes.ErrorResponse
	decode(t, data, &e)
	if e.Error.Code != code || e.Error.Message == "" || e.Error.RequestID == "" || e.Error.RequestID != resp.Header.Get(apitypes.HeaderRequestID) {
		t.Fatalf("error = %+v (header request id %q), want code %s", e.Error, resp.Header.Get(apitypes.HeaderRequestID), code)
	}
	return e.Error
}

// ask asks a question through the JSON API and returns the answer.
func (ts *testServer) ask(t *testing.T, in apitypes.AskRequest, header ...string) apitypes.AskResponse {
	t.Helper()
	resp, data := ts.call(t, http.MethodPost, "/api/v1/ask", in, header...)
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("ask %q: status %d: %s", in.Question, resp.StatusCode, data)
	}
	var a apitypes.AskResponse
	decode(t, data, &a)
	return a
}

// blockingAsker stands in for the agent where a test needs an answer that never comes: it
// emits a step, then waits for its context to end and reports how it ended.
type blockingAsker struct {
	started chan struct{}
	ended   chan error
}

func newBlockingAsker() *blockingAsker {
	return &blockingAsker{started: make(chan struct{}, 16), ended: make(chan error, 16)}
}

func (b *blockingAsker) Ask(ctx context.Context, _ agent.Request, sink agent.Sink) (*agent.Answer, error) {
	if sink != nil {
		sink(agent.Event{Type: "step", Data: agent.Step{N: 1, Kind: "plan", Label: "interpreto la domanda"}})
	}
	b.started <- struct{}{}
	<-ctx.Done()
	b.ended <- ctx.Err()
	return nil, ctx.Err()
}

// testUI is the built browser app; the tests need `make setup` (npm ci + node build.mjs) first.
func testUI(t *testing.T) *ui.UI {
	t.Helper()
	app, err := ui.New()
	if err != nil {
		t.Fatalf("browser app: %v", err)
	}
	return app
}
