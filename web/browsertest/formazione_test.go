package browsertest

import (
	"strings"
	"testing"
)

// A trainer asks one question in both modes side by side, then replays the conversation step
// by step, and sees what the model is told.
func TestFormazioneComparesModesAndReplaysSteps(t *testing.T) {
	b := newBrowser(t, "formatore")
	b.open("/formazione")
	b.waitVisible(`body[data-ready="true"]`)
	if sys := b.eval2(`document.querySelector('[data-cz="system-prompt"]').textContent`); !strings.Contains(sys, "formatore") && len(sys) < 200 {
		t.Errorf("system prompt shown: %.200q", sys)
	}
	b.input(`#fz-question`, "Quante imprese attive ci sono per quartiere?")
	b.click(`#fz-compare-btn`)
	b.waitVisible(`#fz-planner [data-cz="answer"]`)
	b.waitVisible(`#fz-model [data-cz="answer"]`)
	if n := b.count(`#fz-planner [data-cz="result-table"] tbody tr`); n < 6 {
		t.Errorf("planner answer has %d table rows, want the 6 quartieri at least", n)
	}
	// No model here: the model column says so (the notice) and still answers from the tools.
	if txt := b.text(`#fz-model [data-cz="answer"]`); !strings.Contains(strings.ToLower(txt), "modello") {
		t.Errorf("model column without a notice: %.300q", txt)
	}
	// Replay: the newest conversation, one step at a time.
	b.waitVisible(`#fz-convs [data-cz="conversation"]`)
	b.click(`#fz-convs [data-cz="conversation"]`)
	b.waitVisible(`#fz-replay [data-cz="step"]`)
	first := b.text(`#fz-replay [data-cz="stepper-view"]`)
	b.click(`#fz-replay [data-cz="step-next"]`)
	if second := b.text(`#fz-replay [data-cz="stepper-view"]`); second == first {
		t.Errorf("next step shows the same step: %.200q", second)
	}
	b.click(`#fz-replay [data-cz="step-all"]`)
	if n := b.count(`#fz-replay [data-cz="stepper-view"] [data-cz="step"][data-kind="tool_call"]`); n < 1 {
		t.Errorf("no tool call among the replayed steps")
	}
	if n := b.count(`#fz-replay pre`); n < 1 {
		t.Errorf("no SQL or detail shown in the replay")
	}
	b.checkAccessibility()
	b.screenshot("formazione")
	b.noErrors()
}
