package agent

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/comune-bologna/conoscenza/agent/planner"
	"github.com/comune-bologna/conoscenza/agent/semantic"
	"github.com/comune-bologna/conoscenza/agent/tool"
	"github.com/comune-bologna/conoscenza/ingest/db"
	"github.com/comune-bologna/conoscenza/prompts"
)

// Service answers questions.
type Service struct {
	Tools   *tool.Executor
	Planner *planner.Planner
	LLM     LLM // nil: no model configured
	Store   *Store
	Logger  *slog.Logger
	Limits  Limits
	Model   ModelLimits // bounds of the model loop (zero: defaults)
	Now     func() time.Time
	// Audit, when set, records every question and every tool call (with its SQL and rows);
	// a failure to record is logged and does not fail the answer.
	Audit Auditor
	// Observer, when set, is told about every tool call and answer (metrics).
	Observer Observer
}

// MaxQuestion is the longest question accepted, in characters.
const MaxQuestion = 2000

var stepLabels = map[string]string{
	tool.QueryMetrics:    "eseguo la query",
	tool.DescribeCatalog: "cerco nel catalogo",
	tool.SearchDocuments: "cerco nei documenti",
	tool.CompanyDossier:  "apro il fascicolo d'impresa",
	tool.RunSQL:          "eseguo la query SQL",
	tool.Platea:          "calcolo la platea",
	tool.BandoOutcome:    "confronto le beneficiarie del bando",
}

// turn collects one answer as it is built and streams it.
type turn struct {
	answer   *Answer
	sink     Sink
	results  []tool.Result
	started  time.Time
	fallback string // why the planner answered instead of the model, if it did
	lang     string // the question's language as the planner read it ("" until it does: Italian)
}

func (t *turn) step(s Step) Step {
	s.N = len(t.answer.Steps) + 1
	t.answer.Steps = append(t.answer.Steps, s)
	t.sink.emit("step", s)
	return s
}

