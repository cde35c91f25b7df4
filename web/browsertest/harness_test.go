package browsertest

import (
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/go-rod/rod"
	"github.com/go-rod/rod/lib/input"
	"github.com/go-rod/rod/lib/launcher"
	"github.com/go-rod/rod/lib/proto"

	"github.com/comune-bologna/conoscenza/ingest/db/dbtest"
)

const chromiumPath = "/usr/bin/chromium"

// env is the server every browser test talks to: the real binary over a database loaded with
// the demo data (a small scale), started once.
var env struct {
	once    sync.Once
	err     error
	url     string
	root    string // repository root
	dataDir string
	db      *dbtest.DB
	cmd     *exec.Cmd
	log     *os.File
}

func TestMain(m *testing.M) { dbtest.MainWith(m, stopServer) }

func repoRoot() string {
	_, file, _, _ := runtime.Caller(0)
	return filepath.Clean(filepath.Join(filepath.Dir(file), "..", ".."))
}

// server starts (once) the real binary over a fresh database with the demo data and the demo
// users, and returns its base URL.
func server(t testing.TB) string {
	t.Helper()
	if _, err := os.Stat(chromiumPath); err != nil {
		if os.Getenv("CONOSCENZA_REQUIRE_BROWSER") == "1" {
			t.Fatalf("chromium not installed at %s (scripts/setup.sh installs it)", chromiumPath)
		}
		t.Skipf("chromium not installed at %s: run scripts/setup.sh", chromiumPath)
	}
	env.once.Do(func() { env.err = startServer(t) })
	if env.err != nil {
		t.Fatalf("start server: %v", env.err)
	}
	return env.url
}

func startServer(t testing.TB) error {
	env.root = repoRoot()
	dir, err := os.MkdirTemp("", "conoscenza-browser-")
	if err != nil {
		return err
	}
	env.dataDir = dir
	bin := filepath.Join(dir, "conoscenza")
	build := exec.Command("go", "build", "-o", bin, "./cmd/conoscenza")
	build.Dir = env.root
	if out, err := build.CombinedOutput(); err != nil {
		return fmt.Errorf("go build: %v\n%s", err, out)
	}
	env.db = dbtest.Shared(t) // dropped by dbtest.MainWith after stopServer
	base := append(os.Environ(), "DATABASE_URL="+env.db.URL, "CONOSCENZA_RO_DATABASE_URL="+env.db.ROURL)
	load := exec.Command(bin, "demo", "load", "--dir", filepath.Join(dir, "demo"), "--scale", "0.04",
		"--until", "2026-10", "--snapshots", "13")
	load.Env = base
	if out, err := load.CombinedOutput(); err != nil {
		return fmt.Errorf("demo load: %v\n%s", err, out)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return err
	}
	addr := ln.Addr().String()
	ln.Close()
	env.log, err = os.Create(filepath.Join(dir, "server.log"))
	if err != nil {
		return err
	}
	env.cmd = exec.Command(bin, "serve")
	env.cmd.Env = append(base, "CONOSCENZA_ADDR="+addr, "CONOSCENZA_RATE_USER=off", "CONOSCENZA_RATE_ADDRESS=off", "OLLAMA_HOST=")
	env.cmd.Stdout, env.cmd.Stderr = env.log, env.log
	if err := env.cmd.Start(); err != nil {
		return err
	}
	env.url = "http://" + addr
	deadline := time.Now().Add(30 * time.Second)
	for time.Now().Before(deadline) {
		resp, err := http.Get(env.url + "/readyz")
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == 200 {
				return nil
			}
		}
		time.Sleep(200 * time.Millisecond)
	}
	return fmt.Errorf("server not ready after 30s; log in %s", env.log.Name())
}

func stopServer() {
	if env.cmd != nil && env.cmd.Process != nil {
		_ = env.cmd.Process.Signal(os.Interrupt)
		done := make(chan struct{})
		go func() { _ = env.cmd.Wait(); close(done) }()
		select {
		case <-done:
		case <-time.After(10 * time.Second):
			_ = env.cmd.Process.Kill()
		}
	}
	if env.log != nil {
		env.log.Close()
	}
	if env.dataDir != "" {
		os.RemoveAll(env.dataDir)
	}
}

