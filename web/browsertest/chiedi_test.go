package browsertest

import (
	"encoding/json"
	"net/url"
	"strconv"
	"strings"
	"testing"

	"github.com/go-rod/rod"
	"github.com/go-rod/rod/lib/input"
)

// captureDownloads makes the page keep every blob it hands to a download (CSV, XLSX, PNG,
// SVG) in window.__downloads, so that a test can read what the user would save.
const captureDownloads = `(() => {
	if (window.__downloads) return true;
	window.__downloads = [];
	const orig = URL.createObjectURL.bind(URL);
	URL.createObjectURL = (b) => { window.__downloads.push(b); return orig(b); };
	HTMLAnchorElement.prototype.click = function () { window.__lastDownload = this.getAttribute('download'); };
	return true;
})()`

// watchStream records whether text and steps appeared in the last turn while it was still
// streaming (before its "done"), to prove the answer arrives piece by piece.
const watchStream = `(() => {
	window.__streamed = {text: false, steps: []};
	const thread = document.querySelector('[data-cz=thread]');
	new MutationObserver(() => {
		const turns = thread.querySelectorAll('[data-cz=turn]');
		const tn = turns[turns.length - 1];
		if (!tn || tn.dataset.state !== 'streaming') return;
		if (tn.querySelector('[data-cz=answer]').textContent.trim()) window.__streamed.text = true;
		for (const s of tn.querySelectorAll('[data-cz=step]')) {
			const l = s.dataset.kind + ':' + s.querySelector('[data-cz=step-label]').textContent;
			if (!window.__streamed.steps.includes(l)) window.__streamed.steps.push(l);
		}
	}).observe(thread, {subtree: true, childList: true, characterData: true, attributes: true});
	return true;
})()`

// lastTurnDone is true once the last turn has its final answer (or failed).
const lastTurnDone = `(() => { const ts = document.querySelectorAll('[data-cz=turn]'); const tn = ts[ts.length - 1];
	return tn && tn.dataset.state !== 'streaming'; })()`

// askByKeyboard types q into the question box and presses Enter.
func askByKeyboard(b *browser, q string) {
	b.t.Helper()
	b.el(`#cz-question`).MustFocus()
	if err := b.page.InsertText(q); err != nil {
		b.fail("type question", err)
	}
	b.keys(input.Enter)
	b.waitJS(lastTurnDone)
	if st := b.eval2(`[...document.querySelectorAll('[data-cz=turn]')].pop().dataset.state`); st != "done" {
		b.t.Fatalf("answer state %q: %s", st, b.eval2(`[...document.querySelectorAll('[data-cz=turn]')].pop().textContent`))
	}
}

// downloads reads the captured blobs as text (binary ones as their first bytes and type).
type download struct {
	Type string `json:"type"`
	Size int    `json:"size"`
	Text string `json:"text"`
	Head string `json:"head"`
}

func takeDownloads(b *browser) []download {
	var out []download
	b.eval(`Promise.all(window.__downloads.splice(0).map(async (bl) => ({type: bl.type, size: bl.size,
		text: bl.type.startsWith('text/') || bl.type.includes('svg') ? await bl.text() : '',
		head: String.fromCharCode(...new Uint8Array(await bl.slice(0, 4).arrayBuffer()))})))`, &out)
	return out
}

