package browsertest

import (
	"strings"
	"testing"
)

// The answer's own words (session 12, docs/web.md "Session 12: answer text"): quarters and
// months named in words in the text and the table, the table titled as a phrase, the prompt
// version kept for traceability in a closed "technical details" element; an English question
// on the English page is answered in English throughout: text, title, column labels, unit.
const lastAnswer = `(() => {
	const tn = [...document.querySelectorAll('[data-cz=turn]')].pop();
	const r = tn.querySelector('[data-cz=result]');
	const tech = tn.querySelector('[data-cz=answer-tech]');
	return {
		answer: tn.querySelector('[data-cz=answer]').textContent,
		title: r.querySelector('h3').textContent,
		facts: r.querySelector('[data-cz=result-facts]').textContent,
		head: [...r.querySelectorAll('[data-cz=result-table] thead th')].map((th) => th.textContent),
		first: [...r.querySelectorAll('[data-cz=result-table] tbody tr:first-child td')].map((td) => td.textContent),
		meta: tn.querySelector('[data-cz=answer-mode]').innerText,
		techOpen: !!tech?.open,
		tech: tech?.textContent ?? '',
	};
})()`

type answerView struct {
	Answer   string   `json:"answer"`
	Title    string   `json:"title"`
	Facts    string   `json:"facts"`
	Head     []string `json:"head"`
	First    []string `json:"first"`
	Meta     string   `json:"meta"`
	TechOpen bool     `json:"techOpen"`
	Tech     string   `json:"tech"`
}

func TestAnswersReadAsSentencesInTheQuestionsLanguage(t *testing.T) {
	b := newBrowser(t, "decisore")
	b.open("/chiedi")
	b.waitJS(`document.body.dataset.ready === 'true'`)
	askByKeyboard(b, "Aperture di imprese per trimestre nel 2025")
	var it answerView
	b.eval(lastAnswer, &it)
	if !strings.Contains(it.Answer, "nel 1° trimestre 2025") || strings.Contains(it.Answer, "2025-T") {
		t.Errorf("quarters in the Italian answer: %q", it.Answer)
	}
	if it.Title != "Aperture per trimestre, nel 2025" || strings.Contains(it.Title, "—") {
		t.Errorf("Italian table title %q", it.Title)
	}
	if len(it.First) == 0 || it.First[0] != "1° trim. 2025" {
		t.Errorf("first row %v: the quarter not named", it.First)
	}
	// the prompt version is there for traceability, not in a decision-maker's way
	if it.TechOpen || strings.Contains(it.Meta, "prompt") || !strings.Contains(it.Meta, "Dettagli tecnici") || !strings.Contains(it.Tech, "versione del prompt") {
		t.Errorf("technical details: meta %q, open %v, details %q", it.Meta, it.TechOpen, it.Tech)
	}
	b.click(`[data-cz=turn]:last-of-type [data-cz=answer-tech] summary`)
	if txt := b.eval2(`[...document.querySelectorAll('[data-cz=turn]')].pop().querySelector('[data-cz=answer-mode]').innerText`); !strings.Contains(txt, "versione del prompt system.") {
		t.Errorf("opened technical details show %q", txt)
	}

	b.open("/chiedi?lang=en")
	b.waitJS(`document.body.dataset.ready === 'true'`)
	askByKeyboard(b, "How many companies opened by quarter in 2025?")
	var en answerView
	b.eval(lastAnswer, &en)
	if !strings.Contains(en.Answer, "in Q1 2025") || !strings.Contains(en.Answer, "Source:") || strings.Contains(en.Answer, "trimestre") {
		t.Errorf("English answer: %q", en.Answer)
	}
	if en.Title != "Openings by quarter, in 2025" || strings.Join(en.Head, "|") != "Quarter|Openings" || !strings.Contains(en.Facts, "companies") || strings.Contains(en.Facts, "imprese") {
		t.Errorf("English table: title %q, head %v, facts %q", en.Title, en.Head, en.Facts)
	}
	if len(en.First) == 0 || en.First[0] != "Q1 2025" {
		t.Errorf("first row %v", en.First)
	}
	if !strings.Contains(en.Meta, "Technical details") {
		t.Errorf("English meta %q", en.Meta)
	}
	b.checkAccessibility()
	b.noErrors()
}