// demoPassword is the public password of the demo user of role (web/auth/demo.go).
func demoPassword(role string) string { return "demo-" + role + "-2025" }

// browser is one headless Chromium (a fresh profile) driven by rod, on the test server.
type browser struct {
	t      testing.TB
	b      *rod.Browser
	page   *rod.Page
	base   string
	mu     sync.Mutex
	errors []string
	role   string
}

// newBrowser starts a fresh browser; role "" stays logged out, otherwise it logs in as the
// demo user of that role.
func newBrowser(t testing.TB, role string) *browser {
	t.Helper()
	base := server(t)
	l := launcher.New().Bin(chromiumPath).Headless(true).NoSandbox(true).Leakless(false).
		Set("disable-gpu").Set("disable-quic").Set("no-first-run").Set("disable-background-networking").
		Set("disable-component-update").Set("disable-sync").Set("disable-dev-shm-usage").
		Set("window-size", "1280,900").UserDataDir(t.TempDir())
	u, err := l.Launch()
	if err != nil {
		t.Fatalf("start chromium: %v", err)
	}
	rb := rod.New().ControlURL(u).Timeout(2 * time.Minute)
	if err := rb.Connect(); err != nil {
		t.Fatalf("connect to chromium: %v", err)
	}
	t.Cleanup(func() { _ = rb.Close(); l.Cleanup() })
	pg, err := rb.Page(proto.TargetCreateTarget{URL: "about:blank"})
	if err != nil {
		t.Fatalf("new page: %v", err)
	}
	if err := (proto.EmulationSetDeviceMetricsOverride{Width: 1280, Height: 900, DeviceScaleFactor: 1}).Call(pg); err != nil {
		t.Fatalf("viewport: %v", err)
	}
	b := &browser{t: t, b: rb, page: pg, base: base, role: role}
	b.listen()
	if role != "" {
		b.login(role)
	}
	return b
}

// listen collects what must not happen on a page: JavaScript exceptions, console errors (CSP
// violations are reported there too), and failed requests.
func (b *browser) listen() {
	add := func(s string) { b.mu.Lock(); b.errors = append(b.errors, s); b.mu.Unlock() }
	go b.page.EachEvent(
		func(e *proto.RuntimeExceptionThrown) {
			add("exception: " + e.ExceptionDetails.Text + " " + describe(e.ExceptionDetails.Exception))
		},
		func(e *proto.RuntimeConsoleAPICalled) {
			if e.Type == proto.RuntimeConsoleAPICalledTypeError {
				var parts []string
				for _, a := range e.Args {
					parts = append(parts, describe(a))
				}
				add("console.error: " + strings.Join(parts, " "))
			}
		},
		func(e *proto.LogEntryAdded) {
			if e.Entry.Level == proto.LogLogEntryLevelError {
				add("log: " + e.Entry.Text + " " + e.Entry.URL)
			}
		},
		func(e *proto.NetworkLoadingFailed) {
			if !e.Canceled {
				add(fmt.Sprintf("request failed: %s %s", e.ErrorText, e.BlockedReason))
			}
		},
	)()
	_ = proto.LogEnable{}.Call(b.page)
	_ = proto.RuntimeEnable{}.Call(b.page)
	_ = proto.NetworkEnable{}.Call(b.page)
}

func describe(o *proto.RuntimeRemoteObject) string {
	if o == nil {
		return ""
	}
	if o.Description != "" {
		return o.Description
	}
	return o.Value.String()
}

// allow forgets collected errors that contain substr (an expected failure the test provokes).
func (b *browser) allow(substr string) {
	b.mu.Lock()
	defer b.mu.Unlock()
	kept := b.errors[:0]
	for _, e := range b.errors {
		if !strings.Contains(e, substr) {
			kept = append(kept, e)
		}
	}
	b.errors = kept
}