// Ask answers one question. The answer comes from the model when one is configured and ready,
// else (or when it fails) from the planner, with a notice; it is never an error page for a
// model outage. Errors are for bad input, unknown conversations and cancelled requests.
func (s *Service) Ask(ctx context.Context, req Request, sink Sink) (_ *Answer, err error) {
	start := time.Now()
	lim := s.Limits.withDefaults()
	q := strings.TrimSpace(req.Question)
	switch {
	case q == "":
		return nil, db.Errorf(db.CodeInvalid, "la domanda è vuota")
	case utf8.RuneCountInString(q) > MaxQuestion:
		return nil, db.Errorf(db.CodeInvalid, "la domanda supera i %d caratteri", MaxQuestion)
	case req.ForceMode != "" && req.ForceMode != ModeModel && req.ForceMode != ModePlanner:
		return nil, db.Errorf(db.CodeInvalid, "mode must be %q or %q", ModeModel, ModePlanner)
	}
	ctx, cancel := context.WithTimeout(ctx, lim.Total)
	defer cancel()
	convID, prev, err := s.Store.open(ctx, req.ConversationID, req.Principal.UserID, q)
	if err != nil {
		return nil, err
	}
	t := &turn{answer: &Answer{ConversationID: convID, Question: q, PromptVersion: prompts.Version,
		Tables: []tool.Table{}, Citations: []tool.Citation{}, Steps: []Step{}}, sink: sink, started: start}
	defer func() { s.auditQuestion(ctx, req.Principal, t, err) }()
	sink.emit("start", map[string]string{"conversation_id": convID})

	var text string
	var state *planner.State
	fallback := ""
	useModel := s.LLM != nil && req.ForceMode != ModePlanner
	if req.ForceMode == ModeModel && s.LLM == nil {
		t.answer.Notice = "Nessun modello configurato: rispondo senza modello."
	}
	if useModel {
		if err := s.LLM.Ready(ctx); err != nil {
			t.answer.Notice = "Il modello non è disponibile: rispondo senza modello."
			s.logger(ctx).Warn("model not ready, falling back to the planner", "err", err)
			t.step(Step{Kind: "notice", Key: "notice.model_unavailable", Label: "modello non disponibile", Error: err.Error()})
			useModel, fallback = false, FallbackNotReady
		}
	}
	if useModel {
		t.answer.Mode, t.answer.Model = ModeModel, s.LLM.Name()
		text, state, err = s.runModel(ctx, req, prev, t, lim)
		if err != nil {
			if ctx.Err() != nil && errors.Is(context.Cause(ctx), context.Canceled) {
				return nil, ctx.Err()
			}
			s.logger(ctx).Warn("model failed, falling back to the planner", "err", err)
			t.answer.Notice = "Il modello non ha risposto correttamente: rispondo senza modello."
			fallback = FallbackFailed
			var blocked *BlockedError
			if errors.As(err, &blocked) {
				t.answer.Notice = "La risposta del modello è stata bloccata perché chiedeva o mostrava dati personali: rispondo senza modello."
				fallback = FallbackBlocked
				s.auditBlocked(ctx, req.Principal, t, blocked)
			}
			t.step(Step{Kind: "notice", Key: "notice.model_failed", Label: "modello non riuscito", Error: err.Error()})
			// What the model streamed (text, tables, citations) is void: the client starts over.
			// ("reset" with reason "fallback" voids everything; "retry" and "tool_calls", from the
			// model loop, only the streamed text.)
			sink.emit("reset", map[string]string{"reason": "fallback"})
			t.results, t.answer.Tables, t.answer.Citations = nil, []tool.Table{}, []tool.Citation{}
			useModel = false
		}
	}
	t.fallback = fallback
	if !useModel {
		t.answer.Mode, t.answer.Model = ModePlanner, ""
		text, state = s.runPlanner(ctx, req, q, prev, t, lim)
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}

	gs := time.Now()
	text, t.answer.Grounding = Ground(text, q, t.results)
	t.step(Step{Kind: "grounding", Key: "grounding", Label: "verifico i numeri", Detail: t.answer.Grounding, DurationMS: time.Since(gs).Milliseconds()})
	t.answer.Answer = text
	if t.answer.Notice != "" {
		sink.emit("notice", t.answer.Notice)
	}
	t.answer.DurationMS = time.Since(start).Milliseconds()
	if err := s.Store.save(context.WithoutCancel(ctx), t.answer, state); err != nil {
		return nil, err
	}
	sink.emit("done", t.answer)
	s.observeAnswer(t.answer, fallback)
	return t.answer, nil
}

func (s *Service) log() *slog.Logger {
	if s.Logger == nil {
		return slog.Default()
	}
	return s.Logger
}

type loggerKey struct{}

// WithLogger returns ctx carrying l, a logger that already names the request (its id): the
// service logs through it, so that every line about one request can be found by its id.
func WithLogger(ctx context.Context, l *slog.Logger) context.Context {
	return context.WithValue(ctx, loggerKey{}, l)
}

// logger is the request's logger when ctx carries one, else the service's.
func (s *Service) logger(ctx context.Context) *slog.Logger {
	if l, ok := ctx.Value(loggerKey{}).(*slog.Logger); ok && l != nil {
		return l
	}
	return s.log()
}

func (s *Service) now() time.Time {
	if s.Now != nil {
		return s.Now()
	}
	return time.Now()
}

// runPlanner answers without a model.
func (s *Service) runPlanner(ctx context.Context, req Request, q string, prev *planner.State, t *turn, lim Limits) (string, *planner.State) {
	ps := time.Now()
	s.refreshCalls(ctx)
	plan := s.Planner.Plan(q, prev, s.now())
	t.lang = plan.Lang
	t.step(Step{Kind: "plan", Key: "plan", Label: "interpreto la domanda", Detail: plan, DurationMS: time.Since(ps).Milliseconds()})
	var results []tool.Result
	for _, c := range plan.Calls {
		results = append(results, s.call(ctx, req.Principal, c, t, lim))
	}
	text := planner.Compose(plan, results)
	streamText(t.sink, text)
	return text, &plan.State
}

