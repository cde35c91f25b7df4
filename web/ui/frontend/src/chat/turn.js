// One question and its answer in the chat: the steps as they happen, the streamed text (a live
// region), the tables with chart, SQL, sources and exports, the citations, the grounding
// report, the mode, and the feedback form. A turn is filled either by the stream's events or,
// for a stored conversation, from the saved message at once.
import { h, icon } from '../lib/dom.js';
import { t, fmtNumber } from '../lib/i18n.js';
import { announce } from '../lib/boot.js';
import { resultBlock } from './result.js';
import { feedbackForm } from './feedback.js';
import { sectionWithin } from './where.js';

let turnSeq = 0;

// stepLabel is a step's label in the page's language: the string registered for its key
// (chiedi.step.<key>, web/ui/msg_chiedi_steps.go), else the server's Italian label.
function stepLabel(s) {
  if (s.key) {
    const k = 'chiedi.step.' + s.key;
    const v = t(k);
    if (v !== k) return v;
  }
  return s.label || s.kind;
}

// The grounding check's marker after a number it could not find in the tool results
// (agent.Marker), and a number as the check reads it.
const MARKER = ' [non verificato]';
const UNGROUNDED = /(\d+(?:[.,\u00a0\u202f]\d{3})*(?:[.,]\d+)?%?) \[non verificato\]/g;
const CITE = /\[(D\d+)\]/g;

// Turn is one question with its answer.
export class Turn {
  // opts.openCitation(citation, trigger) shows a passage.
  constructor(question, opts) {
    this.n = ++turnSeq;
    this.opts = opts;
    this.text = '';
    this.tables = [];
    this.citations = [];
    this.steps = new Map();
    const qid = `cz-turn-${this.n}-q`;
    this.heading = h('h2', { class: 'h5 cz-question', id: qid, tabindex: '-1', 'data-cz': 'question-text' },
      h('span', { class: 'visually-hidden', text: t('chiedi.question') + ': ' }), question);
    this.meta = h('p', { class: 'cz-answer-meta small mb-2', 'data-cz': 'answer-mode' });
    this.stepList = h('ol', { class: 'cz-steps list-unstyled small mb-2', 'data-cz': 'steps', 'aria-label': t('chiedi.steps') });
    this.noticeBox = h('div', { 'data-cz': 'notice' });
    this.answerEl = h('div', { class: 'cz-answer mb-2', 'data-cz': 'answer', 'aria-live': 'polite', 'aria-busy': 'true' });
    this.waiting = h('p', { class: 'small text-muted mb-2 cz-waiting', 'data-cz': 'waiting' },
      h('span', { class: 'progress-spinner progress-spinner-active progress-spinner-sm', 'aria-hidden': 'true' }),
      t('chiedi.streaming'));
    this.groundingBox = h('div', { 'data-cz': 'grounding' });
    this.tablesBox = h('div', { 'data-cz': 'tables' });
    this.citeList = h('ol', { class: 'cz-citations small' });
    this.citeBox = h('section', { class: 'cz-citations-box mb-3', 'data-cz': 'citations', hidden: true },
      h('h3', { class: 'h6', text: t('chiedi.citations') }), this.citeList);
    this.errorBox = h('div', { 'data-cz': 'turn-error' });
    this.feedbackBox = h('div', { 'data-cz': 'feedback-box' });
    this.el = h('article', { class: 'cz-turn mb-4', 'data-cz': 'turn', 'data-state': 'streaming', 'aria-labelledby': qid },
      this.heading,
      h('div', { class: 'cz-answer-card card card-bg' }, h('div', { class: 'card-body' },
        h('h3', { class: 'visually-hidden', text: t('chiedi.answer') }),
        this.meta, this.stepList, this.noticeBox, this.waiting, this.answerEl, this.groundingBox,
        this.errorBox, this.tablesBox, this.citeBox, this.feedbackBox)));
  }

