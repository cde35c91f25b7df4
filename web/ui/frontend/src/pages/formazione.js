// Formazione (trainers): replay a conversation step by step, see what the model is told, and
// ask the same question in no-model and model mode side by side.
import { announce, markReady, showError } from '../lib/boot.js';
import { api } from '../lib/api.js';
import { h } from '../lib/dom.js';
import { t } from '../lib/i18n.js';
import { renderTable, renderProvenance } from '../lib/table.js';
import { stepper } from '../formazione/steps.js';

function modeLabel(mode) {
  return mode === 'model' ? t('formazione.mode.model') : t('formazione.mode.planner');
}

function answerView(a) {
  const meta = t('formazione.replay.meta', modeLabel(a.mode), a.prompt_version ?? '', a.duration_ms ?? '');
  return h('div', { class: 'mb-3', 'data-cz': 'answer', 'data-mode': a.mode ?? '' },
    h('p', { class: 'small text-muted mb-1', text: meta }),
    a.notice ? h('div', { class: 'alert alert-info py-1 small', role: 'note', text: a.notice }) : null,
    h('p', { class: 'cz-answer', text: a.answer ?? a.content ?? '' }),
    (a.tables ?? []).map((tb) => h('div', { class: 'mb-3' }, renderTable(tb), renderProvenance(tb))),
    stepper(a.steps ?? []));
}

// Side by side: the same question to the planner and to the model, in parallel.
const form = document.getElementById('fz-compare-form');
form.addEventListener('submit', async (ev) => {
  ev.preventDefault();
  const q = document.getElementById('fz-question').value.trim();
  if (!q) return;
  const btn = document.getElementById('fz-compare-btn');
  btn.disabled = true;
  announce(t('formazione.compare.running'));
  const cols = { planner: document.getElementById('fz-planner'), model: document.getElementById('fz-model') };
  for (const el of Object.values(cols)) el.replaceChildren(h('p', { text: t('common.loading') }));
  await Promise.all(Object.entries(cols).map(async ([mode, el]) => {
    try {
      const a = await api('/ask', { method: 'POST', body: { question: q, mode } });
      el.replaceChildren(answerView(a));
    } catch (err) {
      el.replaceChildren();
      showError(err, el);
    }
  }));
  btn.disabled = false;
  announce(t('formazione.compare.title'));
  loadConversations();
});

// Replay: the trainer's conversations, each answer with its steps.
async function openConversation(c) {
  const box = document.getElementById('fz-replay');
  box.replaceChildren(h('p', { text: t('common.loading') }));
  try {
    const conv = await api('/conversations/' + encodeURIComponent(c.id));
    const items = [];
    for (const m of conv.messages ?? []) {
      if (m.role === 'user') {
        items.push(h('h3', { class: 'h6 mt-3', text: t('formazione.replay.question') + ': ' + m.content }));
      } else {
        const p = m.payload ?? {};
        items.push(answerView({ ...p, answer: m.content, mode: m.mode, prompt_version: m.prompt_version }));
      }
    }
    box.replaceChildren(h('h3', { class: 'h5', tabindex: '-1', text: c.title }), ...items);
    box.firstChild.focus();
  } catch (err) {
    box.replaceChildren();
    showError(err, box);
  }
}

async function loadConversations() {
  const list = document.getElementById('fz-convs');
  try {
    const { conversations } = await api('/conversations');
    list.replaceChildren(...(conversations.length ? conversations.map((c) => h('li', { class: 'mb-1' },
      h('button', { type: 'button', class: 'btn btn-link p-0 text-start', 'data-cz': 'conversation', 'aria-label': t('formazione.replay.open', c.title, c.messages ?? ''),
        onclick: () => openConversation(c) }, c.title))) : [h('li', { text: t('formazione.replay.empty') })]));
  } catch (err) {
    showError(err, list.parentElement);
  }
}

async function loadBriefing() {
  const box = document.getElementById('fz-briefing');
  try {
    const b = await api('/formazione/briefing');
    box.replaceChildren(
      h('p', { text: t('formazione.briefing.intro', b.prompt_version, b.role, b.model_enabled ? t('common.yes') : t('common.no')) }),
      h('details', {}, h('summary', { text: t('formazione.briefing.system') }), h('pre', { class: 'cz-sql p-2 bg-light border', 'data-cz': 'system-prompt' }, h('code', { text: b.system }))),
      h('details', {}, h('summary', { text: t('formazione.briefing.tools') + ` (${b.tools.length})` }),
        h('ul', { class: 'small' }, b.tools.map((x) => h('li', {}, h('code', { text: x.name ?? x.function?.name ?? '' }), ' — ', x.description ?? x.function?.description ?? '')))));
  } catch (err) {
    showError(err, box);
  }
}

Promise.all([loadConversations(), loadBriefing()]).then(markReady);