// The chat as a decisore: a question streams its steps and text, the answer has a table with
// its SQL and sources, a chart that switches kind, exports whose content matches the table; a
// territorial question draws the quartieri map; a follow-up keeps the conversation.
func TestChiediStreamsAnswersTablesChartsAndFollowUps(t *testing.T) {
	b := newBrowser(t, "decisore")
	b.open("/chiedi")
	b.waitJS(`document.body.dataset.ready === 'true'`)
	if n := b.count(`[data-cz=suggestion]`); n < 5 {
		t.Errorf("%d suggested questions, want at least 5", n)
	}
	mode := b.text(`[data-cz=mode]`)
	if !strings.Contains(mode, "senza modello") {
		t.Errorf("mode badge %q", mode)
	}
	b.eval(captureDownloads, nil)
	b.eval(watchStream, nil)

	// 1. A time series: steps, streamed text, table, SQL, sources, a line chart.
	askByKeyboard(b, "Domande di cassa integrazione per anno dal 2019")
	var streamed struct {
		Text  bool     `json:"text"`
		Steps []string `json:"steps"`
	}
	b.eval(`window.__streamed`, &streamed)
	// The steps are seen while the answer streams; the text arrives in pieces (delta events; the
	// last ones may come in the same network read as "done").
	// On a fast machine every event can arrive in one network read, before the browser paints:
	// then nothing is observable "while streaming", so the proof of streaming is the count of
	// delta events, and the steps are checked on the finished turn.
	deltas := b.eval2(`document.querySelector('[data-cz=turn]').dataset.deltas ?? ''`)
	stepLabels := b.eval2(`[...document.querySelectorAll('[data-cz=turn] [data-cz=step-label]')].map((e) => e.textContent).join('|')`)
	if n, _ := strconv.Atoi(deltas); n < 2 || !strings.Contains(stepLabels, "eseguo la query") {
		t.Errorf("answer not streamed in pieces or step missing: %+v seen while streaming, %s text pieces, steps %q", streamed, deltas, stepLabels)
	}
	var first struct {
		Answer   string     `json:"answer"`
		Steps    []string   `json:"steps"`
		Rows     [][]string `json:"rows"`
		SQL      string     `json:"sql"`
		Sources  string     `json:"sources"`
		Kind     string     `json:"kind"`
		Rendered string     `json:"rendered"`
		Mode     string     `json:"mode"`
		URL      string     `json:"url"`
	}
	b.eval(`(() => { const tn = document.querySelector('[data-cz=turn]'); return {
		answer: tn.querySelector('[data-cz=answer]').textContent,
		steps: [...tn.querySelectorAll('[data-cz=step-label]')].map(e => e.textContent),
		rows: [...tn.querySelectorAll('[data-cz=result-table] tbody tr')].map(tr => [...tr.cells].map(td => td.textContent)),
		sql: tn.querySelector('[data-cz=sql]').textContent,
		sources: tn.querySelector('[data-cz=provenance]').textContent,
		kind: tn.querySelector('[data-cz=chart]').dataset.kind,
		rendered: tn.querySelector('[data-cz=chart]').dataset.rendered,
		mode: tn.querySelector('[data-cz=answer-mode-badge]').dataset.mode,
		url: location.search,
	}})()`, &first)
	if !strings.Contains(first.Answer, "cassa integrazione") || len(first.Rows) < 5 || !strings.HasPrefix(first.SQL, "SELECT") ||
		!strings.Contains(first.Sources, "cassa integrazione") || first.Kind != "line" || first.Rendered != "true" || first.Mode != "planner" {
		t.Fatalf("first answer: %+v", first)
	}
	if !contains(first.Steps, "eseguo la query") || !contains(first.Steps, "verifico i numeri") {
		t.Errorf("steps %v", first.Steps)
	}
	if !strings.Contains(first.URL, "c=") {
		t.Errorf("the conversation is not in the URL: %q", first.URL)
	}
	if b.count(`[data-cz=chart] svg path`) == 0 {
		t.Error("the chart drew nothing")
	}
	b.click(`[data-cz=turn] [data-cz=chart-kind][data-kind=bar]`)
	b.waitJS(`document.querySelector('[data-cz=turn] [data-cz=chart]').dataset.kind === 'bar'`)
	if p := b.attr(`[data-cz=turn] [data-cz=chart-kind][data-kind=bar]`, "aria-pressed"); p != "true" {
		t.Errorf("bar button aria-pressed=%q", p)
	}

	// 2. Exports: CSV rows are the table's; XLSX is a zip from the server; SVG and PNG images.
	for _, k := range []string{"csv", "xlsx", "svg", "png"} {
		b.eval(`window.__lastDownload = null`, nil)
		b.click(`[data-cz=turn] [data-cz=export-` + k + `]`)
		b.waitJS(`window.__lastDownload`)
		all := takeDownloads(b)
		d := all[len(all)-1:] // the PNG is drawn from an SVG blob first
		switch k {
		case "csv":
			lines := strings.Split(strings.TrimRight(strings.TrimPrefix(d[0].Text, "\ufeff"), "\r\n"), "\r\n")
			if len(lines) != len(first.Rows)+1 || lines[0] != "Anno,Domande di cassa integrazione" {
				t.Errorf("CSV %q does not match the table's %d rows", d[0].Text, len(first.Rows))
				break
			}
			for i, r := range first.Rows {
				f := strings.Split(lines[i+1], ",")
				if f[0] != r[0] || strings.ReplaceAll(r[1], ".", "") != f[1] {
					t.Errorf("CSV line %d %q, table row %v", i+2, lines[i+1], r)
				}
			}
		case "xlsx":
			if d[0].Head != "PK\x03\x04" || d[0].Size < 2000 {
				t.Errorf("XLSX download: %+v", d[0])
			}
		case "svg":
			if d[0].Type != "image/svg+xml" || !strings.Contains(d[0].Text, "<svg") {
				t.Errorf("SVG download: %s %d", d[0].Type, d[0].Size)
			}
		case "png":
			if d[0].Type != "image/png" || d[0].Head != "\u0089PNG" {
				t.Errorf("PNG download: %+v", d[0])
			}
		}
	}

	// 3. A territorial question draws the quartieri map; a follow-up keeps the conversation.
	conv := conversationInURL(b)
	askByKeyboard(b, "Quante imprese femminili hanno chiuso dal 2020 per quartiere?")
	// the map draws after the turn is done (it fetches the quartieri's shapes first)
	b.waitJS(`[...document.querySelectorAll('[data-cz=turn]')].pop().querySelector('[data-cz=chart][data-rendered=true]')`)
	if k := b.eval2(`[...document.querySelectorAll('[data-cz=turn]')].pop().querySelector('[data-cz=chart]').dataset.kind`); k != "map" {
		t.Errorf("territorial answer drawn as %q, want map", k)
	}
	b.waitJS(`[...document.querySelectorAll('[data-cz=turn]')].pop().querySelector('[data-cz=map-note]').textContent.length > 0`)
	askByKeyboard(b, "E quelle giovanili?")
	if got := conversationInURL(b); got != conv || b.count(`[data-cz=turn]`) != 3 {
		t.Errorf("follow-up left the conversation %s for %s (%d turns)", conv, got, b.count(`[data-cz=turn]`))
	}
	if a := b.eval2(`[...document.querySelectorAll('[data-cz=turn]')].pop().querySelector('[data-cz=result-table] caption')?.textContent ?? ''`); !strings.Contains(a, "giovanil") {
		t.Errorf("follow-up did not carry the context: table %q", a)
	}

	b.checkAccessibility()
	b.noErrors()
}