  // step shows a step: a tool starting (with a spinner) and then its result, matched by n.
  step(s) {
    let li = this.steps.get(s.n);
    if (!li) {
      li = h('li', { class: 'cz-step', 'data-cz': 'step' });
      this.steps.set(s.n, li);
      this.stepList.append(li);
    }
    const running = s.kind === 'tool_start';
    const failed = !!s.error;
    const details = [];
    if (!running && s.rows) details.push(t('chiedi.steps.rows', fmtNumber(s.rows)));
    if (!running && s.duration_ms) details.push(t('chiedi.steps.ms', s.duration_ms));
    li.dataset.kind = s.kind;
    li.dataset.state = running ? 'running' : failed ? 'error' : 'done';
    li.replaceChildren(...[
      running ? h('span', { class: 'progress-spinner progress-spinner-active progress-spinner-sm cz-step-spin', 'aria-hidden': 'true' })
        : icon(failed ? 'it-warning-circle' : 'it-check-circle', `icon icon-xs ${failed ? 'icon-danger' : 'icon-success'} me-1`),
      h('span', { 'data-cz': 'step-label', 'data-key': s.key || null, text: stepLabel(s) }),
      running ? h('span', { class: 'visually-hidden', text: ' (' + t('chiedi.steps.running') + ')' }) : null,
      details.length ? h('span', { class: 'text-muted', text: ' · ' + details.join(' · ') }) : null,
      failed ? h('span', { class: 'text-danger', text: ' — ' + s.error }) : null].filter(Boolean));
    if (running) announce(t('chiedi.announce.step', stepLabel(s)));
  }

  // delta appends streamed words to the answer.
  delta(text) {
    this.waiting.remove();
    this.text += text;
    this.answerEl.textContent = this.text;
    this.el.dataset.deltas = String(Number(this.el.dataset.deltas ?? 0) + 1); // pieces received (tests, benchmark)
  }

  table(tb) {
    this.waiting.remove();
    this.tables.push(tb);
    const block = resultBlock(tb, this.tables.length);
    this.tablesBox.append(block.el);
    block.draw();
  }

  citation(c) {
    this.citations.push(c);
    this.citeBox.hidden = false;
    const n = this.citations.length;
    const where = [sectionWithin(c.section, c.title || c.document), c.page ? t('chiedi.citation.page', c.page) : ''].filter(Boolean).join(', ');
    const b = h('button', { type: 'button', class: 'btn btn-link p-0 text-start cz-cite-open', 'data-cz': 'citation', 'data-citation': c.id },
    h('span', { class: 'fw-semibold', text: `[${n}] ` }), c.title || c.document, where ? h('span', { class: 'text-muted', text: ' — ' + where }) : null);
    b.addEventListener('click', () => this.opts.openCitation(c, b));
    this.citeList.append(h('li', { 'data-citation-id': c.id }, b));
  }

  notice(msg) {
    if (!msg || this.noticeBox.textContent.includes(msg)) return;
    this.noticeBox.append(h('div', { class: 'alert alert-warning py-2 small', role: 'status', 'data-cz': 'notice-text' },
      h('strong', { text: t('chiedi.notice') + ': ' }), msg));
  }

  // reset voids what was streamed: everything (the model failed, the planner starts over) or
  // only the text (a model's preamble before its tool calls).
  reset(reason) {
    this.text = '';
    this.answerEl.textContent = '';
    if (reason === 'fallback') {
      this.tables = [];
      this.citations = [];
      this.tablesBox.replaceChildren();
      this.citeList.replaceChildren();
      this.citeBox.hidden = true;
      this.notice(t('chiedi.reset'));
    }
  }

  // done shows the final answer: the text with citations and unverified numbers marked, the
  // grounding report, the mode, and the feedback form.
  done(a) {
    if (this.tables.length !== (a.tables ?? []).length) {
      this.tables = [];
      this.tablesBox.replaceChildren();
      for (const tb of a.tables ?? []) this.table(tb);
    }
    if (this.citations.length !== (a.citations ?? []).length) {
      this.citations = [];
      this.citeList.replaceChildren();
      for (const c of a.citations ?? []) this.citation(c);
    }
    this.text = a.answer ?? '';
    this.renderText();
    this.renderMode(a.mode, a.model, a.prompt_version, a.duration_ms);
    if (a.notice) this.notice(a.notice);
    this.renderGrounding(a.grounding);
    if (a.message_id) this.feedbackBox.replaceChildren(feedbackForm(a.message_id, this.n));
    this.finish('done');
  }

  // fromStored fills the turn from a saved answer (GET /conversations/{id}).
  fromStored(msg) {
    const p = msg.payload ?? {};
    for (const s of p.steps ?? []) this.step(s);
    this.done({ answer: msg.content, tables: p.tables, citations: p.citations, grounding: p.grounding, notice: p.notice,
      mode: msg.mode, model: p.model, prompt_version: msg.prompt_version, message_id: msg.id });
  }

  error(err) {
    this.errorBox.replaceChildren(h('div', { class: 'alert alert-danger py-2', role: 'alert', 'data-cz': 'answer-error' },
      err?.message || t('err.network'), err?.requestID || err?.request_id ? h('span', { class: 'small d-block text-muted', text: 'request id: ' + (err.requestID || err.request_id) }) : null));
    this.finish('error');
  }

