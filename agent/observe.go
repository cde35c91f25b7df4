package agent

import (
	"time"

	"github.com/comune-bologna/conoscenza/agent/tool"
)

// Observer is told what each tool call and each answer did, for metrics (web.Telemetry
// satisfies it). Its methods must be cheap and safe for concurrent use.
type Observer interface {
	// ObserveToolCall: one tool call, its outcome (OutcomeOK, OutcomeRefused...), how long it
	// took and how many table cells small-number suppression hid.
	ObserveToolCall(tool, outcome string, d time.Duration, suppressed int)
	// ObserveAnswer: one answer given, in mode (ModeModel, ModePlanner); fallback is why the
	// planner answered instead of the model ("" when it did not: "not_ready", "failed");
	// model is the time spent in model turns.
	ObserveAnswer(mode, fallback string, model time.Duration)
}

// Reasons the planner answered instead of the model.
const (
	FallbackNotReady = "not_ready"
	FallbackFailed   = "failed"
	FallbackBlocked  = "blocked" // the model's text asked for or showed personal data
)

func (s *Service) observeToolCall(r tool.Result, d time.Duration) {
	if s.Observer == nil {
		return
	}
	suppressed := 0
	for _, tb := range r.Tables {
		suppressed += tb.Suppressed
	}
	s.Observer.ObserveToolCall(r.Call.Name, outcome(r), d, suppressed)
}

// observeAnswer reports a finished answer; the model's time is the sum of its turns' steps.
func (s *Service) observeAnswer(a *Answer, fallback string) {
	if s.Observer == nil {
		return
	}
	var model time.Duration
	for _, st := range a.Steps {
		if st.Kind == "model" {
			model += time.Duration(st.DurationMS) * time.Millisecond
		}
	}
	s.Observer.ObserveAnswer(a.Mode, fallback, model)
}