// noErrors fails the test on any error the page logged so far.
func (b *browser) noErrors() {
	b.t.Helper()
	time.Sleep(100 * time.Millisecond) // let the last events arrive
	b.mu.Lock()
	defer b.mu.Unlock()
	for _, e := range b.errors {
		b.t.Errorf("page error: %s", e)
	}
	b.errors = nil
}

func (b *browser) fail(what string, err error) {
	b.t.Helper()
	b.t.Fatalf("%s: %v\n%s", what, err, serverLogTail())
}

func serverLogTail() string {
	if env.log == nil {
		return ""
	}
	data, _ := os.ReadFile(env.log.Name())
	if len(data) > 3000 {
		data = data[len(data)-3000:]
	}
	return "server log tail:\n" + string(data)
}

// open navigates to path and waits for the page to load.
func (b *browser) open(path string) {
	b.t.Helper()
	if err := b.page.Navigate(b.base + path); err != nil {
		b.fail("open "+path, err)
	}
	if err := b.page.WaitLoad(); err != nil {
		b.fail("load "+path, err)
	}
}

// status navigates to path and returns the HTTP status of the document.
func (b *browser) status(path string) int {
	b.t.Helper()
	var status int
	wait := b.page.EachEvent(func(e *proto.NetworkResponseReceived) bool {
		if e.Type == proto.NetworkResourceTypeDocument {
			status = e.Response.Status
			return true
		}
		return false
	})
	b.open(path)
	wait()
	return status
}

func (b *browser) login(role string) {
	b.t.Helper()
	b.open("/accedi?next=/chiedi")
	b.input(`#username`, "demo."+role)
	b.input(`#password`, demoPassword(role))
	wait := b.page.WaitNavigation(proto.PageLifecycleEventNameLoad)
	b.click(`#login-form button[type=submit]`)
	wait()
	b.waitVisible(`body[data-page="chiedi"]`)
	if got := b.attr(`body`, "data-role"); got != role {
		b.t.Fatalf("logged in as %q, page says role %q", role, got)
	}
}

func (b *browser) el(sel string) *rod.Element {
	b.t.Helper()
	e, err := b.page.Timeout(30 * time.Second).Element(sel)
	if err != nil {
		b.fail("find "+sel, err)
	}
	return e.CancelTimeout()
}

func (b *browser) waitVisible(sel string) *rod.Element {
	b.t.Helper()
	e := b.el(sel)
	if err := e.Timeout(30 * time.Second).WaitVisible(); err != nil {
		b.fail("wait visible "+sel, err)
	}
	return e
}

func (b *browser) click(sel string) {
	b.t.Helper()
	if err := b.waitVisible(sel).Click(proto.InputMouseButtonLeft, 1); err != nil {
		b.fail("click "+sel, err)
	}
}

// input types text into the field sel (real key events).
func (b *browser) input(sel, text string) {
	b.t.Helper()
	if err := b.waitVisible(sel).Input(text); err != nil {
		b.fail("type into "+sel, err)
	}
}

// text is the visible text of sel.
func (b *browser) text(sel string) string {
	b.t.Helper()
	s, err := b.waitVisible(sel).Text()
	if err != nil {
		b.fail("text of "+sel, err)
	}
	return s
}

func (b *browser) attr(sel, name string) string {
	b.t.Helper()
	v, err := b.el(sel).Attribute(name)
	if err != nil {
		b.fail("attribute "+name+" of "+sel, err)
	}
	if v == nil {
		return ""
	}
	return *v
}

// eval evaluates a JavaScript function body's expression `() => expr` (awaiting a promise)
// and decodes the result into out.
func (b *browser) eval(expr string, out any) {
	b.t.Helper()
	res, err := b.page.Evaluate(rod.Eval(`async () => (` + expr + `)`).ByPromise())
	if err != nil {
		b.fail("eval "+expr, err)
	}
	if out != nil {
		if err := res.Value.Unmarshal(out); err != nil {
			b.fail("decode eval result", err)
		}
	}
}