  stopped() {
    this.errorBox.replaceChildren(h('div', { class: 'alert alert-info py-2', role: 'status', text: t('chiedi.stopped') }));
    this.finish('stopped');
  }

  finish(state) {
    this.waiting.remove();
    for (const li of this.steps.values()) {
      if (li.dataset.state === 'running') li.dataset.state = state === 'done' ? 'done' : 'stopped';
    }
    this.stepList.querySelectorAll('.cz-step-spin').forEach((s) => s.classList.remove('progress-spinner-active'));
    this.answerEl.setAttribute('aria-busy', 'false');
    this.el.dataset.state = state;
  }

  // renderMode shows how the answer was made; the prompt version and the time taken, for
  // traceability, stay in a closed "technical details" element: jargon for a decision-maker.
  renderMode(mode, model, prompt, ms) {
    if (!mode) return;
    const label = mode === 'model' ? t('chiedi.mode.model', model || '') : t('chiedi.mode.planner');
    const tech = [prompt ? t('chiedi.mode.prompt', prompt) : '', ms != null ? t('chiedi.mode.duration', fmtNumber(ms)) : ''].filter(Boolean);
    this.meta.replaceChildren(...[
      h('span', { class: `badge ${mode === 'model' ? 'bg-success' : 'bg-secondary'} me-2`, 'data-cz': 'answer-mode-badge', 'data-mode': mode, text: label }),
      tech.length ? h('details', { class: 'cz-tech d-inline-block align-top text-muted', 'data-cz': 'answer-tech' },
        h('summary', { text: t('chiedi.mode.tech') }),
        h('span', { 'data-cz': 'answer-tech-text', text: tech.join(' · ') })) : null].filter(Boolean));
  }

  // renderText turns [D1] into buttons that open the passage and marks unverified numbers
  // with a visible text tag (not colour alone).
  renderText() {
    const out = [];
    const text = this.text;
    const re = new RegExp(`${UNGROUNDED.source}|${CITE.source}`, 'g');
    let last = 0;
    for (let m; (m = re.exec(text));) {
      out.push(text.slice(last, m.index));
      if (m[1] != null) {
        out.push(h('mark', { class: 'cz-ungrounded', 'data-cz': 'ungrounded' }, m[1]),
          h('span', { class: 'cz-ungrounded-tag' }, ' [', icon('it-warning-circle', 'icon icon-xs icon-danger'), t('chiedi.ungrounded.tag'), ']'));
      } else {
        const i = this.citations.findIndex((c) => c.id === m[2]);
        if (i < 0) {
          out.push(m[0]);
        } else {
          const c = this.citations[i];
          const b = h('button', { type: 'button', class: 'btn btn-link p-0 align-baseline cz-cite-ref', 'data-cz': 'citation-ref', 'data-citation': c.id,
            'aria-label': `[${i + 1}] ${t('chiedi.citation.open', c.title || c.document)}`, text: `[${i + 1}]` });
          b.addEventListener('click', () => this.opts.openCitation(c, b));
          out.push(b);
        }
      }
      last = re.lastIndex;
    }
    out.push(text.slice(last));
    this.answerEl.replaceChildren(...out.filter((x) => x !== ''));
  }

  renderGrounding(g) {
    if (!g) return;
    const bad = g.ungrounded ?? [];
    if (bad.length) {
      this.groundingBox.replaceChildren(h('div', { class: 'alert alert-danger py-2 small cz-ungrounded-box', role: 'note', 'data-cz': 'ungrounded-report' },
        h('p', { class: 'fw-semibold mb-1' }, icon('it-warning-circle', 'icon icon-sm icon-danger me-1'), t('chiedi.ungrounded.title')),
        h('p', { class: 'mb-1', text: t('chiedi.ungrounded.text') }),
        h('ul', { class: 'mb-0' }, bad.map((n) => h('li', {}, h('mark', { class: 'cz-ungrounded', text: n }))))));
    } else if (g.checked) {
      this.groundingBox.replaceChildren(h('p', { class: 'small text-success mb-2', 'data-cz': 'grounded' },
        icon('it-check-circle', 'icon icon-xs icon-success me-1'), t(!this.tables.length && this.citations.length ? 'chiedi.grounded.docs' : 'chiedi.grounded', g.grounded, g.checked)));
    }
  }

  resize() {
    this.tablesBox.querySelectorAll('[data-cz="chart"]').forEach((el) => el.czChart?.resize());
  }
}

export { MARKER };