// A document question cites numbered passages that open in a dialog (and close back to their
// button); feedback with a comment is recorded; the conversation is in the history, reopens
// from the URL, and is deleted.
func TestChiediCitationsFeedbackAndHistory(t *testing.T) {
	b := newBrowser(t, "decisore")
	b.open("/chiedi")
	b.waitJS(`document.body.dataset.ready === 'true'`)
	askByKeyboard(b, "Domande di cassa integrazione per anno dal 2019")
	conv := conversationInURL(b)
	askByKeyboard(b, "Cosa prevede il regolamento sui dehors?")
	if n := b.count(`[data-cz=turn]:last-child [data-cz=citation]`); n < 2 {
		t.Fatalf("%d citations", n)
	}
	if n := b.count(`[data-cz=turn]:last-child [data-cz=citation-ref]`); n < 1 {
		t.Errorf("no citation reference in the answer text")
	}
	var cite struct {
		Quote string `json:"quote"`
		Title string `json:"title"`
	}
	b.click(`[data-cz=turn]:last-child [data-cz=citation]`)
	b.waitJS(`document.querySelector('[data-cz=citation-dialog]')?.dataset.open === 'true'`)
	b.eval(`({quote: document.querySelector('[data-cz=citation-quote]').textContent, title: document.querySelector('[data-cz=citation-title]').textContent})`, &cite)
	if !strings.Contains(cite.Quote, "dehors") || !strings.Contains(cite.Title, "dehors") {
		t.Errorf("citation dialog %+v", cite)
	}
	b.checkAccessibility()
	b.keys(input.Escape)
	b.waitJS(`document.querySelector('[data-cz=citation-dialog]').dataset.open !== 'true' && document.activeElement?.dataset.cz === 'citation'`)

	// 5. Feedback with a comment.
	b.click(`[data-cz=turn]:last-child [data-cz=feedback-up]`)
	b.input(`[data-cz=turn]:last-child [data-cz=feedback-comment]`, "chiaro, grazie")
	b.click(`[data-cz=turn]:last-child [data-cz=feedback-send]`)
	b.waitJS(`document.querySelector('[data-cz=turn]:last-child [data-cz=feedback]').dataset.sent === 'true'`)

	b.checkAccessibility()
	b.screenshot("chiedi")

	// 6. History: the conversation is listed; a reload reopens it from the URL; delete it.
	b.waitJS(`document.querySelector('[data-cz=history-open][data-id="` + conv + `"]')`)
	b.open("/chiedi?c=" + conv)
	b.waitJS(`document.body.dataset.ready === 'true' && document.querySelectorAll('[data-cz=turn]').length === 2`)
	if n := b.count(`[data-cz=result]`); n != 1 || b.count(`[data-cz=citation]`) < 2 || b.count(`[data-cz=feedback]`) != 2 {
		t.Errorf("reopened conversation shows %d tables, %d citations", n, b.count(`[data-cz=citation]`))
	}
	if cur := b.attr(`[data-cz=history-open][data-id="`+conv+`"]`, "aria-current"); cur != "true" {
		t.Errorf("open conversation not marked current: %q", cur)
	}
	b.click(`[data-cz=history-item][data-id="` + conv + `"] [data-cz=history-delete]`)
	b.click(`[data-cz=history-delete-yes]`)
	b.waitJS(`!document.querySelector('[data-cz=history-open][data-id="` + conv + `"]') && document.querySelectorAll('[data-cz=turn]').length === 0`)
	if c := conversationInURL(b); c != "" {
		t.Errorf("deleted conversation still in the URL: %q", c)
	}
	b.noErrors()
}