// waitJS waits until the expression is truthy.
func (b *browser) waitJS(expr string) {
	b.t.Helper()
	if err := b.page.Timeout(30 * time.Second).Wait(rod.Eval(`() => !!(` + expr + `)`)); err != nil {
		b.fail("wait for "+expr, err)
	}
}

// count is the number of elements matching sel.
func (b *browser) count(sel string) int {
	b.t.Helper()
	var n int
	b.eval(fmt.Sprintf(`document.querySelectorAll(%q).length`, sel), &n)
	return n
}

// keys presses keys on the focused element.
func (b *browser) keys(keys ...input.Key) {
	b.t.Helper()
	if err := b.page.Keyboard.Type(keys...); err != nil {
		b.fail("keys", err)
	}
}

// axeResult is the part of axe-core's results the tests read.
type axeResult struct {
	Violations []struct {
		ID     string `json:"id"`
		Impact string `json:"impact"`
		Help   string `json:"help"`
		Nodes  []struct {
			Target []any  `json:"target"`
			HTML   string `json:"html"`
		} `json:"nodes"`
	} `json:"violations"`
}

var axeSource struct {
	once sync.Once
	js   string
	err  error
}

// checkAccessibility runs axe-core (from the front-end's npm packages) on the page with the
// WCAG 2.1 A and AA rules and fails on any serious or critical violation.
func (b *browser) checkAccessibility() {
	b.t.Helper()
	axeSource.once.Do(func() {
		var data []byte
		data, axeSource.err = os.ReadFile(filepath.Join(repoRoot(), "web", "ui", "frontend", "node_modules", "axe-core", "axe.min.js"))
		axeSource.js = string(data)
	})
	if axeSource.err != nil {
		b.t.Fatalf("axe-core: %v (npm ci in web/ui/frontend)", axeSource.err)
	}
	// Injected through the DevTools protocol, which the page's CSP does not govern.
	if _, err := (proto.RuntimeEvaluate{Expression: axeSource.js}).Call(b.page); err != nil {
		b.fail("inject axe-core", err)
	}
	var res axeResult
	b.eval(`axe.run(document, {runOnly: {type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']}}).then(r => ({violations: r.violations.map(v => ({id: v.id, impact: v.impact, help: v.help, nodes: v.nodes.slice(0, 3).map(n => ({target: n.target, html: n.html}))}))}))`, &res)
	for _, v := range res.Violations {
		if v.Impact != "serious" && v.Impact != "critical" {
			b.t.Logf("axe (%s): %s — %s", v.Impact, v.ID, v.Help)
			continue
		}
		var where []string
		for _, n := range v.Nodes {
			where = append(where, fmt.Sprint(n.Target)+" "+n.HTML)
		}
		b.t.Errorf("accessibility (%s) %s: %s\n  %s", v.Impact, v.ID, v.Help, strings.Join(where, "\n  "))
	}
}

// screenshot checks that the page renders to a non-trivial image and, when
// CONOSCENZA_SCREENSHOTS=1 (make screenshots), saves it as docs/screenshots/<name>.png.
func (b *browser) screenshot(name string) {
	b.t.Helper()
	png, err := b.page.Screenshot(true, &proto.PageCaptureScreenshot{Format: proto.PageCaptureScreenshotFormatPng})
	if err != nil {
		b.fail("screenshot", err)
	}
	if len(png) < 5000 {
		b.t.Errorf("screenshot %s: only %d bytes", name, len(png))
	}
	if os.Getenv("CONOSCENZA_SCREENSHOTS") != "1" {
		return
	}
	dir := filepath.Join(repoRoot(), "docs", "screenshots")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		b.t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, name+".png"), png, 0o644); err != nil {
		b.t.Fatal(err)
	}
}

// eval2 evaluates a JavaScript expression to a string.
func (b *browser) eval2(expr string) string {
	b.t.Helper()
	var s string
	b.eval(expr, &s)
	return s
}