// call runs one tool call with its own timeout, records the step and streams what it produced.
func (s *Service) call(ctx context.Context, p tool.Principal, c tool.Call, t *turn, lim Limits) tool.Result {
	cctx, cancel := context.WithTimeout(ctx, lim.CallTimeout)
	defer cancel()
	start := time.Now()
	t.sink.emit("step", Step{N: len(t.answer.Steps) + 1, Kind: "tool_start", Key: "tool." + c.Name, Label: stepLabels[c.Name], Tool: c.Name})
	r := s.Tools.Execute(cctx, p, c)
	s.auditToolCall(ctx, p, t, r, time.Since(start))
	s.observeToolCall(r, time.Since(start))
	switch {
	case r.Cause == nil || db.ErrorCode(r.Cause) != db.CodeInternal:
	case ctx.Err() != nil: // the client went away or the answer ran out of time: not a fault
		s.logger(ctx).Debug("tool call cancelled", "tool", c.Name, "err", r.Cause)
	default:
		s.logger(ctx).Error("tool failed", "tool", c.Name, "err", r.Cause)
	}
	s.renumber(&r, t)
	label := stepLabels[c.Name]
	if label == "" {
		label = "strumento " + c.Name
	}
	t.step(Step{Kind: "tool_call", Key: "tool." + c.Name, Label: label, Tool: c.Name, Arguments: c.Arguments, SQL: r.SQL, Rows: r.Rows,
		Error: r.Error, Detail: toolDetail(r), DurationMS: time.Since(start).Milliseconds()})
	for i := range r.Tables {
		// the title, labels and unit in the answer's language, before anyone sees the table
		planner.Present(&r.Tables[i], t.lang)
	}
	for _, tb := range r.Tables {
		t.answer.Tables = append(t.answer.Tables, tb)
		t.sink.emit("table", tb)
	}
	for _, ci := range r.Citations {
		t.answer.Citations = append(t.answer.Citations, ci)
		t.sink.emit("citation", ci)
	}
	t.results = append(t.results, r)
	return r
}

// renumber gives tables (T1, T2, ...) and citations (D1, D2, ...) ids unique within the
// answer, rewriting the ids the model reads in the result's content.
func (s *Service) renumber(r *tool.Result, t *turn) {
	for i := range r.Tables {
		r.Tables[i].ID = fmt.Sprintf("T%d", len(t.answer.Tables)+i+1)
	}
	offset := len(t.answer.Citations)
	if offset == 0 {
		return
	}
	for i := len(r.Citations) - 1; i >= 0; i-- {
		old, id := r.Citations[i].ID, fmt.Sprintf("D%d", offset+i+1)
		r.Content = strings.ReplaceAll(r.Content, `id="`+old+`"`, `id="`+id+`"`)
		r.Citations[i].ID = id
	}
}

// toolDetail is what the trainer sees of a result: what the model read.
func toolDetail(r tool.Result) any {
	content := r.Content
	if len(content) > 4000 {
		content = content[:4000] + "…"
	}
	return map[string]any{"content": content, "tables": len(r.Tables), "citations": len(r.Citations)}
}

// streamText sends text as deltas of a few words, as a model would.
func streamText(sink Sink, text string) {
	if sink == nil {
		return
	}
	words := strings.SplitAfter(text, " ")
	for i := 0; i < len(words); i += 6 {
		sink.emit("delta", strings.Join(words[i:min(i+6, len(words))], ""))
	}
}

// stateFromCalls is the follow-up state a model turn leaves: its last metric query.
func stateFromCalls(results []tool.Result) *planner.State {
	st := &planner.State{}
	for _, r := range results {
		if r.Call.Name != tool.QueryMetrics || r.Error != "" || len(r.Tables) == 0 {
			continue
		}
		if q, ok := r.Tables[0].Query.(semantic.Query); ok {
			st.Intent, st.Query = planner.IntentMetric, &q
		}
	}
	return st
}