// Keyboard only: Tab reaches the question box, Shift+Enter is a new line and does not send,
// Enter sends, focus comes back to the box; the suggestions and the answer's controls are
// reachable and operable with the keyboard; the citation dialog opens with Enter and Escape
// returns the focus.
func TestChiediKeyboardOnly(t *testing.T) {
	b := newBrowser(t, "staff")
	b.open("/chiedi")
	b.waitJS(`document.body.dataset.ready === 'true'`)
	for i := 0; i < 60 && b.eval2(`document.activeElement?.id ?? ''`) != "cz-question"; i++ {
		b.keys(input.Tab)
	}
	if id := b.eval2(`document.activeElement?.id ?? ''`); id != "cz-question" {
		t.Fatalf("Tab never reached the question box (focus on %q)", id)
	}
	if err := b.page.InsertText("Cosa prevede il regolamento"); err != nil {
		t.Fatal(err)
	}
	shifted(b, input.Enter)
	if err := b.page.InsertText("sui dehors?"); err != nil {
		t.Fatal(err)
	}
	if v := b.eval2(`document.getElementById('cz-question').value`); v != "Cosa prevede il regolamento\nsui dehors?" || b.count(`[data-cz=turn]`) != 0 {
		t.Fatalf("Shift+Enter: value %q, %d turns", v, b.count(`[data-cz=turn]`))
	}
	b.keys(input.Enter)
	b.waitJS(lastTurnDone)
	b.waitJS(`document.activeElement?.id === 'cz-question'`)
	// Shift+Tab back into the answer until a citation button has the focus, then open it.
	for i := 0; i < 80 && b.eval2(`document.activeElement?.dataset?.cz ?? ''`) != "citation"; i++ {
		shifted(b, input.Tab)
	}
	if cz := b.eval2(`document.activeElement?.dataset?.cz ?? ''`); cz != "citation" {
		t.Fatalf("Shift+Tab never reached a citation (focus on %q)", cz)
	}
	b.keys(input.Enter)
	b.waitJS(`document.querySelector('[data-cz=citation-dialog]')?.dataset.open === 'true' && document.querySelector('[data-cz=citation-dialog]').contains(document.activeElement)`)
	b.keys(input.Escape)
	b.waitJS(`document.activeElement?.dataset?.cz === 'citation'`)

	// A suggestion by keyboard: Tab to it, Enter asks it.
	b.eval(`document.querySelector('[data-cz=new-conversation]').focus()`, nil)
	b.keys(input.Enter)
	b.waitJS(`document.activeElement?.id === 'cz-question' && document.querySelectorAll('[data-cz=turn]').length === 0`)
	b.eval(`document.querySelector('[data-cz=suggestion]').focus()`, nil)
	b.keys(input.Enter)
	b.waitJS(`document.querySelectorAll('[data-cz=turn]').length === 1`)
	b.waitJS(lastTurnDone)
	var s string
	b.eval(`JSON.stringify([...document.querySelectorAll('[data-cz=turn] [data-cz=step-label]')].map(e => e.textContent))`, &s)
	var steps []string
	_ = json.Unmarshal([]byte(s), &steps)
	if len(steps) < 2 {
		t.Errorf("suggested question answered with steps %v", steps)
	}
	b.noErrors()
}

// conversationInURL is the ?c= parameter of the page's URL (the open conversation).
func conversationInURL(b *browser) string {
	b.t.Helper()
	return b.eval2(`new URLSearchParams(location.search).get('c') ?? ''`)
}

// shifted presses key with Shift held.
func shifted(b *browser, key input.Key) {
	b.t.Helper()
	kb := b.page.Keyboard
	if err := kb.Press(input.ShiftLeft); err != nil {
		b.fail("press shift", err)
	}
	if err := kb.Type(key); err != nil {
		b.fail("shift+key", err)
	}
	if err := kb.Release(input.ShiftLeft); err != nil {
		b.fail("release shift", err)
	}
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// Numbers the grounding check could not find are marked in the text with a visible "non
// verificato" tag and listed with an explanation (not colour alone). The no-model planner only
// writes grounded numbers, so the stream is the server's real answer with one number the
// check failed added, as a model's answer would come; then, for real, asking for the model on
// a server without one answers without it and says so.
func TestChiediMarksUnverifiedNumbersAndTheModeNotice(t *testing.T) {
	b := newBrowser(t, "decisore")
	b.open("/chiedi")
	b.waitJS(`document.body.dataset.ready === 'true'`)
	var answer map[string]any
	b.eval(`fetch('/api/v1/ask', {method: 'POST', headers: {'Content-Type': 'application/json',
		'X-CSRF-Token': document.querySelector('meta[name=csrf-token]').content},
		body: JSON.stringify({question: 'Imprese attive per settore'})}).then(r => r.json())`, &answer)
	text, _ := answer["answer"].(string)
	if text == "" {
		t.Fatalf("no answer: %v", answer)
	}
	answer["answer"] = text + " Nel 1990 erano 9.999 [non verificato]."
	answer["grounding"] = map[string]any{"checked": 14, "grounded": 13, "ungrounded": []string{"9.999"}, "ok": false}
	done, _ := json.Marshal(answer)
	start, _ := json.Marshal(map[string]any{"conversation_id": answer["conversation_id"]})
	sse := "id: 1\nevent: start\ndata: " + string(start) + "\n\nid: 2\nevent: done\ndata: " + string(done) + "\n\n"
	router := b.page.HijackRequests()
	router.MustAdd("*/api/v1/ask/stream", func(h *rod.Hijack) {
		h.Response.SetHeader("Content-Type", "text/event-stream")
		h.Response.SetBody(sse)
	})
	go router.Run()
	askByKeyboard(b, "Imprese attive per settore")
	if err := router.Stop(); err != nil {
		t.Fatal(err)
	}
	var marked struct {
		Mark   []string `json:"mark"`
		Tag    string   `json:"tag"`
		Report string   `json:"report"`
	}
	b.eval(`(() => { const tn = [...document.querySelectorAll('[data-cz=turn]')].pop(); return {
		mark: [...tn.querySelectorAll('[data-cz=answer] [data-cz=ungrounded]')].map(m => m.textContent),
		tag: tn.querySelector('[data-cz=answer] .cz-ungrounded-tag')?.textContent ?? '',
		report: tn.querySelector('[data-cz=ungrounded-report]')?.textContent ?? '' }})()`, &marked)
	if len(marked.Mark) != 1 || marked.Mark[0] != "9.999" || !strings.Contains(marked.Tag, "non verificato") ||
		!strings.Contains(marked.Report, "9.999") || !strings.Contains(marked.Report, "Controllali") {
		t.Errorf("unverified number not marked: %+v", marked)
	}
	b.checkAccessibility()

	// The model asked for on a server without one: answered without it, with the notice.
	b.eval(`(() => { const s = document.querySelector('[data-cz=mode-select]'); s.value = 'model'; return true })()`, nil)
	askByKeyboard(b, "Quante imprese giovanili attive per quartiere?")
	var mode struct {
		Badge  string `json:"badge"`
		Notice string `json:"notice"`
	}
	b.eval(`(() => { const tn = [...document.querySelectorAll('[data-cz=turn]')].pop(); return {
		badge: tn.querySelector('[data-cz=answer-mode-badge]')?.dataset.mode ?? '',
		notice: tn.querySelector('[data-cz=notice-text]')?.textContent ?? '' }})()`, &mode)
	if mode.Badge != "planner" || !strings.Contains(mode.Notice, "modello") {
		t.Errorf("model asked for, no model: %+v", mode)
	}
	b.noErrors()
}

// A link with ?q= (the dashboard's "chiedi di più") asks its question on arrival and then
// keeps only the conversation in the URL; the page works in English too.
func TestChiediAsksTheLinkedQuestionInEnglish(t *testing.T) {
	b := newBrowser(t, "staff")
	b.open("/chiedi?lang=en&q=" + url.QueryEscape("Imprese attive per settore"))
	b.waitJS(`document.querySelectorAll('[data-cz=turn]').length === 1`)
	b.waitJS(lastTurnDone)
	var got struct {
		H1, Question, State, Search, Form string
		Tables                            int
		Steps                             []string
	}
	b.eval(`({H1: document.querySelector('h1').textContent, Question: document.querySelector('[data-cz=question-text]').textContent,
		State: document.querySelector('[data-cz=turn]').dataset.state, Search: location.search,
		Form: document.querySelector('label[for=cz-question]').textContent,
		Tables: document.querySelectorAll('[data-cz=result]').length,
		Steps: [...document.querySelectorAll('[data-cz=step-label]')].map((e) => e.textContent)})`, &got)
	if got.H1 != "Ask" || got.Form != "Your question" || !strings.Contains(got.Question, "Imprese attive per settore") ||
		got.State != "done" || got.Tables != 1 || strings.Contains(got.Search, "q=") || !strings.Contains(got.Search, "c=") {
		t.Errorf("linked question: %+v", got)
	}
	// The steps' labels come from the server in Italian with a key: the page shows them in English.
	if steps := strings.Join(got.Steps, "|"); !strings.Contains(steps, "reading the question") || !strings.Contains(steps, "running the query") ||
		!strings.Contains(steps, "checking the numbers") || strings.Contains(steps, "interpreto la domanda") || strings.Contains(steps, "eseguo la query") {
		t.Errorf("English step labels: %q", got.Steps)
	}
	b.checkAccessibility()
	b.noErrors()
}
